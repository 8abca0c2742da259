/* outbox_deliver.c - a submission's delivery: batches, tries, delivered, dead letter. */
#include "outbox_priv.h"
#include "store.h"
#include "timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sqlite3_exec without a message: an SQLite code. */
static int deliver_exec(Outbox *ob, const char *sql)
{
    return sqlite3_exec(ob->db, sql, NULL, NULL, NULL);
}

static void deliver_rollback(Outbox *ob)
{
    if (!sqlite3_get_autocommit(ob->db))
        deliver_exec(ob, "ROLLBACK");
}

/* Step a statement to its end and finalize it: 0 when it completed, else -1. */
static int deliver_step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* A statement with the id bound as ?1, or NULL. */
static sqlite3_stmt *deliver_prepare(Outbox *ob, const char *sql, const char *id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    return st;
}

int outbox_batch_open(Outbox *ob, const BatchTimes *times, int batch_min, int64_t now_s,
                      bool force)
{
    if (deliver_exec(ob, "BEGIN IMMEDIATE") != SQLITE_OK)
        return -1;
    int64_t seen = 0, before, outside = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT count(*) FROM submissions s WHERE state = 'waiting'"
                           " AND NOT EXISTS (SELECT 1 FROM deliveries d"
                           " WHERE d.submission_id = s.id)", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            outside = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (outside < 0 || store_state_get_int(ob->db, "last_slot", &seen) < 0)
        goto fail;
    before = seen;
    bool open = batch_should_open(times, &seen, now_s, outside, batch_min, force);
    if (seen != before && store_state_set_int(ob->db, "last_slot", seen) < 0)
        goto fail;
    int joined = 0;
    if (open) {
        if (deliver_exec(ob, "INSERT INTO deliveries (submission_id) SELECT id FROM submissions s"
                         " WHERE state = 'waiting' AND NOT EXISTS (SELECT 1 FROM deliveries d"
                         " WHERE d.submission_id = s.id)") != SQLITE_OK)
            goto fail;
        joined = sqlite3_changes(ob->db);
    }
    if (deliver_exec(ob, "COMMIT") != SQLITE_OK)
        goto fail;
    return joined;
fail:
    deliver_rollback(ob);
    return -1;
}

int outbox_due(Outbox *ob, int64_t now_ms, int max, char (**ids)[37])
{
    *ids = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT d.submission_id FROM deliveries d"
                           " JOIN submissions s ON s.id = d.submission_id"
                           " WHERE s.state = 'waiting' AND d.next_try <= ?1"
                           " ORDER BY d.submission_id LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, max);
    int n = 0, cap = 0, rc;
    char (*v)[37] = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char (*p)[37] = realloc(v, (size_t)cap * sizeof *v);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            v = p;
        }
        outbox_col_text(st, 0, v[n++], 37);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return -1;
    }
    *ids = v;
    return n;
}

void outbox_parcel_free(OutboxParcel *p)
{
    free(p->payload);
    if (p->contact) {
        sodium_memzero(p->contact, strlen(p->contact));
        free(p->contact);
    }
    memset(p, 0, sizeof *p);
}

int outbox_parcel_load(Outbox *ob, const char *id, OutboxParcel *p)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st = deliver_prepare(ob, "SELECT s.payload, c.contact, d.payload_done,"
                                       " d.tries, d.refusals FROM submissions s JOIN deliveries d"
                                       " ON d.submission_id = s.id LEFT JOIN contacts c"
                                       " ON c.submission_id = s.id"
                                       " WHERE s.id = ?1 AND s.state = 'waiting'", id);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *pl = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        p->payload = strdup(pl ? pl : "");
        p->contact = c ? strdup(c) : NULL;
        p->payload_done = sqlite3_column_int(st, 2) != 0;
        p->tries = sqlite3_column_int(st, 3);
        p->refusals = sqlite3_column_int(st, 4);
        if (!p->payload || (c && !p->contact)) {
            outbox_parcel_free(p);
            rc = SQLITE_NOMEM;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int outbox_mark_payload_done(Outbox *ob, const char *id, long status)
{
    sqlite3_stmt *st = deliver_prepare(ob, "UPDATE deliveries SET payload_done = 1, tries = 0,"
                                       " refusals = 0, last_status = ?2, last_error = ''"
                                       " WHERE submission_id = ?1", id);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 2, status);
    return deliver_step(st);
}

int outbox_mark_delivered(Outbox *ob, const char *id, long status, int64_t now_s)
{
    char day[11];
    time_local_date(now_s, 0, day);
    if (deliver_exec(ob, "BEGIN IMMEDIATE") != SQLITE_OK)
        return -1;
    /* Only a row still waiting moves, so an export in between is never undone. */
    sqlite3_stmt *a = deliver_prepare(ob, "UPDATE submissions SET state = 'delivered'"
                                      " WHERE id = ?1 AND state = 'waiting'", id);
    sqlite3_stmt *b = deliver_prepare(ob, "UPDATE deliveries SET delivered_on = ?2,"
                                      " last_status = ?3, last_error = '', tries = 0,"
                                      " refusals = 0, payload_done = 1"
                                      " WHERE submission_id = ?1", id);
    sqlite3_stmt *c = deliver_prepare(ob, "DELETE FROM contacts WHERE submission_id = ?1", id);
    if (!a || !b || !c) {
        sqlite3_finalize(a);
        sqlite3_finalize(b);
        sqlite3_finalize(c);
        deliver_rollback(ob);
        return -1;
    }
    sqlite3_bind_text(b, 2, day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b, 3, status);
    /* The office has the contact now: the kiosk keeps none. */
    int rc = deliver_step(a);
    rc |= deliver_step(b);
    rc |= deliver_step(c);
    if (rc != 0 || deliver_exec(ob, "COMMIT") != SQLITE_OK) {
        deliver_rollback(ob);
        return -1;
    }
    return 0;
}

int outbox_mark_failed(Outbox *ob, const char *id, const OutboxTry *t, bool dead_letter)
{
    if (deliver_exec(ob, "BEGIN IMMEDIATE") != SQLITE_OK)
        return -1;
    sqlite3_stmt *a = deliver_prepare(ob, "UPDATE deliveries SET tries = ?2, refusals = ?3,"
                                      " next_try = ?4, last_status = ?5, last_error = ?6"
                                      " WHERE submission_id = ?1", id);
    if (!a) {
        deliver_rollback(ob);
        return -1;
    }
    sqlite3_bind_int(a, 2, t->tries);
    sqlite3_bind_int(a, 3, t->refusals);
    sqlite3_bind_int64(a, 4, t->next_try_ms);
    sqlite3_bind_int64(a, 5, t->status);
    sqlite3_bind_text(a, 6, t->error ? t->error : "", -1, SQLITE_STATIC);
    int rc = deliver_step(a);
    if (rc == 0 && dead_letter) {
        sqlite3_stmt *b = deliver_prepare(ob, "UPDATE submissions SET state = 'dead'"
                                          " WHERE id = ?1 AND state = 'waiting'", id);
        rc = b ? deliver_step(b) : -1;
    }
    if (rc != 0 || deliver_exec(ob, "COMMIT") != SQLITE_OK) {
        deliver_rollback(ob);
        return -1;
    }
    return 0;
}

int outbox_retry_now(Outbox *ob)
{
    return deliver_exec(ob, "UPDATE deliveries SET next_try = 0 WHERE next_try > 0 AND"
                        " submission_id IN (SELECT id FROM submissions WHERE state = 'waiting')")
           == SQLITE_OK ? 0 : -1;
}

int64_t outbox_next_try_ms(Outbox *ob)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "SELECT min(d.next_try) FROM deliveries d JOIN submissions s"
                           " ON s.id = d.submission_id WHERE s.state = 'waiting'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int64_t v = INT64_MAX;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? v : -1;
}

bool outbox_changed(Outbox *ob)
{
    int64_t v = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ob->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    bool changed = v != ob->seen_version;
    ob->seen_version = v;
    return changed;
}
