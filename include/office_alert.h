/* office_alert.h - alerts to a webhook, and the office's background jobs.
 *
 * An alert is a row in the database (office_fleet.h makes them). Each
 * pending alert is sent once to [fleet] webhook_url as a JSON POST in the
 * configured format (wecom, dingtalk, feishu robots, or generic):
 * the sender first claims the row in the database for a lease, so of
 * several office processes on one database exactly one sends it; a
 * failure (no connection, a non-2xx answer, a robot's non-zero errcode)
 * is retried with a growing delay (1, 2, 4 ... 60 minutes), 10 tries in
 * all. A process that dies while sending leaves its claim to expire;
 * another then sends again (the one case of a repeat).
 *
 * The background jobs (a thread per server, woken every [fleet] tick_s
 * seconds, or at once by office_jobs_kick): judge every kiosk (a kiosk
 * goes late without a heartbeat arriving), send due alerts, and once a day
 * (claimed in the database, so one process does it) prune heartbeats and
 * rate-limit windows and purge what retention says (office_retention.h). */
#ifndef OFFICE_ALERT_H
#define OFFICE_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "office.h"
#include "office_conf.h"
#include "ostore.h"

/* The webhook body for an alert in the configured format: a malloc'd JSON
 * text, or NULL when out of memory. The text is Chinese first, then
 * English, and names the community, the kiosk, the old and new state and
 * the flags; nothing a resident wrote. */
char *office_alert_body(const OfficeConf *c, const OstoreAlert *a);

/* Send every alert that is due (claiming each first). *sent counts those
 * delivered (may be NULL). Returns 0, or -1 when the database failed. */
int office_alert_send_due(Ostore *s, const OfficeConf *c, int64_t now, int *sent);

/* One round of the background jobs at `now`: sweep the fleet, send due
 * alerts, and the daily job when it is due. Returns 0 or -1 (logged). */
int office_jobs_tick(Ostore *s, const OfficeConf *c, int64_t now);

typedef struct OfficeJobs OfficeJobs;

/* Start the jobs' thread on its own connection to `db_spec`, reading the
 * time from `now` (the office's clock; NULL: the system's). NULL with a
 * message when it cannot start; NULL without one when tick_s is 0. */
OfficeJobs *office_jobs_start(const OfficeConf *c, const char *db_spec,
                              int64_t (*now)(void *ud), void *ud, char *err, size_t errlen);
/* Wake the thread now (an alert was made). NULL accepted. */
void office_jobs_kick(OfficeJobs *j);
/* Wake the thread and wait until a round begun after this call has
 * finished (tests: the jobs' effect is in the database). NULL accepted. */
void office_jobs_run(OfficeJobs *j);
/* Stop and join. NULL accepted. */
void office_jobs_stop(OfficeJobs *j);

#endif
