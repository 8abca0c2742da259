/* uploader.c - the upload worker thread: batches, sync, heartbeat, status. */
#include "uploader.h"
#include "http.h"
#include "sync.h"
#include "timeutil.h"
#include "upload.h"

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Delivered rows are purged at most this often (and after deliveries). */
#define UPLOADER_PURGE_MS (3600 * 1000LL)

struct Uploader {
    pthread_t thread;
    bool started;                /* the thread runs (joined by uploader_stop) */
    bool opened;                 /* http, ob, up and sync are open */
    pthread_mutex_t mu;          /* guards everything below it */
    pthread_cond_t cond;         /* on CLOCK_MONOTONIC */
    bool stop, wake, force;
    UploaderStatus st;
    uint64_t frame_hash;
    int64_t frame_at_ms;
    char display[16];          /* "day", "night", "night-blank" */
    char flags[256];           /* staff flags' names for the heartbeat */
    /* The worker's own, touched only by it (and by stop after the join);
     * http is set under mu, as uploader_stop interrupts it. */
    ConfigUpload cu;             /* a copy: the settings the parts open with */
    Http *http;
    Outbox *ob;                  /* the worker's own connection */
    Upload *up;
    Sync *sync;
    char data_dir[CONFIG_PATH_MAX];
    bool upload_on, content_on, heartbeat_on;
    int keep_days;               /* [upload] delivered_keep_days */
    BatchTimes times;
    int batch_min;
    int64_t poll_ms, sync_ms, heartbeat_ms;
    int64_t start_mono_ms;
    int64_t image_cache_max;     /* [kiosk] image_cache_mb in bytes */
};

static int64_t uploader_min(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* Sleep until wall-clock deadline_ms, a wake or a stop. Holds u->mu. */
static void uploader_wait(Uploader *u, int64_t deadline_ms)
{
    int64_t wait = deadline_ms - time_now_ms();
    if (wait <= 0 || u->wake || u->stop)
        return;
    if (wait > 3600 * 1000LL)
        wait = 3600 * 1000LL;   /* look again at least hourly (clock changes) */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = ts.tv_nsec + (wait % 1000) * 1000000LL;
    ts.tv_sec += (time_t)(wait / 1000 + ns / 1000000000LL);
    ts.tv_nsec = (long)(ns % 1000000000LL);
    while (!u->wake && !u->stop)
        if (pthread_cond_timedwait(&u->cond, &u->mu, &ts) != 0)
            break;   /* ETIMEDOUT */
}

static void uploader_refresh_counts(Uploader *u)
{
    OutboxCounts c;
    if (outbox_counts(u->ob, &c) < 0)
        return;
    pthread_mutex_lock(&u->mu);
    u->st.waiting = c.waiting - c.batched;
    u->st.batched = c.batched;
    u->st.delivered = c.delivered;
    u->st.dead = c.dead;
    u->st.exported = c.exported;
    pthread_mutex_unlock(&u->mu);
}

/* One upload pass; returns true when something was delivered. */
static bool uploader_pass(Uploader *u, bool force, int64_t now_ms)
{
    if (force)
        upload_retry_now(u->up);
    /* The counts just before a batch opens are what the heartbeat shows
     * until the next one (sync_note_batch). */
    OutboxCounts before;
    bool counted = outbox_counts(u->ob, &before) == 0;
    int joined = upload_open_batch(u->up, now_ms / 1000, force);
    if (joined > 0 && counted)
        sync_note_batch(outbox_db(u->ob), &before, now_ms);
    if (joined < 0) {
        pthread_mutex_lock(&u->mu);
        snprintf(u->st.last_error, sizeof u->st.last_error, "database error opening a batch");
        pthread_mutex_unlock(&u->mu);
        return false;
    }
    UploadReport rep;
    int rc = upload_send_due(u->up, now_ms, &rep);
    pthread_mutex_lock(&u->mu);
    if (rep.sent)
        u->st.last_try_ms = time_now_ms();
    if (rep.delivered)
        u->st.last_ok_ms = time_now_ms();
    if (rc < 0)
        snprintf(u->st.last_error, sizeof u->st.last_error, "database error while uploading");
    else if (rep.sent)
        snprintf(u->st.last_error, sizeof u->st.last_error, "%s", rep.last_error);
    pthread_mutex_unlock(&u->mu);
    return rep.delivered > 0;
}

static void uploader_heartbeat(Uploader *u, int64_t now_ms)
{
    SyncHeartbeat hb;
    memset(&hb, 0, sizeof hb);
    hb.now_ms = now_ms;
    hb.uptime_s = (time_mono_ms() - u->start_mono_ms) / 1000;
    hb.disk_free_bytes = sync_disk_free(u->data_dir);
    pthread_mutex_lock(&u->mu);
    hb.upload_last_ok_ms = u->st.last_ok_ms;
    snprintf(hb.upload_error, sizeof hb.upload_error, "%s", u->st.last_error);
    hb.frame_hash = u->frame_hash;
    hb.frame_at_ms = u->frame_at_ms;
    snprintf(hb.display, sizeof hb.display, "%s", u->display[0] ? u->display : "day");
    snprintf(hb.flags, sizeof hb.flags, "%s", u->flags);
    pthread_mutex_unlock(&u->mu);
    char why[200];
    int rc = sync_heartbeat(u->sync, &hb, why, sizeof why);
    pthread_mutex_lock(&u->mu);
    if (rc == 0)
        u->st.heartbeat_last_ok_ms = time_now_ms();
    snprintf(u->st.heartbeat_error, sizeof u->st.heartbeat_error, "%s", rc == 0 ? "" : why);
    pthread_mutex_unlock(&u->mu);
}

static void uploader_sync(Uploader *u, int64_t now_ms)
{
    char why[256];
    SyncResult r = sync_content(u->sync, now_ms / 1000, why, sizeof why);
    if (r == SYNC_STOPPED)
        return;
    /* The pictures the (new or unchanged) content needs; their state goes
     * to the heartbeat. Text shows at once, pictures as they arrive. */
    SyncImages si;
    char iwhy[256];
    sync_images(u->sync, &si, iwhy, sizeof iwhy);
    pthread_mutex_lock(&u->mu);
    if (r == SYNC_FAILED) {
        snprintf(u->st.content_error, sizeof u->st.content_error, "%s", why);
    } else {
        u->st.content_error[0] = '\0';
        u->st.content_last_ok_ms = time_now_ms();
    }
    pthread_mutex_unlock(&u->mu);
}

static int uploader_open_parts(Uploader *u, char *err, size_t errlen);

static void *uploader_main(void *arg)
{
    Uploader *u = arg;
    if (!u->opened) {
        /* uploader_launch: libcurl and the connections open here, off the
         * thread that draws. Failing, the worker says why and stops. */
        char err[200];
        if (uploader_open_parts(u, err, sizeof err) < 0) {
            pthread_mutex_lock(&u->mu);
            u->st.running = false;
            snprintf(u->st.start_error, sizeof u->st.start_error, "%s", err);
            pthread_mutex_unlock(&u->mu);
            return NULL;
        }
    }
    int64_t now = time_now_ms();
    int64_t next_sync = now, next_hb = now, next_purge = now;
    int64_t next_slot = -1;
    bool first = true;
    for (;;) {
        pthread_mutex_lock(&u->mu);
        bool stop = u->stop, force = u->force;
        u->wake = u->force = false;
        pthread_mutex_unlock(&u->mu);
        if (stop)
            break;
        now = time_now_ms();
        bool delivered = false;
        if (u->upload_on) {
            /* Look at the queue when told to, when another connection
             * committed (a new suggestion), at a batch time, when an item
             * is due, and the first time round. */
            bool changed = outbox_changed(u->ob);
            int64_t due = upload_next_due_ms(u->up);
            if (force || changed || first || (next_slot >= 0 && now >= next_slot) ||
                (due >= 0 && due <= now))
                delivered = uploader_pass(u, force, now);
            next_slot = u->times.n ? batch_next_slot(&u->times, now / 1000) * 1000 : -1;
        }
        if (delivered || now >= next_purge) {
            outbox_purge(u->ob, u->keep_days, now / 1000, NULL, 0);
            next_purge = now + UPLOADER_PURGE_MS;
        }
        if (u->content_on && (force || now >= next_sync)) {
            uploader_sync(u, now);
            next_sync = time_now_ms() + u->sync_ms;
        }
        uploader_refresh_counts(u);
        if (u->heartbeat_on && now >= next_hb) {
            uploader_heartbeat(u, time_now_ms());
            next_hb = time_now_ms() + u->heartbeat_ms;
        }
        first = false;
        int64_t deadline = uploader_min(next_purge, INT64_MAX);
        if (u->content_on)
            deadline = uploader_min(deadline, next_sync);
        if (u->heartbeat_on)
            deadline = uploader_min(deadline, next_hb);
        if (u->upload_on) {
            int64_t due = upload_next_due_ms(u->up);
            if (due >= 0)
                deadline = uploader_min(deadline, due);
            if (next_slot >= 0)
                deadline = uploader_min(deadline, next_slot);
            if (u->batch_min > 0)   /* a new suggestion may complete a batch */
                deadline = uploader_min(deadline, time_now_ms() + u->poll_ms);
        }
        /* A floor, so a pass that could not make progress (a database
         * error) does not spin. */
        deadline = deadline > time_now_ms() + 50 ? deadline : time_now_ms() + 50;
        int64_t date_s, date_mono;
        bool dated = http_server_time(u->http, &date_s, &date_mono) == 0;
        pthread_mutex_lock(&u->mu);
        if (dated) {   /* the clock policy (wallclock.h) reads it */
            u->st.office_date_s = date_s;
            u->st.office_date_mono_ms = date_mono;
        }
        u->st.next_try_ms = u->upload_on && deadline != INT64_MAX ? deadline : 0;
        u->st.passes++;
        uploader_wait(u, deadline);
        pthread_mutex_unlock(&u->mu);
    }
    return NULL;
}

static void uploader_free(Uploader *u)
{
    upload_close(u->up);
    outbox_close(u->ob);
    sync_close(u->sync);
    http_destroy(u->http);
    pthread_cond_destroy(&u->cond);
    pthread_mutex_destroy(&u->mu);
    free(u);
}

Uploader *uploader_prepare(const Config *cfg, char *err, size_t errlen)
{
    const ConfigUpload *cu = &cfg->upload;
    Uploader *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&u->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&u->cond, &ca);
    pthread_condattr_destroy(&ca);
    snprintf(u->data_dir, sizeof u->data_dir, "%s", cfg->data_dir);
    u->cu = *cu;
    u->upload_on = cu->upload_url[0] != '\0';
    u->content_on = cu->content_url[0] != '\0';
    u->heartbeat_on = cu->heartbeat_url[0] != '\0';
    u->st.upload_enabled = u->upload_on;
    u->st.content_enabled = u->content_on;
    u->st.heartbeat_enabled = u->heartbeat_on;
    u->batch_min = cu->upload_batch_min;
    u->keep_days = cu->delivered_keep_days;
    u->poll_ms = (int64_t)(cfg->content_poll_s > 0 ? cfg->content_poll_s : 2) * 1000;
    u->image_cache_max = (int64_t)cfg->image_cache_mb << 20;
    u->sync_ms = (int64_t)cu->sync_interval_min * 60 * 1000;
    u->heartbeat_ms = (int64_t)cu->heartbeat_interval_min * 60 * 1000;
    u->start_mono_ms = time_mono_ms();
    if (!u->upload_on && !u->content_on && !u->heartbeat_on)
        return u;   /* offline: no thread; the status says so */

    char contact[CONFIG_URL_MAX];
    UploadSettings us;
    if (upload_settings(cu, &us, contact, err, errlen) < 0) {
        uploader_free(u);
        return NULL;
    }
    u->times = us.times;
    /* The URLs' policy is checked with libcurl's own parser (the one that
     * connects), so in uploader_open_parts. As http_create says it, before anything is opened. */
    if (cu->ca_file[0] && access(cu->ca_file, R_OK) < 0) {
        snprintf(err, errlen, "ca_file %s cannot be read", cu->ca_file);
        uploader_free(u);
        return NULL;
    }
    return u;
}

/* The URLs' network policy, libcurl (its URL parser and http_create open
 * it), the worker's database connection, the upload and the sync. u->http is published under mu for uploader_stop. */
static int uploader_open_parts(Uploader *u, char *err, size_t errlen)
{
    const ConfigUpload *cu = &u->cu;
    char contact[CONFIG_URL_MAX], why[200];
    UploadSettings us;
    if (upload_settings(cu, &us, contact, err, errlen) < 0)
        return -1;
    const struct { const char *name, *url; } urls[] = {
        {"upload_url", cu->upload_url},
        {cu->contact_url[0] ? "contact_url" : "upload_url (with /contact)", contact},
        {"content_url", cu->content_url}, {"heartbeat_url", cu->heartbeat_url},
    };
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
        if (urls[i].url[0] && http_url_check(urls[i].url, cu->allow_http_loopback,
                                             why, sizeof why) < 0) {
            snprintf(err, errlen, "[upload] %s: %s", urls[i].name, why);
            return -1;
        }
    HttpPolicy pol;
    upload_policy(cu, &pol);
    SyncSettings ss = {
        .content_url = cu->content_url, .heartbeat_url = cu->heartbeat_url,
        .device_token = cu->device_token, .content_max = (size_t)cu->content_max_mb << 20,
        .image_cache_max = u->image_cache_max,
    };
    Http *h = http_create(&pol, err, errlen);
    if (!h)
        return -1;
    pthread_mutex_lock(&u->mu);
    u->http = h;
    pthread_mutex_unlock(&u->mu);
    if (!(u->ob = outbox_open(u->data_dir, NULL, err, errlen)) ||
        !(u->up = upload_open(u->ob, &us, u->http, err, errlen)) ||
        !(u->sync = sync_open(u->data_dir, &ss, u->http, err, errlen)))
        return -1;   /* uploader_free closes what opened */
    u->opened = true;
    return 0;
}

/* Start the thread; false with a message when it cannot. */
static bool uploader_thread(Uploader *u, char *err, size_t errlen)
{
    u->st.running = true;   /* before the thread may clear it */
    if (pthread_create(&u->thread, NULL, uploader_main, u) != 0) {
        u->st.running = false;
        snprintf(err, errlen, "cannot start the upload thread");
        return false;
    }
    u->started = true;
    return true;
}

Uploader *uploader_start(const Config *cfg, char *err, size_t errlen)
{
    Uploader *u = uploader_prepare(cfg, err, errlen);
    if (!u || (!u->upload_on && !u->content_on && !u->heartbeat_on))
        return u;
    if (uploader_open_parts(u, err, errlen) < 0 || !uploader_thread(u, err, errlen)) {
        uploader_free(u);
        return NULL;
    }
    return u;
}

void uploader_launch(Uploader *u)
{
    if (!u || u->started || u->st.start_error[0] ||
        (!u->upload_on && !u->content_on && !u->heartbeat_on))
        return;
    char err[200];
    if (!uploader_thread(u, err, sizeof err)) {
        pthread_mutex_lock(&u->mu);
        snprintf(u->st.start_error, sizeof u->st.start_error, "%s", err);
        pthread_mutex_unlock(&u->mu);
    }
}

bool uploader_launched(const Uploader *u)
{
    return u && u->started;
}

void uploader_stop(Uploader *u)
{
    if (!u)
        return;
    if (u->started) {
        pthread_mutex_lock(&u->mu);
        u->stop = true;
        pthread_cond_signal(&u->cond);
        Http *h = u->http;   /* NULL while the thread has not opened it */
        pthread_mutex_unlock(&u->mu);
        http_interrupt(h);
        pthread_join(u->thread, NULL);
    }
    uploader_free(u);
}

void uploader_wake(Uploader *u, bool force)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    u->wake = true;
    u->force = u->force || force;
    pthread_cond_signal(&u->cond);
    pthread_mutex_unlock(&u->mu);
}

void uploader_set_display(Uploader *u, const char *state)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    snprintf(u->display, sizeof u->display, "%s", state);
    pthread_mutex_unlock(&u->mu);
}

void uploader_set_flags(Uploader *u, const char *names)
{
    if (!u)
        return;
    pthread_mutex_lock(&u->mu);
    snprintf(u->flags, sizeof u->flags, "%s", names ? names : "");
    pthread_mutex_unlock(&u->mu);
}

void uploader_set_frame_hash(Uploader *u, uint64_t hash)
{
    if (!u)
        return;
    int64_t now = time_now_ms();
    pthread_mutex_lock(&u->mu);
    u->frame_hash = hash;
    u->frame_at_ms = now;
    pthread_mutex_unlock(&u->mu);
}

void uploader_status(Uploader *u, UploaderStatus *out)
{
    if (!u) {
        memset(out, 0, sizeof *out);
        return;
    }
    pthread_mutex_lock(&u->mu);
    *out = u->st;
    pthread_mutex_unlock(&u->mu);
}

/* Local "HH:MM" of Unix ms, or "-" for 0. */
static void uploader_hhmm(int64_t ms, char out[8])
{
    if (ms <= 0) {
        snprintf(out, 8, "-");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    localtime_r(&t, &tm);
    snprintf(out, 8, "%02u:%02u", (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u);
}

void uploader_summary(Uploader *u, char *out, size_t n)
{
    UploaderStatus st;
    uploader_status(u, &st);
    if (!u) {
        snprintf(out, n, "off: the upload worker could not start");
        return;
    }
    if (!st.upload_enabled) {
        snprintf(out, n, "off: no upload_url");
        return;
    }
    if (st.start_error[0]) {
        snprintf(out, n, "off: %.180s", st.start_error);
        return;
    }
    char ok[8], next[8];
    uploader_hhmm(st.last_ok_ms, ok);
    uploader_hhmm(st.next_try_ms, next);
    snprintf(out, n, "last ok %s, next %s, batched %lld%s%.120s", ok, next,
             (long long)st.batched, st.last_error[0] ? ", error: " : "", st.last_error);
}
