/* fuzz_text.c - fuzz target bodies for text: cleaning and keyboard editing
 * (fuzz_textedit) and line layout with the fake measurer (fuzz_layout). */
#include "fuzz_targets.h"
#include "fuzz_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_measure.h"
#include "osk.h"
#include "textclean.h"
#include "textlayout.h"

/* ---- text_clean ------------------------------------------------------ */

/* Characters text_clean removes (textclean.h), line breaks aside. */
static bool dropped(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200B || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F) ||
           cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F) ||
           (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE ||
           cp == 0x2028 || cp == 0x2029;
}

/* Clean `len` bytes into a new string and check the result; caller frees. */
static char *clean(const char *in, size_t len, bool keep_nl, unsigned small)
{
    size_t cap = TEXTCLEAN_MAX_GROWTH * len + 1;
    char *out = malloc(cap);
    FZ_CHECK(out != NULL);
    size_t r = text_clean(in, len, out, cap, keep_nl);
    FZ_CHECK(r < cap);
    FZ_CHECK(strlen(out) == r);
    FZ_CHECK(utf8_valid(out, r));
    for (size_t i = 0; i < r;) {
        unsigned cp;
        i += utf8_decode(out + i, r - i, &cp);
        FZ_CHECK(!dropped(cp) || (keep_nl && cp == '\n'));
    }
    /* Clean text stays as it is. */
    char *again = malloc(r + 1);
    FZ_CHECK(again != NULL);
    FZ_CHECK(text_clean(out, r, again, r + 1, keep_nl) == r);
    FZ_CHECK(memcmp(again, out, r + 1) == 0);
    free(again);
    /* A small buffer gets the longest prefix that ends on a character. */
    FZ_CHECK(text_clean(in, len, NULL, 0, keep_nl) == r);
    char *cut = malloc(small + 1);
    FZ_CHECK(cut != NULL);
    FZ_CHECK(text_clean(in, len, cut, small + 1, keep_nl) == r);
    size_t k = strlen(cut);
    FZ_CHECK(k <= small && memcmp(cut, out, k) == 0);
    if (k < r) {
        unsigned cp;
        FZ_CHECK(k + utf8_decode(out + k, r - k, &cp) > small);
    }
    free(cut);
    return out;
}

/* ---- editing --------------------------------------------------------- */

static void check_target(const OskTarget *t)
{
    size_t len = strnlen(t->buf, t->cap);
    FZ_CHECK(len < t->cap);
    FZ_CHECK(utf8_valid(t->buf, len));
    FZ_CHECK(utf8_count(t->buf, len) <= t->max_chars);
}

/* Keys of the ABC and 123 modes, and ones that must be harmless without
 * the pinyin engine or a handwriting model. */
static const char *const keys[] = {
    "key:bksp", "key:space", "key:shift", "key:sep", "key:a", "key:z", "key:q",
    "key:sym:1", "key:sym:，", "key:sym:…", "mode:abc", "mode:123", "mode:pinyin",
    "mode:hand", "cand:0", "cand:next", "cand:prev", "hw:undo", "hw:clear", "key:",
    "key:sym:", "key:zz", "nokey",
};

/* Input: max_chars, cap, then commands: an op byte and its operands. */
int fuzz_textedit(const uint8_t *data, size_t size)
{
    FzIn in = {data, size};
    OskTarget t;
    t.max_chars = fz_byte(&in) % 80;
    t.cap = 1 + fz_byte(&in) % 200;
    t.buf = malloc(t.cap);   /* exactly cap bytes: ASan sees any overrun */
    FZ_CHECK(t.buf != NULL);
    t.buf[0] = '\0';
    Osk k;
    FZ_CHECK(osk_init(&k, OSK_ABC, NULL, NULL) == 0);
    char *before = malloc(t.cap);
    FZ_CHECK(before != NULL);

    while (in.n > 0) {
        unsigned op = fz_byte(&in);
        memcpy(before, t.buf, t.cap);
        size_t blen = strlen(before);
        switch (op % 4) {
        case 0: {   /* type cleaned text: osk_append */
            size_t n = fz_byte(&in) % 64;
            unsigned small = fz_byte(&in) % 16;
            if (n > in.n)
                n = in.n;
            char *s = clean((const char *)in.p, n, op & 4, small);
            in.p += n;
            in.n -= n;
            size_t added = osk_append(&t, s);
            size_t len = strlen(t.buf);
            FZ_CHECK(memcmp(t.buf, before, blen) == 0);
            FZ_CHECK(memcmp(t.buf + blen, s, len - blen) == 0);
            FZ_CHECK(utf8_count(t.buf + blen, len - blen) == added);
            if (len - blen < strlen(s)) {   /* cut: by the limit or the buffer */
                unsigned cp;
                size_t next = utf8_decode(s + (len - blen), strlen(s) - (len - blen), &cp);
                FZ_CHECK(utf8_count(t.buf, len) == t.max_chars || len + next + 1 > t.cap);
            }
            free(s);
            break;
        }
        case 1: {   /* backspace: osk_delete_last */
            bool had = blen > 0;
            FZ_CHECK(osk_delete_last(&t) == had);
            size_t len = strlen(t.buf);
            FZ_CHECK(memcmp(t.buf, before, len) == 0);
            if (had)
                FZ_CHECK(utf8_count(before + len, blen - len) == 1);
            break;
        }
        case 2: {   /* a key of the keyboard */
            const char *id = keys[fz_byte(&in) % (sizeof keys / sizeof keys[0])];
            FZ_CHECK(osk_press(&k, id, &t, fake_measure(), 1.0, 1080) == (strncmp(id, "nokey", 5) != 0));
            break;
        }
        default: {  /* a symbol key whose id carries raw bytes (a replay script's tap @key:sym:...) */
            size_t n = fz_byte(&in) % 16;
            if (n > in.n)
                n = in.n;
            char id[8 + 16 + 1] = "key:sym:";
            memcpy(id + 8, in.p, n);
            id[8 + n] = '\0';
            in.p += n;
            in.n -= n;
            osk_press(&k, id, &t, fake_measure(), 1.0, 1080);
            break;
        }
        }
        check_target(&t);
    }
    osk_free(&k);
    free(before);
    free(t.buf);
    return 0;
}

/* ---- layout ---------------------------------------------------------- */

static bool is_break(unsigned cp)
{
    return cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0x85 ||
           cp == 0x2028 || cp == 0x2029;
}

/* The code points of s[0..len) as tl_wrap sees them (invalid bytes one
 * U+FFFD each), with their byte offsets (n + 1 of them). */
typedef struct { unsigned *cp; size_t *off; size_t n; } Cps;

static void decode(const char *s, size_t len, Cps *c)
{
    c->cp = malloc((len + 1) * sizeof *c->cp);
    c->off = malloc((len + 1) * sizeof *c->off);
    FZ_CHECK(c->cp && c->off);
    c->n = 0;
    for (size_t i = 0; i < len; c->n++) {
        c->off[c->n] = i;
        i += utf8_decode(s + i, len - i, &c->cp[c->n]);
    }
    c->off[c->n] = len;
}

/* Index of the code point at byte offset `b`; aborts if b is not a boundary. */
static size_t at(const Cps *c, size_t b)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->off[mid] < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    FZ_CHECK(lo <= c->n && c->off[lo] == b);
    return lo;
}

/* Whether the rules of textlayout.h allow a line to end between code points
 * j-1 and j of [a, e): the next does not start with a space, a break or
 * closing punctuation, and the previous (spaces skipped) is no opening
 * bracket, and "——" and a flag (two regional indicators) stay together. */
static bool legal_end(const Cps *c, size_t a, size_t j)
{
    unsigned next = c->cp[j];
    if (next == ' ' || is_break(next) || tl_no_start(next))
        return false;
    size_t p = j;
    while (p > a && c->cp[p - 1] == ' ')
        p--;
    if (p == a || is_break(c->cp[p - 1]) || tl_no_end(c->cp[p - 1]))
        return false;
    size_t ri = 0;   /* regional indicators before j: a flag is two of them */
    while (p == j && ri < j && c->cp[j - 1 - ri] >= 0x1F1E6 && c->cp[j - 1 - ri] <= 0x1F1FF)
        ri++;
    if (ri % 2 == 1 && next >= 0x1F1E6 && next <= 0x1F1FF)
        return false;
    return !(p == j && c->cp[p - 1] == 0x2014 && next == 0x2014);
}

static void check_wrap(const char *s, size_t len, int size, int max_w, const TlLines *l, int rc)
{
    FZ_CHECK(rc == (int)l->n);
    if (len == 0) {
        FZ_CHECK(l->n == 0);
        return;
    }
    Cps c;
    decode(s, len, &c);
    size_t breaks = 0;
    for (size_t i = 0; i < c.n; i++)
        if (is_break(c.cp[i]) && !(c.cp[i] == '\r' && i + 1 < c.n && c.cp[i + 1] == '\n'))
            breaks++;
    FZ_CHECK(l->n >= breaks + 1);
    FZ_CHECK(l->lines[0].start == 0);
    size_t seen = 0, prev_end = 0;
    for (size_t i = 0; i <= l->n; i++) {
        size_t start = i < l->n ? l->lines[i].start : len;
        FZ_CHECK(start >= prev_end && start <= len);
        /* Between lines only spaces and at most one line break (\r\n is one). */
        size_t gap_breaks = 0;
        for (size_t j = at(&c, prev_end); j < at(&c, start); j++) {
            FZ_CHECK(c.cp[j] == ' ' || is_break(c.cp[j]));
            if (is_break(c.cp[j]) && !(c.cp[j] == '\r' && j + 1 < c.n && c.cp[j + 1] == '\n'))
                gap_breaks++;
        }
        FZ_CHECK(gap_breaks <= (i == 0 || i == l->n ? 0u : 1u));
        seen += gap_breaks;
        if (i == l->n)
            break;
        const TlLine *ln = &l->lines[i];
        FZ_CHECK(ln->len <= len - ln->start);
        size_t a = at(&c, ln->start), e = at(&c, ln->start + ln->len);
        FZ_CHECK(ln->width == fake_measure_width_of(size, s + ln->start, ln->len));
        for (size_t j = a; j < e; j++)
            FZ_CHECK(!is_break(c.cp[j]));
        if (e > a)
            FZ_CHECK(c.cp[e - 1] != ' ');
        if (i > 0 && gap_breaks == 0 && e > a)   /* after a soft break */
            FZ_CHECK(c.cp[a] != ' ');
        if (ln->width > max_w)   /* too wide only when it could not end sooner */
            for (size_t j = a + 1; j < e; j++)
                FZ_CHECK(!legal_end(&c, a, j));
        prev_end = ln->start + ln->len;
    }
    FZ_CHECK(seen == breaks);
    free(c.cp);
    free(c.off);
}

static void check_ellipsize(const char *s, int size, int max_w, size_t bufsize)
{
    char *buf = malloc(bufsize ? bufsize : 1);
    FZ_CHECK(buf != NULL);
    size_t r = tl_ellipsize(fake_measure(), FONT_REGULAR, size, s, max_w, buf, bufsize);
    if (bufsize == 0) {
        FZ_CHECK(r == 0);
        free(buf);
        return;
    }
    size_t len = strlen(s);
    FZ_CHECK(r < bufsize && strlen(buf) == r);
    if (len < bufsize && fake_measure_width_of(size, s, len) <= max_w) {
        FZ_CHECK(r == len && memcmp(buf, s, len) == 0);
    } else if (r > 0) {
        size_t kept = r - 3;
        FZ_CHECK(r >= 3 && memcmp(buf + kept, "\xE2\x80\xA6", 3) == 0);
        FZ_CHECK(memcmp(buf, s, kept) == 0);
        FZ_CHECK(kept == 0 || s[kept - 1] != ' ');
        FZ_CHECK(fake_measure_width_of(size, buf, r) <= max_w);
        if (utf8_valid(s, len))
            FZ_CHECK(utf8_valid(buf, r));
        /* The longest such prefix: one more character would not do. */
        size_t j = kept + strspn(s + kept, " ");
        if (j < len) {
            unsigned cp;
            size_t q = j + utf8_decode(s + j, len - j, &cp);
            if (q + 3 + 1 <= bufsize)
                FZ_CHECK(fake_measure_width_of(size, s, q) + size > max_w);
        }
    } else {
        FZ_CHECK(buf[0] == '\0');
    }
    free(buf);
}

static void check_clamped(const char *s, int size, int max_w, int max_lines, size_t lastsize)
{
    size_t len = strlen(s);
    TlLines full = {0}, l = {0};
    int nf = tl_wrap(fake_measure(), FONT_REGULAR, size, s, len, max_w, &full);
    FZ_CHECK(nf >= 0);
    char *last = malloc(lastsize ? lastsize : 1);
    FZ_CHECK(last != NULL);
    int n = tl_wrap_clamped(fake_measure(), FONT_REGULAR, size, s, max_w, max_lines, &l,
                            last, lastsize);
    if (max_lines <= 0 || nf == 0) {
        FZ_CHECK(n == 0);
        goto done;
    }
    FZ_CHECK(n == (nf < max_lines ? nf : max_lines));
    FZ_CHECK(lastsize == 0 || memchr(last, '\0', lastsize));
    for (int i = 0; i + 1 < n; i++)   /* the lines before the last are tl_wrap's */
        FZ_CHECK(l.lines[i].start == full.lines[i].start && l.lines[i].len == full.lines[i].len &&
                 l.lines[i].width == full.lines[i].width);
    const TlLine *ll = &l.lines[n - 1], *fl = &full.lines[n - 1];
    FZ_CHECK(ll->start == fl->start);
    if (lastsize == 0)
        goto done;
    size_t lastlen = strlen(last);
    FZ_CHECK(ll->len <= fl->len && ll->width == fake_measure_width_of(size, last, lastlen));
    /* Anything but spaces and line breaks after the last line's text? */
    bool more = false;
    for (size_t i = fl->start + fl->len; i < len && n < nf;) {
        unsigned cp;
        i += utf8_decode(s + i, len - i, &cp);
        more |= !(cp == ' ' || cp == '\t' || is_break(cp));
    }
    bool ell = lastlen >= 3 && memcmp(last + lastlen - 3, "\xE2\x80\xA6", 3) == 0 &&
               ll->len == lastlen - 3;
    if (more) {
        FZ_CHECK(lastlen == 0 || ell);
    } else if (fl->width <= max_w && fl->len < lastsize) {
        FZ_CHECK(ll->len == fl->len && lastlen == fl->len);
        FZ_CHECK(memcmp(last, s + fl->start, fl->len) == 0);
    }
    if (ell)
        FZ_CHECK(memcmp(last, s + ll->start, ll->len) == 0);
done:
    free(last);
    tl_lines_free(&full);
    tl_lines_free(&l);
}

/* Input: font size, max width (signed), max lines, buffer size, then text. */
int fuzz_layout(const uint8_t *data, size_t size)
{
    FzIn in = {data, size};
    int fsize = (int)(fz_byte(&in) % 64);
    int max_w = (int)fz_u16(&in) - 256;        /* -256 .. 65279 */
    int max_lines = (int)(fz_byte(&in) % 10) - 1;
    size_t bufsize = fz_byte(&in) % 128;
    size_t len = in.n;
    char *s = malloc(len + 1);   /* exact size: ASan sees a read past len */
    FZ_CHECK(s != NULL);
    memcpy(s, in.p, len);
    TlLines l = {0};
    int rc = tl_wrap(fake_measure(), FONT_REGULAR, fsize, s, len, max_w, &l);
    FZ_CHECK(rc >= 0);
    check_wrap(s, len, fsize, max_w, &l, rc);
    /* Reusing the lines gives the same result. */
    int rc2 = tl_wrap(fake_measure(), FONT_REGULAR, fsize, s, len, max_w, &l);
    FZ_CHECK(rc2 == rc);
    tl_lines_free(&l);

    s[len] = '\0';   /* the NUL-terminated APIs see the text up to its first NUL */
    check_ellipsize(s, fsize, max_w, bufsize);
    check_clamped(s, fsize, max_w, max_lines, bufsize);
    free(s);
    return 0;
}
