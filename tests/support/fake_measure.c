/* fake_measure.c - a font-free TextMeasure for tests: ASCII half width, the rest full. */
#include "fake_measure.h"

static size_t fake_measure_ncalls, fake_measure_nbytes;

int fake_measure_width_of(int size, const char *s, size_t len)
{
    int w = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            continue;
        if (c < 0x80)
            w += size / 2;
        else if (c >= 0xC0)
            w += size;
    }
    return w;
}

static int fake_measure_width(void *ctx, FontFace face, int size, const char *s,
                              size_t len)
{
    (void)ctx;
    (void)face;
    fake_measure_ncalls++;
    fake_measure_nbytes += len;
    return fake_measure_width_of(size, s, len);
}

static int fake_measure_height(void *ctx, FontFace face, int size)
{
    (void)ctx;
    (void)face;
    return size * 3 / 2;
}

const TextMeasure *fake_measure(void)
{
    static const TextMeasure fake = {NULL, fake_measure_width,
                                     fake_measure_height, NULL};
    return &fake;
}

void fake_measure_reset_stats(void)
{
    fake_measure_ncalls = 0;
    fake_measure_nbytes = 0;
}

size_t fake_measure_calls(void)
{
    return fake_measure_ncalls;
}

size_t fake_measure_bytes(void)
{
    return fake_measure_nbytes;
}
