/* http.h - one HTTPS client (a libcurl easy handle) with the kiosk's
 * network policy built in, so no caller can weaken it:
 *
 *   - https only; plain http only to a loopback address (127.0.0.0/8, ::1,
 *     localhost) and only when the policy allows it (tests);
 *   - certificate and host name verification always on; a CA file may
 *     replace the system store (a private CA);
 *   - redirects followed (at most 3) only to https;
 *   - connect, total and low-speed timeouts on every transfer; a cap on the
 *     response body; no signals.
 *
 * An Http belongs to one thread at a time. http_interrupt may be called
 * from any thread: it ends a transfer in progress at once (the transfer
 * runs on curl's multi interface, woken by curl_multi_wakeup). */
#ifndef HTTP_H
#define HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Http Http;

typedef struct {
    const char *ca_file;          /* NULL or "": the system's CA store */
    bool allow_http_loopback;
    int64_t connect_timeout_ms;   /* <= 0: 10 s */
    int64_t total_timeout_ms;     /* <= 0: 60 s */
    int low_speed_time_s;         /* abort under low_speed_bytes/s for this long; <= 0: 20 */
    int low_speed_bytes;          /* <= 0: 100 */
} HttpPolicy;

/* Whether the policy lets the kiosk send to `url`: https, or http to a
 * literal loopback address or "localhost" when allow_http_loopback. The
 * host is read with curl's own URL parser, so "http://127.0.0.1@evil" or
 * "http://127.0.0.1.evil.com" are not loopback. Returns 0, or -1 with a
 * reason in err (never the whole URL, which may carry a secret). */
int http_url_check(const char *url, bool allow_http_loopback, char *err, size_t errlen);

/* A new client (initialises libcurl once per process). Returns NULL with a
 * message in err when libcurl cannot start or ca_file cannot be read. */
Http *http_create(const HttpPolicy *p, char *err, size_t errlen);
void http_destroy(Http *h);   /* NULL accepted */

/* End the transfer in progress, and every later one, with HTTP_STOPPED.
 * Any thread; NULL accepted. */
void http_interrupt(Http *h);
bool http_interrupted(const Http *h);

/* The server's time from the Date header of the last response that had a
 * valid one (any status): 0 with *server_s (Unix seconds) and *mono_ms
 * (time_mono_ms() when it arrived), -1 when none has. For the clock
 * policy (wallclock.h). Same thread as http_request. */
int http_server_time(const Http *h, int64_t *server_s, int64_t *mono_ms);

typedef struct {
    const char *method;           /* "GET" or "POST" */
    const char *url;
    const char *body;             /* POST body (sent as is) */
    size_t body_len;
    const char *content_type;     /* POST: NULL is application/json */
    const char *bearer;           /* Authorization: Bearer ...; NULL or "": none */
    const char *idempotency_key;  /* NULL: none */
    const char *if_none_match;    /* NULL or "": none */
    size_t max_body;              /* response body cap; 0: 64 KiB */
} HttpRequest;

typedef enum {
    HTTP_DONE,        /* a response came: see status */
    HTTP_REFUSED,     /* the policy refused the URL or a redirect: nothing more was sent */
    HTTP_FAILED,      /* connection, TLS, timeout, reset, truncated body */
    HTTP_TOO_BIG,     /* the response body went over max_body */
    HTTP_STOPPED,     /* http_interrupt */
} HttpResult;

typedef struct {
    long status;                  /* HTTP status of the last response, 0 if none */
    char *body;                   /* malloc'd, NUL-terminated (NULL if empty) */
    size_t body_len;
    char etag[256];               /* ETag header of the final response, or "" */
    char retry_after[64];         /* Retry-After header of the final response, or "" */
    char content_type[128];       /* Content-Type of the final response, or "" */
    char date[64];                /* Date header of the final response, or "" */
    bool timed_out;
    char error[256];              /* a one-line reason when not HTTP_DONE */
} HttpResponse;

/* Perform one request. Always fills *rs (free with http_response_free).
 * A connection may be reused from an earlier request. */
HttpResult http_request(Http *h, const HttpRequest *rq, HttpResponse *rs);
void http_response_free(HttpResponse *rs);

/* Whether a Content-Type value is JSON: the media type application/json
 * (any case), with no parameter but an optional charset of utf-8. ""
 * (no header) is not. */
bool http_is_json(const char *content_type);

#endif
