/* office_fleet_api.h - the staff API of the fleet (docs/OFFICE-API.md,
 * "Fleet"): kiosks with their states, enrolment and revocation, alerts
 * and their acknowledgement, proof of posting. Every handler runs behind
 * the staff authoriser (OFFICE_STAFF) and checks the community: clerks
 * read, managers and administrators change; a community the user does not
 * hold is 404. Every change writes an audit row. */
#ifndef OFFICE_FLEET_API_H
#define OFFICE_FLEET_API_H

#include "office.h"

void office_fleet_api_kiosks(OfficeReq *rq, OfficeResp *rs);   /* GET /api/office/kiosks */
void office_fleet_api_enrol(OfficeReq *rq, OfficeResp *rs);    /* POST .../communities/{slug}/kiosks */
void office_fleet_api_revoke(OfficeReq *rq, OfficeResp *rs);   /* POST /api/office/kiosks/{id}/revoke */
void office_fleet_api_alerts(OfficeReq *rq, OfficeResp *rs);   /* GET /api/office/alerts */
void office_fleet_api_ack(OfficeReq *rq, OfficeResp *rs);      /* POST /api/office/alerts/{id}/ack */
void office_fleet_api_posting(OfficeReq *rq, OfficeResp *rs);  /* GET .../postings/{notice_id}[.csv] */

#endif
