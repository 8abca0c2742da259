/* schedule.h - what content is visible at a given time, and in what order. */
#ifndef SCHEDULE_H
#define SCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include "content.h"

/* Notices visible at now_s (publish_at <= now < expire_at), of `category`
 * (or all when category < 0): urgent first, then pinned, then the rest,
 * each newest first. Writes up to `max` indices into out; returns how many. */
size_t sched_notices(const Content *c, int64_t now_s, int category,
                     size_t *out, size_t max);

/* The first notice of the ordering above that is urgent, or NULL. */
const Notice *sched_top_urgent(const Content *c, int64_t now_s);

typedef enum { EVG_TODAY, EVG_WEEK, EVG_LATER, EVG_COUNT } EventGroup;

/* Events not yet over at now_s (end > now), by start time, with their group:
 * today (starts before local midnight tonight, or is under way), this week
 * (before next Monday 00:00 local), later. Returns how many were written. */
size_t sched_events(const Content *c, int64_t now_s, size_t *out,
                    EventGroup *group, size_t max);

/* The next moment after now_s at which the visible set or grouping changes
 * (a publish, an expiry, an event's end, a local midnight). */
int64_t sched_next_change(const Content *c, int64_t now_s);

#endif
