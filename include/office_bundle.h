/* office_bundle.h - `officectl import-bundle DIR`: a kiosk's USB bundle
 * (docs/EXPORT.md) into the office's database, as if it had been uploaded.
 *
 * The bundle is believed only when its manifest's signature holds, every
 * data file matches the manifest, and the signing key is one the office
 * recorded for a live kiosk (at enrolment, or by hand with --kiosk and
 * --trust for a kiosk never enrolled). Sealed submissions are opened with
 * the office key as uploads are; one that does not open is kept, flagged
 * unreadable. Submissions, contacts and ratings are stored under the same
 * idempotency keys as their uploads (the record's id, ID:contact, the
 * rating's id), so whatever was uploaded too, or imported before, is
 * stored once. All of a bundle is stored in one transaction, or nothing. */
#ifndef OFFICE_BUNDLE_H
#define OFFICE_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "office_conf.h"
#include "ostore.h"
#include "seal.h"

enum {
    OFFICE_BUNDLE_OK = 0,
    OFFICE_BUNDLE_FAIL = -1,      /* damaged or edited bundle, or the database failed */
    OFFICE_BUNDLE_REFUSED = -2,   /* not a bundle, unsigned, unknown kiosk, another key,
                                     a revoked kiosk, bad options */
};

typedef struct {
    const char *kiosk;      /* "COMMUNITY/NAME": the bundle must be this kiosk's; NULL: the
                               kiosk its key names */
    const char *trust_fp;   /* with kiosk: record the bundle's key as that kiosk's when its
                               fingerprint is this one (read off `kioskctl status`) */
} OfficeBundleOptions;

typedef struct {
    OstoreKiosk kiosk;                        /* whose bundle it is */
    char fingerprint[EXPORT_SIGN_FP_SIZE];    /* of its signing key */
    int key_recorded;                         /* --trust recorded the key now */
    int64_t suggestions, suggestions_new, unreadable;
    int64_t contacts, contacts_new;
    int64_t ratings, ratings_new;
} OfficeBundleReport;

/* Import the bundle `dir` into `s` at time `now`; `key` opens sealed rows
 * (NULL: sealing off; sealed rows are then kept unreadable). `opt` may be
 * NULL. Returns OFFICE_BUNDLE_OK with rep filled (the *_new counts: what
 * was not stored before), or OFFICE_BUNDLE_FAIL / OFFICE_BUNDLE_REFUSED
 * with one line for staff in err; nothing is stored then. */
int office_bundle_import(Ostore *s, const SealSecret *key, const char *dir,
                         const OfficeBundleOptions *opt, int64_t now, OfficeBundleReport *rep,
                         char *err, size_t errlen);

/* The command `officectl import-bundle DIR [--kiosk COMMUNITY/NAME [--trust
 * FINGERPRINT]]` with its arguments (after the command name): opens the
 * database `db` and the office key of `conf`, imports, prints what was
 * stored on stdout and why not on stderr. Returns the exit status: 0; 1
 * a damaged or edited bundle, or a failure; 2 bad usage, not a bundle, an
 * unsigned one, an unknown kiosk or key, a revoked kiosk. */
int office_bundle_cmd(const OfficeConf *conf, const char *db, int argc, char **argv,
                      int64_t now);

#endif
