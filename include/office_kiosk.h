/* office_kiosk.h - the kiosk-facing endpoints of Lobby Office
 * (docs/OFFICE-API.md, docs/PROTOCOL.md): enrolment, submissions and
 * ratings, contacts, heartbeats, the content feed; and the authoriser of
 * the OFFICE_KIOSK role (a live kiosk's Bearer token). */
#ifndef OFFICE_KIOSK_H
#define OFFICE_KIOSK_H

#include <stdbool.h>
#include "office.h"
#include "office_secret.h"
#include "seal.h"

/* Largest body of each endpoint. */
#define OFFICE_ENROL_MAX_BODY     4096
#define OFFICE_HEARTBEAT_MAX_BODY 16384

/* Authorization: Bearer TOKEN of a live kiosk: fills rq->kiosk, or 401. */
bool office_auth_kiosk(OfficeReq *rq, OfficeResp *rs);

void office_kiosk_enrol(OfficeReq *rq, OfficeResp *rs);       /* POST /api/enrol */
void office_kiosk_submission(OfficeReq *rq, OfficeResp *rs);  /* POST /api/submissions */
void office_kiosk_contact(OfficeReq *rq, OfficeResp *rs);     /* POST /api/submissions/contact */
void office_kiosk_heartbeat(OfficeReq *rq, OfficeResp *rs);   /* POST /api/heartbeat */
void office_kiosk_content(OfficeReq *rq, OfficeResp *rs);     /* GET /api/content */
void office_kiosk_health(OfficeReq *rq, OfficeResp *rs);      /* GET /api/health */

/* ---- the parsers of what kiosks send (pure: no store, no server; the
 * handlers above call them, tests/fuzz/fuzz_office.c fuzzes them). Each
 * returns false having written the refusal (400 or 422) into *rs. ---- */

/* The token of an "Authorization: Bearer TOKEN" header (1 to 255 bytes),
 * pointing into h; NULL for anything else. */
const char *office_kiosk_bearer(const char *h);
/* The request's Idempotency-Key header: 1 to 100 of letters, digits and
 * - _ : . ; NULL with a 400 when missing or odd. */
const char *office_kiosk_key(OfficeReq *rq, OfficeResp *rs);
/* A rating body (kind "rating") whose id is `key`: its month ("YYYY-MM",
 * pointing into b) and score (1..5). */
bool office_kiosk_parse_rating(json_t *b, const char *key, const char **month, int *score,
                               OfficeResp *rs);
/* A suggestion body whose id is `key`, plain or sealed: *sg's fields point
 * into b or into *plain (the opened box; the caller json_decref's it, also
 * on failure). A sealed one that `sec` (NULL: sealing off) cannot open,
 * or that opens to something else than a valid suggestion of this id, is
 * accepted with sg->sealed and sg->unreadable set and no fields. */
bool office_kiosk_parse_suggestion(json_t *b, const char *key, const SealSecret *sec,
                                   OstoreSuggestion *sg, json_t **plain, OfficeResp *rs);
/* A contact body: its id (the key is "ID:contact") and its contact, opened
 * with sec when sealed. */
typedef struct {
    const char *id;
    const char *contact;           /* NULL when unreadable */
    bool sealed, unreadable;
} OfficeKioskContact;
bool office_kiosk_parse_contact(json_t *b, const char *key, const SealSecret *sec,
                                OfficeKioskContact *out, json_t **plain, OfficeResp *rs);
/* An enrolment body: the code made canonical (office_code_normalise) and
 * the optional export signing key (NULL when absent). */
bool office_kiosk_parse_enrol(json_t *b, char code[OFFICE_CODE_SIZE], const char **export_key,
                              OfficeResp *rs);
/* Whether an If-None-Match header names `etag` (a list, or "*"). */
bool office_kiosk_etag_match(const char *inm, const char *etag);

#endif
