/* image.h - untrusted PNG and JPEG pictures: check, decode, scale.
 *
 * Pictures come from the network (docs/CONTENT.md, "Images"), so every
 * file is checked before a pixel is decoded: image_probe() reads only the
 * headers (format, declared size, a PNG's chunk lengths) and refuses what
 * is over the limits of content.h. image_decode_fit() then decodes with
 * libjpeg and libpng directly (not SDL2_image): rows stream through a box
 * filter into the smaller output, and a JPEG is first reduced in the DCT
 * (1/2, 1/4, 1/8), so memory is the output's size whatever the input's,
 * and a 4000 x 3000 photo becomes a screen-sized picture in a few tens of
 * milliseconds. Nothing here knows SDL; the renderer gets RGBA bytes. */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG } ImageFormat;

typedef struct {
    ImageFormat format;
    int width, height;               /* as the file declares them */
} ImageInfo;

/* Decoded pixels: w x h, 4 bytes a pixel (R, G, B, A; A always 255 since
 * transparency is laid on white), rows of w * 4 bytes. Owned by the
 * caller; free with image_pixels_free. */
typedef struct {
    int w, h;
    uint8_t *px;
} ImagePixels;

/* Why a picture was refused: for counters and the heartbeat. */
typedef enum {
    IMAGE_OK = 0,
    IMAGE_ERR_NOT_IMAGE = -1,    /* neither PNG nor JPEG */
    IMAGE_ERR_TOO_BIG = -2,      /* bytes, sides or pixels over the limits */
    IMAGE_ERR_CORRUPT = -3,      /* truncated, bad CRC, undecodable */
    IMAGE_ERR_NOMEM = -4,
} ImageError;

/* Check the headers of `len` bytes without decoding pixels: a PNG's
 * signature, IHDR (with its CRC) and every chunk's length up to the first
 * IDAT (an ancillary chunk over 256 KiB is refused); a JPEG's markers up to
 * its frame header. Refuses more than IMAGE_MAX_BYTES, a side over
 * IMAGE_MAX_SIDE and more than IMAGE_MAX_PIXELS pixels (the decompression
 * bomb: a small file declaring 50,000 x 50,000). Returns IMAGE_OK and
 * fills *info, or a negative ImageError with a one-line message in err. */
int image_probe(const void *buf, size_t len, ImageInfo *info, char *err, size_t errlen);

/* Probe, then decode and scale the picture to fit inside max_w x max_h
 * (keeping its shape; never enlarged). Returns IMAGE_OK and fills *out, or
 * a negative ImageError with a message (out->px is then NULL). A truncated
 * file is an error, never a half-grey picture. */
int image_decode_fit(const void *buf, size_t len, int max_w, int max_h,
                     ImagePixels *out, char *err, size_t errlen);

/* The size (w, h) a picture of iw x ih gets inside max_w x max_h: the
 * largest with its shape that fits, at least 1 x 1, never larger than
 * iw x ih. */
void image_fit_size(int iw, int ih, int max_w, int max_h, int *w, int *h);

/* Free the pixels; NULL and an empty ImagePixels are accepted. */
void image_pixels_free(ImagePixels *p);

/* The SHA-256 of `len` bytes as 64 lower-case hex digits and a NUL. */
void image_sha256_hex(const void *buf, size_t len, char hex[65]);

#endif
