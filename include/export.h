/* export.h - staff export of the queue to a USB drive, and opening a bundle at the office.
 *
 * A bundle is a directory DEST/lobby-kiosk-export-YYYY-MM-DD-XXXXXX/ with
 *   submissions.jsonl  one JSON object per submission (UTF-8)
 *   submissions.csv    the same for Excel: UTF-8 with BOM, RFC 4180 quoting, CRLF
 *   manifest.json      counts, byte sizes and SHA-256 of both files, kiosk
 *                      version, date, sealed flag, the satisfaction ratings
 *                      as counts by month and score and one by one with
 *                      their ids, and the kiosk's public signing key
 *   manifest.sig       the kiosk's Ed25519 signature of manifest.json's
 *                      exact bytes (export_sign.h; written last)
 * Ratings are not submissions of the two files: they hold no text, so the
 * manifest's counts carry all there is of them (docs/EXPORT.md).
 * Everything is written under NAME.partial, each file and the directory
 * fsync'ed, renamed to NAME, the parent fsync'ed, then every file is read
 * back from the drive by its final path and checked against the hashes.
 * Only then are the exported rows marked 'exported', in one transaction.
 * docs/OPERATIONS.md describes it for staff; the format is in docs/EXPORT.md. */
#ifndef EXPORT_H
#define EXPORT_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export_sign.h"
#include "outbox.h"
#include "seal.h"

#define EXPORT_PREFIX "lobby-kiosk-export-"
#define EXPORT_VERSION 2       /* 1: unsigned bundles of kiosks before signing */
#define EXPORT_MEDIA_ROOT "/media"

typedef struct {
    int64_t rows;              /* suggestions in the bundle's files */
    int64_t waiting, dead;     /* of which in each state before the export */
    int64_t sealed;            /* of which sealed */
    int64_t with_contact;
    int64_t ratings;           /* ratings counted in the manifest (export_run) */
    int64_t marked;            /* rows now marked exported, ratings too (export_run) */
    char bundle[PATH_MAX];     /* the bundle (or opened) directory; "" if none */
    int fail;                  /* EXPORT_FAIL_*: what went wrong when -1 was returned */
} ExportReport;

/* Why an export failed, for a sentence staff can act on (the message in
 * err says the details). */
enum {
    EXPORT_FAIL_NONE = 0,
    EXPORT_FAIL_NO_DRIVE,      /* no USB drive found (staff_export_to_drive) */
    EXPORT_FAIL_MANY_DRIVES,   /* more than one plugged in */
    EXPORT_FAIL_DRIVE,         /* the drive cannot be written, or it read back wrong */
    EXPORT_FAIL_QUEUE,         /* the kiosk's database could not be read */
    EXPORT_FAIL_MARKS,         /* the bundle is whole, but the rows could not be marked */
    EXPORT_FAIL_OTHER,
};

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
/* The same, saying in *count how many drives were found (0, 1 or more). */
int export_find_drives(const char *media_root, const char *data_dir, char *out, size_t n,
                       int *count, char *err, size_t errlen);

#define EXPORT_BAD_INPUT (-2)
#define EXPORT_UNSIGNED  (-3)

/* Who signed a bundle. */
typedef struct {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char public_key[EXPORT_SIGN_KEY_B64 + 1];   /* base64 */
    char fingerprint[EXPORT_SIGN_FP_SIZE];
} ExportSigner;

/* Check a bundle before anything in it is believed: manifest.json is this
 * format; manifest.sig is the signature of manifest.json's exact bytes by
 * the key the manifest names (and, when expect_fp is not NULL, that key
 * has this fingerprint: export_sign_fingerprint_eq); each data file's size
 * and SHA-256 are the manifest's. Returns 0 with *who filled and, when
 * `manifest` is not NULL, the parsed manifest in *manifest (the caller
 * decrefs it); EXPORT_BAD_INPUT when `bundle` is not a bundle;
 * EXPORT_UNSIGNED for a bundle of the unsigned version 1 (its data files
 * checked against its manifest all the same; *who zeroed; *manifest set);
 * -1 when a file is missing, or the bundle was changed or damaged after it
 * was signed, or signed by a key other than expect_fp: err says which. On
 * failure *manifest is NULL. */
int export_check_bundle(const char *bundle, const char *expect_fp, json_t **manifest,
                        ExportSigner *who, char *err, size_t errlen);

/* One submission record of a bundle's submissions.jsonl. */
typedef struct {
    OutboxRow row;       /* text and contact plain when it was opened (row.sealed false) */
    bool was_sealed;     /* it was sealed in the bundle */
    bool unreadable;     /* sealed, and the key does not open it, or what opens names
                            another record (id, receipt, topic, date; the contact's id):
                            row.text and row.contact are the sealed base64 */
    const char *line;    /* the record as in the file, without its line break */
    int lineno;
} ExportRecord;
typedef int (*ExportRecordFn)(const ExportRecord *r, void *ctx);

/* Call fn for each record of BUNDLE/submissions.jsonl in file order
 * (check the bundle first), opening sealed ones with `key` (NULL: every
 * sealed record is handed over unreadable). Everything handed over is
 * valid during the call only; opened text is wiped after it. Returns the
 * number of records; -1 with err set for a line that is not a record or
 * a read error; -2 when fn returned non-zero (its message is its own). */
int64_t export_each_record(const char *bundle, const SealSecret *key, ExportRecordFn fn,
                           void *ctx, char *err, size_t errlen);

typedef struct {
    const char *out_dir;       /* NULL: BUNDLE-opened */
    const char *expect_fp;     /* the signer's fingerprint must be this one; NULL: any */
    bool allow_unsigned;       /* open a version 1 bundle (no signature) all the same */
} ExportOpenOptions;

/* Office side: check the bundle (export_check_bundle), open the sealed
 * rows with the secret key file and write plain submissions.jsonl and
 * submissions.csv (same formats, "sealed": false) into the out_dir
 * (created if missing; existing files are not replaced). `opt` may be
 * NULL. Returns 0 with rep filled and *who (zeroed for an unsigned
 * bundle); EXPORT_BAD_INPUT with a message when the bundle, key or out_dir
 * given is wrong (not a bundle, not a key, the key does not open it);
 * EXPORT_UNSIGNED for an unsigned bundle without allow_unsigned; -1 when
 * the bundle is damaged or was changed after it was signed (a data file
 * or the manifest edited, another key, another kiosk's than expect_fp,
 * records that do not add up to its counts) or writing failed. On any
 * failure nothing is left behind: the files written are removed, and so
 * is out_dir when this call created it. */
int export_open_bundle(const char *bundle, const char *key_path, const ExportOpenOptions *opt,
                       ExportReport *rep, ExportSigner *who, char *err, size_t errlen);

#endif
