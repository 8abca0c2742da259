/* ostore_pg.c - the PostgreSQL driver of the office store (ostore_priv.h): libpq, `?` placeholders as $N, constraint violations as CONFLICT, a lost connection as ERROR and a reconnect on the next call. */
#include "ostore_priv.h"

#include <libpq-fe.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_INT8OID 20
#define PG_TEXTOID 25

/* The connection and what this driver knows about its transaction: libpq
 * forgets a transaction with the connection, the caller must not. */
typedef struct {
    PGconn *conn;
    bool in_tx;         /* BEGIN sent, COMMIT/ROLLBACK not yet */
    bool tx_lost;       /* the connection was lost inside that transaction */
} PgConn;

typedef struct {
    OstoreStmt base;
    char *sql;          /* with $N placeholders */
    int n;              /* parameters ($1..$n) */
    char **vals;        /* bound values (NULL: SQL NULL) */
    int *lens;
    unsigned int *types;
    PGresult *res;
    int row, rows;
    bool ran;
    int64_t changes;
} PgStmt;

static PgConn *pg(Ostore *s)
{
    return s->conn;
}

static void pg_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;   /* NOTICEs ("relation already exists, skipping") are not errors */
}

/* One line of libpq's message (it may end in newlines or add DETAIL lines). */
static void pg_msg(Ostore *s, const char *msg)
{
    size_t n = strcspn(msg ? msg : "", "\n");
    snprintf(s->err, sizeof s->err, "%.*s", (int)(n < sizeof s->err ? n : sizeof s->err - 1),
             msg ? msg : "");
    if (!s->err[0])
        snprintf(s->err, sizeof s->err, "PostgreSQL failed");
}

static int pg_connect(Ostore *s, const char *spec)
{
    const char *keys[] = { "dbname", "connect_timeout", "application_name", NULL };
    const char *vals[] = { spec, "5", "lobby-office", NULL };
    /* expand_dbname: the spec is a URL; later keys fill what it leaves out. */
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return -1;
    }
    pg(s)->conn = c;
    if (PQstatus(c) != CONNECTION_OK) {
        pg_msg(s, PQerrorMessage(c));
        s->lost = true;
        return -1;
    }
    PQsetNoticeProcessor(c, pg_quiet, NULL);
    PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        pg_msg(s, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

static int pg_open(Ostore *s, const char *spec)
{
    PgConn *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return -1;
    }
    s->conn = p;
    return pg_connect(s, spec);
}

static void pg_close(Ostore *s)
{
    PQfinish(pg(s)->conn);
    free(s->conn);
    s->conn = NULL;
}

/* Before a statement: a connection lost earlier is made again, unless it
 * was lost inside a transaction the caller has not ended yet (whatever
 * follows would run outside it). */
static int pg_ready(Ostore *s)
{
    PgConn *p = pg(s);
    /* An idle connection the server has closed meanwhile (a restart, a
     * shutdown) shows here without a round trip: what it sent last (its
     * FATAL message, then EOF) is read and the status turns bad. */
    if (PQstatus(p->conn) == CONNECTION_OK && !p->in_tx)
        PQconsumeInput(p->conn);
    if (PQstatus(p->conn) == CONNECTION_OK && !p->tx_lost) {
        s->lost = false;
        return 0;
    }
    if (p->in_tx) {
        p->tx_lost = true;
        s->lost = true;
        snprintf(s->err, sizeof s->err, "connection to PostgreSQL lost inside a transaction");
        return -1;
    }
    PQreset(p->conn);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        pg_msg(s, PQerrorMessage(p->conn));
        s->lost = true;
        return -1;
    }
    PQsetNoticeProcessor(p->conn, pg_quiet, NULL);
    p->tx_lost = false;
    s->lost = false;
    return 0;
}

/* After a failed command: was it the connection? A server shutting down
 * (57P01..57P03) or a connection error (class 08) closes it too. */
static bool pg_check_lost(Ostore *s, const PGresult *r)
{
    PgConn *p = pg(s);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    bool lost = PQstatus(p->conn) != CONNECTION_OK || !state ||
                strncmp(state, "08", 2) == 0 || strncmp(state, "57P0", 4) == 0;
    if (lost) {
        s->lost = true;
        if (p->in_tx)
            p->tx_lost = true;
    }
    return lost;
}

/* `?` -> $n and `?N` -> $N outside quotes and comments. */
static char *pg_translate(const char *sql, int *nparams)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 4 + 1), *o = out;   /* "?" grows to at most "$NNN" */
    if (!out)
        return NULL;
    int next = 0, max = 0;
    for (const char *p = sql; *p; ) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            *o++ = *p++;
            while (*p) {
                if (*p == q && p[1] == q) {   /* doubled quote */
                    *o++ = *p++;
                    *o++ = *p++;
                } else if (*p == q) {
                    *o++ = *p++;
                    break;
                } else {
                    *o++ = *p++;
                }
            }
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                *o++ = *p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            size_t k = e ? (size_t)(e + 2 - p) : strlen(p);
            memcpy(o, p, k);
            o += k;
            p += k;
        } else if (*p == '?') {
            p++;
            int n;
            if (*p >= '0' && *p <= '9') {
                n = (int)strtol(p, (char **)&p, 10);
                if (n > next)
                    next = n;
            } else {
                n = ++next;
            }
            if (n > max)
                max = n;
            o += sprintf(o, "$%d", n);
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    *nparams = max;
    return out;
}

static void pg_finalize(OstoreStmt *st)
{
    PgStmt *q = (PgStmt *)st;
    for (int i = 0; i < q->n; i++)
        free(q->vals[i]);
    free(q->vals);
    free(q->lens);
    free(q->types);
    free(q->sql);
    PQclear(q->res);
    free(q);
}

static OstoreStmt *pg_prepare(Ostore *s, const char *sql)
{
    if (pg_ready(s) < 0)
        return NULL;
    PgStmt *q = calloc(1, sizeof *q);
    if (!q)
        goto oom;
    q->base.s = s;
    q->sql = pg_translate(sql, &q->n);
    if (!q->sql)
        goto oom;
    if (q->n > 0) {
        q->vals = calloc((size_t)q->n, sizeof *q->vals);
        q->lens = calloc((size_t)q->n, sizeof *q->lens);
        q->types = calloc((size_t)q->n, sizeof *q->types);
        if (!q->vals || !q->lens || !q->types)
            goto oom;
    }
    return &q->base;
oom:
    snprintf(s->err, sizeof s->err, "out of memory");
    if (q)
        pg_finalize(&q->base);
    return NULL;
}

static int pg_bind(OstoreStmt *st, int idx, unsigned int type, const char *v, size_t len)
{
    PgStmt *q = (PgStmt *)st;
    if (idx < 1 || idx > q->n) {
        snprintf(st->s->err, sizeof st->s->err, "bind: argument %d has no placeholder", idx);
        return -1;
    }
    char *copy = NULL;
    if (v) {
        copy = malloc(len + 1);
        if (!copy) {
            snprintf(st->s->err, sizeof st->s->err, "out of memory");
            return -1;
        }
        memcpy(copy, v, len);
        copy[len] = '\0';
    }
    free(q->vals[idx - 1]);
    q->vals[idx - 1] = copy;
    q->lens[idx - 1] = (int)len;
    q->types[idx - 1] = type;
    return 0;
}

static int pg_bind_int(OstoreStmt *st, int idx, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    return pg_bind(st, idx, PG_INT8OID, buf, (size_t)n);
}

static int pg_bind_text(OstoreStmt *st, int idx, const char *t, size_t len)
{
    return pg_bind(st, idx, PG_TEXTOID, t, len);
}

static OstoreStep pg_fail(Ostore *s, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    pg_msg(s, r ? PQresultErrorMessage(r) : PQerrorMessage(pg(s)->conn));
    if (!r || !pg_check_lost(s, r)) {
        if (state && strncmp(state, "23", 2) == 0)   /* integrity constraint violation */
            return OSTORE_STEP_CONFLICT;
    }
    return OSTORE_STEP_ERROR;
}

static OstoreStep pg_step(OstoreStmt *st)
{
    PgStmt *q = (PgStmt *)st;
    Ostore *s = st->s;
    if (!q->ran) {
        q->ran = true;
        q->res = PQexecParams(pg(s)->conn, q->sql, q->n, q->types,
                              (const char *const *)q->vals, q->lens, NULL, 0);
        ExecStatusType t = PQresultStatus(q->res);
        if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
            OstoreStep r = pg_fail(s, q->res);
            PQclear(q->res);
            q->res = NULL;
            return r;
        }
        q->changes = strtoll(PQcmdTuples(q->res), NULL, 10);
        q->rows = t == PGRES_TUPLES_OK ? PQntuples(q->res) : 0;
        q->row = -1;
    }
    if (!q->res)
        return OSTORE_STEP_ERROR;
    if (q->row + 1 < q->rows) {
        q->row++;
        return OSTORE_STEP_ROW;
    }
    q->row = q->rows;
    return OSTORE_STEP_DONE;
}

static int64_t pg_changes(OstoreStmt *st)
{
    return ((PgStmt *)st)->changes;
}

static bool pg_has(PgStmt *q, int i)
{
    return q->res && q->row >= 0 && q->row < q->rows && i >= 0 && i < PQnfields(q->res) &&
           !PQgetisnull(q->res, q->row, i);
}

static int64_t pg_col_int(OstoreStmt *st, int i)
{
    PgStmt *q = (PgStmt *)st;
    if (!pg_has(q, i))
        return 0;
    const char *v = PQgetvalue(q->res, q->row, i);
    if (v[0] == 't' && !v[1])   /* a boolean expression */
        return 1;
    if (v[0] == 'f' && !v[1])
        return 0;
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(OstoreStmt *st, int i)
{
    PgStmt *q = (PgStmt *)st;
    return pg_has(q, i) ? PQgetvalue(q->res, q->row, i) : NULL;
}

static size_t pg_col_len(OstoreStmt *st, int i)
{
    PgStmt *q = (PgStmt *)st;
    return pg_has(q, i) ? (size_t)PQgetlength(q->res, q->row, i) : 0;
}

static bool pg_starts(const char *sql, const char *word)
{
    return strncasecmp(sql, word, strlen(word)) == 0;
}

static OstoreResult pg_exec(Ostore *s, const char *sql)
{
    PgConn *p = pg(s);
    bool begin = pg_starts(sql, "BEGIN"), end = pg_starts(sql, "COMMIT") ||
                                                pg_starts(sql, "ROLLBACK");
    if (end && p->tx_lost) {
        /* The server already ended it with the connection: a COMMIT did
         * not happen, a ROLLBACK is done. */
        p->in_tx = p->tx_lost = false;
        if (pg_starts(sql, "COMMIT")) {
            snprintf(s->err, sizeof s->err, "connection to PostgreSQL lost; nothing committed");
            return OSTORE_ERROR;
        }
        return OSTORE_OK;
    }
    if (pg_ready(s) < 0)
        return OSTORE_ERROR;
    /* COMMIT of a transaction an error aborted answers "ROLLBACK", no error. */
    bool aborted = PQtransactionStatus(p->conn) == PQTRANS_INERROR;
    PGresult *r = PQexec(p->conn, sql);
    ExecStatusType t = PQresultStatus(r);
    OstoreResult res = OSTORE_OK;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_EMPTY_QUERY) {
        pg_msg(s, PQresultErrorMessage(r));
        pg_check_lost(s, r);
        res = OSTORE_ERROR;
    } else if (pg_starts(sql, "COMMIT") && (aborted || strcmp(PQcmdStatus(r), "ROLLBACK") == 0)) {
        snprintf(s->err, sizeof s->err, "transaction was aborted; nothing committed");
        res = OSTORE_ERROR;
    }
    PQclear(r);
    if (begin && res == OSTORE_OK)
        p->in_tx = true;
    if (end) {
        p->in_tx = PQtransactionStatus(p->conn) != PQTRANS_IDLE &&
                   PQstatus(p->conn) == CONNECTION_OK;
        if (!p->in_tx)
            p->tx_lost = false;
    }
    return res;
}

static bool pg_in_tx(Ostore *s)
{
    return pg(s)->in_tx;
}

const OstoreDriver ostore_pg_driver = {
    .name = "postgresql",
    .id_ddl = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    .begin_sql = "BEGIN",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .step = pg_step,
    .changes = pg_changes,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_len = pg_col_len,
    .finalize = pg_finalize,
    .exec = pg_exec,
    .in_tx = pg_in_tx,
    /* Two processes starting on one new database: one migrates, the other
     * waits here and then finds nothing to do. */
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7316524)",
    .legacy_version = NULL,
};
