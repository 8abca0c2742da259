/* office_stats.h - a community's figures per month for the staff API:
 * suggestions by topic and state, median hours to acknowledge and to
 * close, how many missed a deadline, and the satisfaction ratings
 * (distribution and mean); as JSON and as CSV (UTF-8 with a byte-order
 * mark, so Excel opens it as UTF-8). Months are calendar months in the
 * office's local time (TZ). */
#ifndef OFFICE_STATS_H
#define OFFICE_STATS_H

#include "office.h"

/* The most months one request may span. */
#define OFFICE_STATS_MAX_MONTHS 36

/* "YYYY-MM" (2000-01 to 2200-12) into year and month; false when it is
 * not one (the from and to arguments). */
bool office_stats_month(const char *s, int *y, int *mo);

void office_stats_json(OfficeReq *rq, OfficeResp *rs);   /* GET .../stats?from=&to= */
void office_stats_csv(OfficeReq *rq, OfficeResp *rs);    /* GET .../stats.csv?from=&to= */

#endif
