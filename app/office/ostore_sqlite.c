/* ostore_sqlite.c - the SQLite engine of the office's storage (ostore.h): the only SQL of the office. */
#include "ostore.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct Ostore {
    sqlite3 *db;
    char err[300];
};

/* Numbered migrations: migration N takes the schema from N-1 to N. */
static const char *const ostore_migrations[OSTORE_SCHEMA] = {
    /* 1: organisation, staff, communities, kiosks, enrolment, receiving, content */
    "CREATE TABLE organisation (id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE staff_user (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  pwhash TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin','manager','clerk')),"
    "  created_at INTEGER NOT NULL, disabled_at INTEGER);"
    "CREATE TABLE community (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
    "  content_rev INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE kiosk (id INTEGER PRIMARY KEY,"
    "  community_id INTEGER NOT NULL REFERENCES community(id), name TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, token_hash TEXT UNIQUE, enrolled_at INTEGER,"
    "  revoked_at INTEGER, last_seen_at INTEGER, UNIQUE (community_id, name));"
    "CREATE TABLE enrolment (code_hash TEXT PRIMARY KEY,"
    "  kiosk_id INTEGER NOT NULL REFERENCES kiosk(id),"
    "  community_id INTEGER NOT NULL REFERENCES community(id),"
    "  expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL);"
    "CREATE TABLE enrolment_use (code_hash TEXT PRIMARY KEY REFERENCES enrolment(code_hash),"
    "  used_at INTEGER NOT NULL);"
    "CREATE TABLE received (idem_key TEXT PRIMARY KEY, body_hash TEXT NOT NULL,"
    "  kind TEXT NOT NULL, community_id INTEGER NOT NULL REFERENCES community(id),"
    "  kiosk_id INTEGER NOT NULL REFERENCES kiosk(id), received_at INTEGER NOT NULL);"
    "CREATE TABLE suggestion (id INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL UNIQUE REFERENCES received(idem_key),"
    "  community_id INTEGER NOT NULL REFERENCES community(id),"
    "  kiosk_id INTEGER NOT NULL REFERENCES kiosk(id), received_at INTEGER NOT NULL,"
    "  body TEXT NOT NULL, sealed INTEGER NOT NULL, unreadable INTEGER NOT NULL,"
    "  topic TEXT, text TEXT, date TEXT, receipt TEXT, lang TEXT,"
    "  status TEXT NOT NULL DEFAULT 'new');"
    "CREATE INDEX suggestion_community ON suggestion(community_id, received_at);"
    "CREATE TABLE contact (suggestion_id INTEGER PRIMARY KEY REFERENCES suggestion(id),"
    "  idem_key TEXT NOT NULL UNIQUE REFERENCES received(idem_key),"
    "  community_id INTEGER NOT NULL REFERENCES community(id), received_at INTEGER NOT NULL,"
    "  contact TEXT, sealed INTEGER NOT NULL, unreadable INTEGER NOT NULL);"
    "CREATE TABLE rating_count (community_id INTEGER NOT NULL REFERENCES community(id),"
    "  month TEXT NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
    "  n INTEGER NOT NULL, PRIMARY KEY (community_id, month, score));"
    "CREATE TABLE heartbeat (id INTEGER PRIMARY KEY,"
    "  community_id INTEGER NOT NULL REFERENCES community(id),"
    "  kiosk_id INTEGER NOT NULL REFERENCES kiosk(id), received_at INTEGER NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX heartbeat_kiosk ON heartbeat(kiosk_id, received_at);"
    "CREATE TABLE content_item (community_id INTEGER NOT NULL REFERENCES community(id),"
    "  list TEXT NOT NULL, item_id TEXT NOT NULL, pos INTEGER NOT NULL, json TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL, PRIMARY KEY (community_id, list, item_id));"
    "CREATE TABLE feed (community_id INTEGER PRIMARY KEY REFERENCES community(id),"
    "  rev INTEGER NOT NULL, json TEXT NOT NULL, etag TEXT NOT NULL,"
    "  generated_at INTEGER NOT NULL);",
    /* 2: each community's salt of its sealed replies (docs/CONTENT.md) */
    "ALTER TABLE community ADD COLUMN reply_salt TEXT NOT NULL DEFAULT '';",
};

static const char *const ostore_list_names[OSTORE_N_LISTS] = {
    "notices", "events", "channels", "replies", "board",
};

const char *ostore_list_name(OstoreList l)
{
    return l < OSTORE_N_LISTS ? ostore_list_names[l] : "?";
}

const char *ostore_error(const Ostore *s)
{
    return s ? s->err : "";
}

static OstoreResult ostore_fail(Ostore *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, sqlite3_errmsg(s->db));
    return OSTORE_ERROR;
}

/* Prepare `sql` and bind the arguments `fmt` describes: 'i' int64_t, 't'
 * text (NULL binds NULL), 'b' a bool (int). NULL with s->err on failure. */
static sqlite3_stmt *ostore_prep(Ostore *s, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        ostore_fail(s, "prepare");
        return NULL;
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = SQLITE_OK;
    for (int i = 0; fmt[i] && rc == SQLITE_OK; i++) {
        if (fmt[i] == 'i')
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
        else if (fmt[i] == 'b')
            rc = sqlite3_bind_int(st, i + 1, va_arg(ap, int) != 0);
        else {
            const char *t = va_arg(ap, const char *);
            rc = t ? sqlite3_bind_text(st, i + 1, t, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, i + 1);
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK) {
        ostore_fail(s, "bind");
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* Step a statement that returns no rows and finalize it. A constraint
 * failure is OSTORE_CONFLICT. */
static OstoreResult ostore_done(Ostore *s, sqlite3_stmt *st)
{
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = OSTORE_OK;
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
        snprintf(s->err, sizeof s->err, "%s", sqlite3_errmsg(s->db));
        r = OSTORE_CONFLICT;
    } else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        r = ostore_fail(s, "write");
    }
    sqlite3_finalize(st);
    return r;
}

static OstoreResult ostore_exec(Ostore *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return OSTORE_ERROR;
    }
    return OSTORE_OK;
}

/* ---- transactions ---- */

OstoreResult ostore_begin(Ostore *s)
{
    return ostore_exec(s, "BEGIN IMMEDIATE");
}

OstoreResult ostore_commit(Ostore *s)
{
    return ostore_exec(s, "COMMIT");
}

void ostore_rollback(Ostore *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Start a write transaction unless the caller holds one; *own says which. */
static OstoreResult ostore_tx(Ostore *s, bool *own)
{
    *own = sqlite3_get_autocommit(s->db) != 0;
    return *own ? ostore_begin(s) : OSTORE_OK;
}

/* End what ostore_tx started: commit on success, else roll back. A
 * successful result keeps its value (OSTORE_DUPLICATE commits nothing new
 * but is not an error). */
static OstoreResult ostore_tx_end(Ostore *s, bool own, OstoreResult r)
{
    if (!own)
        return r;
    if (r == OSTORE_OK || r == OSTORE_DUPLICATE) {
        if (ostore_commit(s) != OSTORE_OK) {
            ostore_rollback(s);
            return OSTORE_ERROR;
        }
        return r;
    }
    ostore_rollback(s);
    return r;
}

/* ---- opening ---- */

static int ostore_user_version(Ostore *s)
{
    sqlite3_stmt *st = ostore_prep(s, "PRAGMA user_version", "");
    int v = -1;
    if (st && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int ostore_schema_version(Ostore *s)
{
    return ostore_user_version(s);
}

static int ostore_migrate(Ostore *s)
{
    if (ostore_begin(s) != OSTORE_OK)
        return -1;
    int v = ostore_user_version(s);
    if (v < 0)
        goto fail;
    if (v > OSTORE_SCHEMA) {
        snprintf(s->err, sizeof s->err,
                 "database schema %d is newer than this program understands (%d)", v,
                 OSTORE_SCHEMA);
        goto fail;
    }
    for (; v < OSTORE_SCHEMA; v++) {
        char pragma[64];
        if (ostore_exec(s, ostore_migrations[v]) != OSTORE_OK)
            goto fail;
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (ostore_exec(s, pragma) != OSTORE_OK)
            goto fail;
    }
    if (ostore_commit(s) == OSTORE_OK)
        return 0;
fail:
    ostore_rollback(s);
    return -1;
}

Ostore *ostore_open(const char *spec, char *err, size_t errlen)
{
    if (strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0) {
        snprintf(err, errlen, "database: PostgreSQL is not supported by this build yet");
        return NULL;
    }
    /* Create the file 0600 first: SQLite would use the umask. */
    int fd = open(spec, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", spec, strerror(errno));
        return NULL;
    }
    close(fd);
    Ostore *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(spec, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", spec, s->db ? sqlite3_errmsg(s->db) : "cannot open");
        ostore_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if (ostore_exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                       " PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON") != OSTORE_OK ||
        ostore_migrate(s) < 0) {
        snprintf(err, errlen, "%s: %s", spec, s->err);
        ostore_close(s);
        return NULL;
    }
    return s;
}

void ostore_close(Ostore *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

/* Copy a text column (NULL as ""). */
static void ostore_col(sqlite3_stmt *st, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Step a one-row query into fill(); OSTORE_NOTFOUND when it has none. */
static OstoreResult ostore_one(Ostore *s, sqlite3_stmt *st, void (*fill)(sqlite3_stmt *, void *),
                               void *out)
{
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = OSTORE_NOTFOUND;
    if (rc == SQLITE_ROW) {
        fill(st, out);
        r = OSTORE_OK;
    } else if (rc != SQLITE_DONE) {
        r = ostore_fail(s, "read");
    }
    sqlite3_finalize(st);
    return r;
}

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

OstoreResult ostore_org_name(Ostore *s, char *name, size_t n)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT name FROM organisation WHERE id = 1", "");
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK)
        ostore_col(st, 0, name, n);
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_user_pwhash(Ostore *s, const char *name, char *pwhash, size_t n,
                                char *role, size_t rn)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT pwhash, role FROM staff_user"
                                      " WHERE name = ? AND disabled_at IS NULL", "t", name);
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK) {
        ostore_col(st, 0, pwhash, n);
        ostore_col(st, 1, role, rn);
    }
    sqlite3_finalize(st);
    return r;
}

/* ---- communities ---- */

#define COMMUNITY_COLS "id, slug, name_zh, name_en, created_at"

static void ostore_fill_community(sqlite3_stmt *st, void *out)
{
    OstoreCommunity *c = out;
    c->id = sqlite3_column_int64(st, 0);
    ostore_col(st, 1, c->slug, sizeof c->slug);
    ostore_col(st, 2, c->name_zh, sizeof c->name_zh);
    ostore_col(st, 3, c->name_en, sizeof c->name_en);
    c->created_at = sqlite3_column_int64(st, 4);
}

OstoreResult ostore_community_add(Ostore *s, const char *slug, const char *name_zh,
                                  const char *name_en, int64_t now, int64_t *id)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO community (slug, name_zh, name_en, created_at) VALUES (?, ?, ?, ?)",
        "ttti", slug, name_zh, name_en ? name_en : "", now));
    if (r == OSTORE_OK && id)
        *id = sqlite3_last_insert_rowid(s->db);
    return r;
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
    sqlite3_stmt *st = ostore_prep(s, "UPDATE community SET name_zh = ?, name_en = ?,"
                                      " content_rev = content_rev + 1 WHERE id = ?",
                                   "tti", name_zh, name_en ? name_en : "", id);
    OstoreResult r = ostore_done(s, st);
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}

OstoreResult ostore_community_list(Ostore *s, OstoreCommunityFn fn, void *ud)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT " COMMUNITY_COLS " FROM community ORDER BY slug", "");
    if (!st)
        return OSTORE_ERROR;
    int rc;
    OstoreCommunity c;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ostore_fill_community(st, &c);
        if (fn(ud, &c))
            break;
    }
    OstoreResult r = rc == SQLITE_ROW || rc == SQLITE_DONE ? OSTORE_OK : ostore_fail(s, "read");
    sqlite3_finalize(st);
    return r;
}

/* ---- kiosks and enrolment ---- */

#define KIOSK_COLS "k.id, k.community_id, k.name, c.slug, k.created_at, ifnull(k.enrolled_at, 0)," \
                   " ifnull(k.revoked_at, 0), ifnull(k.last_seen_at, 0)"
#define KIOSK_FROM " FROM kiosk k JOIN community c ON c.id = k.community_id"

static void ostore_fill_kiosk(sqlite3_stmt *st, void *out)
{
    OstoreKiosk *k = out;
    k->id = sqlite3_column_int64(st, 0);
    k->community_id = sqlite3_column_int64(st, 1);
    ostore_col(st, 2, k->name, sizeof k->name);
    ostore_col(st, 3, k->community, sizeof k->community);
    k->created_at = sqlite3_column_int64(st, 4);
    k->enrolled_at = sqlite3_column_int64(st, 5);
    k->revoked_at = sqlite3_column_int64(st, 6);
    k->last_seen_at = sqlite3_column_int64(st, 7);
}

OstoreResult ostore_kiosk_add(Ostore *s, int64_t community_id, const char *name,
                              const char *code_hash, int64_t code_expires, int64_t now,
                              int64_t *id)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO kiosk (community_id, name, created_at) VALUES (?, ?, ?)",
        "iti", community_id, name, now));
    int64_t kid = sqlite3_last_insert_rowid(s->db);
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
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}

OstoreResult ostore_kiosk_get(Ostore *s, int64_t community_id, const char *name,
                              OstoreKiosk *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " KIOSK_COLS KIOSK_FROM
                                        " WHERE k.community_id = ? AND k.name = ?",
                                     "it", community_id, name), ostore_fill_kiosk, out);
}

OstoreResult ostore_kiosk_list(Ostore *s, int64_t community_id, OstoreKioskFn fn, void *ud)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT " KIOSK_COLS KIOSK_FROM
                                      " WHERE ?1 = 0 OR k.community_id = ?1"
                                      " ORDER BY c.slug, k.name", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    OstoreKiosk k;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ostore_fill_kiosk(st, &k);
        if (fn(ud, &k))
            break;
    }
    OstoreResult r = rc == SQLITE_ROW || rc == SQLITE_DONE ? OSTORE_OK : ostore_fail(s, "read");
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_kiosk_revoke(Ostore *s, int64_t kiosk_id, int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE kiosk SET token_hash = NULL, revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        "ii", now, kiosk_id));
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0)
        r = OSTORE_NOTFOUND;
    if (r == OSTORE_OK)   /* unused codes expire now */
        r = ostore_done(s, ostore_prep(s,
            "UPDATE enrolment SET expires_at = ? WHERE kiosk_id = ? AND expires_at > ?",
            "iii", now, kiosk_id, now));
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_enrol_redeem(Ostore *s, const char *code_hash, const char *token_hash,
                                 int64_t now, OstoreKiosk *out)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    int64_t kid = 0;
    sqlite3_stmt *st = ostore_prep(s,
        "SELECT e.kiosk_id FROM enrolment e JOIN kiosk k ON k.id = e.kiosk_id"
        " WHERE e.code_hash = ? AND k.revoked_at IS NULL", "t", code_hash);
    OstoreResult r = OSTORE_ERROR;
    if (st) {
        int rc = sqlite3_step(st);
        r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                             : ostore_fail(s, "read");
        if (r == OSTORE_OK)
            kid = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    /* The use first: a used code is "already used" even once expired. */
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO enrolment_use (code_hash, used_at) VALUES (?, ?)", "ti", code_hash, now));
    if (r == OSTORE_OK) {
        sqlite3_stmt *ex = ostore_prep(s, "SELECT 1 FROM enrolment WHERE code_hash = ?"
                                          " AND expires_at > ?", "ti", code_hash, now);
        if (!ex) {
            r = OSTORE_ERROR;
        } else {
            int rc = sqlite3_step(ex);
            r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                 : ostore_fail(s, "read");
            sqlite3_finalize(ex);
        }
    }
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "UPDATE kiosk SET token_hash = ?, enrolled_at = ?, last_seen_at = ? WHERE id = ?",
            "tiii", token_hash, now, now, kid));
    r = ostore_tx_end(s, own, r);
    if (r == OSTORE_OK)
        r = ostore_one(s, ostore_prep(s, "SELECT " KIOSK_COLS KIOSK_FROM " WHERE k.id = ?",
                                      "i", kid), ostore_fill_kiosk, out);
    return r;
}

OstoreResult ostore_kiosk_by_token(Ostore *s, const char *token_hash, int64_t now,
                                   OstoreKiosk *out)
{
    OstoreResult r = ostore_one(s, ostore_prep(s, "SELECT " KIOSK_COLS KIOSK_FROM
                                                  " WHERE k.token_hash = ?"
                                                  " AND k.revoked_at IS NULL", "t", token_hash),
                                ostore_fill_kiosk, out);
    /* Seen: kept coarse (a minute) so that polls do not each write. */
    if (r == OSTORE_OK && now - out->last_seen_at >= 60) {
        if (ostore_done(s, ostore_prep(s, "UPDATE kiosk SET last_seen_at = ? WHERE id = ?",
                                       "ii", now, out->id)) != OSTORE_OK)
            return OSTORE_ERROR;
        out->last_seen_at = now;
    }
    return r;
}

/* ---- receiving ---- */

/* Record the key; OSTORE_DUPLICATE/CONFLICT when it is there already. */
static OstoreResult ostore_receive_key(Ostore *s, const OstoreIn *in, const char *kind)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT body_hash FROM received WHERE idem_key = ?",
                                   "t", in->key);
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r;
    if (rc == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(st, 0);
        r = h && strcmp((const char *)h, in->body_hash) == 0 ? OSTORE_DUPLICATE : OSTORE_CONFLICT;
        if (r == OSTORE_CONFLICT)
            snprintf(s->err, sizeof s->err, "key already used with another body");
    } else if (rc == SQLITE_DONE) {
        r = OSTORE_OK;
    } else {
        r = ostore_fail(s, "read");
    }
    sqlite3_finalize(st);
    if (r != OSTORE_OK)
        return r;
    /* The primary key decides, also against another process. */
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO received (idem_key, body_hash, kind, community_id, kiosk_id, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", "tttiii", in->key, in->body_hash, kind,
        in->community_id, in->kiosk_id, in->received_at));
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
            " ON CONFLICT (community_id, month, score) DO UPDATE SET n = n + 1",
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
        if (r == OSTORE_OK && sqlite3_changes(s->db) == 0) {
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

OstoreResult ostore_suggestion_list(Ostore *s, int64_t community_id, OstoreSuggestionFn fn,
                                    void *ud)
{
    sqlite3_stmt *st = ostore_prep(s,
        "SELECT s.id, s.community_id, s.kiosk_id, s.received_at, s.uuid, s.topic, s.date,"
        " s.receipt, s.lang, s.status, s.text, c.contact, s.sealed, s.unreadable,"
        " c.suggestion_id IS NOT NULL FROM suggestion s"
        " LEFT JOIN contact c ON c.suggestion_id = s.id"
        " WHERE s.community_id = ? ORDER BY s.received_at, s.id", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        OstoreSuggestionRow r = {
            .id = sqlite3_column_int64(st, 0), .community_id = sqlite3_column_int64(st, 1),
            .kiosk_id = sqlite3_column_int64(st, 2), .received_at = sqlite3_column_int64(st, 3),
            .text = (const char *)sqlite3_column_text(st, 10),
            .contact = (const char *)sqlite3_column_text(st, 11),
            .sealed = sqlite3_column_int(st, 12) != 0, .unreadable = sqlite3_column_int(st, 13) != 0,
            .has_contact = sqlite3_column_int(st, 14) != 0,
        };
        ostore_col(st, 4, r.key, sizeof r.key);
        ostore_col(st, 5, r.topic, sizeof r.topic);
        ostore_col(st, 6, r.date, sizeof r.date);
        ostore_col(st, 7, r.receipt, sizeof r.receipt);
        ostore_col(st, 8, r.lang, sizeof r.lang);
        ostore_col(st, 9, r.status, sizeof r.status);
        if (fn(ud, &r))
            break;
    }
    OstoreResult r = rc == SQLITE_ROW || rc == SQLITE_DONE ? OSTORE_OK : ostore_fail(s, "read");
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_rating_counts(Ostore *s, int64_t community_id, const char *month,
                                  int64_t counts[6])
{
    memset(counts, 0, 6 * sizeof *counts);
    sqlite3_stmt *st = ostore_prep(s, "SELECT score, n FROM rating_count"
                                      " WHERE community_id = ? AND month = ?", "it",
                                   community_id, month);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int score = sqlite3_column_int(st, 0);
        if (score >= 1 && score <= 5)
            counts[score] = sqlite3_column_int64(st, 1);
    }
    OstoreResult r = rc == SQLITE_DONE ? OSTORE_OK : ostore_fail(s, "read");
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_counts(Ostore *s, int64_t community_id, OstoreCounts *out)
{
    sqlite3_stmt *st = ostore_prep(s,
        "SELECT (SELECT count(*) FROM suggestion WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM suggestion WHERE (?1 = 0 OR community_id = ?1) AND unreadable),"
        " (SELECT count(*) FROM contact WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT ifnull(sum(n), 0) FROM rating_count WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM heartbeat WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM kiosk WHERE ?1 = 0 OR community_id = ?1),"
        " (SELECT count(*) FROM kiosk WHERE (?1 = 0 OR community_id = ?1)"
        "   AND token_hash IS NOT NULL)", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    OstoreResult r = OSTORE_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->suggestions = sqlite3_column_int64(st, 0);
        out->unreadable = sqlite3_column_int64(st, 1);
        out->contacts = sqlite3_column_int64(st, 2);
        out->ratings = sqlite3_column_int64(st, 3);
        out->heartbeats = sqlite3_column_int64(st, 4);
        out->kiosks = sqlite3_column_int64(st, 5);
        out->kiosks_live = sqlite3_column_int64(st, 6);
    } else {
        r = ostore_fail(s, "read");
    }
    sqlite3_finalize(st);
    return r;
}

/* ---- published content ---- */

static OstoreResult ostore_bump(Ostore *s, int64_t community_id)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE community SET content_rev = content_rev + 1 WHERE id = ?", "i", community_id));
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0) {
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
            " VALUES (?1, ?2, ?3, (SELECT ifnull(max(pos), 0) + 1 FROM content_item"
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
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0)
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

OstoreResult ostore_item_list(Ostore *s, int64_t community_id, OstoreList l,
                              OstoreItemFn fn, void *ud)
{
    if (l >= OSTORE_N_LISTS)
        return OSTORE_ERROR;
    sqlite3_stmt *st = ostore_prep(s, "SELECT item_id, json FROM content_item"
                                      " WHERE community_id = ? AND list = ? ORDER BY pos",
                                   "it", community_id, ostore_list_names[l]);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1)))
            break;
    OstoreResult r = rc == SQLITE_ROW || rc == SQLITE_DONE ? OSTORE_OK : ostore_fail(s, "read");
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_content_rev(Ostore *s, int64_t community_id, int64_t *rev)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT content_rev FROM community WHERE id = ?", "i",
                                   community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK)
        *rev = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_feed_get(Ostore *s, int64_t community_id, OstoreFeed *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = ostore_prep(s, "SELECT rev, etag, json, generated_at FROM feed"
                                      " WHERE community_id = ?", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK) {
        out->rev = sqlite3_column_int64(st, 0);
        ostore_col(st, 1, out->etag, sizeof out->etag);
        int n = sqlite3_column_bytes(st, 2);
        const void *j = sqlite3_column_text(st, 2);
        out->json = malloc((size_t)n + 1);
        if (!out->json) {
            snprintf(s->err, sizeof s->err, "out of memory");
            r = OSTORE_ERROR;
        } else {
            memcpy(out->json, j ? j : "", (size_t)n);
            out->json[n] = '\0';
            out->len = (size_t)n;
        }
        out->generated_at = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_feed_put(Ostore *s, int64_t community_id, int64_t rev, const char *json,
                             size_t len, const char *etag, int64_t now)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
            "INSERT INTO feed (community_id, rev, json, etag, generated_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (community_id) DO UPDATE SET rev = excluded.rev, json = excluded.json,"
            " etag = excluded.etag, generated_at = excluded.generated_at"
            " WHERE excluded.rev > feed.rev", -1, &st, NULL) != SQLITE_OK)
        return ostore_fail(s, "prepare");
    sqlite3_bind_int64(st, 1, community_id);
    sqlite3_bind_int64(st, 2, rev);
    sqlite3_bind_text(st, 3, json, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, etag, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, now);
    return ostore_done(s, st);
}

OstoreResult ostore_reply_salt(Ostore *s, int64_t community_id, char *hex, size_t n)
{
    sqlite3_stmt *st = ostore_prep(s, "SELECT reply_salt FROM community WHERE id = ?", "i",
                                   community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc = sqlite3_step(st);
    OstoreResult r = rc == SQLITE_ROW ? OSTORE_OK : rc == SQLITE_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK)
        ostore_col(st, 0, hex, n);
    sqlite3_finalize(st);
    return r;
}

OstoreResult ostore_set_reply_salt(Ostore *s, int64_t community_id, const char *hex)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE community SET reply_salt = ?, content_rev = content_rev + 1 WHERE id = ?",
        "ti", hex, community_id));
    if (r == OSTORE_OK && sqlite3_changes(s->db) == 0)
        r = OSTORE_NOTFOUND;
    return r;
}

void ostore_feed_free(OstoreFeed *f)
{
    if (f) {
        free(f->json);
        f->json = NULL;
    }
}
