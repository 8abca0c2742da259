/* upload.c - delivering the outbox: one pass of POSTs; the outbox records each outcome. */
#include "upload.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Upload {
    Outbox *ob;                  /* borrowed: the caller's connection for this thread */
    Http *http;                  /* borrowed */
    UploadSettings s;
    char *upload_url, *contact_url, *token;
    BackoffRng rng;
    void *rng_ctx;
    int64_t hold_until_ms;       /* a failing server: nothing before this */
};

static char *upload_strdup(const char *s)
{
    return strdup(s ? s : "");
}

void upload_policy(const ConfigUpload *cu, HttpPolicy *pol)
{
    *pol = (HttpPolicy){
        .ca_file = cu->ca_file, .allow_http_loopback = cu->allow_http_loopback,
        .connect_timeout_ms = (int64_t)cu->connect_timeout_s * 1000,
        .total_timeout_ms = (int64_t)cu->transfer_timeout_s * 1000,
        .low_speed_time_s = cu->low_speed_timeout_s,
    };
}

int upload_settings(const ConfigUpload *cu, UploadSettings *us, char contact[CONFIG_URL_MAX],
                    char *err, size_t errlen)
{
    config_upload_contact_url(cu, contact, CONFIG_URL_MAX);
    *us = (UploadSettings){
        .upload_url = cu->upload_url, .contact_url = contact, .device_token = cu->device_token,
        .backoff_base_ms = cu->backoff_base_ms, .backoff_cap_ms = cu->backoff_cap_ms,
        .batch_min = cu->upload_batch_min,
    };
    char why[120];
    if (batch_parse_times(cu->upload_times, &us->times, why, sizeof why) < 0) {
        snprintf(err, errlen, "[upload] upload_times: %s", why);
        return -1;
    }
    return 0;
}

Upload *upload_open(Outbox *ob, const UploadSettings *s, Http *http, char *err, size_t errlen)
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
    u->ob = ob;
    u->s = *s;
    u->http = http;
    u->upload_url = upload_strdup(s->upload_url);
    u->contact_url = upload_strdup(s->contact_url);
    u->token = upload_strdup(s->device_token);
    u->s.upload_url = u->upload_url;
    u->s.contact_url = u->contact_url;
    u->s.device_token = u->token;
    if (!u->upload_url || !u->contact_url || !u->token) {
        snprintf(err, errlen, "out of memory");
        upload_close(u);
        return NULL;
    }
    return u;
}

void upload_close(Upload *u)
{
    if (!u)
        return;
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

int upload_open_batch(Upload *u, int64_t now_s, bool force)
{
    if (!u->upload_url[0])
        return 0;
    return outbox_batch_open(u->ob, &u->s.times, u->s.batch_min, now_s, force);
}

int upload_retry_now(Upload *u)
{
    u->hold_until_ms = 0;
    return outbox_retry_now(u->ob);
}

int64_t upload_next_due_ms(Upload *u)
{
    if (!u->upload_url[0])
        return INT64_MAX;
    int64_t v = outbox_next_try_ms(u->ob);
    if (v >= 0 && v != INT64_MAX && v < u->hold_until_ms)
        v = u->hold_until_ms;
    return v;
}

/* The batched submissions due at now_ms, shuffled (Fisher-Yates, uniform).
 * Returns how many ids were put in *ids (malloc'd), or -1. */
static int upload_due_ids(Upload *u, int64_t now_ms, char (**ids)[37])
{
    int n = outbox_due(u->ob, now_ms, UPLOAD_PASS_MAX, ids);
    char (*v)[37] = *ids;
    for (int i = n - 1; i > 0; i--) {
        uint32_t j = randombytes_uniform((uint32_t)i + 1);
        char t[37];
        memcpy(t, v[i], 37);
        memcpy(v[i], v[j], 37);
        memcpy(v[j], t, 37);
    }
    return n;
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
        OutboxParcel it;
        int got = outbox_parcel_load(u->ob, ids[i], &it);
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
                if (outbox_mark_payload_done(u->ob, ids[i], status) < 0) {
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
            outbox_parcel_free(&it);
            break;
        }
        if (cls == UP_STOPPED) {
            outbox_parcel_free(&it);
            break;
        }
        if (cls == UP_OK) {
            outbox_parcel_free(&it);
            if (outbox_mark_delivered(u->ob, ids[i], status, now_ms / 1000) < 0) {
                rc = -1;
                break;
            }
            rep->delivered++;
            continue;
        }
        int tries = it.tries + 1;
        int refusals = it.refusals + (cls == UP_REFUSED);
        outbox_parcel_free(&it);
        int64_t wait = backoff_next_ms(tries, u->s.backoff_base_ms, u->s.backoff_cap_ms,
                                       retry_after_ms, u->rng, u->rng_ctx);
        bool dead = cls == UP_REFUSED && refusals >= UPLOAD_MAX_REFUSALS;
        if (wait < 1)
            wait = 1;   /* after now_ms: a later pass at the same now_ms skips it */
        OutboxTry t = {.tries = tries, .refusals = refusals, .next_try_ms = now_ms + wait,
                       .status = status, .error = error};
        if (outbox_mark_failed(u->ob, ids[i], &t, dead) < 0) {
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
