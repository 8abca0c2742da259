/* test_office_fleet_api.c - the staff fleet endpoints (docs/OFFICE-API.md,
 * "Fleet") over HTTP against a server in this process with a fake clock,
 * on the engine of the tests (SQLite, or PostgreSQL under
 * scripts/pg-test.sh): the kiosk list, enrolment, revocation, the alert
 * list and acknowledgement, proof of posting; each one's success and each
 * refusal (no session, no CSRF token, a clerk where a manager is needed,
 * another community's kiosk or alert, bad input), and that a refusal
 * changes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ostore.h"
#include "staffsrv.h"

static StaffSrv srv;

#define PW "correct-horse-1"

static int setup(void **state)
{
    (void)state;
    return staffsrv_start_team(&srv, PW);
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    return 0;
}

static void advance(int64_t s)
{
    atomic_fetch_add(&srv.now, s);
}

static StaffSession login(const char *user)
{
    return staffsrv_login_ok(&srv, user, PW);
}

/* Expect status and error code of a request. */
static void expect(const char *method, const char *path, const StaffSession *ses,
                   const char *csrf, const char *body, long status, const char *code)
{
    StaffResp r;
    long st = staffsrv_req(&srv, method, path, ses, csrf, NULL, body, &r);
    if (st != status || (code && strcmp(staffsrv_code(&r), code) != 0))
        fail_msg("%s %s: expected %ld %s, got %ld %s", method, path, status, code ? code : "",
                 st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
}

/* The same, keeping the answer (free it with staffsrv_resp_free). */
static void expect_json(const char *method, const char *path, const StaffSession *ses,
                        const char *body, long status, StaffResp *r)
{
    long st = staffsrv_req(&srv, method, path, ses, NULL, NULL, body, r);
    if (st != status)
        fail_msg("%s %s: expected %ld, got %ld %s", method, path, status, st,
                 r->body ? r->body : "");
    assert_non_null(r->json);
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int64_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* How many audit rows have `action`. */
static int audits(const char *action)
{
    StaffSession a = login("root");
    StaffResp r;
    expect_json("GET", "/api/office/audit?limit=200", &a, NULL, 200, &r);
    int n = 0;
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        n += strcmp(jstr(it, "action"), action) == 0;
    staffsrv_resp_free(&r);
    return n;
}

/* A kiosk request with its bearer token: the status. */
static size_t sink(char *p, size_t size, size_t n, void *ud)
{
    (void)p; (void)ud;
    return size * n;
}

static long kiosk_post(const char *path, const char *token, const char *body)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    char url[300], auth[200];
    snprintf(url, sizeof url, "%s%s", srv.url, path);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *h = curl_slist_append(NULL, auth);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    long status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* The ids of the kiosks a list answer holds, as a count per community. */
static void kiosk_counts(json_t *arr, int *cuihu, int *other)
{
    *cuihu = *other = 0;
    json_t *it;
    size_t i;
    json_array_foreach(arr, i, it) {
        *cuihu += strcmp(jstr(it, "community"), "cuihu") == 0;
        *other += strcmp(jstr(it, "community"), "other") == 0;
    }
}

static void test_kiosk_list(void **state)
{
    (void)state;
    expect("GET", "/api/office/kiosks", NULL, NULL, NULL, 401, "unauthorized");
    StaffSession li = login("li"), zhao = login("zhao"), root = login("root");
    StaffResp r;
    int c, o;
    /* A clerk sees the kiosks of the communities held, judged now. */
    expect_json("GET", "/api/office/kiosks", &li, NULL, 200, &r);
    kiosk_counts(r.json, &c, &o);
    assert_true(c >= 1);
    assert_int_equal(o, 0);
    json_t *k = json_array_get(r.json, 0);
    assert_int_equal(jint(k, "id"), srv.kiosk_cuihu);
    assert_string_equal(jstr(k, "state"), "never");
    assert_true(json_is_null(json_object_get(k, "last_heartbeat_at")));
    assert_true(json_is_array(json_object_get(k, "flags")));
    staffsrv_resp_free(&r);
    expect_json("GET", "/api/office/kiosks", &zhao, NULL, 200, &r);
    kiosk_counts(r.json, &c, &o);
    assert_int_equal(c, 0);
    assert_true(o >= 1);
    staffsrv_resp_free(&r);
    expect_json("GET", "/api/office/kiosks", &root, NULL, 200, &r);
    kiosk_counts(r.json, &c, &o);
    assert_true(c >= 1 && o >= 1);
    staffsrv_resp_free(&r);
    /* In order of community and name, each with the same fields. */
    static const char *const fields[] = {
        "id", "community", "name", "state", "since", "flags", "last_heartbeat_at", "last_seen_at",
        "content_version", "display", "queue", "version", "enrolled_at", "revoked_at"};
    json_t *it;
    size_t i;
    json_array_foreach(r.json, i, it) {
        assert_int_equal(json_object_size(it), sizeof fields / sizeof fields[0]);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
            assert_non_null(json_object_get(it, fields[f]));
        if (i == 0)
            continue;
        json_t *prev = json_array_get(r.json, i - 1);
        int cc = strcmp(jstr(prev, "community"), jstr(it, "community"));
        assert_true(cc < 0 || (cc == 0 && strcmp(jstr(prev, "name"), jstr(it, "name")) < 0));
    }
    staffsrv_resp_free(&r);
    expect_json("GET", "/api/office/kiosks?community=other", &root, NULL, 200, &r);
    kiosk_counts(r.json, &c, &o);
    assert_true(c == 0 && o >= 1);
    staffsrv_resp_free(&r);
    /* Another community, or none such: not found. */
    expect("GET", "/api/office/kiosks?community=other", &li, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/kiosks?community=nowhere", &root, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/kiosks?community=%27%3B%20DROP", &root, NULL, NULL, 404,
           "not_found");
}

/* The list's entry for kiosk `id` (NULL when absent). */
static json_t *kiosk_entry(json_t *arr, int64_t id)
{
    json_t *it;
    size_t i;
    json_array_foreach(arr, i, it)
        if (jint(it, "id") == id)
            return it;
    return NULL;
}

/* The list judges each kiosk now: a change is recorded once (since: when
 * judged), a standing state is answered as recorded. */
static void test_kiosk_list_judged(void **state)
{
    (void)state;
    StaffSession wang = login("wang");
    StaffResp r;
    expect_json("POST", "/api/office/communities/cuihu/kiosks", &wang,
                "{\"name\":\"lobby-judged\"}", 201, &r);
    int64_t id = jint(r.json, "id");
    char enrol[64];
    snprintf(enrol, sizeof enrol, "{\"code\":\"%s\"}", jstr(r.json, "code"));
    staffsrv_resp_free(&r);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    assert_true(json_is_null(json_object_get(kiosk_entry(r.json, id), "last_seen_at")));
    staffsrv_resp_free(&r);
    int64_t enrolled_at = atomic_load(&srv.now);
    expect_json("POST", "/api/enrol", NULL, enrol, 200, &r);
    char token[80];
    snprintf(token, sizeof token, "%s", jstr(r.json, "device_token"));
    staffsrv_resp_free(&r);
    /* Enrolled, no heartbeat yet: never, but seen (the console says so);
     * seen is kept to the minute. */
    advance(61);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    assert_string_equal(jstr(kiosk_entry(r.json, id), "state"), "never");
    assert_int_equal(jint(kiosk_entry(r.json, id), "last_seen_at"), enrolled_at);
    staffsrv_resp_free(&r);
    assert_int_equal(kiosk_post("/api/heartbeat", token, "{\"v\":1}"), 200);
    int64_t hb_at = atomic_load(&srv.now);
    advance(5);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    json_t *k = kiosk_entry(r.json, id);
    assert_non_null(k);
    assert_int_equal(jint(k, "last_heartbeat_at"), hb_at);
    assert_int_equal(jint(k, "last_seen_at"), hb_at);
    char first[32];
    snprintf(first, sizeof first, "%s", jstr(k, "state"));
    int64_t since = jint(k, "since");
    assert_true(since <= atomic_load(&srv.now));
    staffsrv_resp_free(&r);
    advance(5);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    k = kiosk_entry(r.json, id);
    assert_string_equal(jstr(k, "state"), first);
    assert_int_equal(jint(k, "since"), since);
    staffsrv_resp_free(&r);
    /* No heartbeat for a day: late from the moment the list judged it. */
    advance(24 * 3600);
    wang = login("wang");
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    k = kiosk_entry(r.json, id);
    assert_string_equal(jstr(k, "state"), "late");
    int64_t late_at = atomic_load(&srv.now);
    assert_int_equal(jint(k, "since"), late_at);
    assert_int_equal(jint(k, "last_heartbeat_at"), hb_at);
    staffsrv_resp_free(&r);
    advance(60);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    k = kiosk_entry(r.json, id);
    assert_string_equal(jstr(k, "state"), "late");
    assert_int_equal(jint(k, "since"), late_at);
    staffsrv_resp_free(&r);
}

static void test_enrol_and_revoke(void **state)
{
    (void)state;
    const char *path = "/api/office/communities/cuihu/kiosks";
    const char *body = "{\"name\":\"lobby-west\"}";
    StaffSession wang = login("wang"), li = login("li"), zhao = login("zhao");
    int added = audits("kiosk.add");
    /* Refusals, none of which makes a kiosk. */
    expect("POST", path, NULL, NULL, body, 401, "unauthorized");
    expect("POST", path, &wang, "", body, 403, "csrf");
    expect("POST", path, &wang, "wrong-token", body, 403, "csrf");
    expect("POST", path, &li, NULL, body, 403, "forbidden");
    expect("POST", path, &zhao, NULL, body, 404, "not_found");
    expect("POST", "/api/office/communities/nowhere/kiosks", &wang, NULL, body, 404,
           "not_found");
    expect("POST", path, &wang, NULL, "{\"name\":", 400, "bad_json");
    expect("POST", path, &wang, NULL, "[\"lobby-west\"]", 400, "bad_json");
    expect("POST", path, &wang, NULL, "{\"name\":\"a\\u0000b\"}", 400, "invalid_utf8");
    expect("POST", path, &wang, NULL, "{}", 422, "invalid_field");
    expect("POST", path, &wang, NULL, "{\"name\":\"\"}", 422, "invalid_field");
    expect("POST", path, &wang, NULL, "{\"name\":5}", 422, "invalid_field");
    expect("POST", path, &wang, NULL, "{\"name\":\"a/b\"}", 422, "invalid_field");
    expect("POST", path, &wang, NULL, "{\"name\":\"tab\\there\"}", 422, "invalid_field");
    char longname[160];
    snprintf(longname, sizeof longname, "{\"name\":\"%0101d\"}", 0);
    expect("POST", path, &wang, NULL, longname, 422, "invalid_field");
    StaffResp r;
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    size_t before = json_array_size(r.json);
    staffsrv_resp_free(&r);
    assert_int_equal(audits("kiosk.add"), added);

    /* A manager of the community: a kiosk and its one-time code. */
    expect_json("POST", path, &wang, body, 201, &r);
    assert_string_equal(jstr(r.json, "community"), "cuihu");
    assert_string_equal(jstr(r.json, "name"), "lobby-west");
    const char *code = jstr(r.json, "code");
    assert_int_equal(strlen(code), 9);
    assert_int_equal(code[4], '-');
    assert_int_equal(jint(r.json, "expires_at"), atomic_load(&srv.now) + 24 * 3600);
    assert_non_null(strstr(jstr(r.json, "command"), "enroll "));
    assert_non_null(strstr(jstr(r.json, "command"), code));
    int64_t id = jint(r.json, "id");
    char enrol[64];
    snprintf(enrol, sizeof enrol, "{\"code\":\"%s\"}", code);
    staffsrv_resp_free(&r);
    assert_int_equal(audits("kiosk.add"), added + 1);
    expect("POST", path, &wang, NULL, body, 409, "exists");
    expect_json("GET", "/api/office/kiosks?community=cuihu", &wang, NULL, 200, &r);
    assert_int_equal(json_array_size(r.json), before + 1);
    staffsrv_resp_free(&r);

    /* The code enrols the kiosk (once); its token works. */
    expect_json("POST", "/api/enrol", NULL, enrol, 200, &r);
    char token[80];
    snprintf(token, sizeof token, "%s", jstr(r.json, "device_token"));
    assert_true(strlen(token) > 32);
    staffsrv_resp_free(&r);
    expect("POST", "/api/enrol", NULL, NULL, enrol, 409, NULL);
    assert_int_equal(kiosk_post("/api/heartbeat", token, "{\"v\":1}"), 200);

    /* Revoking: the same refusals first, none of which revokes. */
    char rpath[80];
    snprintf(rpath, sizeof rpath, "/api/office/kiosks/%lld/revoke", (long long)id);
    int revoked = audits("kiosk.revoke");
    expect("POST", rpath, NULL, NULL, "", 401, "unauthorized");
    expect("POST", rpath, &wang, "", "", 403, "csrf");
    expect("POST", rpath, &li, NULL, "", 403, "forbidden");
    expect("POST", rpath, &zhao, NULL, "", 404, "not_found");
    expect("POST", "/api/office/kiosks/999999/revoke", &wang, NULL, "", 404, "not_found");
    expect("POST", "/api/office/kiosks/abc/revoke", &wang, NULL, "", 404, "not_found");
    expect("POST", "/api/office/kiosks/-1/revoke", &wang, NULL, "", 404, "not_found");
    assert_int_equal(kiosk_post("/api/heartbeat", token, "{\"v\":1}"), 200);
    assert_int_equal(audits("kiosk.revoke"), revoked);
    /* Revoked: its requests get 401 from now on; once only. */
    advance(60);
    expect_json("POST", rpath, &wang, "", 200, &r);
    assert_int_equal(jint(r.json, "id"), id);
    assert_string_equal(jstr(r.json, "name"), "lobby-west");
    assert_int_equal(jint(r.json, "revoked_at"), atomic_load(&srv.now));
    staffsrv_resp_free(&r);
    assert_int_equal(kiosk_post("/api/heartbeat", token, "{\"v\":1}"), 401);
    expect("POST", rpath, &wang, NULL, "", 409, "revoked");
    assert_int_equal(audits("kiosk.revoke"), revoked + 1);
    expect_json("GET", "/api/office/kiosks?community=cuihu", &li, NULL, 200, &r);
    json_t *it;
    size_t i;
    bool seen = false;
    json_array_foreach(r.json, i, it) {
        if (jint(it, "id") == id) {
            seen = true;
            assert_string_equal(jstr(it, "state"), "revoked");
            assert_int_equal(jint(it, "revoked_at"), atomic_load(&srv.now));
        }
    }
    assert_true(seen);
    staffsrv_resp_free(&r);
}

/* An alert for kiosk `kid`: its state moves to `to` (a fault) now. */
static int64_t make_alert(int64_t kid, const char *to)
{
    OstoreKioskStatus old;
    assert_int_not_equal(ostore_fleet_status(srv.store, kid, &old), OSTORE_ERROR);
    old.kiosk_id = kid;
    int64_t id = 0;
    assert_int_equal(ostore_fleet_set_state(srv.store, &old, to, "", true, false,
                                            atomic_load(&srv.now), &id), OSTORE_OK);
    assert_true(id > 0);
    return id;
}

static void test_alerts_and_ack(void **state)
{
    (void)state;
    int64_t a1 = make_alert(srv.kiosk_cuihu, "late");
    advance(10);
    int64_t theirs = make_alert(srv.kiosk_other, "late");
    advance(10);
    int64_t a2 = make_alert(srv.kiosk_cuihu, "online");
    StaffSession wang = login("wang"), li = login("li"), zhao = login("zhao");
    expect("GET", "/api/office/alerts", NULL, NULL, NULL, 401, "unauthorized");
    /* A clerk reads the community's alerts, newest first, never another's. */
    StaffResp r;
    expect_json("GET", "/api/office/alerts", &li, NULL, 200, &r);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(jint(json_array_get(items, 0), "id"), a2);
    assert_int_equal(jint(json_array_get(items, 1), "id"), a1);
    json_t *first = json_array_get(items, 1);
    assert_string_equal(jstr(first, "community"), "cuihu");
    assert_string_equal(jstr(first, "to"), "late");
    assert_string_equal(jstr(first, "webhook"), "off");
    assert_true(json_is_null(json_object_get(first, "acked_at")));
    assert_true(json_is_null(json_object_get(r.json, "next")));
    staffsrv_resp_free(&r);
    expect_json("GET", "/api/office/alerts?community=other", &zhao, NULL, 200, &r);
    items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(jint(json_array_get(items, 0), "id"), theirs);
    staffsrv_resp_free(&r);
    /* Pages of one. */
    expect_json("GET", "/api/office/alerts?limit=1", &li, NULL, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    int64_t next = jint(r.json, "next");
    assert_int_equal(next, a2);
    staffsrv_resp_free(&r);
    char path[120];
    snprintf(path, sizeof path, "/api/office/alerts?limit=1&before=%lld", (long long)next);
    expect_json("GET", path, &li, NULL, 200, &r);
    assert_int_equal(jint(json_array_get(json_object_get(r.json, "items"), 0), "id"), a1);
    staffsrv_resp_free(&r);
    /* Bad queries and other communities. */
    expect("GET", "/api/office/alerts?limit=0", &li, NULL, NULL, 400, "bad_query");
    expect("GET", "/api/office/alerts?limit=201", &li, NULL, NULL, 400, "bad_query");
    expect("GET", "/api/office/alerts?limit=x", &li, NULL, NULL, 400, "bad_query");
    expect("GET", "/api/office/alerts?community=other", &li, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/alerts?community=nowhere", &li, NULL, NULL, 404, "not_found");

    /* Acknowledging: refusals change nothing. */
    snprintf(path, sizeof path, "/api/office/alerts/%lld/ack", (long long)a1);
    int acked = audits("alert.ack");
    expect("POST", path, NULL, NULL, "", 401, "unauthorized");
    expect("POST", path, &wang, "", "", 403, "csrf");
    expect("POST", path, &li, NULL, "", 403, "forbidden");
    expect("POST", path, &zhao, NULL, "", 404, "not_found");
    expect("POST", "/api/office/alerts/999999/ack", &wang, NULL, "", 404, "not_found");
    expect("POST", "/api/office/alerts/x/ack", &wang, NULL, "", 404, "not_found");
    OstoreAlert a;
    assert_int_equal(ostore_alert_get(srv.store, a1, &a), OSTORE_OK);
    assert_int_equal(a.acked_at, 0);
    assert_int_equal(audits("alert.ack"), acked);
    /* The manager's: the item back, acknowledged; again changes nothing. */
    advance(30);
    int64_t when = atomic_load(&srv.now);
    expect_json("POST", path, &wang, "", 200, &r);
    assert_int_equal(jint(r.json, "id"), a1);
    assert_int_equal(jint(r.json, "acked_at"), when);
    assert_string_equal(jstr(r.json, "acked_by"), "wang");
    staffsrv_resp_free(&r);
    advance(30);
    StaffSession root = login("root");
    expect_json("POST", path, &root, "", 200, &r);
    assert_int_equal(jint(r.json, "acked_at"), when);
    assert_string_equal(jstr(r.json, "acked_by"), "wang");
    staffsrv_resp_free(&r);
    assert_int_equal(audits("alert.ack"), acked + 1);
}

static void test_posting_refusals(void **state)
{
    (void)state;
    StaffSession li = login("li"), zhao = login("zhao");
    const char *path = "/api/office/communities/cuihu/postings/fund-2026h1";
    expect("GET", path, NULL, NULL, NULL, 401, "unauthorized");
    expect("GET", path, &zhao, NULL, NULL, 404, "not_found");
    /* A notice the community's content never held. */
    expect("GET", path, &li, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/communities/nowhere/postings/x", &li, NULL, NULL, 404,
           "not_found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kiosk_list),
        cmocka_unit_test(test_enrol_and_revoke),
        cmocka_unit_test(test_alerts_and_ack),
        cmocka_unit_test(test_posting_refusals),
        cmocka_unit_test(test_kiosk_list_judged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
