/* test_golden.c - pixel tests: whole screens drawn with the real renderer and
 * fonts on a software surface, compared with tests/golden/NAME.png.
 *
 * Sample content at SAMPLE_NOW_MS. A pixel differs when one of its colour
 * channels is more than TOLERANCE off; a screen fails when more than
 * MAX_DIFF_PERMILLE / 1000 of its pixels differ, and then the test writes
 * tests/out/NAME-actual.png and NAME-diff.png (differences in magenta on a
 * faded reference). A missing reference fails. KIOSK_GOLDEN_UPDATE=1 (make
 * golden) writes the references instead of comparing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>

#include "app.h"
#include "render_sdl.h"
#include "screen_util.h"

#define TOLERANCE 8            /* per channel, 0..255 */
#define MAX_DIFF_PERMILLE 1    /* 0.1 % of the pixels */
#define GOLDEN_DIR "tests/golden"
#define OUT_DIR "tests/out"

typedef struct {
    const char *name;          /* file name stem */
    const char *screen;        /* for app_open */
    Lang lang;
    int w, h;
} Golden;

static const Golden goldens[] = {
    {"home-zh-1280x800", "home", LANG_ZH, 1280, 800},
    {"notices-en-1080x1920", "notices", LANG_EN, 1080, 1920},
    {"notice-fee-accounts-zh-1920x1080", "notice:fee-accounts-2026q3", LANG_ZH, 1920, 1080},
};

/* Pixels (x, y) of a and b, ARGB8888 with `w` pixels a row, whose colour
 * differs by more than `tol` in a channel; alpha is ignored. The largest
 * channel difference goes into *maxd. When mark is not NULL it gets a
 * picture of the differences. */
static size_t count_diff(const uint32_t *a, const uint32_t *b, int w, int h, int tol,
                         int *maxd, uint32_t *mark)
{
    size_t n = 0;
    *maxd = 0;
    for (long i = 0; i < (long)w * h; i++) {
        int d = 0;
        for (int sh = 0; sh < 24; sh += 8) {
            int c = abs((int)((a[i] >> sh) & 0xFF) - (int)((b[i] >> sh) & 0xFF));
            if (c > d)
                d = c;
        }
        if (d > *maxd)
            *maxd = d;
        if (d > tol)
            n++;
        if (mark) {
            /* Faded grey reference; differing pixels magenta. */
            uint32_t p = b[i];
            int grey = (int)(((p >> 16) & 0xFF) * 3 + ((p >> 8) & 0xFF) * 6 + (p & 0xFF)) / 10;
            uint32_t g = (uint32_t)(175 + grey * 80 / 255);   /* 175..255 */
            mark[i] = d > tol ? 0xFFFF00FFu : 0xFF000000u | g << 16 | g << 8 | g;
        }
    }
    return n;
}

/* Write w x h ARGB8888 pixels as an RGB PNG. Returns 0 or -1. */
static int save_png(const uint32_t *px, int w, int h, const char *path)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom((void *)px, w, h, 32, w * 4,
                                                        SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *rgb = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGB24, 0) : NULL;
    int rc = rgb ? IMG_SavePNG(rgb, path) : -1;
    if (rc != 0)
        print_error("cannot write %s: %s\n", path, SDL_GetError());
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(s);
    return rc == 0 ? 0 : -1;
}

/* Load a PNG as w x h ARGB8888 pixels (malloc'd), or NULL with a reason. */
static uint32_t *load_png(const char *path, int *w, int *h, char *why, size_t n)
{
    SDL_Surface *s = IMG_Load(path);
    SDL_Surface *argb = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    uint32_t *px = NULL;
    if (!argb) {
        snprintf(why, n, "%s", IMG_GetError());
    } else if ((px = malloc((size_t)argb->w * (size_t)argb->h * 4)) != NULL) {
        *w = argb->w;
        *h = argb->h;
        for (int y = 0; y < argb->h; y++)
            memcpy(px + (size_t)y * (size_t)argb->w,
                   (const char *)argb->pixels + (size_t)y * (size_t)argb->pitch,
                   (size_t)argb->w * 4);
    } else {
        snprintf(why, n, "out of memory");
    }
    SDL_FreeSurface(argb);
    SDL_FreeSurface(s);
    return px;
}

/* Draw screen g with the real renderer into a malloc'd ARGB8888 buffer. */
static uint32_t *draw_screen(const Golden *g)
{
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, g->w, g->h, 32,
                                                       SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(surf);
    SDL_Renderer *sdl = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(sdl);
    char err[300] = "";
    Renderer *r = render_create(sdl, "fonts", err, sizeof err);
    if (!r)
        fail_msg("render_create: %s", err);
    I18n *i18n = i18n_load("assets/i18n/strings.ini", err, sizeof err);
    if (!i18n)
        fail_msg("strings: %s", err);
    Content *c = content_load_file("assets/content/sample.json", err, sizeof err);
    if (!c)
        fail_msg("content: %s", err);
    Config cfg;
    config_defaults(&cfg);
    App *a = app_create(&cfg, i18n, render_measure(r), c, g->w, g->h, SAMPLE_NOW_MS);
    assert_non_null(a);
    app_set_lang(a, g->lang);
    if (app_open(a, g->screen) < 0)
        fail_msg("no screen %s", g->screen);
    DrawList dl;
    dl_init(&dl);
    app_view(a, &dl, SAMPLE_NOW_MS);
    assert_false(dl.oom);
    assert_int_equal(render_frame(r, &dl), 0);
    uint32_t *px = malloc((size_t)g->w * (size_t)g->h * 4);
    assert_non_null(px);
    assert_int_equal(SDL_RenderReadPixels(sdl, NULL, SDL_PIXELFORMAT_ARGB8888, px, g->w * 4), 0);
    dl_free(&dl);
    app_destroy(a);
    i18n_free(i18n);
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    SDL_FreeSurface(surf);
    return px;
}

static void test_screen_matches_golden(void **state)
{
    const Golden *g = *state;
    char ref[256], act[256], dif[256], why[300] = "";
    snprintf(ref, sizeof ref, GOLDEN_DIR "/%s.png", g->name);
    snprintf(act, sizeof act, OUT_DIR "/%s-actual.png", g->name);
    snprintf(dif, sizeof dif, OUT_DIR "/%s-diff.png", g->name);
    uint32_t *px = draw_screen(g);

    const char *update = getenv("KIOSK_GOLDEN_UPDATE");
    if (update && strcmp(update, "1") == 0) {
        if (mkdir(GOLDEN_DIR, 0755) != 0 && errno != EEXIST)
            fail_msg("cannot create " GOLDEN_DIR ": %s", strerror(errno));
        assert_int_equal(save_png(px, g->w, g->h, ref), 0);
        print_message("wrote %s\n", ref);
        free(px);
        return;
    }

    int rw = 0, rh = 0;
    uint32_t *want = load_png(ref, &rw, &rh, why, sizeof why);
    if (!want || rw != g->w || rh != g->h) {
        if (mkdir(OUT_DIR, 0755) == 0 || errno == EEXIST)
            save_png(px, g->w, g->h, act);
        free(px);
        free(want);
        if (!want)
            fail_msg("%s: no usable reference (%s); `make golden` writes it. Actual "
                     "frame in %s", ref, why, act);
        fail_msg("%s is %dx%d, the screen %dx%d; actual frame in %s", ref, rw, rh,
                 g->w, g->h, act);
    }
    int maxd;
    size_t total = (size_t)g->w * (size_t)g->h;
    size_t limit = total * MAX_DIFF_PERMILLE / 1000;
    size_t n = count_diff(px, want, g->w, g->h, TOLERANCE, &maxd, NULL);
    if (n > limit) {
        uint32_t *mark = malloc(total * 4);
        assert_non_null(mark);
        count_diff(px, want, g->w, g->h, TOLERANCE, &maxd, mark);
        if (mkdir(OUT_DIR, 0755) != 0 && errno != EEXIST)
            print_error("cannot create " OUT_DIR ": %s\n", strerror(errno));
        save_png(px, g->w, g->h, act);
        save_png(mark, g->w, g->h, dif);
        free(mark);
        free(px);
        free(want);
        fail_msg("%s: %zu of %zu pixels differ by more than %d (limit %zu; largest "
                 "difference %d); see %s and %s", g->name, n, total, TOLERANCE, limit,
                 maxd, act, dif);
    }
    print_message("%s: %zu pixels differ by more than %d (limit %zu)\n", g->name, n,
                  TOLERANCE, limit);
    free(px);
    free(want);
}

/* The comparison itself: within tolerance passes, beyond it counts. */
static void test_count_diff_counts_pixels_beyond_tolerance(void **state)
{
    (void)state;
    uint32_t a[4] = {0xFF102030u, 0xFF102030u, 0xFF102030u, 0x00102030u};
    uint32_t b[4] = {0xFF102030u, 0xFF182030u, 0xFF102039u, 0xFF102030u};
    uint32_t mark[4];
    int maxd;
    /* Equal; red off by exactly 8; blue off by 9; only alpha differs. */
    assert_int_equal(count_diff(a, b, 2, 2, 8, &maxd, mark), 1);
    assert_int_equal(maxd, 9);
    assert_int_equal(mark[2], 0xFFFF00FFu);
    assert_int_not_equal(mark[0], 0xFFFF00FFu);
    assert_int_equal(count_diff(a, b, 2, 2, 7, &maxd, NULL), 2);
    assert_int_equal(count_diff(a, a, 2, 2, 0, &maxd, NULL), 0);
    assert_int_equal(maxd, 0);
}

int main(void)
{
    /* The clock on screen is local time; the references are in Shanghai's. */
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    struct CMUnitTest tests[1 + sizeof goldens / sizeof goldens[0]];
    tests[0] = (struct CMUnitTest)cmocka_unit_test(test_count_diff_counts_pixels_beyond_tolerance);
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++) {
        tests[i + 1] = (struct CMUnitTest)cmocka_unit_test_prestate(test_screen_matches_golden,
                                                                    (void *)&goldens[i]);
        tests[i + 1].name = goldens[i].name;
    }
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    SDL_Quit();
    return failed;
}
