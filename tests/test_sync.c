/* test_sync.c - content sync against the fault server: ETag and 304, and
 * the last good content kept through a truncated body, a 50 MB body,
 * invalid JSON, invalid content, a hang and HTTP errors, with the reason
 * kept; the heartbeat document. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "faultsrv.h"
#include "store.h"
#include "sync.h"
#include "sync_fix.h"
#include "timeutil.h"
#include "tmpdir.h"
#include "upload.h"

#define DOC_A "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[],\"events\":[],\"channels\":[]}"
#define DOC_B "{\"site\":{\"name\":{\"zh\":\"翠湖花园二期\"}},\"notices\":[],\"events\":[],\"channels\":[]}"

typedef SyncFix Fix;   /* the store is what the kiosk would read */

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    if (!f || sync_fix_open(f, false, true) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    sync_fix_close(*state);
    free(*state);
    return 0;
}

/* Serve body with etag; bare: a 304 does not repeat the ETag. */
static void serve_304(Fix *f, const char *body, const char *etag, bool bare)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:b}", "mode", "ok", "body", body, "etag", etag,
                          "bare_304", bare);
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(faultsrv_ctl(&f->fs, "/content", txt));
    free(txt);
    json_decref(o);
}

static void serve(Fix *f, const char *mode, const char *body, const char *etag)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "mode", mode, "body", body ? body : "",
                          "etag", etag ? etag : "");
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(faultsrv_ctl(&f->fs, "/content", txt));
    free(txt);
    json_decref(o);
}

static char *site_name(Fix *f)
{
    char err[200];
    Content *c = store_load_content(f->store, err, sizeof err);
    if (!c)
        return strdup("");
    char *s = strdup(c->site_name.zh);
    content_free(c);
    return s;
}

static void test_sync_etag_and_304(void **state)
{
    Fix *f = *state;
    char why[300];
    serve(f, "ok", DOC_A, "\"v1\"");
    assert_int_equal(sync_content(f->sync, 1000, why, sizeof why), SYNC_UPDATED);
    int64_t serial = store_content_serial(f->store);
    assert_true(serial > 0);
    char *name = site_name(f);
    assert_string_equal(name, "翠湖花园");
    free(name);
    SyncContentState cs;
    assert_int_equal(sync_content_state(f->sync, &cs), 0);
    assert_string_equal(cs.etag, "\"v1\"");
    assert_int_equal(cs.last_ok_s, 1000);
    assert_string_equal(cs.last_error, "");
    /* The same ETag: 304, nothing imported. */
    assert_int_equal(sync_content(f->sync, 2000, why, sizeof why), SYNC_UNCHANGED);
    assert_int_equal(store_content_serial(f->store), serial);
    /* The same document without an ETag: recognised by its version. */
    serve(f, "ok", DOC_A, NULL);
    assert_int_equal(sync_content(f->sync, 2500, why, sizeof why), SYNC_UNCHANGED);
    assert_int_equal(store_content_serial(f->store), serial);
    /* New content: swapped in. */
    serve(f, "ok", DOC_B, "\"v2\"");
    assert_int_equal(sync_content(f->sync, 3000, why, sizeof why), SYNC_UPDATED);
    assert_true(store_content_serial(f->store) > serial);
    json_t *st = faultsrv_state(&f->fs);
    assert_int_equal(faultsrv_int(st, "content_requests"), 4);
    assert_int_equal(faultsrv_int(st, "bad_auth"), 0);
    json_decref(st);
}

/* Issue 12 item 4: the ETag is kept across 304s, so ten syncs of content
 * that does not change download it once, and every later request carries
 * If-None-Match. */
static void test_etag_kept_across_304(void **state)
{
    Fix *f = *state;
    char why[300];
    /* A 304 need not repeat the ETag (some servers and proxies omit it). */
    serve_304(f, DOC_A, "\"v1\"", true);
    for (int i = 0; i < 10; i++) {
        SyncResult r = sync_content(f->sync, 1000 + i, why, sizeof why);
        assert_int_equal(r, i == 0 ? SYNC_UPDATED : SYNC_UNCHANGED);
    }
    json_t *st = faultsrv_state(&f->fs);
    assert_int_equal(faultsrv_int(st, "content_requests"), 10);
    assert_int_equal(faultsrv_int(st, "content_full"), 1);
    json_decref(st);
    SyncContentState cs;
    assert_int_equal(sync_content_state(f->sync, &cs), 0);
    assert_string_equal(cs.etag, "\"v1\"");
    assert_int_equal(cs.last_ok_s, 1009);
    /* The same document under a new ETag (a 200): the new ETag is kept. */
    serve_304(f, DOC_A, "\"v1b\"", false);
    assert_int_equal(sync_content(f->sync, 1010, why, sizeof why), SYNC_UNCHANGED);
    assert_int_equal(sync_content_state(f->sync, &cs), 0);
    assert_string_equal(cs.etag, "\"v1b\"");
}

/* Serve DOC_B (valid content) as `ctype` (NULL: no Content-Type at all). */
static void serve_as(Fix *f, const char *ctype)
{
    json_t *o = json_pack("{s:s, s:s, s:o}", "mode", "ok", "body", DOC_B, "ctype",
                          ctype ? json_string(ctype) : json_null());
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(faultsrv_ctl(&f->fs, "/content", txt));
    free(txt);
    json_decref(o);
}

/* Issue 12 item 13: content is taken only when served as application/json
 * (an error page from a proxy that happens to parse is not content). */
static void test_content_type_must_be_json(void **state)
{
    Fix *f = *state;
    char why[300];
    serve(f, "ok", DOC_A, NULL);
    assert_int_equal(sync_content(f->sync, 1000, why, sizeof why), SYNC_UPDATED);
    int64_t serial = store_content_serial(f->store);
    static const char *const bad[] = {
        "text/html", "text/html; charset=utf-8", "text/plain", "application/jsonp",
        "application/json; charset=gbk", "application/octet-stream", NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        serve_as(f, bad[i]);
        why[0] = '\0';
        if (sync_content(f->sync, 2000 + (int64_t)i, why, sizeof why) != SYNC_FAILED)
            fail_msg("content served as \"%s\" was taken", bad[i] ? bad[i] : "(none)");
        if (!strstr(why, "not application/json"))
            fail_msg("\"%s\": reason \"%s\"", bad[i] ? bad[i] : "(none)", why);
        assert_int_equal(store_content_serial(f->store), serial);
        char *name = site_name(f);
        assert_string_equal(name, "翠湖花园");
        free(name);
    }
    static const char *const good[] = {
        "application/json", "application/json; charset=utf-8",
        "Application/JSON;charset=\"UTF-8\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        serve_as(f, good[i]);
        SyncResult r = sync_content(f->sync, 3000 + (int64_t)i, why, sizeof why);
        if (r == SYNC_FAILED)
            fail_msg("content served as \"%s\" refused: %s", good[i], why);
    }
    char *name = site_name(f);
    assert_string_equal(name, "翠湖花园二期");
    free(name);
}

static void test_last_good_content_stays(void **state)
{
    Fix *f = *state;
    char why[300];
    serve(f, "ok", DOC_A, "\"v1\"");
    assert_int_equal(sync_content(f->sync, 1000, why, sizeof why), SYNC_UPDATED);
    int64_t serial = store_content_serial(f->store);
    struct { const char *mode, *body, *reason; } bad[] = {
        {"truncated", DOC_B, "download failed"},
        {"huge", NULL, "larger than"},          /* 50 MB announced */
        {"huge_stream", NULL, "larger than"},   /* 50 MB, no length */
        {"invalid", NULL, "invalid"},           /* not JSON */
        {"ok", "{\"site\":{}}", "invalid"},      /* JSON, not content */
        {"hang", NULL, "download failed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        serve(f, bad[i].mode, bad[i].body, NULL);
        why[0] = '\0';
        assert_int_equal(sync_content(f->sync, 2000 + (int64_t)i, why, sizeof why), SYNC_FAILED);
        if (!strstr(why, bad[i].reason))
            fail_msg("%s: reason \"%s\" lacks \"%s\"", bad[i].mode, why, bad[i].reason);
        /* The last good content is still there, unchanged. */
        assert_int_equal(store_content_serial(f->store), serial);
        char *name = site_name(f);
        assert_string_equal(name, "翠湖花园");
        free(name);
        /* The reason is kept for staff. */
        SyncContentState cs;
        assert_int_equal(sync_content_state(f->sync, &cs), 0);
        assert_string_equal(cs.last_error, why);
        assert_int_equal(cs.last_try_s, 2000 + (int64_t)i);
        assert_int_equal(cs.last_ok_s, 1000);
    }
    /* An HTTP error too (the server refuses the token). */
    sync_close(f->sync);
    char url[256], err[200];
    snprintf(url, sizeof url, "%s/content", f->fs.base);
    SyncSettings ss = {.content_url = url, .device_token = "wrong"};
    f->sync = sync_open(f->dir, &ss, f->http, err, sizeof err);
    assert_int_equal(sync_content(f->sync, 3000, why, sizeof why), SYNC_FAILED);
    assert_non_null(strstr(why, "HTTP 401"));
    assert_int_equal(store_content_serial(f->store), serial);
}

static void test_heartbeat(void **state)
{
    Fix *f = *state;
    char why[300];
    serve(f, "ok", DOC_A, "\"v1\"");
    assert_int_equal(sync_content(f->sync, 1000, why, sizeof why), SYNC_UPDATED);
    /* The queue is the one noted when the last batch opened. */
    OutboxCounts before = {.waiting = 5, .batched = 2, .delivered = 5, .dead = 1};
    sqlite3 *db = store_connect(f->dir, why, sizeof why);
    assert_non_null(db);
    assert_int_equal(sync_note_batch(db, &before, 1773451700000LL), 0);
    sqlite3_close(db);
    SyncHeartbeat hb = {.now_ms = 1773451800000LL, .uptime_s = 42,
                        .frame_hash = 0xfeedULL, .frame_at_ms = 1773451799000LL,
                        .disk_free_bytes = sync_disk_free(f->dir)};
    assert_true(hb.disk_free_bytes > 0);
    assert_int_equal(sync_heartbeat(f->sync, &hb, why, sizeof why), 0);
    json_t *st = faultsrv_wait(&f->fs, "heartbeats", 1, 10);
    json_t *doc = json_array_get(json_object_get(st, "heartbeats"), 0);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "v")), 1);
    assert_string_equal(json_string_value(json_object_get(doc, "app_version")), "0.3.0");
    assert_string_equal(json_string_value(json_object_get(doc, "time")), "2026-03-14T01:30:00Z");
    assert_int_equal(json_integer_value(json_object_get(doc, "uptime_s")), 42);
    json_t *q = json_object_get(doc, "queue");
    assert_int_equal(json_integer_value(json_object_get(q, "waiting")), 3);
    assert_int_equal(json_integer_value(json_object_get(q, "dead")), 1);
    assert_string_equal(json_string_value(json_object_get(q, "as_of")), "2026-03-14T01:28:20Z");
    assert_int_equal(json_integer_value(json_object_get(doc, "disk_free_bytes")) %
                     SYNC_DISK_QUANTUM, 0);
    json_t *fr = json_object_get(doc, "frame");
    assert_string_equal(json_string_value(json_object_get(fr, "hash")), "000000000000feed");
    assert_string_equal(json_string_value(json_object_get(fr, "at")), "2026-03-14T01:29:59Z");
    json_t *c = json_object_get(doc, "content");
    assert_int_equal(strlen(json_string_value(json_object_get(c, "version"))), 16);
    assert_string_equal(json_string_value(json_object_get(c, "last_sync")), "1970-01-01T00:16:40Z");
    assert_true(json_integer_value(json_object_get(doc, "disk_free_bytes")) > 0);
    json_decref(st);
    /* No frame yet: null, not a made-up hash. */
    hb.frame_at_ms = 0;
    char *txt = sync_heartbeat_json(f->sync, &hb);
    assert_non_null(strstr(txt, "\"frame\":{\"at\":null,\"hash\":null}"));
    free(txt);
}

/* Staff flags reach the heartbeat by name (issue 12: disk_full,
 * database_lost), never with their details. */
static void test_heartbeat_flags(void **state)
{
    Fix *f = *state;
    SyncHeartbeat hb = {.now_ms = 1773451800000LL, .disk_free_bytes = -1};
    char *txt = sync_heartbeat_json(f->sync, &hb);
    assert_non_null(strstr(txt, "\"flags\":[]"));
    free(txt);
    snprintf(hb.flags, sizeof hb.flags, "database_lost,disk_full");
    txt = sync_heartbeat_json(f->sync, &hb);
    assert_non_null(strstr(txt, "\"flags\":[\"database_lost\",\"disk_full\"]"));
    free(txt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sync_etag_and_304, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etag_kept_across_304, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_type_must_be_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_good_content_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
