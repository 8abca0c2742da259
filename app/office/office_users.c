/* office_users.c - an administrator's changes to staff accounts: role and communities, disable, enable, a new password; version-checked, never the last administrator. */
#include "office_users.h"
#include "office_publish.h"
#include "office_secret.h"
#include "office_staff.h"
#include "utf8.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The user the URL names into *u; false with 404 (or 503) written. */
static bool users_target(OfficeReq *rq, OfficeResp *rs, OstoreUser *u)
{
    const char *name = office_req_param(rq, "name");
    OstoreResult r = name ? ostore_user_get(rq->store, name, u) : OSTORE_NOTFOUND;
    if (r == OSTORE_ERROR)
        office_resp_store_error(rq, rs);
    else if (r != OSTORE_OK)
        office_resp_error(rs, 404, "not_found", "no such user");
    return r == OSTORE_OK;
}

/* {"name","role","communities":[slug...],"created_at","disabled","version"} */
static json_t *users_view(OfficeReq *rq, const OstoreUser *u, OstoreResult *r)
{
    int64_t ids[OFFICE_STAFF_MAX_COMMUNITIES];
    int n = 0;
    json_t *slugs = json_array();
    *r = ostore_user_communities(rq->store, u->id, ids, OFFICE_STAFF_MAX_COMMUNITIES, &n);
    for (int k = 0; *r == OSTORE_OK && k < n; k++) {
        OstoreCommunity c;
        if (ostore_community_by_id(rq->store, ids[k], &c) == OSTORE_OK)
            json_array_append_new(slugs, json_string(c.slug));
    }
    return json_pack("{s:s,s:s,s:o,s:I,s:b,s:I,s:b}", "name", u->name, "role", u->role,
                     "communities", slugs, "created_at", (json_int_t)u->created_at, "disabled",
                     u->disabled_at != 0, "version", (json_int_t)u->version, "self",
                     u->id == office_staff_of(rq)->user_id);
}

/* Answer the user as stored now. */
static void users_answer(OfficeReq *rq, OfficeResp *rs, const char *name)
{
    OstoreUser u;
    OstoreResult r = ostore_user_get(rq->store, name, &u);
    json_t *v = r == OSTORE_OK ? users_view(rq, &u, &r) : NULL;
    if (r != OSTORE_OK) {
        json_decref(v);
        office_resp_store_error(rq, rs);
        return;
    }
    office_resp_json(rs, 200, v);
}

/* The form's "version": a whole number from 1, required unless optional
 * (0 then: unchecked); its message into fields otherwise. */
static int64_t users_version(json_t *body, bool optional, json_t *fields)
{
    json_t *v = json_object_get(body, "version");
    if (!v && optional)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        json_object_set_new(fields, "version",
                            json_string("expected the version the form read (1 or more)"));
        return -1;
    }
    return json_integer_value(v);
}

/* A refused change: 404, 409 stale or last_admin, or the store's error. */
static void users_refused(OfficeReq *rq, OfficeResp *rs, OstoreResult r, OstoreUserRefusal why)
{
    if (r == OSTORE_NOTFOUND)
        office_resp_error(rs, 404, "not_found", "no such user");
    else if (r == OSTORE_CONFLICT && why == OSTORE_USER_STALE)
        office_resp_error(rs, 409, "stale", "the user was changed by someone else meanwhile;"
                          " reload and try again");
    else if (r == OSTORE_CONFLICT && why == OSTORE_USER_LAST_ADMIN)
        office_resp_error(rs, 409, "last_admin", "this is the last active administrator: make"
                          " or enable another administrator first");
    else
        office_resp_store_error(rq, rs);
}

void office_users_get(OfficeReq *rq, OfficeResp *rs)
{
    OstoreUser u;
    if (users_target(rq, rs, &u))
        users_answer(rq, rs, u.name);
}

void office_users_update(OfficeReq *rq, OfficeResp *rs)
{
    OstoreUser u;
    json_t *body = users_target(rq, rs, &u) ? office_req_object(rq, rs) : NULL;
    if (!body)
        return;
    json_t *fields = json_object();
    int64_t version = users_version(body, false, fields);
    const char *role_s = json_string_value(json_object_get(body, "role"));
    OfficeStaffRole role = office_staff_role_parse(role_s);
    if (!role)
        json_object_set_new(fields, "role", json_string("expected admin, manager or clerk"));
    /* The communities a manager or clerk serves: 1 to the most, known ones. */
    int64_t ids[OFFICE_STAFF_MAX_COMMUNITIES];
    int n = 0;
    json_t *comms = json_object_get(body, "communities");
    if (role && role != OFFICE_STAFF_ADMIN) {
        if (!json_is_array(comms) || json_array_size(comms) == 0 ||
            json_array_size(comms) > OFFICE_STAFF_MAX_COMMUNITIES) {
            json_object_set_new(fields, "communities",
                                json_sprintf("choose 1 to %d communities",
                                             OFFICE_STAFF_MAX_COMMUNITIES));
        } else {
            size_t i;
            json_t *v;
            json_array_foreach(comms, i, v) {
                OstoreCommunity c;
                const char *slug = json_string_value(v);
                OstoreResult r = slug ? ostore_community_get(rq->store, slug, &c)
                                      : OSTORE_NOTFOUND;
                if (r == OSTORE_ERROR) {
                    json_decref(fields);
                    json_decref(body);
                    office_resp_store_error(rq, rs);
                    return;
                }
                if (r != OSTORE_OK) {
                    json_object_set_new(fields, "communities",
                                        json_sprintf("no such community: %s",
                                                     slug ? slug : "(not a name)"));
                    break;
                }
                ids[n++] = c.id;
            }
        }
    }
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);   /* takes fields */
        json_decref(body);
        return;
    }
    json_decref(fields);
    if (u.id == office_staff_of(rq)->user_id && role != OFFICE_STAFF_ADMIN) {
        office_resp_error(rs, 422, "self", "you cannot take away your own administrator role");
        json_decref(body);
        return;
    }
    json_decref(body);
    OstoreUserChange c = {.role = office_staff_role_name(role), .communities = ids,
                          .n_communities = n, .set_communities = true};
    OstoreUserRefusal why = 0;
    OstoreResult r = ostore_user_change(rq->store, u.id, version, &c, rq->now, NULL, &why);
    if (r != OSTORE_OK) {
        users_refused(rq, rs, r, why);
        return;
    }
    char summary[80];
    snprintf(summary, sizeof summary, "role %s, %d communities", c.role, n);
    office_staff_audit(rq, "user.update", 0, u.name, summary);
    users_answer(rq, rs, u.name);
}

/* Disable (enable < 0) or enable again (enable > 0); the version is
 * optional when disabling (the console's first form sent none). */
static void users_set_enabled(OfficeReq *rq, OfficeResp *rs, int enable)
{
    OstoreUser u;
    json_t *body = users_target(rq, rs, &u) ? office_req_object(rq, rs) : NULL;
    if (!body)
        return;
    json_t *fields = json_object();
    int64_t version = users_version(body, enable < 0, fields);
    json_decref(body);
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);
        return;
    }
    json_decref(fields);
    if (enable < 0 && u.id == office_staff_of(rq)->user_id) {
        office_resp_error(rs, 422, "self", "you cannot disable yourself");
        return;
    }
    if ((enable < 0) == (u.disabled_at != 0) && (!version || version == u.version)) {
        users_answer(rq, rs, u.name);   /* already so: nothing to do, nothing written */
        return;
    }
    OstoreUserChange c = {.enable = enable};
    OstoreUserRefusal why = 0;
    OstoreResult r = ostore_user_change(rq->store, u.id, version, &c, rq->now, NULL, &why);
    if (r != OSTORE_OK) {
        users_refused(rq, rs, r, why);
        return;
    }
    office_staff_audit(rq, enable < 0 ? "user.disable" : "user.enable", 0, u.name,
                       enable < 0 ? "sessions ended" : NULL);
    users_answer(rq, rs, u.name);
}

void office_users_disable(OfficeReq *rq, OfficeResp *rs)
{
    users_set_enabled(rq, rs, -1);
}

void office_users_enable(OfficeReq *rq, OfficeResp *rs)
{
    users_set_enabled(rq, rs, 1);
}

void office_users_password(OfficeReq *rq, OfficeResp *rs)
{
    OstoreUser u;
    json_t *body = users_target(rq, rs, &u) ? office_req_object(rq, rs) : NULL;
    if (!body)
        return;
    json_t *fields = json_object();
    int64_t version = users_version(body, false, fields);
    json_t *pv = json_object_get(body, "password");
    const char *pw = json_string_value(pv);
    size_t len = pw ? json_string_length(pv) : 0;
    if (!pw || len > 1024 || strlen(pw) != len || utf8_count(pw, len) < 10)
        json_object_set_new(fields, "password", json_string("at least 10 characters"));
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);
        json_decref(body);
        return;
    }
    json_decref(fields);
    char hash[OFFICE_PW_HASH_SIZE];
    int hashed = office_password_hash(hash, pw);
    json_decref(body);   /* the password goes with it */
    if (hashed != 0) {
        office_resp_error(rs, 503, "unavailable", "out of memory hashing the password");
        return;
    }
    /* Their sessions end: whoever had the old password is signed out. An
     * administrator setting their own keeps the session doing it. */
    const OfficeStaff *me = office_staff_of(rq);
    OstoreUserChange c = {.pwhash = hash, .keep_session = u.id == me->user_id ? me->session_id : 0};
    OstoreUserRefusal why = 0;
    OstoreResult r = ostore_user_change(rq->store, u.id, version, &c, rq->now, NULL, &why);
    sodium_memzero(hash, sizeof hash);
    if (r != OSTORE_OK) {
        users_refused(rq, rs, r, why);
        return;
    }
    office_staff_audit(rq, "user.password", 0, u.name, "sessions ended");
    users_answer(rq, rs, u.name);
}
