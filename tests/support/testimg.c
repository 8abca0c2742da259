/* testimg.c - test support: PNG and JPEG files made in memory, good and bad. */
#include "testimg.h"

#include <stdio.h>   /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void testimg_pixel(TestImgFill fill, int x, int y, int w, uint8_t r, uint8_t g,
                          uint8_t b, uint8_t *out, uint32_t *seed)
{
    if (fill == TESTIMG_NOISE) {
        for (int k = 0; k < 3; k++) {
            *seed = *seed * 1103515245u + 12345u;
            out[k] = (uint8_t)(*seed >> 16);
        }
        (void)x, (void)y;
        return;
    }
    if (fill == TESTIMG_HALVES && x >= w / 2) {
        out[0] = out[1] = out[2] = 255;
        return;
    }
    out[0] = r, out[1] = g, out[2] = b;
}

typedef struct { unsigned char *p; size_t len, cap; } TestImgBuf;

static void testimg_png_write(png_structp png, png_bytep data, size_t n)
{
    TestImgBuf *b = png_get_io_ptr(png);
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q)
            png_error(png, "out of memory");
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void testimg_png_flush(png_structp png)
{
    (void)png;
}

unsigned char *testimg_png(int w, int h, TestImgFill fill, uint8_t r, uint8_t g, uint8_t b,
                           uint8_t a, int interlace, size_t *len)
{
    TestImgBuf buf = { 0 };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int ch = a < 255 ? 4 : 3;
    unsigned char *volatile row = malloc((size_t)w * 4);
    if (!png || !info || !row || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(buf.p);
        free(row);
        return NULL;
    }
    png_set_write_fn(png, &buf, testimg_png_write, testimg_png_flush);
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 ch == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    int passes = interlace ? png_set_interlace_handling(png) : 1;
    uint32_t seed = 1;
    for (int pass = 0; pass < passes; pass++) {
        seed = 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                testimg_pixel(fill, x, y, w, r, g, b, row + x * ch, &seed);
                if (ch == 4)
                    row[x * 4 + 3] = a;
            }
            png_write_row(png, row);
        }
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    *len = buf.len;
    return buf.p;
}

unsigned char *testimg_jpeg(int w, int h, TestImgFill fill, uint8_t r, uint8_t g, uint8_t b,
                            int quality, int gray, size_t *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    unsigned char *out = NULL;
    unsigned long outlen = 0;
    unsigned char *row = malloc((size_t)w * 3);
    if (!row)
        return NULL;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &outlen);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    if (gray)
        jpeg_set_colorspace(&c, JCS_GRAYSCALE);
    jpeg_set_quality(&c, quality, TRUE);
    jpeg_start_compress(&c, TRUE);
    uint32_t seed = 1;
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < w; x++)
            testimg_pixel(fill, x, (int)c.next_scanline, w, r, g, b, row + x * 3, &seed);
        JSAMPROW rp = row;
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    /* jpeg_mem_dest's buffer comes from malloc: hand it over as is. */
    *len = outlen;
    return out;
}

/* A PNG chunk's CRC by zlib's crc32, not image.c's own: the files the
 * tests make do not depend on the code they test. */
static uint32_t testimg_crc(const unsigned char *p, size_t n)
{
    return (uint32_t)crc32(0L, p, (uInt)n);
}

static void testimg_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

void testimg_png_set_size(unsigned char *png, uint32_t w, uint32_t h)
{
    testimg_put32(png + 16, w);
    testimg_put32(png + 20, h);
    testimg_put32(png + 29, testimg_crc(png + 12, 17));
}

int testimg_jpeg_set_size(unsigned char *jpg, size_t len, uint16_t w, uint16_t h)
{
    for (size_t i = 2; i + 9 < len;) {
        if (jpg[i] != 0xff)
            return -1;
        unsigned m = jpg[i + 1];
        size_t seg = (size_t)jpg[i + 2] << 8 | jpg[i + 3];
        if (m == 0xc0 || m == 0xc2) {
            jpg[i + 5] = (unsigned char)(h >> 8), jpg[i + 6] = (unsigned char)h;
            jpg[i + 7] = (unsigned char)(w >> 8), jpg[i + 8] = (unsigned char)w;
            return 0;
        }
        i += 2 + seg;
    }
    return -1;
}

unsigned char *testimg_png_with_chunk(const unsigned char *png, size_t len, const char *type,
                                      size_t n, size_t *out_len)
{
    size_t at = 8 + 8 + 13 + 4;          /* after IHDR */
    unsigned char *p = malloc(len + n + 12);
    if (!p)
        return NULL;
    memcpy(p, png, at);
    testimg_put32(p + at, (uint32_t)n);
    memcpy(p + at + 4, type, 4);
    memset(p + at + 8, 'x', n);
    testimg_put32(p + at + 8 + n, testimg_crc(p + at + 4, 4 + n));
    memcpy(p + at + 12 + n, png + at, len - at);
    *out_len = len + n + 12;
    return p;
}

int testimg_save(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(buf, 1, len, f);
    return fclose(f) == 0 && w == len ? 0 : -1;
}
