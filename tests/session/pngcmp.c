/* pngcmp.c - compare two screenshots for tests/session/session-test.sh.
 *   pngcmp A.png B.png [MAXFRAC]  "N of M pixels differ ..."; exit 0 when at
 *                                 most MAXFRAC (default 0.002) of the pixels
 *                                 differ by more than 24 in a channel, else 1
 *   pngcmp --blank A.png          exit 0 when every pixel is the same colour
 *   pngcmp --size A.png           print WxH
 * Exit 2 when a file cannot be read. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned w, h;
    unsigned char *px;   /* RGB */
} Image;

static int load(const char *path, Image *im)
{
    png_image png;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path)) {
        fprintf(stderr, "pngcmp: %s: %s\n", path, png.message);
        return -1;
    }
    png.format = PNG_FORMAT_RGB;
    im->w = png.width;
    im->h = png.height;
    im->px = malloc(PNG_IMAGE_SIZE(png));
    if (!im->px || !png_image_finish_read(&png, NULL, im->px, 0, NULL)) {
        fprintf(stderr, "pngcmp: %s: %s\n", path, im->px ? png.message : "out of memory");
        png_image_free(&png);
        free(im->px);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    Image a = {0}, b = {0};
    if (argc == 3 && (strcmp(argv[1], "--blank") == 0 || strcmp(argv[1], "--size") == 0)) {
        if (load(argv[2], &a) < 0)
            return 2;
        int rc = 0;
        if (strcmp(argv[1], "--size") == 0) {
            printf("%ux%u\n", a.w, a.h);
        } else {
            size_t n = (size_t)a.w * a.h * 3;
            for (size_t i = 3; i < n && rc == 0; i++)
                rc = a.px[i] != a.px[i % 3];
        }
        free(a.px);
        return rc;
    }
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: pngcmp A.png B.png [MAXFRAC] | --blank A.png | --size A.png\n");
        return 2;
    }
    double maxfrac = argc == 4 ? atof(argv[3]) : 0.002;
    if (load(argv[1], &a) < 0 || load(argv[2], &b) < 0) {
        free(a.px);
        return 2;
    }
    int rc = 1;
    if (a.w != b.w || a.h != b.h) {
        printf("sizes differ: %ux%u and %ux%u\n", a.w, a.h, b.w, b.h);
    } else {
        size_t m = (size_t)a.w * a.h, n = 0;
        int largest = 0;
        for (size_t i = 0; i < m; i++) {
            int d = 0;
            for (int c = 0; c < 3; c++) {
                int e = abs(a.px[3 * i + c] - b.px[3 * i + c]);
                d = e > d ? e : d;
            }
            largest = d > largest ? d : largest;
            n += d > 24;
        }
        printf("%zu of %zu pixels differ (%.3f%%), largest difference %d\n", n, m,
               100.0 * (double)n / (double)m, largest);
        rc = (double)n <= maxfrac * (double)m ? 0 : 1;
    }
    free(a.px);
    free(b.px);
    return rc;
}
