/* outbox_rows.c - reading the outbox back for staff: rows, exported marks, purge, oldest waiting. */
#include "outbox_priv.h"
#include "timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned outbox_state_bit(const char *state)
{
    return strcmp(state, "waiting") == 0 ? OUTBOX_WAITING
         : strcmp(state, "delivered") == 0 ? OUTBOX_DELIVERED
         : strcmp(state, "dead") == 0 ? OUTBOX_DEAD
         : strcmp(state, "exported") == 0 ? OUTBOX_EXPORTED : 0;
}

void outbox_col_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", v ? (const char *)v : "");
}

/* Fill row->sealed and row->text from the stored payload. Returns 0 or -1
 * when the payload is not one of ours (never quotes it). */
static int rows_payload(const char *payload, OutboxRow *row)
{
    json_error_t je;
    json_t *o = payload ? json_loads(payload, 0, &je) : NULL;
    const char *sealed = json_string_value(json_object_get(o, "sealed"));
    const char *text = json_string_value(json_object_get(o, "text"));
    row->sealed = sealed != NULL;
    row->text = sealed ? strdup(sealed) : text ? strdup(text) : NULL;
    json_decref(o);
    return row->text ? 0 : -1;
}

int64_t outbox_walk(Outbox *ob, sqlite3_stmt *st, int state_col, unsigned states,
                    OutboxWalkFn fn, void *ctx, char *err, size_t errlen)
{
    if (!st) {
        errmsg(err, errlen, "database: %s", sqlite3_errstr(sqlite3_errcode(ob->db)));
        return -1;
    }
    int64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char state[12];
        outbox_col_text(st, state_col, state, sizeof state);
        if (!(outbox_state_bit(state) & states))
            continue;
        if (fn(st, state, ctx, err, errlen) != 0) {
            sqlite3_finalize(st);
            return -1;
        }
        n++;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        errmsg(err, errlen, "database: %s", sqlite3_errstr(rc));
        return -1;
    }
    return n;
}

/* What outbox_each's walk hands each row to. */
typedef struct {
    OutboxRowFn fn;
    void *ctx;
} RowsEach;

static int rows_each_one(sqlite3_stmt *st, const char *state, void *ctx, char *err,
                         size_t errlen)
{
    const RowsEach *e = ctx;
    OutboxRow row;
    memset(&row, 0, sizeof row);
    snprintf(row.state, sizeof row.state, "%s", state);
    outbox_col_text(st, 0, row.id, sizeof row.id);
    outbox_col_text(st, 1, row.receipt, sizeof row.receipt);
    outbox_col_text(st, 2, row.topic, sizeof row.topic);
    outbox_col_text(st, 3, row.lang, sizeof row.lang);
    outbox_col_text(st, 4, row.day, sizeof row.day);
    if (rows_payload((const char *)sqlite3_column_text(st, 6), &row) < 0) {
        errmsg(err, errlen, "submission %s: stored payload does not parse", row.id);
        return -1;
    }
    const unsigned char *contact = sqlite3_column_text(st, 7);
    row.contact = contact ? strdup((const char *)contact) : NULL;
    int stop = contact && !row.contact ? -1 : e->fn(&row, e->ctx);
    if (contact && !row.contact)
        errmsg(err, errlen, "out of memory");
    free(row.text);
    free(row.contact);
    return stop;
}

int64_t outbox_each(Outbox *ob, unsigned states, OutboxRowFn fn, void *ctx,
                    char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT s.id, s.receipt, s.topic, s.lang, s.day, s.state,"
                           " s.payload, c.contact FROM submissions s"
                           " LEFT JOIN contacts c ON c.submission_id = s.id"
                           " WHERE s.topic <> '" OUTBOX_RATING_TOPIC "'"   /* outbox_each_rating */
                           " ORDER BY s.id", -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    RowsEach e = {fn, ctx};
    return outbox_walk(ob, st, 5, states, rows_each_one, &e, err, errlen);
}

int outbox_read_begin(Outbox *ob)
{
    /* A deferred transaction that reads takes a WAL snapshot: every later
     * read in it sees the same rows, whatever other connections commit. */
    if (sqlite3_exec(ob->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_exec(ob->db, "SELECT count(*) FROM submissions", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

void outbox_read_end(Outbox *ob)
{
    if (!sqlite3_get_autocommit(ob->db))
        sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t outbox_mark_exported(Outbox *ob, const char (*ids)[37], size_t n, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(ob->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(ob->db, "UPDATE submissions SET state = 'exported'"
                                " WHERE id = ?1 AND state IN ('waiting', 'dead')", -1, &st, NULL);
    int64_t changed = 0;
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ids[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            changed += sqlite3_changes(ob->db);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(ob->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        errmsg(err, errlen, "database: %s", sqlite3_errstr(rc));
        if (!sqlite3_get_autocommit(ob->db))
            sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return changed;
}

int64_t outbox_purge(Outbox *ob, int days, int64_t now_s, char *err, size_t errlen)
{
    char cutoff[11];
    time_local_date(now_s, days, cutoff);
    /* Handed on: delivered on deliveries.delivered_on, exported on its day
     * (the deliveries row goes with the submission: a trigger). */
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ob->db, "DELETE FROM submissions WHERE id IN (SELECT s.id"
                                " FROM submissions s LEFT JOIN deliveries d"
                                " ON d.submission_id = s.id WHERE"
                                " (s.state = 'delivered' AND coalesce(d.delivered_on, s.day) <= ?1)"
                                " OR (s.state = 'exported' AND s.day <= ?1))", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_DONE) {
        errmsg(err, errlen, "database: %s", sqlite3_errstr(rc));
        return -1;
    }
    int64_t n = sqlite3_changes(ob->db);
    /* secure_delete zeroed the freed pages in the WAL; copy them into the
     * database and empty the WAL so the old copies go too. Best effort: a
     * reader holding the WAL only delays it. */
    sqlite3_wal_checkpoint_v2(ob->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    return n;
}

int outbox_oldest_waiting(Outbox *ob, char day[11])
{
    day[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT min(day) FROM submissions WHERE state = 'waiting'"
                           /* a rating's day is the 1st of its month, not a date */
                           " AND topic <> '" OUTBOX_RATING_TOPIC "'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        outbox_col_text(st, 0, day, 11);
        found = 1;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? found : -1;
}
