/* staffsrv.h - test support for the staff API: a Lobby Office started in
 * the test process (office_start on 127.0.0.1, a free port) with a clock
 * the test sets (requests and background jobs alike), a database on the
 * tests' engine (testdb.h: SQLite, or PostgreSQL under scripts/pg-test.sh,
 * unless conf_extra names one) prepared through the store (organisation,
 * communities "cuihu" and "other", a kiosk in each, users made with a
 * cheap Argon2id cost so tests stay fast), and a small HTTP client that
 * sends the session cookie, the CSRF header and any Content-Type. */
#ifndef STAFFSRV_H
#define STAFFSRV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "office.h"
#include "ostore.h"

typedef struct {
    char *dir;
    char db[600];
    Office *office;
    Ostore *store;              /* the test's own connection */
    _Atomic int64_t now;        /* what rq->now reads */
    int64_t cuihu, other;       /* community ids */
    int64_t kiosk_cuihu, kiosk_other;
    char url[128];
} StaffSrv;

/* Start with `conf_extra` applied to the defaults by fn (may be NULL). 0 or -1. */
int staffsrv_start(StaffSrv *s, void (*conf_extra)(OfficeConf *c));
void staffsrv_stop(StaffSrv *s);

/* A user (cheap hash) holding the NULL-terminated community slugs. Returns its id. */
int64_t staffsrv_user(StaffSrv *s, const char *name, const char *password, const char *role,
                      ...);

/* Start with the usual team, all with `password`: root (admin), wang
 * (manager of cuihu), li (clerk of cuihu), zhao (manager of other). 0 or -1. */
int staffsrv_start_team(StaffSrv *s, const char *password);

/* A plain suggestion received at `at` in community `cid` (its kiosk);
 * `contact` may be NULL. Returns its id. */
int64_t staffsrv_suggestion(StaffSrv *s, int64_t cid, const char *key, const char *topic,
                            const char *text, const char *receipt, int64_t at,
                            const char *contact);

typedef struct {
    char cookie[80];            /* "lk_session=..." or "" */
    char csrf[80];
} StaffSession;

typedef struct {
    long status;
    char *body;
    json_t *json;               /* the parsed body or NULL */
    char set_cookie[256];
    char retry_after[32];
    char content_type[128];
    size_t len;                 /* bytes of body (a picture may hold NULs) */
    char etag[128];
    char cache_control[128];
    char nosniff[32];           /* X-Content-Type-Options */
} StaffResp;

/* One request. `ses` may be NULL (no cookie); `csrf` NULL sends the
 * session's token, "" sends none; `type` NULL sends application/json
 * with a body. The status, or -1 when no answer came. */
long staffsrv_req(StaffSrv *s, const char *method, const char *path, const StaffSession *ses,
                  const char *csrf, const char *type, const char *body, StaffResp *out);
/* staffsrv_req with a body of `len` bytes (a file; may hold NULs) sent
 * as `type`; extra_header (may be NULL) is one more "Name: value". */
long staffsrv_req_bin(StaffSrv *s, const char *method, const char *path, const StaffSession *ses,
                      const char *csrf, const char *type, const void *body, size_t len,
                      const char *extra_header, StaffResp *out);
void staffsrv_resp_free(StaffResp *r);
/* POST /api/office/login; on 200 fills *ses. The status. */
long staffsrv_login(StaffSrv *s, const char *user, const char *password, StaffSession *ses);
/* staffsrv_login that must succeed: the session, or the test fails with
 * the status. */
StaffSession staffsrv_login_ok(StaffSrv *s, const char *user, const char *password);
/* The error code of a response, or "". */
const char *staffsrv_code(const StaffResp *r);

#endif
