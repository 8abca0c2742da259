/* receipt.c - receipt codes as secrets: normalise, derive (Argon2id), seal and open reply boxes. */
#include "receipt.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "utf8.h"

_Static_assert(RECEIPT_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(RECEIPT_KEY_BYTES == crypto_secretbox_KEYBYTES, "key size");
_Static_assert(RECEIPT_NONCE_BYTES == crypto_secretbox_NONCEBYTES, "nonce size");
_Static_assert(RECEIPT_MAC_BYTES == crypto_secretbox_MACBYTES, "MAC size");
_Static_assert(sizeof(ReceiptKeys) == RECEIPT_LOOKUP_BYTES + RECEIPT_KEY_BYTES,
               "one 64-byte derivation");

#define RECEIPT_B64 sodium_base64_VARIANT_ORIGINAL

static int receipt_is_separator(long cp)
{
    return cp == ' ' || cp == '-' || cp == '_' || cp == '.' || cp == '\t' ||
           (cp >= 0x2010 && cp <= 0x2015) ||   /* hyphens and dashes */
           cp == 0x2212 ||                     /* minus sign */
           cp == 0x3000 ||                     /* ideographic space */
           cp == 0xFF0D || cp == 0xFF3F || cp == 0xFF0E;   /* full-width - _ . */
}

int receipt_normalize(const char *typed, char raw[RECEIPT_LEN + 1])
{
    size_t n = 0;
    raw[0] = '\0';
    if (!typed)
        return -1;
    const char *s = typed;
    size_t left = strlen(typed);
    while (left > 0) {
        size_t len = utf8_seq_len(s, left);   /* 0: not valid UTF-8 */
        unsigned u;
        if (len == 0)
            goto bad;
        utf8_decode(s, len, &u);
        long cp = (long)u;
        s += len;
        left -= len;
        if (receipt_is_separator(cp))
            continue;
        if (cp >= 0xFF01 && cp <= 0xFF5E)   /* full-width ASCII */
            cp -= 0xFEE0;
        if (cp >= 'a' && cp <= 'z')
            cp -= 'a' - 'A';
        cp = cp == 'S' ? '5' : cp == 'Z' ? '2' : cp == 'B' ? '8' : cp;
        if (n == RECEIPT_LEN || cp <= 0 || cp > 0x7F || !strchr(RECEIPT_ALPHABET, (int)cp))
            goto bad;
        raw[n++] = (char)cp;
    }
    if (n != RECEIPT_LEN)
        goto bad;
    raw[n] = '\0';
    return 0;
bad:
    sodium_memzero(raw, RECEIPT_LEN + 1);
    return -1;
}

void receipt_format(const char *raw, char out[RECEIPT_SHOWN_SIZE])
{
    size_t len = strnlen(raw, RECEIPT_SHOWN_SIZE);
    if (len != RECEIPT_LEN) {
        if (len >= RECEIPT_SHOWN_SIZE)
            len = RECEIPT_SHOWN_SIZE - 1;
        memcpy(out, raw, len);
        out[len] = '\0';
        return;
    }
    memcpy(out, raw, 4);
    out[4] = '-';
    memcpy(out + 5, raw + 4, 4);
    out[9] = '\0';
}

int receipt_new_salt(unsigned char salt[RECEIPT_SALT_BYTES])
{
    if (sodium_init() < 0)
        return -1;
    randombytes_buf(salt, RECEIPT_SALT_BYTES);
    return 0;
}

static int receipt_is_raw(const char *raw)
{
    if (!raw)
        return 0;
    for (size_t i = 0; i < RECEIPT_LEN; i++)
        if (!raw[i] || !strchr(RECEIPT_ALPHABET, raw[i]))
            return 0;
    return raw[RECEIPT_LEN] == '\0';
}

int receipt_derive(const char *raw, const unsigned char salt[RECEIPT_SALT_BYTES],
                   ReceiptKeys *out)
{
    sodium_memzero(out, sizeof *out);
    if (!receipt_is_raw(raw))
        return -1;
    if (sodium_init() < 0)
        return -2;
    unsigned char both[RECEIPT_LOOKUP_BYTES + RECEIPT_KEY_BYTES];
    int rc = crypto_pwhash(both, sizeof both, raw, RECEIPT_LEN, salt, RECEIPT_OPSLIMIT,
                           RECEIPT_MEMLIMIT, crypto_pwhash_ALG_ARGON2ID13);
    if (rc == 0) {
        memcpy(out->lookup, both, RECEIPT_LOOKUP_BYTES);
        memcpy(out->key, both + RECEIPT_LOOKUP_BYTES, RECEIPT_KEY_BYTES);
    }
    sodium_memzero(both, sizeof both);
    return rc == 0 ? 0 : -2;
}

void receipt_wipe(ReceiptKeys *k)
{
    if (k)
        sodium_memzero(k, sizeof *k);
}

void receipt_zero(void *p, size_t n)
{
    if (p && n)
        sodium_memzero(p, n);
}

char *receipt_seal(const ReceiptKeys *keys, const void *plain, size_t len)
{
    if (len > RECEIPT_PLAIN_MAX || sodium_init() < 0)
        return NULL;
    size_t cap = len + RECEIPT_BOX_BLOCK, padded = 0;
    unsigned char *buf = malloc(cap);
    unsigned char *box = malloc(RECEIPT_NONCE_BYTES + RECEIPT_MAC_BYTES + cap);
    char *out = NULL;
    if (buf && box) {
        if (len)
            memcpy(buf, plain, len);
        if (sodium_pad(&padded, buf, len, RECEIPT_BOX_BLOCK, cap) == 0) {
            randombytes_buf(box, RECEIPT_NONCE_BYTES);
            if (crypto_secretbox_easy(box + RECEIPT_NONCE_BYTES, buf, padded, box,
                                      keys->key) == 0) {
                size_t boxlen = RECEIPT_NONCE_BYTES + RECEIPT_MAC_BYTES + padded;
                size_t n = sodium_base64_encoded_len(boxlen, RECEIPT_B64);
                out = malloc(n);
                if (out)
                    sodium_bin2base64(out, n, box, boxlen, RECEIPT_B64);
            }
        }
        sodium_memzero(buf, cap);
    }
    free(buf);
    free(box);
    return out;
}

int receipt_box_decode(const char *b64, unsigned char **box, size_t *len)
{
    *box = NULL;
    *len = 0;
    if (!b64 || sodium_init() < 0)
        return -1;
    size_t n = strlen(b64);
    /* Judge the length before decoding: a huge string costs nothing. */
    if (n % 4 != 0 || n == 0)
        return -1;
    size_t most = n / 4 * 3;
    if (most < RECEIPT_BOX_MIN || most - 2 > RECEIPT_BOX_MAX)
        return strspn(b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") == n
                   ? -2 : -1;
    unsigned char *buf = malloc(most);
    if (!buf)
        return -3;
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(buf, most, b64, n, NULL, &got, &end, RECEIPT_B64) != 0 ||
        (end && *end)) {
        free(buf);
        return -1;
    }
    size_t body = got - RECEIPT_NONCE_BYTES - RECEIPT_MAC_BYTES;
    if (got < RECEIPT_BOX_MIN || got > RECEIPT_BOX_MAX || body % RECEIPT_BOX_BLOCK != 0) {
        free(buf);
        return -2;
    }
    *box = buf;
    *len = got;
    return 0;
}

char *receipt_open(const ReceiptKeys *keys, const unsigned char *box, size_t len,
                   size_t *plain_len)
{
    if (plain_len)
        *plain_len = 0;
    if (!box || len < RECEIPT_BOX_MIN || len > RECEIPT_BOX_MAX || sodium_init() < 0)
        return NULL;
    size_t padded = len - RECEIPT_NONCE_BYTES - RECEIPT_MAC_BYTES, unpadded = 0;
    unsigned char *buf = malloc(padded + 1);
    if (!buf)
        return NULL;
    if (crypto_secretbox_open_easy(buf, box + RECEIPT_NONCE_BYTES, len - RECEIPT_NONCE_BYTES,
                                   box, keys->key) != 0 ||
        sodium_unpad(&unpadded, buf, padded, RECEIPT_BOX_BLOCK) != 0) {
        sodium_memzero(buf, padded + 1);
        free(buf);
        return NULL;
    }
    sodium_memzero(buf + unpadded, padded + 1 - unpadded);   /* the padding */
    if (plain_len)
        *plain_len = unpadded;
    return (char *)buf;
}

void receipt_plain_free(char *plain, size_t len)
{
    if (!plain)
        return;
    sodium_memzero(plain, len);
    free(plain);
}

void receipt_hex(const unsigned char *bin, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, bin, n);
}

int receipt_unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t got = 0;
    const char *end = NULL;
    if (!hex || strlen(hex) != 2 * n ||
        sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, &end) != 0 || got != n ||
        (end && *end)) {
        memset(out, 0, n);
        return -1;
    }
    return 0;
}
