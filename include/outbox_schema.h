/* outbox_schema.h - the outbox's tables (submissions, contacts, flags,
 * deliveries, uploader_state), written here so that no SQL on them lives
 * outside app/data/outbox*.c. store.c applies them as its schema steps:
 * append only; never edit a released step (docs/OUTBOX.md). */
#ifndef OUTBOX_SCHEMA_H
#define OUTBOX_SCHEMA_H

/* Schema version 1 -> 2: submissions, contacts, staff flags. */
extern const char outbox_schema_2[];
/* Schema version 2 -> 3: upload bookkeeping (deliveries, uploader_state). */
extern const char outbox_schema_3[];

/* An SQL expression, true when the outbox holds any submission (for
 * store.c's "has this database ever held data"). */
extern const char outbox_schema_any_row[];

#endif
