/* upload.c - benchmark: upload throughput to a loopback server, and the
 * main loop's worst frame time while the uploader works and a server hangs.
 *
 *   upload DATA_DIR [ITEMS] [SECONDS]     (run from the repository root)
 *
 * Part 1 pushes ITEMS suggestions (default 500) into DATA_DIR/throughput
 * and times one upload pass (upload_send_due: every POST and its commit,
 * synchronous=FULL) to tests/server/fault_server.py over plain http on
 * 127.0.0.1. Part 2 opens a Kiosk on DATA_DIR/frames with the sample
 * content and ITEMS waiting suggestions, its uploader sending them to one
 * fault server (counted as the server accepted them) while content sync and heartbeat go to a second that hangs;
 * the main thread meanwhile draws frames back to back for SECONDS (default
 * 3) as platform_run does (poll content, tick, view, render on a 1920x1080
 * software surface, frame hash to the uploader), switching screens every
 * 10 frames (each drawn once before, cold), and records each frame's wall time. Prints key=value lines.
 * Each frame's wall time is also split by the kernel's account of the
 * thread (/proc/thread-self/schedstat: time runnable but waiting for a
 * core; CLOCK_THREAD_CPUTIME_ID: time on one): own = wall less the wait for a core (what the frame's
 * own work and any blocking took: a lock, a file, the network), cpu, and
 * blocked = own less cpu. On a machine that other work loads, the wait
 * for a core is the load's; own and blocked stay the kiosk's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <SDL.h>
#include "faultsrv.h"
#include "http.h"
#include "kiosk.h"
#include "outbox.h"
#include "render_sdl.h"
#include "timeutil.h"
#include "upload.h"

#define W 1920
#define H 1080

static int push_items(const char *dir, int n)
{
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    Outbox *ob = outbox_open(dir, NULL, err, sizeof err);
    if (!ob) {
        fprintf(stderr, "upload: %s\n", err);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (outbox_push(ob, "repairs", "电梯有异响，请尽快检查。The lift makes a noise.",
                        i % 5 ? NULL : "13800000000", "zh", time_now_ms() / 1000, receipt,
                        err, sizeof err) != OUTBOX_OK) {
            fprintf(stderr, "upload: push: %s\n", err);
            outbox_close(ob);
            return -1;
        }
    outbox_close(ob);
    return 0;
}

static int throughput(const char *data, int items)
{
    FaultSrv fs;
    char dir[600], err[300], url[128], curl_[128];
    snprintf(dir, sizeof dir, "%s/throughput", data);
    if (faultsrv_start(&fs, NULL, NULL, "bench", NULL) < 0 || push_items(dir, items) < 0)
        return -1;
    snprintf(url, sizeof url, "%s/submit", fs.base);
    snprintf(curl_, sizeof curl_, "%s/submit/contact", fs.base);
    HttpPolicy p = {.allow_http_loopback = true};
    Http *h = http_create(&p, err, sizeof err);
    UploadSettings s = {.upload_url = url, .contact_url = curl_, .device_token = "bench",
                        .backoff_base_ms = 1000, .backoff_cap_ms = 60000, .batch_min = 1};
    Outbox *ob = h ? outbox_open(dir, NULL, err, sizeof err) : NULL;
    Upload *u = ob ? upload_open(ob, &s, h, err, sizeof err) : NULL;
    int rc = -1;
    UploadReport rep;
    if (u && upload_open_batch(u, time_now_ms() / 1000, true) == items) {
        int64_t t0 = time_mono_ms();
        if (upload_send_due(u, time_now_ms(), &rep) == 0 && rep.delivered == items) {
            double s_ = (double)(time_mono_ms() - t0) / 1000.0;
            printf("part=throughput items=%d requests=%d seconds=%.3f per_s=%.0f\n", items,
                   rep.sent, s_, items / s_);
            rc = 0;
        }
    }
    if (rc < 0)
        fprintf(stderr, "upload: throughput pass failed: %s\n", u ? rep.last_error : err);
    upload_close(u);
    outbox_close(ob);
    http_destroy(h);
    faultsrv_stop(&fs);
    return rc;
}

/* This thread's time waiting for a core, ns (the second figure; the
 * first, time on a core, is only as fresh as the last tick: the CPU time
 * comes from CLOCK_THREAD_CPUTIME_ID instead); false when the kernel does
 * not keep it. */
static bool sched_wait(int fd, double *wait_ns)
{
    char buf[128];
    ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
    if (n <= 0)
        return false;
    buf[n] = '\0';
    unsigned long long run, wait;
    if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
        return false;
    (void)run;
    *wait_ns = (double)wait;
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int frames(const char *data, int items, double seconds)
{
    FaultSrv up, hang;
    if (faultsrv_start(&up, NULL, NULL, "bench", NULL) < 0 ||
        faultsrv_start(&hang, NULL, NULL, "bench", NULL) < 0)
        return -1;
    json_decref(faultsrv_ctl(&hang, "/content", "{\"mode\":\"hang\"}"));
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/frames", data);
    ConfigUpload *cu = &cfg.upload;
    snprintf(cu->upload_url, sizeof cu->upload_url, "%s/submit", up.base);
    snprintf(cu->content_url, sizeof cu->content_url, "%s/content", hang.base);
    snprintf(cu->heartbeat_url, sizeof cu->heartbeat_url, "%s/heartbeat", hang.base);
    snprintf(cu->device_token, sizeof cu->device_token, "bench");
    cu->allow_http_loopback = true;
    cu->upload_batch_min = 1;
    cu->transfer_timeout_s = 60;
    cu->low_speed_timeout_s = 60;
    if (push_items(cfg.data_dir, items) < 0)
        return -1;

    char err[600] = "";
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *sdl = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    Renderer *r = sdl ? render_create(sdl, "fonts", err, sizeof err) : NULL;
    size_t cap = 1 << 20, n = 0;
    double *v = malloc(cap * sizeof *v), *own = malloc(cap * sizeof *own);
    double cpu_max = 0, wait_max = 0, blocked_max = 0;
    int sfd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    bool sched = sfd >= 0;
    Kiosk *k = NULL;
    int rc = -1;
    if (!r || !v || !own || !(k = kiosk_open(&cfg, ".", "assets/content/sample.json", render_measure(r),
                                     W, H, time_now_ms(), err, sizeof err))) {
        fprintf(stderr, "upload: cannot set up the kiosk: %s %s\n", err, SDL_GetError());
        goto out;
    }
    if (!kiosk_uploader(k)) {
        fprintf(stderr, "upload: the uploader did not start\n");
        kiosk_close(k);
        goto out;
    }
    static const char *screens[] = {"home", "notices", "events", "notice:fee-accounts-2026q3"};
    /* One cold frame per screen first (textures made): that cost is the
     * renderer's, measured by bench/redraw.c, not the network's. */
    for (int i = 0; i < 4; i++) {
        app_open(kiosk_app(k), screens[i]);
        kiosk_view(k, time_now_ms());
        render_frame(r, kiosk_frame(k));
    }
    int64_t start = time_mono_ms(), end = start + (int64_t)(seconds * 1000);
    while (time_mono_ms() < end && n < cap) {
        if (n % 10 == 0)
            app_open(kiosk_app(k), screens[(n / 10) % 4]);
        struct timespec a, b, ca, cb;
        double wait0 = 0, wait1 = 0;
        sched = sched && sched_wait(sfd, &wait0);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
        clock_gettime(CLOCK_MONOTONIC, &a);
        int64_t now = time_now_ms();
        kiosk_poll_content(k, now, true);
        app_tick(kiosk_app(k), now);
        kiosk_view(k, now);
        render_frame(r, kiosk_frame(k));
        kiosk_shown(k);
        clock_gettime(CLOCK_MONOTONIC, &b);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
        sched = sched && sched_wait(sfd, &wait1);
        double wall = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        double cpu = (double)(cb.tv_sec - ca.tv_sec) * 1e3 + (double)(cb.tv_nsec - ca.tv_nsec) / 1e6;
        double wait = (wait1 - wait0) / 1e6;
        double mine = wall - wait > 0 ? wall - wait : 0;
        if (cpu > cpu_max)
            cpu_max = cpu;
        if (wait > wait_max)
            wait_max = wait;
        if (mine - cpu > blocked_max)
            blocked_max = mine - cpu;
        own[n] = mine;
        v[n++] = wall;
    }
    json_t *us = faultsrv_state(&up);
    long long delivered = (long long)json_object_size(json_object_get(us, "accepted"));
    json_decref(us);
    json_t *hs = faultsrv_state(&hang);
    long long stalls = faultsrv_int(hs, "stalls");
    json_decref(hs);
    int64_t stop0 = time_mono_ms();
    kiosk_close(k);   /* stops the uploader mid-hang */
    int64_t stop_ms = time_mono_ms() - stop0;
    qsort(v, n, sizeof *v, cmp_double);
    qsort(own, n, sizeof *own, cmp_double);
    size_t p99 = (size_t)ceil(0.99 * (double)n) - 1;
    printf("part=frames frames=%zu seconds=%.1f median=%.3f p99=%.3f max=%.3f "
           "delivered=%lld of=%d hanging_requests=%lld stop_ms=%lld", n, seconds,
           v[n / 2], v[p99], v[n - 1], delivered, items, stalls,
           (long long)stop_ms);
    if (sched)
        printf(" own_p99=%.3f own_max=%.3f cpu_max=%.3f wait_max=%.3f blocked_max=%.3f",
               own[p99], own[n - 1], cpu_max, wait_max, blocked_max);
    printf("\n");
    rc = delivered > 0 && stalls > 0 ? 0 : -1;
    if (rc < 0)
        fprintf(stderr, "upload: during the frames nothing was delivered or nothing hung\n");
out:
    if (sfd >= 0)
        close(sfd);
    free(v);
    free(own);
    render_destroy(r);
    if (sdl)
        SDL_DestroyRenderer(sdl);
    if (surf)
        SDL_FreeSurface(surf);
    faultsrv_stop(&up);
    faultsrv_stop(&hang);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: upload DATA_DIR [ITEMS] [SECONDS]\n", stderr);
        return 2;
    }
    int items = argc > 2 ? atoi(argv[2]) : 500;
    double seconds = argc > 3 ? atof(argv[3]) : 3.0;
    if (items < 1 || items > 100000 || seconds <= 0 || seconds > 600) {
        fputs("upload: ITEMS 1..100000, SECONDS 0..600\n", stderr);
        return 2;
    }
    int rc = throughput(argv[1], items) == 0 && frames(argv[1], items, seconds) == 0 ? 0 : 1;
    SDL_Quit();
    return rc;
}
