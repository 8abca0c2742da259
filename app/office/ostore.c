/* ostore.c - the office store's engine-neutral core: opening (engine by spec), numbered migrations, the statement layer over the drivers, transactions. */
#include "ostore_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numbered migrations: migration N takes the schema from N-1 to N. Portable
 * DDL (ostore_priv.h): BIGINT integers, `@ID` for an automatic id primary
 * key, INTEGER 0/1 booleans. Append new ones; never edit an applied one
 * (beyond what both engines read the same). */
static const char *const ostore_migrations[OSTORE_SCHEMA] = {
    /* 1: organisation, staff, communities, kiosks, enrolment, receiving, content */
    "CREATE TABLE organisation (id BIGINT PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL);"
    "CREATE TABLE staff_user (id @ID, name TEXT NOT NULL UNIQUE,"
    "  pwhash TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin','manager','clerk')),"
    "  created_at BIGINT NOT NULL, disabled_at BIGINT);"
    "CREATE TABLE community (id @ID, slug TEXT NOT NULL UNIQUE,"
    "  name_zh TEXT NOT NULL, name_en TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL,"
    "  content_rev BIGINT NOT NULL DEFAULT 1);"
    "CREATE TABLE kiosk (id @ID,"
    "  community_id BIGINT NOT NULL REFERENCES community(id), name TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, token_hash TEXT UNIQUE, enrolled_at BIGINT,"
    "  revoked_at BIGINT, last_seen_at BIGINT, UNIQUE (community_id, name));"
    "CREATE TABLE enrolment (code_hash TEXT PRIMARY KEY,"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id),"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE TABLE enrolment_use (code_hash TEXT PRIMARY KEY REFERENCES enrolment(code_hash),"
    "  used_at BIGINT NOT NULL);"
    "CREATE TABLE received (idem_key TEXT PRIMARY KEY, body_hash TEXT NOT NULL,"
    "  kind TEXT NOT NULL, community_id BIGINT NOT NULL REFERENCES community(id),"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id), received_at BIGINT NOT NULL);"
    "CREATE TABLE suggestion (id @ID,"
    "  uuid TEXT NOT NULL UNIQUE REFERENCES received(idem_key),"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id), received_at BIGINT NOT NULL,"
    "  body TEXT NOT NULL, sealed INTEGER NOT NULL, unreadable INTEGER NOT NULL,"
    "  topic TEXT, text TEXT, date TEXT, receipt TEXT, lang TEXT,"
    "  status TEXT NOT NULL DEFAULT 'new');"
    "CREATE INDEX suggestion_community ON suggestion(community_id, received_at);"
    "CREATE TABLE contact (suggestion_id BIGINT PRIMARY KEY REFERENCES suggestion(id),"
    "  idem_key TEXT NOT NULL UNIQUE REFERENCES received(idem_key),"
    "  community_id BIGINT NOT NULL REFERENCES community(id), received_at BIGINT NOT NULL,"
    "  contact TEXT, sealed INTEGER NOT NULL, unreadable INTEGER NOT NULL);"
    "CREATE TABLE rating_count (community_id BIGINT NOT NULL REFERENCES community(id),"
    "  month TEXT NOT NULL, score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),"
    "  n BIGINT NOT NULL, PRIMARY KEY (community_id, month, score));"
    "CREATE TABLE heartbeat (id @ID,"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id), received_at BIGINT NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE INDEX heartbeat_kiosk ON heartbeat(kiosk_id, received_at);"
    "CREATE TABLE content_item (community_id BIGINT NOT NULL REFERENCES community(id),"
    "  list TEXT NOT NULL, item_id TEXT NOT NULL, pos BIGINT NOT NULL, json TEXT NOT NULL,"
    "  updated_at BIGINT NOT NULL, PRIMARY KEY (community_id, list, item_id));"
    "CREATE TABLE feed (community_id BIGINT PRIMARY KEY REFERENCES community(id),"
    "  rev BIGINT NOT NULL, json TEXT NOT NULL, etag TEXT NOT NULL,"
    "  generated_at BIGINT NOT NULL);",
    /* 2: each community's salt of its sealed replies (docs/CONTENT.md) */
    "ALTER TABLE community ADD COLUMN reply_salt TEXT NOT NULL DEFAULT '';",
    /* 3: publishing: the office's working copies with a status (the feed's
     * content_item holds what is published), board sources, idempotency
     * keys of staff forms, statutory posting rules (ostore_publish.c) */
    "CREATE TABLE publish_item (id @ID,"
    "  community_id BIGINT NOT NULL REFERENCES community(id), list TEXT NOT NULL,"
    "  item_id TEXT NOT NULL, status TEXT NOT NULL"
    "  CHECK (status IN ('draft','pending','published','withdrawn')),"
    "  version BIGINT NOT NULL, json TEXT NOT NULL, posting TEXT NOT NULL DEFAULT '',"
    "  created_by TEXT NOT NULL, created_at BIGINT NOT NULL,"
    "  updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL,"
    "  submitted_by TEXT NOT NULL DEFAULT '', submitted_at BIGINT NOT NULL DEFAULT 0,"
    "  approved_by TEXT NOT NULL DEFAULT '', published_at BIGINT NOT NULL DEFAULT 0,"
    "  withdrawn_at BIGINT NOT NULL DEFAULT 0, UNIQUE (community_id, list, item_id));"
    "CREATE TABLE publish_source (item BIGINT NOT NULL REFERENCES publish_item(id),"
    "  suggestion_id BIGINT NOT NULL, PRIMARY KEY (item, suggestion_id));"
    "CREATE TABLE publish_idem (user_name TEXT NOT NULL, idem_key TEXT NOT NULL,"
    "  body_hash TEXT NOT NULL, community_id BIGINT NOT NULL, list TEXT NOT NULL,"
    "  item_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (user_name, idem_key));"
    "CREATE TABLE posting_rule (community_id BIGINT NOT NULL REFERENCES community(id),"
    "  kind TEXT NOT NULL, every_months INTEGER NOT NULL, min_days INTEGER NOT NULL,"
    "  PRIMARY KEY (community_id, kind));",
    /* 4: each kiosk's public export signing keys (ostore_bundle.c) */
    "CREATE TABLE kiosk_export_key (public_key TEXT PRIMARY KEY,"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id), recorded_at BIGINT NOT NULL);"
    "CREATE INDEX kiosk_export_key_kiosk ON kiosk_export_key(kiosk_id);",
    /* 5: staff: the communities a user holds, sessions (hash of the cookie
     * only), rate-limit counters (sign-in lockout), the audit log */
    "CREATE TABLE staff_community (user_id BIGINT NOT NULL REFERENCES staff_user(id),"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  PRIMARY KEY (user_id, community_id));"
    "CREATE TABLE staff_session (id @ID, token_hash TEXT NOT NULL UNIQUE,"
    "  user_id BIGINT NOT NULL REFERENCES staff_user(id), csrf TEXT NOT NULL,"
    "  created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);"
    "CREATE INDEX staff_session_user ON staff_session(user_id);"
    "CREATE TABLE rate_count (bucket TEXT PRIMARY KEY, window_start BIGINT NOT NULL,"
    "  n BIGINT NOT NULL);"
    "CREATE TABLE audit (id @ID, at BIGINT NOT NULL, user_id BIGINT REFERENCES staff_user(id),"
    "  user_name TEXT NOT NULL, action TEXT NOT NULL,"
    "  community_id BIGINT REFERENCES community(id), target TEXT, summary TEXT);",
    /* 6: the suggestion workflow: version, times, assignee, published reply;
     * the history of each suggestion; indexes for the inbox's order */
    "ALTER TABLE suggestion ADD COLUMN version BIGINT NOT NULL DEFAULT 1;"
    "ALTER TABLE suggestion ADD COLUMN acknowledged_at BIGINT;"
    "ALTER TABLE suggestion ADD COLUMN closed_at BIGINT;"
    "ALTER TABLE suggestion ADD COLUMN assignee_id BIGINT REFERENCES staff_user(id);"
    "ALTER TABLE suggestion ADD COLUMN reply_zh TEXT;"
    "ALTER TABLE suggestion ADD COLUMN reply_en TEXT;"
    "CREATE INDEX suggestion_state ON suggestion(community_id, status, received_at);"
    "CREATE INDEX suggestion_received ON suggestion(received_at);"
    "CREATE TABLE suggestion_event (id @ID,"
    "  suggestion_id BIGINT NOT NULL REFERENCES suggestion(id), at BIGINT NOT NULL,"
    "  user_id BIGINT REFERENCES staff_user(id), kind TEXT NOT NULL, from_state TEXT,"
    "  to_state TEXT, reply_zh TEXT, reply_en TEXT, reply_state TEXT, note TEXT,"
    "  assignee_id BIGINT REFERENCES staff_user(id));"
    "CREATE INDEX suggestion_event_suggestion ON suggestion_event(suggestion_id, id);",
    /* 7: watching the fleet (ostore_fleet.c): each kiosk's last heartbeat
     * and state, alerts, what each kiosk showed when (display segments),
     * the notices of each content version, rate limits, daily jobs */
    "CREATE INDEX heartbeat_kiosk_id ON heartbeat(kiosk_id, id);"
    "CREATE INDEX heartbeat_received ON heartbeat(received_at);"
    "CREATE TABLE kiosk_status (kiosk_id BIGINT PRIMARY KEY REFERENCES kiosk(id),"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  state TEXT NOT NULL DEFAULT '', state_flags TEXT NOT NULL DEFAULT '',"
    "  since BIGINT NOT NULL DEFAULT 0, seq BIGINT NOT NULL DEFAULT 0,"
    "  hb_at BIGINT NOT NULL DEFAULT 0, content_version TEXT NOT NULL DEFAULT '',"
    "  display TEXT NOT NULL DEFAULT '', flags TEXT NOT NULL DEFAULT '',"
    "  app_version TEXT NOT NULL DEFAULT '', queue TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE alert (id @ID,"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id), seq BIGINT NOT NULL,"
    "  from_state TEXT NOT NULL, to_state TEXT NOT NULL, flags TEXT NOT NULL DEFAULT '',"
    "  created_at BIGINT NOT NULL, acked_at BIGINT NOT NULL DEFAULT 0,"
    "  acked_by TEXT NOT NULL DEFAULT '', send_state TEXT NOT NULL DEFAULT 'off'"
    "  CHECK (send_state IN ('off','pending','sent','failed')),"
    "  sent_at BIGINT NOT NULL DEFAULT 0, attempts BIGINT NOT NULL DEFAULT 0,"
    "  next_try BIGINT NOT NULL DEFAULT 0, claim_until BIGINT NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '', UNIQUE (kiosk_id, seq));"
    "CREATE INDEX alert_community ON alert(community_id, id);"
    "CREATE INDEX alert_due ON alert(send_state, next_try);"
    "CREATE TABLE display_segment (id @ID,"
    "  kiosk_id BIGINT NOT NULL REFERENCES kiosk(id),"
    "  community_id BIGINT NOT NULL REFERENCES community(id),"
    "  content_version TEXT NOT NULL, visible INTEGER NOT NULL,"
    "  start_at BIGINT NOT NULL, end_at BIGINT NOT NULL);"
    "CREATE INDEX display_segment_kiosk ON display_segment(kiosk_id, end_at);"
    "CREATE INDEX display_segment_community ON display_segment(community_id, end_at);"
    "CREATE TABLE feed_notice (community_id BIGINT NOT NULL REFERENCES community(id),"
    "  content_version TEXT NOT NULL, notice_id TEXT NOT NULL, title TEXT NOT NULL,"
    "  publish_at BIGINT NOT NULL, expire_at BIGINT NOT NULL, first_at BIGINT NOT NULL,"
    "  PRIMARY KEY (community_id, content_version, notice_id));"
    "CREATE INDEX feed_notice_id ON feed_notice(community_id, notice_id);"
    "CREATE TABLE rate_hit (bucket TEXT NOT NULL, address TEXT NOT NULL,"
    "  window_start BIGINT NOT NULL, n BIGINT NOT NULL,"
    "  PRIMARY KEY (bucket, address, window_start));"
    "CREATE TABLE job_run (name TEXT PRIMARY KEY, last_run BIGINT NOT NULL);",
    /* 8: the inbox's index ranges (ostore_inbox.c): each state newest
     * first, overall, per community and per kiosk (id last, the order's
     * tie-break); the community one replaces suggestion_state */
    "CREATE INDEX suggestion_status_time ON suggestion(status, received_at, id);"
    "CREATE INDEX suggestion_community_status_time"
    "  ON suggestion(community_id, status, received_at, id);"
    "CREATE INDEX suggestion_kiosk_status_time"
    "  ON suggestion(kiosk_id, status, received_at, id);"
    "DROP INDEX suggestion_state;",
    /* 9: pictures (ostore_image.c): the bytes once per SHA-256 (base64
     * text), and which community uploaded which */
    "CREATE TABLE image (sha256 TEXT PRIMARY KEY,"
    "  type TEXT NOT NULL CHECK (type IN ('image/png','image/jpeg')),"
    "  width BIGINT NOT NULL, height BIGINT NOT NULL, bytes BIGINT NOT NULL,"
    "  data TEXT NOT NULL, created_at BIGINT NOT NULL);"
    "CREATE TABLE image_use (community_id BIGINT NOT NULL REFERENCES community(id),"
    "  sha256 TEXT NOT NULL REFERENCES image(sha256), uploaded_by TEXT NOT NULL,"
    "  uploaded_at BIGINT NOT NULL, PRIMARY KEY (community_id, sha256));"
    "CREATE INDEX image_use_sha256 ON image_use(sha256);",
    /* 10: the statistics page reads a community's suggestions of a span
     * of months from the index alone (ostore_suggestion_states): it
     * replaces suggestion_community, whose columns lead it */
    "CREATE INDEX suggestion_community_stats ON suggestion(community_id, received_at, id,"
    "  acknowledged_at, closed_at, topic, status);"
    "DROP INDEX suggestion_community;",
    /* 11: the index of the inbox's text search, one per engine
     * (ostore_search.c: ostore_engine_ddl), with the rows already there */
    "",
    /* 12: each staff user's version, so that an administrator's form
     * opened before someone else changed the user is refused (ostore_staff.c) */
    "ALTER TABLE staff_user ADD COLUMN version BIGINT NOT NULL DEFAULT 1;",
};

/* A migration's engine-specific DDL, run after its portable part. */
static const char *ostore_engine_ddl(const Ostore *s, int version)
{
    return version == 11 ? ostore_search_ddl(s) : NULL;
}

/* The schema version lives in a table both engines share: one row per
 * applied migration. */
static const char ostore_schema_ddl[] =
    "CREATE TABLE IF NOT EXISTS ostore_schema (version BIGINT PRIMARY KEY,"
    " applied_at BIGINT NOT NULL)";

const char *ostore_error(const Ostore *s)
{
    return s ? s->err : "";
}

bool ostore_lost(const Ostore *s)
{
    return s && s->lost;
}

const char *ostore_engine(const Ostore *s)
{
    return s->drv->name;
}

OstoreResult ostore_fail(Ostore *s, const char *what)
{
    char msg[sizeof s->err];
    memcpy(msg, s->err, sizeof msg);
    const char *why = msg[0] ? msg : "failed";
    size_t a = strnlen(what, sizeof s->err / 2), b = strnlen(why, sizeof msg);
    if (a + 2 + b >= sizeof s->err)
        b = sizeof s->err - a - 3;
    memcpy(s->err, what, a);
    memcpy(s->err + a, ": ", 2);
    memcpy(s->err + a + 2, why, b);
    s->err[a + 2 + b] = '\0';
    return OSTORE_ERROR;
}

/* ---- statements ---- */

OstoreStmt *ostore_prep(Ostore *s, const char *sql, const char *fmt, ...)
{
    s->statements++;
    OstoreStmt *st = s->drv->prepare(s, sql);
    if (!st)
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    int rc = 0;
    for (int i = 0; fmt[i] && rc == 0; i++) {
        if (fmt[i] == 'i') {
            rc = s->drv->bind_int(st, i + 1, va_arg(ap, int64_t));
        } else if (fmt[i] == 'b') {
            rc = s->drv->bind_int(st, i + 1, va_arg(ap, int) != 0);
        } else if (fmt[i] == 'T') {
            const char *t = va_arg(ap, const char *);
            size_t n = va_arg(ap, size_t);
            rc = s->drv->bind_text(st, i + 1, t, n);
        } else if (fmt[i] == 't') {
            const char *t = va_arg(ap, const char *);
            rc = s->drv->bind_text(st, i + 1, t, t ? strlen(t) : 0);
        } else {
            snprintf(s->err, sizeof s->err, "bind: unknown argument type '%c'", fmt[i]);
            rc = -1;
        }
    }
    va_end(ap);
    if (rc != 0) {
        s->drv->finalize(st);
        return NULL;
    }
    return st;
}

OstoreStep ostore_step(OstoreStmt *st)
{
    return st ? st->s->drv->step(st) : OSTORE_STEP_ERROR;
}

void ostore_finish(OstoreStmt *st)
{
    if (st)
        st->s->drv->finalize(st);
}

int64_t ostore_col_int(OstoreStmt *st, int i)
{
    return st->s->drv->col_int(st, i);
}

const char *ostore_col_text(OstoreStmt *st, int i)
{
    return st->s->drv->col_text(st, i);
}

size_t ostore_col_len(OstoreStmt *st, int i)
{
    return st->s->drv->col_len(st, i);
}

bool ostore_col_null(OstoreStmt *st, int i)
{
    return st->s->drv->col_text(st, i) == NULL;
}

void ostore_col(OstoreStmt *st, int i, char *dst, size_t n)
{
    const char *t = ostore_col_text(st, i);
    snprintf(dst, n, "%s", t ? t : "");
}

static OstoreResult ostore_step_result(Ostore *s, OstoreStep rc)
{
    if (rc == OSTORE_STEP_CONFLICT)
        return OSTORE_CONFLICT;
    return rc == OSTORE_STEP_ERROR ? OSTORE_ERROR : OSTORE_OK;
}

OstoreResult ostore_done(Ostore *s, OstoreStmt *st)
{
    s->changes = 0;
    if (!st)
        return OSTORE_ERROR;
    OstoreStep rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW)
        ;
    if (rc == OSTORE_STEP_DONE)
        s->changes = s->drv->changes(st);
    ostore_finish(st);
    return ostore_step_result(s, rc);
}

int64_t ostore_changes(const Ostore *s)
{
    return s->changes;
}

OstoreResult ostore_insert(Ostore *s, OstoreStmt *st, int64_t *id)
{
    s->changes = 0;
    if (!st)
        return OSTORE_ERROR;
    OstoreStep rc = ostore_step(st);
    if (rc == OSTORE_STEP_ROW) {
        if (id)
            *id = ostore_col_int(st, 0);
        while ((rc = ostore_step(st)) == OSTORE_STEP_ROW)
            ;
    }
    if (rc == OSTORE_STEP_DONE)
        s->changes = s->drv->changes(st);
    ostore_finish(st);
    return ostore_step_result(s, rc);
}

OstoreResult ostore_one(Ostore *s, OstoreStmt *st, void (*fill)(OstoreStmt *st, void *out),
                        void *out)
{
    if (!st)
        return OSTORE_ERROR;
    OstoreStep rc = ostore_step(st);
    OstoreResult r = OSTORE_NOTFOUND;
    if (rc == OSTORE_STEP_ROW) {
        fill(st, out);
        r = OSTORE_OK;
    } else if (rc != OSTORE_STEP_DONE) {
        r = OSTORE_ERROR;
    }
    ostore_finish(st);
    return r;
}

OstoreResult ostore_each(Ostore *s, OstoreStmt *st, int (*row)(OstoreStmt *st, void *ud),
                         void *ud)
{
    if (!st)
        return OSTORE_ERROR;
    OstoreStep rc;
    while ((rc = ostore_step(st)) == OSTORE_STEP_ROW)
        if (row(st, ud))
            break;
    ostore_finish(st);
    return rc == OSTORE_STEP_ROW || rc == OSTORE_STEP_DONE ? OSTORE_OK : OSTORE_ERROR;
}

OstoreResult ostore_exec(Ostore *s, const char *sql)
{
    return s->drv->exec(s, sql);
}

/* ---- transactions ---- */

OstoreResult ostore_begin(Ostore *s)
{
    return ostore_exec(s, s->drv->begin_sql);
}

OstoreResult ostore_commit(Ostore *s)
{
    return ostore_exec(s, "COMMIT");
}

void ostore_rollback(Ostore *s)
{
    if (s && s->drv->in_tx(s)) {
        char keep[sizeof s->err];
        memcpy(keep, s->err, sizeof keep);   /* the error that led here matters more */
        s->drv->exec(s, "ROLLBACK");
        memcpy(s->err, keep, sizeof keep);
    }
}

OstoreResult ostore_tx(Ostore *s, bool *own)
{
    *own = !s->drv->in_tx(s);
    return *own ? ostore_begin(s) : OSTORE_OK;
}

OstoreResult ostore_tx_end(Ostore *s, bool own, OstoreResult r)
{
    if (!own)
        return r;
    if (r == OSTORE_OK || r == OSTORE_DUPLICATE) {
        if (ostore_commit(s) != OSTORE_OK) {
            ostore_rollback(s);
            return OSTORE_ERROR;
        }
        return r;
    }
    ostore_rollback(s);
    return r;
}

/* ---- opening and migrations ---- */

static int ostore_read_version(Ostore *s)
{
    OstoreStmt *st = ostore_prep(s, "SELECT COALESCE(MAX(version), 0) FROM ostore_schema", "");
    int v = -1;
    if (st && ostore_step(st) == OSTORE_STEP_ROW)
        v = (int)ostore_col_int(st, 0);
    ostore_finish(st);
    return v;
}

int ostore_schema_version(Ostore *s)
{
    return ostore_read_version(s);
}

/* A migration's DDL for this engine: `@ID` replaced. malloc'd or NULL. */
static char *ostore_ddl(const Ostore *s, const char *sql)
{
    size_t idl = strlen(s->drv->id_ddl), n = 0;
    for (const char *p = sql; (p = strstr(p, "@ID")); p += 3)
        n++;
    char *out = malloc(strlen(sql) + n * idl + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = sql, *q; ; p = q + 3) {
        q = strstr(p, "@ID");
        size_t k = q ? (size_t)(q - p) : strlen(p);
        memcpy(o, p, k);
        o += k;
        if (!q)
            break;
        memcpy(o, s->drv->id_ddl, idl);
        o += idl;
    }
    *o = '\0';
    return out;
}

static int ostore_migrate(Ostore *s, int target)
{
    if (ostore_begin(s) != OSTORE_OK)
        return -1;
    if ((s->drv->migrate_lock_sql && ostore_exec(s, s->drv->migrate_lock_sql) != OSTORE_OK) ||
        ostore_exec(s, ostore_schema_ddl) != OSTORE_OK)
        goto fail;
    int v = ostore_read_version(s);
    if (v < 0)
        goto fail;
    if (v == 0 && s->drv->legacy_version) {
        /* A database made before the schema table: adopt its version. */
        int old = s->drv->legacy_version(s);
        if (old < 0)
            goto fail;
        for (int i = 1; i <= old; i++)
            if (ostore_done(s, ostore_prep(s, "INSERT INTO ostore_schema (version, applied_at)"
                                              " VALUES (?, 0)", "i", (int64_t)i)) != OSTORE_OK)
                goto fail;
        v = old;
    }
    if (v > OSTORE_SCHEMA) {
        snprintf(s->err, sizeof s->err,
                 "database schema %d is newer than this program understands (%d)", v,
                 OSTORE_SCHEMA);
        goto fail;
    }
    for (; v < target; v++) {
        char *ddl = ostore_ddl(s, ostore_migrations[v]);
        if (!ddl) {
            snprintf(s->err, sizeof s->err, "out of memory");
            goto fail;
        }
        OstoreResult r = ostore_exec(s, ddl);
        free(ddl);
        const char *own = ostore_engine_ddl(s, v + 1);
        if (r == OSTORE_OK && own)
            r = ostore_exec(s, own);
        if (r != OSTORE_OK) {
            char msg[200];
            snprintf(msg, sizeof msg, "migration %d", v + 1);
            ostore_fail(s, msg);
            goto fail;
        }
        if (ostore_done(s, ostore_prep(s, "INSERT INTO ostore_schema (version, applied_at)"
                                          " VALUES (?, 0)", "i", (int64_t)v + 1)) != OSTORE_OK)
            goto fail;
    }
    if (ostore_commit(s) == OSTORE_OK)
        return 0;
fail:
    ostore_rollback(s);
    return -1;
}

static bool ostore_is_pg(const char *spec)
{
    return strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0;
}

void ostore_spec_display(const char *spec, char *out, size_t n)
{
    snprintf(out, n, "%s", spec);
    if (!ostore_is_pg(spec))
        return;
    const char *auth = strstr(spec, "://") + 3;
    const char *at = strchr(auth, '@'), *slash = strchr(auth, '/');
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (at && colon && (!slash || at < slash))
        snprintf(out, n, "%.*s***%s", (int)(colon + 1 - spec), spec, at);
    char *pw = strstr(out, "password=");   /* ?password=... in the query */
    if (pw) {
        size_t k = strcspn(pw + 9, "&");
        memmove(pw + 12, pw + 9 + k, strlen(pw + 9 + k) + 1);
        memcpy(pw + 9, "***", 3);
    }
}

Ostore *ostore_open_upto(const char *spec, int upto, char *err, size_t errlen)
{
    const OstoreDriver *drv = ostore_is_pg(spec) ? &ostore_pg_driver : &ostore_sqlite_driver;
    Ostore *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->drv = drv;
    if (upto < 0 || upto > OSTORE_SCHEMA)
        upto = OSTORE_SCHEMA;
    if (drv->open(s, spec) < 0 || ostore_migrate(s, upto) < 0) {
        /* A PostgreSQL URL may hold a password: name the engine, not the spec. */
        snprintf(err, errlen, "%s: %s", ostore_is_pg(spec) ? "PostgreSQL" : spec, s->err);
        ostore_close(s);
        return NULL;
    }
    return s;
}

Ostore *ostore_open(const char *spec, char *err, size_t errlen)
{
    return ostore_open_upto(spec, OSTORE_SCHEMA, err, errlen);
}

void ostore_close(Ostore *s)
{
    if (!s)
        return;
    if (s->conn)
        s->drv->close(s);
    free(s);
}
