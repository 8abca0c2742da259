/* ostore_items.c - the office store's published content: items of each community's lists, the reply salt, the content revision and the stored feed (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ostore_list_names[OSTORE_N_LISTS] = {
    "notices", "events", "channels", "replies", "board",
};

const char *ostore_list_name(OstoreList l)
{
    return l < OSTORE_N_LISTS ? ostore_list_names[l] : "?";
}

/* Raise the revision; the UPDATE also holds the community's row until the
 * transaction ends, so concurrent writers of one community queue here. */
static OstoreResult ostore_bump(Ostore *s, int64_t community_id)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE community SET content_rev = content_rev + 1 WHERE id = ?", "i", community_id));
    if (r == OSTORE_OK && ostore_changes(s) == 0) {
        snprintf(s->err, sizeof s->err, "no such community");
        r = OSTORE_NOTFOUND;
    }
    return r;
}

OstoreResult ostore_item_put(Ostore *s, int64_t community_id, OstoreList l,
                             const char *item_id, const char *json, int64_t now)
{
    bool own;
    if (l >= OSTORE_N_LISTS || ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_bump(s, community_id);
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO content_item (community_id, list, item_id, pos, json, updated_at)"
            " VALUES (?1, ?2, ?3, (SELECT COALESCE(max(pos), 0) + 1 FROM content_item"
            "  WHERE community_id = ?1 AND list = ?2), ?4, ?5)"
            " ON CONFLICT (community_id, list, item_id) DO UPDATE SET json = excluded.json,"
            " updated_at = excluded.updated_at", "ittti", community_id, ostore_list_names[l],
            item_id, json, now));
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_item_delete(Ostore *s, int64_t community_id, OstoreList l,
                                const char *item_id, int64_t now)
{
    (void)now;
    bool own;
    if (l >= OSTORE_N_LISTS || ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "DELETE FROM content_item WHERE community_id = ? AND list = ? AND item_id = ?",
        "itt", community_id, ostore_list_names[l], item_id));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_NOTFOUND;
    if (r == OSTORE_OK)
        r = ostore_bump(s, community_id);
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_item_clear(Ostore *s, int64_t community_id, int64_t now)
{
    (void)now;
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "DELETE FROM content_item WHERE community_id = ?", "i", community_id));
    if (r == OSTORE_OK)
        r = ostore_bump(s, community_id);
    return ostore_tx_end(s, own, r);
}

typedef struct {
    OstoreItemFn fn;
    void *ud;
} OstoreItemEach;

static int ostore_item_row(OstoreStmt *st, void *ud)
{
    OstoreItemEach *e = ud;
    return e->fn(e->ud, ostore_col_text(st, 0), ostore_col_text(st, 1));
}

OstoreResult ostore_item_list(Ostore *s, int64_t community_id, OstoreList l,
                              OstoreItemFn fn, void *ud)
{
    if (l >= OSTORE_N_LISTS)
        return OSTORE_ERROR;
    OstoreItemEach e = { fn, ud };
    return ostore_each(s, ostore_prep(s, "SELECT item_id, json FROM content_item"
                                         " WHERE community_id = ? AND list = ? ORDER BY pos",
                                      "it", community_id, ostore_list_names[l]),
                       ostore_item_row, &e);
}

static void ostore_fill_int(OstoreStmt *st, void *out)
{
    *(int64_t *)out = ostore_col_int(st, 0);
}

OstoreResult ostore_content_rev(Ostore *s, int64_t community_id, int64_t *rev)
{
    return ostore_one(s, ostore_prep(s, "SELECT content_rev FROM community WHERE id = ?", "i",
                                     community_id), ostore_fill_int, rev);
}

static void ostore_fill_feed(OstoreStmt *st, void *o)
{
    OstoreFeed *out = o;
    out->rev = ostore_col_int(st, 0);
    ostore_col(st, 1, out->etag, sizeof out->etag);
    size_t n = ostore_col_len(st, 2);
    const char *j = ostore_col_text(st, 2);
    out->json = malloc(n + 1);
    if (out->json) {
        memcpy(out->json, j ? j : "", j ? n : 0);
        out->json[j ? n : 0] = '\0';
        out->len = j ? n : 0;
    }
    out->generated_at = ostore_col_int(st, 3);
}

OstoreResult ostore_feed_get(Ostore *s, int64_t community_id, OstoreFeed *out)
{
    memset(out, 0, sizeof *out);
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT rev, etag, json, generated_at FROM feed"
                                                  " WHERE community_id = ?", "i", community_id),
                                ostore_fill_feed, out);
    if (r == OSTORE_OK && !out->json) {
        snprintf(s->err, sizeof s->err, "out of memory");
        r = OSTORE_ERROR;
    }
    return r;
}

OstoreResult ostore_feed_put(Ostore *s, int64_t community_id, int64_t rev, const char *json,
                             size_t len, const char *etag, int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO feed (community_id, rev, json, etag, generated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id) DO UPDATE SET rev = excluded.rev, json = excluded.json,"
        " etag = excluded.etag, generated_at = excluded.generated_at"
        " WHERE excluded.rev > feed.rev", "iiTti", community_id, rev, json, len, etag, now));
}

void ostore_feed_free(OstoreFeed *f)
{
    if (f) {
        free(f->json);
        f->json = NULL;
    }
}

typedef struct {
    char *hex;
    size_t n;
} OstoreBuf;

static void ostore_fill_buf(OstoreStmt *st, void *out)
{
    OstoreBuf *b = out;
    ostore_col(st, 0, b->hex, b->n);
}

OstoreResult ostore_reply_salt(Ostore *s, int64_t community_id, char *hex, size_t n)
{
    OstoreBuf b = { hex, n };
    return ostore_one(s, ostore_prep(s, "SELECT reply_salt FROM community WHERE id = ?", "i",
                                     community_id), ostore_fill_buf, &b);
}

OstoreResult ostore_set_reply_salt(Ostore *s, int64_t community_id, const char *hex)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE community SET reply_salt = ?, content_rev = content_rev + 1 WHERE id = ?",
        "ti", hex, community_id));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}
