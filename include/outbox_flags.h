/* outbox_flags.h - staff flags: conditions staff should see, stored in the
 * flags table and kept in memory while the database refuses them. One
 * OutboxFlags belongs to each Outbox (outbox.h's outbox_flag_* calls); it
 * knows only its connection, so the outbox calls the flags and never the
 * other way round. */
#ifndef OUTBOX_FLAGS_H
#define OUTBOX_FLAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBOX_FLAG_NAME_MAX    32    /* [a-z0-9_], NUL included */
#define OUTBOX_FLAG_DETAIL_MAX 160
#define OUTBOX_MEM_FLAGS         8

typedef struct {
    char name[OUTBOX_FLAG_NAME_MAX];
    char raised_on[11];                 /* local date first raised, YYYY-MM-DD */
    char detail[OUTBOX_FLAG_DETAIL_MAX];
    bool in_memory;                     /* not in the database (yet) */
} OutboxFlag;

/* A flag the database could not take, waiting to be written. */
typedef struct {
    char name[OUTBOX_FLAG_NAME_MAX];
    char raised_on[11];
    char detail[OUTBOX_FLAG_DETAIL_MAX];
} OutboxMemFlag;

struct sqlite3;
typedef struct {
    struct sqlite3 *db;                 /* the outbox's connection (borrowed) */
    OutboxMemFlag mem[OUTBOX_MEM_FLAGS];
    size_t n_mem;
} OutboxFlags;

/* Whether s is 1 to max-1 characters of [a-z0-9_] (flag names, topic ids). */
bool outbox_id_ok(const char *s, size_t max);

/* What outbox_flag_raise, outbox_flag_clear and outbox_flags_list
 * (outbox.h) do, on the flags of one connection; same results. */
int outbox_flags_put(OutboxFlags *f, const char *name, const char *detail, int64_t now_s);
int outbox_flags_remove(OutboxFlags *f, const char *name);
int outbox_flags_read(OutboxFlags *f, OutboxFlag *out, int max);
/* Write the flags kept in memory to the database; those written leave
 * memory. Best effort: failures keep them in memory. */
void outbox_flags_flush(OutboxFlags *f);

#endif
