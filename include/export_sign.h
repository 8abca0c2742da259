/* export_sign.h - the kiosk's export signing key: each kiosk signs the
 * manifest of every USB bundle it writes (docs/EXPORT.md, "Trust").
 *
 * The key is an Ed25519 key pair (libsodium crypto_sign) made on first
 * need in the kiosk's data directory as export.sign (mode 0600, owned like
 * the directory; one line: base64 of the 32-byte seed). It never leaves
 * the kiosk and is never printed. Its public half travels in every
 * bundle's manifest and in the enrolment request, so the office knows
 * which kiosk a bundle comes from; people compare keys by fingerprint.
 * A signature proves only that the bundle is unchanged since that key
 * signed it: who holds the key is for the office to know (enrolment, or a
 * fingerprint read off `kioskctl status`). */
#ifndef EXPORT_SIGN_H
#define EXPORT_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <sodium.h>

#define EXPORT_SIGN_FILE     "export.sign"
#define EXPORT_SIGN_KEY_B64  44     /* base64 characters of a public key */
#define EXPORT_SIGN_SIG_B64  88     /* base64 characters of a signature */
#define EXPORT_SIGN_FP_SIZE  25     /* "xxxx-xxxx-xxxx-xxxx-xxxx" and a NUL */

typedef struct {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
} ExportSignKey;

enum { EXPORT_SIGN_NONE = 1 };

/* Load DATA_DIR/export.sign. With `create`, a missing key is made (the
 * directory too, one level, 0700; when run as root the file is given to
 * the directory's owner, so the kiosk's service user can read it). Two
 * processes racing to make it end with the same key (the second loads the
 * first's). Returns 0; EXPORT_SIGN_NONE when it is missing and !create
 * (err says so); -1 with a message naming the file (unreadable, damaged,
 * cannot be written). Wipe with export_sign_wipe. */
int export_sign_load(const char *data_dir, bool create, ExportSignKey *k, char *err,
                     size_t errlen);
void export_sign_wipe(ExportSignKey *k);

/* The public key as base64 (standard, padded): out[EXPORT_SIGN_KEY_B64 + 1]. */
void export_sign_public_b64(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char *out);
/* Parse 44 base64 characters into a public key. Returns 0 or -1. */
int export_sign_parse_public(const char *b64, unsigned char pk[crypto_sign_PUBLICKEYBYTES]);

/* What people compare: the first 10 bytes of SHA-256 of the public key in
 * lower-case hex, in five groups of four ("3f0c-91ab-..."). */
void export_sign_fingerprint(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                             char out[EXPORT_SIGN_FP_SIZE]);
/* Whether a typed fingerprint names the same one as `fp` (case, spaces and
 * dashes do not matter). */
bool export_sign_fingerprint_eq(const char *typed, const char *fp);

/* Detached signature over `len` bytes of a manifest, as base64
 * (out[EXPORT_SIGN_SIG_B64 + 1]). What is signed is a fixed context string
 * followed by the bytes, so the key signs nothing else by accident. */
void export_sign_manifest(const ExportSignKey *k, const void *data, size_t len, char *out);
/* Whether `sig_b64` is pk's signature of those bytes. */
bool export_sign_verify(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], const void *data,
                        size_t len, const char *sig_b64);

#endif
