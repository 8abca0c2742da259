/* office_inbox.c - the staff's suggestion inbox: list, read, state changes with replies, approval, assignment; replies sealed into the reply feed. */
#include "office_inbox.h"
#include "office_feed.h"
#include "office_staff.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OFFICE_INBOX_REPLY_MAX 500    /* characters of a reply, as the feed allows */
#define OFFICE_INBOX_NOTE_MAX 2000    /* characters of an internal note */

static const char *const office_inbox_states[] = {"new", "acknowledged", "in_progress", "done",
                                                  "declined"};

static bool office_inbox_state_known(const char *s)
{
    for (size_t i = 0; i < 5; i++)
        if (s && strcmp(s, office_inbox_states[i]) == 0)
            return true;
    return false;
}

bool office_inbox_transition_ok(const char *from, const char *to)
{
    static const char *const ok[][2] = {
        {"new", "acknowledged"}, {"new", "done"}, {"new", "declined"},
        {"acknowledged", "in_progress"}, {"acknowledged", "done"}, {"acknowledged", "declined"},
        {"in_progress", "done"}, {"in_progress", "declined"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(from, ok[i][0]) == 0 && strcmp(to, ok[i][1]) == 0)
            return true;
    return false;
}

/* The deadlines of office.conf, in seconds. */
static void office_inbox_deadlines(const OfficeReq *rq, int64_t *ack_s, int64_t *close_s)
{
    const OfficeConf *c = office_conf(rq->office);
    *ack_s = (int64_t)c->ack_hours * 3600;
    *close_s = (int64_t)c->close_days * 86400;
}

/* ---- one suggestion, copied out of the store's callback ---- */

typedef struct {
    OstoreInboxRow r;          /* its strings point at the copies below */
    char *text, *reply_zh, *reply_en, *contact;
    bool found;
} OfficeInboxItem;

static char *office_inbox_dup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int office_inbox_keep(void *ud, const OstoreInboxRow *r)
{
    OfficeInboxItem *it = ud;
    it->r = *r;
    it->text = office_inbox_dup(r->text);
    it->reply_zh = office_inbox_dup(r->reply_zh);
    it->reply_en = office_inbox_dup(r->reply_en);
    it->contact = office_inbox_dup(r->contact);
    it->r.text = it->text;
    it->r.reply_zh = it->reply_zh;
    it->r.reply_en = it->reply_en;
    it->r.contact = it->contact;
    it->found = true;
    return 1;
}

static void office_inbox_item_free(OfficeInboxItem *it)
{
    free(it->text);
    free(it->reply_zh);
    free(it->reply_en);
    if (it->contact)
        memset(it->contact, 0, strlen(it->contact));
    free(it->contact);
    memset(it, 0, sizeof *it);
}

static json_t *office_inbox_time(int64_t t)
{
    return t ? json_integer(t) : json_null();
}

/* The list item of a row (docs/OFFICE-API.md). */
static json_t *office_inbox_row_json(const OfficeReq *rq, const OstoreInboxRow *r)
{
    int64_t ack_s, close_s;
    office_inbox_deadlines(rq, &ack_s, &close_s);
    const char *overdue = r->overdue == OSTORE_OVERDUE_ACK ? "ack"
                          : r->overdue == OSTORE_OVERDUE_CLOSE ? "close" : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "community", json_string(r->community));
    json_object_set_new(o, "kiosk", json_string(r->kiosk));
    json_object_set_new(o, "topic", r->unreadable ? json_null() : json_string(r->topic));
    json_object_set_new(o, "text", r->text ? json_string(r->text) : json_null());
    json_object_set_new(o, "lang", r->unreadable ? json_null() : json_string(r->lang));
    json_object_set_new(o, "received_at", json_integer(r->received_at));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "acknowledged_at", office_inbox_time(r->acknowledged_at));
    json_object_set_new(o, "closed_at", office_inbox_time(r->closed_at));
    json_object_set_new(o, "ack_due", json_integer(r->received_at + ack_s));
    json_object_set_new(o, "close_due", json_integer(r->received_at + close_s));
    json_object_set_new(o, "overdue", overdue ? json_string(overdue) : json_null());
    json_object_set_new(o, "assignee", r->assignee[0] ? json_string(r->assignee) : json_null());
    json_object_set_new(o, "has_contact", json_boolean(r->has_contact));
    json_object_set_new(o, "unreadable", json_boolean(r->unreadable));
    json_object_set_new(o, "version", json_integer(r->version));
    return o;
}

/* ---- the list ---- */

/* "YYYY-MM-DD" as the Unix second of that local midnight (+ days). */
static bool office_inbox_day(const char *v, int days, int64_t *out)
{
    /* Digits only: sscanf's %d alone took "2026-+1-05" and "+202-01-05". */
    if (!v || strlen(v) != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
            return false;
    int y = atoi(v), m = atoi(v + 5), d = atoi(v + 8);
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != m - 1 || tm.tm_mday != d)
        return false;
    struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_isdst = -1};
    *out = (int64_t)mktime(&next);
    return true;
}

static bool office_inbox_word(const char *v, size_t max, const char *allowed)
{
    size_t n = v ? strlen(v) : 0;
    return n >= 1 && n <= max && (!allowed || strspn(v, allowed) == n) && utf8_valid(v, n);
}

typedef struct {
    const OfficeReq *rq;
    json_t *items;
    int limit, n;
    int64_t last_received, last_id;
    int last_phase;
} OfficeInboxPage;

static int office_inbox_page_row(void *ud, const OstoreInboxRow *r)
{
    OfficeInboxPage *p = ud;
    if (p->n == p->limit) {
        p->n++;    /* one more than the page: there is a next one */
        return 1;
    }
    json_array_append_new(p->items, office_inbox_row_json(p->rq, r));
    p->n++;
    p->last_received = r->received_at;
    p->last_id = r->id;
    p->last_phase = r->overdue ? 1 : 2;
    return 0;
}

#define BAD_QUERY(...) \
    do { office_resp_error(rs, 400, "invalid_query", __VA_ARGS__); return false; } while (0)

bool office_inbox_parse_query(const OfficeReq *rq, OfficeResp *rs, OstoreInboxQuery *q,
                              const char **assignee)
{
    *assignee = NULL;
    q->state = office_req_query(rq, "state");
    if (q->state && !office_inbox_state_known(q->state) && strcmp(q->state, "open") != 0)
        BAD_QUERY("state: expected new, acknowledged, in_progress, done, declined or open");
    q->topic = office_req_query(rq, "topic");
    if (q->topic && !office_inbox_word(q->topic, 31, "abcdefghijklmnopqrstuvwxyz0123456789_"))
        BAD_QUERY("topic: expected a topic key");
    q->kiosk = office_req_query(rq, "kiosk");
    if (q->kiosk && !office_inbox_word(q->kiosk, 127, NULL))
        BAD_QUERY("kiosk: expected a kiosk's name");
    q->q = office_req_query(rq, "q");
    if (q->q && !*q->q)
        q->q = NULL;
    if (q->q && !office_inbox_word(q->q, 200, NULL))
        BAD_QUERY("q: expected 1 to 200 bytes of UTF-8");
    const char *from = office_req_query(rq, "from"), *to = office_req_query(rq, "to");
    if (from && !office_inbox_day(from, 0, &q->from))
        BAD_QUERY("from: expected a date YYYY-MM-DD");
    if (to && !office_inbox_day(to, 1, &q->to))
        BAD_QUERY("to: expected a date YYYY-MM-DD");
    const char *who = office_req_query(rq, "assignee");
    if (who && strcmp(who, "none") == 0)
        q->assignee = -1;
    else if (who && strcmp(who, "me") != 0 && !office_inbox_word(who, 63, NULL))
        BAD_QUERY("assignee: no such user");
    else
        *assignee = who;
    const char *overdue = office_req_query(rq, "overdue");
    if (overdue && strcmp(overdue, "1") != 0 && strcmp(overdue, "0") != 0)
        BAD_QUERY("overdue: expected 1 or 0");
    q->overdue_only = overdue && strcmp(overdue, "1") == 0;
    int64_t limit;
    if (!office_staff_query_int(rq, "limit", 1, 200, 50, &limit))
        BAD_QUERY("limit: expected 1 to 200");
    const char *cursor = office_req_query(rq, "cursor");
    if (cursor) {
        int phase, n = 0;
        long long rcv, id, now;
        if (sscanf(cursor, "%d.%lld.%lld.%lld%n", &phase, &rcv, &id, &now, &n) != 4 ||
            (size_t)n != strlen(cursor) || phase < 1 || phase > 2)
            BAD_QUERY("cursor: not one this server gave");
        q->cur_phase = phase;
        q->cur_received = rcv;
        q->cur_id = id;
        q->now = now;
    }
    q->limit = (int)limit + 1;
    return true;
}
#undef BAD_QUERY

void office_inbox_list(OfficeReq *rq, OfficeResp *rs)
{
    const OfficeStaff *st = office_staff_of(rq);
    OstoreInboxQuery q = {.now = rq->now, .assignee = 0};
    office_inbox_deadlines(rq, &q.ack_s, &q.close_s);
    const char *community = office_req_query(rq, "community");
    if (community) {
        OstoreCommunity c;
        if (!office_staff_community(rq, rs, community, OFFICE_STAFF_CLERK, &c))
            return;
        q.community_id = c.id;
    } else if (!st->all_communities) {
        q.user_id = st->user_id;
    }
    const char *assignee;
    if (!office_inbox_parse_query(rq, rs, &q, &assignee))
        return;
    if (assignee && strcmp(assignee, "me") == 0) {
        q.assignee = st->user_id;
    } else if (assignee) {
        OstoreUser u;
        OstoreResult r = ostore_user_get(rq->store, assignee, &u);
        if (r == OSTORE_ERROR) {
            office_resp_store_error(rq, rs);
            return;
        }
        if (r != OSTORE_OK) {
            office_resp_error(rs, 400, "invalid_query", "assignee: no such user");
            return;
        }
        q.assignee = u.id;
    }
    int64_t limit = q.limit - 1;
    OfficeInboxPage p = {.rq = rq, .items = json_array(), .limit = (int)limit};
    int64_t counts[6];
    if (ostore_inbox_list(rq->store, &q, office_inbox_page_row, &p) != OSTORE_OK ||
        ostore_inbox_counts(rq->store, &q, counts) != OSTORE_OK) {
        json_decref(p.items);
        office_resp_store_error(rq, rs);
        return;
    }
    json_t *next = json_null();
    if (p.n > p.limit) {
        char c[100];
        snprintf(c, sizeof c, "%d.%lld.%lld.%lld", p.last_phase, (long long)p.last_received,
                 (long long)p.last_id, (long long)q.now);
        next = json_string(c);
    }
    json_t *cj = json_object();
    for (int i = 0; i < 5; i++)
        json_object_set_new(cj, office_inbox_states[i], json_integer(counts[i]));
    json_object_set_new(cj, "overdue", json_integer(counts[5]));
    json_object_set_new(cj, "cap", json_integer(OSTORE_INBOX_COUNT_CAP));   /* "or more" */
    office_resp_json(rs, 200, json_pack("{s:o,s:o,s:o}", "items", p.items, "next", next,
                                        "counts", cj));
}

/* ---- one suggestion ---- */

/* The suggestion {id} of the URL when the user holds its community at
 * `need` (404 when not, 403 for a role too low); false with rs written. */
static bool office_inbox_load(OfficeReq *rq, OfficeResp *rs, OfficeStaffRole need,
                              OfficeInboxItem *it)
{
    memset(it, 0, sizeof *it);
    const char *p = office_req_param(rq, "id");
    char *end;
    long long id = p ? strtoll(p, &end, 10) : 0;
    if (!p || !*p || *end || id <= 0) {
        office_resp_error(rs, 404, "not_found", "no such suggestion");
        return false;
    }
    int64_t ack_s, close_s;
    office_inbox_deadlines(rq, &ack_s, &close_s);
    OstoreResult r = ostore_inbox_get(rq->store, id, rq->now, ack_s, close_s, office_inbox_keep,
                                      it);
    if (r == OSTORE_ERROR) {
        office_inbox_item_free(it);
        office_resp_store_error(rq, rs);
        return false;
    }
    int can = r == OSTORE_OK ? office_staff_can(rq, it->r.community_id, OFFICE_STAFF_CLERK) : 404;
    if (can) {
        office_inbox_item_free(it);
        office_resp_error(rs, 404, "not_found", "no such suggestion");
        return false;
    }
    if (!office_staff_check(rq, rs, it->r.community_id, need)) {
        office_inbox_item_free(it);
        return false;
    }
    return true;
}

typedef struct {
    json_t *history;
    json_t *pending;
} OfficeInboxHistory;

static json_t *office_inbox_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int office_inbox_event_row(void *ud, const OstoreInboxEvent *e)
{
    OfficeInboxHistory *h = ud;
    json_t *o = json_object();
    json_object_set_new(o, "at", json_integer(e->at));
    json_object_set_new(o, "user", json_string(e->user));
    json_object_set_new(o, "kind", json_string(e->kind));
    json_object_set_new(o, "from", e->from[0] ? json_string(e->from) : json_null());
    json_object_set_new(o, "to", e->to[0] ? json_string(e->to) : json_null());
    json_object_set_new(o, "reply_zh", office_inbox_str(e->reply_zh));
    json_object_set_new(o, "reply_en", office_inbox_str(e->reply_en));
    json_object_set_new(o, "reply_state", e->reply_state[0] ? json_string(e->reply_state)
                                                            : json_null());
    json_object_set_new(o, "note", office_inbox_str(e->note));
    if (strcmp(e->kind, "assign") == 0)
        json_object_set_new(o, "assignee", e->assignee[0] ? json_string(e->assignee)
                                                          : json_null());
    json_array_append_new(h->history, o);
    if (strcmp(e->reply_state, "pending") == 0) {
        json_decref(h->pending);
        h->pending = json_pack("{s:s?,s:s?,s:s}", "zh", e->reply_zh, "en", e->reply_en, "by",
                               e->user);
    }
    return 0;
}

/* Answer the suggestion as GET .../{id} does. */
static void office_inbox_answer(OfficeReq *rq, OfficeResp *rs, const OfficeInboxItem *it)
{
    OfficeInboxHistory h = {json_array(), NULL};
    if (ostore_inbox_events(rq->store, it->r.id, office_inbox_event_row, &h) != OSTORE_OK) {
        json_decref(h.history);
        json_decref(h.pending);
        office_resp_store_error(rq, rs);
        return;
    }
    json_t *o = office_inbox_row_json(rq, &it->r);
    json_object_set_new(o, "history", h.history);
    json_object_set_new(o, "reply", it->r.reply_zh
                                        ? json_pack("{s:s,s:s?,s:s}", "zh", it->r.reply_zh,
                                                    "en", it->r.reply_en, "state", "published")
                                        : json_null());
    json_object_set_new(o, "pending_reply", h.pending ? h.pending : json_null());
    if (office_staff_of(rq)->role >= OFFICE_STAFF_MANAGER && it->r.has_contact) {
        json_object_set_new(o, "contact", office_inbox_str(it->r.contact));
        json_object_set_new(o, "contact_warning", json_pack("{s:s,s:s}",
            "zh", "居民的个人信息：只用于答复这条建议，不要转发或另存；结案时自动删除。",
            "en", "A resident's personal information: use it only to answer this suggestion;"
                  " do not pass it on or copy it. It is deleted when the case is closed."));
    }
    office_resp_json(rs, 200, o);
}

void office_inbox_get(OfficeReq *rq, OfficeResp *rs)
{
    OfficeInboxItem it;
    if (!office_inbox_load(rq, rs, OFFICE_STAFF_CLERK, &it))
        return;
    office_inbox_answer(rq, rs, &it);
    office_inbox_item_free(&it);
}

/* ---- changes ---- */

/* The kiosk's status of a reply for a state. */
static ReplyStatus office_inbox_reply_status(const char *state)
{
    if (strcmp(state, "in_progress") == 0)
        return REPLY_IN_PROGRESS;
    if (strcmp(state, "done") == 0)
        return REPLY_DONE;
    if (strcmp(state, "declined") == 0)
        return REPLY_DECLINED;
    return REPLY_RECEIVED;
}

/* Read the suggestion again (inside the caller's transaction) and seal
 * its status and published reply into the community's reply feed.
 * Unreadable ones have no receipt and are skipped. Returns
 * OFFICE_FEED_OK, _INVALID (message in err) or _FAIL. */
static int office_inbox_publish(OfficeReq *rq, int64_t id, OfficeInboxItem *it, char *err,
                                size_t errlen)
{
    int64_t ack_s, close_s;
    office_inbox_deadlines(rq, &ack_s, &close_s);
    office_inbox_item_free(it);
    if (ostore_inbox_get(rq->store, id, rq->now, ack_s, close_s, office_inbox_keep, it) !=
        OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(rq->store));
        return OFFICE_FEED_FAIL;
    }
    if (it->r.unreadable || !it->r.receipt[0])
        return OFFICE_FEED_OK;
    ReplyFeedItem f = {.receipt = it->r.receipt,
                       .status = office_inbox_reply_status(it->r.state),
                       .reply_zh = it->r.reply_zh, .reply_en = it->r.reply_en,
                       .updated_at = rq->now};
    return office_feed_put_reply(rq->store, it->r.community_id, &f, rq->now, err, errlen);
}

/* End a change: publish, audit, commit and answer; or roll back. */
static void office_inbox_finish(OfficeReq *rq, OfficeResp *rs, OstoreResult r,
                                OfficeInboxItem *it, bool publish, const char *action,
                                const char *summary)
{
    if (r == OSTORE_CONFLICT) {
        ostore_rollback(rq->store);
        office_resp_error(rs, 409, "stale", "the suggestion was changed meanwhile; reload it");
        return;
    }
    if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        ostore_rollback(rq->store);
        return;
    }
    char err[300], target[32];
    int64_t id = it->r.id, cid = it->r.community_id;
    int rc = OFFICE_FEED_OK;
    if (publish) {
        rc = office_inbox_publish(rq, id, it, err, sizeof err);
    } else {
        int64_t ack_s, close_s;
        office_inbox_deadlines(rq, &ack_s, &close_s);
        office_inbox_item_free(it);
        if (ostore_inbox_get(rq->store, id, rq->now, ack_s, close_s, office_inbox_keep, it) !=
            OSTORE_OK) {
            snprintf(err, sizeof err, "%s", ostore_error(rq->store));
            rc = OFFICE_FEED_FAIL;
        }
    }
    if (rc == OFFICE_FEED_INVALID) {
        ostore_rollback(rq->store);
        office_resp_error(rs, 422, "invalid_field", "reply: %s", err);
        return;
    }
    snprintf(target, sizeof target, "%lld", (long long)id);
    if (rc != OFFICE_FEED_OK || office_staff_audit(rq, action, cid, target, summary) < 0 ||
        ostore_commit(rq->store) != OSTORE_OK) {
        if (rc != OFFICE_FEED_OK)
            fprintf(stderr, "office: publishing a reply: %s\n", err);
        office_resp_store_error(rq, rs);
        ostore_rollback(rq->store);
        return;
    }
    office_inbox_answer(rq, rs, it);
}

/* An integer member "version" (required). */
static bool office_inbox_version(json_t *body, OfficeResp *rs, int64_t *v)
{
    json_t *j = json_object_get(body, "version");
    if (!json_is_integer(j) || json_integer_value(j) < 1) {
        office_resp_error(rs, 422, "invalid_field", "version: expected the suggestion's version"
                          " (a whole number)");
        return false;
    }
    *v = json_integer_value(j);
    return true;
}

/* An optional text member of 1..max characters; false with a 422. */
static bool office_inbox_text(json_t *body, const char *key, size_t max, const char **out,
                              OfficeResp *rs)
{
    json_t *j = json_object_get(body, key);
    *out = NULL;
    if (!j || json_is_null(j))
        return true;
    const char *s = json_string_value(j);
    size_t n = s ? json_string_length(j) : 0;
    size_t chars = s ? utf8_count(s, n) : 0;
    if (!s || strlen(s) != n || chars == 0 || chars > max) {
        office_resp_error(rs, 422, "invalid_field", "%s: expected 1 to %zu characters", key, max);
        return false;
    }
    *out = s;
    return true;
}

bool office_inbox_parse_change(json_t *body, OfficeInboxChangeForm *f, OfficeResp *rs)
{
    memset(f, 0, sizeof *f);
    f->to = json_string_value(json_object_get(body, "state"));
    if (!office_inbox_state_known(f->to)) {
        office_resp_error(rs, 422, "invalid_field", "state: expected acknowledged, in_progress,"
                          " done or declined");
        return false;
    }
    if (!office_inbox_version(body, rs, &f->version) ||
        !office_inbox_text(body, "reply_zh", OFFICE_INBOX_REPLY_MAX, &f->reply_zh, rs) ||
        !office_inbox_text(body, "reply_en", OFFICE_INBOX_REPLY_MAX, &f->reply_en, rs) ||
        !office_inbox_text(body, "note", OFFICE_INBOX_NOTE_MAX, &f->note, rs))
        return false;
    if (f->reply_en && !f->reply_zh) {
        office_resp_error(rs, 422, "invalid_field", "reply_en: only with reply_zh");
        return false;
    }
    return true;
}

bool office_inbox_parse_assign(json_t *body, int64_t *version, const char **user,
                               OfficeResp *rs)
{
    json_t *u = json_object_get(body, "user");
    *user = NULL;
    if (!office_inbox_version(body, rs, version))
        return false;
    if (!u || (!json_is_null(u) && !json_is_string(u))) {
        office_resp_error(rs, 422, "invalid_field", "user: expected a user name or null");
        return false;
    }
    *user = json_string_value(u);
    return true;
}

void office_inbox_state(OfficeReq *rq, OfficeResp *rs)
{
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    OfficeInboxItem it = {0};
    OfficeInboxChangeForm f;
    if (!office_inbox_parse_change(body, &f, rs))
        goto out;
    const char *to = f.to, *zh = f.reply_zh, *en = f.reply_en, *note = f.note;
    int64_t version = f.version;
    if (!office_inbox_load(rq, rs, OFFICE_STAFF_CLERK, &it))
        goto out;
    if (version != it.r.version) {
        office_resp_error(rs, 409, "stale", "the suggestion was changed meanwhile; reload it");
        goto out;
    }
    if (!office_inbox_transition_ok(it.r.state, to)) {
        office_resp_error(rs, 422, "illegal_transition", "a suggestion that is %s cannot become"
                          " %s", it.r.state, to);
        goto out;
    }
    if (zh && it.r.unreadable) {
        office_resp_error(rs, 422, "no_receipt", "this suggestion could not be opened, so it has"
                          " no receipt to reply under");
        goto out;
    }
    bool manager = office_staff_of(rq)->role >= OFFICE_STAFF_MANAGER;
    bool closing = strcmp(to, "done") == 0 || strcmp(to, "declined") == 0;
    char from[16];
    snprintf(from, sizeof from, "%s", it.r.state);
    OstoreInboxChange c = {.id = it.r.id, .version = version,
                           .user_id = office_staff_of(rq)->user_id, .now = rq->now,
                           .from = from, .to = to, .reply_zh = zh, .reply_en = en,
                           .reply_state = zh ? (manager ? "published" : "pending") : NULL,
                           .note = note, .delete_contact = closing};
    char summary[120];
    snprintf(summary, sizeof summary, "%s -> %s%s%s%s", from, to,
             zh ? (manager ? ", reply published" : ", reply waits for approval") : "",
             note ? ", note" : "", closing && it.r.has_contact ? ", contact deleted" : "");
    OstoreResult r = ostore_begin(rq->store);
    if (r == OSTORE_OK)
        r = ostore_inbox_change(rq->store, &c, NULL);
    office_inbox_finish(rq, rs, r, &it, true, "suggestion.state", summary);
out:
    office_inbox_item_free(&it);
    json_decref(body);
}

void office_inbox_approve(OfficeReq *rq, OfficeResp *rs)
{
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    OfficeInboxItem it = {0};
    int64_t version;
    if (!office_inbox_version(body, rs, &version) ||
        !office_inbox_load(rq, rs, OFFICE_STAFF_MANAGER, &it))
        goto out;
    if (version != it.r.version) {
        office_resp_error(rs, 409, "stale", "the suggestion was changed meanwhile; reload it");
        goto out;
    }
    OstoreResult r = ostore_begin(rq->store);
    if (r == OSTORE_OK)
        r = ostore_inbox_approve(rq->store, it.r.id, version, office_staff_of(rq)->user_id,
                                 rq->now, NULL);
    if (r == OSTORE_NOTFOUND) {
        ostore_rollback(rq->store);
        office_resp_error(rs, 422, "no_pending_reply", "there is no reply waiting for approval");
        goto out;
    }
    office_inbox_finish(rq, rs, r, &it, true, "suggestion.approve_reply", "reply published");
out:
    office_inbox_item_free(&it);
    json_decref(body);
}

void office_inbox_assign(OfficeReq *rq, OfficeResp *rs)
{
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    OfficeInboxItem it = {0};
    int64_t version, assignee = 0;
    const char *name;
    if (!office_inbox_parse_assign(body, &version, &name, rs))
        goto out;
    if (!office_inbox_load(rq, rs, OFFICE_STAFF_MANAGER, &it))
        goto out;
    char summary[120] = "unassigned";
    if (name) {
        OstoreUser who;
        bool holds = false;
        OstoreResult r = office_inbox_word(name, 63, NULL)
                             ? ostore_user_get(rq->store, name, &who) : OSTORE_NOTFOUND;
        if (r == OSTORE_OK && !who.disabled_at)
            r = ostore_user_holds(rq->store, who.id, it.r.community_id, &holds);
        if (r == OSTORE_ERROR) {
            office_resp_store_error(rq, rs);
            goto out;
        }
        if (r != OSTORE_OK || who.disabled_at || !holds) {
            office_resp_error(rs, 422, "invalid_field", "user: no active user of this community"
                              " by that name");
            goto out;
        }
        assignee = who.id;
        snprintf(summary, sizeof summary, "assigned to %s", who.name);
    }
    if (version != it.r.version) {
        office_resp_error(rs, 409, "stale", "the suggestion was changed meanwhile; reload it");
        goto out;
    }
    OstoreResult r = ostore_begin(rq->store);
    if (r == OSTORE_OK)
        r = ostore_inbox_assign(rq->store, it.r.id, version, office_staff_of(rq)->user_id,
                                assignee, rq->now, NULL);
    office_inbox_finish(rq, rs, r, &it, false, "suggestion.assign", summary);
out:
    office_inbox_item_free(&it);
    json_decref(body);
}
