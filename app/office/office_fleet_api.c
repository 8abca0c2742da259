/* office_fleet_api.c - the fleet's staff API: kiosks and their states, enrolment, revocation, alerts, proof of posting. */
#include "office_fleet_api.h"
#include "office_alert.h"
#include "office_fleet.h"
#include "office_proof.h"
#include "office_secret.h"
#include "office_staff.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path id: a positive whole number, else 0. */
static int64_t fleet_api_id(OfficeReq *rq, const char *name)
{
    const char *v = office_req_param(rq, name);
    if (!v || !*v || strlen(v) > 18)
        return 0;
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    return errno || *end || n <= 0 ? 0 : (int64_t)n;
}

static json_t *fleet_api_flags(const char *flags)
{
    json_t *a = json_array();
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", flags);
    for (char *save = NULL, *f = strtok_r(tmp, ",", &save); f; f = strtok_r(NULL, ",", &save))
        json_array_append_new(a, json_string(f));
    return a;
}

/* ---- kiosks ---- */

typedef struct {
    OfficeReq *rq;
    OstoreKiosk *k;
    OstoreKioskStatus *t;
    size_t n, cap;
    int oom;
} FleetApiList;

static int fleet_api_collect(void *ud, const OstoreKiosk *k, const OstoreKioskStatus *t)
{
    FleetApiList *l = ud;
    if (office_staff_can(l->rq, k->community_id, OFFICE_STAFF_CLERK) != 0)
        return 0;   /* not one of the user's communities */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        OstoreKiosk *nk = realloc(l->k, cap * sizeof *nk);
        if (nk)
            l->k = nk;
        OstoreKioskStatus *nt = nk ? realloc(l->t, cap * sizeof *nt) : NULL;
        if (!nt) {
            l->oom = 1;
            return 1;
        }
        l->t = nt;
        l->cap = cap;
    }
    l->k[l->n] = *k;
    l->t[l->n++] = *t;
    return 0;
}

static json_t *fleet_api_kiosk_json(const OstoreKiosk *k, const OstoreKioskStatus *t)
{
    json_t *queue = t->queue[0] ? json_loads(t->queue, 0, NULL) : NULL;
    return json_pack("{s:I,s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:s*,s:s*,s:o,s:s*,s:o,s:o}",
                     "id", (json_int_t)k->id, "community", k->community, "name", k->name,
                     "state", t->state[0] ? t->state : "never",
                     "since", (json_int_t)t->since,
                     "flags", fleet_api_flags(t->flags),
                     "last_heartbeat_at", t->hb_at ? json_integer(t->hb_at) : json_null(),
                     "last_seen_at", k->last_seen_at ? json_integer(k->last_seen_at)
                                                     : json_null(),
                     "content_version", t->content_version[0] ? t->content_version : NULL,
                     "display", t->display[0] ? t->display : NULL,
                     "queue", queue ? queue : json_null(),
                     "version", t->app_version[0] ? t->app_version : NULL,
                     "enrolled_at", k->enrolled_at ? json_integer(k->enrolled_at) : json_null(),
                     "revoked_at", k->revoked_at ? json_integer(k->revoked_at) : json_null());
}

void office_fleet_api_kiosks(OfficeReq *rq, OfficeResp *rs)
{
    const char *slug = office_req_query(rq, "community");
    OstoreCommunity com = {0};
    if (slug && *slug && !office_staff_community(rq, rs, slug, OFFICE_STAFF_CLERK, &com))
        return;
    /* One read for the list with the statuses; collected first, since
     * judging may write and a read must not stay open. */
    FleetApiList l = {.rq = rq};
    if (ostore_fleet_list(rq->store, com.id, fleet_api_collect, &l) != OSTORE_OK || l.oom) {
        free(l.k);
        free(l.t);
        office_resp_store_error(rq, rs);
        return;
    }
    json_t *arr = json_array();
    const OfficeConf *c = office_conf(rq->office);
    FleetPublished pub = {0};
    for (size_t i = 0; i < l.n; i++) {
        /* Judged now, so the list is as fresh as the clock. */
        bool alerted = false;
        if (office_fleet_evaluate_read(rq->store, c, &l.k[i], &l.t[i], &pub, rq->now,
                                       &alerted) < 0) {
            json_decref(arr);
            free(l.k);
            free(l.t);
            office_resp_store_error(rq, rs);
            return;
        }
        if (alerted)
            office_jobs_kick(office_jobs(rq->office));
        json_array_append_new(arr, fleet_api_kiosk_json(&l.k[i], &l.t[i]));
    }
    free(l.k);
    free(l.t);
    office_resp_json(rs, 200, arr);
}

/* Whether a kiosk name is acceptable: 1 to 100 bytes, no control characters. */
static bool fleet_api_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 100)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/')
            return false;
    return true;
}

void office_fleet_api_enrol(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    if (!office_staff_community(rq, rs, office_req_param(rq, "slug"), OFFICE_STAFF_MANAGER,
                                &com))
        return;
    json_t *b = office_req_object(rq, rs);
    if (!b)
        return;
    const char *name = json_string_value(json_object_get(b, "name"));
    if (!name || !fleet_api_name_ok(name)) {
        office_resp_json(rs, 422, json_pack("{s:{s:i,s:s,s:s,s:{s:s}}}", "error", "status", 422,
                                            "code", "invalid_field", "message",
                                            "name: 1 to 100 bytes, no control characters or /",
                                            "fields", "name",
                                            "1 to 100 bytes, no control characters or /"));
        json_decref(b);
        return;
    }
    const OfficeConf *c = office_conf(rq->office);
    char code[OFFICE_CODE_SIZE], hash[OSTORE_HASH_HEX];
    office_code_new(code);
    office_hash_hex(code, strlen(code), hash);
    int64_t expires = rq->now + (int64_t)c->enrol_code_hours * 3600, id = 0;
    OstoreResult r = ostore_kiosk_add(rq->store, com.id, name, hash, expires, rq->now, &id);
    if (r == OSTORE_CONFLICT) {
        office_resp_error(rs, 409, "exists", "this community has a kiosk of that name already");
        json_decref(b);
        return;
    }
    if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        json_decref(b);
        return;
    }
    char base[600], command[900];
    office_req_base_url(rq, base, sizeof base);
    snprintf(command, sizeof command,
             "kioskctl --config /etc/lobby-kiosk/kiosk.conf enroll %s %s", base, code);
    office_staff_audit(rq, "kiosk.add", com.id, name, "kiosk added, enrolment code made");
    office_resp_json(rs, 201, json_pack("{s:I,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)id,
                                        "community", com.slug, "name", name, "code", code,
                                        "expires_at", (json_int_t)expires, "command", command));
    json_decref(b);
}

void office_fleet_api_revoke(OfficeReq *rq, OfficeResp *rs)
{
    int64_t id = fleet_api_id(rq, "id");
    OstoreKiosk k;
    OstoreResult r = id ? ostore_kiosk_by_id(rq->store, id, &k) : OSTORE_NOTFOUND;
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (r == OSTORE_NOTFOUND) {
        office_resp_error(rs, 404, "not_found", "no such kiosk");
        return;
    }
    if (!office_staff_check(rq, rs, k.community_id, OFFICE_STAFF_MANAGER))
        return;
    r = ostore_kiosk_revoke(rq->store, k.id, rq->now);
    if (r == OSTORE_NOTFOUND) {
        office_resp_error(rs, 409, "revoked", "this kiosk is revoked already");
        return;
    }
    if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    office_staff_audit(rq, "kiosk.revoke", k.community_id, k.name, "device token revoked");
    k.revoked_at = rq->now;
    office_fleet_evaluate(rq->store, office_conf(rq->office), &k, rq->now, NULL);
    office_resp_json(rs, 200, json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)k.id,
                                        "community", k.community, "name", k.name,
                                        "revoked_at", (json_int_t)rq->now));
}

/* ---- alerts ---- */

typedef struct {
    OfficeReq *rq;
    json_t *arr;
    int left;
    int64_t last_id;
} FleetApiAlerts;

static json_t *fleet_api_alert_json(const OstoreAlert *a)
{
    return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:I,s:o,s:s*,s:s,s:o,s:i,s:s*}",
                     "id", (json_int_t)a->id, "community", a->community,
                     "kiosk_id", (json_int_t)a->kiosk_id, "kiosk", a->kiosk,
                     "from", a->from_state, "to", a->to_state, "flags", fleet_api_flags(a->flags),
                     "at", (json_int_t)a->created_at,
                     "acked_at", a->acked_at ? json_integer(a->acked_at) : json_null(),
                     "acked_by", a->acked_by[0] ? a->acked_by : NULL,
                     "webhook", a->send_state,
                     "sent_at", a->sent_at ? json_integer(a->sent_at) : json_null(),
                     "attempts", a->attempts,
                     "last_error", a->last_error[0] ? a->last_error : NULL);
}

static int fleet_api_alert_row(void *ud, const OstoreAlert *a)
{
    FleetApiAlerts *l = ud;
    l->last_id = a->id;
    if (office_staff_can(l->rq, a->community_id, OFFICE_STAFF_CLERK) != 0)
        return 0;
    json_array_append_new(l->arr, fleet_api_alert_json(a));
    return --l->left <= 0;
}

void office_fleet_api_alerts(OfficeReq *rq, OfficeResp *rs)
{
    const char *slug = office_req_query(rq, "community");
    OstoreCommunity com = {0};
    if (slug && *slug && !office_staff_community(rq, rs, slug, OFFICE_STAFF_CLERK, &com))
        return;
    const char *lim = office_req_query(rq, "limit"), *before = office_req_query(rq, "before");
    long limit = lim ? strtol(lim, NULL, 10) : 50;
    if (limit < 1 || limit > 200) {
        office_resp_error(rs, 400, "bad_query", "limit: 1 to 200");
        return;
    }
    long long bid = before ? strtoll(before, NULL, 10) : 0;
    FleetApiAlerts l = {.rq = rq, .arr = json_array(), .left = (int)limit};
    /* Rows of communities the user does not hold are skipped: read in
     * pages until the page is full or the rows end. */
    int64_t from = bid > 0 ? bid : 0;
    for (int pages = 0; pages < 50 && l.left > 0; pages++) {
        l.last_id = 0;
        if (ostore_alert_list(rq->store, com.id, from, 200, fleet_api_alert_row, &l) !=
            OSTORE_OK) {
            json_decref(l.arr);
            office_resp_store_error(rq, rs);
            return;
        }
        if (l.last_id == 0 || l.last_id == from)
            break;
        from = l.last_id;
    }
    json_t *v = json_pack("{s:o,s:o}", "items", l.arr, "next",
                          l.left <= 0 && l.last_id ? json_integer(l.last_id) : json_null());
    office_resp_json(rs, 200, v);
}

void office_fleet_api_ack(OfficeReq *rq, OfficeResp *rs)
{
    int64_t id = fleet_api_id(rq, "id");
    OstoreAlert a;
    OstoreResult r = id ? ostore_alert_get(rq->store, id, &a) : OSTORE_NOTFOUND;
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (r == OSTORE_NOTFOUND) {
        office_resp_error(rs, 404, "not_found", "no such alert");
        return;
    }
    if (!office_staff_check(rq, rs, a.community_id, OFFICE_STAFF_MANAGER))
        return;
    const OfficeStaff *who = office_staff_of(rq);
    r = ostore_alert_ack(rq->store, id, who ? who->name : "", rq->now);
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (r == OSTORE_OK)
        office_staff_audit(rq, "alert.ack", a.community_id, a.kiosk, "alert acknowledged");
    if (ostore_alert_get(rq->store, id, &a) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, 200, fleet_api_alert_json(&a));
}

/* ---- proof of posting ---- */

static json_t *fleet_api_posting_json(const Proof *p)
{
    json_t *kiosks = json_array();
    for (size_t i = 0; i < p->n; i++) {
        const ProofKiosk *k = &p->kiosks[i];
        json_t *spans = json_array();
        for (size_t j = 0; j < k->n; j++) {
            const ProofSpan *sp = &k->spans[j];
            json_array_append_new(spans, json_pack("{s:s,s:I,s:I,s:s*}", "kind",
                                                   sp->kind == PROOF_SHOWN ? "shown" : "gap",
                                                   "from", (json_int_t)sp->from, "to",
                                                   (json_int_t)sp->to, "reason", sp->reason));
        }
        json_array_append_new(kiosks, json_pack("{s:I,s:s,s:I,s:o}", "id",
                                                 (json_int_t)k->kiosk_id, "name", k->kiosk,
                                                 "shown_s", (json_int_t)k->shown_s,
                                                 "spans", spans));
    }
    return json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}", "community", p->community, "notice",
                     p->notice_id, "title", p->title, "from", (json_int_t)p->from, "to",
                     (json_int_t)p->to, "kiosks", kiosks);
}

void office_fleet_api_posting(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    if (!office_staff_community(rq, rs, office_req_param(rq, "slug"), OFFICE_STAFF_CLERK, &com))
        return;
    char id[CONTENT_MAX_ID + 8];
    snprintf(id, sizeof id, "%s", office_req_param(rq, "notice_id"));
    size_t n = strlen(id);
    bool csv = n > 4 && strcmp(id + n - 4, ".csv") == 0;
    if (csv)
        id[n - 4] = '\0';
    Proof p;
    int rc = office_proof_make(rq->store, office_conf(rq->office), &com, id, rq->now, &p);
    if (rc < 0) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (rc > 0) {
        office_resp_error(rs, 404, "not_found", "this community's content never held that notice");
        return;
    }
    if (csv) {
        size_t len = 0;
        char *text = office_proof_csv(&p, &len);
        if (!text) {
            office_resp_error(rs, 500, "internal", "out of memory");
        } else {
            free(rs->body);
            rs->status = 200;
            rs->content_type = "text/csv; charset=utf-8";
            rs->body = text;
            rs->len = len;
            char disp[256];
            snprintf(disp, sizeof disp, "attachment; filename=\"posting-%s-%s.csv\"", com.slug, id);
            office_resp_header(rs, "Content-Disposition", disp);
        }
    } else {
        office_resp_json(rs, 200, fleet_api_posting_json(&p));
    }
    office_proof_free(&p);
}
