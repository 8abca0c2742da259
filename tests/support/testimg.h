/* testimg.h - test support: PNG and JPEG files made in memory, good and bad. */
#ifndef TESTIMG_H
#define TESTIMG_H

#include <stddef.h>
#include <stdint.h>

/* Kinds of pixels the generators draw. */
typedef enum {
    TESTIMG_SOLID,     /* every pixel (r, g, b) */
    TESTIMG_HALVES,    /* left half (r, g, b), right half white */
    TESTIMG_NOISE,     /* pseudo-random bytes (a photo's worth of detail) */
} TestImgFill;

/* A PNG of w x h: colour type 2 (RGB), or 6 (RGBA with alpha `a`) when a
 * < 255; interlaced when `interlace`. A new buffer (free) and *len, or NULL. */
unsigned char *testimg_png(int w, int h, TestImgFill fill, uint8_t r, uint8_t g, uint8_t b,
                           uint8_t a, int interlace, size_t *len);

/* A baseline RGB JPEG of w x h at `quality`; grey (one component) when gray. */
unsigned char *testimg_jpeg(int w, int h, TestImgFill fill, uint8_t r, uint8_t g, uint8_t b,
                            int quality, int gray, size_t *len);

/* Rewrite a PNG's declared size in IHDR (with a correct CRC), in place. */
void testimg_png_set_size(unsigned char *png, uint32_t w, uint32_t h);

/* Rewrite a JPEG's declared size in its frame header, in place; 0 or -1. */
int testimg_jpeg_set_size(unsigned char *jpg, size_t len, uint16_t w, uint16_t h);

/* A copy of a PNG with an ancillary chunk (`type`, n bytes of 'x') put
 * after IHDR; a new buffer and *len. */
unsigned char *testimg_png_with_chunk(const unsigned char *png, size_t len, const char *type,
                                      size_t n, size_t *out_len);

/* Write a file; 0 or -1. */
int testimg_save(const char *path, const void *buf, size_t len);

#endif
