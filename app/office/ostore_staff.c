/* ostore_staff.c - the office store's staff queries: users and their communities, sessions, rate limits, the audit log. */
#include "ostore_priv.h"

#include <stdio.h>
#include <string.h>

/* ---- users ---- */

#define USER_COLS "id, name, role, pwhash, created_at, COALESCE(disabled_at, 0), version"

static void ostore_fill_user(OstoreStmt *st, void *out)
{
    OstoreUser *u = out;
    u->id = ostore_col_int(st, 0);
    ostore_col(st, 1, u->name, sizeof u->name);
    ostore_col(st, 2, u->role, sizeof u->role);
    ostore_col(st, 3, u->pwhash, sizeof u->pwhash);
    u->created_at = ostore_col_int(st, 4);
    u->disabled_at = ostore_col_int(st, 5);
    u->version = ostore_col_int(st, 6);
}

OstoreResult ostore_user_add(Ostore *s, const char *name, const char *pwhash, const char *role,
                             const int64_t *communities, int n, int64_t now, int64_t *id)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    int64_t uid = 0;
    OstoreResult r = ostore_insert(s, ostore_prep(s,
        "INSERT INTO staff_user (name, pwhash, role, created_at) VALUES (?, ?, ?, ?)"
        " RETURNING id", "ttti", name, pwhash, role, now), &uid);
    bool admin = strcmp(role, "admin") == 0;
    for (int i = 0; r == OSTORE_OK && !admin && i < n; i++)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO staff_community (user_id, community_id) VALUES (?, ?)"
            " ON CONFLICT (user_id, community_id) DO NOTHING", "ii", uid, communities[i]));
    if (r == OSTORE_OK && id)
        *id = uid;
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_user_get(Ostore *s, const char *name, OstoreUser *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " USER_COLS " FROM staff_user WHERE name = ?",
                                     "t", name), ostore_fill_user, out);
}

typedef struct {
    OstoreUserFn fn;
    void *ud;
} OstoreUserWalk;

static int ostore_user_row(OstoreStmt *st, void *ud)
{
    OstoreUserWalk *w = ud;
    OstoreUser u;
    ostore_fill_user(st, &u);
    u.pwhash[0] = '\0';
    return w->fn(w->ud, &u);
}

OstoreResult ostore_user_list(Ostore *s, OstoreUserFn fn, void *ud)
{
    OstoreUserWalk w = {fn, ud};
    return ostore_each(s, ostore_prep(s, "SELECT " USER_COLS " FROM staff_user ORDER BY name", ""),
                       ostore_user_row, &w);
}

typedef struct {
    int64_t *ids;
    int max, n;
} OstoreIds;

static int ostore_id_row(OstoreStmt *st, void *ud)
{
    OstoreIds *w = ud;
    if (w->n >= w->max)
        return 1;
    w->ids[w->n++] = ostore_col_int(st, 0);
    return 0;
}

OstoreResult ostore_user_communities(Ostore *s, int64_t user_id, int64_t *ids, int max, int *n)
{
    OstoreIds w = {ids, max, 0};
    OstoreResult r = ostore_each(s, ostore_prep(s,
        "SELECT community_id FROM staff_community WHERE user_id = ? ORDER BY community_id",
        "i", user_id), ostore_id_row, &w);
    *n = w.n;
    return r;
}

static void ostore_fill_int(OstoreStmt *st, void *out)
{
    *(int64_t *)out = ostore_col_int(st, 0);
}

OstoreResult ostore_user_holds(Ostore *s, int64_t user_id, int64_t community_id, bool *holds)
{
    int64_t n = 0;
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT COUNT(*) FROM staff_user u WHERE u.id = ?1 AND u.disabled_at IS NULL AND"
        " (u.role = 'admin' OR EXISTS (SELECT 1 FROM staff_community m"
        "  WHERE m.user_id = ?1 AND m.community_id = ?2))", "ii", user_id, community_id),
        ostore_fill_int, &n);
    *holds = r == OSTORE_OK && n > 0;
    return r == OSTORE_NOTFOUND ? OSTORE_OK : r;
}

OstoreResult ostore_user_change(Ostore *s, int64_t user_id, int64_t version,
                                const OstoreUserChange *c, int64_t now, int64_t *new_version,
                                OstoreUserRefusal *why)
{
    OstoreUserRefusal no;
    why = why ? why : &no;
    *why = 0;
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    /* The active administrators' rows first: a concurrent change that
     * could leave none waits here (PostgreSQL's row locks; SQLite's
     * writers take turns anyway), then sees this one's outcome. */
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE staff_user SET version = version WHERE role = 'admin' AND disabled_at IS NULL",
        ""));
    OstoreUser u;
    if (r == OSTORE_OK)
        r = ostore_one(s, ostore_prep(s, "SELECT " USER_COLS " FROM staff_user WHERE id = ?",
                                      "i", user_id), ostore_fill_user, &u);
    if (r == OSTORE_OK && version && u.version != version) {
        *why = OSTORE_USER_STALE;
        r = OSTORE_CONFLICT;
    }
    const char *role = c->role ? c->role : u.role;
    if (r == OSTORE_OK && c->role)
        r = ostore_done(s, ostore_prep(s, "UPDATE staff_user SET role = ? WHERE id = ?", "ti",
                                       c->role, user_id));
    if (r == OSTORE_OK && (c->set_communities || (c->role && !strcmp(role, "admin")))) {
        r = ostore_done(s, ostore_prep(s, "DELETE FROM staff_community WHERE user_id = ?", "i",
                                       user_id));
        for (int i = 0; r == OSTORE_OK && strcmp(role, "admin") && i < c->n_communities; i++)
            r = ostore_done(s, ostore_prep(s,
                "INSERT INTO staff_community (user_id, community_id) VALUES (?, ?)"
                " ON CONFLICT (user_id, community_id) DO NOTHING", "ii", user_id,
                c->communities[i]));
    }
    if (r == OSTORE_OK && c->enable)
        r = ostore_done(s, ostore_prep(s, "UPDATE staff_user SET disabled_at = NULLIF(?, 0)"
                                       " WHERE id = ?", "ii", c->enable < 0 ? now : 0, user_id));
    if (r == OSTORE_OK && c->pwhash)
        r = ostore_done(s, ostore_prep(s, "UPDATE staff_user SET pwhash = ? WHERE id = ?", "ti",
                                       c->pwhash, user_id));
    if (r == OSTORE_OK && (c->enable < 0 || c->pwhash))
        r = ostore_done(s, ostore_prep(s, "DELETE FROM staff_session WHERE user_id = ? AND id <> ?",
                                       "ii", user_id, c->enable < 0 ? 0 : c->keep_session));
    /* Only a change taking an active administrator away can leave none. */
    int64_t admins = 1;
    if (r == OSTORE_OK && !strcmp(u.role, "admin") && !u.disabled_at &&
        ((c->role && strcmp(c->role, "admin")) || c->enable < 0))
        r = ostore_one(s, ostore_prep(s, "SELECT COUNT(*) FROM staff_user"
                                      " WHERE role = 'admin' AND disabled_at IS NULL", ""),
                       ostore_fill_int, &admins);
    if (r == OSTORE_OK && admins == 0) {
        *why = OSTORE_USER_LAST_ADMIN;
        r = OSTORE_CONFLICT;
    }
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s, "UPDATE staff_user SET version = version + 1"
                                       " WHERE id = ?", "i", user_id));
    if (r == OSTORE_OK && new_version)
        *new_version = u.version + 1;
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_user_disable(Ostore *s, int64_t user_id, int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreUser u;
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT " USER_COLS " FROM staff_user"
                                               " WHERE id = ?", "i", user_id), ostore_fill_user, &u);
    if (r == OSTORE_OK && u.disabled_at)
        r = OSTORE_NOTFOUND;
    OstoreUserChange c = {.enable = -1};
    OstoreUserRefusal why;
    if (r == OSTORE_OK)
        r = ostore_user_change(s, user_id, 0, &c, now, NULL, &why);
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_user_set_pwhash(Ostore *s, int64_t user_id, const char *pwhash)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE staff_user SET pwhash = ? WHERE id = ?", "ti", pwhash, user_id));
    return r == OSTORE_OK && ostore_changes(s) == 0 ? OSTORE_NOTFOUND : r;
}

/* ---- sessions ---- */

OstoreResult ostore_session_add(Ostore *s, int64_t user_id, const char *token_hash,
                                const char *csrf, int64_t now, int64_t expires_at, int64_t *id)
{
    return ostore_insert(s, ostore_prep(s,
        "INSERT INTO staff_session (token_hash, user_id, csrf, created_at, last_seen_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id", "titiii", token_hash, user_id,
        csrf, now, now, expires_at), id);
}

static void ostore_fill_session(OstoreStmt *st, void *out)
{
    OstoreSession *x = out;
    x->id = ostore_col_int(st, 0);
    x->user_id = ostore_col_int(st, 1);
    ostore_col(st, 2, x->csrf, sizeof x->csrf);
    x->created_at = ostore_col_int(st, 3);
    x->last_seen_at = ostore_col_int(st, 4);
    x->expires_at = ostore_col_int(st, 5);
    ostore_col(st, 6, x->name, sizeof x->name);
    ostore_col(st, 7, x->role, sizeof x->role);
    x->disabled_at = ostore_col_int(st, 8);
}

OstoreResult ostore_session_get(Ostore *s, const char *token_hash, OstoreSession *out)
{
    return ostore_one(s, ostore_prep(s,
        "SELECT x.id, x.user_id, x.csrf, x.created_at, x.last_seen_at, x.expires_at, u.name,"
        " u.role, COALESCE(u.disabled_at, 0) FROM staff_session x"
        " JOIN staff_user u ON u.id = x.user_id WHERE x.token_hash = ?", "t", token_hash),
        ostore_fill_session, out);
}

OstoreResult ostore_session_touch(Ostore *s, int64_t id, int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "UPDATE staff_session SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", "iii",
        now, id, now));
}

OstoreResult ostore_session_end(Ostore *s, int64_t id)
{
    return ostore_done(s, ostore_prep(s, "DELETE FROM staff_session WHERE id = ?", "i", id));
}

OstoreResult ostore_session_end_user(Ostore *s, int64_t user_id)
{
    return ostore_done(s, ostore_prep(s, "DELETE FROM staff_session WHERE user_id = ?", "i",
                                      user_id));
}

OstoreResult ostore_session_purge(Ostore *s, int64_t now, int64_t idle_before)
{
    return ostore_done(s, ostore_prep(s,
        "DELETE FROM staff_session WHERE expires_at <= ? OR last_seen_at < ?", "ii", now,
        idle_before));
}

/* ---- rate limits ---- */

typedef struct {
    int64_t n, start;
} OstoreRate;

static void ostore_fill_rate(OstoreStmt *st, void *out)
{
    OstoreRate *r = out;
    r->n = ostore_col_int(st, 0);
    r->start = ostore_col_int(st, 1);
}

OstoreResult ostore_rate_hit(Ostore *s, const char *bucket, int64_t window_s, int64_t now,
                             int64_t *count, int64_t *window_start)
{
    /* Both SET expressions read the row as it was: a passed window starts
     * again at now with one. */
    OstoreRate x = {0, now};
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "INSERT INTO rate_count (bucket, window_start, n) VALUES (?1, ?2, 1)"
        " ON CONFLICT (bucket) DO UPDATE SET"
        " n = CASE WHEN rate_count.window_start + ?3 <= ?2 THEN 1 ELSE rate_count.n + 1 END,"
        " window_start = CASE WHEN rate_count.window_start + ?3 <= ?2 THEN ?2"
        "  ELSE rate_count.window_start END"
        " RETURNING n, window_start", "tii", bucket, now, window_s), ostore_fill_rate, &x);
    *count = x.n;
    *window_start = x.start;
    return r == OSTORE_NOTFOUND ? OSTORE_ERROR : r;
}

OstoreResult ostore_rate_get(Ostore *s, const char *bucket, int64_t window_s, int64_t now,
                             int64_t *count, int64_t *window_start)
{
    OstoreRate x = {0, now};
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT n, window_start FROM rate_count WHERE bucket = ?", "t", bucket),
        ostore_fill_rate, &x);
    if (r == OSTORE_NOTFOUND || (r == OSTORE_OK && x.start + window_s <= now)) {
        x.n = 0;
        x.start = now;
        r = OSTORE_OK;
    }
    *count = x.n;
    *window_start = x.start;
    return r;
}

OstoreResult ostore_rate_clear(Ostore *s, const char *bucket)
{
    return ostore_done(s, ostore_prep(s, "DELETE FROM rate_count WHERE bucket = ?", "t", bucket));
}

/* ---- audit ---- */

OstoreResult ostore_audit_add(Ostore *s, int64_t at, int64_t user_id, const char *user_name,
                              const char *action, int64_t community_id, const char *target,
                              const char *summary)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO audit (at, user_id, user_name, action, community_id, target, summary)"
        " VALUES (?, NULLIF(?, 0), ?, ?,"
        " NULLIF(?, 0), ?, ?)", "iittitt", at, user_id, user_name ? user_name : "", action,
        community_id, target, summary));
}

typedef struct {
    OstoreAuditFn fn;
    void *ud;
} OstoreAuditWalk;

static int ostore_audit_row(OstoreStmt *st, void *ud)
{
    OstoreAuditWalk *w = ud;
    OstoreAudit a;
    a.id = ostore_col_int(st, 0);
    a.at = ostore_col_int(st, 1);
    a.user_id = ostore_col_int(st, 2);
    ostore_col(st, 3, a.user, sizeof a.user);
    ostore_col(st, 4, a.action, sizeof a.action);
    a.community_id = ostore_col_int(st, 5);
    ostore_col(st, 6, a.community, sizeof a.community);
    ostore_col(st, 7, a.target, sizeof a.target);
    ostore_col(st, 8, a.summary, sizeof a.summary);
    return w->fn(w->ud, &a);
}

OstoreResult ostore_audit_list(Ostore *s, int64_t before_id, int limit, OstoreAuditFn fn,
                               void *ud)
{
    OstoreAuditWalk w = {fn, ud};
    return ostore_each(s, ostore_prep(s,
        "SELECT a.id, a.at, COALESCE(a.user_id, 0), a.user_name, a.action,"
        " COALESCE(a.community_id, 0), c.slug, a.target, a.summary FROM audit a"
        " LEFT JOIN community c ON c.id = a.community_id"
        " WHERE (?1 = 0 OR a.id < ?1) ORDER BY a.id DESC LIMIT ?2", "ii", before_id,
        (int64_t)limit), ostore_audit_row, &w);
}
