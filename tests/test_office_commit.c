/* test_office_commit.c - the kiosks' writes answered only once durable,
 * committed together (office_req_commit, the group commit), on SQLite and
 * on PostgreSQL (testdb.h): an office of 2 threads holds far more than 2
 * submissions waiting for one commit (their connections suspended, not
 * their threads), one commit stores them all; a failed commit answers every
 * waiting submission 503 and stores none of them, and the kiosks' re-sends
 * are then stored once (201, then 200 duplicate); the office stopping with
 * submissions waiting commits and answers or closes them, and returns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"
#include "office.h"
#include "office_secret.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "staffsrv.h"

static StaffSrv srv;
static char token[80];
static atomic_int answered;   /* requests that have come back, answered or not */

static int setup(void **state)
{
    (void)state;
    if (staffsrv_start(&srv, NULL) < 0)
        return -1;
    /* A device token for the kiosk staffsrv made (code "code-1"). */
    char code_hash[OSTORE_HASH_HEX], token_hash[OSTORE_HASH_HEX];
    office_hash_hex("code-1", 6, code_hash);
    snprintf(token, sizeof token, "commit-test-token-0123456789");
    office_hash_hex(token, strlen(token), token_hash);
    OstoreKiosk k;
    return ostore_enrol_redeem(srv.store, code_hash, token_hash, atomic_load(&srv.now), &k) ==
           OSTORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    return 0;
}

typedef struct {
    char key[48];
    char body[400];
    long status;              /* -1: no answer (connection closed) */
    char code[64];            /* the error code of a refusal */
    char retry_after[64];
    pthread_t t;
} Sub;

static void *send_one(void *arg)
{
    Sub *s = arg;
    HttpPolicy pol = {.allow_http_loopback = true, .total_timeout_ms = 120000};
    char err[200];
    Http *h = http_create(&pol, err, sizeof err);
    s->status = -1;
    if (!h)
        return NULL;
    char url[200];
    snprintf(url, sizeof url, "%s/api/submissions", srv.url);
    HttpRequest rq = {.method = "POST", .url = url, .body = s->body,
                      .body_len = strlen(s->body), .bearer = token,
                      .idempotency_key = s->key};
    HttpResponse rs;
    if (http_request(h, &rq, &rs) == HTTP_DONE) {
        s->status = rs.status;
        snprintf(s->retry_after, sizeof s->retry_after, "%s", rs.retry_after);
        json_t *v = rs.body ? json_loads(rs.body, 0, NULL) : NULL;
        const char *c = json_string_value(json_object_get(json_object_get(v, "error"), "code"));
        snprintf(s->code, sizeof s->code, "%s", c ? c : "");
        json_decref(v);
    }
    http_response_free(&rs);
    http_destroy(h);
    atomic_fetch_add(&answered, 1);
    return NULL;
}

static void sub_init(Sub *s, const char *prefix, int i)
{
    snprintf(s->key, sizeof s->key, "%.20s-%d", prefix, i);
    snprintf(s->body, sizeof s->body,
             "{\"v\":1,\"id\":\"%.47s\",\"topic\":\"repairs\",\"text\":\"路灯坏了 %d\","
             "\"date\":\"2025-12-05\",\"receipt\":\"HJKM6789\",\"lang\":\"zh\"}", s->key, i);
    s->status = 0;
}

/* Send each of subs[0..n) from its own thread and connection, at once. */
static void send_all(Sub *subs, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&subs[i].t, NULL, send_one, &subs[i]), 0);
}

static void join_all(Sub *subs, int n)
{
    for (int i = 0; i < n; i++)
        pthread_join(subs[i].t, NULL);
}

/* Until n jobs wait for the next batch (the group held). */
static void wait_for_waiting(OstoreGroup *g, int n)
{
    int64_t commits, jobs;
    int waiting = 0;
    for (long spins = 0; waiting < n && spins < 400000000L; spins++) {
        ostore_group_stats(g, &commits, &jobs, &waiting);
        sched_yield();
    }
    if (waiting != n)
        fail_msg("%d submissions wait for the commit, expected %d", waiting, n);
}

static int64_t stored(const char *prefix)
{
    char like[64];
    snprintf(like, sizeof like, "%s-%%", prefix);
    OstoreStmt *st = ostore_prep(srv.store, "SELECT COUNT(*) FROM suggestion WHERE uuid LIKE ?",
                                 "t", like);
    int64_t n = st && ostore_step(st) == OSTORE_STEP_ROW ? ostore_col_int(st, 0) : -1;
    ostore_finish(st);
    return n;
}

#define MANY 40

static void test_one_commit_carries_many(void **state)
{
    (void)state;
    OstoreGroup *g = office_group(srv.office);
    int64_t c0, j0, c1, j1;
    int w;
    ostore_group_stats(g, &c0, &j0, &w);
    ostore_group_hold(g, true);
    atomic_store(&answered, 0);
    Sub subs[MANY];
    for (int i = 0; i < MANY; i++)
        sub_init(&subs[i], "many", i);
    send_all(subs, MANY);
    /* The office has 2 threads: 40 waiting means the connections wait,
     * not the threads. Nothing is answered yet. */
    wait_for_waiting(g, MANY);
    assert_int_equal(atomic_load(&answered), 0);
    assert_int_equal(stored("many"), 0);
    ostore_group_hold(g, false);
    join_all(subs, MANY);
    for (int i = 0; i < MANY; i++)
        if (subs[i].status != 201)
            fail_msg("%s: %ld %s", subs[i].key, subs[i].status, subs[i].code);
    ostore_group_stats(g, &c1, &j1, &w);
    assert_int_equal(c1 - c0, 1);          /* one commit for all forty */
    assert_int_equal(j1 - j0, MANY);
    assert_int_equal(stored("many"), MANY);
    /* A re-sent one is a duplicate, answered after a commit too. */
    send_all(subs, 1);
    join_all(subs, 1);
    assert_int_equal(subs[0].status, 200);
    assert_int_equal(stored("many"), MANY);
}

#define FAILING 12

static void test_failed_commit_answers_every_waiting(void **state)
{
    (void)state;
    OstoreGroup *g = office_group(srv.office);
    /* One stored before, re-sent into the failing batch with the rest. */
    Sub subs[FAILING];
    for (int i = 0; i < FAILING; i++)
        sub_init(&subs[i], "fail", i);
    send_all(subs, 1);
    join_all(subs, 1);
    assert_int_equal(subs[0].status, 201);
    ostore_group_hold(g, true);
    send_all(subs, FAILING);
    wait_for_waiting(g, FAILING);
    ostore_group_fail_next(g, "disk full (test)");
    ostore_group_hold(g, false);
    join_all(subs, FAILING);
    for (int i = 0; i < FAILING; i++) {
        if (subs[i].status != 503)
            fail_msg("%s: %ld, expected 503", subs[i].key, subs[i].status);
        assert_string_equal(subs[i].code, "unavailable");
        assert_string_equal(subs[i].retry_after, "5");
    }
    assert_int_equal(stored("fail"), 1);   /* only the one stored before */
    /* The kiosks send again: each stored once now, then a duplicate. */
    send_all(subs, FAILING);
    join_all(subs, FAILING);
    for (int i = 0; i < FAILING; i++)
        assert_int_equal(subs[i].status, i == 0 ? 200 : 201);
    assert_int_equal(stored("fail"), FAILING);
    send_all(subs, FAILING);
    join_all(subs, FAILING);
    for (int i = 0; i < FAILING; i++)
        assert_int_equal(subs[i].status, 200);
    assert_int_equal(stored("fail"), FAILING);
}

#define STOPPING 10

static void test_stop_with_submissions_waiting(void **state)
{
    (void)state;
    OstoreGroup *g = office_group(srv.office);
    ostore_group_hold(g, true);
    Sub subs[STOPPING];
    for (int i = 0; i < STOPPING; i++)
        sub_init(&subs[i], "stop", i);
    send_all(subs, STOPPING);
    wait_for_waiting(g, STOPPING);
    /* Returns (no connection left suspended), the waiting writes committed. */
    office_stop(srv.office);
    srv.office = NULL;
    join_all(subs, STOPPING);
    assert_int_equal(stored("stop"), STOPPING);
    /* Each answered 201 (stored) or, closed by the stop, with nothing. */
    for (int i = 0; i < STOPPING; i++)
        if (subs[i].status != 201 && subs[i].status != -1)
            fail_msg("%s: %ld", subs[i].key, subs[i].status);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_commit_carries_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_commit_answers_every_waiting, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_stop_with_submissions_waiting, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
