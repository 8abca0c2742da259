/* utf8.c - decoding, counting, checking and encoding UTF-8. */
#include "utf8.h"

/* Decode one code point at p (len > 0). Returns the bytes of the valid
 * sequence (*ok 1), or of the maximal subpart of an invalid one (at least
 * 1; *ok 0, *cp U+FFFD). */
static size_t utf8_step(const unsigned char *p, size_t len, unsigned *cp, int *ok)
{
    unsigned c = p[0], lo = 0x80, hi = 0xBF;
    size_t need;

    *ok = 1;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;          /* overlong */
        else if (c == 0xED)
            hi = 0x9F;          /* surrogates */
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;          /* overlong */
        else if (c == 0xF4)
            hi = 0x8F;          /* > U+10FFFF */
        c &= 0x07;
    } else {
        *ok = 0;                /* continuation, C0/C1 overlong, F5..FF */
        *cp = 0xFFFD;
        return 1;
    }
    size_t i;
    for (i = 1; i <= need; i++) {
        if (i >= len || p[i] < lo || p[i] > hi) {
            *ok = 0;
            *cp = 0xFFFD;
            return i;
        }
        lo = 0x80;
        hi = 0xBF;
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return i;
}

size_t utf8_decode(const char *s, size_t len, unsigned *cp)
{
    int ok;
    if (len == 0) {
        *cp = 0xFFFD;
        return 0;
    }
    size_t n = utf8_step((const unsigned char *)s, len, cp, &ok);
    return ok ? n : 1;
}

size_t utf8_decode_subpart(const char *s, size_t len, unsigned *cp)
{
    int ok;
    return utf8_step((const unsigned char *)s, len, cp, &ok);
}

size_t utf8_seq_len(const char *s, size_t len)
{
    int ok;
    unsigned cp;
    size_t n = utf8_step((const unsigned char *)s, len, &cp, &ok);
    return ok ? n : 0;
}

size_t utf8_count(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    unsigned cp;
    while (i < len) {
        i += utf8_decode(s + i, len - i, &cp);
        n++;
    }
    return n;
}

int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_seq_len(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

size_t utf8_encode(uint32_t cp, char buf[4])
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
