/* batch.h - when suggestions leave the kiosk: upload batches at set local
 * times or once enough are waiting, so the upload time does not tell when
 * someone stood at the kiosk (docs/PROTOCOL.md, "Batches"). Pure functions
 * of their arguments; time comes in as Unix seconds, local time from TZ. */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_MAX_TIMES 48

typedef struct {
    int n;
    int min[BATCH_MAX_TIMES];   /* minutes after local midnight, ascending, no repeats */
} BatchTimes;

/* Parse "09:00, 13:00,18:30" (24-hour HH:MM, spaces around entries
 * ignored, any order). "" gives no times. Returns 0, or -1 with a message
 * for a malformed entry, a repeat or more than BATCH_MAX_TIMES entries. */
int batch_parse_times(const char *s, BatchTimes *out, char *err, size_t errlen);

/* The latest batch time at or before now_s, as Unix seconds (local time,
 * today or an earlier day); -1 when there are no times. */
int64_t batch_last_slot(const BatchTimes *t, int64_t now_s);
/* The first batch time after now_s; -1 when there are no times. */
int64_t batch_next_slot(const BatchTimes *t, int64_t now_s);

/* Whether a batch opens now. `outside` counts the suggestions waiting that
 * are not yet in a batch. A batch opens when `force` (staff "upload now"),
 * when batch_min > 0 and outside >= batch_min, or when a batch time has
 * passed since *seen_slot. Every batch time that passes is used up (stored
 * into *seen_slot) even when nothing waits, so a suggestion made later is
 * not sent the moment it arrives. Never opens with outside == 0. */
bool batch_should_open(const BatchTimes *t, int64_t *seen_slot, int64_t now_s,
                       int64_t outside, int batch_min, bool force);

#endif
