/* store.h - the kiosk's SQLite database (DIR/kiosk.db): schema and stored content.
 *
 * One Store owns one sqlite3 connection. Other capabilities (the outbox,
 * the uploader) open their own connections to the same file with
 * store_connect, which also brings the schema up to date. */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "content.h"

typedef struct Store Store;
struct sqlite3;

/* Open (creating if needed, with the directory, mode 0700) DIR/kiosk.db as
 * a new connection set up the way every part of the kiosk uses it: WAL,
 * synchronous=FULL, secure_delete=ON, foreign_keys=ON, a 5 s busy timeout,
 * and the schema migrated to the current version (all tables: content,
 * submissions, contacts, flags; docs/OUTBOX.md). The caller owns the
 * connection (sqlite3_close). Returns NULL and a message in err on failure,
 * also when the file's schema is newer than this program or the file is
 * damaged (as far as opening shows: a bad header or schema; store_open
 * checks further). It never moves or changes a damaged file. */
struct sqlite3 *store_connect(const char *dir, char *err, size_t errlen);

/* Returned by the import functions when the document itself is invalid
 * (bad JSON, schema error, too large), as opposed to -1 for I/O or
 * database failures. */
#define STORE_INVALID (-2)

/* Open (creating if needed) DIR/kiosk.db and its schema. The directory is
 * created if missing. Unlike store_connect it also runs PRAGMA quick_check
 * (one pass over the file: for a queue at its 20 MB default cap, a 64 MB
 * file, about 40 ms from the page cache and 0.5 s from a cold disk;
 * store_open_recover skips it when the kiosk's clean close vouches for the
 * file, see there). Returns NULL and a message in err on failure.
 *
 * A damaged file (SQLITE_CORRUPT or SQLITE_NOTADB while opening or
 * migrating, or a quick_check fault) is not written to, and its -wal is
 * neither checkpointed nor deleted (SQLite may rebuild the -shm index, and
 * leave an empty -wal and -shm where there were none): the message then
 * says so and points to docs/OPERATIONS.md, "When the database is damaged"
 * (store_connect too). Only the kiosk moves it aside, with
 * store_open_recover.
 *
 * On a read-only file system an up-to-date database still opens for
 * reading (store_readonly); when its -wal and -shm are gone, as after a
 * clean close, every connection opens it immutable (SQLite cannot create
 * the -shm there), so imports made after a remount read-write are seen only
 * after a restart. Writes fail with SQLITE_READONLY. */
Store *store_open(const char *dir, char *err, size_t errlen);
void store_close(Store *s);   /* NULL accepted */

/* As store_open, for the kiosk. First it takes DIR/STORE_LOCK_NAME (flock,
 * held until store_close): while another kiosk holds it, NULL with a message
 * naming that process; only one kiosk runs per data directory. (On a
 * read-only file system where the lock file cannot be made, none is taken:
 * nothing can be changed there.) A damaged file is closed and moved aside,
 * never deleted, unless another process still has it open (SQLite's locks
 * show it): then NULL with a message, and nothing is moved: DIR/kiosk.db becomes DIR/kiosk.db.corrupt-YYYYMMDD-HHMMSS
 * (local time; ".2", ".3" ... added when taken), its -wal and -shm follow
 * with the same name and their suffix (the -wal first), and the directory
 * is synced. Then the open is tried once more, on a fresh empty database.
 * Returns NULL and a message when the file cannot be moved (a read-only
 * file system) or the second open fails too. Writes nothing to stderr:
 * the caller tells staff (store_recovered). */
Store *store_open_recover(const char *dir, char *err, size_t errlen);

/* store_open_recover's quick_check policy. The kiosk's clean close
 * (store_close of its Store, the last connection closed, no -wal left)
 * writes DIR/STORE_CLEAN_NAME: kiosk.db's device, inode, size, mtime and
 * ctime (to the nanosecond) and when the file last passed quick_check.
 * The next store_open_recover skips quick_check only when that stamp
 * matches the file exactly, no -wal is beside it, and the last check is
 * less than STORE_CHECK_MAX_AGE_S old; it deletes the stamp before
 * anything else, so after a crash, a kill or a power cut the start after
 * checks. Anything that wrote the file since (an editor, a copy, a
 * truncate, dd) changed its ctime, which cannot be set back by hand; what
 * no stamp can see (a disk that rots a page behind the file system's
 * back) is found by the check at least every STORE_CHECK_MAX_AGE_S, and
 * by SQLite itself (SQLITE_CORRUPT) when the page is read. */
#define STORE_CLEAN_NAME "kiosk.db.clean-close"
#define STORE_CHECK_MAX_AGE_S (7 * 24 * 3600)

/* Whether PRAGMA quick_check ran at this open (store_open always;
 * store_open_recover unless the clean-close stamp vouched for the file). */
bool store_checked(const Store *s);

/* The kiosk's lock in the data directory (store_open_recover). */
#define STORE_LOCK_NAME "kiosk.lock"
/* Made in the data directory once its database holds content or a
 * submission; a database found empty later was lost (store_lost). */
#define STORE_DATA_MARK "kiosk.db.has-data"

/* The name (in the data directory) that store_open_recover moved a damaged
 * file to, or NULL when it moved nothing; *why (when why is not NULL) is
 * then what was wrong with it ("PATH: database disk image is malformed"),
 * else NULL. Owned by s. */
const char *store_recovered(const Store *s, const char **why);

/* True when DIR/STORE_DATA_MARK says the directory's database held
 * content or submissions before, and the one opened holds neither: the file
 * was emptied (truncate -s0) or deleted and a fresh one was made. Not after
 * store_open_recover moved a damaged file aside (store_recovered says so). */
bool store_lost(const Store *s);

/* Make DIR/STORE_DATA_MARK when the database holds content or a submission
 * and the mark is not there yet (a stat-free no-op once it is known to
 * exist). store_open and the imports call it; the kiosk also calls it
 * periodically, for suggestions made since it started. Failures (a full
 * disk) are left for the next call. */
void store_note_data(Store *s);

/* Below this many free bytes a database that opened read-only counts as on
 * a full disk (SQLite needs 32 KiB for the -shm, more for the -wal). */
#define STORE_FULL_BYTES (1024 * 1024)

/* True when the database opened read-only because its file system is full
 * (no room for the -shm: SQLite cannot open a WAL database normally). It
 * is then read as it is (immutable, as on a read-only file system), every
 * write fails, and opening again once there is room gives a normal one. */
bool store_disk_full(const Store *s);

/* Move the data directory's lock (store_open_recover) from `from` to `to`,
 * so `from` can be closed without letting another kiosk in. */
void store_adopt_lock(Store *to, Store *from);

/* Free bytes for an unprivileged user on the file system of dir, or -1. */
int64_t store_free_bytes(const char *dir);

/* True when the database could only be opened for reading (a read-only
 * file system): content reads work, every write fails. */
bool store_readonly(const Store *s);

/* Validate `json` and replace the stored content with it in one transaction
 * (the serial goes up by one). On any failure returns a negative value,
 * leaves the stored content as it was and writes a message (as
 * content_parse) into err: STORE_INVALID when the document is invalid, -1
 * on database errors. Returns 0 on success. */
int store_import_json(Store *s, const char *json, size_t len,
                      char *err, size_t errlen);
/* The same from a file (at most CONTENT_MAX_BYTES): STORE_INVALID also for
 * a file too large, -1 for a file that cannot be read. */
int store_import_file(Store *s, const char *path, char *err, size_t errlen);

/* Load the stored content, or NULL (err empty) when there is none yet, or
 * NULL with a message on error. Caller frees with content_free. */
Content *store_load_content(Store *s, char *err, size_t errlen);

/* A number that changes whenever the stored content changes, also when
 * another process imported it; 0 while there is none. Cheap enough to call
 * every few seconds (PRAGMA data_version skips the query when nothing was
 * committed). Returns -1 on error. */
int64_t store_content_serial(Store *s);

/* What is stored, without parsing it (for `kioskctl status`). */
typedef struct {
    char version[17];      /* as Content.version */
    int64_t serial;        /* as store_content_serial */
    int64_t imported_at;   /* Unix seconds */
} StoreContentInfo;
/* Returns 1 and fills `info` when content is stored, 0 (info zeroed) when
 * none is, -1 with a message on database errors. */
int store_content_info(Store *s, StoreContentInfo *info, char *err, size_t errlen);

/* Small persistent key/value state of the background work (table
 * uploader_state: the last batch time used, the content sync's ETag and
 * outcome), on any connection from store_connect, inside the caller's
 * transaction if one is open. The getters return 1 (found; *out set), 0
 * (no such key; a text's out ""), -1 on errors; the setters 0 or -1. */
int store_state_get_int(struct sqlite3 *db, const char *key, int64_t *out);
int store_state_get_text(struct sqlite3 *db, const char *key, char *out, size_t n);
int store_state_set_int(struct sqlite3 *db, const char *key, int64_t v);
int store_state_set_text(struct sqlite3 *db, const char *key, const char *v);

#endif
