/* export_priv.h - bundle files shared by export.c and export_open.c (core only). */
#ifndef EXPORT_PRIV_H
#define EXPORT_PRIV_H

#include "export.h"
#include "outbox.h"

#include <sodium.h>

#define EXPORT_JSONL "submissions.jsonl"
#define EXPORT_CSV   "submissions.csv"
#define EXPORT_MANIFEST "manifest.json"
#define EXPORT_SIG      "manifest.sig"
#define EXPORT_FORMAT "lobby-kiosk-export"

/* A file being written: every byte goes through SHA-256. */
typedef struct {
    int fd;
    int err;                       /* first errno, 0 if none */
    int64_t bytes;
    crypto_hash_sha256_state sha;
} ExportFile;

/* Create `path` (O_EXCL, mode 0644). Returns 0 or -1 with errno set. */
int export_file_open(ExportFile *f, const char *path);
/* Append; a failure is kept in f->err and later writes do nothing. */
void export_file_write(ExportFile *f, const void *data, size_t len);
/* fsync, drop the cached pages (so a read-back comes from the drive), close,
 * and give the hash in hex. Returns 0, or -1 with errno set (also for an
 * earlier write failure). */
int export_file_close(ExportFile *f, char hex[65]);

/* SHA-256 of a file read from disk, in hex; bytes read into *size. Returns 0 or -1 (errno). */
int export_sha256_path(const char *path, char hex[65], int64_t *size);

/* One record as a JSON Lines line / a CSV row (CRLF-terminated), malloc'd;
 * NULL when out of memory. The CSV header with the BOM is EXPORT_CSV_HEAD. */
char *export_jsonl_line(const OutboxRow *r);
char *export_csv_line(const OutboxRow *r);
#define EXPORT_CSV_HEAD "\xEF\xBB\xBFid,receipt,date,topic,lang,text,contact\r\n"

/* A message for staff about an I/O error while `doing` ("writing",
 * "reading back") `what` (a file name). */
void export_io_msg(char *err, size_t errlen, int e, const char *doing, const char *what);

#endif
