/* outbox_stats.h - figures about the queue for the staff panel. */
#ifndef OUTBOX_STATS_H
#define OUTBOX_STATS_H

#include "outbox.h"

/* The date (YYYY-MM-DD) of the oldest waiting submission: returns 1 and
 * fills day, 0 when nothing waits, -1 on database errors. */
int outbox_oldest_waiting_day(Outbox *ob, char day[11]);

#endif
