/* office_image.h - pictures in the staff API (docs/OFFICE-API.md,
 * "Pictures"): staff upload a PNG or JPEG to a community; the office
 * checks it with the kiosk's own picture code (include/image.h: headers
 * first, then a full decode, so a bomb, a truncated file or something
 * that is not a picture is refused), keeps it content-addressed by its
 * SHA-256 in the database (ostore.h, "pictures") and serves it at
 * /media/<sha256>.<png|jpg> to anyone (kiosks fetch it; the hash is the
 * name, so it never changes and is cached for good). Items saved through
 * the staff API name their pictures by hash; the office fills in each
 * one's url, width and height. */
#ifndef OFFICE_IMAGE_H
#define OFFICE_IMAGE_H

#include <jansson.h>
#include "office.h"

/* POST /api/office/communities/{slug}/images: the body is the file,
 * Content-Type image/png or image/jpeg. 201 {url, path, sha256, type,
 * width, height, bytes} (200 when the community had it already). */
void office_image_upload(OfficeReq *rq, OfficeResp *rs);

/* GET /media/{file}: the picture, immutable, with its type; 304 for a
 * matching If-None-Match. */
void office_image_get(OfficeReq *rq, OfficeResp *rs);

/* The upload's checks, pure (tests/fuzz/fuzz_office.c fuzzes them): a
 * Content-Type of image/png or image/jpeg (else 415), then the bytes,
 * whatever was declared, by the kiosk's image code (headers, then a full
 * decode): 422 not_image, image_too_large or image_damaged. On success
 * *m has type, width, height, bytes and sha256. */
bool office_image_check(const char *content_type, const char *body, size_t len, OstoreImage *m,
                        OfficeResp *rs);
/* A /media/ file name "<64 hex>.png" or ".jpg": the hash and the
 * extension (pointing into file); false for anything else. */
bool office_image_name(const char *file, char hash[OSTORE_HASH_HEX], const char **ext);

/* Fill in the `images` of an item about to be saved in community
 * `community_id`: an entry naming a picture the community uploaded gets
 * its url (this office's, from office_req_base_url), width and height; an
 * entry with neither such a picture nor a url of its own is a field error
 * ("images[N].sha256") added to `fields`. Other entries are left for the
 * content check. Returns 0, or -1 after writing 503 into rs. */
int office_image_fill(OfficeReq *rq, OfficeResp *rs, int64_t community_id, json_t *item,
                      json_t *fields);

#endif
