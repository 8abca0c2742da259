/* test_receipt.c - receipt codes as secrets: normalising typed codes, the
 * Argon2id derivation (against the reference implementation's output),
 * sealing and opening reply boxes, tampering and wrong codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "outbox.h"
#include "receipt.h"

/* A 16-byte salt that is also text, so the reference CLI can take it. */
#define SALT_TEXT "lobby-kiosk-salt"

static const unsigned char *salt_a(void) { return (const unsigned char *)SALT_TEXT; }

static void derive(const char *raw, const unsigned char *salt, ReceiptKeys *k)
{
    assert_int_equal(receipt_derive(raw, salt, k), 0);
}

/* Seal, decode and open; returns the plaintext (caller frees). */
static char *round_trip(const ReceiptKeys *seal_with, const ReceiptKeys *open_with,
                        const char *text, size_t len, size_t *outlen)
{
    char *b64 = receipt_seal(seal_with, text, len);
    assert_non_null(b64);
    unsigned char *box;
    size_t boxlen;
    assert_int_equal(receipt_box_decode(b64, &box, &boxlen), 0);
    free(b64);
    char *plain = receipt_open(open_with, box, boxlen, outlen);
    free(box);
    return plain;
}

static void test_normalize(void **state)
{
    (void)state;
    static const char *const same[] = {
        "7KQ4M2XD", "7KQ4-M2XD", "7kq4-m2xd", " 7KQ4 M2XD ", "7KQ4_M2XD", "7KQ4.M2XD",
        "7KQ4\xe2\x80\x93M2XD",                                   /* en dash */
        "\xef\xbc\x97\xef\xbc\xab\xef\xbc\xb1\xef\xbc\x94\xef\xbc\x8d"
        "\xef\xbc\xad\xef\xbc\x92\xef\xbc\xb8\xef\xbc\xa4",       /* full-width, 7KQ4－M2XD */
        "7KQ4\xe3\x80\x80M2XD",                                   /* ideographic space */
    };
    char raw[RECEIPT_LEN + 1];
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (receipt_normalize(same[i], raw) != 0)
            fail_msg("\"%s\" was not read as a code", same[i]);
        assert_string_equal(raw, "7KQ4M2XD");
    }
    /* Look-alikes read as the symbols that stay. */
    assert_int_equal(receipt_normalize("hjkm-8zsb", raw), 0);
    assert_string_equal(raw, "HJKM8258");
    static const char *const bad[] = {
        "", "7KQ4-M2X", "7KQ4-M2XD2", "7KQ4-M2X0", "7KQ4-M2XO", "7KQ4-M2X1", "7KQ4-M2XI",
        "7KQ4-M2XL", "7KQ4/M2XD", "7KQ4M2X\xff", "7KQ4M2X\xc3", "7KQ4\xe4\xb8\xadM2XD",
        "7KQ4M2XD\xf0\x9f\x98\x80", "---", "7KQ4M2X\xef\xbc\x90",   /* full-width 0 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(raw, "XXXXXXXX", 9);
        if (receipt_normalize(bad[i], raw) != -1)
            fail_msg("\"%s\" was taken as a code (%s)", bad[i], raw);
        assert_string_equal(raw, "");
    }
    assert_int_equal(receipt_normalize(NULL, raw), -1);
    /* The outbox reads codes the same way. */
    assert_int_equal(outbox_parse_receipt("7kq4 m2xd", raw), 0);
    assert_string_equal(raw, "7KQ4M2XD");
    assert_string_equal(OUTBOX_RECEIPT_ALPHABET, RECEIPT_ALPHABET);

    char shown[RECEIPT_SHOWN_SIZE];
    receipt_format("7KQ4M2XD", shown);
    assert_string_equal(shown, "7KQ4-M2XD");
    receipt_format("7KQ", shown);
    assert_string_equal(shown, "7KQ");
    receipt_format("7KQ4M2XDAAAAAA", shown);
    assert_string_equal(shown, "7KQ4M2XDA");
}

/* The derivation is Argon2id with the documented parameters: the lookup and
 * key are the halves of what the reference implementation prints for
 *   echo -n 7KQ4M2XD | argon2 lobby-kiosk-salt -id -t 4 -k 16384 -p 1 -l 64 -r
 * (Debian package argon2). A change of parameters fails here first. */
static void test_derive_matches_reference(void **state)
{
    (void)state;
    ReceiptKeys k;
    derive("7KQ4M2XD", salt_a(), &k);
    char hex[2 * RECEIPT_LOOKUP_BYTES + 1];
    receipt_hex(k.lookup, sizeof k.lookup, hex);
    assert_string_equal(hex, "b482e80819dbc2c51e0d18502d73b74461adfc5ef4785111451f9549add1055a");
    receipt_hex(k.key, sizeof k.key, hex);
    assert_string_equal(hex, "229368774e1fe4cf30330bc132431389cae773093afeb01a6ee51ba9bc8372c5");
    /* Deterministic. */
    ReceiptKeys again;
    derive("7KQ4M2XD", salt_a(), &again);
    assert_memory_equal(&k, &again, sizeof k);
    receipt_wipe(&k);
    unsigned char zero[sizeof k] = {0};
    assert_memory_equal(&k, zero, sizeof k);
    receipt_wipe(NULL);
    receipt_wipe(&again);
}

static void test_derive_refuses_unnormalised(void **state)
{
    (void)state;
    static const char *const bad[] = {"7kq4m2xd", "7KQ4-M2XD", "7KQ4M2X", "7KQ4M2XD2", "7KQ4M2XO"};
    unsigned char zero[sizeof(ReceiptKeys)] = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ReceiptKeys k;
        memset(&k, 0xAA, sizeof k);
        assert_int_equal(receipt_derive(bad[i], salt_a(), &k), -1);
        assert_memory_equal(&k, zero, sizeof k);
    }
    ReceiptKeys k;
    assert_int_equal(receipt_derive(NULL, salt_a(), &k), -1);
}

static void test_round_trip(void **state)
{
    (void)state;
    ReceiptKeys k;
    derive("H3TN8WAC", salt_a(), &k);
    const char *text = "{\"status\":\"done\",\"reply\":{\"zh\":\"已处理\",\"en\":\"Fixed\"}}";
    size_t len;
    char *plain = round_trip(&k, &k, text, strlen(text), &len);
    assert_non_null(plain);
    assert_int_equal(len, strlen(text));
    assert_string_equal(plain, text);
    receipt_plain_free(plain, len);
    /* Lengths around the padding blocks, empty and the largest. */
    size_t lens[] = {0, 1, RECEIPT_BOX_BLOCK - 1, RECEIPT_BOX_BLOCK, RECEIPT_BOX_BLOCK + 1,
                     RECEIPT_PLAIN_MAX};
    char *big = malloc(RECEIPT_PLAIN_MAX + 1);
    assert_non_null(big);
    for (size_t i = 0; i <= RECEIPT_PLAIN_MAX; i++)
        big[i] = (char)('a' + i % 26);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        plain = round_trip(&k, &k, big, lens[i], &len);
        assert_non_null(plain);
        assert_int_equal(len, lens[i]);
        assert_memory_equal(plain, big, lens[i]);
        assert_int_equal(plain[len], '\0');
        receipt_plain_free(plain, len);
    }
    /* Too long to seal. */
    assert_null(receipt_seal(&k, big, RECEIPT_PLAIN_MAX + 1));
    free(big);
    /* Two seals of one text differ (random nonce) and say nothing of it. */
    char *a = receipt_seal(&k, text, strlen(text)), *b = receipt_seal(&k, text, strlen(text));
    assert_string_not_equal(a, b);
    assert_int_equal(strlen(a), strlen(b));
    free(a);
    free(b);
    receipt_plain_free(NULL, 0);
    receipt_wipe(&k);
}

/* Boxes of short and longer texts within one block are the same size. */
static void test_padding_hides_length(void **state)
{
    (void)state;
    ReceiptKeys k;
    derive("D9FX4RPM", salt_a(), &k);
    char *a = receipt_seal(&k, "{}", 2);
    const char *longer = "{\"status\":\"done\",\"reply\":{\"zh\":\"您反映的问题已处理\"}}";
    char *b = receipt_seal(&k, longer, strlen(longer));
    assert_int_equal(strlen(a), strlen(b));
    free(a);
    free(b);
    receipt_wipe(&k);
}

static void test_wrong_code_opens_nothing(void **state)
{
    (void)state;
    ReceiptKeys right, wrong, near;
    derive("7KQ4M2XD", salt_a(), &right);
    derive("2345ACDE", salt_a(), &wrong);
    derive("7KQ4M2XE", salt_a(), &near);   /* one symbol off */
    assert_memory_not_equal(right.lookup, wrong.lookup, RECEIPT_LOOKUP_BYTES);
    assert_memory_not_equal(right.lookup, near.lookup, RECEIPT_LOOKUP_BYTES);
    assert_memory_not_equal(right.key, near.key, RECEIPT_KEY_BYTES);
    assert_null(round_trip(&right, &wrong, "secret", 6, NULL));
    assert_null(round_trip(&right, &near, "secret", 6, NULL));
    /* The published lookup is not the key. */
    assert_memory_not_equal(right.lookup, right.key, RECEIPT_KEY_BYTES);
    receipt_wipe(&right);
    receipt_wipe(&wrong);
    receipt_wipe(&near);
}

static void test_lookup_differs_per_salt(void **state)
{
    (void)state;
    unsigned char s1[RECEIPT_SALT_BYTES], s2[RECEIPT_SALT_BYTES];
    assert_int_equal(receipt_new_salt(s1), 0);
    assert_int_equal(receipt_new_salt(s2), 0);
    assert_memory_not_equal(s1, s2, RECEIPT_SALT_BYTES);
    ReceiptKeys a, b;
    derive("7KQ4M2XD", s1, &a);
    derive("7KQ4M2XD", s2, &b);
    assert_memory_not_equal(a.lookup, b.lookup, RECEIPT_LOOKUP_BYTES);
    assert_memory_not_equal(a.key, b.key, RECEIPT_KEY_BYTES);
    /* A box of one feed does not open with the same code under another salt. */
    assert_null(round_trip(&a, &b, "secret", 6, NULL));
    receipt_wipe(&a);
    receipt_wipe(&b);
}

static void test_tampered_box_refused(void **state)
{
    (void)state;
    ReceiptKeys k;
    derive("QE6V2YKT", salt_a(), &k);
    const char *text = "{\"status\":\"declined\"}";
    char *b64 = receipt_seal(&k, text, strlen(text));
    unsigned char *box;
    size_t len;
    assert_int_equal(receipt_box_decode(b64, &box, &len), 0);
    free(b64);
    assert_int_equal(len, RECEIPT_BOX_MIN);
    /* One bit flipped anywhere: nonce, MAC, body, last byte. */
    size_t where[] = {0, RECEIPT_NONCE_BYTES - 1, RECEIPT_NONCE_BYTES, RECEIPT_NONCE_BYTES + 15,
                      RECEIPT_NONCE_BYTES + 16, len / 2, len - 1};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        box[where[i]] ^= 0x01;
        char *p = receipt_open(&k, box, len, NULL);
        if (p)
            fail_msg("a box altered at byte %zu opened", where[i]);
        box[where[i]] ^= 0x01;
    }
    /* Cut short or lengthened. */
    assert_null(receipt_open(&k, box, len - 1, NULL));
    assert_null(receipt_open(&k, box, RECEIPT_BOX_MIN - 1, NULL));
    assert_null(receipt_open(&k, NULL, len, NULL));
    size_t n;
    char *p = receipt_open(&k, box, len, &n);   /* untouched, it still opens */
    assert_non_null(p);
    assert_string_equal(p, text);
    receipt_plain_free(p, n);
    free(box);
    receipt_wipe(&k);
}

/* A box whose padding is not ISO/IEC 7816-4 is refused even when the MAC is right. */
static void test_bad_padding_refused(void **state)
{
    (void)state;
    ReceiptKeys k;
    derive("QE6V2YKT", salt_a(), &k);
    unsigned char box[RECEIPT_BOX_MIN], body[RECEIPT_BOX_BLOCK];
    memset(body, 'x', sizeof body);   /* no 0x80 marker at all */
    memset(box, 7, RECEIPT_NONCE_BYTES);
    assert_int_equal(crypto_secretbox_easy(box + RECEIPT_NONCE_BYTES, body, sizeof body, box, k.key), 0);
    assert_null(receipt_open(&k, box, sizeof box, NULL));
    receipt_wipe(&k);
}

static void test_box_decode_errors(void **state)
{
    (void)state;
    unsigned char *box = (unsigned char *)"x";
    size_t len = 9;
    assert_int_equal(receipt_box_decode("not base64!", &box, &len), -1);
    assert_null(box);
    assert_int_equal(len, 0);
    assert_int_equal(receipt_box_decode("", &box, &len), -1);
    assert_int_equal(receipt_box_decode(NULL, &box, &len), -1);
    /* The right length of text, but not base64. */
    _Static_assert(RECEIPT_BOX_MIN % 3 == 2, "one padding character");
    char text[(RECEIPT_BOX_MIN + 2) / 3 * 4 + 1];
    memset(text, 'A', sizeof text - 1);
    text[sizeof text - 2] = '=';
    text[sizeof text - 1] = '\0';
    assert_int_equal(receipt_box_decode(text, &box, &len), 0);   /* all zero bytes: well formed */
    assert_int_equal(len, RECEIPT_BOX_MIN);
    free(box);
    text[10] = '*';
    assert_int_equal(receipt_box_decode(text, &box, &len), -1);
    text[10] = 'A';
    text[sizeof text - 2] = '\0';   /* no longer a multiple of 4 */
    assert_int_equal(receipt_box_decode(text, &box, &len), -1);
    /* Wrong lengths: too short, not whole blocks (297 bytes), too long. */
    assert_int_equal(receipt_box_decode("AAAA", &box, &len), -2);
    text[sizeof text - 2] = 'A';
    assert_int_equal(receipt_box_decode(text, &box, &len), -2);
    size_t hn = (RECEIPT_BOX_MAX + 300) / 3 * 4;
    char *huge = malloc(hn + 1);
    memset(huge, 'A', hn);
    huge[hn] = '\0';
    assert_int_equal(receipt_box_decode(huge, &box, &len), -2);
    assert_null(box);
    free(huge);
}

static void test_hex(void **state)
{
    (void)state;
    unsigned char in[4] = {0x00, 0x7f, 0xab, 0xff}, out[4];
    char hex[9];
    receipt_hex(in, 4, hex);
    assert_string_equal(hex, "007fabff");
    assert_int_equal(receipt_unhex("007FABff", out, 4), 0);
    assert_memory_equal(in, out, 4);
    assert_int_equal(receipt_unhex("007fabf", out, 4), -1);
    assert_int_equal(receipt_unhex("007fabff00", out, 4), -1);
    assert_int_equal(receipt_unhex("007fabfg", out, 4), -1);
    assert_int_equal(receipt_unhex("007f ab f", out, 4), -1);
    assert_int_equal(receipt_unhex(NULL, out, 4), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_derive_matches_reference),
        cmocka_unit_test(test_derive_refuses_unnormalised),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_padding_hides_length),
        cmocka_unit_test(test_wrong_code_opens_nothing),
        cmocka_unit_test(test_lookup_differs_per_salt),
        cmocka_unit_test(test_tampered_box_refused),
        cmocka_unit_test(test_bad_padding_refused),
        cmocka_unit_test(test_box_decode_errors),
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
