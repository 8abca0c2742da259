/* export.h - staff export of the queue to a USB drive, and opening a bundle at the office.
 *
 * A bundle is a directory DEST/lobby-kiosk-export-YYYY-MM-DD-XXXXXX/ with
 *   submissions.jsonl  one JSON object per submission (UTF-8)
 *   submissions.csv    the same for Excel: UTF-8 with BOM, RFC 4180 quoting, CRLF
 *   manifest.json      counts, byte sizes and SHA-256 of both files, kiosk
 *                      version, date, sealed flag, and the satisfaction
 *                      ratings as counts by month and score (written last)
 * Ratings are not submissions of the two files: they hold no text, so the
 * manifest's counts carry all there is of them (docs/EXPORT.md).
 * Everything is written under NAME.partial, each file and the directory
 * fsync'ed, renamed to NAME, the parent fsync'ed, then every file is read
 * back from the drive by its final path and checked against the hashes.
 * Only then are the exported rows marked 'exported', in one transaction.
 * docs/OPERATIONS.md describes it for staff; the format is in docs/EXPORT.md. */
#ifndef EXPORT_H
#define EXPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPORT_PREFIX "lobby-kiosk-export-"
#define EXPORT_MEDIA_ROOT "/media"

typedef struct {
    int64_t rows;              /* suggestions in the bundle's files */
    int64_t waiting, dead;     /* of which in each state before the export */
    int64_t sealed;            /* of which sealed */
    int64_t with_contact;
    int64_t ratings;           /* ratings counted in the manifest (export_run) */
    int64_t marked;            /* rows now marked exported, ratings too (export_run) */
    char bundle[PATH_MAX];     /* the bundle (or opened) directory; "" if none */
} ExportReport;

/* Called by export_run at each stage ("submissions.jsonl",
 * "submissions.csv", "manifest.json" before each file is written, "rename",
 * "verify"): for tests that pull the drive out mid-export. */
typedef void (*ExportHook)(const char *stage, void *ctx);

typedef struct {
    ExportHook hook;
    void *hook_ctx;
} ExportOptions;

/* Export every submission not yet handed on (waiting and dead) from the
 * database in data_dir (its own connection: callable from a worker
 * thread) into a new bundle in dest_dir, as described above. `opt` may be
 * NULL. Returns 0 with rep filled (rep->rows == 0, rep->ratings == 0 and no
 * bundle when there was nothing to export; a bundle may hold ratings only); -1 with a message for staff in err when anything
 * failed: then no rows were marked and no directory named like a finished
 * bundle was left (a NAME.partial may remain on a drive that was pulled
 * out). The one exception is said in err: the bundle was verified but the
 * database refused the marks; the rows are exported again next time. */
int export_run(const char *data_dir, const char *dest_dir, int64_t now_s,
               const ExportOptions *opt, ExportReport *rep, char *err, size_t errlen);

/* Find the USB drive: under media_root (NULL: /media), the directories
 * media_root/NAME and media_root/USER/NAME that are mount points (their
 * device differs from their parent's), writable, and not on the same
 * device as data_dir. Returns 0 with the one found in out; -1 with a
 * message when there is none, or more than one (naming them). */
int export_find_drive(const char *media_root, const char *data_dir, char *out, size_t n,
                      char *err, size_t errlen);

#define EXPORT_BAD_INPUT (-2)

/* Office side: check the bundle against its manifest, open the sealed rows
 * with the secret key file and write plain submissions.jsonl and
 * submissions.csv (same formats, "sealed": false) into out_dir (NULL:
 * BUNDLE-opened; created if missing; existing files are not replaced).
 * Returns 0 with rep filled; EXPORT_BAD_INPUT with a message when the
 * bundle, key or out_dir given is wrong (not a bundle, not a key, the key
 * does not open it); -1 when the bundle is damaged or writing failed.
 * On any failure nothing is left behind: the files written are removed,
 * and so is out_dir when this call created it. */
int export_open_bundle(const char *bundle, const char *key_path, const char *out_dir,
                       ExportReport *rep, char *err, size_t errlen);

#endif
