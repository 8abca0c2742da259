/* office_staff.c - Lobby Office's staff side: sign-in, sessions, CSRF, roles, per-community authorisation, audit, users. */
#include "office_staff.h"
#include "office_publish.h"
#include "office_secret.h"
#include "utf8.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OFFICE_STAFF_LIFETIME_S (12 * 3600)  /* a session ends this long after sign-in */
#define OFFICE_STAFF_TOUCH_S 60              /* last_seen_at is written at most this often
                                                (and at least every tenth of the idle time) */
#define OFFICE_STAFF_LOCK_WINDOW_S (15 * 60)
#define OFFICE_STAFF_LOCK_USER 5             /* failures per user name in the window */
#define OFFICE_STAFF_LOCK_ADDR 20            /* failures per address in the window */

/* The signed-in staff member of the request this thread runs (rq->auth). */
static _Thread_local OfficeStaff office_staff_current;

static const char *const office_staff_role_names[] = {
    [OFFICE_STAFF_CLERK] = "clerk",
    [OFFICE_STAFF_MANAGER] = "manager",
    [OFFICE_STAFF_ADMIN] = "admin",
};

const char *office_staff_role_name(OfficeStaffRole r)
{
    return r >= OFFICE_STAFF_CLERK && r <= OFFICE_STAFF_ADMIN ? office_staff_role_names[r] : "?";
}

OfficeStaffRole office_staff_role_parse(const char *name)
{
    for (int r = OFFICE_STAFF_CLERK; r <= OFFICE_STAFF_ADMIN; r++)
        if (name && strcmp(name, office_staff_role_names[r]) == 0)
            return (OfficeStaffRole)r;
    return 0;
}

const OfficeStaff *office_staff_of(const OfficeReq *rq)
{
    return rq ? rq->auth : NULL;
}

int office_staff_can(const OfficeReq *rq, int64_t community_id, OfficeStaffRole need_role)
{
    const OfficeStaff *st = office_staff_of(rq);
    if (!st || community_id <= 0)
        return 404;
    bool holds = st->all_communities;
    for (int i = 0; !holds && i < st->n_communities; i++)
        holds = st->communities[i] == community_id;
    if (!holds)
        return 404;
    return st->role >= need_role ? 0 : 403;
}

bool office_staff_check(const OfficeReq *rq, OfficeResp *rs, int64_t community_id,
                        OfficeStaffRole need_role)
{
    int st = office_staff_can(rq, community_id, need_role);
    if (st == 404)
        office_resp_error(rs, 404, "not_found", "no such community");
    else if (st == 403)
        office_resp_error(rs, 403, "forbidden", "this needs the role %s",
                          office_staff_role_name(need_role));
    return st == 0;
}

bool office_staff_community(OfficeReq *rq, OfficeResp *rs, const char *slug,
                            OfficeStaffRole need_role, OstoreCommunity *out)
{
    OstoreResult r = slug ? ostore_community_get(rq->store, slug, out) : OSTORE_NOTFOUND;
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return false;
    }
    if (r != OSTORE_OK) {
        office_resp_error(rs, 404, "not_found", "no such community");
        return false;
    }
    return office_staff_check(rq, rs, out->id, need_role);
}

int office_staff_audit(OfficeReq *rq, const char *action, int64_t community_id,
                       const char *target, const char *summary)
{
    const OfficeStaff *st = office_staff_of(rq);
    if (ostore_audit_add(rq->store, rq->now, st ? st->user_id : 0, st ? st->name : "", action,
                         community_id, target, summary) == OSTORE_OK)
        return 0;
    fprintf(stderr, "office: audit %s: %s\n", action, ostore_error(rq->store));
    return -1;
}

/* ---- small helpers ---- */

/* 32 random bytes as 43 base64url characters. */
static void office_staff_random(char out[OFFICE_STAFF_TOKEN_LEN + 1])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2base64(out, OFFICE_STAFF_TOKEN_LEN + 1, b, sizeof b,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(b, sizeof b);
}

bool office_staff_cookie_token(const char *h, char out[OFFICE_STAFF_TOKEN_LEN + 1])
{
    const size_t nl = sizeof OFFICE_STAFF_COOKIE - 1;
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        size_t len = strcspn(p, ";");
        if (len > nl && strncmp(p, OFFICE_STAFF_COOKIE, nl) == 0 && p[nl] == '=') {
            const char *v = p + nl + 1;
            size_t vl = len - nl - 1;
            while (vl > 0 && v[vl - 1] == ' ')
                vl--;
            if (vl != OFFICE_STAFF_TOKEN_LEN || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk"
                                                          "lmnopqrstuvwxyz0123456789-_") < vl)
                return false;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p += len;
    }
    return false;
}

bool office_staff_csrf_ok(const char *header, const char *expected)
{
    size_t n = strlen(expected);
    return header && strlen(header) == n && n > 0 && sodium_memcmp(header, expected, n) == 0;
}

static void office_staff_set_cookie(OfficeResp *rs, const char *token)
{
    char v[128];
    if (token)
        snprintf(v, sizeof v, OFFICE_STAFF_COOKIE "=%s; Path=/; HttpOnly; Secure; SameSite=Strict",
                 token);
    else
        snprintf(v, sizeof v, OFFICE_STAFF_COOKIE "=; Path=/; Max-Age=0; HttpOnly; Secure;"
                 " SameSite=Strict");
    office_resp_header(rs, "Set-Cookie", v);
}

/* A string member of 1..max bytes; NULL with a 422 in rs. Absent (or
 * null) and optional: NULL with *absent set and nothing written. */
static const char *office_staff_str(json_t *o, const char *key, size_t max, bool optional,
                                    bool *absent, OfficeResp *rs)
{
    json_t *v = json_object_get(o, key);
    if (absent)
        *absent = !v || json_is_null(v);
    if ((!v || json_is_null(v)) && optional)
        return NULL;
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || n == 0 || n > max || strlen(s) != n) {
        office_resp_error(rs, 422, "invalid_field", "%s: expected a string of 1 to %zu bytes",
                          key, max);
        if (absent)
            *absent = false;
        return NULL;
    }
    return s;
}

/* ---- the signed-in user ---- */

/* {"user","role","communities":[...],"csrf","idle_minutes"} of the request's
 * staff member (idle_minutes: the console signs out by itself after it). */
static json_t *office_staff_me_json(OfficeReq *rq, const OfficeStaff *st)
{
    json_t *list = json_array();
    OstoreCommunity c;
    /* An admin's (every community) are added by office_staff_answer_me. */
    for (int i = 0; !st->all_communities && i < st->n_communities; i++)
        if (ostore_community_by_id(rq->store, st->communities[i], &c) == OSTORE_OK)
            json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "slug", c.slug, "name_zh",
                                                  c.name_zh, "name_en", c.name_en));
    return json_pack("{s:s,s:s,s:o,s:s,s:i}", "user", st->name, "role",
                     office_staff_role_name(st->role), "communities", list, "csrf", st->csrf,
                     "idle_minutes", office_conf(rq->office)->session_idle_minutes);
}

static int office_staff_collect(void *ud, const OstoreCommunity *c)
{
    json_array_append_new(ud, json_pack("{s:s,s:s,s:s}", "slug", c->slug, "name_zh", c->name_zh,
                                        "name_en", c->name_en));
    return 0;
}

static void office_staff_answer_me(OfficeReq *rq, OfficeResp *rs, int status)
{
    const OfficeStaff *st = office_staff_of(rq);
    json_t *me = office_staff_me_json(rq, st);
    if (me && st->all_communities &&
        ostore_community_list(rq->store, office_staff_collect,
                              json_object_get(me, "communities")) != OSTORE_OK) {
        json_decref(me);
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, status, me);
}

/* Fill the thread's OfficeStaff from a session; rq->auth points at it. */
static OstoreResult office_staff_load(OfficeReq *rq, const OstoreSession *x)
{
    OfficeStaff *st = &office_staff_current;
    memset(st, 0, sizeof *st);
    st->user_id = x->user_id;
    snprintf(st->name, sizeof st->name, "%s", x->name);
    st->role = office_staff_role_parse(x->role);
    st->all_communities = st->role == OFFICE_STAFF_ADMIN;
    st->session_id = x->id;
    snprintf(st->csrf, sizeof st->csrf, "%s", x->csrf);
    OstoreResult r = OSTORE_OK;
    if (!st->all_communities)
        r = ostore_user_communities(rq->store, x->user_id, st->communities,
                                    OFFICE_STAFF_MAX_COMMUNITIES, &st->n_communities);
    rq->auth = r == OSTORE_OK ? st : NULL;
    return r;
}

/* ---- the authorisers ---- */

static bool office_staff_changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

bool office_auth_staff(OfficeReq *rq, OfficeResp *rs)
{
    rq->auth = NULL;
    char token[OFFICE_STAFF_TOKEN_LEN + 1], hash[OSTORE_HASH_HEX];
    if (!office_staff_cookie_token(office_req_header(rq, "Cookie"), token)) {
        office_resp_error(rs, 401, "unauthorized", "sign in first");
        return false;
    }
    office_hash_hex(token, strlen(token), hash);
    sodium_memzero(token, sizeof token);
    OstoreSession x;
    OstoreResult r = ostore_session_get(rq->store, hash, &x);
    if (r == OSTORE_ERROR) {
        office_resp_store_error(rq, rs);
        return false;
    }
    int64_t idle = (int64_t)office_conf(rq->office)->session_idle_minutes * 60;
    if (r == OSTORE_OK && (x.disabled_at || rq->now >= x.expires_at ||
                           rq->now - x.last_seen_at >= idle)) {
        if (ostore_session_end(rq->store, x.id) != OSTORE_OK) {
            office_resp_store_error(rq, rs);
            return false;
        }
        r = OSTORE_NOTFOUND;
    }
    if (r != OSTORE_OK) {
        office_resp_error(rs, 401, "unauthorized", "the session has ended; sign in again");
        return false;
    }
    if (office_staff_changes_state(rq->method)) {
        if (!office_staff_csrf_ok(office_req_header(rq, "X-CSRF-Token"), x.csrf)) {
            office_resp_error(rs, 403, "csrf", "the X-CSRF-Token header is missing or wrong");
            return false;
        }
    }
    /* Written at most once a minute, but at least ten times per idle
     * time, so a session in use never idles out between two writes. */
    int64_t touch = idle / 10 < OFFICE_STAFF_TOUCH_S ? idle / 10 : OFFICE_STAFF_TOUCH_S;
    if (rq->now - x.last_seen_at >= touch &&
        ostore_session_touch(rq->store, x.id, rq->now) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return false;
    }
    if (office_staff_load(rq, &x) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return false;
    }
    return true;
}

bool office_auth_admin(OfficeReq *rq, OfficeResp *rs)
{
    if (!office_auth_staff(rq, rs))
        return false;
    if (office_staff_of(rq)->role == OFFICE_STAFF_ADMIN)
        return true;
    rq->auth = NULL;
    office_resp_error(rs, 403, "forbidden", "this needs an administrator");
    return false;
}

/* ---- sign-in ---- */

/* A password hash made with the same cost as real ones, checked against
 * for unknown users so that they take as long as known ones. */
static char office_staff_dummy[OFFICE_PW_HASH_SIZE];
static pthread_once_t office_staff_dummy_once = PTHREAD_ONCE_INIT;

static void office_staff_make_dummy(void)
{
    char pw[OFFICE_STAFF_TOKEN_LEN + 1];
    office_staff_random(pw);
    if (office_password_hash(office_staff_dummy, pw) != 0)
        office_staff_dummy[0] = '\0';
}

/* The rate-limit buckets of a sign-in: the user name's (hashed: a
 * password typed into the name field is not kept) and the address's. */
static void office_staff_buckets(OfficeReq *rq, const char *user, char *bu, size_t nu, char *ba,
                                 size_t na)
{
    char hash[OSTORE_HASH_HEX], addr[64];
    office_hash_hex(user, strlen(user), hash);
    office_req_address(rq, addr, sizeof addr);
    snprintf(bu, nu, "login-user:%.32s", hash);
    snprintf(ba, na, "login-addr:%s", addr);
}

/* 429 with Retry-After when either bucket is full; false on a database failure. */
static bool office_staff_locked(OfficeReq *rq, OfficeResp *rs, const char *bu, const char *ba,
                                bool *locked)
{
    int64_t nu, su, na, sa;
    *locked = false;
    if (ostore_rate_get(rq->store, bu, OFFICE_STAFF_LOCK_WINDOW_S, rq->now, &nu, &su) !=
            OSTORE_OK ||
        ostore_rate_get(rq->store, ba, OFFICE_STAFF_LOCK_WINDOW_S, rq->now, &na, &sa) !=
            OSTORE_OK)
        return false;
    int64_t wait = 0;
    if (nu >= OFFICE_STAFF_LOCK_USER)
        wait = su + OFFICE_STAFF_LOCK_WINDOW_S - rq->now;
    if (na >= OFFICE_STAFF_LOCK_ADDR && sa + OFFICE_STAFF_LOCK_WINDOW_S - rq->now > wait)
        wait = sa + OFFICE_STAFF_LOCK_WINDOW_S - rq->now;
    if (nu >= OFFICE_STAFF_LOCK_USER || na >= OFFICE_STAFF_LOCK_ADDR) {
        char ra[32];
        snprintf(ra, sizeof ra, "%lld", (long long)(wait > 0 ? wait : 1));
        office_resp_error(rs, 429, "locked", "too many failed sign-ins; try again in %s seconds",
                          ra);
        office_resp_header(rs, "Retry-After", ra);
        *locked = true;
    }
    return true;
}

json_t *office_staff_parse_login(OfficeReq *rq, const char **user, const char **pw,
                                 OfficeResp *rs)
{
    const char *ct = office_req_header(rq, "Content-Type");
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' &&
                                                                ct[16] != ' ')) {
        office_resp_error(rs, 415, "unsupported_media_type",
                          "sign-in takes Content-Type: application/json");
        return NULL;
    }
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return NULL;
    *user = office_staff_str(body, "user", 64, false, NULL, rs);
    *pw = *user ? office_staff_str(body, "password", 1024, false, NULL, rs) : NULL;
    if (!*pw) {
        json_decref(body);
        return NULL;
    }
    return body;
}

void office_staff_login(OfficeReq *rq, OfficeResp *rs)
{
    const char *user, *pw;
    json_t *body = office_staff_parse_login(rq, &user, &pw, rs);
    if (!body)
        return;
    char bu[80], ba[100];
    office_staff_buckets(rq, user, bu, sizeof bu, ba, sizeof ba);
    bool locked;
    if (!office_staff_locked(rq, rs, bu, ba, &locked)) {
        json_decref(body);
        office_resp_store_error(rq, rs);
        return;
    }
    if (locked) {
        json_decref(body);
        return;
    }
    OstoreUser u;
    OstoreResult r = ostore_user_get(rq->store, user, &u);
    if (r == OSTORE_ERROR) {
        json_decref(body);
        office_resp_store_error(rq, rs);
        return;
    }
    bool known = r == OSTORE_OK && !u.disabled_at;
    if (!known) {
        pthread_once(&office_staff_dummy_once, office_staff_make_dummy);
        if (office_password_verify(office_staff_dummy, pw))
            known = false;   /* the same work as for a known user, never a way in */
    }
    bool ok = known && office_password_verify(u.pwhash, pw);
    /* A hash that costs more memory than the office's own is replaced by
     * one made now (the password is at hand only here). */
    char rehash[OFFICE_PW_HASH_SIZE] = "";
    if (ok && office_password_outdated(u.pwhash) && office_password_hash(rehash, pw) != 0)
        rehash[0] = '\0';   /* out of memory: the old one stays, still good */
    json_decref(body);   /* the password goes with it */
    if (!ok) {
        int64_t n, start;
        if (ostore_rate_hit(rq->store, bu, OFFICE_STAFF_LOCK_WINDOW_S, rq->now, &n, &start) !=
                OSTORE_OK ||
            ostore_rate_hit(rq->store, ba, OFFICE_STAFF_LOCK_WINDOW_S, rq->now, &n, &start) !=
                OSTORE_OK ||
            ostore_audit_add(rq->store, rq->now, r == OSTORE_OK ? u.id : 0,
                             r == OSTORE_OK ? u.name : "", "session.login_failed", 0, NULL,
                             r == OSTORE_OK && u.disabled_at ? "disabled user" : NULL) !=
                OSTORE_OK) {
            office_resp_store_error(rq, rs);
            return;
        }
        office_resp_error(rs, 401, "bad_credentials", "wrong user name or password");
        return;
    }
    char token[OFFICE_STAFF_TOKEN_LEN + 1], csrf[OFFICE_STAFF_TOKEN_LEN + 1],
        hash[OSTORE_HASH_HEX];
    office_staff_random(token);
    office_staff_random(csrf);
    office_hash_hex(token, strlen(token), hash);
    int64_t idle = (int64_t)office_conf(rq->office)->session_idle_minutes * 60, sid = 0;
    OstoreSession x = {.user_id = u.id, .created_at = rq->now, .last_seen_at = rq->now,
                       .expires_at = rq->now + OFFICE_STAFF_LIFETIME_S};
    snprintf(x.csrf, sizeof x.csrf, "%s", csrf);
    snprintf(x.name, sizeof x.name, "%s", u.name);
    snprintf(x.role, sizeof x.role, "%s", u.role);
    if ((rehash[0] && ostore_user_set_pwhash(rq->store, u.id, rehash) != OSTORE_OK) ||
        ostore_rate_clear(rq->store, bu) != OSTORE_OK ||
        ostore_session_purge(rq->store, rq->now, rq->now - idle) != OSTORE_OK ||
        ostore_session_add(rq->store, u.id, hash, csrf, rq->now, x.expires_at, &sid) !=
            OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    x.id = sid;
    if (office_staff_load(rq, &x) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    office_staff_audit(rq, "session.login", 0, NULL, NULL);
    office_staff_set_cookie(rs, token);
    sodium_memzero(token, sizeof token);
    office_staff_answer_me(rq, rs, 200);
}

void office_staff_me(OfficeReq *rq, OfficeResp *rs)
{
    office_staff_answer_me(rq, rs, 200);
}

void office_staff_logout(OfficeReq *rq, OfficeResp *rs)
{
    if (ostore_session_end(rq->store, office_staff_of(rq)->session_id) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    office_staff_audit(rq, "session.logout", 0, NULL, NULL);
    office_staff_set_cookie(rs, NULL);
    office_resp_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

void office_staff_logout_all(OfficeReq *rq, OfficeResp *rs)
{
    if (ostore_session_end_user(rq->store, office_staff_of(rq)->user_id) != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        return;
    }
    office_staff_audit(rq, "session.logout_all", 0, NULL, NULL);
    office_staff_set_cookie(rs, NULL);
    office_resp_json(rs, 200, json_pack("{s:b}", "ok", 1));
}

/* ---- users (admin) ---- */

typedef struct {
    OstoreUser *u;
    size_t n, cap;
} OfficeStaffUsers;

static int office_staff_user_row(void *ud, const OstoreUser *u)
{
    OfficeStaffUsers *w = ud;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        OstoreUser *nu = realloc(w->u, cap * sizeof *nu);
        if (!nu)
            return 1;
        w->u = nu;
        w->cap = cap;
    }
    w->u[w->n++] = *u;
    return 0;
}

void office_staff_users(OfficeReq *rq, OfficeResp *rs)
{
    OfficeStaffUsers w = {0};
    OstoreResult r = ostore_user_list(rq->store, office_staff_user_row, &w);
    json_t *list = json_array();
    for (size_t i = 0; r == OSTORE_OK && i < w.n; i++) {
        int64_t ids[OFFICE_STAFF_MAX_COMMUNITIES];
        int n = 0;
        json_t *slugs = json_array();
        r = ostore_user_communities(rq->store, w.u[i].id, ids, OFFICE_STAFF_MAX_COMMUNITIES, &n);
        for (int k = 0; r == OSTORE_OK && k < n; k++) {
            OstoreCommunity c;
            if (ostore_community_by_id(rq->store, ids[k], &c) == OSTORE_OK)
                json_array_append_new(slugs, json_string(c.slug));
        }
        json_array_append_new(list, json_pack("{s:s,s:s,s:o,s:I,s:b,s:I}", "name", w.u[i].name,
                                              "role", w.u[i].role, "communities", slugs,
                                              "created_at", (json_int_t)w.u[i].created_at,
                                              "disabled", w.u[i].disabled_at != 0,
                                              "version", (json_int_t)w.u[i].version));
    }
    free(w.u);
    if (r != OSTORE_OK) {
        json_decref(list);
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, 200, json_pack("{s:o}", "users", list));
}

/* 1 to 32 of letters, digits and . _ - */
static bool office_staff_name_ok(const char *name)
{
    size_t n = strlen(name);
    return n >= 1 && n <= 32 &&
           strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

bool office_staff_parse_user(json_t *body, OfficeStaffUserForm *f, OfficeResp *rs)
{
    memset(f, 0, sizeof *f);
    f->name = office_staff_str(body, "name", 32, false, NULL, rs);
    f->password = f->name ? office_staff_str(body, "password", 1024, false, NULL, rs) : NULL;
    const char *role = f->password ? office_staff_str(body, "role", 16, false, NULL, rs) : NULL;
    json_t *comms = json_object_get(body, "communities");
    if (!role)
        return false;
    if (!office_staff_name_ok(f->name)) {
        office_resp_error(rs, 422, "invalid_field", "name: expected 1 to 32 of letters, digits"
                          " and . _ -");
        return false;
    }
    if (utf8_count(f->password, strlen(f->password)) < 10) {
        office_resp_error(rs, 422, "invalid_field", "password: at least 10 characters");
        return false;
    }
    f->role = office_staff_role_parse(role);
    if (!f->role) {
        office_resp_error(rs, 422, "invalid_field", "role: expected admin, manager or clerk");
        return false;
    }
    if (f->role != OFFICE_STAFF_ADMIN) {
        if (!json_is_array(comms) || json_array_size(comms) == 0 ||
            json_array_size(comms) > OFFICE_STAFF_MAX_COMMUNITIES) {
            office_resp_error(rs, 422, "invalid_field", "communities: expected a list of 1 to"
                              " %d community slugs", OFFICE_STAFF_MAX_COMMUNITIES);
            return false;
        }
        f->communities = comms;
    }
    return true;
}

void office_staff_user_add(OfficeReq *rq, OfficeResp *rs)
{
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    int64_t ids[OFFICE_STAFF_MAX_COMMUNITIES];
    int n = 0;
    OfficeStaffUserForm f;
    if (!office_staff_parse_user(body, &f, rs))
        goto out;
    const char *name = f.name, *pw = f.password;
    OfficeStaffRole rl = f.role;
    if (f.communities) {
        size_t i;
        json_t *v;
        json_array_foreach(f.communities, i, v) {
            OstoreCommunity c;
            const char *slug = json_string_value(v);
            OstoreResult r = slug ? ostore_community_get(rq->store, slug, &c) : OSTORE_NOTFOUND;
            if (r == OSTORE_ERROR) {
                office_resp_store_error(rq, rs);
                goto out;
            }
            if (r != OSTORE_OK) {
                office_resp_error(rs, 422, "invalid_field", "communities[%zu]: no such community",
                                  i);
                goto out;
            }
            ids[n++] = c.id;
        }
    }
    char hash[OFFICE_PW_HASH_SIZE];
    if (office_password_hash(hash, pw) != 0) {
        office_resp_error(rs, 503, "unavailable", "out of memory hashing the password");
        goto out;
    }
    OstoreResult r = ostore_user_add(rq->store, name, hash, office_staff_role_name(rl), ids, n,
                                     rq->now, NULL);
    if (r == OSTORE_CONFLICT) {
        office_resp_error(rs, 409, "exists", "a user of that name exists");
        goto out;
    }
    if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
        goto out;
    }
    char summary[80];
    snprintf(summary, sizeof summary, "role %s, %d communities", office_staff_role_name(rl), n);
    office_staff_audit(rq, "user.add", 0, name, summary);
    office_resp_json(rs, 201, json_pack("{s:s}", "name", name));
out:
    json_decref(body);
}

/* ---- communities (admin) ---- */

/* A text field of 1..max characters (0..max when optional), no control
 * characters; its message into `fields` otherwise. */
static const char *office_staff_text_field(json_t *body, const char *key, size_t max,
                                           bool required, json_t *fields)
{
    json_t *v = json_object_get(body, key);
    if (!required && (!v || (json_is_string(v) && !json_string_length(v))))
        return "";
    const char *t = json_string_value(v);
    size_t n = t ? utf8_count(t, json_string_length(v)) : 0;
    bool ctl = false;
    for (const char *p = t; p && *p; p++)
        ctl |= (unsigned char)*p < 0x20 || *p == 0x7f;
    if (!t || n == 0 || n > max || ctl) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s 1 to %zu characters, on one line",
                 required ? "required:" : "expected", max);
        json_object_set_new(fields, key, json_string(msg));
        return NULL;
    }
    return t;
}

void office_staff_community_add(OfficeReq *rq, OfficeResp *rs)
{
    json_t *body = office_req_object(rq, rs);
    if (!body)
        return;
    json_t *fields = json_object();
    const char *slug = json_string_value(json_object_get(body, "slug"));
    size_t sl = slug ? strlen(slug) : 0;
    bool slug_ok = sl >= 1 && sl <= 63 &&
                   strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") == sl;
    if (!slug_ok)
        json_object_set_new(fields, "slug", json_string("use 1 to 63 of a-z, 0-9 and -"));
    const char *zh = office_staff_text_field(body, "name_zh", 100, true, fields);
    const char *en = office_staff_text_field(body, "name_en", 100, false, fields);
    if (json_object_size(fields) > 0) {
        office_publish_fields(rs, fields);   /* takes fields */
        json_decref(body);
        return;
    }
    json_decref(fields);
    int64_t id = 0;
    OstoreResult r = ostore_community_add(rq->store, slug, zh, en, rq->now, &id);
    if (r == OSTORE_CONFLICT) {
        office_resp_error(rs, 409, "exists", "a community with that short name exists");
    } else if (r != OSTORE_OK) {
        office_resp_store_error(rq, rs);
    } else {
        office_staff_audit(rq, "community.add", id, slug, zh);
        office_resp_json(rs, 201, json_pack("{s:s,s:s,s:s}", "slug", slug, "name_zh", zh,
                                            "name_en", en));
    }
    json_decref(body);
}

/* ---- the audit log (admin) ---- */

static int office_staff_audit_row(void *ud, const OstoreAudit *a)
{
    json_array_append_new(ud, json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s?,s:s?}", "id",
                                        (json_int_t)a->id, "at", (json_int_t)a->at, "user",
                                        a->user, "action", a->action, "community",
                                        a->community[0] ? a->community : NULL, "target",
                                        a->target[0] ? a->target : NULL, "summary",
                                        a->summary[0] ? a->summary : NULL));
    return 0;
}

bool office_staff_query_int(const OfficeReq *rq, const char *name, int64_t lo, int64_t hi,
                            int64_t def, int64_t *out)
{
    const char *v = office_req_query(rq, name);
    if (!v) {
        *out = def;
        return true;
    }
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

void office_staff_audit_list(OfficeReq *rq, OfficeResp *rs)
{
    int64_t limit, before;
    if (!office_staff_query_int(rq, "limit", 1, 200, 50, &limit) ||
        !office_staff_query_int(rq, "before", 0, INT64_MAX, 0, &before)) {
        office_resp_error(rs, 400, "invalid_query", "limit: 1 to 200; before: an audit id");
        return;
    }
    json_t *items = json_array();
    if (ostore_audit_list(rq->store, before, (int)limit, office_staff_audit_row, items) !=
        OSTORE_OK) {
        json_decref(items);
        office_resp_store_error(rq, rs);
        return;
    }
    size_t n = json_array_size(items);
    json_t *next = (int64_t)n == limit
                       ? json_integer(json_integer_value(
                             json_object_get(json_array_get(items, n - 1), "id")))
                       : json_null();
    office_resp_json(rs, 200, json_pack("{s:o,s:o}", "items", items, "next", next));
}
