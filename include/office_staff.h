/* office_staff.h - Lobby Office's staff side (docs/OFFICE-API.md, "Staff
 * API"): sign-in with Argon2id passwords, sessions kept in the database
 * (only the SHA-256 of the cookie value), CSRF tokens, lockout after
 * repeated failures, roles and per-community authorisation, the audit log,
 * staff users; and the authorisers of the OFFICE_STAFF and OFFICE_ADMIN
 * route roles.
 *
 * For handlers of other areas (publishing, fleet): a route with role
 * OFFICE_STAFF or OFFICE_ADMIN runs only for a live session whose CSRF
 * token matched (on POST/PUT/PATCH/DELETE); rq->auth then points at the
 * signed-in OfficeStaff (office_staff_of). The handler checks the
 * community and the role it needs:
 *
 *     OstoreCommunity c;
 *     if (!office_staff_community(rq, rs, office_req_param(rq, "slug"),
 *                                 OFFICE_STAFF_MANAGER, &c))
 *         return;                    (404 not_found or 403 forbidden written)
 *     ... change things ...
 *     office_staff_audit(rq, "notice.publish", c.id, notice_id, "published");
 *
 * A community the user does not hold is 404 (its existence is not
 * revealed); a role too low is 403. Every state change a staff member
 * makes writes one audit row (no resident text in it). */
#ifndef OFFICE_STAFF_H
#define OFFICE_STAFF_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "office.h"

/* Staff roles, lowest first: a role may do what every lower one may. */
typedef enum {
    OFFICE_STAFF_CLERK = 1,    /* their communities: read, draft (waits for a manager) */
    OFFICE_STAFF_MANAGER = 2,  /* their communities: publish, reply, approve */
    OFFICE_STAFF_ADMIN = 3,    /* every community, users, audit */
} OfficeStaffRole;

/* "clerk", "manager", "admin". */
const char *office_staff_role_name(OfficeStaffRole r);
/* 0 for an unknown name. */
OfficeStaffRole office_staff_role_parse(const char *name);

/* A manager or clerk holds at most this many communities. */
#define OFFICE_STAFF_MAX_COMMUNITIES 256

/* The signed-in staff member of a request (rq->auth). */
typedef struct OfficeStaff {
    int64_t user_id;
    char name[64];
    OfficeStaffRole role;
    bool all_communities;          /* admin: every community */
    int n_communities;
    int64_t communities[OFFICE_STAFF_MAX_COMMUNITIES];
    int64_t session_id;
    char csrf[48];                 /* the session's CSRF token */
} OfficeStaff;

/* The staff member of a request that passed OFFICE_STAFF/OFFICE_ADMIN,
 * else NULL. */
const OfficeStaff *office_staff_of(const OfficeReq *rq);

/* Whether the request's staff member may act at `need_role` in community
 * `community_id`: 0 yes; 404 when they do not hold the community (or
 * there is no staff member); 403 when they hold it with a lower role. */
int office_staff_can(const OfficeReq *rq, int64_t community_id, OfficeStaffRole need_role);

/* office_staff_can, writing the refusal (404 not_found, 403 forbidden)
 * into rs when it is not 0. Returns true when allowed. */
bool office_staff_check(const OfficeReq *rq, OfficeResp *rs, int64_t community_id,
                        OfficeStaffRole need_role);

/* Look up the community `slug` and check it as office_staff_check does;
 * an unknown slug is the same 404 as one the user does not hold; a
 * database failure is 503. Fills *out when allowed. */
bool office_staff_community(OfficeReq *rq, OfficeResp *rs, const char *slug,
                            OfficeStaffRole need_role, OstoreCommunity *out);

/* Write one audit row for the request's staff member: `action` a stable
 * dotted name ("suggestion.state", "notice.publish"), `community_id` 0
 * for none, `target` the item's id or name (may be NULL), `summary` a
 * short text of the office's own words (never resident text; may be
 * NULL). Returns 0, or -1 when the database refused (logged). */
int office_staff_audit(OfficeReq *rq, const char *action, int64_t community_id,
                       const char *target, const char *summary);


/* A whole-number query argument in [lo, hi], or `def` when absent.
 * false when present and not such a number. */
bool office_staff_query_int(const OfficeReq *rq, const char *name, int64_t lo, int64_t hi,
                            int64_t def, int64_t *out);

/* ---- the parsers of staff requests (pure: no store; the handlers call
 * them, tests/fuzz/fuzz_office.c fuzzes them) ---- */

#define OFFICE_STAFF_COOKIE "lk_session"
#define OFFICE_STAFF_TOKEN_LEN 43            /* 32 bytes in base64url without padding */

/* The lk_session cookie's value from a Cookie header (NULL accepted): false
 * when there is none of the right form (43 base64url characters). */
bool office_staff_cookie_token(const char *header, char out[OFFICE_STAFF_TOKEN_LEN + 1]);
/* Whether an X-CSRF-Token header (NULL accepted) is the session's token
 * (compared in constant time; an empty expected token matches nothing). */
bool office_staff_csrf_ok(const char *header, const char *expected);
/* A sign-in: Content-Type application/json (else 415) and a body with
 * user (1..64 bytes) and password (1..1024): the body, which *user and *pw
 * point into (the caller json_decref's it), or NULL with rs written. */
json_t *office_staff_parse_login(OfficeReq *rq, const char **user, const char **pw,
                                 OfficeResp *rs);
/* A new user's body: name (1..32 of letters, digits . _ -), password (at
 * least 10 characters), role, and for a manager or clerk 1 to
 * OFFICE_STAFF_MAX_COMMUNITIES community slugs (checked by the handler).
 * false with a 422 in rs. */
typedef struct {
    const char *name, *password;
    OfficeStaffRole role;
    json_t *communities;           /* NULL for an administrator */
} OfficeStaffUserForm;
bool office_staff_parse_user(json_t *body, OfficeStaffUserForm *f, OfficeResp *rs);

/* ---- the authorisers (office_routes.c) ---- */

/* A live session (cookie lk_session), CSRF token on state changes. */
bool office_auth_staff(OfficeReq *rq, OfficeResp *rs);
/* As office_auth_staff, and the user is an administrator (else 403). */
bool office_auth_admin(OfficeReq *rq, OfficeResp *rs);

/* ---- handlers (docs/OFFICE-API.md) ---- */

void office_staff_login(OfficeReq *rq, OfficeResp *rs);       /* POST /api/office/login */
void office_staff_logout(OfficeReq *rq, OfficeResp *rs);      /* POST /api/office/logout */
void office_staff_logout_all(OfficeReq *rq, OfficeResp *rs);  /* POST /api/office/logout-all */
void office_staff_me(OfficeReq *rq, OfficeResp *rs);          /* GET /api/office/me */
void office_staff_users(OfficeReq *rq, OfficeResp *rs);       /* GET /api/office/users */
void office_staff_user_add(OfficeReq *rq, OfficeResp *rs);    /* POST /api/office/users */
/* POST /api/office/communities {"slug","name_zh","name_en"?}: 201, 409 when
 * the slug is taken, 422 with the fields at fault. */
void office_staff_community_add(OfficeReq *rq, OfficeResp *rs);
void office_staff_audit_list(OfficeReq *rq, OfficeResp *rs);  /* GET /api/office/audit */

#endif
