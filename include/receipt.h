/* receipt.h - receipt codes as secrets: normalising a typed code, deriving
 * its lookup key and reply key (Argon2id), sealing and opening a reply box.
 *
 * A receipt is 8 symbols of RECEIPT_ALPHABET (about 38 bits), shown as
 * XXXX-XXXX. The content feed never holds it. Instead, per reply:
 *
 *   out[64] = Argon2id(password = the 8 symbols, salt = the feed's 16-byte
 *                      reply_salt, RECEIPT_OPSLIMIT, RECEIPT_MEMLIMIT)
 *   lookup  = out[0..31]   published (hex) so the kiosk can find the entry
 *   key     = out[32..63]  never published: opens the entry's box
 *   box     = nonce (24 random bytes) || crypto_secretbox_easy(
 *                 sodium_pad(plaintext, RECEIPT_BOX_BLOCK), nonce, key)
 *
 * The padding hides the length of a reply to within RECEIPT_BOX_BLOCK
 * bytes. A wrong code gives another lookup, so nothing is found; a box that
 * was altered (or belongs to another code) does not open. The parameters
 * are part of the feed format (docs/CONTENT.md): changing them makes every
 * published lookup unfindable.
 *
 * Used by the kiosk ("Check a reply") and the office (publishing, the
 * public reply page). libsodium only. Every function returns its errors;
 * secrets on the stack are wiped before returning. */
#ifndef RECEIPT_H
#define RECEIPT_H

#include <stddef.h>

#define RECEIPT_ALPHABET     "23456789ACDEFGHJKMNPQRTUVWXY"
#define RECEIPT_LEN          8
#define RECEIPT_SHOWN_SIZE   10   /* "XXXX-XXXX" and its NUL */
#define RECEIPT_SALT_BYTES   16   /* crypto_pwhash_SALTBYTES */
#define RECEIPT_LOOKUP_BYTES 32
#define RECEIPT_KEY_BYTES    32   /* crypto_secretbox_KEYBYTES */
#define RECEIPT_SALT_HEX     (2 * RECEIPT_SALT_BYTES)
#define RECEIPT_LOOKUP_HEX   (2 * RECEIPT_LOOKUP_BYTES)

/* Argon2id cost, fixed by the format: 4 passes over 16 MiB. One derivation
 * takes 20 to 30 ms on the 2-core development machine (docs/CONTENT.md,
 * "Sealed replies"), so the kiosk may derive once per check on its UI
 * thread, while guessing codes against a feed costs an attacker as much
 * per guess. 16 MiB rather than more: the memory is really used, and the
 * kiosk's peak (about 40 MB) must stay under its 60 MB budget during a
 * check; the passes keep the time per guess. */
#define RECEIPT_OPSLIMIT     4ULL
#define RECEIPT_MEMLIMIT     (16u * 1024u * 1024u)

/* The box: nonce, MAC, then the plaintext padded to whole blocks. */
#define RECEIPT_NONCE_BYTES  24   /* crypto_secretbox_NONCEBYTES */
#define RECEIPT_MAC_BYTES    16   /* crypto_secretbox_MACBYTES */
#define RECEIPT_BOX_BLOCK    256
#define RECEIPT_PLAIN_MAX    (256u * 1024u)   /* largest plaintext sealed */
#define RECEIPT_BOX_MIN      (RECEIPT_NONCE_BYTES + RECEIPT_MAC_BYTES + RECEIPT_BOX_BLOCK)
#define RECEIPT_BOX_MAX      (RECEIPT_NONCE_BYTES + RECEIPT_MAC_BYTES + RECEIPT_PLAIN_MAX + \
                              RECEIPT_BOX_BLOCK)

/* The two halves of one derivation. Secret (the lookup alone is public):
 * wipe with receipt_wipe when done. */
typedef struct {
    unsigned char lookup[RECEIPT_LOOKUP_BYTES];
    unsigned char key[RECEIPT_KEY_BYTES];
} ReceiptKeys;

/* Read a code as a person types it: case is ignored; spaces, '-', '_',
 * '.', Unicode dashes and the ideographic space are separators; full-width
 * letters and digits (a Chinese input method's) count as their ASCII
 * selves; the look-alikes S, Z and B read as 5, 2 and 8. Writes the 8
 * symbols and a NUL into raw. Returns 0, or -1 when `typed` is not exactly
 * 8 symbols of the alphabet (raw is then an empty string). NULL gives -1. */
int receipt_normalize(const char *typed, char raw[RECEIPT_LEN + 1]);

/* "7KQ4M2XD" -> "7KQ4-M2XD". A raw code of another length is copied as it
 * is (cut to fit). */
void receipt_format(const char *raw, char out[RECEIPT_SHOWN_SIZE]);

/* A new random salt for a feed. Returns 0, or -1 when libsodium cannot
 * start. */
int receipt_new_salt(unsigned char salt[RECEIPT_SALT_BYTES]);

/* Derive the lookup and the key of a normalised code (8 symbols, as from
 * receipt_normalize) under `salt`. Slow on purpose (RECEIPT_OPSLIMIT,
 * RECEIPT_MEMLIMIT). Returns 0; -1 when `raw` is not a normalised code;
 * -2 when the derivation fails (out of memory or libsodium cannot start).
 * On error *out is zeroed. */
int receipt_derive(const char *raw, const unsigned char salt[RECEIPT_SALT_BYTES],
                   ReceiptKeys *out);

/* Zero the keys. NULL is accepted. */
void receipt_wipe(ReceiptKeys *k);

/* Zero n bytes (a code typed, a buffer) so that the compiler keeps the
 * writes (sodium_memzero). */
void receipt_zero(void *p, size_t n);

/* Seal `len` bytes (at most RECEIPT_PLAIN_MAX) with keys->key and a fresh
 * random nonce: a malloc'd NUL-terminated standard base64 (padded) string
 * of the box, or NULL when too long or out of memory. The padded copy of
 * the plaintext is wiped. */
char *receipt_seal(const ReceiptKeys *keys, const void *plain, size_t len);

/* Decode a base64 box (standard alphabet, padding required) into a new
 * buffer (*box, caller frees) and check its length: at least
 * RECEIPT_BOX_MIN, at most RECEIPT_BOX_MAX, and the nonce and MAC followed
 * by whole blocks. Returns 0; -1 when the text is not base64; -2 when the
 * length is wrong; -3 when out of memory. *box is NULL on error. */
int receipt_box_decode(const char *b64, unsigned char **box, size_t *len);

/* Open a decoded box with keys->key: a malloc'd copy of the plaintext with
 * a NUL after it (*plain_len excludes the NUL; may be NULL), or NULL when
 * the box does not open (another key, altered, bad padding) or out of
 * memory. Free with receipt_plain_free. */
char *receipt_open(const ReceiptKeys *keys, const unsigned char *box, size_t len,
                   size_t *plain_len);

/* Wipe `len` bytes of an opened plaintext and free it. NULL is accepted. */
void receipt_plain_free(char *plain, size_t len);

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void receipt_hex(const unsigned char *bin, size_t n, char *out);

/* Decode exactly 2n hex digits (either case, nothing else) into n bytes.
 * Returns 0, or -1 (out is then zeroed). */
int receipt_unhex(const char *hex, unsigned char *out, size_t n);

#endif
