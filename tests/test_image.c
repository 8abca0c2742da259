/* test_image.c - image_probe and image_decode_fit: good pictures, and every
 * kind of bad one refused with a clear message (docs/CONTENT.md, "Images"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "image.h"
#include "testimg.h"

/* The pixel at (x, y) of decoded pixels. */
static const uint8_t *px_at(const ImagePixels *p, int x, int y)
{
    return p->px + ((size_t)y * p->w + x) * 4;
}

static void assert_near(int got, int want, int tol)
{
    if (got < want - tol || got > want + tol)
        fail_msg("got %d, want %d +- %d", got, want, tol);
}

static void test_probe_png_and_jpeg(void **state)
{
    (void)state;
    size_t n;
    unsigned char *png = testimg_png(640, 480, TESTIMG_SOLID, 10, 20, 30, 255, 0, &n);
    assert_non_null(png);
    ImageInfo info;
    char err[256] = "";
    assert_int_equal(image_probe(png, n, &info, err, sizeof err), IMAGE_OK);
    assert_int_equal(info.format, IMAGE_PNG);
    assert_int_equal(info.width, 640);
    assert_int_equal(info.height, 480);
    free(png);
    unsigned char *jpg = testimg_jpeg(333, 222, TESTIMG_SOLID, 10, 20, 30, 80, 0, &n);
    assert_non_null(jpg);
    assert_int_equal(image_probe(jpg, n, &info, err, sizeof err), IMAGE_OK);
    assert_int_equal(info.format, IMAGE_JPEG);
    assert_int_equal(info.width, 333);
    assert_int_equal(info.height, 222);
    free(jpg);
}

static void test_fit_size(void **state)
{
    (void)state;
    int w, h;
    image_fit_size(4000, 3000, 1920, 1080, &w, &h);
    assert_int_equal(w, 1440);
    assert_int_equal(h, 1080);
    image_fit_size(2480, 3508, 1080, 1920, &w, &h);
    assert_int_equal(w, 1080);
    assert_int_equal(h, 1528);
    image_fit_size(100, 50, 1920, 1080, &w, &h);   /* never enlarged */
    assert_int_equal(w, 100);
    assert_int_equal(h, 50);
    image_fit_size(10000, 1, 100, 100, &w, &h);    /* at least one pixel */
    assert_int_equal(w, 100);
    assert_int_equal(h, 1);
}

static void test_decode_png_scaled(void **state)
{
    (void)state;
    size_t n;
    unsigned char *png = testimg_png(400, 300, TESTIMG_HALVES, 200, 30, 40, 255, 0, &n);
    ImagePixels p;
    char err[256] = "";
    assert_int_equal(image_decode_fit(png, n, 100, 100, &p, err, sizeof err), IMAGE_OK);
    assert_int_equal(p.w, 100);
    assert_int_equal(p.h, 75);
    /* Left half red, right half white, after the box filter. */
    assert_int_equal(px_at(&p, 10, 40)[0], 200);
    assert_int_equal(px_at(&p, 10, 40)[1], 30);
    assert_int_equal(px_at(&p, 10, 40)[2], 40);
    assert_int_equal(px_at(&p, 10, 40)[3], 255);
    assert_int_equal(px_at(&p, 90, 40)[1], 255);
    image_pixels_free(&p);
    assert_null(p.px);
    free(png);
}

static void test_decode_png_alpha_gray_interlaced(void **state)
{
    (void)state;
    size_t n;
    ImagePixels p;
    char err[256] = "";
    /* Transparent parts are laid on white: a = 0 is white, a = 128 is half. */
    unsigned char *png = testimg_png(50, 40, TESTIMG_SOLID, 0, 0, 0, 0, 0, &n);
    assert_int_equal(image_decode_fit(png, n, 50, 40, &p, err, sizeof err), IMAGE_OK);
    assert_int_equal(px_at(&p, 5, 5)[0], 255);
    image_pixels_free(&p);
    free(png);
    png = testimg_png(50, 40, TESTIMG_SOLID, 0, 0, 0, 128, 0, &n);
    assert_int_equal(image_decode_fit(png, n, 50, 40, &p, err, sizeof err), IMAGE_OK);
    assert_near(px_at(&p, 5, 5)[0], 127, 1);
    image_pixels_free(&p);
    free(png);
    /* Interlaced (Adam7) small PNGs decode whole. */
    png = testimg_png(64, 48, TESTIMG_HALVES, 0, 0, 255, 255, 1, &n);
    assert_int_equal(image_decode_fit(png, n, 32, 32, &p, err, sizeof err), IMAGE_OK);
    assert_int_equal(p.w, 32);
    assert_int_equal(p.h, 24);
    assert_int_equal(px_at(&p, 2, 2)[2], 255);
    assert_int_equal(px_at(&p, 2, 2)[0], 0);
    assert_int_equal(px_at(&p, 30, 2)[0], 255);
    image_pixels_free(&p);
    free(png);
    /* A grey JPEG becomes grey RGB. */
    unsigned char *jpg = testimg_jpeg(80, 60, TESTIMG_SOLID, 90, 90, 90, 95, 1, &n);
    assert_int_equal(image_decode_fit(jpg, n, 80, 60, &p, err, sizeof err), IMAGE_OK);
    assert_near(px_at(&p, 40, 30)[0], 90, 3);
    assert_int_equal(px_at(&p, 40, 30)[0], px_at(&p, 40, 30)[2]);
    image_pixels_free(&p);
    free(jpg);
}

static void test_decode_big_jpeg(void **state)
{
    (void)state;
    size_t n;
    unsigned char *jpg = testimg_jpeg(4000, 3000, TESTIMG_HALVES, 30, 120, 200, 85, 0, &n);
    assert_non_null(jpg);
    ImagePixels p;
    char err[256] = "";
    assert_int_equal(image_decode_fit(jpg, n, 1920, 1080, &p, err, sizeof err), IMAGE_OK);
    assert_int_equal(p.w, 1440);
    assert_int_equal(p.h, 1080);
    assert_near(px_at(&p, 100, 500)[0], 30, 4);
    assert_near(px_at(&p, 100, 500)[1], 120, 4);
    assert_near(px_at(&p, 100, 500)[2], 200, 4);
    assert_near(px_at(&p, 1400, 500)[1], 255, 2);
    image_pixels_free(&p);
    /* A thumbnail straight from the DCT (1/8) and the box filter. */
    assert_int_equal(image_decode_fit(jpg, n, 160, 160, &p, err, sizeof err), IMAGE_OK);
    assert_int_equal(p.w, 160);
    assert_int_equal(p.h, 120);
    image_pixels_free(&p);
    free(jpg);
}

/* `buf` must be refused with `code` and a message containing `want`, both
 * by image_probe (when probe_too) and by image_decode_fit. */
static void expect_refused(const void *buf, size_t len, int code, const char *want, int probe_too)
{
    char err[256] = "";
    ImageInfo info;
    if (probe_too) {
        int rc = image_probe(buf, len, &info, err, sizeof err);
        if (rc != code || !strstr(err, want))
            fail_msg("probe: got %d \"%s\", want %d \"%s\"", rc, err, code, want);
    }
    ImagePixels p = { 1, 1, (uint8_t *)"x" };
    err[0] = '\0';
    int rc = image_decode_fit(buf, len, 200, 200, &p, err, sizeof err);
    if (rc != code || !strstr(err, want))
        fail_msg("decode: got %d \"%s\", want %d \"%s\"", rc, err, code, want);
    assert_null(p.px);
}

static void test_not_an_image(void **state)
{
    (void)state;
    expect_refused("hello, world", 12, IMAGE_ERR_NOT_IMAGE, "not a PNG or JPEG picture", 1);
    expect_refused("GIF89a\x01\x00\x01\x00", 10, IMAGE_ERR_NOT_IMAGE, "not a PNG or JPEG", 1);
    expect_refused("", 0, IMAGE_ERR_NOT_IMAGE, "empty file", 1);
    expect_refused("\x89PNG\r\n\x1a\n", 8, IMAGE_ERR_CORRUPT, "PNG without a valid header", 1);
    expect_refused("\xff\xd8\xff", 3, IMAGE_ERR_CORRUPT, "JPEG ends before its frame header", 1);
}

static void test_decompression_bombs(void **state)
{
    (void)state;
    size_t n;
    /* A small file declaring 50,000 x 50,000 pixels: refused unread. */
    unsigned char *png = testimg_png(16, 16, TESTIMG_SOLID, 1, 2, 3, 255, 0, &n);
    testimg_png_set_size(png, 50000, 50000);
    expect_refused(png, n, IMAGE_ERR_TOO_BIG, "declares 50000 x 50000 pixels, more than the limit", 1);
    /* Under the side limit but over the pixel count. */
    testimg_png_set_size(png, 9000, 9000);
    expect_refused(png, n, IMAGE_ERR_TOO_BIG, "declares 9000 x 9000", 1);
    /* A width of 2^31 and more. */
    testimg_png_set_size(png, 0x80000000u, 16);
    expect_refused(png, n, IMAGE_ERR_CORRUPT, "damaged", 1);
    /* Zero pixels. */
    testimg_png_set_size(png, 0, 16);
    expect_refused(png, n, IMAGE_ERR_CORRUPT, "declares 0 x 16", 1);
    free(png);
    unsigned char *jpg = testimg_jpeg(16, 16, TESTIMG_SOLID, 1, 2, 3, 80, 0, &n);
    assert_int_equal(testimg_jpeg_set_size(jpg, n, 50000, 50000), 0);
    expect_refused(jpg, n, IMAGE_ERR_TOO_BIG, "JPEG declares 50000 x 50000", 1);
    free(jpg);
    /* The IHDR's checksum is checked: a bomb with a bad CRC is damaged. */
    png = testimg_png(16, 16, TESTIMG_SOLID, 1, 2, 3, 255, 0, &n);
    png[17] ^= 1;
    expect_refused(png, n, IMAGE_ERR_CORRUPT, "fails its checksum", 1);
    free(png);
}

static void test_huge_chunk_and_size(void **state)
{
    (void)state;
    size_t n, m;
    unsigned char *png = testimg_png(16, 16, TESTIMG_SOLID, 1, 2, 3, 255, 0, &n);
    unsigned char *big = testimg_png_with_chunk(png, n, "zTXt", 1u << 20, &m);
    expect_refused(big, m, IMAGE_ERR_TOO_BIG, "1048576-byte \"zTXt\" chunk", 1);
    free(big);
    /* A small ancillary chunk is fine. */
    big = testimg_png_with_chunk(png, n, "tEXt", 100, &m);
    ImagePixels p;
    char err[256];
    assert_int_equal(image_decode_fit(big, m, 16, 16, &p, err, sizeof err), IMAGE_OK);
    image_pixels_free(&p);
    free(big);
    /* Over IMAGE_MAX_BYTES: refused by its length alone. */
    expect_refused(png, IMAGE_MAX_BYTES + 1u, IMAGE_ERR_TOO_BIG, "larger than the limit of 10485760", 1);
    free(png);
}

static void test_truncated(void **state)
{
    (void)state;
    size_t n;
    /* Cut inside the image data: the header is fine, decoding refuses. */
    unsigned char *png = testimg_png(300, 200, TESTIMG_NOISE, 0, 0, 0, 255, 0, &n);
    expect_refused(png, n / 2, IMAGE_ERR_CORRUPT, "truncated", 0);
    /* Cut before the image data. */
    expect_refused(png, 40, IMAGE_ERR_CORRUPT, "truncated", 1);
    /* Without its IEND. */
    expect_refused(png, n - 12, IMAGE_ERR_CORRUPT, "truncated", 0);
    free(png);
    unsigned char *jpg = testimg_jpeg(300, 200, TESTIMG_NOISE, 0, 0, 0, 90, 0, &n);
    expect_refused(jpg, n / 2, IMAGE_ERR_CORRUPT, "JPEG is truncated or damaged", 0);
    expect_refused(jpg, 100, IMAGE_ERR_CORRUPT, "JPEG", 0);
    /* Garbage in the middle of the entropy-coded data. */
    memset(jpg + n / 2, 0xff, 64);
    ImagePixels p;
    char err[256];
    int rc = image_decode_fit(jpg, n, 100, 100, &p, err, sizeof err);
    assert_int_equal(rc, IMAGE_ERR_CORRUPT);
    assert_null(p.px);
    free(jpg);
}

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    image_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_png_and_jpeg),
        cmocka_unit_test(test_fit_size),
        cmocka_unit_test(test_decode_png_scaled),
        cmocka_unit_test(test_decode_png_alpha_gray_interlaced),
        cmocka_unit_test(test_decode_big_jpeg),
        cmocka_unit_test(test_not_an_image),
        cmocka_unit_test(test_decompression_bombs),
        cmocka_unit_test(test_huge_chunk_and_size),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
