/* office_reply.h - the public reply page (docs/OFFICE.md, "The public
 * reply page") and the per-address rate limits of public endpoints.
 *
 * GET /r/{code}[?c=SLUG] is a small page, Chinese first with English,
 * showing the status and the reply for that receipt code and nothing
 * else; GET /api/reply/{code}[?c=SLUG] is the same as JSON. The reply is
 * found as the kiosk finds it: the lookup derived from the code with the
 * community's reply salt (Argon2id, receipt.h), the box opened with the
 * key derived alongside. Without ?c= every community is tried (one
 * derivation, about 30 ms, each); the tracking address given to kiosks
 * carries ?c=.
 *
 * A code nobody has and a code whose suggestion has no published reply
 * give the same answer, byte for byte ("no reply yet"): the office
 * publishes an entry only when it answers, so the page cannot tell them
 * apart either, and a guesser learns nothing from it. Look-ups are
 * limited per client address ([public] reply_per_hour, counted in the
 * database so several processes share it); over the limit is 429 with
 * Retry-After. Everything shown is HTML-escaped; the page has a strict
 * Content-Security-Policy (no scripts, its one style block by hash) and
 * loads nothing from elsewhere. */
#ifndef OFFICE_REPLY_H
#define OFFICE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include "content.h"
#include "office.h"

/* Count a hit of the client's address in `bucket` (an hour's window):
 * true when within `per_hour`, else false with 429 "rate_limited" and
 * Retry-After written into rs (503 when the database failed). */
bool office_rate_allow(OfficeReq *rq, OfficeResp *rs, const char *bucket, int per_hour);

/* Find the reply for a code as typed, in community `slug` (NULL: every
 * community). Returns CONTENT_REPLY_FOUND with *out (free with
 * content_reply_free), CONTENT_REPLY_NONE, CONTENT_REPLY_MALFORMED, or
 * CONTENT_REPLY_ERROR (database or derivation; ostore_error may say). */
ContentReplyResult office_reply_find(Ostore *s, const char *typed, const char *slug,
                                     Reply **out);

/* The page for a result (found: r non-NULL; raw the 8 symbols, "" when
 * malformed): a malloc'd HTML document. */
char *office_reply_html(const Reply *r, const char *raw, bool malformed);

/* The Content-Security-Policy header value of the page. */
const char *office_reply_csp(void);

void office_reply_page(OfficeReq *rq, OfficeResp *rs);   /* GET /r/{code} */
void office_reply_api(OfficeReq *rq, OfficeResp *rs);    /* GET /api/reply/{code} */

#endif
