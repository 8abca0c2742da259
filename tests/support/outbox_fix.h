/* outbox_fix.h - test support: an outbox in a scratch directory with a
 * second, raw SQLite connection to the same file, and small query helpers. */
#ifndef OUTBOX_FIX_H
#define OUTBOX_FIX_H

#include <sqlite3.h>
#include <stdint.h>
#include "outbox.h"

typedef struct {
    char *dir;
    Outbox *ob;
    sqlite3 *raw;     /* a second connection, as staff tools or the uploader */
} Fix;

/* cmocka group or test setup/teardown: *state becomes a Fix. */
int ofix_setup(void **state);
int ofix_teardown(void **state);

/* Open an outbox in dir (failing the test on error, which must leave err
 * empty on success). */
Outbox *ofix_open(const char *dir, const OutboxLimits *lim);

/* Unix seconds of an ISO 8601 time (failing the test if it does not parse). */
int64_t ofix_at(const char *iso);

/* First column of the first row: as a malloc'd string (NULL when no row),
 * or as a number (-1 when no row). A bad statement fails the test. */
char *ofix_q_text(sqlite3 *db, const char *sql);
long long ofix_q_int(sqlite3 *db, const char *sql);

#endif
