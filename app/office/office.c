/* office.c - Lobby Office's HTTP server: libmicrohttpd, limits, routing, roles, JSON errors. */
#include "office.h"
#include "office_msg.h"
#include "afile.h"
#include "office_alert.h"
#include "timeutil.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define OFFICE_POOL_MAX 64

struct Office {
    OfficeConf conf;
    char db_spec[OFFICE_PATH_MAX];
    SealSecret seal;
    bool sealed;
    char seal_pub[SEAL_KEY_B64 + 1];
    char *tls_cert, *tls_key;      /* PEM in memory for libmicrohttpd */
    struct MHD_Daemon *daemon;
    int port;
    char url[300];
    pthread_mutex_t lock;          /* guards the idle connections below */
    Ostore *idle[OFFICE_POOL_MAX];
    int n_idle;
    int64_t (*clock)(void *ud);    /* tests: rq->now; NULL the system's */
    void *clock_ud;
    OfficeJobs *jobs;              /* the background jobs (office_alert.h) */
    OstoreGroup *group;            /* group commit of the kiosks' submissions */
};

/* What the server keeps about one request while its body arrives. */
typedef struct {
    const OfficeRoute *route;
    OfficeReq rq;
    char *body;
    size_t len, max, cap;          /* cap: bytes allocated for body */
    int64_t start_ms;
    int early;                     /* a refusal decided before the body (413, 404, 405) */
    OfficeResp held;               /* early == OFFICE_HELD: the refusal to send after the body */
    /* office_req_commit: a write waiting, the connection suspended, for
     * the group commit; answered once the committer has called done. */
    OstoreGroupJob job;
    OfficeCommitAnswer answer;
    void (*free_arg)(void *arg);
    void *arg;                     /* the handler's, until free_arg */
    bool waiting;                  /* suspended for job (the connection's thread only) */
    atomic_bool job_done;          /* set by the committer before it resumes */
} OfficeCall;

/* A route taking bodies over this is authorised before its body is read,
 * so that nobody without the right can make the server hold megabytes. */
#define OFFICE_EARLY_AUTH_BODY (1u << 20)
#define OFFICE_HELD 1              /* OfficeCall.early: refused, sent once the body is read */

/* ---- database connections (one per request, reused) ---- */

static Ostore *office_store_get(Office *o, char *err, size_t errlen)
{
    pthread_mutex_lock(&o->lock);
    Ostore *s = o->n_idle > 0 ? o->idle[--o->n_idle] : NULL;
    pthread_mutex_unlock(&o->lock);
    return s ? s : ostore_open(o->db_spec, err, errlen);
}

static void office_store_put(Office *o, Ostore *s)
{
    if (!s)
        return;
    ostore_rollback(s);   /* a handler never leaves a transaction open */
    pthread_mutex_lock(&o->lock);
    if (o->n_idle < OFFICE_POOL_MAX) {
        o->idle[o->n_idle++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&o->lock);
    ostore_close(s);
}

/* ---- responses ---- */

void office_resp_text(OfficeResp *rs, int status, const char *type, const char *body, size_t len)
{
    free(rs->body);
    rs->status = status;
    rs->content_type = type;
    rs->body = malloc(len + 1);
    rs->len = rs->body ? len : 0;
    if (rs->body) {
        memcpy(rs->body, body, len);
        rs->body[len] = '\0';
    }
}

void office_resp_json(OfficeResp *rs, int status, json_t *v)
{
    if (status >= 400 && v)
        office_msg_annotate(v);   /* every message also as {"zh", "en"} */
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    if (!text) {
        static const char oom[] = "{\"error\":{\"status\":500,\"code\":\"internal\","
                                  "\"message\":\"out of memory\"}}";
        office_resp_text(rs, 500, NULL, oom, sizeof oom - 1);
        return;
    }
    free(rs->body);
    rs->status = status;
    rs->content_type = NULL;
    rs->body = text;
    rs->len = strlen(text);
}

void office_resp_error(OfficeResp *rs, int status, const char *code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A message may quote what was sent (a JSON parser's error names the
     * bytes it stopped at) or be cut inside a character: each byte that is
     * not part of valid UTF-8 becomes '?', or the JSON below could not be
     * made and a bad request would be answered 500. */
    for (size_t i = 0, n = strlen(msg); i < n;) {
        size_t k = utf8_seq_len(msg + i, n - i);
        if (k == 0) {
            msg[i] = '?';
            k = 1;
        }
        i += k;
    }
    office_resp_json(rs, status, json_pack("{s:{s:i,s:s,s:s}}", "error", "status", status,
                                           "code", code, "message", msg));
}

void office_resp_header(OfficeResp *rs, const char *name, const char *value)
{
    if (rs->n_headers >= OFFICE_MAX_HEADERS)
        return;
    rs->hname[rs->n_headers] = name;
    snprintf(rs->hvalue[rs->n_headers], sizeof rs->hvalue[0], "%s", value);
    rs->n_headers++;
}

void office_resp_store_error(OfficeReq *rq, OfficeResp *rs)
{
    fprintf(stderr, "office: %s %s: database: %s\n", rq->method, rq->path,
            rq->commit_err ? rq->commit_err : ostore_error(rq->store));
    office_resp_error(rs, 503, "unavailable", "the database is not available; try again later");
    office_resp_header(rs, "Retry-After", "5");
}

/* ---- requests ---- */

static const char *office_req_pair(const OfficeReqPair *v, size_t n, const char *name,
                                   bool any_case)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].name && (any_case ? strcasecmp(v[i].name, name) : strcmp(v[i].name, name)) == 0)
            return v[i].value;
    return NULL;
}

const char *office_req_header(const OfficeReq *rq, const char *name)
{
    if (!rq->conn)
        return office_req_pair(rq->headers, rq->n_headers, name, true);
    return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn, MHD_HEADER_KIND, name);
}

const char *office_req_query(const OfficeReq *rq, const char *name)
{
    if (!rq->conn)
        return office_req_pair(rq->args, rq->n_args, name, false);
    return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn,
                                       MHD_GET_ARGUMENT_KIND, name);
}

const char *office_req_param(const OfficeReq *rq, const char *name)
{
    for (int i = 0; i < rq->n_params; i++)
        if (strcmp(rq->param_name[i], name) == 0)
            return rq->param[i];
    return NULL;
}

void office_req_address(const OfficeReq *rq, char *out, size_t n)
{
    if (!rq->conn) {
        snprintf(out, n, "?");
        return;
    }
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
        (struct MHD_Connection *)rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    snprintf(out, n, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

void office_req_base_url(const OfficeReq *rq, char *out, size_t n)
{
    const OfficeConf *c = &rq->office->conf;
    const char *host = office_req_header(rq, "Host");
    if (c->public_url[0])
        snprintf(out, n, "%s", c->public_url);
    else if (host && *host && strlen(host) < 256 && !strpbrk(host, "/\\@ \t\r\n?#"))
        snprintf(out, n, "%s://%s", c->tls_cert[0] ? "https" : "http", host);
    else
        snprintf(out, n, "%s", rq->office->url);
}

/* Match `path` against `pattern`, capturing {name} segments. */
static bool office_match(const char *pattern, const char *path, OfficeReq *rq)
{
    rq->n_params = 0;
    const char *p = pattern, *u = path;
    while (*p && *u) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *end = strchr(u, '/');
            size_t len = end ? (size_t)(end - u) : strlen(u);
            if (!close || len == 0 || len >= sizeof rq->param[0] ||
                rq->n_params >= OFFICE_MAX_PARAMS)
                return false;
            static _Thread_local char names[OFFICE_MAX_PARAMS][32];
            size_t nl = (size_t)(close - p - 1);
            if (nl >= sizeof names[0])
                return false;
            memcpy(names[rq->n_params], p + 1, nl);
            names[rq->n_params][nl] = '\0';
            rq->param_name[rq->n_params] = names[rq->n_params];
            memcpy(rq->param[rq->n_params], u, len);
            rq->param[rq->n_params][len] = '\0';
            rq->n_params++;
            p = close + 1;
            u += len;
        } else if (*p++ != *u++) {
            return false;
        }
    }
    return *p == '\0' && *u == '\0';
}

const OfficeRoute *office_route_find(const char *method, const char *path, OfficeReq *rq,
                                     int *status)
{
    *status = 404;
    for (size_t i = 0; i < office_n_routes; i++) {
        if (!office_match(office_routes[i].pattern, path, rq))
            continue;
        if (strcmp(office_routes[i].method, method) == 0)
            return &office_routes[i];
        *status = 405;
    }
    return NULL;
}

static enum MHD_Result office_send(struct MHD_Connection *c, OfficeResp *rs)
{
    if (!rs->body)
        office_resp_error(rs, 500, "internal", "the handler wrote no answer");
    struct MHD_Response *r = MHD_create_response_from_buffer(rs->len, rs->body,
                                                             MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(rs->body);
        rs->body = NULL;
        return MHD_NO;
    }
    rs->body = NULL;
    MHD_add_response_header(r, "Content-Type",
                            rs->content_type ? rs->content_type : "application/json");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    bool cache_set = false;   /* a handler's own Cache-Control (the console's files) wins */
    for (int i = 0; i < rs->n_headers; i++) {
        MHD_add_response_header(r, rs->hname[i], rs->hvalue[i]);
        cache_set |= strcasecmp(rs->hname[i], "Cache-Control") == 0;
    }
    if (!cache_set)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result office_refuse(struct MHD_Connection *c, int status, const char *code,
                                     const char *msg)
{
    OfficeResp rs = {0};
    office_resp_error(&rs, status, code, "%s", msg);
    return office_send(c, &rs);
}

/* The whole request is here: authorise, run the handler, answer. */
static enum MHD_Result office_finish(Office *o, struct MHD_Connection *c, OfficeCall *call)
{
    OfficeReq *rq = &call->rq;
    OfficeResp rs = {0};
    if (time_mono_ms() - call->start_ms > (int64_t)o->conf.request_timeout_s * 1000)
        return office_refuse(c, 408, "timeout", "the request took too long to arrive");
    rq->body = call->body ? call->body : "";
    rq->body_len = call->len;
    char err[300];
    rq->store = office_store_get(o, err, sizeof err);
    if (!rq->store) {
        fprintf(stderr, "office: database: %s\n", err);
        office_resp_error(&rs, 503, "unavailable", "the database is not available; try again later");
        office_resp_header(&rs, "Retry-After", "5");
        return office_send(c, &rs);
    }
    OfficeAuthFn auth = office_authorisers[call->route->role];
    if (!auth || auth(rq, &rs))
        call->route->fn(rq, &rs);
    office_store_put(o, rq->store);
    rq->store = NULL;
    if (call->waiting) {
        free(rs.body);            /* nothing is written there meanwhile */
        return MHD_YES;           /* suspended: answered once its commit is final */
    }
    return office_send(c, &rs);
}

/* ---- writes answered after the group commit (office_req_commit) ---- */

/* The committer's thread: the job is final; wake its connection. */
static void office_commit_done(OstoreGroupJob *j)
{
    OfficeCall *call = (OfficeCall *)((char *)j - offsetof(OfficeCall, job));
    struct MHD_Connection *c = call->rq.conn;
    atomic_store_explicit(&call->job_done, true, memory_order_release);
    MHD_resume_connection(c);   /* the call lives until its connection is answered */
}

void office_req_commit(OfficeReq *rq, OfficeResp *rs, OstoreGroupFn fn,
                       OfficeCommitAnswer answer, void (*free_arg)(void *arg), void *arg)
{
    OfficeCall *call = rq->call;
    if (!call) {                  /* no server connection to suspend: wait */
        char err[300];
        OstoreResult r = ostore_group_run(office_group(rq->office), fn, arg, err, sizeof err);
        rq->commit_err = err;
        answer(rq, rs, r, arg);
        rq->commit_err = NULL;
        free_arg(arg);
        return;
    }
    call->answer = answer;
    call->free_arg = free_arg;
    call->arg = arg;
    call->job = (OstoreGroupJob){.fn = fn, .arg = arg, .done = office_commit_done};
    atomic_store(&call->job_done, false);
    call->waiting = true;
    /* Suspended before the job is visible, so the committer's resume can
     * never come first (it would be lost). */
    MHD_suspend_connection(rq->conn);
    if (!ostore_group_submit(office_group(rq->office), &call->job)) {
        call->job.r = OSTORE_ERROR;
        snprintf(call->job.err, sizeof call->job.err, "the office is stopping");
        office_commit_done(&call->job);
    }
}

/* Resumed: answer from the job's final result. */
static enum MHD_Result office_commit_answer(struct MHD_Connection *c, OfficeCall *call)
{
    OfficeReq *rq = &call->rq;
    OfficeResp rs = {0};
    call->waiting = false;
    rq->commit_err = call->job.err;
    call->answer(rq, &rs, call->job.r, call->arg);
    rq->commit_err = NULL;
    call->free_arg(call->arg);
    call->arg = NULL;
    return office_send(c, &rs);
}

/* Before a large body is read: run the route's authoriser (a store lent
 * for it); false with the refusal in call->held. A database failure is
 * held too (503). The handler's own authorisation runs again at the end. */
static bool office_authorise_early(Office *o, OfficeCall *call)
{
    OfficeReq *rq = &call->rq;
    char err[300];
    rq->store = office_store_get(o, err, sizeof err);
    if (!rq->store) {
        fprintf(stderr, "office: database: %s\n", err);
        office_resp_error(&call->held, 503, "unavailable",
                          "the database is not available; try again later");
        office_resp_header(&call->held, "Retry-After", "5");
        return false;
    }
    OfficeAuthFn auth = office_authorisers[call->route->role];
    bool ok = !auth || auth(rq, &call->held);
    office_store_put(o, rq->store);
    rq->store = NULL;
    rq->auth = NULL;
    return ok;
}

static enum MHD_Result office_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                         const char *method, const char *version,
                                         const char *upload_data, size_t *upload_data_size,
                                         void **con_cls)
{
    (void)version;
    Office *o = cls;
    OfficeCall *call = *con_cls;
    if (!call) {
        call = calloc(1, sizeof *call);
        if (!call)
            return MHD_NO;
        *con_cls = call;
        call->start_ms = time_mono_ms();
        call->rq.office = o;
        call->rq.conn = c;
        call->rq.call = call;
        call->rq.method = method;
        call->rq.path = url;
        call->rq.now = o->clock ? o->clock(o->clock_ud) : time_now_ms() / 1000;
        int status;
        call->route = office_route_find(method, url, &call->rq, &status);
        if (!call->route) {
            call->early = status;
            return status == 405 ? office_refuse(c, 405, "method_not_allowed",
                                                 "this address does not take that method")
                                 : office_refuse(c, 404, "not_found", "no such address");
        }
        call->max = call->route->max_body ? call->route->max_body
                                          : (size_t)o->conf.max_body_kb * 1024;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        if (call->route->role != OFFICE_PUBLIC && call->max > OFFICE_EARLY_AUTH_BODY &&
            declared <= 2 * (unsigned long long)call->max + 65536 &&
            !office_authorise_early(o, call)) {
            call->early = OFFICE_HELD;   /* nothing kept; the answer after the body */
            return MHD_YES;
        }
        if (declared > call->max && declared <= 2 * (unsigned long long)call->max + 65536) {
            /* Refused: nothing of it is kept, but it is read (and dropped)
             * before the 413 goes out, so that the client, still sending,
             * is not cut off by a reset and can read why. */
            call->early = 413;
            return MHD_YES;
        }
        if (declared > call->max) {
            call->early = -1;     /* far too large: answered at once */
            char msg[120];
            snprintf(msg, sizeof msg, "the body is larger than the limit of %zu bytes", call->max);
            return office_refuse(c, 413, "too_large", msg);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (call->early == 413 || call->early == OFFICE_HELD) {
            /* Dropped so far: past twice the limit, give up on the client. */
            call->len += *upload_data_size;
            if (call->len > 2 * call->max + 65536)
                return MHD_NO;
        } else if (!call->early) {
            if (call->len + *upload_data_size > call->max) {
                /* Over the limit as it arrives (chunked, no length):
                 * nothing more is kept; the rest is read and dropped so
                 * that the client can read the 413 (an answer sent
                 * while it still sends is lost to a reset). */
                call->early = 413;
                call->len += *upload_data_size;
                free(call->body);
                call->body = NULL;
                call->cap = 0;
            } else {
                size_t need = call->len + *upload_data_size + 1;
                if (need > call->cap) {
                    /* Grown by doubling (to at most the limit), so a 10 MB
                     * picture in small pieces is copied a few times, not
                     * once per piece. */
                    size_t cap = call->cap ? call->cap : 4096;
                    while (cap < need)
                        cap *= 2;
                    if (cap > call->max + 1 && need <= call->max + 1)
                        cap = call->max + 1;
                    char *b = realloc(call->body, cap);
                    if (!b)
                        return MHD_NO;
                    call->body = b;
                    call->cap = cap;
                }
                memcpy(call->body + call->len, upload_data, *upload_data_size);
                call->len += *upload_data_size;
                call->body[call->len] = '\0';
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (call->waiting) {
        /* Called again only once resumed, i.e. once its job is done. */
        if (!atomic_load_explicit(&call->job_done, memory_order_acquire))
            return MHD_YES;
        return office_commit_answer(c, call);
    }
    if (call->early == 413) {
        char msg[120];
        snprintf(msg, sizeof msg, "the body is larger than the limit of %zu bytes", call->max);
        call->early = -1;
        return office_refuse(c, 413, "too_large", msg);
    }
    if (call->early == OFFICE_HELD) {
        call->early = -1;
        return office_send(c, &call->held);
    }
    if (call->early)
        return MHD_YES;    /* answered already */
    call->early = -1;
    return office_finish(o, c, call);
}

static void office_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                                enum MHD_RequestTerminationCode toe)
{
    (void)cls; (void)c; (void)toe;
    OfficeCall *call = *con_cls;
    if (call) {
        /* Resumed but not answered (the server stopping): the job is
         * done with, so its argument can go. A connection is never closed
         * while suspended, so a job still queued cannot be met here. */
        if (call->arg && atomic_load(&call->job_done))
            call->free_arg(call->arg);
        free(call->held.body);     /* a held refusal never sent */
        free(call->body);
        free(call);
        *con_cls = NULL;
    }
}

/* ---- starting and stopping ---- */

static int office_load_key(Office *o, char *err, size_t errlen)
{
    char path[OFFICE_PATH_MAX];
    office_conf_key_path(&o->conf, path, sizeof path);
    if (!path[0])
        return 0;
    char why[300];
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077)) {
        snprintf(err, errlen, "office_key %s: mode %04o lets other users read the secret key;"
                 " chmod 0600 it", path, (unsigned)(st.st_mode & 07777));
        return -1;
    }
    if (seal_load_secret(path, &o->seal, why, sizeof why) < 0) {
        snprintf(err, errlen, "office_key: %s (officectl init makes it; set office_key = none"
                 " to run without sealing)", why);
        return -1;
    }
    o->sealed = true;
    char *b64 = seal_base64(o->seal.pk, sizeof o->seal.pk);
    if (!b64) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(o->seal_pub, sizeof o->seal_pub, "%s", b64);
    free(b64);
    return 0;
}

static char *office_read_pem(const char *what, const char *path, char *err, size_t errlen)
{
    char why[300];
    char *pem = afile_read(path, 1 << 20, NULL, why, sizeof why);
    if (!pem)
        snprintf(err, errlen, "%s: %s", what, why);
    return pem;
}

Office *office_start(const OfficeConf *conf, char *err, size_t errlen)
{
    return office_start_clock(conf, NULL, NULL, err, errlen);
}

Office *office_start_clock(const OfficeConf *conf, int64_t (*now)(void *ud), void *ud,
                           char *err, size_t errlen)
{
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return NULL;
    }
    Office *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->conf = *conf;
    o->clock = now;
    o->clock_ud = ud;
    pthread_mutex_init(&o->lock, NULL);
    office_conf_database(conf, o->db_spec, sizeof o->db_spec);
    bool tls = conf->tls_cert[0] || conf->tls_key[0];
    if (tls && (!conf->tls_cert[0] || !conf->tls_key[0])) {
        snprintf(err, errlen, "tls_cert and tls_key go together: set both, or neither for plain"
                 " http on loopback");
        goto fail;
    }
    if (!tls && !office_conf_is_loopback(conf->listen_host)) {
        snprintf(err, errlen, "listen = %s: plain http is only allowed on a loopback address"
                 " (127.0.0.1, ::1); set tls_cert and tls_key to serve HTTPS", conf->listen_host);
        goto fail;
    }
    if (tls && (!(o->tls_cert = office_read_pem("tls_cert", conf->tls_cert, err, errlen)) ||
                !(o->tls_key = office_read_pem("tls_key", conf->tls_key, err, errlen))))
        goto fail;
    if (office_load_key(o, err, errlen) < 0)
        goto fail;
    /* Open (and migrate) once, so a bad database stops the start. */
    Ostore *s = ostore_open(o->db_spec, err, errlen);
    if (!s)
        goto fail;
    office_store_put(o, s);
    /* The committer of the kiosks' writes, on its own connection. */
    if (!(o->group = ostore_group_new(o->db_spec, err, errlen)))
        goto fail;

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE}, *ai = NULL;
    char port[16];
    snprintf(port, sizeof port, "%d", conf->listen_port);
    int gai = getaddrinfo(conf->listen_host, port, &hints, &ai);
    if (gai != 0 || !ai) {
        snprintf(err, errlen, "listen = %s: %s", conf->listen_host, gai_strerror(gai));
        goto fail;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, ai->ai_addr},
        {MHD_OPTION_THREAD_POOL_SIZE, conf->threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, conf->request_timeout_s, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)office_on_completed, NULL},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, o->tls_cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, o->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    o->daemon = MHD_start_daemon(flags, (uint16_t)conf->listen_port, NULL, NULL,
                                 office_on_request, o, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!o->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%d (in use, or not an address of this"
                 " machine)", conf->listen_host, conf->listen_port);
        goto fail;
    }
    if (conf->tick_s > 0 && !(o->jobs = office_jobs_start(conf, o->db_spec, now, ud, err, errlen)))
        goto fail;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(o->daemon, MHD_DAEMON_INFO_BIND_PORT);
    o->port = info ? info->port : conf->listen_port;
    bool v6 = strchr(conf->listen_host, ':') != NULL;
    snprintf(o->url, sizeof o->url, "%s://%s%s%s:%d", tls ? "https" : "http", v6 ? "[" : "",
             conf->listen_host, v6 ? "]" : "", o->port);
    return o;
fail:
    office_stop(o);
    return NULL;
}

void office_stop(Office *o)
{
    if (!o)
        return;
    /* No new connections; the writes waiting for a commit are committed
     * and their connections resumed (later ones are refused with 503), so
     * that none is left suspended when the daemon stops: those resumed
     * get their answer or are closed. */
    MHD_socket lsock = o->daemon ? MHD_quiesce_daemon(o->daemon) : MHD_INVALID_SOCKET;
    if (o->group)
        ostore_group_close(o->group);
    if (o->daemon)
        MHD_stop_daemon(o->daemon);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    office_jobs_stop(o->jobs);
    for (int i = 0; i < o->n_idle; i++)
        ostore_close(o->idle[i]);
    seal_wipe(&o->seal);
    if (o->tls_key)
        sodium_memzero(o->tls_key, strlen(o->tls_key));
    free(o->tls_key);
    free(o->tls_cert);
    pthread_mutex_destroy(&o->lock);
    ostore_group_free(o->group);
    free(o);
}

int office_port(const Office *o) { return o->port; }
const char *office_url(const Office *o) { return o->url; }
const OfficeConf *office_conf(const Office *o) { return &o->conf; }
const SealSecret *office_seal(const Office *o) { return o->sealed ? &o->seal : NULL; }
const char *office_seal_public(const Office *o) { return o->sealed ? o->seal_pub : ""; }

OfficeJobs *office_jobs(const Office *o) { return o->jobs; }
OstoreGroup *office_group(const Office *o) { return o->group; }

json_t *office_req_object(OfficeReq *rq, OfficeResp *rs)
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
