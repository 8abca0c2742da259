/* test_office_server.c - the real build/office on loopback, as a kiosk
 * sees it: enrolment (a code works once), every refusal (401 for no,
 * wrong and revoked tokens; 400 for bad JSON, invalid UTF-8, a missing
 * key; 413 for oversized bodies; 422 for wrong types, a reused key with
 * another body, an unknown kind), exactly-once receiving, sealed
 * submissions opened with the office key or kept as unreadable, the
 * content feed with its ETag and 304, and the start-up refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "faultsrv.h"
#include "http.h"
#include "officesrv.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "outbox.h"
#include "testdb.h"
#include "proc.h"
#include "seal.h"
#include "staffsrv.h"
#include "tmpdir.h"

static char *dir;
static OfficeSrv srv;
static Http *http;
static char token[80];

/* POST (body non-NULL) or GET with an optional token and key; the status. */
static long req(const char *path, const char *body, size_t len, const char *bearer,
                const char *key, const char *inm, HttpResponse *out)
{
    HttpRequest rq = {.method = body ? "POST" : "GET", .url = officesrv_url(&srv, path),
                      .body = body, .body_len = len, .bearer = bearer, .idempotency_key = key,
                      .if_none_match = inm, .max_body = 1 << 22};
    HttpResponse rs;
    assert_int_equal(http_request(http, &rq, &rs), HTTP_DONE);
    long st = rs.status;
    if (out)
        *out = rs;
    else
        http_response_free(&rs);
    return st;
}

static long post(const char *path, const char *body, const char *bearer, const char *key)
{
    return req(path, body, strlen(body), bearer, key, NULL, NULL);
}

/* The error code of an answer. */
static void expect_error(const char *path, const char *body, size_t len, const char *bearer,
                         const char *key, long status, const char *code)
{
    HttpResponse rs;
    long st = req(path, body, len, bearer, key, NULL, &rs);
    json_t *v = rs.body ? json_loads(rs.body, 0, NULL) : NULL;
    const char *c = json_string_value(json_object_get(json_object_get(v, "error"), "code"));
    if (st != status || !c || strcmp(c, code) != 0)
        fail_msg("%s: expected %ld %s, got %ld %s", path, status, code, st,
                 rs.body ? rs.body : "");
    json_decref(v);
    http_response_free(&rs);
}

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    HttpPolicy pol = {.allow_http_loopback = true};
    char err[200];
    http = http_create(&pol, err, sizeof err);
    return http ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    http_destroy(http);
    int rc = officesrv_stop(&srv);
    tmpdir_remove(dir);
    return rc == 0 ? 0 : -1;   /* SIGTERM is a clean stop */
}

static void enrol(const char *name, char *tok, size_t n)
{
    char code[10], body[100];
    assert_int_equal(officesrv_add_kiosk(&srv, name, code), 0);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    HttpResponse rs;
    assert_int_equal(req("/api/enrol", body, strlen(body), NULL, NULL, NULL, &rs), 200);
    json_t *v = json_loads(rs.body, 0, NULL);
    assert_non_null(v);
    snprintf(tok, n, "%s", json_string_value(json_object_get(v, "device_token")));
    assert_int_equal(strlen(tok), 64);
    /* Its settings: where to send, the key to seal with. */
    const char *up = json_string_value(json_object_get(v, "upload_url"));
    assert_non_null(up);
    assert_string_equal(up, officesrv_url(&srv, "/api/submissions"));
    assert_int_equal(strlen(json_string_value(json_object_get(v, "office_public_key"))), 44);
    json_decref(v);
    http_response_free(&rs);
    /* The same code again is refused. */
    expect_error("/api/enrol", body, strlen(body), NULL, NULL, 409, "enrolment_code_used");
}

static void test_enrolment_code_works_once(void **state)
{
    (void)state;
    enrol("lobby-1", token, sizeof token);
    expect_error("/api/enrol", "{\"code\":\"2345-6789\"}", 20, NULL, NULL, 401,
                 "enrolment_code_invalid");
    expect_error("/api/enrol", "{\"code\":\"hello\"}", 16, NULL, NULL, 400, "bad_code");
    expect_error("/api/enrol", "{\"code\":5}", 10, NULL, NULL, 422, "invalid_field");
    /* The database holds no token or code in the clear. */
    if (testdb_is_pg()) {
        char e[300];
        Ostore *s = ostore_open(srv.db, e, sizeof e);
        assert_non_null(s);
        OstoreStmt *st = ostore_prep(s, "SELECT count(*) FROM kiosk k, enrolment e"
                                        " WHERE k.token_hash = ?1 OR e.code_hash = ?1", "t", token);
        assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
        assert_int_equal(ostore_col_int(st, 0), 0);
        ostore_finish(st);
        ostore_close(s);
        return;
    }
    /* The whole file and its WAL (the search reaches the rows: the
     * kiosk's name is there). */
    assert_true(tmpdir_db_holds(srv.db, "lobby-1", 7));
    assert_false(tmpdir_db_holds(srv.db, token, strlen(token)));
    struct stat st;
    assert_int_equal(stat(srv.db, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

#define SUB(id, text) "{\"v\":1,\"id\":\"" id "\",\"topic\":\"repairs\",\"text\":\"" text \
                      "\",\"date\":\"2026-12-01\",\"receipt\":\"HJKM6789\",\"lang\":\"zh\"}"

static void test_submissions_exactly_once(void **state)
{
    (void)state;
    const char *a = SUB("sub-1", "东门路灯坏了");
    assert_int_equal(post("/api/submissions", a, token, "sub-1"), 201);
    assert_int_equal(post("/api/submissions", a, token, "sub-1"), 200);   /* a resend */
    expect_error("/api/submissions", SUB("sub-1", "别的"), strlen(SUB("sub-1", "别的")), token,
                 "sub-1", 422, "idempotency_conflict");
    /* Its contact, once. */
    const char *c = "{\"id\":\"sub-1\",\"contact\":\"王先生 138-0000-0000\"}";
    assert_int_equal(post("/api/submissions/contact", c, token, "sub-1:contact"), 201);
    assert_int_equal(post("/api/submissions/contact", c, token, "sub-1:contact"), 200);
    const char *orphan = "{\"id\":\"nope\",\"contact\":\"x\"}";
    expect_error("/api/submissions/contact", orphan, strlen(orphan), token, "nope:contact", 422,
                 "no_such_submission");
    /* A rating. */
    const char *r = "{\"v\":1,\"kind\":\"rating\",\"id\":\"rate-1\",\"score\":4,\"month\":\"2026-12\"}";
    assert_int_equal(post("/api/submissions", r, token, "rate-1"), 201);
    assert_int_equal(post("/api/submissions", r, token, "rate-1"), 200);
    const char *r6 = "{\"v\":1,\"kind\":\"rating\",\"id\":\"rate-2\",\"score\":6,\"month\":\"2026-12\"}";
    expect_error("/api/submissions", r6, strlen(r6), token, "rate-2", 422, "invalid_field");
    const char *k = "{\"v\":1,\"kind\":\"poll\",\"id\":\"p-1\"}";
    expect_error("/api/submissions", k, strlen(k), token, "p-1", 422, "unknown_kind");
    /* A heartbeat. */
    assert_int_equal(post("/api/heartbeat", "{\"v\":1,\"app_version\":\"0.3.0\"}", token, NULL),
                     200);

    char *out = NULL;
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "status", NULL), 0);
    assert_non_null(strstr(out, "suggestions:  1 (0 unreadable), contacts 1, ratings 1,"
                                " heartbeats 1"));
    free(out);
}

static void test_every_refusal(void **state)
{
    (void)state;
    const char *a = SUB("sub-9", "x");
    size_t n = strlen(a);
    expect_error("/api/submissions", a, n, NULL, "sub-9", 401, "unauthorized");
    expect_error("/api/submissions", a, n, "wrong-token", "sub-9", 401, "unauthorized");
    expect_error("/api/content", NULL, 0, "wrong-token", NULL, 401, "unauthorized");
    expect_error("/api/heartbeat", "{\"v\":1}", 7, NULL, NULL, 401, "unauthorized");
    expect_error("/api/submissions", a, n, token, NULL, 400, "bad_idempotency_key");
    expect_error("/api/submissions", "{\"v\":1,", 7, token, "k-1", 400, "bad_json");
    expect_error("/api/submissions", "[1,2]", 5, token, "k-1", 400, "bad_json");
    const char *utf8 = "{\"v\":1,\"id\":\"k-1\",\"text\":\"\xe4\xb8\"}";
    expect_error("/api/submissions", utf8, strlen(utf8), token, "k-1", 400, "invalid_utf8");
    /* A bad escape before a Chinese character: the parser's message quotes
     * the first byte of it, and the answer was a 500 "out of memory" (the
     * message was not UTF-8; found by fuzz_office). */
    const char *esc = "{\"v\":1,\"id\":\"k-1\",\"text\":\"\\\xe5\xaf\x86\"}";
    expect_error("/api/submissions", esc, strlen(esc), token, "k-1", 400, "bad_json");
    const char *nul = "{\"v\":1,\"id\":\"k-1\",\"text\":\"a\\u0000b\"}";
    expect_error("/api/submissions", nul, strlen(nul), token, "k-1", 400, "invalid_utf8");
    const char *types = "{\"v\":1,\"id\":\"k-1\",\"topic\":5,\"text\":\"x\",\"date\":\"2026-12-01\","
                        "\"receipt\":\"HJKM6789\",\"lang\":\"zh\"}";
    expect_error("/api/submissions", types, strlen(types), token, "k-1", 422, "invalid_field");
    const char *date = "{\"v\":1,\"id\":\"k-1\",\"topic\":\"a\",\"text\":\"x\",\"date\":\"2026-02-30\","
                       "\"receipt\":\"HJKM6789\",\"lang\":\"zh\"}";
    expect_error("/api/submissions", date, strlen(date), token, "k-1", 422, "invalid_field");
    expect_error("/api/submissions", SUB("other", "x"), strlen(SUB("other", "x")), token, "k-1",
                 422, "id_mismatch");
    const char *sql = "{\"v\":1,\"id\":\"k-2\",\"topic\":\"a\",\"text\":\"'); DROP TABLE suggestion;"
                      " --\",\"date\":\"2026-12-01\",\"receipt\":\"HJKM6789\",\"lang\":\"en\"}";
    assert_int_equal(post("/api/submissions", sql, token, "k-2"), 201);
    /* The text's limit is in characters, as the kiosk counts them: 500
     * Chinese characters (1,500 bytes) are taken, 501 are not, nor none. */
    char *text = malloc(OUTBOX_TEXT_MAX_CHARS * 3 + 4), body[2048];
    assert_non_null(text);
    text[0] = '\0';
    for (int i = 0; i < OUTBOX_TEXT_MAX_CHARS; i++)
        strcat(text, "灯");
    snprintf(body, sizeof body, SUB("k-4", "%s"), text);
    assert_int_equal(post("/api/submissions", body, token, "k-4"), 201);
    strcat(text, "灯");
    snprintf(body, sizeof body, SUB("k-5", "%s"), text);
    expect_error("/api/submissions", body, strlen(body), token, "k-5", 422, "invalid_field");
    expect_error("/api/submissions", SUB("k-6", ""), strlen(SUB("k-6", "")), token, "k-6", 422,
                 "invalid_field");
    free(text);
    /* Larger than the limit: refused before it is read. */
    size_t big = 300 * 1024;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    expect_error("/api/submissions", huge, big, token, "k-3", 413, "too_large");
    expect_error("/api/enrol", huge, 5000, NULL, NULL, 413, "too_large");
    free(huge);
    expect_error("/api/nothing-here", NULL, 0, NULL, NULL, 404, "not_found");
    expect_error("/api/content", "{}", 2, token, NULL, 405, "method_not_allowed");

    /* Revoked: its token is refused from then on. */
    char tok2[80];
    enrol("lobby-2", tok2, sizeof tok2);
    assert_int_equal(post("/api/heartbeat", "{\"v\":1}", tok2, NULL), 200);
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "kiosk", "revoke", "cuihu", "lobby-2", NULL), 0);
    expect_error("/api/heartbeat", "{\"v\":1}", 7, tok2, NULL, 401, "unauthorized");
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "kiosk", "revoke", "cuihu", "lobby-2", NULL), 2);
}

static void test_sealed_opened_or_kept_unreadable(void **state)
{
    (void)state;
    char *pubpath = tmpdir_path(dir, "data/office.pub");
    SealPublic pub;
    char err[300];
    assert_int_equal(seal_load_public(pubpath, &pub, err, sizeof err), 0);
    free(pubpath);
    const char *inner = SUB("sealed-1", "三号楼电梯异响");
    char *box = seal_to_base64(&pub, inner, strlen(inner));
    char body[2048];
    snprintf(body, sizeof body, "{\"v\":1,\"id\":\"sealed-1\",\"sealed\":\"%s\"}", box);
    free(box);
    assert_int_equal(post("/api/submissions", body, token, "sealed-1"), 201);
    const char *cin = "{\"id\":\"sealed-1\",\"contact\":\"李女士\"}";
    box = seal_to_base64(&pub, cin, strlen(cin));
    snprintf(body, sizeof body, "{\"id\":\"sealed-1\",\"contact\":\"%s\"}", box);
    free(box);
    assert_int_equal(post("/api/submissions/contact", body, token, "sealed-1:contact"), 201);

    /* Sealed to some other key: kept, flagged, never dropped. */
    char *other = tmpdir_path(dir, "other");
    assert_int_equal(mkdir(other, 0700), 0);
    assert_int_equal(seal_keygen(other, err, sizeof err), 0);
    char *opub = tmpdir_path(other, "office.pub");
    SealPublic wrong;
    assert_int_equal(seal_load_public(opub, &wrong, err, sizeof err), 0);
    box = seal_to_base64(&wrong, inner, strlen(inner));
    snprintf(body, sizeof body, "{\"v\":1,\"id\":\"sealed-2\",\"sealed\":\"%s\"}", box);
    free(box);
    assert_int_equal(post("/api/submissions", body, token, "sealed-2"), 201);
    assert_int_equal(post("/api/submissions", body, token, "sealed-2"), 200);
    free(opub);
    free(other);

    char e[300];
    Ostore *s = ostore_open(srv.db, e, sizeof e);
    assert_non_null(s);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, c.id, &n), OSTORE_OK);
    assert_int_equal(n.unreadable, 1);
    ostore_close(s);
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "status", NULL), 0);
    assert_non_null(strstr(out, "(1 unreadable)"));
    free(out);
}

static int find_sealed(void *ud, const OstoreSuggestionRow *r)
{
    if (strcmp(r->key, "sealed-1") == 0) {
        assert_true(r->sealed);
        assert_string_equal(r->text, "三号楼电梯异响");
        assert_string_equal(r->contact, "李女士");
        (*(int *)ud)++;
    }
    return 0;
}

static void test_sealed_text_was_opened(void **state)
{
    (void)state;
    char e[300];
    Ostore *s = ostore_open(srv.db, e, sizeof e);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    int found = 0;
    assert_int_equal(ostore_suggestion_list(s, c.id, find_sealed, &found), OSTORE_OK);
    assert_int_equal(found, 1);
    ostore_close(s);
}

static void test_content_etag_and_304(void **state)
{
    (void)state;
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "content", "import", "cuihu",
                                   "assets/content/sample.json", NULL), 0);
    HttpResponse rs;
    assert_int_equal(req("/api/content", NULL, 0, token, NULL, NULL, &rs), 200);
    assert_non_null(strstr(rs.body, "翠湖花园社区"));
    char etag[256];
    snprintf(etag, sizeof etag, "%s", rs.etag);
    assert_int_equal(etag[0], '"');
    http_response_free(&rs);
    assert_int_equal(req("/api/content", NULL, 0, token, NULL, etag, &rs), 304);
    assert_null(rs.body);
    http_response_free(&rs);
    assert_int_equal(req("/api/content", NULL, 0, token, NULL, "\"stale\"", NULL), 200);
    /* An invalid import changes nothing. */
    char *bad = tmpdir_path(dir, "bad.json");
    assert_int_equal(tmpdir_write(bad, "{\"site\":{}}", 11), 0);
    char *err = NULL;
    assert_int_equal(officesrv_ctl(&srv, NULL, &err, "content", "import", "cuihu", bad, NULL), 2);
    assert_non_null(strstr(err, "site.name"));
    free(err);
    free(bad);
    assert_int_equal(req("/api/content", NULL, 0, token, NULL, etag, NULL), 304);
    /* Export gives the document served. */
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "content", "export", "cuihu", NULL), 0);
    assert_non_null(strstr(out, "water-cut-20261203"));
    free(out);
}

static long post_to(const OfficeSrv *o, const char *path, const char *body, const char *bearer,
                    const char *key)
{
    HttpRequest rq = {.method = "POST", .url = officesrv_url(o, path), .body = body,
                      .body_len = strlen(body), .bearer = bearer, .idempotency_key = key};
    HttpResponse rs;
    assert_int_equal(http_request(http, &rq, &rs), HTTP_DONE);
    http_response_free(&rs);
    return rs.status;
}

/* Nothing lives in a process: a second office on the same database knows
 * the first one's tokens, codes and keys. */
static void test_two_processes_share_one_database(void **state)
{
    (void)state;
    OfficeSrv second = srv;
    second.pid = 0;
    second.out_fd = -1;
    assert_int_equal(officesrv_start(&second), 0);
    assert_string_not_equal(second.url, srv.url);
    const char *a = SUB("shared-1", "两个进程");
    assert_int_equal(post_to(&srv, "/api/submissions", a, token, "shared-1"), 201);
    assert_int_equal(post_to(&second, "/api/submissions", a, token, "shared-1"), 200);
    assert_int_equal(post_to(&second, "/api/submissions", SUB("shared-1", "改了"), token,
                             "shared-1"), 422);
    char code[10], body[100];
    assert_int_equal(officesrv_add_kiosk(&srv, "lobby-3", code), 0);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    assert_int_equal(post_to(&second, "/api/enrol", body, NULL, NULL), 200);
    assert_int_equal(post_to(&srv, "/api/enrol", body, NULL, NULL), 409);
    assert_int_equal(officesrv_stop(&second), 0);
}

/* A full disk (issue 13, "Bad input and faults"), SQLite: a second office
 * whose file writes the kernel refuses (RLIMIT_FSIZE of 1 byte, set on
 * the running process; SIGXFSZ ignored, as a full disk sends none)
 * answers a submission 503 with Retry-After and stores nothing; once
 * writes go through again the kiosk's retry is stored once (201, then
 * 200 for a resend). PostgreSQL's disk is the database server's. */
static void test_full_disk(void **state)
{
    (void)state;
    if (testdb_is_pg())
        skip();
    OfficeSrv full = srv;
    full.pid = 0;
    full.out_fd = -1;
    void (*old)(int) = signal(SIGXFSZ, SIG_IGN);   /* inherited by the office */
    int started = officesrv_start(&full);
    signal(SIGXFSZ, old);
    assert_int_equal(started, 0);
    struct rlimit none = {1, RLIM_INFINITY}, back = {RLIM_INFINITY, RLIM_INFINITY};
    assert_int_equal(prlimit(full.pid, RLIMIT_FSIZE, &none, NULL), 0);
    const char *a = SUB("disk-1", "磁盘满了");
    for (int i = 0; i < 2; i++) {
        HttpRequest rq = {.method = "POST", .url = officesrv_url(&full, "/api/submissions"),
                          .body = a, .body_len = strlen(a), .bearer = token,
                          .idempotency_key = "disk-1"};
        HttpResponse rs;
        assert_int_equal(http_request(http, &rq, &rs), HTTP_DONE);
        assert_int_equal(rs.status, 503);
        assert_string_equal(rs.retry_after, "5");
        http_response_free(&rs);
    }
    assert_int_equal(prlimit(full.pid, RLIMIT_FSIZE, &back, NULL), 0);
    assert_int_equal(post_to(&full, "/api/submissions", a, token, "disk-1"), 201);
    assert_int_equal(post_to(&full, "/api/submissions", a, token, "disk-1"), 200);
    assert_int_equal(post_to(&srv, "/api/submissions", a, token, "disk-1"), 200);
    assert_int_equal(officesrv_stop(&full), 0);
}

static void test_start_refusals(void **state)
{
    (void)state;
    /* Plain http on an address that is not loopback. */
    char *conf = tmpdir_path(dir, "public.conf");
    char text[800];
    snprintf(text, sizeof text, "[server]\nlisten = 0.0.0.0:0\n[storage]\ndata_dir = %s/data\n", dir);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("office"));
    char *argv[] = {bin, "--config", conf, NULL};
    char *err = NULL;
    assert_int_equal(proc_run(argv, NULL, &err), 1);
    assert_non_null(strstr(err, "plain http is only allowed on a loopback address"));
    free(err);
    /* A bad setting names its line. */
    snprintf(text, sizeof text, "[server]\nlisten = 127.0.0.1:0\nthreads = many\n");
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    assert_int_equal(proc_run(argv, NULL, &err), 2);
    assert_non_null(strstr(err, "public.conf:3: threads"));
    free(err);
    /* A secret key others may read. */
    char *key = tmpdir_path(dir, "data/office.key");
    assert_int_equal(chmod(key, 0644), 0);
    snprintf(text, sizeof text, "[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s/data\n",
             dir);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    assert_int_equal(proc_run(argv, NULL, &err), 1);
    assert_non_null(strstr(err, "chmod 0600"));
    free(err);
    assert_int_equal(chmod(key, 0600), 0);
    free(key);
    free(conf);
}

/* HTTPS natively (issue 13): the same database served by a second office
 * with tls_cert and tls_key; the kiosk's own client reaches it with the
 * tests' CA, is refused without it, and plain http to it gets no answer;
 * the two settings go together, and a certificate that cannot be read
 * stops the start with its name. */
static void test_https_natively(void **state)
{
    (void)state;
    char *certs = tmpdir_path(dir, "certs");
    assert_int_equal(faultsrv_make_certs(certs), 0);
    char *base = tmpdir_read(srv.conf);
    assert_non_null(base);
    char text[4096], conf[600], ca[600];
    snprintf(conf, sizeof conf, "%s/tls.conf", dir);
    snprintf(ca, sizeof ca, "%s/ca.pem", certs);
    snprintf(text, sizeof text, "%s\n[server]\ntls_cert = %s/server.pem\ntls_key = %s/server.key\n",
             base, certs, certs);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    OfficeSrv tls = srv;
    tls.pid = 0;
    tls.out_fd = -1;
    snprintf(tls.conf, sizeof tls.conf, "%s", conf);
    assert_int_equal(officesrv_start(&tls), 0);
    assert_memory_equal(tls.url, "https://127.0.0.1:", 18);
    char err[200];
    HttpPolicy with_ca = {.ca_file = ca}, system_cas = {0};
    Http *h = http_create(&with_ca, err, sizeof err), *bare = http_create(&system_cas, err,
                                                                           sizeof err);
    assert_non_null(h);
    assert_non_null(bare);
    HttpRequest rq = {.method = "GET", .url = officesrv_url(&tls, "/api/content"),
                      .bearer = token, .max_body = 1 << 22};
    HttpResponse rs;
    assert_int_equal(http_request(h, &rq, &rs), HTTP_DONE);
    assert_int_equal(rs.status, 200);   /* the kiosk's feed, over TLS */
    assert_non_null(rs.etag);
    http_response_free(&rs);
    rq.bearer = NULL;
    assert_int_equal(http_request(h, &rq, &rs), HTTP_DONE);
    assert_int_equal(rs.status, 401);
    http_response_free(&rs);
    /* A certificate nobody vouches for: no answer. */
    assert_int_equal(http_request(bare, &rq, &rs), HTTP_FAILED);
    http_response_free(&rs);
    /* Plain http to the TLS port: no HTTP answer either. */
    char plain[200];
    snprintf(plain, sizeof plain, "http://%s/api/content", tls.url + strlen("https://"));
    HttpRequest prq = {.method = "GET", .url = plain, .max_body = 1 << 16};
    assert_true(http_request(http, &prq, &rs) != HTTP_DONE || rs.status == 400);
    http_response_free(&rs);
    http_destroy(h);
    http_destroy(bare);
    assert_int_equal(officesrv_stop(&tls), 0);
    /* The start refusals. */
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("office"));
    char *argv[] = {bin, "--config", conf, NULL};
    char *msg = NULL;
    snprintf(text, sizeof text, "%s\n[server]\ntls_cert = %s/server.pem\n", base, certs);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    assert_int_equal(proc_run(argv, NULL, &msg), 1);
    assert_non_null(strstr(msg, "tls_cert and tls_key go together"));
    free(msg);
    snprintf(text, sizeof text, "%s\n[server]\ntls_cert = %s/missing.pem\ntls_key = %s/server.key\n",
             base, certs, certs);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    assert_int_equal(proc_run(argv, NULL, &msg), 1);
    assert_non_null(strstr(msg, "tls_cert"));
    assert_non_null(strstr(msg, "missing.pem"));
    free(msg);
    free(base);
    free(certs);
}

/* scripts/run-office.sh on a free port with the demo directory `demo`,
 * until its message is out: its pid (*fd_out: the read end of its output)
 * and the message in out. */
static pid_t run_office_start(const char *demo, char *out, size_t outsize, int *fd_out)
{
    const char *b = getenv("KIOSK_BUILD");
    char build[300];
    snprintf(build, sizeof build, "%s", b && *b ? b : "build");
    setenv("OFFICE_PORT", "0", 1);
    setenv("OFFICE_DEMO_DIR", demo, 1);
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    char *argv[] = {"/bin/sh", "scripts/run-office.sh", build, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    unsetenv("OFFICE_PORT");
    unsetenv("OFFICE_DEMO_DIR");
    assert_int_equal(rc, 0);
    /* Its output up to the last line of its message (or its end). */
    size_t len = 0;
    out[0] = '\0';
    while (len < outsize - 1 && !strstr(out, "a fresh demo:")) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, 120000) <= 0)
            break;
        ssize_t got = read(fds[0], out + len, outsize - 1 - len);
        if (got <= 0)
            break;
        len += (size_t)got;
        out[len] = '\0';
    }
    *fd_out = fds[0];
    return pid;
}

/* Ctrl-C (or SIGTERM) stops the office with the script. */
static void run_office_stop(pid_t pid, int fd)
{
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(fd);
}

typedef struct {
    int n, en, states[5], overdue_ack, overdue_close, contacts, replied;
    bool overdue_first;         /* every overdue one before every other */
} DemoInbox;

/* What the demo's inbox holds, as the console's inbox reads it. */
static void run_office_inbox(StaffSrv *st, const StaffSession *ses, DemoInbox *d)
{
    static const char *const states[] = {"new", "acknowledged", "in_progress", "done",
                                         "declined"};
    memset(d, 0, sizeof *d);
    d->overdue_first = true;
    StaffResp r;
    assert_int_equal(staffsrv_req(st, "GET", "/api/office/suggestions?limit=100", ses, NULL,
                                  NULL, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    assert_true(json_is_array(items));
    assert_true(json_is_null(json_object_get(r.json, "next")));
    bool rest = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        d->n++;
        const char *state = json_string_value(json_object_get(it, "state"));
        const char *overdue = json_string_value(json_object_get(it, "overdue"));
        for (int k = 0; k < 5; k++)
            d->states[k] += state && strcmp(state, states[k]) == 0;
        d->overdue_ack += overdue && strcmp(overdue, "ack") == 0;
        d->overdue_close += overdue && strcmp(overdue, "close") == 0;
        if (!overdue)
            rest = true;
        else if (rest)
            d->overdue_first = false;
        d->contacts += json_is_true(json_object_get(it, "has_contact"));
        d->en += strcmp(json_string_value(json_object_get(it, "lang")), "en") == 0;
        /* a closed one with its reply */
        if (state && strcmp(state, "done") == 0) {
            char path[80];
            StaffResp one;
            snprintf(path, sizeof path, "/api/office/suggestions/%lld",
                     (long long)json_integer_value(json_object_get(it, "id")));
            assert_int_equal(staffsrv_req(st, "GET", path, ses, NULL, NULL, NULL, &one), 200);
            json_t *reply = json_object_get(one.json, "reply");
            d->replied += reply && !json_is_null(reply);
            staffsrv_resp_free(&one);
        }
    }
    json_t *counts = json_object_get(r.json, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "overdue")),
                     d->overdue_ack + d->overdue_close);
    staffsrv_resp_free(&r);
}

/* make run-office (scripts/run-office.sh, issue 13's "Two commands"): on
 * a free loopback port with a scratch demo directory it makes the demo
 * organisation, community and an enrolled kiosk, and prints the address,
 * the console and a demo login that signs in; SIGTERM stops it cleanly.
 * Its inbox is not empty (issue 14): example suggestions in Chinese and
 * English in every state, some overdue to acknowledge and to close (the
 * overdue first), a contact left on one, the closed ones answered, a
 * printed receipt code whose reply shows on /r/CODE, ratings on the
 * statistics; a second run on the same directory adds nothing. */
static void test_run_office(void **state)
{
    (void)state;
    char *demo = tmpdir_path(dir, "demo");
    char out[8192];
    int fd;
    pid_t pid = run_office_start(demo, out, sizeof out, &fd);
    char url[128] = "";
    const char *at = strstr(out, "Lobby Office is running at ");
    if (!at || sscanf(at, "Lobby Office is running at %127s", url) != 1) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        fail_msg("run-office said: %s", out);
    }
    assert_memory_equal(url, "http://127.0.0.1:", 17);
    assert_non_null(strstr(out, "/console/"));
    assert_non_null(strstr(out, "demo login:    admin / demo-password"));
    assert_non_null(strstr(out, "enrolled as cuihu/lobby-demo"));
    /* The demo login signs in; the console is served. */
    char u[300];
    snprintf(u, sizeof u, "%s/api/office/login", url);
    const char *login = "{\"user\":\"admin\",\"password\":\"demo-password\"}";
    HttpRequest rq = {.method = "POST", .url = u, .body = login, .body_len = strlen(login)};
    HttpResponse rs;
    assert_int_equal(http_request(http, &rq, &rs), HTTP_DONE);
    assert_int_equal(rs.status, 200);
    assert_non_null(strstr(rs.body, "\"cuihu\""));
    http_response_free(&rs);
    snprintf(u, sizeof u, "%s/console/", url);
    HttpRequest get = {.method = "GET", .url = u, .max_body = 1 << 20};
    assert_int_equal(http_request(http, &get, &rs), HTTP_DONE);
    assert_int_equal(rs.status, 200);
    http_response_free(&rs);
    /* The demo's inbox. */
    StaffSrv st = {0};
    snprintf(st.url, sizeof st.url, "%s", url);
    StaffSession ses;
    assert_int_equal(staffsrv_login(&st, "admin", "demo-password", &ses), 200);
    DemoInbox d;
    run_office_inbox(&st, &ses, &d);
    assert_true(d.n >= 12);
    for (int k = 0; k < 5; k++)
        assert_true(d.states[k] >= 1);             /* new ... declined */
    assert_true(d.overdue_ack >= 2);
    assert_true(d.overdue_close >= 2);
    assert_true(d.overdue_first);
    assert_int_equal(d.contacts, 1);
    assert_true(d.en >= 2 && d.en < d.n / 2);     /* a few in English */
    assert_true(d.replied >= 1 && d.replied == d.states[3]);
    /* Ratings in two months on the statistics. */
    StaffResp r;
    char path[120];
    time_t tt = time(NULL);
    struct tm tm;
    localtime_r(&tt, &tm);
    int y = tm.tm_year + 1900, mon = tm.tm_mon + 1;
    snprintf(path, sizeof path, "/api/office/communities/cuihu/stats?from=%04d-%02d&to=%04d-%02d",
             mon == 1 ? y - 1 : y, mon == 1 ? 12 : mon - 1, y, mon);
    assert_int_equal(staffsrv_req(&st, "GET", path, &ses, NULL, NULL, NULL, &r), 200);
    int rated_months = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(r.json, "months"), i, m)
        rated_months += json_integer_value(json_object_get(json_object_get(m, "ratings"),
                                                           "n")) > 0;
    assert_int_equal(rated_months, 2);
    staffsrv_resp_free(&r);
    /* The printed receipt code's reply on the public reply page. */
    char code[16] = "";
    at = strstr(out, "a resident's receipt code ");
    assert_non_null(at);
    assert_int_equal(sscanf(at, "a resident's receipt code %9[0-9A-Z-]", code), 1);
    char page[64];
    snprintf(page, sizeof page, "/r/%s", code);
    assert_int_equal(staffsrv_req(&st, "GET", page, NULL, NULL, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "滑梯上松动的踏板已于本周二更换并加固"));
    staffsrv_resp_free(&r);
    run_office_stop(pid, fd);
    assert_int_equal(http_request(http, &get, &rs), HTTP_FAILED);   /* no office left */
    http_response_free(&rs);
    /* Again on the same directory: the same inbox, nothing doubled. */
    pid = run_office_start(demo, out, sizeof out, &fd);
    at = strstr(out, "Lobby Office is running at ");
    if (!at || sscanf(at, "Lobby Office is running at %127s", url) != 1) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        fail_msg("run-office said the second time: %s", out);
    }
    assert_non_null(strstr(out, code));
    snprintf(st.url, sizeof st.url, "%s", url);
    assert_int_equal(staffsrv_login(&st, "admin", "demo-password", &ses), 200);
    DemoInbox again;
    run_office_inbox(&st, &ses, &again);
    assert_int_equal(again.n, d.n);
    assert_memory_equal(again.states, d.states, sizeof d.states);
    assert_int_equal(again.contacts, 1);
    run_office_stop(pid, fd);
    free(demo);
}

/* officectl's lists and its usage refusals (issue 13: exit codes and
 * messages like kioskctl's: 0 done, 1 failure, 2 bad input or usage). */
static void test_officectl_lists_and_usage(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    char code[10];
    assert_int_equal(officesrv_add_kiosk(&srv, "list-waiting", code), 0);
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "community", "add", "lakeside", "湖畔",
                                   "Lakeside", NULL), 0);
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "community", "list", NULL), 0);
    assert_non_null(strstr(out, "cuihu"));
    assert_non_null(strstr(out, "翠湖花园社区"));
    assert_non_null(strstr(out, "lakeside"));
    assert_non_null(strstr(out, "湖畔 / Lakeside  kiosks 0, suggestions 0"));
    free(out);
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "kiosk", "list", NULL), 0);
    assert_non_null(strstr(out, "list-waiting"));
    assert_non_null(strstr(out, "waiting"));
    free(out);
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "kiosk", "list", "lakeside", NULL), 0);
    assert_true(!out || !*out);   /* no kiosk there */
    free(out);
    /* refusals: 2 and a message naming what is wrong */
    struct {
        const char *a[5];
        const char *msg;
    } bad[] = {
        {{"community", "add", "cuihu", "again"}, "community cuihu exists already"},
        {{"community", "add", "Bad_Slug", "x"}, "use 1 to 63 of a-z, 0-9 and -"},
        {{"community", "remove", "cuihu"}, "expected add SLUG NAME_ZH [NAME_EN] or list"},
        {{"kiosk", "list", "nowhere"}, "nowhere"},
        {{"kiosk", "add", "cuihu", "list-waiting"}, "exists already"},
        {{"kiosk", "revoke", "cuihu", "nobody"}, "no kiosk \"nobody\" in cuihu"},
        {{"init", "--org", "again", "--admin", "root"}, "initialised already"},
        {{"frobnicate"}, "unknown command \"frobnicate\""},
        {{"backup"}, "backup: wrong number of arguments"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *const *a = bad[i].a;
        int rc = officesrv_ctl(&srv, NULL, &err, a[0], a[1], a[2], a[3], a[4], NULL);
        if (rc != 2 || !err || !strstr(err, bad[i].msg))
            fail_msg("officectl %s %s: expected 2 and \"%s\", got %d: %s", a[0],
                     a[1] ? a[1] : "", bad[i].msg, rc, err ? err : "");
        free(err);
        err = NULL;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enrolment_code_works_once),
        cmocka_unit_test(test_submissions_exactly_once),
        cmocka_unit_test(test_every_refusal),
        cmocka_unit_test(test_sealed_opened_or_kept_unreadable),
        cmocka_unit_test(test_sealed_text_was_opened),
        cmocka_unit_test(test_content_etag_and_304),
        cmocka_unit_test(test_two_processes_share_one_database),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_start_refusals),
        cmocka_unit_test(test_officectl_lists_and_usage),
        cmocka_unit_test(test_https_natively),
        cmocka_unit_test(test_run_office),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
