/* test_render_sdl.c - pixel tests of the SDL renderer on a software surface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <qrencode.h>

#include "config.h"
#include "drawlist.h"
#include "platform_sdl.h"
#include "render_sdl.h"

#define W 800
#define H 600
#define BG      ((Color){0xF4, 0xF1, 0xEA, 0xFF})
#define BG_ARGB 0xFFF4F1EAu
#define INK     ((Color){0x1E, 0x1E, 0x1E, 0xFF})

typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *sdl;
    Renderer *r;
    DrawList dl;
    uint32_t px[W * H];              /* last read-back, ARGB8888 */
} Fx;

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(fx->surf);
    fx->sdl = SDL_CreateSoftwareRenderer(fx->surf);
    assert_non_null(fx->sdl);
    char err[256] = "";
    fx->r = render_create(fx->sdl, "fonts", err, sizeof err);
    if (!fx->r)
        fail_msg("render_create: %s", err);
    dl_init(&fx->dl);
    dl_set_clear(&fx->dl, BG);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    dl_free(&fx->dl);
    render_destroy(fx->r);
    SDL_DestroyRenderer(fx->sdl);
    SDL_FreeSurface(fx->surf);
    free(fx);
    return 0;
}

/* Draw the fixture's list and read the pixels back. */
static int draw(Fx *fx)
{
    int rc = render_frame(fx->r, &fx->dl);
    assert_int_equal(SDL_RenderReadPixels(fx->sdl, NULL, SDL_PIXELFORMAT_ARGB8888,
                                          fx->px, W * 4), 0);
    return rc;
}

static uint32_t at(const Fx *fx, int x, int y) { return fx->px[y * W + x]; }

/* Pixels differing from the background inside / outside rectangle b. */
static void count_ink(const Fx *fx, SDL_Rect b, int *inside, int *outside)
{
    *inside = *outside = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if (at(fx, x, y) != BG_ARGB) {
                SDL_Point p = {x, y};
                if (SDL_PointInRect(&p, &b)) ++*inside; else ++*outside;
            }
}

static int text_w(Fx *fx, FontFace f, int size, const char *s)
{
    return measure_width(render_measure(fx->r), f, size, s, strlen(s));
}

static void test_rect_exact_pixels(void **state)
{
    Fx *fx = *state;
    dl_rect(&fx->dl, (Rect){10, 20, 30, 40}, (Color){0xC6, 0x28, 0x28, 0xFF});
    assert_int_equal(draw(fx), 0);
    assert_int_equal(at(fx, 10, 20), 0xFFC62828u);
    assert_int_equal(at(fx, 39, 59), 0xFFC62828u);
    assert_int_equal(at(fx, 9, 20), BG_ARGB);
    assert_int_equal(at(fx, 40, 20), BG_ARGB);
    assert_int_equal(at(fx, 10, 19), BG_ARGB);
    assert_int_equal(at(fx, 10, 60), BG_ARGB);
    int in, out;
    count_ink(fx, (SDL_Rect){10, 20, 30, 40}, &in, &out);
    assert_int_equal(in, 30 * 40);
    assert_int_equal(out, 0);
}

static void test_rect_alpha_blends(void **state)
{
    Fx *fx = *state;
    dl_set_clear(&fx->dl, (Color){255, 255, 255, 255});
    dl_rect(&fx->dl, (Rect){0, 0, 10, 10}, (Color){0, 0, 0, 0x80});
    draw(fx);
    uint32_t p = at(fx, 5, 5);
    int red = (p >> 16) & 0xFF;
    assert_in_range(red, 0x7C, 0x82);
    assert_int_equal(at(fx, 20, 20), 0xFFFFFFFFu);
}

static void test_frame_outline(void **state)
{
    Fx *fx = *state;
    dl_frame(&fx->dl, (Rect){100, 100, 50, 40}, (Color){0, 0, 255, 255}, 3);
    draw(fx);
    assert_int_equal(at(fx, 100, 100), 0xFF0000FFu);
    assert_int_equal(at(fx, 102, 120), 0xFF0000FFu);   /* left side, 3 px */
    assert_int_equal(at(fx, 103, 120), BG_ARGB);       /* inside is untouched */
    assert_int_equal(at(fx, 149, 139), 0xFF0000FFu);
    assert_int_equal(at(fx, 146, 120), BG_ARGB);
    assert_int_equal(at(fx, 150, 120), BG_ARGB);
    int in, out;
    count_ink(fx, (SDL_Rect){100, 100, 50, 40}, &in, &out);
    assert_int_equal(in, 50 * 40 - 44 * 34);
    assert_int_equal(out, 0);
}

static void test_text_inside_measured_box(void **state)
{
    Fx *fx = *state;
    const char *s = "社区公告：电梯维修 Lift 12:30";
    int w = text_w(fx, FONT_REGULAR, 32, s);
    int h = measure_height(render_measure(fx->r), FONT_REGULAR, 32);
    assert_true(w > 200);
    assert_true(h >= 32 && h < 64);
    dl_text(&fx->dl, 50, 60, FONT_REGULAR, 32, INK, s, -1);
    assert_int_equal(draw(fx), 0);
    int in, out;
    count_ink(fx, (SDL_Rect){50, 60, w, h}, &in, &out);
    assert_true(in > 1000);
    assert_int_equal(out, 0);
    /* Ink reaches near both ends of the measured width. */
    int minx = W, maxx = -1;
    for (int y = 60; y < 60 + h; y++)
        for (int x = 50; x < 50 + w; x++)
            if (at(fx, x, y) != BG_ARGB) {
                if (x < minx) minx = x;
                if (x > maxx) maxx = x;
            }
    assert_true(minx <= 50 + 4);
    assert_true(maxx >= 50 + w - 6);
}

/* A character the font lacks (an emoji) is drawn as a visible box, as
 * wide as □, never a blank gap; the joiners of an emoji sequence vanish. */
static void test_missing_glyph_drawn_visibly(void **state)
{
    Fx *fx = *state;
    int box = text_w(fx, FONT_REGULAR, 48, "\xe2\x96\xa1");
    assert_true(box > 10);
    assert_int_equal(text_w(fx, FONT_REGULAR, 48, "\xf0\x9f\x98\x80"), box);   /* 😀 */
    /* 👍🏻 and a ZWJ sequence 👨‍👩: boxes for the pictographs only. */
    assert_int_equal(text_w(fx, FONT_REGULAR, 48, "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"),
                     2 * box);
    int w = text_w(fx, FONT_REGULAR, 48, "\xf0\x9f\x98\x80");
    int h = measure_height(render_measure(fx->r), FONT_REGULAR, 48);
    dl_text(&fx->dl, 50, 60, FONT_REGULAR, 48, INK, "\xf0\x9f\x98\x80", -1);
    assert_int_equal(draw(fx), 0);
    int in, out;
    count_ink(fx, (SDL_Rect){50, 60, w, h}, &in, &out);
    assert_true(in > 50);                      /* ink where the emoji is */
}

static void test_bold_and_icon_faces_draw(void **state)
{
    Fx *fx = *state;
    dl_text(&fx->dl, 10, 10, FONT_BOLD, 48, INK, "通知", -1);
    dl_text(&fx->dl, 10, 100, FONT_ICON, 48, INK, "\xee\xa2\x8a", -1);   /* home */
    assert_int_equal(draw(fx), 0);
    int in, out;
    int wi = text_w(fx, FONT_ICON, 48, "\xee\xa2\x8a");
    assert_int_equal(wi, 48);                           /* icons are 1 em square */
    count_ink(fx, (SDL_Rect){10, 100, wi, 48}, &in, &out);
    assert_true(in > 200);
    assert_true(text_w(fx, FONT_BOLD, 48, "通知") > 0);
}

static void test_clip_stops_drawing(void **state)
{
    Fx *fx = *state;
    Color red = {255, 0, 0, 255};
    dl_clip(&fx->dl, (Rect){100, 100, 200, 100});
    dl_rect(&fx->dl, (Rect){0, 0, W, H}, red);
    dl_text(&fx->dl, 50, 120, FONT_REGULAR, 40, INK, "剪裁测试文字很长很长很长", -1);
    dl_clip(&fx->dl, (Rect){250, 150, 200, 200});       /* nested: intersects */
    dl_rect(&fx->dl, (Rect){0, 0, W, H}, (Color){0, 255, 0, 255});
    dl_clip(&fx->dl, (Rect){600, 400, 10, 10});         /* disjoint: empty */
    dl_rect(&fx->dl, (Rect){0, 0, W, H}, (Color){0, 0, 255, 255});
    dl_unclip(&fx->dl);
    dl_unclip(&fx->dl);
    dl_rect(&fx->dl, (Rect){110, 110, 5, 5}, (Color){0, 0, 0, 255});   /* back in clip 1 */
    dl_unclip(&fx->dl);
    dl_rect(&fx->dl, (Rect){0, 0, 5, 5}, (Color){0, 0, 0, 255});       /* unclipped */
    assert_int_equal(draw(fx), 0);
    int in, out;
    count_ink(fx, (SDL_Rect){100, 100, 200, 100}, &in, &out);
    assert_int_equal(out, 25);                          /* only the final 5x5 */
    assert_int_equal(at(fx, 100, 100), 0xFFFF0000u);
    assert_int_equal(at(fx, 250, 150), 0xFF00FF00u);
    assert_int_equal(at(fx, 299, 199), 0xFF00FF00u);
    assert_int_equal(at(fx, 249, 150), 0xFFFF0000u);
    assert_int_equal(at(fx, 112, 112), 0xFF000000u);
    assert_int_equal(at(fx, 2, 2), 0xFF000000u);
    for (int i = 0; i < W * H; i++)
        assert_int_not_equal(fx->px[i], 0xFF0000FFu);   /* the empty clip drew nothing */
}

static void test_measure_cjk(void **state)
{
    Fx *fx = *state;
    int one = text_w(fx, FONT_REGULAR, 32, "社");
    int two = text_w(fx, FONT_REGULAR, 32, "社区");
    assert_true(one > 0);
    assert_in_range(two, 2 * one - 1, 2 * one + 1);
    assert_int_equal(one, 32);                          /* ideographs are 1 em */
    /* Chinese punctuation keeps its full-width advance. */
    static const char *const punct[] = {"，", "。", "：", "；", "！", "？", "（", "）",
                                        "、", "《", "》", "“", "”", "【", "】"};
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        int pw = text_w(fx, FONT_REGULAR, 32, punct[i]);
        if (pw < one - 1 || pw > one + 1)
            fail_msg("punctuation #%zu measures %d, not %d", i, pw, one);
    }
    /* Latin is narrower; an empty string is 0; a cut-off sequence is harmless. */
    assert_true(text_w(fx, FONT_REGULAR, 32, "i") < one / 2);
    assert_int_equal(measure_width(render_measure(fx->r), FONT_REGULAR, 32, "社区", 0), 0);
    int cut = measure_width(render_measure(fx->r), FONT_REGULAR, 32, "社区", 4);
    assert_true(cut >= one);
    /* Measuring again is answered by the cache with the same width. */
    RenderStats a, b;
    render_stats(fx->r, &a);
    assert_int_equal(text_w(fx, FONT_REGULAR, 32, "社区"), two);
    render_stats(fx->r, &b);
    assert_int_equal(b.measure_hits, a.measure_hits + 1);
    assert_int_equal(b.measure_misses, a.measure_misses);
    /* Same bytes, other size or face: not confused with the cached entry. */
    assert_int_equal(text_w(fx, FONT_REGULAR, 64, "社区"), 2 * two);
    assert_true(measure_height(render_measure(fx->r), FONT_BOLD, 64) > 64);
}

static void build_notice_frame(DrawList *dl)
{
    dl_reset(dl);
    dl_set_clear(dl, BG);
    char line[64];
    for (int i = 0; i < 10; i++) {
        snprintf(line, sizeof line, "第%d条：请勿在楼道内堆放杂物。", i + 1);
        dl_text(dl, 10, 10 + i * 50, FONT_REGULAR, 32, INK, line, -1);
    }
    dl_text(dl, 500, 10, FONT_BOLD, 40, (Color){0xC6, 0x28, 0x28, 0xFF}, "紧急", -1);
}

static void test_cache_reused_across_frames(void **state)
{
    Fx *fx = *state;
    RenderStats s0, s1, s2;
    build_notice_frame(&fx->dl);
    render_stats(fx->r, &s0);
    draw(fx);
    render_stats(fx->r, &s1);
    assert_int_equal(s1.misses - s0.misses, 11);
    assert_int_equal(s1.entries, 11);
    assert_true(s1.bytes > 0);
    uint32_t before[64];
    memcpy(before, fx->px + 30 * W, sizeof before);
    build_notice_frame(&fx->dl);
    draw(fx);
    render_stats(fx->r, &s2);
    assert_int_equal(s2.misses, s1.misses);             /* nothing rendered again */
    assert_int_equal(s2.hits - s1.hits, 11);
    assert_int_equal(s2.entries, 11);
    assert_memory_equal(before, fx->px + 30 * W, sizeof before);
    /* The same text in another colour is another texture. */
    dl_reset(&fx->dl);
    dl_text(&fx->dl, 10, 10, FONT_REGULAR, 32, (Color){0x1F, 0x4E, 0x79, 0xFF},
            "第1条：请勿在楼道内堆放杂物。", -1);
    draw(fx);
    render_stats(fx->r, &s2);
    assert_int_equal(s2.misses, s1.misses + 1);
    /* Stale entries go: explicitly, and after 120 frames without use. */
    render_trim(fx->r, 1);
    render_stats(fx->r, &s2);
    assert_int_equal(s2.entries, 1);
    build_notice_frame(&fx->dl);
    draw(fx);
    dl_reset(&fx->dl);
    for (int i = 0; i < 125; i++)
        render_frame(fx->r, &fx->dl);
    render_stats(fx->r, &s2);
    assert_int_equal(s2.entries, 0);
    assert_int_equal(s2.bytes, 0);
}

static void test_cache_memory_is_capped(void **state)
{
    Fx *fx = *state;
    RenderStats st;
    char line[512];
    size_t peak = 0;
    for (int f = 0; f < 40; f++) {      /* ~3 MB of pixels a frame, 64 MB cap */
        dl_reset(&fx->dl);
        int n = snprintf(line, sizeof line, "%02d", f);
        for (int i = 0; i < 120; i++)
            n += snprintf(line + n, sizeof line - (size_t)n, "%s", "缓");
        dl_text(&fx->dl, 0, 0, FONT_REGULAR, 64, INK, line, -1);
        render_frame(fx->r, &fx->dl);
        render_stats(fx->r, &st);
        if (st.bytes > peak)
            peak = st.bytes;
        assert_true(st.bytes <= (size_t)64 << 20);
    }
    assert_true(peak > (size_t)56 << 20);              /* it did fill up... */
    assert_true(st.entries < 40);                       /* ...and evicted */
    unsigned long misses = st.misses;
    render_frame(fx->r, &fx->dl);                       /* the newest survived */
    render_stats(fx->r, &st);
    assert_int_equal(st.misses, misses);
}

static void test_overwide_text_is_cut(void **state)
{
    Fx *fx = *state;
    size_t n = 3000;
    char *s = malloc(n * 3 + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + 3 * i, "长", 3);
    s[n * 3] = '\0';
    dl_text(&fx->dl, 0, 0, FONT_REGULAR, 32, INK, s, -1);
    free(s);
    draw(fx);
    RenderStats st;
    render_stats(fx->r, &st);
    assert_int_equal(st.entries, 1);
    assert_true(st.bytes <= (size_t)8192 * 64 * 4);
    assert_int_not_equal(at(fx, W - 10, 16), BG_ARGB);   /* still fills the screen */
}

static void test_bad_text_does_not_crash(void **state)
{
    Fx *fx = *state;
    dl_text(&fx->dl, 10, 10, FONT_REGULAR, 32, INK, "x", -1);
    fx->dl.arena[fx->dl.cmds[0].text] = '\0';           /* an empty string command */
    dl_text(&fx->dl, 10, 60, FONT_REGULAR, 32, INK, "\xff\xfe\xe7\xa4 ok \xc0\xaf", -1);
    dl_text(&fx->dl, 10, 110, FONT_REGULAR, 0, INK, "零", -1);
    dl_text(&fx->dl, 10, 160, FONT_REGULAR, 100000, INK, "大", -1);
    dl_text(&fx->dl, 10, 210, (FontFace)42, 32, INK, "面", -1);
    dl_text(&fx->dl, 10, 260, FONT_REGULAR, 32, INK, "\xf0\x9f\x98\x80", -1);   /* no glyph */
    dl_unclip(&fx->dl);                                 /* unbalanced */
    int rc = draw(fx);
    assert_int_equal(rc, -1);                           /* the bad sizes and face */
    const TextMeasure *m = render_measure(fx->r);
    assert_int_equal(measure_width(m, FONT_REGULAR, -3, "a", 1), 0);
    assert_int_equal(measure_height(m, (FontFace)9, 32), 0);
    assert_true(measure_width(m, FONT_REGULAR, 32, "\xff\xfe", 2) >= 0);
}

static void test_create_fails_cleanly(void **state)
{
    Fx *fx = *state;
    char err[256] = "";
    Renderer *r = render_create(fx->sdl, "/nonexistent-font-dir", err, sizeof err);
    assert_null(r);
    assert_non_null(strstr(err, "NotoSansCJKsc-Regular.otf"));
    render_destroy(NULL);
}

/* Module size px and QR modules: check every module and the white quiet zone. */
static void check_qr_pixels(const Fx *fx, Rect box, const char *payload)
{
    QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(q);
    int n = q->width, side = box.w < box.h ? box.w : box.h;
    int px = side / (n + 8);
    assert_true(px >= 1);
    int total = (n + 8) * px;
    int x0 = box.x + (box.w - total) / 2, y0 = box.y + (box.h - total) / 2;
    for (int y = 0; y < total; y++)
        for (int x = 0; x < total; x++) {
            int mx = x / px - 4, my = y / px - 4;
            int dark = mx >= 0 && my >= 0 && mx < n && my < n && (q->data[my * n + mx] & 1);
            uint32_t want = dark ? 0xFF000000u : 0xFFFFFFFFu;
            if (at(fx, x0 + x, y0 + y) != want)
                fail_msg("QR pixel (%d,%d) module (%d,%d) is %08x", x, y, mx, my,
                         at(fx, x0 + x, y0 + y));
        }
    /* The rest of the box is white too. */
    assert_int_equal(at(fx, box.x, box.y), 0xFFFFFFFFu);
    assert_int_equal(at(fx, box.x + box.w - 1, box.y + box.h - 1), 0xFFFFFFFFu);
    QRcode_free(q);
}

static void test_qr_renders_and_decodes(void **state)
{
    Fx *fx = *state;
    const char *payload = "https://wuye.example.cn/suggest?site=lobby-1&lang=zh";
    Rect box = {200, 100, 330, 330};
    dl_qr(&fx->dl, box, payload);
    assert_int_equal(draw(fx), 0);
    check_qr_pixels(fx, box, payload);
    int in, out;
    count_ink(fx, (SDL_Rect){box.x, box.y, box.w, box.h}, &in, &out);
    assert_int_equal(out, 0);

    /* Cached by payload and size: a redraw hits, another size misses. */
    RenderStats a, b;
    render_stats(fx->r, &a);
    render_invalidate(fx->r);        /* drawn whole, not only where changed */
    draw(fx);
    render_stats(fx->r, &b);
    assert_int_equal(b.hits, a.hits + 1);
    assert_int_equal(b.misses, a.misses);

    if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
        fprintf(stderr, "zbarimg not installed: QR checked module by module only\n");
        return;
    }
    char path[] = "/tmp/test_render_qr_XXXXXX.png";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    assert_int_equal(render_save_png(fx->sdl, path, err, sizeof err), 0);
    char cmd[512], got[512] = "";
    snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t k = fread(got, 1, sizeof got - 1, p);
    got[k] = '\0';
    pclose(p);
    unlink(path);
    got[strcspn(got, "\r\n")] = '\0';
    assert_string_equal(got, payload);
}

static void test_qr_other_size_and_too_small(void **state)
{
    Fx *fx = *state;
    Rect big = {0, 0, 500, 520}, tiny = {600, 10, 20, 20};
    dl_qr(&fx->dl, big, "社区服务中心 0571-12345678");
    dl_qr(&fx->dl, tiny, "社区服务中心 0571-12345678");
    assert_int_equal(draw(fx), -1);                     /* tiny cannot hold the code */
    check_qr_pixels(fx, big, "社区服务中心 0571-12345678");
}

static void test_save_png_round_trip(void **state)
{
    Fx *fx = *state;
    dl_rect(&fx->dl, (Rect){5, 7, 3, 3}, (Color){0x12, 0x34, 0x56, 0xFF});
    draw(fx);
    char path[] = "/tmp/test_render_png_XXXXXX.png";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    char err[256] = "";
    if (render_save_png(fx->sdl, path, err, sizeof err) != 0)
        fail_msg("render_save_png: %s", err);
    SDL_Surface *img = IMG_Load(path);
    unlink(path);
    assert_non_null(img);
    assert_int_equal(img->w, W);
    assert_int_equal(img->h, H);
    SDL_Surface *c = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(img);
    assert_non_null(c);
    const uint32_t *p = c->pixels;
    int stride = c->pitch / 4;
    assert_int_equal(p[8 * stride + 6], 0xFF123456u);
    assert_int_equal(p[0], BG_ARGB);
    SDL_FreeSurface(c);
    assert_int_equal(render_save_png(fx->sdl, "/nonexistent-dir/x.png", err, sizeof err), -1);
    assert_true(err[0] != '\0');
}

/* Every character the shipped content and translations use has a glyph. */
static void check_file_glyphs(Fx *fx, const char *path, int *checked)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int missing = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)buf[i];
        uint32_t cp;
        size_t k = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        if (i + k > n)
            fail_msg("%s: truncated UTF-8 at byte %zu", path, i);
        cp = k == 1 ? b : k == 2 ? b & 0x1F : k == 3 ? b & 0x0F : b & 0x07;
        for (size_t j = 1; j < k; j++)
            cp = cp << 6 | ((unsigned char)buf[i + j] & 0x3F);
        i += k;
        if (cp < 0x80)
            continue;
        ++*checked;
        for (int face = FONT_REGULAR; face <= FONT_BOLD; face++)
            if (!render_has_glyph(fx->r, (FontFace)face, cp)) {
                fprintf(stderr, "%s: U+%04X missing from face %d\n", path, cp, face);
                missing++;
            }
    }
    if (missing)
        fail_msg("%d glyphs missing: rerun fonts/make-fonts.sh", missing);
}

static void test_assets_covered_by_font(void **state)
{
    Fx *fx = *state;
    int checked = 0;
    check_file_glyphs(fx, "assets/content/sample.json", &checked);
    glob_t g;
    if (glob("assets/i18n/*.ini", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            check_file_glyphs(fx, g.gl_pathv[i], &checked);
        globfree(&g);
    }
    assert_true(checked > 0);
    /* The font's base coverage: ASCII, GB2312 corners, symbols the UI uses. */
    static const uint32_t must[] = {'A', 'z', '0', '~', 0x2026, 0xB0, 0xA5, 0xB7, 0x2460,
                                    0x2469, 0x3000, 0x3002, 0xFF0C, 0xFFE5, 0x554A, 0x9F44,
                                    0x2192};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!render_has_glyph(fx->r, FONT_REGULAR, must[i]))
            fail_msg("U+%04X missing", must[i]);
    assert_true(render_has_glyph(fx->r, FONT_ICON, 0xE88A));   /* home */
    assert_false(render_has_glyph(fx->r, FONT_REGULAR, 0x1F600));
}

/* A fullscreen output larger than 4K (an 8K panel) is drawn at the largest
 * supported size and scaled up by SDL; smaller outputs are left alone. */
static void test_view_fits_large_outputs(void **state)
{
    (void)state;
    static const int cases[][4] = {
        {1920, 1080, 1920, 1080}, {3840, 2160, 3840, 2160},
        {7680, 4320, 3840, 2160}, {4320, 7680, 2160, 3840}, {5000, 4000, 3840, 3072},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, cases[i][0], cases[i][1], 32,
                                                           SDL_PIXELFORMAT_ARGB8888);
        assert_non_null(surf);
        SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(surf);
        assert_non_null(sdl);
        int w = 0, h = 0, lw, lh;
        platform_view_size(sdl, &w, &h);
        assert_int_equal(w, cases[i][2]);
        assert_int_equal(h, cases[i][3]);
        assert_true(w <= CONFIG_SIZE_MAX && h <= CONFIG_SIZE_MAX);
        SDL_RenderGetLogicalSize(sdl, &lw, &lh);
        bool scaled = cases[i][0] != cases[i][2] || cases[i][1] != cases[i][3];
        assert_int_equal(lw, scaled ? w : 0);
        assert_int_equal(lh, scaled ? h : 0);
        SDL_DestroyRenderer(sdl);
        SDL_FreeSurface(surf);
    }
}

/* One of the frames of test_partial_redraw_matches_full: v moves, adds and
 * changes things, and removes some (v 2). */
static void partial_scene(DrawList *dl, int v)
{
    dl_reset(dl);
    dl->clear = BG;
    dl_rect(dl, (Rect){0, 0, W, 60}, (Color){0x20, 0x40, 0x80, 0xFF});
    dl_text(dl, 20, 10, FONT_BOLD, 28, (Color){0xFF, 0xFF, 0xFF, 0xFF}, "公告 Notices", -1);
    dl_clip(dl, (Rect){40, 100, 500 + 20 * (v == 2), 200});
    for (int i = 0; i < 6 - 2 * (v == 2); i++) {
        char line[64];
        snprintf(line, sizeof line, "第%d行 line %d%s", i, i, v == 1 && i == 3 ? " 改了" : "");
        dl_text(dl, 50, 90 + 40 * i, FONT_REGULAR, 26, INK, line, -1);
    }
    if (v == 1)
        dl_rect(dl, (Rect){300, 150, 120, 60}, (Color){0xC6, 0x28, 0x28, 0x80});
    dl_unclip(dl);
    dl_frame(dl, (Rect){30 + 5 * (v == 2), 330, 200, 100}, INK, 3);
    dl_line(dl, 600, 100, 700 + 20 * (v == 2), 300, 8, (Color){0x10, 0x80, 0x10, 0xFF});
    dl_qr(dl, (Rect){560, 380, 200, 200}, v == 2 ? "https://example.cn/b" : "https://example.cn/a");
    dl_text(dl, 20, 560, FONT_REGULAR, 20, INK, "页脚 footer", -1);
}

/* Drawn only where it changed, each frame gives the pixels a whole redraw
 * of it gives; an identical frame draws nothing. */
static void test_partial_redraw_matches_full(void **state)
{
    Fx *fx = *state;
    static uint32_t whole[W * H];
    RenderStats a, b;
    static const int seq[] = {0, 1, 2, 1, 0, 2};
    for (int v = 0; v < (int)(sizeof seq / sizeof *seq); v++) {
        partial_scene(&fx->dl, seq[v]);
        render_stats(fx->r, &a);
        assert_int_equal(draw(fx), 0);
        render_stats(fx->r, &b);
        if (v == 1 || v == 4)        /* a line of text and a rectangle changed */
            assert_int_equal(b.partial_frames, a.partial_frames + 1);
        memcpy(whole, fx->px, sizeof whole);
        render_invalidate(fx->r);
        assert_int_equal(draw(fx), 0);
        for (int i = 0; i < W * H; i++)
            if (whole[i] != fx->px[i])
                fail_msg("frame %d: pixel %d,%d is %08x drawn in part, %08x whole", v, i % W,
                         i / W, whole[i], fx->px[i]);
    }
    /* The same frame again: nothing to draw, so no texture is even looked up. */
    render_stats(fx->r, &a);
    assert_int_equal(draw(fx), 0);
    render_stats(fx->r, &b);
    assert_int_equal(b.hits, a.hits + 6);   /* the bounds of its 6 texts only */
    assert_memory_equal(whole, fx->px, sizeof whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rect_exact_pixels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rect_alpha_blends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frame_outline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_inside_measured_box, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_glyph_drawn_visibly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bold_and_icon_faces_draw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clip_stops_drawing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_measure_cjk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_reused_across_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_memory_is_capped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overwide_text_is_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_text_does_not_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_fails_cleanly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qr_renders_and_decodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_qr_other_size_and_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_png_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assets_covered_by_font, setup, teardown),
        cmocka_unit_test(test_view_fits_large_outputs),
        cmocka_unit_test_setup_teardown(test_partial_redraw_matches_full, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
