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

/* ---- the parsers of the inbox's requests (pure: no store; the handlers
 * above call them, tests/fuzz/fuzz_office.c fuzzes them). Each returns
 * false having written the refusal into *rs. ---- */

/* The list's query arguments state, topic, kiosk, q, from, to, assignee,
 * overdue, limit and cursor into *q (q->limit is the page size + 1; a
 * cursor sets q->now). `community` is the handler's. *assignee is NULL,
 * "me" or a user name to look up ("none" sets q->assignee to -1). 400. */
bool office_inbox_parse_query(const OfficeReq *rq, OfficeResp *rs, OstoreInboxQuery *q,
                              const char **assignee);

/* A state change's body: state, version, reply_zh, reply_en, note
 * (strings point into the body). 422. */
typedef struct {
    const char *to, *reply_zh, *reply_en, *note;
    int64_t version;
} OfficeInboxChangeForm;
bool office_inbox_parse_change(json_t *body, OfficeInboxChangeForm *f, OfficeResp *rs);
/* An assignment's body: version and user (a name, or NULL for null). 422. */
bool office_inbox_parse_assign(json_t *body, int64_t *version, const char **user,
                               OfficeResp *rs);

/* Whether the state machine allows from -> to. */
bool office_inbox_transition_ok(const char *from, const char *to);

#endif
