/* ostore_inbox.c - the office store's suggestion workflow: the inbox list with filters and paging, counts, one item, its history, state changes, replies, assignment. */
#include "ostore_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading ---- */

#define INBOX_COLS                                                                            \
    "s.id, s.community_id, c.slug, s.kiosk_id, k.name, s.topic, s.text, s.lang, s.received_at," \
    " s.status, COALESCE(s.acknowledged_at, 0), COALESCE(s.closed_at, 0),"                     \
    " COALESCE(s.assignee_id, 0), u.name, s.unreadable, s.version, s.receipt, s.reply_zh,"     \
    " s.reply_en, CASE WHEN ct.suggestion_id IS NULL THEN 0 ELSE 1 END,"                        \
    " COALESCE(ct.unreadable, 0)"
#define INBOX_FROM                                                                            \
    " FROM suggestion s JOIN community c ON c.id = s.community_id"                              \
    " JOIN kiosk k ON k.id = s.kiosk_id LEFT JOIN staff_user u ON u.id = s.assignee_id"        \
    " LEFT JOIN contact ct ON ct.suggestion_id = s.id"

/* Overdue as the list defines it (ostore.h). */
static int ostore_overdue(const char *state, int64_t received, int64_t now, int64_t ack_s,
                          int64_t close_s)
{
    bool is_new = strcmp(state, "new") == 0;
    bool open = is_new || strcmp(state, "acknowledged") == 0 ||
                strcmp(state, "in_progress") == 0;
    if (open && received < now - close_s)
        return OSTORE_OVERDUE_CLOSE;
    if (is_new && received < now - ack_s)
        return OSTORE_OVERDUE_ACK;
    return OSTORE_OVERDUE_NONE;
}

typedef struct {
    OstoreInboxFn fn;
    void *ud;
    int64_t now, ack_s, close_s;
    bool with_contact;
    int rows;
    int64_t last_received, last_id;
} OstoreInboxWalk;

static int ostore_inbox_row(OstoreStmt *st, void *ud)
{
    OstoreInboxWalk *w = ud;
    OstoreInboxRow r;
    memset(&r, 0, sizeof r);
    r.id = ostore_col_int(st, 0);
    r.community_id = ostore_col_int(st, 1);
    ostore_col(st, 2, r.community, sizeof r.community);
    r.kiosk_id = ostore_col_int(st, 3);
    ostore_col(st, 4, r.kiosk, sizeof r.kiosk);
    ostore_col(st, 5, r.topic, sizeof r.topic);
    r.text = ostore_col_text(st, 6);
    ostore_col(st, 7, r.lang, sizeof r.lang);
    r.received_at = ostore_col_int(st, 8);
    ostore_col(st, 9, r.state, sizeof r.state);
    r.acknowledged_at = ostore_col_int(st, 10);
    r.closed_at = ostore_col_int(st, 11);
    r.assignee_id = ostore_col_int(st, 12);
    ostore_col(st, 13, r.assignee, sizeof r.assignee);
    r.unreadable = ostore_col_int(st, 14) != 0;
    r.version = ostore_col_int(st, 15);
    ostore_col(st, 16, r.receipt, sizeof r.receipt);
    r.reply_zh = ostore_col_text(st, 17);
    r.reply_en = ostore_col_text(st, 18);
    r.has_contact = ostore_col_int(st, 19) != 0;
    r.contact_unreadable = ostore_col_int(st, 20) != 0;
    if (w->with_contact)
        r.contact = ostore_col_text(st, 21);
    if (r.unreadable)
        r.text = NULL;
    r.overdue = ostore_overdue(r.state, r.received_at, w->now, w->ack_s, w->close_s);
    w->rows++;
    w->last_received = r.received_at;
    w->last_id = r.id;
    return w->fn(w->ud, &r);
}

/* The cut-offs: a new one received before newcut is overdue, an
 * acknowledged or in-progress one before opencut. */
static void ostore_cuts(int64_t now, int64_t ack_s, int64_t close_s, int64_t *newcut,
                        int64_t *opencut)
{
    int64_t a = now - ack_s, c = now - close_s;
    *newcut = a > c ? a : c;
    *opencut = c;
}

/* A query built from only the filters given, so that each part can walk
 * an index range (migration 8): its text with `?` placeholders in order
 * and the arguments they take. */
#define INBOX_MAX_ARGS 96
typedef struct {
    bool text;
    int64_t i;
    const char *t;
} InboxArg;
typedef struct {
    char sql[12000];
    size_t len;
    bool overflow;
    InboxArg arg[INBOX_MAX_ARGS];
    int n;
} InboxSql;

static void isql(InboxSql *b, const char *text)
{
    size_t k = strlen(text);
    if (b->len + k >= sizeof b->sql) {
        b->overflow = true;
        return;
    }
    memcpy(b->sql + b->len, text, k + 1);
    b->len += k;
}

static void isql_i(InboxSql *b, const char *text, int64_t v)
{
    isql(b, text);
    if (b->n < INBOX_MAX_ARGS)
        b->arg[b->n] = (InboxArg){.i = v};
    else
        b->overflow = true;
    b->n++;
}

static void isql_t(InboxSql *b, const char *text, const char *v)
{
    isql(b, text);
    if (b->n < INBOX_MAX_ARGS)
        b->arg[b->n] = (InboxArg){.text = true, .t = v};
    else
        b->overflow = true;
    b->n++;
}

static OstoreStmt *isql_prep(Ostore *s, InboxSql *b)
{
    if (b->overflow) {
        snprintf(s->err, sizeof s->err, "inbox query too long");
        return NULL;
    }
    OstoreStmt *st = s->drv->prepare(s, b->sql);
    for (int i = 0; st && i < b->n; i++) {
        int rc = b->arg[i].text
            ? s->drv->bind_text(st, i + 1, b->arg[i].t, strlen(b->arg[i].t))
            : s->drv->bind_int(st, i + 1, b->arg[i].i);
        if (rc != 0) {
            s->drv->finalize(st);
            st = NULL;
        }
    }
    return st;
}

/* " AND ..." for the communities: one, a user's, or every one. */
static void isql_communities(InboxSql *b, const OstoreInboxQuery *q)
{
    if (q->community_id)
        isql_i(b, " AND s.community_id = ?", q->community_id);
    if (q->user_id)
        isql_i(b, " AND s.community_id IN (SELECT m.community_id FROM staff_community m"
                  " WHERE m.user_id = ?)", q->user_id);
}

/* " AND ..." for every other filter of q and the cursor. */
static void isql_filters(InboxSql *b, const OstoreInboxQuery *q, const char *like,
                         const OstoreSearch *se, bool cursor)
{
    isql_communities(b, q);
    if (q->topic)
        isql_t(b, " AND s.topic = ?", q->topic);
    /* The index narrows (ostore_search.c; its ids lead the FROM), the
     * LIKE decides. */
    if (like && se->grams)
        isql_t(b, " AND ostore_grams(LOWER(s.text)) @> ostore_grams_q(?)", se->lower);
    if (like)
        isql_t(b, " AND LOWER(s.text) LIKE ? ESCAPE '\\'", like);
    if (q->from)
        isql_i(b, " AND s.received_at >= ?", q->from);
    if (q->to)
        isql_i(b, " AND s.received_at < ?", q->to);
    if (q->assignee > 0)
        isql_i(b, " AND s.assignee_id = ?", q->assignee);
    else if (q->assignee < 0)
        isql(b, " AND s.assignee_id IS NULL");
    if (cursor) {
        isql_i(b, " AND (s.received_at < ?", q->cur_received);
        isql_i(b, " OR (s.received_at = ?", q->cur_received);
        isql_i(b, " AND s.id < ?))", q->cur_id);
    }
}

static const char *const ostore_states[5] = {"new", "acknowledged", "in_progress", "done",
                                             "declined"};

/* Whether the state filter of q lets state i through. */
static bool ostore_state_wanted(const OstoreInboxQuery *q, int i)
{
    if (!q->state)
        return true;
    if (strcmp(q->state, "open") == 0)
        return i < 3;
    return strcmp(q->state, ostore_states[i]) == 0;
}

/* One phase of the list (1 overdue, 2 the rest): a UNION ALL of one index
 * range per state (status, received_at below or from its cut-off), each
 * newest first and cut to the limit, then merged. */
static OstoreResult ostore_inbox_phase(Ostore *s, const OstoreInboxQuery *q, int phase,
                                       bool cursor, int limit, const char *like,
                                       const OstoreSearch *se, OstoreInboxWalk *w)
{
    int64_t newcut, opencut;
    ostore_cuts(q->now, q->ack_s, q->close_s, &newcut, &opencut);
    InboxSql *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return OSTORE_ERROR;
    }
    isql(b, "SELECT " INBOX_COLS " FROM (");
    int parts = 0;
    for (int i = 0; i < 5; i++) {
        if (!ostore_state_wanted(q, i) || (phase == 1 && i >= 3))
            continue;
        char head[200];
        snprintf(head, sizeof head, "%sSELECT p%d.id FROM (SELECT s.id, s.received_at FROM",
                 parts ? " UNION ALL " : "", i);
        isql(b, head);
        /* The few rows the search index gives, each by its id (SQLite
         * takes a CROSS JOIN's tables in the order written); a kiosk's few
         * suggestions: from the kiosk through its own index. */
        if (like && se->ids) {
            isql_t(b, " json_each(?) j CROSS JOIN suggestion s WHERE s.id = j.value AND",
                   se->ids);
            if (q->kiosk)
                isql_t(b, " s.kiosk_id IN (SELECT kk.id FROM kiosk kk WHERE kk.name = ?) AND",
                       q->kiosk);
        } else if (q->kiosk)
            isql_t(b, " kiosk kk CROSS JOIN suggestion s WHERE kk.name = ?"
                      " AND s.kiosk_id = kk.id AND", q->kiosk);
        else
            isql(b, " suggestion s WHERE");
        snprintf(head, sizeof head, " s.status = '%s'", ostore_states[i]);
        isql(b, head);
        if (i < 3)
            isql_i(b, phase == 1 ? " AND s.received_at < ?" : " AND s.received_at >= ?",
                   i == 0 ? newcut : opencut);
        isql_filters(b, q, like, se, cursor);
        char tail[80];
        snprintf(tail, sizeof tail, " ORDER BY s.received_at DESC, s.id DESC LIMIT ?) p%d", i);
        isql_i(b, tail, limit);
        parts++;
    }
    OstoreResult r = OSTORE_OK;
    if (parts > 0) {
        isql(b, ") AS b JOIN suggestion s ON s.id = b.id"
                " JOIN community c ON c.id = s.community_id JOIN kiosk k ON k.id = s.kiosk_id"
                " LEFT JOIN staff_user u ON u.id = s.assignee_id"
                " LEFT JOIN contact ct ON ct.suggestion_id = s.id");
        isql_i(b, " ORDER BY s.received_at DESC, s.id DESC LIMIT ?", limit);
        r = ostore_each(s, isql_prep(s, b), ostore_inbox_row, w);
    }
    free(b);
    return r;
}

/* "%words%" lower-cased (ASCII) with % _ \ escaped; malloc'd. */
static char *ostore_like(const char *q)
{
    size_t n = strlen(q);
    char *p = malloc(2 * n + 3), *o = p;
    if (!p)
        return NULL;
    *o++ = '%';
    for (const char *c = q; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
    }
    *o++ = '%';
    *o = '\0';
    return p;
}

OstoreResult ostore_inbox_list(Ostore *s, const OstoreInboxQuery *q, OstoreInboxFn fn, void *ud)
{
    char *like = NULL;
    OstoreSearch se = {0};
    if (q->q && !(like = ostore_like(q->q))) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return OSTORE_ERROR;
    }
    if (like && ostore_search_prepare(s, q->q, &se) != OSTORE_OK) {
        free(like);
        return OSTORE_ERROR;
    }
    OstoreInboxWalk w = {.fn = fn, .ud = ud, .now = q->now, .ack_s = q->ack_s,
                         .close_s = q->close_s};
    OstoreResult r = OSTORE_OK;
    int left = q->limit;
    /* The index found no row that could hold the words: none matches. */
    if (se.ids && se.count == 0)
        left = 0;
    if (left > 0 && q->cur_phase <= 1) {
        r = ostore_inbox_phase(s, q, 1, q->cur_phase == 1, left, like, &se, &w);
        left -= w.rows;
    }
    if (r == OSTORE_OK && left > 0 && !q->overdue_only)
        r = ostore_inbox_phase(s, q, 2, q->cur_phase == 2, left, like, &se, &w);
    free(like);
    ostore_search_free(&se);
    return r;
}

typedef struct {
    int64_t *counts;
} OstoreCountWalk;

static int ostore_count_row(OstoreStmt *st, void *ud)
{
    OstoreCountWalk *w = ud;
    int64_t i = ostore_col_int(st, 0), n = ostore_col_int(st, 1);
    if (i >= 0 && i < 5)
        w->counts[i] = n;
    else
        w->counts[5] += n;    /* the overdue of each open state */
    return 0;
}

OstoreResult ostore_inbox_counts(Ostore *s, const OstoreInboxQuery *q, int64_t counts[6])
{
    memset(counts, 0, 6 * sizeof *counts);
    OstoreInboxQuery only = {.community_id = q->community_id, .user_id = q->user_id};
    int64_t newcut, opencut;
    ostore_cuts(q->now, q->ack_s, q->close_s, &newcut, &opencut);
    InboxSql *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return OSTORE_ERROR;
    }
    /* Each count reads at most OSTORE_INBOX_COUNT_CAP rows of an index
     * range: per state (0..4), and the overdue of each open state (5..7). */
    for (int i = 0; i < 8; i++) {
        char head[240];
        snprintf(head, sizeof head, "%sSELECT %d, COUNT(*) FROM (SELECT s.id FROM suggestion s"
                 " WHERE s.status = '%s'", i ? " UNION ALL " : "", i,
                 ostore_states[i < 5 ? i : i - 5]);
        isql(b, head);
        if (i >= 5)
            isql_i(b, " AND s.received_at < ?", i == 5 ? newcut : opencut);
        isql_communities(b, &only);
        char tail[40];
        snprintf(tail, sizeof tail, " LIMIT ?) AS n%d", i);
        isql_i(b, tail, OSTORE_INBOX_COUNT_CAP);
    }
    OstoreCountWalk w = {counts};
    OstoreResult r = ostore_each(s, isql_prep(s, b), ostore_count_row, &w);
    free(b);
    if (counts[5] > OSTORE_INBOX_COUNT_CAP)
        counts[5] = OSTORE_INBOX_COUNT_CAP;
    return r;
}

OstoreResult ostore_inbox_get(Ostore *s, int64_t id, int64_t now, int64_t ack_s,
                              int64_t close_s, OstoreInboxFn fn, void *ud)
{
    OstoreInboxWalk w = {.fn = fn, .ud = ud, .now = now, .ack_s = ack_s, .close_s = close_s,
                         .with_contact = true};
    OstoreResult r = ostore_each(s, ostore_prep(s, "SELECT " INBOX_COLS ", ct.contact"
                                                INBOX_FROM " WHERE s.id = ?", "i", id),
                                 ostore_inbox_row, &w);
    return r == OSTORE_OK && w.rows == 0 ? OSTORE_NOTFOUND : r;
}

typedef struct {
    OstoreInboxEventFn fn;
    void *ud;
} OstoreEventWalk;

static int ostore_event_row(OstoreStmt *st, void *ud)
{
    OstoreEventWalk *w = ud;
    OstoreInboxEvent e;
    memset(&e, 0, sizeof e);
    e.id = ostore_col_int(st, 0);
    e.at = ostore_col_int(st, 1);
    e.user_id = ostore_col_int(st, 2);
    ostore_col(st, 3, e.user, sizeof e.user);
    ostore_col(st, 4, e.kind, sizeof e.kind);
    ostore_col(st, 5, e.from, sizeof e.from);
    ostore_col(st, 6, e.to, sizeof e.to);
    e.reply_zh = ostore_col_text(st, 7);
    e.reply_en = ostore_col_text(st, 8);
    ostore_col(st, 9, e.reply_state, sizeof e.reply_state);
    e.note = ostore_col_text(st, 10);
    ostore_col(st, 11, e.assignee, sizeof e.assignee);
    return w->fn(w->ud, &e);
}

OstoreResult ostore_inbox_events(Ostore *s, int64_t suggestion_id, OstoreInboxEventFn fn,
                                 void *ud)
{
    OstoreEventWalk w = {fn, ud};
    return ostore_each(s, ostore_prep(s,
        "SELECT e.id, e.at, COALESCE(e.user_id, 0), u.name, e.kind, e.from_state, e.to_state,"
        " e.reply_zh, e.reply_en, e.reply_state, e.note, a.name FROM suggestion_event e"
        " LEFT JOIN staff_user u ON u.id = e.user_id"
        " LEFT JOIN staff_user a ON a.id = e.assignee_id"
        " WHERE e.suggestion_id = ? ORDER BY e.id", "i", suggestion_id),
        ostore_event_row, &w);
}

/* ---- changing ---- */

/* Raise the version from `version` (OSTORE_CONFLICT when it moved on). */
static OstoreResult ostore_inbox_bump(Ostore *s, OstoreResult r)
{
    if (r == OSTORE_OK && ostore_changes(s) == 0) {
        snprintf(s->err, sizeof s->err, "the suggestion changed meanwhile (stale version)");
        return OSTORE_CONFLICT;
    }
    return r;
}

static OstoreResult ostore_inbox_event(Ostore *s, int64_t id, int64_t at, int64_t user_id,
                                       const char *kind, const char *from, const char *to,
                                       const char *zh, const char *en, const char *rstate,
                                       const char *note, int64_t assignee)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO suggestion_event (suggestion_id, at, user_id, kind, from_state, to_state,"
        " reply_zh, reply_en, reply_state, note, assignee_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0))",
        "iiittttttti", id, at, user_id, kind, from, to, zh, en, rstate, note, assignee));
}

OstoreResult ostore_inbox_change(Ostore *s, const OstoreInboxChange *c, int64_t *new_version)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    const char *to = c->to ? c->to : c->from;
    bool closing = c->to && (strcmp(c->to, "done") == 0 || strcmp(c->to, "declined") == 0);
    bool acking = c->to && strcmp(c->to, "new") != 0;
    bool publish = c->reply_zh && c->reply_state && strcmp(c->reply_state, "published") == 0;
    OstoreResult r = ostore_inbox_bump(s, ostore_done(s, ostore_prep(s,
        "UPDATE suggestion SET status = ?1, version = version + 1,"
        " acknowledged_at = CASE WHEN ?2 = 1 AND acknowledged_at IS NULL THEN ?3"
        "  ELSE acknowledged_at END,"
        " closed_at = CASE WHEN ?4 = 1 THEN ?3 ELSE closed_at END,"
        " reply_zh = CASE WHEN ?5 = 1 THEN CAST(?6 AS TEXT) ELSE reply_zh END,"
        " reply_en = CASE WHEN ?5 = 1 THEN CAST(?7 AS TEXT) ELSE reply_en END"
        " WHERE id = ?8 AND version = ?9", "tbibbttii", to, (int)acking, c->now, (int)closing,
        (int)publish, c->reply_zh, c->reply_en, c->id, c->version)));
    if (r == OSTORE_OK && c->reply_zh && c->reply_state)
        /* A published reply replaces every earlier one; a pending one the
         * pending ones before it. */
        r = ostore_done(s, ostore_prep(s,
            "UPDATE suggestion_event SET reply_state = 'superseded' WHERE suggestion_id = ?"
            " AND (reply_state = 'pending' OR (? = 1 AND reply_state = 'published'))", "ib",
            c->id, (int)publish));
    if (r == OSTORE_OK)
        r = ostore_inbox_event(s, c->id, c->now, c->user_id, "state", c->from, to, c->reply_zh,
                               c->reply_zh ? c->reply_en : NULL,
                               c->reply_zh ? c->reply_state : NULL, c->note, 0);
    if (r == OSTORE_OK && c->delete_contact)
        r = ostore_done(s, ostore_prep(s, "DELETE FROM contact WHERE suggestion_id = ?", "i",
                                       c->id));
    if (r == OSTORE_OK && new_version)
        *new_version = c->version + 1;
    return ostore_tx_end(s, own, r);
}

typedef struct {
    int64_t id;
    char *zh, *en;
} OstorePending;

static void ostore_fill_pending(OstoreStmt *st, void *out)
{
    OstorePending *p = out;
    p->id = ostore_col_int(st, 0);
    const char *zh = ostore_col_text(st, 1), *en = ostore_col_text(st, 2);
    p->zh = zh ? strdup(zh) : NULL;
    p->en = en ? strdup(en) : NULL;
}

OstoreResult ostore_inbox_approve(Ostore *s, int64_t id, int64_t version, int64_t user_id,
                                  int64_t now, int64_t *new_version)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstorePending p = {0};
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT id, reply_zh, reply_en FROM suggestion_event WHERE suggestion_id = ?"
        " AND reply_state = 'pending' ORDER BY id DESC LIMIT 1", "i", id),
        ostore_fill_pending, &p);
    if (r == OSTORE_OK && !p.zh) {
        snprintf(s->err, sizeof s->err, "out of memory");
        r = OSTORE_ERROR;
    }
    if (r == OSTORE_OK)
        r = ostore_inbox_bump(s, ostore_done(s, ostore_prep(s,
            "UPDATE suggestion SET version = version + 1, reply_zh = ?, reply_en = ?"
            " WHERE id = ? AND version = ?", "ttii", p.zh, p.en, id, version)));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "UPDATE suggestion_event SET reply_state = CASE WHEN id = ? THEN 'published'"
            " ELSE 'superseded' END WHERE suggestion_id = ?"
            " AND reply_state IN ('published', 'pending')", "ii", p.id, id));
    if (r == OSTORE_OK)
        r = ostore_inbox_event(s, id, now, user_id, "approve", NULL, NULL, NULL, NULL, NULL,
                               NULL, 0);
    if (r == OSTORE_OK && new_version)
        *new_version = version + 1;
    free(p.zh);
    free(p.en);
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_inbox_assign(Ostore *s, int64_t id, int64_t version, int64_t user_id,
                                 int64_t assignee_id, int64_t now, int64_t *new_version)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_inbox_bump(s, ostore_done(s, ostore_prep(s,
        "UPDATE suggestion SET version = version + 1,"
        " assignee_id = NULLIF(?1, 0) WHERE id = ?2 AND version = ?3",
        "iii", assignee_id, id, version)));
    if (r == OSTORE_OK)
        r = ostore_inbox_event(s, id, now, user_id, "assign", NULL, NULL, NULL, NULL, NULL,
                               NULL, assignee_id);
    if (r == OSTORE_OK && new_version)
        *new_version = version + 1;
    return ostore_tx_end(s, own, r);
}
