/* pictures.c - benchmark: a notice with a photo (issue 16).
 *
 *   pictures TMP_DIR [RUNS [REDRAWS]]    (run from the repository root)
 *   pictures --rss TMP_DIR W H           (W = 0: the notice without a picture)
 *
 * Makes a JPEG of pseudo-random pixels (a photo's worth of detail; the
 * tests' own generator, tests/support/testimg.c) of 4000 x 3000, keeps it
 * in the kiosk's picture cache in TMP_DIR/data (imgcache_put, as the sync
 * does) and imports a content file with two notices alike but for the
 * picture: n1 with it, n2 without. Drawn with the real fonts through the
 * software renderer on a 1920x1080 surface at the fixed clock
 * 2026-12-01T10:00:00+08:00, as bench/redraw.c does.
 *
 * First form, for each run and in turn for n1 and n2: a new renderer and
 * kiosk (nothing decoded yet: cache-cold), then the first open timed
 * (app_open + kiosk_view + render_frame, wall and CPU). Then, on one
 * kiosk, REDRAWS redraws of each notice unchanged (render_invalidate first,
 * CPU), and REDRAWS without it ("kept": as the kiosk redraws, skipping
 * what did not change). And image_decode_fit of the file alone to the size drawn, and the
 * copy of a texture of that size alone (SDL_RenderCopy). Prints
 * key=value lines (ms).
 *
 * --rss: a W x H JPEG (the largest allowed: 6000 x 4000 at under 10 MB),
 * the notice opened and drawn, the picture opened full-screen and zoomed
 * in to the maximum with the 放大 button, drawn (the JPEG is made in a
 * child process, so its generator does not count); prints the peak RSS
 * (getrusage) in KiB. With W = 0 the same process opens the notice
 * without a picture and stops there: the floor. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <SDL.h>
#include "app.h"
#include "content.h"
#include "image.h"
#include "imgcache.h"
#include "kiosk.h"
#include "render_sdl.h"
#include "testimg.h"
#include "timeutil.h"

#define W 1920
#define H 1080
#define WARMUP 20

static double clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort v; print KEY_median, KEY_p99 (nearest rank), KEY_min and KEY_max. */
static void report(const char *key, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int p99 = (int)ceil(0.99 * n) - 1;
    printf("%s_median=%.3f %s_p99=%.3f %s_min=%.3f %s_max=%.3f\n", key, med, key, v[p99],
           key, v[0], key, v[n - 1]);
}

typedef struct {
    char data[512], content[512];
    char sha[65];
    size_t bytes;
    int w, h, quality;
    int64_t now;
} Setup;

/* Make the JPEG, keep it in the cache and write the content file. */
static int setup(Setup *s, const char *tmp, int w, int h)
{
    memset(s, 0, sizeof *s);
    snprintf(s->data, sizeof s->data, "%s/data", tmp);
    snprintf(s->content, sizeof s->content, "%s/content.json", tmp);
    s->w = w;
    s->h = h;
    if (time_parse_iso8601("2026-12-01T10:00:00+08:00", &s->now) < 0)
        return -1;
    s->now *= 1000;
    if ((mkdir(tmp, 0700) < 0 && errno != EEXIST) || (mkdir(s->data, 0700) < 0 && errno != EEXIST)) {
        fprintf(stderr, "pictures: cannot create %s: %s\n", s->data, strerror(errno));
        return -1;
    }
    char err[300];
    ImgCache *c = imgcache_open(s->data, 0, err, sizeof err);
    if (!c) {
        fprintf(stderr, "pictures: %s\n", err);
        return -1;
    }
    char images[600] = "";
    if (w > 0) {
        /* Quality 80, or the highest step below it that stays within the
         * byte limit (noise is a photo's worst case for size). */
        unsigned char *jpg = NULL;
        for (s->quality = 80; s->quality >= 20; s->quality -= 10) {
            jpg = testimg_jpeg(w, h, TESTIMG_NOISE, 0, 0, 0, s->quality, 0, &s->bytes);
            if (!jpg || s->bytes <= IMAGE_MAX_BYTES)
                break;
            free(jpg);
            jpg = NULL;
        }
        if (!jpg) {
            fputs("pictures: cannot make the JPEG\n", stderr);
            imgcache_close(c);
            return -1;
        }
        image_sha256_hex(jpg, s->bytes, s->sha);
        int rc = imgcache_put(c, s->sha, jpg, s->bytes, err, sizeof err);
        free(jpg);
        if (rc < 0) {
            fprintf(stderr, "pictures: the cache refused the picture: %s\n", err);
            imgcache_close(c);
            return -1;
        }
        snprintf(images, sizeof images,
                 ",\"images\":[{\"url\":\"https://o.example/photo.jpg\",\"sha256\":\"%s\","
                 "\"alt\":{\"zh\":\"修好的路灯\",\"en\":\"The repaired lamp\"},"
                 "\"width\":%d,\"height\":%d}]",
                 s->sha, w, h);
    }
    imgcache_close(c);
    FILE *f = fopen(s->content, "w");
    if (!f) {
        perror(s->content);
        return -1;
    }
    const char *notice =
        "{\"id\":\"%s\",\"category\":\"notice\","
        "\"title\":{\"zh\":\"3号楼路灯已修复\",\"en\":\"Building 3 lamp repaired\"},"
        "\"body\":{\"zh\":\"11月20日报修的3号楼门口路灯已于11月28日更换灯具，"
        "感谢居民反映。如仍有问题请联系物业服务中心。\","
        "\"en\":\"The lamp at the door of building 3, reported on 20 November, "
        "was replaced on 28 November. Thank you for telling us.\"},"
        "\"publish_at\":\"2026-11-01T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-01T00:00:00+08:00\"%s}";
    fputs("{\"site\":{\"name\":{\"zh\":\"翠湖花园\",\"en\":\"Emerald Lake Gardens\"}},"
          "\"events\":[],\"channels\":[],\"notices\":[", f);
    fprintf(f, notice, "n1", images);
    fputc(',', f);
    fprintf(f, notice, "n2", "");
    fputs("]}\n", f);
    if (fclose(f) != 0) {
        perror(s->content);
        return -1;
    }
    return 0;
}

typedef struct {
    SDL_Surface *surf;
    SDL_Renderer *sdl;
    Renderer *r;
    Kiosk *k;
} Rig;

static void rig_close(Rig *g)
{
    kiosk_close(g->k);
    render_destroy(g->r);
    if (g->sdl)
        SDL_DestroyRenderer(g->sdl);
    if (g->surf)
        SDL_FreeSurface(g->surf);
    memset(g, 0, sizeof *g);
}

/* A new renderer and kiosk, as the kiosk's main starts them. */
static int rig_open(Rig *g, const Setup *s, const char *content)
{
    char err[600] = "";
    memset(g, 0, sizeof *g);
    g->surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    g->sdl = g->surf ? SDL_CreateSoftwareRenderer(g->surf) : NULL;
    g->r = g->sdl ? render_create(g->sdl, "fonts", err, sizeof err) : NULL;
    if (!g->r) {
        fprintf(stderr, "pictures: cannot set up the renderer: %s %s\n", err, SDL_GetError());
        rig_close(g);
        return -1;
    }
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", s->data);
    g->k = kiosk_open(&cfg, ".", content, render_measure(g->r), W, H, s->now, err, sizeof err);
    if (!g->k || kiosk_content_error(g->k)[0]) {
        fprintf(stderr, "pictures: %s\n", g->k ? kiosk_content_error(g->k) : err);
        rig_close(g);
        return -1;
    }
    render_set_images(g->r, kiosk_images(g->k));
    return 0;
}

/* Draw the current screen; -1 when it could not be drawn. */
static int draw(Rig *g, const Setup *s)
{
    kiosk_view(g->k, s->now);
    if (render_frame(g->r, kiosk_frame(g->k)) < 0 || kiosk_frame(g->k)->oom) {
        fputs("pictures: the frame could not be drawn\n", stderr);
        return -1;
    }
    return 0;
}

/* Whether the frame draws the picture `sha`. */
static int frame_has_picture(Rig *g, const char *sha)
{
    const DrawList *dl = kiosk_frame(g->k);
    for (size_t i = 0; i < dl->ncmds; i++)
        if (dl->cmds[i].kind == DL_IMAGE && strncmp(dl_str(dl, &dl->cmds[i]), sha, 64) == 0)
            return 1;
    return 0;
}

/* First open of `screen` on a new rig: *wall and *cpu in ms. */
static int first_open(const Setup *s, const char *screen, double *wall, double *cpu)
{
    Rig g;
    if (rig_open(&g, s, NULL) < 0)
        return -1;
    double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    int rc = app_open(kiosk_app(g.k), screen) == 0 ? draw(&g, s) : -1;
    *cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    *wall = clock_ms(CLOCK_MONOTONIC) - w0;
    if (rc == 0 && strcmp(screen, "notice:n1") == 0 && !frame_has_picture(&g, s->sha)) {
        fputs("pictures: notice n1 was drawn without its picture\n", stderr);
        rc = -1;
    }
    rig_close(&g);
    return rc;
}

static int redraws(Rig *g, const Setup *s, const char *screen, const char *key, double *v,
                   int runs)
{
    if (app_open(kiosk_app(g->k), screen) < 0 || draw(g, s) < 0)
        return -1;
    for (int i = 0; i < WARMUP; i++)
        if (draw(g, s) < 0)
            return -1;
    for (int i = 0; i < runs; i++) {
        render_invalidate(g->r);        /* the whole frame, not only what changed */
        double t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        kiosk_view(g->k, s->now);
        render_frame(g->r, kiosk_frame(g->k));
        v[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
    }
    report(key, v, runs);
    /* As the kiosk redraws an unchanged screen: without render_invalidate,
     * so the renderer may skip what did not change. */
    for (int i = 0; i < runs; i++) {
        double t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        kiosk_view(g->k, s->now);
        render_frame(g->r, kiosk_frame(g->k));
        v[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
    }
    char k2[80];
    snprintf(k2, sizeof k2, "%s_kept", key);
    report(k2, v, runs);
    return 0;
}

static int bench_times(const char *tmp, int runs, int nredraws)
{
    Setup s;
    if (setup(&s, tmp, 4000, 3000) < 0)
        return 1;
    printf("picture_w=%d picture_h=%d picture_bytes=%zu quality=%d\n", s.w, s.h, s.bytes,
           s.quality);
    Rig g;
    if (rig_open(&g, &s, s.content) < 0)     /* imports the content once */
        return 1;
    rig_close(&g);                           /* one kiosk at a time on a data dir */
    int nv = 4 * runs > nredraws ? 4 * runs : nredraws;
    double *v = malloc((size_t)nv * sizeof *v);
    int rc = 1;
    if (!v)
        goto out;
    double *pw = v, *pc = v + runs, *nw = v + 2 * runs, *nc = v + 3 * runs;
    for (int i = 0; i < runs; i++)       /* in turn, so load falls on both alike */
        if (first_open(&s, "notice:n1", &pw[i], &pc[i]) < 0 ||
            first_open(&s, "notice:n2", &nw[i], &nc[i]) < 0)
            goto out;
    report("first_pic_wall", pw, runs);
    report("first_pic_cpu", pc, runs);
    report("first_nopic_wall", nw, runs);
    report("first_nopic_cpu", nc, runs);
    if (rig_open(&g, &s, NULL) < 0)
        goto out;

    if (redraws(&g, &s, "notice:n1", "redraw_pic_cpu", v, nredraws) < 0 ||
        redraws(&g, &s, "notice:n2", "redraw_nopic_cpu", v, nredraws) < 0)
        goto out;

    /* The decode and scale alone, to the size the notice draws it. */
    ImgCache *c = kiosk_images(g.k);
    unsigned char *buf = NULL;
    size_t len = 0;
    char err[300];
    if (!c || imgcache_get(c, s.sha, &buf, &len, err, sizeof err) < 0)
        goto out;
    int dw = 0, dh = 0;
    if (app_open(kiosk_app(g.k), "notice:n1") == 0 && draw(&g, &s) == 0) {
        const DrawList *dl = kiosk_frame(g.k);
        for (size_t i = 0; i < dl->ncmds; i++)
            if (dl->cmds[i].kind == DL_IMAGE) {
                dw = dl->cmds[i].r.w;
                dh = dl->cmds[i].r.h;
            }
    }
    for (int i = 0; i < runs && dw > 0; i++) {
        ImagePixels px;
        double t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
        int ok = image_decode_fit(buf, len, dw, dh, &px, err, sizeof err);
        v[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
        image_pixels_free(&px);
        if (ok != IMAGE_OK) {
            fprintf(stderr, "pictures: decode: %s\n", err);
            dw = 0;
        }
    }
    free(buf);
    if (dw > 0) {
        printf("drawn_w=%d drawn_h=%d\n", dw, dh);
        report("decode_cpu", v, runs);
        /* The copy of that many pixels alone (a texture of the drawn size
         * onto the surface): what drawing the picture must cost at least. */
        SDL_Texture *t = SDL_CreateTexture(g.sdl, SDL_PIXELFORMAT_RGBA32,
                                           SDL_TEXTUREACCESS_STATIC, dw, dh);
        if (!t) {
            fprintf(stderr, "pictures: texture: %s\n", SDL_GetError());
            goto out;
        }
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
        SDL_Rect dst = {0, 0, dw, dh};
        for (int i = 0; i < nredraws; i++) {
            double t0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
            SDL_RenderCopy(g.sdl, t, NULL, &dst);
            v[i] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
        }
        SDL_DestroyTexture(t);
        report("copy_cpu", v, nredraws);
        rc = 0;
    }
out:
    free(v);
    rig_close(&g);
    return rc;
}

/* setup() in a child process, so that the generator's own buffers (a
 * 6000 x 4000 RGB image is 72 MB) do not count in this process's peak. */
static int setup_apart(Setup *s, const char *tmp, int w, int h)
{
    int fd[2];
    if (pipe(fd) < 0) {
        perror("pictures: pipe");
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("pictures: fork");
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        int ok = setup(s, tmp, w, h) == 0 && write(fd[1], s, sizeof *s) == (ssize_t)sizeof *s;
        _exit(ok ? 0 : 1);
    }
    close(fd[1]);
    ssize_t n = read(fd[0], s, sizeof *s);
    close(fd[0]);
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
        n != (ssize_t)sizeof *s)
        return -1;
    return 0;
}

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int bench_rss(const char *tmp, int w, int h)
{
    Setup s;
    if (setup_apart(&s, tmp, w, h) < 0)
        return 1;
    Rig g;
    if (rig_open(&g, &s, s.content) < 0)
        return 1;
    int rc = 1;
    App *a = kiosk_app(g.k);
    if (app_open(a, w > 0 ? "notice:n1" : "notice:n2") < 0 || draw(&g, &s) < 0)
        goto out;
    printf("peak_kib_notice=%ld", peak_kib());
    if (w > 0) {
        /* Tap the picture, then 放大 three times: 1x -> 2x -> the maximum
         * (4x, screen_picture.c), and once more, which stays there. */
        if (!app_activate(a, "image:n1:0", s.now) || draw(&g, &s) < 0) {
            fputs("pictures: the picture did not open full-screen\n", stderr);
            goto out;
        }
        printf(" peak_kib_fitted=%ld", peak_kib());
        int taps = 0;
        for (; taps < 3; taps++) {
            if (!app_activate(a, "picture:zoom_in", s.now) || draw(&g, &s) < 0) {
                fputs("pictures: 放大 failed\n", stderr);
                goto out;
            }
            printf(" peak_kib_zoom_tap%d=%ld", taps + 1, peak_kib());
        }
        if (!frame_has_picture(&g, s.sha)) {
            fputs("pictures: the zoomed view does not draw the picture\n", stderr);
            goto out;
        }
        printf("\npicture_w=%d picture_h=%d picture_bytes=%zu quality=%d zoom_taps=%d screen=%s",
               w, h, s.bytes, s.quality, taps, app_screen_name(app_screen(a)));
    }
    putchar('\n');
    rc = 0;
out:
    rig_close(&g);
    if (rc == 0)
        printf("peak_rss_kib=%ld\n", peak_kib());
    return rc;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc == 5 && strcmp(argv[1], "--rss") == 0) {
        int w = atoi(argv[3]), h = atoi(argv[4]);
        if (w < 0 || h < 0 || w > 10000 || h > 10000) {
            fputs("pictures: W and H must be 0..10000\n", stderr);
            return 2;
        }
        rc = bench_rss(argv[2], w, h);
    } else if (argc >= 2 && argc <= 4) {
        int runs = argc > 2 ? atoi(argv[2]) : 15;
        int nredraws = argc > 3 ? atoi(argv[3]) : 200;
        if (runs < 1 || runs > 10000 || nredraws < 1 || nredraws > 100000) {
            fputs("pictures: RUNS must be 1..10000 and REDRAWS 1..100000\n", stderr);
            return 2;
        }
        rc = bench_times(argv[1], runs, nredraws);
    } else {
        fputs("usage: pictures TMP_DIR [RUNS [REDRAWS]]\n       pictures --rss TMP_DIR W H\n", stderr);
        return 2;
    }
    SDL_Quit();
    return rc;
}
