/* test_replyfeed.c - the sealed form of replies: a feed with several sealed
 * replies reveals no receipt and no reply, yet the kiosk opens each one with
 * its code; the writer's errors; a whole document sealed as kioskctl does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "receipt.h"
#include "replyfeed.h"
#include "tmpdir.h"

#define SAMPLE "assets/content/sample.json"
#define DOC_HEAD "{\"site\":{\"name\":{\"zh\":\"翠湖花园\"}},\"notices\":[],\"events\":[],\"channels\":[],"

static const ReplyFeedItem items[] = {
    {"7KQ4-M2XD", REPLY_DONE, "五号楼地下车库的灯管已全部更换", "Every tube in the Building 5 car park was replaced", 1796000000},
    {"H3TN-8WAC", REPLY_IN_PROGRESS, "三号楼屋顶防水工程下周开工", "Roof waterproofing of Building 3 starts next week", 1796010000},
    {"D9FX-4RPM", REPLY_RECEIVED, NULL, NULL, 1796020000},
    {"QE6V-2YKT", REPLY_DECLINED, "收费充电桩须经业主大会表决", "Paid charging posts need a vote of the owners", 1796030000},
    {"2345-ACDE", REPLY_DONE, "东门路灯已修复", NULL, 1796040000},
};
enum { N_ITEMS = sizeof items / sizeof items[0] };

static void salt_of(unsigned char salt[RECEIPT_SALT_BYTES], unsigned char seed)
{
    for (int i = 0; i < RECEIPT_SALT_BYTES; i++)
        salt[i] = (unsigned char)(seed + i * 7);
}

/* A content document around a sealed replies array. Caller frees. */
static char *feed_doc(const char *arr, const unsigned char salt[RECEIPT_SALT_BYTES])
{
    char hex[RECEIPT_SALT_HEX + 1];
    receipt_hex(salt, RECEIPT_SALT_BYTES, hex);
    size_t n = strlen(arr) + 400;
    char *d = malloc(n);
    assert_non_null(d);
    snprintf(d, n, DOC_HEAD "\"reply_salt\":\"%s\",\"replies\":%s}", hex, arr);
    return d;
}

/* Fails when `needle` (any bytes) is somewhere in `hay`. */
static void absent(const char *hay, size_t len, const void *needle, size_t nlen, const char *what)
{
    if (nlen == 0 || nlen > len)
        return;
    for (size_t i = 0; i + nlen <= len; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            fail_msg("the feed reveals %s at byte %zu", what, i);
}

/* Every UTF-8 character sequence of 2 characters or more of `s` (ASCII
 * words of 4 letters or more) is absent from `hay`. */
static void text_absent(const char *hay, size_t len, const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    /* The whole text, and each window of 6 bytes (two Chinese characters). */
    absent(hay, len, s, n, s);
    for (size_t i = 0; i + 6 <= n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            char w[7];
            memcpy(w, s + i, 6);
            w[6] = '\0';
            if (strspn(w, " ") == 0 && strchr(w, ' ') == NULL)
                absent(hay, len, w, 6, w);
        }
}

static void test_feed_reveals_no_reply(void **state)
{
    (void)state;
    unsigned char salt[RECEIPT_SALT_BYTES];
    salt_of(salt, 1);
    char err[300];
    char *arr = replyfeed_seal(items, N_ITEMS, salt, err, sizeof err);
    if (!arr)
        fail_msg("%s", err);
    char *d = feed_doc(arr, salt);
    size_t len = strlen(d);

    /* No receipt in any spelling, no reply text, no status, no date. */
    for (size_t i = 0; i < N_ITEMS; i++) {
        char raw[RECEIPT_LEN + 1], shown[RECEIPT_SHOWN_SIZE], lower[RECEIPT_LEN + 1];
        assert_int_equal(receipt_normalize(items[i].receipt, raw), 0);
        receipt_format(raw, shown);
        for (int k = 0; k <= RECEIPT_LEN; k++)
            lower[k] = (char)(raw[k] >= 'A' && raw[k] <= 'Z' ? raw[k] + 32 : raw[k]);
        absent(d, len, raw, RECEIPT_LEN, raw);
        absent(d, len, shown, strlen(shown), shown);
        absent(d, len, lower, RECEIPT_LEN, lower);
        text_absent(d, len, items[i].reply_zh);
        text_absent(d, len, items[i].reply_en);
    }
    /* (Words of 6 characters or more: a shorter one may turn up in random base64.) */
    static const char *const words[] = {"status", "declined", "in_progress", "received",
                                        "updated_at", "receipt", "reply\"", "2026-"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        absent(d, len, words[i], strlen(words[i]), words[i]);

    /* Each entry is a lookup and an opaque box, nothing else; boxes decode
     * to random-looking bytes that hold no text of any reply. */
    json_error_t je;
    json_t *root = json_loads(d, 0, &je);
    assert_non_null(root);
    json_t *replies = json_object_get(root, "replies");
    assert_int_equal(json_array_size(replies), N_ITEMS);
    size_t box_len0 = 0;
    for (size_t i = 0; i < N_ITEMS; i++) {
        json_t *e = json_array_get(replies, i);
        assert_int_equal(json_object_size(e), 2);
        const char *lookup = json_string_value(json_object_get(e, "lookup"));
        const char *b64 = json_string_value(json_object_get(e, "box"));
        assert_non_null(lookup);
        assert_non_null(b64);
        assert_int_equal(strlen(lookup), RECEIPT_LOOKUP_HEX);
        unsigned char *box;
        size_t blen;
        assert_int_equal(receipt_box_decode(b64, &box, &blen), 0);
        for (size_t k = 0; k < N_ITEMS; k++) {
            text_absent((const char *)box, blen, items[k].reply_zh);
            text_absent((const char *)box, blen, items[k].reply_en);
            absent((const char *)box, blen, "status", 6, "status inside a box");
        }
        /* Opaque: no byte value dominates (a plaintext would be mostly
         * ASCII letters and quotes). */
        size_t hist[256] = {0}, ascii = 0;
        for (size_t k = 0; k < blen; k++) {
            hist[box[k]]++;
            ascii += box[k] >= 0x20 && box[k] < 0x7f;
        }
        for (int v = 0; v < 256; v++)
            assert_true(hist[v] < blen / 16);
        assert_true(ascii < blen * 6 / 10);   /* random bytes: about 37% */
        /* All these replies fit one 256-byte block: the boxes are the same size. */
        if (i == 0)
            box_len0 = blen;
        assert_int_equal(blen, box_len0);
        free(box);
        /* Sorted by lookup, not in the office's order. */
        if (i > 0)
            assert_true(strcmp(json_string_value(json_object_get(json_array_get(replies, i - 1),
                                                                 "lookup")), lookup) < 0);
    }
    json_decref(root);

    /* Yet with its code, the kiosk opens each. */
    Content *c = content_parse(d, len, err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    for (size_t i = 0; i < N_ITEMS; i++) {
        Reply *r;
        assert_int_equal(content_open_reply(c, items[i].receipt, &r), CONTENT_REPLY_FOUND);
        assert_int_equal(r->status, items[i].status);
        assert_int_equal(r->updated_at, items[i].updated_at);
        assert_string_equal(ltext(&r->reply, LANG_ZH), items[i].reply_zh ? items[i].reply_zh : "");
        assert_string_equal(ltext(&r->reply, LANG_EN),
                            items[i].reply_en ? items[i].reply_en
                                              : items[i].reply_zh ? items[i].reply_zh : "");
        content_reply_free(r);
    }
    content_free(c);
    free(d);
    free(arr);
}

/* A new salt makes every lookup new: the same replies under two salts share none. */
static void test_salt_changes_every_lookup(void **state)
{
    (void)state;
    unsigned char s1[RECEIPT_SALT_BYTES], s2[RECEIPT_SALT_BYTES];
    salt_of(s1, 1);
    salt_of(s2, 2);
    char err[300];
    char *a = replyfeed_seal(items, 2, s1, err, sizeof err);
    char *b = replyfeed_seal(items, 2, s2, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    json_t *ja = json_loads(a, 0, NULL), *jb = json_loads(b, 0, NULL);
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++)
            assert_string_not_equal(
                json_string_value(json_object_get(json_array_get(ja, i), "lookup")),
                json_string_value(json_object_get(json_array_get(jb, j), "lookup")));
    /* And a feed under one salt read with another finds nothing. */
    char *d = feed_doc(a, s2);
    Content *c = content_parse(d, strlen(d), err, sizeof err);
    assert_non_null(c);
    Reply *r;
    assert_int_equal(content_open_reply(c, items[0].receipt, &r), CONTENT_REPLY_NONE);
    content_free(c);
    free(d);
    json_decref(ja);
    json_decref(jb);
    free(a);
    free(b);
}

static void test_seal_errors(void **state)
{
    (void)state;
    unsigned char salt[RECEIPT_SALT_BYTES];
    salt_of(salt, 3);
    char err[300];
    ReplyFeedItem bad[2] = {items[0], items[1]};
    bad[1].receipt = "7KQ4-M2X0";
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_non_null(strstr(err, "items[1].receipt: not a receipt code"));
    bad[1].receipt = "7kq4m2xd";   /* the same code as items[0], typed otherwise */
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_string_equal(err, "items[1].receipt: duplicate receipt (also items[0])");
    bad[1] = items[1];
    bad[1].reply_zh = "   ";
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_non_null(strstr(err, "items[1].box.reply.zh: empty"));
    bad[1].reply_zh = "\xff\xfe";
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_non_null(strstr(err, "items[1]."));
    char *longtext = malloc(CONTENT_MAX_BODY + 2);
    memset(longtext, 'x', CONTENT_MAX_BODY + 1);
    longtext[CONTENT_MAX_BODY + 1] = '\0';
    bad[1] = items[1];
    bad[1].reply_en = longtext;
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_non_null(strstr(err, "items[1].box.reply.en: too long"));
    free(longtext);
    bad[1] = items[1];
    bad[1].status = REPLY_STATUS_COUNT;
    assert_null(replyfeed_seal(bad, 2, salt, err, sizeof err));
    assert_non_null(strstr(err, "items[1].status"));
    assert_null(replyfeed_seal(items, CONTENT_MAX_REPLIES + 1, salt, err, sizeof err));
    assert_non_null(strstr(err, "too many replies"));
    /* None is an empty array. */
    char *empty = replyfeed_seal(items, 0, salt, err, sizeof err);
    assert_non_null(empty);
    assert_string_equal(empty, "[]");
    free(empty);
}

/* kioskctl seal-replies' path: the sample with its plain replies in, a sealed
 * document out that keeps every other part and opens with each code. */
static void test_seal_document(void **state)
{
    (void)state;
    unsigned char salt[RECEIPT_SALT_BYTES];
    salt_of(salt, 4);
    char err[400];
    const char *plain = DOC_HEAD "\"replies\":[{\"receipt\":\"7KQ4-M2XD\",\"status\":\"done\","
                        "\"updated_at\":\"2026-11-27T16:30:00+08:00\",\"reply\":{\"zh\":\"灯已修好\"}}],"
                        "\"board\":[],\"extra\":{\"kept\":true}}";
    char *out = replyfeed_seal_document(plain, strlen(plain), NULL, salt, err, sizeof err);
    if (!out)
        fail_msg("%s", err);
    assert_null(strstr(out, "7KQ4"));
    assert_null(strstr(out, "灯已修好"));
    assert_non_null(strstr(out, "\"kept\": true"));
    /* reply_salt comes just before replies, the other keys keep their order. */
    const char *keys[] = {"\"site\"", "\"notices\"", "\"events\"", "\"channels\"", "\"reply_salt\"",
                          "\"replies\"", "\"board\"", "\"extra\""};
    const char *at = out;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *p = strstr(at, keys[i]);
        if (!p)
            fail_msg("%s missing or out of order in\n%s", keys[i], out);
        at = p;
    }
    Content *c = content_parse(out, strlen(out), err, sizeof err);
    assert_non_null(c);
    Reply *r;
    assert_int_equal(content_open_reply(c, "7KQ4M2XD", &r), CONTENT_REPLY_FOUND);
    assert_string_equal(ltext(&r->reply, LANG_ZH), "灯已修好");
    content_reply_free(r);
    content_free(c);
    /* Sealed already: refused, unless new replies are given. */
    char *again = replyfeed_seal_document(out, strlen(out), NULL, salt, err, sizeof err);
    assert_null(again);
    assert_non_null(strstr(err, "sealed already"));
    again = replyfeed_seal_document(out, strlen(out),
                                    "[{\"receipt\":\"H3TN8WAC\",\"status\":\"received\","
                                    "\"updated_at\":\"2026-11-30T10:00:00+08:00\"}]",
                                    salt, err, sizeof err);
    if (!again)
        fail_msg("%s", err);
    c = content_parse(again, strlen(again), err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->n_sealed, 1);
    assert_int_equal(content_open_reply(c, "7KQ4M2XD", &r), CONTENT_REPLY_NONE);
    assert_int_equal(content_open_reply(c, "H3TN8WAC", &r), CONTENT_REPLY_FOUND);
    content_reply_free(r);
    content_free(c);
    free(again);
    free(out);
    /* Bad input names the place. */
    out = replyfeed_seal_document(plain, strlen(plain), "[{\"receipt\":\"7KQ4\"}]", salt, err,
                                  sizeof err);
    assert_null(out);
    assert_non_null(strstr(err, "replies[0].receipt"));
    out = replyfeed_seal_document(plain, strlen(plain), "{\"receipt\":1}", salt, err, sizeof err);
    assert_null(out);
    assert_non_null(strstr(err, "expected an array"));
    out = replyfeed_seal_document("{}", 2, NULL, salt, err, sizeof err);
    assert_null(out);
    assert_non_null(strstr(err, "site"));
}

/* The committed sample is sealed: its replies are not in it in plain text. */
static void test_sample_is_sealed(void **state)
{
    (void)state;
    char *s = tmpdir_read(SAMPLE);
    assert_non_null(s);
    char err[300];
    Content *c = content_parse(s, strlen(s), err, sizeof err);
    if (!c)
        fail_msg("%s", err);
    assert_true(c->replies_sealed);
    assert_int_equal(c->n_sealed, 4);
    assert_null(strstr(s, "\"receipt\""));
    assert_null(strstr(s, "7KQ4"));
    assert_null(strstr(s, "5号楼地下车库"));
    Reply *r;
    assert_int_equal(content_open_reply(c, "7KQ4-M2XD", &r), CONTENT_REPLY_FOUND);
    assert_non_null(strstr(ltext(&r->reply, LANG_ZH), "5号楼地下车库"));
    content_reply_free(r);
    content_free(c);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed_reveals_no_reply),
        cmocka_unit_test(test_salt_changes_every_lookup),
        cmocka_unit_test(test_seal_errors),
        cmocka_unit_test(test_seal_document),
        cmocka_unit_test(test_sample_is_sealed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
