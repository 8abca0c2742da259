/* test_office_messages.c - every refusal a member of staff can meet in the
 * console's forms comes with its message in Chinese (and English): the
 * answer's "text" and each field's "fields_text" have a "zh" with Chinese
 * characters and an "en" (office_msg.h). Walks the forms' refusals through
 * HTTP against a real office (staffsrv.h; SQLite, or PostgreSQL under
 * scripts/pg-test.sh): sign-in, the inbox (state, reply, note, assign),
 * notices, events, channels and the board, posting rules, statistics,
 * kiosks, communities and accounts. Fails on an English-only message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "office_msg.h"
#include "staffsrv.h"

static StaffSrv srv;
static StaffSession admin, mgr, clerk;
static int refusals, field_messages, english_only;

#define PW "correct-horse-1"
#define C "/api/office/communities/cuihu"

static int setup(void **state)
{
    (void)state;
    if (staffsrv_start_team(&srv, PW) < 0 ||
        staffsrv_login(&srv, "root", PW, &admin) != 200 ||
        staffsrv_login(&srv, "wang", PW, &mgr) != 200 ||
        staffsrv_login(&srv, "li", PW, &clerk) != 200)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    return 0;
}

/* A CJK ideograph (U+4E00..U+9FFF) in s. */
static bool has_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if (*p >= 0xE4 && *p <= 0xE9)
            return true;
    return false;
}

static void bilingual(const char *what, json_t *t)
{
    const char *zh = json_string_value(json_object_get(t, "zh"));
    const char *en = json_string_value(json_object_get(t, "en"));
    if (!en || !*en)
        fail_msg("%s: no English text", what);
    if (!zh || !has_cjk(zh)) {   /* said, and counted: every one of a walk is listed */
        print_error("%s: English only: \"%s\"\n", what, en);
        english_only++;
    }
}

/* A refusal with `status`: every message in it has its Chinese. */
static void refused(const char *method, const char *path, const StaffSession *s,
                    const char *body, long status)
{
    StaffResp r;
    long got = staffsrv_req(&srv, method, path, s, NULL, NULL, body, &r);
    if (got != status)
        fail_msg("%s %s %s: %ld, expected %ld: %s", method, path, body ? body : "", got, status,
                 r.body ? r.body : "");
    json_t *err = json_object_get(r.json, "error");
    char what[700];
    snprintf(what, sizeof what, "%s %s %s", method, path, body ? body : "");
    bilingual(what, json_object_get(err, "text"));
    json_t *fields = json_object_get(err, "fields"), *texts = json_object_get(err, "fields_text");
    if (json_object_size(fields) != json_object_size(texts))
        fail_msg("%s: fields and fields_text differ: %s", what, r.body);
    const char *name;
    json_t *v;
    json_object_foreach(texts, name, v) {
        char w[800];
        snprintf(w, sizeof w, "%s: field %s", what, name);
        bilingual(w, v);
        assert_string_equal(json_string_value(json_object_get(v, "en")),
                            json_string_value(json_object_get(fields, name)));
        field_messages++;
    }
    refusals++;
    staffsrv_resp_free(&r);
}

/* A new suggestion's id and version 1 path. */
static int64_t suggestion(const char *key)
{
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, key, "repairs", "路灯坏了", "HJKM6789",
                                     atomic_load(&srv.now) - 3600, NULL);
    assert_true(id > 0);
    return id;
}

/* Each walk ends here: no message was English only. */
static int check_walk(void **state)
{
    (void)state;
    int n = english_only;
    english_only = 0;
    return n ? -1 : 0;
}

static void test_sign_in(void **state)
{
    (void)state;
    refused("POST", "/api/office/login", NULL, "{\"user\":\"wang\",\"password\":\"wrong-one\"}",
            401);
    refused("POST", "/api/office/login", NULL, "[1]", 400);
}

static void test_inbox_forms(void **state)
{
    (void)state;
    char path[120], long_reply[2200] = "", body[2600];
    int64_t id = suggestion("m-1");
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)id);
    refused("POST", path, &mgr, "{\"state\":\"closed\",\"version\":1}", 422);
    refused("POST", path, &mgr, "{\"state\":\"acknowledged\"}", 422);
    for (int i = 0; i < 501; i++)
        strcat(long_reply, "修");
    snprintf(body, sizeof body, "{\"state\":\"acknowledged\",\"version\":1,\"reply_zh\":\"%s\"}",
             long_reply);
    refused("POST", path, &mgr, body, 422);
    refused("POST", path, &mgr, "{\"state\":\"acknowledged\",\"version\":1,\"reply_zh\":\"\"}",
            422);
    refused("POST", path, &mgr, "{\"state\":\"acknowledged\",\"version\":1,\"reply_en\":\"Hi\"}",
            422);
    refused("POST", path, &mgr, "{\"state\":\"acknowledged\",\"version\":1,\"note\":\"\"}", 422);
    refused("POST", path, &mgr, "{\"state\":\"in_progress\",\"version\":1}", 422);
    refused("POST", path, &mgr, "{\"state\":\"acknowledged\",\"version\":7}", 409);
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/assign", (long long)id);
    refused("POST", path, &mgr, "{\"version\":1,\"user\":\"nobody\"}", 422);
    refused("POST", path, &mgr, "{\"version\":1,\"user\":5}", 422);
    refused("POST", path, &mgr, "{\"user\":null}", 422);
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/approve-reply", (long long)id);
    refused("POST", path, &mgr, "{\"version\":1}", 422);
    refused("GET", "/api/office/suggestions?limit=0", &mgr, NULL, 400);
}

#define ITEM(extra) "{\"category\":\"repairs\",\"title\":{\"zh\":\"电梯检修\"}," \
    "\"body\":{\"zh\":\"9:00至17:00。\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\"," \
    "\"expire_at\":\"2027-01-31T00:00:00+08:00\"" extra "}"

static void test_publishing_forms(void **state)
{
    (void)state;
    char long_title[400] = "", body[900];
    for (int i = 0; i < 81; i++)
        strcat(long_title, "通");
    /* notices */
    refused("POST", C "/notices", &mgr, "{\"category\":\"repairs\",\"title\":{\"zh\":\" \"},"
            "\"body\":{},\"publish_at\":\"tomorrow\",\"expire_at\":\"2027-01-31T00:00:00Z\"}", 422);
    snprintf(body, sizeof body, "{\"category\":\"repairs\",\"title\":{\"zh\":\"%s\"},"
             "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
             "\"expire_at\":\"2026-11-01T00:00:00+08:00\"}", long_title);
    refused("POST", C "/notices", &mgr, body, 422);
    refused("POST", C "/notices", &mgr, "{\"category\":\"parties\",\"title\":{\"zh\":\"x\"},"
            "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
            "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}", 422);
    refused("POST", C "/notices", &mgr, "{\"title\": ", 400);
    refused("POST", C "/notices", &mgr, ITEM(",\"status\":\"shown\""), 422);
    refused("POST", C "/notices", &mgr, ITEM(",\"status\":\"withdrawn\""), 422);
    refused("POST", C "/notices", &mgr, ITEM(",\"posting\":\"rent\""), 422);
    refused("POST", C "/notices", &mgr, "{\"category\":\"accounts\",\"title\":{\"zh\":\"收费公示\"},"
            "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
            "\"expire_at\":\"2026-12-01T08:00:00+08:00\",\"posting\":\"fees\"}", 422);   /* too short */
    refused("POST", C "/notices", &mgr, ITEM(",\"id\":\"bad id!\""), 422);
    refused("POST", C "/notices", &mgr, ITEM(",\"from_suggestions\":[1]"), 422);
    /* events */
    refused("POST", C "/events", &mgr, "{\"title\":{\"zh\":\"义诊\"},\"start\":"
            "\"2026-12-10T10:00:00+08:00\",\"end\":\"2026-12-10T09:00:00+08:00\","
            "\"location\":{\"zh\":\"\"}}", 422);
    /* channels */
    refused("POST", C "/channels", &mgr, "{\"kind\":\"fax\",\"label\":{\"zh\":\"物业\"},"
            "\"url\":\"http://example.org\"}", 422);
    refused("POST", C "/channels", &mgr, "{\"kind\":\"hotline\",\"label\":{\"zh\":\"物业\"},"
            "\"url\":\"tel:12\"}", 422);
    refused("POST", C "/channels", &mgr, "{\"kind\":\"hotline\",\"label\":{\"zh\":\"物业\"},"
            "\"url\":\"tel:0571-abc\"}", 422);
    refused("POST", C "/channels", &mgr, "{\"kind\":\"website\",\"label\":{\"zh\":\"物业\"},"
            "\"url\":\"https://a b\"}", 422);
    /* the board */
    int64_t open = suggestion("m-board");
    snprintf(body, sizeof body, "{\"from_suggestions\":[%lld]}", (long long)open);
    refused("POST", C "/board", &mgr, body, 422);
    refused("POST", C "/board", &mgr, "{\"from_suggestions\":[999999]}", 422);
    refused("POST", C "/board", &mgr, "{\"from_suggestions\":[]}", 422);
    /* an update without its version, a stale one */
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "POST", C "/notices", &mgr, NULL, NULL, ITEM(""), &r),
                     201);
    char path[200];
    snprintf(path, sizeof path, C "/notices/%s",
             json_string_value(json_object_get(r.json, "id")));
    staffsrv_resp_free(&r);
    refused("PUT", path, &mgr, ITEM(""), 422);
    refused("PUT", path, &mgr, ITEM(",\"version\":9"), 409);
    refused("PUT", path, &mgr, ITEM(",\"version\":1,\"id\":\"other\""), 422);
    /* a picture that is not there */
    refused("POST", C "/notices", &mgr, ITEM(",\"images\":[{\"sha256\":\"" "0123456789abcdef"
            "0123456789abcdef0123456789abcdef0123456789abcdef\",\"alt\":{\"zh\":\"图\"}}]"), 422);
    /* posting rules, statistics */
    refused("PUT", C "/posting-rules", &mgr, "{\"fees\":{\"every_months\":0,\"min_days\":400},"
            "\"rent\":{}}", 422);
    refused("GET", C "/stats?from=2026-13&to=x", &mgr, NULL, 422);
    refused("GET", C "/stats?from=2020-01&to=2026-12", &mgr, NULL, 422);
}

static void test_kiosk_forms(void **state)
{
    (void)state;
    refused("POST", C "/kiosks", &mgr, "{\"name\":\"a/b\"}", 422);
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "POST", C "/kiosks", &mgr, NULL, NULL,
                                  "{\"name\":\"lobby-2\"}", &r), 201);
    staffsrv_resp_free(&r);
    refused("POST", C "/kiosks", &mgr, "{\"name\":\"lobby-2\"}", 409);
}

static void test_account_forms(void **state)
{
    (void)state;
    refused("POST", "/api/office/communities", &admin, "{\"slug\":\"Lake Side\",\"name_zh\":\"\"}",
            422);
    refused("POST", "/api/office/communities", &admin, "{\"slug\":\"cuihu\",\"name_zh\":\"翠湖\"}",
            409);
    refused("POST", "/api/office/users", &admin, "{\"name\":\"a b\",\"password\":\"short\","
            "\"role\":\"boss\",\"communities\":[\"nowhere\"]}", 422);
    refused("POST", "/api/office/users", &admin, "{\"name\":\"zhou\",\"password\":\"long-enough-1\","
            "\"role\":\"manager\",\"communities\":[\"nowhere\"]}", 422);
    refused("POST", "/api/office/users", &admin, "{\"name\":\"zhou\",\"password\":\"long-enough-1\","
            "\"role\":\"manager\",\"communities\":[]}", 422);
    refused("POST", "/api/office/users", &admin, "{\"name\":\"wang\",\"password\":\"long-enough-1\","
            "\"role\":\"manager\",\"communities\":[\"cuihu\"]}", 409);
    refused("PUT", "/api/office/users/wang", &admin, "{\"role\":\"boss\"}", 422);
    refused("PUT", "/api/office/users/wang", &admin, "{\"role\":\"manager\","
            "\"communities\":[\"cuihu\"],\"version\":99}", 409);
    refused("PUT", "/api/office/users/root", &admin, "{\"role\":\"manager\","
            "\"communities\":[\"cuihu\"],\"version\":1}", 422);
    refused("POST", "/api/office/users/root/disable", &admin, "{\"version\":1}", 422);
    refused("POST", "/api/office/users/wang/password", &admin, "{\"password\":\"short\","
            "\"version\":1}", 422);
}

/* The table itself: a wording it knows, with and without its field; one
 * it does not know has no Chinese (so the walk above can fail). */
static void test_the_table(void **state)
{
    (void)state;
    char zh[300];
    assert_true(office_msg_zh("too long (81 characters, at most 80)", zh, sizeof zh));
    assert_string_equal(zh, "太长了：81 个字，最多 80 个字。");
    assert_true(office_msg_zh("reply_zh: expected 1 to 500 characters", zh, sizeof zh));
    assert_string_equal(zh, "中文回复：请填 1 到 500 个字。");
    assert_true(office_msg_zh("\"ftp://x\" must start with https://", zh, sizeof zh));
    assert_string_equal(zh, "“ftp://x”应以 https:// 开头。");
    assert_false(office_msg_zh("something nobody wrote down", zh, sizeof zh));
    assert_string_equal(zh, "");
    json_t *a = json_pack("{s:{s:i,s:s,s:s}}", "error", "status", 422, "code", "invalid_field",
                          "message", "state: something new");
    office_msg_annotate(a);
    json_t *e = json_object_get(a, "error");
    assert_string_equal(json_string_value(json_object_get(json_object_get(e, "fields"),
                                                          "state")), "something new");
    assert_null(json_object_get(json_object_get(e, "text"), "zh"));
    json_decref(a);
    print_message("%d refusals walked, %d field messages, every one in Chinese\n", refusals,
                  field_messages);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sign_in, check_walk),
        cmocka_unit_test_teardown(test_inbox_forms, check_walk),
        cmocka_unit_test_teardown(test_publishing_forms, check_walk),
        cmocka_unit_test_teardown(test_kiosk_forms, check_walk),
        cmocka_unit_test_teardown(test_account_forms, check_walk),
        cmocka_unit_test(test_the_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
