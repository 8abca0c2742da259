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

#endif
