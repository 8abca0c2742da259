/* store.h - the kiosk's SQLite database (DIR/kiosk.db): schema and stored content.
 *
 * One Store owns one sqlite3 connection. Other capabilities (the outbox,
 * the uploader) open their own connections to the same file with
 * store_connect, which also brings the schema up to date. */
#ifndef STORE_H
#define STORE_H

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
 * also when the file's schema is newer than this program. */
struct sqlite3 *store_connect(const char *dir, char *err, size_t errlen);

/* Returned by the import functions when the document itself is invalid
 * (bad JSON, schema error, too large), as opposed to -1 for I/O or
 * database failures. */
#define STORE_INVALID (-2)

/* Open (creating if needed) DIR/kiosk.db and its schema. The directory is
 * created if missing. Returns NULL and a message in err on failure. */
Store *store_open(const char *dir, char *err, size_t errlen);
void store_close(Store *s);   /* NULL accepted */

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

#endif
