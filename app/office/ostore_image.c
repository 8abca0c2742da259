/* ostore_image.c - the office store's pictures: bytes once per SHA-256 (base64 text), each community's uploads, the purge of unused ones (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

OstoreResult ostore_image_put(Ostore *s, int64_t community_id, const OstoreImage *img,
                              const void *data, size_t len, const char *user, int64_t now)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(n);
    if (!b64) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return OSTORE_ERROR;
    }
    sodium_bin2base64(b64, n, data, len, sodium_base64_VARIANT_ORIGINAL);
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK) {
        free(b64);
        return OSTORE_ERROR;
    }
    /* The bytes once; a second upload of the same hash leaves them. */
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO image (sha256, type, width, height, bytes, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING", "ttiiiti",
        img->sha256, img->type, (int64_t)img->width, (int64_t)img->height, (int64_t)len, b64,
        now));
    free(b64);
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO image_use (community_id, sha256, uploaded_by, uploaded_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (community_id, sha256) DO UPDATE"
            " SET uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at",
            "itti", community_id, img->sha256, user, now));
    if (r == OSTORE_CONFLICT)
        r = OSTORE_ERROR;
    return ostore_tx_end(s, own, r);
}

static void ostore_image_fill(OstoreStmt *st, void *out)
{
    OstoreImage *m = out;
    memset(m, 0, sizeof *m);
    ostore_col(st, 0, m->sha256, sizeof m->sha256);
    ostore_col(st, 1, m->type, sizeof m->type);
    m->width = (int)ostore_col_int(st, 2);
    m->height = (int)ostore_col_int(st, 3);
    m->bytes = ostore_col_int(st, 4);
    m->uploaded_at = ostore_col_int(st, 5);
}

OstoreResult ostore_image_get(Ostore *s, int64_t community_id, const char *sha256,
                              OstoreImage *out)
{
    return ostore_one(s, ostore_prep(s,
        "SELECT i.sha256, i.type, i.width, i.height, i.bytes, max(u.uploaded_at)"
        " FROM image i JOIN image_use u ON u.sha256 = i.sha256"
        " WHERE i.sha256 = ?1 AND (?2 = 0 OR u.community_id = ?2)"
        " GROUP BY i.sha256, i.type, i.width, i.height, i.bytes", "ti", sha256, community_id),
        ostore_image_fill, out);
}

typedef struct {
    OstoreImage *meta;
    unsigned char *data;
    size_t len;
    bool bad;
} ImageRead;

static void ostore_image_fill_data(OstoreStmt *st, void *out)
{
    ImageRead *r = out;
    ostore_image_fill(st, r->meta);
    const char *b64 = ostore_col_text(st, 6);
    size_t n = ostore_col_len(st, 6);
    size_t cap = n / 4 * 3 + 3;
    r->data = b64 ? malloc(cap ? cap : 1) : NULL;
    if (!r->data || sodium_base642bin(r->data, cap, b64, n, NULL, &r->len, NULL,
                                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
        (int64_t)r->len != r->meta->bytes) {
        free(r->data);
        r->data = NULL;
        r->bad = true;
    }
}

OstoreResult ostore_image_data(Ostore *s, const char *sha256, OstoreImage *out,
                               unsigned char **data, size_t *len)
{
    ImageRead rd = {.meta = out};
    *data = NULL;
    *len = 0;
    OstoreResult r = ostore_one(s, ostore_prep(s,
        "SELECT i.sha256, i.type, i.width, i.height, i.bytes, 0, i.data FROM image i"
        " WHERE i.sha256 = ? AND EXISTS (SELECT 1 FROM image_use u WHERE u.sha256 = i.sha256)",
        "t", sha256), ostore_image_fill_data, &rd);
    if (r == OSTORE_OK && rd.bad) {
        snprintf(s->err, sizeof s->err, "picture %.12s: stored bytes unreadable or out of memory",
                 sha256);
        return OSTORE_ERROR;
    }
    *data = rd.data;
    *len = rd.len;
    return r;
}

OstoreResult ostore_image_purge(Ostore *s, int64_t before, int64_t *removed)
{
    bool own;
    *removed = 0;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    /* A hash is 64 hex digits: no LIKE wildcard can hide in it. */
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "DELETE FROM image_use WHERE uploaded_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM publish_item p WHERE p.community_id ="
        "  image_use.community_id AND p.json LIKE '%' || image_use.sha256 || '%')"
        " AND NOT EXISTS (SELECT 1 FROM content_item c WHERE c.community_id ="
        "  image_use.community_id AND c.json LIKE '%' || image_use.sha256 || '%')",
        "i", before));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "DELETE FROM image WHERE NOT EXISTS (SELECT 1 FROM image_use u"
            " WHERE u.sha256 = image.sha256)", ""));
    if (r == OSTORE_OK)
        *removed = ostore_changes(s);
    return ostore_tx_end(s, own, r);
}
