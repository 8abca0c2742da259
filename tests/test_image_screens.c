/* test_image_screens.c - pictures on the screens: a notice's detail shows
 * the pictures the cache holds (a missing one leaves no box), list cards a
 * thumbnail, the board "before" and "after" side by side; and the renderer
 * draws a picture's pixels, decoded once and then drawn from its texture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "image.h"
#include "imgcache.h"
#include "render_sdl.h"
#include "screen_util.h"
#include "testimg.h"
#include "tmpdir.h"

typedef struct {
    char *dir;
    ImgCache *cache;
    char red[65], blue[65], green[65], gone[65];
    char *json;
} Pics;

static void put(Pics *p, int w, int h, uint8_t r, uint8_t g, uint8_t b, char hex[65])
{
    size_t n;
    unsigned char *png = testimg_png(w, h, TESTIMG_SOLID, r, g, b, 255, 0, &n);
    image_sha256_hex(png, n, hex);
    char err[300];
    assert_int_equal(imgcache_put(p->cache, hex, png, n, err, sizeof err), 0);
    free(png);
}

#define IMG(hash, w, h, extra) \
    "{\"url\":\"https://o.example/p.png\",\"sha256\":\"" hash "\",\"alt\":{\"zh\":\"图片说明\"," \
    "\"en\":\"What it shows\"},\"width\":" #w ",\"height\":" #h extra "}"

static void pics_make(Pics *p)
{
    char err[300];
    p->dir = tmpdir_make();
    p->cache = imgcache_open(p->dir, 0, err, sizeof err);
    assert_non_null(p->cache);
    put(p, 400, 300, 220, 0, 0, p->red);
    put(p, 300, 400, 0, 0, 220, p->blue);
    put(p, 400, 300, 0, 160, 0, p->green);
    image_sha256_hex("not in the cache", 16, p->gone);
    const char *fmt =
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"events\":[],\"channels\":[],"
        "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"停水通知\"},"
        "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":["
        "{\"url\":\"https://o.example/g.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"缺\"},\"width\":400,\"height\":300},"
        "{\"url\":\"https://o.example/r.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"红色图片\"},\"width\":400,\"height\":300}]},"
        "{\"id\":\"n2\",\"category\":\"notice\",\"title\":{\"zh\":\"没有图片\"},"
        "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-01T00:00:00+08:00\"}],"
        "\"board\":[{\"id\":\"b1\",\"said\":{\"zh\":\"路灯坏了\"},\"done\":{\"zh\":\"已更换\"},"
        "\"date\":\"2026-11-20T00:00:00+08:00\",\"images\":["
        "{\"url\":\"https://o.example/a.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"后\"},\"width\":400,\"height\":300,\"role\":\"after\"},"
        "{\"url\":\"https://o.example/b.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"前\"},\"width\":300,\"height\":400,\"role\":\"before\"}]}]}";
    size_t n = strlen(fmt) + 4 * 64 + 1;
    p->json = malloc(n);
    snprintf(p->json, n, fmt, p->gone, p->red, p->green, p->blue);
}

static void pics_free(Pics *p)
{
    imgcache_close(p->cache);
    tmpdir_remove(p->dir);
    free(p->json);
}

/* The DL_IMAGE commands of the frame showing `sha` (count), the first in *r. */
static int images_of(const Screen_ *s, const char *sha, Rect *r)
{
    int n = 0;
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind == DL_IMAGE && strncmp(dl_str(&s->dl, c), sha, 64) == 0) {
            if (n++ == 0 && r)
                *r = c->r;
        }
    }
    return n;
}

static int all_images(const Screen_ *s)
{
    int n = 0;
    for (size_t i = 0; i < s->dl.ncmds; i++)
        n += s->dl.cmds[i].kind == DL_IMAGE;
    return n;
}

static void test_detail_shows_present_pictures(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    Screen_ s;
    su_start(&s, 1920, 1080, p.json);
    app_set_images(s.app, p.cache);
    assert_int_equal(app_open(s.app, "notice:n1"), 0);
    su_draw(&s);
    Rect r;
    /* The red one is there; the missing one leaves nothing, not a box. */
    assert_int_equal(images_of(&s, p.red, &r), 1);
    assert_int_equal(images_of(&s, p.gone, NULL), 0);
    assert_int_equal(all_images(&s), 1);
    assert_true(su_has_hit(&s, "image:n1:1"));
    assert_false(su_has_hit(&s, "image:n1:0"));
    assert_int_equal(r.w * 3, r.h * 4);               /* its shape kept */
    assert_non_null(su_text(&s, "红色图片"));          /* the alt text under it */
    /* Below the body text. */
    const DlCmd *body = su_text(&s, "正文");
    assert_non_null(body);
    assert_true(r.y > body->r.y);
    /* Without a cache: text only. */
    app_set_images(s.app, NULL);
    su_draw(&s);
    assert_int_equal(all_images(&s), 0);
    assert_non_null(su_text(&s, "正文"));
    su_stop(&s);
    pics_free(&p);
}

static void test_list_thumbnail_and_portrait(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    Screen_ s;
    su_start(&s, 1080, 1920, p.json);
    app_set_images(s.app, p.cache);
    assert_int_equal(app_open(s.app, "notices"), 0);
    su_draw(&s);
    Rect r;
    assert_int_equal(images_of(&s, p.red, &r), 1);    /* n1's card, not n2's */
    assert_int_equal(all_images(&s), 1);
    const DlHit *card = dl_find_hit(&s.dl, "notice:n1");
    assert_non_null(card);
    assert_true(rect_contains(card->r, r.x, r.y));
    assert_true(rect_contains(card->r, r.x + r.w - 1, r.y + r.h - 1));
    /* The title is left of it, not under it. */
    const DlCmd *t = su_text(&s, "停水通知");
    assert_true(t->r.x < r.x);
    /* The detail in portrait fits the picture in the column. */
    assert_int_equal(app_open(s.app, "notice:n1"), 0);
    su_draw(&s);
    assert_int_equal(images_of(&s, p.red, &r), 1);
    assert_true(r.x >= 0 && r.x + r.w <= 1080);
    su_stop(&s);
    pics_free(&p);
}

static void test_board_before_after(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    Screen_ s;
    su_start(&s, 1920, 1080, p.json);
    app_set_images(s.app, p.cache);
    assert_int_equal(app_open(s.app, "board"), 0);
    su_draw(&s);
    Rect before, after;
    assert_int_equal(images_of(&s, p.blue, &before), 1);
    assert_int_equal(images_of(&s, p.green, &after), 1);
    /* Side by side, before on the left although listed second. */
    assert_true(before.x + before.w <= after.x);
    assert_int_equal(before.y, after.y);
    const DlCmd *lb = su_text(&s, "办理前"), *la = su_text(&s, "办理后");
    assert_non_null(lb);
    assert_non_null(la);
    assert_true(lb->r.x < la->r.x);
    /* English. */
    app_set_lang(s.app, LANG_EN);
    su_draw(&s);
    assert_non_null(su_text(&s, "Before"));
    assert_non_null(su_text(&s, "After"));
    su_stop(&s);
    pics_free(&p);
}

/* The renderer draws the picture's own pixels where the frame puts it, and
 * decodes it once: the second frame finds its texture. */
static void test_render_pixels(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 400, 300, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(sdl);
    char err[300];
    Renderer *r = render_create(sdl, "fonts", err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    render_set_images(r, p.cache);
    DrawList dl;
    dl_init(&dl);
    dl_set_clear(&dl, (Color){255, 255, 255, 255});
    dl_image(&dl, (Rect){50, 40, 200, 150}, p.red, 200, 150, (Rect){0, 0, 200, 150});
    assert_int_equal(render_frame(r, &dl), 0);
    SDL_LockSurface(surf);
    uint32_t *px = surf->pixels;
    int pitch = surf->pitch / 4;
    uint8_t cr, cg, cb;
    SDL_GetRGB(px[100 * pitch + 100], surf->format, &cr, &cg, &cb);
    assert_int_equal(cr, 220);
    assert_int_equal(cg, 0);
    SDL_GetRGB(px[20 * pitch + 20], surf->format, &cr, &cg, &cb);
    assert_int_equal(cg, 255);                       /* outside: the ground */
    SDL_UnlockSurface(surf);
    RenderStats st0, st1;
    render_stats(r, &st0);
    render_invalidate(r);
    assert_int_equal(render_frame(r, &dl), 0);
    render_stats(r, &st1);
    assert_int_equal(st1.misses, st0.misses);        /* no second decode */
    assert_true(st1.hits > st0.hits);
    /* A picture that is not in the cache draws nothing and fails nothing. */
    dl_reset(&dl);
    dl_set_clear(&dl, (Color){255, 255, 255, 255});
    dl_image(&dl, (Rect){50, 40, 200, 150}, p.gone, 200, 150, (Rect){0, 0, 200, 150});
    assert_int_equal(render_frame(r, &dl), 0);
    SDL_LockSurface(surf);
    SDL_GetRGB(px[100 * pitch + 100], surf->format, &cr, &cg, &cb);
    assert_int_equal(cg, 255);
    SDL_UnlockSurface(surf);
    dl_free(&dl);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    pics_free(&p);
}

/* A picture drawn at a new size (the viewer's next zoom step) drops its
 * texture at the other sizes first, unless drawn in the same frame; other
 * pictures stay; two sizes drawn together are both kept (no decode per
 * frame). Issue 16: peak RSS. */
static void frame_with(Renderer *r, DrawList *dl, const char *sha, int w, int h, const char *also,
                       int aw, int ah)
{
    dl_reset(dl);
    dl_set_clear(dl, (Color){255, 255, 255, 255});
    dl_image(dl, (Rect){0, 0, 100, 75}, sha, w, h, (Rect){0, 0, w, h});
    if (also)
        dl_image(dl, (Rect){100, 0, 100, 75}, also, aw, ah, (Rect){0, 0, aw, ah});
    render_invalidate(r);
    assert_int_equal(render_frame(r, dl), 0);
}

static void test_render_drops_other_sizes(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, 400, 300, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(sdl);
    char err[300];
    Renderer *r = render_create(sdl, "fonts", err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    render_set_images(r, p.cache);
    DrawList dl;
    dl_init(&dl);
    RenderStats st;
    frame_with(r, &dl, p.red, 100, 75, p.blue, 60, 80);
    render_stats(r, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.bytes, (100 * 75 + 60 * 80) * 4);
    /* Red at 2x: red at 1x goes, blue (drawn too) stays. */
    frame_with(r, &dl, p.red, 200, 150, p.blue, 60, 80);
    render_stats(r, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.bytes, (200 * 150 + 60 * 80) * 4);
    /* Red at 4x alone: 2x goes; blue, not drawn, stays until it is stale. */
    frame_with(r, &dl, p.red, 400, 300, NULL, 0, 0);
    render_stats(r, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.bytes, (400 * 300 + 60 * 80) * 4);
    /* Two sizes of red in one frame: both made, then both found. */
    frame_with(r, &dl, p.red, 100, 75, p.red, 400, 300);
    render_stats(r, &st);
    assert_int_equal(st.entries, 3);
    unsigned long misses = st.misses;
    frame_with(r, &dl, p.red, 100, 75, p.red, 400, 300);
    render_stats(r, &st);
    assert_int_equal(st.misses, misses);
    assert_int_equal(st.entries, 3);
    dl_free(&dl);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    pics_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detail_shows_present_pictures),
        cmocka_unit_test(test_list_thumbnail_and_portrait),
        cmocka_unit_test(test_board_before_after),
        cmocka_unit_test(test_render_pixels),
        cmocka_unit_test(test_render_drops_other_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
