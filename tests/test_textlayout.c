/* test_textlayout.c - line breaking, kinsoku, ellipsis and UTF-8 helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_measure.h"
#include "textlayout.h"

/* Font size 20: a CJK character is 20 px, an ASCII one 10 px. */
#define SZ 20

static TlLines tl_test_lines;
static char tl_test_joined[8192];

/* Wrap s and join the lines with "|" (e.g. "一二三四|五，六七"). */
static const char *wrapj(const char *s, int max_w)
{
    size_t o = 0;
    int n = tl_wrap(fake_measure(), FONT_REGULAR, SZ, s, strlen(s), max_w,
                    &tl_test_lines);
    assert_true(n >= 0);
    assert_int_equal((size_t)n, tl_test_lines.n);
    tl_test_joined[0] = '\0';
    for (size_t i = 0; i < tl_test_lines.n; i++) {
        const TlLine *l = &tl_test_lines.lines[i];
        assert_true(o + l->len + 2 < sizeof tl_test_joined);
        if (i > 0)
            tl_test_joined[o++] = '|';
        memcpy(tl_test_joined + o, s + l->start, l->len);
        o += l->len;
        /* The width reported is the width of the line's bytes. */
        assert_int_equal(l->width, fake_measure_width_of(SZ, s + l->start, l->len));
    }
    tl_test_joined[o] = '\0';
    return tl_test_joined;
}

static int teardown(void **state)
{
    (void)state;
    tl_lines_free(&tl_test_lines);
    return 0;
}

/* Does the UTF-8 string `p` start with `prefix`? */
static int starts_with(const char *p, const char *prefix)
{
    return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* ---- kinsoku ----------------------------------------------------------- */

static const char *const closing[] = {
    "，", "。", "！", "？", "）", "」", "、", "；", "：", "”", "’", "』", "】",
    "》", "〉", "…", "·", "％", "～", "．",
    ",", ".", "!", "?", ")", ";", ":", "]", "}", "%",
};

/* "一二三四五" fills a 100 px line exactly, so a naive character wrap puts
 * the punctuation first on line 2; it must take "五" with it instead. */
static void test_kinsoku_closing(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        char s[64], want[64];
        snprintf(s, sizeof s, "一二三四五%s六七", closing[i]);
        snprintf(want, sizeof want, "一二三四|五%s六七", closing[i]);
        const char *got = wrapj(s, 100);
        if (strcmp(got, want) != 0)
            fail_msg("closing %s: got \"%s\", want \"%s\"", closing[i], got, want);
        for (size_t k = 0; k < tl_test_lines.n; k++)
            assert_false(starts_with(s + tl_test_lines.lines[k].start, closing[i]));
    }
}

/* A run of closing punctuation: the whole run stays after its character. */
static void test_kinsoku_run(void **state)
{
    (void)state;
    assert_string_equal(wrapj("一二三四五。」六七", 100), "一二三四|五。」六七");
    assert_string_equal(wrapj("一二三四五？！六", 100), "一二三四|五？！六");
    /* Narrower than the run: the line overflows rather than start with ！. */
    assert_string_equal(wrapj("好！！！！", 40), "好！！！！");
    assert_true(tl_test_lines.lines[0].width > 40);
}

static const char *const opening[] = {
    "（", "「", "“", "『", "【", "《", "〈", "‘", "(", "[",
};

/* "一二三四" + bracket fits the line, but the bracket must move down with
 * what follows it. */
static void test_opening_brackets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++) {
        char s[64], want[64];
        snprintf(s, sizeof s, "一二三四%s五六", opening[i]);
        snprintf(want, sizeof want, "一二三四|%s五六", opening[i]);
        const char *got = wrapj(s, 100);
        if (strcmp(got, want) != 0)
            fail_msg("opening %s: got \"%s\", want \"%s\"", opening[i], got, want);
    }
}

/* Quotation marks keep to the text they enclose; the text inside may
 * break between ideographs like any other (a naive wrap at 80 px gives
 * "请注意“|安全第一|”的原则"). */
static void test_quotes(void **state)
{
    (void)state;
    assert_string_equal(wrapj("请注意“安全第一”的原则", 80),
                        "请注意|“安全第|一”的原|则");
    assert_string_equal(wrapj("请注意“安全第一”的原则", 120),
                        "请注意“安全|第一”的原则");
}

/* ---- numbers, words, mixed text ------------------------------------------ */

static void test_numbers_not_split(void **state)
{
    (void)state;
    /* A naive wrap at 100 px gives "价格为1234|5678元". */
    assert_string_equal(wrapj("价格为12345678元", 100), "价格为|12345678元");
    /* 60 + 100 px for the date: "通知：" then the date whole. */
    assert_string_equal(wrapj("通知：2026-12-01开始", 120), "通知：|2026-12-01开|始");
    assert_string_equal(wrapj("电话13800138000", 120), "电话|13800138000");
    assert_string_equal(wrapj("面积3.14平方米", 70), "面积|3.14平|方米");
}

static void test_words_not_split(void **state)
{
    (void)state;
    assert_string_equal(wrapj("hello world foo", 110), "hello world|foo");
    assert_string_equal(wrapj("hello world foo", 80), "hello|world|foo");
    /* The trailing space is not counted in the width. */
    assert_int_equal(tl_test_lines.lines[0].width, 50);
    assert_string_equal(wrapj("Please visit the management office today", 120),
                        "Please visit|the|management|office today");
}

static void test_mixed_cjk_latin(void **state)
{
    (void)state;
    const char *s = "3号楼电梯将于12月5日进行年度检验 (annual inspection)";
    assert_string_equal(wrapj(s, 200),
                        "3号楼电梯将于12月5日|进行年度检验 (annual|inspection)");
    assert_string_equal(wrapj(s, 150),
                        "3号楼电梯将于12|月5日进行年度检|验 (annual|inspection)");
    assert_string_equal(wrapj(s, 390),
                        "3号楼电梯将于12月5日进行年度检验|(annual inspection)");
    for (int w = 110; w <= 500; w += 10) {   /* "inspection)" is 110 px */
        wrapj(s, w);
        /* Words and numbers are never split at these widths. */
        assert_non_null(strstr(tl_test_joined, "12"));
        assert_non_null(strstr(tl_test_joined, "annual"));
        assert_non_null(strstr(tl_test_joined, "inspection)"));
        assert_non_null(strstr(tl_test_joined, "(annual"));
        for (size_t k = 0; k < tl_test_lines.n; k++) {
            assert_true(tl_test_lines.lines[k].width <= w);
            assert_int_not_equal(s[tl_test_lines.lines[k].start], ' ');
        }
    }
}

/* ---- over-long words -------------------------------------------------- */

static void test_long_word_forced(void **state)
{
    (void)state;
    const char *url = "https://example.com/notice/2026/12/01/elevator-inspection";
    wrapj(url, 100);
    assert_true(tl_test_lines.n > 3);
    size_t pos = 0;
    for (size_t k = 0; k < tl_test_lines.n; k++) {
        assert_true(tl_test_lines.lines[k].width <= 100);
        assert_int_equal(tl_test_lines.lines[k].start, pos);
        pos += tl_test_lines.lines[k].len;
    }
    assert_int_equal(pos, strlen(url));

    assert_string_equal(wrapj("12345678901234567890123", 100),
                        "1234567890|1234567890|123");
    /* Forced breaks still keep closing punctuation off the line start. */
    assert_string_equal(wrapj("abcdefghij。x", 100), "abcdefghi|j。x");
    assert_string_equal(wrapj("abcdefghij,k", 100), "abcdefghi|j,k");
    /* A word after CJK text starts on its own line before being cut. */
    assert_string_equal(wrapj("请访问abcdefghijklmno", 100), "请访问|abcdefghij|klmno");
    /* Narrower than one character: one character a line. */
    assert_string_equal(wrapj("一二三", 5), "一|二|三");
}

/* ---- line breaks, spaces, empty ---------------------------------------- */

static void test_newlines(void **state)
{
    (void)state;
    assert_string_equal(wrapj("第一行\n第二行", 200), "第一行|第二行");
    assert_string_equal(wrapj("a\r\nb", 200), "a|b");
    assert_string_equal(wrapj("a\rb", 200), "a|b");
    assert_int_equal(tl_test_lines.n, 2);
    assert_string_equal(wrapj("a\n\nb", 200), "a||b");
    assert_int_equal(tl_test_lines.n, 3);
    assert_int_equal(tl_test_lines.lines[1].len, 0);
    assert_string_equal(wrapj("a\n", 200), "a|");
    assert_int_equal(tl_test_lines.n, 2);
    assert_string_equal(wrapj("\n", 200), "|");
    assert_int_equal(tl_test_lines.n, 2);
    /* Trailing spaces before a break are dropped; indentation is kept. */
    wrapj("ab  \n  cd", 200);
    assert_int_equal(tl_test_lines.n, 2);
    assert_int_equal(tl_test_lines.lines[0].len, 2);
    assert_int_equal(tl_test_lines.lines[0].width, 20);
    assert_int_equal(tl_test_lines.lines[1].start, 5);
    assert_int_equal(tl_test_lines.lines[1].len, 4);
    /* A mandatory break inside a paragraph that also wraps. */
    assert_string_equal(wrapj("一二三四五六\n七", 100), "一二三四五|六|七");
}

static void test_empty(void **state)
{
    (void)state;
    TlLines l = {0};
    assert_int_equal(tl_wrap(fake_measure(), FONT_REGULAR, SZ, "", 0, 100, &l), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(tl_wrap(fake_measure(), FONT_REGULAR, SZ, NULL, 0, 100, &l), 0);
    /* A reused TlLines is reset. */
    assert_int_equal(tl_wrap(fake_measure(), FONT_REGULAR, SZ, "一二三", 9, 20, &l), 3);
    assert_int_equal(tl_wrap(fake_measure(), FONT_REGULAR, SZ, "一", 3, 20, &l), 1);
    assert_int_equal(l.n, 1);
    tl_lines_free(&l);
    assert_null(l.lines);
    tl_lines_free(&l);
    tl_lines_free(NULL);
    /* Only spaces: one line, nothing visible. */
    assert_string_equal(wrapj("   ", 100), "");
    assert_int_equal(tl_test_lines.n, 1);
}

/* ---- invalid UTF-8 --------------------------------------------------- */

/* Lines must be in order, inside [0, len), and separated only by spaces
 * and line break bytes. */
static void check_cover(const char *s, size_t len, const TlLines *l)
{
    size_t pos = 0;
    for (size_t k = 0; k < l->n; k++) {
        assert_true(l->lines[k].start >= pos);
        for (size_t i = pos; i < l->lines[k].start; i++)
            assert_true(s[i] == ' ' || s[i] == '\n' || s[i] == '\r');
        pos = l->lines[k].start + l->lines[k].len;
        assert_true(pos <= len);
    }
    for (size_t i = pos; i < len; i++)
        assert_true(s[i] == ' ' || s[i] == '\n' || s[i] == '\r');
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char raw[] =
        "一二\xE4\xB8三\xFF四\xC0\xAF五\xED\xA0\x80六\x80七八九十\xF4\x90\x80\x80"
        "abc\xE0\x80\xAF一二三\xE4\xB8";   /* ends in a truncated sequence */
    size_t len = sizeof raw - 1;
    /* An exact-size heap copy, so ASan sees any read past len. */
    char *s = malloc(len);
    assert_non_null(s);
    memcpy(s, raw, len);
    for (int w = 10; w <= 300; w += 7) {
        TlLines l = {0};
        int n = tl_wrap(fake_measure(), FONT_REGULAR, SZ, s, len, w, &l);
        assert_true(n >= 1);
        check_cover(s, len, &l);
        assert_int_equal(l.lines[l.n - 1].start + l.lines[l.n - 1].len, len);
        tl_lines_free(&l);
    }
    /* Each truncated prefix, too. */
    for (size_t cut = 0; cut <= len; cut++) {
        char *p = malloc(cut ? cut : 1);
        assert_non_null(p);
        memcpy(p, raw, cut);
        TlLines l = {0};
        assert_true(tl_wrap(fake_measure(), FONT_REGULAR, SZ, p, cut, 50, &l) >= 0);
        check_cover(p, cut, &l);
        tl_lines_free(&l);
        free(p);
    }
    free(s);
}

/* U+FFFF is libunibreak's end-of-string marker: fed to it as is, it aborts
 * on an assert (libunibreak 1.1). It must wrap like any other character. */
static void test_u_ffff(void **state)
{
    (void)state;
    assert_string_equal(wrapj("ab\xEF\xBF\xBF一二三四五六", 100),
                        "ab\xEF\xBF\xBF一二三|四五六");
    assert_string_equal(wrapj("一二\xEF\xBF\xBE三四五六", 80),
                        "一二\xEF\xBF\xBE三|四五六");
}

/* ---- ellipsis --------------------------------------------------------- */

static size_t ell(const char *s, int max_w, char *buf, size_t size)
{
    return tl_ellipsize(fake_measure(), FONT_REGULAR, SZ, s, max_w, buf, size);
}

static void test_ellipsize(void **state)
{
    (void)state;
    char buf[256];

    assert_int_equal(ell("短文本", 100, buf, sizeof buf), 9);
    assert_string_equal(buf, "短文本");
    assert_int_equal(ell("一二三四五", 100, buf, sizeof buf), 15);
    assert_string_equal(buf, "一二三四五");
    assert_int_equal(ell("一二三四五六", 100, buf, sizeof buf), 15);
    assert_string_equal(buf, "一二三四…");
    assert_int_equal(ell("abcdefghijklmnop", 100, buf, sizeof buf), 11);
    assert_string_equal(buf, "abcdefgh…");
    /* Spaces before the ellipsis are dropped. */
    ell("hello world", 80, buf, sizeof buf);
    assert_string_equal(buf, "hello…");
    /* Not even "…" fits. */
    assert_int_equal(ell("一二三", 10, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ell("", 10, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    /* The text fits the width but not the buffer. */
    assert_int_equal(ell("一二三四", 200, buf, 8), 6);
    assert_string_equal(buf, "一…");
    assert_int_equal(ell("一二三四", 200, buf, 3), 0);
    assert_string_equal(buf, "");
}

/* Every width, every buffer size: valid UTF-8, fits, a prefix plus "…". */
static void test_ellipsize_boundaries(void **state)
{
    (void)state;
    const char *s = "A栋3单元 电梯维修，预计12月5日完成。Thanks!";
    size_t slen = strlen(s);
    int full = fake_measure_width_of(SZ, s, slen);
    char buf[128];

    for (int w = 0; w <= full + 20; w++) {
        for (size_t size = 1; size <= sizeof buf; size += (size < 24 ? 1 : 13)) {
            size_t n = ell(s, w, buf, size);
            assert_int_equal(n, strlen(buf));
            assert_true(n < size);
            assert_true(utf8_valid(buf, n));
            assert_true(fake_measure_width_of(SZ, buf, n) <= w);
            if (w >= full && size > slen) {
                assert_string_equal(buf, s);
            } else if (n > 0) {
                assert_true(n >= 3);
                assert_memory_equal(buf + n - 3, "…", 3);
                assert_memory_equal(buf, s, n - 3);
                assert_true(n - 3 < slen);
            }
        }
    }
}

/* ---- clamped wrapping --------------------------------------------------- */

static void test_wrap_clamped(void **state)
{
    (void)state;
    TlLines l = {0};
    char last[64];
    const char *s = "一二三四五六七八九十一二三四五";

    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, s, 100, 2,
                                     &l, last, sizeof last), 2);
    assert_int_equal(l.n, 2);
    assert_string_equal(last, "六七八九…");
    assert_int_equal(l.lines[1].start, 15);
    assert_int_equal(l.lines[1].len, 12);
    assert_int_equal(l.lines[1].width, 100);

    /* Everything fits in three lines: no ellipsis. */
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, s, 100, 3,
                                     &l, last, sizeof last), 3);
    assert_string_equal(last, "一二三四五");
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, s, 100, 9,
                                     &l, last, sizeof last), 3);

    /* The kept line fits as is, but a paragraph follows. */
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ,
                                     "第一段\n第二段", 200, 1, &l, last,
                                     sizeof last), 1);
    assert_string_equal(last, "第一段…");
    assert_int_equal(l.lines[0].len, 9);
    assert_int_equal(l.lines[0].width, 80);
    /* Only a line break follows: nothing is hidden. */
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ,
                                     "第一段\n", 200, 1, &l, last, sizeof last), 1);
    assert_string_equal(last, "第一段");
    /* Also when the breaks are U+2028, U+2029 or NEL (found by fuzz_layout). */
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ,
                                     "第一段\u2028 \u2029\xc2\x85", 200, 1, &l, last,
                                     sizeof last), 1);
    assert_string_equal(last, "第一段");

    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, s, 100, 0,
                                     &l, last, sizeof last), 0);
    assert_string_equal(last, "");
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, "", 100, 2,
                                     &l, last, sizeof last), 0);

    /* A long body clamped to two lines measures only what it needs. */
    size_t big = 20000 * 3;
    char *body = malloc(big + 1);
    assert_non_null(body);
    for (size_t i = 0; i < big; i += 3)
        memcpy(body + i, "字", 3);
    body[big] = '\0';
    fake_measure_reset_stats();
    assert_int_equal(tl_wrap_clamped(fake_measure(), FONT_REGULAR, SZ, body, 200, 2,
                                     &l, last, sizeof last), 2);
    assert_true(fake_measure_calls() < 100);
    assert_string_equal(last, "字字字字字字字字字…");
    free(body);
    tl_lines_free(&l);
}

/* Flags are two regional indicators. libunibreak 1.1 aborts on them next to
 * other characters (found by fuzz_layout); a flag is never split. */
static void test_flags(void **state)
{
    (void)state;
    assert_string_equal(wrapj("国庆🇨🇳快乐", 1000), "国庆🇨🇳快乐");
    assert_string_equal(wrapj("国庆🇨🇳快乐", 60), "国庆|🇨🇳快|乐");
    assert_string_equal(wrapj("国庆🇨🇳快乐", 20), "国|庆|🇨🇳|快|乐");
    assert_string_equal(wrapj("🇨🇳🇯🇵🇰", 40), "🇨🇳|🇯🇵|🇰");
    assert_string_equal(wrapj("ab🇨🇳cd", 10), "a|b|🇨🇳|c|d");
    assert_string_equal(wrapj("🇨 x🇳", 1000), "🇨 x🇳");
}

/* ---- UTF-8 helpers ---------------------------------------------------- */

static void dec(const char *s, size_t len, size_t want_n, unsigned want_cp)
{
    unsigned cp = 0;
    size_t n = utf8_decode(s, len, &cp);
    if (n != want_n || cp != want_cp)
        fail_msg("decode of %zu bytes: got %zu/U+%04X, want %zu/U+%04X", len, n,
                 cp, want_n, want_cp);
}

static void test_utf8_decode(void **state)
{
    (void)state;
    dec("A", 1, 1, 'A');
    dec("\xC2\x80", 2, 2, 0x80);
    dec("\xC3\xA9", 2, 2, 0xE9);
    dec("\xE0\xA0\x80", 3, 3, 0x800);
    dec("中", 3, 3, 0x4E2D);
    dec("\xED\x9F\xBF", 3, 3, 0xD7FF);
    dec("\xEE\x80\x80", 3, 3, 0xE000);
    dec("\xEF\xBF\xBD", 3, 3, 0xFFFD);
    dec("\xF0\x9F\x98\x80", 4, 4, 0x1F600);
    dec("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF);
    /* Overlongs. */
    dec("\xC0\xAF", 2, 1, 0xFFFD);
    dec("\xC1\xBF", 2, 1, 0xFFFD);
    dec("\xE0\x80\xAF", 3, 1, 0xFFFD);
    dec("\xE0\x9F\xBF", 3, 1, 0xFFFD);
    dec("\xF0\x80\x80\xAF", 4, 1, 0xFFFD);
    dec("\xF0\x8F\xBF\xBF", 4, 1, 0xFFFD);
    /* Surrogates, beyond U+10FFFF, bytes that never occur. */
    dec("\xED\xA0\x80", 3, 1, 0xFFFD);
    dec("\xED\xBF\xBF", 3, 1, 0xFFFD);
    dec("\xF4\x90\x80\x80", 4, 1, 0xFFFD);
    dec("\xF5\x80\x80\x80", 4, 1, 0xFFFD);
    dec("\xFF", 1, 1, 0xFFFD);
    /* Stray continuation, truncated, bad continuation. */
    dec("\x80", 1, 1, 0xFFFD);
    dec("\xE4\xB8", 2, 1, 0xFFFD);
    dec("中", 2, 1, 0xFFFD);     /* len cuts the sequence */
    dec("\xF0\x9F\x98", 3, 1, 0xFFFD);
    dec("\xE4" "AB", 3, 1, 0xFFFD);
    dec("\xC3\xC3\xA9", 3, 1, 0xFFFD);
    dec("", 0, 0, 0xFFFD);
}

static void test_utf8_count_valid(void **state)
{
    (void)state;
    assert_int_equal(utf8_count("", 0), 0);
    assert_int_equal(utf8_count("a中é😀", 10), 4);
    assert_int_equal(utf8_count("a中\xFF" "b", 6), 4);
    assert_int_equal(utf8_count("\xE4\xB8", 2), 2);
    assert_int_equal(utf8_count("\xED\xA0\x80", 3), 3);
    assert_int_equal(utf8_count("中文", 4), 2);   /* 中 + a cut-off lead byte */

    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid("a中é😀\xF4\x8F\xBF\xBF\xEF\xBF\xBF", 17));
    assert_false(utf8_valid("\xC0\xAF", 2));
    assert_false(utf8_valid("\xE0\x80\xAF", 3));
    assert_false(utf8_valid("\xF0\x80\x80\xAF", 4));
    assert_false(utf8_valid("\xED\xA0\x80", 3));
    assert_false(utf8_valid("ab\xED\xBF\xBF", 5));
    assert_false(utf8_valid("\xF4\x90\x80\x80", 4));
    assert_false(utf8_valid("中", 2));
    assert_false(utf8_valid("abc\x80", 4));
    assert_false(utf8_valid("\xFE", 1));
}

/* ---- properties over pseudo-random text ------------------------------- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) & 0xFFFFFF;
}

static const char *const pool_cjk[] = {
    "电", "梯", "停", "车", "物", "业", "通", "知", "号", "楼", "月", "日",
};
static const char *const pool_ascii[] = {
    "a", "b", "x", "Q", "0", "1", "7", "-", "/", " ", " ",
};

static int is_closing_at(const char *p, size_t avail)
{
    for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++) {
        size_t n = strlen(closing[i]);
        if (n <= avail && memcmp(p, closing[i], n) == 0)
            return 1;
    }
    return 0;
}

static int is_opening_at_end(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++) {
        size_t n = strlen(opening[i]);
        if (n <= len && memcmp(s + len - n, opening[i], n) == 0)
            return 1;
    }
    return 0;
}

static int is_opening_at(const char *p, size_t avail)
{
    for (size_t i = 0; i < sizeof opening / sizeof opening[0]; i++) {
        size_t n = strlen(opening[i]);
        if (n <= avail && memcmp(p, opening[i], n) == 0)
            return (int)n;
    }
    return 0;
}

/* True when the line cannot be broken by the rules: leading spaces, opening
 * brackets (and spaces after them), one character, then only closing punctuation and
 * spaces ("《月·", "字！！", "（ 通", "号） 。"). */
static int is_glued(const char *s, size_t len)
{
    unsigned cp;
    size_t i = 0;
    int n;
    while (i + 1 < len && s[i] == ' ')
        i++;    /* indentation at a paragraph start */
    while ((n = is_opening_at(s + i, len - i)) > 0 && i + (size_t)n < len) {
        i += (size_t)n;
        while (i + 1 < len && s[i] == ' ')
            i++;
    }
    i += utf8_decode(s + i, len - i, &cp);
    while (i < len) {
        size_t j;
        if (s[i] == ' ') {
            i++;
            continue;
        }
        for (j = 0; j < sizeof closing / sizeof closing[0]; j++) {
            size_t cn = strlen(closing[j]);
            if (cn <= len - i && memcmp(s + i, closing[j], cn) == 0)
                break;
        }
        if (j == sizeof closing / sizeof closing[0])
            return 0;
        i += strlen(closing[j]);
    }
    return 1;
}

static void test_property_random(void **state)
{
    (void)state;
    char s[512];
    TlLines *lp = &tl_test_lines;   /* freed by teardown, even on failure */

    for (int iter = 0; iter < 400; iter++) {
        size_t len = 0;
        int nch = (int)(rng() % 60);
        for (int c = 0; c < nch; c++) {
            uint32_t r = rng() % 100;
            const char *piece;
            if (r < 45)
                piece = pool_cjk[rng() % (sizeof pool_cjk / sizeof pool_cjk[0])];
            else if (r < 75)
                piece = pool_ascii[rng() % (sizeof pool_ascii / sizeof pool_ascii[0])];
            else if (r < 88)
                piece = closing[rng() % (sizeof closing / sizeof closing[0])];
            else if (r < 96)
                piece = opening[rng() % (sizeof opening / sizeof opening[0])];
            else
                piece = (r < 98) ? "\n" : "\r\n";
            size_t pn = strlen(piece);
            memcpy(s + len, piece, pn);
            len += pn;
        }
        s[len] = '\0';
        int max_w = 40 + (int)(rng() % 360);

        int n = tl_wrap(fake_measure(), FONT_REGULAR, SZ, s, len, max_w, lp);
        assert_int_equal((size_t)n, lp->n);
        if (len > 0)
            assert_true(n >= 1);
        check_cover(s, len, lp);

        size_t newlines = 0;
        for (size_t i = 0; i < len; i++)
            newlines += s[i] == '\n';
        if (len > 0)
            assert_true(lp->n >= newlines + 1);

        size_t prev_end = 0;
        for (size_t k = 0; k < lp->n; k++) {
            const TlLine *ln = &lp->lines[k];
            const char *p = s + ln->start;
            int soft = 0;   /* line k follows a soft (not mandatory) break */
            if (k > 0) {
                soft = 1;
                for (size_t i = prev_end; i < ln->start; i++)
                    if (s[i] == '\n' || s[i] == '\r')
                        soft = 0;
            }
            assert_null(memchr(p, '\n', ln->len));
            assert_null(memchr(p, '\r', ln->len));
            assert_int_equal(ln->width, fake_measure_width_of(SZ, p, ln->len));
            if (ln->width > max_w && !is_glued(p, ln->len))
                fail_msg("iter %d: line \"%.*s\" is %d px > %d", iter,
                         (int)ln->len, p, ln->width, max_w);
            if (ln->len > 0)
                assert_int_not_equal(p[ln->len - 1], ' ');
            if (soft) {
                if (ln->len == 0 || p[0] == ' ')
                    fail_msg("iter %d: empty or space-led line %zu in \"%s\" at %d",
                             iter, k, s, max_w);
                if (is_closing_at(p, ln->len))
                    fail_msg("iter %d: line starts with closing: \"%.*s\"", iter,
                             (int)ln->len, p);
                const TlLine *pl = &lp->lines[k - 1];
                if (is_opening_at_end(s + pl->start, pl->len))
                    fail_msg("iter %d: line ends with opening: \"%.*s\" in \"%s\" at %d",
                             iter, (int)pl->len, s + pl->start, s, max_w);
            }
            prev_end = ln->start + ln->len;
        }
    }
    tl_lines_free(lp);
}

/* ---- cost -------------------------------------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* 20,000 characters wrap with O(n) measure calls over short strings, not
 * by re-measuring the rest of the body. */
static void test_cost_long_body(void **state)
{
    (void)state;
    static const char *const words[] = {"通知", "电梯", "，", "2026-12-01", " ",
                                        "inspection", "。", "物业管理处", "（", "）"};
    size_t cap = 200000, len = 0, chars = 0;
    char *body = malloc(cap);
    assert_non_null(body);
    for (uint32_t i = 0; chars < 20000; i++) {
        const char *w = words[(i * 7 + i / 3) % 10];
        size_t n = strlen(w);
        memcpy(body + len, w, n);
        len += n;
        chars += utf8_count(w, n);
    }
    char *url = malloc(20000);
    assert_non_null(url);
    for (size_t i = 0; i < 20000; i++)
        url[i] = (char)('a' + i % 26);

    struct { const char *s; size_t len; } cases[] = {{body, len}, {url, 20000}};
    for (size_t c = 0; c < 2; c++) {
        TlLines l = {0};
        fake_measure_reset_stats();
        double t0 = now_ms();
        int n = tl_wrap(fake_measure(), FONT_REGULAR, SZ, cases[c].s, cases[c].len,
                        600, &l);
        double dt = now_ms() - t0;
        assert_true(n > 100);
        check_cover(cases[c].s, cases[c].len, &l);
        print_message("wrap %zu bytes: %d lines, %zu measure calls, %zu bytes "
                      "measured, %.2f ms\n", cases[c].len, n, fake_measure_calls(),
                      fake_measure_bytes(), dt);
        assert_true(fake_measure_calls() <= 3 * 20000);
        /* Re-measuring the rest of the body would be ~n * n / 2 bytes. */
        assert_true(fake_measure_bytes() <= 50 * cases[c].len);
        assert_true(dt < 200.0);   /* generous: sanitizer builds */
        tl_lines_free(&l);
    }
    free(url);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_kinsoku_closing, teardown),
        cmocka_unit_test_teardown(test_kinsoku_run, teardown),
        cmocka_unit_test_teardown(test_opening_brackets, teardown),
        cmocka_unit_test_teardown(test_quotes, teardown),
        cmocka_unit_test_teardown(test_numbers_not_split, teardown),
        cmocka_unit_test_teardown(test_words_not_split, teardown),
        cmocka_unit_test_teardown(test_mixed_cjk_latin, teardown),
        cmocka_unit_test_teardown(test_long_word_forced, teardown),
        cmocka_unit_test_teardown(test_newlines, teardown),
        cmocka_unit_test_teardown(test_empty, teardown),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test_teardown(test_u_ffff, teardown),
        cmocka_unit_test(test_ellipsize),
        cmocka_unit_test(test_ellipsize_boundaries),
        cmocka_unit_test(test_wrap_clamped),
        cmocka_unit_test_teardown(test_flags, teardown),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_utf8_count_valid),
        cmocka_unit_test_teardown(test_property_random, teardown),
        cmocka_unit_test(test_cost_long_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
