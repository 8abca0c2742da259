/* office_secret.c - enrolment codes, device tokens and their hashes (libsodium). */
#include "office_secret.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(OFFICE_PW_HASH_SIZE == crypto_pwhash_STRBYTES, "password hash size");

static const char office_alphabet[] = "23456789ACDEFGHJKMNPQRTUVWXY";

void office_code_new(char out[OFFICE_CODE_SIZE])
{
    size_t n = sizeof office_alphabet - 1;
    for (int i = 0, j = 0; i < 8; i++) {
        if (i == 4)
            out[j++] = '-';
        out[j++] = office_alphabet[randombytes_uniform((uint32_t)n)];
    }
    out[OFFICE_CODE_LEN] = '\0';
}

bool office_code_normalise(const char *in, char out[OFFICE_CODE_SIZE])
{
    int n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (!strchr(office_alphabet, c) || c == '\0' || n >= 8)
            return false;
        out[n < 4 ? n : n + 1] = c;
        n++;
    }
    if (n != 8)
        return false;
    out[4] = '-';
    out[OFFICE_CODE_LEN] = '\0';
    return true;
}

void office_token_new(char out[OFFICE_TOKEN_SIZE])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, OFFICE_TOKEN_SIZE, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

void office_hash_hex(const void *data, size_t len, char out[OSTORE_HASH_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, OSTORE_HASH_HEX, h, sizeof h);
}

/* ---- staff passwords ---- */

static pthread_mutex_t office_pw_lock = PTHREAD_MUTEX_INITIALIZER;

int office_password_hash(char out[OFFICE_PW_HASH_SIZE], const char *pw)
{
    pthread_mutex_lock(&office_pw_lock);
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), OFFICE_PW_OPSLIMIT, OFFICE_PW_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13);
    pthread_mutex_unlock(&office_pw_lock);
    return rc == 0 ? 0 : -1;
}

bool office_password_verify(const char *hash, const char *pw)
{
    pthread_mutex_lock(&office_pw_lock);
    int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
    pthread_mutex_unlock(&office_pw_lock);
    return rc == 0;
}

bool office_password_outdated(const char *hash)
{
    /* "$argon2id$v=19$m=KIB,t=PASSES,p=LANES$...": only m matters here. */
    unsigned long m = 0;
    const char *p = strstr(hash, "$m=");
    return p && sscanf(p, "$m=%lu,", &m) == 1 && m > OFFICE_PW_MEMLIMIT / 1024u;
}
