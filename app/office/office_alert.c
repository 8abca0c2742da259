/* office_alert.c - alerts POSTed once to the configured webhook (claimed in the database), and the background jobs' thread. */
#include "office_alert.h"
#include "office_fleet.h"
#include "office_retention.h"
#include "timeutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ALERT_LEASE_S    120   /* a claim outlives the longest attempt */
#define ALERT_MAX_TRIES  10

/* ---- the message ---- */

static const char *alert_state_zh(const char *state)
{
    static const struct { const char *en, *zh; } names[] = {
        {"online", "在线"}, {"late", "失联"}, {"content_behind", "内容未更新"},
        {"night", "夜间"}, {"flags", "故障标志"}, {"never", "从未上线"},
        {"revoked", "已停用"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(names[i].en, state) == 0)
            return names[i].zh;
    return state;
}

static void alert_text(const OstoreAlert *a, char *out, size_t n)
{
    int to = office_fleet_state_from_name(a->to_state);
    bool fault = to >= 0 && office_fleet_is_fault((FleetState)to);
    char when[40], zh_flags[300] = "", en_flags[300] = "";
    LocalTime lt;
    time_local(a->created_at, &lt);
    snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d", lt.year, lt.mon, lt.mday, lt.hour,
             lt.min);
    if (a->flags[0]) {
        snprintf(zh_flags, sizeof zh_flags, "（%s）", a->flags);
        snprintf(en_flags, sizeof en_flags, " (%s)", a->flags);
    }
    snprintf(out, n, "%s %s / %s：%s → %s%s\n%s %s / %s: %s -> %s%s\n%s",
             fault ? "【大堂屏告警】" : "【大堂屏恢复】", a->community, a->kiosk,
             alert_state_zh(a->from_state), alert_state_zh(a->to_state), zh_flags,
             fault ? "[Lobby kiosk alert]" : "[Lobby kiosk recovered]", a->community, a->kiosk,
             a->from_state, a->to_state, en_flags, when);
}

char *office_alert_body(const OfficeConf *c, const OstoreAlert *a)
{
    char text[1200];
    alert_text(a, text, sizeof text);
    json_t *v;
    switch (c->webhook_format) {
    case OFFICE_WEBHOOK_WECOM:
    case OFFICE_WEBHOOK_DINGTALK:
        v = json_pack("{s:s,s:{s:s}}", "msgtype", "text", "text", "content", text);
        break;
    case OFFICE_WEBHOOK_FEISHU:
        v = json_pack("{s:s,s:{s:s}}", "msg_type", "text", "content", "text", text);
        break;
    default: {
        json_t *flags = json_array();
        char tmp[256];
        snprintf(tmp, sizeof tmp, "%s", a->flags);
        for (char *save = NULL, *f = strtok_r(tmp, ",", &save); f; f = strtok_r(NULL, ",", &save))
            json_array_append_new(flags, json_string(f));
        v = json_pack("{s:{s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:b},s:s}", "alert", "id",
                      (json_int_t)a->id, "community", a->community, "kiosk", a->kiosk, "from",
                      a->from_state, "to", a->to_state, "flags", flags, "at",
                      (json_int_t)a->created_at, "recovery",
                      office_fleet_state_from_name(a->to_state) >= 0 &&
                          !office_fleet_is_fault(
                              (FleetState)office_fleet_state_from_name(a->to_state)),
                      "text", text);
        break;
    }
    }
    char *body = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    return body;
}

/* ---- sending ---- */

typedef struct {
    char buf[4096];
    size_t len;
} AlertReply;

static size_t alert_write(char *p, size_t size, size_t n, void *ud)
{
    AlertReply *r = ud;
    size_t len = size * n, room = sizeof r->buf - 1 - r->len;
    size_t take = len < room ? len : room;
    memcpy(r->buf + r->len, p, take);
    r->len += take;
    r->buf[r->len] = '\0';
    return len;
}

/* Whether the URL may be used: https anywhere, http only to loopback. */
static bool alert_url_ok(const char *url, char *why, size_t n)
{
    if (strncmp(url, "https://", 8) == 0)
        return true;
    CURLU *u = curl_url();
    char *host = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host &&
              office_conf_is_loopback(host);
    curl_free(host);
    curl_url_cleanup(u);
    if (!ok)
        snprintf(why, n, "webhook_url: plain http is only sent to a loopback address");
    return ok;
}

/* POST the body; 0, or -1 with the reason. */
static int alert_post(const OfficeConf *c, const char *body, char *why, size_t n)
{
    if (!alert_url_ok(c->webhook_url, why, n))
        return -1;
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(why, n, "libcurl cannot start");
        return -1;
    }
    AlertReply reply = {.len = 0};
    reply.buf[0] = '\0';
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, c->webhook_url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->webhook_timeout_s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->webhook_timeout_s);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, alert_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "lobby-office");
    CURLcode cc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    if (cc != CURLE_OK) {
        snprintf(why, n, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(why, n, "the webhook answered HTTP %ld", status);
        return -1;
    }
    /* Robots answer 200 with an error code inside: WeCom and DingTalk
     * {"errcode":N,"errmsg":...}, Feishu {"code":N,"msg":...}. */
    json_t *v = json_loads(reply.buf, 0, NULL);
    json_t *code = json_object_get(v, "errcode");
    if (!code)
        code = json_object_get(v, "code");
    int rc = 0;
    if (json_is_integer(code) && json_integer_value(code) != 0) {
        const char *msg = json_string_value(json_object_get(v, "errmsg"));
        if (!msg)
            msg = json_string_value(json_object_get(v, "msg"));
        snprintf(why, n, "the webhook refused it: code %lld %s",
                 (long long)json_integer_value(code), msg ? msg : "");
        rc = -1;
    }
    json_decref(v);
    return rc;
}

int office_alert_send_due(Ostore *s, const OfficeConf *c, int64_t now, int *sent)
{
    if (sent)
        *sent = 0;
    if (!c->webhook_url[0])
        return 0;
    for (int i = 0; i < 1000; i++) {
        OstoreAlert a;
        OstoreResult r = ostore_alert_claim(s, now, ALERT_LEASE_S, &a);
        if (r == OSTORE_NOTFOUND)
            return 0;
        if (r != OSTORE_OK)
            return -1;
        char *body = office_alert_body(c, &a);
        char why[300] = "out of memory";
        if (body && alert_post(c, body, why, sizeof why) == 0) {
            free(body);
            if (ostore_alert_sent(s, a.id, now) != OSTORE_OK)
                return -1;
            if (sent)
                (*sent)++;
            continue;
        }
        free(body);
        bool give_up = a.attempts >= ALERT_MAX_TRIES;
        int64_t delay = 60LL << (a.attempts > 6 ? 6 : a.attempts - 1);
        if (delay > 3600)
            delay = 3600;
        fprintf(stderr, "office: alert %lld (%s/%s): webhook: %s%s\n", (long long)a.id,
                a.community, a.kiosk, why, give_up ? "; giving up" : "");
        if (ostore_alert_failed(s, a.id, why, now + delay, give_up) != OSTORE_OK)
            return -1;
    }
    return 0;
}

/* ---- the background jobs ---- */

int office_jobs_tick(Ostore *s, const OfficeConf *c, int64_t now)
{
    int rc = 0, alerts = 0;
    if (office_fleet_sweep(s, c, now, &alerts) < 0) {
        fprintf(stderr, "office: fleet: %s\n", ostore_error(s));
        ostore_rollback(s);
        rc = -1;
    }
    if (office_alert_send_due(s, c, now, NULL) < 0) {
        fprintf(stderr, "office: alerts: %s\n", ostore_error(s));
        ostore_rollback(s);
        rc = -1;
    }
    OstoreResult r = ostore_job_claim(s, "daily", 86400 - 600, now);
    if (r == OSTORE_OK) {
        OfficeRetentionReport rep;
        if (office_retention_run(s, c, now, &rep) < 0) {
            fprintf(stderr, "office: daily job: %s\n", ostore_error(s));
            ostore_rollback(s);
            rc = -1;
        } else {
            fprintf(stderr, "office: daily job: %lld heartbeats pruned, %lld suggestion texts and"
                    " %lld contacts deleted, %lld unused pictures\n", (long long)rep.heartbeats,
                    (long long)rep.texts, (long long)rep.contacts, (long long)rep.images);
        }
    } else if (r == OSTORE_ERROR) {
        rc = -1;
    }
    return rc;
}

struct OfficeJobs {
    OfficeConf conf;
    char db[OFFICE_PATH_MAX];
    int64_t (*now)(void *ud);      /* the office's clock; NULL the system's */
    void *now_ud;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* to the thread: kicked or stop */
    pthread_cond_t done_cond;      /* from the thread: a round finished */
    bool stop, kicked;
    uint64_t started, done;        /* rounds begun and finished */
};

static void *office_jobs_main(void *arg)
{
    OfficeJobs *j = arg;
    Ostore *s = NULL;
    pthread_mutex_lock(&j->lock);
    while (!j->stop) {
        j->started++;
        pthread_mutex_unlock(&j->lock);
        char err[300];
        if (!s && !(s = ostore_open(j->db, err, sizeof err)))
            fprintf(stderr, "office: background jobs: %s\n", err);
        /* The office's clock, as its requests read it: a job judging by
         * another time would prune what the requests just counted. */
        int64_t now = j->now ? j->now(j->now_ud) : time_now_ms() / 1000;
        if (s && office_jobs_tick(s, &j->conf, now) < 0) {
            ostore_close(s);   /* reconnect next time */
            s = NULL;
        }
        pthread_mutex_lock(&j->lock);
        j->done++;
        pthread_cond_broadcast(&j->done_cond);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += j->conf.tick_s;
        while (!j->stop && !j->kicked)
            if (pthread_cond_timedwait(&j->cond, &j->lock, &until) == ETIMEDOUT)
                break;
        j->kicked = false;
    }
    pthread_cond_broadcast(&j->done_cond);   /* stopped: nobody waits on */
    pthread_mutex_unlock(&j->lock);
    ostore_close(s);
    return NULL;
}

OfficeJobs *office_jobs_start(const OfficeConf *c, const char *db_spec,
                              int64_t (*now)(void *ud), void *ud, char *err, size_t errlen)
{
    if (c->tick_s <= 0)
        return NULL;
    OfficeJobs *j = calloc(1, sizeof *j);
    if (!j) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    j->conf = *c;
    j->now = now;
    j->now_ud = ud;
    snprintf(j->db, sizeof j->db, "%s", db_spec);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cond, &ca);
    pthread_cond_init(&j->done_cond, NULL);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&j->lock, NULL);
    if (pthread_create(&j->thread, NULL, office_jobs_main, j) != 0) {
        snprintf(err, errlen, "cannot start the background jobs' thread");
        pthread_cond_destroy(&j->cond);
        pthread_cond_destroy(&j->done_cond);
        pthread_mutex_destroy(&j->lock);
        free(j);
        return NULL;
    }
    return j;
}

void office_jobs_kick(OfficeJobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->kicked = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
}

void office_jobs_run(OfficeJobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    /* A round under way began before this call: the one after it counts. */
    uint64_t want = j->started + 1;
    j->kicked = true;
    pthread_cond_signal(&j->cond);
    while (!j->stop && j->done < want)
        pthread_cond_wait(&j->done_cond, &j->lock);
    pthread_mutex_unlock(&j->lock);
}

void office_jobs_stop(OfficeJobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_signal(&j->cond);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_cond_destroy(&j->cond);
    pthread_cond_destroy(&j->done_cond);
    pthread_mutex_destroy(&j->lock);
    free(j);
}
