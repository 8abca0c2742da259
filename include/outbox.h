/* outbox.h - the durable outbox of anonymous suggestions, satisfaction ratings and staff flags.
 *
 * A submission is written once, in one transaction that is on disk
 * (WAL, synchronous=FULL) before outbox_push returns OUTBOX_OK, and its
 * payload never changes afterwards. What is stored and what is not is set
 * out in docs/OUTBOX.md; in short: a random UUID, a random receipt code,
 * the topic, the cleaned text, the language, the local date (no time of
 * day) and, in a separate table, the contact when one was given. Nothing
 * that orders submissions: no rowid, no timestamp, no counter.
 *
 * Nothing a resident typed ever appears in an error message or a flag.
 * One Outbox owns one sqlite3 connection; use it from one thread. */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "batch.h"
#include "outbox_flags.h"
#include "receipt.h"

#define OUTBOX_TEXT_MAX_CHARS    500   /* code points, after cleaning */
#define OUTBOX_CONTACT_MAX_CHARS 100
#define OUTBOX_MAX_TOPICS         16
#define OUTBOX_TOPIC_MAX          32   /* bytes of a topic id, NUL included */

/* Receipt codes: 8 symbols of this alphabet, shown as XXXX-XXXX. 28
 * symbols: the digits and capitals without 0 O 1 I L (read as each other)
 * and without S Z B (read as 5 2 8, which stay). 28^8 is about 3.8e11. */
#define OUTBOX_RECEIPT_ALPHABET RECEIPT_ALPHABET   /* receipt.h */
#define OUTBOX_RECEIPT_LEN   RECEIPT_LEN
#define OUTBOX_RECEIPT_SIZE 10    /* a buffer for a receipt, raw or formatted */

#define OUTBOX_DEFAULT_TOPICS "cleaning,safety,repairs,fees,parking,noise,service,other"
#define OUTBOX_DEFAULT_MAX_ROWS  5000
#define OUTBOX_DEFAULT_MAX_BYTES (20 * 1024 * 1024)

typedef struct Outbox Outbox;

typedef struct {
    int64_t max_rows;     /* rows not yet handed on (waiting + dead); <= 0: default */
    int64_t max_bytes;    /* payload bytes of those rows; <= 0: default */
    const char *topics;   /* comma-separated topic ids; NULL: the defaults */
} OutboxLimits;

typedef enum {
    OUTBOX_OK,        /* committed to disk: only now may the screen say thank you */
    OUTBOX_INVALID,   /* refused input (empty, too long, unknown topic ...): nothing stored */
    OUTBOX_FULL,      /* the queue caps are reached: nothing stored, flag queue_full */
    OUTBOX_IO,        /* disk full, read-only, I/O error: nothing stored, flag commit_failed */
} OutboxResult;

/* Open DATA_DIR/kiosk.db (created with its directory if needed; schema by
 * store_connect). `lim` may be NULL for the defaults; its topics string is
 * copied. Returns NULL and a message in err when the database cannot be
 * opened or the topic list is malformed ([a-z0-9_] ids, 1 to
 * OUTBOX_MAX_TOPICS, no repeats). */
Outbox *outbox_open(const char *data_dir, const OutboxLimits *lim, char *err, size_t errlen);
void outbox_close(Outbox *ob);   /* NULL accepted */

/* Store one suggestion. `text` and `contact` are cleaned first (textclean.h:
 * text keeps its line breaks, contact becomes one line); `contact` NULL, ""
 * or blank means none. `topic` must be one of the configured ids (never
 * OUTBOX_RATING_TOPIC: ratings go through outbox_push_rating), `lang`
 * "zh" or "en". The stored date is the local date (TZ) of `now_s`. Refused
 * with OUTBOX_INVALID: text blank or over OUTBOX_TEXT_MAX_CHARS, contact over
 * OUTBOX_CONTACT_MAX_CHARS, unknown topic or language. Submission and
 * contact go in one transaction; OUTBOX_OK only after COMMIT succeeded, and
 * then receipt_out holds the 8-symbol code (NUL-terminated). On any other
 * result nothing was stored, receipt_out is "", err says why in words that
 * never quote the input, and OUTBOX_FULL / OUTBOX_IO raise a staff flag
 * (kept in memory if the database cannot take it). */
OutboxResult outbox_push(Outbox *ob, const char *topic, const char *text,
                         const char *contact, const char *lang, int64_t now_s,
                         char receipt_out[OUTBOX_RECEIPT_SIZE], char *err, size_t errlen);

/* ---- Satisfaction ratings (docs/OUTBOX.md, "Satisfaction ratings"). ---- */

/* The topic column of every rating; a reserved id that no configured topic
 * list may hold and outbox_push refuses. Ratings are rows of the same
 * submissions table, queued, capped and uploaded exactly like suggestions. */
#define OUTBOX_RATING_TOPIC "rating"
#define OUTBOX_RATING_MIN 1
#define OUTBOX_RATING_MAX 5

/* Store one rating: a score from OUTBOX_RATING_MIN to OUTBOX_RATING_MAX and
 * the local month (TZ) of now_s, nothing else. The frozen payload is
 * {"v":1,"kind":"rating","id":UUID,"score":N,"month":"YYYY-MM"}; it is
 * never sealed (it holds no resident text, and the server tells its kind
 * without a key). The row's day column is the first of the month
 * ("YYYY-MM-01"), its lang "", its receipt a random code that is never
 * shown or looked up. Results as outbox_push: OUTBOX_INVALID for a score
 * out of range (nothing stored), OUTBOX_FULL when the queue caps are
 * reached (ratings count toward them like any row), OUTBOX_IO when the
 * disk refused; OUTBOX_OK only after COMMIT. Once per visit is the
 * screen's rule, not checked here. */
OutboxResult outbox_push_rating(Outbox *ob, int score, int64_t now_s, char *err, size_t errlen);

/* The local month (TZ) of now_s as YYYY-MM: the month a rating made now belongs to. */
void outbox_rating_month(int64_t now_s, char month[8]);

/* One stored rating as outbox_each_rating hands it over. */
typedef struct {
    char id[37];
    char month[8];         /* YYYY-MM */
    int score;             /* OUTBOX_RATING_MIN..OUTBOX_RATING_MAX */
    char state[12];        /* waiting, delivered, dead, exported */
} OutboxRating;
typedef int (*OutboxRatingFn)(const OutboxRating *r, void *ctx);

/* Call fn for each rating whose state is in `states` (OUTBOX_WAITING | ...,
 * below), in order of the random id. outbox_each never hands ratings over.
 * Returns how many were handed over, or -1: a database error or a payload
 * that is not a rating (message in err), or fn returned non-zero (err
 * untouched). */
int64_t outbox_each_rating(Outbox *ob, unsigned states, OutboxRatingFn fn, void *ctx,
                           char *err, size_t errlen);

/* For staff: the ratings of `month` (YYYY-MM) the kiosk still holds, in
 * any state, by score: counts[0] is score 1 ... counts[4] score 5.
 * Delivered ratings are deleted after the retention period, so for past
 * months this is a lower bound; the office's server has them all. Returns
 * the total, or -1 (counts zeroed) on database errors or a malformed month. */
int outbox_rating_counts(Outbox *ob, const char *month, int counts[5]);

/* Parse a comma-separated topic list ("cleaning, safety,other": spaces
 * around ids ignored) into ids. Returns the number of ids, or -1 with a
 * message when an id is empty, too long or not [a-z0-9_], repeated, the
 * reserved OUTBOX_RATING_TOPIC, or there are more than OUTBOX_MAX_TOPICS. */
int outbox_topics_parse(const char *list, char ids[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX],
                        char *err, size_t errlen);

/* "OK", "INVALID", "FULL", "IO". */
const char *outbox_result_name(OutboxResult r);

/* The accepted topic ids in configured order: fills ids[0..max) with
 * pointers owned by `ob` and returns how many there are. */
size_t outbox_topics(const Outbox *ob, const char **ids, size_t max);

typedef struct {
    int64_t waiting, delivered, dead, exported;   /* rows by state (ratings too) */
    int64_t batched;        /* of the waiting, those in an upload batch */
    int64_t queued_rows;    /* waiting + dead: what the caps count */
    int64_t queued_bytes;   /* their payload bytes */
} OutboxCounts;
/* Returns 0 and fills `out`, or -1 (out zeroed) on database errors. */
int outbox_counts(Outbox *ob, OutboxCounts *out);

/* A submission's metadata: never its text or contact. */
typedef struct {
    char id[37];
    char receipt[OUTBOX_RECEIPT_LEN + 1];
    char topic[OUTBOX_TOPIC_MAX];
    char lang[4];
    char day[11];          /* YYYY-MM-DD */
    char state[12];        /* waiting, delivered, dead, exported */
    bool has_contact;
    int64_t bytes;         /* payload size */
} OutboxMeta;
/* Look a suggestion's receipt up (as outbox_parse_receipt accepts it).
 * Returns 1 and fills `out`, 0 when there is no such receipt (or it is
 * malformed, or a rating's, which is never shown), -1 on database errors. */
int outbox_get_by_receipt(Outbox *ob, const char *receipt, OutboxMeta *out);

/* A new random receipt code (libsodium randombytes_uniform, so each symbol
 * is uniform over the alphabet): 8 symbols and a NUL. */
void outbox_new_receipt(char raw[OUTBOX_RECEIPT_LEN + 1]);
/* "ABCD2345" -> "ABCD-2345" in out (OUTBOX_RECEIPT_SIZE bytes); copies the
 * input unchanged when it is not 8 characters long. */
void outbox_format_receipt(const char *raw, char out[OUTBOX_RECEIPT_SIZE]);
/* Read a receipt as a person may type it (receipt_normalize: separators
 * ignored, lower case and full-width accepted, S Z B read as 5 2 8).
 * Returns 0 with the 8-symbol code in raw, or -1 when it is not a receipt. */
int outbox_parse_receipt(const char *in, char raw[OUTBOX_RECEIPT_LEN + 1]);

/* ---- Staff flags: conditions staff should see (staff mode lists them). ---- */

/* OutboxFlag and the limits: outbox_flags.h. */

/* Raise flag `name` ("queue_full", "commit_failed", ...) on the local date
 * of now_s with a one-line `detail` that must never contain resident text
 * (cleaned and cut to fit). Raising a raised flag keeps its date and
 * replaces the detail. When the database refuses the write (disk full,
 * read-only), the flag is kept in memory, listed by outbox_flags_list and
 * written by a later successful push. Returns 0 when stored, 1 when kept in
 * memory only, -1 for a bad name or when memory is full too. */
int outbox_flag_raise(Outbox *ob, const char *name, const char *detail, int64_t now_s);

/* Remove a flag (database and memory). Returns 0, or -1 when the database
 * refused (the flag is then still raised there). */
int outbox_flag_clear(Outbox *ob, const char *name);

/* The raised flags by name, stored ones and those kept in memory: fills
 * out[0..max) and returns how many there are (possibly more than max).
 * When the database cannot be read the memory flags are still returned. */
int outbox_flags_list(Outbox *ob, OutboxFlag *out, int max);

/* ---- Sealed mode (docs/OUTBOX.md, "Sealed submissions"). ---- */

struct SealPublic;
/* Seal every later push to the office public key `pub` (seal.h; copied),
 * or stop sealing with NULL. Sealed, the stored payload is
 * {"v":1,"id":ID,"sealed":BASE64} where BASE64 is the sealed box of the
 * version 1 payload, and the contact is the base64 sealed box of
 * {"id":ID,"contact":...}; the kiosk cannot read either back. */
void outbox_set_seal_key(Outbox *ob, const struct SealPublic *pub);
bool outbox_sealed(const Outbox *ob);

/* ---- Reading back for staff: export, list, purge (app/data/outbox_rows.c). ---- */

enum { OUTBOX_WAITING = 1, OUTBOX_DELIVERED = 2, OUTBOX_DEAD = 4, OUTBOX_EXPORTED = 8 };

/* One stored submission as outbox_each hands it over (valid during the call). */
typedef struct {
    char id[37];
    char receipt[OUTBOX_RECEIPT_LEN + 1];
    char topic[OUTBOX_TOPIC_MAX];
    char lang[4];
    char day[11];
    char state[12];
    bool sealed;      /* text and contact are base64 sealed boxes */
    char *text;       /* the text, or the sealed payload */
    char *contact;    /* NULL when none; else the contact, or its sealed box */
} OutboxRow;
/* Return 0 to go on, anything else to stop. */
typedef int (*OutboxRowFn)(const OutboxRow *row, void *ctx);

/* Call fn for each suggestion (ratings are skipped: outbox_each_rating)
 * whose state is in `states` (OUTBOX_WAITING | ...), in order of the
 * random id (never arrival order). Returns how many
 * were handed over, or -1: a database error or a payload that does not
 * parse (message in err), or fn stopped (err untouched). */
int64_t outbox_each(Outbox *ob, unsigned states, OutboxRowFn fn, void *ctx,
                    char *err, size_t errlen);

/* A read transaction: outbox_each calls between these see one snapshot.
 * outbox_read_begin returns 0 or -1; outbox_read_end ends it (no-op when none). */
int outbox_read_begin(Outbox *ob);
void outbox_read_end(Outbox *ob);

/* In one transaction, set state 'exported' on those of the n ids that are
 * still waiting or dead (a row delivered meanwhile stays delivered).
 * Returns how many changed, or -1 with a message (nothing changed). */
int64_t outbox_mark_exported(Outbox *ob, const char (*ids)[37], size_t n,
                             char *err, size_t errlen);

/* The one purge (staff's `kioskctl purge` and the uploader's retention):
 * delete the rows handed on `days` or more local calendar days before the
 * local date of now_s (0: all of them). Handed on: delivered (on the date
 * of delivery) or exported (on the submission's own date, the only one the
 * kiosk keeps). Waiting and dead rows are never deleted. Then checkpoint
 * and truncate the WAL so no old copy of the deleted text, nor of a
 * contact deleted at delivery, stays there (best effort: a reader holding
 * the WAL only delays it to the next purge). Returns how many were
 * deleted, or -1 with a message (err may be NULL). */
int64_t outbox_purge(Outbox *ob, int days, int64_t now_s, char *err, size_t errlen);

/* The date of the oldest waiting suggestion (ratings, dated by month only,
 * are left out): 1 and day filled, 0 when none waits (day ""), -1 on
 * database errors. */
int outbox_oldest_waiting(Outbox *ob, char day[11]);

/* ---- Delivery: the uploader's side of a submission's life
 * (outbox_deliver.c; docs/PROTOCOL.md, docs/OUTBOX.md "Delivery"). The
 * uploader decides (when to try, what an answer means); these record it.
 * A row leaves `waiting` only here or by outbox_mark_exported, and each
 * write moves only rows still in the state it expects. ---- */

/* Open a batch when batch_should_open (batch.h) says so for times and
 * batch_min; the last batch time used is kept in the database, so a
 * restart neither skips nor repeats one. Every waiting submission not yet
 * in a batch joins it. Returns the number that joined, 0 when no batch
 * opened, -1 on database errors. */
int outbox_batch_open(Outbox *ob, const BatchTimes *times, int batch_min, int64_t now_s,
                      bool force);

/* The ids of batched waiting submissions whose next try is at or before
 * now_ms, at most max, in id order (random, never arrival; shuffle before
 * sending). Returns how many, with *ids malloc'd (the caller frees), or -1. */
int outbox_due(Outbox *ob, int64_t now_ms, int max, char (**ids)[37]);

/* What goes out for one batched submission. */
typedef struct {
    char *payload;       /* the frozen payload, malloc'd */
    char *contact;       /* malloc'd, NULL when none (or already delivered) */
    bool payload_done;   /* the server has the payload; the contact is left */
    int tries, refusals; /* failed tries of the part being sent, of which refusals */
} OutboxParcel;
/* Load id if it is still waiting in a batch: 1 (p filled; free it with
 * outbox_parcel_free), 0 when it is not (exported or deleted meanwhile),
 * -1 on errors. */
int outbox_parcel_load(Outbox *ob, const char *id, OutboxParcel *p);
/* Free what p holds, wiping the contact first. */
void outbox_parcel_free(OutboxParcel *p);

/* The server acknowledged the payload (HTTP status); the contact is next. 0 or -1. */
int outbox_mark_payload_done(Outbox *ob, const char *id, long status);
/* The server acknowledged every part: the submission becomes delivered
 * (dated the local date of now_s, for the purge) and its contact is
 * deleted, in one transaction. 0 or -1 (nothing changed). */
int outbox_mark_delivered(Outbox *ob, const char *id, long status, int64_t now_s);

/* A failed try as the uploader judged it. */
typedef struct {
    int tries, refusals;   /* after this try */
    int64_t next_try_ms;   /* not before (Unix ms) */
    long status;           /* HTTP status, 0 when none came */
    const char *error;     /* one line, never resident text */
} OutboxTry;
/* Record a failed try and, when dead_letter, move the submission to dead
 * letter (state `dead`: kept for staff, never tried again), in one
 * transaction. 0 or -1 (nothing changed). */
int outbox_mark_failed(Outbox *ob, const char *id, const OutboxTry *t, bool dead_letter);

/* Staff "upload now": every batched waiting submission is due at once. 0 or -1. */
int outbox_retry_now(Outbox *ob);
/* The earliest next try of a batched waiting submission (Unix ms);
 * INT64_MAX when none is batched, -1 on database errors. */
int64_t outbox_next_try_ms(Outbox *ob);
/* Whether any connection committed since the last call (PRAGMA
 * data_version; true on the first call): a cheap "look again". */
bool outbox_changed(Outbox *ob);

/* ---- The connection, for the uploader's key/value state and tests. ---- */

/* The Outbox's own connection: for store_state_* on the same thread (the
 * heartbeat's queue, sync_note_batch) and for tests (PRAGMA max_page_count
 * or query_only to simulate a full or read-only disk). Never for SQL on the
 * outbox's tables. Do not keep it past outbox_close. */
struct sqlite3 *outbox_db(Outbox *ob);
/* Replace the receipt generator (NULL restores the random one), to test
 * the retry on a receipt that is already taken. */
typedef void (*OutboxReceiptGen)(char raw[OUTBOX_RECEIPT_LEN + 1], void *ctx);
void outbox_set_receipt_gen(Outbox *ob, OutboxReceiptGen gen, void *ctx);

#endif
