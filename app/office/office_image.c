/* office_image.c - the staff API's picture upload (checked by the kiosk's image code, kept by SHA-256), the public /media/ files, and the filling of items' images. */
#include "office_image.h"
#include "image.h"
#include "imgcache.h"
#include "office_publish.h"
#include "office_staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IMAGE_CHECK_SIDE 64   /* the full decode's output: only the check matters */

/* "image/png" or "image/jpeg" from a Content-Type header (parameters and
 * case ignored), else NULL. */
static const char *image_declared(const char *ct)
{
    if (!ct)
        return NULL;
    size_t n = strcspn(ct, "; \t");
    if (n == 9 && strncasecmp(ct, "image/png", 9) == 0)
        return "image/png";
    if ((n == 10 && strncasecmp(ct, "image/jpeg", 10) == 0) ||
        (n == 9 && strncasecmp(ct, "image/jpg", 9) == 0))
        return "image/jpeg";
    return NULL;
}

static const char *image_ext(const char *type)
{
    return strcmp(type, "image/png") == 0 ? "png" : "jpg";
}

/* The picture's answer: where it is served and what it is. */
static json_t *image_view(OfficeReq *rq, const OstoreImage *m)
{
    char base[300], path[100], url[420];
    office_req_base_url(rq, base, sizeof base);
    snprintf(path, sizeof path, "/media/%s.%s", m->sha256, image_ext(m->type));
    snprintf(url, sizeof url, "%s%s", base, path);
    return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:I}", "url", url, "path", path,
                     "sha256", m->sha256, "type", m->type, "width", m->width,
                     "height", m->height, "bytes", (json_int_t)m->bytes);
}

/* Uploads per staff user and hour, counted in the database. */
static bool image_rate_allow(OfficeReq *rq, OfficeResp *rs)
{
    const OfficeStaff *st = office_staff_of(rq);
    int64_t window = rq->now - rq->now % 3600, n = 0;
    if (ostore_addr_hit(rq->store, "image-upload", st ? st->name : "?", window, &n) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return false;
    }
    int per_hour = office_conf(rq->office)->image_uploads_per_hour;
    if (n <= per_hour)
        return true;
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)(window + 3600 - rq->now));
    office_resp_error(rs, 429, "rate_limited", "more than %d pictures this hour; try again in"
                      " %s seconds", per_hour, retry);
    office_resp_header(rs, "Retry-After", retry);
    return false;
}

void office_image_upload(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    bool manager;
    /* A clerk drafts notices, so a clerk may add their pictures. */
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, &com, &manager))
        return;
    if (!image_rate_allow(rq, rs))
        return;
    OstoreImage m;
    if (!office_image_check(office_req_header(rq, "Content-Type"), rq->body, rq->body_len, &m,
                            rs))
        return;
    OstoreImage had;
    OstoreResult r = ostore_image_get(rq->store, com.id, m.sha256, &had);
    if (r == OSTORE_ERROR ||
        ostore_image_put(rq->store, com.id, &m, rq->body, rq->body_len,
                         office_publish_user(rq), rq->now) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    char summary[96];
    snprintf(summary, sizeof summary, "%s %dx%d, %lld bytes",
             strcmp(m.type, "image/png") == 0 ? "PNG" : "JPEG", m.width, m.height,
             (long long)m.bytes);
    office_staff_audit(rq, "image.upload", com.id, m.sha256, summary);
    office_resp_json(rs, r == OSTORE_OK ? 200 : 201, image_view(rq, &m));
}

bool office_image_check(const char *content_type, const char *body, size_t len, OstoreImage *m,
                        OfficeResp *rs)
{
    memset(m, 0, sizeof *m);
    const char *declared = image_declared(content_type);
    if (!declared) {
        office_resp_error(rs, 415, "unsupported_type", "send the picture itself as the body,"
                          " with Content-Type image/png or image/jpeg");
        return false;
    }
    if (len == 0) {
        office_resp_error(rs, 422, "not_image", "the body is empty: send the picture's file");
        return false;
    }
    /* The bytes decide, not the header: the headers are checked first
     * (a bomb is refused before a pixel is decoded), then every pixel is
     * decoded (a truncated or damaged file is refused) into a small
     * output, so memory stays small whatever the picture's size. */
    char why[300];
    ImageInfo info;
    int rc = image_probe(body, len, &info, why, sizeof why);
    ImagePixels px = {0};
    if (rc == IMAGE_OK)
        rc = image_decode_fit(body, len, IMAGE_CHECK_SIDE, IMAGE_CHECK_SIDE, &px, why,
                              sizeof why);
    image_pixels_free(&px);
    if (rc != IMAGE_OK) {
        static const char *const codes[] = {"", "not_image", "image_too_large", "image_damaged",
                                            "image_too_large"};
        int i = -rc;
        office_resp_error(rs, 422, i >= 1 && i <= 4 ? codes[i] : "not_image", "%s", why);
        return false;
    }
    m->width = info.width;
    m->height = info.height;
    m->bytes = (int64_t)len;
    snprintf(m->type, sizeof m->type, "%s",
             info.format == IMAGE_PNG ? "image/png" : "image/jpeg");
    image_sha256_hex(body, len, m->sha256);
    return true;
}

bool office_image_name(const char *file, char hash[OSTORE_HASH_HEX], const char **ext)
{
    const char *dot = file ? strchr(file, '.') : NULL;
    hash[0] = '\0';
    *ext = NULL;
    if (dot && dot - file == 64) {
        memcpy(hash, file, 64);
        hash[64] = '\0';
    }
    if (!imgcache_valid_name(hash) || (strcmp(dot + 1, "png") && strcmp(dot + 1, "jpg"))) {
        hash[0] = '\0';
        return false;
    }
    *ext = dot + 1;
    return true;
}

void office_image_get(OfficeReq *rq, OfficeResp *rs)
{
    char hash[OSTORE_HASH_HEX];
    const char *ext;
    if (!office_image_name(office_req_param(rq, "file"), hash, &ext)) {
        office_resp_error(rs, 404, "not_found", "no such picture");
        return;
    }
    char etag[80];
    snprintf(etag, sizeof etag, "\"%s\"", hash);
    const char *inm = office_req_header(rq, "If-None-Match");
    OstoreImage m;
    unsigned char *data = NULL;
    size_t len = 0;
    OstoreResult r = inm && strstr(inm, hash) ? ostore_image_get(rq->store, 0, hash, &m)
                                             : ostore_image_data(rq->store, hash, &m, &data, &len);
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (r != OSTORE_OK || strcmp(ext, image_ext(m.type)) != 0) {
        free(data);
        office_resp_error(rs, 404, "not_found", "no such picture");
        return;
    }
    /* The name is the content's hash: it never changes. */
    office_resp_header(rs, "ETag", etag);
    office_resp_header(rs, "Cache-Control", "public, max-age=31536000, immutable");
    office_resp_header(rs, "Content-Security-Policy", "default-src 'none'; sandbox");
    /* (a literal: rs outlives m) */
    const char *type = strcmp(m.type, "image/png") == 0 ? "image/png" : "image/jpeg";
    if (!data) {
        office_resp_text(rs, 304, type, "", 0);
        return;
    }
    free(rs->body);
    rs->status = 200;
    rs->content_type = type;
    rs->body = (char *)data;
    rs->len = len;
}

int office_image_fill(OfficeReq *rq, OfficeResp *rs, int64_t community_id, json_t *item,
                      json_t *fields)
{
    json_t *imgs = json_object_get(item, "images");
    if (!json_is_array(imgs))
        return 0;   /* the content check names what is wrong */
    size_t i;
    json_t *e;
    json_array_foreach(imgs, i, e) {
        const char *hash = json_string_value(json_object_get(e, "sha256"));
        if (!json_is_object(e) || !hash || !imgcache_valid_name(hash))
            continue;
        OstoreImage m;
        OstoreResult r = ostore_image_get(rq->store, community_id, hash, &m);
        if (r == OSTORE_ERROR) {
            office_resp_store_error(rq, rs);
            return -1;
        }
        char name[48];
        snprintf(name, sizeof name, "images[%zu].sha256", i);
        if (r == OSTORE_NOTFOUND) {
            if (!json_object_get(e, "url"))
                json_object_set_new(fields, name, json_string("no such picture in this"
                                                              " community: upload it first"));
            continue;
        }
        json_t *v = image_view(rq, &m);
        json_object_set(e, "url", json_object_get(v, "url"));
        json_object_set(e, "width", json_object_get(v, "width"));
        json_object_set(e, "height", json_object_get(v, "height"));
        json_decref(v);
    }
    return 0;
}
