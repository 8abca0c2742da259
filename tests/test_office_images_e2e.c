/* test_office_images_e2e.c - issue 16's "Done when", office to kiosk, on
 * the engine of the tests (SQLite, or PostgreSQL under scripts/pg-test.sh):
 * a picture uploaded through the staff API of a real build/office and
 * published on a notice reaches a real kiosk enrolled with `kioskctl
 * enroll` at its next `kioskctl sync` (fetched once, by its SHA-256) and
 * is drawn on the notice's detail (the frame names it; the screenshot has
 * its colour where the frame puts it); a picture whose bytes the office
 * serves changed (tampered: the hash no longer matches) is refused by the
 * kiosk, named in `kioskctl sync`'s message, never cached, and its notice
 * shows its text without it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "image.h"
#include "kioskrun.h"
#include "officesrv.h"
#include "ostore_priv.h"
#include "proc.h"
#include "staffsrv.h"
#include "testimg.h"
#include "tmpdir.h"

#define NOW "2026-12-01T10:00:00+08:00"

static char *dir, *conf;
static OfficeSrv srv;
static StaffSrv api;
static StaffSession admin;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    conf = tmpdir_path(dir, "kiosk.conf");
    if (kioskrun_conf(conf, dir, "upload_times =\nconnect_timeout_s = 2\ntransfer_timeout_s = 10\n") < 0)
        return -1;
    snprintf(api.url, sizeof api.url, "%s", srv.url);
    return staffsrv_login(&api, "admin", OFFICESRV_PASSWORD, &admin) == 200 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    int rc = officesrv_stop(&srv);
    free(conf);
    tmpdir_remove(dir);
    return rc == 0 ? 0 : -1;
}

static int kioskctl(char **out, char **err, const char *a, const char *b, const char *c)
{
    return kioskrun_ctl(conf, out, err, a, b, c);
}

/* Play `script` on the real kiosk; the frame's dump and screenshot paths. */
static void kiosk(const char *script)
{
    kioskrun_replay(dir, conf, NOW, script);
}

/* Upload a picture as admin: its SHA-256 into hash. */
static void upload(const unsigned char *buf, size_t len, char hash[65])
{
    StaffResp r;
    long st = staffsrv_req_bin(&api, "POST", "/api/office/communities/cuihu/images", &admin,
                               NULL, "image/png", buf, len, NULL, &r);
    if (st != 201)
        fail_msg("upload: %ld %s", st, r.body ? r.body : "");
    snprintf(hash, 65, "%s", json_string_value(json_object_get(r.json, "sha256")));
    image_sha256_hex(buf, len, hash);
    assert_string_equal(json_string_value(json_object_get(r.json, "sha256")), hash);
    staffsrv_resp_free(&r);
}

/* Publish notice `id` with the one picture `hash`. */
static void publish(const char *id, const char *title, const char *hash)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"category\":\"notice\",\"title\":{\"zh\":\"%s\"},"
             "\"body\":{\"zh\":\"详见盖章通知。\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
             "\"expire_at\":\"2026-12-31T00:00:00+08:00\",\"status\":\"published\","
             "\"images\":[{\"sha256\":\"%s\",\"alt\":{\"zh\":\"盖章的通知\","
             "\"en\":\"The stamped notice\"}}]}", id, title, hash);
    StaffResp r;
    long st = staffsrv_req(&api, "POST", "/api/office/communities/cuihu/notices", &admin, NULL,
                           NULL, body, &r);
    if (st != 201)
        fail_msg("publish: %ld %s", st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
}

/* The detail of notice `id` on the kiosk: the frame's text and the
 * screenshot decoded (RGBA). */
static char *detail(const char *id, ImagePixels *px)
{
    char *dump = tmpdir_path(dir, "detail.txt"), *png = tmpdir_path(dir, "detail.png");
    char script[1024];
    snprintf(script, sizeof script, "tap @tile:notices\ntap @notice:%s\ndump %s\nshot %s\n", id,
             dump, png);
    kiosk(script);
    char *frame = tmpdir_read(dump);
    assert_non_null(frame);
    struct stat st;
    assert_int_equal(stat(png, &st), 0);
    char *img = tmpdir_read(png);
    char err[300];
    if (image_decode_fit(img, (size_t)st.st_size, 4000, 4000, px, err, sizeof err) != IMAGE_OK)
        fail_msg("the screenshot: %s", err);
    if (getenv("OFFICE_E2E_KEEP")) {   /* to look at it: OFFICE_E2E_KEEP=/some/dir */
        char to[600];
        snprintf(to, sizeof to, "%s/picture-%s.png", getenv("OFFICE_E2E_KEEP"), id);
        testimg_save(to, img, (size_t)st.st_size);
    }
    free(img);
    free(dump);
    free(png);
    return frame;
}

static void test_uploaded_picture_shows_and_tampered_one_is_refused(void **state)
{
    (void)state;
    char code[10];
    assert_int_equal(officesrv_add_kiosk(&srv, "lobby-east", code), 0);
    char *out = NULL, *err = NULL;
    int rc = kioskctl(&out, &err, "enroll", srv.url, code);
    if (rc != 0)
        fail_msg("enroll: %d %s", rc, err ? err : "");
    free(out);
    free(err);

    /* A red picture, uploaded and published on a notice. */
    size_t len;
    unsigned char *red = testimg_png(600, 400, TESTIMG_SOLID, 200, 20, 20, 255, 0, &len);
    char hash[65];
    upload(red, len, hash);
    publish("stamped-20261201", "东区停水通知", hash);

    /* The kiosk's sync brings the notice and then its picture, once. */
    rc = kioskctl(&out, &err, "sync", NULL, NULL);
    if (rc != 0)
        fail_msg("sync: %d %s %s", rc, out ? out : "", err ? err : "");
    assert_non_null(strstr(out, "pictures: 1 needed, 1 present, 1 fetched, 0 refused"));
    free(out);
    free(err);
    char cached[700];
    snprintf(cached, sizeof cached, "%s/kiosk/images/%s", dir, hash);
    char *copy = tmpdir_read(cached);
    assert_non_null(copy);
    assert_memory_equal(copy, red, len);
    free(copy);
    rc = kioskctl(&out, &err, "sync", NULL, NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "1 present, 0 fetched"));
    free(out);
    free(err);

    /* On the notice's detail: the frame names it, the screenshot shows it. */
    ImagePixels px;
    char *frame = detail("stamped-20261201", &px);
    assert_non_null(strstr(frame, "东区停水通知"));
    const char *line = strstr(frame, "\nimage ");
    int x = 0, y = 0, w = 0, h = 0;
    char drawn[65] = "";
    if (!line || sscanf(line, "\nimage %d %d %d %d %64s", &x, &y, &w, &h, drawn) != 5 ||
        strcmp(drawn, hash) != 0)
        fail_msg("no picture %s in the frame:\n%s", hash, frame);
    assert_true(w > 20 && h > 20);
    assert_int_equal(px.w, 1280);
    const uint8_t *p = px.px + ((size_t)(y + h / 2) * (size_t)px.w + (size_t)(x + w / 2)) * 4;
    if (!(p[0] > 170 && p[1] < 60 && p[2] < 60))
        fail_msg("the picture's middle (%d,%d) is %d,%d,%d, not red", x + w / 2, y + h / 2,
                 p[0], p[1], p[2]);
    image_pixels_free(&px);
    free(frame);

    /* Tampered: the office serves other bytes under a second picture's
     * hash (its stored file changed behind its back). */
    unsigned char *blue = testimg_png(600, 400, TESTIMG_SOLID, 20, 20, 200, 255, 0, &len);
    char bhash[65];
    upload(blue, len, bhash);
    size_t glen;
    unsigned char *green = testimg_png(600, 400, TESTIMG_SOLID, 20, 200, 20, 255, 0, &glen);
    size_t n = sodium_base64_encoded_len(glen, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(n);
    sodium_bin2base64(b64, n, green, glen, sodium_base64_VARIANT_ORIGINAL);
    char e2[300];
    Ostore *s = ostore_open(srv.db, e2, sizeof e2);
    assert_non_null(s);
    assert_int_equal(ostore_done(s, ostore_prep(s, "UPDATE image SET data = ?, bytes = ?"
                                                " WHERE sha256 = ?", "tit", b64, (int64_t)glen,
                                                bhash)), OSTORE_OK);
    assert_int_equal(ostore_changes(s), 1);
    ostore_close(s);
    free(b64);
    publish("tampered-20261201", "被篡改的图片", bhash);
    rc = kioskctl(&out, &err, "sync", NULL, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "content updated"));
    assert_non_null(strstr(out, "1 refused"));
    char name[24];
    snprintf(name, sizeof name, "%.16s", bhash);
    assert_non_null(strstr(err, name));
    assert_non_null(strstr(err, "SHA-256"));
    free(out);
    free(err);
    snprintf(cached, sizeof cached, "%s/kiosk/images/%s", dir, bhash);
    struct stat st;
    assert_int_equal(stat(cached, &st), -1);   /* never kept */
    /* The notice shows its text, without the picture; the first still shows. */
    frame = detail("tampered-20261201", &px);
    assert_non_null(strstr(frame, "被篡改的图片"));
    assert_null(strstr(frame, bhash));
    image_pixels_free(&px);
    free(frame);
    frame = detail("stamped-20261201", &px);
    assert_non_null(strstr(frame, hash));
    image_pixels_free(&px);
    free(frame);
    free(red);
    free(blue);
    free(green);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uploaded_picture_shows_and_tampered_one_is_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
