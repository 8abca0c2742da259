/* office_publish.h - the staff API's publishing endpoints (docs/OFFICE-API.md,
 * "Publishing"): notices, events, channels and the "you said, we did"
 * board of a community, each with a status (draft, pending, published,
 * withdrawn) and the clerk -> manager approval flow. Items are the content
 * items of docs/CONTENT.md, checked by the kiosk's own content_parse with
 * its messages turned into field names; only published items reach the
 * feed (ostore.h, "publishing"), so kiosks have a change at their next
 * sync. */
#ifndef OFFICE_PUBLISH_H
#define OFFICE_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "office.h"

/* What the signed-in user may do in a community. */
typedef enum { OFFICE_PUB_READ = 1, OFFICE_PUB_MANAGE = 2 } OfficePubNeed;

/* The community named by the URL's {slug} when the signed-in staff user
 * holds it: fills *com and *manager (manager or admin there) and returns
 * true. Otherwise writes 404 not_found (an unknown community and one the
 * user does not hold look the same) or, when `need` is OFFICE_PUB_MANAGE
 * and the user is a clerk there, 403 forbidden, and returns false. */
bool office_publish_community(OfficeReq *rq, OfficeResp *rs, OfficePubNeed need,
                              OstoreCommunity *com, bool *manager);
/* Item `id` of list l in the community: fills *p (free it with
 * ostore_pub_free) and returns true, or answers 404 not_found (no such
 * item) or the store's error and returns false (*p then holds nothing). */
bool office_publish_item(OfficeReq *rq, OfficeResp *rs, int64_t community_id, OstoreList l,
                         const char *id, OstorePub *p);
/* The signed-in staff user's name ("" when none). */
const char *office_publish_user(const OfficeReq *rq);

/* 422 invalid_field with "fields": {name: message} (fields is taken). */
void office_publish_fields(OfficeResp *rs, json_t *fields);
/* Check `item` (a notice, event, channel or board item of list l) as the
 * kiosk will (content_parse), adding every problem found to `fields` as
 * {"title.zh": "missing (Chinese text is required)"}, or {"item": ...}
 * for a problem of the whole. Returns the number of problems (pure: the
 * form handlers call it, tests/fuzz/fuzz_office.c fuzzes it). */
int office_publish_check(OstoreList l, json_t *item, json_t *fields);
/* A notice or event form (`b`, as POSTed to create it; status, version
 * and the other API keys ignored) read and checked exactly as saving it
 * would, without storing anything: *item gets the content item (pictures
 * filled in, an id made when none) and true is returned; else false with
 * 422 (fields) or 503 written into rs. The caller frees *item. */
bool office_publish_read(OfficeReq *rq, OfficeResp *rs, const OstoreCommunity *com,
                         OstoreList l, json_t *b, bool manager, json_t **item);
/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (0 gives ""). */
void office_publish_iso(int64_t t, char out[32]);

/* GET/POST .../communities/{slug}/notices|events|channels|board */
void office_publish_list(OfficeReq *rq, OfficeResp *rs);
void office_publish_create(OfficeReq *rq, OfficeResp *rs);
/* GET/PUT/DELETE .../communities/{slug}/LIST/{id} */
void office_publish_get(OfficeReq *rq, OfficeResp *rs);
void office_publish_update(OfficeReq *rq, OfficeResp *rs);
void office_publish_delete(OfficeReq *rq, OfficeResp *rs);
/* POST .../communities/{slug}/LIST/{id}/{action}: submit, approve,
 * publish, reject, withdraw; body {"version": N}. */
void office_publish_action(OfficeReq *rq, OfficeResp *rs);

#endif
