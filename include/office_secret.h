/* office_secret.h - the office's one-time enrolment codes and device
 * tokens: made with libsodium's random numbers, stored only as hashes. */
#ifndef OFFICE_SECRET_H
#define OFFICE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include "ostore.h"

/* "XXXX-XXXX": 8 symbols of the kiosk's receipt alphabet
 * 23456789ACDEFGHJKMNPQRTUVWXY (no 0/O, 1/I/L, B/8 to mix up when read
 * aloud), about 38 bits. */
#define OFFICE_CODE_LEN 9
#define OFFICE_CODE_SIZE (OFFICE_CODE_LEN + 1)
void office_code_new(char out[OFFICE_CODE_SIZE]);

/* A typed code made canonical: letters upper-cased, spaces and dashes
 * dropped, then "XXXX-XXXX". Returns false when it is not 8 symbols of the
 * alphabet. */
bool office_code_normalise(const char *in, char out[OFFICE_CODE_SIZE]);

/* A device token: 64 hex digits (32 random bytes). */
#define OFFICE_TOKEN_SIZE 65
void office_token_new(char out[OFFICE_TOKEN_SIZE]);

/* Hex SHA-256 of `len` bytes: how codes, tokens and bodies are stored. */
void office_hash_hex(const void *data, size_t len, char out[OSTORE_HASH_HEX]);

/* Staff passwords: Argon2id (libsodium's crypto_pwhash_str string) at
 * OFFICE_PW_OPSLIMIT passes over OFFICE_PW_MEMLIMIT bytes. The same work
 * per guess as libsodium's "interactive" preset (2 passes over 64 MiB) in
 * a quarter of its memory, above OWASP's Argon2id minimum (19 MiB x 2 or
 * 12 MiB x 3): one sign-in costs the office 16 MiB, not 64 (issue 13's
 * peak RSS). Every hash in the process runs under one lock, so a storm
 * of sign-ins holds one hash's memory at a time, not one per thread. */
#define OFFICE_PW_OPSLIMIT 8ULL
#define OFFICE_PW_MEMLIMIT (16u * 1024u * 1024u)
#define OFFICE_PW_HASH_SIZE 128   /* crypto_pwhash_STRBYTES */
/* The hash of `pw`; 0, or -1 when out of memory. */
int office_password_hash(char out[OFFICE_PW_HASH_SIZE], const char *pw);
/* Whether `pw` matches the stored string `hash` (any Argon2 parameters). */
bool office_password_verify(const char *hash, const char *pw);
/* Whether a stored hash takes more memory to check than OFFICE_PW_MEMLIMIT
 * (made before the office used it): sign-in then stores a new one. */
bool office_password_outdated(const char *hash);

#endif
