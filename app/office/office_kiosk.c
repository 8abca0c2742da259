/* office_kiosk.c - what kiosks ask of the office: enrolment, submissions, contacts, heartbeats, content. */
#include "office_kiosk.h"
#include "export_sign.h"
#include "office_feed.h"
#include "office_fleet.h"
#include "office_reply.h"
#include "office_secret.h"
#include "outbox.h"
#include "timeutil.h"
#include "utf8.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the kiosk role ---- */

const char *office_kiosk_bearer(const char *h)
{
    if (!h || strncmp(h, "Bearer ", 7) != 0 || !h[7] || strlen(h + 7) > 255)
        return NULL;
    return h + 7;
}

bool office_auth_kiosk(OfficeReq *rq, OfficeResp *rs)
{
    const char *token = office_kiosk_bearer(office_req_header(rq, "Authorization"));
    if (!token) {
        office_resp_error(rs, 401, "unauthorized", "a kiosk's device token is required"
                          " (Authorization: Bearer TOKEN)");
        office_resp_header(rs, "WWW-Authenticate", "Bearer");
        return false;
    }
    char hash[OSTORE_HASH_HEX];
    office_hash_hex(token, strlen(token), hash);
    OstoreResult r = ostore_kiosk_by_token_etag(rq->store, hash, rq->now, &rq->kiosk,
                                                rq->kiosk_etag);
    if (r == OSTORE_OK)
        return true;
    if (r == OSTORE_NOTFOUND) {
        office_resp_error(rs, 401, "unauthorized", "unknown or revoked device token");
        office_resp_header(rs, "WWW-Authenticate", "Bearer");
    } else {
        office_resp_store_error(rq, rs);
    }
    return false;
}

/* ---- parsing ---- */

/* A string member of at most `max` characters (code points); NULL with
 * a 422 in rs when missing, of another type, empty or too long. */
static const char *office_kiosk_str(json_t *o, const char *key, size_t max, OfficeResp *rs)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        office_resp_error(rs, 422, "invalid_field", "%s: missing", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        office_resp_error(rs, 422, "invalid_field", "%s: expected a string", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t chars = utf8_count(s, strlen(s));
    if (chars == 0 || chars > max) {
        office_resp_error(rs, 422, "invalid_field", "%s: expected 1 to %zu characters", key, max);
        return NULL;
    }
    return s;
}

static bool office_kiosk_v1(json_t *o, OfficeResp *rs)
{
    json_t *v = json_object_get(o, "v");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        office_resp_error(rs, 422, "invalid_field", "v: expected 1 (the format version)");
        return false;
    }
    return true;
}

const char *office_kiosk_key(OfficeReq *rq, OfficeResp *rs)
{
    const char *k = office_req_header(rq, "Idempotency-Key");
    size_t n = k ? strlen(k) : 0;
    bool ok = n > 0 && n <= 100;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)k[i]) || strchr("-_:.", k[i]);
    if (!ok)
        office_resp_error(rs, 400, "bad_idempotency_key",
                          "an Idempotency-Key header of 1 to 100 letters, digits and - _ : . is"
                          " required");
    return ok ? k : NULL;
}

static bool office_kiosk_matches(const char *s, size_t len, const char *allowed)
{
    if (strlen(s) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr(allowed, s[i]) || !s[i])
            return false;
    return true;
}

/* The fields of a plain version 1 suggestion; false with a 422 in rs. */
static bool office_kiosk_fields(json_t *p, const char *key, OstoreSuggestion *sg, OfficeResp *rs)
{
    if (!office_kiosk_v1(p, rs))
        return false;
    const char *id = office_kiosk_str(p, "id", 100, rs);
    if (!id)
        return false;
    if (strcmp(id, key) != 0) {
        office_resp_error(rs, 422, "id_mismatch", "id: must equal the Idempotency-Key");
        return false;
    }
    if (!(sg->topic = office_kiosk_str(p, "topic", OUTBOX_TOPIC_MAX - 1, rs)) ||
        !(sg->text = office_kiosk_str(p, "text", OUTBOX_TEXT_MAX_CHARS, rs)) ||
        !(sg->date = office_kiosk_str(p, "date", 10, rs)) ||
        !(sg->receipt = office_kiosk_str(p, "receipt", OUTBOX_RECEIPT_LEN, rs)) ||
        !(sg->lang = office_kiosk_str(p, "lang", 2, rs)))
        return false;
    for (const char *t = sg->topic; *t; t++)
        if (!(islower((unsigned char)*t) || isdigit((unsigned char)*t) || *t == '_')) {
            office_resp_error(rs, 422, "invalid_field", "topic: expected a-z, 0-9 and _");
            return false;
        }
    int64_t day;
    char iso[32];
    snprintf(iso, sizeof iso, "%sT00:00Z", sg->date);
    if (strlen(sg->date) != 10 || time_parse_iso8601(iso, &day) < 0) {
        office_resp_error(rs, 422, "invalid_field", "date: expected YYYY-MM-DD");
        return false;
    }
    if (!office_kiosk_matches(sg->receipt, OUTBOX_RECEIPT_LEN, OUTBOX_RECEIPT_ALPHABET)) {
        office_resp_error(rs, 422, "invalid_field", "receipt: expected 8 symbols of %s",
                          OUTBOX_RECEIPT_ALPHABET);
        return false;
    }
    if (strcmp(sg->lang, "zh") != 0 && strcmp(sg->lang, "en") != 0) {
        office_resp_error(rs, 422, "invalid_field", "lang: expected zh or en");
        return false;
    }
    return true;
}

/* Answer a store result of a receiving call. */
static void office_kiosk_stored(OfficeReq *rq, OfficeResp *rs, OstoreResult r, const char *key)
{
    switch (r) {
    case OSTORE_OK:
        office_resp_json(rs, 201, json_pack("{s:s,s:s}", "id", key, "status", "stored"));
        break;
    case OSTORE_DUPLICATE:
        office_resp_json(rs, 200, json_pack("{s:s,s:s}", "id", key, "status", "duplicate"));
        break;
    case OSTORE_CONFLICT:
        office_resp_error(rs, 422, "idempotency_conflict",
                          "this Idempotency-Key was stored with a different body");
        break;
    case OSTORE_NOTFOUND:
        office_resp_error(rs, 422, "no_such_submission",
                          "no submission with this id from this community");
        break;
    default:
        office_resp_store_error(rq, rs);
    }
}

static void office_kiosk_in(OfficeReq *rq, const char *key, OstoreIn *in, char hash[OSTORE_HASH_HEX])
{
    office_hash_hex(rq->body, rq->body_len, hash);
    *in = (OstoreIn){ .community_id = rq->kiosk.community_id, .kiosk_id = rq->kiosk.id,
                      .key = key, .body_hash = hash, .received_at = rq->now };
}

/* ---- group commit: what each kind stores, run in a shared transaction ---- */

/* One write waiting for its commit (office_req_commit): it outlives the
 * handler, so it holds the parsed body (the strings below point into b
 * and plain) and the key (a request header: it lasts as the request). */
typedef struct {
    OstoreIn in;
    char hash[OSTORE_HASH_HEX];
    const char *key;
    json_t *b, *plain;
    OstoreSuggestion sg;
    const char *month, *suggestion_key, *contact;
    int score;
    bool sealed, unreadable;
} OfficeKioskWrite;

static OstoreResult office_kiosk_put_suggestion(Ostore *s, void *arg)
{
    OfficeKioskWrite *w = arg;
    return ostore_suggestion_add(s, &w->in, &w->sg);
}

static OstoreResult office_kiosk_put_rating(Ostore *s, void *arg)
{
    OfficeKioskWrite *w = arg;
    return ostore_rating_add(s, &w->in, w->month, w->score);
}

static OstoreResult office_kiosk_put_contact(Ostore *s, void *arg)
{
    OfficeKioskWrite *w = arg;
    return ostore_contact_add(s, &w->in, w->suggestion_key, w->contact, w->sealed,
                              w->unreadable);
}

static void office_kiosk_answer(OfficeReq *rq, OfficeResp *rs, OstoreResult r, void *arg)
{
    OfficeKioskWrite *w = arg;
    office_kiosk_stored(rq, rs, r, w->key);
}

static void office_kiosk_write_free(void *arg)
{
    OfficeKioskWrite *w = arg;
    json_decref(w->plain);
    json_decref(w->b);
    free(w);
}

/* A new write of the request's body under key; it takes b and plain
 * (NULL with both released and a 500 in rs when out of memory). */
static OfficeKioskWrite *office_kiosk_write(OfficeReq *rq, OfficeResp *rs, const char *key,
                                            json_t *b, json_t *plain)
{
    OfficeKioskWrite *w = calloc(1, sizeof *w);
    if (!w) {
        json_decref(plain);
        json_decref(b);
        office_resp_error(rs, 500, "internal", "out of memory");
        return NULL;
    }
    w->key = key;
    w->b = b;
    w->plain = plain;
    office_kiosk_in(rq, key, &w->in, w->hash);
    return w;
}

/* ---- submissions and ratings ---- */

bool office_kiosk_parse_rating(json_t *b, const char *key, const char **month, int *score,
                               OfficeResp *rs)
{
    if (!office_kiosk_v1(b, rs))
        return false;
    const char *id = office_kiosk_str(b, "id", 100, rs);
    if (!id)
        return false;
    if (strcmp(id, key) != 0) {
        office_resp_error(rs, 422, "id_mismatch", "id: must equal the Idempotency-Key");
        return false;
    }
    json_t *sc = json_object_get(b, "score");
    if (!json_is_integer(sc) || json_integer_value(sc) < OUTBOX_RATING_MIN ||
        json_integer_value(sc) > OUTBOX_RATING_MAX) {
        office_resp_error(rs, 422, "invalid_field", "score: expected a whole number from 1 to 5");
        return false;
    }
    const char *m = office_kiosk_str(b, "month", 7, rs);
    if (!m)
        return false;
    int64_t t;
    char iso[32];
    snprintf(iso, sizeof iso, "%s-01T00:00Z", m);
    if (strlen(m) != 7 || time_parse_iso8601(iso, &t) < 0) {
        office_resp_error(rs, 422, "invalid_field", "month: expected YYYY-MM");
        return false;
    }
    static const char *const not_in_rating[] = {"text", "topic", "date", "receipt", "lang",
                                                "contact", "sealed"};
    for (size_t i = 0; i < sizeof not_in_rating / sizeof *not_in_rating; i++)
        if (json_object_get(b, not_in_rating[i])) {
            office_resp_error(rs, 422, "invalid_field", "%s: a rating has no %s",
                              not_in_rating[i], not_in_rating[i]);
            return false;
        }
    *month = m;
    *score = (int)json_integer_value(sc);
    return true;
}

/* Takes b. */
static void office_kiosk_rating(OfficeReq *rq, OfficeResp *rs, json_t *b, const char *key)
{
    const char *month;
    int score;
    if (!office_kiosk_parse_rating(b, key, &month, &score, rs)) {
        json_decref(b);
        return;
    }
    OfficeKioskWrite *w = office_kiosk_write(rq, rs, key, b, NULL);
    if (!w)
        return;
    w->month = month;
    w->score = score;
    office_req_commit(rq, rs, office_kiosk_put_rating, office_kiosk_answer,
                      office_kiosk_write_free, w);
}

bool office_kiosk_parse_suggestion(json_t *b, const char *key, const SealSecret *sec,
                                   OstoreSuggestion *sg, json_t **plain, OfficeResp *rs)
{
    *plain = NULL;
    if (!json_object_get(b, "sealed"))
        return office_kiosk_fields(b, key, sg, rs);
    const char *id = office_kiosk_str(b, "id", 100, rs);
    const char *box = id ? office_kiosk_str(b, "sealed", 1 << 20, rs) : NULL;
    if (!box || !office_kiosk_v1(b, rs))
        return false;
    if (strcmp(id, key) != 0) {
        office_resp_error(rs, 422, "id_mismatch", "id: must equal the Idempotency-Key");
        return false;
    }
    sg->sealed = true;
    size_t n = 0;
    char *text = sec ? seal_open_base64(sec, box, &n) : NULL;
    *plain = text ? json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
    free(text);
    OfficeResp inner = {0};
    /* Opened, it must be a valid suggestion of this id; anything else
     * is kept, flagged unreadable, for staff to see. */
    if (!json_is_object(*plain) || !office_kiosk_fields(*plain, key, sg, &inner)) {
        free(inner.body);
        sg->unreadable = true;
        sg->topic = sg->text = sg->date = sg->receipt = sg->lang = NULL;
    }
    return true;
}

void office_kiosk_submission(OfficeReq *rq, OfficeResp *rs)
{
    const char *key = office_kiosk_key(rq, rs);
    json_t *b = key ? office_req_object(rq, rs) : NULL;
    if (!b)
        return;
    json_t *kind = json_object_get(b, "kind");
    if (kind) {
        if (json_is_string(kind) && strcmp(json_string_value(kind), "rating") == 0) {
            office_kiosk_rating(rq, rs, b, key);
            return;
        }
        office_resp_error(rs, 422, "unknown_kind", "kind: this office knows only \"rating\"");
        json_decref(b);
        return;
    }
    OstoreSuggestion sg = {.body = rq->body};
    json_t *plain = NULL;
    if (!office_kiosk_parse_suggestion(b, key, office_seal(rq->office), &sg, &plain, rs)) {
        json_decref(plain);
        json_decref(b);
        return;
    }
    if (sg.unreadable)
        fprintf(stderr, "office: kiosk %s/%s: sealed submission %s cannot be opened;"
                " kept as unreadable\n", rq->kiosk.community, rq->kiosk.name, key);
    OfficeKioskWrite *w = office_kiosk_write(rq, rs, key, b, plain);
    if (!w)
        return;
    w->sg = sg;
    office_req_commit(rq, rs, office_kiosk_put_suggestion, office_kiosk_answer,
                      office_kiosk_write_free, w);
}

/* ---- contacts ---- */

bool office_kiosk_parse_contact(json_t *b, const char *key, const SealSecret *sec,
                                OfficeKioskContact *out, json_t **plain, OfficeResp *rs)
{
    *plain = NULL;
    memset(out, 0, sizeof *out);
    const char *id = office_kiosk_str(b, "id", 100, rs);
    const char *contact = id ? office_kiosk_str(b, "contact", 1 << 16, rs) : NULL;
    if (!contact)
        return false;
    size_t idn = strlen(id);
    if (strncmp(key, id, idn) != 0 || strcmp(key + idn, ":contact") != 0) {
        office_resp_error(rs, 422, "id_mismatch", "the Idempotency-Key must be the id followed"
                          " by :contact");
        return false;
    }
    /* A sealed contact is the base64 box of {"id":ID,"contact":...}; a
     * plain one is short text. What opens is sealed; what is long base64
     * that does not open is a sealed one the office cannot read. */
    bool sealed = false, unreadable = false;
    size_t n = 0;
    char *text = sec ? seal_open_base64(sec, contact, &n) : NULL;
    if (text) {
        sealed = true;
        *plain = json_loadb(text, n, JSON_REJECT_DUPLICATES, NULL);
        free(text);
        const char *pid = json_string_value(json_object_get(*plain, "id"));
        const char *pc = json_string_value(json_object_get(*plain, "contact"));
        if (pid && pc && strcmp(pid, id) == 0)
            contact = pc;
        else
            unreadable = true;
    } else {
        size_t len = strlen(contact), i = 0;
        for (; i < len && (isalnum((unsigned char)contact[i]) || strchr("+/=", contact[i])); i++)
            ;
        if (i == len && len % 4 == 0 && len >= 4 * ((SEAL_OVERHEAD + 2) / 3) + 8)
            sealed = unreadable = true;
        else if (len > 4 * OUTBOX_CONTACT_MAX_CHARS) {
            office_resp_error(rs, 422, "invalid_field", "contact: too long");
            return false;
        }
    }
    *out = (OfficeKioskContact){.id = id, .contact = unreadable ? NULL : contact,
                                .sealed = sealed, .unreadable = unreadable};
    return true;
}

void office_kiosk_contact(OfficeReq *rq, OfficeResp *rs)
{
    const char *key = office_kiosk_key(rq, rs);
    json_t *b = key ? office_req_object(rq, rs) : NULL;
    if (!b)
        return;
    json_t *plain = NULL;
    OfficeKioskContact c;
    if (!office_kiosk_parse_contact(b, key, office_seal(rq->office), &c, &plain, rs))
        goto out;
    if (c.unreadable)
        fprintf(stderr, "office: kiosk %s/%s: sealed contact %s cannot be opened; kept as"
                " unreadable\n", rq->kiosk.community, rq->kiosk.name, key);
    OfficeKioskWrite *w = office_kiosk_write(rq, rs, key, b, plain);
    if (!w)
        return;
    w->suggestion_key = c.id;
    w->contact = c.contact;
    w->sealed = c.sealed;
    w->unreadable = c.unreadable;
    office_req_commit(rq, rs, office_kiosk_put_contact, office_kiosk_answer,
                      office_kiosk_write_free, w);
    return;
out:
    json_decref(plain);
    json_decref(b);
}

/* ---- heartbeat, content, health ---- */

void office_kiosk_heartbeat(OfficeReq *rq, OfficeResp *rs)
{
    json_t *b = office_req_object(rq, rs);
    if (!b)
        return;
    if (office_kiosk_v1(b, rs))
        office_fleet_heartbeat(rq, rs, b);   /* kept, and the kiosk judged */
    json_decref(b);
}

bool office_kiosk_etag_match(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    size_t n = strlen(etag);
    for (const char *p = inm; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
            return true;
        const char *comma = strchr(p, ',');
        if (!comma)
            break;
        p = comma;
    }
    return false;
}

void office_kiosk_content(OfficeReq *rq, OfficeResp *rs)
{
    /* The usual poll: the feed has not changed, and the authorising query
     * brought its ETag. */
    if (rq->kiosk_etag[0] &&
        office_kiosk_etag_match(office_req_header(rq, "If-None-Match"), rq->kiosk_etag)) {
        office_resp_text(rs, 304, NULL, "", 0);
        office_resp_header(rs, "ETag", rq->kiosk_etag);
        return;
    }
    OstoreFeed f;
    char err[400];
    int rc = office_feed_current(rq->store, rq->kiosk.community_id, rq->now, &f, err, sizeof err);
    if (rc == OFFICE_FEED_FAIL) {
        office_resp_store_error(rq, rs);
        return;
    }
    if (rc == OFFICE_FEED_INVALID)
        fprintf(stderr, "office: community %s: %s\n", rq->kiosk.community, err);
    if (!f.json) {
        office_resp_error(rs, 503, "no_content", "this community's content cannot be made: %s",
                          err);
        office_resp_header(rs, "Retry-After", "60");
        return;
    }
    if (office_kiosk_etag_match(office_req_header(rq, "If-None-Match"), f.etag)) {
        office_resp_text(rs, 304, NULL, "", 0);
    } else {
        free(rs->body);
        rs->status = 200;
        rs->content_type = "application/json; charset=utf-8";
        rs->body = f.json;
        rs->len = f.len;
        f.json = NULL;
    }
    office_resp_header(rs, "ETag", f.etag);
    ostore_feed_free(&f);
}

void office_kiosk_health(OfficeReq *rq, OfficeResp *rs)
{
    office_resp_json(rs, 200, json_pack("{s:b,s:i}", "ok", 1, "schema",
                                        ostore_schema_version(rq->store)));
}

/* ---- enrolment ---- */

bool office_kiosk_parse_enrol(json_t *b, char code[OFFICE_CODE_SIZE], const char **export_key,
                              OfficeResp *rs)
{
    *export_key = NULL;
    const char *typed = office_kiosk_str(b, "code", 32, rs);
    if (!typed)
        return false;
    if (!office_code_normalise(typed, code)) {
        office_resp_error(rs, 400, "bad_code", "code: expected 8 symbols such as 7KQ4-M2XD");
        return false;
    }
    /* The kiosk's export signing key (its USB bundles are checked against
     * it: docs/EXPORT.md, "Trust"); kiosks before signing send none. */
    if (json_object_get(b, "export_key")) {
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        const char *k = office_kiosk_str(b, "export_key", EXPORT_SIGN_KEY_B64, rs);
        if (!k)
            return false;
        if (export_sign_parse_public(k, pk) < 0) {
            office_resp_error(rs, 400, "invalid_field", "export_key: expected the base64 of a"
                              " 32-byte Ed25519 public key");
            return false;
        }
        *export_key = k;
    }
    return true;
}

void office_kiosk_enrol(OfficeReq *rq, OfficeResp *rs)
{
    /* Codes are short: guessing is limited per address, in the database. */
    if (!office_rate_allow(rq, rs, "enrol", office_conf(rq->office)->enrol_per_hour))
        return;
    json_t *b = office_req_object(rq, rs);
    if (!b)
        return;
    char code[OFFICE_CODE_SIZE];
    const char *export_key;
    if (!office_kiosk_parse_enrol(b, code, &export_key, rs))
        goto out;
    char code_hash[OSTORE_HASH_HEX], token[OFFICE_TOKEN_SIZE], token_hash[OSTORE_HASH_HEX];
    office_hash_hex(code, strlen(code), code_hash);
    office_token_new(token);
    office_hash_hex(token, strlen(token), token_hash);
    OstoreKiosk k;
    /* The code's use and the key are stored together, or neither. */
    OstoreResult r = ostore_begin(rq->store);
    if (r == OSTORE_OK)
        r = ostore_enrol_redeem(rq->store, code_hash, token_hash, rq->now, &k);
    if (r == OSTORE_OK && export_key)
        r = ostore_export_key_set(rq->store, k.id, export_key, rq->now);
    if (r == OSTORE_OK)
        r = ostore_commit(rq->store);
    if (r != OSTORE_OK)
        ostore_rollback(rq->store);
    if (r == OSTORE_NOTFOUND) {
        office_resp_error(rs, 401, "enrolment_code_invalid",
                          "unknown or expired enrolment code (officectl kiosk code makes a new one)");
        goto out;
    }
    if (r == OSTORE_CONFLICT) {
        office_resp_error(rs, 409, "enrolment_code_used",
                          "this enrolment code was used already (officectl kiosk code makes a"
                          " new one)");
        goto out;
    }
    if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        goto out;
    }
    char base[600], url[4][700], tracking[700];
    office_req_base_url(rq, base, sizeof base);
    static const char *const paths[4] = {"/api/submissions", "/api/submissions/contact",
                                         "/api/content", "/api/heartbeat"};
    for (int i = 0; i < 4; i++)
        snprintf(url[i], sizeof url[i], "%s%s", base, paths[i]);
    const char *t = office_conf(rq->office)->tracking_url;
    if (strcmp(t, "none") == 0)
        tracking[0] = '\0';
    else if (t[0])
        snprintf(tracking, sizeof tracking, "%s", t);
    else if (strncmp(base, "https://", 8) == 0)
        snprintf(tracking, sizeof tracking, "%s/r/{receipt}?c=%s", base, k.community);
    else
        tracking[0] = '\0';   /* the kiosk shows only https tracking addresses */
    const char *pub = office_seal_public(rq->office);
    json_t *v = json_pack("{s:i,s:{s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:s*,s:s*}", "v", 1,
                          "kiosk", "name", k.name, "community", k.community,
                          "upload_url", url[0], "contact_url", url[1], "content_url", url[2],
                          "heartbeat_url", url[3], "device_token", token,
                          "office_public_key", pub[0] ? pub : NULL,
                          "tracking_url", tracking[0] ? tracking : NULL);
    char fp[EXPORT_SIGN_FP_SIZE] = "none";
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (export_key && export_sign_parse_public(export_key, pk) == 0)
        export_sign_fingerprint(pk, fp);
    fprintf(stderr, "office: kiosk %s/%s enrolled (export key %s)\n", k.community, k.name, fp);
    office_resp_json(rs, 200, v);
out:
    json_decref(b);
}
