/* office_staff.c - Lobby Office's staff side: sign-in, sessions, CSRF, roles, per-community authorisation, audit, users. */
#include "office_staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    (void)rq; (void)action; (void)community_id; (void)target; (void)summary;
    return 0;   /* the audit table comes with the staff store */
}

json_t *office_staff_body(OfficeReq *rq, OfficeResp *rs)
{
    json_error_t je;
    json_t *v = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        bool utf8 = strstr(je.text, "decode byte") || strstr(je.text, "UTF-8") ||
                    strstr(je.text, "\\u0000");
        office_resp_error(rs, 400, utf8 ? "invalid_utf8" : "bad_json",
                          "line %d, column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        office_resp_error(rs, 400, "bad_json", "the body must be a JSON object");
        json_decref(v);
        return NULL;
    }
    return v;
}

/* ---- the authorisers ---- */

bool office_auth_staff(OfficeReq *rq, OfficeResp *rs)
{
    rq->auth = NULL;
    office_resp_error(rs, 401, "unauthorized", "sign in first");
    return false;
}

bool office_auth_admin(OfficeReq *rq, OfficeResp *rs)
{
    return office_auth_staff(rq, rs);
}
