/* test_osk.c - the keyboard's text editing and its font filter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "osk.h"
#include "pinyin.h"
#include "fake_measure.h"

static void test_append_respects_char_limit_and_boundaries(void **state)
{
    (void)state;
    char buf[16] = "";
    OskTarget t = {buf, sizeof buf, 4};
    assert_int_equal(osk_append(&t, "社区"), 2);
    assert_int_equal(osk_append(&t, "物业管理"), 2);   /* only 2 more chars fit */
    assert_string_equal(buf, "社区物业");
    assert_int_equal(osk_append(&t, "a"), 0);
    /* The byte capacity also limits, never cutting a character. */
    char small[8] = "";
    OskTarget s = {small, sizeof small, 100};
    assert_int_equal(osk_append(&s, "一二三"), 2);     /* 6 bytes + NUL of 8 */
    assert_string_equal(small, "一二");
    assert_true(osk_delete_last(&s));
    assert_string_equal(small, "一");
    assert_true(osk_delete_last(&s));
    assert_false(osk_delete_last(&s));
    assert_string_equal(small, "");
}

static void test_delete_last_mixed(void **state)
{
    (void)state;
    char buf[32] = "ab停😀";
    OskTarget t = {buf, sizeof buf, 100};
    assert_true(osk_delete_last(&t));
    assert_string_equal(buf, "ab停");
    assert_true(osk_delete_last(&t));
    assert_string_equal(buf, "ab");
}

/* The font "cannot draw" 停: no candidate containing it is offered. */
static bool no_ting(void *ctx, uint32_t cp)
{
    (void)ctx;
    return cp != 0x505C;   /* 停 */
}

static void test_candidates_the_font_cannot_draw_are_left_out(void **state)
{
    (void)state;
    char err[200];
    Pinyin *py = pinyin_open(NULL, err, sizeof err);
    assert_non_null(py);
    Osk k;
    assert_int_equal(osk_init(&k, OSK_PINYIN, py, NULL), 0);
    char buf[64] = "";
    OskTarget t = {buf, sizeof buf, 20};
    const char *keys[] = {"key:t", "key:i", "key:n", "key:g", "key:c", "key:h", "key:e"};
    for (size_t i = 0; i < 7; i++)
        osk_press(&k, keys[i], &t, fake_measure(), 1.0, 1800);
    bool seen = false;
    for (size_t i = 0; i < pinyin_count(py); i++)
        if (strstr(pinyin_candidate(py, i), "停"))
            seen = true;
    assert_true(seen);                     /* without the filter: offered */
    osk_wipe_composition(&k);
    osk_set_filter(&k, no_ting, NULL);
    for (size_t i = 0; i < 7; i++)
        osk_press(&k, keys[i], &t, fake_measure(), 1.0, 1800);
    assert_true(pinyin_count(py) > 0);
    for (size_t i = 0; i < pinyin_count(py); i++)
        assert_null(strstr(pinyin_candidate(py, i), "停"));
    osk_free(&k);
    pinyin_close(py);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_respects_char_limit_and_boundaries),
        cmocka_unit_test(test_delete_last_mixed),
        cmocka_unit_test(test_candidates_the_font_cannot_draw_are_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
