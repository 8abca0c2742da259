/* test_office_staff.c - the staff side of Lobby Office through HTTP
 * against a server in this process with a fake clock: sign-in (one
 * answer for a wrong password, an unknown and a disabled user), the
 * cookie's flags, lockout per user name and per address and its expiry,
 * CSRF refusals that change nothing, sessions that cannot act as another
 * user, idle and absolute expiry, logout and logout-all, the roles
 * (clerk, manager, admin) and other communities' items (404), SQL
 * metacharacters and invalid UTF-8, the audit log, communities added by
 * an administrator (and every refusal of it), an administrator's changes
 * to accounts (role and communities, disable, enable, a new password;
 * every refusal changes nothing; never the last administrator, even when
 * two administrators demote each other at once). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sodium.h>
#include "office_secret.h"
#include "officesrv.h"
#include "ostore_priv.h"
#include <pthread.h>
#include "proc.h"
#include "staffsrv.h"
#include "tmpdir.h"

static StaffSrv srv;

#define PW "correct-horse-1"

static int setup(void **state)
{
    (void)state;
    return staffsrv_start_team(&srv, PW);
}

static int teardown(void **state)
{
    (void)state;
    staffsrv_stop(&srv);
    return 0;
}

static void advance(int64_t s)
{
    atomic_fetch_add(&srv.now, s);
}

/* Expect status and error code of a request. */
static void expect(const char *method, const char *path, const StaffSession *ses,
                   const char *csrf, const char *type, const char *body, long status,
                   const char *code)
{
    StaffResp r;
    long st = staffsrv_req(&srv, method, path, ses, csrf, type, body, &r);
    if (st != status || (code && strcmp(staffsrv_code(&r), code) != 0))
        fail_msg("%s %s: expected %ld %s, got %ld %s", method, path, status, code ? code : "",
                 st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
}

static StaffSession login(const char *user)
{
    return staffsrv_login_ok(&srv, user, PW);
}

static int64_t suggestion_version(int64_t id)
{
    int64_t v = -1;
    StaffSession a = login("root");
    char path[80];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld", (long long)id);
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", path, &a, NULL, NULL, NULL, &r), 200);
    v = json_integer_value(json_object_get(r.json, "version"));
    staffsrv_resp_free(&r);
    return v;
}

static void test_login_sets_a_strict_cookie(void **state)
{
    (void)state;
    StaffResp r;
    const char *body = "{\"user\":\"wang\",\"password\":\"" PW "\"}";
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL, body, &r),
                     200);
    assert_non_null(strstr(r.set_cookie, "lk_session="));
    assert_non_null(strstr(r.set_cookie, "; Path=/"));
    assert_non_null(strstr(r.set_cookie, "; HttpOnly"));
    assert_non_null(strstr(r.set_cookie, "; Secure"));
    assert_non_null(strstr(r.set_cookie, "; SameSite=Strict"));
    assert_int_equal(strcspn(r.set_cookie, ";"), strlen("lk_session=") + 43);
    assert_string_equal(json_string_value(json_object_get(r.json, "user")), "wang");
    assert_string_equal(json_string_value(json_object_get(r.json, "role")), "manager");
    json_t *cs = json_object_get(r.json, "communities");
    assert_int_equal(json_array_size(cs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(cs, 0), "slug")),
                        "cuihu");
    const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
    assert_int_equal(strlen(csrf), 43);
    StaffSession s;
    memset(&s, 0, sizeof s);
    snprintf(s.cookie, sizeof s.cookie, "%.*s", (int)strcspn(r.set_cookie, ";"), r.set_cookie);
    snprintf(s.csrf, sizeof s.csrf, "%s", csrf);
    staffsrv_resp_free(&r);
    /* /me answers the same, with the same token. */
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/me", &s, NULL, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "csrf")), s.csrf);
    /* and the idle time after which the console signs out by itself */
    assert_int_equal(json_integer_value(json_object_get(r.json, "idle_minutes")), 30);
    staffsrv_resp_free(&r);
    /* An admin holds every community. */
    StaffSession a = login("root");
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/me", &a, NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "communities")), 2);
    staffsrv_resp_free(&r);
    /* The database keeps no cookie value. */
    const char *token = s.cookie + strlen("lk_session=");
    assert_false(tmpdir_db_holds(srv.db, token, 43));
    /* No session, a made-up one: 401. */
    expect("GET", "/api/office/me", NULL, NULL, NULL, NULL, 401, "unauthorized");
    StaffSession fake = {"lk_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"};
    expect("GET", "/api/office/me", &fake, NULL, NULL, NULL, 401, "unauthorized");
}

static void test_login_refusals_give_one_answer(void **state)
{
    (void)state;
    StaffResp wrong, unknown, disabled;
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL,
                                  "{\"user\":\"wang\",\"password\":\"nope-nope-nope\"}", &wrong),
                     401);
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL,
                                  "{\"user\":\"nobody\",\"password\":\"nope-nope-nope\"}",
                                  &unknown), 401);
    StaffSession a = login("root");
    expect("POST", "/api/office/users/li/disable", &a, NULL, NULL, "{}", 200, NULL);
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL,
                                  "{\"user\":\"li\",\"password\":\"" PW "\"}", &disabled), 401);
    assert_string_equal(staffsrv_code(&wrong), "bad_credentials");
    assert_string_equal(wrong.body, unknown.body);
    assert_string_equal(wrong.body, disabled.body);
    assert_string_equal(wrong.set_cookie, "");
    staffsrv_resp_free(&wrong);
    staffsrv_resp_free(&unknown);
    staffsrv_resp_free(&disabled);
    /* A cross-site form cannot sign in: JSON only. */
    expect("POST", "/api/office/login", NULL, "", "application/x-www-form-urlencoded",
           "user=wang&password=" PW, 415, "unsupported_media_type");
    expect("POST", "/api/office/login", NULL, "", "text/plain",
           "{\"user\":\"wang\",\"password\":\"" PW "\"}", 415, "unsupported_media_type");
    expect("POST", "/api/office/login", NULL, "", NULL, "{\"user\":", 400, "bad_json");
    expect("POST", "/api/office/login", NULL, "", NULL, "[]", 400, "bad_json");
    expect("POST", "/api/office/login", NULL, "", NULL,
           "{\"user\":\"w\xe4\xb8\",\"password\":\"x\"}", 400, "invalid_utf8");
    expect("POST", "/api/office/login", NULL, "", NULL, "{\"user\":\"wang\"}", 422,
           "invalid_field");
    expect("POST", "/api/office/login", NULL, "", NULL, "{\"user\":5,\"password\":\"x\"}", 422,
           "invalid_field");
    expect("GET", "/api/office/login", NULL, NULL, NULL, NULL, 405, "method_not_allowed");
}

static void test_lockout_per_user_and_its_expiry(void **state)
{
    (void)state;
    StaffSession s;
    for (int i = 0; i < 5; i++)
        assert_int_equal(staffsrv_login(&srv, "wang", "wrong-password", &s), 401);
    /* Locked: even the right password is refused, with Retry-After. */
    StaffResp r;
    const char *right = "{\"user\":\"wang\",\"password\":\"" PW "\"}";
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL, right, &r),
                     429);
    assert_string_equal(staffsrv_code(&r), "locked");
    assert_string_equal(r.retry_after, "900");
    staffsrv_resp_free(&r);
    /* Another user is not locked by wang's failures. */
    assert_int_equal(staffsrv_login(&srv, "li", PW, &s), 200);
    advance(600);
    assert_int_equal(staffsrv_req(&srv, "POST", "/api/office/login", NULL, "", NULL, right, &r),
                     429);
    assert_string_equal(r.retry_after, "300");
    staffsrv_resp_free(&r);
    advance(300);
    assert_int_equal(staffsrv_login(&srv, "wang", PW, &s), 200);
    /* A success clears the count: four more failures do not lock. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(staffsrv_login(&srv, "wang", "wrong-password", &s), 401);
    assert_int_equal(staffsrv_login(&srv, "wang", PW, &s), 200);
}

static void test_lockout_per_address(void **state)
{
    (void)state;
    StaffSession s;
    char name[32];
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof name, "guess%d", i);
        assert_int_equal(staffsrv_login(&srv, name, "wrong-password", &s), 401);
    }
    /* The address is locked: any user, even with the right password. */
    assert_int_equal(staffsrv_login(&srv, "zhao", PW, &s), 429);
    advance(15 * 60);
    assert_int_equal(staffsrv_login(&srv, "zhao", PW, &s), 200);
}

static void test_csrf_refusals_change_nothing(void **state)
{
    (void)state;
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, "s-1", "repairs", "路灯坏了", "HJKM6789",
                                     atomic_load(&srv.now) - 60, NULL);
    assert_true(id > 0);
    StaffSession w = login("wang");
    char path[80];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)id);
    const char *body = "{\"state\":\"acknowledged\",\"version\":1}";
    expect("POST", path, &w, "", NULL, body, 403, "csrf");
    expect("POST", path, &w, "wrong-token", NULL, body, 403, "csrf");
    assert_int_equal(suggestion_version(id), 1);
    expect("POST", "/api/office/logout", &w, "", NULL, "{}", 403, "csrf");
    expect("POST", "/api/office/logout-all", &w, "nope", NULL, "{}", 403, "csrf");
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);   /* still signed in */
    /* With the token it works. */
    expect("POST", path, &w, NULL, NULL, body, 200, NULL);
    assert_int_equal(suggestion_version(id), 2);
    expect("POST", "/api/office/logout", &w, NULL, NULL, "{}", 200, NULL);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 401, "unauthorized");
}

static void test_a_session_cannot_act_as_another(void **state)
{
    (void)state;
    StaffSession w = login("wang"), l = login("li"), w2 = login("wang");
    /* wang's cookie with li's token: refused. */
    expect("POST", "/api/office/logout", &w, l.csrf, NULL, "{}", 403, "csrf");
    /* Each session's token is its own. */
    assert_string_not_equal(w.csrf, w2.csrf);
    expect("POST", "/api/office/logout", &w, w2.csrf, NULL, "{}", 403, "csrf");
    /* li signing out everywhere does not end wang's sessions. */
    expect("POST", "/api/office/logout-all", &l, NULL, NULL, "{}", 200, NULL);
    expect("GET", "/api/office/me", &l, NULL, NULL, NULL, 401, NULL);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);
    /* wang's logout-all ends both of his. */
    expect("POST", "/api/office/logout-all", &w2, NULL, NULL, "{}", 200, NULL);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 401, NULL);
    expect("GET", "/api/office/me", &w2, NULL, NULL, NULL, 401, NULL);
}

static void test_idle_and_absolute_expiry(void **state)
{
    (void)state;
    StaffSession w = login("wang");
    advance(29 * 60);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);
    advance(29 * 60);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);   /* activity keeps it */
    advance(30 * 60);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 401, "unauthorized");
    /* However busy, 12 hours after sign-in it ends. */
    StaffSession b = login("wang");
    for (int i = 0; i < 12 * 3 - 1; i++) {
        advance(20 * 60);
        expect("GET", "/api/office/me", &b, NULL, NULL, NULL, 200, NULL);
    }
    advance(20 * 60);
    expect("GET", "/api/office/me", &b, NULL, NULL, NULL, 401, "unauthorized");
}

static void one_minute_idle(OfficeConf *c)
{
    c->session_idle_minutes = 1;
}

static int setup_short_idle(void **state)
{
    (void)state;
    if (staffsrv_start(&srv, one_minute_idle) < 0)
        return -1;
    return staffsrv_user(&srv, "wang", PW, "manager", "cuihu", NULL) < 0 ? -1 : 0;
}

/* With session_idle_minutes = 1 a session used every 20 s stays (the
 * last use is written often enough for so short a time), and one left
 * for a minute ends. */
static void test_short_idle_kept_by_activity(void **state)
{
    (void)state;
    StaffSession w = login("wang");
    for (int i = 0; i < 15; i++) {
        advance(20);
        expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);
    }
    advance(60);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 401, "unauthorized");
}

/* How office_password_hash's strings begin. */
#define PW_PREFIX "$argon2id$v=19$m=16384,t=8,p=1$"

/* A hash that takes more memory than the office's (64 MiB before issue
 * 13's peak RSS) is replaced at the next sign-in; a cheaper one is kept. */
static void test_costlier_hash_replaced_at_sign_in(void **state)
{
    (void)state;
    assert_true(office_password_outdated("$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"));
    assert_true(office_password_outdated("$argon2id$v=19$m=16385,t=8,p=1$c2FsdA$aGFzaA"));
    assert_false(office_password_outdated("$argon2id$v=19$m=16384,t=8,p=1$c2FsdA$aGFzaA"));
    assert_false(office_password_outdated("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"));
    assert_false(office_password_outdated("not a hash"));
    /* "old" signs in with a 20 MiB hash (1 pass: cheap for the test). */
    char old[OFFICE_PW_HASH_SIZE];
    assert_int_equal(crypto_pwhash_str(old, PW, strlen(PW), 1, 20u << 20), 0);
    assert_true(office_password_outdated(old));
    OstoreUser u;
    assert_int_equal(ostore_user_get(srv.store, "wang", &u), OSTORE_OK);
    assert_int_equal(ostore_user_set_pwhash(srv.store, u.id, old), OSTORE_OK);
    expect("POST", "/api/office/login", NULL, "", NULL,
           "{\"user\":\"wang\",\"password\":\"wrong-password\"}", 401, "bad_credentials");
    assert_int_equal(ostore_user_get(srv.store, "wang", &u), OSTORE_OK);
    assert_string_equal(u.pwhash, old);   /* a wrong password changes nothing */
    login("wang");
    assert_int_equal(ostore_user_get(srv.store, "wang", &u), OSTORE_OK);
    assert_memory_equal(u.pwhash, PW_PREFIX, strlen(PW_PREFIX));
    assert_true(office_password_verify(u.pwhash, PW));
    assert_false(office_password_verify(u.pwhash, "wrong-password"));
    login("wang");   /* the new one signs in too */
    expect("POST", "/api/office/login", NULL, "", NULL,
           "{\"user\":\"wang\",\"password\":\"wrong-password\"}", 401, "bad_credentials");
    /* li's hash (libsodium's minimum, the test's) is cheaper: kept. */
    OstoreUser before, after;
    assert_int_equal(ostore_user_get(srv.store, "li", &before), OSTORE_OK);
    login("li");
    assert_int_equal(ostore_user_get(srv.store, "li", &after), OSTORE_OK);
    assert_string_equal(after.pwhash, before.pwhash);
}

static void test_roles(void **state)
{
    (void)state;
    StaffSession a = login("root"), w = login("wang"), l = login("li");
    expect("GET", "/api/office/users", &l, NULL, NULL, NULL, 403, "forbidden");
    expect("GET", "/api/office/users", &w, NULL, NULL, NULL, 403, "forbidden");
    expect("GET", "/api/office/audit", &w, NULL, NULL, NULL, 403, "forbidden");
    expect("POST", "/api/office/users", &w, NULL, NULL,
           "{\"name\":\"x\",\"password\":\"long-enough-1\",\"role\":\"admin\"}", 403,
           "forbidden");
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/users", &a, NULL, NULL, NULL, &r),
                     200);
    assert_int_equal(json_array_size(json_object_get(r.json, "users")), 4);
    staffsrv_resp_free(&r);
    /* An admin adds a clerk of cuihu, who can sign in at once. */
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"chen\",\"password\":\"long-enough-1\",\"role\":\"clerk\","
           "\"communities\":[\"cuihu\"]}", 201, NULL);
    StaffSession c;
    assert_int_equal(staffsrv_login(&srv, "chen", "long-enough-1", &c), 200);
    /* stored as the office's Argon2id: 8 passes over 16 MiB (office_secret.h) */
    OstoreUser u;
    assert_int_equal(ostore_user_get(srv.store, "chen", &u), OSTORE_OK);
    assert_memory_equal(u.pwhash, PW_PREFIX, strlen(PW_PREFIX));
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"chen\",\"password\":\"long-enough-1\",\"role\":\"clerk\","
           "\"communities\":[\"cuihu\"]}", 409, "exists");
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"d\",\"password\":\"short\",\"role\":\"clerk\",\"communities\":[\"cuihu\"]}",
           422, "invalid_field");
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"d\",\"password\":\"long-enough-1\",\"role\":\"boss\"}", 422,
           "invalid_field");
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"d\",\"password\":\"long-enough-1\",\"role\":\"clerk\","
           "\"communities\":[\"nowhere\"]}", 422, "invalid_field");
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"d\",\"password\":\"long-enough-1\",\"role\":\"clerk\"}", 422,
           "invalid_field");
    /* Disabling ends the user's sessions. */
    expect("POST", "/api/office/users/chen/disable", &a, NULL, NULL, "{}", 200, NULL);
    expect("GET", "/api/office/me", &c, NULL, NULL, NULL, 401, NULL);
    expect("POST", "/api/office/users/nobody/disable", &a, NULL, NULL, "{}", 404, "not_found");
    expect("POST", "/api/office/users/root/disable", &a, NULL, NULL, "{}", 422, "self");
}

static void test_other_communities_are_not_found(void **state)
{
    (void)state;
    int64_t mine = staffsrv_suggestion(&srv, srv.cuihu, "s-1", "repairs", "路灯", "HJKM6789",
                                       atomic_load(&srv.now) - 60, NULL);
    int64_t theirs = staffsrv_suggestion(&srv, srv.other, "s-2", "repairs", "门禁", "HJKM6788",
                                         atomic_load(&srv.now) - 60, NULL);
    assert_true(mine > 0 && theirs > 0);
    StaffSession w = login("wang"), l = login("li");
    char path[120];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld", (long long)theirs);
    expect("GET", path, &w, NULL, NULL, NULL, 404, "not_found");
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)theirs);
    expect("POST", path, &w, NULL, NULL, "{\"state\":\"acknowledged\",\"version\":1}", 404,
           "not_found");
    expect("GET", "/api/office/suggestions/999999", &w, NULL, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/suggestions/abc", &w, NULL, NULL, NULL, 404, "not_found");
    expect("GET", "/api/office/suggestions?community=other", &w, NULL, NULL, NULL, 404,
           "not_found");
    expect("GET", "/api/office/suggestions?community=nowhere", &w, NULL, NULL, NULL, 404,
           "not_found");
    /* The list without a community shows only wang's. */
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/suggestions", &w, NULL, NULL, NULL,
                                  &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(
                         json_object_get(r.json, "items"), 0), "id")), mine);
    staffsrv_resp_free(&r);
    assert_int_equal(theirs == 0, 0);
    /* A clerk calling a manager's action: 403, nothing changes. */
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/approve-reply", (long long)mine);
    expect("POST", path, &l, NULL, NULL, "{\"version\":1}", 403, "forbidden");
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/assign", (long long)mine);
    expect("POST", path, &l, NULL, NULL, "{\"user\":\"wang\",\"version\":1}", 403, "forbidden");
    assert_int_equal(suggestion_version(mine), 1);
    /* Assigning to someone of another community is refused. */
    expect("POST", path, &w, NULL, NULL, "{\"user\":\"zhao\",\"version\":1}", 422,
           "invalid_field");
    expect("POST", path, &w, NULL, NULL, "{\"user\":\"li\",\"version\":1}", 200, NULL);
    assert_int_equal(suggestion_version(mine), 2);
}

static void test_sql_metacharacters_and_bad_text(void **state)
{
    (void)state;
    const char *evil = "x'); DROP TABLE staff_user; --";
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, "s-1", "repairs", evil, "HJKM6789",
                                     atomic_load(&srv.now) - 60, NULL);
    StaffSession s;
    json_t *b = json_pack("{s:s,s:s}", "user", evil, "password", evil);
    char *text = json_dumps(b, 0);
    expect("POST", "/api/office/login", NULL, "", NULL, text, 401, "bad_credentials");
    free(text);
    json_decref(b);
    StaffSession a = login("root"), w = login("wang");
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"a'b\",\"password\":\"long-enough-1\",\"role\":\"admin\"}", 422,
           "invalid_field");
    /* Search with LIKE and quote characters is literal. */
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/suggestions?q=%25'%20OR%201%3D1%20--",
                                  &w, NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    staffsrv_resp_free(&r);
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/suggestions?q=DROP%20TABLE", &w,
                                  NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
                            json_object_get(r.json, "items"), 0), "text")), evil);
    staffsrv_resp_free(&r);
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/suggestions?q=%25", &w, NULL, NULL,
                                  NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    staffsrv_resp_free(&r);
    expect("GET", "/api/office/suggestions?topic=a'b", &w, NULL, NULL, NULL, 400,
           "invalid_query");
    expect("GET", "/api/office/suggestions?kiosk=%E4%B8", &w, NULL, NULL, NULL, 400,
           "invalid_query");
    expect("GET", "/api/office/suggestions?q=%E4%B8", &w, NULL, NULL, NULL, 400,
           "invalid_query");
    expect("GET", "/api/office/suggestions?assignee=x'--", &w, NULL, NULL, NULL, 400,
           "invalid_query");
    /* A reply and a note with them are kept verbatim. */
    char path[100], body[300];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)id);
    snprintf(body, sizeof body, "{\"state\":\"acknowledged\",\"version\":1,\"reply_zh\":\"%s\","
             "\"note\":\"%s\"}", "好的'; DELETE FROM audit; --", "\\\" OR \\\"1\\\"=\\\"1");
    assert_int_equal(staffsrv_req(&srv, "POST", path, &w, NULL, NULL, body, &r), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "reply"),
                                                          "zh")),
                        "好的'; DELETE FROM audit; --");
    staffsrv_resp_free(&r);
    /* Invalid UTF-8 in a body: 400. */
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)id);
    expect("POST", path, &w, NULL, NULL,
           "{\"state\":\"in_progress\",\"version\":2,\"note\":\"\xff\xfe\"}", 400, "invalid_utf8");
    expect("POST", path, &w, NULL, NULL, "{\"state\":\"in_progress\",\"version\":2,"
           "\"note\":\"a\\u0000b\"}", 400, "invalid_utf8");
    assert_int_equal(suggestion_version(id), 2);
    /* Everything still there. */
    assert_int_equal(staffsrv_login(&srv, "li", PW, &s), 200);
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit", &a, NULL, NULL, NULL, &r),
                     200);
    assert_true(json_array_size(json_object_get(r.json, "items")) > 0);
    staffsrv_resp_free(&r);
}

static void test_audit_log(void **state)
{
    (void)state;
    int64_t id = staffsrv_suggestion(&srv, srv.cuihu, "s-1", "repairs", "三号楼电梯异响",
                                     "HJKM6789", atomic_load(&srv.now) - 60, "王先生 13800000000");
    StaffSession w = login("wang"), a = login("root");
    StaffSession x;
    assert_int_equal(staffsrv_login(&srv, "wang", "not-the-password", &x), 401);
    char path[100];
    snprintf(path, sizeof path, "/api/office/suggestions/%lld/state", (long long)id);
    expect("POST", path, &w, NULL, NULL, "{\"state\":\"done\",\"version\":1,"
           "\"reply_zh\":\"已经修好了电梯\",\"note\":\"维修班老刘\"}", 200, NULL);
    expect("POST", "/api/office/users", &a, NULL, NULL,
           "{\"name\":\"chen\",\"password\":\"long-enough-1\",\"role\":\"clerk\","
           "\"communities\":[\"cuihu\"]}", 201, NULL);
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit", &a, NULL, NULL, NULL, &r),
                     200);
    /* Newest first: user.add, suggestion.state, login_failed, session.login x2. */
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 5);
    const char *want[] = {"user.add", "suggestion.state", "session.login_failed",
                          "session.login", "session.login"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(items, i),
                                                              "action")), want[i]);
    json_t *st = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(st, "user")), "wang");
    assert_string_equal(json_string_value(json_object_get(st, "community")), "cuihu");
    assert_string_equal(json_string_value(json_object_get(st, "summary")),
                        "new -> done, reply published, note, contact deleted");
    /* No resident text, reply, note or contact in it. */
    assert_null(strstr(r.body, "电梯"));
    assert_null(strstr(r.body, "王先生"));
    assert_null(strstr(r.body, "老刘"));
    assert_null(strstr(r.body, "not-the-password"));
    staffsrv_resp_free(&r);
    /* Paging. */
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit?limit=2", &a, NULL, NULL, NULL,
                                  &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
    int64_t next = json_integer_value(json_object_get(r.json, "next"));
    staffsrv_resp_free(&r);
    char p2[80];
    snprintf(p2, sizeof p2, "/api/office/audit?limit=10&before=%lld", (long long)next);
    assert_int_equal(staffsrv_req(&srv, "GET", p2, &a, NULL, NULL, NULL, &r), 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
    assert_true(json_is_null(json_object_get(r.json, "next")));
    staffsrv_resp_free(&r);
    expect("GET", "/api/office/audit?limit=0", &a, NULL, NULL, NULL, 400, "invalid_query");
    expect("GET", "/api/office/audit?before=x", &a, NULL, NULL, NULL, 400, "invalid_query");
}

static int count_community(void *ud, const OstoreCommunity *c)
{
    (void)c;
    (*(int *)ud)++;
    return 0;
}

static int communities(void)
{
    int n = 0;
    assert_int_equal(ostore_community_list(srv.store, count_community, &n), OSTORE_OK);
    return n;
}

/* The field a 422 names. */
static void expect_field(const StaffSession *a, const char *body, const char *field)
{
    StaffResp r;
    long st = staffsrv_req(&srv, "POST", "/api/office/communities", a, NULL, NULL, body, &r);
    json_t *f = json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
                                field);
    if (st != 422 || !json_is_string(f))
        fail_msg("%s: expected 422 naming %s, got %ld %s", body, field, st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
}

/* An administrator adds a community; nobody else can, and nothing bad is stored. */
static void test_communities_by_admin(void **state)
{
    (void)state;
    StaffSession a = login("root"), w = login("wang"), l = login("li");
    const char *good = "{\"slug\":\"lakeside\",\"name_zh\":\"湖畔小区\",\"name_en\":\"Lakeside\"}";
    int before = communities();
    expect("POST", "/api/office/communities", &w, NULL, NULL, good, 403, "forbidden");
    expect("POST", "/api/office/communities", &l, NULL, NULL, good, 403, "forbidden");
    expect("POST", "/api/office/communities", &a, "", NULL, good, 403, "csrf");
    expect("POST", "/api/office/communities", NULL, "", NULL, good, 401, "unauthorized");
    expect("POST", "/api/office/communities", &a, NULL, NULL, "[1]", 400, "bad_json");
    expect_field(&a, "{\"slug\":\"Lake Side\",\"name_zh\":\"湖畔\"}", "slug");
    expect_field(&a, "{\"slug\":\"lake'; DROP TABLE community;--\",\"name_zh\":\"湖畔\"}", "slug");
    expect_field(&a, "{\"slug\":\"lakeside\"}", "name_zh");
    expect_field(&a, "{\"slug\":\"lakeside\",\"name_zh\":\"湖畔\\n小区\"}", "name_zh");
    char longname[400];
    snprintf(longname, sizeof longname, "{\"slug\":\"lakeside\",\"name_zh\":\"湖畔\","
             "\"name_en\":\"%0101d\"}", 0);
    expect_field(&a, longname, "name_en");
    expect("POST", "/api/office/communities", &a, NULL, NULL,
           "{\"slug\":\"cuihu\",\"name_zh\":\"又一个\"}", 409, "exists");
    assert_int_equal(communities(), before);
    expect("POST", "/api/office/communities", &a, NULL, NULL, good, 201, NULL);
    assert_int_equal(communities(), before + 1);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(srv.store, "lakeside", &c), OSTORE_OK);
    assert_string_equal(c.name_zh, "湖畔小区");
    assert_string_equal(c.name_en, "Lakeside");
    /* At once in the administrator's communities; in the audit log. */
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/me", &a, NULL, NULL, NULL, &r), 200);
    assert_non_null(strstr(r.body, "\"slug\":\"lakeside\""));
    staffsrv_resp_free(&r);
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit?limit=1", &a, NULL, NULL, NULL,
                                  &r), 200);
    json_t *e = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "action")), "community.add");
    assert_string_equal(json_string_value(json_object_get(e, "target")), "lakeside");
    staffsrv_resp_free(&r);
    /* Twice is a conflict, not a second one. */
    expect("POST", "/api/office/communities", &a, NULL, NULL, good, 409, "exists");
    assert_int_equal(communities(), before + 1);
}

/* ---- an administrator's changes to accounts ---- */

/* Everything about a user a change could touch, as one string: role,
 * disabled, version, password hash, communities, sessions. */
static void user_state(const char *name, char *out, size_t n)
{
    OstoreStmt *st = ostore_prep(srv.store,
        "SELECT u.role, COALESCE(u.disabled_at, 0), u.version, u.pwhash,"
        " (SELECT COUNT(*) FROM staff_community m WHERE m.user_id = u.id),"
        " (SELECT COALESCE(SUM(m.community_id), 0) FROM staff_community m WHERE m.user_id = u.id),"
        " (SELECT COUNT(*) FROM staff_session x WHERE x.user_id = u.id)"
        " FROM staff_user u WHERE u.name = ?", "t", name);
    assert_non_null(st);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    char role[16], hash[128];
    ostore_col(st, 0, role, sizeof role);
    ostore_col(st, 3, hash, sizeof hash);
    snprintf(out, n, "%s|%lld|%lld|%s|%lld:%lld|%lld", role, (long long)ostore_col_int(st, 1),
             (long long)ostore_col_int(st, 2), hash, (long long)ostore_col_int(st, 4),
             (long long)ostore_col_int(st, 5), (long long)ostore_col_int(st, 6));
    ostore_finish(st);
}

static int64_t audit_rows(void)
{
    OstoreStmt *st = ostore_prep(srv.store, "SELECT COUNT(*) FROM audit", "");
    assert_non_null(st);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    int64_t n = ostore_col_int(st, 0);
    ostore_finish(st);
    return n;
}

/* A request that must be refused with status and code, and change nothing
 * of any user, nor write an audit row. */
static void refused(const char *method, const char *path, const StaffSession *ses,
                    const char *csrf, const char *body, long status, const char *code)
{
    static const char *const users[] = {"root", "wang", "li", "zhao"};
    char before[4][400], after[400];
    for (int i = 0; i < 4; i++)
        user_state(users[i], before[i], sizeof before[i]);
    int64_t audit = audit_rows();
    expect(method, path, ses, csrf, NULL, body, status, code);
    for (int i = 0; i < 4; i++) {
        user_state(users[i], after, sizeof after);
        if (strcmp(before[i], after) != 0)
            fail_msg("%s %s %s changed %s: %s -> %s", method, path, body ? body : "", users[i],
                     before[i], after);
    }
    assert_int_equal(audit_rows(), audit);
}

/* The field a 422 names. */
static void refused_field(const char *method, const char *path, const StaffSession *a,
                          const char *body, const char *field)
{
    StaffResp r;
    long st = staffsrv_req(&srv, method, path, a, NULL, NULL, body, &r);
    json_t *f = json_object_get(json_object_get(json_object_get(r.json, "error"), "fields"),
                                field);
    if (st != 422 || !json_is_string(f))
        fail_msg("%s: expected 422 naming %s, got %ld %s", body, field, st, r.body ? r.body : "");
    staffsrv_resp_free(&r);
    refused(method, path, a, NULL, body, 422, "invalid_field");
}

static json_t *get_user(const StaffSession *a, const char *name)
{
    char path[100];
    snprintf(path, sizeof path, "/api/office/users/%s", name);
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", path, a, NULL, NULL, NULL, &r), 200);
    json_t *u = json_incref(r.json);
    staffsrv_resp_free(&r);
    return u;
}

static const char *last_audit_action(const StaffSession *a, char *target, size_t n)
{
    static char action[64];
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit?limit=1", a, NULL, NULL, NULL,
                                  &r), 200);
    json_t *e = json_array_get(json_object_get(r.json, "items"), 0);
    snprintf(action, sizeof action, "%s", json_string_value(json_object_get(e, "action")));
    snprintf(target, n, "%s", json_string_value(json_object_get(e, "target")));
    staffsrv_resp_free(&r);
    return action;
}

#define LI "/api/office/users/li"
#define TO_MANAGER(v) "{\"role\":\"manager\",\"communities\":[\"cuihu\",\"other\"],\"version\":" #v "}"

static void test_users_refusals_change_nothing(void **state)
{
    (void)state;
    StaffSession a = login("root"), w = login("wang"), l = login("li");
    json_t *u = get_user(&a, "li");
    assert_string_equal(json_string_value(json_object_get(u, "role")), "clerk");
    assert_int_equal(json_integer_value(json_object_get(u, "version")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(u, "communities"), 0)),
                        "cuihu");
    json_decref(u);
    static const char *const changes[][2] = {
        {"PUT", LI}, {"POST", LI "/disable"}, {"POST", LI "/enable"}, {"POST", LI "/password"},
    };
    const char *body = "{\"role\":\"manager\",\"communities\":[\"cuihu\"],"
                       "\"password\":\"a-new-password-1\",\"version\":1}";
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        const char *m = changes[i][0], *p = changes[i][1];
        refused(m, p, &w, NULL, body, 403, "forbidden");       /* a manager */
        refused(m, p, &l, NULL, body, 403, "forbidden");       /* a clerk, even of themself */
        refused(m, p, NULL, "", body, 401, "unauthorized");   /* no session */
        refused(m, p, &a, "", body, 403, "csrf");             /* no CSRF token */
        refused(m, p, &a, w.csrf, body, 403, "csrf");         /* another session's */
        char nobody[80];
        snprintf(nobody, sizeof nobody, "/api/office/users/nobody%s", p + strlen(LI));
        refused(m, nobody, &a, NULL, body, 404, "not_found");
        refused(m, p, &a, NULL, "[1]", 400, "bad_json");
    }
    expect("GET", LI, &w, NULL, NULL, NULL, 403, "forbidden");
    expect("GET", LI, NULL, NULL, NULL, NULL, 401, "unauthorized");
    expect("GET", "/api/office/users/nobody", &a, NULL, NULL, NULL, 404, "not_found");
    /* Bad forms: the field named. */
    refused_field("PUT", LI, &a, "{\"role\":\"boss\",\"communities\":[\"cuihu\"],\"version\":1}",
                  "role");
    refused_field("PUT", LI, &a, "{\"communities\":[\"cuihu\"],\"version\":1}", "role");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[\"nowhere\"],"
                  "\"version\":1}", "communities");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[\"cuihu\",\"x'; DROP"
                  " TABLE staff_user;--\"],\"version\":1}", "communities");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[],\"version\":1}",
                  "communities");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[7],\"version\":1}",
                  "communities");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[\"cuihu\"]}", "version");
    refused_field("PUT", LI, &a, "{\"role\":\"clerk\",\"communities\":[\"cuihu\"],"
                  "\"version\":\"1\"}", "version");
    refused_field("POST", LI "/enable", &a, "{}", "version");
    refused_field("POST", LI "/password", &a, "{\"password\":\"short\",\"version\":1}",
                  "password");
    refused_field("POST", LI "/password", &a, "{\"password\":\"长度不够九个字符\",\"version\":1}",
                  "password");
    refused_field("POST", LI "/password", &a, "{\"version\":1}", "password");
    refused_field("POST", LI "/password", &a, "{\"password\":\"a-new-password-1\"}", "version");
    /* A stale form: the version read is not the user's now. */
    refused("PUT", LI, &a, NULL, TO_MANAGER(2), 409, "stale");
    refused("POST", LI "/password", &a, NULL, "{\"password\":\"a-new-password-1\",\"version\":9}",
            409, "stale");
    refused("POST", LI "/disable", &a, NULL, "{\"version\":2}", 409, "stale");
    /* Oneself: not disabled, not demoted. */
    refused("POST", "/api/office/users/root/disable", &a, NULL, "{}", 422, "self");
    refused("PUT", "/api/office/users/root", &a, NULL,
            "{\"role\":\"manager\",\"communities\":[\"cuihu\"],\"version\":1}", 422, "self");
    /* Every session is still good. */
    expect("GET", "/api/office/me", &l, NULL, NULL, NULL, 200, NULL);
    expect("GET", "/api/office/me", &w, NULL, NULL, NULL, 200, NULL);
    expect("GET", "/api/office/me", &a, NULL, NULL, NULL, 200, NULL);
}

static void test_users_changed_by_an_admin(void **state)
{
    (void)state;
    StaffSession a = login("root"), l = login("li");
    char target[128];
    /* Role and communities: at once in li's own session. */
    StaffResp r;
    assert_int_equal(staffsrv_req(&srv, "PUT", LI, &a, NULL, NULL, TO_MANAGER(1), &r), 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(r.json, "role")), "manager");
    assert_int_equal(json_array_size(json_object_get(r.json, "communities")), 2);
    staffsrv_resp_free(&r);
    assert_string_equal(last_audit_action(&a, target, sizeof target), "user.update");
    assert_string_equal(target, "li");
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/me", &l, NULL, NULL, NULL, &r), 200);
    assert_string_equal(json_string_value(json_object_get(r.json, "role")), "manager");
    assert_int_equal(json_array_size(json_object_get(r.json, "communities")), 2);
    staffsrv_resp_free(&r);
    /* The same form again is stale now. */
    refused("PUT", LI, &a, NULL, TO_MANAGER(1), 409, "stale");
    /* Back to a clerk of other only: cuihu's items are gone for li. */
    expect("PUT", LI, &a, NULL, NULL, "{\"role\":\"clerk\",\"communities\":[\"other\"],"
           "\"version\":2}", 200, NULL);
    expect("GET", "/api/office/suggestions?community=cuihu", &l, NULL, NULL, NULL, 404,
           "not_found");
    /* Disabled: the session ends, no sign-in; enabled again: the old password works. */
    expect("POST", LI "/disable", &a, NULL, NULL, "{\"version\":3}", 200, NULL);
    assert_string_equal(last_audit_action(&a, target, sizeof target), "user.disable");
    expect("GET", "/api/office/me", &l, NULL, NULL, NULL, 401, NULL);
    StaffSession tmp;
    assert_int_equal(staffsrv_login(&srv, "li", PW, &tmp), 401);
    expect("POST", LI "/disable", &a, NULL, NULL, "{\"version\":4}", 200, NULL);   /* already */
    refused("POST", LI "/enable", &a, NULL, "{\"version\":3}", 409, "stale");
    expect("POST", LI "/enable", &a, NULL, NULL, "{\"version\":4}", 200, NULL);
    assert_string_equal(last_audit_action(&a, target, sizeof target), "user.enable");
    json_t *u = get_user(&a, "li");
    assert_false(json_is_true(json_object_get(u, "disabled")));
    assert_int_equal(json_integer_value(json_object_get(u, "version")), 5);
    json_decref(u);
    l = login("li");
    StaffSession l2 = login("li");
    /* A new password: li's sessions end, the old password no longer works. */
    expect("POST", LI "/password", &a, NULL, NULL,
           "{\"password\":\"a-new-password-1\",\"version\":5}", 200, NULL);
    assert_string_equal(last_audit_action(&a, target, sizeof target), "user.password");
    expect("GET", "/api/office/me", &l, NULL, NULL, NULL, 401, NULL);
    expect("GET", "/api/office/me", &l2, NULL, NULL, NULL, 401, NULL);
    assert_int_equal(staffsrv_login(&srv, "li", PW, &tmp), 401);
    assert_int_equal(staffsrv_login(&srv, "li", "a-new-password-1", &tmp), 200);
    OstoreUser lu;
    assert_int_equal(ostore_user_get(srv.store, "li", &lu), OSTORE_OK);
    assert_memory_equal(lu.pwhash, PW_PREFIX, strlen(PW_PREFIX));
    /* Nowhere in the audit log, nor in the database, is the password. */
    assert_int_equal(staffsrv_req(&srv, "GET", "/api/office/audit?limit=200", &a, NULL, NULL,
                                  NULL, &r), 200);
    assert_null(strstr(r.body, "a-new-password-1"));
    staffsrv_resp_free(&r);
    assert_false(tmpdir_db_holds(srv.db, "a-new-password-1", 16));
    /* An administrator's own new password keeps the session doing it and
     * ends the others. */
    StaffSession other = login("root");
    u = get_user(&a, "root");
    char body[120];
    snprintf(body, sizeof body, "{\"password\":\"root-password-2\",\"version\":%lld}",
             (long long)json_integer_value(json_object_get(u, "version")));
    json_decref(u);
    expect("POST", "/api/office/users/root/password", &a, NULL, NULL, body, 200, NULL);
    expect("GET", "/api/office/me", &a, NULL, NULL, NULL, 200, NULL);
    expect("GET", "/api/office/me", &other, NULL, NULL, NULL, 401, NULL);
}

/* Never no active administrator: refused by the store itself, whatever asks. */
static void test_never_the_last_admin(void **state)
{
    (void)state;
    OstoreUser root;
    assert_int_equal(ostore_user_get(srv.store, "root", &root), OSTORE_OK);
    char before[400], after[400];
    user_state("root", before, sizeof before);
    OstoreUserChange demote = {.role = "manager", .set_communities = true};
    OstoreUserRefusal why = 0;
    assert_int_equal(ostore_user_change(srv.store, root.id, root.version, &demote,
                                        atomic_load(&srv.now), NULL, &why), OSTORE_CONFLICT);
    assert_int_equal(why, OSTORE_USER_LAST_ADMIN);
    OstoreUserChange off = {.enable = -1};
    assert_int_equal(ostore_user_change(srv.store, root.id, 0, &off, atomic_load(&srv.now), NULL,
                                        &why), OSTORE_CONFLICT);
    assert_int_equal(why, OSTORE_USER_LAST_ADMIN);
    assert_int_equal(ostore_user_disable(srv.store, root.id, atomic_load(&srv.now)),
                     OSTORE_CONFLICT);
    user_state("root", after, sizeof after);
    assert_string_equal(after, before);
    /* With a second administrator, one may go; then the other is the last. */
    StaffSession a = login("root");
    expect("PUT", "/api/office/users/wang", &a, NULL, NULL,
           "{\"role\":\"admin\",\"version\":1}", 200, NULL);
    OstoreUser wang;
    assert_int_equal(ostore_user_get(srv.store, "wang", &wang), OSTORE_OK);
    assert_string_equal(wang.role, "admin");
    assert_int_equal(ostore_user_change(srv.store, root.id, 0, &off, atomic_load(&srv.now), NULL,
                                        &why), OSTORE_OK);
    assert_int_equal(ostore_user_change(srv.store, wang.id, 0, &off, atomic_load(&srv.now), NULL,
                                        &why), OSTORE_CONFLICT);
    assert_int_equal(why, OSTORE_USER_LAST_ADMIN);
}

typedef struct {
    StaffSession ses;
    char path[80], body[120];
    long status;
    char code[32];
} Demote;

static void *demote_run(void *ud)
{
    Demote *d = ud;
    StaffResp r;
    d->status = staffsrv_req(&srv, "PUT", d->path, &d->ses, NULL, NULL, d->body, &r);
    snprintf(d->code, sizeof d->code, "%s", staffsrv_code(&r));
    staffsrv_resp_free(&r);
    return NULL;
}

static int64_t active_admins(void)
{
    OstoreStmt *st = ostore_prep(srv.store, "SELECT COUNT(*) FROM staff_user"
                                 " WHERE role = 'admin' AND disabled_at IS NULL", "");
    assert_non_null(st);
    assert_int_equal(ostore_step(st), OSTORE_STEP_ROW);
    int64_t n = ostore_col_int(st, 0);
    ostore_finish(st);
    return n;
}

/* Two administrators demote each other at the same moment: whatever the
 * order, one stays (the other's request is refused: 409 last_admin, or
 * 403 when its session is no longer an administrator's by then). */
static void test_two_admins_demote_each_other(void **state)
{
    (void)state;
    StaffSession a = login("root");
    expect("PUT", "/api/office/users/wang", &a, NULL, NULL,
           "{\"role\":\"admin\",\"version\":1}", 200, NULL);
    for (int round = 0; round < 8; round++) {
        Demote d[2] = {{.ses = login("root")}, {.ses = login("wang")}};
        const char *who[2] = {"wang", "root"};
        for (int i = 0; i < 2; i++) {
            OstoreUser u;
            assert_int_equal(ostore_user_get(srv.store, who[i], &u), OSTORE_OK);
            snprintf(d[i].path, sizeof d[i].path, "/api/office/users/%s", who[i]);
            snprintf(d[i].body, sizeof d[i].body, "{\"role\":\"manager\",\"communities\":"
                     "[\"cuihu\"],\"version\":%lld}", (long long)u.version);
        }
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            assert_int_equal(pthread_create(&t[i], NULL, demote_run, &d[i]), 0);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        assert_int_equal(active_admins(), 1);
        int ok = (d[0].status == 200) + (d[1].status == 200);
        assert_int_equal(ok, 1);
        for (int i = 0; i < 2; i++)
            if (d[i].status != 200 && !(d[i].status == 409 && !strcmp(d[i].code, "last_admin")) &&
                !(d[i].status == 403 && !strcmp(d[i].code, "forbidden")))
                fail_msg("round %d: %ld %s", round, d[i].status, d[i].code);
        /* The one demoted is made an administrator again by the other. */
        const char *demoted = d[0].status == 200 ? "wang" : "root";
        StaffSession keeper = login(d[0].status == 200 ? "root" : "wang");
        OstoreUser u;
        assert_int_equal(ostore_user_get(srv.store, demoted, &u), OSTORE_OK);
        char path[80], body[80];
        snprintf(path, sizeof path, "/api/office/users/%s", demoted);
        snprintf(body, sizeof body, "{\"role\":\"admin\",\"version\":%lld}", (long long)u.version);
        expect("PUT", path, &keeper, NULL, NULL, body, 200, NULL);
    }
}

/* Run officectl with the password lines on its standard input (not a
 * terminal); its exit status. */
static int ctl_with_password(OfficeSrv *o, const char *args, const char *input)
{
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s >/dev/null 2>&1", proc_bin("officectl"),
             o->conf, args);
    FILE *p = popen(cmd, "w");
    assert_non_null(p);
    fputs(input, p);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_officectl_users(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    OfficeSrv o;
    assert_int_equal(officesrv_init(&o, dir, NULL), 0);
    assert_int_equal(ctl_with_password(&o, "user add wang --role manager --community cuihu",
                                       "manager-pass-1\nmanager-pass-1\n"), 0);
    assert_int_equal(ctl_with_password(&o, "user add wang --role manager --community cuihu",
                                       "manager-pass-1\nmanager-pass-1\n"), 2);   /* exists */
    assert_int_equal(ctl_with_password(&o, "user add li --role clerk --community cuihu",
                                       "clerk-pass-11\nclerk-pass-12\n"), 2);     /* differ */
    assert_int_equal(ctl_with_password(&o, "user add li --role clerk --community cuihu",
                                       "short\nshort\n"), 2);
    assert_int_equal(ctl_with_password(&o, "user add li --role clerk --community nowhere",
                                       "clerk-pass-11\nclerk-pass-11\n"), 2);
    assert_int_equal(ctl_with_password(&o, "user add li --role boss --community cuihu",
                                       "clerk-pass-11\nclerk-pass-11\n"), 2);
    assert_int_equal(ctl_with_password(&o, "user add li --role clerk",
                                       "clerk-pass-11\nclerk-pass-11\n"), 2);
    assert_int_equal(ctl_with_password(&o, "user add \"a'b\" --role admin",
                                       "clerk-pass-11\nclerk-pass-11\n"), 2);
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&o, &out, NULL, "user", "list", NULL), 0);
    assert_non_null(strstr(out, "admin"));
    assert_non_null(strstr(out, "wang"));
    assert_non_null(strstr(out, "manager"));
    assert_non_null(strstr(out, "cuihu"));
    assert_null(strstr(out, "li "));
    assert_null(strstr(out, "$argon2"));
    free(out);
    {   /* officectl hashes as the office does */
        char err[200];
        Ostore *st = ostore_open(o.db, err, sizeof err);
        assert_non_null(st);
        OstoreUser u;
        assert_int_equal(ostore_user_get(st, "wang", &u), OSTORE_OK);
        assert_memory_equal(u.pwhash, PW_PREFIX, strlen(PW_PREFIX));
        ostore_close(st);
    }
    /* The real server signs wang in with that password. */
    assert_int_equal(officesrv_start(&o), 0);
    StaffSrv remote;
    memset(&remote, 0, sizeof remote);
    snprintf(remote.url, sizeof remote.url, "%s", o.url);
    StaffSession w;
    assert_int_equal(staffsrv_login(&remote, "wang", "manager-pass-1", &w), 200);
    {
        StaffResp r;
        assert_int_equal(staffsrv_req(&remote, "GET", "/api/office/me", &w, NULL, NULL, NULL,
                                      &r), 200);
        staffsrv_resp_free(&r);
    }
    /* Disabled from the command line: the session ends at once. */
    assert_int_equal(officesrv_ctl(&o, NULL, NULL, "user", "disable", "wang", NULL), 0);
    assert_int_equal(staffsrv_req(&remote, "GET", "/api/office/me", &w, NULL, NULL, NULL, NULL),
                     401);
    assert_int_equal(staffsrv_login(&remote, "wang", "manager-pass-1", &w), 401);
    assert_int_equal(officesrv_ctl(&o, NULL, NULL, "user", "disable", "nobody", NULL), 2);
    /* The only administrator is not disabled, from here either. */
    char *err = NULL;
    assert_int_equal(officesrv_ctl(&o, NULL, &err, "user", "disable", "admin", NULL), 2);
    assert_non_null(strstr(err, "last active administrator"));
    free(err);
    assert_int_equal(officesrv_stop(&o), 0);
    tmpdir_remove(dir);
}

/* A password line longer than officectl's buffer was split, the rest
 * read as the second line: a 600-character password was refused as "the
 * two passwords differ", and 510 of one letter became 255 of them without
 * a word. Now a line is taken whole up to 1024 bytes (as the console's
 * API), or refused whole. */
static void test_officectl_long_password(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    OfficeSrv o;
    assert_int_equal(officesrv_init(&o, dir, NULL), 0);
    char varied[601], same[511], over[1026], input[2200];
    for (int i = 0; i < 600; i++)
        varied[i] = (char)('a' + (i * 7 + i / 26) % 26);
    varied[600] = '\0';
    memset(same, 'q', 510);
    same[510] = '\0';
    memset(over, 'z', 1025);
    over[1025] = '\0';
    snprintf(input, sizeof input, "%s\n%s\n", varied, varied);
    assert_int_equal(ctl_with_password(&o, "user add zhou --role admin", input), 0);
    snprintf(input, sizeof input, "%s\n%s\n", same, same);
    assert_int_equal(ctl_with_password(&o, "user add qian --role admin", input), 0);
    snprintf(input, sizeof input, "%s\n%s\n", over, over);
    assert_int_equal(ctl_with_password(&o, "user add sun --role admin", input), 2);
    /* The 1024-byte limit itself is taken. */
    over[1024] = '\0';
    snprintf(input, sizeof input, "%s\n%s\n", over, over);
    assert_int_equal(ctl_with_password(&o, "user add wu --role admin", input), 0);
    char *out = NULL;
    assert_int_equal(officesrv_ctl(&o, &out, NULL, "user", "list", NULL), 0);
    assert_null(strstr(out, "sun"));
    free(out);
    /* Each signs in with the whole password, not a part of it. */
    assert_int_equal(officesrv_start(&o), 0);
    StaffSrv remote;
    memset(&remote, 0, sizeof remote);
    snprintf(remote.url, sizeof remote.url, "%s", o.url);
    StaffSession ses;
    assert_int_equal(staffsrv_login(&remote, "zhou", varied, &ses), 200);
    assert_int_equal(staffsrv_login(&remote, "qian", same, &ses), 200);
    assert_int_equal(staffsrv_login(&remote, "wu", over, &ses), 200);
    same[255] = '\0';
    assert_int_equal(staffsrv_login(&remote, "qian", same, &ses), 401);
    assert_int_equal(officesrv_stop(&o), 0);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_sets_a_strict_cookie, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_refusals_give_one_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_per_user_and_its_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_per_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_session_cannot_act_as_another, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_and_absolute_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_idle_kept_by_activity, setup_short_idle, teardown),
        cmocka_unit_test_setup_teardown(test_costlier_hash_replaced_at_sign_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_communities_are_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_metacharacters_and_bad_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_communities_by_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users_changed_by_an_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_the_last_admin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_admins_demote_each_other, setup, teardown),
        cmocka_unit_test(test_officectl_users),
        cmocka_unit_test(test_officectl_long_password),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
