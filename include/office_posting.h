/* office_posting.h - statutory postings (公示) of a community: notice
 * templates for fee accounts, maintenance-fund use and common-income
 * accounts, each kind with a cadence and a minimum posting period that a
 * community may set for itself (local rules differ), and when the next
 * one is due; and the channels whose codes are about to expire. */
#ifndef OFFICE_POSTING_H
#define OFFICE_POSTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "office.h"

/* "fees", "fund" or "income". */
bool office_posting_kind_ok(const char *kind);

/* The rule of `kind` for the community (its own, else the default). */
int office_posting_rule(Ostore *s, int64_t community_id, const char *kind, int *every_months,
                        int *min_days);

/* Whether the notice `item` (content JSON with publish_at and expire_at)
 * stays up the kind's minimum period: 0, or -1 with a message for the
 * expire_at field in why (also -1 on a database error, said so). */
int office_posting_check(Ostore *s, int64_t community_id, const char *kind, json_t *item,
                         char *why, size_t n);

void office_posting_templates(OfficeReq *rq, OfficeResp *rs);  /* GET .../posting-templates */
void office_posting_rules(OfficeReq *rq, OfficeResp *rs);      /* GET .../posting-rules */
void office_posting_set_rules(OfficeReq *rq, OfficeResp *rs);  /* PUT .../posting-rules */
void office_posting_due(OfficeReq *rq, OfficeResp *rs);        /* GET .../postings-due */

#endif
