/* textlayout.c - line breaking (UAX #14 via libunibreak), ellipsis, UTF-8 helpers. */
#include "textlayout.h"

#include <linebreak.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TL_ELLIPSIS     "\xE2\x80\xA6"   /* U+2026 */
#define TL_ELLIPSIS_LEN 3
#define TL_NONE         SIZE_MAX

/* ---- Character classes used on top of UAX #14 -------------------------- */

/* Characters that must not start a line: closing punctuation, and marks
 * that belong to the character before them (combining, ZWJ, selectors). */
int tl_no_start(unsigned cp)
{
    static const unsigned list[] = {
        '!', ')', ',', '.', ':', ';', '?', ']', '}', '%',
        0x00B7, 0x2019, 0x201D, 0x2025, 0x2026, 0x2030, 0x2032, 0x2033,
        0x203C, 0x2047, 0x2048, 0x2049, 0x2103,
        0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015,
        0x3017, 0x3019, 0x301B, 0x301E, 0x301F, 0x30FB,
        0xFF01, 0xFF05, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F,
        0xFF3D, 0xFF5D, 0xFF5E, 0xFF60, 0xFF61, 0xFF63, 0xFF64,
    };

    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
        (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
        (cp >= 0x3099 && cp <= 0x309A) || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
        (cp >= 0xE0000 && cp <= 0xE01EF) || cp == 0x200D)
        return 1;
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

/* Characters that must not end a line: opening brackets and quotes, and
 * prefixes that belong to the number after them. */
int tl_no_end(unsigned cp)
{
    static const unsigned list[] = {
        '(', '[', '{', '$', 0x00A3, 0x00A5, 0x2018, 0x201C, 0x20AC, 0x200D,
        0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3016, 0x3018,
        0x301A, 0x301D, 0xFF08, 0xFF3B, 0xFF5B, 0xFF5F, 0xFF62, 0xFFE5,
    };

    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (list[i] == cp)
            return 1;
    return 0;
}

/* Mandatory line break characters (UAX #14 classes BK, CR, LF, NL). */
static int tl_is_newline(unsigned cp)
{
    return cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

/* Regional indicators (U+1F1E6..1F1FF): two of them make a flag. */
static int tl_is_ri(unsigned cp)
{
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* ---- Wrapping --------------------------------------------------------- */

typedef struct {
    const TextMeasure *m;
    FontFace face;
    int size, max_w;
    const char *s;
    size_t n;           /* code points */
    uint32_t *cp;       /* the code points, invalid bytes as U+FFFD */
    size_t *off;        /* n + 1 byte offsets */
    char *brks;         /* libunibreak's action after each code point */
    TlLines *out;
    size_t limit;       /* stop after this many lines */
} TlWrap;

static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_init_once(void)
{
    init_linebreak();
}

static int tl_push(TlLines *l, size_t start, size_t len, int width)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        TlLine *p = realloc(l->lines, cap * sizeof *p);
        if (!p)
            return -1;
        l->lines = p;
        l->cap = cap;
    }
    l->lines[l->n++] = (TlLine){start, len, width};
    return 0;
}

void tl_lines_free(TlLines *l)
{
    if (!l)
        return;
    free(l->lines);
    l->lines = NULL;
    l->n = l->cap = 0;
}

/* End of [a, b) without trailing spaces and line break characters. */
static size_t tl_trim(const TlWrap *w, size_t a, size_t b)
{
    while (b > a && (w->cp[b - 1] == ' ' || tl_is_newline(w->cp[b - 1])))
        b--;
    return b;
}

static size_t tl_skip_spaces(const TlWrap *w, size_t a, size_t b)
{
    while (a < b && w->cp[a] == ' ')
        a++;
    return a;
}

static int tl_measure(const TlWrap *w, size_t a, size_t e)
{
    if (e <= a)
        return 0;
    return measure_width(w->m, w->face, w->size, w->s + w->off[a],
                         w->off[e] - w->off[a]);
}

static int tl_emit(TlWrap *w, size_t a, size_t e, int width)
{
    return tl_push(w->out, w->off[a], w->off[e] - w->off[a], width);
}

/* May a line end between code points b-1 and b (0 < b < n)? Our own rules
 * on top of libunibreak's: closing punctuation never starts a line, an
 * opening bracket never ends one (spaces after it do not count), "——"
 * stays together, and a line is not ended before spaces or a line break
 * (the break after them gives the same line) or after nothing but spaces. */
static int tl_break_ok(const TlWrap *w, size_t b)
{
    unsigned next = w->cp[b], prev;
    size_t j = b;

    if (next == ' ' || tl_is_newline(next) || tl_no_start(next))
        return 0;
    while (j > 0 && w->cp[j - 1] == ' ')
        j--;
    if (j == 0 || tl_is_newline(w->cp[j - 1]))
        return 0;
    prev = w->cp[j - 1];
    if (tl_no_end(prev))
        return 0;
    if (j == b && tl_is_ri(prev) && tl_is_ri(next)) {
        size_t run = 1;         /* a flag's two halves stay together */
        while (run < b && tl_is_ri(w->cp[b - 1 - run]))
            run++;
        if (run % 2 == 1)
            return 0;
    }
    return !(j == b && prev == 0x2014 && next == 0x2014);
}

/* Break the run [a, b), which has no usable break opportunity and is wider
 * than the line, at character boundaries. Emits every line but the last;
 * *rest and *rest_w get the start and width of the remainder. A line is
 * wider than max_w only if its first legal end (tl_break_ok) is too wide. */
static int tl_force(TlWrap *w, size_t a, size_t b, size_t *rest, int *rest_w)
{
    for (;;) {
        size_t best = TL_NONE, k;
        int best_w = 0;

        for (k = a + 1; k <= b; k++) {
            int wk;
            if (k < b && !tl_break_ok(w, k))
                continue;
            wk = tl_measure(w, a, tl_trim(w, a, k));
            if (best == TL_NONE) {
                /* The first legal end is taken even if it is too wide. */
                best = k;
                best_w = wk;
                if (wk > w->max_w)
                    break;
                continue;
            }
            if (wk > w->max_w)
                break;
            best = k;
            best_w = wk;
        }
        if (best == b) {
            *rest = a;
            *rest_w = best_w;
            return 0;
        }
        if (tl_emit(w, a, tl_trim(w, a, best), best_w) < 0)
            return -1;
        if (w->out->n >= w->limit) {
            *rest = b;
            *rest_w = 0;
            return 0;
        }
        a = tl_skip_spaces(w, best, b);
    }
}

static int tl_fill(TlWrap *w)
{
    size_t ls = 0, fit = TL_NONE, fit_te = 0;
    int fit_w = 0;

    for (size_t b = 1; b <= w->n; b++) {
        int kind = w->brks[b - 1];
        int must = kind == LINEBREAK_MUSTBREAK;
        size_t te;
        int wd;

        if (!must && (kind != LINEBREAK_ALLOWBREAK || !tl_break_ok(w, b)))
            continue;
        for (;;) {
            te = tl_trim(w, ls, b);
            wd = tl_measure(w, ls, te);
            if (wd <= w->max_w) {
                fit = b;
                fit_te = te;
                fit_w = wd;
            } else if (fit != TL_NONE) {
                if (tl_emit(w, ls, fit_te, fit_w) < 0)
                    return -1;
                if (w->out->n >= w->limit)
                    return 0;
                ls = tl_skip_spaces(w, fit, b);
                fit = TL_NONE;
                continue;       /* measure [ls, b) again */
            } else {
                if (tl_force(w, ls, b, &ls, &fit_w) < 0)
                    return -1;
                if (w->out->n >= w->limit)
                    return 0;
                fit = b;
                fit_te = tl_trim(w, ls, b);
            }
            break;
        }
        if (must) {
            if (tl_emit(w, ls, fit_te, fit_w) < 0)
                return -1;
            if (w->out->n >= w->limit)
                return 0;
            ls = b;
            fit = TL_NONE;
        }
    }
    /* Text ending in a line break: the empty paragraph after it. */
    if (w->n > 0 && tl_is_newline(w->cp[w->n - 1]))
        return tl_emit(w, w->n, w->n, 0);
    return 0;
}

/* libunibreak's break actions into w->brks. Its version 1.1 (Debian 12)
 * has regional indicators in its data but not in its pair table, and
 * set_linebreaks() fails an assert() (aborting the process) on one next to
 * any other character, e.g. "国庆🇨🇳快乐". They go in as an ideograph
 * (an emoji breaks like one), and each flag's halves are kept together.
 * Returns 0, or -1 on allocation failure. */
static int tl_breaks(TlWrap *w)
{
    uint32_t *lb = w->cp;
    for (size_t i = 0; i < w->n && lb == w->cp; i++)
        if (tl_is_ri(w->cp[i]))
            lb = malloc(w->n * sizeof *lb);
    if (!lb)
        return -1;
    if (lb == w->cp) {
        set_linebreaks_utf32(w->cp, w->n, "zh", w->brks);
        return 0;
    }
    for (size_t i = 0; i < w->n; i++)
        lb[i] = tl_is_ri(w->cp[i]) ? 0x4E00 : w->cp[i];
    set_linebreaks_utf32(lb, w->n, "zh", w->brks);
    free(lb);
    for (size_t i = 0, run = 0; i + 1 < w->n; i++) {
        run = tl_is_ri(w->cp[i]) ? run + 1 : 0;
        if (run % 2 == 1 && tl_is_ri(w->cp[i + 1]))
            w->brks[i] = LINEBREAK_NOBREAK;
    }
    return 0;
}

/* tl_wrap, stopping once `limit` lines have been produced. */
static int tl_wrap_limit(const TextMeasure *m, FontFace face, int size,
                         const char *s, size_t len, int max_w, TlLines *out,
                         size_t limit)
{
    TlWrap w = {m, face, size, max_w, s, 0, NULL, NULL, NULL, out, limit};
    int rc = -1;

    out->n = 0;
    if (!s || len == 0)
        return 0;
    if (len > SIZE_MAX / (sizeof(size_t) + sizeof(uint32_t)) - 1)
        return -1;
    pthread_once(&tl_once, tl_init_once);

    w.cp = malloc(len * sizeof *w.cp);
    w.off = malloc((len + 1) * sizeof *w.off);
    w.brks = malloc(len);
    if (!w.cp || !w.off || !w.brks)
        goto done;
    /* Decode ourselves: libunibreak 1.1's UTF-8 reader takes any lead byte
     * with whatever follows (desynchronising from the bytes), and it stops
     * with a failed assert() (abort) on U+FFFF, its end-of-string marker. */
    for (size_t i = 0; i < len; w.n++) {
        unsigned c;
        w.off[w.n] = i;
        i += utf8_decode(s + i, len - i, &c);
        w.cp[w.n] = (c == 0xFFFF || c == 0xFFFE) ? 0xFFFD : c;
    }
    w.off[w.n] = len;
    if (tl_breaks(&w) < 0)
        goto done;
    rc = tl_fill(&w) < 0 ? -1 : (int)(out->n > INT_MAX ? INT_MAX : out->n);
done:
    if (rc < 0)
        out->n = 0;
    free(w.cp);
    free(w.off);
    free(w.brks);
    return rc;
}

int tl_wrap(const TextMeasure *m, FontFace face, int size, const char *s,
            size_t len, int max_w, TlLines *out)
{
    return tl_wrap_limit(m, face, size, s, len, max_w, out, SIZE_MAX);
}

/* ---- Ellipsis --------------------------------------------------------- */

/* Write `len` bytes of s into buf, or (if `force`, if it does not fit, or
 * if buf is too small) the longest prefix that fits with "…" after it.
 * Returns the bytes written; *width gets the width of what was written,
 * *kept the number of bytes of s kept. */
static size_t tl_ellipsize_n(const TextMeasure *m, FontFace face, int size,
                             const char *s, size_t len, int max_w, int force,
                             char *buf, size_t bufsize, int *width,
                             size_t *kept)
{
    size_t c = 0, best = TL_NONE, room;
    int best_w = 0;

    *width = 0;
    *kept = 0;
    if (!buf || bufsize == 0)
        return 0;
    buf[0] = '\0';
    if (!s)
        return 0;
    if (!force && len < bufsize) {
        int wd = measure_width(m, face, size, s, len);
        if (wd <= max_w) {
            memcpy(buf, s, len);
            buf[len] = '\0';
            *width = wd;
            *kept = len;
            return len;
        }
    }
    if (bufsize < TL_ELLIPSIS_LEN + 1)
        return 0;
    room = bufsize - 1 - TL_ELLIPSIS_LEN;
    /* buf holds s[0..c); try each character boundary c in turn. */
    for (;;) {
        size_t ct = c, step;
        unsigned cp;
        int wd;

        while (ct > 0 && s[ct - 1] == ' ')
            ct--;
        memcpy(buf + ct, TL_ELLIPSIS, TL_ELLIPSIS_LEN);
        wd = measure_width(m, face, size, buf, ct + TL_ELLIPSIS_LEN);
        memcpy(buf + ct, s + ct, c - ct);   /* restore trimmed spaces */
        if (wd > max_w)
            break;
        best = ct;
        best_w = wd;
        if (c >= len)
            break;
        step = utf8_decode(s + c, len - c, &cp);
        if (c + step > room)
            break;
        memcpy(buf + c, s + c, step);
        c += step;
    }
    if (best == TL_NONE) {
        buf[0] = '\0';
        return 0;
    }
    memcpy(buf + best, TL_ELLIPSIS, TL_ELLIPSIS_LEN);
    buf[best + TL_ELLIPSIS_LEN] = '\0';
    *width = best_w;
    *kept = best;
    return best + TL_ELLIPSIS_LEN;
}

size_t tl_ellipsize(const TextMeasure *m, FontFace face, int size,
                    const char *s, int max_w, char *buf, size_t bufsize)
{
    int wd;
    size_t kept;

    return tl_ellipsize_n(m, face, size, s, s ? strlen(s) : 0, max_w, 0, buf,
                          bufsize, &wd, &kept);
}

int tl_wrap_clamped(const TextMeasure *m, FontFace face, int size,
                    const char *s, int max_w, int max_lines, TlLines *out,
                    char *last, size_t lastsize)
{
    size_t len = s ? strlen(s) : 0;
    int n, wd, more;
    size_t kept;
    TlLine *l;

    if (last && lastsize)
        last[0] = '\0';
    out->n = 0;
    if (max_lines <= 0)
        return 0;
    n = tl_wrap_limit(m, face, size, s, len, max_w, out, (size_t)max_lines + 1);
    if (n <= 0)
        return n;
    if (n > max_lines) {
        out->n = (size_t)max_lines;
        l = &out->lines[max_lines - 1];
        more = 0;
        /* By code point: U+0085, U+2028 and U+2029 are line breaks too. */
        for (size_t i = l->start + l->len; i < len && !more;) {
            unsigned cp;
            i += utf8_decode(s + i, len - i, &cp);
            more = !(cp == ' ' || cp == '\t' || tl_is_newline(cp));
        }
    } else {
        l = &out->lines[n - 1];
        more = 0;
    }
    tl_ellipsize_n(m, face, size, s + l->start, l->len, max_w, more, last,
                   lastsize, &wd, &kept);
    if (last && lastsize) {
        l->len = kept;
        l->width = wd;
    }
    return (int)out->n;
}
