/* test_office_images.c - pictures in the staff API (issue 16, office
 * side), on the engine of the tests (SQLite, or PostgreSQL under
 * scripts/pg-test.sh): every refusal of an upload (no session, no CSRF
 * token, another community, an unknown one, wrong Content-Type, over the
 * byte limit by Content-Length and by what arrives, empty, not a picture,
 * a decompression bomb, a huge ancillary chunk, truncated PNG and JPEG,
 * the hourly limit, kept when the background jobs prune by the office's
 * clock), the stored picture served with its type, ETag,
 * immutable caching and nosniff (304 on If-None-Match), the audit row, a
 * notice naming the picture by hash gets its url and size filled in and
 * carries it into the kiosks' feed, another community cannot use it, and
 * the purge of pictures no item names. Also migration 9 on a database
 * left at 8, and the hourly limit of previews (the kiosk program drawn per
 * staff user, saved and unsaved forms alike). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "office_alert.h"
#include "office_feed.h"
#include "office_retention.h"
#include "ostore_priv.h"
#include "staffsrv.h"
#include "testdb.h"
#include "testimg.h"
#include "tmpdir.h"

#define PW "images-password-1"
#define UPLOAD "/api/office/communities/cuihu/images"
#define LIMIT 30   /* uploads per user and hour here */
#define PREVIEWS 6 /* previews per user and hour here */

static StaffSrv srv;
static StaffSession root, wang, li, zhao, chen;
static char dbdir[600];
static char *tmpdir_dir_keep;   /* dbdir as tmpdir_make gave it */

/* The tests' database engine, and a low hourly limit to reach. */
static void conf_extra(OfficeConf *c)
{
    char path[700], spec[sizeof c->database];
    snprintf(path, sizeof path, "%s/office.db", dbdir);
    if (testdb_fresh(path, spec, sizeof spec) == 0)
        snprintf(c->database, sizeof c->database, "%s", spec);
    c->image_uploads_per_hour = LIMIT;
    c->previews_per_hour = PREVIEWS;
}

static int setup(void **state)
{
    (void)state;
    char *d = tmpdir_make();
    if (!d)
        return -1;
    snprintf(dbdir, sizeof dbdir, "%s", d);
    tmpdir_dir_keep = d;
    if (staffsrv_start(&srv, conf_extra) < 0 ||
        staffsrv_user(&srv, "root", PW, "admin", NULL) < 0 ||
        staffsrv_user(&srv, "wang", PW, "manager", "cuihu", NULL) < 0 ||
        staffsrv_user(&srv, "li", PW, "clerk", "cuihu", NULL) < 0 ||
        staffsrv_user(&srv, "zhao", PW, "manager", "other", NULL) < 0 ||
        staffsrv_user(&srv, "chen", PW, "clerk", "cuihu", NULL) < 0)
        return -1;
    if (staffsrv_login(&srv, "root", PW, &root) != 200 ||
        staffsrv_login(&srv, "wang", PW, &wang) != 200 ||
        staffsrv_login(&srv, "li", PW, &li) != 200 ||
        staffsrv_login(&srv, "zhao", PW, &zhao) != 200 ||
        staffsrv_login(&srv, "chen", PW, &chen) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    tmpdir_remove(tmpdir_dir_keep);
    return 0;
}

/* Upload `len` bytes as `type` with session `ses` (csrf as staffsrv_req). */
static long upload(const char *path, const StaffSession *ses, const char *csrf, const char *type,
                   const void *buf, size_t len, StaffResp *r)
{
    return staffsrv_req_bin(&srv, "POST", path, ses, csrf, type, buf, len, NULL, r);
}

/* The refusal's status and code. */
static void refused(long want, const char *code, const char *path, const StaffSession *ses,
                    const char *csrf, const char *type, const void *buf, size_t len)
{
    StaffResp r;
    long st = upload(path, ses, csrf, type, buf, len, &r);
    if (st != want || strcmp(staffsrv_code(&r), code) != 0)
        fail_msg("%s: want %ld %s, got %ld %s", path, want, code, st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
}

static int64_t count_rows(const char *sql)
{
    OstoreStmt *st = ostore_prep(srv.store, sql, "");
    assert_non_null(st);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    int64_t n = ostore_col_int(st, 0);
    ostore_finish(st);
    return n;
}

static void test_upload_refusals(void **state)
{
    (void)state;
    size_t len;
    unsigned char *png = testimg_png(40, 30, TESTIMG_HALVES, 200, 30, 30, 255, 0, &len);
    assert_non_null(png);
    assert_string_equal(ostore_engine(srv.store), testdb_engine());
    /* Who may: a session, its CSRF token, a community they hold. */
    refused(401, "unauthorized", UPLOAD, NULL, "", "image/png", png, len);
    refused(403, "csrf", UPLOAD, &li, "", "image/png", png, len);
    refused(403, "csrf", UPLOAD, &li, "not-the-token", "image/png", png, len);
    refused(404, "not_found", UPLOAD, &zhao, NULL, "image/png", png, len);
    refused(404, "not_found", "/api/office/communities/nowhere/images", &root, NULL,
            "image/png", png, len);
    /* What: the file itself as image/png or image/jpeg. */
    refused(415, "unsupported_type", UPLOAD, &li, NULL, "application/json", png, len);
    refused(415, "unsupported_type", UPLOAD, &li, NULL, "text/plain", png, len);
    refused(415, "unsupported_type", UPLOAD, &li, NULL, "image/gif", png, len);
    refused(415, "unsupported_type", UPLOAD, &li, NULL, "multipart/form-data; boundary=x", png,
            len);
    refused(422, "not_image", UPLOAD, &li, NULL, "image/png", "", 0);
    const char *text = "<svg xmlns='http://www.w3.org/2000/svg'/>";
    refused(422, "not_image", UPLOAD, &li, NULL, "image/png", text, strlen(text));
    /* The bomb: a small file declaring 50,000 x 50,000, refused before decoding. */
    unsigned char *bomb = malloc(len);
    memcpy(bomb, png, len);
    testimg_png_set_size(bomb, 50000, 50000);
    StaffResp r;
    assert_int_equal(upload(UPLOAD, &li, NULL, "image/png", bomb, len, &r), 422);
    assert_string_equal(staffsrv_code(&r), "image_too_large");
    assert_non_null(strstr(r.body, "50000 x 50000"));
    assert_non_null(strstr(r.body, "refused before decoding"));
    staffsrv_resp_free(&r);
    free(bomb);
    /* A huge ancillary chunk. */
    size_t clen;
    unsigned char *chunky = testimg_png_with_chunk(png, len, "zTXt", 300 * 1024, &clen);
    refused(422, "image_too_large", UPLOAD, &li, NULL, "image/png", chunky, clen);
    free(chunky);
    /* Truncated: a PNG and a JPEG cut short. */
    refused(422, "image_damaged", UPLOAD, &li, NULL, "image/png", png, len - 20);
    size_t jlen;
    unsigned char *jpg = testimg_jpeg(64, 48, TESTIMG_NOISE, 0, 0, 0, 90, 0, &jlen);
    assert_non_null(jpg);
    refused(422, "image_damaged", UPLOAD, &li, NULL, "image/jpeg", jpg, jlen / 2);
    free(jpg);
    /* Too large: by Content-Length before the body is read, and by what
     * arrives when no length is declared (chunked). */
    size_t big = IMAGE_MAX_BYTES + 1;
    unsigned char *huge = calloc(1, big);
    assert_non_null(huge);
    memcpy(huge, png, len);
    refused(413, "too_large", UPLOAD, &li, NULL, "image/png", huge, big);
    /* A large body without the right to send it: refused (authorised
     * before the body is read, then answered once it has been dropped). */
    refused(401, "unauthorized", UPLOAD, NULL, "", "image/png", huge, 5 << 20);
    refused(403, "csrf", UPLOAD, &li, "", "image/png", huge, 5 << 20);
    refused(404, "not_found", UPLOAD, &zhao, NULL, "image/png", huge, 5 << 20);
    assert_int_equal(staffsrv_req_bin(&srv, "POST", UPLOAD, NULL, "", "image/png", huge, 5 << 20,
                                      "Transfer-Encoding: chunked", &r), 401);
    staffsrv_resp_free(&r);
    assert_int_equal(staffsrv_req_bin(&srv, "POST", UPLOAD, &li, NULL, "image/png", huge, big,
                                      "Transfer-Encoding: chunked", &r), 413);
    assert_string_equal(staffsrv_code(&r), "too_large");
    staffsrv_resp_free(&r);
    free(huge);
    /* Nothing was kept, and no audit row written. */
    assert_int_equal(count_rows("SELECT count(*) FROM image"), 0);
    assert_int_equal(count_rows("SELECT count(*) FROM audit WHERE action = 'image.upload'"), 0);
    free(png);
}

static void test_upload_serve_publish(void **state)
{
    (void)state;
    size_t len;
    unsigned char *png = testimg_png(40, 30, TESTIMG_HALVES, 200, 30, 30, 255, 0, &len);
    char hash[65];
    image_sha256_hex(png, len, hash);
    /* A clerk may add pictures (as they draft notices). */
    StaffResp r;
    long st = upload(UPLOAD, &li, NULL, "image/png", png, len, &r);
    if (st != 201)
        fail_msg("upload: %ld %s", st, r.body ? r.body : "");
    assert_string_equal(json_string_value(json_object_get(r.json, "sha256")), hash);
    assert_int_equal(json_integer_value(json_object_get(r.json, "width")), 40);
    assert_int_equal(json_integer_value(json_object_get(r.json, "height")), 30);
    assert_int_equal(json_integer_value(json_object_get(r.json, "bytes")), (json_int_t)len);
    assert_string_equal(json_string_value(json_object_get(r.json, "type")), "image/png");
    char path[128], url[300];
    snprintf(path, sizeof path, "/media/%s.png", hash);
    snprintf(url, sizeof url, "%s%s", srv.url, path);
    assert_string_equal(json_string_value(json_object_get(r.json, "path")), path);
    assert_string_equal(json_string_value(json_object_get(r.json, "url")), url);
    staffsrv_resp_free(&r);
    /* The same file again: kept once, 200. */
    assert_int_equal(upload(UPLOAD, &wang, NULL, "image/png", png, len, NULL), 200);
    assert_int_equal(count_rows("SELECT count(*) FROM image"), 1);
    /* The audit log has both uploads, without any pixels. */
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit", &root, NULL, NULL, NULL, &r),
                     200);
    int seen = 0;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r.json, "items"), i, a) {
        if (strcmp(json_string_value(json_object_get(a, "action")), "image.upload") == 0) {
            assert_string_equal(json_string_value(json_object_get(a, "target")), hash);
            assert_non_null(strstr(json_string_value(json_object_get(a, "summary")),
                                   "PNG 40x30"));
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    staffsrv_resp_free(&r);

    /* Served to anyone, as itself, cached for good. */
    assert_int_equal(staffsrv_req(&srv, "GET", path, NULL, "", NULL, NULL, &r), 200);
    assert_int_equal(r.len, len);
    assert_memory_equal(r.body, png, len);
    assert_string_equal(r.content_type, "image/png");
    assert_string_equal(r.nosniff, "nosniff");
    assert_non_null(strstr(r.cache_control, "immutable"));
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", hash);
    assert_string_equal(r.etag, etag);
    staffsrv_resp_free(&r);
    char inm[120];
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    assert_int_equal(staffsrv_req_bin(&srv, "GET", path, NULL, "", NULL, NULL, 0, inm, &r), 304);
    assert_int_equal(r.len, 0);
    staffsrv_resp_free(&r);
    /* Nothing under another name. */
    char wrong[128];
    snprintf(wrong, sizeof wrong, "/media/%s.jpg", hash);
    assert_int_equal(staffsrv_req(&srv, "GET", wrong, NULL, "", NULL, NULL, NULL), 404);
    snprintf(wrong, sizeof wrong, "/media/%.63s0.png", hash);
    if (strcmp(wrong, path) == 0)
        snprintf(wrong, sizeof wrong, "/media/%.63s1.png", hash);
    assert_int_equal(staffsrv_req(&srv, "GET", wrong, NULL, "", NULL, NULL, NULL), 404);
    assert_int_equal(staffsrv_req(&srv, "GET", "/media/office.db", NULL, "", NULL, NULL, NULL),
                     404);
    snprintf(wrong, sizeof wrong, "/media/%s", hash);
    assert_int_equal(staffsrv_req(&srv, "GET", wrong, NULL, "", NULL, NULL, NULL), 404);

    /* The bytes decide the type: a JPEG sent as image/png is a JPEG. */
    size_t jlen;
    unsigned char *jpg = testimg_jpeg(64, 48, TESTIMG_NOISE, 0, 0, 0, 90, 0, &jlen);
    assert_int_equal(upload(UPLOAD, &li, NULL, "image/png", jpg, jlen, &r), 201);
    assert_string_equal(json_string_value(json_object_get(r.json, "type")), "image/jpeg");
    const char *jpath = json_string_value(json_object_get(r.json, "path"));
    assert_non_null(strstr(jpath, ".jpg"));
    StaffResp g;
    assert_int_equal(staffsrv_req(&srv, "GET", jpath, NULL, "", NULL, NULL, &g), 200);
    assert_string_equal(g.content_type, "image/jpeg");
    assert_int_equal(g.len, jlen);
    staffsrv_resp_free(&g);
    char jhash[65];
    image_sha256_hex(jpg, jlen, jhash);
    staffsrv_resp_free(&r);
    free(jpg);

    /* A notice names its pictures by hash; the office fills in the rest. */
    char body[2048];
    snprintf(body, sizeof body,
             "{\"id\":\"stamped\",\"category\":\"notice\","
             "\"title\":{\"zh\":\"停水通知\",\"en\":\"Water off\"},\"body\":{\"zh\":\"见附图。\"},"
             "\"publish_at\":\"2025-12-01T08:00:00+08:00\","
             "\"expire_at\":\"2026-01-31T00:00:00+08:00\",\"status\":\"published\","
             "\"images\":[{\"sha256\":\"%s\",\"alt\":{\"zh\":\"盖章的停水通知\","
             "\"en\":\"The stamped notice\"}},{\"sha256\":\"%s\",\"url\":\"https://x.example/y\","
             "\"alt\":{\"zh\":\"照片\"},\"width\":1,\"height\":1}]}", hash, jhash);
    st = staffsrv_req(&srv, "POST", "/api/office/communities/cuihu/notices", &wang, NULL, NULL,
                      body, &r);
    if (st != 201)
        fail_msg("notice: %ld %s", st, r.body ? r.body : "");
    json_t *im = json_object_get(r.json, "images");
    assert_int_equal(json_array_size(im), 2);
    json_t *i0 = json_array_get(im, 0), *i1 = json_array_get(im, 1);
    assert_string_equal(json_string_value(json_object_get(i0, "url")), url);
    assert_int_equal(json_integer_value(json_object_get(i0, "width")), 40);
    assert_int_equal(json_integer_value(json_object_get(i0, "height")), 30);
    assert_string_equal(json_string_value(json_object_get(json_object_get(i0, "alt"), "en")),
                        "The stamped notice");
    /* The office's own url and size replace what the form said. */
    assert_non_null(strstr(json_string_value(json_object_get(i1, "url")), "/media/"));
    assert_int_equal(json_integer_value(json_object_get(i1, "width")), 64);
    staffsrv_resp_free(&r);
    /* The kiosks' feed carries the filled entries. */
    OstoreFeed feed;
    char err[300];
    assert_int_equal(office_feed_current(srv.store, srv.cuihu, atomic_load(&srv.now), &feed, err,
                                         sizeof err), OFFICE_FEED_OK);
    json_t *doc = json_loadb(feed.json, feed.len, 0, NULL);
    ostore_feed_free(&feed);
    json_t *n0 = json_array_get(json_object_get(doc, "notices"), 0);
    json_t *f0 = json_array_get(json_object_get(n0, "images"), 0);
    assert_string_equal(json_string_value(json_object_get(f0, "sha256")), hash);
    assert_string_equal(json_string_value(json_object_get(f0, "url")), url);
    assert_int_equal(json_integer_value(json_object_get(f0, "height")), 30);
    json_decref(doc);

    /* A board item: "before" and "after", each filled in, roles kept. */
    snprintf(body, sizeof body,
             "{\"said\":{\"zh\":\"东门路灯不亮\"},\"done\":{\"zh\":\"已更换\"},"
             "\"status\":\"published\",\"images\":["
             "{\"sha256\":\"%s\",\"alt\":{\"zh\":\"修之前\"},\"role\":\"before\"},"
             "{\"sha256\":\"%s\",\"alt\":{\"zh\":\"修好了\"},\"role\":\"after\"}]}",
             jhash, hash);
    st = staffsrv_req(&srv, "POST", "/api/office/communities/cuihu/board", &wang, NULL, NULL,
                      body, &r);
    if (st != 201)
        fail_msg("board: %ld %s", st, r.body ? r.body : "");
    im = json_object_get(r.json, "images");
    assert_string_equal(json_string_value(json_object_get(json_array_get(im, 0), "role")),
                        "before");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(im, 0), "height")), 48);
    assert_string_equal(json_string_value(json_object_get(json_array_get(im, 1), "role")),
                        "after");
    assert_string_equal(json_string_value(json_object_get(json_array_get(im, 1), "url")), url);
    staffsrv_resp_free(&r);
    /* Another community cannot name this one's picture without a url. */
    snprintf(body, sizeof body,
             "{\"category\":\"notice\",\"title\":{\"zh\":\"借图\"},\"body\":{\"zh\":\"正文\"},"
             "\"publish_at\":\"2025-12-01T08:00:00+08:00\","
             "\"expire_at\":\"2026-01-31T00:00:00+08:00\","
             "\"images\":[{\"sha256\":\"%s\",\"alt\":{\"zh\":\"图\"}}]}", hash);
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/communities/other/notices", &zhao,
                                  NULL, NULL, body, &r), 422);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(
        json_object_get(r.json, "error"), "fields"), "images[0].sha256")), "upload it first"));
    staffsrv_resp_free(&r);
    free(png);
}

static void test_hourly_limit(void **state)
{
    (void)state;
    size_t len;
    unsigned char *png = testimg_png(8, 8, TESTIMG_SOLID, 10, 20, 30, 255, 0, &len);
    /* chen's limit is LIMIT an hour, counting refused files too. Halfway,
     * the background jobs' daily round (made due again) runs: it prunes
     * rate-limit windows older than two days by the office's clock, so
     * this hour's count stays. (It once judged by the system's clock, a
     * year after the tests' one, and lost the count: a 200 where the 429
     * was due, whenever its first round came late.) */
    for (int i = 0; i < LIMIT; i++) {
        assert_int_equal(upload(UPLOAD, &chen, NULL, "image/png", i % 2 ? png : (void *)"x",
                                i % 2 ? len : 1, NULL), i % 2 ? (i == 1 ? 201 : 200) : 422);
        if (i == LIMIT / 2) {
            assert_int_equal(ostore_exec(srv.store, "DELETE FROM job_run"), OSTORE_OK);
            office_jobs_run(office_jobs(srv.office));
            assert_int_equal(count_rows("SELECT last_run FROM job_run WHERE name = 'daily'"),
                             atomic_load(&srv.now));
        }
    }
    StaffResp r;
    assert_int_equal(upload(UPLOAD, &chen, NULL, "image/png", png, len, &r), 429);
    assert_string_equal(staffsrv_code(&r), "rate_limited");
    assert_true(atoi(r.retry_after) > 0);
    staffsrv_resp_free(&r);
    /* Another user is not held back; the next hour chen may again. */
    assert_int_equal(upload(UPLOAD, &li, NULL, "image/png", png, len, NULL), 200);
    atomic_fetch_add(&srv.now, 3600);   /* sessions idle out in 30 minutes: sign in again */
    assert_int_equal(staffsrv_login(&srv, "chen", PW, &chen), 200);
    assert_int_equal(staffsrv_login(&srv, "li", PW, &li), 200);
    assert_int_equal(upload(UPLOAD, &chen, NULL, "image/png", png, len, NULL), 200);
    free(png);
}

/* Previews per user and hour, the saved and the unsaved form's counted
 * together. The test program has no kiosk program beside it, so each
 * counted preview answers 501 no_renderer (test_office_publish draws them). */
static void test_preview_hourly_limit(void **state)
{
    (void)state;
    const char *saved = "/api/office/communities/cuihu/preview?notice=pv-1";
    const char *form = "/api/office/communities/cuihu/preview?orientation=portrait";
    const char *body = "{\"notice\":{\"category\":\"notice\",\"title\":{\"zh\":\"停水\"},"
        "\"body\":{\"zh\":\"周五停水。\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
        "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}}";
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/communities/cuihu/notices", &chen,
                                  NULL, NULL, "{\"id\":\"pv-1\",\"category\":\"notice\","
                                  "\"title\":{\"zh\":\"停水\"},\"body\":{\"zh\":\"x\"},"
                                  "\"publish_at\":\"2026-11-30T08:00:00+08:00\","
                                  "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}", NULL), 201);
    for (int i = 0; i < PREVIEWS; i++) {
        StaffResp r;
        long st = i % 2 ? staffsrv_req(&srv, "GET", saved, &chen, NULL, NULL, NULL, &r)
                        : staffsrv_req(&srv, "POST", form, &chen, NULL, NULL, body, &r);
        if (st != 501 || strcmp(staffsrv_code(&r), "no_renderer") != 0)
            fail_msg("preview %d: %ld %s", i, st, r.body ? r.body : "");
        staffsrv_resp_free(&r);
    }
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "POST", form, &chen, NULL, NULL, body, &r), 429);
    assert_string_equal(staffsrv_code(&r), "rate_limited");
    assert_true(atoi(r.retry_after) > 0);
    staffsrv_resp_free(&r);
    assert_int_equal(staffsrv_req(&srv, "GET", saved, &chen, NULL, NULL, NULL, &r), 429);
    assert_string_equal(staffsrv_code(&r), "rate_limited");
    staffsrv_resp_free(&r);
    /* Another user is not held back; the next hour chen may again. */
    assert_int_equal(staffsrv_req(&srv, "POST", form, &li, NULL, NULL, body, NULL), 501);
    atomic_fetch_add(&srv.now, 3600);   /* sessions idle out in 30 minutes: sign in again */
    assert_int_equal(staffsrv_login(&srv, "chen", PW, &chen), 200);
    assert_int_equal(staffsrv_login(&srv, "li", PW, &li), 200);
    assert_int_equal(staffsrv_req(&srv, "POST", form, &chen, NULL, NULL, body, NULL), 501);
}

static void test_purge_unused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *png = testimg_png(12, 12, TESTIMG_SOLID, 90, 90, 200, 255, 0, &len);
    char hash[65];
    image_sha256_hex(png, len, hash);
    assert_int_equal(upload(UPLOAD, &li, NULL, "image/png", png, len, NULL), 201);
    int64_t before = count_rows("SELECT count(*) FROM image");
    OfficeConf c;
    office_conf_defaults(&c);
    c.image_unused_days = 30;
    OfficeRetentionReport rep;
    /* Within its days nothing goes. */
    assert_int_equal(office_retention_run(srv.store, &c, atomic_load(&srv.now) + 86400, &rep), 0);
    assert_int_equal(rep.images, 0);
    /* After them, the pictures no item names go (this one and the 8 x 8
     * of the hourly limit); the notice's two stay. */
    assert_int_equal(office_retention_run(srv.store, &c, atomic_load(&srv.now) + 40 * 86400, &rep),
                     0);
    assert_int_equal(rep.images, before - 2);
    assert_int_equal(count_rows("SELECT count(*) FROM image"), 2);
    char path[128];
    snprintf(path, sizeof path, "/media/%s.png", hash);
    assert_int_equal(staffsrv_req(&srv, "GET", path, NULL, "", NULL, NULL, NULL), 404);
    free(png);
}

/* Migration 9 on a database left at schema 8 with a community in it. */
static void test_migration_9(void **state)
{
    (void)state;
    char *d = tmpdir_make();
    char path[600], spec[700], err[300];
    snprintf(path, sizeof path, "%s/m.db", d);
    assert_int_equal(testdb_fresh(path, spec, sizeof spec), 0);   /* runs before the server */
    Ostore *s = ostore_open_upto(spec, 8, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(ostore_schema_version(s), 8);
    int64_t cid;
    assert_int_equal(ostore_community_add(s, "old", "老小区", "", 100, &cid), OSTORE_OK);
    ostore_close(s);
    s = ostore_open(spec, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(ostore_schema_version(s), OSTORE_SCHEMA);
    OstoreImage m = {.sha256 = "", .type = "image/png", .width = 2, .height = 3};
    memset(m.sha256, 'a', 64);
    assert_int_equal(ostore_image_put(s, cid, &m, "\x89PNG\0\1", 6, "x", 200), OSTORE_OK);
    unsigned char *data;
    size_t n;
    OstoreImage got;
    assert_int_equal(ostore_image_data(s, m.sha256, &got, &data, &n), OSTORE_OK);
    assert_int_equal(n, 6);
    assert_memory_equal(data, "\x89PNG\0\1", 6);
    assert_int_equal(got.height, 3);
    free(data);
    /* A type the table does not take. */
    OstoreImage bad = m;
    bad.sha256[0] = 'b';
    snprintf(bad.type, sizeof bad.type, "image/gif");
    assert_int_equal(ostore_image_put(s, cid, &bad, "x", 1, "x", 200), OSTORE_ERROR);
    ostore_close(s);
    tmpdir_remove(d);
}

int main(void)
{
    /* First, alone: on PostgreSQL it empties the tests' database. */
    const struct CMUnitTest first[] = {
        cmocka_unit_test(test_migration_9),
    };
    int rc = cmocka_run_group_tests(first, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upload_refusals),
        cmocka_unit_test(test_upload_serve_publish),
        cmocka_unit_test(test_hourly_limit),
        cmocka_unit_test(test_preview_hourly_limit),
        cmocka_unit_test(test_purge_unused),
    };
    return rc | cmocka_run_group_tests(tests, setup, teardown);
}
