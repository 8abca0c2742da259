/* office_users.h - an administrator's changes to staff accounts
 * (docs/OFFICE-API.md, "Staff accounts"): one user with its version, a
 * new role and communities, disable and enable again, a new password for
 * one who forgot theirs (their sessions end). Every change is checked
 * against the version the form read (409 stale), never leaves the office
 * without an active administrator (409 last_admin), is refused for
 * oneself where it would lock oneself out (422 self), and writes an audit
 * row. The routes are OFFICE_ADMIN: a session, its CSRF token and the
 * administrator role are checked before these run. */
#ifndef OFFICE_USERS_H
#define OFFICE_USERS_H

#include "office.h"

void office_users_get(OfficeReq *rq, OfficeResp *rs);       /* GET .../users/{name} */
void office_users_update(OfficeReq *rq, OfficeResp *rs);    /* PUT .../users/{name} */
void office_users_disable(OfficeReq *rq, OfficeResp *rs);   /* POST .../users/{name}/disable */
void office_users_enable(OfficeReq *rq, OfficeResp *rs);    /* POST .../users/{name}/enable */
void office_users_password(OfficeReq *rq, OfficeResp *rs);  /* POST .../users/{name}/password */

#endif
