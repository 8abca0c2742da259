/* http.c - the kiosk's HTTPS client: libcurl with a fixed network policy. */
#include "http.h"
#include "backoff.h"
#include "timeutil.h"
#include "version.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTTP_DEFAULT_MAX_BODY (64u * 1024u)
#define HTTP_MAX_REDIRECTS 3L

struct Http {
    CURLM *multi;       /* owns the connection cache: connections are reused */
    CURL *easy;
    HttpPolicy policy;
    char ca_file[512];
    atomic_bool stop;
    int64_t date_s, date_mono;   /* the last valid Date header; date_mono 0: none */
};

static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_init_rc = CURLE_FAILED_INIT;

static void http_global_init(void)
{
    http_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void http_msg(char *err, size_t errlen, const char *fmt, const char *arg)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, arg);
}

static bool http_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0)
        return true;
    if (strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
        return true;
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) == 1)
        return (ntohl(a.s_addr) >> 24) == 127;
    return false;
}

int http_url_check(const char *url, bool allow_http_loopback, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!url || !*url) {
        http_msg(err, errlen, "%sno URL", "");
        return -1;
    }
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = -1;
    if (!u) {
        http_msg(err, errlen, "%sout of memory", "");
        return -1;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0]) {
        http_msg(err, errlen, "%snot a valid URL", "");
    } else if (strcmp(scheme, "https") == 0) {
        rc = 0;
    } else if (strcmp(scheme, "http") != 0) {
        http_msg(err, errlen, "scheme %s refused: only https is allowed", scheme);
    } else if (!allow_http_loopback) {
        http_msg(err, errlen, "%splain http refused: only https is allowed", "");
    } else if (!http_is_loopback(host)) {
        http_msg(err, errlen, "%splain http is allowed only to a loopback address", "");
    } else {
        rc = 0;
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

Http *http_create(const HttpPolicy *p, char *err, size_t errlen)
{
    pthread_once(&http_once, http_global_init);
    if (http_init_rc != CURLE_OK) {
        http_msg(err, errlen, "libcurl cannot start: %s", curl_easy_strerror(http_init_rc));
        return NULL;
    }
    if (p->ca_file && p->ca_file[0] && access(p->ca_file, R_OK) < 0) {
        http_msg(err, errlen, "ca_file %s cannot be read", p->ca_file);
        return NULL;
    }
    Http *h = calloc(1, sizeof *h);
    if (!h) {
        http_msg(err, errlen, "%sout of memory", "");
        return NULL;
    }
    h->policy = *p;
    snprintf(h->ca_file, sizeof h->ca_file, "%s", p->ca_file ? p->ca_file : "");
    h->policy.ca_file = h->ca_file;
    if (h->policy.connect_timeout_ms <= 0)
        h->policy.connect_timeout_ms = 10000;
    if (h->policy.total_timeout_ms <= 0)
        h->policy.total_timeout_ms = 60000;
    if (h->policy.low_speed_time_s <= 0)
        h->policy.low_speed_time_s = 20;
    if (h->policy.low_speed_bytes <= 0)
        h->policy.low_speed_bytes = 100;
    atomic_init(&h->stop, false);
    h->multi = curl_multi_init();
    h->easy = curl_easy_init();
    if (!h->multi || !h->easy) {
        http_msg(err, errlen, "%slibcurl: out of memory", "");
        http_destroy(h);
        return NULL;
    }
    return h;
}

void http_destroy(Http *h)
{
    if (!h)
        return;
    if (h->easy)
        curl_easy_cleanup(h->easy);
    if (h->multi)
        curl_multi_cleanup(h->multi);
    free(h);
}

void http_interrupt(Http *h)
{
    if (!h)
        return;
    atomic_store(&h->stop, true);
    curl_multi_wakeup(h->multi);
}

bool http_interrupted(const Http *h)
{
    return h && atomic_load(&((Http *)h)->stop);
}

typedef struct {
    HttpResponse *rs;
    size_t cap, max;
    bool too_big, oom;
    char location[64];   /* the start of the last Location header (its scheme) */
} HttpSink;

static size_t http_write(char *data, size_t size, size_t nmemb, void *user)
{
    HttpSink *s = user;
    size_t n = size * nmemb;
    HttpResponse *rs = s->rs;
    if (rs->body_len + n > s->max) {
        s->too_big = true;
        return 0;
    }
    if (rs->body_len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < rs->body_len + n + 1)
            cap *= 2;
        char *p = realloc(rs->body, cap);
        if (!p) {
            s->oom = true;
            return 0;
        }
        rs->body = p;
        s->cap = cap;
    }
    memcpy(rs->body + rs->body_len, data, n);
    rs->body_len += n;
    rs->body[rs->body_len] = '\0';
    return n;
}

/* Copy a header's value (trimmed) when `line` is "name: value". */
static void http_header_value(const char *line, size_t n, const char *name, char *dst,
                              size_t size)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return;
    const char *v = line + k + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= size)
        len = 0;   /* too long to be honest: ignored */
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static size_t http_header(char *data, size_t size, size_t nmemb, void *user)
{
    HttpSink *sink = user;
    HttpResponse *rs = sink->rs;
    size_t n = size * nmemb;
    if (n > 9 && strncasecmp(data, "Location:", 9) == 0) {
        size_t k = 9;
        while (k < n && (data[k] == ' ' || data[k] == '\t'))
            k++;
        size_t len = n - k < sizeof sink->location - 1 ? n - k : sizeof sink->location - 1;
        memcpy(sink->location, data + k, len);
        sink->location[len] = '\0';
    }
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {   /* a new response (redirect, 100) */
        rs->etag[0] = '\0';
        rs->retry_after[0] = '\0';
        rs->content_type[0] = '\0';
        rs->date[0] = '\0';
    }
    http_header_value(data, n, "ETag", rs->etag, sizeof rs->etag);
    http_header_value(data, n, "Content-Type", rs->content_type, sizeof rs->content_type);
    http_header_value(data, n, "Retry-After", rs->retry_after, sizeof rs->retry_after);
    http_header_value(data, n, "Date", rs->date, sizeof rs->date);
    return n;
}

static int http_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt; (void)dn; (void)ut; (void)un;
    return atomic_load(&((Http *)user)->stop) ? 1 : 0;
}

/* Run the easy handle on the multi handle until done or interrupted. */
static CURLcode http_perform(Http *h)
{
    CURLcode result = CURLE_OK;
    if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK)
        return CURLE_FAILED_INIT;
    int running = 1;
    while (running) {
        if (atomic_load(&h->stop)) {
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (curl_multi_perform(h->multi, &running) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
        if (!running)
            break;
        if (curl_multi_poll(h->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            result = CURLE_FAILED_INIT;
            break;
        }
    }
    int left;
    CURLMsg *m;
    while ((m = curl_multi_info_read(h->multi, &left)))
        if (m->msg == CURLMSG_DONE && m->easy_handle == h->easy && result == CURLE_OK)
            result = m->data.result;
    curl_multi_remove_handle(h->multi, h->easy);
    return result;
}

HttpResult http_request(Http *h, const HttpRequest *rq, HttpResponse *rs)
{
    memset(rs, 0, sizeof *rs);
    char why[200];
    if (http_url_check(rq->url, h->policy.allow_http_loopback, why, sizeof why) < 0) {
        snprintf(rs->error, sizeof rs->error, "URL refused: %s", why);
        return HTTP_REFUSED;
    }
    if (atomic_load(&h->stop)) {
        snprintf(rs->error, sizeof rs->error, "stopped");
        return HTTP_STOPPED;
    }
    CURL *e = h->easy;
    curl_easy_reset(e);
    bool plain = strncasecmp(rq->url, "http:", 5) == 0;
    char errbuf[CURL_ERROR_SIZE] = "";
    HttpSink sink = {rs, 0, rq->max_body ? rq->max_body : HTTP_DEFAULT_MAX_BODY, false, false,
                     ""};
    struct curl_slist *hdr = NULL;
    char line[512];

    curl_easy_setopt(e, CURLOPT_URL, rq->url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, HTTP_MAX_REDIRECTS);
    curl_easy_setopt(e, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_file[0])
        curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "localhost,127.0.0.0/8,::1");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->policy.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->policy.total_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, (long)h->policy.low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)h->policy.low_speed_time_s);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink.max);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "lobby-kiosk/" KIOSK_VERSION);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, http_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, h);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);

    hdr = curl_slist_append(hdr, "Expect:");   /* no 100-continue round trip */
    if (strcmp(rq->method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
        snprintf(line, sizeof line, "Content-Type: %s",
                 rq->content_type ? rq->content_type : "application/json");
        hdr = curl_slist_append(hdr, line);
    } else {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
    if (rq->bearer && rq->bearer[0]) {
        /* libcurl drops this header when a redirect leaves the host. */
        snprintf(line, sizeof line, "Authorization: Bearer %s", rq->bearer);
        hdr = curl_slist_append(hdr, line);
    }
    if (rq->idempotency_key) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", rq->idempotency_key);
        hdr = curl_slist_append(hdr, line);
    }
    if (rq->if_none_match && rq->if_none_match[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", rq->if_none_match);
        hdr = curl_slist_append(hdr, line);
    }
    memset(line, 0, sizeof line);   /* it held the token */
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);

    CURLcode rc = http_perform(h);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &rs->status);
    int64_t date_s;
    if (rs->status > 0 && rs->date[0] && backoff_http_date(rs->date, &date_s) == 0) {
        h->date_s = date_s;
        h->date_mono = time_mono_ms();
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hdr);

    if (rc == CURLE_OK)
        return HTTP_DONE;
    rs->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    snprintf(rs->error, sizeof rs->error, "%.80s%s%.160s", curl_easy_strerror(rc),
             errbuf[0] ? ": " : "", errbuf);
    free(rs->body);
    rs->body = NULL;
    rs->body_len = 0;
    if (atomic_load(&h->stop)) {
        snprintf(rs->error, sizeof rs->error, "stopped");
        return HTTP_STOPPED;
    }
    if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        snprintf(rs->error, sizeof rs->error, "response larger than %zu bytes", sink.max);
        return HTTP_TOO_BIG;
    }
    if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        /* rq->url passed the policy, so a redirect led elsewhere: say so
         * plainly, naming only the scheme (a URL may carry a secret). */
        size_t n = strcspn(sink.location, ":/?#");
        bool named = n > 0 && n <= 16 && sink.location[n] == ':';
        snprintf(rs->error, sizeof rs->error, "redirect to %.*s refused (only https is followed)",
                 named ? (int)n : 16, named ? sink.location : "another protocol");
        return HTTP_REFUSED;
    }
    if (rc == CURLE_TOO_MANY_REDIRECTS) {
        snprintf(rs->error, sizeof rs->error, "more than %ld redirects refused",
                 HTTP_MAX_REDIRECTS);
        return HTTP_REFUSED;
    }
    return HTTP_FAILED;
}

int http_server_time(const Http *h, int64_t *server_s, int64_t *mono_ms)
{
    if (!h || h->date_mono == 0)
        return -1;
    *server_s = h->date_s;
    *mono_ms = h->date_mono;
    return 0;
}

void http_response_free(HttpResponse *rs)
{
    if (!rs)
        return;
    free(rs->body);
    rs->body = NULL;
    rs->body_len = 0;
}

static const char *http_skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

bool http_is_json(const char *ct)
{
    static const char json[] = "application/json", cs[] = "charset";
    if (!ct || strncasecmp(ct, json, sizeof json - 1) != 0)
        return false;
    const char *p = http_skip_ws(ct + sizeof json - 1);
    if (*p == '\0')
        return true;
    if (*p != ';')
        return false;   /* "application/jsonp", "application/json-seq" */
    p = http_skip_ws(p + 1);
    if (strncasecmp(p, cs, sizeof cs - 1) != 0)
        return false;
    p = http_skip_ws(p + sizeof cs - 1);
    if (*p++ != '=')
        return false;
    p = http_skip_ws(p);
    bool quoted = *p == '"';
    p += quoted;
    if (strncasecmp(p, "utf-8", 5) != 0)
        return false;
    p += 5;
    if (quoted && *p++ != '"')
        return false;
    p = http_skip_ws(p);
    return *p == '\0' || (*p == ';' && *http_skip_ws(p + 1) == '\0');
}
