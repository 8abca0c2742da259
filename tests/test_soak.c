/* test_soak.c - a monkey test: 200,000 random touches, drags, handwriting
 * strokes, staff gestures and waits on a whole Kiosk, driven through seven
 * simulated days by a fake clock the way platform_sdl.c's loop drives it.
 *
 * What it checks: no crash (under ASan+UBSan in build/san), every screen
 * reached, no frame out of memory, no text or control drawn off the screen,
 * no busy loop (app_next_timeout never asks to be woken again at once),
 * no stale frame (what the loop shows is what a fresh view would draw),
 * the outbox bounded by the rate limiter and the once-per-visit rating, and
 * heap memory flat between the end of a warm-up and the end.
 *
 * Reproducible: the inputs come from a fixed-seed PRNG. KIOSK_SOAK_SEED and
 * KIOSK_SOAK_STEPS override the seed and the step count for a local hunt;
 * the issue asks for 200,000 steps, the default. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dlfcn.h>
#include <ftw.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>
#include "app_priv.h"
#include "fake_measure.h"
#include "pinyin_priv.h"
#include "kiosk.h"
#include "outbox.h"
#include "pin.h"
#include "screen_util.h"
#include "image.h"
#include "imgcache.h"
#include "store.h"
#include "testimg.h"
#include "tmpdir.h"

/* Heap in use: the ASan allocator's own count under ASan (its quarantine
 * and shadow make RSS meaningless there), else glibc's (all arenas, plus
 * mmapped blocks). */
#if defined(__SANITIZE_ADDRESS__)
#define SOAK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_ASAN 1
#endif
#endif
#ifdef SOAK_ASAN
/* From <sanitizer/allocator_interface.h>, which Debian's gcc does not ship. */
size_t __sanitizer_get_current_allocated_bytes(void);
static size_t heap_bytes(void) { return __sanitizer_get_current_allocated_bytes(); }
#define HEAP_HOW "ASan allocator, bytes allocated"
#else
#include <malloc.h>
static size_t heap_bytes(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}
#define HEAP_HOW "mallinfo2, uordblks + hblkhd"
#endif

/* libgooglepinyin 0.1.2 leaks the 128-byte block UserDict::load mallocs
 * each time it loads a user dictionary (tests/lsan.supp), which it does at
 * every im_flush_cache: at every wipe of the engine (osk_wipe, each time a
 * suggestion is begun or abandoned). This definition comes before the
 * library's, so the soak counts them and allows a malloc chunk each. */
#ifdef SOAK_ASAN
#define SOAK_LIB_LEAK 128   /* ASan counts the bytes asked for */
#else
#define SOAK_LIB_LEAK 144   /* glibc counts the chunk: 128 + its 16-byte header */
#endif
static long flushes;

void im_flush_cache(void)
{
    static void (*real)(void);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "im_flush_cache");
    flushes++;
    if (real)
        real();
}

#define SOAK_STEPS    200000
#define SOAK_WARMUP   20000
#define SOAK_DAYS     7
#define SOAK_SEED     UINT64_C(20261201)
#define SOAK_PIN      "135790"
/* Heap growth allowed from the end of the warm-up to the end, SQLite's own
 * memory (sqlite3_memory_used) and libgooglepinyin's leak apart: 512 KiB.
 * Everything of ours is bounded by the screens (a DrawList, one App, one
 * content; both measurements are taken with the whole sample shown), so
 * the heap should come back to the same size; the slack is for glibc's
 * accounting (tcache chunks count as in use) and allocator rounding. A
 * leak of one 16-byte block per step would be 2.8 MiB over the 180,000
 * steps after the warm-up.
 * SQLite's memory may still grow while the outbox file grows (its page
 * caches, default cache_size 2000 KiB per connection, and three
 * connections: store, outbox, the test's import connection); it gets its
 * own limit, 8 MiB. */
#define SOAK_HEAP_SLACK (512u << 10)
#define SOAK_SQLITE_MAX (8u << 20)

/* The kinds of fault the soak looks for (problem()). */
enum { P_OOM, P_TEXT, P_HIT, P_STALE, P_KINDS };

static const int sizes[][2] = {{1920, 1080}, {1080, 1920}, {1280, 800}};

typedef struct {
    Config cfg;
    Kiosk *k;
    Store *ctl;                  /* another connection: "kioskctl import" */
    char *dir;                   /* data directory */
    char *export_dir;            /* the "USB drive" */
    json_t *sample;              /* assets/content/sample.json, for variants */
    char *sample_path;           /* it with a picture on every item (soak_pictures) */
    int64_t start, now;
    uint64_t rng;
    int w, h, size_i;
    bool dirty;
    DrawList fresh;              /* scratch: the stale-frame check */
    int screen;                  /* last screen seen */
    long reached[SCREEN_COUNT];  /* times each screen was entered */
    long steps_on[SCREEN_COUNT]; /* steps begun on each screen */
    long taps, any_taps, drags, pinches, strokes, waits, gestures, pins_typed, imports, bad_imports,
         resizes, restarts, draws, loops, wakes;
    int zero_waits, max_zero_waits;
    long problems[P_KINDS];
} Soak;

/* Faults are counted by kind and the first few of each printed, so one run
 * shows them all; the test fails at the end if there was any. */
static const char *const problem_names[P_KINDS] = {
    "frames out of memory", "texts off the screen", "controls off the screen",
    "stale frames",
};

static void problem(Soak *s, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(Soak *s, int kind, const char *fmt, ...)
{
    if (s->problems[kind]++ >= 3)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "soak: at +%.2f h, %s %dx%d: ", (s->now - s->start) / 3600000.0,
            app_screen_name(app_screen(kiosk_app(s->k))), s->w, s->h);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- the PRNG: splitmix64 ---- */

static uint64_t next_u64(Soak *s)
{
    uint64_t z = (s->rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int64_t rnd(Soak *s, int64_t n)
{
    return n > 0 ? (int64_t)(next_u64(s) % (uint64_t)n) : 0;
}

/* Uniform in [lo, hi]. */
static int64_t between(Soak *s, int64_t lo, int64_t hi)
{
    return lo + rnd(s, hi - lo + 1);
}

/* ---- frames ---- */

/* What the renderer would draw: no text or control outside the screen. A
 * text's box is its em box (as test_app.c's layout checks measure it)
 * within the clip it is drawn in; a control's box is its visible part. */
static void check_frame(Soak *s, const DrawList *dl)
{
    if (dl->oom)
        problem(s, P_OOM, "frame out of memory");
    Rect screen = {0, 0, s->w, s->h};
    SuTextWalk w;
    su_texts(&w, dl);
    Rect b;
    for (const DlCmd *c; (c = su_next_text(&w, &b));) {
        if (b.w <= 0 || b.h <= 0)
            continue;   /* scrolled out of view */
        const char *t = dl_str(dl, c);
        Rect in = rect_intersect(b, screen);
        if (in.w != b.w || in.h != b.h)
            problem(s, P_TEXT, "text \"%s\" drawn off the screen (%d,%d %dx%d)", t, b.x,
                    b.y, b.w, b.h);
    }
    for (size_t i = 0; i < dl->nhits; i++) {
        const DlHit *hit = &dl->hits[i];
        if (hit->clip.w <= 0 || hit->clip.h <= 0)
            continue;
        Rect in = rect_intersect(hit->clip, screen);
        if (in.w != hit->clip.w || in.h != hit->clip.h)
            problem(s, P_HIT, "control %s off the screen (%d,%d %dx%d)", hit->id,
                    hit->clip.x, hit->clip.y, hit->clip.w, hit->clip.h);
    }
}

static void observe(Soak *s)
{
    int sc = (int)app_screen(kiosk_app(s->k));
    if (sc != s->screen) {
        if ((s->screen == SCREEN_ATTRACT || s->screen == SCREEN_NIGHT) &&
            sc != SCREEN_ATTRACT && sc != SCREEN_NIGHT)
            s->wakes++;
        s->reached[sc]++;
        s->screen = sc;
    }
}

static void draw(Soak *s)
{
    kiosk_view(s->k, s->now);
    s->draws++;
    check_frame(s, kiosk_frame(s->k));
    observe(s);
}

/* ---- the kiosk, as kiosk_main.c runs it ---- */

static void open_kiosk(Soak *s, const char *content)
{
    char err[400];
    s->k = kiosk_open(&s->cfg, ".", content, fake_measure(), s->w, s->h, s->now, err,
                      sizeof err);
    if (!s->k)
        fail_msg("kiosk_open: %s", err);
    assert_non_null(kiosk_outbox(s->k));
    assert_non_null(kiosk_pinyin(s->k));
    s->dirty = true;
}

/* Staff chose "leave the kiosk": systemd starts it again. */
static void restart(Soak *s)
{
    kiosk_close(s->k);
    open_kiosk(s, NULL);
    s->restarts++;
}

/* The top of platform_run's loop: timers, staff requests, content, redraw. */
static void settle(Soak *s)
{
    s->loops++;
    if (kiosk_tick(s->k, s->now))
        s->dirty = true;
    /* An export runs on its own thread in real time. Wait for it here, so a
     * seed replays the same run whatever the machine's speed. */
    while (kiosk_exporting(s->k)) {
        usleep(1000);
        if (kiosk_service(s->k, s->now))
            s->dirty = true;
    }
    if (kiosk_quit_requested(s->k))
        restart(s);
    if (s->dirty) {
        draw(s);
        s->dirty = false;
    }
    observe(s);
}

/* Let ms pass with no input: the loop sleeps until the next timer (or the
 * content poll, at most a minute) as platform_run does. */
static void pass(Soak *s, int64_t ms)
{
    int64_t end = s->now + ms;
    for (;;) {
        settle(s);
        int64_t wait = kiosk_next_timeout(s->k, s->now);
        if (wait > 60000)
            wait = 60000;
        if (wait == 0) {
            /* Woken again at once: a busy loop if it goes on. */
            if (++s->zero_waits > s->max_zero_waits)
                s->max_zero_waits = s->zero_waits;
            if (s->zero_waits > 3)
                fail_msg("busy loop on %s: app_next_timeout keeps answering 0",
                         app_screen_name(app_screen(kiosk_app(s->k))));
        } else {
            s->zero_waits = 0;
        }
        if (s->now + wait > end)
            break;
        s->now += wait;
    }
    s->now = end;
}

/* One input event as SDL delivers it: redraw at once when asked to, so the
 * next event hit-tests the new frame. */
static void input(Soak *s, InputKind kind, int x, int y)
{
    Input in = {kind, x, y};
    if (app_input(kiosk_app(s->k), &in, kiosk_frame(s->k), s->now)) {
        s->dirty = true;
        draw(s);
    }
    observe(s);
}

static void tap_xy(Soak *s, int x, int y)
{
    input(s, IN_DOWN, x, y);
    pass(s, between(s, 40, 250));
    input(s, IN_UP, x, y);
}

/* A point inside a control's visible part. */
static bool point_in(Soak *s, const DlHit *h, int *x, int *y)
{
    Rect r = h->clip;
    if (r.w <= 0 || r.h <= 0)
        return false;
    *x = r.x + (int)rnd(s, r.w);
    *y = r.y + (int)rnd(s, r.h);
    return true;
}

static bool tap_id(Soak *s, const char *id)
{
    const DlHit *h = dl_find_hit(kiosk_frame(s->k), id);
    int x, y;
    if (!h || !point_in(s, h, &x, &y))
        return false;
    tap_xy(s, x, y);
    pass(s, between(s, 150, 600));
    return true;
}

/* ---- the monkey's moves ---- */

static void tap_control(Soak *s)
{
    const DrawList *f = kiosk_frame(s->k);
    int x, y;
    if (f->nhits == 0 || !point_in(s, &f->hits[rnd(s, (int64_t)f->nhits)], &x, &y)) {
        x = (int)rnd(s, s->w);
        y = (int)rnd(s, s->h);
    }
    s->taps++;
    tap_xy(s, x, y);
}

static void tap_anywhere(Soak *s)
{
    s->any_taps++;
    tap_xy(s, (int)rnd(s, s->w), (int)rnd(s, s->h));
}

/* A drag of random length, half of them starting in a scroll area. */
static void drag(Soak *s)
{
    const DrawList *f = kiosk_frame(s->k);
    int x = (int)rnd(s, s->w), y = (int)rnd(s, s->h);
    if (f->nscrolls && rnd(s, 2)) {
        const DlScroll *sc = &f->scrolls[rnd(s, (int64_t)f->nscrolls)];
        if (sc->viewport.w > 0 && sc->viewport.h > 0) {
            x = sc->viewport.x + (int)rnd(s, sc->viewport.w);
            y = sc->viewport.y + (int)rnd(s, sc->viewport.h);
        }
    }
    int dx = (int)between(s, -s->w / 8, s->w / 8);
    int dy = (int)between(s, -s->h * 3 / 2, s->h * 3 / 2);
    if (rnd(s, 3) == 0)
        dy /= 20;   /* short ones too: around the tap slop */
    int steps = (int)between(s, 1, 20);
    s->drags++;
    input(s, IN_DOWN, x, y);
    for (int i = 1; i <= steps; i++) {
        pass(s, 16);
        input(s, IN_MOVE, x + dx * i / steps, y + dy * i / steps);
    }
    pass(s, 16);
    input(s, IN_UP, x + dx, y + dy);
}

/* On a picture shown full-screen: a pinch (the fingers may wander off
 * it, the first may lift first) or a double tap. */
static void picture_moves(Soak *s)
{
    const DlHit *h = dl_find_hit(kiosk_frame(s->k), "picture");
    int x, y;
    if (!h || !point_in(s, h, &x, &y))
        return;
    s->pinches++;
    if (rnd(s, 3) == 0) {
        tap_xy(s, x, y);
        pass(s, between(s, 30, 500));
        tap_xy(s, x + (int)between(s, -20, 20), y + (int)between(s, -20, 20));
        return;
    }
    int x2 = (int)rnd(s, s->w), y2 = (int)rnd(s, s->h);
    int dx = (int)between(s, -s->w / 2, s->w / 2), dy = (int)between(s, -s->h / 2, s->h / 2);
    int steps = (int)between(s, 1, 12);
    input(s, IN_DOWN, x, y);
    pass(s, 16);
    input(s, IN_DOWN2, x2, y2);
    for (int i = 1; i <= steps; i++) {
        pass(s, 16);
        input(s, IN_MOVE2, x2 + dx * i / steps, y2 + dy * i / steps);
        if (rnd(s, 2))
            input(s, IN_MOVE, x - dx * i / steps / 2, y - dy * i / steps / 2);
    }
    pass(s, 16);
    if (rnd(s, 2))
        input(s, IN_UP2, x2 + dx, y2 + dy);
    input(s, IN_UP, x - dx / 2, y - dy / 2);
}

/* The sample with a picture (in the kiosk's picture cache) on every
 * notice, event and board item, so the monkey can open the viewer: the
 * file's path (in the data directory). */
static char *soak_pictures(Soak *s)
{
    size_t n;
    unsigned char *png = testimg_png(600, 800, TESTIMG_HALVES, 40, 90, 160, 255, 0, &n);
    assert_non_null(png);
    char sha[65], err[300];
    image_sha256_hex(png, n, sha);
    ImgCache *c = imgcache_open(s->dir, 0, err, sizeof err);
    if (!c)
        fail_msg("imgcache_open: %s", err);
    if (imgcache_put(c, sha, png, n, err, sizeof err) != 0)
        fail_msg("imgcache_put: %s", err);
    imgcache_close(c);
    free(png);
    const char *lists[] = {"notices", "events", "board"};
    for (size_t l = 0; l < 3; l++) {
        json_t *arr = json_object_get(s->sample, lists[l]);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            json_t *img = json_pack("{s:s, s:s, s:{s:s, s:s}, s:i, s:i}", "url",
                                    "https://office.example/p.png", "sha256", sha, "alt", "zh",
                                    "图片说明", "en", "What it shows", "width", 600, "height", 800);
            assert_non_null(img);
            json_object_set_new(json_array_get(arr, i), "images", json_pack("[o]", img));
        }
    }
    char *path = tmpdir_path(s->dir, "sample-pictures.json");
    assert_int_equal(json_dump_file(s->sample, path, JSON_COMPACT), 0);
    return path;
}

/* One to four strokes on the handwriting pad, in either writing box (a
 * stroke in the other box commits a character); they may wander off it. */
static void strokes(Soak *s)
{
    int n = (int)between(s, 1, 3);
    const char *box = rnd(s, 2) ? "hwpad2" : "hwpad";
    for (int k = 0; k < n; k++) {
        const DlHit *pad = dl_find_hit(kiosk_frame(s->k), box);
        int x, y;
        if (!pad || !point_in(s, pad, &x, &y))
            return;
        s->strokes++;
        input(s, IN_DOWN, x, y);
        int moves = (int)between(s, 2, 30);
        for (int i = 0; i < moves; i++) {
            pass(s, 16);
            x += (int)between(s, -40, 40);
            y += (int)between(s, -40, 40);
            input(s, IN_MOVE, x, y);
        }
        input(s, IN_UP, x, y);
        pass(s, between(s, 80, 500));
    }
}

/* The hidden staff gesture: a hold in the top-left corner; then, on the PIN
 * pad, the right PIN or a wrong one, or nothing at all. */
static void staff_gesture(Soak *s)
{
    int c = (int)(120 * kiosk_app(s->k)->dp);
    int x = (int)rnd(s, c), y = (int)rnd(s, c);
    s->gestures++;
    input(s, IN_DOWN, x, y);
    pass(s, between(s, 4000, 7000));   /* usually long enough (5 s) */
    input(s, IN_UP, x, y);
    pass(s, between(s, 200, 800));
    if (app_screen(kiosk_app(s->k)) != SCREEN_STAFF_PIN || rnd(s, 10) < 3)
        return;
    char pin[PIN_MAX_DIGITS + 1];
    if (rnd(s, 10) < 7) {
        snprintf(pin, sizeof pin, "%s", SOAK_PIN);
    } else {
        int n = (int)between(s, 1, PIN_MAX_DIGITS);
        for (int i = 0; i < n; i++)
            pin[i] = (char)('0' + rnd(s, 10));
        pin[n] = '\0';
    }
    s->pins_typed++;
    for (const char *p = pin; *p; p++) {
        char id[8] = "pin:";
        id[4] = *p;
        id[5] = '\0';
        if (!tap_id(s, id))
            return;
    }
    tap_id(s, "pin:ok");
}

/* Waits: mostly short, some past the idle timeouts (90 s, the flow's 60 s
 * and its 15 s countdown, staff's 60 s), and long ones whenever the clock
 * is behind its schedule through the seven days. */
static void wait_some(Soak *s, long step, long steps)
{
    s->waits++;
    int64_t r = rnd(s, 100);
    int64_t target = s->start + (int64_t)SOAK_DAYS * 86400000 * step / steps;
    if (r < 40 || s->now >= target + 3600000)
        pass(s, between(s, 1000, 12000));
    else if (r < 90 || s->now >= target)
        pass(s, between(s, 20000, 200000));
    else
        pass(s, target - s->now + between(s, 0, 3600000));
}

/* "kioskctl import" from another connection: the sample, a variant with
 * items dropped (a detail on screen may vanish), or a bad document. */
static void import_content(Soak *s)
{
    char err[400];
    int64_t r = rnd(s, 10);
    if (r == 0) {
        s->bad_imports++;
        const char *bad = "{\"site\": 5}";
        assert_int_equal(store_import_json(s->ctl, bad, strlen(bad), err, sizeof err),
                         STORE_INVALID);
        return;
    }
    json_t *doc = json_deep_copy(s->sample);
    assert_non_null(doc);
    if (r >= 4) {
        const char *lists[] = {"notices", "events", "channels"};
        for (size_t l = 0; l < 3; l++) {
            json_t *arr = json_object_get(doc, lists[l]);
            for (size_t i = json_array_size(arr); i-- > 0;)
                if (rnd(s, 10) < 3)
                    json_array_remove(arr, i);
        }
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    assert_non_null(text);
    if (store_import_json(s->ctl, text, strlen(text), err, sizeof err) != 0)
        fail_msg("import: %s", err);
    free(text);
    s->imports++;
}

/* Show the whole sample again (so the heap is measured with the same
 * content each time). */
static void import_sample(Soak *s)
{
    char err[400];
    if (store_import_file(s->ctl, s->sample_path, err, sizeof err) != 0)
        fail_msg("import: %s", err);
    pass(s, (int64_t)s->cfg.content_poll_s * 1000 + 1);   /* the next content poll */
}

static void resize(Soak *s)
{
    s->size_i = (s->size_i + 1) % 3;
    s->w = sizes[s->size_i][0];
    s->h = sizes[s->size_i][1];
    app_resize(kiosk_app(s->k), s->w, s->h);
    s->resizes++;
    s->dirty = true;
    settle(s);
}

/* What the loop shows is what a fresh view of the state draws now: no
 * change went without a redraw. */
static void check_stale(Soak *s)
{
    dl_reset(&s->fresh);
    app_view(kiosk_app(s->k), &s->fresh, s->now);
    if (dl_hash(&s->fresh) != dl_hash(kiosk_frame(s->k)))
        problem(s, P_STALE, "the frame shown is not what the state draws now");
}

/* ---- the outbox ---- */

static void check_outbox(Soak *s, int64_t *total, int64_t *ratings)
{
    OutboxCounts c;
    assert_int_equal(outbox_counts(kiosk_outbox(s->k), &c), 0);
    *total = c.waiting + c.delivered + c.dead + c.exported;
    int counts[5];
    char first[8], last[8];
    /* Seven days span at most two months. */
    outbox_rating_month(s->start / 1000, first);
    outbox_rating_month(s->now / 1000, last);
    int n = outbox_rating_counts(kiosk_outbox(s->k), first, counts);
    int m = strcmp(first, last) ? outbox_rating_counts(kiosk_outbox(s->k), last, counts) : 0;
    assert_true(n >= 0 && m >= 0);
    *ratings = n + m;
    /* A suggestion needs a token from the rate limiter: a burst, then one
     * per refill period; each start of the program begins with a burst. */
    int64_t elapsed_s = (s->now - s->start) / 1000;
    int64_t max_suggestions = (int64_t)s->cfg.rate_burst * (1 + s->restarts) +
                              elapsed_s / s->cfg.rate_refill_s + 1;
    /* One rating per visit: a visit ends when the kiosk goes to rest. */
    int64_t max_ratings = 1 + s->reached[SCREEN_ATTRACT] + s->reached[SCREEN_NIGHT] +
                          s->restarts;
    if (*total - *ratings > max_suggestions)
        fail_msg("outbox holds %" PRId64 " suggestions, the rate limit allows %" PRId64,
                 *total - *ratings, max_suggestions);
    if (*ratings > max_ratings)
        fail_msg("outbox holds %" PRId64 " ratings for %" PRId64 " visits", *ratings,
                 max_ratings);
    if (*total > s->cfg.queue_max_rows)
        fail_msg("outbox holds %" PRId64 " rows, over its cap", *total);
}

/* The data directory: in /dev/shm when there is one. The soak is about
 * memory and logic; on a disk, the outbox's and the audit log's fsyncs
 * would take most of its time. */
static char *soak_dir(void)
{
    char tmpl[] = "/dev/shm/kiosk-soak-XXXXXX";
    if (mkdtemp(tmpl))
        return strdup(tmpl);
    return tmpdir_make();
}

static int soak_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;
}

static void soak_dir_remove(char *dir)
{
    if (strncmp(dir, "/dev/shm/kiosk-soak-", 20) == 0) {
        nftw(dir, soak_unlink, 16, FTW_DEPTH | FTW_PHYS);
        free(dir);
    } else {
        tmpdir_remove(dir);
    }
}

static long rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static double secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_monkey_seven_days(void **state)
{
    (void)state;
    static Soak s;
    memset(&s, 0, sizeof s);
    long steps = SOAK_STEPS;
    const char *e = getenv("KIOSK_SOAK_STEPS");
    if (e && atol(e) > 0)
        steps = atol(e);
    s.rng = SOAK_SEED;
    e = getenv("KIOSK_SOAK_SEED");
    if (e && *e)
        s.rng = strtoull(e, NULL, 0);
    uint64_t seed = s.rng;
    long warmup = steps / 10 < SOAK_WARMUP ? steps / 10 : SOAK_WARMUP;

    s.dir = soak_dir();
    assert_non_null(s.dir);
    s.export_dir = tmpdir_path(s.dir, "usb");
    assert_int_equal(mkdir(s.export_dir, 0700), 0);
    config_defaults(&s.cfg);
    snprintf(s.cfg.data_dir, sizeof s.cfg.data_dir, "%s", s.dir);
    snprintf(s.cfg.staff.export_dir, sizeof s.cfg.staff.export_dir, "%s", s.export_dir);
    s.start = s.now = SAMPLE_NOW_MS;
    s.w = sizes[0][0];
    s.h = sizes[0][1];
    s.screen = -1;
    dl_init(&s.fresh);
    json_error_t jerr;
    s.sample = json_load_file("assets/content/sample.json", 0, &jerr);
    assert_non_null(s.sample);

    s.sample_path = soak_pictures(&s);
    open_kiosk(&s, s.sample_path);
    char err[400], pin_path[CONFIG_PATH_MAX + 32];
    config_staff_pin_path(&s.cfg.staff, s.cfg.data_dir, pin_path, sizeof pin_path);
    if (pin_set(pin_path, SOAK_PIN, err, sizeof err) != 0)
        fail_msg("pin_set: %s", err);
    s.ctl = store_open(s.dir, err, sizeof err);
    if (!s.ctl)
        fail_msg("store: %s", err);
    settle(&s);

    size_t heap0 = 0, heap_mid = 0, sql0 = 0, sql_mid = 0;
    long flushes0 = 0;
    long rss0 = 0;
    int64_t rows0 = 0, ratings0 = 0;
    double t0 = secs();
    for (long i = 0; i < steps; i++) {
        if (i == warmup) {
            import_sample(&s);
            heap0 = heap_bytes();
            sql0 = (size_t)sqlite3_memory_used();
            flushes0 = flushes;
            rss0 = rss_kb();
            check_outbox(&s, &rows0, &ratings0);
        }
        if (i == warmup + (steps - warmup) / 2) {
            heap_mid = heap_bytes();
            sql_mid = (size_t)sqlite3_memory_used();
        }
        s.steps_on[app_screen(kiosk_app(s.k))]++;
        pass(&s, between(&s, 100, 1500));   /* the resident looks, then acts */
        if (dl_find_hit(kiosk_frame(s.k), "hwpad") && rnd(&s, 100) < 12) {
            strokes(&s);
            continue;
        }
        if (dl_find_hit(kiosk_frame(s.k), "picture") && rnd(&s, 100) < 25) {
            picture_moves(&s);
            continue;
        }
        int64_t r = rnd(&s, 10000);
        if (r < 7000)
            tap_control(&s);
        else if (r < 8000)
            tap_anywhere(&s);
        else if (r < 9000)
            drag(&s);
        else if (r < 9960)
            wait_some(&s, i, steps);
        else if (r < 9980)
            staff_gesture(&s);
        else if (r < 9995)
            import_content(&s);
        else if (r < 9997 && i % 4 == 0)
            resize(&s);
        else
            wait_some(&s, i, steps);
        if (i % 64 == 0)
            check_stale(&s);
        if (i % 5000 == 0) {
            int64_t rows, ratings;
            check_outbox(&s, &rows, &ratings);
        }
    }
    /* Whatever is left of the seven days passes untouched. */
    int64_t end = s.start + (int64_t)SOAK_DAYS * 86400000;
    if (s.now < end)
        pass(&s, end - s.now);
    import_sample(&s);
    double took = secs() - t0;
    size_t heap1 = heap_bytes();
    size_t sql1 = (size_t)sqlite3_memory_used();
    long rss1 = rss_kb();
    int64_t rows1, ratings1;
    check_outbox(&s, &rows1, &ratings1);

    printf("soak: seed %" PRIu64 ", %ld steps in %.1f s, %.2f simulated days, "
           "%ld restarts, %ld imports (%ld bad), %ld resizes\n",
           seed, steps, took, (s.now - s.start) / 86400000.0, s.restarts, s.imports,
           s.bad_imports, s.resizes);
    printf("soak: %ld control taps, %ld taps anywhere, %ld drags, %ld pinches or double taps, "
           "%ld strokes, %ld waits, %ld staff gestures (%ld PINs typed), %ld wakes\n",
           s.taps, s.any_taps, s.drags, s.pinches, s.strokes, s.waits, s.gestures, s.pins_typed, s.wakes);
    printf("soak: %ld frames drawn, %ld loop turns, longest run of zero waits %d\n",
           s.draws, s.loops, s.max_zero_waits);
    printf("soak: %-16s %9s %9s\n", "screen", "entered", "steps");
    for (int sc = 0; sc < SCREEN_COUNT; sc++)
        printf("soak: %-16s %9ld %9ld\n", app_screen_name((ScreenId)sc), s.reached[sc],
               s.steps_on[sc]);
    printf("soak: heap (%s): %zu KiB after %ld steps of warm-up, %zu KiB half-way, "
           "%zu KiB at the end (%+ld KiB); of it SQLite's %zu, %zu, %zu KiB (%+ld KiB); "
           "the rest %+ld KiB; RSS %ld -> %ld KiB\n",
           HEAP_HOW, heap0 >> 10, warmup, heap_mid >> 10, heap1 >> 10,
           ((long)heap1 - (long)heap0) / 1024, sql0 >> 10, sql_mid >> 10, sql1 >> 10,
           ((long)sql1 - (long)sql0) / 1024,
           ((long)(heap1 - sql1) - (long)(heap0 - sql0)) / 1024, rss0, rss1);
    long lib = (flushes - flushes0) * SOAK_LIB_LEAK;
    long ours = (long)(heap1 - sql1) - (long)(heap0 - sql0) - lib;
    printf("soak: libgooglepinyin's leak: %ld user dictionary loads after the warm-up, "
           "%ld KiB; what remains: %+ld KiB\n", flushes - flushes0, lib / 1024, ours / 1024);
    printf("soak: outbox %" PRId64 " rows (%" PRId64 " ratings) after warm-up, %" PRId64
           " rows (%" PRId64 " ratings) at the end\n", rows0, ratings0, rows1, ratings1);
    fflush(stdout);

    for (int sc = 0; sc < SCREEN_COUNT; sc++)
        if (s.reached[sc] == 0)
            fail_msg("screen %s never reached", app_screen_name((ScreenId)sc));
    if (s.now - s.start < (int64_t)SOAK_DAYS * 86400000)
        fail_msg("the clock ran only %.2f days", (s.now - s.start) / 86400000.0);
    bool bad = false;
    for (int p = 0; p < P_KINDS; p++)
        if (s.problems[p]) {
            printf("soak: %ld %s (the first ones above)\n", s.problems[p], problem_names[p]);
            bad = true;
        }
    if (bad)
        fail_msg("faults found: see above");
    if (ours > (long)SOAK_HEAP_SLACK)
        fail_msg("the heap grew by %ld KiB after the warm-up, SQLite and the library's "
                 "leak apart (allowed %u KiB)", ours / 1024, SOAK_HEAP_SLACK >> 10);
    if (sql1 > SOAK_SQLITE_MAX)
        fail_msg("SQLite holds %zu KiB (allowed %u KiB)", sql1 >> 10, SOAK_SQLITE_MAX >> 10);

    kiosk_close(s.k);
    store_close(s.ctl);
    json_decref(s.sample);
    free(s.sample_path);
    dl_free(&s.fresh);
    free(s.export_dir);
    soak_dir_remove(s.dir);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_monkey_seven_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
