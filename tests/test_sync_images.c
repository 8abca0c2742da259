/* test_sync_images.c - sync_images over HTTPS: each picture fetched once
 * and kept when its hash matches; a tampered, bogus or bomb picture is
 * refused, not fetched again, and reported in the heartbeat; the token
 * goes only to the content's own origin; eviction spares what is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "faultsrv.h"
#include "http.h"
#include "image.h"
#include "imgcache.h"
#include "store.h"
#include "sync.h"
#include "sync_fix.h"
#include "testimg.h"
#include "tmpdir.h"

typedef SyncFix Fix;

static int setup(void **state)
{
    Fix *f = calloc(1, sizeof *f);
    if (!f || sync_fix_open(f, true, false) < 0)
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

/* Serve `len` bytes at path. */
static void serve_file(Fix *f, const char *path, const unsigned char *buf, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(n);
    sodium_bin2base64(b64, n, buf, len, sodium_base64_VARIANT_ORIGINAL);
    json_t *o = json_pack("{s:s, s:s}", "path", path, "b64", b64);
    char *txt = json_dumps(o, JSON_COMPACT);
    json_decref(faultsrv_ctl(&f->fs, "/file", txt));
    free(txt);
    json_decref(o);
    free(b64);
}

/* Import a document whose one notice has pictures: n entries of (url, hash). */
static void import_doc(Fix *f, int n, const char *const *urls, const char *const *hashes)
{
    char imgs[4096] = "";
    for (int i = 0; i < n; i++) {
        char one[512];
        snprintf(one, sizeof one, "%s{\"url\":\"%s\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"图\"},"
                 "\"width\":32,\"height\":32}", i ? "," : "", urls[i], hashes[i]);
        strcat(imgs, one);
    }
    char json[6000];
    snprintf(json, sizeof json,
             "{\"site\":{\"name\":{\"zh\":\"翠湖\"}},\"events\":[],\"channels\":[],"
             "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"标题\"},"
             "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
             "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":[%s]}]}", imgs);
    char err[300];
    if (store_import_json(f->store, json, strlen(json), err, sizeof err) < 0)
        fail_msg("%s", err);
}

static long long requests_of(Fix *f, const char *path)
{
    json_t *st = faultsrv_state(&f->fs);
    long long n = json_integer_value(json_object_get(json_object_get(st, "file_requests"), path));
    json_decref(st);
    return n;
}

static void test_fetch_once_and_refuse(void **state)
{
    Fix *f = *state;
    size_t na, nb, nc;
    unsigned char *a = testimg_png(32, 32, TESTIMG_SOLID, 1, 2, 3, 255, 0, &na);
    unsigned char *b = testimg_png(32, 32, TESTIMG_SOLID, 4, 5, 6, 255, 0, &nb);
    unsigned char *bomb = testimg_png(32, 32, TESTIMG_SOLID, 7, 8, 9, 255, 0, &nc);
    testimg_png_set_size(bomb, 50000, 50000);
    char ha[65], hb[65], hbomb[65];
    image_sha256_hex(a, na, ha);
    image_sha256_hex(b, nb, hb);
    image_sha256_hex(bomb, nc, hbomb);
    serve_file(f, "/img/a.png", a, na);
    serve_file(f, "/img/tampered.png", a, na);     /* served for b's hash */
    serve_file(f, "/img/bomb.png", bomb, nc);
    char ua[300], ut[300], ub[300], um[300];
    snprintf(ua, sizeof ua, "%s/img/a.png", f->fs.base);
    snprintf(ut, sizeof ut, "%s/img/tampered.png", f->fs.base);
    snprintf(ub, sizeof ub, "%s/img/bomb.png", f->fs.base);
    snprintf(um, sizeof um, "%s/img/missing.png", f->fs.base);
    /* a twice (fetched once), the tampered one, the bomb, a 404. */
    char hmissing[65];
    image_sha256_hex("x", 1, hmissing);
    import_doc(f, 5, (const char *const[]){ ua, ua, ut, ub, um },
               (const char *const[]){ ha, ha, hb, hbomb, hmissing });
    SyncImages si;
    char why[300];
    assert_int_equal(sync_images(f->sync, &si, why, sizeof why), 0);
    assert_int_equal(si.needed, 4);
    assert_int_equal(si.fetched, 1);
    assert_int_equal(si.present, 1);
    assert_int_equal(si.refused, 2);
    assert_int_equal(si.failed, 1);
    assert_int_equal(requests_of(f, "/img/a.png"), 1);
    char err[300];
    ImgCache *c = imgcache_open(f->dir, 0, err, sizeof err);
    assert_true(imgcache_has(c, ha));
    assert_false(imgcache_has(c, hb));                 /* the tampered bytes are not kept */
    char reason[300];
    assert_true(imgcache_refused(c, hb, reason, sizeof reason));
    assert_non_null(strstr(reason, "wrong SHA-256"));
    assert_true(imgcache_refused(c, hbomb, reason, sizeof reason));
    assert_non_null(strstr(reason, "50000 x 50000"));
    /* The token went to the content's own origin. */
    json_t *st = faultsrv_state(&f->fs);
    assert_string_equal(json_string_value(json_object_get(json_object_get(st, "file_auth"),
                                                          "/img/a.png")), "Bearer tok");
    json_decref(st);
    /* Again: nothing is fetched twice, refusals are not retried, the 404 is. */
    assert_int_equal(sync_images(f->sync, &si, why, sizeof why), 0);
    assert_int_equal(si.fetched, 0);
    assert_int_equal(si.present, 1);
    assert_int_equal(si.refused, 2);
    assert_int_equal(si.failed, 1);
    assert_int_equal(requests_of(f, "/img/a.png"), 1);
    assert_int_equal(requests_of(f, "/img/tampered.png"), 1);
    assert_int_equal(requests_of(f, "/img/bomb.png"), 1);
    /* The heartbeat reports the pictures. */
    SyncHeartbeat hbt = {.now_ms = 1, .disk_free_bytes = -1};
    char *hjson = sync_heartbeat_json(f->sync, &hbt);
    json_t *h = json_loads(hjson, 0, NULL);
    json_t *im = json_object_get(h, "images");
    assert_int_equal(json_integer_value(json_object_get(im, "needed")), 4);
    assert_int_equal(json_integer_value(json_object_get(im, "missing")), 3);
    assert_int_equal(json_integer_value(json_object_get(im, "refused")), 2);
    assert_non_null(strstr(json_string_value(json_object_get(im, "last_error")), "picture"));
    json_decref(h);
    free(hjson);
    imgcache_close(c);
    free(a);
    free(b);
    free(bomb);
}

static void test_other_origin_gets_no_token(void **state)
{
    Fix *f = *state;
    size_t na;
    unsigned char *a = testimg_png(32, 32, TESTIMG_SOLID, 11, 2, 3, 255, 0, &na);
    char ha[65], url[300];
    image_sha256_hex(a, na, ha);
    serve_file(f, "/img/other.png", a, na);
    /* The same server by another name is another origin. */
    snprintf(url, sizeof url, "https://localhost:%d/img/other.png", f->fs.port);
    import_doc(f, 1, (const char *const[]){ url }, (const char *const[]){ ha });
    SyncImages si;
    char why[300];
    assert_int_equal(sync_images(f->sync, &si, why, sizeof why), 0);
    assert_int_equal(si.fetched, 1);
    json_t *st = faultsrv_state(&f->fs);
    assert_string_equal(json_string_value(json_object_get(json_object_get(st, "file_auth"),
                                                          "/img/other.png")), "");
    json_decref(st);
    free(a);
}

static void test_no_content(void **state)
{
    Fix *f = *state;
    SyncImages si;
    char why[300];
    assert_int_equal(sync_images(f->sync, &si, why, sizeof why), -1);
    assert_non_null(strstr(why, "no content"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fetch_once_and_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_origin_gets_no_token, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
