/* test_http.c - the network policy: https only, plain http only to
 * loopback and only when allowed, TLS verification against a test CA (a
 * wrong CA, a wrong host name and a redirect to http are refused),
 * timeouts, the body cap, and an interrupt that ends a hanging transfer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "faultsrv.h"
#include "http.h"
#include "timeutil.h"
#include "tmpdir.h"

static char *dir;   /* certificates */

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    return dir && faultsrv_make_certs(dir) == 0 ? 0 : -1;
}
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

static char *cert(const char *name)
{
    static char buf[8][256];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void test_url_policy(void **state)
{
    (void)state;
    char err[200];
    struct { const char *url; bool allow; int want; } cases[] = {
        {"https://office.example/api", false, 0},
        {"HTTPS://office.example/api", false, 0},
        {"https://127.0.0.1:8443/x", false, 0},
        {"http://office.example/api", false, -1},
        {"http://office.example/api", true, -1},       /* not loopback */
        {"http://127.0.0.1:8080/x", false, -1},        /* not allowed */
        {"http://127.0.0.1:8080/x", true, 0},
        {"http://127.8.9.10/x", true, 0},               /* 127.0.0.0/8 */
        {"http://localhost:9/x", true, 0},
        {"http://LOCALHOST:9/x", true, 0},
        {"http://[::1]:9/x", true, 0},
        {"http://128.0.0.1/x", true, -1},
        {"http://127.0.0.1.evil.example/x", true, -1},
        {"http://127.0.0.1@evil.example/x", true, -1},  /* userinfo, not the host */
        {"http://localhost.evil.example/x", true, -1},
        {"http://[::2]/x", true, -1},
        {"ftp://127.0.0.1/x", true, -1},
        {"file:///etc/passwd", true, -1},
        {"127.0.0.1/x", true, -1},
        {"", true, -1},
        {"https://", false, -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        err[0] = '\0';
        int rc = http_url_check(cases[i].url, cases[i].allow, err, sizeof err);
        if (rc != cases[i].want)
            fail_msg("%s (allow %d): got %d, %s", cases[i].url, cases[i].allow, rc, err);
        if (rc < 0)
            assert_true(err[0] != '\0');
    }
    /* The policy holds in http_request too: nothing is sent. */
    HttpPolicy p = {0};
    Http *h = http_create(&p, err, sizeof err);
    assert_non_null(h);
    HttpRequest rq = {.method = "GET", .url = "http://127.0.0.1:1/"};
    HttpResponse rs;
    assert_int_equal(http_request(h, &rq, &rs), HTTP_REFUSED);
    http_response_free(&rs);
    http_destroy(h);
}

static Http *client(const char *ca, bool allow_http)
{
    char err[200];
    HttpPolicy p = {.ca_file = ca, .allow_http_loopback = allow_http,
                    .connect_timeout_ms = 3000, .total_timeout_ms = 5000,
                    .low_speed_time_s = 2};
    Http *h = http_create(&p, err, sizeof err);
    if (!h)
        fail_msg("http_create: %s", err);
    return h;
}

static HttpResult get(Http *h, const char *url, long *status, char *error, size_t n)
{
    HttpRequest rq = {.method = "GET", .url = url, .bearer = "test-token"};
    HttpResponse rs;
    HttpResult r = http_request(h, &rq, &rs);
    *status = rs.status;
    snprintf(error, n, "%s", rs.error);
    http_response_free(&rs);
    return r;
}

static void test_tls(void **state)
{
    (void)state;
    FaultSrv good, wrong, plain;
    assert_int_equal(faultsrv_start(&good, cert("server.pem"), cert("server.key"), NULL, NULL), 0);
    assert_int_equal(faultsrv_start(&wrong, cert("wrong.pem"), cert("wrong.key"), NULL, NULL), 0);
    assert_int_equal(faultsrv_start(&plain, NULL, NULL, NULL, NULL), 0);
    json_decref(faultsrv_ctl(&good, "/content", "{\"mode\":\"ok\",\"body\":\"{}\"}"));
    long status;
    char error[256];

    /* The test CA: verified, answered. Also by the name localhost. */
    Http *h = client(cert("ca.pem"), false);
    assert_int_equal(get(h, faultsrv_url(&good, "/content"), &status, error, sizeof error),
                     HTTP_DONE);
    assert_int_equal(status, 200);
    char url[256];
    snprintf(url, sizeof url, "https://localhost:%d/content", good.port);
    assert_int_equal(get(h, url, &status, error, sizeof error), HTTP_DONE);

    /* A certificate for another name: refused, whatever the CA. */
    assert_int_equal(get(h, faultsrv_url(&wrong, "/content"), &status, error, sizeof error),
                     HTTP_FAILED);
    assert_int_equal(status, 0);

    /* A redirect from https to http is not followed, and the error says
     * so in plain words (issue 12 item 10); to https it is followed. */
    snprintf(url, sizeof url, "%s/redirect?to=http://127.0.0.1:%d/content", good.base,
             plain.port);
    assert_int_equal(get(h, url, &status, error, sizeof error), HTTP_REFUSED);
    if (!strstr(error, "redirect to http refused") || strstr(error, "not supported"))
        fail_msg("error: %s", error);
    snprintf(url, sizeof url, "%s/redirect?to=%s/content", good.base, good.base);
    assert_int_equal(get(h, url, &status, error, sizeof error), HTTP_DONE);
    assert_int_equal(status, 200);
    http_destroy(h);

    /* Even with loopback http allowed, a redirect to http is refused. */
    h = client(cert("ca.pem"), true);
    snprintf(url, sizeof url, "%s/redirect?to=http://127.0.0.1:%d/content", good.base,
             plain.port);
    assert_int_equal(get(h, url, &status, error, sizeof error), HTTP_REFUSED);
    snprintf(url, sizeof url, "%s/redirect?to=http://127.0.0.1:%d/content", plain.base,
             plain.port);
    assert_int_equal(get(h, url, &status, error, sizeof error), HTTP_REFUSED);
    http_destroy(h);

    /* An unrelated CA: the good server is refused. */
    h = client(cert("other-ca.pem"), false);
    assert_int_equal(get(h, faultsrv_url(&good, "/content"), &status, error, sizeof error),
                     HTTP_FAILED);
    assert_non_null(strstr(error, "certificate"));
    http_destroy(h);

    /* The system store does not know the test CA either. */
    h = client(NULL, false);
    assert_int_equal(get(h, faultsrv_url(&good, "/content"), &status, error, sizeof error),
                     HTTP_FAILED);
    http_destroy(h);

    /* A CA file that is not there is an error at creation. */
    HttpPolicy p = {.ca_file = "/nonexistent/ca.pem"};
    assert_null(http_create(&p, error, sizeof error));
    assert_non_null(strstr(error, "ca_file"));

    faultsrv_stop(&good);
    faultsrv_stop(&wrong);
    faultsrv_stop(&plain);
}

static void test_body_cap_and_timeouts(void **state)
{
    (void)state;
    FaultSrv fs;
    assert_int_equal(faultsrv_start(&fs, NULL, NULL, NULL, NULL), 0);
    Http *h = client(NULL, true);
    long status;
    char error[256];
    HttpRequest rq = {.method = "GET", .url = faultsrv_url(&fs, "/content"),
                      .bearer = "test-token", .max_body = 1 << 20};
    HttpResponse rs;
    /* 50 MB, announced or not: stopped at the cap. */
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"huge\"}"));
    assert_int_equal(http_request(h, &rq, &rs), HTTP_TOO_BIG);
    assert_null(rs.body);
    http_response_free(&rs);
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"huge_stream\"}"));
    assert_int_equal(http_request(h, &rq, &rs), HTTP_TOO_BIG);
    http_response_free(&rs);
    /* A truncated body is a failure, not a short success. */
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"truncated\",\"body\":"
                             "\"0123456789012345678901234567890123456789\"}"));
    assert_int_equal(http_request(h, &rq, &rs), HTTP_FAILED);
    http_response_free(&rs);
    /* A server that answers nothing: the low-speed limit (2 s) ends it. */
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"hang\"}"));
    int64_t t0 = time_mono_ms();
    assert_int_equal(get(h, rq.url, &status, error, sizeof error), HTTP_FAILED);
    int64_t took = time_mono_ms() - t0;
    assert_true(took >= 1500 && took < 4900);
    /* Nothing listening: a transport failure. */
    faultsrv_stop(&fs);
    assert_int_equal(get(h, rq.url, &status, error, sizeof error), HTTP_FAILED);
    http_destroy(h);
}

typedef struct { Http *h; const char *url; HttpResult r; int64_t took; } Hung;

static void *hung_request(void *arg)
{
    Hung *g = arg;
    long status;
    char error[256];
    int64_t t0 = time_mono_ms();
    g->r = get(g->h, g->url, &status, error, sizeof error);
    g->took = time_mono_ms() - t0;
    return NULL;
}

static void test_interrupt_ends_a_hanging_transfer(void **state)
{
    (void)state;
    FaultSrv fs;
    assert_int_equal(faultsrv_start(&fs, NULL, NULL, NULL, NULL), 0);
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"hang\"}"));
    char err[200];
    HttpPolicy p = {.allow_http_loopback = true, .total_timeout_ms = 30000,
                    .low_speed_time_s = 30};
    Hung g = {http_create(&p, err, sizeof err), faultsrv_url(&fs, "/content"), HTTP_DONE, 0};
    assert_non_null(g.h);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, hung_request, &g), 0);
    json_t *w = faultsrv_wait(&fs, "inflight", 1, 10);   /* the request is hanging */
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_decref(w);
    int64_t t0 = time_mono_ms();
    http_interrupt(g.h);
    pthread_join(t, NULL);
    /* Promptly, not after the transfer timeout (tens of seconds). */
    assert_true(time_mono_ms() - t0 < 5000);
    assert_int_equal(g.r, HTTP_STOPPED);
    assert_true(http_interrupted(g.h));
    http_destroy(g.h);
    faultsrv_stop(&fs);
}

/* libcurl is opened by the first curl call (app/net/curl_lazy.c), not
 * when the program starts: first in this file, before any other test. */
static void test_libcurl_loads_on_first_use(void **state)
{
    (void)state;
    assert_null(dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD));
    char err[256] = "";
    assert_int_equal(http_url_check("https://example.org/x", false, err, sizeof err), 0);
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(lib);
    dlclose(lib);                    /* the reference NOLOAD took */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libcurl_loads_on_first_use),
        cmocka_unit_test(test_url_policy),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_body_cap_and_timeouts),
        cmocka_unit_test(test_interrupt_ends_a_hanging_transfer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
