/* test_textclean.c - hostile bytes become clean UTF-8: controls, bidi, cuts, random input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "textclean.h"
#include "utf8.h"

#define FFFD "\xEF\xBF\xBD"

/* Clean a literal (which may hold NULs: pass its size) into a static buffer. */
static const char *clean_n(const char *in, size_t len, bool nl)
{
    static char out[4096];
    size_t n = text_clean(in, len, out, sizeof out, nl);
    assert_int_equal(n, strlen(out));
    return out;
}
#define CLEAN(lit, nl) clean_n(lit, sizeof(lit) - 1, nl)

/* An independent strict UTF-8 decoder: returns the code point length, or 0
 * when s[0..n) does not start with a well-formed character. */
static size_t ref_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || s[0] > 0xF4)
        return 0;
    uint32_t v = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* What must never come out of text_clean. */
static bool forbidden(uint32_t cp, bool nl)
{
    if (cp == '\n')
        return !nl;
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200B || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
           (cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFE) == 0xFFFE;
}

/* Fails the test unless s is well-formed UTF-8 with no forbidden character. */
static void check_clean(const char *s, bool nl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = ref_decode(p + i, n - i, &cp);
        if (k == 0)
            fail_msg("ill-formed UTF-8 at byte %zu", i);
        if (forbidden(cp, nl))
            fail_msg("forbidden U+%04X at byte %zu", (unsigned)cp, i);
        i += k;
    }
}

static void test_clean_text_unchanged(void **state)
{
    (void)state;
    const char *s = "小区东门的路灯坏了，晚上很黑。Please fix 🙏 👨\u200D👩\u200D👧 ok?\u00A0";
    assert_string_equal(clean_n(s, strlen(s), true), s);
    assert_string_equal(clean_n(s, strlen(s), false), s);
    check_clean(s, false);
}

static void test_controls_removed(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("a\x01" "b\x7f" "c\x1b[31md", true), "abc[31md");
    assert_string_equal(CLEAN("a\0b\0", true), "ab");               /* NULs too */
    assert_string_equal(CLEAN("x\xC2\x80y\xC2\x9Fz", true), "xyz");  /* C1 */
    assert_string_equal(CLEAN("a\tb", true), "a b");
    assert_string_equal(CLEAN("", true), "");
}

static void test_line_breaks(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("a\r\nb\rc\nd\r\r\ne", true), "a\nb\nc\nd\n\ne");
    assert_string_equal(CLEAN("a\r\nb\rc\nd", false), "a b c d");
    assert_string_equal(CLEAN("a\u2028b\u2029c", true), "a\nb\nc");
    assert_string_equal(CLEAN("a\u2028b", false), "a b");
    assert_string_equal(CLEAN("end\r", true), "end\n");
}

static void test_invalid_sequences_replaced(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("a\xC0\xAF" "b", true), "a" FFFD FFFD "b");      /* overlong / */
    assert_string_equal(CLEAN("\xE0\x80\xAF", true), FFFD FFFD FFFD);         /* overlong */
    assert_string_equal(CLEAN("\xED\xA0\x80", true), FFFD FFFD FFFD);         /* surrogate */
    assert_string_equal(CLEAN("\xF4\x90\x80\x80", true), FFFD FFFD FFFD FFFD);/* > 10FFFF */
    assert_string_equal(CLEAN("\xF5\xFF\xFE", true), FFFD FFFD FFFD);
    assert_string_equal(CLEAN("ok\xE4\xB8", true), "ok" FFFD);                 /* truncated */
    assert_string_equal(CLEAN("\xE4\xB8" "a", true), FFFD "a");                /* cut short */
    assert_string_equal(CLEAN("\xF0\x9F\x98", true), FFFD);
    assert_string_equal(CLEAN("\x80\xBF", true), FFFD FFFD);                   /* lone trails */
    assert_string_equal(CLEAN(FFFD, true), FFFD);                             /* valid as is */
}

static void test_invisible_format_characters(void **state)
{
    (void)state;
    /* Trojan-source style reordering and hidden text go. */
    assert_string_equal(CLEAN("a\u202Eb\u202Ac\u2066d\u2069e\u200Ff\u061Cg", true), "abcdefg");
    assert_string_equal(CLEAN("\xEF\xBB\xBFhi\u200B!\u2060", true), "hi!");
    assert_string_equal(CLEAN("x\U000E0041\U000E007Fy", true), "xy");           /* tags */
    assert_string_equal(CLEAN("x\xEF\xBF\xBFy\xEF\xB7\x90z\U0001FFFE", true), "xyz");
    /* Joiners stay: emoji sequences need them. */
    assert_string_equal(CLEAN("a\u200Cb\u200Dc", true), "a\u200Cb\u200Dc");
}

static void test_cut_on_character_boundary(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(text_clean("中文", 6, out, 4, true), 6);
    assert_string_equal(out, "中");
    assert_int_equal(text_clean("中文", 6, out, 3, true), 6);
    assert_string_equal(out, "");
    /* Once a character does not fit, no later shorter one is written. */
    assert_int_equal(text_clean("中a", 4, out, 3, true), 4);
    assert_string_equal(out, "");
    assert_int_equal(text_clean("中文", 6, out, 7, true), 6);
    assert_string_equal(out, "中文");
    assert_int_equal(text_clean("abc", 3, NULL, 0, true), 3);   /* measuring only */
}

static void test_chars_and_blank(void **state)
{
    (void)state;
    assert_int_equal(utf8_count("", strlen("")), 0);
    assert_int_equal(utf8_count("中a😀é", strlen("中a😀é")), 4);
    assert_true(text_is_blank(""));
    assert_true(text_is_blank(" \n \u3000\u00A0\u2003\u200D\u3164"));
    assert_false(text_is_blank(" \n x"));
    assert_false(text_is_blank("\u3000。"));
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* Hostile input: random bytes mixed with pieces of valid and invalid text. */
static size_t random_input(unsigned char *buf, size_t max)
{
    static const char *const pieces[] = {
        "中", "😀", "\r\n", "\r", "\n", "\t", "\u202E", "\u2066", "\uFEFF", "\u200B",
        "\u200D", "\xC0\x80", "\xED\xBF\xBF", "\xF4\x90\x80\x80", "\xE4\xB8", "\x80",
        "\u2028", "\U000E0041", "\xEF\xBF\xBE", "a", " ", "\xC2\x85", "\0",
    };
    size_t n = 0, want = next_rand() % max;
    while (n < want) {
        if (next_rand() % 3 == 0) {
            buf[n++] = (unsigned char)next_rand();
            continue;
        }
        const char *p = pieces[next_rand() % (sizeof pieces / sizeof pieces[0])];
        size_t k = p[0] ? strlen(p) : 1;
        if (n + k > want)
            break;
        memcpy(buf + n, p, k);
        n += k;
    }
    return n;
}

static void test_random_input_property(void **state)
{
    (void)state;
    enum { MAXIN = 160 };
    unsigned char in[MAXIN];
    char full[MAXIN * TEXTCLEAN_MAX_GROWTH + 1], again[sizeof full], cut[sizeof full];
    for (int round = 0; round < 3000; round++) {
        size_t len = random_input(in, MAXIN);
        bool nl = round % 2 == 0;
        size_t total = text_clean((const char *)in, len, full, sizeof full, nl);
        assert_int_equal(total, strlen(full));
        assert_true(total <= TEXTCLEAN_MAX_GROWTH * len);
        check_clean(full, nl);
        /* Cleaning clean text changes nothing. */
        assert_int_equal(text_clean(full, total, again, sizeof again, nl), total);
        assert_string_equal(again, full);
        /* Every buffer size: a prefix of the whole, on a character boundary,
         * and as long as fits. */
        for (size_t size = 1; size <= total + 1; size++) {
            memset(cut, 'X', sizeof cut);
            assert_int_equal(text_clean((const char *)in, len, cut, size, nl), total);
            size_t k = strlen(cut);
            assert_true(k < size);
            assert_memory_equal(cut, full, k);
            check_clean(cut, nl);
            if (k < total) {
                uint32_t cp;
                size_t next = ref_decode((const unsigned char *)full + k, total - k, &cp);
                assert_true(next > 0);
                assert_true(k + next > size - 1);   /* the next one did not fit */
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_text_unchanged),
        cmocka_unit_test(test_controls_removed),
        cmocka_unit_test(test_line_breaks),
        cmocka_unit_test(test_invalid_sequences_replaced),
        cmocka_unit_test(test_invisible_format_characters),
        cmocka_unit_test(test_cut_on_character_boundary),
        cmocka_unit_test(test_chars_and_blank),
        cmocka_unit_test(test_random_input_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
