/* outbox_rating.c - satisfaction ratings: a score and a month, queued like a suggestion. */
#include "outbox_priv.h"
#include "timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a rating's payload is made of (rating_payload's ctx). */
typedef struct {
    int score;
    const char *month;
} RatingData;

/* The frozen payload (docs/OUTBOX.md, "Satisfaction ratings"). The receipt
 * is left out: it is never shown, so it has nothing to tell the server. */
static char *rating_payload(const Outbox *ob, const char *id, const char *receipt,
                            const void *ctx)
{
    const RatingData *d = ctx;
    json_t *o = json_pack("{s:i, s:s, s:s, s:i, s:s}", "v", 1, "kind", "rating", "id", id,
                          "score", d->score, "month", d->month);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

void outbox_rating_month(int64_t now_s, char month[8])
{
    char day[11];
    time_local_date(now_s, 0, day);
    memcpy(month, day, 7);
    month[7] = '\0';
}

OutboxResult outbox_push_rating(Outbox *ob, int score, int64_t now_s, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (score < OUTBOX_RATING_MIN || score > OUTBOX_RATING_MAX) {
        errmsg(err, errlen, "a rating is a score from %d to %d", OUTBOX_RATING_MIN,
                   OUTBOX_RATING_MAX);
        return OUTBOX_INVALID;
    }
    char month[8], day[11], receipt[OUTBOX_RECEIPT_LEN + 1];
    outbox_rating_month(now_s, month);
    /* The day column must hold a date (its CHECK, purge, staff queries);
     * the first of the month says no more than the month does. */
    snprintf(day, sizeof day, "%s-01", month);
    RatingData d = { score, month };
    return outbox_store(ob, OUTBOX_RATING_TOPIC, "", day, rating_payload, &d, NULL, now_s,
                        receipt, err, errlen);
}

/* Fill r->score and r->month from a stored payload. Returns 0, or -1 when
 * it is not a rating payload. */
static int rating_parse(const char *payload, OutboxRating *r)
{
    json_error_t je;
    json_t *o = payload ? json_loads(payload, 0, &je) : NULL;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    const char *month = json_string_value(json_object_get(o, "month"));
    json_t *score = json_object_get(o, "score");
    int ok = kind && strcmp(kind, "rating") == 0 && month && strlen(month) == 7 &&
             json_is_integer(score) && json_integer_value(score) >= OUTBOX_RATING_MIN &&
             json_integer_value(score) <= OUTBOX_RATING_MAX;
    if (ok) {
        memcpy(r->month, month, 8);
        r->score = (int)json_integer_value(score);
    }
    json_decref(o);
    return ok ? 0 : -1;
}

/* What rating_each's walk hands each row to. */
typedef struct {
    OutboxRatingFn fn;
    void *ctx;
} RatingEach;

static int rating_each_one(sqlite3_stmt *st, const char *state, void *ctx, char *err,
                           size_t errlen)
{
    const RatingEach *e = ctx;
    OutboxRating r;
    memset(&r, 0, sizeof r);
    snprintf(r.state, sizeof r.state, "%s", state);
    outbox_col_text(st, 0, r.id, sizeof r.id);
    if (rating_parse((const char *)sqlite3_column_text(st, 2), &r) < 0) {
        errmsg(err, errlen, "rating %s: stored payload is not a rating", r.id);
        return -1;
    }
    return e->fn(&r, e->ctx) != 0 ? -1 : 0;
}

/* outbox_each_rating, limited to one day column value when day is non-NULL. */
static int64_t rating_each(Outbox *ob, unsigned states, const char *day, OutboxRatingFn fn,
                           void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT id, state, payload FROM submissions"
                           " WHERE topic = '" OUTBOX_RATING_TOPIC "'"
                           " AND (?1 IS NULL OR day = ?1) ORDER BY id", -1, &st, NULL)
        != SQLITE_OK)
        st = NULL;
    else if (day)
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    RatingEach e = {fn, ctx};
    return outbox_walk(ob, st, 1, states, rating_each_one, &e, err, errlen);
}

int64_t outbox_each_rating(Outbox *ob, unsigned states, OutboxRatingFn fn, void *ctx,
                           char *err, size_t errlen)
{
    return rating_each(ob, states, NULL, fn, ctx, err, errlen);
}

_Static_assert(OUTBOX_RATING_MAX - OUTBOX_RATING_MIN + 1 == 5, "counts[5] holds every score");

static int rating_count(const OutboxRating *r, void *ctx)
{
    ((int *)ctx)[r->score - OUTBOX_RATING_MIN]++;
    return 0;
}

int outbox_rating_counts(Outbox *ob, const char *month, int counts[5])
{
    memset(counts, 0, 5 * sizeof counts[0]);
    char day[11];
    if (!month || strlen(month) != 7 || month[4] != '-')
        return -1;
    snprintf(day, sizeof day, "%s-01", month);
    int64_t n = rating_each(ob, OUTBOX_WAITING | OUTBOX_DELIVERED | OUTBOX_DEAD |
                            OUTBOX_EXPORTED, day, rating_count, counts, NULL, 0);
    if (n < 0)
        memset(counts, 0, 5 * sizeof counts[0]);
    return n < 0 ? -1 : (int)n;
}
