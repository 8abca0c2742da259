/* test_picture.c - the picture viewer, driven through the app's input: a
 * tap on a picture of a notice, an event or a board item opens it fitted
 * to the screen; a double tap, a pinch or the zoom buttons zoom in at the
 * point (the drawn source rectangle shrinks around it, from a larger
 * decode); a finger pans within the picture's edges; back returns to where
 * it was opened; a picture that is missing or goes away breaks nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "fake_measure.h"
#include "image.h"
#include "imgcache.h"
#include "kiosk.h"
#include "screen_util.h"
#include "testimg.h"
#include "theme.h"
#include "tmpdir.h"

typedef struct {
    char *dir;
    ImgCache *cache;
    char red[65], blue[65], green[65], scan[65], gone[65];
    char *json;
} Pics;

static void put(Pics *p, int w, int h, TestImgFill fill, uint8_t r, uint8_t g, uint8_t b,
                char hex[65])
{
    size_t n;
    unsigned char *png = testimg_png(w, h, fill, r, g, b, 255, 0, &n);
    assert_non_null(png);
    image_sha256_hex(png, n, hex);
    char err[300];
    assert_int_equal(imgcache_put(p->cache, hex, png, n, err, sizeof err), 0);
    free(png);
}

#define IMG(w, h, alt, extra) \
    "{\"url\":\"https://o.example/p.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"" alt "\"," \
    "\"en\":\"Picture " alt "\"},\"width\":" #w ",\"height\":" #h extra "}"

static void pics_make(Pics *p)
{
    char err[300];
    p->dir = tmpdir_make();
    p->cache = imgcache_open(p->dir, 0, err, sizeof err);
    assert_non_null(p->cache);
    put(p, 400, 300, TESTIMG_SOLID, 220, 0, 0, p->red);
    put(p, 300, 400, TESTIMG_SOLID, 0, 0, 220, p->blue);
    put(p, 400, 300, TESTIMG_SOLID, 0, 160, 0, p->green);
    put(p, 1240, 1754, TESTIMG_HALVES, 30, 30, 30, p->scan);   /* an A4 scan at 150 dpi */
    image_sha256_hex("not in the cache", 16, p->gone);
    const char *fmt =
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"channels\":[],"
        "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"停水通知\"},"
        "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":["
        IMG(400, 300, "缺", "") "," IMG(400, 300, "红色图片", "") "," IMG(1240, 1754, "盖章的通知", "")
        "]}],"
        "\"events\":[{\"id\":\"e1\",\"title\":{\"zh\":\"义诊\"},\"description\":{\"zh\":\"说明\"},"
        "\"location\":{\"zh\":\"会所\"},\"start\":\"2026-12-05T09:00:00+08:00\","
        "\"end\":\"2026-12-05T11:00:00+08:00\",\"images\":[" IMG(400, 300, "绿色海报", "") "]}],"
        "\"board\":[{\"id\":\"b1\",\"said\":{\"zh\":\"路灯坏了\"},\"done\":{\"zh\":\"已更换\"},"
        "\"date\":\"2026-11-20T00:00:00+08:00\",\"images\":["
        IMG(400, 300, "后", ",\"role\":\"after\"") "," IMG(300, 400, "前", ",\"role\":\"before\"")
        "]}]}";
    size_t n = strlen(fmt) + 6 * 64 + 1;
    p->json = malloc(n);
    snprintf(p->json, n, fmt, p->gone, p->red, p->scan, p->green, p->green, p->blue);
}

static void pics_free(Pics *p)
{
    imgcache_close(p->cache);
    tmpdir_remove(p->dir);
    free(p->json);
}

/* The one picture drawn: where, its hash, its decoded size and its part. */
typedef struct {
    Rect dst, src;
    char sha[65];
    int tw, th;
} Shown;

static int shown(const Screen_ *s, Shown *out)
{
    int n = 0;
    for (size_t i = 0; i < s->dl.ncmds; i++) {
        const DlCmd *c = &s->dl.cmds[i];
        if (c->kind != DL_IMAGE)
            continue;
        if (n++ == 0 && out) {
            out->dst = c->r;
            assert_int_equal(dl_image_parse(dl_str(&s->dl, c), out->sha, &out->tw, &out->th,
                                            &out->src), 0);
        }
    }
    return n;
}

static Shown must_show(const Screen_ *s, const char *sha)
{
    Shown v;
    assert_int_equal(shown(s, &v), 1);
    assert_string_equal(v.sha, sha);
    assert_true(v.src.x >= 0 && v.src.y >= 0);
    assert_true(v.src.x + v.src.w <= v.tw && v.src.y + v.src.h <= v.th);
    return v;
}

/* The picture's point (in its own pixels, iw wide) shown at screen x. */
static double pic_x(const Shown *v, int iw, int x)
{
    double t = v->src.x + (double)(x - v->dst.x) * v->src.w / v->dst.w;
    return t * iw / v->tw;
}

static double pic_y(const Shown *v, int ih, int y)
{
    double t = v->src.y + (double)(y - v->dst.y) * v->src.h / v->dst.h;
    return t * ih / v->th;
}

/* Screen pixels per picture pixel (iw wide). */
static double scale_of(const Shown *v, int iw)
{
    return (double)v->dst.w / v->src.w * v->tw / iw;
}

static void feed(Screen_ *s, InputKind k, int x, int y)
{
    Input in = {k, x, y};
    app_input(s->app, &in, &s->dl, s->now);
    su_draw(s);
}

static const DlHit *area(const Screen_ *s)
{
    const DlHit *h = dl_find_hit(&s->dl, "picture");
    assert_non_null(h);
    return h;
}

static void start(Screen_ *s, Pics *p, int w, int h)
{
    pics_make(p);
    su_start(s, w, h, p->json);
    app_set_images(s->app, p->cache);
    su_draw(s);
}

/* The scanned page of notice n1, opened in the viewer from the notice. */
static void open_scan(Screen_ *s, Pics *p, int w, int h)
{
    start(s, p, w, h);
    assert_int_equal(app_open(s->app, "notice:n1"), 0);
    su_draw(s);
    su_tap(s, "image:n1:2");
}

static void finish(Screen_ *s, Pics *p)
{
    su_stop(s);
    pics_free(p);
}

static void test_open_from_detail_and_back(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    start(&s, &p, 1920, 1080);
    assert_int_equal(app_open(s.app, "notice:n1"), 0);
    su_draw(&s);
    su_tap(&s, "image:n1:1");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    Shown v = must_show(&s, p.red);
    /* Fitted: the whole picture, its shape kept, inside the picture area,
     * as large as the area allows (enlarged, at most 3x). */
    assert_int_equal(v.src.x, 0);
    assert_int_equal(v.src.y, 0);
    assert_int_equal(v.src.w, v.tw);
    assert_int_equal(v.src.h, v.th);
    const DlHit *a = area(&s);
    assert_true(rect_contains(a->r, v.dst.x, v.dst.y));
    assert_true(rect_contains(a->r, v.dst.x + v.dst.w - 1, v.dst.y + v.dst.h - 1));
    assert_true(abs(v.dst.h - a->r.h) <= 1 || abs(v.dst.w - a->r.w) <= 1 || v.dst.w == 1200);
    assert_true(abs(v.dst.w * 3 - v.dst.h * 4) <= 4);
    assert_true(v.tw <= 400 && v.th <= 300);           /* never decoded above its size */
    /* The alt text as caption, below the picture; the big back button. */
    const DlCmd *cap = su_text(&s, "红色图片");
    assert_non_null(cap);
    assert_true(cap->r.y >= v.dst.y + v.dst.h);
    assert_non_null(su_text(&s, "返回"));
    assert_non_null(su_text(&s, "Back"));
    const DlHit *back = dl_find_hit(&s.dl, "back");
    assert_non_null(back);
    assert_true(back->r.h >= 96);
    /* Back: the notice's detail, as it was. */
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    assert_non_null(su_text(&s, "正文"));
    assert_true(su_has_hit(&s, "image:n1:1"));
    /* The event's detail shows its picture and opens it too. */
    assert_int_equal(app_open(s.app, "event:e1"), 0);
    su_draw(&s);
    su_tap(&s, "image:e1:0");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    must_show(&s, p.green);
    assert_non_null(su_text(&s, "绿色海报"));
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_EVENT);
    finish(&s, &p);
}

static void test_open_from_board(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    start(&s, &p, 1920, 1080);
    assert_int_equal(app_open(s.app, "board"), 0);
    su_draw(&s);
    assert_true(su_has_hit(&s, "image:b1:0"));
    su_tap(&s, "image:b1:1");                          /* before, on the left */
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    Shown v = must_show(&s, p.blue);
    assert_true(abs(v.dst.w * 4 - v.dst.h * 3) <= 4);
    assert_non_null(su_text(&s, "前"));
    /* English: the caption and the button follow. */
    app_set_lang(s.app, LANG_EN);
    su_draw(&s);
    assert_non_null(su_text(&s, "Picture 前"));
    assert_non_null(su_text(&s, "Back"));
    assert_null(su_text(&s, "返回"));
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_BOARD);
    su_tap(&s, "home");
    assert_int_equal(app_screen(s.app), SCREEN_HOME);
    finish(&s, &p);
}

static void test_double_tap_zooms_at_the_point(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    open_scan(&s, &p, 1920, 1080);
    Shown v0 = must_show(&s, p.scan);
    /* A point in the upper left of the page (where a title is). */
    int x = v0.dst.x + v0.dst.w / 4, y = v0.dst.y + v0.dst.h / 5;
    double px = pic_x(&v0, 1240, x), py = pic_y(&v0, 1754, y);
    /* Two taps far apart in time are no double tap. */
    su_tap_xy(&s, x, y);
    su_wait(&s, 1000);
    su_tap_xy(&s, x, y);
    Shown v1 = must_show(&s, p.scan);
    assert_memory_equal(&v1.src, &v0.src, sizeof(Rect));
    /* The second of two quick taps zooms in 2x there. */
    s.now += 150;
    su_tap_xy(&s, x, y);
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    Shown v2 = must_show(&s, p.scan);
    double r = scale_of(&v2, 1240) / scale_of(&v0, 1240);
    assert_true(r > 1.98 && r < 2.02);
    /* Decoded larger for the zoom: from the file's own pixels, not the
     * fitted picture enlarged. */
    assert_true(v2.th >= 2 * v0.th - 2 || v2.th == 1754);
    assert_true(v2.th > v0.th);
    /* The same point of the page is still under the finger (down the
     * page; across, a page narrower than the screen stays in its middle). */
    (void)px;
    assert_true(fabs(pic_y(&v2, 1754, y) - py) < 3);
    const DlHit *a = area(&s);
    assert_true(v2.dst.w < a->r.w);
    assert_true(abs(v2.dst.x + v2.dst.w / 2 - (a->r.x + a->r.w / 2)) <= 2);
    /* Another double tap: the whole page again. */
    s.now += 1000;
    su_tap_xy(&s, x, y);
    s.now += 100;
    su_tap_xy(&s, x, y);
    Shown v3 = must_show(&s, p.scan);
    assert_memory_equal(&v3.src, &v0.src, sizeof(Rect));
    assert_memory_equal(&v3.dst, &v0.dst, sizeof(Rect));
    finish(&s, &p);
}

static void test_drag_pans_within_the_picture(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    open_scan(&s, &p, 1920, 1080);
    const DlHit *a = area(&s);
    int cx = a->r.x + a->r.w / 2, cy = a->r.y + a->r.h / 2;
    /* Fitted, a drag moves nothing. */
    Shown v0 = must_show(&s, p.scan);
    feed(&s, IN_DOWN, cx, cy);
    feed(&s, IN_MOVE, cx + 100, cy + 100);
    feed(&s, IN_UP, cx + 100, cy + 100);
    Shown v1 = must_show(&s, p.scan);
    assert_memory_equal(&v1.src, &v0.src, sizeof(Rect));
    /* Zoomed in at the middle, a drag up by 200 px shows the page lower
     * down by 200 screen pixels' worth. */
    su_tap(&s, "picture:zoom_in");
    Shown z = must_show(&s, p.scan);
    assert_true(z.src.h < v0.src.h * z.th / v0.th);
    double top = pic_y(&z, 1754, a->r.y);
    feed(&s, IN_DOWN, cx, cy);
    for (int i = 1; i <= 4; i++)
        feed(&s, IN_MOVE, cx, cy - 50 * i);
    feed(&s, IN_UP, cx, cy - 200);
    Shown z2 = must_show(&s, p.scan);
    double scale = (double)z.dst.h / z.src.h * z.th / 1754;   /* screen px per page px */
    assert_true(fabs(pic_y(&z2, 1754, a->r.y) - (top + 200 / scale)) < 3);
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);   /* a drag is no tap */
    /* Far past the bottom: held at the page's bottom edge. */
    feed(&s, IN_DOWN, cx, cy);
    feed(&s, IN_MOVE, cx, cy - 5000);
    feed(&s, IN_UP, cx, cy - 5000);
    Shown z3 = must_show(&s, p.scan);
    assert_int_equal(z3.src.y + z3.src.h, z3.th);
    assert_true(z3.dst.y + z3.dst.h <= a->r.y + a->r.h + 1);
    assert_true(z3.dst.y + z3.dst.h >= a->r.y + a->r.h - 2);
    /* And past the top: at its top edge. */
    feed(&s, IN_DOWN, cx, cy);
    feed(&s, IN_MOVE, cx, cy + 9000);
    feed(&s, IN_UP, cx, cy + 9000);
    Shown z4 = must_show(&s, p.scan);
    assert_int_equal(z4.src.y, 0);
    assert_true(abs(z4.dst.y - a->r.y) <= 1);
    /* Zoom out: the whole page, fitted again. */
    su_tap(&s, "picture:zoom_out");
    Shown v2 = must_show(&s, p.scan);
    assert_memory_equal(&v2.src, &v0.src, sizeof(Rect));
    finish(&s, &p);
}

static void test_pinch_zooms(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    open_scan(&s, &p, 1080, 1920);
    Shown v0 = must_show(&s, p.scan);
    const DlHit *a = area(&s);
    int cx = a->r.x + a->r.w / 2, cy = a->r.y + a->r.h / 2;
    double px = pic_x(&v0, 1240, cx), py = pic_y(&v0, 1754, cy);
    /* Two fingers 200 px apart spread to 600: three times as large. */
    feed(&s, IN_DOWN, cx - 100, cy);
    feed(&s, IN_DOWN2, cx + 100, cy);
    for (int i = 1; i <= 4; i++) {
        feed(&s, IN_MOVE, cx - 100 - 50 * i, cy);
        feed(&s, IN_MOVE2, cx + 100 + 50 * i, cy);
    }
    Shown v1 = must_show(&s, p.scan);
    double r = scale_of(&v1, 1240) / scale_of(&v0, 1240);
    assert_true(r > 2.95 && r < 3.05);
    assert_true(fabs(pic_x(&v1, 1240, cx) - px) < 3);   /* about the fingers' middle */
    assert_true(fabs(pic_y(&v1, 1754, cy) - py) < 3);
    /* Decoded for a zoom over 2 at 4x its fitted size, here more than the
     * file has: at its own size. */
    assert_int_equal(v1.tw, 1240);
    assert_int_equal(v1.th, 1754);
    assert_true(v0.tw < 1240);
    /* Lifting the fingers is no tap: a quick tap after is no double tap. */
    feed(&s, IN_UP2, cx + 300, cy);
    feed(&s, IN_UP, cx - 300, cy);
    s.now += 100;
    su_tap_xy(&s, cx, cy);
    Shown v2 = must_show(&s, p.scan);
    assert_memory_equal(&v2.src, &v1.src, sizeof(Rect));
    /* Spread far: held at 4x. Pinch in far: back to the whole page. */
    feed(&s, IN_DOWN, cx - 10, cy);
    feed(&s, IN_DOWN2, cx + 10, cy);
    feed(&s, IN_MOVE2, cx + 500, cy);
    Shown v3 = must_show(&s, p.scan);
    r = scale_of(&v3, 1240) / scale_of(&v0, 1240);
    assert_true(r > 3.95 && r < 4.05);
    feed(&s, IN_MOVE2, cx - 9, cy);
    feed(&s, IN_UP2, cx - 9, cy);
    feed(&s, IN_UP, cx - 10, cy);
    Shown v4 = must_show(&s, p.scan);
    assert_memory_equal(&v4.dst, &v0.dst, sizeof(Rect));
    /* A second finger on a detail's picture: no tap, the viewer stays shut. */
    su_tap(&s, "back");
    const DlHit *h = dl_find_hit(&s.dl, "image:n1:1");
    assert_non_null(h);
    int x = h->clip.x + h->clip.w / 2, y = h->clip.y + h->clip.h / 2;
    feed(&s, IN_DOWN, x, y);
    feed(&s, IN_DOWN2, x + 50, y);
    feed(&s, IN_UP2, x + 50, y);
    feed(&s, IN_UP, x, y);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    finish(&s, &p);
}

static void test_missing_picture(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    start(&s, &p, 1920, 1080);
    /* Nothing to show: the viewer does not open. */
    assert_int_equal(app_open(s.app, "picture"), -1);
    assert_int_equal(app_open(s.app, "notice:n1"), 0);
    su_draw(&s);
    assert_false(su_has_hit(&s, "image:n1:0"));
    assert_false(app_activate(s.app, "image:n1:0", s.now));   /* not in the cache */
    assert_false(app_activate(s.app, "image:n1:9", s.now));
    assert_false(app_activate(s.app, "image:n1:", s.now));
    assert_false(app_activate(s.app, "image:zz:1", s.now));
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    /* Open, then the file goes (damaged, evicted): a sentence, no picture,
     * and back still works. */
    su_tap(&s, "image:n1:1");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    char path[600];
    snprintf(path, sizeof path, "%s/images/%s", p.dir, p.red);
    assert_int_equal(unlink(path), 0);
    su_draw(&s);
    assert_int_equal(shown(&s, NULL), 0);
    assert_non_null(su_text(&s, "无法显示"));
    assert_non_null(su_text(&s, "返回"));
    const DlHit *zi = dl_find_hit(&s.dl, "picture:zoom_in");
    assert_non_null(zi);
    su_tap(&s, "picture:zoom_in");                        /* nothing to zoom: no crash */
    feed(&s, IN_DOWN, 960, 600);
    feed(&s, IN_DOWN2, 1000, 600);
    feed(&s, IN_MOVE2, 1200, 600);
    feed(&s, IN_UP, 960, 600);
    su_tap(&s, "back");
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    /* New content without the picture while it is shown: back to the
     * detail, and with the notice gone, to the list. */
    su_tap(&s, "image:n1:2");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    char *shorter = strdup(p.json);
    char *cut = strstr(shorter, ",{\"url\":\"https://o.example/p.png\",\"sha256\":\"");
    cut = strstr(cut + 1, ",{\"url\"");                  /* the third picture */
    assert_non_null(cut);
    memmove(cut, strstr(cut, "]}],"), strlen(strstr(cut, "]}],")) + 1);
    char err[300];
    Content *c = content_parse(shorter, strlen(shorter), err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    app_set_content(s.app, c);
    su_draw(&s);
    assert_int_equal(app_screen(s.app), SCREEN_NOTICE);
    free(shorter);
    assert_int_equal(app_open(s.app, "event:e1"), 0);
    su_draw(&s);
    su_tap(&s, "image:e1:0");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    app_set_content(s.app, NULL);
    su_draw(&s);
    assert_int_equal(app_screen(s.app), SCREEN_EVENTS);
    finish(&s, &p);
}

/* Every shape, both languages, large text and high contrast: the picture,
 * its controls and its caption on the screen, nothing overlapping the
 * picture's area. */
static void test_shapes_and_modes(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}};
    for (int i = 0; i < 3; i++)
        for (int mode = 0; mode < 4; mode++) {
            Pics p;
            Screen_ s;
            start(&s, &p, sizes[i][0], sizes[i][1]);
            assert_int_equal(app_open(s.app, "notice:n1"), 0);
            su_draw(&s);
            if (mode & 1)
                su_tap(&s, "textsize");
            if (mode & 2) {
                su_tap(&s, "contrast");
                su_tap(&s, "lang");
            }
            assert_true(app_activate(s.app, "image:n1:2", s.now));   /* may be scrolled off */
            su_draw(&s);
            assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
            Shown v = must_show(&s, p.scan);
            Rect scr = {0, 0, sizes[i][0], sizes[i][1]};
            const DlHit *a = area(&s);
            assert_true(a->r.h > sizes[i][1] / 3);
            for (size_t k = 0; k < s.dl.nhits; k++) {
                const DlHit *h = &s.dl.hits[k];
                Rect in = rect_intersect(h->clip, scr);
                assert_memory_equal(&in, &h->clip, sizeof(Rect));
                if (strcmp(h->id, "picture") != 0) {
                    Rect o = rect_intersect(h->clip, a->r);
                    assert_true(o.w <= 0 || o.h <= 0);
                    int side = sizes[i][0] < sizes[i][1] ? sizes[i][0] : sizes[i][1];
                    assert_true(h->r.h >= 96 * side / 1080 - 1);   /* touch targets */
                }
            }
            if (v.dst.w > a->r.w + 1 || v.dst.h > a->r.h + 1)   /* rounding */
                fail_msg("%dx%d mode %d: picture %dx%d in area %dx%d", sizes[i][0], sizes[i][1],
                         mode, v.dst.w, v.dst.h, a->r.w, a->r.h);
            const DlCmd *cap = su_text(&s, mode & 2 ? "Picture 盖章的通知" : "盖章的通知");
            assert_non_null(cap);
            assert_true(cap->r.y + cap->size <= sizes[i][1] - sizes[i][1] / 20);
            finish(&s, &p);
        }
}

/* Left alone, the viewer goes the way of every screen, and what it showed
 * is forgotten. */
static void test_idle_timeout(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    open_scan(&s, &p, 1920, 1080);
    su_tap(&s, "picture:zoom_in");
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    su_wait(&s, (int64_t)s.cfg.idle_timeout_s * 1000 - 1000);
    assert_int_equal(app_screen(s.app), SCREEN_PICTURE);
    su_wait(&s, 2000);
    assert_int_not_equal(app_screen(s.app), SCREEN_PICTURE);
    assert_int_equal(app_open(s.app, "picture"), -1);
    finish(&s, &p);
}

static bool frame_has_text(const DrawList *dl, const char *needle)
{
    for (size_t i = 0; i < dl->ncmds; i++)
        if (dl->cmds[i].kind == DL_TEXT && strstr(dl_str(dl, &dl->cmds[i]), needle))
            return true;
    return false;
}

/* A picture the cache refused (a wrong hash, say) is named on the staff
 * panel, counted, in the panel's language; with none refused, nothing. */
static void test_staff_panel_counts_refused_pictures(void **state)
{
    (void)state;
    Pics p;
    pics_make(&p);
    char *json = tmpdir_path(p.dir, "content.json");
    assert_int_equal(tmpdir_write(json, p.json, strlen(p.json)), 0);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", p.dir);
    char err[600];
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k = kiosk_open(&cfg, ".", json, fake_measure(), 1920, 1080, now, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    assert_false(frame_has_text(kiosk_frame(k), "张图片没有通过检查"));
    kiosk_close(k);
    /* The one that is not there was refused by the sync. */
    imgcache_refuse(p.cache, p.gone, "SHA-256 does not match");
    k = kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, now, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "有1张图片没有通过检查"));
    app_set_lang(kiosk_app(k), LANG_EN);
    kiosk_service(k, now);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "1 picture(s) failed the checks"));
    kiosk_close(k);
    free(json);
    pics_free(&p);
}

/* A photo's 2x is decoded at twice its fitted size (its detail); its 4x
 * would be capped at PIC_TEX_MAX_PIXELS, barely more than that: the 2x
 * decode is kept and enlarged (no second large decode: issue 16, peak
 * RSS). */
static void test_large_picture_capped(void **state)
{
    (void)state;
    Pics p;
    Screen_ s;
    char err[300], big[65];
    p.dir = tmpdir_make();
    p.cache = imgcache_open(p.dir, 0, err, sizeof err);
    assert_non_null(p.cache);
    put(&p, 3000, 2000, TESTIMG_SOLID, 90, 90, 90, big);
    const char *fmt =
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"channels\":[],"
        "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"停水通知\"},"
        "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":["
        IMG(3000, 2000, "大图", "") "]}],\"events\":[],\"board\":[]}";
    size_t n = strlen(fmt) + 65;
    p.json = malloc(n);
    snprintf(p.json, n, fmt, big);
    su_start(&s, 1920, 1080, p.json);
    app_set_images(s.app, p.cache);
    su_draw(&s);
    assert_int_equal(app_open(s.app, "notice:n1"), 0);
    su_draw(&s);
    su_tap(&s, "image:n1:0");
    Shown v1 = must_show(&s, big);
    su_tap(&s, "picture:zoom_in");
    Shown v2 = must_show(&s, big);
    su_tap(&s, "picture:zoom_in");
    Shown v4 = must_show(&s, big);
    /* Zoomed 2x and 4x on the screen. */
    double r2 = scale_of(&v2, 3000) / scale_of(&v1, 3000);
    double r4 = scale_of(&v4, 3000) / scale_of(&v1, 3000);
    assert_true(r2 > 1.98 && r2 < 2.02);
    assert_true(r4 > 3.95 && r4 < 4.05);
    /* 2x: twice the fitted decode, under the cap. */
    assert_true(abs(v2.tw - 2 * v1.tw) <= 2);
    assert_true((double)v2.tw * v2.th <= PIC_TEX_MAX_PIXELS);
    assert_true((double)v2.tw * v2.th * PIC_STEP_MIN_GAIN > PIC_TEX_MAX_PIXELS);
    /* 4x (the file's 6 MP, over the cap): the 2x decode again. */
    assert_int_equal(v4.tw, v2.tw);
    assert_int_equal(v4.th, v2.th);
    finish(&s, &p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_from_detail_and_back),
        cmocka_unit_test(test_open_from_board),
        cmocka_unit_test(test_double_tap_zooms_at_the_point),
        cmocka_unit_test(test_drag_pans_within_the_picture),
        cmocka_unit_test(test_pinch_zooms),
        cmocka_unit_test(test_large_picture_capped),
        cmocka_unit_test(test_missing_picture),
        cmocka_unit_test(test_shapes_and_modes),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_staff_panel_counts_refused_pictures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
