/* office_kiosk.h - the kiosk-facing endpoints of Lobby Office
 * (docs/OFFICE-API.md, docs/PROTOCOL.md): enrolment, submissions and
 * ratings, contacts, heartbeats, the content feed; and the authoriser of
 * the OFFICE_KIOSK role (a live kiosk's Bearer token). */
#ifndef OFFICE_KIOSK_H
#define OFFICE_KIOSK_H

#include <stdbool.h>
#include "office.h"

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

#endif
