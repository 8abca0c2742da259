/* kiosk_main.c - the kiosk program: options, window or headless modes. */
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <SDL.h>
#include "kiosk.h"
#include "platform_sdl.h"
#include "render_sdl.h"
#include "replay.h"
#include "timeutil.h"

typedef struct {
    const char *config, *content, *data_dir, *screenshot, *screen, *replay, *prelude;
    const char *now;
    int w, h;
    int lang;            /* -1 = from config */
    bool windowed;
    bool exit_after_first_frame;
} Options;

static void usage(FILE *f)
{
    fputs("Usage: kiosk [options]\n"
          "  --config FILE        settings file (docs/CONFIG.md)\n"
          "  --content FILE       import this content file at start-up\n"
          "  --data-dir DIR       database directory (overrides the config)\n"
          "  --windowed           run in a window instead of fullscreen\n"
          "  --size WxH           window or screenshot size (default 1920x1080;\n"
          "                       each side 320 to 3840)\n"
          "  --lang zh|en         start in this language\n"
          "  --now ISO8601        run the clock from this time\n"
          "  --screenshot OUT.png render one frame without a display and exit\n"
          "  --screen NAME        with --screenshot: home, notices, notice:ID,\n"
          "                       events, event:ID; on the window too (staff-pin, not\n"
          "                       the staff panel: that needs the PIN)\n"
          "  --replay FILE        play a script (docs/REPLAY.md), then exit\n"
          "  --prelude FILE       play a script (docs/REPLAY.md; taps, no waits) on the\n"
          "                       window, then run as usual (tests: SIGTERM in a mode)\n"
          "  --exit-after-first-frame  benchmarking aid: exit as soon as the window\n"
          "                       shows its first frame (docs/BENCHMARKS.md)\n"
          "  --help               this text\n", f);
}

static int parse_size(const char *s, int *w, int *h)
{
    char x;
    char extra;
    if (sscanf(s, "%d%c%d%c", w, &x, h, &extra) != 3 || x != 'x')
        return -1;
    if (*w < CONFIG_SIZE_MIN || *h < CONFIG_SIZE_MIN || *w > CONFIG_SIZE_MAX ||
        *h > CONFIG_SIZE_MAX)
        return -2;
    return 0;
}

static int parse_options(int argc, char **argv, Options *o)
{
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'},   {"content", required_argument, 0, 'C'},
        {"data-dir", required_argument, 0, 'd'}, {"windowed", no_argument, 0, 'W'},
        {"size", required_argument, 0, 's'},     {"lang", required_argument, 0, 'l'},
        {"now", required_argument, 0, 'n'},      {"screenshot", required_argument, 0, 'o'},
        {"screen", required_argument, 0, 'S'},   {"replay", required_argument, 0, 'r'},
        {"prelude", required_argument, 0, 'P'},
        {"exit-after-first-frame", no_argument, 0, 'F'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->lang = -1;
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': o->config = optarg; break;
        case 'C': o->content = optarg; break;
        case 'd': o->data_dir = optarg; break;
        case 'W': o->windowed = true; break;
        case 's':
            switch (parse_size(optarg, &o->w, &o->h)) {
            case -1:
                fprintf(stderr, "kiosk: --size %s: expected WxH, e.g. 1920x1080\n", optarg);
                return 2;
            case -2:
                fprintf(stderr, "kiosk: --size %s: each side from %d to %d pixels (up to 4K"
                        " UHD, 3840x2160 or 2160x3840)\n", optarg, CONFIG_SIZE_MIN,
                        CONFIG_SIZE_MAX);
                return 2;
            }
            break;
        case 'l':
            if ((o->lang = config_parse_lang(optarg)) < 0) {
                fprintf(stderr, "kiosk: --lang %s: expected zh or en\n", optarg);
                return 2;
            }
            break;
        case 'n': o->now = optarg; break;
        case 'o': o->screenshot = optarg; break;
        case 'S': o->screen = optarg; break;
        case 'P': o->prelude = optarg; break;
        case 'r': o->replay = optarg; break;
        case 'F': o->exit_after_first_frame = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kiosk: unexpected argument %s\n", argv[optind]);
        return 2;
    }
    if (o->screen && o->replay) {
        fprintf(stderr, "kiosk: --screen goes with --screenshot or the window, not --replay\n");
        return 2;
    }
    if (o->prelude && (o->screenshot || o->replay)) {
        fprintf(stderr, "kiosk: --prelude is for the window, not --screenshot or --replay\n");
        return 2;
    }
    if (o->exit_after_first_frame && (o->screenshot || o->replay)) {
        fprintf(stderr, "kiosk: --exit-after-first-frame is for the window, "
                        "not --screenshot or --replay\n");
        return 2;
    }
    return -1;
}

/* Tap at the centre of a control, or at a point. */
static void tap_at(Kiosk *k, int x, int y, int64_t now)
{
    Input in = {IN_DOWN, x, y};
    app_input(kiosk_app(k), &in, kiosk_frame(k), now);
    kiosk_view(k, now);
    in.kind = IN_UP;
    app_input(kiosk_app(k), &in, kiosk_frame(k), now);
    app_settle(kiosk_app(k));   /* on the virtual clock a reply check answers at once */
    kiosk_view(k, now);
}

/* Advance the clock by ms, letting timers fire when they are due. */
static int64_t advance(Kiosk *k, int64_t now, int64_t ms)
{
    int64_t end = now + ms;
    for (;;) {
        kiosk_tick(k, now);
        int64_t next = now + kiosk_next_timeout(k, now);
        if (next <= now)
            next = now + 1;
        if (next > end)
            break;
        now = next;
    }
    kiosk_view(k, end);
    return end;
}

static int write_png(Kiosk *k, SDL_Renderer *sdl, Renderer *r, const char *path)
{
    char err[300];
    render_frame(r, kiosk_frame(k));
    if (render_save_png(sdl, path, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

/* Play a script on a virtual clock; returns the exit status. */
static int run_replay(Kiosk *k, SDL_Renderer *sdl, Renderer *r, const Replay *rp,
                      int64_t now, const char *path)
{
    kiosk_view(k, now);
    for (size_t i = 0; i < rp->n; i++) {
        const ReplayCmd *c = &rp->cmds[i];
        switch (c->op) {
        case RP_TAP_ID: {
            const DlHit *h = dl_find_hit(kiosk_frame(k), c->arg);
            if (!h) {
                fprintf(stderr, "kiosk: %s:%d: no control @%s on the %s screen\n", path,
                        c->line, c->arg, app_screen_name(app_screen(kiosk_app(k))));
                return 1;
            }
            tap_at(k, h->clip.x + h->clip.w / 2, h->clip.y + h->clip.h / 2, now);
            if (kiosk_service(k, now))
                kiosk_view(k, now);
            if (kiosk_quit_requested(k))
                return 0;
            break;
        }
        case RP_TAP_XY:
            tap_at(k, c->x1, c->y1, now);
            break;
        case RP_DRAG: {
            Input in = {IN_DOWN, c->x1, c->y1};
            app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            int steps = c->ms / 16 > 0 ? c->ms / 16 : 1;
            for (int s = 1; s <= steps; s++) {
                in.kind = IN_MOVE;
                in.x = c->x1 + (c->x2 - c->x1) * s / steps;
                in.y = c->y1 + (c->y2 - c->y1) * s / steps;
                now += c->ms / steps;
                app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            }
            in.kind = IN_UP;
            app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            kiosk_view(k, now);
            break;
        }
        case RP_STROKE: {
            Input in = {IN_DOWN, c->pts[0][0], c->pts[0][1]};
            app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            for (int p = 1; p < c->npts; p++) {
                in.kind = IN_MOVE;
                in.x = c->pts[p][0];
                in.y = c->pts[p][1];
                now += 16;
                app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            }
            in.kind = IN_UP;
            app_input(kiosk_app(k), &in, kiosk_frame(k), now);
            kiosk_view(k, now);
            break;
        }
        case RP_WAIT:
            now = advance(k, now, c->ms);
            break;
        case RP_SHOT:
            if (write_png(k, sdl, r, c->arg) < 0)
                return 1;
            break;
        case RP_DUMP: {
            FILE *f = fopen(c->arg, "w");
            if (!f) {
                fprintf(stderr, "kiosk: %s:%d: cannot write %s\n", path, c->line, c->arg);
                return 1;
            }
            fprintf(f, "screen %s\n", app_screen_name(app_screen(kiosk_app(k))));
            int bad = dl_dump(kiosk_frame(k), f);
            if (fclose(f) != 0 || bad) {
                fprintf(stderr, "kiosk: %s:%d: cannot write %s\n", path, c->line, c->arg);
                return 1;
            }
            break;
        }
        }
    }
    return 0;
}

/* SIGTERM and SIGINT stop the kiosk cleanly in every mode, fullscreen
 * or not, whether SDL installed its handlers or not (the service sets
 * SDL_NO_SIGNAL_HANDLERS=1): they are blocked in every thread, and this
 * one waits for them and posts the main loop a stop event, which wakes
 * it at once (docs/OPERATIONS.md). */
static sigset_t stop_signals;
static atomic_bool watcher_ending;
static Uint32 stop_event = (Uint32)-1;

static void *signal_watcher(void *arg)
{
    (void)arg;
    for (;;) {
        int sig;
        if (sigwait(&stop_signals, &sig) != 0)
            continue;
        if (atomic_load(&watcher_ending))
            return NULL;
        SDL_Event ev = {.type = stop_event};
        ev.user.code = sig;
        SDL_PushEvent(&ev);
    }
}

int main(int argc, char **argv)
{
    /* Every file the kiosk makes (the database and its -wal and -shm,
     * default_lang, the lock, the audit log, an export) is its owner's
     * alone, whatever umask the service or shell left (docs/OPERATIONS.md). */
    umask(077);
    /* First of all SDL calls: the window surface in huge pages. */
    platform_memory_init();
    Options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;

    char err[600];
    Config cfg;
    config_defaults(&cfg);
    if (o.config && config_load(&cfg, o.config, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 2;
    }
    if (o.data_dir)
        snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", o.data_dir);
    if (o.windowed)
        cfg.fullscreen = false;
    if (o.w) {
        cfg.width = o.w;
        cfg.height = o.h;
    }
    int64_t start = time_now_ms();
    if (o.now) {
        int64_t s;
        if (time_parse_iso8601(o.now, &s) < 0) {
            fprintf(stderr, "kiosk: --now %s: expected ISO 8601 with an offset, "
                            "e.g. 2026-12-01T10:00:00+08:00\n", o.now);
            return 2;
        }
        start = s * 1000;
    }
    /* Without --now, the believed time: the system clock unless it is
     * before the last known time or implausibly far ahead (wallclock.h). */
    Wallclock wc;
    if (!o.now)
        start = kiosk_clock_boot(&cfg, &wc, start, time_mono_ms());
    Replay rp = {0};
    const char *script = o.replay ? o.replay : o.prelude;
    if (script && replay_load(script, &rp, err, sizeof err) < 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return 2;
    }
    char share[PATH_MAX];
    if (kiosk_find_share_dir(&cfg, argv[0], share, sizeof share) < 0) {
        fprintf(stderr, "kiosk: cannot find assets/ and fonts/ (set share_dir in the config)\n");
        replay_free(&rp);
        return 1;
    }

    bool headless = (o.screenshot || o.replay) && !o.windowed;
    if (headless)
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (cfg.software_render)
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    /* Before SDL or the kiosk start any thread: they all inherit the mask. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (SDL_Init(headless ? 0 : SDL_INIT_VIDEO) < 0) {
        fprintf(stderr, "kiosk: cannot start SDL: %s\n", SDL_GetError());
        replay_free(&rp);
        return 1;
    }
    pthread_t watcher;
    stop_event = SDL_RegisterEvents(1);
    bool watching = stop_event != (Uint32)-1 &&
                    pthread_create(&watcher, NULL, signal_watcher, NULL) == 0;
    if (!watching)   /* SIGTERM then ends the process as it always did */
        pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
    SDL_Window *win = NULL;
    SDL_Surface *surf = NULL;
    SDL_Renderer *sdl = NULL;
    int w = cfg.width, h = cfg.height;
    if (headless) {
        surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    } else {
        Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI |
                       (cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
        win = SDL_CreateWindow("Lobby Kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                               w, h, flags);
        if (win)
            sdl = SDL_CreateRenderer(win, -1, cfg.software_render ? SDL_RENDERER_SOFTWARE
                                                                  : SDL_RENDERER_ACCELERATED);
        if (sdl)
            platform_view_size(sdl, &w, &h);
        if (cfg.fullscreen)
            SDL_ShowCursor(SDL_DISABLE);
    }
    if (!sdl) {
        fprintf(stderr, "kiosk: cannot open a %s: %s\n", headless ? "surface" : "window",
                SDL_GetError());
        SDL_Quit();
        replay_free(&rp);
        return 1;
    }
    char fonts[PATH_MAX + 8];
    snprintf(fonts, sizeof fonts, "%s/fonts", share);
    Renderer *r = render_create(sdl, fonts, err, sizeof err);
    Kiosk *k = NULL;
    rc = 1;
    if (!r) {
        fprintf(stderr, "kiosk: %s\n", err);
        goto out;
    }
    k = kiosk_open(&cfg, share, o.content, render_measure(r), w, h, start, err, sizeof err);
    if (!k) {
        fprintf(stderr, "kiosk: %s\n", err);
        goto out;
    }
    render_set_images(r, kiosk_images(k));
    if (!o.now)
        kiosk_clock_attach(k, &wc, time_mono_ms());
    if (o.lang >= 0)
        app_set_lang(kiosk_app(k), (Lang)o.lang);
    if (o.screenshot) {
        if (o.screen && app_open(kiosk_app(k), o.screen) < 0) {
            fprintf(stderr, "kiosk: --screen %s: no such screen or item\n", o.screen);
            rc = 2;
        } else {
            kiosk_service(k, start);   /* the staff panel's figures */
            kiosk_view(k, start);
            rc = write_png(k, sdl, r, o.screenshot) < 0 ? 1 : 0;
        }
    } else if (o.replay) {
        rc = run_replay(k, sdl, r, &rp, start, o.replay);
    } else {
        Clock clock;
        clock_init(&clock, start, o.now != NULL);
        if (o.screen && strcmp(o.screen, "staff") == 0) {
            fprintf(stderr, "kiosk: --screen staff: on the window the panel opens with the"
                            " PIN (--screen staff-pin)\n");
            rc = 2;
            goto out;
        }
        if (o.screen && app_open(kiosk_app(k), o.screen) < 0) {
            fprintf(stderr, "kiosk: --screen %s: no such screen or item\n", o.screen);
            rc = 2;
            goto out;
        }
        if (o.prelude && (rc = run_replay(k, sdl, r, &rp, start, o.prelude)) != 0)
            goto out;
        if (o.exit_after_first_frame) {
            /* platform_run draws and presents before it first waits for
             * events, so a quit queued now ends it right after frame one. */
            SDL_Event quit = {.type = SDL_QUIT};
            SDL_PushEvent(&quit);
        }
        rc = platform_run(k, sdl, r, &clock,
                          !cfg.fullscreen || o.exit_after_first_frame, stop_event);
    }
out:
    kiosk_close(k);
    if (watching) {
        atomic_store(&watcher_ending, true);
        pthread_kill(watcher, SIGTERM);   /* blocked here: sigwait takes it */
        pthread_join(watcher, NULL);
    }
    render_destroy(r);
    SDL_DestroyRenderer(sdl);
    if (surf)
        SDL_FreeSurface(surf);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    replay_free(&rp);
    return rc;
}
