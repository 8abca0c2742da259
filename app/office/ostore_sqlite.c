/* ostore_sqlite.c - the SQLite driver of the office store (ostore_priv.h): a file in the data directory, WAL, synchronous=FULL. */
#include "ostore_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

typedef struct {
    OstoreStmt base;
    sqlite3_stmt *st;
} SqliteStmt;

static sqlite3 *sq_db(Ostore *s)
{
    return s->conn;
}

static void sq_err(Ostore *s)
{
    snprintf(s->err, sizeof s->err, "%s", sqlite3_errmsg(sq_db(s)));
}

/* True when rc comes from a full disk: SQLITE_FULL, or an I/O error whose
 * system error is ENOSPC or EDQUOT (no room for the -shm at start-up,
 * which SQLite reports only as "disk I/O error"). */
static bool sq_full(sqlite3 *db, int rc)
{
    if ((rc & 0xFF) == SQLITE_FULL)
        return true;
    int e = sqlite3_system_errno(db);
    return (rc & 0xFF) == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT);
}

/* Say plainly that the disk holding the database file `spec` is full
 * (ostore_open puts the file's name before it). */
static void sq_full_msg(Ostore *s, const char *spec)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", spec);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        *(slash == dir ? slash + 1 : slash) = '\0';
    struct statvfs v;
    char free_txt[48] = "";
    if (statvfs(dir, &v) == 0)
        snprintf(free_txt, sizeof free_txt, " (%llu KiB free)",
                 (unsigned long long)v.f_bavail * v.f_frsize / 1024);
    snprintf(s->err, sizeof s->err, "the disk is full%s: the database cannot be opened until"
             " space is freed on its file system; the database is as it was (docs/OFFICE.md,"
             " \"A full disk\")", free_txt);
}

static int sq_open(Ostore *s, const char *spec)
{
    /* Create the file 0600 first (SQLite would use the umask), and only
     * when it is missing: closing a descriptor of a file drops every POSIX
     * lock this process holds on it, so opening and closing an existing
     * database here would silently unlock the process's other connections
     * (another process could then checkpoint and delete the WAL under
     * them). */
    int fd = open(spec, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
        snprintf(s->err, sizeof s->err, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fd >= 0)
        close(fd);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(spec, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s", db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return -1;
    }
    s->conn = db;
    sqlite3_busy_timeout(db, 10000);
    char *msg = NULL;
    int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                              " PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        if (sq_full(db, rc))
            sq_full_msg(s, spec);
        else
            snprintf(s->err, sizeof s->err, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static void sq_close(Ostore *s)
{
    sqlite3_close(sq_db(s));
    s->conn = NULL;
}

static OstoreStmt *sq_prepare(Ostore *s, const char *sql)
{
    SqliteStmt *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return NULL;
    }
    q->base.s = s;
    if (sqlite3_prepare_v2(sq_db(s), sql, -1, &q->st, NULL) != SQLITE_OK) {
        sq_err(s);
        ostore_fail(s, "prepare");
        free(q);
        return NULL;
    }
    return &q->base;
}

static int sq_bind_result(OstoreStmt *st, int rc)
{
    if (rc == SQLITE_OK)
        return 0;
    sq_err(st->s);
    ostore_fail(st->s, "bind");
    return -1;
}

static int sq_bind_int(OstoreStmt *st, int idx, int64_t v)
{
    return sq_bind_result(st, sqlite3_bind_int64(((SqliteStmt *)st)->st, idx, v));
}

static int sq_bind_text(OstoreStmt *st, int idx, const char *t, size_t len)
{
    sqlite3_stmt *q = ((SqliteStmt *)st)->st;
    return sq_bind_result(st, t ? sqlite3_bind_text(q, idx, t, (int)len, SQLITE_TRANSIENT)
                                : sqlite3_bind_null(q, idx));
}

static OstoreStep sq_step(OstoreStmt *st)
{
    int rc = sqlite3_step(((SqliteStmt *)st)->st);
    if (rc == SQLITE_ROW)
        return OSTORE_STEP_ROW;
    if (rc == SQLITE_DONE)
        return OSTORE_STEP_DONE;
    sq_err(st->s);
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return OSTORE_STEP_CONFLICT;
    ostore_fail(st->s, "step");
    return OSTORE_STEP_ERROR;
}

static int64_t sq_changes(OstoreStmt *st)
{
    return sqlite3_changes(sq_db(st->s));
}

static int64_t sq_col_int(OstoreStmt *st, int i)
{
    return sqlite3_column_int64(((SqliteStmt *)st)->st, i);
}

static const char *sq_col_text(OstoreStmt *st, int i)
{
    return (const char *)sqlite3_column_text(((SqliteStmt *)st)->st, i);
}

static size_t sq_col_len(OstoreStmt *st, int i)
{
    sqlite3_stmt *q = ((SqliteStmt *)st)->st;
    sqlite3_column_text(q, i);   /* bytes of the text form */
    return (size_t)sqlite3_column_bytes(q, i);
}

static void sq_finalize(OstoreStmt *st)
{
    sqlite3_finalize(((SqliteStmt *)st)->st);
    free(st);
}

static OstoreResult sq_exec(Ostore *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(sq_db(s), sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s", msg ? msg : sqlite3_errmsg(sq_db(s)));
        sqlite3_free(msg);
        return OSTORE_ERROR;
    }
    return OSTORE_OK;
}

static bool sq_in_tx(Ostore *s)
{
    return sqlite3_get_autocommit(sq_db(s)) == 0;
}

/* Before the shared schema table, SQLite databases kept their version in
 * PRAGMA user_version. */
static int sq_legacy_version(Ostore *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(sq_db(s), "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    else
        sq_err(s);
    sqlite3_finalize(st);
    return v;
}

const OstoreDriver ostore_sqlite_driver = {
    .name = "sqlite",
    .id_ddl = "INTEGER PRIMARY KEY",
    .begin_sql = "BEGIN IMMEDIATE",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .step = sq_step,
    .changes = sq_changes,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_len = sq_col_len,
    .finalize = sq_finalize,
    .exec = sq_exec,
    .in_tx = sq_in_tx,
    .migrate_lock_sql = NULL,
    .legacy_version = sq_legacy_version,
};
