/* office.h - Lobby Office's HTTP server: libmicrohttpd with an internal
 * thread pool, HTTPS from certificate files (plain http only on loopback),
 * and one route table.
 *
 * Request handling reads like a table (office_routes.c):
 *     { method, path pattern, role, max body, handler }
 * For each request the server, in this order: finds the route (404, 405),
 * checks the body's size against the route's limit before reading it (413,
 * from Content-Length and again while reading; a route taking over 1 MiB
 * is authorised before its body is read), checks the time taken
 * (408), authorises the role (401/403, office_auth_*), lends the handler a
 * store connection, and sends what the handler wrote. A handler parses,
 * calls the store, writes JSON; it never sees a body over its limit.
 * Errors have one JSON shape:
 *     {"error": {"status": 422, "code": "idempotency_conflict", "message": "..."}}
 * No state lives in the process beyond the configuration, the office key
 * and idle database connections: any process can answer any request. */
#ifndef OFFICE_H
#define OFFICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "office_conf.h"
#include "ostore.h"
#include "seal.h"

typedef struct Office Office;

typedef enum {
    OFFICE_PUBLIC,     /* anyone (enrolment, the public reply page) */
    OFFICE_KIOSK,      /* Authorization: Bearer <device token> of a live kiosk */
    OFFICE_STAFF,      /* a signed-in staff session (to come: staff sessions) */
    OFFICE_ADMIN,      /* a signed-in administrator (to come) */
    OFFICE_N_ROLES
} OfficeRole;

#define OFFICE_MAX_PARAMS 4

/* A header or query argument of a request made without a server. */
typedef struct {
    const char *name, *value;
} OfficeReqPair;

typedef struct OfficeReq {
    Office *office;
    Ostore *store;                 /* lent for this request */
    const char *method, *path;
    const char *param_name[OFFICE_MAX_PARAMS];   /* from {name} in the pattern */
    char param[OFFICE_MAX_PARAMS][128];
    int n_params;
    const char *body;              /* NUL-terminated; len excludes the NUL */
    size_t body_len;
    OstoreKiosk kiosk;             /* OFFICE_KIOSK: the kiosk that asked */
    char kiosk_etag[OSTORE_ETAG_SIZE];  /* OFFICE_KIOSK: its feed's current ETag, or "" */
    void *auth;                    /* other roles: what their authoriser found */
    int64_t now;                   /* Unix seconds at the request's start */
    void *conn;                    /* the server's connection (office_req_header) */
    void *call;                    /* the server's state of this request, or NULL */
    const char *commit_err;        /* office_req_commit's answer: why the commit failed */
    /* Without a connection (conn NULL: tests, the fuzz harness), headers
     * (names case-insensitive) and query arguments come from these. */
    const OfficeReqPair *headers, *args;
    size_t n_headers, n_args;
} OfficeReq;

#define OFFICE_MAX_HEADERS 10

typedef struct OfficeResp {
    int status;
    char *body;                    /* malloc'd; freed by the server */
    size_t len;
    const char *content_type;      /* NULL: application/json */
    const char *hname[OFFICE_MAX_HEADERS];
    char hvalue[OFFICE_MAX_HEADERS][256];
    int n_headers;
} OfficeResp;

/* A handler fills *rs (status and body); its return value is ignored. */
typedef void (*OfficeHandler)(OfficeReq *rq, OfficeResp *rs);

typedef struct {
    const char *method;            /* "GET", "POST", ... */
    const char *pattern;           /* "/api/submissions", "/r/{code}": {x} is one segment */
    OfficeRole role;
    size_t max_body;               /* bytes; 0: the configured max_body_kb */
    OfficeHandler fn;
} OfficeRoute;

/* The route table (office_routes.c) and its length. */
extern const OfficeRoute office_routes[];
extern const size_t office_n_routes;

/* An authoriser decides whether the request may go on for its role: it
 * returns true, or false having written the refusal into *rs. */
typedef bool (*OfficeAuthFn)(OfficeReq *rq, OfficeResp *rs);
extern const OfficeAuthFn office_authorisers[OFFICE_N_ROLES];

/* ---- the server ---- */

/* Load the key, open the database (migrating it) and start listening.
 * Refuses plain http on an address that is not loopback, and TLS files
 * that cannot be read, with a message in err. NULL on failure. */
Office *office_start(const OfficeConf *conf, char *err, size_t errlen);
/* office_start with a clock (tests): `now` gives rq->now and the
 * background jobs' time (Unix seconds); NULL: the system's. Given at the
 * start, so that no request and no job ever reads another time. */
Office *office_start_clock(const OfficeConf *conf, int64_t (*now)(void *ud), void *ud,
                           char *err, size_t errlen);
/* Stop accepting, finish the requests in progress, free everything. NULL accepted. */
void office_stop(Office *o);
/* The port it listens on (the chosen one when listen_port is 0). */
int office_port(const Office *o);
/* "http://127.0.0.1:PORT" or "https://HOST:PORT": where it listens. */
const char *office_url(const Office *o);
const OfficeConf *office_conf(const Office *o);
/* The office's sealed-mode key, or NULL when sealing is off. */
const SealSecret *office_seal(const Office *o);
/* Base64 of the public key, or "" when sealing is off. */
const char *office_seal_public(const Office *o);
/* The group commit the kiosks' submissions, ratings and contacts share
 * (ostore.h, "group commit"). */
OstoreGroup *office_group(const Office *o);

/* A handler's write that answers only once it is durable, committed with
 * the others waiting (ostore.h, "group commit"): fn(store, arg) runs in
 * the group's shared transaction, then answer(rq, rs, result, arg) writes
 * the answer from its final result (OSTORE_ERROR when the batch's commit
 * failed, rq->commit_err saying why), then free_arg(arg). Over a server
 * connection the request is suspended meanwhile, so its thread serves other
 * connections and one commit carries every write that arrived during the
 * one before; the handler returns at once and writes nothing more into rs.
 * Without a server (conn NULL: tests, the fuzz harness) it waits. arg
 * outlives the handler: nothing in it may point into the handler's stack
 * (the body, the headers and rq itself last until the answer). */
typedef void (*OfficeCommitAnswer)(OfficeReq *rq, OfficeResp *rs, OstoreResult r, void *arg);
void office_req_commit(OfficeReq *rq, OfficeResp *rs, OstoreGroupFn fn,
                       OfficeCommitAnswer answer, void (*free_arg)(void *arg), void *arg);
/* The background jobs (office_alert.h), NULL when [fleet] tick_s is 0. */
struct OfficeJobs *office_jobs(const Office *o);

/* The route for `method` and `path` (as the server has it: decoded, no
 * query), with the {name} segments captured into rq->param; NULL with
 * *status 404 (no such path) or 405 (the path takes other methods). */
const OfficeRoute *office_route_find(const char *method, const char *path, OfficeReq *rq,
                                     int *status);

/* ---- helpers for handlers ---- */

/* A request header (case-insensitive name), or NULL. */
const char *office_req_header(const OfficeReq *rq, const char *name);
/* A query-string argument (?name=value, decoded), or NULL. */
const char *office_req_query(const OfficeReq *rq, const char *name);
/* The client's address ("127.0.0.1", "::1"), "?" when unknown. */
void office_req_address(const OfficeReq *rq, char *out, size_t n);
/* The value of {name} in the route's pattern, or NULL. */
const char *office_req_param(const OfficeReq *rq, const char *name);
/* The base URL kiosks should use: public_url, else from the Host header. */
void office_req_base_url(const OfficeReq *rq, char *out, size_t n);

/* Parse the request body as a JSON object: NULL with 400 bad_json or 400
 * invalid_utf8 (also for a \u0000 in a string) written into rs. */
json_t *office_req_object(OfficeReq *rq, OfficeResp *rs);

/* Status and a body (copied). */
void office_resp_text(OfficeResp *rs, int status, const char *type, const char *body, size_t len);
/* Status and a JSON value, which is taken (decref'd). */
void office_resp_json(OfficeResp *rs, int status, json_t *v);
/* The one error shape; `code` is a stable machine name, the message one
 * English sentence (never resident data). */
void office_resp_error(OfficeResp *rs, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Add a response header (name must be a string literal or static). */
void office_resp_header(OfficeResp *rs, const char *name, const char *value);
/* 503 with Retry-After for a failed database call (its reason is logged). */
void office_resp_store_error(OfficeReq *rq, OfficeResp *rs);

#endif
