/* office_fleet.c - each kiosk's state from its heartbeats, the published content and the clock; changes become alerts. */
#include "office_fleet.h"
#include "office_alert.h"
#include "office_feed.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fleet_names[FLEET_N_STATES] = {
    [FLEET_ONLINE] = "online", [FLEET_LATE] = "late", [FLEET_CONTENT_BEHIND] = "content_behind",
    [FLEET_NIGHT] = "night", [FLEET_FLAGS] = "flags", [FLEET_NEVER] = "never",
    [FLEET_REVOKED] = "revoked",
};

const char *office_fleet_state_name(FleetState s)
{
    return s < FLEET_N_STATES ? fleet_names[s] : "?";
}

int office_fleet_state_from_name(const char *name)
{
    for (int i = 0; name && i < FLEET_N_STATES; i++)
        if (strcmp(fleet_names[i], name) == 0)
            return i;
    return -1;
}

bool office_fleet_is_fault(FleetState s)
{
    return s == FLEET_LATE || s == FLEET_FLAGS || s == FLEET_CONTENT_BEHIND;
}

void office_fleet_policy(const OfficeConf *c, FleetPolicy *p)
{
    p->interval_s = (int64_t)c->heartbeat_interval_min * 60;
    bool night = c->night_start_min >= 0 && c->night_end_min >= 0 &&
                 c->night_start_min != c->night_end_min;
    p->night_start_min = night ? c->night_start_min : -1;
    p->night_end_min = night ? c->night_end_min : -1;
}

/* ---- the state ---- */

int64_t office_fleet_night_overlap(const FleetPolicy *p, int64_t from, int64_t to)
{
    if (p->night_start_min < 0 || to <= from)
        return 0;
    /* Beyond 60 days a kiosk is late whatever the nights excuse. */
    if (to - from > 60 * 86400)
        from = to - 60 * 86400;
    int64_t total = 0;
    int64_t start_off = (int64_t)p->night_start_min * 60;
    int64_t len = ((int64_t)p->night_end_min - p->night_start_min) * 60;
    if (len <= 0)
        len += 86400;
    /* Nights start on the day before `from` (one that began yesterday may
     * still be under way) up to the day of `to`. */
    for (int64_t day = time_local_midnight(from - 86400); day <= to;
         day = time_local_midnight(day + 86400 + 7200)) {
        int64_t a = day + start_off, b = a + len;
        int64_t lo = a > from ? a : from, hi = b < to ? b : to;
        if (hi > lo)
            total += hi - lo;
    }
    return total;
}

FleetState office_fleet_state(const FleetInput *in, const FleetPolicy *p, int64_t now)
{
    if (in->revoked_at)
        return FLEET_REVOKED;
    if (!in->hb_at)
        return FLEET_NEVER;
    int64_t limit = 3 * p->interval_s;
    int64_t silent = now - in->hb_at;
    if (silent > limit) {
        if (silent - office_fleet_night_overlap(p, in->hb_at, now) > limit)
            return FLEET_LATE;
        return FLEET_NIGHT;   /* silent, but the night excuses it */
    }
    if (in->flags && in->flags[0])
        return FLEET_FLAGS;
    if (in->published && in->published[0] && now - in->published_at > limit &&
        strcmp(in->content_version ? in->content_version : "", in->published) != 0)
        return FLEET_CONTENT_BEHIND;
    if (in->display && strncmp(in->display, "night", 5) == 0)
        return FLEET_NIGHT;
    return FLEET_ONLINE;
}

/* ---- heartbeats ---- */

static int fleet_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool fleet_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static const char *fleet_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

int office_fleet_parse(json_t *v, const char *json, OstoreHeartbeat *hb, char *buf, size_t n,
                       char *err, size_t errlen)
{
    memset(hb, 0, sizeof *hb);
    hb->json = json;
    json_t *content = json_object_get(v, "content");
    hb->content_version = fleet_str(content, "version");
    if (strlen(hb->content_version) > 20) {
        snprintf(err, errlen, "content.version: too long");
        return -1;
    }
    hb->display = fleet_str(v, "display");
    if (strlen(hb->display) > 15) {
        snprintf(err, errlen, "display: expected day, night or night-blank");
        return -1;
    }
    hb->visible = strcmp(hb->display, "night-blank") != 0;
    hb->app_version = fleet_str(v, "app_version");
    if (strlen(hb->app_version) > 31) {
        snprintf(err, errlen, "app_version: too long");
        return -1;
    }
    /* The flags: the kiosk's names, then what the figures say. */
    const char *names[40];
    size_t k = 0;
    json_t *flags = json_object_get(v, "flags"), *f;
    size_t i;
    if (flags && !json_is_array(flags)) {
        snprintf(err, errlen, "flags: expected an array of names");
        return -1;
    }
    json_array_foreach(flags, i, f) {
        const char *name = json_string_value(f);
        if (!name || !fleet_name_ok(name)) {
            snprintf(err, errlen, "flags[%zu]: expected a name of a-z, 0-9 and _", i);
            return -1;
        }
        if (k < 36)
            names[k++] = name;
    }
    json_t *queue = json_object_get(v, "queue");
    json_t *dead = json_object_get(queue, "dead");
    if (json_is_integer(dead) && json_integer_value(dead) > 0)
        names[k++] = "dead_letters";
    if (fleet_str(json_object_get(v, "upload"), "last_error")[0])
        names[k++] = "upload_error";
    if (fleet_str(content, "last_error")[0])
        names[k++] = "content_error";
    qsort(names, k, sizeof *names, fleet_cmp);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < k; j++) {
        if (j > 0 && strcmp(names[j], names[j - 1]) == 0)
            continue;
        int w = snprintf(buf + used, n > used ? n - used : 0, "%s%s", used ? "," : "", names[j]);
        if (w < 0 || used + (size_t)w >= n / 2) {
            snprintf(err, errlen, "flags: too many");
            return -1;
        }
        used += (size_t)w;
    }
    hb->flags = buf;
    /* The queue's figures only, as compact JSON. */
    char *q = NULL;
    if (json_is_object(queue)) {
        json_t *fig = json_object();
        static const char *const keys[] = {"as_of", "waiting", "batched", "delivered", "dead",
                                           "exported"};
        for (size_t j = 0; j < sizeof keys / sizeof *keys; j++) {
            json_t *x = json_object_get(queue, keys[j]);
            if (json_is_integer(x) || json_is_string(x) || json_is_null(x))
                json_object_set(fig, keys[j], x);
        }
        q = json_dumps(fig, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(fig);
    }
    size_t room = n - used - 1;
    char *qdst = buf + used + 1;
    snprintf(qdst, room, "%s", q && strlen(q) < room && strlen(q) < 250 ? q : "");
    free(q);
    hb->queue = qdst;
    return 0;
}

/* ---- evaluating ---- */

/* The community's published version and since when. */
static int fleet_published(Ostore *s, int64_t community_id, int64_t now, char *version,
                           size_t n, int64_t *since)
{
    int64_t rev, content_rev;
    OstoreResult r = ostore_feed_version(s, community_id, version, n, since, &rev, &content_rev);
    if (r == OSTORE_ERROR)
        return -1;
    if (r == OSTORE_OK && rev >= content_rev)
        return 0;
    /* The content changed since the feed was made: make it now, as the
     * next kiosk poll would. */
    OstoreFeed f;
    char err[300];
    int rc = office_feed_current(s, community_id, now, &f, err, sizeof err);
    ostore_feed_free(&f);
    if (rc == OFFICE_FEED_FAIL)
        return -1;
    r = ostore_feed_version(s, community_id, version, n, since, &rev, &content_rev);
    if (r == OSTORE_NOTFOUND)
        version[0] = '\0';
    return r == OSTORE_ERROR ? -1 : 0;
}

/* The state the kiosk is in now, judged from its status; *flags is the
 * state's flags. Whether that is the state recorded in `st`. */
static bool fleet_judge(const FleetPolicy *p, const OstoreKiosk *k, const OstoreKioskStatus *st,
                        const char *published, int64_t published_at, int64_t now,
                        FleetState *state, const char **flags)
{
    FleetInput in = {.revoked_at = k->revoked_at, .hb_at = st->hb_at,
                     .content_version = st->content_version, .display = st->display,
                     .flags = st->flags, .published = published,
                     .published_at = published_at};
    *state = office_fleet_state(&in, p, now);
    *flags = *state == FLEET_FLAGS ? st->flags : "";
    return strcmp(office_fleet_state_name(*state), st->state) == 0 &&
           strcmp(*flags, st->state_flags) == 0;
}

static int fleet_evaluate_with(Ostore *s, const FleetPolicy *p, bool send, const OstoreKiosk *k,
                               const char *published, int64_t published_at, int64_t now,
                               bool *alerted)
{
    if (alerted)
        *alerted = false;
    for (int attempt = 0; attempt < 3; attempt++) {
        OstoreKioskStatus st;
        OstoreResult r = ostore_fleet_status(s, k->id, &st);
        if (r == OSTORE_ERROR)
            return -1;
        st.kiosk_id = k->id;
        st.community_id = k->community_id;
        FleetState now_state;
        const char *flags;
        if (fleet_judge(p, k, &st, published, published_at, now, &now_state, &flags))
            return 0;
        const char *name = office_fleet_state_name(now_state);
        int old = office_fleet_state_from_name(st.state);
        bool alert = st.state[0] && now_state != FLEET_REVOKED && old >= 0 &&
                     (office_fleet_is_fault((FleetState)old) || office_fleet_is_fault(now_state));
        int64_t id = 0;
        r = ostore_fleet_set_state(s, &st, name, flags, alert, send, now, &id);
        if (r == OSTORE_OK) {
            if (alerted)
                *alerted = id != 0;
            return 0;
        }
        if (r != OSTORE_CONFLICT)
            return -1;
        /* Another process recorded a change meanwhile: judge again. */
    }
    return 0;
}

int office_fleet_evaluate(Ostore *s, const OfficeConf *c, const OstoreKiosk *k, int64_t now,
                          bool *alerted)
{
    FleetPolicy p;
    office_fleet_policy(c, &p);
    char version[24];
    int64_t since = 0;
    if (fleet_published(s, k->community_id, now, version, sizeof version, &since) < 0)
        return -1;
    return fleet_evaluate_with(s, &p, c->webhook_url[0] != '\0', k, version, since, now, alerted);
}

int office_fleet_evaluate_read(Ostore *s, const OfficeConf *c, const OstoreKiosk *k,
                               OstoreKioskStatus *st, FleetPublished *pub, int64_t now,
                               bool *alerted)
{
    if (alerted)
        *alerted = false;
    FleetPolicy p;
    office_fleet_policy(c, &p);
    if (pub->community != k->community_id) {
        if (fleet_published(s, k->community_id, now, pub->version, sizeof pub->version,
                            &pub->since) < 0)
            return -1;
        pub->community = k->community_id;
    }
    FleetState state;
    const char *flags;
    if (fleet_judge(&p, k, st, pub->version, pub->since, now, &state, &flags))
        return 0;   /* as recorded: nothing to read or write */
    /* A change: judge again from the status as it is now, record it, and
     * answer with what is stored (as office_fleet_evaluate). */
    if (fleet_evaluate_with(s, &p, c->webhook_url[0] != '\0', k, pub->version, pub->since, now,
                            alerted) < 0 ||
        ostore_fleet_status(s, k->id, st) == OSTORE_ERROR)
        return -1;
    return 0;
}

typedef struct {
    OstoreKiosk *k;
    OstoreKioskStatus *t;
    size_t n, cap;
    bool failed;
} FleetSweep;

static int fleet_collect(void *ud, const OstoreKiosk *k, const OstoreKioskStatus *t)
{
    FleetSweep *w = ud;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        OstoreKiosk *nk = realloc(w->k, cap * sizeof *nk);
        if (nk)
            w->k = nk;
        OstoreKioskStatus *nt = nk ? realloc(w->t, cap * sizeof *nt) : NULL;
        if (!nt) {
            w->failed = true;
            return 1;
        }
        w->t = nt;
        w->cap = cap;
    }
    w->k[w->n] = *k;
    w->t[w->n++] = *t;
    return 0;
}

int office_fleet_sweep(Ostore *s, const OfficeConf *c, int64_t now, int *alerts)
{
    FleetSweep w = {0};
    if (alerts)
        *alerts = 0;
    /* Every kiosk with its status in one read (by community, so each
     * community's published version is read once), collected first:
     * evaluating writes, and a read must not stay open. Only a kiosk whose
     * state changed is read again and written. */
    int rc = 0;
    if (ostore_fleet_list(s, 0, fleet_collect, &w) != OSTORE_OK || w.failed)
        rc = -1;
    FleetPublished pub = {0};
    for (size_t i = 0; rc == 0 && i < w.n; i++) {
        bool alerted = false;
        if (office_fleet_evaluate_read(s, c, &w.k[i], &w.t[i], &pub, now, &alerted) < 0)
            rc = -1;
        else if (alerts)
            *alerts += alerted;
    }
    free(w.k);
    free(w.t);
    return rc;
}

void office_fleet_heartbeat(OfficeReq *rq, OfficeResp *rs, json_t *body)
{
    const OfficeConf *c = office_conf(rq->office);
    OstoreHeartbeat hb;
    char buf[1024], err[200];
    if (office_fleet_parse(body, rq->body, &hb, buf, sizeof buf, err, sizeof err) < 0) {
        office_resp_error(rs, 422, "invalid_field", "%s", err);
        return;
    }
    FleetPolicy p;
    office_fleet_policy(c, &p);
    if (ostore_fleet_heartbeat(rq->store, rq->kiosk.community_id, rq->kiosk.id, &hb,
                               c->heartbeat_keep, 3 * p.interval_s, rq->now) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    bool alerted = false;
    if (office_fleet_evaluate(rq->store, c, &rq->kiosk, rq->now, &alerted) < 0)
        fprintf(stderr, "office: kiosk %s/%s: state: %s\n", rq->kiosk.community,
                rq->kiosk.name, ostore_error(rq->store));
    if (alerted)
        office_jobs_kick(office_jobs(rq->office));
    office_resp_json(rs, 200, json_pack("{s:b}", "ok", 1));
}
