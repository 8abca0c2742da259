/* ostore_publish.c - the store's publishing calls: working copies with a status, board sources, form keys, posting rules (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUB_COLS "p.id, p.community_id, p.list, p.item_id, p.status, p.version, p.posting," \
    " p.json, p.created_by, p.updated_by, p.submitted_by, p.approved_by, p.created_at," \
    " p.updated_at, p.submitted_at, p.published_at, p.withdrawn_at," \
    " CASE WHEN c.item_id IS NULL THEN 0 ELSE 1 END"
#define PUB_FROM " FROM publish_item p LEFT JOIN content_item c ON c.community_id =" \
    " p.community_id AND c.list = p.list AND c.item_id = p.item_id"

static OstoreList ostore_pub_list_of(const char *name)
{
    for (OstoreList l = 0; l < OSTORE_N_LISTS; l++)
        if (strcmp(ostore_list_name(l), name) == 0)
            return l;
    return OSTORE_N_LISTS;
}

/* Fill *p from a PUB_COLS row; json borrowed from the statement. */
static void ostore_pub_fill(OstoreStmt *st, OstorePub *p)
{
    char list[16];
    memset(p, 0, sizeof *p);
    p->row = ostore_col_int(st, 0);
    p->community_id = ostore_col_int(st, 1);
    ostore_col(st, 2, list, sizeof list);
    p->list = ostore_pub_list_of(list);
    ostore_col(st, 3, p->item_id, sizeof p->item_id);
    ostore_col(st, 4, p->status, sizeof p->status);
    p->version = ostore_col_int(st, 5);
    ostore_col(st, 6, p->posting, sizeof p->posting);
    p->json = (char *)ostore_col_text(st, 7);
    ostore_col(st, 8, p->created_by, sizeof p->created_by);
    ostore_col(st, 9, p->updated_by, sizeof p->updated_by);
    ostore_col(st, 10, p->submitted_by, sizeof p->submitted_by);
    ostore_col(st, 11, p->approved_by, sizeof p->approved_by);
    p->created_at = ostore_col_int(st, 12);
    p->updated_at = ostore_col_int(st, 13);
    p->submitted_at = ostore_col_int(st, 14);
    p->published_at = ostore_col_int(st, 15);
    p->withdrawn_at = ostore_col_int(st, 16);
    p->live = ostore_col_int(st, 17) != 0;
}

/* The feed follows the status: published puts the working copy there,
 * withdrawn takes the feed's copy away. */
static OstoreResult ostore_pub_follow(Ostore *s, int64_t community_id, OstoreList l,
                                      const char *item_id, int64_t now)
{
    OstorePub p;
    OstoreResult r = ostore_pub_get(s, community_id, l, item_id, &p);
    if (r != OSTORE_OK)
        return r;
    if (strcmp(p.status, "published") == 0)
        r = ostore_item_put(s, community_id, l, item_id, p.json, now);
    else if (strcmp(p.status, "withdrawn") == 0 && p.live)
        r = ostore_item_delete(s, community_id, l, item_id, now);
    ostore_pub_free(&p);
    return r;
}

/* The person and time a status records. */
static const char *ostore_pub_stamp_sql(const char *status)
{
    if (!status)
        return "";
    if (strcmp(status, "pending") == 0)
        return ", submitted_by = ?6, submitted_at = ?5";
    if (strcmp(status, "published") == 0)
        return ", approved_by = ?6, published_at = ?5";
    if (strcmp(status, "withdrawn") == 0)
        return ", withdrawn_at = ?5";
    return "";
}

OstoreResult ostore_pub_create(Ostore *s, const OstorePubWrite *w)
{
    bool own;
    if (w->list >= OSTORE_N_LISTS || !w->status || !w->json || ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    const char *ln = ostore_list_name(w->list);
    const char *status = w->status;
    bool pending = strcmp(status, "pending") == 0, published = strcmp(status, "published") == 0;
    int64_t row = 0;
    OstoreResult r = ostore_insert(s, ostore_prep(s,
        "INSERT INTO publish_item (community_id, list, item_id, status, version, json, posting,"
        " created_by, created_at, updated_by, updated_at, submitted_by, submitted_at,"
        " approved_by, published_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id", "ittttttitititi",
        w->community_id, ln, w->item_id, status, w->json, w->posting ? w->posting : "",
        w->user, w->now, w->user, w->now, pending ? w->user : "", pending ? w->now : (int64_t)0,
        published ? w->user : "", published ? w->now : (int64_t)0), &row);
    for (size_t i = 0; r == OSTORE_OK && i < w->n_sources; i++)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO publish_source (item, suggestion_id) VALUES (?, ?)"
            " ON CONFLICT (item, suggestion_id) DO NOTHING", "ii", row, w->sources[i]));
    if (r == OSTORE_OK && w->idem_key)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO publish_idem (user_name, idem_key, body_hash, community_id, list,"
            " item_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "tttitti", w->user,
            w->idem_key, w->idem_hash ? w->idem_hash : "", w->community_id, ln, w->item_id,
            w->now));
    if (r == OSTORE_OK && published)
        r = ostore_item_put(s, w->community_id, w->list, w->item_id, w->json, w->now);
    return ostore_tx_end(s, own, r);
}

/* Whether the item exists (after an update that changed nothing). */
static OstoreResult ostore_pub_missing_or_stale(Ostore *s, int64_t community_id, OstoreList l,
                                                const char *item_id)
{
    OstorePub p;
    OstoreResult r = ostore_pub_get(s, community_id, l, item_id, &p);
    ostore_pub_free(&p);
    if (r == OSTORE_OK) {
        snprintf(s->err, sizeof s->err, "the item changed since that version");
        return OSTORE_CONFLICT;
    }
    return r;
}

OstoreResult ostore_pub_update(Ostore *s, const OstorePubWrite *w, int64_t version,
                               int64_t *new_version)
{
    bool own;
    if (w->list >= OSTORE_N_LISTS || ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    char sql[800];
    snprintf(sql, sizeof sql,
             "UPDATE publish_item SET version = version + 1, updated_by = ?6, updated_at = ?5,"
             " status = COALESCE(?7, status), json = COALESCE(?8, json),"
             " posting = COALESCE(?9, posting)%s"
             " WHERE community_id = ?1 AND list = ?2 AND item_id = ?3 AND version = ?4",
             ostore_pub_stamp_sql(w->status));
    OstoreResult r = ostore_done(s, ostore_prep(s, sql, "ittiitttt", w->community_id,
                                                ostore_list_name(w->list), w->item_id, version,
                                                w->now, w->user, w->status, w->json,
                                                w->posting));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = ostore_pub_missing_or_stale(s, w->community_id, w->list, w->item_id);
    if (r == OSTORE_OK)
        r = ostore_pub_follow(s, w->community_id, w->list, w->item_id, w->now);
    if (r == OSTORE_OK && new_version)
        *new_version = version + 1;
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_pub_delete(Ostore *s, int64_t community_id, OstoreList l,
                               const char *item_id, int64_t version, int64_t now)
{
    bool own;
    if (l >= OSTORE_N_LISTS || ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstorePub p;
    OstoreResult r = ostore_pub_get(s, community_id, l, item_id, &p);
    if (r == OSTORE_OK && p.version != version) {
        snprintf(s->err, sizeof s->err, "the item changed since that version");
        r = OSTORE_CONFLICT;
    }
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s, "DELETE FROM publish_source WHERE item = ?", "i",
                                       p.row));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s, "DELETE FROM publish_item WHERE id = ?", "i", p.row));
    if (r == OSTORE_OK && p.live)
        r = ostore_item_delete(s, community_id, l, item_id, now);
    ostore_pub_free(&p);
    return ostore_tx_end(s, own, r);
}

/* As ostore_pub_fill, with the json copied (ostore_pub_get's). */
static void ostore_pub_fill_copy(OstoreStmt *st, void *out)
{
    OstorePub *p = out;
    ostore_pub_fill(st, p);
    p->json = strdup(p->json ? p->json : "{}");
}

OstoreResult ostore_pub_get(Ostore *s, int64_t community_id, OstoreList l,
                            const char *item_id, OstorePub *out)
{
    memset(out, 0, sizeof *out);
    if (l >= OSTORE_N_LISTS)
        return OSTORE_NOTFOUND;
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT " PUB_COLS PUB_FROM
                                                  " WHERE p.community_id = ? AND p.list = ?"
                                                  " AND p.item_id = ?", "itt", community_id,
                                               ostore_list_name(l), item_id),
                                ostore_pub_fill_copy, out);
    if (r == OSTORE_OK && !out->json) {
        snprintf(s->err, sizeof s->err, "out of memory");
        r = OSTORE_ERROR;
    }
    return r;
}

void ostore_pub_free(OstorePub *p)
{
    if (p) {
        free(p->json);
        p->json = NULL;
    }
}

typedef struct {
    OstorePubFn fn;
    void *ud;
} OstorePubEach;

static int ostore_pub_each_row(OstoreStmt *st, void *ud)
{
    OstorePubEach *e = ud;
    OstorePub p;
    ostore_pub_fill(st, &p);
    return e->fn(e->ud, &p);
}

OstoreResult ostore_pub_list(Ostore *s, int64_t community_id, OstoreList l,
                             const char *posting, OstorePubFn fn, void *ud)
{
    if (l >= OSTORE_N_LISTS)
        return OSTORE_ERROR;
    OstorePubEach e = {fn, ud};
    return ostore_each(s, ostore_prep(s, "SELECT " PUB_COLS PUB_FROM " WHERE p.community_id = ?1"
                                         " AND p.list = ?2 AND (?3 IS NULL OR p.posting = ?3)"
                                         " ORDER BY p.created_at DESC, p.id DESC", "itt",
                                      community_id, ostore_list_name(l), posting),
                       ostore_pub_each_row, &e);
}

typedef struct {
    int64_t *ids;
    size_t max, *n;
} OstorePubIds;

static int ostore_pub_source_row(OstoreStmt *st, void *ud)
{
    OstorePubIds *x = ud;
    if (*x->n < x->max)
        x->ids[(*x->n)++] = ostore_col_int(st, 0);
    return 0;
}

OstoreResult ostore_pub_sources(Ostore *s, int64_t row, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    OstorePubIds x = {ids, max, n};
    return ostore_each(s, ostore_prep(s, "SELECT suggestion_id FROM publish_source WHERE item = ?"
                                         " ORDER BY suggestion_id", "i", row),
                       ostore_pub_source_row, &x);
}

typedef struct {
    char hash[OSTORE_HASH_HEX], list[16], item_id[OSTORE_PUB_ID];
} OstorePubKey;

static void ostore_pub_key_fill(OstoreStmt *st, void *out)
{
    OstorePubKey *k = out;
    ostore_col(st, 0, k->hash, sizeof k->hash);
    ostore_col(st, 1, k->list, sizeof k->list);
    ostore_col(st, 2, k->item_id, sizeof k->item_id);
}

OstoreResult ostore_pub_idem(Ostore *s, const char *user, const char *key, const char *hash,
                             OstoreList *l, char item_id[OSTORE_PUB_ID])
{
    OstorePubKey k;
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT body_hash, list, item_id FROM"
                                                  " publish_idem WHERE user_name = ?"
                                                  " AND idem_key = ?", "tt", user, key),
                                ostore_pub_key_fill, &k);
    if (r != OSTORE_OK)
        return r;
    *l = ostore_pub_list_of(k.list);
    snprintf(item_id, OSTORE_PUB_ID, "%s", k.item_id);
    return strcmp(k.hash, hash) == 0 ? OSTORE_OK : OSTORE_CONFLICT;
}

OstoreResult ostore_pub_adopt(Ostore *s, int64_t community_id, const char *user, int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE publish_item SET status = 'withdrawn', version = version + 1,"
        " withdrawn_at = ?1, updated_at = ?1, updated_by = ?2"
        " WHERE community_id = ?3 AND status = 'published' AND NOT EXISTS"
        " (SELECT 1 FROM content_item c WHERE c.community_id = publish_item.community_id"
        "  AND c.list = publish_item.list AND c.item_id = publish_item.item_id)",
        "iti", now, user, community_id));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO publish_item (community_id, list, item_id, status, version, json,"
            " created_by, created_at, updated_by, updated_at, approved_by, published_at)"
            " SELECT community_id, list, item_id, 'published', 1, json, ?1, ?2, ?1, ?2, ?1, ?2"
            " FROM content_item WHERE community_id = ?3 AND list <> 'replies'"
            " ON CONFLICT (community_id, list, item_id) DO UPDATE SET status = 'published',"
            " version = publish_item.version + 1, json = excluded.json,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at,"
            " approved_by = excluded.approved_by, published_at = excluded.published_at",
            "tii", user, now, community_id));
    return ostore_tx_end(s, own, r);
}

static void ostore_rule_fill(OstoreStmt *st, void *out)
{
    int *v = out;
    v[0] = (int)ostore_col_int(st, 0);
    v[1] = (int)ostore_col_int(st, 1);
}

OstoreResult ostore_posting_rule(Ostore *s, int64_t community_id, const char *kind,
                                 int *every_months, int *min_days)
{
    int v[2];
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT every_months, min_days FROM"
                                                  " posting_rule WHERE community_id = ?"
                                                  " AND kind = ?", "it", community_id, kind),
                                ostore_rule_fill, v);
    if (r == OSTORE_OK) {
        *every_months = v[0];
        *min_days = v[1];
    }
    return r;
}

OstoreResult ostore_set_posting_rule(Ostore *s, int64_t community_id, const char *kind,
                                     int every_months, int min_days)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO posting_rule (community_id, kind, every_months, min_days) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (community_id, kind) DO UPDATE SET every_months = excluded.every_months,"
        " min_days = excluded.min_days", "itii", community_id, kind, (int64_t)every_months,
        (int64_t)min_days));
}

/* TODO(stats): acknowledged_at and closed_at come with the staff inbox's columns. */
#define SUGGESTION_STATE_COLS "id, received_at, COALESCE(acknowledged_at, 0), COALESCE(closed_at, 0), COALESCE(topic, ''), status"

static void ostore_fill_state(OstoreStmt *st, void *out)
{
    OstoreSuggestionState *g = out;
    g->id = ostore_col_int(st, 0);
    g->received_at = ostore_col_int(st, 1);
    g->acknowledged_at = ostore_col_int(st, 2);
    g->closed_at = ostore_col_int(st, 3);
    ostore_col(st, 4, g->topic, sizeof g->topic);
    ostore_col(st, 5, g->status, sizeof g->status);
}

OstoreResult ostore_suggestion_state(Ostore *s, int64_t community_id, int64_t id,
                                     OstoreSuggestionState *out)
{
    memset(out, 0, sizeof *out);
    return ostore_one(s, ostore_prep(s, "SELECT " SUGGESTION_STATE_COLS " FROM suggestion"
                                        " WHERE community_id = ? AND id = ?", "ii",
                                     community_id, id), ostore_fill_state, out);
}

typedef struct {
    OstoreSuggestionStateFn fn;
    void *ud;
} OstoreStateEach;

static int ostore_state_row(OstoreStmt *st, void *ud)
{
    OstoreStateEach *e = ud;
    OstoreSuggestionState g;
    ostore_fill_state(st, &g);
    return e->fn(e->ud, &g);
}

OstoreResult ostore_suggestion_states(Ostore *s, int64_t community_id, int64_t from, int64_t to,
                                      OstoreSuggestionStateFn fn, void *ud)
{
    OstoreStateEach e = {fn, ud};
    return ostore_each(s, ostore_prep(s, "SELECT " SUGGESTION_STATE_COLS " FROM suggestion"
                                         " WHERE community_id = ? AND received_at >= ?"
                                         " AND received_at < ? ORDER BY received_at, id", "iii",
                                      community_id, from, to), ostore_state_row, &e);
}
