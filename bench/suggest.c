/* suggest.c - benchmark: the suggestion flow's latencies, in-process.
 *
 *   suggest DATA_DIR [KEYS] [ROUNDS] [SENDS] [LONG_KEYS]   (from the repository root)
 *
 * Opens a Kiosk on DATA_DIR (a fresh directory) with the sample content at
 * 2026-12-01T10:00:00+08:00, as the kiosk does: kiosk_open opens the real
 * outbox (DATA_DIR/kiosk.db, WAL, synchronous=FULL), the real pinyin engine
 * (pinyin_open(NULL)) and gives both to the app (app_attach_inputs). Text is
 * measured and drawn with the real fonts through the software renderer on a
 * 1920x1080 surface. All times are wall clock (CLOCK_MONOTONIC), in ms.
 * The key presses and the later strokes are also given less the
 * thread's wait for a core in them (/proc/thread-self/schedstat: time runnable but not running), as
 * parts NAME_own: what the kiosk's work and any waiting of its own (for the
 * dictionary's load, a lock) took, without the machine's other load.
 *
 *  1. Keys: on "suggest-write", KEYS (4000) presses typing pinyin sentences,
 *     with typos and backspaces, candidate picks (cand:0), a prediction
 *     picked now and then and punctuation; the draft starts over at about
 *     DRAFT_CHARS characters. Each press is timed through app_activate +
 *     app_view ("key"), and through render_frame too ("key_draw"); by kind
 *     (letter, backspace, pick) for app_activate + app_view. Then LONG_KEYS
 *     (1000) the same way while the draft holds LONG_FROM..LONG_TO
 *     characters ("key_long"; the box wraps the whole draft every frame).
 *  2. Strokes: ROUNDS (12) drafts in 手写 mode, each writing the recorded
 *     characters of tests/data/strokes/ through app_input on the "hwpad"
 *     region; each stroke is timed from its IN_UP through the next app_view
 *     (that frame holds the candidates), and through render_frame too. A new
 *     draft closes the model, and choosing 手写 starts opening it again on
 *     a thread of its own, which the first stroke waits for if it is not
 *     done: the first stroke of each draft is reported apart
 *     ("stroke_first_process" is the very first, "stroke_first_draft" the
 *     later ones). That stroke is drawn in real time, as a resident draws
 *     it: the time the fake clock gives it (the tap, 300 ms to reach the
 *     pad, 16 ms a point, 60 Hz touch) really passes between the tap on 手写
 *     and its IN_UP; the other strokes are fed at once. "hw_model_open" is
 *     the model's open alone, in the foreground, for comparison.
 *  3. Sends: SENDS (200) drafts of a sentence or two walked to the review
 *     step; app_activate("send") is timed ("send"), and with the thank-you
 *     page laid out and drawn ("send_draw"). The fake clock moves 301 s
 *     before each send, so the rate limiter (3, then one per 300 s) always
 *     has a token. Last, the floor under a send: SENDS times a 4 KB pwrite
 *     + fdatasync of a file in DATA_DIR ("fdatasync").
 *
 * The kiosk is started as the window does: kiosk_open, one frame,
 * kiosk_shown and a tick, which starts loading the pinyin engine in the
 * background.
 *
 * Prints one key=value line per figure; exit status 1 when a step does not
 * do what it should (no candidates, a send that did not reach the thank-you
 * page), so the figures always describe the real path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <SDL.h>
#include "handwriting.h"
#include "kiosk.h"
#include "render_sdl.h"
#include "strokes.h"
#include "textlayout.h"
#include "timeutil.h"

#define W 1920
#define H 1080
#define DRAFT_CHARS 200      /* a draft starts over past this many characters */
#define LONG_FROM 300        /* the long-draft keys: from this many characters */
#define LONG_TO 480          /* to this many (the box holds 500) */
#define STROKES_DIR "tests/data/strokes"
#define MAX_CHARS 64         /* stroke files */

static Kiosk *K;
static Renderer *R;
static int64_t now;

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Sleep until the monotonic clock reads `until` (ms). */
static void sleep_until(double until)
{
    double left = until - mono_ms();
    if (left <= 0)
        return;
    struct timespec ts = {(time_t)(left / 1e3), (long)(fmod(left, 1e3) * 1e6)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* This thread's total wait for a core so far, ms; -1 when the kernel
 * does not say (then no _own parts are printed). */
static int sched_fd = -2;
static double sched_wait_ms(void)
{
    if (sched_fd == -2)
        sched_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    char buf[128];
    ssize_t n = sched_fd >= 0 ? pread(sched_fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    unsigned long long run, wait;
    if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
        return -1;
    return (double)wait / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A growing list of samples. */
typedef struct { double *v; int n, cap; } Samples;

static void add(Samples *s, double x)
{
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 256;
        double *v = realloc(s->v, (size_t)cap * sizeof *v);
        if (!v) {
            fputs("suggest: out of memory\n", stderr);
            exit(1);
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static void drop(Samples *s)
{
    free(s->v);
    *s = (Samples){0};
}

/* Sort and print: median, 99th percentile (nearest rank), maximum, mean. */
static void report(const char *part, Samples *s, const char *extra)
{
    if (s->n == 0) {
        printf("part=%s runs=0\n", part);
        return;
    }
    qsort(s->v, (size_t)s->n, sizeof *s->v, cmp_double);
    int n = s->n;
    double med = n % 2 ? s->v[n / 2] : (s->v[n / 2 - 1] + s->v[n / 2]) / 2;
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += s->v[i];
    printf("part=%s runs=%d median=%.3f p99=%.3f max=%.3f mean=%.3f%s%s\n", part, n, med,
           s->v[(int)ceil(0.99 * n) - 1], s->v[n - 1], sum / n, extra ? " " : "",
           extra ? extra : "");
}

static void view(void)
{
    kiosk_view(K, now);
    if (kiosk_frame(K)->oom) {
        fputs("suggest: the frame ran out of memory\n", stderr);
        exit(1);
    }
}

/* Press `id` untimed, as a tap would, and lay the screen out again. */
static void press(const char *id)
{
    now += 150;
    app_activate(kiosk_app(K), id, now);
    view();
}

static bool on_screen(const char *id)
{
    return dl_find_hit(kiosk_frame(K), id) != NULL;
}

static size_t draft_chars(void)
{
    const char *t = app_draft_text(kiosk_app(K));
    return utf8_count(t, strlen(t));
}

static void need_screen(ScreenId s, const char *step)
{
    if (app_screen(kiosk_app(K)) != s) {
        fprintf(stderr, "suggest: %s: on screen %s, expected %s\n", step,
                app_screen_name(app_screen(kiosk_app(K))), app_screen_name(s));
        exit(1);
    }
}

/* ---- 1. keys ---- */

/* Things residents write about, in pinyin (at most 28 letters each). */
static const char *const sentences[] = {
    "shequwuyeguanli", "tingchechangtaiduole", "diantiyouzaoyin",
    "lajitongmeiyouqingli", "wanshangtaichaole", "xiwangzengjialudeng",
    "menjinkahuaile", "kuaidiguimanle", "shuifeiweishenmezhangle",
    "luhuaxuyaoxiujian", "qinggengxingonggao", "ertongleyuanhenzang",
    "xiexiewuyegongzuorenyuan", "loudaodedengbuliang", "xiayutianloushui",
};
#define NSENT (sizeof sentences / sizeof sentences[0])

typedef struct {
    bool untimed;                   /* only press: no timing, no view, no drawing */
    Samples key, key_draw;          /* every timed press */
    Samples key_own, key_draw_own;  /* the same less the wait for a core */
    Samples letter, bksp, pick;     /* key (no drawing) by kind */
    unsigned long tex_misses;
    int picks_empty;                /* cand:0 pressed with no candidate shown */
    size_t longest;                 /* draft characters */
} Keys;

static void drop_keys(Keys *k)
{
    drop(&k->key);
    drop(&k->key_draw);
    drop(&k->key_own);
    drop(&k->key_draw_own);
    drop(&k->letter);
    drop(&k->bksp);
    drop(&k->pick);
}

/* Press `id`, timed (or only pressed when k->untimed). */
static void timed(Keys *k, Samples *kind, const char *id)
{
    now += 150;
    if (k->untimed) {
        app_activate(kiosk_app(K), id, now);
        return;
    }
    RenderStats s0, s1;
    render_stats(R, &s0);
    double w0 = sched_wait_ms();
    double t0 = mono_ms();
    app_activate(kiosk_app(K), id, now);
    kiosk_view(K, now);
    double t1 = mono_ms();
    double w1 = sched_wait_ms();   /* read outside the timed spans */
    double t1b = mono_ms();
    render_frame(R, kiosk_frame(K));
    double t2 = mono_ms();
    double w2 = sched_wait_ms();
    render_stats(R, &s1);
    if (kiosk_frame(K)->oom) {
        fputs("suggest: the frame ran out of memory\n", stderr);
        exit(1);
    }
    k->tex_misses += s1.misses - s0.misses;
    add(&k->key, t1 - t0);
    add(&k->key_draw, (t1 - t0) + (t2 - t1b));
    if (w0 >= 0 && w1 >= 0 && w2 >= 0) {
        /* A wait that spans a read is split at it: near enough. */
        double own = (t1 - t0) - (w1 - w0), own_draw = own + (t2 - t1b) - (w2 - w1);
        add(&k->key_own, own > 0 ? own : 0);
        add(&k->key_draw_own, own_draw > 0 ? own_draw : 0);
    }
    if (kind)
        add(kind, t1 - t0);
}

static void type_letter(Keys *k, char c)
{
    char id[8] = {'k', 'e', 'y', ':', c, '\0'};
    timed(k, &k->letter, id);
}

/* One sentence: letters (sometimes a typo put right), the pick, and now
 * and then a prediction, a deleted character or punctuation. */
static void sentence(Keys *k, unsigned i)
{
    const char *s = sentences[i % NSENT];
    size_t n = strlen(s);
    for (size_t j = 0; j < n; j++) {
        type_letter(k, s[j]);
        if (i % 5 == 2 && j == n / 2) {          /* a typo, put right */
            type_letter(k, 'q');
            timed(k, &k->bksp, "key:bksp");
        }
    }
    if (i % 7 == 3) {                            /* the last two letters again */
        timed(k, &k->bksp, "key:bksp");
        timed(k, &k->bksp, "key:bksp");
        type_letter(k, s[n - 2]);
        type_letter(k, s[n - 1]);
    }
    if (!k->untimed && !on_screen("cand:0"))
        k->picks_empty++;
    timed(k, &k->pick, "cand:0");                /* the whole conversion */
    if (i % 4 == 1 && (k->untimed || on_screen("cand:0")))
        timed(k, &k->pick, "cand:0");            /* a prediction */
    if (i % 6 == 5)
        timed(k, &k->bksp, "key:bksp");          /* delete a character */
    if (i % 3 == 2)
        timed(k, NULL, i % 2 ? "key:sym:。" : "key:sym:，");
}

static void new_draft(void)
{
    if (app_open(kiosk_app(K), "suggest-write") < 0) {
        fputs("suggest: cannot open suggest-write\n", stderr);
        exit(1);
    }
    view();
}

static int check_picks(const Keys *k)
{
    if (k->picks_empty) {
        fprintf(stderr, "suggest: %d picks with no candidate on screen\n", k->picks_empty);
        return -1;
    }
    return 0;
}

static void report_keys(const char *name, Keys *k)
{
    char part[32], extra[120];
    snprintf(extra, sizeof extra, "draft_max_chars=%zu", k->longest);
    report(name, &k->key, extra);
    snprintf(part, sizeof part, "%s_draw", name);
    snprintf(extra, sizeof extra, "tex_misses_per_key=%.2f",
             (double)k->tex_misses / k->key_draw.n);
    report(part, &k->key_draw, extra);
    if (k->key_own.n == k->key.n) {
        snprintf(part, sizeof part, "%s_own", name);
        report(part, &k->key_own, NULL);
        snprintf(part, sizeof part, "%s_draw_own", name);
        report(part, &k->key_draw_own, NULL);
    }
}

/* Drafts of up to DRAFT_CHARS characters, from empty. */
static int bench_keys(int keys)
{
    Keys k = {0};
    new_draft();
    Keys warm = {0};                             /* one untimed sentence first */
    sentence(&warm, 0);
    drop_keys(&warm);
    new_draft();
    for (unsigned i = 0; k.key.n < keys; i++) {
        sentence(&k, i);
        size_t c = draft_chars();
        if (c > k.longest)
            k.longest = c;
        if (c >= DRAFT_CHARS)
            new_draft();
    }
    if (check_picks(&k) < 0) {
        drop_keys(&k);
        return -1;
    }
    report_keys("key", &k);
    report("key_letter", &k.letter, NULL);
    report("key_bksp", &k.bksp, NULL);
    report("key_pick", &k.pick, NULL);
    drop_keys(&k);
    return 0;
}

/* The worst case of the text box, which wraps the whole draft each frame:
 * keys typed while the draft holds LONG_FROM to LONG_TO characters (it is
 * filled that far with untimed presses). */
static int bench_keys_long(int keys)
{
    Keys k = {0};
    Keys fill = {.untimed = true};
    for (unsigned i = 0; k.key.n < keys;) {
        new_draft();
        while (draft_chars() < LONG_FROM)
            sentence(&fill, i++);
        view();
        render_frame(R, kiosk_frame(K));
        while (draft_chars() < LONG_TO && k.key.n < keys)
            sentence(&k, i++);
        if (draft_chars() > k.longest)
            k.longest = draft_chars();
    }
    int rc = check_picks(&k);
    if (rc == 0)
        report_keys("key_long", &k);
    drop_keys(&k);
    return rc;
}

/* ---- 2. strokes ---- */

typedef struct {
    char path[300];
    char ch[8];
} StrokeFile;

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const StrokeFile *)a)->path, ((const StrokeFile *)b)->path);
}

static int list_strokes(StrokeFile *f, int max)
{
    DIR *d = opendir(STROKES_DIR);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0) {
            snprintf(f[n].path, sizeof f[n].path, "%s/%s", STROKES_DIR, e->d_name);
            n++;
        }
    }
    closedir(d);
    qsort(f, (size_t)n, sizeof *f, cmp_file);
    return n;
}

/* Index of the candidate showing `text`, or -1 (as tests/test_suggest.c). */
static int cand_index(const char *text)
{
    const DrawList *dl = kiosk_frame(K);
    for (size_t i = 0; i < dl->nhits; i++) {
        const DlHit *h = &dl->hits[i];
        if (strncmp(h->id, "cand:", 5) != 0 || h->id[5] < '0' || h->id[5] > '9')
            continue;
        for (size_t c = 0; c < dl->ncmds; c++) {
            const DlCmd *cmd = &dl->cmds[c];
            if (cmd->kind == DL_TEXT && rect_contains(h->r, cmd->r.x, cmd->r.y) &&
                strcmp(dl_str(dl, cmd), text) == 0)
                return atoi(h->id + 5);
        }
    }
    return -1;
}

static int bench_strokes(int rounds)
{
    StrokeFile files[MAX_CHARS];
    int nfiles = list_strokes(files, MAX_CHARS);
    if (nfiles <= 0) {
        fprintf(stderr, "suggest: no stroke files in %s\n", STROKES_DIR);
        return -1;
    }
    HwInk *ink = hw_ink_new();
    if (!ink)
        return -1;
    Samples first_process = {0}, first_draft = {0}, later = {0}, later_draw = {0};
    Samples later_own = {0}, later_draw_own = {0};   /* less the wait for a core */
    int chars = 0, top1 = 0, top5 = 0, strokes = 0, no_cands = 0;
    char ranks[MAX_CHARS * 12] = "";             /* of the first round */
    int rc = 0;
    {
        double t0 = mono_ms();
        Handwriting *h = hw_open(NULL, NULL, 0);
        double t1 = mono_ms();
        hw_close(h);
        if (!h) {
            fputs("suggest: the handwriting model did not open\n", stderr);
            return -1;
        }
        printf("part=hw_model_open runs=1 median=%.3f p99=%.3f max=%.3f mean=%.3f\n",
               t1 - t0, t1 - t0, t1 - t0, t1 - t0);
    }
    for (int round = 0; round < rounds && rc == 0; round++) {
        new_draft();                     /* wipes the last draft: closes the model */
        int64_t tap = now + 150;         /* press() moves the clock so far */
        double tap_real = mono_ms();
        press("mode:hand");              /* starts opening the model */
        const DlHit *hit = dl_find_hit(kiosk_frame(K), "hwpad");
        if (!hit) {
            fputs("suggest: no hwpad on screen\n", stderr);
            rc = -1;
            break;
        }
        Rect pad = hit->r;
        for (int f = 0; f < nfiles; f++) {
            if (strokes_load(files[f].path, pad.w / 400.0, 0, 0, ink, files[f].ch) <= 0) {
                fprintf(stderr, "suggest: cannot read %s\n", files[f].path);
                rc = -1;
                break;
            }
            for (size_t st = 0; st < hw_ink_strokes(ink); st++) {
                const HwPoint *p = hw_ink_stroke(ink, st);
                size_t np = hw_ink_points(ink, st);
                now += 300;
                Input in = {IN_DOWN, pad.x + p[0].x, pad.y + p[0].y};
                app_input(kiosk_app(K), &in, kiosk_frame(K), now);
                view();
                for (size_t i = 1; i < np; i++) {
                    now += 16;
                    in = (Input){IN_MOVE, pad.x + p[i].x, pad.y + p[i].y};
                    app_input(kiosk_app(K), &in, kiosk_frame(K), now);
                }
                view();                  /* the ink so far, as a frame would show it */
                render_frame(R, kiosk_frame(K));
                now += 16;
                in.kind = IN_UP;
                if (st == 0 && f == 0)   /* a resident's pace from the tap to here */
                    sleep_until(tap_real + (double)(now - tap));
                double w0 = sched_wait_ms();
                double t0 = mono_ms();
                app_input(kiosk_app(K), &in, kiosk_frame(K), now);
                kiosk_view(K, now);
                double t1 = mono_ms();
                double w1 = sched_wait_ms();   /* read outside the timed spans */
                double t1b = mono_ms();
                render_frame(R, kiosk_frame(K));
                double t2 = mono_ms();
                double w2 = sched_wait_ms();
                t2 -= t1b - t1;
                strokes++;
                if (!on_screen("cand:0"))
                    no_cands++;
                if (st == 0 && f == 0)
                    add(round == 0 ? &first_process : &first_draft, t1 - t0);
                else {
                    add(&later, t1 - t0);
                    add(&later_draw, t2 - t0);
                    if (w0 >= 0 && w1 >= 0 && w2 >= 0) {
                        double own = (t1 - t0) - (w1 - w0);
                        double own_draw = own + (t2 - t1) - (w2 - w1);
                        add(&later_own, own > 0 ? own : 0);
                        add(&later_draw_own, own_draw > 0 ? own_draw : 0);
                    }
                }
            }
            if (rc)
                break;
            chars++;
            int at = cand_index(files[f].ch);
            top1 += at == 0;
            top5 += at >= 0 && at < 5;
            if (round == 0 && at != 0) {         /* "大:-" not offered, "门:4" 4th */
                size_t used = strlen(ranks);
                char pos[12] = "-";
                if (at > 0)
                    snprintf(pos, sizeof pos, "%d", at + 1);
                snprintf(ranks + used, sizeof ranks - used, "%s%s:%s", used ? "," : "",
                         files[f].ch, pos);
            }
            char id[16];
            snprintf(id, sizeof id, "cand:%d", at >= 0 ? at : 0);
            press(id);
        }
    }
    hw_ink_free(ink);
    if (!rc && no_cands) {
        fprintf(stderr, "suggest: %d of %d strokes left no candidates\n", no_cands, strokes);
        rc = -1;
    }
    if (rc) {
        drop(&first_process);
        drop(&first_draft);
        drop(&later);
        drop(&later_draw);
        drop(&later_own);
        drop(&later_draw_own);
        return -1;
    }
    char extra[160];
    report("stroke_first_process", &first_process, NULL);
    report("stroke_first_draft", &first_draft, NULL);
    snprintf(extra, sizeof extra, "chars=%d files=%d top1=%d top5=%d", chars, nfiles, top1,
             top5);
    report("stroke", &later, extra);
    report("stroke_draw", &later_draw, NULL);
    if (later_own.n == later.n) {
        report("stroke_own", &later_own, NULL);
        report("stroke_draw_own", &later_draw_own, NULL);
    }
    printf("part=recognition not_first=%s\n", ranks[0] ? ranks : "none");
    drop(&first_process);
    drop(&first_draft);
    drop(&later);
    drop(&later_draw);
    drop(&later_own);
    drop(&later_draw_own);
    return 0;
}

/* ---- 3. sends ---- */

static int bench_sends(int sends)
{
    Samples send = {0}, send_draw = {0};
    Keys scratch = {.untimed = true};
    for (int i = 0; i < sends; i++) {
        new_draft();
        sentence(&scratch, (unsigned)i);
        if (i % 2)
            sentence(&scratch, (unsigned)i + 7);
        view();
        press("next");
        need_screen(SCREEN_SUGGEST_CONTACT, "next");
        press("anonymous");
        need_screen(SCREEN_SUGGEST_REVIEW, "anonymous");
        now += 301 * 1000;               /* a token is always there */
        view();
        render_frame(R, kiosk_frame(K));
        double t0 = mono_ms();
        app_activate(kiosk_app(K), "send", now);
        double t1 = mono_ms();
        kiosk_view(K, now);
        render_frame(R, kiosk_frame(K));
        double t2 = mono_ms();
        need_screen(SCREEN_SUGGEST_SENT, "send");
        if (!app_last_receipt(kiosk_app(K))[0]) {
            fputs("suggest: sent, but no receipt\n", stderr);
            exit(1);
        }
        add(&send, t1 - t0);
        add(&send_draw, t2 - t0);
    }
    OutboxCounts c;
    int rc = 0;
    if (outbox_counts(kiosk_outbox(K), &c) < 0 || c.waiting != sends) {
        fprintf(stderr, "suggest: the outbox holds %lld waiting, expected %d\n",
                (long long)c.waiting, sends);
        rc = -1;
    } else {
        char extra[80];
        snprintf(extra, sizeof extra, "rows=%lld bytes=%lld", (long long)c.waiting,
                 (long long)c.queued_bytes);
        report("send", &send, extra);
        report("send_draw", &send_draw, NULL);
    }
    drop(&send);
    drop(&send_draw);
    return rc;
}

/* ---- the floor under a send: one durable write on the same filesystem ---- */

static int bench_fdatasync(const char *dir, int runs)
{
    char path[600];
    snprintf(path, sizeof path, "%s/fdatasync-probe", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror("suggest: fdatasync probe");
        return -1;
    }
    char page[4096];
    memset(page, 0x5A, sizeof page);
    Samples v = {0};
    int err = 0;
    for (int i = 0; i < runs && !err; i++) {
        double t0 = mono_ms();
        if (pwrite(fd, page, sizeof page, (off_t)(i % 64) * (off_t)sizeof page) !=
                (ssize_t)sizeof page || fdatasync(fd) < 0)
            err = errno ? errno : EIO;
        add(&v, mono_ms() - t0);
    }
    close(fd);
    unlink(path);
    if (err)
        fprintf(stderr, "suggest: fdatasync probe: %s\n", strerror(err));
    else
        report("fdatasync", &v, NULL);
    drop(&v);
    return err ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: suggest DATA_DIR [KEYS] [ROUNDS] [SENDS] [LONG_KEYS]\n", stderr);
        return 2;
    }
    int keys = argc > 2 ? atoi(argv[2]) : 4000;
    int rounds = argc > 3 ? atoi(argv[3]) : 12;
    int sends = argc > 4 ? atoi(argv[4]) : 200;
    int long_keys = argc > 5 ? atoi(argv[5]) : 1000;
    if (keys < 1 || rounds < 2 || sends < 1 || long_keys < 1 || keys > 1000000 ||
        rounds > 10000 || sends > 4000 || long_keys > 1000000) {
        fputs("suggest: KEYS >= 1, ROUNDS >= 2, SENDS 1..4000 (the outbox's cap is 5000), "
              "LONG_KEYS >= 1\n", stderr);
        return 2;
    }
    if (time_parse_iso8601("2026-12-01T10:00:00+08:00", &now) < 0)
        return 1;
    now *= 1000;

    char err[600] = "";
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    R = sdl ? render_create(sdl, "fonts", err, sizeof err) : NULL;
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", argv[1]);
    int rc = 1;
    if (!R) {
        fprintf(stderr, "suggest: cannot set up the renderer: %s %s\n", err, SDL_GetError());
        goto out;
    }
    K = kiosk_open(&cfg, ".", "assets/content/sample.json", render_measure(R), W, H, now, err,
                   sizeof err);
    if (!K) {
        fprintf(stderr, "suggest: %s\n", err);
        goto out;
    }
    view();                              /* the first frame, as the window shows it */
    render_frame(R, kiosk_frame(K));
    kiosk_shown(K);
    kiosk_tick(K, now);                  /* starts loading the pinyin engine */
    if (!kiosk_outbox(K) || !kiosk_pinyin(K))
        fputs("suggest: the outbox or the pinyin engine did not open\n", stderr);
    else if (bench_keys(keys) == 0 && bench_keys_long(long_keys) == 0 &&
             bench_strokes(rounds) == 0 && bench_sends(sends) == 0 &&
             bench_fdatasync(argv[1], sends) == 0)
        rc = 0;
    kiosk_close(K);
out:
    render_destroy(R);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    if (surf)
        SDL_FreeSurface(surf);
    SDL_Quit();
    return rc;
}
