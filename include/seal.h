/* seal.h - sealed submissions: libsodium sealed boxes to the office's public key.
 *
 * A sealed box (crypto_box_seal: X25519 + XSalsa20-Poly1305 with a fresh
 * ephemeral key per message) can be opened only with the office's secret
 * key. The kiosk holds the public key alone, so once a submission is
 * sealed neither the kiosk nor anyone who takes its disk can read it.
 * Sealed data travels as standard base64 (with padding).
 *
 * Key files (made by `kioskctl keygen`, seal_keygen):
 *   office.pub  mode 0644  one line: base64 of the 32-byte public key
 *   office.key  mode 0600  one line: base64 of the 32-byte secret key
 * Config [staff] office_public_key takes either the public key itself (the
 * 44 base64 characters) or the path of office.pub. */
#ifndef SEAL_H
#define SEAL_H

#include <stdbool.h>
#include <stddef.h>

#define SEAL_KEY_BYTES  32
#define SEAL_OVERHEAD   48    /* crypto_box_SEALBYTES */
#define SEAL_KEY_B64    44    /* base64 characters of a key */
#define SEAL_PUB_NAME   "office.pub"
#define SEAL_KEY_NAME   "office.key"

typedef struct SealPublic {
    unsigned char pk[SEAL_KEY_BYTES];
} SealPublic;

typedef struct {
    unsigned char pk[SEAL_KEY_BYTES];
    unsigned char sk[SEAL_KEY_BYTES];
} SealSecret;

/* Make a new key pair and write DIR/office.pub and DIR/office.key (the
 * directory must exist). Refuses to replace an existing file of either
 * name (a lost secret key means bundles that can never be opened). Returns
 * 0, or -1 with a message in err (nothing left behind). */
int seal_keygen(const char *dir, char *err, size_t errlen);

/* The public key from `spec`: 44 base64 characters that decode to a key,
 * or else the path of a public key file. Returns 0, or -1 with a message. */
int seal_load_public(const char *spec, SealPublic *out, char *err, size_t errlen);

/* The secret key from its file (the public key is derived from it). Warns
 * nothing; refuses a file that is not exactly one key. Returns 0, or -1
 * with a message. Wipe with seal_wipe when done. */
int seal_load_secret(const char *path, SealSecret *out, char *err, size_t errlen);
void seal_wipe(SealSecret *s);

/* Seal `len` bytes to `pub`: a malloc'd NUL-terminated base64 string of
 * the box, or NULL when out of memory. */
char *seal_to_base64(const SealPublic *pub, const void *data, size_t len);

/* Open a base64 sealed box: a malloc'd buffer with the plaintext and a NUL
 * after it (*len excludes the NUL; len may be NULL), or NULL when the text
 * is not base64, the box was made for another key, or it was altered. */
char *seal_open_base64(const SealSecret *sec, const char *b64, size_t *len);

/* Base64 of `len` bytes (malloc'd), or NULL when out of memory. */
char *seal_base64(const unsigned char *data, size_t len);

#endif
