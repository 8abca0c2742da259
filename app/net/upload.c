/* upload.c - one pass of delivering the outbox: the POSTs and their bookkeeping. */
#include "upload.h"
#include "upload_priv.h"
#include "store.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *upload_strdup(const char *s)
{
    return strdup(s ? s : "");
}

Upload *upload_open(const char *data_dir, const UploadSettings *s, Http *http,
                    char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return NULL;
    }
    Upload *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->s = *s;
    u->http = http;
    u->upload_url = upload_strdup(s->upload_url);
    u->contact_url = upload_strdup(s->contact_url);
    u->token = upload_strdup(s->device_token);
    u->s.upload_url = u->upload_url;
    u->s.contact_url = u->contact_url;
    u->s.device_token = u->token;
    u->seen_version = -1;
    u->db = store_connect(data_dir, err, errlen);
    if (!u->upload_url || !u->contact_url || !u->token || !u->db ||
        sqlite3_prepare_v2(u->db, "PRAGMA data_version", -1, &u->data_version, NULL)
            != SQLITE_OK) {
        if (u->db)
            snprintf(err, errlen, "database: %s", sqlite3_errmsg(u->db));
        upload_close(u);
        return NULL;
    }
    return u;
}

void upload_close(Upload *u)
{
    if (!u)
        return;
    sqlite3_finalize(u->data_version);
    sqlite3_close(u->db);
    free(u->upload_url);
    free(u->contact_url);
    if (u->token) {
        sodium_memzero(u->token, strlen(u->token));
        free(u->token);
    }
    free(u);
}

void upload_set_rng(Upload *u, BackoffRng rng, void *ctx)
{
    u->rng = rng;
    u->rng_ctx = ctx;
}

bool upload_db_changed(Upload *u)
{
    int64_t v = -1;
    if (sqlite3_step(u->data_version) == SQLITE_ROW)
        v = sqlite3_column_int64(u->data_version, 0);
    sqlite3_reset(u->data_version);
    bool changed = v != u->seen_version;
    u->seen_version = v;
    return changed;
}

/* The Content-Type of a stored payload. Version 1 payloads are JSON; a
 * payload in another form (a sealed box, a later issue) says so here. */
static const char *upload_content_type(const char *payload)
{
    return payload[0] == '{' ? "application/json" : "application/octet-stream";
}

typedef enum { UP_OK, UP_TRANSIENT, UP_REFUSED, UP_STOPPED } UpClass;

/* What an answer means (docs/PROTOCOL.md, "Answers"). */
static UpClass upload_classify(HttpResult r, long status)
{
    if (r == HTTP_STOPPED)
        return UP_STOPPED;
    if (r != HTTP_DONE)
        return UP_TRANSIENT;
    if (status >= 200 && status < 300)
        return UP_OK;
    if (status == 408 || status == 429 || status == 401 || status == 403)
        return UP_TRANSIENT;
    if (status >= 400 && status < 500)
        return UP_REFUSED;
    return UP_TRANSIENT;   /* 5xx, and 1xx/3xx as final answers */
}

/* Record a delivered submission: state, date, and its contact removed (the
 * office has it now). One transaction. */
static int upload_mark_delivered(Upload *u, const char *id, long status, int64_t now_ms)
{
    char day[11];
    upload_day(now_ms / 1000, 0, day);
    sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;
    if (upload_exec(u, "BEGIN IMMEDIATE") < 0)
        return -1;
    if (sqlite3_prepare_v2(u->db, "UPDATE submissions SET state = 'delivered'"
                           " WHERE id = ?1 AND state = 'waiting'", -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(u->db, "UPDATE deliveries SET delivered_on = ?2, last_status = ?3,"
                           " last_error = '', tries = 0, refusals = 0, payload_done = 1"
                           " WHERE submission_id = ?1", -1, &b, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(u->db, "DELETE FROM contacts WHERE submission_id = ?1", -1, &c,
                           NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(a, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(b, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(b, 2, day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b, 3, status);
    sqlite3_bind_text(c, 1, id, -1, SQLITE_STATIC);
    int rc = upload_step(a);
    a = NULL;
    rc |= upload_step(b);
    b = NULL;
    int had_contact = 0;
    if (rc == 0) {
        rc |= upload_step(c);
        had_contact = sqlite3_changes(u->db);
        c = NULL;
    }
    if (rc != 0 || upload_exec(u, "COMMIT") < 0)
        goto fail;
    if (had_contact)
        u->wal_has_private = true;
    return 0;
fail:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    sqlite3_finalize(c);
    upload_rollback(u);
    return -1;
}

/* Record a failed try: tries (and refusals) up, the next try, maybe dead. */
static int upload_mark_failed(Upload *u, const char *id, bool refused, int tries, int refusals,
                              int64_t next_try_ms, long status, const char *error, bool *dead)
{
    *dead = refused && refusals >= UPLOAD_MAX_REFUSALS;
    if (upload_exec(u, "BEGIN IMMEDIATE") < 0)
        return -1;
    sqlite3_stmt *a = NULL, *b = NULL;
    if (sqlite3_prepare_v2(u->db, "UPDATE deliveries SET tries = ?2, refusals = ?3,"
                           " next_try = ?4, last_status = ?5, last_error = ?6"
                           " WHERE submission_id = ?1", -1, &a, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(a, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(a, 2, tries);
    sqlite3_bind_int(a, 3, refusals);
    sqlite3_bind_int64(a, 4, next_try_ms);
    sqlite3_bind_int64(a, 5, status);
    sqlite3_bind_text(a, 6, error, -1, SQLITE_STATIC);
    int rc = upload_step(a);
    a = NULL;
    if (rc == 0 && *dead) {
        if (sqlite3_prepare_v2(u->db, "UPDATE submissions SET state = 'dead' WHERE id = ?1"
                               " AND state = 'waiting'", -1, &b, NULL) != SQLITE_OK)
            goto fail;
        sqlite3_bind_text(b, 1, id, -1, SQLITE_STATIC);
        rc = upload_step(b);
        b = NULL;
    }
    if (rc != 0 || upload_exec(u, "COMMIT") < 0)
        goto fail;
    return 0;
fail:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    upload_rollback(u);
    return -1;
}

static int upload_mark_payload_done(Upload *u, const char *id, long status)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "UPDATE deliveries SET payload_done = 1, tries = 0,"
                           " refusals = 0, last_status = ?2, last_error = ''"
                           " WHERE submission_id = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, status);
    return upload_step(st);
}

/* The batched submissions due at now_ms, shuffled. Returns how many ids
 * were put in *ids (malloc'd array of 37-byte strings), or -1. */
static int upload_due_ids(Upload *u, int64_t now_ms, char (**ids)[37])
{
    *ids = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "SELECT d.submission_id FROM deliveries d"
                           " JOIN submissions s ON s.id = d.submission_id"
                           " WHERE s.state = 'waiting' AND d.next_try <= ?1"
                           " ORDER BY d.submission_id LIMIT ?2",   /* then shuffled */
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int(st, 2, UPLOAD_PASS_MAX);
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
        const unsigned char *id = sqlite3_column_text(st, 0);
        snprintf(v[n++], 37, "%s", id ? (const char *)id : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return -1;
    }
    for (int i = n - 1; i > 0; i--) {   /* Fisher-Yates, uniform */
        uint32_t j = randombytes_uniform((uint32_t)i + 1);
        char t[37];
        memcpy(t, v[i], 37);
        memcpy(v[i], v[j], 37);
        memcpy(v[j], t, 37);
    }
    *ids = v;
    return n;
}

typedef struct {
    char *payload;       /* malloc'd */
    char *contact;       /* malloc'd, NULL when none */
    bool payload_done;
    int tries, refusals;
} UpItem;

static void upload_item_free(UpItem *it)
{
    free(it->payload);
    if (it->contact) {
        sodium_memzero(it->contact, strlen(it->contact));
        free(it->contact);
    }
    memset(it, 0, sizeof *it);
}

/* Load one batched submission still waiting. Returns 1, 0 (gone), -1. */
static int upload_load(Upload *u, const char *id, UpItem *it)
{
    memset(it, 0, sizeof *it);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(u->db, "SELECT s.payload, c.contact, d.payload_done, d.tries,"
                           " d.refusals FROM submissions s JOIN deliveries d"
                           " ON d.submission_id = s.id LEFT JOIN contacts c"
                           " ON c.submission_id = s.id WHERE s.id = ?1 AND s.state = 'waiting'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        it->payload = strdup(p ? p : "");
        it->contact = c ? strdup(c) : NULL;
        it->payload_done = sqlite3_column_int(st, 2) != 0;
        it->tries = sqlite3_column_int(st, 3);
        it->refusals = sqlite3_column_int(st, 4);
        if (!it->payload || (c && !it->contact)) {
            upload_item_free(it);
            rc = SQLITE_NOMEM;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The contact record: {"id": ..., "contact": ...}; malloc'd or NULL. */
static char *upload_contact_body(const char *id, const char *contact)
{
    /* The contact is cleaned text (no controls); escape " and \ only. */
    size_t n = strlen(contact);
    char *out = malloc(n * 2 + 80);
    if (!out)
        return NULL;
    size_t o = (size_t)sprintf(out, "{\"id\":\"%s\",\"contact\":\"", id);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)contact[i];
        if (ch == '"' || ch == '\\')
            out[o++] = '\\';
        if (ch < 0x20) {
            o += (size_t)sprintf(out + o, "\\u%04x", ch);   /* never, after cleaning */
            continue;
        }
        out[o++] = (char)ch;
    }
    memcpy(out + o, "\"}", 3);
    return out;
}

int upload_send_due(Upload *u, int64_t now_ms, UploadReport *rep)
{
    memset(rep, 0, sizeof *rep);
    if (!u->upload_url[0])
        return 0;
    if (u->hold_until_ms > now_ms) {
        rep->held = true;
        rep->hold_until_ms = u->hold_until_ms;
        return 0;
    }
    char (*ids)[37];
    int n = upload_due_ids(u, now_ms, &ids);
    if (n < 0)
        return -1;
    int rc = 0, i;
    for (i = 0; i < n && !http_interrupted(u->http); i++) {
        UpItem it;
        int got = upload_load(u, ids[i], &it);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0)
            continue;   /* exported or deleted meanwhile */
        UpClass cls = UP_OK;
        long status = 0;
        char error[200] = "";
        int64_t retry_after_ms = -1;
        /* The payload, then the contact: each part once per pass. */
        while (!(it.payload_done && !it.contact)) {
            bool contact = it.payload_done;
            char key[48];
            char *body = contact ? upload_contact_body(ids[i], it.contact) : it.payload;
            if (!body) {
                rc = -1;
                break;
            }
            snprintf(key, sizeof key, "%s%s", ids[i], contact ? ":contact" : "");
            HttpRequest rq = {
                .method = "POST", .url = contact ? u->contact_url : u->upload_url,
                .body = body, .body_len = strlen(body),
                .content_type = contact ? "application/json" : upload_content_type(body),
                .bearer = u->token, .idempotency_key = key,
            };
            HttpResponse rs;
            HttpResult r = http_request(u->http, &rq, &rs);
            if (contact) {
                sodium_memzero(body, strlen(body));
                free(body);
            }
            rep->sent++;
            status = rs.status;
            cls = upload_classify(r, status);
            if (r == HTTP_DONE)
                snprintf(error, sizeof error, "%s: HTTP %ld", contact ? "contact" : "submission",
                         status);
            else
                snprintf(error, sizeof error, "%s: %.180s", contact ? "contact" : "submission",
                         rs.error);
            int64_t ra;
            if (rs.retry_after[0] && backoff_retry_after(rs.retry_after, now_ms / 1000, &ra) == 0)
                retry_after_ms = ra * 1000;
            http_response_free(&rs);
            rep->last_status = (int)status;
            if (cls != UP_OK)
                break;
            if (!contact && it.contact) {
                if (upload_mark_payload_done(u, ids[i], status) < 0) {
                    rc = -1;
                    break;
                }
                it.payload_done = true;
                continue;
            }
            it.payload_done = true;
            if (it.contact) {
                sodium_memzero(it.contact, strlen(it.contact));
                free(it.contact);
                it.contact = NULL;
            }
        }
        if (rc < 0) {
            upload_item_free(&it);
            break;
        }
        if (cls == UP_STOPPED) {
            upload_item_free(&it);
            break;
        }
        if (cls == UP_OK) {
            upload_item_free(&it);
            if (upload_mark_delivered(u, ids[i], status, now_ms) < 0) {
                rc = -1;
                break;
            }
            rep->delivered++;
            continue;
        }
        int tries = it.tries + 1;
        int refusals = it.refusals + (cls == UP_REFUSED);
        upload_item_free(&it);
        int64_t wait = backoff_next_ms(tries, u->s.backoff_base_ms, u->s.backoff_cap_ms,
                                       retry_after_ms, u->rng, u->rng_ctx);
        bool dead;
        if (wait < 1)
            wait = 1;   /* after now_ms: a later pass at the same now_ms skips it */
        if (upload_mark_failed(u, ids[i], cls == UP_REFUSED, tries, refusals, now_ms + wait,
                               status, error, &dead) < 0) {
            rc = -1;
            break;
        }
        snprintf(rep->last_error, sizeof rep->last_error, "%s", error);
        if (cls == UP_REFUSED) {
            rep->refused += !dead;
            rep->dead += dead;
            continue;
        }
        rep->retry++;
        rep->held = true;
        u->hold_until_ms = rep->hold_until_ms = now_ms + wait;
        break;
    }
    /* A full pass that went through: more may be due. */
    rep->more = rc == 0 && n == UPLOAD_PASS_MAX && i == n && !rep->held;
    free(ids);
    return rc;
}
