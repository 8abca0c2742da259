/* replyfeed.c - write replies in the feed's sealed form: lookups and boxes, never receipts. */
#include "replyfeed.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "errmsg.h"

/* Free a JSON text that held a reply, wiped first. */
static void replyfeed_free_text(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/* The box's JSON for an item: {"status", "updated_at", "reply"}. */
static char *replyfeed_box_json(const ReplyFeedItem *it)
{
    char when[32];
    time_t t = (time_t)it->updated_at;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    json_t *o = json_pack("{s:s, s:s}", "status", content_reply_status_name(it->status),
                          "updated_at", when);
    if (o && it->reply_zh && it->reply_zh[0]) {
        json_t *text = json_pack("{s:s}", "zh", it->reply_zh);
        if (text && it->reply_en && it->reply_en[0] &&
            json_object_set_new(text, "en", json_string(it->reply_en)) < 0) {
            json_decref(text);
            text = NULL;
        }
        if (!text || json_object_set_new(o, "reply", text) < 0) {
            json_decref(o);
            o = NULL;
        }
    }
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return s;
}

int replyfeed_seal_one(const ReplyFeedItem *it, const unsigned char salt[RECEIPT_SALT_BYTES],
                       char lookup[RECEIPT_LOOKUP_HEX + 1], char **box, char *err, size_t errlen)
{
    *box = NULL;
    lookup[0] = '\0';
    char raw[RECEIPT_LEN + 1];
    if (receipt_normalize(it->receipt, raw) < 0) {
        errmsg(err, errlen, "receipt: not a receipt code (8 symbols like 7KQ4-M2XD)");
        return -1;
    }
    if ((unsigned)it->status >= REPLY_STATUS_COUNT) {
        errmsg(err, errlen, "status: unknown (%d)", (int)it->status);
        return -1;
    }
    char *json = replyfeed_box_json(it);
    if (!json) {
        sodium_memzero(raw, sizeof raw);
        errmsg(err, errlen, "a text is not valid UTF-8, or out of memory");
        return -1;
    }
    /* Checked exactly as the kiosk will when it opens the box. */
    Reply *check = content_parse_reply_box(json, strlen(json), err, errlen);
    if (!check) {
        sodium_memzero(raw, sizeof raw);
        replyfeed_free_text(json);
        return -1;
    }
    content_reply_free(check);
    ReceiptKeys k;
    int rc = receipt_derive(raw, salt, &k);
    sodium_memzero(raw, sizeof raw);
    if (rc == 0) {
        *box = receipt_seal(&k, json, strlen(json));
        receipt_hex(k.lookup, sizeof k.lookup, lookup);
    }
    receipt_wipe(&k);
    replyfeed_free_text(json);
    if (!*box) {
        lookup[0] = '\0';
        errmsg(err, errlen, "%s", rc == 0 ? "reply too long to seal, or out of memory"
                                          : "the key derivation failed (out of memory?)");
        return -1;
    }
    return 0;
}

typedef struct {
    char lookup[RECEIPT_LOOKUP_HEX + 1];
    char *box;
    size_t index;
} ReplyFeedEntry;

static int replyfeed_cmp(const void *a, const void *b)
{
    const ReplyFeedEntry *x = a, *y = b;
    int c = strcmp(x->lookup, y->lookup);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The entries as a jansson array, or NULL (message in err). */
static json_t *replyfeed_array(const ReplyFeedItem *items, size_t n,
                               const unsigned char salt[RECEIPT_SALT_BYTES], char *err, size_t errlen)
{
    if (n > CONTENT_MAX_REPLIES) {
        errmsg(err, errlen, "too many replies (%zu, at most %d)", n, CONTENT_MAX_REPLIES);
        return NULL;
    }
    ReplyFeedEntry *e = calloc(n ? n : 1, sizeof *e);
    json_t *arr = e ? json_array() : NULL;
    int ok = arr != NULL;
    if (!ok)
        errmsg(err, errlen, "out of memory");
    for (size_t i = 0; ok && i < n; i++) {
        char msg[300];
        e[i].index = i;
        if (replyfeed_seal_one(&items[i], salt, e[i].lookup, &e[i].box, msg, sizeof msg) < 0) {
            errmsg(err, errlen, "items[%zu].%s", i, msg);
            ok = 0;
        }
    }
    if (ok)
        qsort(e, n, sizeof *e, replyfeed_cmp);
    for (size_t i = 1; ok && i < n; i++) {
        if (strcmp(e[i].lookup, e[i - 1].lookup) == 0) {
            size_t a = e[i - 1].index, b = e[i].index;
            errmsg(err, errlen, "items[%zu].receipt: duplicate receipt (also items[%zu])",
                           a > b ? a : b, a > b ? b : a);
            ok = 0;
        }
    }
    for (size_t i = 0; ok && i < n; i++) {
        json_t *o = json_pack("{s:s, s:s}", "lookup", e[i].lookup, "box", e[i].box);
        if (!o || json_array_append_new(arr, o) < 0) {
            errmsg(err, errlen, "out of memory");
            ok = 0;
        }
    }
    for (size_t i = 0; e && i < n; i++)
        free(e[i].box);
    free(e);
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

char *replyfeed_seal(const ReplyFeedItem *items, size_t n,
                     const unsigned char salt[RECEIPT_SALT_BYTES], char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    json_t *arr = replyfeed_array(items, n, salt, err, errlen);
    if (!arr)
        return NULL;
    char *s = json_dumps(arr, JSON_INDENT(2));
    json_decref(arr);
    if (!s)
        errmsg(err, errlen, "out of memory");
    return s;
}

char *replyfeed_seal_document(const char *json, size_t len, const char *replies_json,
                              const unsigned char salt[RECEIPT_SALT_BYTES], char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    /* The document as the kiosk reads it first: every message names its place. */
    Content *c = content_parse(json, len, err, errlen);
    if (!c)
        return NULL;
    content_free(c);
    size_t skip = len >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    json_error_t je;
    json_t *root = json_loadb(json + skip, len - skip, JSON_PRESERVE_ORDER, &je), *plain = NULL;
    char *out = NULL, *mid = NULL;
    if (!root) {
        errmsg(err, errlen, "out of memory");
        return NULL;
    }
    if (replies_json) {
        plain = json_loads(replies_json, 0, &je);
        if (!plain || !json_is_array(plain)) {
            errmsg(err, errlen, "replies: line %d, column %d: %s", je.line, je.column,
                           plain ? "expected an array of replies" : je.text);
            goto done;
        }
    } else if (json_object_get(root, "reply_salt")) {
        errmsg(err, errlen, "reply_salt: the replies are sealed already");
        goto done;
    }
    /* The plain replies, checked by content_parse in the document's place. */
    if (plain) {
        json_object_del(root, "reply_salt");
        if (json_object_set(root, "replies", plain) < 0)
            goto oom;
        mid = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
        if (!mid)
            goto oom;
        c = content_parse(mid, strlen(mid), err, errlen);
        if (!c)
            goto done;
    } else {
        c = content_parse(json, len, err, errlen);
        if (!c)
            goto done;
    }
    ReplyFeedItem *items = calloc(c->n_replies ? c->n_replies : 1, sizeof *items);
    if (!items) {
        content_free(c);
        goto oom;
    }
    for (size_t i = 0; i < c->n_replies; i++) {
        const Reply *r = &c->replies[i];
        items[i] = (ReplyFeedItem){ r->receipt, r->status, r->reply.zh, r->reply.en, r->updated_at };
    }
    json_t *arr = replyfeed_array(items, c->n_replies, salt, err, errlen);
    free(items);
    content_free(c);
    if (!arr)
        goto done;
    char salt_hex[RECEIPT_SALT_HEX + 1];
    receipt_hex(salt, RECEIPT_SALT_BYTES, salt_hex);
    /* The same keys in the same order, reply_salt just before replies. */
    json_t *doc = json_object();
    const char *key;
    json_t *v;
    int bad = !doc;
    json_object_del(root, "reply_salt");
    if (!json_object_get(root, "replies") && json_object_set_new(root, "replies", json_array()) < 0)
        bad = 1;
    json_object_foreach(root, key, v) {
        if (bad)
            break;
        if (strcmp(key, "replies") == 0)
            bad = json_object_set_new(doc, "reply_salt", json_string(salt_hex)) < 0 ||
                  json_object_set(doc, "replies", arr) < 0;
        else
            bad = json_object_set(doc, key, v) < 0;
    }
    json_decref(arr);
    out = bad ? NULL : json_dumps(doc, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(doc);
    if (!out)
        goto oom;
    /* What is returned is what a kiosk will accept. */
    c = content_parse(out, strlen(out), err, errlen);
    if (!c) {
        free(out);
        out = NULL;
        goto done;
    }
    content_free(c);
    goto done;
oom:
    errmsg(err, errlen, "out of memory");
done:
    replyfeed_free_text(mid);
    json_decref(plain);
    json_decref(root);
    return out;
}
