/* store.c - the kiosk's SQLite database: connections, schema migrations, stored content. */
#include "store.h"
#include "errmsg.h"
#include "outbox_schema.h"
#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Where a damaged database goes: DIR/kiosk.db.corrupt-YYYYMMDD-HHMMSS[.N]. */
#define STORE_MOVED_MAX 64

struct Store {
    sqlite3 *db;
    sqlite3_stmt *data_version;   /* PRAGMA data_version */
    sqlite3_stmt *serial;         /* SELECT serial FROM content */
    int64_t seen_data_version;    /* -1 when the cached serial is stale */
    int64_t cached_serial;
    bool readonly;                /* the file could only be opened for reading */
    bool disk_full;               /* ... because its file system is full */
    char moved[STORE_MOVED_MAX];  /* store_open_recover moved a damaged file here */
    char moved_why[256];          /* and why */
    int lock_fd;                  /* DIR/kiosk.lock, held (store_open_recover); -1 none */
    bool lost;                    /* the directory had data; this database holds none */
    bool marked;                  /* DIR/STORE_DATA_MARK is known to exist */
    bool checked;                 /* quick_check ran at this open */
    bool sound;                   /* the kiosk's, read-write, found sound at open:
                                   * store_close writes STORE_CLEAN_NAME */
    int64_t checked_at;           /* when the file last passed quick_check (Unix s) */
    char dir[PATH_MAX];
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
    /* 1 -> 2: the suggestion outbox and staff flags (docs/OUTBOX.md). */
    outbox_schema_2,
    /* 2 -> 3: upload bookkeeping (docs/PROTOCOL.md). */
    outbox_schema_3,
};
enum { STORE_SCHEMA_VERSION = sizeof store_migrations / sizeof store_migrations[0] };


/* mkdir -p with mode 0700 for the directories it creates. */
static int store_mkdirs(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path) {
        errmsg(err, errlen, "%s: bad directory name", dir);
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST) {
            errmsg(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
            return -1;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        errmsg(err, errlen, "%s: not a directory", dir);
        return -1;
    }
    return 0;
}

static int store_exec_db(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        errmsg(err, errlen, "database: %s", msg ? msg : sqlite3_errmsg(db));
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

/* True for the SQLite results that say the file itself is damaged. */
static bool store_damage_rc(int rc)
{
    rc &= 0xFF;
    return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* True when rc (on db) comes from a full disk: SQLITE_FULL, or an I/O
 * error whose system error is ENOSPC or EDQUOT (making the -shm). */
static bool store_full_rc(sqlite3 *db, int rc)
{
    if ((rc & 0xFF) == SQLITE_FULL)
        return true;
    int e = db ? sqlite3_system_errno(db) : 0;
    return (rc & 0xFF) == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT);
}

/* Bring the schema to STORE_SCHEMA_VERSION, one transaction per step (the
 * version is re-read inside it, so two processes opening at once is fine).
 * An up-to-date schema is not written to, so a read-only file opens too.
 * On failure *code is the SQLite result that caused it. */
static int store_migrate(sqlite3 *db, int *code, char *err, size_t errlen)
{
    int64_t v = store_pragma_int(db, "PRAGMA user_version");
    if (v < 0) {
        *code = sqlite3_errcode(db);
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (v == STORE_SCHEMA_VERSION)
        return 0;
    for (;;) {
        if (store_exec_db(db, "BEGIN IMMEDIATE", err, errlen) < 0) {
            *code = sqlite3_errcode(db);
            return -1;
        }
        v = store_pragma_int(db, "PRAGMA user_version");
        if (v < 0 || v > STORE_SCHEMA_VERSION) {
            *code = v < 0 ? sqlite3_errcode(db) : SQLITE_ERROR;
            if (v < 0)
                errmsg(err, errlen, "database: %s", sqlite3_errmsg(db));
            else
                errmsg(err, errlen, "database schema version %lld is newer than this "
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
            *code = sqlite3_errcode(db);
            store_exec_db(db, "ROLLBACK", NULL, 0);
            return -1;
        }
    }
}

/* PRAGMA journal_mode=WAL: it answers with a row ("wal", or "delete" for
 * an immutable file). Returns SQLITE_ROW or the SQLite error. */
static int store_journal_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* Whether PATH-wal exists with something in it (true when that cannot be
 * told). An empty -wal holds no commits: a failed open may leave one. */
static bool store_has_wal(const char *path)
{
    char *wal = path ? sqlite3_mprintf("%s-wal", path) : NULL;
    struct stat st;
    bool gone = false;
    if (wal && stat(wal, &st) < 0)
        gone = errno == ENOENT;
    else if (wal)
        gone = S_ISREG(st.st_mode) && st.st_size == 0;
    sqlite3_free(wal);
    return !gone;
}

/* A WAL database on a read-only file system whose -wal and -shm are gone
 * (closed cleanly before the remount) cannot be opened normally: SQLite
 * cannot create the -shm. Nothing can change such a file, so it is opened
 * as immutable instead (read only, no locks, no WAL). Not when a -wal
 * exists: its commits would be ignored. Returns a new connection or NULL. */
static sqlite3 *store_open_immutable(const char *path)
{
    if (store_has_wal(path))
        return NULL;
    /* A URI: percent-encode what a URI path cannot hold as is. */
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 32), *o = uri;
    if (!uri)
        return NULL;
    o += sprintf(o, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++)
        if (*p <= ' ' || *p >= 0x7F || strchr("%?#", *p))
            o += sprintf(o, "%%%02X", *p);
        else
            *o++ = (char)*p;
    strcpy(o, "?immutable=1");
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK || store_journal_wal(db) != SQLITE_ROW) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* PRAGMA quick_check: the b-trees' structure, in one pass over the file
 * (no index cross-check). Returns SQLITE_OK, SQLITE_CORRUPT with the first
 * fault in err, or another SQLite error. */
static int store_quick_check(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        if (r && strcmp(r, "ok") == 0) {
            rc = SQLITE_OK;
        } else {
            errmsg(err, errlen, "quick_check: %s", r ? r : "no answer");
            for (char *p = err; p && *p; p++)   /* one line, for the log */
                if (*p == '\n')
                    *p = ' ';
            rc = SQLITE_CORRUPT;
        }
    } else {
        errmsg(err, errlen, "%s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* store_connect's work. `check` adds PRAGMA quick_check. On failure
 * *damaged tells whether the file itself is damaged (SQLITE_CORRUPT,
 * SQLITE_NOTADB, or a quick_check fault): err is then "PATH: what SQLite
 * says". */
static sqlite3 *store_connect_db(const char *dir, bool check, bool *damaged,
                                 char *err, size_t errlen)
{
    *damaged = false;
    if (err && errlen)
        err[0] = '\0';
    if (!dir || store_mkdirs(dir, err, errlen) < 0)
        return NULL;
    sqlite3 *db = NULL;
    char *path = sqlite3_mprintf("%s/kiosk.db", dir);
    bool had_wal = store_has_wal(path);
    int rc = path ? sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
                  : SQLITE_NOMEM;
    if (rc != SQLITE_OK) {
        errmsg(err, errlen, "%s: %s", path ? path : dir,
                  db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(db, 5000);
    /* "wal" unless the file system refuses. The first read of the file:
     * a header that is not SQLite's fails here (SQLITE_NOTADB). */
    rc = store_journal_wal(db);
    /* A read-only file system, or a full disk with no room for the -shm:
     * read the file as it is (docs/OPERATIONS.md, "When the disk is
     * full"); the kiosk opens it normally again once there is room. */
    if ((rc == SQLITE_CANTOPEN && sqlite3_db_readonly(db, "main") == 1) ||
        (rc != SQLITE_ROW && store_full_rc(db, rc))) {
        sqlite3 *ro = store_open_immutable(path);
        if (ro) {
            sqlite3_close(db);
            db = ro;
            sqlite3_busy_timeout(db, 5000);
            rc = SQLITE_ROW;
        }
    }
    if (rc != SQLITE_ROW) {
        *damaged = store_damage_rc(rc);
        errmsg(err, errlen, "%s: %s%s", path, sqlite3_errmsg(db),
                  store_full_rc(db, rc) ? " (the disk is full: free some space)" : "");
        goto fail;
    }
    /* secure_delete is per connection: every connection sets it, so pages
     * freed by any of them are zeroed (docs/OUTBOX.md). The schema count
     * makes SQLite read and parse the schema: a damaged one fails here. */
    char sub[256];
    int code = SQLITE_OK;
    if (store_exec_db(db, "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
                      " PRAGMA foreign_keys=ON;", sub, sizeof sub) < 0 ||
        store_pragma_int(db, "SELECT count(*) FROM sqlite_schema") < 0) {
        code = sqlite3_errcode(db);
        errmsg(sub, sizeof sub, "database: %s", sqlite3_errmsg(db));
    } else if (store_migrate(db, &code, sub, sizeof sub) == 0 && check) {
        code = store_quick_check(db, sub, sizeof sub);
    }
    if (code != SQLITE_OK) {
        *damaged = store_damage_rc(code);
        errmsg(err, errlen, "%s: %s", path, sub);
        goto fail;
    }
    sqlite3_free(path);
    return db;
fail:
    /* A damaged file is left as found: without this the last connection
     * to close would checkpoint its -wal into it and delete the -wal. A
     * -wal this connection made is empty: SQLite removes it on close. */
    if (db && *damaged && had_wal)
        sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    sqlite3_free(path);
    sqlite3_close(db);
    return NULL;
}

/* What every program but the kiosk says about a damaged file: the kiosk
 * alone moves it aside (docs/OPERATIONS.md). */
static void store_damage_advice(char *err, size_t errlen)
{
    size_t n = err ? strnlen(err, errlen) : 0;
    if (n + 1 < errlen)
        errmsg(err + n, errlen - n, " -- the database file is damaged; nothing was changed."
                  " The kiosk moves it aside and starts a fresh one when it next starts:"
                  " docs/OPERATIONS.md, \"When the database is damaged\"");
}

sqlite3 *store_connect(const char *dir, char *err, size_t errlen)
{
    bool damaged;
    sqlite3 *db = store_connect_db(dir, false, &damaged, err, errlen);
    if (!db && damaged)
        store_damage_advice(err, errlen);
    return db;
}

/* Move DIR/kiosk.db with its -wal and -shm to DIR/kiosk.db.corrupt-STAMP
 * (then "-wal", "-shm"), STAMP the local time YYYYMMDD-HHMMSS, with ".2",
 * ".3" ... when that name is taken: never over an existing file. The -wal
 * goes first, so a crash half-way never leaves the old -wal beside a new
 * kiosk.db. Returns 0 with the new name in `name`, or -1 and a message. */
static int store_move_aside(const char *dir, char name[STORE_MOVED_MAX], char *err,
                            size_t errlen)
{
    static const char *const suffix[] = {"-wal", "-shm", ""};
    LocalTime lt;
    time_local(time_now_ms() / 1000, &lt);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        errmsg(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    for (int n = 1; n < 100; n++) {
        int w = snprintf(name, STORE_MOVED_MAX, "kiosk.db.corrupt-%04d%02d%02d-%02d%02d%02d",
                         lt.year % 10000, lt.mon % 100, lt.mday % 100, lt.hour % 100,
                         lt.min % 100, lt.sec % 100);
        if (n > 1)
            snprintf(name + w, STORE_MOVED_MAX - (size_t)w, ".%d", n);
        bool taken = false;
        char src[32], dst[STORE_MOVED_MAX + 8];
        struct stat st;
        for (int i = 0; i < 3; i++) {
            snprintf(dst, sizeof dst, "%s%s", name, suffix[i]);
            taken = taken || fstatat(dfd, dst, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
        }
        if (taken)
            continue;
        for (int i = 0; i < 3; i++) {
            snprintf(src, sizeof src, "kiosk.db%s", suffix[i]);
            snprintf(dst, sizeof dst, "%s%s", name, suffix[i]);
            int rc = renameat2(dfd, src, dfd, dst, RENAME_NOREPLACE);
            if (rc < 0 && (errno == EINVAL || errno == ENOSYS))   /* no NOREPLACE here */
                rc = fstatat(dfd, dst, &st, AT_SYMLINK_NOFOLLOW) == 0 ? (errno = EEXIST, -1)
                                                                  : renameat(dfd, src, dfd, dst);
            if (rc < 0 && !(errno == ENOENT && suffix[i][0])) {
                errmsg(err, errlen, "cannot move %s/%s aside to %s: %s", dir, src, dst,
                          strerror(errno));
                close(dfd);
                return -1;
            }
        }
        fsync(dfd);   /* the new names on disk before a fresh kiosk.db is made */
        close(dfd);
        return 0;
    }
    errmsg(err, errlen, "cannot move %s/kiosk.db aside: too many damaged copies today", dir);
    close(dfd);
    return -1;
}

/* ---- One kiosk per data directory ---- */

/* Take DIR/STORE_LOCK_NAME (flock, exclusive, not waiting) and write our
 * pid in it for the message another kiosk gives. Returns the descriptor;
 * -2 when the file can neither be made nor opened because the file system
 * is read-only (nothing can be moved or written there, so there is nothing
 * to guard); -1 with a message when another process holds it or it cannot
 * be opened. */
static int store_lock_dir(const char *dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/" STORE_LOCK_NAME, dir) >= (int)sizeof path) {
        errmsg(err, errlen, "%s: directory name too long", dir);
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EROFS)
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == EROFS || errno == ENOENT)
            return -2;
        errmsg(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        char pid[24] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(fd);
        if (e == EWOULDBLOCK)
            errmsg(err, errlen, "another kiosk%s%s%s is already running on this data directory"
                      " (it holds %s); only one kiosk may use a data directory: stop the other"
                      " one first (systemctl stop lobby-kiosk)", pid[0] ? " (process " : "",
                      pid, pid[0] ? ")" : "", path);
        else
            errmsg(err, errlen, "cannot lock %s: %s", path, strerror(e));
        return -1;
    }
    char line[24];
    int n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)n, 0) != n) {
        /* A full disk: the lock holds all the same, only the pid is missing. */
    }
    return fd;
}

/* The process other than this one that has DIR/kiosk.db open through
 * SQLite, or 0 when none can be seen. Every connection in WAL mode holds a
 * read lock on byte 128 of the -shm (SQLite's "dead man switch") for as
 * long as it is open, and a connection in a transaction holds the
 * database file's shared range; F_GETLK names the holder. Must be called
 * while this process has no connection to the file: closing a descriptor
 * drops the POSIX locks the process holds on the file. */
static long store_other_user(const char *dir)
{
    static const struct { const char *suffix; off_t start, len; } where[] = {
        {"-shm", 128, 1},                        /* UNIX_SHM_DMS */
        {"", 0x40000000 + 2, 510},               /* SHARED_FIRST, SHARED_SIZE */
    };
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/kiosk.db%s", dir, where[i].suffix);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            continue;
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET,
                           .l_start = where[i].start, .l_len = where[i].len};
        long pid = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK ? (long)fl.l_pid : 0;
        close(fd);
        if (pid > 0 && pid != (long)getpid())
            return pid;
    }
    return 0;
}

/* ---- Whether the directory ever held data (docs/OPERATIONS.md) ---- */

static bool store_mark_exists(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/" STORE_DATA_MARK, dir);
    return lstat(path, &st) == 0;
}

/* 1 when the database holds content or a submission, 0 when neither, -1
 * when that cannot be read. */
static int store_has_data(sqlite3 *db)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM content) OR %s",
             outbox_schema_any_row);
    int64_t n = store_pragma_int(db, sql);
    return n < 0 ? -1 : n > 0;
}

void store_note_data(Store *s)
{
    if (!s || s->marked || !s->dir[0] || store_has_data(s->db) != 1)
        return;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/" STORE_DATA_MARK, s->dir);
    static const char text[] = "kiosk.db has held content or suggestions: if it is ever found"
                               " missing or empty, the kiosk raises database_lost"
                               " (docs/OPERATIONS.md)\n";
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;   /* a full or read-only disk: tried again at the next note */
    bool ok = write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1) && fsync(fd) == 0;
    close(fd);
    if (ok) {
        int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        s->marked = true;
    } else {
        unlink(path);
    }
}

bool store_lost(const Store *s)
{
    return s && s->lost;
}

/* ---- When the kiosk skips quick_check (docs/OPERATIONS.md) ---- */

/* What DIR/STORE_CLEAN_NAME holds: kiosk.db's identity as the kiosk's
 * clean close left it (after the last connection closed: no -wal), and when
 * the file last passed quick_check. Any write to the file since, by SQLite
 * or anything else, changes its size, mtime or ctime (ctime cannot be set
 * back by hand); a file renamed or replaced changes dev or inode. */
#define STORE_CLEAN_FMT "lobby-kiosk clean close v1 %llu %llu %lld %lld %ld %lld %ld %lld\n"

static int store_clean_line(const struct stat *st, int64_t checked_at, char *buf, size_t n)
{
    return snprintf(buf, n, STORE_CLEAN_FMT, (unsigned long long)st->st_dev,
                    (unsigned long long)st->st_ino, (long long)st->st_size,
                    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
                    (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec, (long long)checked_at);
}

/* True when DIR/STORE_CLEAN_NAME describes DIR/kiosk.db exactly as it is
 * now, no -wal is beside it, and its last quick_check is less than
 * STORE_CHECK_MAX_AGE_S old: the file is the one a check found sound,
 * changed since only by the kiosk that closed it cleanly. *checked_at is
 * then that check's time. */
static bool store_clean_stamp_ok(const char *dir, int64_t now_s, int64_t *checked_at)
{
    char path[PATH_MAX + 32], line[256], want[256];
    snprintf(path, sizeof path, "%s/" STORE_CLEAN_NAME, dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, line, sizeof line - 1);
    close(fd);
    if (n <= 0)
        return false;
    line[n] = '\0';
    unsigned long long a, b;
    long long c, d, f, at;
    long e, g;
    if (sscanf(line, STORE_CLEAN_FMT, &a, &b, &c, &d, &e, &f, &g, &at) != 8)
        return false;
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || store_has_wal(path))
        return false;
    store_clean_line(&st, at, want, sizeof want);
    if (strcmp(line, want) != 0 || at > now_s || now_s - at >= STORE_CHECK_MAX_AGE_S)
        return false;
    *checked_at = at;
    return true;
}

/* The kiosk's clean close: write DIR/STORE_CLEAN_NAME for the file as the
 * last connection left it. Not when a -wal is still there (another
 * program has it open): the next start checks. Not synced: SQLite synced
 * the file itself, and a stamp lost or cut short by a power cut only
 * means the next start checks (so does a full disk). */
static void store_write_clean_stamp(const char *dir, int64_t checked_at)
{
    char path[PATH_MAX + 32], line[256];
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    struct stat st;
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || store_has_wal(path))
        return;
    int n = store_clean_line(&st, checked_at, line, sizeof line);
    snprintf(path, sizeof path, "%s/" STORE_CLEAN_NAME, dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)n) != n) {
        close(fd);
        unlink(path);
        return;
    }
    close(fd);
}

static Store *store_open_mode(const char *dir, bool recover, char *err, size_t errlen)
{
    bool damaged;
    char why[sizeof ((Store *)0)->moved_why] = "", moved[STORE_MOVED_MAX] = "";
    if (err && errlen)
        err[0] = '\0';
    /* The kiosk: one per data directory, checked before anything is read. */
    int lock_fd = -1;
    if (recover) {
        if (!dir || store_mkdirs(dir, err, errlen) < 0)
            return NULL;
        if ((lock_fd = store_lock_dir(dir, err, errlen)) == -1)
            return NULL;
    }
    /* The kiosk checks the file unless its own clean close left it as it
     * is now (and the last check is recent); every other program always. */
    int64_t now_s = time_now_ms() / 1000, checked_at = now_s;
    bool check = !(recover && store_clean_stamp_ok(dir, now_s, &checked_at));
    if (recover) {
        /* Gone while the kiosk runs: after a crash the next start checks. */
        char clean[PATH_MAX + 32];
        snprintf(clean, sizeof clean, "%s/" STORE_CLEAN_NAME, dir);
        unlink(clean);
    }
    sqlite3 *db = store_connect_db(dir, check, &damaged, why, sizeof why);
    long other = !db && damaged && recover ? store_other_user(dir) : 0;
    if (other) {
        /* Never from under another program (kioskctl, a second kiosk
         * without the lock): its view may be sound, and it would write on. */
        errmsg(err, errlen, "%s -- the database file looks damaged, but another program"
                  " (process %ld) has it open, so nothing was moved: stop it and start the"
                  " kiosk again (docs/OPERATIONS.md, \"When the database is damaged\")",
                  why, other);
    } else if (!db && damaged && recover) {
        /* Once: a fresh file that is damaged too is not the file's fault. */
        char sub[300];
        if (store_move_aside(dir, moved, sub, sizeof sub) < 0) {
            errmsg(err, errlen, "%s -- the database file is damaged, and %s", why, sub);
            if (lock_fd >= 0)
                close(lock_fd);
            return NULL;
        }
        /* The fresh file starts empty on purpose: not a lost one. The mark
         * comes back with the next content or suggestion. */
        char mark[PATH_MAX];
        snprintf(mark, sizeof mark, "%s/" STORE_DATA_MARK, dir);
        unlink(mark);
        check = true;
        checked_at = now_s;
        db = store_connect_db(dir, true, &damaged, err, errlen);
    } else if (!db) {
        errmsg(err, errlen, "%s", why);
        if (damaged)
            store_damage_advice(err, errlen);
    }
    if (!db) {
        if (lock_fd >= 0)
            close(lock_fd);
        return NULL;
    }
    Store *s = calloc(1, sizeof *s);
    if (!s) {
        errmsg(err, errlen, "out of memory");
        sqlite3_close(db);
        if (lock_fd >= 0)
            close(lock_fd);
        return NULL;
    }
    s->db = db;
    s->lock_fd = lock_fd;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    /* Held data before, holds none now: a lost (emptied or deleted) file. */
    s->marked = store_mark_exists(dir);
    s->lost = s->marked && !moved[0] && store_has_data(db) == 0;
    store_note_data(s);
    s->seen_data_version = -1;
    s->readonly = sqlite3_db_readonly(db, "main") == 1;
    s->checked = check;
    s->checked_at = checked_at;
    s->sound = recover && !s->readonly;
    s->disk_full = s->readonly && store_free_bytes(dir) >= 0 &&
                   store_free_bytes(dir) < STORE_FULL_BYTES;
    if (moved[0]) {
        memcpy(s->moved, moved, sizeof moved);
        memcpy(s->moved_why, why, sizeof why);
    }
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &s->data_version, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "SELECT serial FROM content WHERE id = 1", -1,
                           &s->serial, NULL) != SQLITE_OK) {
        errmsg(err, errlen, "%s/kiosk.db: %s", dir, sqlite3_errmsg(s->db));
        store_close(s);
        return NULL;
    }
    return s;
}

Store *store_open(const char *dir, char *err, size_t errlen)
{
    return store_open_mode(dir, false, err, errlen);
}

Store *store_open_recover(const char *dir, char *err, size_t errlen)
{
    return store_open_mode(dir, true, err, errlen);
}

const char *store_recovered(const Store *s, const char **why)
{
    if (why)
        *why = s && s->moved[0] ? s->moved_why : NULL;
    return s && s->moved[0] ? s->moved : NULL;
}

bool store_checked(const Store *s)
{
    return s && s->checked;
}

bool store_readonly(const Store *s)
{
    return s && s->readonly;
}

void store_adopt_lock(Store *to, Store *from)
{
    if (!to || !from || to == from)
        return;
    if (to->lock_fd >= 0)
        close(to->lock_fd);
    to->lock_fd = from->lock_fd;
    from->lock_fd = -1;
}

int64_t store_free_bytes(const char *dir)
{
    struct statvfs v;
    if (!dir || statvfs(dir, &v) < 0)
        return -1;
    return (int64_t)((unsigned long long)v.f_bavail * v.f_frsize);
}

bool store_disk_full(const Store *s)
{
    return s && s->disk_full;
}

void store_close(Store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->data_version);
    sqlite3_finalize(s->serial);
    sqlite3_close(s->db);
    if (s->sound && s->lock_fd >= 0)   /* still the kiosk's (store_adopt_lock) */
        store_write_clean_stamp(s->dir, s->checked_at);
    if (s->lock_fd >= 0)
        close(s->lock_fd);   /* last: the database is closed */
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

    if (s->readonly) {
        errmsg(err, errlen, s->disk_full ? "database: the disk holding %s is full; free"
                  " some space; the stored content is unchanged" : "database: %s is read-only"
                  " (is its file system mounted read-only?); the stored content is unchanged",
                  sqlite3_db_filename(s->db, "main"));
        return -1;
    }
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
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
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
    store_note_data(s);
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
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(info->version, sizeof info->version, "%s", v ? (const char *)v : "");
        info->serial = sqlite3_column_int64(st, 1);
        info->imported_at = sqlite3_column_int64(st, 2);
    } else if (rc != SQLITE_DONE) {
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
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
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
        return NULL;
    }
    Content *c = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        c = content_parse(json, json ? (size_t)len : 0, err, errlen);
    } else if (rc != SQLITE_DONE) {
        errmsg(err, errlen, "database: %s", sqlite3_errmsg(s->db));
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

/* ---- Small persistent state (table uploader_state) ---- */

/* Look key up: 1 with the statement on its row (the caller reads and
 * finalizes it), 0 when there is no such key, -1 on errors. */
static int store_state_find(sqlite3 *db, const char *key, sqlite3_stmt **row)
{
    *row = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM uploader_state WHERE key = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *row = st;
        return 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_state_get_int(sqlite3 *db, const char *key, int64_t *out)
{
    sqlite3_stmt *st;
    int found = store_state_find(db, key, &st);
    if (found == 1) {
        *out = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return found;
}

int store_state_get_text(sqlite3 *db, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    sqlite3_stmt *st;
    int found = store_state_find(db, key, &st);
    if (found == 1) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", v ? (const char *)v : "");
        sqlite3_finalize(st);
    }
    return found;
}

static int store_state_set(sqlite3 *db, const char *key, const char *text, int64_t v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO uploader_state (key, value) VALUES (?1, ?2)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, v);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_state_set_int(sqlite3 *db, const char *key, int64_t v)
{
    return store_state_set(db, key, NULL, v);
}

int store_state_set_text(sqlite3 *db, const char *key, const char *v)
{
    return store_state_set(db, key, v ? v : "", 0);
}
