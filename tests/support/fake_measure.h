/* fake_measure.h - a font-free TextMeasure for tests (shared test support). */
#ifndef FAKE_MEASURE_H
#define FAKE_MEASURE_H

#include <stddef.h>
#include "measure.h"

/* The fake measurer: a printable ASCII byte is size/2 px wide, a control
 * byte (< 0x20, DEL) 0 px, every other character (CJK, full-width, "…",
 * U+FFFD, an invalid lead byte) `size` px; continuation bytes 0x80..0xBF
 * add nothing. No kerning. Height is size * 3 / 2 for every face. The
 * returned object is static; it is never NULL. */
const TextMeasure *fake_measure(void);

/* Pixel width of `len` bytes of `s` as the fake measures it (no call is
 * counted). */
int fake_measure_width_of(int size, const char *s, size_t len);

/* Calls made to the width callback, and bytes passed to it, since the last
 * fake_measure_reset_stats() (for cost tests; not thread-safe). */
void fake_measure_reset_stats(void);
size_t fake_measure_calls(void);
size_t fake_measure_bytes(void);

#endif
