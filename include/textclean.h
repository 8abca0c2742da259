/* textclean.h - make any bytes into clean UTF-8 text (suggestions, contacts).
 *
 * Whatever arrives (an input engine's output, a replay script, a bug) comes
 * out as valid UTF-8 without control or invisible format characters:
 *
 *   - Invalid UTF-8 (stray continuation bytes, overlong forms, surrogates,
 *     code points above U+10FFFF, truncated sequences) becomes U+FFFD, one
 *     per maximal ill-formed subpart (the Unicode / WHATWG practice), so a
 *     damaged text shows staff that something was lost instead of silently
 *     joining the pieces.
 *   - Line breaks (\r\n, \r, \n, U+2028, U+2029) become "\n" with
 *     keep_newlines, else one space. A tab becomes a space.
 *   - Other C0 controls (NUL included), DEL and C1 controls (U+0080-009F)
 *     are removed.
 *   - Removed as well, because they are invisible and can make a text read
 *     differently from what it contains: bidirectional controls (U+061C,
 *     U+200E, U+200F, U+202A-202E, U+2066-2069), U+200B zero width space,
 *     U+2060-2064 (word joiner, invisible operators), U+206A-206F, U+FEFF
 *     (byte order mark), U+FFF9-FFFB (interlinear annotation), the tag
 *     characters U+E0000-E007F (they can hide ASCII text) and the
 *     noncharacters (U+FDD0-FDEF, U+xxFFFE, U+xxFFFF).
 *   - Kept: U+200C/U+200D (zero width (non-)joiner: emoji sequences and some
 *     scripts need them), variation selectors, everything printable.
 */
#ifndef TEXTCLEAN_H
#define TEXTCLEAN_H

#include <stdbool.h>
#include <stddef.h>

/* Worst-case growth: every input byte may become a 3-byte U+FFFD, so the
 * cleaned text is at most TEXTCLEAN_MAX_GROWTH * len bytes. */
#define TEXTCLEAN_MAX_GROWTH 3

/* Clean `len` bytes of `in` (which may contain NULs) into `out`, always
 * NUL-terminated when outsize > 0 (out may be NULL when outsize is 0).
 * When the cleaned text does not fit, `out` holds the longest prefix that
 * ends on a character boundary. Returns the length in bytes of the whole
 * cleaned text without the NUL, as snprintf does: a result >= outsize means
 * `out` was cut (its own length is then strlen(out)). */
size_t text_clean(const char *in, size_t len, char *out, size_t outsize,
                  bool keep_newlines);

/* Whether the valid UTF-8 string `s` has nothing visible: only spaces,
 * line breaks, Unicode space separators (U+00A0, U+2000-200A, U+3000 ...),
 * zero width joiners and Hangul fillers. True for "". */
bool text_is_blank(const char *s);

#endif
