/* textclean.c - any bytes to valid UTF-8 without controls or invisible format characters. */
#include "textclean.h"

#include <stdint.h>
#include <string.h>

#define TC_REPLACEMENT 0xFFFDu

/* Decode one character at s[0..n) (n >= 1). Returns the number of bytes it
 * takes and sets *cp; for an ill-formed sequence returns the length of its
 * maximal subpart (at least 1) and sets *cp to U+FFFD. */
static size_t tc_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;   /* range of the second byte */
    uint32_t v;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1; v = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2; v = b & 0x0F;
        if (b == 0xE0) lo = 0xA0;          /* overlong */
        if (b == 0xED) hi = 0x9F;          /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3; v = b & 0x07;
        if (b == 0xF0) lo = 0x90;          /* overlong */
        if (b == 0xF4) hi = 0x8F;          /* above U+10FFFF */
    } else {
        *cp = TC_REPLACEMENT;              /* 80-C1, F5-FF */
        return 1;
    }
    size_t i;
    for (i = 1; i <= need; i++) {
        unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xBF;
        if (i >= n || s[i] < lo_i || s[i] > hi_i) {
            *cp = TC_REPLACEMENT;
            return i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return i;
}

static size_t tc_encode(uint32_t cp, unsigned char buf[4])
{
    if (cp < 0x80) {
        buf[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (unsigned char)(0xC0 | (cp >> 6));
        buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (unsigned char)(0xE0 | (cp >> 12));
        buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (unsigned char)(0xF0 | (cp >> 18));
    buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Controls and invisible format characters that are dropped (textclean.h). */
static bool tc_dropped(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
        return true;
    if (cp == 0x061C || cp == 0x200B || cp == 0x200E || cp == 0x200F || cp == 0xFEFF)
        return true;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
        (cp >= 0x2066 && cp <= 0x206F) || (cp >= 0xFFF9 && cp <= 0xFFFB))
        return true;
    if (cp >= 0xE0000 && cp <= 0xE007F)
        return true;
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
        return true;
    return false;
}

/* Output with a cut that never splits a character: once one does not fit,
 * nothing more is written (a later, shorter one would make a non-prefix). */
typedef struct {
    char *out;
    size_t size, pos, total;
    bool stopped;
} TcOut;

static void tc_put(TcOut *o, uint32_t cp)
{
    unsigned char buf[4];
    size_t n = tc_encode(cp, buf);
    o->total += n;
    if (o->stopped || o->size == 0)
        return;
    if (o->pos + n > o->size - 1) {
        o->stopped = true;
        return;
    }
    memcpy(o->out + o->pos, buf, n);
    o->pos += n;
}

size_t text_clean(const char *in, size_t len, char *out, size_t outsize, bool keep_newlines)
{
    TcOut o = {.out = out, .size = outsize};
    const unsigned char *s = (const unsigned char *)in;
    uint32_t newline = keep_newlines ? '\n' : ' ';
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += tc_decode(s + i, len - i, &cp);
        if (cp == '\r') {
            if (i < len && s[i] == '\n')
                i++;
            tc_put(&o, newline);
        } else if (cp == '\n' || cp == 0x2028 || cp == 0x2029) {
            tc_put(&o, newline);
        } else if (cp == '\t') {
            tc_put(&o, ' ');
        } else if (!tc_dropped(cp)) {
            tc_put(&o, cp);
        }
    }
    if (outsize > 0)
        out[o.pos] = '\0';
    return o.total;
}

size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool tc_blank(uint32_t cp)
{
    return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == 0x00A0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0x115F || cp == 0x1160 ||
           cp == 0x3164 || cp == 0xFFA0 || cp == 0x2028 || cp == 0x2029;
}

bool text_is_blank(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        i += tc_decode(p + i, n - i, &cp);
        if (!tc_blank(cp))
            return false;
    }
    return true;
}
