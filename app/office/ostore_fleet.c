/* ostore_fleet.c - the office store's fleet queries: heartbeats, kiosk states, alerts, posting, rate limits, jobs (portable SQL, ostore_priv.h), and the SQLite backup. */
#include "ostore_priv.h"

#include <sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- heartbeats and status ---- */

OstoreResult ostore_fleet_heartbeat(Ostore *s, int64_t community_id, int64_t kiosk_id,
                                    const OstoreHeartbeat *hb, int keep, int64_t join_s,
                                    int64_t now)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO heartbeat (community_id, kiosk_id, received_at, body) VALUES (?, ?, ?, ?)",
        "iiit", community_id, kiosk_id, now, hb->json));
    if (r == OSTORE_OK && keep > 0)
        r = ostore_done(s, ostore_prep(s,
            "DELETE FROM heartbeat WHERE kiosk_id = ?1 AND id <= (SELECT id FROM heartbeat"
            " WHERE kiosk_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
            "ii", kiosk_id, (int64_t)keep));
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "INSERT INTO kiosk_status (kiosk_id, community_id, hb_at, content_version, display,"
            " flags, app_version, queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (kiosk_id) DO UPDATE SET hb_at = excluded.hb_at,"
            " content_version = excluded.content_version, display = excluded.display,"
            " flags = excluded.flags, app_version = excluded.app_version,"
            " queue = excluded.queue", "iiitttt" "t", kiosk_id, community_id, now,
            hb->content_version, hb->display, hb->flags, hb->app_version, hb->queue));
    if (r == OSTORE_OK) {
        r = ostore_done(s, ostore_prep(s,
            "UPDATE display_segment SET end_at = ?1 WHERE id = (SELECT id FROM display_segment"
            " WHERE kiosk_id = ?2 ORDER BY end_at DESC, id DESC LIMIT 1)"
            " AND content_version = ?3 AND visible = ?4 AND end_at >= ?5 AND end_at <= ?1",
            "iitbi", now, kiosk_id, hb->content_version, (int)hb->visible, now - join_s));
        if (r == OSTORE_OK && ostore_changes(s) == 0)
            r = ostore_done(s, ostore_prep(s,
                "INSERT INTO display_segment (kiosk_id, community_id, content_version, visible,"
                " start_at, end_at) VALUES (?, ?, ?, ?, ?, ?)", "iitbii", kiosk_id, community_id,
                hb->content_version, (int)hb->visible, now, now));
    }
    return ostore_tx_end(s, own, r);
}

#define STATUS_COLS "t.kiosk_id, t.community_id, t.state, t.state_flags, t.since, t.seq," \
                    " t.hb_at, t.content_version, t.display, t.flags, t.app_version, t.queue"

/* Fill a status from 12 columns starting at `i`. */
static void ostore_fill_status_at(OstoreStmt *st, int i, OstoreKioskStatus *o)
{
    o->kiosk_id = ostore_col_int(st, i);
    o->community_id = ostore_col_int(st, i + 1);
    ostore_col(st, i + 2, o->state, sizeof o->state);
    ostore_col(st, i + 3, o->state_flags, sizeof o->state_flags);
    o->since = ostore_col_int(st, i + 4);
    o->seq = ostore_col_int(st, i + 5);
    o->hb_at = ostore_col_int(st, i + 6);
    ostore_col(st, i + 7, o->content_version, sizeof o->content_version);
    ostore_col(st, i + 8, o->display, sizeof o->display);
    ostore_col(st, i + 9, o->flags, sizeof o->flags);
    ostore_col(st, i + 10, o->app_version, sizeof o->app_version);
    ostore_col(st, i + 11, o->queue, sizeof o->queue);
}

static void ostore_fill_status(OstoreStmt *st, void *out)
{
    ostore_fill_status_at(st, 0, out);
}

OstoreResult ostore_fleet_status(Ostore *s, int64_t kiosk_id, OstoreKioskStatus *out)
{
    memset(out, 0, sizeof *out);
    return ostore_one(s, ostore_prep(s, "SELECT " STATUS_COLS " FROM kiosk_status t"
                                        " WHERE t.kiosk_id = ?", "i", kiosk_id),
                      ostore_fill_status, out);
}

OstoreResult ostore_feed_version(Ostore *s, int64_t community_id, char *version, size_t n,
                                 int64_t *generated_at, int64_t *rev, int64_t *content_rev)
{
    OstoreStmt *st = ostore_prep(s,
        "SELECT c.content_rev, f.etag, f.generated_at, f.rev FROM community c"
        " LEFT JOIN feed f ON f.community_id = c.id WHERE c.id = ?", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc = ostore_step(st);
    OstoreResult r = rc == OSTORE_STEP_ROW ? OSTORE_OK : rc == OSTORE_STEP_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    version[0] = '\0';
    *generated_at = *rev = *content_rev = 0;
    if (r == OSTORE_OK) {
        *content_rev = ostore_col_int(st, 0);
        if (ostore_col_null(st, 1)) {
            r = OSTORE_NOTFOUND;
        } else {
            char etag[64];
            ostore_col(st, 1, etag, sizeof etag);
            size_t len = strlen(etag);
            if (len >= 2 && etag[0] == '"' && etag[len - 1] == '"')
                snprintf(version, n, "%.*s", (int)(len - 2), etag + 1);
            else
                snprintf(version, n, "%s", etag);
            *generated_at = ostore_col_int(st, 2);
            *rev = ostore_col_int(st, 3);
        }
    }
    ostore_finish(st);
    return r;
}

OstoreResult ostore_kiosk_by_id(Ostore *s, int64_t kiosk_id, OstoreKiosk *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " OSTORE_KIOSK_COLS " FROM kiosk k"
                                        " JOIN community c ON c.id = k.community_id"
                                        " WHERE k.id = ?", "i", kiosk_id),
                      ostore_fill_kiosk, out);
}

OstoreResult ostore_fleet_list(Ostore *s, int64_t community_id, OstoreFleetFn fn, void *ud)
{
    OstoreStmt *st = ostore_prep(s,
        "SELECT " OSTORE_KIOSK_COLS ", CASE WHEN t.kiosk_id IS NULL THEN 0 ELSE 1 END, " STATUS_COLS " FROM kiosk k"
        " JOIN community c ON c.id = k.community_id"
        " LEFT JOIN kiosk_status t ON t.kiosk_id = k.id"
        " WHERE ?1 = 0 OR k.community_id = ?1 ORDER BY c.slug, k.name", "i", community_id);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW) {
        OstoreKiosk k;
        OstoreKioskStatus t;
        memset(&t, 0, sizeof t);
        ostore_fill_kiosk(st, &k);
        if ((int)ostore_col_int(st, 8))
            ostore_fill_status_at(st, 9, &t);
        else
            t.kiosk_id = k.id, t.community_id = k.community_id;
        if (fn(ud, &k, &t))
            break;
    }
    OstoreResult r = rc == OSTORE_STEP_ROW || rc == OSTORE_STEP_DONE ? OSTORE_OK : ostore_fail(s, "read");
    ostore_finish(st);
    return r;
}

OstoreResult ostore_fleet_set_state(Ostore *s, const OstoreKioskStatus *old, const char *state,
                                    const char *flags, bool alert, bool send, int64_t now,
                                    int64_t *alert_id)
{
    if (alert_id)
        *alert_id = 0;
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    /* The row may not exist yet: make it, then compare and set. */
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO kiosk_status (kiosk_id, community_id) VALUES (?, ?)"
        " ON CONFLICT (kiosk_id) DO NOTHING", "ii", old->kiosk_id, old->community_id));
    if (r == OSTORE_OK) {
        r = ostore_done(s, ostore_prep(s,
            "UPDATE kiosk_status SET state = ?, state_flags = ?, since = ?, seq = seq + 1"
            " WHERE kiosk_id = ? AND seq = ?", "ttiii", state, flags, now, old->kiosk_id,
            old->seq));
        if (r == OSTORE_OK && ostore_changes(s) == 0) {
            snprintf(s->err, sizeof s->err, "the kiosk's state changed meanwhile");
            r = OSTORE_CONFLICT;
        }
    }
    if (r == OSTORE_OK && alert) {
        r = ostore_insert(s, ostore_prep(s,
            "INSERT INTO alert (community_id, kiosk_id, seq, from_state, to_state, flags,"
            " created_at, send_state, next_try) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            "iiitttiti", old->community_id, old->kiosk_id, old->seq + 1,
            old->state[0] ? old->state : "never", state, flags, now, send ? "pending" : "off",
            now), alert_id);
    }
    return ostore_tx_end(s, own, r);
}

/* ---- alerts ---- */

#define ALERT_COLS "a.id, a.community_id, a.kiosk_id, a.seq, a.created_at, a.acked_at," \
    " a.sent_at, a.next_try, a.attempts, c.slug, k.name, a.from_state, a.to_state, a.flags," \
    " a.acked_by, a.send_state, a.last_error"
#define ALERT_FROM " FROM alert a JOIN community c ON c.id = a.community_id" \
    " JOIN kiosk k ON k.id = a.kiosk_id"

static void ostore_fill_alert(OstoreStmt *st, void *out)
{
    OstoreAlert *a = out;
    a->id = ostore_col_int(st, 0);
    a->community_id = ostore_col_int(st, 1);
    a->kiosk_id = ostore_col_int(st, 2);
    a->seq = ostore_col_int(st, 3);
    a->created_at = ostore_col_int(st, 4);
    a->acked_at = ostore_col_int(st, 5);
    a->sent_at = ostore_col_int(st, 6);
    a->next_try = ostore_col_int(st, 7);
    a->attempts = (int)ostore_col_int(st, 8);
    ostore_col(st, 9, a->community, sizeof a->community);
    ostore_col(st, 10, a->kiosk, sizeof a->kiosk);
    ostore_col(st, 11, a->from_state, sizeof a->from_state);
    ostore_col(st, 12, a->to_state, sizeof a->to_state);
    ostore_col(st, 13, a->flags, sizeof a->flags);
    ostore_col(st, 14, a->acked_by, sizeof a->acked_by);
    ostore_col(st, 15, a->send_state, sizeof a->send_state);
    ostore_col(st, 16, a->last_error, sizeof a->last_error);
}

OstoreResult ostore_alert_list(Ostore *s, int64_t community_id, int64_t before_id, int limit,
                               OstoreAlertFn fn, void *ud)
{
    OstoreStmt *st = ostore_prep(s, "SELECT " ALERT_COLS ALERT_FROM
                                      " WHERE (?1 = 0 OR a.community_id = ?1)"
                                      " AND (?2 = 0 OR a.id < ?2) ORDER BY a.id DESC LIMIT ?3",
                                   "iii", community_id, before_id, (int64_t)limit);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW) {
        OstoreAlert a;
        ostore_fill_alert(st, &a);
        if (fn(ud, &a))
            break;
    }
    OstoreResult r = rc == OSTORE_STEP_ROW || rc == OSTORE_STEP_DONE ? OSTORE_OK : ostore_fail(s, "read");
    ostore_finish(st);
    return r;
}

OstoreResult ostore_alert_get(Ostore *s, int64_t id, OstoreAlert *out)
{
    return ostore_one(s, ostore_prep(s, "SELECT " ALERT_COLS ALERT_FROM " WHERE a.id = ?", "i",
                                     id), ostore_fill_alert, out);
}

OstoreResult ostore_alert_ack(Ostore *s, int64_t id, const char *user, int64_t now)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "UPDATE alert SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at = 0",
        "iti", now, user, id));
    if (r == OSTORE_OK && ostore_changes(s) == 0) {
        OstoreAlert a;
        r = ostore_alert_get(s, id, &a);
        if (r == OSTORE_OK)
            r = OSTORE_DUPLICATE;
    }
    return r;
}

OstoreResult ostore_alert_claim(Ostore *s, int64_t now, int64_t lease_s, OstoreAlert *out)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreStmt *st = ostore_prep(s,
        "UPDATE alert SET claim_until = ?1, attempts = attempts + 1"
        " WHERE id = (SELECT id FROM alert WHERE send_state = 'pending' AND next_try <= ?2"
        "  AND claim_until <= ?2 ORDER BY id LIMIT 1)"
        " AND send_state = 'pending' AND claim_until <= ?2 RETURNING id",
        "ii", now + lease_s, now);
    OstoreResult r = OSTORE_NOTFOUND;
    int64_t id = 0;
    if (!st) {
        r = OSTORE_ERROR;
    } else {
        int rc = ostore_step(st);
        if (rc == OSTORE_STEP_ROW) {
            id = ostore_col_int(st, 0);
            r = OSTORE_OK;
            rc = ostore_step(st);
        }
        if (rc != OSTORE_STEP_DONE)
            r = ostore_fail(s, "claim");
        ostore_finish(st);
    }
    if (r == OSTORE_OK)
        r = ostore_alert_get(s, id, out);
    if (own && r == OSTORE_NOTFOUND) {
        ostore_rollback(s);
        return r;
    }
    return ostore_tx_end(s, own, r);
}

OstoreResult ostore_alert_sent(Ostore *s, int64_t id, int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "UPDATE alert SET send_state = 'sent', sent_at = ?, claim_until = 0, last_error = ''"
        " WHERE id = ?", "ii", now, id));
}

OstoreResult ostore_alert_failed(Ostore *s, int64_t id, const char *why, int64_t next_try,
                                 bool give_up)
{
    return ostore_done(s, ostore_prep(s,
        "UPDATE alert SET send_state = ?, next_try = ?, claim_until = 0, last_error = ?"
        " WHERE id = ? AND send_state = 'pending'", "titi", give_up ? "failed" : "pending",
        next_try, why, id));
}

/* ---- proof of posting ---- */

OstoreResult ostore_feed_notice_add(Ostore *s, int64_t community_id, const char *version,
                                    const char *notice_id, const char *title,
                                    int64_t publish_at, int64_t expire_at, int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO feed_notice (community_id, content_version, notice_id, title, publish_at,"
        " expire_at, first_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (community_id, content_version, notice_id) DO NOTHING",
        "ittt" "iii", community_id, version, notice_id, title, publish_at, expire_at, now));
}

OstoreResult ostore_feed_notice_versions(Ostore *s, int64_t community_id, const char *notice_id,
                                         OstoreFeedNoticeFn fn, void *ud)
{
    OstoreStmt *st = ostore_prep(s,
        "SELECT content_version, title, publish_at, expire_at FROM feed_notice"
        " WHERE community_id = ? AND notice_id = ? ORDER BY first_at, content_version",
        "it", community_id, notice_id);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW)
        if (fn(ud, ostore_col_text(st, 0),
               ostore_col_text(st, 1), ostore_col_int(st, 2),
               ostore_col_int(st, 3)))
            break;
    OstoreResult r = rc == OSTORE_STEP_ROW || rc == OSTORE_STEP_DONE ? OSTORE_OK : ostore_fail(s, "read");
    ostore_finish(st);
    return r;
}

OstoreResult ostore_segment_list(Ostore *s, int64_t community_id, int64_t from, int64_t to,
                                 OstoreSegmentFn fn, void *ud)
{
    OstoreStmt *st = ostore_prep(s,
        "SELECT g.kiosk_id, k.name, g.content_version, g.visible, g.start_at, g.end_at"
        " FROM display_segment g JOIN kiosk k ON k.id = g.kiosk_id"
        " WHERE g.community_id = ? AND g.end_at >= ? AND g.start_at <= ?"
        " ORDER BY k.name, g.kiosk_id, g.start_at, g.id", "iii", community_id, from, to);
    if (!st)
        return OSTORE_ERROR;
    int rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW) {
        OstoreSegment g = {.kiosk_id = ostore_col_int(st, 0),
                           .visible = (int)ostore_col_int(st, 3) != 0,
                           .start_at = ostore_col_int(st, 4),
                           .end_at = ostore_col_int(st, 5)};
        ostore_col(st, 1, g.kiosk, sizeof g.kiosk);
        ostore_col(st, 2, g.content_version, sizeof g.content_version);
        if (fn(ud, &g))
            break;
    }
    OstoreResult r = rc == OSTORE_STEP_ROW || rc == OSTORE_STEP_DONE ? OSTORE_OK : ostore_fail(s, "read");
    ostore_finish(st);
    return r;
}

/* ---- the public reply page ---- */

OstoreResult ostore_item_get(Ostore *s, int64_t community_id, OstoreList l, const char *item_id,
                             char **json)
{
    *json = NULL;
    if (l >= OSTORE_N_LISTS)
        return OSTORE_ERROR;
    OstoreStmt *st = ostore_prep(s, "SELECT json FROM content_item"
                                      " WHERE community_id = ? AND list = ? AND item_id = ?",
                                   "itt", community_id, ostore_list_name(l), item_id);
    if (!st)
        return OSTORE_ERROR;
    int rc = ostore_step(st);
    OstoreResult r = rc == OSTORE_STEP_ROW ? OSTORE_OK : rc == OSTORE_STEP_DONE ? OSTORE_NOTFOUND
                                                                      : ostore_fail(s, "read");
    if (r == OSTORE_OK) {
        const char *t = ostore_col_text(st, 0);
        *json = strdup(t ? t : "");
        if (!*json) {
            snprintf(s->err, sizeof s->err, "out of memory");
            r = OSTORE_ERROR;
        }
    }
    ostore_finish(st);
    return r;
}

/* ---- limits and jobs ---- */

OstoreResult ostore_addr_hit(Ostore *s, const char *bucket, const char *address,
                             int64_t window_start, int64_t *count)
{
    OstoreStmt *st = ostore_prep(s,
        "INSERT INTO rate_hit (bucket, address, window_start, n) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (bucket, address, window_start) DO UPDATE SET n = rate_hit.n + 1"
        " RETURNING n", "tti", bucket, address, window_start);
    if (!st)
        return OSTORE_ERROR;
    int rc = ostore_step(st);
    OstoreResult r = OSTORE_OK;
    if (rc == OSTORE_STEP_ROW) {
        *count = ostore_col_int(st, 0);
        rc = ostore_step(st);
    }
    if (rc != OSTORE_STEP_DONE)
        r = ostore_fail(s, "rate limit");
    ostore_finish(st);
    return r;
}

OstoreResult ostore_job_claim(Ostore *s, const char *name, int64_t every_s, int64_t now)
{
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "INSERT INTO job_run (name, last_run) VALUES (?1, ?2)"
        " ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run"
        " WHERE job_run.last_run <= ?3", "tii", name, now, now - every_s));
    if (r == OSTORE_OK && ostore_changes(s) == 0)
        r = OSTORE_DUPLICATE;
    return r;
}

OstoreResult ostore_fleet_prune(Ostore *s, int64_t hb_before, int64_t rate_before,
                                int64_t *heartbeats)
{
    bool own;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "DELETE FROM heartbeat WHERE received_at < ?", "i", hb_before));
    if (heartbeats)
        *heartbeats = r == OSTORE_OK ? ostore_changes(s) : 0;
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s, "DELETE FROM rate_hit WHERE window_start < ?", "i",
                                       rate_before));
    return ostore_tx_end(s, own, r);
}

/* ---- backup ---- */

OstoreResult ostore_backup(Ostore *s, const char *path)
{
    /* Engine-specific: SQLite's online backup API on the driver's own
     * connection. PostgreSQL has pg_dump for this. */
    if (strcmp(ostore_engine(s), "sqlite") != 0) {
        snprintf(s->err, sizeof s->err, "backup: on PostgreSQL use pg_dump (docs/OFFICE.md,"
                 " \"Backups\")");
        return OSTORE_ERROR;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(s->err, sizeof s->err, "%s: %s", path,
                 errno == EEXIST ? "exists already (choose a new file)" : strerror(errno));
        return OSTORE_ERROR;
    }
    close(fd);
    sqlite3 *to = NULL;
    OstoreResult r = OSTORE_ERROR;
    if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "%s: %s", path, to ? sqlite3_errmsg(to) : "cannot open");
        goto out;
    }
    sqlite3_backup *b = sqlite3_backup_init(to, "main", (sqlite3 *)s->conn, "main");
    if (!b) {
        snprintf(s->err, sizeof s->err, "backup: %s", sqlite3_errmsg(to));
        goto out;
    }
    /* Steps of 256 pages; a writer in between makes SQLite restart the copy
     * (WAL readers do not block it), so what is copied is one snapshot. */
    int rc;
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED)
        if (rc != SQLITE_OK)
            sqlite3_sleep(20);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        snprintf(s->err, sizeof s->err, "backup: %s", sqlite3_errstr(rc));
        goto out;
    }
    /* The copy is a plain rollback-journal file: no -wal beside it. */
    char *msg = NULL;
    if (sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(s->err, sizeof s->err, "backup: %s", msg ? msg : sqlite3_errmsg(to));
        sqlite3_free(msg);
        goto out;
    }
    r = OSTORE_OK;
out:
    if (to && sqlite3_close(to) != SQLITE_OK && r == OSTORE_OK) {
        snprintf(s->err, sizeof s->err, "backup: cannot close %s", path);
        r = OSTORE_ERROR;
    }
    if (r != OSTORE_OK)
        unlink(path);
    return r;
}
