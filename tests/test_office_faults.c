/* test_office_faults.c - the office under faults, on SQLite and on
 * PostgreSQL (testdb.h): kiosks' real outboxes uploading with the kiosk's
 * real upload code while the office is killed -9 and restarted, then
 * every acknowledged suggestion counted in the office exactly once; and
 * (PostgreSQL) the database stopping mid-test: requests answer 503 with
 * Retry-After, and once it is back the kiosk's retry stores everything
 * once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "http.h"
#include "officesrv.h"
#include "ostore.h"
#include "outbox.h"
#include "proc.h"
#include "testdb.h"
#include "timeutil.h"
#include "tmpdir.h"
#include "upload.h"

#define KIOSKS 3
#define PER_KIOSK 30
#define KILLS 3

static char *dir;
static OfficeSrv srv;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    /* Restarts must come back on the same address: fix the port now. */
    char *text = tmpdir_read(srv.conf);
    const char *colon = strrchr(srv.url, ':');
    char *at = text ? strstr(text, "listen = 127.0.0.1:0\n") : NULL;
    if (!at || !colon)
        return -1;
    char fixed[4096];
    snprintf(fixed, sizeof fixed, "%.*slisten = 127.0.0.1:%d\n%s", (int)(at - text), text,
             atoi(colon + 1), at + strlen("listen = 127.0.0.1:0\n"));
    free(text);
    return tmpdir_write(srv.conf, fixed, strlen(fixed));
}

static int teardown(void **state)
{
    (void)state;
    if (srv.pid > 0)
        officesrv_stop(&srv);
    tmpdir_remove(dir);
    return 0;
}

static Http *loopback_http(void)
{
    HttpPolicy p = {.allow_http_loopback = true, .connect_timeout_ms = 2000,
                    .total_timeout_ms = 10000, .low_speed_time_s = 5};
    char err[200];
    Http *h = http_create(&p, err, sizeof err);
    if (!h)
        fail_msg("http_create: %s", err);
    return h;
}

/* Enrol a kiosk NAME through the API; its device token into tok. */
static void enrol(const char *name, char tok[80])
{
    char code[10], body[100];
    assert_int_equal(officesrv_add_kiosk(&srv, name, code), 0);
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    Http *h = loopback_http();
    HttpRequest rq = {.method = "POST", .url = officesrv_url(&srv, "/api/enrol"), .body = body,
                      .body_len = strlen(body)};
    HttpResponse rs;
    assert_int_equal(http_request(h, &rq, &rs), HTTP_DONE);
    assert_int_equal(rs.status, 200);
    json_t *v = json_loads(rs.body, 0, NULL);
    snprintf(tok, 80, "%s", json_string_value(json_object_get(v, "device_token")));
    assert_int_equal(strlen(tok), 64);
    json_decref(v);
    http_response_free(&rs);
    http_destroy(h);
}

/* A kiosk's outbox in DIR/NAME with n suggestions (every third with a contact). */
static Outbox *outbox_with(const char *name, int n, int from)
{
    char data[700], err[300], receipt[OUTBOX_RECEIPT_SIZE];
    snprintf(data, sizeof data, "%s/%s", dir, name);
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    if (!ob)
        fail_msg("outbox_open: %s", err);
    for (int i = from; i < from + n; i++) {
        char text[80];
        snprintf(text, sizeof text, "%s 第%d条：楼道灯不亮", name, i);
        if (outbox_push(ob, "repairs", text, i % 3 == 0 ? "13800000000" : NULL, "zh",
                        time_now_ms() / 1000, receipt, err, sizeof err) != OUTBOX_OK)
            fail_msg("outbox_push: %s", err);
    }
    return ob;
}

/* The URLs come from the caller: officesrv_url answers in one static
 * buffer, so kiosk threads must not call it (one thread's submissions
 * went to another's contact URL and were refused 422, and the storm never
 * finished). */
static Upload *uploader(Outbox *ob, Http *h, const char *tok, const char *up,
                        const char *contact)
{
    UploadSettings s = {.upload_url = up, .contact_url = contact, .device_token = tok,
                        .backoff_base_ms = 10, .backoff_cap_ms = 50, .batch_min = 1};
    char err[300];
    assert_int_equal(batch_parse_times("", &s.times, err, sizeof err), 0);
    Upload *u = upload_open(ob, &s, h, err, sizeof err);   /* strings copied */
    if (!u)
        fail_msg("upload_open: %s", err);
    return u;
}

/* ---- what the office holds, against what the outboxes say was delivered ---- */

typedef struct {
    char (*keys)[80];
    int n, max;
} Keys;

static int office_row(void *ud, const OstoreSuggestionRow *r)
{
    Keys *k = ud;
    if (k->n < k->max)
        snprintf(k->keys[k->n], 80, "%s", r->key);
    k->n++;
    return 0;
}

static int delivered_row(const OutboxRow *row, void *ctx)
{
    Keys *k = ctx;
    if (k->n < k->max)
        snprintf(k->keys[k->n], 80, "%s", row->id);
    k->n++;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Every suggestion the outboxes hold is delivered, and the office holds
 * exactly those, each once: the same sorted list of keys. */
static void assert_stored_once(Outbox **obs, int n_obs, int expect, int contacts)
{
    static char okeys[512][80], dkeys[512][80];
    Keys office = {okeys, 0, 512}, kiosks = {dkeys, 0, 512};
    char err[300];
    for (int i = 0; i < n_obs; i++) {
        assert_true(outbox_each(obs[i], OUTBOX_DELIVERED, delivered_row, &kiosks, err,
                                sizeof err) >= 0);
        assert_true(outbox_each(obs[i], OUTBOX_WAITING | OUTBOX_DEAD, delivered_row,
                                &(Keys){dkeys, 0, 0}, err, sizeof err) == 0);   /* none left */
    }
    Ostore *s = ostore_open(srv.db, err, sizeof err);
    if (!s)
        fail_msg("ostore_open: %s", err);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    assert_int_equal(ostore_suggestion_list(s, c.id, office_row, &office), OSTORE_OK);
    OstoreCounts counts;
    assert_int_equal(ostore_counts(s, c.id, &counts), OSTORE_OK);
    ostore_close(s);
    fprintf(stderr, "faults (%s): %d delivered by the kiosks, %d stored by the office\n",
            testdb_engine(), kiosks.n, office.n);
    assert_int_equal(kiosks.n, expect);
    assert_int_equal(office.n, expect);
    assert_int_equal(counts.suggestions, expect);
    assert_int_equal(counts.contacts, contacts);
    qsort(okeys, (size_t)office.n, 80, key_cmp);
    qsort(dkeys, (size_t)kiosks.n, 80, key_cmp);
    for (int i = 0; i < expect; i++) {
        assert_string_equal(okeys[i], dkeys[i]);
        if (i > 0)
            assert_string_not_equal(okeys[i], okeys[i - 1]);
    }
}

/* ---- kill -9 during a storm of uploads ---- */

typedef struct {
    char name[32];
    char tok[80];
    char up[256], contact[256];   /* made before the threads start */
    Outbox *ob;
    int delivered;
    int passes;
    int cut;   /* passes stopped by a transient failure (the office killed) */
    pthread_t th;
} Kiosk;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int total_delivered, generation;
static int busy;   /* kiosks inside a pass with something left to send */
static bool stop_all;

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* One kiosk's uploader: passes until everything is delivered. A pass that
 * met a failing office waits for the office's next start (or 50 ms). */
static void *kiosk_thread(void *arg)
{
    Kiosk *k = arg;
    Http *h = loopback_http();
    Upload *u = uploader(k->ob, h, k->tok, k->up, k->contact);
    int64_t now = time_now_ms();
    upload_open_batch(u, now / 1000, true);
    pthread_mutex_lock(&mu);
    while (!stop_all && k->delivered < PER_KIOSK) {
        int gen = generation;
        busy++;
        pthread_cond_broadcast(&cv);   /* a kill may come now, into this pass */
        pthread_mutex_unlock(&mu);
        UploadReport rep;
        upload_send_due(u, now, &rep);
        now += 1000;   /* past any backoff (capped at 50 ms) */
        pthread_mutex_lock(&mu);
        busy--;
        k->passes++;
        k->delivered += rep.delivered;
        k->cut += rep.retry > 0;
        total_delivered += rep.delivered;
        pthread_cond_broadcast(&cv);
        if (rep.retry > 0 && generation == gen && !stop_all) {
            struct timespec ts;
            deadline_in(&ts, 50);
            pthread_cond_timedwait(&cv, &mu, &ts);
        }
    }
    pthread_mutex_unlock(&mu);
    upload_close(u);
    http_destroy(h);
    return NULL;
}

static void kill9_office(void)
{
    assert_int_equal(kill(srv.pid, SIGKILL), 0);
    int status;
    while (waitpid(srv.pid, &status, 0) < 0 && errno == EINTR)
        ;
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(srv.out_fd);
    srv.out_fd = -1;
    srv.pid = 0;
}

static void test_kill9_storm_loses_and_doubles_nothing(void **state)
{
    (void)state;
    static Kiosk ks[KIOSKS];
    Outbox *obs[KIOSKS];
    for (int i = 0; i < KIOSKS; i++) {
        snprintf(ks[i].name, sizeof ks[i].name, "storm-%d", i);
        enrol(ks[i].name, ks[i].tok);
        ks[i].ob = obs[i] = outbox_with(ks[i].name, PER_KIOSK, 0);
        snprintf(ks[i].up, sizeof ks[i].up, "%s", officesrv_url(&srv, "/api/submissions"));
        snprintf(ks[i].contact, sizeof ks[i].contact, "%s",
                 officesrv_url(&srv, "/api/submissions/contact"));
    }
    for (int i = 0; i < KIOSKS; i++)
        assert_int_equal(pthread_create(&ks[i].th, NULL, kiosk_thread, &ks[i]), 0);

    /* Kill the office -9 at a quarter, half and three quarters of the way,
     * each time once a kiosk is in a pass with something left to send (so
     * the kill meets its requests rather than falling between passes; one
     * pass can carry a kiosk's every submission), and start it again. */
    int total = KIOSKS * PER_KIOSK, kills = 0;
    for (int n = 1; n <= KILLS; n++) {
        pthread_mutex_lock(&mu);
        struct timespec ts;
        deadline_in(&ts, 60000);
        int rc = 0;
        while ((total_delivered < n * total / (KILLS + 1) ||
                (busy == 0 && total_delivered < total)) && rc == 0)
            rc = pthread_cond_timedwait(&cv, &mu, &ts);
        pthread_mutex_unlock(&mu);
        if (rc != 0)
            break;
        kill9_office();
        kills++;
        assert_int_equal(officesrv_start(&srv), 0);
        pthread_mutex_lock(&mu);
        generation++;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    /* Then until every outbox is empty (bounded). */
    pthread_mutex_lock(&mu);
    struct timespec ts;
    deadline_in(&ts, 60000);
    int rc = 0;
    while (total_delivered < total && rc == 0)
        rc = pthread_cond_timedwait(&cv, &mu, &ts);
    stop_all = true;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < KIOSKS; i++)
        pthread_join(ks[i].th, NULL);
    int passes = 0, cut = 0;
    for (int i = 0; i < KIOSKS; i++) {
        passes += ks[i].passes;
        cut += ks[i].cut;
    }
    fprintf(stderr, "faults (%s): %d kills, %d upload passes (%d stopped by a failure)\n",
            testdb_engine(), kills, passes, cut);
    assert_int_equal(kills, KILLS);
    assert_int_equal(total_delivered, total);
    assert_stored_once(obs, KIOSKS, total, KIOSKS * ((PER_KIOSK + 2) / 3));
    for (int i = 0; i < KIOSKS; i++)
        outbox_close(obs[i]);
}

/* ---- PostgreSQL stopping and coming back ---- */

static long post(Http *h, const char *path, const char *body, const char *tok, const char *key,
                 char *retry_after, size_t n)
{
    HttpRequest rq = {.method = body ? "POST" : "GET", .url = officesrv_url(&srv, path),
                      .body = body, .body_len = body ? strlen(body) : 0, .bearer = tok,
                      .idempotency_key = key};
    HttpResponse rs;
    assert_int_equal(http_request(h, &rq, &rs), HTTP_DONE);
    if (retry_after)
        snprintf(retry_after, n, "%s", rs.retry_after);
    long st = rs.status;
    http_response_free(&rs);
    return st;
}

static void test_database_stops_and_returns(void **state)
{
    (void)state;
    if (!testdb_is_pg())
        skip();   /* SQLite is a file in the office's own data directory */
    char tok[80];
    enrol("lobby-pg", tok);
    Outbox *ob = outbox_with("lobby-pg", 4, 0);
    Http *h = loopback_http();
    char up[256], contact[256];
    snprintf(up, sizeof up, "%s", officesrv_url(&srv, "/api/submissions"));
    snprintf(contact, sizeof contact, "%s", officesrv_url(&srv, "/api/submissions/contact"));
    Upload *u = uploader(ob, h, tok, up, contact);
    int64_t now = time_now_ms();
    UploadReport rep;
    assert_int_equal(upload_open_batch(u, now / 1000, true), 4);
    assert_int_equal(upload_send_due(u, now, &rep), 0);
    assert_int_equal(rep.delivered, 4);

    /* More arrive; the database goes away. */
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    for (int i = 4; i < 10; i++)
        assert_int_equal(outbox_push(ob, "repairs", "电梯按钮失灵", i % 2 ? "13900000000" : NULL,
                                     "zh", now / 1000, receipt, err, sizeof err), OUTBOX_OK);
    assert_int_equal(testdb_pg_stop(), 0);
    char ra[64];
    const char *sub = "{\"v\":1,\"id\":\"pg-down-1\",\"topic\":\"repairs\",\"text\":\"x\","
                      "\"date\":\"2026-12-01\",\"receipt\":\"HJKM6789\",\"lang\":\"zh\"}";
    assert_int_equal(post(h, "/api/submissions", sub, tok, "pg-down-1", ra, sizeof ra), 503);
    assert_true(atoi(ra) > 0);
    assert_int_equal(post(h, "/api/content", NULL, tok, NULL, ra, sizeof ra), 503);
    assert_true(atoi(ra) > 0);
    assert_int_equal(post(h, "/api/heartbeat", "{\"v\":1}", tok, NULL, ra, sizeof ra), 503);
    now += 1000;
    assert_int_equal(upload_open_batch(u, now / 1000, true), 6);
    assert_int_equal(upload_send_due(u, now, &rep), 0);
    assert_int_equal(rep.delivered, 0);
    assert_true(rep.retry > 0);
    assert_int_equal(rep.last_status, 503);

    /* It comes back: the office answers again without a restart, and the
     * kiosk's retry stores the rest, each once. */
    assert_int_equal(testdb_pg_start(), 0);
    int delivered = 0;
    for (int pass = 0; pass < 20 && delivered < 6; pass++) {
        now += 1000;
        assert_int_equal(upload_send_due(u, now, &rep), 0);
        delivered += rep.delivered;
    }
    assert_int_equal(delivered, 6);
    upload_close(u);
    http_destroy(h);
    Outbox *obs[1] = {ob};
    /* Exactly the outbox's ten (the refused direct post left nothing);
     * contacts: 0 and 3 of the first four, 5, 7 and 9 of the rest. */
    assert_stored_once(obs, 1, 10, 5);
    outbox_close(ob);
}

/* A full disk at start (SQLite): no room for office.db-shm. The office and
 * officectl say so plainly instead of "disk I/O error", change nothing,
 * and the office starts once there is room again (systemd restarts it
 * meanwhile; the kiosks keep their outboxes). */
static char *small_top, *small_mnt;   /* unmounted by full_teardown, also after a failure */

static int full_teardown(void **state)
{
    (void)state;
    if (small_mnt) {
        if (srv.pid > 0)
            officesrv_stop(&srv);
        umount(small_mnt);
        free(small_mnt);
        small_mnt = NULL;
    }
    if (small_top)
        tmpdir_remove(small_top);   /* frees it */
    small_top = NULL;
    return 0;
}

static void test_full_disk_at_start(void **state)
{
    (void)state;
    if (testdb_is_pg())
        skip();   /* PostgreSQL's disk is not the office's to watch */
    small_top = tmpdir_make();
    assert_non_null(small_top);
    char *mnt = tmpdir_path(small_top, "small");
    assert_int_equal(mkdir(mnt, 0700), 0);
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=4m,mode=0700") != 0) {
        fprintf(stderr, "cannot mount a tmpfs (%s): test skipped (needs root)\n",
                strerror(errno));
        free(mnt);
        skip();
    }
    small_mnt = mnt;
    assert_int_equal(officesrv_init(&srv, mnt, NULL), 0);
    char *filler = tmpdir_path(mnt, "filler");
    tmpdir_fill(filler);
    char office[512], ctl[512];
    snprintf(office, sizeof office, "%s", proc_bin("office"));
    snprintf(ctl, sizeof ctl, "%s", proc_bin("officectl"));
    char *run[] = {office, "--config", srv.conf, NULL};
    char *status[] = {ctl, "--config", srv.conf, "status", NULL};
    char **argvs[] = {run, status};
    for (int i = 0; i < 2; i++) {
        char *err = NULL;
        int rc = proc_run(argvs[i], NULL, &err);
        if (rc != 1 || !strstr(err, "office.db: the disk is full (") ||
            !strstr(err, "until space is freed") || strstr(err, "disk I/O error"))
            fail_msg("%s on a full disk exited %d: %s", argvs[i][0], rc, err);
        free(err);
    }
    /* Room again: it starts, and what was stored is there. */
    assert_int_equal(unlink(filler), 0);
    free(filler);
    assert_int_equal(officesrv_start(&srv), 0);
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&srv, &out, NULL, "community", "list", NULL), 0);
    assert_non_null(strstr(out, "cuihu"));
    free(out);
    assert_int_equal(officesrv_stop(&srv), 0);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_database_stops_and_returns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill9_storm_loses_and_doubles_nothing, setup,
                                        teardown),
        cmocka_unit_test_teardown(test_full_disk_at_start, full_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
