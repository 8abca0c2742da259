/* office_stats.c - a community's monthly figures (suggestions, deadlines, ratings) as JSON and CSV. */
#include "office_stats.h"
#include "office_publish.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char *const stats_states[] = {"new", "acknowledged", "in_progress", "done",
                                           "declined"};
#define N_STATES (sizeof stats_states / sizeof stats_states[0])

typedef struct {
    int64_t start, end;              /* [start, end) in Unix seconds */
    char name[24];                   /* YYYY-MM */
    json_t *by_topic, *by_state;
    int64_t total, overdue;
    double *ack, *close;             /* hours */
    size_t n_ack, n_close;
} StatsMonth;

typedef struct {
    StatsMonth *m;
    size_t n;
    int64_t now;
    int64_t ack_s, close_s;          /* the deadlines (office.conf [staff]) */
    int bad;
} Stats;

bool office_stats_month(const char *s, int *y, int *mo)
{
    /* Exactly YYYY-MM: digits only (sscanf's %d took "2026-+2", "2026- 1"). */
    if (!s || strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *mo = (s[5] - '0') * 10 + (s[6] - '0');
    return *y >= 2000 && *y <= 2200 && *mo >= 1 && *mo <= 12;
}

static int64_t stats_local(int y, int mo)
{
    struct tm tm = {.tm_year = y - 1900 + (mo - 1) / 12, .tm_mon = (mo - 1) % 12, .tm_mday = 1,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

static void stats_add(json_t *o, const char *key, int64_t n)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

static int stats_row(void *ud, const OstoreSuggestionState *g)
{
    Stats *st = ud;
    StatsMonth *m = NULL;
    for (size_t i = 0; i < st->n && !m; i++)
        if (g->received_at >= st->m[i].start && g->received_at < st->m[i].end)
            m = &st->m[i];
    if (!m)
        return 0;
    const char *topic = g->topic[0] ? g->topic : "(unreadable)";
    m->total++;
    stats_add(m->by_state, g->status, 1);
    json_t *t = json_object_get(m->by_topic, topic);
    if (!t) {
        t = json_object();
        json_object_set_new(m->by_topic, topic, t);
    }
    stats_add(t, "total", 1);
    stats_add(t, g->status, 1);
    /* Closing answers too: a case closed at once was acknowledged then. */
    int64_t acked = g->acknowledged_at ? g->acknowledged_at : g->closed_at;
    double *a = realloc(m->ack, (m->n_ack + 1) * sizeof *a);
    double *c = realloc(m->close, (m->n_close + 1) * sizeof *c);
    if (a)
        m->ack = a;
    if (c)
        m->close = c;
    if (!a || !c) {
        st->bad = 1;
        return 1;
    }
    if (acked)
        m->ack[m->n_ack++] = (double)(acked - g->received_at) / 3600.0;
    if (g->closed_at)
        m->close[m->n_close++] = (double)(g->closed_at - g->received_at) / 3600.0;
    bool late_ack = (acked ? acked : st->now) > g->received_at + st->ack_s;
    bool late_close = (g->closed_at ? g->closed_at : st->now) > g->received_at + st->close_s;
    if (late_ack || late_close)
        m->overdue++;
    return 0;
}

static int stats_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The median, rounded to a tenth; null when there is nothing. */
static json_t *stats_median(double *v, size_t n)
{
    if (n == 0)
        return json_null();
    qsort(v, n, sizeof *v, stats_cmp);
    double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    return json_real(round(m * 10.0) / 10.0);
}

/* The figures of the request's months, or NULL with the answer written. */
static json_t *stats_build(OfficeReq *rq, OfficeResp *rs, OstoreCommunity *com)
{
    bool manager;
    if (!office_publish_community(rq, rs, OFFICE_PUB_READ, com, &manager))
        return NULL;
    int fy, fm, ty, tm;
    const char *from = office_req_query(rq, "from"), *to = office_req_query(rq, "to");
    json_t *fields = json_object();
    if (!office_stats_month(from, &fy, &fm))
        json_object_set_new(fields, "from", json_string("expected a month YYYY-MM"));
    if (!office_stats_month(to, &ty, &tm))
        json_object_set_new(fields, "to", json_string("expected a month YYYY-MM"));
    int n = json_object_size(fields) ? 0 : (ty * 12 + tm) - (fy * 12 + fm) + 1;
    if (!json_object_size(fields) && (n < 1 || n > OFFICE_STATS_MAX_MONTHS))
        json_object_set_new(fields, "to", json_sprintf("expected from 1 to %d months from"
                                                       " \"from\"", OFFICE_STATS_MAX_MONTHS));
    if (json_object_size(fields)) {
        office_publish_fields(rs, fields);
        return NULL;
    }
    json_decref(fields);
    const OfficeConf *conf = office_conf(rq->office);
    Stats st = {calloc((size_t)n, sizeof *st.m), (size_t)n, rq->now,
                (int64_t)conf->ack_hours * 3600, (int64_t)conf->close_days * 86400, 0};
    if (!st.m) {
        office_resp_error(rs, 500, "internal", "out of memory");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        StatsMonth *m = &st.m[i];
        int mo = fm + i;
        m->start = stats_local(fy, mo);
        m->end = stats_local(fy, mo + 1);
        snprintf(m->name, sizeof m->name, "%04d-%02d", fy + (mo - 1) / 12, (mo - 1) % 12 + 1);
        m->by_topic = json_object();
        m->by_state = json_object();
        for (size_t s = 0; s < N_STATES; s++)
            json_object_set_new(m->by_state, stats_states[s], json_integer(0));
    }
    OstoreResult r = ostore_suggestion_states(rq->store, com->id, st.m[0].start,
                                              st.m[n - 1].end, stats_row, &st);
    json_t *months = json_array();
    for (int i = 0; i < n; i++) {
        StatsMonth *m = &st.m[i];
        int64_t counts[6] = {0};
        if (r == OSTORE_OK)
            r = ostore_rating_counts(rq->store, com->id, m->name, counts);
        int64_t rn = 0, sum = 0;
        for (int s = 1; s <= 5; s++)
            rn += counts[s], sum += s * counts[s];
        json_array_append_new(months, json_pack(
            "{s:s,s:{s:I,s:o,s:o},s:o,s:o,s:I,s:{s:I,s:{s:I,s:I,s:I,s:I,s:I},s:o}}",
            "month", m->name, "suggestions", "total", (json_int_t)m->total,
            "by_state", m->by_state, "by_topic", m->by_topic,
            "median_ack_hours", stats_median(m->ack, m->n_ack),
            "median_close_hours", stats_median(m->close, m->n_close),
            "overdue", (json_int_t)m->overdue,
            "ratings", "n", (json_int_t)rn, "counts", "1", (json_int_t)counts[1],
            "2", (json_int_t)counts[2], "3", (json_int_t)counts[3], "4", (json_int_t)counts[4],
            "5", (json_int_t)counts[5],
            "mean", rn ? json_real(round((double)sum / (double)rn * 100.0) / 100.0)
                       : json_null()));
        free(m->ack);
        free(m->close);
    }
    free(st.m);
    if (r != OSTORE_OK || st.bad) {
        json_decref(months);
        if (st.bad)
            office_resp_error(rs, 500, "internal", "out of memory");
        else
            office_resp_store_error(rq, rs);
        return NULL;
    }
    return json_pack("{s:s,s:s,s:s,s:i,s:i,s:o}", "community", com->slug, "from", from,
                     "to", to, "ack_hours", conf->ack_hours, "close_days", conf->close_days,
                     "months", months);
}

void office_stats_json(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    json_t *v = stats_build(rq, rs, &com);
    if (v)
        office_resp_json(rs, 200, v);
}

/* A growing text buffer for the CSV. */
typedef struct {
    char *p;
    size_t len, cap;
    int bad;
} StatsBuf;

static void stats_put(StatsBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stats_put(StatsBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->bad)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->bad = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A number cell: "" for null, a whole number or one with decimals. */
static void stats_cell(StatsBuf *b, json_t *v)
{
    if (json_is_integer(v))
        stats_put(b, ",%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        stats_put(b, ",%g", json_real_value(v));
    else
        stats_put(b, ",");
}

static int stats_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void office_stats_csv(OfficeReq *rq, OfficeResp *rs)
{
    OstoreCommunity com;
    json_t *v = stats_build(rq, rs, &com);
    if (!v)
        return;
    json_t *months = json_object_get(v, "months"), *m;
    /* Every topic of the range is a column. */
    json_t *topics = json_object();
    size_t i;
    json_array_foreach(months, i, m) {
        const char *k;
        json_t *t;
        json_object_foreach(json_object_get(json_object_get(m, "suggestions"), "by_topic"), k, t)
            json_object_set_new(topics, k, json_true());
    }
    /* In name order, so the columns do not move between downloads. */
    size_t nt = json_object_size(topics), ti = 0;
    const char **names = calloc(nt ? nt : 1, sizeof *names);
    const char *k;
    json_t *t;
    json_object_foreach(topics, k, t)
        if (names)
            names[ti++] = k;
    if (names)
        qsort(names, nt, sizeof *names, stats_name_cmp);
    StatsBuf b = {.bad = !names};
    stats_put(&b, "\xef\xbb\xbf" "month,suggestions");
    for (size_t s = 0; s < N_STATES; s++)
        stats_put(&b, ",%s", stats_states[s]);
    stats_put(&b, ",overdue,median_ack_hours,median_close_hours,ratings,rating_1,rating_2,"
              "rating_3,rating_4,rating_5,rating_mean");
    for (size_t j = 0; names && j < nt; j++)
        stats_put(&b, ",topic:%s", names[j]);   /* topics are [a-z0-9_]: nothing to quote */
    stats_put(&b, "\r\n");
    json_array_foreach(months, i, m) {
        json_t *sg = json_object_get(m, "suggestions"), *ra = json_object_get(m, "ratings");
        stats_put(&b, "%s", json_string_value(json_object_get(m, "month")));
        stats_cell(&b, json_object_get(sg, "total"));
        for (size_t s = 0; s < N_STATES; s++)
            stats_cell(&b, json_object_get(json_object_get(sg, "by_state"), stats_states[s]));
        stats_cell(&b, json_object_get(m, "overdue"));
        stats_cell(&b, json_object_get(m, "median_ack_hours"));
        stats_cell(&b, json_object_get(m, "median_close_hours"));
        stats_cell(&b, json_object_get(ra, "n"));
        for (int s = 1; s <= 5; s++) {
            char key[2] = {(char)('0' + s), '\0'};
            stats_cell(&b, json_object_get(json_object_get(ra, "counts"), key));
        }
        stats_cell(&b, json_object_get(ra, "mean"));
        for (size_t j = 0; names && j < nt; j++) {
            json_t *n = json_object_get(json_object_get(json_object_get(sg, "by_topic"),
                                                        names[j]), "total");
            if (n)
                stats_cell(&b, n);
            else
                stats_put(&b, ",0");
        }
        stats_put(&b, "\r\n");
    }
    free(names);
    json_decref(topics);
    if (b.bad || !b.p) {
        free(b.p);
        json_decref(v);
        office_resp_error(rs, 500, "internal", "out of memory");
        return;
    }
    office_resp_text(rs, 200, "text/csv; charset=utf-8", b.p, b.len);
    free(b.p);
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"stats-%s-%s-%s.csv\"", com.slug,
             json_string_value(json_object_get(v, "from")),
             json_string_value(json_object_get(v, "to")));
    office_resp_header(rs, "Content-Disposition", disp);
    json_decref(v);
}
