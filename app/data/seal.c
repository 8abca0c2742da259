/* seal.c - sealed boxes to the office's public key; the office key pair's files. */
#include "seal.h"
#include "afile.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(SEAL_KEY_BYTES == crypto_box_PUBLICKEYBYTES, "public key size");
_Static_assert(SEAL_KEY_BYTES == crypto_box_SECRETKEYBYTES, "secret key size");
_Static_assert(SEAL_OVERHEAD == crypto_box_SEALBYTES, "sealed box overhead");

#define SEAL_B64 sodium_base64_VARIANT_ORIGINAL

char *seal_base64(const unsigned char *data, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, SEAL_B64);
    char *out = malloc(n);
    if (out)
        sodium_bin2base64(out, n, data, len, SEAL_B64);
    return out;
}

/* Decode base64 of exactly `want` bytes (trailing line break allowed). */
static int seal_key_decode(const char *text, unsigned char *out, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, want, text, strlen(text), "\r\n", &got, &end, SEAL_B64) != 0 ||
        got != want || (end && *end))
        return -1;
    return 0;
}

int seal_keygen(const char *dir, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    char pub_path[PATH_MAX], key_path[PATH_MAX];
    if (snprintf(pub_path, sizeof pub_path, "%s/" SEAL_PUB_NAME, dir) >= (int)sizeof pub_path ||
        snprintf(key_path, sizeof key_path, "%s/" SEAL_KEY_NAME, dir) >= (int)sizeof key_path) {
        snprintf(err, errlen, "%s: name too long", dir);
        return -1;
    }
    SealSecret k;
    crypto_box_keypair(k.pk, k.sk);
    char pub[SEAL_KEY_B64 + 2], sec[SEAL_KEY_B64 + 2];
    sodium_bin2base64(pub, sizeof pub, k.pk, sizeof k.pk, SEAL_B64);
    sodium_bin2base64(sec, sizeof sec, k.sk, sizeof k.sk, SEAL_B64);
    seal_wipe(&k);
    strcat(pub, "\n");
    strcat(sec, "\n");
    int rc = -1;
    /* The secret first: a public key without its secret would be a trap. */
    if (afile_write(key_path, sec, strlen(sec), 0600, 1, err, errlen) == 0) {
        if (afile_write(pub_path, pub, strlen(pub), 0644, 1, err, errlen) == 0)
            rc = 0;
        else
            unlink(key_path);
    }
    sodium_memzero(sec, sizeof sec);
    return rc;
}

int seal_load_public(const char *spec, SealPublic *out, char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    if (!spec || !*spec) {
        snprintf(err, errlen, "no office public key given");
        return -1;
    }
    if (strlen(spec) == SEAL_KEY_B64 && seal_key_decode(spec, out->pk, SEAL_KEY_BYTES) == 0)
        return 0;
    size_t len;
    char *text = afile_read(spec, 256, &len, err, errlen);
    if (!text)
        return -1;
    int rc = seal_key_decode(text, out->pk, SEAL_KEY_BYTES);
    free(text);
    if (rc < 0)
        snprintf(err, errlen, "%s: not an office public key (one line of base64, from"
                 " kioskctl keygen)", spec);
    return rc;
}

int seal_load_secret(const char *path, SealSecret *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    size_t len;
    char *text = afile_read(path, 256, &len, err, errlen);
    if (!text)
        return -1;
    int rc = seal_key_decode(text, out->sk, SEAL_KEY_BYTES);
    sodium_memzero(text, len);
    free(text);
    if (rc < 0 || crypto_scalarmult_base(out->pk, out->sk) != 0) {
        snprintf(err, errlen, "%s: not an office secret key (one line of base64, from"
                 " kioskctl keygen)", path);
        seal_wipe(out);
        return -1;
    }
    return 0;
}

void seal_wipe(SealSecret *s)
{
    sodium_memzero(s, sizeof *s);
}

char *seal_to_base64(const SealPublic *pub, const void *data, size_t len)
{
    unsigned char *box = malloc(len + crypto_box_SEALBYTES);
    if (!box)
        return NULL;
    char *out = NULL;
    if (crypto_box_seal(box, data, len, pub->pk) == 0)
        out = seal_base64(box, len + crypto_box_SEALBYTES);
    free(box);
    return out;
}

char *seal_open_base64(const SealSecret *sec, const char *b64, size_t *len)
{
    size_t n = strlen(b64), got = 0;
    unsigned char *box = malloc(n / 4 * 3 + 3);
    if (!box)
        return NULL;
    const char *end = NULL;
    char *plain = NULL;
    if (sodium_base642bin(box, n / 4 * 3 + 3, b64, n, NULL, &got, &end, SEAL_B64) == 0 &&
        (!end || !*end) && got >= crypto_box_SEALBYTES &&
        (plain = malloc(got - crypto_box_SEALBYTES + 1)) != NULL &&
        crypto_box_seal_open((unsigned char *)plain, box, got, sec->pk, sec->sk) == 0) {
        plain[got - crypto_box_SEALBYTES] = '\0';
        if (len)
            *len = got - crypto_box_SEALBYTES;
    } else {
        free(plain);
        plain = NULL;
    }
    free(box);
    return plain;
}
