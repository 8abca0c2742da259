/* sync.c - content sync (GET, validate, atomic swap) and heartbeat POST. */
#include "sync.h"
#include "content.h"
#include "image.h"
#include "imgcache.h"
#include "store.h"
#include "version.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

struct Sync {
    Store *store;        /* imports, as kioskctl import does */
    sqlite3 *db;         /* uploader_state */
    Http *http;
    ImgCache *images;    /* DIR/images */
    char *content_url, *heartbeat_url, *token;
    size_t content_max;
};

Sync *sync_open(const char *data_dir, const SyncSettings *st, Http *http,
                char *err, size_t errlen)
{
    Sync *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->http = http;
    s->content_url = strdup(st->content_url ? st->content_url : "");
    s->heartbeat_url = strdup(st->heartbeat_url ? st->heartbeat_url : "");
    s->token = strdup(st->device_token ? st->device_token : "");
    s->content_max = st->content_max && st->content_max < CONTENT_MAX_BYTES
                   ? st->content_max : CONTENT_MAX_BYTES;
    if (!s->content_url || !s->heartbeat_url || !s->token) {
        snprintf(err, errlen, "out of memory");
        sync_close(s);
        return NULL;
    }
    s->store = store_open(data_dir, err, errlen);
    s->db = s->store ? store_connect(data_dir, err, errlen) : NULL;
    s->images = s->db ? imgcache_open(data_dir, st->image_cache_max, err, errlen) : NULL;
    if (!s->images) {
        sync_close(s);
        return NULL;
    }
    return s;
}

void sync_close(Sync *s)
{
    if (!s)
        return;
    store_close(s->store);
    sqlite3_close(s->db);
    imgcache_close(s->images);
    free(s->content_url);
    free(s->heartbeat_url);
    if (s->token) {
        sodium_memzero(s->token, strlen(s->token));
        free(s->token);
    }
    free(s);
}

/* Keep the outcome of a sync for staff and the heartbeat. */
static void sync_record(Sync *s, int64_t now_s, const char *etag, const char *error)
{
    sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    store_state_set_int(s->db, "content_last_try", now_s);
    store_state_set_text(s->db, "content_error", error ? error : "");
    if (!error) {
        store_state_set_int(s->db, "content_last_ok", now_s);
        if (etag)
            store_state_set_text(s->db, "content_etag", etag);
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

SyncResult sync_content(Sync *s, int64_t now_s, char *why, size_t whylen)
{
    char reason[320] = "";
    if (why && whylen)
        why[0] = '\0';
    if (!s->content_url[0])
        return SYNC_UNCHANGED;
    char etag[256];
    store_state_get_text(s->db, "content_etag", etag, sizeof etag);
    /* A stored ETag without stored content (a fresh database copied over)
     * must not turn into a 304 forever. */
    StoreContentInfo info;
    char err[300];
    if (store_content_info(s->store, &info, err, sizeof err) != 1)
        etag[0] = '\0';
    HttpRequest rq = {.method = "GET", .url = s->content_url, .bearer = s->token,
                      .if_none_match = etag, .max_body = s->content_max};
    HttpResponse rs;
    HttpResult r = http_request(s->http, &rq, &rs);
    SyncResult res = SYNC_FAILED;
    if (r == HTTP_STOPPED) {
        http_response_free(&rs);
        return SYNC_STOPPED;
    }
    if (r != HTTP_DONE) {
        snprintf(reason, sizeof reason, "content download failed: %s", rs.error);
    } else if (rs.status == 304) {
        res = SYNC_UNCHANGED;
    } else if (rs.status != 200) {
        snprintf(reason, sizeof reason, "content download failed: HTTP %ld", rs.status);
    } else if (!http_is_json(rs.content_type)) {
        /* An error page from a proxy is not content, even when it parses. */
        snprintf(reason, sizeof reason, "content download refused: served as \"%.100s\","
                 " not application/json", rs.content_type[0] ? rs.content_type : "(no type)");
    } else {
        Content *c = content_parse(rs.body ? rs.body : "", rs.body_len, err, sizeof err);
        if (!c) {
            snprintf(reason, sizeof reason, "downloaded content is invalid: %.280s", err);
        } else if (strcmp(c->version, info.version) == 0) {
            res = SYNC_UNCHANGED;   /* the same document: no new serial */
        } else if (store_import_json(s->store, rs.body, rs.body_len, err, sizeof err) < 0) {
            snprintf(reason, sizeof reason, "downloaded content not stored: %.280s", err);
        } else {
            res = SYNC_UPDATED;
        }
        content_free(c);
    }
    /* A 304 need not repeat the ETag: then the stored one stays current
     * (clearing it would make every second sync a full download). */
    const char *keep = rs.status == 304 && !rs.etag[0] ? etag : rs.etag;
    sync_record(s, now_s, res == SYNC_FAILED ? NULL : keep, res == SYNC_FAILED ? reason : NULL);
    http_response_free(&rs);
    if (res == SYNC_FAILED && why && whylen)
        snprintf(why, whylen, "%s", reason);
    return res;
}

/* Whether url has the same scheme, host and port as the content URL. */
static bool sync_same_origin(const char *a, const char *b)
{
    const char *pa = strstr(a, "://"), *pb = strstr(b, "://");
    if (!pa || !pb)
        return false;
    size_t na = (size_t)(pa - a) + 3 + strcspn(pa + 3, "/?#");
    size_t nb = (size_t)(pb - b) + 3 + strcspn(pb + 3, "/?#");
    return na == nb && strncmp(a, b, na) == 0;
}

typedef struct {
    Sync *s;
    SyncImages *out;
    bool stopped;
} SyncImageRun;

static int sync_image_one(const ContentImage *img, void *arg)
{
    SyncImageRun *run = arg;
    Sync *s = run->s;
    SyncImages *o = run->out;
    if (imgcache_has(s->images, img->sha256)) {
        o->present++;
        return 0;
    }
    char why[300];
    if (imgcache_refused(s->images, img->sha256, why, sizeof why)) {
        o->refused++;
        snprintf(o->last_error, sizeof o->last_error, "picture %.16s... refused: %.200s",
                 img->sha256, why);
        return 0;
    }
    bool own = s->content_url[0] && sync_same_origin(img->url, s->content_url);
    HttpRequest rq = {.method = "GET", .url = img->url, .bearer = own ? s->token : NULL,
                      .max_body = IMAGE_MAX_BYTES};
    HttpResponse rs;
    HttpResult r = http_request(s->http, &rq, &rs);
    if (r == HTTP_STOPPED) {
        http_response_free(&rs);
        run->stopped = true;
        return 1;
    }
    if (r == HTTP_TOO_BIG) {
        snprintf(why, sizeof why, "file is larger than the limit of %u bytes (10 MB)",
                 IMAGE_MAX_BYTES);
        imgcache_refuse(s->images, img->sha256, why);
        o->refused++;
        snprintf(o->last_error, sizeof o->last_error, "picture %.16s... refused: %.200s",
                 img->sha256, why);
    } else if (r != HTTP_DONE || rs.status != 200) {
        o->failed++;
        if (r != HTTP_DONE)
            snprintf(o->last_error, sizeof o->last_error, "picture %.16s... download failed: %.200s",
                     img->sha256, rs.error);
        else
            snprintf(o->last_error, sizeof o->last_error, "picture %.16s... download failed: "
                     "HTTP %ld", img->sha256, rs.status);
    } else {
        int rc = imgcache_put(s->images, img->sha256, rs.body, rs.body_len, why, sizeof why);
        if (rc == 0) {
            o->fetched++;
            o->present++;
        } else {
            if (rc == -1)
                o->refused++;
            else
                o->failed++;
            snprintf(o->last_error, sizeof o->last_error, "picture %.16s... refused: %.200s",
                     img->sha256, why);
        }
    }
    http_response_free(&rs);
    return 0;
}

/* Counts each hash once: the first ContentImage with it. */
typedef struct {
    const Content *c;
    const ContentImage *img;
    bool first;
} SyncFirst;

static int sync_first_cb(const ContentImage *img, void *arg)
{
    SyncFirst *f = arg;
    if (img == f->img)
        return 1;                  /* reached itself: it is the first */
    if (strcmp(img->sha256, f->img->sha256) == 0) {
        f->first = false;
        return 1;
    }
    return 0;
}

typedef struct {
    const Content *c;
    SyncImageRun *run;
} SyncEach;

static int sync_each_cb(const ContentImage *img, void *arg)
{
    SyncEach *e = arg;
    SyncFirst f = { e->c, img, true };
    content_each_image(e->c, sync_first_cb, &f);
    if (!f.first)
        return 0;
    e->run->out->needed++;
    return sync_image_one(img, e->run);
}

int sync_images(Sync *s, SyncImages *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    if (why && whylen)
        why[0] = '\0';
    char err[300];
    Content *c = store_load_content(s->store, err, sizeof err);
    if (!c) {
        snprintf(why, whylen, "no content: %s", err);
        return -1;
    }
    SyncImageRun run = { s, out, false };
    SyncEach each = { c, &run };
    content_each_image(c, sync_each_cb, &each);
    if (!run.stopped)
        out->evicted = imgcache_evict(s->images, c);
    content_free(c);
    if (out->evicted < 0)
        out->evicted = 0;
    char state[512];
    json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:s}", "needed", out->needed,
                          "missing", out->needed - out->present, "refused", out->refused,
                          "failed", out->failed, "last_error", out->last_error);
    char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    snprintf(state, sizeof state, "%s", txt ? txt : "{}");
    free(txt);
    if (store_state_set_text(s->db, "images_state", state) < 0) {
        snprintf(why, whylen, "cannot store the pictures' state");
        return -1;
    }
    return 0;
}

int sync_content_state(Sync *s, SyncContentState *st)
{
    memset(st, 0, sizeof *st);
    char err[200];
    StoreContentInfo info;
    if (store_state_get_text(s->db, "content_etag", st->etag, sizeof st->etag) < 0 ||
        store_state_get_int(s->db, "content_last_ok", &st->last_ok_s) < 0 ||
        store_state_get_int(s->db, "content_last_try", &st->last_try_s) < 0 ||
        store_state_get_text(s->db, "content_error", st->last_error, sizeof st->last_error) < 0 ||
        store_content_info(s->store, &info, err, sizeof err) < 0) {
        memset(st, 0, sizeof *st);
        return -1;
    }
    memcpy(st->version, info.version, sizeof st->version);
    st->serial = info.serial;
    return 0;
}

int64_t sync_disk_free(const char *dir)
{
    struct statvfs v;
    if (statvfs(dir, &v) < 0)
        return -1;
    return (int64_t)v.f_bavail * (int64_t)v.f_frsize;
}

/* Unix ms as "2026-03-14T09:30:00Z", or JSON null for 0. */
static json_t *sync_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

#define SYNC_QUEUE_KEY "heartbeat_queue"   /* uploader_state: the queue as of the last batch */

int sync_note_batch(sqlite3 *db, const OutboxCounts *c, int64_t at_ms)
{
    json_t *o = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "as_of", sync_time(at_ms),
                          "waiting", (json_int_t)(c->waiting - c->batched), "batched", (json_int_t)c->batched,
                          "delivered", (json_int_t)c->delivered, "dead", (json_int_t)c->dead,
                          "exported", (json_int_t)c->exported);
    char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    int rc = txt ? store_state_set_text(db, SYNC_QUEUE_KEY, txt) : -1;
    free(txt);
    return rc;
}

/* The queue as of the last batch, or as_of null and zeros before the first. */
static json_t *sync_queue(Sync *s)
{
    char txt[512];
    json_t *o = NULL;
    if (store_state_get_text(s->db, SYNC_QUEUE_KEY, txt, sizeof txt) == 1)
        o = json_loads(txt, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_pack("{s:n, s:i, s:i, s:i, s:i, s:i}", "as_of", "waiting", 0, "batched", 0,
                      "delivered", 0, "dead", 0, "exported", 0);
    }
    return o;
}

char *sync_heartbeat_json(Sync *s, const SyncHeartbeat *hb)
{
    SyncContentState cs;
    sync_content_state(s, &cs);
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)hb->frame_hash);
    json_t *o = json_pack(
        "{s:i, s:s, s:o, s:I,"
        " s:o,"
        " s:{s:o, s:s},"
        " s:{s:s, s:I, s:o, s:s},"
        " s:s,"
        " s:{s:o, s:o},"
        " s:o}",
        "v", 1, "app_version", KIOSK_VERSION, "time", sync_time(hb->now_ms),
        "uptime_s", (json_int_t)hb->uptime_s,
        "queue", sync_queue(s),
        "upload", "last_ok", sync_time(hb->upload_last_ok_ms), "last_error", hb->upload_error,
        "content", "version", cs.version, "serial", (json_int_t)cs.serial,
                   "last_sync", sync_time(cs.last_ok_s * 1000), "last_error", cs.last_error,
        "display", hb->display[0] ? hb->display : "day",
        "frame", "at", sync_time(hb->frame_at_ms),
                 "hash", hb->frame_at_ms > 0 ? json_string(hash) : json_null(),
        "disk_free_bytes", hb->disk_free_bytes >= 0
            ? json_integer(hb->disk_free_bytes / SYNC_DISK_QUANTUM * SYNC_DISK_QUANTUM)
            : json_null());
    /* The pictures: how many the content needs, lack, had refused. */
    char imgs[512];
    json_t *io = NULL;
    if (store_state_get_text(s->db, "images_state", imgs, sizeof imgs) == 1)
        io = json_loads(imgs, 0, NULL);
    json_t *iv = io;
    if (!json_is_object(io)) {
        json_decref(io);
        iv = json_null();
    }
    if (!o || json_object_set_new(o, "images", iv) < 0) {
        if (!o)
            json_decref(iv);
        json_decref(o);
        return NULL;
    }
    /* The staff flags by name only: their details may name files. */
    json_t *flags = json_array();
    if (o && flags)
        for (const char *p = hb->flags; *p;) {
            size_t n = strcspn(p, ",");
            if (n > 0)
                json_array_append_new(flags, json_stringn(p, n));
            p += n + (p[n] == ',');
        }
    if (!o || !flags || json_object_set_new(o, "flags", flags) < 0) {
        if (!o)
            json_decref(flags);
        json_decref(o);
        return NULL;
    }
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return txt;
}

int sync_heartbeat(Sync *s, const SyncHeartbeat *hb, char *why, size_t whylen)
{
    if (why && whylen)
        why[0] = '\0';
    if (!s->heartbeat_url[0])
        return 0;
    char *body = sync_heartbeat_json(s, hb);
    if (!body) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    HttpRequest rq = {.method = "POST", .url = s->heartbeat_url, .body = body,
                      .body_len = strlen(body), .bearer = s->token};
    HttpResponse rs;
    HttpResult r = http_request(s->http, &rq, &rs);
    int rc = 0;
    if (r != HTTP_DONE) {
        snprintf(why, whylen, "heartbeat failed: %s", rs.error);
        rc = -1;
    } else if (rs.status < 200 || rs.status >= 300) {
        snprintf(why, whylen, "heartbeat failed: HTTP %ld", rs.status);
        rc = -1;
    }
    http_response_free(&rs);
    free(body);
    return rc;
}
