/* office_inbox.h - the staff's suggestion inbox (docs/OFFICE-API.md,
 * "Suggestions"): the list with filters, search, overdue first and cursor
 * paging; one suggestion with its history (and its contact for managers);
 * state changes with a reply and a note, checked against the version;
 * a clerk's reply held for a manager; assignment. A published reply is
 * sealed into the community's reply feed (office_feed_put_reply), so the
 * kiosks' "Check a reply" and /r/CODE show it after their next sync. */
#ifndef OFFICE_INBOX_H
#define OFFICE_INBOX_H

#include "office.h"

void office_inbox_list(OfficeReq *rq, OfficeResp *rs);     /* GET /api/office/suggestions */
void office_inbox_get(OfficeReq *rq, OfficeResp *rs);      /* GET .../suggestions/{id} */
void office_inbox_state(OfficeReq *rq, OfficeResp *rs);    /* POST .../{id}/state */
void office_inbox_approve(OfficeReq *rq, OfficeResp *rs);  /* POST .../{id}/approve-reply */
void office_inbox_assign(OfficeReq *rq, OfficeResp *rs);   /* POST .../{id}/assign */

/* Whether the state machine allows from -> to. */
bool office_inbox_transition_ok(const char *from, const char *to);

#endif
