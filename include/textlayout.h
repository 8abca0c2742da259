/* textlayout.h - line breaking (UAX #14 via libunibreak) and ellipsis.
 *
 * Works on UTF-8 with a TextMeasure, so it needs no fonts of its own. Lines
 * never start with closing punctuation (，。！？）」 …), numbers and Latin
 * words are not split unless a single word is wider than the line. */
#ifndef TEXTLAYOUT_H
#define TEXTLAYOUT_H

#include <stddef.h>
#include "measure.h"
#include "utf8.h"   /* utf8_count, utf8_decode, utf8_valid */

typedef struct { size_t start, len; int width; } TlLine;

typedef struct {
    TlLine *lines;
    size_t n, cap;
} TlLines;

/* Break `len` bytes of `s` into lines no wider than max_w pixels.
 * Mandatory breaks (\n, \r\n, \r, \f, U+2028 ...) are honoured: k of them
 * make k + 1 paragraphs, an empty paragraph is one empty line, so "a\n"
 * gives "a" and "". Empty input gives no lines. A line's start/len cover its
 * text without trailing spaces and break characters (so they are dropped),
 * and `width` is the measured width of exactly those bytes; a line after a
 * soft break never starts with a space. Break opportunities are UAX #14
 * (language "zh") minus the ones tl_no_start/tl_no_end forbid; "——" and a
 * flag (two regional indicators, e.g. 🇨🇳) are never split. A word wider
 * than the line is broken between characters. A line is wider than max_w
 * only when the rules leave no break that fits: a single character, held
 * to opening brackets before it and closing punctuation after it (e.g.
 * "字！！！！" or "《月·" in a box narrower than that).
 * Invalid UTF-8 is treated as U+FFFD (one per byte) and never read past `len`.
 * Returns the number of lines, or -1 on allocation failure (out->n is then
 * 0). `out` must be zeroed before first use; it is reset first and its
 * memory reused; free it with tl_lines_free. */
int tl_wrap(const TextMeasure *m, FontFace face, int size, const char *s,
            size_t len, int max_w, TlLines *out);
/* Free the lines; `l` is left empty and reusable. Accepts NULL. */
void tl_lines_free(TlLines *l);

/* The longest prefix of `s` (cut at a character boundary, trailing spaces
 * dropped) that, followed by "…", fits in max_w; writes it with the "…"
 * into buf (NUL-terminated). If the whole text fits (and buf holds it),
 * copies it unchanged. If not even "…" fits, or bufsize < 4, writes "".
 * Returns the bytes written (excluding the NUL). */
size_t tl_ellipsize(const TextMeasure *m, FontFace face, int size,
                    const char *s, int max_w, char *buf, size_t bufsize);

/* Wrap the NUL-terminated `s` into at most max_lines lines; the last one is
 * ellipsized if text other than spaces and line breaks remains (it then
 * ends in "…" even when it would fit as is).
 * Lines are written into `out` as with tl_wrap, and the last line's text
 * (ellipsized or not) is written into `last` (NUL-terminated); that line's
 * len is then the bytes of `s` kept and its width the width of `last`.
 * Stops laying out once max_lines + 1 lines are known. Returns the number of lines
 * (0 if max_lines <= 0), or -1 on allocation failure. */
int tl_wrap_clamped(const TextMeasure *m, FontFace face, int size,
                    const char *s, int max_w, int max_lines, TlLines *out,
                    char *last, size_t lastsize);

/* 1 when code point `cp` may not start a line: closing punctuation
 * (，。！？）」』】》、；：”’…·％ and ASCII ,.!?;:)]}%) and for marks that
 * belong to the character before (combining marks, ZWJ, variation
 * selectors, skin tones); else 0. */
int tl_no_start(unsigned cp);
/* 1 when `cp` may not end a line: opening brackets and quotes （「『【《“‘
 * ([{ and currency prefixes ($ ¥ ￥ € £); else 0. */
int tl_no_end(unsigned cp);


#endif
