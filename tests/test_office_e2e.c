/* test_office_e2e.c - the whole path between a real kiosk and a real
 * office (issue 13's "Done when"), on the engine of the tests (SQLite, or
 * PostgreSQL under scripts/pg-test.sh): `kioskctl enroll` with a one-time
 * code writes the kiosk's settings; suggestions and a rating made on the
 * real build/kiosk (replay) reach build/office through `kioskctl upload`,
 * sealed, and are stored exactly once however often the upload runs; the
 * staff API (signed in as a real user) lists them, acknowledges one with a
 * reply and publishes a notice; both reach the kiosk at its next `kioskctl
 * sync` and are on its screen (the notices screen, and "Check a reply"
 * with the receipt code typed in: frames read back as text and as PNGs);
 * the public reply page /r/CODE shows the reply for that code and nothing
 * of it for any other code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kioskrun.h"
#include "officesrv.h"
#include "ostore.h"
#include "proc.h"
#include "staffsrv.h"
#include "tmpdir.h"

#define NOW "2026-12-01T10:00:00+08:00"

static char *dir, *conf;
static OfficeSrv srv;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    conf = tmpdir_path(dir, "kiosk.conf");
    return kioskrun_conf(conf, dir,
                         "; upload_url =\nupload_times =\nupload_batch_min = 1\n"
                         "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n"
                         "connect_timeout_s = 2\ntransfer_timeout_s = 5\n");
}

static int teardown(void **state)
{
    (void)state;
    int rc = officesrv_stop(&srv);
    free(conf);
    tmpdir_remove(dir);
    return rc == 0 ? 0 : -1;
}

/* Copy `from` to DIR/name (a screenshot kept for a person to look at). */
static void copy_file(const char *from, const char *to_dir, const char *name)
{
    char *data = tmpdir_read(from);
    char to[600];
    snprintf(to, sizeof to, "%s/%s", to_dir, name);
    FILE *f = data ? fopen(to, "wb") : NULL;
    struct stat st;
    if (f && stat(from, &st) == 0)
        fwrite(data, 1, (size_t)st.st_size, f);
    if (f)
        fclose(f);
    free(data);
}

static int kioskctl(char **out, char **err, const char *a, const char *b, const char *c)
{
    return kioskrun_ctl(conf, out, err, a, b, c);
}

/* Play a replay script on the real kiosk with the enrolled settings. */
static void kiosk(const char *script)
{
    kioskrun_replay(dir, conf, NOW, script);
}

static void type(char *buf, size_t n, const char *word)
{
    for (const char *p = word; *p; p++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "tap @key:%c\n", *p);
    }
}

typedef struct {
    int n;
    char texts[4][64];
    char receipts[4][16];
} Seen;

static int seen_row(void *ud, const OstoreSuggestionRow *r)
{
    Seen *s = ud;
    assert_true(r->sealed);          /* the kiosk sealed them with the office's key */
    assert_false(r->unreadable);     /* and the office opened them */
    if (s->n < 4) {
        snprintf(s->texts[s->n], sizeof s->texts[0], "%s", r->text ? r->text : "");
        snprintf(s->receipts[s->n], sizeof s->receipts[0], "%s", r->receipt);
    }
    s->n++;
    return 0;
}

/* What the office has stored for community cuihu. */
static void office_has(int suggestions, int64_t ratings4, Seen *seen)
{
    char err[300];
    Ostore *s = ostore_open(srv.db, err, sizeof err);
    assert_non_null(s);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    memset(seen, 0, sizeof *seen);
    assert_int_equal(ostore_suggestion_list(s, c.id, seen_row, seen), OSTORE_OK);
    assert_int_equal(seen->n, suggestions);
    int64_t counts[6];
    assert_int_equal(ostore_rating_counts(s, c.id, "2026-12", counts), OSTORE_OK);
    assert_int_equal(counts[4], ratings4);
    ostore_close(s);
}

static void test_enrolled_kiosk_uploads_and_shows_a_notice(void **state)
{
    (void)state;
    /* The office's content, then the kiosk's enrolment. */
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "content", "import", "cuihu",
                                   "assets/content/sample.json", NULL), 0);
    char code[10];
    assert_int_equal(officesrv_add_kiosk(&srv, "lobby-east", code), 0);
    char *out = NULL, *err = NULL;
    int rc = kioskctl(&out, &err, "enroll", srv.url, code);
    if (rc != 0)
        fail_msg("enroll: %d %s", rc, err ? err : "");
    assert_non_null(strstr(out, "enrolled as cuihu/lobby-east"));
    assert_non_null(strstr(out, "sealed mode on"));
    char *settings = tmpdir_read(conf);
    assert_non_null(settings);
    const char *tok = strstr(settings, "device_token = ");
    assert_non_null(tok);
    char token[80];
    assert_int_equal(sscanf(tok, "device_token = %79s", token), 1);
    assert_null(strstr(out, token));                 /* never printed */
    assert_null(strstr(err, token));
    assert_non_null(strstr(settings, "; the kiosk's settings before enrolment"));   /* kept */
    assert_non_null(strstr(settings, "upload_url = http://127.0.0.1:"));
    assert_non_null(strstr(settings, "allow_http_loopback = true"));
    assert_non_null(strstr(settings, "office_public_key = "));
    struct stat st;
    assert_int_equal(stat(conf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(settings);
    free(out);
    free(err);
    /* The code is spent. */
    assert_int_equal(kioskctl(NULL, &err, "enroll", srv.url, code), 2);
    assert_non_null(strstr(err, "used already"));
    free(err);

    /* Residents: a rating and two suggestions on the real kiosk. */
    char script[4096] = "tap @rate:4\n";
    const char *words[2] = {"lamp", "noisy"};
    for (int i = 0; i < 2; i++) {
        size_t l = strlen(script);
        snprintf(script + l, sizeof script - l, "tap @tile:suggest\ntap @topic:repairs\n"
                 "tap @mode:abc\n");
        type(script, sizeof script, words[i]);
        l = strlen(script);
        snprintf(script + l, sizeof script - l, "tap @next\ntap @anonymous\ntap @send\n"
                 "tap @done\n");
    }
    kiosk(script);

    /* Upload, twice (the second finds nothing new): stored exactly once. */
    rc = kioskctl(&out, &err, "upload", NULL, NULL);
    if (rc != 0)
        fail_msg("upload: %d %s %s", rc, out ? out : "", err ? err : "");
    free(out);
    free(err);
    assert_int_equal(kioskctl(NULL, NULL, "upload", NULL, NULL), 0);
    Seen seen;
    office_has(2, 1, &seen);
    bool lamp = false, noisy = false;
    for (int i = 0; i < 2; i++) {
        lamp |= strcmp(seen.texts[i], "lamp") == 0;
        noisy |= strcmp(seen.texts[i], "noisy") == 0;
    }
    assert_true(lamp && noisy);

    /* Staff, signed in through the API: the inbox shows both; the lamp
     * one is acknowledged with a reply, and a notice is published. */
    StaffSrv api = {0};
    snprintf(api.url, sizeof api.url, "%s", srv.url);
    StaffSession admin;
    assert_int_equal(staffsrv_login(&api, "admin", OFFICESRV_PASSWORD, &admin), 200);
    StaffResp r;
    assert_int_equal(staffsrv_req(&api, "GET", "/api/office/suggestions?community=cuihu", &admin,
                                  NULL, NULL, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    json_int_t lamp_id = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *it = json_array_get(items, i);
        const char *t = json_string_value(json_object_get(it, "text"));
        assert_non_null(t);
        assert_string_equal(json_string_value(json_object_get(it, "state")), "new");
        if (strcmp(t, "lamp") == 0)
            lamp_id = json_integer_value(json_object_get(it, "id"));
    }
    assert_true(lamp_id > 0);
    staffsrv_resp_free(&r);
    /* The rating (4 stars, in the kiosk's month) in the statistics. */
    assert_int_equal(staffsrv_req(&api, "GET",
                                  "/api/office/communities/cuihu/stats?from=2026-12&to=2026-12",
                                  &admin, NULL, NULL, NULL, &r), 200);
    json_t *ratings = json_object_get(json_array_get(json_object_get(r.json, "months"), 0),
                                      "ratings");
    assert_int_equal(json_integer_value(json_object_get(ratings, "n")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(ratings, "counts"),
                                                        "4")), 1);
    staffsrv_resp_free(&r);
    const char *lamp_receipt = strcmp(seen.texts[0], "lamp") == 0 ? seen.receipts[0]
                                                                   : seen.receipts[1];
    const char *other_receipt = lamp_receipt == seen.receipts[0] ? seen.receipts[1]
                                                                 : seen.receipts[0];
    assert_int_equal(strlen(lamp_receipt), 8);
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)lamp_id);
    assert_int_equal(staffsrv_req(&api, "POST", path, &admin, NULL, NULL,
                                  "{\"state\":\"acknowledged\",\"version\":1,"
                                  "\"reply_zh\":\"已收到，明天换灯泡。\","
                                  "\"reply_en\":\"Received; new bulb tomorrow.\"}", &r), 200);
    staffsrv_resp_free(&r);
    snprintf(body, sizeof body,
             "{\"id\":\"lift-repair-20261201\",\"category\":\"repairs\",\"urgent\":true,"
             "\"title\":{\"zh\":\"三号楼电梯今日维修\",\"en\":\"Lift repair today\"},"
             "\"body\":{\"zh\":\"维修时间9:00至17:00。\"},"
             "\"publish_at\":\"2026-12-01T08:00:00+08:00\","
             "\"expire_at\":\"2026-12-31T00:00:00+08:00\",\"status\":\"published\"}");
    long pst = staffsrv_req(&api, "POST", "/api/office/communities/cuihu/notices", &admin, NULL,
                           NULL, body, &r);
    if (pst != 201)
        fail_msg("publish: %ld %s", pst, r.body ? r.body : "");
    staffsrv_resp_free(&r);

    /* The kiosk's next sync brings both. */
    rc = kioskctl(&out, &err, "sync", NULL, NULL);
    if (rc != 0)
        fail_msg("sync: %d %s %s", rc, out ? out : "", err ? err : "");
    free(out);
    free(err);
    /* Unchanged since: the office answers 304 and the kiosk keeps it. */
    assert_int_equal(kioskctl(NULL, NULL, "sync", NULL, NULL), 0);

    char *dump = tmpdir_path(dir, "notices.txt"), *png = tmpdir_path(dir, "notices.png");
    snprintf(script, sizeof script, "tap @tile:notices\ndump %s\nshot %s\n", dump, png);
    kiosk(script);
    char *frame = tmpdir_read(dump);
    assert_non_null(frame);
    assert_non_null(strstr(frame, "screen notices\n"));
    assert_non_null(strstr(frame, "hit notice:lift-repair-20261201 "));
    assert_non_null(strstr(frame, "三号楼电梯今日维修"));
    char *img = tmpdir_read(png);
    assert_non_null(img);
    assert_memory_equal(img, "\x89PNG", 4);
    if (getenv("OFFICE_E2E_KEEP"))
        copy_file(png, getenv("OFFICE_E2E_KEEP"), "notices.png");
    free(img);
    free(frame);
    free(dump);
    free(png);

    /* "Check a reply" with the lamp suggestion's receipt typed in. */
    dump = tmpdir_path(dir, "reply.txt");
    png = tmpdir_path(dir, "reply.png");
    snprintf(script, sizeof script, "tap @tile:reply\ntap @code:clear\n");
    for (const char *p = lamp_receipt; *p; p++) {
        size_t l = strlen(script);
        snprintf(script + l, sizeof script - l, "tap @code:%c\n", *p);
    }
    size_t l = strlen(script);
    snprintf(script + l, sizeof script - l, "tap @code:ok\ndump %s\nshot %s\n", dump, png);
    kiosk(script);
    frame = tmpdir_read(dump);
    assert_non_null(frame);
    assert_non_null(strstr(frame, "screen reply\n"));
    assert_non_null(strstr(frame, "已收到，明天换灯泡。"));
    char shown[16];
    snprintf(shown, sizeof shown, "%.4s-%.4s", lamp_receipt, lamp_receipt + 4);
    assert_non_null(strstr(frame, shown));
    img = tmpdir_read(png);
    assert_non_null(img);
    assert_memory_equal(img, "\x89PNG", 4);
    if (getenv("OFFICE_E2E_KEEP"))   /* to look at it: OFFICE_E2E_KEEP=/some/dir */
        copy_file(png, getenv("OFFICE_E2E_KEEP"), "reply.png");
    free(img);
    free(frame);
    free(dump);
    free(png);

    /* The public reply page: the reply for that code, nothing of it for
     * the other suggestion's code or for an unknown one. */
    snprintf(path, sizeof path, "/r/%s", lamp_receipt);
    assert_int_equal(staffsrv_req(&api, "GET", path, NULL, "", NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "已收到，明天换灯泡。"));
    assert_non_null(strstr(r.body, shown));
    staffsrv_resp_free(&r);
    snprintf(path, sizeof path, "/r/%s", other_receipt);
    assert_int_equal(staffsrv_req(&api, "GET", path, NULL, "", NULL, NULL, &r), 200);
    assert_null(strstr(r.body, "明天换灯泡"));
    assert_null(strstr(r.body, "lamp"));
    staffsrv_resp_free(&r);
    staffsrv_req(&api, "GET", "/r/2345-6789", NULL, "", NULL, NULL, &r);
    assert_non_null(r.body);
    assert_null(strstr(r.body, "明天换灯泡"));
    staffsrv_resp_free(&r);

    /* And nothing was stored twice after all of it. */
    office_has(2, 1, &seen);
}

static void test_enroll_refusals(void **state)
{
    (void)state;
    char *err = NULL;
    /* Plain http to another host is refused before anything is sent. */
    assert_int_equal(kioskctl(NULL, &err, "enroll", "http://office.example.cn", "2345-6789"), 2);
    assert_non_null(strstr(err, "enroll"));
    free(err);
    /* An unknown code: the office's reason. */
    assert_int_equal(kioskctl(NULL, &err, "enroll", srv.url, "2345-6789"), 2);
    assert_non_null(strstr(err, "unknown or expired enrolment code"));
    free(err);
    assert_int_equal(kioskctl(NULL, &err, "enroll", srv.url, NULL), 2);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enrolled_kiosk_uploads_and_shows_a_notice),
        cmocka_unit_test(test_enroll_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
