/* test_imgcache.c - the picture cache: hash-checked puts, refusals kept,
 * damaged files dropped, LRU eviction that spares what content needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "image.h"
#include "imgcache.h"
#include "testimg.h"
#include "tmpdir.h"

typedef struct {
    unsigned char *buf;
    size_t len;
    char hex[65];
} Pic;

/* A distinct small PNG (its colour from `i`) and its hash. */
static Pic pic_make(int i, int side)
{
    Pic p;
    p.buf = testimg_png(side, side, TESTIMG_SOLID, (uint8_t)i, 7, 9, 255, 0, &p.len);
    assert_non_null(p.buf);
    image_sha256_hex(p.buf, p.len, p.hex);
    return p;
}

/* Set the picture's last use to `t` seconds (the LRU order) without sleeping. */
static void set_used(const char *dir, const char *hex, time_t t)
{
    char path[512];
    snprintf(path, sizeof path, "%s/images/%s", dir, hex);
    struct timespec ts[2] = { { t, 0 }, { t, 0 } };
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_put_get(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char err[300];
    ImgCache *c = imgcache_open(dir, 0, err, sizeof err);
    assert_non_null(c);
    Pic p = pic_make(1, 20);
    assert_false(imgcache_has(c, p.hex));
    assert_int_equal(imgcache_put(c, p.hex, p.buf, p.len, err, sizeof err), 0);
    assert_true(imgcache_has(c, p.hex));
    assert_int_equal(imgcache_bytes(c), (int64_t)p.len);
    unsigned char *got;
    size_t n;
    assert_int_equal(imgcache_get(c, p.hex, &got, &n, err, sizeof err), 0);
    assert_int_equal(n, p.len);
    assert_memory_equal(got, p.buf, n);
    free(got);
    /* Again: nothing changes. */
    assert_int_equal(imgcache_put(c, p.hex, p.buf, p.len, err, sizeof err), 0);
    /* Names other than 64 hex digits never reach the file system. */
    assert_false(imgcache_has(c, "../kiosk.db"));
    assert_int_equal(imgcache_get(c, "../kiosk.db", &got, &n, err, sizeof err), -1);
    assert_int_equal(imgcache_put(c, "ABC", p.buf, p.len, err, sizeof err), -1);
    free(p.buf);
    imgcache_close(c);
    tmpdir_remove(dir);
}

static void test_refusals(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char err[300], why[300];
    ImgCache *c = imgcache_open(dir, 0, err, sizeof err);
    Pic p = pic_make(2, 20), q = pic_make(3, 20);
    /* A tampered picture: the bytes do not match the content's hash. */
    assert_int_equal(imgcache_put(c, p.hex, q.buf, q.len, err, sizeof err), -1);
    assert_non_null(strstr(err, "wrong SHA-256"));
    assert_false(imgcache_has(c, p.hex));
    assert_true(imgcache_refused(c, p.hex, why, sizeof why));
    assert_non_null(strstr(why, "wrong SHA-256"));
    /* The right bytes later clear the mark. */
    assert_int_equal(imgcache_put(c, p.hex, p.buf, p.len, err, sizeof err), 0);
    assert_false(imgcache_refused(c, p.hex, why, sizeof why));
    /* Not a picture, with its own hash: refused by the header check. */
    char hex[65];
    image_sha256_hex("<html>", 6, hex);
    assert_int_equal(imgcache_put(c, hex, "<html>", 6, err, sizeof err), -1);
    assert_string_equal(err, "not a PNG or JPEG picture");
    assert_true(imgcache_refused(c, hex, why, sizeof why));
    /* A bomb with its own hash. */
    unsigned char *bomb = q.buf;
    testimg_png_set_size(bomb, 50000, 50000);
    image_sha256_hex(bomb, q.len, hex);
    assert_int_equal(imgcache_put(c, hex, bomb, q.len, err, sizeof err), -1);
    assert_non_null(strstr(err, "50000 x 50000"));
    free(p.buf);
    free(q.buf);
    imgcache_close(c);
    tmpdir_remove(dir);
}

static void test_damaged_on_disk(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char err[300];
    ImgCache *c = imgcache_open(dir, 0, err, sizeof err);
    Pic p = pic_make(4, 20);
    assert_int_equal(imgcache_put(c, p.hex, p.buf, p.len, err, sizeof err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/images/%s", dir, p.hex);
    assert_int_equal(tmpdir_write(path, p.buf, p.len / 2), 0);   /* cut short */
    unsigned char *got;
    size_t n;
    assert_int_equal(imgcache_get(c, p.hex, &got, &n, err, sizeof err), -1);
    assert_non_null(strstr(err, "damaged; removed"));
    assert_null(got);
    assert_false(imgcache_has(c, p.hex));
    free(p.buf);
    imgcache_close(c);
    tmpdir_remove(dir);
}

/* A document with one notice needing the picture `hex`. */
static Content *content_needing(const char *hex)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"site\":{\"name\":{\"zh\":\"翠湖\"}},\"events\":[],\"channels\":[],"
             "\"notices\":[{\"id\":\"n1\",\"category\":\"notice\",\"title\":{\"zh\":\"标题\"},"
             "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\","
             "\"expire_at\":\"2027-01-01T00:00:00+08:00\",\"images\":[{\"url\":"
             "\"https://o.example/a.png\",\"sha256\":\"%s\",\"alt\":{\"zh\":\"图\"},"
             "\"width\":20,\"height\":20}]}]}", hex);
    char err[300];
    Content *c = content_parse(json, strlen(json), err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    return c;
}

static void test_evict_lru_spares_needed(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char err[300];
    Pic p[5];
    for (int i = 0; i < 5; i++)
        p[i] = pic_make(10 + i, 40);
    /* Room for about three of them. */
    int64_t bound = (int64_t)(p[0].len + p[1].len + p[2].len);
    ImgCache *c = imgcache_open(dir, bound, err, sizeof err);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(imgcache_put(c, p[i].hex, p[i].buf, p[i].len, err, sizeof err), 0);
        set_used(dir, p[i].hex, 1000000 + i);   /* p[0] least recently used */
    }
    /* The current content needs the oldest one: it stays; p[1] and p[2]
     * (the next oldest) go. */
    Content *keep = content_needing(p[0].hex);
    int removed = imgcache_evict(c, keep);
    assert_int_equal(removed, 2);
    assert_true(imgcache_has(c, p[0].hex));
    assert_false(imgcache_has(c, p[1].hex));
    assert_false(imgcache_has(c, p[2].hex));
    assert_true(imgcache_has(c, p[3].hex));
    assert_true(imgcache_has(c, p[4].hex));
    assert_true(imgcache_bytes(c) <= bound);
    /* Using a picture makes it the last to go. */
    unsigned char *got;
    size_t n;
    set_used(dir, p[3].hex, 1000000);
    assert_int_equal(imgcache_get(c, p[3].hex, &got, &n, err, sizeof err), 0);
    free(got);
    assert_int_equal(imgcache_put(c, p[1].hex, p[1].buf, p[1].len, err, sizeof err), 0);
    set_used(dir, p[1].hex, 1000001);
    assert_int_equal(imgcache_evict(c, keep), 1);   /* over by one: p[1] (older than p[4]) */
    assert_false(imgcache_has(c, p[1].hex));
    assert_true(imgcache_has(c, p[3].hex));
    assert_true(imgcache_has(c, p[4].hex));
    /* Within the bound nothing goes, needed or not. */
    assert_int_equal(imgcache_evict(c, NULL), 0);
    content_free(keep);
    /* A bound smaller than what content needs: the needed picture stays. */
    imgcache_close(c);
    c = imgcache_open(dir, 1, err, sizeof err);
    keep = content_needing(p[4].hex);
    assert_int_equal(imgcache_evict(c, keep), 2);
    assert_true(imgcache_has(c, p[4].hex));
    assert_false(imgcache_has(c, p[0].hex));
    content_free(keep);
    for (int i = 0; i < 5; i++)
        free(p[i].buf);
    imgcache_close(c);
    tmpdir_remove(dir);
}

static void test_bad_marks_forgotten(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char err[300];
    ImgCache *c = imgcache_open(dir, 0, err, sizeof err);
    Pic p = pic_make(5, 20), q = pic_make(6, 20);
    assert_int_equal(imgcache_put(c, p.hex, q.buf, q.len, err, sizeof err), -1);
    Content *keep = content_needing(p.hex);
    imgcache_evict(c, keep);
    assert_true(imgcache_refused(c, p.hex, NULL, 0));   /* still named */
    content_free(keep);
    imgcache_evict(c, NULL);
    assert_false(imgcache_refused(c, p.hex, NULL, 0));  /* no longer named: forgotten */
    free(p.buf);
    free(q.buf);
    imgcache_close(c);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_damaged_on_disk),
        cmocka_unit_test(test_evict_lru_spares_needed),
        cmocka_unit_test(test_bad_marks_forgotten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
