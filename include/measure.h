/* measure.h - how the core measures text without knowing about fonts.
 *
 * The renderer provides the real measurer (SDL2_ttf); tests may provide a
 * fake one. Widths are in pixels for `len` bytes of UTF-8. */
#ifndef MEASURE_H
#define MEASURE_H

#include <stdbool.h>
#include <stdint.h>
#include "drawlist.h"

typedef struct TextMeasure {
    void *ctx;
    /* Width in pixels of `len` bytes of `s` in face/size. Never negative. */
    int (*width)(void *ctx, FontFace face, int size, const char *s, size_t len);
    /* Line height in pixels (ascent + descent) of face/size. */
    int (*height)(void *ctx, FontFace face, int size);
    /* Whether the regular text face can draw code point `cp` (so the input
     * methods never offer a character that would show as a box). */
    bool (*has_glyph)(void *ctx, uint32_t cp);
} TextMeasure;

static inline int measure_width(const TextMeasure *m, FontFace f, int size,
                                const char *s, size_t len)
{
    return m->width(m->ctx, f, size, s, len);
}

static inline int measure_height(const TextMeasure *m, FontFace f, int size)
{
    return m->height(m->ctx, f, size);
}

static inline bool measure_has_glyph(const TextMeasure *m, uint32_t cp)
{
    return m->has_glyph ? m->has_glyph(m->ctx, cp) : true;
}

#endif
