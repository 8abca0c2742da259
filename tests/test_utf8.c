/* test_utf8.c - the one UTF-8 module: maximal subparts, sequence lengths,
 * encoding (decoding, counting and validity are in test_textlayout.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "utf8.h"

static void test_subpart_and_seq_len(void **state)
{
    (void)state;
    unsigned cp;
    /* A cut 3-byte sequence is one U+FFFD of its 2 bytes, not two. */
    assert_int_equal(utf8_decode_subpart("\xE4\xB8" "a", 3, &cp), 2);
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(utf8_decode("\xE4\xB8" "a", 3, &cp), 1);
    assert_int_equal(utf8_decode_subpart("\xED\xA0\x80", 3, &cp), 1);   /* surrogate */
    assert_int_equal(utf8_decode_subpart("中", 3, &cp), 3);
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(utf8_seq_len("中", 3), 3);
    assert_int_equal(utf8_seq_len("中", 2), 0);
    assert_int_equal(utf8_seq_len("\xC0\xAF", 2), 0);
    assert_int_equal(utf8_seq_len("\xF4\x90\x80\x80", 4), 0);
    assert_int_equal(utf8_seq_len("\xEF\xBF\xBD", 3), 3);   /* a real U+FFFD is valid */
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    static const unsigned cps[] = {0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x4E2D, 0xFFFD, 0xFFFF,
                                   0x10000, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        size_t n = utf8_encode(cps[i], buf);
        unsigned back;
        assert_true(utf8_valid(buf, n));
        assert_int_equal(utf8_decode(buf, n, &back), n);
        assert_int_equal(back, cps[i]);
        assert_int_equal(utf8_count(buf, n), 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subpart_and_seq_len),
        cmocka_unit_test(test_encode_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
