/* test_office_publish.c - the publishing API of a real build/office over
 * HTTP with real staff sessions: field errors from the kiosk's own
 * validation, the clerk -> manager approval flow (a clerk's approve is
 * 403), another community's items are 404, a stale form is 409, a double
 * submitted form creates once, only published items reach the kiosks'
 * feed (new ETag, not in another community's feed), withdrawing takes
 * them off, board items from closed suggestions without their text,
 * statutory postings with their minimum period and next due date, channel
 * codes' days left, monthly statistics checked against hand-made data
 * (JSON and CSV with BOM), a draft drawn by the kiosk's own renderer
 * (preview) and a form not saved yet drawn without storing anything, and a real kiosk synced against the office showing a notice
 * published through the API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "kioskrun.h"
#include "officesrv.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "proc.h"
#include "testdb.h"
#include "tmpdir.h"

static char *dir;
static OfficeSrv srv;
static char token_cuihu[80], token_other[80];

/* ---- a small HTTP client with a staff session ---- */

typedef struct {
    char cookie[128];
    char csrf[64];
} Sess;

typedef struct {
    long status;
    char *body;
    size_t len;
    char etag[128], ctype[128], cookie[128];
    json_t *json;
} Resp;

static Sess admin, manager, clerk, other_manager;

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    Resp *r = ud;
    size_t add = size * n;
    char *b = realloc(r->body, r->len + add + 1);
    assert_non_null(b);
    memcpy(b + r->len, p, add);
    r->body = b;
    r->len += add;
    b[r->len] = '\0';
    return add;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t on)
{
    size_t k = strlen(name);
    if (n > k && strncasecmp(line, name, k) == 0) {
        const char *v = line + k;
        size_t len = n - k;
        while (len && (*v == ' '))
            v++, len--;
        while (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
            len--;
        snprintf(out, on, "%.*s", (int)len, v);
    }
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    Resp *r = ud;
    size_t len = size * n;
    header_value(p, len, "ETag:", r->etag, sizeof r->etag);
    header_value(p, len, "Content-Type:", r->ctype, sizeof r->ctype);
    char set[256] = "";
    header_value(p, len, "Set-Cookie:", set, sizeof set);
    if (strncmp(set, "lk_session=", 11) == 0)
        snprintf(r->cookie, sizeof r->cookie, "%.*s", (int)strcspn(set, ";"), set);
    return len;
}

/* One request; the answer's JSON (when it is JSON) in r->json. Free with resp_free. */
static long call(const char *method, const char *path, const char *body, const Sess *s,
                 const char *idem, const char *bearer, const char *inm, Resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *h = NULL;
    char line[300];
    h = curl_slist_append(h, "Content-Type: application/json");
    if (s && s->cookie[0]) {
        snprintf(line, sizeof line, "Cookie: %s", s->cookie);
        h = curl_slist_append(h, line);
        snprintf(line, sizeof line, "X-CSRF-Token: %s", s->csrf);
        h = curl_slist_append(h, line);
    }
    if (idem) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", idem);
        h = curl_slist_append(h, line);
    }
    if (bearer) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", bearer);
        h = curl_slist_append(h, line);
    }
    if (inm) {
        snprintf(line, sizeof line, "If-None-Match: %s", inm);
        h = curl_slist_append(h, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, officesrv_url(&srv, path));
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r->body && strstr(r->ctype, "json"))
        r->json = json_loads(r->body, 0, NULL);
    return r->status;
}

static void resp_free(Resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* A request whose answer must have `status`; the answer kept in *r. */
static void expect(const char *method, const char *path, const char *body, const Sess *s,
                   long status, Resp *r)
{
    call(method, path, body, s, NULL, NULL, NULL, r);
    if (r->status != status)
        fail_msg("%s %s: expected %ld, got %ld %s", method, path, status, r->status,
                 r->body ? r->body : "");
}

static void expect_code(const char *method, const char *path, const char *body, const Sess *s,
                        long status, const char *code)
{
    Resp r;
    expect(method, path, body, s, status, &r);
    const char *got = json_string_value(json_object_get(json_object_get(r.json, "error"),
                                                        "code"));
    if (!got || strcmp(got, code) != 0)
        fail_msg("%s %s: expected %s, got %s", method, path, code, r.body ? r.body : "");
    resp_free(&r);
}

static const char *jstr(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_int_t jint(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

static void login(const char *user, const char *password, Sess *s)
{
    char body[200];
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\"}", user, password);
    Resp r;
    Sess none = {{0}, {0}};
    expect("POST", "/api/office/login", body, &none, 200, &r);
    assert_true(r.cookie[0]);
    snprintf(s->cookie, sizeof s->cookie, "%s", r.cookie);
    snprintf(s->csrf, sizeof s->csrf, "%s", jstr(r.json, "csrf"));
    resp_free(&r);
}

static void add_user(const char *name, const char *role, const char *community)
{
    char body[300];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\",\"role\":\"%s\","
             "\"communities\":[\"%s\"]}", name, OFFICESRV_PASSWORD, role, community);
    Resp r;
    expect("POST", "/api/office/users", body, &admin, 201, &r);
    resp_free(&r);
}

/* Enrol a kiosk of a community with the API's code: its device token. */
static void enrol(const char *community, const char *name, char *tok, size_t n)
{
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "kiosk", "add", community, name, NULL), 0);
    char code[10], body[64];
    const char *p = strstr(out, "enrolment code ");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "enrolment code %9s", code), 1);
    free(out);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    Resp r;
    expect("POST", "/api/enrol", body, NULL, 200, &r);
    snprintf(tok, n, "%s", jstr(r.json, "device_token"));
    resp_free(&r);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 ||
        officesrv_ctl(&srv, NULL, NULL, "community", "add", "other", "别的小区", "Other", NULL) ||
        officesrv_start(&srv) < 0)
        return -1;
    login("admin", OFFICESRV_PASSWORD, &admin);
    add_user("wang", "manager", "cuihu");
    add_user("li", "clerk", "cuihu");
    add_user("zhao", "manager", "other");
    login("wang", OFFICESRV_PASSWORD, &manager);
    login("li", OFFICESRV_PASSWORD, &clerk);
    login("zhao", OFFICESRV_PASSWORD, &other_manager);
    enrol("cuihu", "lobby-1", token_cuihu, sizeof token_cuihu);
    enrol("other", "lobby-9", token_other, sizeof token_other);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    int rc = officesrv_stop(&srv);
    tmpdir_remove(dir);
    return rc == 0 ? 0 : -1;
}

/* The community's feed as a kiosk gets it: its ETag and body. */
static void feed(const char *token, char *etag, size_t n, char **body)
{
    Resp r;
    call("GET", "/api/content", NULL, NULL, NULL, token, NULL, &r);
    assert_int_equal(r.status, 200);
    snprintf(etag, n, "%s", r.etag);
    *body = r.body;
    r.body = NULL;
    resp_free(&r);
}

#define NOTICES "/api/office/communities/cuihu/notices"
#define NOTICE(id, title) "{\"id\":\"" id "\",\"category\":\"repairs\",\"urgent\":true," \
    "\"title\":{\"zh\":\"" title "\",\"en\":\"Lift repair\"},\"body\":{\"zh\":\"9:00至17:00。\"}," \
    "\"publish_at\":\"2026-11-30T08:00:00+08:00\",\"expire_at\":\"2027-01-31T00:00:00+08:00\"}"

static void test_field_errors_from_the_kiosks_validation(void **state)
{
    (void)state;
    const char *bad = "{\"category\":\"repair\",\"title\":{\"en\":\"x\"},"
                      "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-12-01T09:00\","
                      "\"expire_at\":\"2026-12-31T00:00:00+08:00\",\"link\":\"http://a.cn\"}";
    Resp r;
    expect("POST", NOTICES, bad, &clerk, 422, &r);
    json_t *e = json_object_get(r.json, "error");
    assert_string_equal(jstr(e, "code"), "invalid_field");
    json_t *f = json_object_get(e, "fields");
    /* Every problem, by field name, in the kiosk's own words. */
    assert_non_null(strstr(jstr(f, "category"), "unknown category \"repair\""));
    assert_string_equal(jstr(f, "title.zh"), "missing (Chinese text is required)");
    assert_non_null(strstr(jstr(f, "publish_at"), "missing UTC offset"));
    assert_non_null(strstr(jstr(f, "link"), "must start with https://"));
    assert_int_equal(json_object_size(f), 4);
    resp_free(&r);
    /* expire_at before publish_at; a status that is not one. */
    expect("POST", NOTICES, "{\"category\":\"notice\",\"title\":{\"zh\":\"标题\"},\"body\":{\"zh\":\"x\"},"
           "\"publish_at\":\"2026-12-02T00:00Z\",\"expire_at\":\"2026-12-01T00:00Z\","
           "\"status\":\"live\"}", &manager, 422, &r);
    f = json_object_get(json_object_get(r.json, "error"), "fields");
    assert_string_equal(jstr(f, "expire_at"), "must be after publish_at");
    assert_non_null(jstr(f, "status"));
    resp_free(&r);
    /* Nothing was made. */
    expect("GET", NOTICES, NULL, &clerk, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    resp_free(&r);
    /* Bad JSON is a 400 as everywhere. */
    expect_code("POST", NOTICES, "{\"title\":", &clerk, 400, "bad_json");
}

static void test_clerk_drafts_manager_publishes_kiosks_get_it(void **state)
{
    (void)state;
    char etag0[128], etag_other[128], *doc;
    feed(token_cuihu, etag0, sizeof etag0, &doc);
    free(doc);
    feed(token_other, etag_other, sizeof etag_other, &doc);
    free(doc);

    /* A clerk's draft: not in the feed. */
    Resp r;
    expect("POST", NOTICES, NOTICE("lift-20261201", "三号楼电梯维修"), &clerk, 201, &r);
    assert_string_equal(jstr(r.json, "status"), "draft");
    assert_int_equal(jint(r.json, "version"), 1);
    assert_false(json_is_true(json_object_get(r.json, "live")));
    assert_string_equal(jstr(r.json, "created_by"), "li");
    resp_free(&r);
    char etag[128];
    feed(token_cuihu, etag, sizeof etag, &doc);
    assert_null(strstr(doc, "lift-20261201"));
    assert_string_equal(etag, etag0);
    free(doc);

    /* A clerk may not publish or approve; may submit. */
    expect_code("POST", NOTICES "/lift-20261201/approve", "{\"version\":1}", &clerk, 403,
                "forbidden");
    expect_code("POST", NOTICES "/lift-20261201/publish", "{\"version\":1}", &clerk, 403,
                "forbidden");
    expect_code("PUT", NOTICES "/lift-20261201", "{\"status\":\"published\",\"version\":1,"
                "\"category\":\"notice\"}", &clerk, 403, "forbidden");
    expect("POST", NOTICES "/lift-20261201/submit", "{\"version\":1}", &clerk, 200, &r);
    assert_string_equal(jstr(r.json, "status"), "pending");
    assert_string_equal(jstr(r.json, "submitted_by"), "li");
    resp_free(&r);
    /* Approving a draft that is not pending is not a transition. */
    expect_code("POST", NOTICES "/lift-20261201/reject", "{\"version\":1}", &manager, 409,
                "stale");

    /* The manager approves: published, in this community's feed only. */
    expect("POST", NOTICES "/lift-20261201/approve", "{\"version\":2}", &manager, 200, &r);
    assert_string_equal(jstr(r.json, "status"), "published");
    assert_int_equal(jint(r.json, "version"), 3);
    assert_true(json_is_true(json_object_get(r.json, "live")));
    assert_string_equal(jstr(r.json, "approved_by"), "wang");
    resp_free(&r);
    expect_code("POST", NOTICES "/lift-20261201/approve", "{\"version\":3}", &manager, 422,
                "illegal_transition");
    feed(token_cuihu, etag, sizeof etag, &doc);
    assert_non_null(strstr(doc, "三号楼电梯维修"));
    assert_null(strstr(doc, "\"status\""));      /* the API's keys stay out of the feed */
    assert_string_not_equal(etag, etag0);
    free(doc);
    char etag_o2[128];
    feed(token_other, etag_o2, sizeof etag_o2, &doc);
    assert_null(strstr(doc, "lift-20261201"));
    assert_string_equal(etag_o2, etag_other);
    free(doc);
    /* Unchanged since: 304 on the kiosk's ETag. */
    call("GET", "/api/content", NULL, NULL, NULL, token_cuihu, etag, &r);
    assert_int_equal(r.status, 304);
    resp_free(&r);

    /* A clerk's edit of the published notice waits; the published copy stays. */
    expect("PUT", NOTICES "/lift-20261201", "{\"version\":3," "\"category\":\"repairs\","
           "\"title\":{\"zh\":\"三号楼电梯维修延期\"},\"body\":{\"zh\":\"改到周五。\"},"
           "\"publish_at\":\"2026-11-30T08:00:00+08:00\","
           "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}", &clerk, 200, &r);
    assert_string_equal(jstr(r.json, "status"), "draft");
    assert_true(json_is_true(json_object_get(r.json, "live")));
    resp_free(&r);
    char etag2[128];
    feed(token_cuihu, etag2, sizeof etag2, &doc);
    assert_non_null(strstr(doc, "三号楼电梯维修\""));
    assert_null(strstr(doc, "延期"));
    assert_string_equal(etag2, etag);
    free(doc);
    /* Published by the manager: the new text replaces the old. */
    expect("POST", NOTICES "/lift-20261201/publish", "{\"version\":4}", &manager, 200, &r);
    resp_free(&r);
    /* The first poll after the change, with the ETag it had: the new
     * document, never a stale 304 (the feed is made again first). */
    call("GET", "/api/content", NULL, NULL, NULL, token_cuihu, etag, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(r.body);
    assert_non_null(strstr(r.body, "延期"));
    resp_free(&r);
    feed(token_cuihu, etag2, sizeof etag2, &doc);
    assert_non_null(strstr(doc, "延期"));
    free(doc);

    /* Withdrawn: off the kiosks, still in the office. */
    expect_code("POST", NOTICES "/lift-20261201/withdraw", "{\"version\":5}", &clerk, 403,
                "forbidden");
    expect("POST", NOTICES "/lift-20261201/withdraw", "{\"version\":5}", &manager, 200, &r);
    assert_string_equal(jstr(r.json, "status"), "withdrawn");
    assert_false(json_is_true(json_object_get(r.json, "live")));
    resp_free(&r);
    char etag3[128];
    feed(token_cuihu, etag3, sizeof etag3, &doc);
    assert_null(strstr(doc, "lift-20261201"));
    assert_string_not_equal(etag3, etag2);
    free(doc);
    expect("GET", NOTICES "?status=withdrawn", NULL, &clerk, 200, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_int_equal(jint(json_object_get(r.json, "counts"), "withdrawn"), 1);
    resp_free(&r);
    /* A clerk may not delete what was published; a manager may. */
    expect_code("DELETE", NOTICES "/lift-20261201", "{\"version\":6}", &clerk, 403, "forbidden");
    expect("DELETE", NOTICES "/lift-20261201?version=6", NULL, &manager, 200, &r);
    resp_free(&r);
    expect_code("GET", NOTICES "/lift-20261201", NULL, &manager, 404, "not_found");
    /* Each change is in the audit log, without the notice's text. */
    expect("GET", "/api/office/audit?limit=200", NULL, &admin, 200, &r);
    assert_non_null(strstr(r.body, "\"notice.approve\""));
    assert_non_null(strstr(r.body, "\"notice.withdraw\""));
    assert_non_null(strstr(r.body, "notices/lift-20261201"));
    assert_null(strstr(r.body, "电梯"));
    resp_free(&r);
}

static void test_another_community_is_not_found(void **state)
{
    (void)state;
    Resp r;
    expect("POST", "/api/office/communities/other/notices", NOTICE("other-1", "别处的通知"),
           &other_manager, 201, &r);
    resp_free(&r);
    /* cuihu's staff see nothing of it, and cannot tell it exists. */
    expect_code("GET", "/api/office/communities/other/notices", NULL, &manager, 404, "not_found");
    expect_code("GET", "/api/office/communities/other/notices/other-1", NULL, &clerk, 404,
                "not_found");
    expect_code("POST", "/api/office/communities/other/notices/other-1/publish",
                "{\"version\":1}", &manager, 404, "not_found");
    expect_code("GET", "/api/office/communities/nowhere/notices", NULL, &manager, 404,
                "not_found");
    expect_code("GET", NOTICES "/other-1", NULL, &manager, 404, "not_found");
    /* No such item in cuihu: an edit and a step say so. */
    expect_code("PUT", NOTICES "/nope-1", "{\"version\":1}", &manager, 404, "not_found");
    expect_code("POST", NOTICES "/nope-1/publish", "{\"version\":1}", &manager, 404, "not_found");
    /* Without a session or without the CSRF token: nothing. */
    Sess nocsrf = manager;
    nocsrf.csrf[0] = '\0';
    expect_code("POST", NOTICES, NOTICE("x-1", "x"), &nocsrf, 403, "csrf");
    expect_code("GET", NOTICES, NULL, NULL, 401, "unauthorized");
}

static void test_stale_form_is_409(void **state)
{
    (void)state;
    Resp r;
    expect("POST", NOTICES, NOTICE("stale-1", "旧标题"), &manager, 201, &r);
    resp_free(&r);
    const char *edit = "{\"version\":1,\"category\":\"notice\",\"title\":{\"zh\":\"%s\"},"
                       "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
                       "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}";
    char a[400], b[400];
    snprintf(a, sizeof a, edit, "甲改的");
    snprintf(b, sizeof b, edit, "乙改的");
    expect("PUT", NOTICES "/stale-1", a, &manager, 200, &r);
    assert_int_equal(jint(r.json, "version"), 2);
    resp_free(&r);
    expect_code("PUT", NOTICES "/stale-1", b, &clerk, 409, "stale");
    expect_code("POST", NOTICES "/stale-1/submit", "{\"version\":1}", &clerk, 409, "stale");
    expect_code("POST", NOTICES "/stale-1/submit", "{}", &clerk, 422, "invalid_field");
    expect("GET", NOTICES "/stale-1", NULL, &clerk, 200, &r);
    assert_string_equal(jstr(json_object_get(r.json, "title"), "zh"), "甲改的");
    resp_free(&r);
    /* The id cannot change. */
    snprintf(a, sizeof a, "{\"id\":\"renamed\",\"version\":2,\"category\":\"notice\","
             "\"title\":{\"zh\":\"x\"},\"body\":{\"zh\":\"x\"},"
             "\"publish_at\":\"2026-11-30T08:00:00+08:00\","
             "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}");
    expect("PUT", NOTICES "/stale-1", a, &manager, 422, &r);
    assert_non_null(jstr(json_object_get(json_object_get(r.json, "error"), "fields"), "id"));
    resp_free(&r);
}

static void test_double_submit_creates_once(void **state)
{
    (void)state;
    const char *body = "{\"category\":\"notice\",\"title\":{\"zh\":\"停水通知\"},"
                       "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
                       "\"expire_at\":\"2027-01-31T00:00:00+08:00\"}";
    Resp r1, r2;
    call("POST", NOTICES, body, &clerk, "form-77", NULL, NULL, &r1);
    call("POST", NOTICES, body, &clerk, "form-77", NULL, NULL, &r2);
    assert_int_equal(r1.status, 201);
    assert_int_equal(r2.status, 200);
    /* The id was made by the office, the same for both answers. */
    assert_non_null(jstr(r1.json, "id"));
    assert_string_equal(jstr(r1.json, "id"), jstr(r2.json, "id"));
    resp_free(&r1);
    resp_free(&r2);
    expect("GET", NOTICES, NULL, &clerk, 200, &r1);
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(json_object_get(r1.json, "items"), i, it)
        n += strcmp(jstr(json_object_get(it, "title"), "zh"), "停水通知") == 0;
    assert_int_equal(n, 1);
    resp_free(&r1);
    /* The same key with another form is refused. */
    call("POST", NOTICES, NOTICE("other-form", "x"), &clerk, "form-77", NULL, NULL, &r1);
    assert_int_equal(r1.status, 422);
    assert_string_equal(jstr(json_object_get(r1.json, "error"), "code"), "idempotency_conflict");
    resp_free(&r1);
}

/* ---- hand-made suggestions, through the store (either engine) ---- */

static Ostore *db_open(void)
{
    char err[400];
    Ostore *db = ostore_open(srv.db, err, sizeof err);
    if (!db)
        fail_msg("ostore_open: %s", err);
    return db;
}

static int64_t community_id(Ostore *db, const char *slug)
{
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(db, slug, &c), OSTORE_OK);
    return c.id;
}

static int first_kiosk(void *ud, const OstoreKiosk *k)
{
    *(int64_t *)ud = k->id;
    return 1;
}

/* A suggestion received at `at` (Unix s), then moved through the inbox
 * by the admin: acknowledged at `acked` (when given and not closed then),
 * then to `state` (at `closed` for done and declined, else at `acked`);
 * its id. */
static int64_t suggestion(Ostore *db, const char *slug, const char *key, const char *topic,
                          const char *state, int64_t at, int64_t acked, int64_t closed)
{
    int64_t cid = community_id(db, slug), kid = 0;
    assert_int_equal(ostore_kiosk_list(db, cid, first_kiosk, &kid), OSTORE_OK);
    assert_true(kid > 0);
    char text[128];
    snprintf(text, sizeof text, "居民原话：%s", key);
    OstoreIn in = {cid, kid, key, "h", at};
    OstoreSuggestion sg = {.body = "{}", .topic = topic, .text = text, .date = "2026-11-01",
                           .receipt = "HJKM6789", .lang = "zh"};
    assert_int_equal(ostore_suggestion_add(db, &in, &sg), OSTORE_OK);
    OstoreUser adm;
    assert_int_equal(ostore_user_get(db, "admin", &adm), OSTORE_OK);
    int64_t id = 0;
    OstoreStmt *st = ostore_prep(db, "SELECT id FROM suggestion WHERE uuid = ?", "t", key);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    id = ostore_col_int(st, 0);
    ostore_finish(st);
    const char *from = "new";
    int64_t version = 1;
    bool closing = strcmp(state, "done") == 0 || strcmp(state, "declined") == 0;
    if (acked && closing) {
        OstoreInboxChange c = {.id = id, .version = version, .user_id = adm.id, .now = acked,
                               .from = from, .to = "acknowledged"};
        assert_int_equal(ostore_inbox_change(db, &c, &version), OSTORE_OK);
        from = "acknowledged";
    }
    if (strcmp(state, "new") != 0) {
        OstoreInboxChange c = {.id = id, .version = version, .user_id = adm.id,
                               .now = closing ? closed : acked, .from = from, .to = state};
        assert_int_equal(ostore_inbox_change(db, &c, &version), OSTORE_OK);
    }
    return id;
}

/* n ratings of `score` in `month`, as kiosks upload them. */
static void rating(Ostore *db, const char *slug, const char *month, int score, int n)
{
    int64_t cid = community_id(db, slug), kid = 0;
    assert_int_equal(ostore_kiosk_list(db, cid, first_kiosk, &kid), OSTORE_OK);
    for (int i = 0; i < n; i++) {
        char key[96];
        snprintf(key, sizeof key, "rating-%s-%s-%d-%d", slug, month, score, i);
        OstoreIn in = {cid, kid, key, "h", 1796000000};
        assert_int_equal(ostore_rating_add(db, &in, month, score), OSTORE_OK);
    }
}

/* Local time (TZ=Asia/Shanghai in the tests). */
static int64_t at(int y, int mo, int d, int h)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

#define H 3600
static int64_t closed_a, closed_b, open_c;

static void test_board_from_closed_suggestions(void **state)
{
    (void)state;
    Ostore *db = db_open();
    int64_t t = at(2026, 11, 3, 9);
    closed_a = suggestion(db, "cuihu", "s-a", "repairs", "done", t, t + 2 * H, t + 24 * H);
    closed_b = suggestion(db, "cuihu", "s-b", "lighting", "declined", t, 0, t + 30 * H);
    open_c = suggestion(db, "cuihu", "s-c", "repairs", "new", at(2026, 11, 20, 9), 0, 0);
    int64_t elsewhere = suggestion(db, "other", "s-x", "repairs", "done", t, t + H, t + 2 * H);
    ostore_close(db);

    char body[600];
    Resp r;
    /* Still open, or another community's: refused by field. */
    snprintf(body, sizeof body, "{\"from_suggestions\":[%lld,%lld],\"done\":{\"zh\":\"已修好\"}}",
             (long long)closed_a, (long long)open_c);
    expect("POST", "/api/office/communities/cuihu/board", body, &clerk, 422, &r);
    assert_non_null(strstr(jstr(json_object_get(json_object_get(r.json, "error"), "fields"),
                                "from_suggestions"), "not closed"));
    resp_free(&r);
    snprintf(body, sizeof body, "{\"from_suggestions\":[%lld],\"done\":{\"zh\":\"已修好\"}}",
             (long long)elsewhere);
    expect("POST", "/api/office/communities/cuihu/board", body, &clerk, 422, &r);
    resp_free(&r);
    /* The office's words; the residents' never copied. */
    snprintf(body, sizeof body, "{\"from_suggestions\":[%lld,%lld],\"title\":{\"zh\":\"车库照明\"},"
             "\"body\":{\"zh\":\"已更换5号楼车库灯具。\",\"en\":\"New lights in the car park.\"},"
             "\"status\":\"published\"}", (long long)closed_a, (long long)closed_b);
    expect("POST", "/api/office/communities/cuihu/board", body, &manager, 201, &r);
    assert_string_equal(jstr(json_object_get(r.json, "said"), "zh"), "车库照明");
    assert_int_equal(json_array_size(json_object_get(r.json, "from_suggestions")), 2);
    assert_true(json_is_true(json_object_get(r.json, "live")));
    assert_null(strstr(r.body, "居民原话"));
    resp_free(&r);
    /* Without a "said", one is made of counts and topics only. */
    snprintf(body, sizeof body, "{\"from_suggestions\":[%lld],\"done\":{\"zh\":\"已处理\"}}",
             (long long)closed_a);
    expect("POST", "/api/office/communities/cuihu/board", body, &clerk, 201, &r);
    assert_string_equal(jstr(json_object_get(r.json, "said"), "zh"), "居民反映了1条意见（repairs）");
    resp_free(&r);
    char etag[128], *doc;
    feed(token_cuihu, etag, sizeof etag, &doc);
    assert_non_null(strstr(doc, "已更换5号楼车库灯具"));
    assert_null(strstr(doc, "居民原话"));
    assert_null(strstr(doc, "已处理"));          /* the clerk's is a draft */
    free(doc);
    /* A board field error names the field the form sent. */
    expect("POST", "/api/office/communities/cuihu/board", "{\"title\":{\"en\":\"x\"},"
           "\"body\":{\"zh\":\"y\"}}", &clerk, 422, &r);
    assert_non_null(jstr(json_object_get(json_object_get(r.json, "error"), "fields"),
                         "title.zh"));
    resp_free(&r);
}

static void test_stats_against_hand_made_figures(void **state)
{
    (void)state;
    Ostore *db = db_open();
    /* November 2026 (Asia/Shanghai): s-a, s-b, s-c above, and two more. */
    int64_t t = at(2026, 11, 10, 9);
    suggestion(db, "cuihu", "s-d", "repairs", "done", t, t + 10 * H, t + 72 * H);
    suggestion(db, "cuihu", "s-e", "noise", "in_progress", t, t + 40 * H, 0);
    /* One at 23:30 on 30 November local time (15:30 UTC): still November. */
    int64_t f = at(2026, 11, 30, 23) + 1800;
    suggestion(db, "cuihu", "s-f", "noise", "done", f, at(2026, 12, 1, 8), f + 48 * H);
    /* December: one. Another community's: not counted. */
    int64_t d = at(2026, 12, 2, 9);
    suggestion(db, "cuihu", "s-g", "repairs", "done", d, d + 4 * H, d + 8 * H);
    suggestion(db, "other", "s-y", "repairs", "new", d, 0, 0);
    rating(db, "cuihu", "2026-11", 5, 2);
    rating(db, "cuihu", "2026-11", 4, 1);
    rating(db, "cuihu", "2026-11", 2, 1);
    rating(db, "other", "2026-11", 1, 9);
    ostore_close(db);

    Resp r;
    expect("GET", "/api/office/communities/cuihu/stats?from=2026-11&to=2026-12", NULL, &clerk,
           200, &r);
    json_t *months = json_object_get(r.json, "months");
    assert_int_equal(json_array_size(months), 2);
    json_t *nov = json_array_get(months, 0), *dec = json_array_get(months, 1);
    assert_string_equal(jstr(nov, "month"), "2026-11");
    json_t *sg = json_object_get(nov, "suggestions");
    assert_int_equal(jint(sg, "total"), 6);
    json_t *st = json_object_get(sg, "by_state");
    assert_int_equal(jint(st, "new"), 1);
    assert_int_equal(jint(st, "acknowledged"), 0);
    assert_int_equal(jint(st, "in_progress"), 1);
    assert_int_equal(jint(st, "done"), 3);
    assert_int_equal(jint(st, "declined"), 1);
    json_t *tp = json_object_get(sg, "by_topic");
    assert_int_equal(jint(json_object_get(tp, "repairs"), "total"), 3);
    assert_int_equal(jint(json_object_get(tp, "repairs"), "done"), 2);
    assert_int_equal(jint(json_object_get(tp, "noise"), "total"), 2);
    assert_int_equal(jint(json_object_get(tp, "lighting"), "declined"), 1);
    /* Hours to acknowledge: a 2, b 30 (closed unacknowledged), d 10, e 40,
     * f 8.5 -> median 10. To close: a 24, b 30, f 48, d 72 -> 39. */
    assert_true(json_real_value(json_object_get(nov, "median_ack_hours")) == 10.0);
    assert_true(json_real_value(json_object_get(nov, "median_close_hours")) == 39.0);
    /* Overdue: b (acknowledged only by closing, after 30 h), c (new since
     * 20 November), e (acknowledged after 40 h); a, d, f were in time. */
    assert_int_equal(jint(nov, "overdue"), 3);
    json_t *ra = json_object_get(nov, "ratings");
    assert_int_equal(jint(ra, "n"), 4);
    assert_int_equal(jint(json_object_get(ra, "counts"), "5"), 2);
    assert_int_equal(jint(json_object_get(ra, "counts"), "1"), 0);
    assert_true(json_real_value(json_object_get(ra, "mean")) == 4.0);   /* (10+4+2)/4 */
    assert_int_equal(jint(json_object_get(dec, "suggestions"), "total"), 1);
    assert_true(json_real_value(json_object_get(dec, "median_ack_hours")) == 4.0);
    assert_int_equal(jint(dec, "overdue"), 0);
    assert_true(json_is_null(json_object_get(json_object_get(dec, "ratings"), "mean")));
    resp_free(&r);

    /* The CSV: UTF-8 with a BOM, one row per month. */
    expect("GET", "/api/office/communities/cuihu/stats.csv?from=2026-11&to=2026-12", NULL,
           &clerk, 200, &r);
    assert_non_null(strstr(r.ctype, "text/csv"));
    static const char head[] = "\xef\xbb\xbf" "month,suggestions,new,acknowledged,"
        "in_progress,done,declined,overdue,median_ack_hours,median_close_hours,ratings,"
        "rating_1,rating_2,rating_3,rating_4,rating_5,rating_mean,"
        "topic:lighting,topic:noise,topic:repairs\r\n";
    assert_true(r.len > sizeof head);
    assert_memory_equal(r.body, head, sizeof head - 1);
    assert_non_null(strstr(r.body, "\r\n2026-11,6,1,0,1,3,1,3,10,39,4,0,1,0,1,2,4,1,2,3\r\n"));
    assert_non_null(strstr(r.body, "\r\n2026-12,1,0,0,0,1,0,0,4,8,0,0,0,0,0,0,,0,0,1\r\n"));
    resp_free(&r);
    /* Bad months by field. */
    expect("GET", "/api/office/communities/cuihu/stats?from=2026-13&to=2026-12", NULL, &clerk,
           422, &r);
    assert_non_null(jstr(json_object_get(json_object_get(r.json, "error"), "fields"), "from"));
    resp_free(&r);
    expect_code("GET", "/api/office/communities/cuihu/stats?from=2020-01&to=2026-12", NULL,
                &clerk, 422, "invalid_field");
    /* Two digits for the month, nothing else (sscanf took a sign or a
     * space: "2026-+2", "2026- 1"; found by fuzz_office). */
    expect_code("GET", "/api/office/communities/cuihu/stats?from=2026-+2&to=2026-12", NULL,
                &clerk, 422, "invalid_field");
    expect_code("GET", "/api/office/communities/cuihu/stats?from=2026-11&to=2026-%201", NULL,
                &clerk, 422, "invalid_field");
    expect_code("GET", "/api/office/communities/cuihu/stats?from=+202-11&to=2026-12", NULL,
                &clerk, 422, "invalid_field");
    expect_code("GET", "/api/office/communities/other/stats?from=2026-11&to=2026-12", NULL,
                &clerk, 404, "not_found");
}

static void test_postings_and_channel_codes(void **state)
{
    (void)state;
    Resp r;
    expect("GET", "/api/office/communities/cuihu/posting-templates", NULL, &clerk, 200, &r);
    json_t *t = json_array_get(json_object_get(r.json, "templates"), 1);
    assert_string_equal(jstr(t, "kind"), "fund");
    assert_string_equal(jstr(json_object_get(t, "notice"), "category"), "accounts");
    resp_free(&r);
    /* This community's rule for the fund: every 6 months, 60 days up. */
    expect_code("PUT", "/api/office/communities/cuihu/posting-rules",
                "{\"fund\":{\"every_months\":6,\"min_days\":60}}", &clerk, 403, "forbidden");
    expect("PUT", "/api/office/communities/cuihu/posting-rules",
           "{\"fund\":{\"every_months\":6,\"min_days\":60}}", &manager, 200, &r);
    assert_int_equal(jint(json_object_get(r.json, "fund"), "min_days"), 60);
    assert_false(json_is_true(json_object_get(json_object_get(r.json, "fund"), "default")));
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/postings-due", NULL, &clerk, 200, &r);
    json_t *fund = json_array_get(json_object_get(r.json, "postings"), 1);
    assert_true(json_is_true(json_object_get(fund, "due")));   /* never posted */
    resp_free(&r);
    /* 30 days is too short for this community's fund postings. */
    const char *posting = "{\"id\":\"fund-2026h2\",\"posting\":\"fund\",\"category\":\"accounts\","
        "\"title\":{\"zh\":\"2026年下半年维修资金使用情况公示\"},\"body\":{\"zh\":\"明细……\"},"
        "\"publish_at\":\"2026-12-01T00:00:00+08:00\",\"expire_at\":\"%s\","
        "\"status\":\"published\"}";
    char body[600];
    snprintf(body, sizeof body, posting, "2026-12-31T00:00:00+08:00");
    expect("POST", NOTICES, body, &manager, 422, &r);
    assert_non_null(strstr(jstr(json_object_get(json_object_get(r.json, "error"), "fields"),
                                "expire_at"), "at least 60 days"));
    resp_free(&r);
    snprintf(body, sizeof body, posting, "2027-01-30T00:00:00+08:00");
    expect("POST", NOTICES, body, &manager, 201, &r);
    assert_string_equal(jstr(r.json, "posting"), "fund");
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/postings-due", NULL, &clerk, 200, &r);
    fund = json_array_get(json_object_get(r.json, "postings"), 1);
    assert_string_equal(jstr(json_object_get(fund, "last"), "id"), "fund-2026h2");
    /* 1 June 2027 00:00 +08:00 is 31 May 16:00 UTC. */
    assert_string_equal(jstr(fund, "next_due"), "2027-05-31T16:00:00Z");
    int64_t left = (at(2027, 6, 1, 0) - time(NULL)) / 86400;
    assert_int_equal(jint(fund, "days_left"), left);
    assert_false(json_is_true(json_object_get(fund, "due")));
    resp_free(&r);

    /* A notice that came without a kind (an imported one) is given one by
     * an edit, checked like a new posting; "" takes it off again. */
    const char *acc = "{\"version\":%d,\"category\":\"accounts\",%s"
        "\"title\":{\"zh\":\"公共收益公示\"},\"body\":{\"zh\":\"明细……\"},"
        "\"publish_at\":\"2026-12-01T00:00:00+08:00\",\"expire_at\":\"%s\","
        "\"status\":\"published\"}";
    snprintf(body, sizeof body, "{\"id\":\"income-q4\",\"category\":\"accounts\","
             "\"title\":{\"zh\":\"公共收益公示\"},\"body\":{\"zh\":\"明细……\"},"
             "\"publish_at\":\"2026-12-01T00:00:00+08:00\","
             "\"expire_at\":\"2026-12-21T00:00:00+08:00\",\"status\":\"published\"}");
    expect("POST", NOTICES, body, &manager, 201, &r);
    assert_true(json_is_null(json_object_get(r.json, "posting")));
    resp_free(&r);
    snprintf(body, sizeof body, acc, 1, "\"posting\":\"rent\",", "2026-12-21T00:00:00+08:00");
    expect("PUT", NOTICES "/income-q4", body, &manager, 422, &r);
    assert_non_null(strstr(jstr(json_object_get(json_object_get(r.json, "error"), "fields"),
                                "posting"), "fees, fund or income"));
    resp_free(&r);
    snprintf(body, sizeof body, acc, 1, "\"posting\":\"income\",", "2026-12-21T00:00:00+08:00");
    expect("PUT", NOTICES "/income-q4", body, &manager, 422, &r);   /* 20 days: under 30 */
    assert_non_null(strstr(jstr(json_object_get(json_object_get(r.json, "error"), "fields"),
                                "expire_at"), "at least 30 days (this one: 20)"));
    resp_free(&r);
    snprintf(body, sizeof body, acc, 1, "\"posting\":\"income\",", "2027-01-05T00:00:00+08:00");
    expect("PUT", NOTICES "/income-q4", body, &manager, 200, &r);
    assert_string_equal(jstr(r.json, "posting"), "income");
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/postings-due", NULL, &clerk, 200, &r);
    json_t *income = json_array_get(json_object_get(r.json, "postings"), 2);
    assert_string_equal(jstr(income, "kind"), "income");
    assert_string_equal(jstr(json_object_get(income, "last"), "id"), "income-q4");
    resp_free(&r);
    snprintf(body, sizeof body, acc, 2, "\"posting\":\"\",", "2027-01-05T00:00:00+08:00");
    expect("PUT", NOTICES "/income-q4", body, &manager, 200, &r);
    assert_true(json_is_null(json_object_get(r.json, "posting")));
    resp_free(&r);

    /* A WeChat group's code: days left, and a reminder when it is near. */
    char ch[600], exp[40];
    time_t e = time(NULL) + 3 * 86400 + 3600;
    strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&e));
    snprintf(ch, sizeof ch, "{\"id\":\"wechat-1\",\"kind\":\"wechat_group\",\"label\":{\"zh\":"
             "\"业主群\"},\"url\":\"https://weixin.qq.com/g/abc\",\"expires_at\":\"%s\","
             "\"status\":\"published\"}", exp);
    expect("POST", "/api/office/communities/cuihu/channels", ch, &manager, 201, &r);
    assert_int_equal(jint(r.json, "days_left"), 3);
    assert_false(json_is_true(json_object_get(r.json, "expired")));
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/postings-due", NULL, &clerk, 200, &r);
    json_t *c = json_array_get(json_object_get(r.json, "channels"), 0);
    assert_string_equal(jstr(c, "id"), "wechat-1");
    assert_int_equal(jint(c, "days_left"), 3);
    resp_free(&r);
}

/* PNG width and height from its IHDR. */
static void png_size(const Resp *r, unsigned *w, unsigned *h)
{
    const unsigned char *b = (const unsigned char *)r->body;
    assert_true(r->len > 24);
    assert_memory_equal(b, "\x89PNG", 4);
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
}

static void test_preview_drawn_by_the_kiosk(void **state)
{
    (void)state;
    Resp r;
    expect("POST", NOTICES, NOTICE("preview-1", "预览的通知"), &clerk, 201, &r);
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/preview?notice=preview-1&orientation=portrait",
           NULL, &clerk, 200, &r);
    assert_string_equal(r.ctype, "image/png");
    unsigned w, h;
    png_size(&r, &w, &h);
    assert_int_equal(w, 1080);
    assert_int_equal(h, 1920);
    resp_free(&r);
    expect("GET", "/api/office/communities/cuihu/preview?notice=preview-1&lang=en", NULL,
           &clerk, 200, &r);
    png_size(&r, &w, &h);
    assert_int_equal(w, 1920);
    resp_free(&r);
    /* Still a draft: the kiosks do not have it. */
    char etag[128], *doc;
    feed(token_cuihu, etag, sizeof etag, &doc);
    assert_null(strstr(doc, "preview-1"));
    free(doc);
    expect_code("GET", "/api/office/communities/cuihu/preview?notice=nope", NULL, &clerk, 404,
                "not_found");
    expect_code("GET", "/api/office/communities/cuihu/preview?orientation=sideways", NULL,
                &clerk, 422, "invalid_field");
    expect_code("GET", "/api/office/communities/other/preview?notice=other-1", NULL, &clerk,
                404, "not_found");
}

/* How many notices the community has (any status), and the newest audit id. */
static size_t notice_count(void)
{
    Resp r;
    expect("GET", NOTICES, NULL, &manager, 200, &r);
    size_t n = json_array_size(json_object_get(r.json, "items"));
    resp_free(&r);
    return n;
}

static json_int_t last_audit(void)
{
    Resp r;
    expect("GET", "/api/office/audit?limit=1", NULL, &admin, 200, &r);
    json_int_t id = jint(json_array_get(json_object_get(r.json, "items"), 0), "id");
    resp_free(&r);
    return id;
}

#define PREVIEW "/api/office/communities/cuihu/preview"
#define FORM(title) "{\"notice\":{\"category\":\"safety\",\"urgent\":true," \
    "\"title\":{\"zh\":\"" title "\",\"en\":\"Water off on Friday\"}," \
    "\"body\":{\"zh\":\"周五9:00至12:00停水，请提前储水。\"}," \
    "\"publish_at\":\"2026-11-30T08:00:00+08:00\",\"expire_at\":\"2027-01-31T00:00:00+08:00\"}}"

/* A form not saved yet is drawn as it is, and nothing is stored. */
static void test_preview_of_an_unsaved_form(void **state)
{
    (void)state;
    size_t before = notice_count();
    json_int_t audit = last_audit();
    char etag[128], etag2[128], *doc;
    feed(token_cuihu, etag, sizeof etag, &doc);
    free(doc);
    Resp r;
    unsigned w, h;
    /* A clerk may preview; portrait Chinese, landscape English. */
    expect("POST", PREVIEW "?orientation=portrait", FORM("周五停水"), &clerk, 200, &r);
    assert_string_equal(r.ctype, "image/png");
    png_size(&r, &w, &h);
    assert_int_equal(w, 1080);
    assert_int_equal(h, 1920);
    resp_free(&r);
    expect("POST", PREVIEW "?orientation=landscape&lang=en", FORM("周五停水"), &manager, 200, &r);
    png_size(&r, &w, &h);
    assert_int_equal(w, 1920);
    assert_int_equal(h, 1080);
    resp_free(&r);
    /* The unsaved edit of a saved notice: its id, the saved copy untouched. */
    expect("POST", NOTICES, NOTICE("pv-saved", "电梯维修"), &clerk, 201, &r);
    resp_free(&r);
    before++;
    audit = last_audit();
    expect("POST", PREVIEW, "{\"notice\":{\"id\":\"pv-saved\",\"category\":\"repairs\","
           "\"title\":{\"zh\":\"电梯维修改期\"},\"body\":{\"zh\":\"改到下周。\"},"
           "\"publish_at\":\"2026-11-30T08:00:00+08:00\",\"expire_at\":\"2027-01-31T00:00:00+08:00\","
           "\"status\":\"published\",\"version\":1}}", &clerk, 200, &r);
    resp_free(&r);
    expect("GET", NOTICES "/pv-saved", NULL, &clerk, 200, &r);
    assert_string_equal(jstr(json_object_get(r.json, "title"), "zh"), "电梯维修");
    assert_string_equal(jstr(r.json, "status"), "draft");
    assert_int_equal(jint(r.json, "version"), 1);
    resp_free(&r);

    /* Checked as saving it would be: the field named, nothing drawn. */
    expect("POST", PREVIEW, "{\"notice\":{\"category\":\"safety\",\"title\":{\"en\":\"x\"},"
           "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
           "\"expire_at\":\"2026-11-29T08:00:00+08:00\"}}", &clerk, 422, &r);
    json_t *fields = json_object_get(json_object_get(r.json, "error"), "fields");
    assert_non_null(json_object_get(fields, "title.zh"));
    assert_non_null(json_object_get(fields, "expire_at"));
    resp_free(&r);
    expect_code("POST", PREVIEW, "{\"notice\":{\"title\":{\"zh\":\"有图\"},\"category\":\"notice\","
                "\"body\":{\"zh\":\"x\"},\"publish_at\":\"2026-11-30T08:00:00+08:00\","
                "\"expire_at\":\"2027-01-31T00:00:00+08:00\",\"images\":[{\"sha256\":"
                "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}]}}", &clerk, 422,
                "invalid_field");
    expect_code("POST", PREVIEW, "{}", &clerk, 422, "invalid_field");
    expect_code("POST", PREVIEW, "{\"notice\":{},\"event\":{}}", &clerk, 422, "invalid_field");
    expect_code("POST", PREVIEW, "{\"notice\":\"pv-saved\"}", &clerk, 422, "invalid_field");
    expect_code("POST", PREVIEW "?orientation=sideways", FORM("停水"), &clerk, 422,
                "invalid_field");
    expect_code("POST", PREVIEW "?lang=fr", FORM("停水"), &clerk, 422, "invalid_field");
    expect_code("POST", PREVIEW, "[1]", &clerk, 400, "bad_json");
    /* Who may: a session, its CSRF token, a community of theirs. */
    expect_code("POST", PREVIEW, FORM("停水"), NULL, 401, "unauthorized");
    Sess no_csrf = clerk;
    no_csrf.csrf[0] = '\0';
    expect_code("POST", PREVIEW, FORM("停水"), &no_csrf, 403, "csrf");
    snprintf(no_csrf.csrf, sizeof no_csrf.csrf, "%s", manager.csrf);   /* another session's */
    expect_code("POST", PREVIEW, FORM("停水"), &no_csrf, 403, "csrf");
    expect_code("POST", "/api/office/communities/other/preview", FORM("停水"), &clerk, 404,
                "not_found");
    expect_code("POST", "/api/office/communities/nowhere/preview", FORM("停水"), &clerk, 404,
                "not_found");

    /* Nothing was stored: no notice, no audit row, the kiosks' feed as it was. */
    assert_int_equal(notice_count(), before);
    assert_int_equal(last_audit(), audit);
    feed(token_cuihu, etag2, sizeof etag2, &doc);
    assert_string_equal(etag2, etag);
    assert_null(strstr(doc, "周五停水"));
    free(doc);
}

/* ---- a real kiosk synced against the office ---- */

static void test_real_kiosk_shows_a_published_notice(void **state)
{
    (void)state;
    char *conf = tmpdir_path(dir, "kiosk.conf");
    assert_int_equal(kioskrun_conf(conf, dir, "; upload_url =\nupload_times =\nconnect_timeout_s = 2\n"
                                              "transfer_timeout_s = 5\n"), 0);
    char *out = NULL, code[10];
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "kiosk", "add", "cuihu", "lobby-east",
                                   NULL), 0);
    assert_int_equal(sscanf(strstr(out, "enrolment code "), "enrolment code %9s", code), 1);
    free(out);
    assert_int_equal(kioskrun_ctl(conf, NULL, NULL, "enroll", srv.url, code), 0);

    /* Published through the API by a manager (a clerk's draft, approved). */
    Resp r;
    expect("POST", NOTICES, "{\"id\":\"gas-20261201\",\"category\":\"safety\",\"urgent\":true,"
           "\"title\":{\"zh\":\"燃气管道检修\",\"en\":\"Gas pipe check\"},"
           "\"body\":{\"zh\":\"请在家等候。\"},\"publish_at\":\"2026-12-01T08:00:00+08:00\","
           "\"expire_at\":\"2026-12-31T00:00:00+08:00\",\"status\":\"pending\"}", &clerk, 201,
           &r);
    resp_free(&r);
    expect("POST", NOTICES "/gas-20261201/approve", "{\"version\":1}", &manager, 200, &r);
    resp_free(&r);
    char *err = NULL;
    int rc = kioskrun_ctl(conf, NULL, &err, "sync", NULL, NULL);
    if (rc != 0)
        fail_msg("sync: %d %s", rc, err ? err : "");
    free(err);

    char *dump = tmpdir_path(dir, "frame.txt"), script[700];
    snprintf(script, sizeof script, "tap @tile:notices\ndump %s\n", dump);
    kioskrun_replay(dir, conf, "2026-12-01T10:00:00+08:00", script);
    char *frame = tmpdir_read(dump);
    assert_non_null(frame);
    assert_non_null(strstr(frame, "hit notice:gas-20261201 "));
    assert_non_null(strstr(frame, "燃气管道检修"));
    free(frame);
    free(dump);
    free(conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_errors_from_the_kiosks_validation),
        cmocka_unit_test(test_clerk_drafts_manager_publishes_kiosks_get_it),
        cmocka_unit_test(test_another_community_is_not_found),
        cmocka_unit_test(test_stale_form_is_409),
        cmocka_unit_test(test_double_submit_creates_once),
        cmocka_unit_test(test_board_from_closed_suggestions),
        cmocka_unit_test(test_stats_against_hand_made_figures),
        cmocka_unit_test(test_postings_and_channel_codes),
        cmocka_unit_test(test_preview_drawn_by_the_kiosk),
        cmocka_unit_test(test_preview_of_an_unsaved_form),
        cmocka_unit_test(test_real_kiosk_shows_a_published_notice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
