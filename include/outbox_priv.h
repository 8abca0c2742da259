/* outbox_priv.h - the Outbox's state, shared by outbox.c and its sibling files (core only). */
#ifndef OUTBOX_PRIV_H
#define OUTBOX_PRIV_H

#include "outbox.h"
#include "errmsg.h"

#include <sqlite3.h>

struct Outbox {
    sqlite3 *db;
    int64_t max_rows, max_bytes;
    char topics[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX];
    size_t n_topics;
    OutboxFlags flags;              /* staff flags on db (outbox_flags.c) */
    OutboxReceiptGen receipt_gen;   /* NULL: outbox_new_receipt */
    void *receipt_ctx;
    bool sealed;                    /* outbox_set_seal_key */
    unsigned char seal_pk[32];
    int64_t seen_version;           /* outbox_changed: PRAGMA data_version seen last */
};

/* The OUTBOX_WAITING ... OUTBOX_EXPORTED bit of a state's name, 0 if none. */
unsigned outbox_state_bit(const char *state);
/* Called by outbox_walk for each row whose state is wanted: 0 to go on,
 * anything else to stop (with a message in err, or none when the caller's
 * callback stopped). */
typedef int (*OutboxWalkFn)(sqlite3_stmt *st, const char *state, void *ctx,
                            char *err, size_t errlen);
/* Step st (prepared; NULL: the prepare failed) to its end, handing fn the
 * rows whose column state_col is a state in `states`; finalizes st.
 * Returns how many rows fn took, or -1 (database error, message in err,
 * or fn stopped). The one loop of outbox_each and outbox_each_rating. */
int64_t outbox_walk(Outbox *ob, sqlite3_stmt *st, int state_col, unsigned states,
                    OutboxWalkFn fn, void *ctx, char *err, size_t errlen);
/* Column `col` of the current row as text into dst ("" for NULL). */
void outbox_col_text(sqlite3_stmt *st, int col, char *dst, size_t size);

/* Sealed mode (outbox_seal.c). outbox_seal_payload takes over the
 * malloc'd plain payload and returns what to store: it unchanged when not
 * sealed, else the sealed JSON (the plain one wiped and freed); NULL when
 * out of memory. outbox_seal_contact returns a malloc'd copy of the
 * contact, or its sealed box; NULL when out of memory. */
/* Build the stored payload of a submission with this id and receipt;
 * malloc'd, NULL when out of memory. Called once with stand-ins of the same
 * length to measure it for the caps, then once per insert attempt. */
typedef char *(*OutboxPayloadFn)(const Outbox *ob, const char *id, const char *receipt,
                                 const void *ctx);
/* The one write path of outbox_push and outbox_push_rating: in one
 * BEGIN IMMEDIATE ... COMMIT, check the caps, insert the row (topic, lang,
 * day columns as given, payload from make) with a fresh id and receipt,
 * and the contact when non-NULL and non-empty. OUTBOX_OK after COMMIT with
 * receipt filled; else receipt is "", nothing stored, and OUTBOX_FULL /
 * OUTBOX_IO raised their flag. Input must be checked before. */
OutboxResult outbox_store(Outbox *ob, const char *topic, const char *lang, const char *day,
                          OutboxPayloadFn make, const void *ctx, const char *contact,
                          int64_t now_s, char receipt[OUTBOX_RECEIPT_LEN + 1],
                          char *err, size_t errlen);
char *outbox_seal_payload(const Outbox *ob, const char *id, char *payload);
char *outbox_seal_contact(const Outbox *ob, const char *id, const char *contact);

#endif
