/* office_routes.c - Lobby Office's route table and the authoriser of each role. */
#include "office.h"
#include "content.h"
#include "office_image.h"
#include "office_kiosk.h"
#include "office_posting.h"
#include "office_preview.h"
#include "office_publish.h"
#include "office_inbox.h"
#include "office_staff.h"
#include "office_static.h"
#include "office_stats.h"
#include "office_users.h"
#include "office_fleet_api.h"
#include "office_reply.h"

static bool office_auth_public(OfficeReq *rq, OfficeResp *rs)
{
    (void)rq; (void)rs;
    return true;
}

const OfficeAuthFn office_authorisers[OFFICE_N_ROLES] = {
    [OFFICE_PUBLIC] = office_auth_public,
    [OFFICE_KIOSK] = office_auth_kiosk,
    [OFFICE_STAFF] = office_auth_staff,
    [OFFICE_ADMIN] = office_auth_admin,
};

/* { method, path pattern, role, max body (0: max_body_kb), handler }.
 * docs/OFFICE-API.md describes each. */
const OfficeRoute office_routes[] = {
    {"GET",  "/api/health",              OFFICE_PUBLIC, 1,    office_kiosk_health},
    {"POST", "/api/enrol",               OFFICE_PUBLIC, OFFICE_ENROL_MAX_BODY, office_kiosk_enrol},
    {"POST", "/api/submissions",         OFFICE_KIOSK,  0,    office_kiosk_submission},
    {"POST", "/api/submissions/contact", OFFICE_KIOSK,  0,    office_kiosk_contact},
    {"POST", "/api/heartbeat",           OFFICE_KIOSK,  OFFICE_HEARTBEAT_MAX_BODY,
     office_kiosk_heartbeat},
    {"GET",  "/api/content",             OFFICE_KIOSK,  1,    office_kiosk_content},
    /* Publishing (office_publish.c, office_posting.c, office_stats.c) */
#define PUB_ROUTES(list) \
    {"GET",    "/api/office/communities/{slug}/" list, OFFICE_STAFF, 1, office_publish_list}, \
    {"POST",   "/api/office/communities/{slug}/" list, OFFICE_STAFF, 0, office_publish_create}, \
    {"GET",    "/api/office/communities/{slug}/" list "/{id}", OFFICE_STAFF, 1, office_publish_get}, \
    {"PUT",    "/api/office/communities/{slug}/" list "/{id}", OFFICE_STAFF, 0, \
     office_publish_update}, \
    {"DELETE", "/api/office/communities/{slug}/" list "/{id}", OFFICE_STAFF, 4096, \
     office_publish_delete}, \
    {"POST",   "/api/office/communities/{slug}/" list "/{id}/{action}", OFFICE_STAFF, 4096, \
     office_publish_action}
    PUB_ROUTES("notices"),
    PUB_ROUTES("events"),
    PUB_ROUTES("channels"),
    PUB_ROUTES("board"),
#undef PUB_ROUTES
    /* pictures (office_image.c): the body is the file itself */
    {"POST", "/api/office/communities/{slug}/images", OFFICE_STAFF, IMAGE_MAX_BYTES,
     office_image_upload},
    {"GET",  "/media/{file}",            OFFICE_PUBLIC, 1,    office_image_get},
    {"GET",  "/api/office/communities/{slug}/posting-templates", OFFICE_STAFF, 1,
     office_posting_templates},
    {"GET",  "/api/office/communities/{slug}/posting-rules", OFFICE_STAFF, 1, office_posting_rules},
    {"PUT",  "/api/office/communities/{slug}/posting-rules", OFFICE_STAFF, 4096,
     office_posting_set_rules},
    {"GET",  "/api/office/communities/{slug}/postings-due", OFFICE_STAFF, 1, office_posting_due},
    {"GET",  "/api/office/communities/{slug}/preview", OFFICE_STAFF, 1, office_preview},
    {"POST", "/api/office/communities/{slug}/preview", OFFICE_STAFF, 0, office_preview_form},
    {"GET",  "/api/office/communities/{slug}/stats", OFFICE_STAFF, 1, office_stats_json},
    {"GET",  "/api/office/communities/{slug}/stats.csv", OFFICE_STAFF, 1, office_stats_csv},
    /* the staff console's static files (office_static.h) */
    {"GET",  "/",                        OFFICE_PUBLIC, 1,    office_static_redirect},
    {"GET",  "/console",                 OFFICE_PUBLIC, 1,    office_static_redirect},
    {"GET",  "/console/",                OFFICE_PUBLIC, 1,    office_static_get},
    {"GET",  "/console/{file}",          OFFICE_PUBLIC, 1,    office_static_get},
    {"GET",  "/console/{dir}/{file}",    OFFICE_PUBLIC, 1,    office_static_get},
    /* staff: sessions, users, audit (office_staff.c) */
    {"POST", "/api/office/login",        OFFICE_PUBLIC, 4096, office_staff_login},
    {"POST", "/api/office/logout",       OFFICE_STAFF,  4096, office_staff_logout},
    {"POST", "/api/office/logout-all",   OFFICE_STAFF,  4096, office_staff_logout_all},
    {"GET",  "/api/office/me",           OFFICE_STAFF,  1,    office_staff_me},
    {"GET",  "/api/office/users",        OFFICE_ADMIN,  1,    office_staff_users},
    {"POST", "/api/office/users",        OFFICE_ADMIN,  16384, office_staff_user_add},
    {"GET",  "/api/office/users/{name}", OFFICE_ADMIN, 1,    office_users_get},
    {"PUT",  "/api/office/users/{name}", OFFICE_ADMIN, 16384, office_users_update},
    {"POST", "/api/office/users/{name}/disable", OFFICE_ADMIN, 4096, office_users_disable},
    {"POST", "/api/office/users/{name}/enable", OFFICE_ADMIN, 4096, office_users_enable},
    {"POST", "/api/office/users/{name}/password", OFFICE_ADMIN, 4096, office_users_password},
    {"GET",  "/api/office/audit",        OFFICE_ADMIN,  1,    office_staff_audit_list},
    {"POST", "/api/office/communities",  OFFICE_ADMIN,  4096, office_staff_community_add},
    /* staff: the suggestion inbox (office_inbox.c) */
    {"GET",  "/api/office/suggestions",  OFFICE_STAFF,  1,    office_inbox_list},
    {"GET",  "/api/office/suggestions/{id}", OFFICE_STAFF, 1, office_inbox_get},
    {"POST", "/api/office/suggestions/{id}/state", OFFICE_STAFF, 16384, office_inbox_state},
    {"POST", "/api/office/suggestions/{id}/approve-reply", OFFICE_STAFF, 4096,
     office_inbox_approve},
    {"POST", "/api/office/suggestions/{id}/assign", OFFICE_STAFF, 4096, office_inbox_assign},
    {"GET",  "/api/office/kiosks",       OFFICE_STAFF,  1,    office_fleet_api_kiosks},
    {"POST", "/api/office/communities/{slug}/kiosks", OFFICE_STAFF, 4096, office_fleet_api_enrol},
    {"POST", "/api/office/kiosks/{id}/revoke", OFFICE_STAFF, 1024, office_fleet_api_revoke},
    {"GET",  "/api/office/alerts",       OFFICE_STAFF,  1,    office_fleet_api_alerts},
    {"POST", "/api/office/alerts/{id}/ack", OFFICE_STAFF, 1024, office_fleet_api_ack},
    {"GET",  "/api/office/communities/{slug}/postings/{notice_id}", OFFICE_STAFF, 1,
     office_fleet_api_posting},
    {"GET",  "/r/{code}",                OFFICE_PUBLIC, 1,    office_reply_page},
    {"GET",  "/api/reply/{code}",        OFFICE_PUBLIC, 1,    office_reply_api},
};
const size_t office_n_routes = sizeof office_routes / sizeof office_routes[0];
