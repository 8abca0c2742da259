/* image.c - check, decode and scale untrusted PNG and JPEG pictures. */
#include "image.h"
#include "content.h"
#include "errmsg.h"

#include <stdio.h>   /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An ancillary PNG chunk larger than this is refused unread. */
#define IMAGE_PNG_MAX_CHUNK (256u * 1024u)
/* Interlaced PNGs cannot stream by rows: decoded whole up to this size. */
#define IMAGE_PNG_MAX_INTERLACED (4u * 1000u * 1000u)
/* What libjpeg may allocate (a progressive file keeps all coefficients). */
#define IMAGE_JPEG_MAX_MEMORY (64L * 1024L * 1024L)

static uint32_t image_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t image_crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

/* ---- headers ---- */

static int image_check_size(ImageInfo *info, char *err, size_t errlen)
{
    const char *fmt = info->format == IMAGE_PNG ? "PNG" : "JPEG";
    if (info->width < 1 || info->height < 1) {
        errmsg(err, errlen, "%s declares %d x %d pixels: damaged file", fmt,
               info->width, info->height);
        return IMAGE_ERR_CORRUPT;
    }
    uint64_t px = (uint64_t)info->width * (uint64_t)info->height;
    if (info->width > IMAGE_MAX_SIDE || info->height > IMAGE_MAX_SIDE || px > IMAGE_MAX_PIXELS) {
        errmsg(err, errlen, "%s declares %d x %d pixels, more than the limit (%d on a side, "
               "%u in all); refused before decoding", fmt, info->width, info->height,
               IMAGE_MAX_SIDE, IMAGE_MAX_PIXELS);
        return IMAGE_ERR_TOO_BIG;
    }
    return IMAGE_OK;
}

static int image_probe_png(const unsigned char *p, size_t len, ImageInfo *info,
                           char *err, size_t errlen)
{
    size_t off = 8;
    if (len < off + 8 + 13 + 4 || image_be32(p + off) != 13 || memcmp(p + off + 4, "IHDR", 4)) {
        errmsg(err, errlen, "PNG without a valid header (IHDR): truncated or damaged");
        return IMAGE_ERR_CORRUPT;
    }
    if (image_crc32(p + off + 4, 4 + 13) != image_be32(p + off + 8 + 13)) {
        errmsg(err, errlen, "PNG header (IHDR) fails its checksum: damaged file");
        return IMAGE_ERR_CORRUPT;
    }
    uint32_t w = image_be32(p + off + 8), h = image_be32(p + off + 12);
    info->width = w > 0x7fffffffu ? -1 : (int)w;
    info->height = h > 0x7fffffffu ? -1 : (int)h;
    if (w > 0x7fffffffu || h > 0x7fffffffu)
        info->width = info->height = 0;
    int rc = image_check_size(info, err, errlen);
    if (rc != IMAGE_OK)
        return rc;
    /* Every chunk's length up to the first IDAT. */
    off += 8 + 13 + 4;
    for (;;) {
        if (len - off < 8) {
            errmsg(err, errlen, "PNG ends before its image data: truncated file");
            return IMAGE_ERR_CORRUPT;
        }
        uint32_t n = image_be32(p + off);
        bool idat = memcmp(p + off + 4, "IDAT", 4) == 0;
        if (n > 0x7fffffffu) {
            errmsg(err, errlen, "PNG chunk length %u is invalid: damaged file", n);
            return IMAGE_ERR_CORRUPT;
        }
        if (idat)
            return IMAGE_OK;
        if (n > IMAGE_PNG_MAX_CHUNK) {
            errmsg(err, errlen, "PNG has a %u-byte \"%.4s\" chunk, more than the limit of %u "
                   "bytes for data that is not the picture; refused", n,
                   (const char *)p + off + 4, IMAGE_PNG_MAX_CHUNK);
            return IMAGE_ERR_TOO_BIG;
        }
        if (memcmp(p + off + 4, "IEND", 4) == 0) {
            errmsg(err, errlen, "PNG has no image data: damaged file");
            return IMAGE_ERR_CORRUPT;
        }
        if (len - off - 8 < (size_t)n + 4) {
            errmsg(err, errlen, "PNG ends inside a chunk: truncated file");
            return IMAGE_ERR_CORRUPT;
        }
        off += 8 + (size_t)n + 4;
    }
}

static int image_probe_jpeg(const unsigned char *p, size_t len, ImageInfo *info,
                            char *err, size_t errlen)
{
    size_t off = 2;
    for (;;) {
        while (off < len && p[off] != 0xff)
            off++;                       /* stray bytes: libjpeg skips them too */
        while (off < len && p[off] == 0xff)
            off++;
        if (off >= len)
            break;
        unsigned m = p[off++];
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd8))
            continue;                    /* markers without a length */
        if (m == 0xd9)
            break;
        if (len - off < 2)
            break;
        size_t seg = (size_t)p[off] << 8 | p[off + 1];
        if (seg < 2) {
            errmsg(err, errlen, "JPEG segment with length %zu: damaged file", seg);
            return IMAGE_ERR_CORRUPT;
        }
        if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
            if (seg < 8 || len - off < 8)
                break;
            info->height = p[off + 3] << 8 | p[off + 4];
            info->width = p[off + 5] << 8 | p[off + 6];
            return image_check_size(info, err, errlen);
        }
        if (len - off < seg)
            break;
        off += seg;
    }
    errmsg(err, errlen, "JPEG ends before its frame header: truncated or damaged file");
    return IMAGE_ERR_CORRUPT;
}

int image_probe(const void *buf, size_t len, ImageInfo *info, char *err, size_t errlen)
{
    const unsigned char *p = buf;
    memset(info, 0, sizeof *info);
    if (!p || len == 0) {
        errmsg(err, errlen, "empty file (0 bytes): not a picture");
        return IMAGE_ERR_NOT_IMAGE;
    }
    if (len > IMAGE_MAX_BYTES) {
        errmsg(err, errlen, "file is %zu bytes, larger than the limit of %u bytes (10 MB)",
               len, IMAGE_MAX_BYTES);
        return IMAGE_ERR_TOO_BIG;
    }
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        info->format = IMAGE_PNG;
        return image_probe_png(p, len, info, err, errlen);
    }
    if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff) {
        info->format = IMAGE_JPEG;
        return image_probe_jpeg(p, len, info, err, errlen);
    }
    errmsg(err, errlen, "not a PNG or JPEG picture");
    return IMAGE_ERR_NOT_IMAGE;
}

/* ---- the scaler: rows in, a box filter, rows out ---- */

typedef struct {
    int iw, ih, ow, oh;
    int *xmap;                   /* input column -> output column */
    uint32_t *acc;               /* RGB sums of the output row being built */
    uint32_t *cols;              /* input columns per output column */
    int rows;                    /* input rows in acc */
    int y;                       /* next input row */
    uint8_t *out;                /* ow x oh x 4 */
} ImageScaler;

static int image_scaler_init(ImageScaler *s, int iw, int ih, int ow, int oh)
{
    memset(s, 0, sizeof *s);
    s->iw = iw, s->ih = ih, s->ow = ow, s->oh = oh;
    s->xmap = malloc((size_t)iw * sizeof *s->xmap);
    s->acc = calloc((size_t)ow * 3, sizeof *s->acc);
    s->cols = calloc((size_t)ow, sizeof *s->cols);
    s->out = malloc((size_t)ow * (size_t)oh * 4);
    if (!s->xmap || !s->acc || !s->cols || !s->out)
        return -1;
    for (int x = 0; x < iw; x++) {
        s->xmap[x] = (int)((int64_t)x * ow / iw);
        s->cols[s->xmap[x]]++;
    }
    return 0;
}

static void image_scaler_free(ImageScaler *s)
{
    free(s->xmap);
    free(s->acc);
    free(s->cols);
    free(s->out);
    memset(s, 0, sizeof *s);
}

/* One input row of iw RGBA pixels (alpha already laid on white). */
static void image_scaler_row(ImageScaler *s, const uint8_t *row)
{
    int oy = (int)((int64_t)s->y * s->oh / s->ih);
    for (int x = 0; x < s->iw; x++) {
        uint32_t *a = s->acc + (size_t)s->xmap[x] * 3;
        a[0] += row[x * 4];
        a[1] += row[x * 4 + 1];
        a[2] += row[x * 4 + 2];
    }
    s->rows++;
    s->y++;
    int next = s->y < s->ih ? (int)((int64_t)s->y * s->oh / s->ih) : -1;
    if (next != oy) {
        uint8_t *o = s->out + (size_t)oy * (size_t)s->ow * 4;
        for (int x = 0; x < s->ow; x++) {
            uint32_t n = s->cols[x] * (uint32_t)s->rows;
            uint32_t *a = s->acc + (size_t)x * 3;
            o[x * 4] = (uint8_t)((a[0] + n / 2) / n);
            o[x * 4 + 1] = (uint8_t)((a[1] + n / 2) / n);
            o[x * 4 + 2] = (uint8_t)((a[2] + n / 2) / n);
            o[x * 4 + 3] = 255;
        }
        memset(s->acc, 0, (size_t)s->ow * 3 * sizeof *s->acc);
        s->rows = 0;
    }
}

void image_fit_size(int iw, int ih, int max_w, int max_h, int *w, int *h)
{
    if (max_w < 1)
        max_w = 1;
    if (max_h < 1)
        max_h = 1;
    if (iw <= max_w && ih <= max_h) {
        *w = iw;
        *h = ih;
    } else if ((int64_t)iw * max_h <= (int64_t)ih * max_w) {
        *h = max_h;
        *w = (int)(((int64_t)iw * max_h + ih / 2) / ih);
    } else {
        *w = max_w;
        *h = (int)(((int64_t)ih * max_w + iw / 2) / iw);
    }
    if (*w < 1)
        *w = 1;
    if (*h < 1)
        *h = 1;
}

/* ---- JPEG ---- */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    int warnings;
    char msg[JMSG_LENGTH_MAX];
} ImageJpegErr;

static void image_jpeg_exit(j_common_ptr c)
{
    ImageJpegErr *e = (ImageJpegErr *)c->err;
    e->pub.format_message(c, e->msg);
    longjmp(e->jb, 1);
}

/* Warnings (a premature end, corrupt data) make the picture refused. */
static void image_jpeg_emit(j_common_ptr c, int level)
{
    ImageJpegErr *e = (ImageJpegErr *)c->err;
    if (level < 0 && e->warnings++ == 0)
        e->pub.format_message(c, e->msg);
}

static void image_jpeg_output(j_common_ptr c)
{
    (void)c;                             /* libjpeg would print to stderr */
}

static int image_decode_jpeg(const unsigned char *p, size_t len, int max_w, int max_h,
                             ImagePixels *out, char *err, size_t errlen)
{
    struct jpeg_decompress_struct ci;
    ImageJpegErr je;
    ImageScaler sc;
    uint8_t *volatile row = NULL;
    volatile int rc = IMAGE_ERR_CORRUPT;
    memset(&sc, 0, sizeof sc);
    memset(&je, 0, sizeof je);
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = image_jpeg_exit;
    je.pub.emit_message = image_jpeg_emit;
    je.pub.output_message = image_jpeg_output;
    if (setjmp(je.jb)) {
        errmsg(err, errlen, "JPEG cannot be decoded (%s): damaged file", je.msg);
        goto done;
    }
    jpeg_create_decompress(&ci);
    ci.mem->max_memory_to_use = IMAGE_JPEG_MAX_MEMORY;
    jpeg_mem_src(&ci, p, (unsigned long)len);
    jpeg_read_header(&ci, TRUE);
    if (ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK) {
        errmsg(err, errlen, "JPEG in CMYK colours is not supported: save it as RGB");
        goto done;
    }
    int ow, oh;
    image_fit_size((int)ci.image_width, (int)ci.image_height, max_w, max_h, &ow, &oh);
    /* The largest reduction in the DCT that still leaves at least ow x oh. */
    ci.out_color_space = JCS_EXT_RGBX;
    ci.scale_num = 1;
    for (unsigned d = 8; d >= 1; d /= 2) {
        ci.scale_denom = d;
        jpeg_calc_output_dimensions(&ci);
        if ((int)ci.output_width >= ow && (int)ci.output_height >= oh)
            break;
    }
    ci.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&ci);
    if (image_scaler_init(&sc, (int)ci.output_width, (int)ci.output_height, ow, oh) < 0 ||
        !(row = malloc((size_t)ci.output_width * 4))) {
        rc = IMAGE_ERR_NOMEM;
        errmsg(err, errlen, "out of memory decoding a %d x %d JPEG", ow, oh);
        goto done;
    }
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW r = row;
        if (jpeg_read_scanlines(&ci, &r, 1) != 1 || je.warnings)
            break;
        image_scaler_row(&sc, row);
    }
    if (je.warnings || ci.output_scanline < ci.output_height) {
        errmsg(err, errlen, "JPEG is truncated or damaged (%s)", je.msg);
        goto done;
    }
    jpeg_finish_decompress(&ci);
    out->w = ow;
    out->h = oh;
    out->px = sc.out;
    sc.out = NULL;
    rc = IMAGE_OK;
done:
    jpeg_destroy_decompress(&ci);
    free(row);
    image_scaler_free(&sc);
    return rc;
}

/* ---- PNG ---- */

typedef struct {
    const unsigned char *p;
    size_t len, off;
    char msg[160];
} ImagePngSrc;

static void image_png_read(png_structp png, png_bytep data, size_t n)
{
    ImagePngSrc *s = png_get_io_ptr(png);
    if (s->len - s->off < n)
        png_error(png, "the file ends early (truncated)");
    memcpy(data, s->p + s->off, n);
    s->off += n;
}

static void image_png_error(png_structp png, png_const_charp msg)
{
    ImagePngSrc *s = png_get_io_ptr(png);
    if (s)
        snprintf(s->msg, sizeof s->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void image_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;                           /* ancillary trouble: the chunk is skipped */
}

/* Lay a row of RGBA on white, in place. */
static void image_on_white(uint8_t *row, int w)
{
    for (int x = 0; x < w; x++) {
        uint8_t *q = row + x * 4;
        unsigned a = q[3];
        if (a == 255)
            continue;
        for (int k = 0; k < 3; k++)
            q[k] = (uint8_t)((q[k] * a + 255 * (255 - a) + 127) / 255);
        q[3] = 255;
    }
}

static int image_decode_png(const unsigned char *p, size_t len, int max_w, int max_h,
                            ImagePixels *out, char *err, size_t errlen)
{
    ImagePngSrc src = { p, len, 0, "" };
    ImageScaler sc;
    uint8_t *volatile rows = NULL;
    volatile int rc = IMAGE_ERR_CORRUPT;
    png_infop info = NULL;
    memset(&sc, 0, sizeof sc);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
                                             image_png_error, image_png_warning);
    if (!png || !(info = png_create_info_struct(png))) {
        png_destroy_read_struct(&png, NULL, NULL);
        errmsg(err, errlen, "out of memory opening a PNG");
        return IMAGE_ERR_NOMEM;
    }
    png_set_read_fn(png, &src, image_png_read);
    if (setjmp(png_jmpbuf(png))) {
        if (rc != IMAGE_ERR_NOMEM)
            errmsg(err, errlen, "PNG cannot be decoded (%s): truncated or damaged file", src.msg);
        goto done;
    }
    png_set_user_limits(png, IMAGE_MAX_SIDE, IMAGE_MAX_SIDE);
    png_set_chunk_malloc_max(png, IMAGE_PNG_MAX_CHUNK * 4);
    png_set_chunk_cache_max(png, 128);
    png_read_info(png, info);
    int iw = (int)png_get_image_width(png, info), ih = (int)png_get_image_height(png, info);
    int ctype = png_get_color_type(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    if (ctype == PNG_COLOR_TYPE_GRAY || ctype == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)iw * 4) {
        errmsg(err, errlen, "PNG pixel format not supported");
        goto done;
    }
    if (passes > 1 && (uint64_t)iw * (uint64_t)ih > IMAGE_PNG_MAX_INTERLACED) {
        rc = IMAGE_ERR_TOO_BIG;
        errmsg(err, errlen, "interlaced PNG of %d x %d pixels: over the limit of %u pixels "
               "for interlaced files; save it without interlacing", iw, ih,
               IMAGE_PNG_MAX_INTERLACED);
        goto done;
    }
    int ow, oh;
    image_fit_size(iw, ih, max_w, max_h, &ow, &oh);
    size_t nrows = passes > 1 ? (size_t)ih : 1;
    if (image_scaler_init(&sc, iw, ih, ow, oh) < 0 ||
        !(rows = malloc((size_t)iw * 4 * nrows))) {
        rc = IMAGE_ERR_NOMEM;
        errmsg(err, errlen, "out of memory decoding a %d x %d PNG", iw, ih);
        goto done;
    }
    if (passes > 1) {
        for (int pass = 0; pass < passes; pass++)
            for (int y = 0; y < ih; y++)
                png_read_row(png, rows + (size_t)y * iw * 4, NULL);
        for (int y = 0; y < ih; y++) {
            image_on_white(rows + (size_t)y * iw * 4, iw);
            image_scaler_row(&sc, rows + (size_t)y * iw * 4);
        }
    } else {
        for (int y = 0; y < ih; y++) {
            png_read_row(png, rows, NULL);
            image_on_white(rows, iw);
            image_scaler_row(&sc, rows);
        }
    }
    png_read_end(png, NULL);
    out->w = ow;
    out->h = oh;
    out->px = sc.out;
    sc.out = NULL;
    rc = IMAGE_OK;
done:
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    image_scaler_free(&sc);
    return rc;
}

int image_decode_fit(const void *buf, size_t len, int max_w, int max_h,
                     ImagePixels *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    ImageInfo info;
    int rc = image_probe(buf, len, &info, err, errlen);
    if (rc != IMAGE_OK)
        return rc;
    if (info.format == IMAGE_JPEG)
        return image_decode_jpeg(buf, len, max_w, max_h, out, err, errlen);
    return image_decode_png(buf, len, max_w, max_h, out, err, errlen);
}

void image_pixels_free(ImagePixels *p)
{
    if (!p)
        return;
    free(p->px);
    memset(p, 0, sizeof *p);
}

void image_sha256_hex(const void *buf, size_t len, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, buf, len);
    sodium_bin2hex(hex, 65, h, sizeof h);
}
