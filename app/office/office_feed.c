/* office_feed.c - content documents made from the database's items and checked by content.c. */
#include "office_feed.h"
#include "office_proof.h"
#include "content.h"
#include "receipt.h"
#include "replyfeed.h"
#include "timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The key that names an item of a list. */
static const char *office_feed_id_key(OstoreList l)
{
    return l == OSTORE_REPLIES ? "receipt" : "id";
}

/* A sealed reply is named by its lookup. */
static const char *office_feed_key_of(OstoreList l, json_t *item)
{
    if (l == OSTORE_REPLIES && json_object_get(item, "lookup"))
        return "lookup";
    return office_feed_id_key(l);
}

/* An item's id as stored: a reply's receipt without its dash. */
static int office_feed_item_id(OstoreList l, json_t *item, char *id, size_t n)
{
    const char *v = json_string_value(json_object_get(item, office_feed_key_of(l, item)));
    if (!v)
        return -1;
    size_t j = 0;
    for (const char *p = v; *p && j + 1 < n; p++)
        if (!(l == OSTORE_REPLIES && *p == '-'))
            id[j++] = *p;
    id[j] = '\0';
    return 0;
}

typedef struct {
    json_t *arr;
    int bad;
} OfficeFeedCollect;

static int office_feed_collect(void *ud, const char *item_id, const char *json)
{
    (void)item_id;
    OfficeFeedCollect *c = ud;
    json_t *v = json_loads(json, JSON_REJECT_DUPLICATES, NULL);
    if (!v || json_array_append_new(c->arr, v) < 0)
        c->bad = 1;
    return c->bad;
}

/* Build the document of the community's items: a malloc'd string. */
static char *office_feed_build(Ostore *s, int64_t community_id, char *err, size_t errlen,
                               int *rc)
{
    OstoreCommunity com;
    *rc = OFFICE_FEED_FAIL;
    if (ostore_community_by_id(s, community_id, &com) != OSTORE_OK) {
        snprintf(err, errlen, "community %lld: %s", (long long)community_id, ostore_error(s));
        return NULL;
    }
    json_t *name = json_pack("{s:s}", "zh", com.name_zh);
    if (name && com.name_en[0])
        json_object_set_new(name, "en", json_string(com.name_en));
    json_t *doc = json_pack("{s:{s:o}}", "site", "name", name);
    for (OstoreList l = 0; doc && l < OSTORE_N_LISTS; l++) {
        OfficeFeedCollect c = {json_array(), 0};
        if (ostore_item_list(s, community_id, l, office_feed_collect, &c) != OSTORE_OK || c.bad) {
            snprintf(err, errlen, "%s: %s", ostore_list_name(l),
                     c.bad ? "a stored item is not JSON" : ostore_error(s));
            json_decref(c.arr);
            json_decref(doc);
            return NULL;
        }
        /* The optional lists only when they have items. */
        if (json_array_size(c.arr) == 0 && (l == OSTORE_REPLIES || l == OSTORE_BOARD)) {
            json_decref(c.arr);
            continue;
        }
        if (l == OSTORE_REPLIES) {
            char salt[64] = "";
            if (ostore_reply_salt(s, community_id, salt, sizeof salt) != OSTORE_OK || !salt[0]) {
                snprintf(err, errlen, "replies: no reply salt stored");
                json_decref(c.arr);
                json_decref(doc);
                return NULL;
            }
            json_object_set_new(doc, "reply_salt", json_string(salt));
        }
        json_object_set_new(doc, ostore_list_name(l), c.arr);
    }
    char *text = doc ? json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text)
        snprintf(err, errlen, "out of memory");
    else
        *rc = OFFICE_FEED_OK;
    return text;
}

int office_feed_current(Ostore *s, int64_t community_id, int64_t now, OstoreFeed *out,
                        char *err, size_t errlen)
{
    int64_t rev;
    memset(out, 0, sizeof *out);
    if (ostore_content_rev(s, community_id, &rev) != OSTORE_OK) {
        snprintf(err, errlen, "community %lld: %s", (long long)community_id, ostore_error(s));
        return OFFICE_FEED_FAIL;
    }
    OstoreResult r = ostore_feed_get(s, community_id, out);
    if (r == OSTORE_ERROR) {
        snprintf(err, errlen, "%s", ostore_error(s));
        return OFFICE_FEED_FAIL;
    }
    if (r == OSTORE_OK && out->rev >= rev)
        return OFFICE_FEED_OK;
    int rc;
    char *text = office_feed_build(s, community_id, err, errlen, &rc);
    if (!text) {
        ostore_feed_free(out);
        return rc;
    }
    size_t len = strlen(text);
    char why[300];
    Content *c = content_parse(text, len, why, sizeof why);
    if (!c) {
        snprintf(err, errlen, "the published items do not make a valid document: %s", why);
        free(text);
        if (r != OSTORE_OK)
            ostore_feed_free(out);   /* no last good one to serve */
        return OFFICE_FEED_INVALID;
    }
    char etag[40];
    snprintf(etag, sizeof etag, "\"%s\"", c->version);
    /* The notices of this version first (for proof of posting): a feed
     * is stored only once its notices are noted. */
    if (office_proof_note(s, community_id, c, now) < 0 ||
        ostore_feed_put(s, community_id, rev, text, len, etag, now) != OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(s));
        content_free(c);
        free(text);
        ostore_feed_free(out);
        return OFFICE_FEED_FAIL;
    }
    content_free(c);
    ostore_feed_free(out);
    /* Serve what is stored now: another process may have stored a later one. */
    free(text);
    if (ostore_feed_get(s, community_id, out) != OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(s));
        return OFFICE_FEED_FAIL;
    }
    return OFFICE_FEED_OK;
}

/* The community's reply salt, made and stored when it has none. */
static int office_feed_salt(Ostore *s, int64_t community_id,
                            unsigned char salt[RECEIPT_SALT_BYTES], char *err, size_t errlen)
{
    char hex[64] = "";
    if (ostore_reply_salt(s, community_id, hex, sizeof hex) != OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(s));
        return -1;
    }
    if (hex[0] && receipt_unhex(hex, salt, RECEIPT_SALT_BYTES) == 0)
        return 0;
    char fresh[RECEIPT_SALT_HEX + 1];
    if (receipt_new_salt(salt) < 0) {
        snprintf(err, errlen, "no random salt");
        return -1;
    }
    receipt_hex(salt, RECEIPT_SALT_BYTES, fresh);
    if (ostore_set_reply_salt(s, community_id, fresh) != OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(s));
        return -1;
    }
    return 0;
}

/* Store sealed entries ({"lookup","box"} objects of a JSON array). */
static int office_feed_store_sealed(Ostore *s, int64_t community_id, json_t *arr, int64_t now,
                                    char *err, size_t errlen)
{
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        const char *lookup = json_string_value(json_object_get(item, "lookup"));
        char *text = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
        OstoreResult r = text && lookup
            ? ostore_item_put(s, community_id, OSTORE_REPLIES, lookup, text, now) : OSTORE_ERROR;
        free(text);
        if (r != OSTORE_OK) {
            snprintf(err, errlen, "replies[%zu]: %s", i, ostore_error(s));
            return -1;
        }
    }
    return 0;
}

/* A document's replies into the store, sealed: a sealed form is kept with
 * its salt; plain replies are sealed under the community's salt. */
static int office_feed_import_replies(Ostore *s, int64_t community_id, json_t *doc, int64_t now,
                                      char *err, size_t errlen)
{
    json_t *arr = json_object_get(doc, "replies");
    const char *salt_hex = json_string_value(json_object_get(doc, "reply_salt"));
    if (json_array_size(arr) == 0)
        return 0;
    if (salt_hex) {
        if (ostore_set_reply_salt(s, community_id, salt_hex) != OSTORE_OK) {
            snprintf(err, errlen, "%s", ostore_error(s));
            return -1;
        }
        return office_feed_store_sealed(s, community_id, arr, now, err, errlen);
    }
    unsigned char salt[RECEIPT_SALT_BYTES];
    if (office_feed_salt(s, community_id, salt, err, errlen) < 0)
        return -1;
    size_t n = json_array_size(arr), i;
    ReplyFeedItem *items = calloc(n, sizeof *items);
    if (!items) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    json_t *item;
    json_array_foreach(arr, i, item) {
        json_t *reply = json_object_get(item, "reply");
        int st = content_reply_status_from_name(json_string_value(json_object_get(item, "status")));
        int64_t t = 0;
        time_parse_iso8601(json_string_value(json_object_get(item, "updated_at")), &t);
        items[i] = (ReplyFeedItem){
            .receipt = json_string_value(json_object_get(item, "receipt")),
            .status = st < 0 ? REPLY_RECEIVED : (ReplyStatus)st,
            .reply_zh = json_string_value(json_object_get(reply, "zh")),
            .reply_en = json_string_value(json_object_get(reply, "en")),
            .updated_at = t,
        };
    }
    char *sealed = replyfeed_seal(items, n, salt, err, errlen);
    free(items);
    receipt_zero(salt, sizeof salt);
    json_t *sarr = sealed ? json_loads(sealed, 0, NULL) : NULL;
    free(sealed);
    if (!sarr)
        return -1;
    int rc = office_feed_store_sealed(s, community_id, sarr, now, err, errlen);
    json_decref(sarr);
    return rc;
}

int office_feed_put_reply(Ostore *s, int64_t community_id, const ReplyFeedItem *item,
                          int64_t now, char *err, size_t errlen)
{
    unsigned char salt[RECEIPT_SALT_BYTES];
    char lookup[RECEIPT_LOOKUP_HEX + 1], *box = NULL;
    if (office_feed_salt(s, community_id, salt, err, errlen) < 0)
        return OFFICE_FEED_FAIL;
    int rc = replyfeed_seal_one(item, salt, lookup, &box, err, errlen);
    receipt_zero(salt, sizeof salt);
    if (rc < 0)
        return OFFICE_FEED_INVALID;
    json_t *v = json_pack("{s:s,s:s}", "lookup", lookup, "box", box);
    free(box);
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(v);
    OstoreResult r = text ? ostore_item_put(s, community_id, OSTORE_REPLIES, lookup, text, now)
                          : OSTORE_ERROR;
    free(text);
    if (r != OSTORE_OK) {
        snprintf(err, errlen, "%s", ostore_error(s));
        return OFFICE_FEED_FAIL;
    }
    return OFFICE_FEED_OK;
}

int office_feed_import(Ostore *s, int64_t community_id, const char *buf, size_t len,
                       int64_t now, char *err, size_t errlen)
{
    char why[300];
    Content *c = content_parse(buf, len, why, sizeof why);
    if (!c) {
        snprintf(err, errlen, "%s", why);
        return OFFICE_FEED_INVALID;
    }
    content_free(c);
    /* content_parse took it, so it is JSON with these lists (a BOM aside). */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        buf += 3, len -= 3;
    json_error_t je;
    json_t *doc = json_loadb(buf, len, 0, &je);
    if (!doc) {
        snprintf(err, errlen, "%s", je.text);
        return OFFICE_FEED_INVALID;
    }
    json_t *name = json_object_get(json_object_get(doc, "site"), "name");
    const char *zh = json_string_value(json_object_get(name, "zh"));
    const char *en = json_string_value(json_object_get(name, "en"));
    int rc = OFFICE_FEED_FAIL;
    if (ostore_begin(s) != OSTORE_OK)
        goto out;
    if (ostore_item_clear(s, community_id, now) != OSTORE_OK ||
        ostore_community_rename(s, community_id, zh ? zh : "", en, now) != OSTORE_OK)
        goto fail;
    if (office_feed_import_replies(s, community_id, doc, now, err, errlen) < 0) {
        rc = OFFICE_FEED_INVALID;
        ostore_rollback(s);
        goto out;
    }
    for (OstoreList l = 0; l < OSTORE_N_LISTS; l++) {
        if (l == OSTORE_REPLIES)
            continue;
        json_t *arr = json_object_get(doc, ostore_list_name(l)), *item;
        size_t i;
        json_array_foreach(arr, i, item) {
            char id[80];
            char *text = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
            OstoreResult r = text && office_feed_item_id(l, item, id, sizeof id) == 0
                ? ostore_item_put(s, community_id, l, id, text, now) : OSTORE_ERROR;
            free(text);
            if (r != OSTORE_OK)
                goto fail;
        }
    }
    /* The publishing API sees the imported items as published ones. */
    if (ostore_pub_adopt(s, community_id, "import", now) != OSTORE_OK ||
        ostore_commit(s) != OSTORE_OK)
        goto fail;
    rc = OFFICE_FEED_OK;
    goto out;
fail:
    snprintf(err, errlen, "%s", ostore_error(s));
    ostore_rollback(s);
out:
    json_decref(doc);
    if (rc == OFFICE_FEED_OK) {
        OstoreFeed f;
        rc = office_feed_current(s, community_id, now, &f, err, errlen);
        ostore_feed_free(&f);
    }
    return rc;
}

int office_feed_check_item(OstoreList l, const char *json, char *id, size_t idlen,
                           char *err, size_t errlen)
{
    json_error_t je;
    json_t *item = json_loads(json, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(item)) {
        snprintf(err, errlen, "%s", item ? "expected an object" : je.text);
        json_decref(item);
        return OFFICE_FEED_INVALID;
    }
    if (l >= OSTORE_N_LISTS || office_feed_item_id(l, item, id, idlen) < 0) {
        snprintf(err, errlen, "%s: missing", office_feed_id_key(l));
        json_decref(item);
        return OFFICE_FEED_INVALID;
    }
    json_t *doc = json_pack("{s:{s:{s:s}},s:[],s:[],s:[]}", "site", "name", "zh", "-",
                            "notices", "events", "channels");
    json_object_set_new(doc, ostore_list_name(l), json_pack("[o]", item));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    char why[300];
    Content *c = text ? content_parse(text, strlen(text), why, sizeof why) : NULL;
    free(text);
    if (!c) {
        snprintf(err, errlen, "%s", why);
        return OFFICE_FEED_INVALID;
    }
    content_free(c);
    return OFFICE_FEED_OK;
}
