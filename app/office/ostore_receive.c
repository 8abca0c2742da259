/* ostore_receive.c - the office store's receiving: suggestions, contacts, ratings and heartbeats exactly once by idempotency key, and their lists and counts (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    char hash[OSTORE_HASH_HEX];
    char kind[16];
    int64_t community_id;
} OstoreReceived;

static void ostore_fill_received(OstoreStmt *st, void *out)
{
    OstoreReceived *r = out;
    ostore_col(st, 0, r->hash, sizeof r->hash);
    ostore_col(st, 1, r->kind, sizeof r->kind);
    r->community_id = ostore_col_int(st, 2);
}

/* Record the key; OSTORE_DUPLICATE/CONFLICT when it is there already. The
 * primary key decides, also against another process: a concurrent insert
 * of the same key waits for the first one's commit, then does nothing, and
 * the stored body hash says which answer it gets. */
static OstoreResult ostore_receive_key(Ostore *s, const OstoreIn *in, const char *kind)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO received (idem_key, body_hash, kind, community_id, kiosk_id, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING", "tttiii", in->key,
        in->body_hash, kind, in->community_id, in->kiosk_id, in->received_at));
    if (r != OSTORE_OK || ostore_changes(s) == 1)
        return r;
    OstoreReceived got = {0};
    r = ostore_one(s, ostore_prep(s, "SELECT body_hash, kind, community_id FROM received"
                                     " WHERE idem_key = ?", "t", in->key),
                   ostore_fill_received, &got);
    if (r == OSTORE_NOTFOUND) {   /* it was there and is gone: no answer to give */
        snprintf(s->err, sizeof s->err, "key vanished while being stored");
        return OSTORE_ERROR;
    }
    if (r != OSTORE_OK)
        return r;
    /* A record from a USB bundle has no upload body to compare: the same
     * kind from the same community is the same record (OSTORE_BODY_BUNDLE). */
    if (strcmp(got.hash, OSTORE_BODY_BUNDLE) == 0 ||
        strcmp(in->body_hash, OSTORE_BODY_BUNDLE) == 0) {
        if (strcmp(got.kind, kind) == 0 && got.community_id == in->community_id)
            return OSTORE_DUPLICATE;
    } else if (strcmp(got.hash, in->body_hash) == 0) {
        return OSTORE_DUPLICATE;
    }
    snprintf(s->err, sizeof s->err, "key already used with another body");
    return OSTORE_CONFLICT;
}

OstoreResult ostore_suggestion_add(Ostore *s, const OstoreIn *in, const OstoreSuggestion *sg)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_receive_key(s, in, "suggestion");
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO suggestion (uuid, community_id, kiosk_id, received_at, body, sealed,"
            " unreadable, topic, text, date, receipt, lang) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            "tiiitbbttttt", in->key, in->community_id, in->kiosk_id, in->received_at, sg->body,
            (int)sg->sealed, (int)sg->unreadable, sg->topic, sg->text, sg->date, sg->receipt,
            sg->lang));
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_rating_add(Ostore *s, const OstoreIn *in, const char *month, int score)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_receive_key(s, in, "rating");
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO rating_count (community_id, month, score, n) VALUES (?, ?, ?, 1)"
            " ON CONFLICT (community_id, month, score) DO UPDATE SET n = rating_count.n + 1",
            "iti", in->community_id, month, (int64_t)score));
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_contact_add(Ostore *s, const OstoreIn *in, const char *suggestion_key,
                                const char *contact, bool sealed, bool unreadable)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_receive_key(s, in, "contact");
    if (r == OSTORE_OK) {
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO contact (suggestion_id, idem_key, community_id, received_at, contact,"
            " sealed, unreadable) SELECT id, ?, community_id, ?, ?, ?, ? FROM suggestion"
            " WHERE uuid = ? AND community_id = ?", "titbbti", in->key, in->received_at, contact,
            (int)sealed, (int)unreadable, suggestion_key, in->community_id));
        if (r == OSTORE_OK && ostore_changes(s) == 0) {
            snprintf(s->err, sizeof s->err, "no such suggestion");
            r = OSTORE_NOTFOUND;
        }
    }
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_heartbeat_add(Ostore *s, int64_t community_id, int64_t kiosk_id,
                                  const char *json, int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO heartbeat (community_id, kiosk_id, received_at, body) VALUES (?, ?, ?, ?)",
        "iiit", community_id, kiosk_id, now, json));
}

typedef struct {
    OstoreSuggestionFn fn;
    void *ud;
} OstoreSuggestionEach;

static int ostore_suggestion_row(OstoreStmt *st, void *ud)
{
    OstoreSuggestionEach *e = ud;
    OstoreSuggestionRow r = {
        .id = ostore_col_int(st, 0), .community_id = ostore_col_int(st, 1),
        .kiosk_id = ostore_col_int(st, 2), .received_at = ostore_col_int(st, 3),
        .text = ostore_col_text(st, 10), .contact = ostore_col_text(st, 11),
        .sealed = ostore_col_int(st, 12) != 0, .unreadable = ostore_col_int(st, 13) != 0,
        .has_contact = ostore_col_int(st, 14) != 0,
    };
    ostore_col(st, 4, r.key, sizeof r.key);
    ostore_col(st, 5, r.topic, sizeof r.topic);
    ostore_col(st, 6, r.date, sizeof r.date);
    ostore_col(st, 7, r.receipt, sizeof r.receipt);
    ostore_col(st, 8, r.lang, sizeof r.lang);
    ostore_col(st, 9, r.status, sizeof r.status);
    return e->fn(e->ud, &r);
}

OstoreResult ostore_suggestion_list(Ostore *s, int64_t community_id, OstoreSuggestionFn fn,
                                    void *ud)
{
    OstoreSuggestionEach e = { fn, ud };
    return ostore_each(s, ostore_prep(s,
        "SELECT s.id, s.community_id, s.kiosk_id, s.received_at, s.uuid, s.topic, s.date,"
        " s.receipt, s.lang, s.status, s.text, c.contact, s.sealed, s.unreadable,"
        " CASE WHEN c.suggestion_id IS NULL THEN 0 ELSE 1 END FROM suggestion s"
        " LEFT JOIN contact c ON c.suggestion_id = s.id"
        " WHERE s.community_id = ? ORDER BY s.received_at, s.id", "i", community_id),
        ostore_suggestion_row, &e);
}

static int ostore_rating_row(OstoreStmt *st, void *ud)
{
    int64_t *counts = ud;
    int64_t score = ostore_col_int(st, 0);
    if (score >= 1 && score <= 5)
        counts[score] = ostore_col_int(st, 1);
    return 0;
}

OstoreResult ostore_rating_counts(Ostore *s, int64_t community_id, const char *month,
                                  int64_t counts[6])
{
    memset(counts, 0, 6 * sizeof *counts);
    return ostore_each(s, ostore_prep(s, "SELECT score, n FROM rating_count"
                                         " WHERE community_id = ? AND month = ?", "it",
                                      community_id, month), ostore_rating_row, counts);
}

static void ostore_fill_counts(OstoreStmt *st, void *o)
{
    OstoreCounts *out = o;
    out->suggestions = ostore_col_int(st, 0);
    out->unreadable = ostore_col_int(st, 1);
    out->contacts = ostore_col_int(st, 2);
    out->ratings = ostore_col_int(st, 3);
    out->heartbeats = ostore_col_int(st, 4);
    out->kiosks = ostore_col_int(st, 5);
    out->kiosks_live = ostore_col_int(st, 6);
}

OstoreResult ostore_counts(Ostore *s, int64_t community_id, OstoreCounts *out)
{
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT (SELECT count(*) FROM suggestion WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM suggestion WHERE (?1 = 0 OR community_id = ?1)"
        "   AND unreadable <> 0),"
        " (SELECT count(*) FROM contact WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT COALESCE(sum(n), 0) FROM rating_count WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM heartbeat WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM kiosk WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM kiosk WHERE (?1 = 0 OR community_id = ?1)"
        "   AND token_hash IS NOT NULL)", "i", community_id), ostore_fill_counts, out);
    if (r == OSTORE_NOTFOUND) {
        snprintf(s->err, sizeof s->err, "read: no row");
        r = OSTORE_ERROR;
    }
    return r;
}
