/* test_office_fleet.c - watching the fleet with a fake clock: the state
 * table (online, late, content behind, night, flags, never, revoked; the
 * night window), heartbeats read and kept with a bounded history, one
 * alert per change of state including the recovery (and none for
 * online <-> night), alerts listed and acknowledged, and the webhook:
 * its body in each format, retried after a failure, and received once
 * although two sender threads - and two whole servers - share one
 * database (a loopback receiver in the test counts the POSTs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "office.h"
#include "office_alert.h"
#include "office_feed.h"
#include "office_fleet.h"
#include "office_retention.h"
#include "ostore.h"
#include "ostore_priv.h"
#include "timeutil.h"
#include "tmpdir.h"

/* 2026-03-14 10:00 in Asia/Shanghai (tests run with TZ=Asia/Shanghai). */
#define T0 1773453600LL
#define MIN 60LL
#define HOUR 3600LL

static char *dir;
static char db[600];
static OfficeConf conf;
static Ostore *s;
static int64_t com_id, kiosk_id;

/* ---- a loopback webhook receiver ---- */

typedef struct {
    struct MHD_Daemon *d;
    int port;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int posts;                /* POSTs received */
    int fail_next;            /* answer this many with 500 first */
    char last[4096];
} Receiver;

static Receiver rx;

typedef struct {
    char buf[4096];
    size_t len;
} RxBody;

static enum MHD_Result rx_handle(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *size, void **con)
{
    (void)cls; (void)url; (void)method; (void)version;
    RxBody *b = *con;
    if (!b) {
        *con = calloc(1, sizeof *b);
        return *con ? MHD_YES : MHD_NO;
    }
    if (*size) {
        size_t take = *size < sizeof b->buf - 1 - b->len ? *size : sizeof b->buf - 1 - b->len;
        memcpy(b->buf + b->len, data, take);
        b->len += take;
        *size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&rx.lock);
    int status = 200;
    if (rx.fail_next > 0) {
        rx.fail_next--;
        status = 500;
    } else {
        rx.posts++;
        snprintf(rx.last, sizeof rx.last, "%.*s", (int)b->len, b->buf);
    }
    pthread_cond_broadcast(&rx.cond);
    pthread_mutex_unlock(&rx.lock);
    static const char ok[] = "{\"errcode\":0,\"errmsg\":\"ok\"}";
    struct MHD_Response *r = MHD_create_response_from_buffer(sizeof ok - 1, (void *)ok,
                                                             MHD_RESPMEM_PERSISTENT);
    enum MHD_Result res = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return res;
}

static void rx_done(void *cls, struct MHD_Connection *c, void **con,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)c; (void)toe;
    free(*con);
    *con = NULL;
}

static int rx_start(void)
{
    memset(&rx, 0, sizeof rx);
    pthread_mutex_init(&rx.lock, NULL);
    pthread_cond_init(&rx.cond, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    rx.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                            rx_handle, NULL, MHD_OPTION_SOCK_ADDR, &a,
                            MHD_OPTION_NOTIFY_COMPLETED, rx_done, NULL, MHD_OPTION_END);
    if (!rx.d)
        return -1;
    rx.port = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_BIND_PORT)->port;
    return 0;
}

static void rx_stop(void)
{
    if (rx.d)
        MHD_stop_daemon(rx.d);
    rx.d = NULL;
    pthread_mutex_destroy(&rx.lock);
    pthread_cond_destroy(&rx.cond);
}

/* Wait (at most 30 s) until the receiver has `n` POSTs; returns the count. */
static int rx_wait(int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&rx.lock);
    while (rx.posts < n && pthread_cond_timedwait(&rx.cond, &rx.lock, &until) == 0)
        ;
    int got = rx.posts;
    pthread_mutex_unlock(&rx.lock);
    return got;
}

/* ---- fixture ---- */

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir)
        return -1;
    office_conf_defaults(&conf);
    snprintf(conf.data_dir, sizeof conf.data_dir, "%s", dir);
    snprintf(conf.office_key, sizeof conf.office_key, "none");
    conf.listen_port = 0;
    conf.tick_s = 0;
    snprintf(db, sizeof db, "%s/office.db", dir);
    char err[300];
    s = ostore_open(db, err, sizeof err);
    if (!s || ostore_org_init(s, "测试物业", "admin", "x", T0) != OSTORE_OK ||
        ostore_community_add(s, "cuihu", "翠湖花园", "Cuihu", T0, &com_id) != OSTORE_OK ||
        ostore_kiosk_add(s, com_id, "lobby-1", "c0de", T0 + 86400, T0, &kiosk_id) != OSTORE_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ostore_close(s);
    s = NULL;
    tmpdir_remove(dir);
    return 0;
}

/* ---- the state table ---- */

static FleetState st(int64_t hb_at, const char *version, const char *display, const char *flags,
                     const char *published, int64_t published_at, int64_t now)
{
    FleetPolicy p;
    office_fleet_policy(&conf, &p);
    FleetInput in = {.hb_at = hb_at, .content_version = version, .display = display,
                     .flags = flags, .published = published, .published_at = published_at};
    return office_fleet_state(&in, &p, now);
}

static void test_state_table(void **state)
{
    (void)state;
    conf.heartbeat_interval_min = 10;
    int64_t pub = T0 - 86400;
    /* Fresh heartbeat, current content, day: online. */
    assert_int_equal(st(T0 - 5 * MIN, "v2", "day", "", "v2", pub, T0), FLEET_ONLINE);
    /* Exactly 3 intervals is still on time; a second more is late. */
    assert_int_equal(st(T0 - 30 * MIN, "v2", "day", "", "v2", pub, T0), FLEET_ONLINE);
    assert_int_equal(st(T0 - 30 * MIN - 1, "v2", "day", "", "v2", pub, T0), FLEET_LATE);
    /* Never a heartbeat; revoked wins over everything. */
    assert_int_equal(st(0, "", "", "", "v2", pub, T0), FLEET_NEVER);
    FleetPolicy p;
    office_fleet_policy(&conf, &p);
    FleetInput rev = {.revoked_at = T0 - 1, .hb_at = T0 - 1, .flags = "disk_full"};
    assert_int_equal(office_fleet_state(&rev, &p, T0), FLEET_REVOKED);
    /* Flags beat content and night; late beats flags. */
    assert_int_equal(st(T0 - MIN, "v1", "night", "disk_full", "v2", pub, T0), FLEET_FLAGS);
    assert_int_equal(st(T0 - 2 * HOUR, "v1", "day", "disk_full", "v2", pub, T0), FLEET_LATE);
    /* Content behind, but only 3 intervals after publishing. */
    assert_int_equal(st(T0 - MIN, "v1", "day", "", "v2", pub, T0), FLEET_CONTENT_BEHIND);
    assert_int_equal(st(T0 - MIN, "v1", "day", "", "v2", T0 - 10 * MIN, T0), FLEET_ONLINE);
    assert_int_equal(st(T0 - MIN, "", "day", "", "v2", pub, T0), FLEET_CONTENT_BEHIND);
    /* No content published: nothing to be behind. */
    assert_int_equal(st(T0 - MIN, "v1", "day", "", "", 0, T0), FLEET_ONLINE);
    /* The kiosk's night schedule: night, not a fault. */
    assert_int_equal(st(T0 - MIN, "v2", "night", "", "v2", pub, T0), FLEET_NIGHT);
    assert_int_equal(st(T0 - MIN, "v2", "night-blank", "", "v2", pub, T0), FLEET_NIGHT);
    /* A longer interval makes the same silence on time. */
    conf.heartbeat_interval_min = 60;
    assert_int_equal(st(T0 - 2 * HOUR, "v2", "day", "", "v2", pub, T0), FLEET_ONLINE);
    conf.heartbeat_interval_min = 10;
    for (int i = 0; i < FLEET_N_STATES; i++)
        assert_int_equal(office_fleet_state_from_name(office_fleet_state_name((FleetState)i)), i);
    assert_true(office_fleet_is_fault(FLEET_LATE) && office_fleet_is_fault(FLEET_FLAGS) &&
                office_fleet_is_fault(FLEET_CONTENT_BEHIND));
    assert_false(office_fleet_is_fault(FLEET_NIGHT) || office_fleet_is_fault(FLEET_ONLINE) ||
                 office_fleet_is_fault(FLEET_NEVER));
}

/* Kiosks switched off at night: silence inside the office's night window
 * does not count, and the kiosk shows as night. */
static void test_night_window(void **state)
{
    (void)state;
    conf.heartbeat_interval_min = 10;
    conf.night_start_min = 23 * 60;
    conf.night_end_min = 6 * 60;
    /* 2026-03-14 22:55 local: the last heartbeat before the power goes. */
    int64_t last = T0 + 12 * HOUR + 55 * MIN;
    int64_t midnight = T0 + 14 * HOUR;           /* 2026-03-15 00:00 */
    int64_t six = midnight + 6 * HOUR;
    FleetPolicy p;
    office_fleet_policy(&conf, &p);
    assert_int_equal(office_fleet_night_overlap(&p, last, six), 7 * HOUR);
    assert_int_equal(st(last, "v2", "day", "", "v2", 0, midnight + 3 * HOUR), FLEET_NIGHT);
    /* 5 minutes before the night and 25 after it: 30 minutes, on time. */
    assert_int_equal(st(last, "v2", "day", "", "v2", 0, six + 25 * MIN), FLEET_NIGHT);
    assert_int_equal(st(last, "v2", "day", "", "v2", 0, six + 25 * MIN + 1), FLEET_LATE);
    /* Silence in the afternoon is late as usual. */
    assert_int_equal(st(T0 + 3 * HOUR, "v2", "day", "", "v2", 0, T0 + 4 * HOUR), FLEET_LATE);
    /* Over several nights, only the nights are excused. */
    /* 00:00-06:00 (that night began the day before), two whole nights,
     * and the first hour of the third. */
    assert_int_equal(office_fleet_night_overlap(&p, midnight, midnight + 3 * 86400),
                     6 * HOUR + 2 * 7 * HOUR + HOUR);
    conf.night_start_min = conf.night_end_min = -1;
    office_fleet_policy(&conf, &p);
    assert_int_equal(office_fleet_night_overlap(&p, last, six), 0);
    assert_int_equal(st(last, "v2", "day", "", "v2", 0, midnight + 3 * HOUR), FLEET_LATE);
}

/* ---- heartbeats ---- */

static void hb_parse(const char *json, OstoreHeartbeat *hb, char *buf, size_t n)
{
    json_t *v = json_loads(json, 0, NULL);
    assert_non_null(v);
    char err[200];
    if (office_fleet_parse(v, json, hb, buf, n, err, sizeof err) < 0)
        fail_msg("%s", err);
    /* The strings point into v: keep copies that outlive it. */
    static char cv[32], disp[32], app[40];
    snprintf(cv, sizeof cv, "%s", hb->content_version);
    snprintf(disp, sizeof disp, "%s", hb->display);
    snprintf(app, sizeof app, "%s", hb->app_version);
    hb->content_version = cv;
    hb->display = disp;
    hb->app_version = app;
    json_decref(v);
}

static void test_heartbeat_parse(void **state)
{
    (void)state;
    OstoreHeartbeat hb;
    char buf[1024];
    hb_parse("{\"v\":1,\"app_version\":\"0.3.0\",\"queue\":{\"as_of\":null,\"waiting\":3,"
             "\"batched\":0,\"delivered\":41,\"dead\":2,\"exported\":0},"
             "\"upload\":{\"last_ok\":null,\"last_error\":\"HTTP 503\"},"
             "\"content\":{\"version\":\"9f3a61c0b2d4e857\",\"last_error\":\"\"},"
             "\"display\":\"night-blank\",\"flags\":[\"queue_full\",\"disk_full\"]}",
             &hb, buf, sizeof buf);
    assert_string_equal(hb.content_version, "9f3a61c0b2d4e857");
    assert_string_equal(hb.display, "night-blank");
    assert_false(hb.visible);
    assert_string_equal(hb.flags, "dead_letters,disk_full,queue_full,upload_error");
    assert_string_equal(hb.queue, "{\"as_of\":null,\"waiting\":3,\"batched\":0,\"delivered\":41,"
                                  "\"dead\":2,\"exported\":0}");
    /* A bare heartbeat is fine: nothing known, nothing raised. */
    hb_parse("{\"v\":1}", &hb, buf, sizeof buf);
    assert_string_equal(hb.flags, "");
    assert_string_equal(hb.content_version, "");
    assert_true(hb.visible);
    /* A flag name that is not a name is refused. */
    json_t *v = json_loads("{\"v\":1,\"flags\":[\"<b>\"]}", 0, NULL);
    char err[200];
    assert_int_equal(office_fleet_parse(v, "", &hb, buf, sizeof buf, err, sizeof err), -1);
    assert_non_null(strstr(err, "flags[0]"));
    json_decref(v);
}

static int64_t heartbeats(void)
{
    OstoreCounts n;
    assert_int_equal(ostore_counts(s, 0, &n), OSTORE_OK);
    return n.heartbeats;
}

/* Keep a heartbeat at `now` with content `version`, display and flags. */
static void beat(int64_t now, const char *version, const char *display, const char *flags)
{
    char json[300];
    snprintf(json, sizeof json, "{\"v\":1,\"content\":{\"version\":\"%s\"},\"display\":\"%s\"}",
             version, display);
    OstoreHeartbeat hb = {.json = json, .content_version = version, .display = display,
                          .flags = flags, .app_version = "0.3.0", .queue = "",
                          .visible = strcmp(display, "night-blank") != 0};
    assert_int_equal(ostore_fleet_heartbeat(s, com_id, kiosk_id, &hb, conf.heartbeat_keep,
                                            30 * MIN, now), OSTORE_OK);
}

static void test_history_bounded(void **state)
{
    (void)state;
    conf.heartbeat_keep = 5;
    for (int i = 0; i < 20; i++)
        beat(T0 + i * 10 * MIN, "v1", "day", "");
    assert_int_equal(heartbeats(), 5);
    /* The newest five stay. */
    OstoreKioskStatus t;
    assert_int_equal(ostore_fleet_status(s, kiosk_id, &t), OSTORE_OK);
    assert_int_equal(t.hb_at, T0 + 19 * 10 * MIN);
    /* By age: the daily job deletes what is older than heartbeat_keep_days. */
    conf.heartbeat_keep = 0;
    beat(T0 + 40 * 86400, "v1", "day", "");
    assert_int_equal(heartbeats(), 6);
    conf.heartbeat_keep_days = 30;
    OfficeRetentionReport rep;
    assert_int_equal(office_retention_run(s, &conf, T0 + 40 * 86400, &rep), 0);
    assert_int_equal(rep.heartbeats, 5);
    assert_int_equal(heartbeats(), 1);
    conf.heartbeat_keep = 2000;
    conf.heartbeat_keep_days = 90;
}

/* ---- alerts ---- */

typedef struct {
    int n;
    OstoreAlert a[32];
} Alerts;

static int collect(void *ud, const OstoreAlert *a)
{
    Alerts *l = ud;
    if (l->n < 32)
        l->a[l->n++] = *a;
    return 0;
}

static Alerts alerts(void)
{
    Alerts l = {0};
    assert_int_equal(ostore_alert_list(s, 0, 0, 100, collect, &l), OSTORE_OK);
    return l;   /* newest first */
}

static OstoreKiosk kiosk(void)
{
    OstoreKiosk k;
    assert_int_equal(ostore_kiosk_by_id(s, kiosk_id, &k), OSTORE_OK);
    return k;
}

/* The community's published content version (an empty document when
 * nothing was imported: a kiosk showing no content is behind it too). */
static const char *published(void)
{
    static char version[24];
    OstoreFeed f;
    char err[300];
    assert_int_equal(office_feed_current(s, com_id, T0, &f, err, sizeof err), OFFICE_FEED_OK);
    snprintf(version, sizeof version, "%.*s", (int)strlen(f.etag) - 2, f.etag + 1);
    ostore_feed_free(&f);
    return version;
}

static bool evaluate(int64_t now)
{
    OstoreKiosk k = kiosk();
    bool alerted = false;
    assert_int_equal(office_fleet_evaluate(s, &conf, &k, now, &alerted), 0);
    return alerted;
}

static const char *state_now(void)
{
    static OstoreKioskStatus t;
    assert_int_equal(ostore_fleet_status(s, kiosk_id, &t), OSTORE_OK);
    return t.state;
}

static void test_alert_once_per_change(void **state)
{
    (void)state;
    conf.heartbeat_interval_min = 10;
    const char *v = published();
    /* First sight: recorded, no alert. */
    assert_false(evaluate(T0));
    assert_string_equal(state_now(), "never");
    beat(T0, v, "day", "");
    assert_false(evaluate(T0));                    /* never -> online: not a fault */
    assert_string_equal(state_now(), "online");
    assert_false(evaluate(T0 + 20 * MIN));         /* unchanged: nothing */
    /* Silence: late after 3 intervals, found by the sweep alone. */
    int made = -1;
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + 31 * MIN, &made), 0);
    assert_int_equal(made, 1);
    assert_string_equal(state_now(), "late");
    /* Judged again and again (two processes, every tick): still one. */
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + 40 * MIN, &made), 0);
    assert_int_equal(made, 0);
    assert_false(evaluate(T0 + 41 * MIN));
    /* It comes back: the recovery is one alert. */
    beat(T0 + 50 * MIN, v, "day", "");
    assert_true(evaluate(T0 + 50 * MIN));
    assert_string_equal(state_now(), "online");
    /* Night and morning are no alerts. */
    beat(T0 + 60 * MIN, v, "night", "");
    assert_false(evaluate(T0 + 60 * MIN));
    assert_string_equal(state_now(), "night");
    beat(T0 + 70 * MIN, v, "day", "");
    assert_false(evaluate(T0 + 70 * MIN));
    /* A flag is raised, another joins it (a change), then both clear. */
    beat(T0 + 80 * MIN, v, "day", "disk_full");
    assert_true(evaluate(T0 + 80 * MIN));
    beat(T0 + 90 * MIN, v, "day", "disk_full,queue_full");
    assert_true(evaluate(T0 + 90 * MIN));
    beat(T0 + 100 * MIN, v, "day", "");
    assert_true(evaluate(T0 + 100 * MIN));
    Alerts l = alerts();
    assert_int_equal(l.n, 5);
    assert_string_equal(l.a[4].from_state, "online");
    assert_string_equal(l.a[4].to_state, "late");
    assert_string_equal(l.a[3].from_state, "late");
    assert_string_equal(l.a[3].to_state, "online");
    assert_string_equal(l.a[2].to_state, "flags");
    assert_string_equal(l.a[2].flags, "disk_full");
    assert_string_equal(l.a[1].flags, "disk_full,queue_full");
    assert_string_equal(l.a[0].from_state, "flags");
    assert_string_equal(l.a[0].to_state, "online");
    assert_string_equal(l.a[0].community, "cuihu");
    assert_string_equal(l.a[0].kiosk, "lobby-1");
    /* No webhook configured: nothing pending. */
    assert_string_equal(l.a[0].send_state, "off");
    /* Acknowledged once. */
    assert_int_equal(ostore_alert_ack(s, l.a[0].id, "admin", T0 + 2 * HOUR), OSTORE_OK);
    assert_int_equal(ostore_alert_ack(s, l.a[0].id, "admin", T0 + 2 * HOUR), OSTORE_DUPLICATE);
    assert_int_equal(ostore_alert_ack(s, 999999, "admin", T0), OSTORE_NOTFOUND);
    OstoreAlert a;
    assert_int_equal(ostore_alert_get(s, l.a[0].id, &a), OSTORE_OK);
    assert_int_equal(a.acked_at, T0 + 2 * HOUR);
    assert_string_equal(a.acked_by, "admin");
    /* Revoking is staff's own act: the state changes, no alert. */
    assert_int_equal(ostore_kiosk_revoke(s, kiosk_id, T0 + 3 * HOUR), OSTORE_OK);
    assert_false(evaluate(T0 + 3 * HOUR));
    assert_string_equal(state_now(), "revoked");
    assert_int_equal(alerts().n, 5);
}

/* Published content the kiosk does not show: content_behind, then its
 * recovery once it reports the version. */
static void test_content_behind(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[{\"id\":\"n1\",\"category\":"
        "\"notice\",\"title\":{\"zh\":\"停水通知\"},\"body\":{\"zh\":\"明天停水\"},"
        "\"publish_at\":\"2026-03-01T00:00+08:00\",\"expire_at\":\"2026-04-01T00:00+08:00\"}],"
        "\"events\":[],\"channels\":[]}";
    char err[300];
    assert_int_equal(office_feed_import(s, com_id, doc, strlen(doc), T0, err, sizeof err),
                     OFFICE_FEED_OK);
    OstoreFeed f;
    assert_int_equal(office_feed_current(s, com_id, T0, &f, err, sizeof err), OFFICE_FEED_OK);
    char version[24];
    snprintf(version, sizeof version, "%.*s", (int)strlen(f.etag) - 2, f.etag + 1);
    ostore_feed_free(&f);
    beat(T0, "0000000000000000", "day", "");
    assert_false(evaluate(T0));
    assert_string_equal(state_now(), "online");     /* just published: grace */
    beat(T0 + 31 * MIN, "0000000000000000", "day", "");
    assert_true(evaluate(T0 + 31 * MIN));
    assert_string_equal(state_now(), "content_behind");
    beat(T0 + 35 * MIN, version, "day", "");
    assert_true(evaluate(T0 + 35 * MIN));
    assert_string_equal(state_now(), "online");
}

/* ---- the webhook ---- */

static void use_webhook(int format)
{
    snprintf(conf.webhook_url, sizeof conf.webhook_url, "http://127.0.0.1:%d/robot", rx.port);
    conf.webhook_format = format;
}

static void test_webhook_formats(void **state)
{
    (void)state;
    OstoreAlert a = {.id = 7, .created_at = T0};
    snprintf(a.community, sizeof a.community, "cuihu");
    snprintf(a.kiosk, sizeof a.kiosk, "lobby-1");
    snprintf(a.from_state, sizeof a.from_state, "online");
    snprintf(a.to_state, sizeof a.to_state, "flags");
    snprintf(a.flags, sizeof a.flags, "disk_full");
    static const char *const expect[] = {
        "{\"alert\":{\"id\":7,\"community\":\"cuihu\",\"kiosk\":\"lobby-1\",\"from\":\"online\","
        "\"to\":\"flags\",\"flags\":[\"disk_full\"],\"at\":1773453600,\"recovery\":false},"
        "\"text\":",
        "{\"msgtype\":\"text\",\"text\":{\"content\":\"【大堂屏告警】 cuihu / lobby-1：在线 → 故障标志"
        "（disk_full）\\n[Lobby kiosk alert] cuihu / lobby-1: online -> flags (disk_full)\\n"
        "2026-03-14 10:00\"}}",
        "{\"msgtype\":\"text\",\"text\":{\"content\":",
        "{\"msg_type\":\"text\",\"content\":{\"text\":\"【大堂屏告警】",
    };
    for (int fmt = 0; fmt < 4; fmt++) {
        conf.webhook_format = fmt;
        char *body = office_alert_body(&conf, &a);
        assert_non_null(body);
        if (strncmp(body, expect[fmt], strlen(expect[fmt])) != 0)
            fail_msg("format %d: %s", fmt, body);
        free(body);
    }
    snprintf(a.to_state, sizeof a.to_state, "online");
    a.flags[0] = '\0';
    conf.webhook_format = OFFICE_WEBHOOK_FEISHU;
    char *body = office_alert_body(&conf, &a);
    assert_non_null(strstr(body, "【大堂屏恢复】"));
    assert_non_null(strstr(body, "[Lobby kiosk recovered]"));
    free(body);
    conf.webhook_format = OFFICE_WEBHOOK_GENERIC;
}

/* Make one pending alert: the kiosk goes late. */
static void make_late_alert(void)
{
    beat(T0, "", "day", "");
    evaluate(T0);
    int made = 0;
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + HOUR, &made), 0);
    assert_int_equal(made, 1);
}

static void test_webhook_retried_then_sent(void **state)
{
    (void)state;
    assert_int_equal(rx_start(), 0);
    use_webhook(OFFICE_WEBHOOK_WECOM);
    make_late_alert();
    rx.fail_next = 1;
    int sent = -1;
    assert_int_equal(office_alert_send_due(s, &conf, T0 + HOUR, &sent), 0);
    assert_int_equal(sent, 0);
    Alerts l = alerts();
    assert_string_equal(l.a[0].send_state, "pending");
    assert_int_equal(l.a[0].attempts, 1);
    assert_non_null(strstr(l.a[0].last_error, "HTTP 500"));
    /* Not due again before its delay. */
    assert_int_equal(office_alert_send_due(s, &conf, T0 + HOUR + 30, &sent), 0);
    assert_int_equal(sent, 0);
    assert_int_equal(office_alert_send_due(s, &conf, T0 + HOUR + 61, &sent), 0);
    assert_int_equal(sent, 1);
    assert_int_equal(rx.posts, 1);
    assert_non_null(strstr(rx.last, "\"msgtype\":\"text\""));
    assert_non_null(strstr(rx.last, "失联"));
    l = alerts();
    assert_string_equal(l.a[0].send_state, "sent");
    assert_int_equal(l.a[0].attempts, 2);
    /* Sent is sent: never again. */
    assert_int_equal(office_alert_send_due(s, &conf, T0 + 2 * HOUR, &sent), 0);
    assert_int_equal(sent, 0);
    assert_int_equal(rx.posts, 1);
    /* A robot that answers 200 with an error code is a failure. */
    rx_stop();
    conf.webhook_url[0] = '\0';
}

/* The sweep reads every kiosk with its status in one query: with nothing
 * changed, the statements it runs do not grow with the kiosks; with a
 * change, each changed kiosk is judged and recorded as before. */
static void test_sweep_reads_once(void **state)
{
    (void)state;
    beat(T0, "", "day", "");
    for (int i = 0; i < 30; i++) {
        char name[32], code[16];
        int64_t id;
        snprintf(name, sizeof name, "k%02d", i);
        snprintf(code, sizeof code, "code%02d", i);
        assert_int_equal(ostore_kiosk_add(s, com_id, name, code, T0, T0, &id), OSTORE_OK);
        OstoreHeartbeat hb = {.json = "{}", .content_version = "", .display = "day",
                              .flags = "", .app_version = "", .queue = "", .visible = true};
        assert_int_equal(ostore_fleet_heartbeat(s, com_id, id, &hb, 0, 30 * MIN, T0),
                         OSTORE_OK);
    }
    int made = -1;
    assert_int_equal(office_fleet_sweep(s, &conf, T0, &made), 0);   /* first states */
    assert_int_equal(made, 0);
    int64_t before = s->statements;
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + 60, &made), 0);
    int64_t used = s->statements - before;
    if (used > 4)   /* the list, the community's published version */
        fail_msg("a sweep of 31 unchanged kiosks ran %lld statements", (long long)used);
    assert_int_equal(made, 0);
    /* An hour of silence: every one of the 31 late, each alerted once. */
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + HOUR, &made), 0);
    assert_int_equal(made, 31);
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + HOUR, &made), 0);
    assert_int_equal(made, 0);
    OstoreKioskStatus st;
    assert_int_equal(ostore_fleet_status(s, kiosk_id, &st), OSTORE_OK);
    assert_string_equal(st.state, "late");
}

typedef struct {
    Ostore *s;
    int sent;
    int rc;
} Sender;

static void *sender(void *arg)
{
    Sender *x = arg;
    x->rc = office_alert_send_due(x->s, &conf, T0 + HOUR, &x->sent);
    return NULL;
}

/* Two senders on two connections at once, many alerts: each received once. */
static void test_webhook_once_two_senders(void **state)
{
    (void)state;
    assert_int_equal(rx_start(), 0);
    use_webhook(OFFICE_WEBHOOK_GENERIC);
    /* Twenty kiosks go late together. */
    for (int i = 0; i < 20; i++) {
        char name[32];
        int64_t id;
        snprintf(name, sizeof name, "k%02d", i);
        char code[16];
        snprintf(code, sizeof code, "code%02d", i);
        assert_int_equal(ostore_kiosk_add(s, com_id, name, code, T0, T0, &id), OSTORE_OK);
        OstoreHeartbeat hb = {.json = "{}", .content_version = "", .display = "day",
                              .flags = "", .app_version = "", .queue = "", .visible = true};
        assert_int_equal(ostore_fleet_heartbeat(s, com_id, id, &hb, 0, 30 * MIN, T0),
                         OSTORE_OK);
    }
    int made = 0;
    assert_int_equal(office_fleet_sweep(s, &conf, T0, &made), 0);
    assert_int_equal(office_fleet_sweep(s, &conf, T0 + HOUR, &made), 0);
    assert_int_equal(made, 20);
    char err[300];
    Sender a = {.s = ostore_open(db, err, sizeof err)}, b = {.s = ostore_open(db, err, sizeof err)};
    assert_non_null(a.s);
    assert_non_null(b.s);
    pthread_t ta, tb;
    pthread_create(&ta, NULL, sender, &a);
    pthread_create(&tb, NULL, sender, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_int_equal(a.sent + b.sent, 20);
    assert_int_equal(rx.posts, 20);
    Alerts l = alerts();
    for (int i = 0; i < l.n; i++) {
        assert_string_equal(l.a[i].send_state, "sent");
        assert_int_equal(l.a[i].attempts, 1);
    }
    ostore_close(a.s);
    ostore_close(b.s);
    rx_stop();
    conf.webhook_url[0] = '\0';
}

/* Two whole servers on one database, each with its background jobs: the
 * late kiosk (found by the jobs, no heartbeat arriving) is alerted once. */
static void test_webhook_once_two_servers(void **state)
{
    (void)state;
    assert_int_equal(rx_start(), 0);
    use_webhook(OFFICE_WEBHOOK_DINGTALK);
    int64_t now = time_now_ms() / 1000;
    beat(now - 2 * HOUR, "", "day", "");
    evaluate(now - 2 * HOUR);
    assert_string_equal(state_now(), "online");
    conf.tick_s = 1;
    char err[300];
    Office *o1 = office_start(&conf, err, sizeof err);
    assert_non_null(o1);
    Office *o2 = office_start(&conf, err, sizeof err);
    assert_non_null(o2);
    assert_int_equal(rx_wait(1), 1);
    /* Let both judge and send a few more rounds, then stop them. */
    for (int i = 0; i < 3; i++) {
        office_jobs_kick(office_jobs(o1));
        office_jobs_kick(office_jobs(o2));
    }
    office_stop(o1);
    office_stop(o2);
    conf.tick_s = 0;
    assert_int_equal(rx.posts, 1);
    assert_non_null(strstr(rx.last, "\"msgtype\":\"text\""));
    Alerts l = alerts();
    assert_int_equal(l.n, 1);
    assert_string_equal(l.a[0].to_state, "late");
    assert_string_equal(l.a[0].send_state, "sent");
    assert_int_equal(l.a[0].attempts, 1);
    rx_stop();
    conf.webhook_url[0] = '\0';
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_state_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_night_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_parse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alert_once_per_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_behind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_retried_then_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_once_two_senders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sweep_reads_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_webhook_once_two_servers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
