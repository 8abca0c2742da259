/* store.c - the kiosk's SQLite database: connections, schema migrations, stored content. */
#include "store.h"
#include "timeutil.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct Store {
    sqlite3 *db;
    sqlite3_stmt *data_version;   /* PRAGMA data_version */
    sqlite3_stmt *serial;         /* SELECT serial FROM content */
    int64_t seen_data_version;    /* -1 when the cached serial is stale */
    int64_t cached_serial;
};

/* Schema migrations: migrations[i] takes user_version i to i + 1. Append
 * only; never edit a released step. */
static const char *const store_migrations[] = {
    /* 0 -> 1: the content document (a single row). */
    "CREATE TABLE content ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  json TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  serial INTEGER NOT NULL,"
    "  imported_at INTEGER NOT NULL"   /* Unix seconds */
    ");",
    /* 1 -> 2: the suggestion outbox and staff flags (docs/OUTBOX.md). No
     * rowids, no timestamps finer than a date: nothing orders submissions. */
    "CREATE TABLE submissions ("
    "  id TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),"   /* random UUID v4 */
    "  receipt TEXT NOT NULL UNIQUE CHECK (length(receipt) = 8),"
    "  topic TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  payload TEXT NOT NULL,"                                 /* frozen JSON */
    "  bytes INTEGER NOT NULL,"                                /* length of payload */
    "  state TEXT NOT NULL DEFAULT 'waiting'"
    "    CHECK (state IN ('waiting', 'delivered', 'dead', 'exported'))"
    ") WITHOUT ROWID;"
    "CREATE INDEX submissions_state ON submissions (state, bytes);"
    "CREATE TABLE contacts ("
    "  submission_id TEXT NOT NULL PRIMARY KEY"
    "    REFERENCES submissions (id) ON DELETE CASCADE,"
    "  contact TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE flags ("
    "  name TEXT NOT NULL PRIMARY KEY,"
    "  raised_on TEXT NOT NULL"
    "    CHECK (raised_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  detail TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER submissions_frozen BEFORE UPDATE OF id, receipt, topic, lang, day,"
    "  payload, bytes ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submission payload is immutable'); END;"
    "CREATE TRIGGER contacts_frozen BEFORE UPDATE ON contacts"
    "  BEGIN SELECT RAISE(ABORT, 'contact is immutable'); END;"
    /* Also for connections without PRAGMA foreign_keys (the cascade's). */
    "CREATE TRIGGER submissions_delete_contact AFTER DELETE ON submissions"
    "  BEGIN DELETE FROM contacts WHERE submission_id = old.id; END;",
    /* 2 -> 3: upload bookkeeping (docs/PROTOCOL.md). A deliveries row
     * exists while a submission is in an upload batch; times in it are
     * about the network (next try), never about the resident. */
    "CREATE TABLE deliveries ("
    "  submission_id TEXT NOT NULL PRIMARY KEY"
    "    REFERENCES submissions (id) ON DELETE CASCADE,"
    "  payload_done INTEGER NOT NULL DEFAULT 0,"    /* the server has the submission */
    "  tries INTEGER NOT NULL DEFAULT 0,"           /* failed tries of the part being sent */
    "  refusals INTEGER NOT NULL DEFAULT 0,"        /* of which refused with a 4xx */
    "  next_try INTEGER NOT NULL DEFAULT 0,"        /* Unix ms: not before */
    "  last_status INTEGER NOT NULL DEFAULT 0,"     /* HTTP status, 0 = no response */
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  delivered_on TEXT"                           /* local date, for retention */
    ") WITHOUT ROWID;"
    "CREATE TRIGGER submissions_delete_delivery AFTER DELETE ON submissions"
    "  BEGIN DELETE FROM deliveries WHERE submission_id = old.id; END;"
    "CREATE TABLE uploader_state ("
    "  key TEXT NOT NULL PRIMARY KEY,"
    "  value"
    ") WITHOUT ROWID;",
};
enum { STORE_SCHEMA_VERSION = sizeof store_migrations / sizeof store_migrations[0] };

static void store_msg(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* mkdir -p with mode 0700 for the directories it creates. */
static int store_mkdirs(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        store_msg(err, errlen, "%s: bad directory name", dir);
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST) {
            store_msg(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
            return -1;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        store_msg(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    return 0;
}

static int store_exec_db(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_msg(err, errlen, "database: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int store_exec(Store *s, const char *sql, char *err, size_t errlen)
{
    return store_exec_db(s->db, sql, err, errlen);
}

static int64_t store_pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Bring the schema to STORE_SCHEMA_VERSION, one transaction per step (the
 * version is re-read inside it, so two processes opening at once is fine). */
static int store_migrate(sqlite3 *db, char *err, size_t errlen)
{
    for (;;) {
        if (store_exec_db(db, "BEGIN IMMEDIATE", err, errlen) < 0)
            return -1;
        int64_t v = store_pragma_int(db, "PRAGMA user_version");
        if (v < 0 || v > STORE_SCHEMA_VERSION) {
            if (v < 0)
                store_msg(err, errlen, "database: %s", sqlite3_errmsg(db));
            else
                store_msg(err, errlen, "database schema version %lld is newer than this "
                          "program understands (%d)", (long long)v, STORE_SCHEMA_VERSION);
            store_exec_db(db, "ROLLBACK", NULL, 0);
            return -1;
        }
        if (v == STORE_SCHEMA_VERSION)
            return store_exec_db(db, "COMMIT", err, errlen);
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %lld", (long long)v + 1);
        if (store_exec_db(db, store_migrations[v], err, errlen) < 0 ||
            store_exec_db(db, bump, err, errlen) < 0 ||
            store_exec_db(db, "COMMIT", err, errlen) < 0) {
            store_exec_db(db, "ROLLBACK", NULL, 0);
            return -1;
        }
    }
}

sqlite3 *store_connect(const char *dir, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!dir || store_mkdirs(dir, err, errlen) < 0)
        return NULL;
    sqlite3 *db = NULL;
    char *path = sqlite3_mprintf("%s/kiosk.db", dir);
    int rc = path ? sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
                  : SQLITE_NOMEM;
    if (rc != SQLITE_OK) {
        store_msg(err, errlen, "%s: %s", path ? path : dir,
                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    /* journal_mode answers with a row; "wal" unless the file system refuses. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        store_msg(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    /* secure_delete is per connection: every connection sets it, so pages
     * freed by any of them are zeroed (docs/OUTBOX.md). */
    char sub[256];
    if (store_exec_db(db, "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
                      " PRAGMA foreign_keys=ON;", sub, sizeof sub) < 0 ||
        store_migrate(db, sub, sizeof sub) < 0) {
        store_msg(err, errlen, "%s: %s", path, sub);
        goto fail;
    }
    sqlite3_free(path);
    return db;
fail:
    sqlite3_free(path);
    sqlite3_close(db);
    return NULL;
}

Store *store_open(const char *dir, char *err, size_t errlen)
{
    sqlite3 *db = store_connect(dir, err, errlen);
    if (!db)
        return NULL;
    Store *s = calloc(1, sizeof *s);
    if (!s) {
        store_msg(err, errlen, "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    s->db = db;
    s->seen_data_version = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->data_version, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT serial FROM content WHERE id = 1", -1,
                           &s->serial, NULL) != SQLITE_OK) {
        store_msg(err, errlen, "%s/kiosk.db: %s", dir, sqlite3_errmsg(s->db));
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(Store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->data_version);
    sqlite3_finalize(s->serial);
    sqlite3_close(s->db);
    free(s);
}

int store_import_json(Store *s, const char *json, size_t len, char *err, size_t errlen)
{
    Content *c = content_parse(json, len, err, errlen);
    if (!c)
        return STORE_INVALID;
    char version[sizeof c->version];
    memcpy(version, c->version, sizeof version);
    content_free(c);

    if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
        "INSERT INTO content (id, json, version, serial, imported_at)"
        " VALUES (1, ?1, ?2, 1, ?3)"
        " ON CONFLICT (id) DO UPDATE SET json = excluded.json,"
        " version = excluded.version, serial = content.serial + 1,"
        " imported_at = excluded.imported_at", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, time_now_ms() / 1000);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK) {
        store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        store_exec(s, "ROLLBACK", NULL, 0);
        return -1;
    }
    sqlite3_finalize(st);
    if (store_exec(s, "COMMIT", err, errlen) < 0) {
        store_exec(s, "ROLLBACK", NULL, 0);
        return -1;
    }
    s->seen_data_version = -1;   /* our own commits do not change data_version */
    return 0;
}

int store_import_file(Store *s, const char *path, char *err, size_t errlen)
{
    char *buf;
    size_t len;
    if (err && errlen)
        err[0] = '\0';
    int rc = content_read_file(path, &buf, &len, err, errlen);
    if (rc < 0)
        return rc == -2 ? STORE_INVALID : -1;
    rc = store_import_json(s, buf, len, err, errlen);
    free(buf);
    return rc;
}

int store_content_info(Store *s, StoreContentInfo *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    if (err && errlen)
        err[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT version, serial, imported_at FROM content"
                           " WHERE id = 1", -1, &st, NULL) != SQLITE_OK) {
        store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(info->version, sizeof info->version, "%s", v ? (const char *)v : "");
        info->serial = sqlite3_column_int64(st, 1);
        info->imported_at = sqlite3_column_int64(st, 2);
    } else if (rc != SQLITE_DONE) {
        store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : 0;
}

Content *store_load_content(Store *s, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT json FROM content WHERE id = 1", -1, &st, NULL)
        != SQLITE_OK) {
        store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    Content *c = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        c = content_parse(json, json ? (size_t)len : 0, err, errlen);
    } else if (rc != SQLITE_DONE) {
        store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
    }
    sqlite3_finalize(st);
    return c;
}

int64_t store_content_serial(Store *s)
{
    if (!s)
        return -1;
    int64_t dv = -1;
    if (sqlite3_step(s->data_version) == SQLITE_ROW)
        dv = sqlite3_column_int64(s->data_version, 0);
    sqlite3_reset(s->data_version);
    if (dv < 0)
        return -1;
    if (dv == s->seen_data_version)
        return s->cached_serial;
    int64_t serial = -1;
    int rc = sqlite3_step(s->serial);
    if (rc == SQLITE_ROW)
        serial = sqlite3_column_int64(s->serial, 0);
    else if (rc == SQLITE_DONE)
        serial = 0;
    sqlite3_reset(s->serial);
    if (serial >= 0) {
        s->seen_data_version = dv;
        s->cached_serial = serial;
    }
    return serial;
}
