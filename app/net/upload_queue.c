/* upload_queue.c - the upload queue: batches, retention, counts, persistent state. */
#include "upload.h"
#include "upload_priv.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int upload_exec(Upload *u, const char *sql)
{
    return sqlite3_exec(u->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

void upload_rollback(Upload *u)
{
    if (!sqlite3_get_autocommit(u->db))
        sqlite3_exec(u->db, "ROLLBACK", NULL, NULL, NULL);
}

int64_t upload_int(Upload *u, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(u->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int upload_step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The local date `days` days before now_s, YYYY-MM-DD. */
void upload_day(int64_t now_s, int days, char out[11])
{
    time_t t = (time_t)now_s;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_mday -= days;
    tm.tm_hour = 12;   /* away from any daylight-saving edge */
    tm.tm_isdst = -1;
    t = mktime(&tm);
    localtime_r(&t, &tm);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

/* ---- uploader_state ---- */

int upload_state_get_int(sqlite3 *db, const char *key, int64_t *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM uploader_state WHERE key = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int upload_state_get_text(sqlite3 *db, const char *key, char *out, size_t n)
{
    out[0] = '\0';
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM uploader_state WHERE key = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", v ? (const char *)v : "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int upload_state_set(sqlite3 *db, const char *key, const char *text, int64_t v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO uploader_state (key, value) VALUES (?1, ?2)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (text)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 2, v);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int upload_state_set_int(sqlite3 *db, const char *key, int64_t v)
{
    return upload_state_set(db, key, NULL, v);
}

int upload_state_set_text(sqlite3 *db, const char *key, const char *v)
{
    return upload_state_set(db, key, v ? v : "", 0);
}

int upload_open_batch(Upload *u, int64_t now_s, bool force)
{
    if (!u->upload_url[0])
        return 0;
    if (upload_exec(u, "BEGIN IMMEDIATE") < 0)
        return -1;
    int64_t seen = 0, before;
    int64_t outside = upload_int(u, "SELECT count(*) FROM submissions s WHERE state = 'waiting'"
                                 " AND NOT EXISTS (SELECT 1 FROM deliveries d"
                                 " WHERE d.submission_id = s.id)");
    if (outside < 0 || upload_state_get_int(u->db, "last_slot", &seen) < 0)
        goto fail;
    before = seen;
    bool open = batch_should_open(&u->s.times, &seen, now_s, outside, u->s.batch_min, force);
    if (seen != before && upload_state_set_int(u->db, "last_slot", seen) < 0)
        goto fail;
    int joined = 0;
    if (open) {
        if (upload_exec(u, "INSERT INTO deliveries (submission_id) SELECT id FROM submissions s"
                        " WHERE state = 'waiting' AND NOT EXISTS (SELECT 1 FROM deliveries d"
                        " WHERE d.submission_id = s.id)") < 0)
            goto fail;
        joined = sqlite3_changes(u->db);
    }
    if (upload_exec(u, "COMMIT") < 0)
        goto fail;
    return joined;
fail:
    upload_rollback(u);
    return -1;
}

int upload_retry_now(Upload *u)
{
    u->hold_until_ms = 0;
    return upload_exec(u, "UPDATE deliveries SET next_try = 0 WHERE next_try > 0 AND"
                       " submission_id IN (SELECT id FROM submissions WHERE state = 'waiting')");
}

int64_t upload_next_due_ms(Upload *u)
{
    if (!u->upload_url[0])
        return INT64_MAX;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "SELECT min(d.next_try) FROM deliveries d JOIN submissions s"
                           " ON s.id = d.submission_id WHERE s.state = 'waiting'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int64_t v = INT64_MAX;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return -1;
    if (v != INT64_MAX && v < u->hold_until_ms)
        v = u->hold_until_ms;
    return v;
}

int upload_purge(Upload *u, int64_t now_s)
{
    char cutoff[11];
    upload_day(now_s, u->s.delivered_keep_days, cutoff);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "DELETE FROM submissions WHERE state = 'delivered' AND id IN"
                           " (SELECT submission_id FROM deliveries WHERE delivered_on <= ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, cutoff, -1, SQLITE_STATIC);
    if (upload_step(st) < 0)
        return -1;
    int n = sqlite3_changes(u->db);
    if (n > 0 || u->wal_has_private) {
        /* Busy readers may keep it from finishing; the next purge tries again. */
        int log = -1, done = -1;
        if (sqlite3_wal_checkpoint_v2(u->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done)
                == SQLITE_OK)
            u->wal_has_private = false;
    }
    return n;
}

int upload_counts(Upload *u, UploadCounts *c)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "SELECT s.state, count(*), count(d.submission_id)"
                           " FROM submissions s LEFT JOIN deliveries d"
                           " ON d.submission_id = s.id GROUP BY s.state", -1, &st, NULL)
        != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *state = (const char *)sqlite3_column_text(st, 0);
        int64_t n = sqlite3_column_int64(st, 1), in = sqlite3_column_int64(st, 2);
        if (!state)
            continue;
        if (strcmp(state, "waiting") == 0) {
            c->waiting = n - in;
            c->batched = in;
        } else if (strcmp(state, "delivered") == 0) {
            c->delivered = n;
        } else if (strcmp(state, "dead") == 0) {
            c->dead = n;
        } else if (strcmp(state, "exported") == 0) {
            c->exported = n;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        memset(c, 0, sizeof *c);
        return -1;
    }
    return 0;
}
