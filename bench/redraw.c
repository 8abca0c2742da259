/* redraw.c - benchmark: CPU cost of redrawing an unchanged screen in-process.
 *
 *   redraw DATA_DIR [RUNS]      (run from the repository root)
 *
 * Opens a Kiosk on DATA_DIR with assets/content/sample.json at the fixed
 * clock 2026-12-01T10:00:00+08:00, draws with the real fonts through the
 * software renderer on a 1920x1080 surface, and for each screen measures
 * with CLOCK_PROCESS_CPUTIME_ID: the first (cold) frame, then after a warm-up
 * RUNS redraws of kiosk_view + render_frame ("full", each drawn whole:
 * render_invalidate first, so an unchanged frame is not skipped) and RUNS
 * of kiosk_view alone ("view"); and, as a baseline, RUNS renders of an empty frame (only
 * the clear). Prints one key=value line per screen and part (ms).
 * With BENCH_SYSCALL_MARKS=1 in the environment, the "full" redraws of each
 * screen are bracketed by access("bench-mark-begin-SCREEN") and
 * access("bench-mark-end-SCREEN"), so tests/bench.sh can count under strace
 * the system calls the redraws make.
 * Then the largest notice the content format allows (CONTENT_MAX_BODY
 * characters in each language, in paragraphs): "screen=long part=open",
 * the CPU time of opening it (app_open, view, render: the first frame), and
 * "part=drag", of each step of a finger dragging its text (app_input of
 * IN_MOVE, view, render), RUNS steps up and down the whole text; and
 * "part=back", through the window's own loop (platform_step, SDL events
 * queued as a finger makes them): three drags of 40 moves through it and
 * a Back tap, from the events' arrival to the notice list's frame
 * presented, CPU time (median, p99) and wall time (wall_median, wall_p99),
 * with the frames and layouts that took (BACK_RUNS bursts). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <SDL.h>
#include "app.h"
#include "content.h"
#include "kiosk.h"
#include "platform_sdl.h"
#include "render_sdl.h"
#include "timeutil.h"

#define W 1920
#define H 1080
#define WARMUP 20

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A system call strace shows with its name, when BENCH_SYSCALL_MARKS is set. */
static void mark(const char *what, const char *screen)
{
    static int on = -1;
    if (on < 0)
        on = getenv("BENCH_SYSCALL_MARKS") != NULL;
    if (on) {
        char path[200];
        snprintf(path, sizeof path, "bench-mark-%s-%s", what, screen);
        (void)access(path, F_OK);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort v and print its median, 99th percentile (nearest rank) and maximum. */
static void report(const char *screen, const char *part, double *v, int n,
                   const RenderStats *before, const RenderStats *after)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int p99 = (int)ceil(0.99 * n) - 1;
    printf("screen=%s part=%s runs=%d median=%.3f p99=%.3f max=%.3f "
           "tex_misses=%lu width_misses=%lu\n",
           screen, part, n, med, v[p99], v[n - 1], after->misses - before->misses,
           after->measure_misses - before->measure_misses);
}

static int bench_screen(Kiosk *k, Renderer *r, const char *screen, int64_t now,
                        double *v, int runs)
{
    if (app_open(kiosk_app(k), screen) < 0) {
        fprintf(stderr, "redraw: no screen %s\n", screen);
        return -1;
    }
    RenderStats s0, s1;
    render_stats(r, &s0);
    double t0 = cpu_ms();
    kiosk_view(k, now);
    int rc = render_frame(r, kiosk_frame(k));
    double first = cpu_ms() - t0;
    render_stats(r, &s1);
    if (rc < 0 || kiosk_frame(k)->oom) {
        fprintf(stderr, "redraw: %s: the frame could not be drawn\n", screen);
        return -1;
    }
    printf("screen=%s part=first runs=1 median=%.3f p99=%.3f max=%.3f "
           "tex_misses=%lu width_misses=%lu\n", screen, first, first, first,
           s1.misses - s0.misses, s1.measure_misses - s0.measure_misses);

    for (int i = 0; i < WARMUP; i++) {
        kiosk_view(k, now);
        render_frame(r, kiosk_frame(k));
    }
    render_stats(r, &s0);
    mark("begin", screen);
    for (int i = 0; i < runs; i++) {
        render_invalidate(r);        /* the whole frame, not only what changed */
        t0 = cpu_ms();
        kiosk_view(k, now);
        render_frame(r, kiosk_frame(k));
        v[i] = cpu_ms() - t0;
    }
    mark("end", screen);
    render_stats(r, &s1);
    report(screen, "full", v, runs, &s0, &s1);

    render_stats(r, &s0);
    for (int i = 0; i < runs; i++) {
        t0 = cpu_ms();
        kiosk_view(k, now);
        v[i] = cpu_ms() - t0;
    }
    render_stats(r, &s1);
    report(screen, "view", v, runs, &s0, &s1);
    return 0;
}

/* Content with one notice of CONTENT_MAX_BODY characters in each language:
 * Chinese in paragraphs of 200, English words in paragraphs of about 400. */
static Content *long_content(void)
{
    size_t cap = (size_t)CONTENT_MAX_BODY * 4 + 4096;
    char *j = malloc(cap);
    if (!j)
        return NULL;
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
        fprintf(stderr, "redraw: the long notice: %s\n", err);
    free(j);
    return c;
}

/* Opening the longest notice, then dragging its text a step at a time. */
static int bench_long(Kiosk *k, Renderer *r, int64_t now, double *v, int runs)
{
    App *a = kiosk_app(k);
    Content *c = long_content();
    if (!c)
        return -1;
    app_set_content(a, c);
    RenderStats s0, s1;
    render_stats(r, &s0);
    double t0 = cpu_ms();
    int rc = app_open(a, "notice:long");
    kiosk_view(k, now);
    rc |= render_frame(r, kiosk_frame(k));
    double open = cpu_ms() - t0;
    render_stats(r, &s1);
    if (rc < 0 || kiosk_frame(k)->oom) {
        fprintf(stderr, "redraw: the long notice could not be opened and drawn\n");
        return -1;
    }
    printf("screen=long part=open runs=1 median=%.3f p99=%.3f max=%.3f "
           "tex_misses=%lu width_misses=%lu\n", open, open, open,
           s1.misses - s0.misses, s1.measure_misses - s0.measure_misses);

    /* A finger down mid-screen, moving 40 px a step: up to the end of the
     * text, then down again, as many steps as runs. */
    int x = W / 2, y = H / 2, step = -40;
    Input in = {IN_DOWN, x, y};
    app_input(a, &in, kiosk_frame(k), now);
    render_stats(r, &s0);
    for (int i = 0; i < runs; i++) {
        if (y + step < 300 || y + step > H - 100) {   /* lift and put the finger down again */
            in = (Input){IN_UP, x, y};
            app_input(a, &in, kiosk_frame(k), now);
            y = step < 0 ? H - 150 : 350;
            in = (Input){IN_DOWN, x, y};
            app_input(a, &in, kiosk_frame(k), now);
        }
        y += step;
        in = (Input){IN_MOVE, x, y};
        t0 = cpu_ms();
        app_input(a, &in, kiosk_frame(k), now);
        kiosk_view(k, now);
        render_frame(r, kiosk_frame(k));
        v[i] = cpu_ms() - t0;
        if (i == runs / 2)
            step = -step;
    }
    in = (Input){IN_UP, x, y};
    app_input(a, &in, kiosk_frame(k), now);
    render_stats(r, &s1);
    report("long", "drag", v, runs, &s0, &s1);
    return 0;
}

static double wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void push_ev(Uint32 type, int x, int y)
{
    SDL_Event e = {0};
    e.type = type;
    if (type == SDL_MOUSEMOTION) {
        e.motion.state = SDL_BUTTON_LMASK;
        e.motion.x = x;
        e.motion.y = y;
    } else {
        e.button.button = SDL_BUTTON_LEFT;
        e.button.x = x;
        e.button.y = y;
    }
    SDL_PushEvent(&e);
}

/* Back after three drags through the longest notice, through the main
 * loop: the list's frame is the next one presented. */
static int bench_back(Kiosk *k, SDL_Renderer *sdl, Renderer *r, int64_t now)
{
    enum { BACK_RUNS = 40 };
    double cpu[BACK_RUNS], wall[BACK_RUNS];
    unsigned long frames = 0, views = 0, inputs = 0;
    if (SDL_InitSubSystem(SDL_INIT_EVENTS) < 0) {
        fprintf(stderr, "redraw: SDL events: %s\n", SDL_GetError());
        return -1;
    }
    Clock clock;
    clock_init(&clock, now, true);
    App *a = kiosk_app(k);
    for (int i = 0; i < BACK_RUNS; i++) {
        app_open(a, "notices");
        if (app_open(a, "notice:long") < 0)
            return -1;
        PlatformLoop p;
        platform_loop_init(&p, k, sdl, r, &clock, false, (Uint32)-1);
        platform_step(&p, 0);   /* the notice, drawn */
        const DrawList *f = kiosk_frame(k);
        int bx = -1, by = -1;
        for (size_t h = 0; h < f->nhits; h++)
            if (strcmp(f->hits[h].id, "back") == 0) {
                bx = f->hits[h].r.x + f->hits[h].r.w / 2;
                by = f->hits[h].r.y + f->hits[h].r.h / 2;
            }
        if (bx < 0)
            return -1;
        for (int d = 0; d < 3; d++) {
            int y = H - 150;
            push_ev(SDL_MOUSEBUTTONDOWN, W / 2, y);
            for (int m = 0; m < 40; m++)
                push_ev(SDL_MOUSEMOTION, W / 2, y -= 10);
            push_ev(SDL_MOUSEBUTTONUP, W / 2, y);
        }
        push_ev(SDL_MOUSEBUTTONDOWN, bx, by);
        push_ev(SDL_MOUSEBUTTONUP, bx, by);
        unsigned long f0 = p.frames, v0 = p.views;
        double c0 = cpu_ms(), w0 = wall_ms();
        platform_step(&p, 0);   /* every event */
        platform_step(&p, 0);   /* the next frame */
        cpu[i] = cpu_ms() - c0;
        wall[i] = wall_ms() - w0;
        if (app_screen(a) != SCREEN_NOTICES) {
            fprintf(stderr, "redraw: Back was not handled\n");
            return -1;
        }
        frames += p.frames - f0;
        views += p.views - v0;
        inputs += p.inputs;
    }
    qsort(cpu, BACK_RUNS, sizeof *cpu, cmp_double);
    qsort(wall, BACK_RUNS, sizeof *wall, cmp_double);
    int p99 = (int)ceil(0.99 * BACK_RUNS) - 1;
    printf("screen=long part=back runs=%d median=%.3f p99=%.3f max=%.3f wall_median=%.3f "
           "wall_p99=%.3f frames=%.2f views=%.2f events=%.1f\n", BACK_RUNS,
           (cpu[BACK_RUNS / 2 - 1] + cpu[BACK_RUNS / 2]) / 2, cpu[p99], cpu[BACK_RUNS - 1],
           (wall[BACK_RUNS / 2 - 1] + wall[BACK_RUNS / 2]) / 2, wall[p99],
           (double)frames / BACK_RUNS, (double)views / BACK_RUNS, (double)inputs / BACK_RUNS);
    return 0;
}

/* The floor under every redraw: clearing the surface. */
static void bench_empty(Renderer *r, double *v, int runs)
{
    DrawList dl;
    dl_init(&dl);
    dl_set_clear(&dl, (Color){0xF4, 0xF1, 0xEA, 0xFF});
    RenderStats s0, s1;
    render_stats(r, &s0);
    for (int i = 0; i < runs; i++) {
        render_invalidate(r);        /* cleared every time, though unchanged */
        double t0 = cpu_ms();
        render_frame(r, &dl);
        v[i] = cpu_ms() - t0;
    }
    render_stats(r, &s1);
    report("empty", "full", v, runs, &s0, &s1);
    dl_free(&dl);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: redraw DATA_DIR [RUNS]\n", stderr);
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 200;
    if (runs < 1 || runs > 100000) {
        fputs("redraw: RUNS must be 1..100000\n", stderr);
        return 2;
    }
    int64_t now;
    if (time_parse_iso8601("2026-12-01T10:00:00+08:00", &now) < 0)
        return 1;
    now *= 1000;

    char err[600] = "";
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    Renderer *r = sdl ? render_create(sdl, "fonts", err, sizeof err) : NULL;
    double *v = malloc((size_t)runs * sizeof *v);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", argv[1]);
    Kiosk *k = NULL;
    int rc = 1;
    if (!r || !v) {
        fprintf(stderr, "redraw: cannot set up the renderer: %s %s\n", err, SDL_GetError());
        goto out;
    }
    k = kiosk_open(&cfg, ".", "assets/content/sample.json", render_measure(r), W, H, now, err,
                   sizeof err);
    if (!k) {
        fprintf(stderr, "redraw: %s\n", err);
        goto out;
    }
    if (kiosk_content_error(k)[0])
        fprintf(stderr, "redraw: sample content: %s\n", kiosk_content_error(k));
    else if (bench_screen(k, r, "notices", now, v, runs) == 0 &&
             bench_screen(k, r, "notice:fee-accounts-2026q3", now, v, runs) == 0 &&
             bench_screen(k, r, "home", now, v, runs) == 0) {
        bench_empty(r, v, runs);
        rc = bench_long(k, r, now, v, runs) < 0 || bench_back(k, sdl, r, now) < 0;
    }
    kiosk_close(k);
out:
    free(v);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    if (surf)
        SDL_FreeSurface(surf);
    SDL_Quit();
    return rc;
}
