/* ostore_org.c - the office store's organisation, staff sign-in, communities, kiosks and enrolment codes (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <stdio.h>
#include <string.h>

/* ---- organisation and staff ---- */

OstoreResult ostore_org_init(Ostore *s, const char *org_name, const char *admin_name,
                             const char *pwhash, int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO organisation (id, name, created_at) VALUES (1, ?, ?)", "ti", org_name, now));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO staff_user (name, pwhash, role, created_at) VALUES (?, ?, 'admin', ?)",
            "tti", admin_name, pwhash, now));
    return ostore_tx_end(s, own, r);
}

typedef struct {
    char *a, *b;
    size_t an, bn;
} OstoreTwo;

static void ostore_fill_two(OstoreStmt *st, void *out)
{
    OstoreTwo *t = out;
    ostore_col(st, 0, t->a, t->an);
    if (t->b)
        ostore_col(st, 1, t->b, t->bn);
}

OstoreResult ostore_org_name(Ostore *s, char *name, size_t n)
{
    OstoreTwo t = { name, NULL, n, 0 };
    return ostore_one(s, ostore_prep(s, "SELECT name FROM organisation WHERE id = 1", ""),
                      ostore_fill_two, &t);
}

OstoreResult ostore_user_pwhash(Ostore *s, const char *name, char *pwhash, size_t n,
                                char *role, size_t rn)
{
    OstoreTwo t = { pwhash, role, n, rn };
    return ostore_one(s, ostore_prep(s, "SELECT pwhash, role FROM staff_user"
                                        " WHERE name = ? AND disabled_at IS NULL", "t", name),
                      ostore_fill_two, &t);
}

/* ---- communities ---- */

#define COMMUNITY_COLS "id, slug, name_zh, name_en, created_at"

static void ostore_fill_community(OstoreStmt *st, void *out)
{
    OstoreCommunity *c = out;
    c->id = ostore_col_int(st, 0);
    ostore_col(st, 1, c->slug, sizeof c->slug);
    ostore_col(st, 2, c->name_zh, sizeof c->name_zh);
    ostore_col(st, 3, c->name_en, sizeof c->name_en);
    c->created_at = ostore_col_int(st, 4);
}

OstoreResult ostore_community_add(Ostore *s, const char *slug, const char *name_zh,
                                  const char *name_en, int64_t now, int64_t *id)
{
    return ostore_insert(s, ostore_prep(s,
        "INSERT INTO community (slug, name_zh, name_en, created_at) VALUES (?, ?, ?, ?)"
        " RETURNING id", "ttti", slug, name_zh, name_en ? name_en : "", now), id);
}

OstoreResult ostore_community_get(Ostore *s, const char *slug, OstoreCommunity *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " COMMUNITY_COLS " FROM community WHERE slug = ?",
                                     "t", slug), ostore_fill_community, out);
}

OstoreResult ostore_community_by_id(Ostore *s, int64_t id, OstoreCommunity *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " COMMUNITY_COLS " FROM community WHERE id = ?",
                                     "i", id), ostore_fill_community, out);
}

OstoreResult ostore_community_rename(Ostore *s, int64_t id, const char *name_zh,
                                     const char *name_en, int64_t now)
{
    (void)now;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE community SET name_zh = ?, name_en = ?, content_rev = content_rev + 1"
        " WHERE id = ?", "tti", name_zh, name_en ? name_en : "", id));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}

typedef struct {
    OstoreCommunityFn fn;
    void *ud;
} OstoreCommunityEach;

static int ostore_community_row(OstoreStmt *st, void *ud)
{
    OstoreCommunityEach *e = ud;
    OstoreCommunity c;
    ostore_fill_community(st, &c);
    return e->fn(e->ud, &c);
}

OstoreResult ostore_community_list(Ostore *s, OstoreCommunityFn fn, void *ud)
{
    OstoreCommunityEach e = { fn, ud };
    return ostore_each(s, ostore_prep(s, "SELECT " COMMUNITY_COLS " FROM community ORDER BY slug",
                                      ""), ostore_community_row, &e);
}

/* ---- kiosks and enrolment ---- */

#define KIOSK_FROM " FROM kiosk k JOIN community c ON c.id = k.community_id"

void ostore_fill_kiosk(OstoreStmt *st, void *out)
{
    OstoreKiosk *k = out;
    memset(k, 0, sizeof *k);
    k->id = ostore_col_int(st, 0);
    k->community_id = ostore_col_int(st, 1);
    ostore_col(st, 2, k->name, sizeof k->name);
    ostore_col(st, 3, k->community, sizeof k->community);
    k->created_at = ostore_col_int(st, 4);
    k->enrolled_at = ostore_col_int(st, 5);
    k->revoked_at = ostore_col_int(st, 6);
    k->last_seen_at = ostore_col_int(st, 7);
}

OstoreResult ostore_kiosk_add(Ostore *s, int64_t community_id, const char *name,
                              const char *code_hash, int64_t code_expires, int64_t now,
                              int64_t *id)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    int64_t kid = 0;
    OstoreResult r = ostore_insert(s, ostore_prep(s,
        "INSERT INTO kiosk (community_id, name, created_at) VALUES (?, ?, ?) RETURNING id",
        "iti", community_id, name, now), &kid);
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO enrolment (code_hash, kiosk_id, community_id, expires_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)", "tiiii", code_hash, kid, community_id, code_expires, now));
    r = ostore_tx_end(s, own, r);
    if (r == OSTORE_OK && id)
        *id = kid;
    return r;
}

OstoreResult ostore_kiosk_new_code(Ostore *s, int64_t kiosk_id, const char *code_hash,
                                   int64_t code_expires, int64_t now)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO enrolment (code_hash, kiosk_id, community_id, expires_at, created_at)"
        " SELECT ?, id, community_id, ?, ? FROM kiosk WHERE id = ? AND revoked_at IS NULL",
        "tiii", code_hash, code_expires, now, kiosk_id));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}

OstoreResult ostore_kiosk_get(Ostore *s, int64_t community_id, const char *name,
                              OstoreKiosk *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " OSTORE_KIOSK_COLS KIOSK_FROM
                                        " WHERE k.community_id = ? AND k.name = ?",
                                     "it", community_id, name), ostore_fill_kiosk, out);
}

typedef struct {
    OstoreKioskFn fn;
    void *ud;
} OstoreKioskEach;

static int ostore_kiosk_row(OstoreStmt *st, void *ud)
{
    OstoreKioskEach *e = ud;
    OstoreKiosk k;
    ostore_fill_kiosk(st, &k);
    return e->fn(e->ud, &k);
}

OstoreResult ostore_kiosk_list(Ostore *s, int64_t community_id, OstoreKioskFn fn, void *ud)
{
    OstoreKioskEach e = { fn, ud };
    return ostore_each(s, ostore_prep(s, "SELECT " OSTORE_KIOSK_COLS KIOSK_FROM
                                         " WHERE ?1 = 0 OR k.community_id = ?1"
                                         " ORDER BY c.slug, k.name", "i", community_id),
                       ostore_kiosk_row, &e);
}

OstoreResult ostore_kiosk_revoke(Ostore *s, int64_t kiosk_id, int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE kiosk SET token_hash = NULL, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        "ii", now, kiosk_id));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_NOTFOUND;
    if (r == OSTORE_OK)   /* unused codes expire now */
        r = ostore_done(s, ostore_prep(s,
            "UPDATE enrolment SET expires_at = ? WHERE kiosk_id = ? AND expires_at > ?",
            "iii", now, kiosk_id, now));
    return ostore_tx_end(s, own, r);
}

static void ostore_fill_id(OstoreStmt *st, void *out)
{
    *(int64_t *)out = ostore_col_int(st, 0);
}

/* Two processes redeeming one code: both may find it, but the primary key
 * of enrolment_use lets one insert; the other waits for its commit
 * (PostgreSQL) or for its write lock (SQLite) and gets OSTORE_CONFLICT. */
OstoreResult ostore_enrol_redeem(Ostore *s, const char *code_hash, const char *token_hash,
                                 int64_t now, OstoreKiosk *out)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    int64_t kid = 0;
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT e.kiosk_id FROM enrolment e JOIN kiosk k ON k.id = e.kiosk_id"
        " WHERE e.code_hash = ? AND k.revoked_at IS NULL", "t", code_hash), ostore_fill_id, &kid);
    /* The use first: a used code is "already used" even once expired. */
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO enrolment_use (code_hash, used_at) VALUES (?, ?)", "ti", code_hash, now));
    if (r == OSTORE_OK) {
        int64_t one = 0;
        r = ostore_one(s, ostore_prep(s, "SELECT 1 FROM enrolment WHERE code_hash = ?"
                                         " AND expires_at > ?", "ti", code_hash, now),
                       ostore_fill_id, &one);
    }
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "UPDATE kiosk SET token_hash = ?, enrolled_at = ?, last_seen_at = ? WHERE id = ?",
            "tiii", token_hash, now, now, kid));
    r = ostore_tx_end(s, own, r);
    if (r == OSTORE_OK)
        r = ostore_one(s, ostore_prep(s, "SELECT " OSTORE_KIOSK_COLS KIOSK_FROM " WHERE k.id = ?",
                                      "i", kid), ostore_fill_kiosk, out);
    return r;
}

typedef struct {
    OstoreKiosk *k;
    char *etag;
} OstoreKioskEtag;

static void ostore_fill_kiosk_etag(OstoreStmt *st, void *out)
{
    OstoreKioskEtag *o = out;
    ostore_fill_kiosk(st, o->k);
    ostore_col(st, 8, o->etag, OSTORE_ETAG_SIZE);
}

OstoreResult ostore_kiosk_by_token_etag(Ostore *s, const char *token_hash, int64_t now,
                                        OstoreKiosk *out, char etag[OSTORE_ETAG_SIZE])
{
    char none[OSTORE_ETAG_SIZE];
    OstoreKioskEtag o = {out, etag ? etag : none};
    o.etag[0] = '\0';
    /* One query: the kiosk, and its community's feed ETag when the stored
     * feed was made from the current revision (so a poll's 304 needs no
     * other query). */
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT " OSTORE_KIOSK_COLS ","
                                                  " CASE WHEN f.rev >= c.content_rev THEN f.etag"
                                                  " ELSE '' END" KIOSK_FROM
                                                  " LEFT JOIN feed f ON f.community_id = k.community_id"
                                                  " WHERE k.token_hash = ?"
                                                  " AND k.revoked_at IS NULL", "t", token_hash),
                                ostore_fill_kiosk_etag, &o);
    /* Seen: kept coarse (a minute) so that polls do not each write. */
    if (r == OSTORE_OK && now - out->last_seen_at >= 60) {
        if (ostore_done(s, ostore_prep(s, "UPDATE kiosk SET last_seen_at = ? WHERE id = ?",
                                       "ii", now, out->id)) != OSTORE_OK)
            return OSTORE_ERROR;
        out->last_seen_at = now;
    }
    return r;
}

OstoreResult ostore_kiosk_by_token(Ostore *s, const char *token_hash, int64_t now,
                                   OstoreKiosk *out)
{
    return ostore_kiosk_by_token_etag(s, token_hash, now, out, NULL);
}
