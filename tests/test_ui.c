/* test_ui.c - the screens' paragraph helpers (ui.c): wrapped, centred and
 * clamped paragraphs, measured with the fake measurer (an ASCII byte is
 * size/2 px wide, "…" size px, a line size*3/2 px high). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_priv.h"
#include "fake_measure.h"
#include "screen_util.h"
#include "ui.h"

#define SZ 20            /* font px: an ASCII byte is 10 px */
#define LH 30            /* line height */
#define INK ((Color){0, 0, 0, 255})

static Screen_ S;       /* an App on the sample content (for its measurer) */
static DrawList DL;     /* what the helpers draw into */

static int setup(void **state)
{
    su_start(&S, 1920, 1080, NULL);
    dl_init(&DL);
    return 0;
}

static int teardown(void **state)
{
    dl_free(&DL);
    su_stop(&S);
    return 0;
}

/* The text commands of dl, in order. */
static size_t texts(const DrawList *dl, const DlCmd **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < dl->ncmds && n < max; i++)
        if (dl->cmds[i].kind == DL_TEXT)
            out[n++] = &dl->cmds[i];
    return n;
}

static void test_para_wraps_at_x(void **state)
{
    (void)state;
    /* 100 px: two four-letter words a line. */
    int h = ui_para(S.app, &DL, 7, 50, 100, FONT_REGULAR, SZ, LH, INK,
                    "aaaa bbbb cccc dddd eeee");
    assert_int_equal(h, 3 * LH);
    const DlCmd *t[8];
    assert_int_equal(texts(&DL, t, 8), 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(t[i]->r.x, 7);
        assert_int_equal(t[i]->r.y, 50 + i * LH);   /* the fake's height is LH: no pad */
    }
    assert_string_equal(dl_str(&DL, t[2]), "eeee");
}

static void test_para_center_centres_each_line(void **state)
{
    (void)state;
    int h = ui_para_center(S.app, &DL, 10, 0, 100, FONT_REGULAR, SZ, LH, INK,
                           "aaaa bbbb cc");
    assert_int_equal(h, 2 * LH);
    const DlCmd *t[8];
    assert_int_equal(texts(&DL, t, 8), 2);
    assert_string_equal(dl_str(&DL, t[1]), "cc");
    assert_int_equal(t[1]->r.x, 10 + (100 - 20) / 2);   /* "cc" is 20 px */
    assert_int_equal(t[1]->r.y, LH);
}

/* Lines wholly outside the current clip are not emitted, centred or not;
 * the height still counts every line. */
static void test_paras_skip_lines_outside_the_clip(void **state)
{
    (void)state;
    const DlCmd *t[8];
    for (int center = 0; center < 2; center++) {
        dl_reset(&DL);
        dl_clip(&DL, (Rect){0, 100, 500, 20});
        /* Lines at y 0, 30, 60, 90, 120, 150: only those at 90 and 120 touch
         * the clip (100..120). */
        const char *p = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll";
        int h = (center ? ui_para_center : ui_para)(S.app, &DL, 0, 0, 100, FONT_REGULAR, SZ, LH,
                                                     INK, p);
        assert_int_equal(h, 6 * LH);
        assert_int_equal(texts(&DL, t, 8), 2);
        assert_string_equal(dl_str(&DL, t[0]), "gggg hhhh");
        assert_string_equal(dl_str(&DL, t[1]), "iiii jjjj");
        dl_unclip(&DL);
    }
}

/* At most max_lines, the last one cut with "…" when there is more; each
 * `pad` px down its line; the height drawn returned. */
static void test_para_clamped_cuts_the_last_line(void **state)
{
    (void)state;
    const char *p = "aaaa bbbb cccc dddd eeee";
    int h = ui_para_clamped(S.app, &DL, 5, 40, 100, FONT_BOLD, SZ, 36, 3,
                            INK, p, 2);
    assert_int_equal(h, 2 * 36);
    const DlCmd *t[8];
    assert_int_equal(texts(&DL, t, 8), 2);
    assert_string_equal(dl_str(&DL, t[0]), "aaaa bbbb");
    const char *last = dl_str(&DL, t[1]);
    assert_true(strncmp(last, "cccc", 4) == 0);
    size_t n = strlen(last);
    assert_true(n > 3 && strcmp(last + n - 3, "\xe2\x80\xa6") == 0);   /* ends in "…" */
    assert_true(fake_measure_width_of(SZ, last, n) <= 100);
    assert_int_equal(t[0]->r.x, 5);
    assert_int_equal(t[0]->r.y, 40 + 3);
    assert_int_equal(t[1]->r.x, 5);
    assert_int_equal(t[1]->r.y, 40 + 36 + 3);
    assert_int_equal(t[1]->face, FONT_BOLD);
}

static void test_para_clamped_short_text_and_no_room(void **state)
{
    (void)state;
    const DlCmd *t[8];
    /* It fits: drawn whole, no "…". */
    int h = ui_para_clamped(S.app, &DL, 0, 0, 100, FONT_REGULAR, SZ, LH, 0,
                            INK, "aaaa bbbb cc", 3);
    assert_int_equal(h, 2 * LH);
    assert_int_equal(texts(&DL, t, 8), 2);
    assert_string_equal(dl_str(&DL, t[0]), "aaaa bbbb");
    assert_string_equal(dl_str(&DL, t[1]), "cc");
    /* No line fits (max_lines 0 or less): nothing drawn, no height. */
    dl_reset(&DL);
    assert_int_equal(ui_para_clamped(S.app, &DL, 0, 0, 100, FONT_REGULAR, SZ, LH, 0,
                                     INK, "aaaa", 0), 0);
    assert_int_equal(ui_para_clamped(S.app, &DL, 0, 0, 100, FONT_REGULAR, SZ, LH, 0,
                                     INK, "aaaa", -2), 0);
    assert_int_equal(DL.ncmds, 0);
    /* Empty text: nothing. */
    assert_int_equal(ui_para_clamped(S.app, &DL, 0, 0, 100, FONT_REGULAR, SZ, LH, 0,
                                     INK, "", 2), 0);
    assert_int_equal(texts(&DL, t, 8), 0);
}

/* Every empty state looks the same: a grey icon, a bold line saying what
 * is missing, a sentence saying what happens next; under 全部 it does not
 * speak of "this kind". In both languages. */
static void test_empty_states_one_style(void **state)
{
    (void)state;
    Screen_ e;
    su_start(&e, 1920, 1080, "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"notices\":[],"
                             "\"events\":[],\"channels\":[]}");
    static const struct { const char *open, *tap, *zh, *en; } cases[] = {
        {"notices", NULL, "暂时没有通知", "No notices right now"},
        {"notices", "filter:repairs", "暂时没有“维修进度”类的通知", "No \"Repairs\" notices"},
        {"events", NULL, "近期没有社区活动", "No upcoming events"},
        {"board", NULL, "暂时还没有公布的办理结果", "No results have been posted yet"},
        {"connect", NULL, "暂时没有可扫码的渠道", "No channels to scan yet"},
    };
    for (int lang = 0; lang < 2; lang++)
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            app_set_lang(e.app, lang ? LANG_EN : LANG_ZH);
            assert_int_equal(app_open(e.app, cases[i].open), 0);
            if (cases[i].tap)
                su_tap(&e, cases[i].tap);
            su_draw(&e);
            const DlCmd *t = su_text(&e, lang ? cases[i].en : cases[i].zh);
            if (!t)
                fail_msg("%s %s: no \"%s\"", cases[i].open, lang ? "en" : "zh",
                         lang ? cases[i].en : cases[i].zh);
            assert_int_equal(t->face, FONT_BOLD);
            int icons = 0, hints = 0;
            for (size_t k = 0; k < e.dl.ncmds; k++) {
                const DlCmd *c = &e.dl.cmds[k];
                if (c->kind != DL_TEXT || c->r.y <= t->r.y - 400 || c->r.y > t->r.y + 400)
                    continue;
                if (c->face == FONT_ICON && c->r.y < t->r.y)
                    icons++;
                if (c->face == FONT_REGULAR && c->r.y > t->r.y)
                    hints++;
            }
            if (icons < 1 || hints < 1)
                fail_msg("%s %s: the empty state lacks its icon (%d) or its hint (%d)",
                         cases[i].open, lang ? "en" : "zh", icons, hints);
            if (!cases[i].tap) {
                assert_null(su_text(&e, "这一类"));
                assert_null(su_text(&e, "of this kind"));
            }
        }
    su_stop(&e);
}

/* Body lines of the long notice (FONT_REGULAR text holding its characters)
 * in e's frame: how many, and whether any lies off the window or holds the
 * last character, "终". */
static int body_lines(const Screen_ *e, int h, bool *outside, bool *last)
{
    int n = 0;
    for (size_t i = 0; i < e->dl.ncmds; i++) {
        const DlCmd *c = &e->dl.cmds[i];
        if (c->kind != DL_TEXT || c->face != FONT_REGULAR)
            continue;
        const char *t = dl_str(&e->dl, c);
        if (!strstr(t, "物") && !strstr(t, "终"))
            continue;
        n++;
        if (c->r.y + c->r.h < 0 || c->r.y > h)
            *outside = true;
        if (strstr(t, "终"))
            *last = true;
    }
    return n;
}

/* The largest notice the format allows (CONTENT_MAX_BODY characters) is
 * laid out once: opening it draws only the lines in view, a drag draws
 * only those and wraps nothing again, and dragging reaches its last
 * character. */
static void test_long_notice_draws_only_visible_lines(void **state)
{
    (void)state;
    static const char *const cyc[] = {"物", "业", "服", "务", "中", "心", "停", "水"};
    size_t cap = (size_t)CONTENT_MAX_BODY * 3 + 1024, n = 0;
    char *json = malloc(cap);
    assert_non_null(json);
    n += (size_t)snprintf(json + n, cap - n,
        "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"events\":[],\"channels\":[],\"notices\":[{"
        "\"id\":\"long\",\"category\":\"notice\",\"title\":{\"zh\":\"长通知\"},"
        "\"publish_at\":\"2026-11-01T08:00:00+08:00\",\"expire_at\":\"2027-03-01T00:00:00+08:00\","
        "\"body\":{\"zh\":\"");
    for (int i = 0; i < CONTENT_MAX_BODY - 1; i++)
        n += (size_t)snprintf(json + n, cap - n, "%s", i % 200 == 199 ? "\\n" : cyc[i % 8]);
    snprintf(json + n, cap - n, "终\"}}]}");
    Screen_ e;
    su_start(&e, 1920, 1080, json);
    free(json);
    assert_int_equal(app_open(e.app, "notice:long"), 0);
    su_draw(&e);
    su_draw(&e);
    bool outside = false, last = false;
    int seen = body_lines(&e, 1080, &outside, &last);
    int lh = ui_ts(e.app, DP_T_BODY) * 3 / 2;
    /* Hundreds of lines in all; on screen at most a window's height of them. */
    if (seen < 3 || seen > 1080 / lh + 2)
        fail_msg("opening drew %d body lines (a line is %d px)", seen, lh);
    assert_false(outside);
    assert_false(last);
    assert_int_equal(ui_wrap_cache_wraps(e.app->wrap), 1);

    int drags = 0;
    while (!last && drags++ < 500) {
        su_drag(&e, 960, 900, -600, 6);
        seen = body_lines(&e, 1080, &outside, &last);
        if (seen < 3 || seen > 1080 / lh + 2)
            fail_msg("drag %d drew %d body lines", drags, seen);
        assert_false(outside);
    }
    assert_true(last);                 /* the last character is reachable */
    assert_true(drags > 20);           /* far down a long text, not on its first page */
    assert_int_equal(ui_wrap_cache_wraps(e.app->wrap), 1);   /* laid out once */
    su_stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_para_wraps_at_x, setup, teardown),
        cmocka_unit_test_setup_teardown(test_para_center_centres_each_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paras_skip_lines_outside_the_clip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_para_clamped_cuts_the_last_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_para_clamped_short_text_and_no_room, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_states_one_style, setup, teardown),
        cmocka_unit_test(test_long_notice_draws_only_visible_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
