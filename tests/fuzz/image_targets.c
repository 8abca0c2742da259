/* image_targets.c - fuzz target body for the picture path (include/image.h):
 * the header check, then the decode and the scale, on any bytes. */
#include "fuzz_targets.h"
#include "fuzz_check.h"

#include <stdint.h>
#include <stdlib.h>
#include "content.h"
#include "image.h"

/* The first two bytes choose the box the picture is fitted into (1 to
 * 1021 pixels a side, so the scaler both shrinks and keeps sizes); the
 * rest is the file. */
int fuzz_image(const uint8_t *data, size_t size)
{
    FzIn in = {data, size};
    int max_w = 1 + (int)fz_byte(&in) * 4, max_h = 1 + (int)fz_byte(&in) * 4;
    const uint8_t *file = in.p;
    size_t n = in.n;

    ImageInfo info = {IMAGE_UNKNOWN, 0, 0};
    char err[300] = "";
    int probe = image_probe(file, n, &info, err, sizeof err);
    FZ_CHECK(probe == IMAGE_OK || probe == IMAGE_ERR_NOT_IMAGE || probe == IMAGE_ERR_TOO_BIG ||
             probe == IMAGE_ERR_CORRUPT || probe == IMAGE_ERR_NOMEM);
    if (probe == IMAGE_OK) {
        /* Within the limits, whatever the file says of itself. */
        FZ_CHECK(info.format == IMAGE_PNG || info.format == IMAGE_JPEG);
        FZ_CHECK(info.width >= 1 && info.width <= IMAGE_MAX_SIDE);
        FZ_CHECK(info.height >= 1 && info.height <= IMAGE_MAX_SIDE);
        FZ_CHECK((uint64_t)info.width * (uint64_t)info.height <= IMAGE_MAX_PIXELS);
        FZ_CHECK(n <= IMAGE_MAX_BYTES);
    } else {
        FZ_CHECK(err[0] != '\0');   /* a refusal says why */
    }

    ImagePixels px;
    err[0] = '\0';
    int rc = image_decode_fit(file, n, max_w, max_h, &px, err, sizeof err);
    if (probe != IMAGE_OK)
        FZ_CHECK(rc == probe);     /* refused before decoding, for the same reason */
    if (rc == IMAGE_OK) {
        /* The size image_fit_size gives for the declared size: never over
         * the box, never enlarged, every pixel opaque (laid on white). */
        int fw, fh;
        image_fit_size(info.width, info.height, max_w, max_h, &fw, &fh);
        FZ_CHECK(px.px != NULL);
        FZ_CHECK(px.w == fw && px.h == fh);
        FZ_CHECK(px.w >= 1 && px.w <= max_w && px.w <= info.width);
        FZ_CHECK(px.h >= 1 && px.h <= max_h && px.h <= info.height);
        size_t count = (size_t)px.w * (size_t)px.h;
        for (size_t i = 0; i < count; i++)
            FZ_CHECK(px.px[i * 4 + 3] == 255);
    } else {
        FZ_CHECK(rc < 0 && rc >= IMAGE_ERR_NOMEM);
        FZ_CHECK(px.px == NULL && px.w == 0 && px.h == 0);
        FZ_CHECK(err[0] != '\0');
    }
    image_pixels_free(&px);
    image_pixels_free(&px);        /* freed twice: the second does nothing */
    image_pixels_free(NULL);
    return 0;
}
