/* utf8.h - UTF-8, the one module that reads and writes it (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF). In the data layer, so
 * every layer counts and decodes characters the same way. */
#ifndef UTF8_H
#define UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s (at most len bytes); returns bytes consumed
 * (>= 1) and stores the code point, or U+FFFD for an invalid sequence
 * (overlong, surrogate, > U+10FFFF, truncated, stray continuation), of
 * which exactly one byte is consumed. Returns 0 (and U+FFFD) if len is 0. */
size_t utf8_decode(const char *s, size_t len, unsigned *cp);

/* As utf8_decode, but an invalid sequence consumes its maximal subpart
 * (Unicode's "U+FFFD substitution of maximal subparts", as text cleaning
 * wants: "\xE4\xB8" then "a" is one U+FFFD, then 'a'). len must be > 0. */
size_t utf8_decode_subpart(const char *s, size_t len, unsigned *cp);

/* The length of the valid sequence at s (1 to 4), or 0 when it is invalid
 * or cut short by len. len must be > 0. */
size_t utf8_seq_len(const char *s, size_t len);

/* Number of code points in `len` bytes (invalid bytes count one each): the
 * one character count of the kiosk (limits stated in characters). */
size_t utf8_count(const char *s, size_t len);

/* True when the `len` bytes are valid UTF-8 (no surrogates, no overlongs,
 * nothing above U+10FFFF, no truncated sequence). */
int utf8_valid(const char *s, size_t len);

/* Write code point cp (at most U+10FFFF, not a surrogate) as UTF-8 into
 * buf; returns the bytes written (1 to 4). */
size_t utf8_encode(uint32_t cp, char buf[4]);

#endif
