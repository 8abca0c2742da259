/* textclean.c - any bytes to valid UTF-8 without controls or invisible format characters. */
#include "textclean.h"
#include "utf8.h"

#include <stdint.h>
#include <string.h>

#define TC_REPLACEMENT 0xFFFDu

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
    char buf[4];
    size_t n = utf8_encode(cp, buf);
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
        unsigned cp;
        i += utf8_decode_subpart(in + i, len - i, &cp);
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

static bool tc_blank(uint32_t cp)
{
    return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == 0x00A0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000 || cp == 0x115F || cp == 0x1160 ||
           cp == 0x3164 || cp == 0xFFA0 || cp == 0x2028 || cp == 0x2029;
}

bool text_is_blank(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        unsigned cp;
        i += utf8_decode_subpart(s + i, n - i, &cp);
        if (!tc_blank(cp))
            return false;
    }
    return true;
}
