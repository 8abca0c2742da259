/* export_sign.c - the kiosk's Ed25519 export signing key: made once, kept 0600 in the data directory, signs bundle manifests. */
#include "export_sign.h"
#include "afile.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_SIGN_CONTEXT "lobby-kiosk export manifest v2\n"

static int export_sign_from_seed(const char *b64, ExportSignKey *k)
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin(seed, sizeof seed, b64, strlen(b64), "\r\n", &n, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof seed || *end)
        return -1;
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    sodium_memzero(seed, sizeof seed);
    return 0;
}

/* Make a new key file; EEXIST when another process made one first. */
static int export_sign_make(const char *path, const char *data_dir, char *err, size_t errlen)
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    char line[sodium_base64_ENCODED_LEN(crypto_sign_SEEDBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
    randombytes_buf(seed, sizeof seed);
    sodium_bin2base64(line, sizeof line - 1, seed, sizeof seed, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(seed, sizeof seed);
    size_t len = strlen(line);
    line[len++] = '\n';
    int rc = afile_write(path, line, len, 0600, 1, err, errlen);
    int e = errno;
    sodium_memzero(line, sizeof line);
    if (rc < 0) {
        errno = e;
        return -1;
    }
    struct stat st;   /* made by root (sudo kioskctl): the kiosk's user must read it */
    if (geteuid() == 0 && stat(data_dir, &st) == 0 && st.st_uid != 0 &&
        chown(path, st.st_uid, st.st_gid) < 0) {
        snprintf(err, errlen, "%s: made, but cannot give it to the data directory's owner: %s",
                 path, strerror(errno));
        return -1;
    }
    return 0;
}

int export_sign_load(const char *data_dir, bool create, ExportSignKey *k, char *err,
                     size_t errlen)
{
    memset(k, 0, sizeof *k);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/" EXPORT_SIGN_FILE, data_dir) >= (int)sizeof path) {
        snprintf(err, errlen, "%s: name too long", data_dir);
        return -1;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        char why[PATH_MAX + 300];
        size_t len = 0;
        char *text = afile_read(path, 256, &len, why, sizeof why);
        if (text) {
            text[strcspn(text, "\r\n")] = '\0';
            int rc = export_sign_from_seed(text, k);
            sodium_memzero(text, len);
            free(text);
            if (rc < 0) {
                snprintf(err, errlen, "%s: not a signing key (damaged?); move it away and a"
                         " new one is made, then tell the office the new fingerprint", path);
                return -1;
            }
            return 0;
        }
        if (errno != ENOENT) {
            snprintf(err, errlen, "cannot read the export signing key: %s", why);
            return -1;
        }
        if (!create) {
            snprintf(err, errlen, "%s: no export signing key yet (made at enrolment or at the"
                     " first export)", path);
            return EXPORT_SIGN_NONE;
        }
        mkdir(data_dir, 0700);   /* the default place; fine if it exists */
        if (export_sign_make(path, data_dir, why, sizeof why) < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot make the export signing key: %s", why);
            return -1;
        }
        /* Made (or another process made it first): load what is there. */
    }
    snprintf(err, errlen, "%s: cannot be read back", path);
    return -1;
}

void export_sign_wipe(ExportSignKey *k)
{
    sodium_memzero(k, sizeof *k);
}

void export_sign_public_b64(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char *out)
{
    sodium_bin2base64(out, EXPORT_SIGN_KEY_B64 + 1, pk, crypto_sign_PUBLICKEYBYTES,
                      sodium_base64_VARIANT_ORIGINAL);
}

int export_sign_parse_public(const char *b64, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
    size_t n = 0;
    const char *end = NULL;
    if (!b64 || strlen(b64) != EXPORT_SIGN_KEY_B64 ||
        sodium_base642bin(pk, crypto_sign_PUBLICKEYBYTES, b64, EXPORT_SIGN_KEY_B64, NULL, &n,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        n != crypto_sign_PUBLICKEYBYTES || *end)
        return -1;
    return 0;
}

void export_sign_fingerprint(const unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                             char out[EXPORT_SIGN_FP_SIZE])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
    char hex[21];
    sodium_bin2hex(hex, sizeof hex, h, 10);
    snprintf(out, EXPORT_SIGN_FP_SIZE, "%.4s-%.4s-%.4s-%.4s-%.4s", hex, hex + 4, hex + 8,
             hex + 12, hex + 16);
}

bool export_sign_fingerprint_eq(const char *typed, const char *fp)
{
    const char *a = typed, *b = fp;
    for (;;) {
        while (*a == '-' || *a == ' ' || *a == ':')
            a++;
        while (*b == '-')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != *b)
            return false;
        a++;
        b++;
    }
}

/* The context and the manifest in one buffer (malloc'd), or NULL. */
static unsigned char *export_sign_message(const void *data, size_t len, size_t *n)
{
    size_t c = strlen(EXPORT_SIGN_CONTEXT);
    unsigned char *m = malloc(c + len + 1);
    if (!m)
        return NULL;
    memcpy(m, EXPORT_SIGN_CONTEXT, c);
    memcpy(m + c, data, len);
    *n = c + len;
    return m;
}

void export_sign_manifest(const ExportSignKey *k, const void *data, size_t len, char *out)
{
    unsigned char sig[crypto_sign_BYTES];
    size_t n = 0;
    unsigned char *m = export_sign_message(data, len, &n);
    if (!m) {
        out[0] = '\0';   /* verifies against nothing: the export's read-back fails */
        return;
    }
    crypto_sign_detached(sig, NULL, m, n, k->sk);
    free(m);
    sodium_bin2base64(out, EXPORT_SIGN_SIG_B64 + 1, sig, sizeof sig,
                      sodium_base64_VARIANT_ORIGINAL);
}

bool export_sign_verify(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], const void *data,
                        size_t len, const char *sig_b64)
{
    unsigned char sig[crypto_sign_BYTES];
    size_t sn = 0;
    const char *end = NULL;
    if (!sig_b64 || strlen(sig_b64) != EXPORT_SIGN_SIG_B64 ||
        sodium_base642bin(sig, sizeof sig, sig_b64, EXPORT_SIGN_SIG_B64, NULL, &sn, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || sn != sizeof sig || *end)
        return false;
    size_t n = 0;
    unsigned char *m = export_sign_message(data, len, &n);
    if (!m)
        return false;
    bool ok = crypto_sign_verify_detached(sig, m, n, pk) == 0;
    free(m);
    return ok;
}
