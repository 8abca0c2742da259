/* office_targets.c - the fuzz target body for Lobby Office's request
 * parsers (fuzz_office, fuzz_targets.h): what an untrusted client sends,
 * through the office's own pure parsing functions, without a server or a
 * database.
 *
 * An input is a small HTTP request after a first line naming the parser:
 *
 *     submission
 *     POST /api/submissions?x=1
 *     Idempotency-Key: k1
 *
 *     {"v":1,"id":"k1",...}
 *
 * The request line's target is decoded as libmicrohttpd does for the
 * office (the path and each query value percent-decoded, '+' a space in
 * the query), headers are "Name: value" lines up to an empty line, and the
 * rest is the body. A first line that names no parser picks one from its
 * bytes, so every input runs something. Each parser's contract (its
 * header's comment) is checked on what it returns, and every refusal has
 * the office's one error shape with an expected status. */
#include "fuzz_targets.h"
#include "fuzz_check.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "content.h"
#include "image.h"
#include "imgcache.h"
#include "export_sign.h"
#include "office.h"
#include "office_fleet.h"
#include "office_image.h"
#include "office_inbox.h"
#include "office_kiosk.h"
#include "office_publish.h"
#include "office_reply.h"
#include "office_secret.h"
#include "office_static.h"
#include "office_staff.h"
#include "office_stats.h"
#include "outbox.h"
#include "receipt.h"
#include "seal.h"
#include "utf8.h"

#define MAX_PAIRS 24

typedef struct {
    OfficeReq rq;
    OfficeReqPair hdr[MAX_PAIRS], arg[MAX_PAIRS];
    char *scratch;                 /* the input's copy, cut in place */
    char *body;                    /* exactly body_len bytes and a NUL */
} FzReq;

/* ---- reading the input ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode s in place ('+' a space when plus); stops at a NUL made. */
static void decode(char *s, int plus)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%' && hexval((unsigned char)r[1]) >= 0 && hexval((unsigned char)r[2]) >= 0) {
            *w++ = (char)(hexval((unsigned char)r[1]) * 16 + hexval((unsigned char)r[2]));
            r += 2;
        } else {
            *w++ = plus && *r == '+' ? ' ' : *r;
        }
    }
    *w = '\0';
}

/* The next line of [*p, end): NUL-terminated in place (a '\r' before the
 * '\n' dropped); NULL at the end. */
static char *next_line(char **p, char *end)
{
    if (*p >= end)
        return NULL;
    char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
    char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    if (e > s && e[-1] == '\r')
        e--;
    *e = '\0';
    return s;
}

static const char *const mode_names[] = {
    "route", "submission", "contact", "heartbeat", "enrol", "inbox", "state", "assign",
    "login", "user", "headers", "notice", "event", "channel", "board", "reply", "query",
    "image",
};
#define N_MODES (sizeof mode_names / sizeof mode_names[0])

/* Split the input into mode, request line, headers, query and body. */
static size_t fz_req_read(FzReq *r, const uint8_t *data, size_t size)
{
    memset(r, 0, sizeof *r);
    r->scratch = malloc(size + 1);
    FZ_CHECK(r->scratch != NULL);
    memcpy(r->scratch, data, size);
    r->scratch[size] = '\0';
    char *p = r->scratch, *end = r->scratch + size;

    char *first = next_line(&p, end);
    size_t mode = N_MODES;
    unsigned sum = 0;
    for (size_t i = 0; first && i < N_MODES; i++)
        if (strcmp(first, mode_names[i]) == 0)
            mode = i;
    if (mode == N_MODES) {
        for (const char *c = first ? first : ""; *c; c++)
            sum = sum * 31 + (unsigned char)*c;
        mode = sum % N_MODES;
    }

    OfficeReq *rq = &r->rq;
    rq->method = "POST";
    rq->path = "/";
    rq->now = 1796083200;   /* 2026-12-01T00:00:00+08:00 */
    char *line = next_line(&p, end);
    if (line && *line) {
        char *sp = strchr(line, ' ');
        if (sp) {
            *sp = '\0';
            rq->method = line;
            char *target = sp + 1, *q = strchr(target, '?');
            if (q) {
                *q++ = '\0';
                for (char *kv = q; kv && r->rq.n_args < MAX_PAIRS;) {
                    char *amp = strchr(kv, '&');
                    if (amp)
                        *amp++ = '\0';
                    char *eq = strchr(kv, '=');
                    if (eq)
                        *eq++ = '\0';
                    decode(kv, 1);
                    if (eq)
                        decode(eq, 1);
                    r->arg[r->rq.n_args++] = (OfficeReqPair){kv, eq};   /* "k" alone: NULL */
                    kv = amp;
                }
            }
            decode(target, 0);
            rq->path = target;
        } else {
            rq->method = line;
        }
    }
    while (line && (line = next_line(&p, end)) && *line) {
        char *colon = strchr(line, ':');
        if (!colon || r->rq.n_headers >= MAX_PAIRS)
            continue;
        *colon++ = '\0';
        while (*colon == ' ' || *colon == '\t')
            colon++;
        r->hdr[r->rq.n_headers++] = (OfficeReqPair){line, colon};
    }
    rq->headers = r->hdr;
    rq->args = r->arg;
    /* The body: the rest of the original bytes (NULs and all), as the
     * server keeps it, with a NUL after. */
    size_t off = (size_t)(p - r->scratch), len = size - off;
    if (!line)
        len = 0;
    r->body = malloc(len + 1);
    FZ_CHECK(r->body != NULL);
    memcpy(r->body, data + (size - len), len);
    r->body[len] = '\0';
    rq->body = r->body;
    rq->body_len = len;
    return mode;
}

static void fz_req_free(FzReq *r)
{
    free(r->scratch);
    free(r->body);
}

/* ---- shared checks ---- */

static int one_of(int v, const int *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == v)
            return 1;
    return 0;
}

/* A refusal: one of the statuses, in the office's one error shape. */
#define REFUSED(rs, ...) refused(rs, (const int[]){__VA_ARGS__}, \
                                 sizeof((const int[]){__VA_ARGS__}) / sizeof(int))
static void refused(OfficeResp *rs, const int *statuses, size_t n)
{
    FZ_CHECK(one_of(rs->status, statuses, n));
    FZ_CHECK(rs->body != NULL && rs->len == strlen(rs->body));
    FZ_CHECK(rs->content_type == NULL);
    json_t *e = json_loadb(rs->body, rs->len, 0, NULL);
    FZ_CHECK(e != NULL);
    json_t *err = json_object_get(e, "error");
    FZ_CHECK(json_is_object(err) && json_object_size(e) == 1);
    FZ_CHECK(json_integer_value(json_object_get(err, "status")) == rs->status);
    const char *code = json_string_value(json_object_get(err, "code"));
    FZ_CHECK(code && code[0] && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(code));
    const char *msg = json_string_value(json_object_get(err, "message"));
    FZ_CHECK(msg && msg[0]);
    json_decref(e);
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

/* Nothing written: the parser accepted. */
static void accepted(const OfficeResp *rs)
{
    FZ_CHECK(rs->body == NULL && rs->status == 0 && rs->n_headers == 0);
}

static size_t chars(const char *s)
{
    return utf8_count(s, strlen(s));
}

/* A string of 1..max characters of valid UTF-8. */
static void check_text(const char *s, size_t max)
{
    FZ_CHECK(s != NULL);
    FZ_CHECK(utf8_valid(s, strlen(s)));
    FZ_CHECK(chars(s) >= 1 && chars(s) <= max);
}

static int only(const char *s, const char *allowed)
{
    return strspn(s, allowed) == strlen(s);
}

static int receipt_ok(const char *s)
{
    return strlen(s) == RECEIPT_LEN && only(s, RECEIPT_ALPHABET);
}

/* The body as a JSON object (office_req_object), or NULL with its 400 checked. */
static json_t *body_object(FzReq *r)
{
    OfficeResp rs = {0};
    json_t *b = office_req_object(&r->rq, &rs);
    if (!b) {
        REFUSED(&rs, 400);
        return NULL;
    }
    accepted(&rs);
    FZ_CHECK(json_is_object(b));
    return b;
}

/* The office's sealed-mode key: a fixed pair, so a replayed input seals
 * and opens the same way. */
static SealSecret seal_sec;
static SealPublic seal_pub;

static void seal_setup(void)
{
    static int done;
    if (done)
        return;
    FZ_CHECK(sodium_init() >= 0);
    unsigned char seed[crypto_box_SEEDBYTES];
    memset(seed, 7, sizeof seed);
    crypto_box_seed_keypair(seal_sec.pk, seal_sec.sk, seed);
    memcpy(seal_pub.pk, seal_sec.pk, sizeof seal_pub.pk);
    done = 1;
}

/* A member "seal_me" is sealed with the office's key into member `into`
 * (a string value is sealed as its text, anything else as its JSON), so
 * the fuzzer reaches what a sealed box opens to. */
static void seal_member(json_t *b, const char *into)
{
    json_t *m = json_object_get(b, "seal_me");
    if (!m)
        return;
    seal_setup();
    char *text = json_is_string(m) ? strdup(json_string_value(m))
                                   : json_dumps(m, JSON_COMPACT | JSON_ENCODE_ANY);
    FZ_CHECK(text != NULL);
    char *box = seal_to_base64(&seal_pub, text, strlen(text));
    FZ_CHECK(box != NULL);
    json_object_set_new(b, into, json_string(box));
    json_object_del(b, "seal_me");
    free(box);
    free(text);
}

/* ---- routing ---- */

/* Whether `path` has the shape of `pattern` ({x}: one non-empty segment
 * under 128 bytes), written without the office's matcher. */
static int shape_matches(const char *pattern, const char *path)
{
    for (;;) {
        size_t pl = strcspn(pattern, "/"), ul = strcspn(path, "/");
        if (pattern[0] == '{') {
            if (ul == 0 || ul >= 128)
                return 0;
        } else if (pl != ul || strncmp(pattern, path, pl) != 0) {
            return 0;
        }
        pattern += pl;
        path += ul;
        if (!*pattern || !*path)
            return !*pattern && !*path;
        pattern++;
        path++;
    }
}

static void fz_route(FzReq *r)
{
    OfficeReq *rq = &r->rq;
    int status = 0;
    const OfficeRoute *rt = office_route_find(rq->method, rq->path, rq, &status);
    const OfficeRoute *want = NULL;
    int want_status = 404;
    for (size_t i = 0; i < office_n_routes && !want; i++)
        if (shape_matches(office_routes[i].pattern, rq->path)) {
            want_status = 405;
            if (strcmp(office_routes[i].method, rq->method) == 0)
                want = &office_routes[i];
        }
    FZ_CHECK(rt == want);
    if (!rt) {
        FZ_CHECK(status == want_status);
        return;
    }
    FZ_CHECK((size_t)rq->n_params <= OFFICE_MAX_PARAMS);
    /* The pattern with the captured segments put back is the path. */
    char rebuilt[4096];
    size_t n = 0;
    int k = 0;
    for (const char *p = rt->pattern; *p;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            FZ_CHECK(close && k < rq->n_params);
            FZ_CHECK(strlen(rq->param_name[k]) == (size_t)(close - p - 1));
            FZ_CHECK(strncmp(rq->param_name[k], p + 1, (size_t)(close - p - 1)) == 0);
            const char *v = rq->param[k];
            FZ_CHECK(v[0] && !strchr(v, '/') && strlen(v) < sizeof rq->param[0]);
            FZ_CHECK(office_req_param(rq, rq->param_name[k]) != NULL);
            FZ_CHECK(n + strlen(v) < sizeof rebuilt);
            memcpy(rebuilt + n, v, strlen(v));
            n += strlen(v);
            k++;
            p = close + 1;
        } else {
            FZ_CHECK(n + 1 < sizeof rebuilt);
            rebuilt[n++] = *p++;
        }
    }
    rebuilt[n] = '\0';
    FZ_CHECK(k == rq->n_params);
    FZ_CHECK(strcmp(rebuilt, rq->path) == 0);
    FZ_CHECK(office_req_param(rq, "no such name") == NULL);
    /* What the console's files and the reply page make of the segments. */
    for (int i = 0; i < rq->n_params; i++) {
        const char *v = rq->param[i];
        if (office_static_segment_ok(v)) {
            FZ_CHECK(v[0] != '.' && strlen(v) <= 100);
            FZ_CHECK(only(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"));
            const char *type = office_static_type(v);
            FZ_CHECK(!type || strchr(v, '.'));
        }
        char raw[RECEIPT_LEN + 1];
        if (receipt_normalize(v, raw) == 0)
            FZ_CHECK(receipt_ok(raw));
    }
}

/* ---- the kiosk protocol ---- */

static void check_suggestion(const OstoreSuggestion *sg, const char *key)
{
    if (sg->unreadable) {
        FZ_CHECK(sg->sealed);
        FZ_CHECK(!sg->topic && !sg->text && !sg->date && !sg->receipt && !sg->lang);
        return;
    }
    (void)key;
    check_text(sg->topic, OUTBOX_TOPIC_MAX - 1);
    FZ_CHECK(only(sg->topic, "abcdefghijklmnopqrstuvwxyz0123456789_"));
    check_text(sg->text, OUTBOX_TEXT_MAX_CHARS);
    FZ_CHECK(strlen(sg->date) == 10 && sg->date[4] == '-' && sg->date[7] == '-');
    FZ_CHECK(receipt_ok(sg->receipt));
    FZ_CHECK(!strcmp(sg->lang, "zh") || !strcmp(sg->lang, "en"));
}

static int key_shape_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    return n >= 1 && n <= 100 &&
           only(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.");
}

/* The Idempotency-Key, or NULL with its 400 checked. */
static const char *fz_key(FzReq *r)
{
    OfficeResp rs = {0};
    const char *key = office_kiosk_key(&r->rq, &rs);
    const char *h = office_req_header(&r->rq, "Idempotency-Key");
    FZ_CHECK((key != NULL) == key_shape_ok(h));
    if (!key) {
        REFUSED(&rs, 400);
        return NULL;
    }
    FZ_CHECK(key == h);
    accepted(&rs);
    return key;
}

static void fz_submission(FzReq *r)
{
    const char *key = fz_key(r);
    json_t *b = key ? body_object(r) : NULL;
    if (!b)
        return;
    seal_member(b, "sealed");
    seal_setup();
    OfficeResp rs = {0};
    json_t *kind = json_object_get(b, "kind");
    if (kind) {
        if (json_is_string(kind) && strcmp(json_string_value(kind), "rating") == 0) {
            const char *month = NULL;
            int score = 0;
            if (office_kiosk_parse_rating(b, key, &month, &score, &rs)) {
                accepted(&rs);
                FZ_CHECK(strlen(month) == 7 && month[4] == '-');
                FZ_CHECK(score >= OUTBOX_RATING_MIN && score <= OUTBOX_RATING_MAX);
                FZ_CHECK(!json_object_get(b, "text") && !json_object_get(b, "sealed"));
            } else {
                REFUSED(&rs, 422);
            }
        }
        json_decref(b);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {   /* with the office's key, then sealing off */
        OstoreSuggestion sg = {0};
        json_t *plain = NULL;
        bool ok = office_kiosk_parse_suggestion(b, key, pass == 0 ? &seal_sec : NULL, &sg,
                                                &plain, &rs);
        if (ok) {
            accepted(&rs);
            check_suggestion(&sg, key);
            FZ_CHECK(sg.sealed == (json_object_get(b, "sealed") != NULL));
            if (pass == 1)
                FZ_CHECK(!sg.sealed || sg.unreadable);
        } else {
            REFUSED(&rs, 422);
        }
        json_decref(plain);
    }
    json_decref(b);
}

static void fz_contact(FzReq *r)
{
    const char *key = fz_key(r);
    json_t *b = key ? body_object(r) : NULL;
    if (!b)
        return;
    seal_member(b, "contact");
    seal_setup();
    OfficeResp rs = {0};
    OfficeKioskContact c;
    json_t *plain = NULL;
    if (office_kiosk_parse_contact(b, key, &seal_sec, &c, &plain, &rs)) {
        accepted(&rs);
        check_text(c.id, 100);
        FZ_CHECK(strlen(key) == strlen(c.id) + 8 && strncmp(key, c.id, strlen(c.id)) == 0 &&
                 strcmp(key + strlen(c.id), ":contact") == 0);
        if (c.unreadable) {
            FZ_CHECK(c.sealed && c.contact == NULL);
        } else {
            FZ_CHECK(c.contact != NULL);
            FZ_CHECK(c.sealed || strlen(c.contact) <= 4 * OUTBOX_CONTACT_MAX_CHARS);
        }
    } else {
        REFUSED(&rs, 422);
    }
    json_decref(plain);
    json_decref(b);
}

static int display_chars_ok(const char *s)
{
    return utf8_valid(s, strlen(s));
}

static void fz_heartbeat(FzReq *r)
{
    json_t *b = body_object(r);
    if (!b)
        return;
    OstoreHeartbeat hb;
    char buf[1024], err[200];
    memset(err, 'x', sizeof err);
    if (office_fleet_parse(b, r->rq.body, &hb, buf, sizeof buf, err, sizeof err) == 0) {
        FZ_CHECK(hb.json == r->rq.body);
        FZ_CHECK(strlen(hb.content_version) <= 20 && strlen(hb.display) <= 15 &&
                 strlen(hb.app_version) <= 31);
        FZ_CHECK(display_chars_ok(hb.content_version) && display_chars_ok(hb.display));
        FZ_CHECK(hb.visible == (strcmp(hb.display, "night-blank") != 0));
        /* Flags: sorted, no duplicates, each a non-empty name. */
        FZ_CHECK(hb.flags == buf && strlen(hb.flags) < sizeof buf / 2);
        const char *prev = NULL;
        size_t prev_len = 0;
        for (const char *f = hb.flags; *f;) {
            size_t len = strcspn(f, ",");
            FZ_CHECK(len > 0);
            if (prev) {
                size_t m = len < prev_len ? len : prev_len;
                int c = strncmp(prev, f, m);
                FZ_CHECK(c < 0 || (c == 0 && prev_len < len));
            }
            prev = f;
            prev_len = len;
            f += len + (f[len] == ',');
        }
        FZ_CHECK(hb.queue > buf && hb.queue < buf + sizeof buf);
        if (hb.queue[0]) {
            json_t *q = json_loads(hb.queue, 0, NULL);
            FZ_CHECK(json_is_object(q));
            json_decref(q);
        }
    } else {
        FZ_CHECK(memchr(err, '\0', sizeof err) && err[0]);
    }
    json_decref(b);
}

static void fz_enrol(FzReq *r)
{
    json_t *b = body_object(r);
    if (!b)
        return;
    OfficeResp rs = {0};
    char code[OFFICE_CODE_SIZE], again[OFFICE_CODE_SIZE];
    const char *export_key = "x";
    if (office_kiosk_parse_enrol(b, code, &export_key, &rs)) {
        accepted(&rs);
        FZ_CHECK(strlen(code) == OFFICE_CODE_LEN && code[4] == '-');
        FZ_CHECK(strspn(code, RECEIPT_ALPHABET) == 4 &&
                 strspn(code + 5, RECEIPT_ALPHABET) == 4);
        FZ_CHECK(office_code_normalise(code, again) && strcmp(code, again) == 0);
        unsigned char pk[crypto_sign_PUBLICKEYBYTES];
        FZ_CHECK(!export_key || export_sign_parse_public(export_key, pk) == 0);
        FZ_CHECK((export_key != NULL) == (json_object_get(b, "export_key") != NULL));
    } else {
        REFUSED(&rs, 400, 422);
    }
    json_decref(b);
}

/* ---- the staff's inbox ---- */

static const char *const states[] = {"new", "acknowledged", "in_progress", "done", "declined"};

static int state_known(const char *s)
{
    for (size_t i = 0; i < 5; i++)
        if (s && strcmp(s, states[i]) == 0)
            return 1;
    return 0;
}

static void fz_inbox(FzReq *r)
{
    OfficeResp rs = {0};
    OstoreInboxQuery q = {.now = r->rq.now};
    const char *assignee = "x";
    if (!office_inbox_parse_query(&r->rq, &rs, &q, &assignee)) {
        REFUSED(&rs, 400);
        return;
    }
    accepted(&rs);
    FZ_CHECK(!q.state || state_known(q.state) || strcmp(q.state, "open") == 0);
    FZ_CHECK(!q.topic || (strlen(q.topic) >= 1 && strlen(q.topic) <= 31 &&
                          only(q.topic, "abcdefghijklmnopqrstuvwxyz0123456789_")));
    FZ_CHECK(!q.kiosk || (q.kiosk[0] && strlen(q.kiosk) <= 127 &&
                          utf8_valid(q.kiosk, strlen(q.kiosk))));
    FZ_CHECK(!q.q || (q.q[0] && strlen(q.q) <= 200 && utf8_valid(q.q, strlen(q.q))));
    FZ_CHECK(q.limit >= 2 && q.limit <= 201);
    FZ_CHECK(q.cur_phase >= 0 && q.cur_phase <= 2);
    FZ_CHECK(q.assignee == 0 || q.assignee == -1);
    FZ_CHECK(!assignee || strcmp(assignee, "me") == 0 ||
             (assignee[0] && strlen(assignee) <= 63 && utf8_valid(assignee, strlen(assignee))));
    FZ_CHECK(!(assignee && q.assignee == -1));
    const char *from = office_req_query(&r->rq, "from"), *to = office_req_query(&r->rq, "to");
    if (from && to && strcmp(from, to) == 0)
        FZ_CHECK(q.to > q.from);   /* "to" is the end of its day */
}

static void fz_state(FzReq *r)
{
    json_t *b = body_object(r);
    if (!b)
        return;
    OfficeResp rs = {0};
    OfficeInboxChangeForm f;
    if (office_inbox_parse_change(b, &f, &rs)) {
        accepted(&rs);
        FZ_CHECK(state_known(f.to));
        FZ_CHECK(f.version >= 1);
        if (f.reply_zh)
            check_text(f.reply_zh, 500);
        if (f.reply_en) {
            check_text(f.reply_en, 500);
            FZ_CHECK(f.reply_zh != NULL);
        }
        if (f.note)
            check_text(f.note, 2000);
    } else {
        REFUSED(&rs, 422);
    }
    int64_t version;
    const char *user = "x";
    if (office_inbox_parse_assign(b, &version, &user, &rs)) {
        accepted(&rs);
        FZ_CHECK(version >= 1);
        FZ_CHECK((user == NULL) == json_is_null(json_object_get(b, "user")));
    } else {
        REFUSED(&rs, 422);
    }
    json_decref(b);
}

/* ---- staff sign-in, users, cookies and tokens ---- */

static void fz_login(FzReq *r)
{
    OfficeResp rs = {0};
    const char *user = NULL, *pw = NULL;
    json_t *b = office_staff_parse_login(&r->rq, &user, &pw, &rs);
    if (!b) {
        REFUSED(&rs, 400, 415, 422);
        return;
    }
    accepted(&rs);
    const char *ct = office_req_header(&r->rq, "Content-Type");
    FZ_CHECK(ct && strncasecmp(ct, "application/json", 16) == 0);
    FZ_CHECK(user && user[0] && strlen(user) <= 64);
    FZ_CHECK(pw && pw[0] && strlen(pw) <= 1024);
    FZ_CHECK(strcmp(json_string_value(json_object_get(b, "user")), user) == 0);
    json_decref(b);
}

static void fz_user(FzReq *r)
{
    json_t *b = body_object(r);
    if (!b)
        return;
    OfficeResp rs = {0};
    OfficeStaffUserForm f;
    if (office_staff_parse_user(b, &f, &rs)) {
        accepted(&rs);
        FZ_CHECK(strlen(f.name) >= 1 && strlen(f.name) <= 32 &&
                 only(f.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"));
        FZ_CHECK(chars(f.password) >= 10 && strlen(f.password) <= 1024);
        FZ_CHECK(f.role >= OFFICE_STAFF_CLERK && f.role <= OFFICE_STAFF_ADMIN);
        FZ_CHECK(office_staff_role_parse(office_staff_role_name(f.role)) == f.role);
        if (f.role == OFFICE_STAFF_ADMIN)
            FZ_CHECK(f.communities == NULL);
        else
            FZ_CHECK(json_array_size(f.communities) >= 1 &&
                     json_array_size(f.communities) <= OFFICE_STAFF_MAX_COMMUNITIES);
    } else {
        REFUSED(&rs, 422);
    }
    json_decref(b);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void fz_headers(FzReq *r)
{
    const OfficeReq *rq = &r->rq;
    const char *cookie = office_req_header(rq, "Cookie");
    char token[OFFICE_STAFF_TOKEN_LEN + 1];
    if (office_staff_cookie_token(cookie, token)) {
        FZ_CHECK(strlen(token) == OFFICE_STAFF_TOKEN_LEN && only(token, b64url));
        char pair[OFFICE_STAFF_TOKEN_LEN + 16];
        snprintf(pair, sizeof pair, OFFICE_STAFF_COOKIE "=%s", token);
        FZ_CHECK(strstr(cookie, pair) != NULL);
        FZ_CHECK(office_staff_csrf_ok(token, token));
    }
    const char *csrf = office_req_header(rq, "X-CSRF-Token");
    FZ_CHECK(!office_staff_csrf_ok(csrf, ""));
    FZ_CHECK(!office_staff_csrf_ok(NULL, csrf ? csrf : "x"));
    if (csrf)
        FZ_CHECK(office_staff_csrf_ok(csrf, csrf) == (csrf[0] != '\0'));
    if (csrf && cookie)
        FZ_CHECK(office_staff_csrf_ok(csrf, cookie) == (strcmp(csrf, cookie) == 0 && csrf[0]));

    const char *auth = office_req_header(rq, "Authorization");
    const char *bearer = office_kiosk_bearer(auth);
    FZ_CHECK((bearer != NULL) == (auth && strncmp(auth, "Bearer ", 7) == 0 && auth[7] &&
                                  strlen(auth + 7) <= 255));
    FZ_CHECK(!bearer || bearer == auth + 7);

    const char *inm = office_req_header(rq, "If-None-Match");
    static const char etag[] = "\"0123456789abcdef\"";
    for (int weak = 0; weak < 2; weak++) {
        bool m = weak ? office_static_etag_matches(inm, etag) : office_kiosk_etag_match(inm, etag);
        if (m)
            FZ_CHECK(strchr(inm, '*') || strstr(inm, etag));
    }
    FZ_CHECK(!office_kiosk_etag_match(NULL, etag) && !office_static_etag_matches(NULL, etag));
    if (inm && inm[0] == '"' && !strpbrk(inm, ", \t*")) {   /* a single strong tag */
        FZ_CHECK(office_kiosk_etag_match(inm, inm));
        FZ_CHECK(office_static_etag_matches(inm, inm));
    }
    (void)fz_key(r);
}

/* ---- content and postings ---- */

static void fz_publish(FzReq *r, OstoreList l)
{
    json_t *b = body_object(r);
    if (!b)
        return;
    json_t *fields = json_object(), *again = json_object();
    int n = office_publish_check(l, b, fields);
    FZ_CHECK(n >= 0 && (size_t)n == json_object_size(fields));
    const char *k;
    json_t *v;
    json_object_foreach(fields, k, v) {
        FZ_CHECK(k[0] && json_is_string(v) && json_string_value(v)[0]);
        FZ_CHECK(utf8_valid(json_string_value(v), strlen(json_string_value(v))));
    }
    /* The item is the caller's: the check works on a copy. */
    json_t *copy = json_deep_copy(b);
    FZ_CHECK(office_publish_check(l, b, again) == n);
    FZ_CHECK(json_equal(fields, again) && json_equal(copy, b));
    json_decref(copy);
    json_decref(again);
    json_decref(fields);
    json_decref(b);
}

/* ---- the public reply page ---- */

static size_t count_lt(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '<';
    return n;
}

static char *plain_copy(const char *s)
{
    char *c = strdup(s);
    FZ_CHECK(c != NULL);
    for (char *p = c; *p; p++)
        if (*p != '\n')
            *p = 'x';
    return c;
}

static void fz_reply(FzReq *r)
{
    const char *code = strrchr(r->rq.path, '/');
    code = code ? code + 1 : r->rq.path;
    char raw[RECEIPT_LEN + 1] = "";
    bool malformed = receipt_normalize(code, raw) != 0;
    if (!malformed)
        FZ_CHECK(receipt_ok(raw));
    else
        raw[0] = '\0';
    /* The reply's text from the body (up to a NUL), en from a header. */
    const char *en = office_req_header(&r->rq, "En");
    Reply rep = {.status = (ReplyStatus)(r->rq.body_len % (REPLY_STATUS_COUNT + 1)),
                 .reply = {.zh = r->body, .en = (char *)en}, .updated_at = r->rq.now};
    /* The same texts as plain letters (line breaks kept: each is a <br>). */
    Reply plain = rep;
    plain.reply.zh = plain_copy(r->body);
    plain.reply.en = en ? plain_copy(en) : NULL;
    for (int found = 0; found < 2; found++) {
        char *html = office_reply_html(found ? &rep : NULL, raw, malformed);
        char *ref = office_reply_html(found ? &plain : NULL, raw, malformed);
        FZ_CHECK(html && ref);
        size_t n = strlen(html);
        FZ_CHECK(n > 8 && strcmp(html + n - 8, "</html>\n") == 0);
        /* No markup comes from the text: as many tags as with plain text. */
        FZ_CHECK(count_lt(html) == count_lt(ref));
        free(html);
        free(ref);
    }
    free(plain.reply.zh);
    free(plain.reply.en);
}

/* ---- whole-number and month query arguments ---- */

static void fz_query(FzReq *r)
{
    static const char *const names[] = {"limit", "before", "from", "to"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = office_req_query(&r->rq, names[i]);
        int64_t out = -7;
        bool ok = office_staff_query_int(&r->rq, names[i], 1, 200, 50, &out);
        if (!v)
            FZ_CHECK(ok && out == 50);
        else if (ok)
            FZ_CHECK(out >= 1 && out <= 200 && v[0]);
        int y = 0, mo = 0;
        if (office_stats_month(v, &y, &mo)) {
            FZ_CHECK(strlen(v) == 7 && v[4] == '-');
            FZ_CHECK(y >= 2000 && y <= 2200 && mo >= 1 && mo <= 12);
            char back[16];
            snprintf(back, sizeof back, "%04d-%02d", y, mo);
            FZ_CHECK(strcmp(back, v) == 0);
        }
    }
}

/* ---- pictures: the upload's checks and the /media/ names ---- */

static void fz_image(FzReq *r)
{
    OfficeResp rs = {0};
    OstoreImage m;
    const char *ct = office_req_header(&r->rq, "Content-Type");
    if (office_image_check(ct, r->body, r->rq.body_len, &m, &rs)) {
        accepted(&rs);
        const unsigned char *b = (const unsigned char *)r->body;
        bool png = strcmp(m.type, "image/png") == 0;
        FZ_CHECK(png || strcmp(m.type, "image/jpeg") == 0);
        /* The bytes decide, not the declared type. */
        if (png)
            FZ_CHECK(r->rq.body_len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0);
        else
            FZ_CHECK(r->rq.body_len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff);
        FZ_CHECK(m.width >= 1 && m.height >= 1 && m.width <= IMAGE_MAX_SIDE &&
                 m.height <= IMAGE_MAX_SIDE);
        FZ_CHECK((uint64_t)m.width * (uint64_t)m.height <= IMAGE_MAX_PIXELS);
        FZ_CHECK(m.bytes == (int64_t)r->rq.body_len && imgcache_valid_name(m.sha256));
    } else {
        REFUSED(&rs, 415, 422);
    }
    /* The /media/ name of the path's last segment. */
    const char *file = strrchr(r->rq.path, '/');
    file = file ? file + 1 : r->rq.path;
    char hash[OSTORE_HASH_HEX];
    const char *ext = NULL;
    if (office_image_name(file, hash, &ext)) {
        FZ_CHECK(imgcache_valid_name(hash) && strncmp(file, hash, 64) == 0 && file[64] == '.');
        FZ_CHECK(ext == file + 65 && (!strcmp(ext, "png") || !strcmp(ext, "jpg")));
    } else {
        FZ_CHECK(hash[0] == '\0' && ext == NULL);
    }
}

int fuzz_office(const uint8_t *data, size_t size)
{
    FzReq r;
    size_t mode = fz_req_read(&r, data, size);
    switch (mode) {
    case 0: fz_route(&r); break;
    case 1: fz_submission(&r); break;
    case 2: fz_contact(&r); break;
    case 3: fz_heartbeat(&r); break;
    case 4: fz_enrol(&r); break;
    case 5: fz_inbox(&r); break;
    case 6: case 7: fz_state(&r); break;
    case 8: fz_login(&r); break;
    case 9: fz_user(&r); break;
    case 10: fz_headers(&r); break;
    case 11: fz_publish(&r, OSTORE_NOTICES); break;
    case 12: fz_publish(&r, OSTORE_EVENTS); break;
    case 13: fz_publish(&r, OSTORE_CHANNELS); break;
    case 14: fz_publish(&r, OSTORE_BOARD); break;
    case 15: fz_reply(&r); break;
    case 16: fz_query(&r); break;
    case 17: fz_image(&r); break;
    default: FZ_CHECK(!"unknown mode");
    }
    fz_req_free(&r);
    return 0;
}
