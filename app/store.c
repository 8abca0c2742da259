/* store.c - the kiosk's SQLite database: schema migrations and stored content. */
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
 * only; never edit a released step (later: the outbox, staff flags). */
static const char *const store_migrations[] = {
    /* 0 -> 1: the content document (a single row). */
    "CREATE TABLE content ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  json TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  serial INTEGER NOT NULL,"
    "  imported_at INTEGER NOT NULL"   /* Unix seconds */
    ");",
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

static int store_exec(Store *s, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        store_msg(err, errlen, "database: %s", msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int64_t store_pragma_int(Store *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Bring the schema to STORE_SCHEMA_VERSION, one transaction per step (the
 * version is re-read inside it, so two processes opening at once is fine). */
static int store_migrate(Store *s, char *err, size_t errlen)
{
    for (;;) {
        if (store_exec(s, "BEGIN IMMEDIATE", err, errlen) < 0)
            return -1;
        int64_t v = store_pragma_int(s, "PRAGMA user_version");
        if (v < 0 || v > STORE_SCHEMA_VERSION) {
            if (v < 0)
                store_msg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
            else
                store_msg(err, errlen, "database schema version %lld is newer than this "
                          "program understands (%d)", (long long)v, STORE_SCHEMA_VERSION);
            store_exec(s, "ROLLBACK", NULL, 0);
            return -1;
        }
        if (v == STORE_SCHEMA_VERSION)
            return store_exec(s, "COMMIT", err, errlen);
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %lld", (long long)v + 1);
        if (store_exec(s, store_migrations[v], err, errlen) < 0 ||
            store_exec(s, bump, err, errlen) < 0 ||
            store_exec(s, "COMMIT", err, errlen) < 0) {
            store_exec(s, "ROLLBACK", NULL, 0);
            return -1;
        }
    }
}

Store *store_open(const char *dir, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!dir || store_mkdirs(dir, err, errlen) < 0)
        return NULL;
    Store *s = calloc(1, sizeof *s);
    if (!s) {
        store_msg(err, errlen, "out of memory");
        return NULL;
    }
    s->seen_data_version = -1;
    char *path = sqlite3_mprintf("%s/kiosk.db", dir);
    int rc = path ? sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
                  : SQLITE_NOMEM;
    if (rc != SQLITE_OK) {
        store_msg(err, errlen, "%s: %s", path ? path : dir,
                  s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* journal_mode answers with a row; "wal" unless the file system refuses. */
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        store_msg(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    char sub[256];
    if (store_exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", sub, sizeof sub) < 0 ||
        store_migrate(s, sub, sizeof sub) < 0) {
        store_msg(err, errlen, "%s: %s", path, sub);
        goto fail;
    }
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->data_version, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT serial FROM content WHERE id = 1", -1,
                           &s->serial, NULL) != SQLITE_OK) {
        store_msg(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_free(path);
    return s;
fail:
    sqlite3_free(path);
    store_close(s);
    return NULL;
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
