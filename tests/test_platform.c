/* test_platform.c - the window's main loop (platform_step) on SDL's
 * software renderer with real fonts: a burst of drags through the largest
 * notice the content format allows, then a Back tap, is answered in the
 * very next frame. Counted in frames, layouts and events, never in time
 * (the time is make bench's: docs/BENCHMARKS.md). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <SDL.h>
#include "app_priv.h"
#include "config.h"
#include "content.h"
#include "kiosk.h"
#include "platform_sdl.h"
#include "render_sdl.h"
#include "timeutil.h"
#include "tmpdir.h"

#define W 1920
#define H 1080

typedef struct {
    char *dir;
    SDL_Surface *surf;
    SDL_Renderer *sdl;
    Renderer *r;
    Kiosk *k;
    Clock clock;
    PlatformLoop loop;
} Fx;

/* One notice of CONTENT_MAX_BODY characters in each language: Chinese in
 * paragraphs of 200, English words in paragraphs of about 400. */
static Content *long_content(void)
{
    size_t cap = (size_t)CONTENT_MAX_BODY * 4 + 4096;
    char *j = malloc(cap);
    assert_non_null(j);
    size_t n = (size_t)snprintf(j, cap,
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\",\"en\":\"Cuihu\"}},\"notices\":[{"
        "\"id\":\"long\",\"category\":\"notice\",\"title\":{\"zh\":\"长通知\",\"en\":\"Long\"},"
        "\"publish_at\":\"2026-11-01T08:00:00+08:00\",\"expire_at\":\"2027-03-01T00:00:00+08:00\","
        "\"body\":{\"zh\":\"");
    static const char *const zh[] = {"物", "业", "服", "务", "中", "心", "停", "水", "通", "知"};
    for (int i = 0; i < CONTENT_MAX_BODY; i++)
        n += (size_t)snprintf(j + n, cap - n, "%s",
                              i % 200 == 199 ? "\\n" : i % 37 == 36 ? "，" : zh[i % 10]);
    n += (size_t)snprintf(j + n, cap - n, "\",\"en\":\"");
    for (int i = 0; i < CONTENT_MAX_BODY; i++) {
        if (i % 400 == 399)
            n += (size_t)snprintf(j + n, cap - n, "\\n");
        else
            j[n++] = i % 7 == 6 ? ' ' : "notices"[i % 7];
    }
    n += (size_t)snprintf(j + n, cap - n, "\"}}],\"events\":[],\"channels\":[]}");
    char err[300];
    Content *c = content_parse(j, n, err, sizeof err);
    if (!c)
        fail_msg("the long notice: %s", err);
    free(j);
    return c;
}

static int setup(void **state)
{
    Fx *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    assert_int_equal(SDL_Init(SDL_INIT_EVENTS), 0);
    fx->dir = tmpdir_make();
    assert_non_null(fx->dir);
    fx->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    fx->sdl = fx->surf ? SDL_CreateSoftwareRenderer(fx->surf) : NULL;
    assert_non_null(fx->sdl);
    char err[600] = "";
    fx->r = render_create(fx->sdl, "fonts", err, sizeof err);
    if (!fx->r)
        fail_msg("render_create: %s", err);
    int64_t now;
    assert_int_equal(time_parse_iso8601("2026-12-01T10:00:00+08:00", &now), 0);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", fx->dir);
    fx->k = kiosk_open(&cfg, ".", "assets/content/sample.json", render_measure(fx->r), W, H,
                       now * 1000, err, sizeof err);
    if (!fx->k)
        fail_msg("kiosk_open: %s", err);
    clock_init(&fx->clock, now * 1000, true);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    Fx *fx = *state;
    kiosk_close(fx->k);
    render_destroy(fx->r);
    SDL_DestroyRenderer(fx->sdl);
    SDL_FreeSurface(fx->surf);
    tmpdir_remove(fx->dir);
    SDL_Quit();
    free(fx);
    return 0;
}

static void push_button(int type, int x, int y)
{
    SDL_Event e = {0};
    e.type = (Uint32)type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.x = x;
    e.button.y = y;
    assert_int_equal(SDL_PushEvent(&e), 1);
}

static void push_motion(int x, int y, int dy)
{
    SDL_Event e = {0};
    e.type = SDL_MOUSEMOTION;
    e.motion.state = SDL_BUTTON_LMASK;
    e.motion.x = x;
    e.motion.y = y;
    e.motion.yrel = dy;
    assert_int_equal(SDL_PushEvent(&e), 1);
}

/* A finger dragging the text up: down, moves of 10 px, up. Returns the
 * events pushed. */
static int push_drag(int moves)
{
    int x = W / 2, y = H - 150;
    push_button(SDL_MOUSEBUTTONDOWN, x, y);
    for (int i = 0; i < moves; i++) {
        y -= 10;
        push_motion(x, y, -10);
    }
    push_button(SDL_MOUSEBUTTONUP, x, y);
    return moves + 2;
}

/* The centre of control `id` in the kiosk's current frame. */
static void centre_of(Fx *fx, const char *id, int *x, int *y)
{
    const DrawList *f = kiosk_frame(fx->k);
    for (size_t i = 0; i < f->nhits; i++)
        if (strcmp(f->hits[i].id, id) == 0) {
            *x = f->hits[i].r.x + f->hits[i].r.w / 2;
            *y = f->hits[i].r.y + f->hits[i].r.h / 2;
            return;
        }
    fail_msg("no control %s in the frame", id);
}

static void test_back_after_a_burst_of_drags(void **state)
{
    Fx *fx = *state;
    App *a = kiosk_app(fx->k);
    for (int lang = 0; lang < LANG_COUNT; lang++) {
        app_set_content(a, long_content());
        app_set_lang(a, (Lang)lang);
        assert_int_equal(app_open(a, "notices"), 0);
        assert_int_equal(app_open(a, "notice:long"), 0);
        platform_loop_init(&fx->loop, fx->k, fx->sdl, fx->r, &fx->clock, false, (Uint32)-1);
        PlatformLoop *p = &fx->loop;
        assert_true(platform_step(p, 0));   /* the notice's first frame */
        assert_int_equal(p->frames, 1);
        assert_int_equal(app_screen(a), SCREEN_NOTICE);

        /* Three drags of 40 moves each: the text scrolls 3 x 400 px less
         * the slop, in one frame, laid out once for it. */
        int pushed = 0;
        for (int d = 0; d < 3; d++)
            pushed += push_drag(40);
        unsigned long views0 = p->views;
        assert_true(platform_step(p, 0));
        assert_int_equal(p->inputs, (unsigned long)pushed);   /* every event handled */
        assert_int_equal(p->frames, 1);                       /* none drawn between them */
        int scrolled = a->scroll[SCREEN_NOTICE];
        assert_true(scrolled > 1000);
        /* A layout only before a press or lift that follows a change, none
         * for a move (120: the loop laid the frame out after every input
         * it took): one before each drag's lift (its moves scrolled), none
         * before the presses (a lift that ends a drag changes nothing), so
         * 3; laying out before every press and lift would be 6. */
        if (p->views - views0 > 3)
            fail_msg("%lu layouts for %d events (at most 3)", p->views - views0, pushed);
        assert_true(platform_step(p, 0));
        assert_int_equal(p->frames, 2);

        /* Again, and Back tapped at the end of the burst. */
        int bx, by;
        centre_of(fx, "back", &bx, &by);
        pushed = 0;
        for (int d = 0; d < 3; d++)
            pushed += push_drag(40);
        push_button(SDL_MOUSEBUTTONDOWN, bx, by);
        push_button(SDL_MOUSEBUTTONUP, bx, by);
        pushed += 2;
        unsigned long inputs0 = p->inputs;
        views0 = p->views;
        assert_true(platform_step(p, 0));
        assert_int_equal(p->inputs - inputs0, (unsigned long)pushed);
        assert_int_equal(p->frames, 2);
        assert_int_equal(app_screen(a), SCREEN_NOTICES);   /* Back is handled now */
        /* The same, and one before Back's lift (its press changed what is
         * shown pressed): 4 of the 8 presses and lifts. */
        if (p->views - views0 > 4)
            fail_msg("%lu layouts for %d events (at most 4)", p->views - views0, pushed);
        /* The next frame is the list's. */
        assert_true(platform_step(p, 0));
        assert_int_equal(p->frames, 3);
        int x, y;
        centre_of(fx, "notice:long", &x, &y);
        /* Nothing is left over for later frames. */
        SDL_Event e;
        assert_int_equal(SDL_PeepEvents(&e, 1, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT), 0);
    }
}

/* The stop event (SIGTERM, SIGINT) ends the loop at once, the events
 * behind it unhandled; SDL_QUIT only when closing is allowed. */
static void test_stop_event_ends_the_step(void **state)
{
    Fx *fx = *state;
    Uint32 stop = SDL_RegisterEvents(1);
    assert_true(stop != (Uint32)-1);
    platform_loop_init(&fx->loop, fx->k, fx->sdl, fx->r, &fx->clock, false, stop);
    PlatformLoop *p = &fx->loop;
    assert_int_equal(app_open(kiosk_app(fx->k), "home"), 0);
    assert_true(platform_step(p, 0));
    push_drag(5);
    SDL_Event e = {.type = stop};
    assert_int_equal(SDL_PushEvent(&e), 1);
    push_drag(5);
    assert_false(platform_step(p, 0));
    assert_int_equal(p->inputs, 7);
    SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
    /* SDL_QUIT ends it only when closing is allowed. */
    platform_loop_init(&fx->loop, fx->k, fx->sdl, fx->r, &fx->clock, false, stop);
    e = (SDL_Event){.type = SDL_QUIT};
    SDL_PushEvent(&e);
    assert_true(platform_step(p, 0));
    platform_loop_init(&fx->loop, fx->k, fx->sdl, fx->r, &fx->clock, true, stop);
    SDL_PushEvent(&e);
    assert_false(platform_step(p, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_back_after_a_burst_of_drags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_event_ends_the_step, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
