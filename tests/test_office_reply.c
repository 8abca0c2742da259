/* test_office_reply.c - the public reply page and its JSON on a real
 * server in the test process: the reply for its code (however it is
 * typed) and nothing for any other code, the same answer for a code
 * nobody has and a code without a reply, a reply holding <script>
 * HTML-escaped, the strict headers; look-ups and enrolment attempts
 * limited per address in the database (429 with Retry-After, also from a
 * second server on the same database); the tracking address given to
 * kiosks points at /r/{receipt}. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "office.h"
#include "office_feed.h"
#include "office_reply.h"
#include "office_secret.h"
#include "ostore.h"
#include "replyfeed.h"
#include "tmpdir.h"

#define T0 1773453600LL

static char *dir;
static OfficeConf conf;
static Office *office;
static int64_t com_id;

static const char evil[] = "<script>alert(1)</script> & 东门\"路灯\"已修好'";

static int start(int reply_per_hour, int enrol_per_hour)
{
    dir = tmpdir_make();
    if (!dir)
        return -1;
    office_conf_defaults(&conf);
    snprintf(conf.data_dir, sizeof conf.data_dir, "%s", dir);
    snprintf(conf.office_key, sizeof conf.office_key, "none");
    snprintf(conf.public_url, sizeof conf.public_url, "https://office.example.cn");
    conf.listen_port = 0;
    conf.tick_s = 0;
    conf.reply_per_hour = reply_per_hour;
    conf.enrol_per_hour = enrol_per_hour;
    char db[600], err[300];
    snprintf(db, sizeof db, "%s/office.db", dir);
    Ostore *s = ostore_open(db, err, sizeof err);
    int64_t other;
    if (!s || ostore_org_init(s, "测试物业", "admin", "x", T0) != OSTORE_OK ||
        ostore_community_add(s, "cuihu", "翠湖花园", "", T0, &com_id) != OSTORE_OK ||
        ostore_community_add(s, "lanting", "兰亭", "", T0, &other) != OSTORE_OK)
        return -1;
    ReplyFeedItem it = {.receipt = "7KQ4-M2XD", .status = REPLY_IN_PROGRESS, .reply_zh = evil,
                        .reply_en = "Fixed <b>soon</b>", .updated_at = T0};
    ReplyFeedItem other_item = {.receipt = "HJKM-6789", .status = REPLY_DONE,
                                .reply_zh = "兰亭的回复", .updated_at = T0};
    if (office_feed_put_reply(s, com_id, &it, T0, err, sizeof err) != OFFICE_FEED_OK ||
        office_feed_put_reply(s, other, &other_item, T0, err, sizeof err) != OFFICE_FEED_OK)
        return -1;
    ostore_close(s);
    office = office_start(&conf, err, sizeof err);
    return office ? 0 : -1;
}

static int setup(void **state)
{
    (void)state;
    return start(1000, 1000);
}

static int setup_limited(void **state)
{
    (void)state;
    return start(8, 3);
}

static int teardown(void **state)
{
    (void)state;
    office_stop(office);
    office = NULL;
    tmpdir_remove(dir);
    return 0;
}

typedef struct {
    long status;
    char *body;
    size_t len;
    char csp[300], referrer[64], type[128], retry[32];
} Got;

static size_t got_body(char *p, size_t size, size_t n, void *ud)
{
    Got *g = ud;
    size_t len = size * n;
    char *b = realloc(g->body, g->len + len + 1);
    if (!b)
        return 0;
    memcpy(b + g->len, p, len);
    g->body = b;
    g->len += len;
    b[g->len] = '\0';
    return len;
}

static void got_header_value(const char *line, size_t len, const char *name, char *out,
                             size_t n)
{
    size_t nl = strlen(name);
    if (len > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
        const char *v = line + nl + 1;
        while (*v == ' ')
            v++;
        size_t vl = len - (size_t)(v - line);
        while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(out, n, "%.*s", (int)vl, v);
    }
}

static size_t got_header(char *p, size_t size, size_t n, void *ud)
{
    Got *g = ud;
    size_t len = size * n;
    got_header_value(p, len, "Content-Security-Policy", g->csp, sizeof g->csp);
    got_header_value(p, len, "Referrer-Policy", g->referrer, sizeof g->referrer);
    got_header_value(p, len, "Content-Type", g->type, sizeof g->type);
    got_header_value(p, len, "Retry-After", g->retry, sizeof g->retry);
    return len;
}

/* GET (or POST with a body) on `o`; the answer in *g (free g->body). */
static void fetch_on(Office *o, const char *path, const char *post, Got *g)
{
    memset(g, 0, sizeof *g);
    char url[400];
    snprintf(url, sizeof url, "%s%s", office_url(o), path);
    CURL *h = curl_easy_init();
    assert_non_null(h);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, got_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, g);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, got_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, g);
    if (post)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &g->status);
    curl_easy_cleanup(h);
}

static void fetch(const char *path, Got *g)
{
    fetch_on(office, path, NULL, g);
}

static void test_page_shows_its_reply_escaped(void **state)
{
    (void)state;
    /* However the resident's phone sends it: the QR's form, lower case. */
    static const char *const paths[] = {"/r/7KQ4-M2XD?c=cuihu", "/r/7KQ4M2XD",
                                        "/r/7kq4-m2xd?c=cuihu"};
    for (size_t i = 0; i < 3; i++) {
        Got g;
        fetch(paths[i], &g);
        assert_int_equal(g.status, 200);
        assert_non_null(strstr(g.type, "text/html"));
        assert_string_equal(g.csp, office_reply_csp());
        assert_non_null(strstr(g.csp, "default-src 'none'"));
        assert_non_null(strstr(g.csp, "style-src 'sha256-"));
        assert_null(strstr(g.csp, "unsafe-inline"));
        assert_string_equal(g.referrer, "no-referrer");
        assert_non_null(strstr(g.body, "7KQ4-M2XD"));
        assert_non_null(strstr(g.body, "处理中"));
        assert_non_null(strstr(g.body, "In progress"));
        /* Chinese first, for a phone (issue 13: "mobile-friendly, Chinese first") */
        assert_non_null(strstr(g.body, "<html lang=\"zh-CN\">"));
        assert_non_null(strstr(g.body, "name=\"viewport\" content=\"width=device-width"));
        assert_true(strstr(g.body, "处理中") < strstr(g.body, "In progress"));
        assert_true(strstr(g.body, "建议回复") < strstr(g.body, "Reply to your suggestion"));
        assert_non_null(strstr(g.body, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 东门"
                                       "&quot;路灯&quot;已修好&#39;"));
        assert_non_null(strstr(g.body, "Fixed &lt;b&gt;soon&lt;/b&gt;"));
        assert_null(strstr(g.body, "<script"));
        assert_null(strstr(g.body, "<b>soon"));
        /* Nothing loaded from elsewhere. */
        assert_null(strstr(g.body, "http://"));
        assert_null(strstr(g.body, "https://"));
        assert_null(strstr(g.body, "src="));
        free(g.body);
    }
}

static void test_other_codes_show_nothing(void **state)
{
    (void)state;
    /* A code nobody has, a code whose reply is another community's (asked
     * of this one), a community that does not exist: one answer. */
    char *expect = office_reply_html(NULL, "23456789", false);
    static const char *const paths[] = {"/r/2345-6789?c=cuihu", "/r/23456789",
                                        "/r/2345-6789?c=nope"};
    for (size_t i = 0; i < 3; i++) {
        Got g;
        fetch(paths[i], &g);
        assert_int_equal(g.status, 200);
        assert_string_equal(g.body, expect);
        assert_null(strstr(g.body, "alert"));
        assert_null(strstr(g.body, "处理中"));
        free(g.body);
    }
    free(expect);
    expect = office_reply_html(NULL, "HJKM6789", false);
    Got g;
    fetch("/r/HJKM-6789?c=cuihu", &g);
    assert_string_equal(g.body, expect);
    free(g.body);
    free(expect);
    /* Asked of its own community (or of all), that code has its reply. */
    fetch("/r/HJKM-6789?c=lanting", &g);
    assert_non_null(strstr(g.body, "兰亭的回复"));
    assert_null(strstr(g.body, "alert"));
    free(g.body);
    fetch("/r/HJKM-6789", &g);
    assert_non_null(strstr(g.body, "兰亭的回复"));
    free(g.body);
    /* Not a code at all: 400, and what was typed is not echoed. */
    fetch("/r/%3Cscript%3E", &g);
    assert_int_equal(g.status, 400);
    assert_null(strstr(g.body, "<script"));
    assert_non_null(strstr(g.body, "7KQ4-M2XD"));   /* the example */
    free(g.body);
}

static void test_json(void **state)
{
    (void)state;
    Got g;
    fetch("/api/reply/7kq4m2xd?c=cuihu", &g);
    assert_int_equal(g.status, 200);
    json_t *v = json_loads(g.body, 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "code")), "7KQ4-M2XD");
    assert_true(json_is_true(json_object_get(v, "found")));
    assert_string_equal(json_string_value(json_object_get(v, "status")), "in_progress");
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "reply"), "zh")),
                        evil);
    json_decref(v);
    free(g.body);
    fetch("/api/reply/2345-6789", &g);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.body, "{\"code\":\"2345-6789\",\"found\":false}");
    free(g.body);
    fetch("/api/reply/nonsense", &g);
    assert_int_equal(g.status, 400);
    assert_non_null(strstr(g.body, "\"bad_code\""));
    free(g.body);
}

static void test_lookups_rate_limited(void **state)
{
    (void)state;
    Got g;
    for (int i = 0; i < 8; i++) {
        fetch(i % 2 ? "/r/2345-6789?c=cuihu" : "/api/reply/2345-6789?c=cuihu", &g);
        assert_int_equal(g.status, 200);
        free(g.body);
    }
    fetch("/r/7KQ4-M2XD?c=cuihu", &g);
    assert_int_equal(g.status, 429);
    assert_non_null(strstr(g.body, "\"rate_limited\""));
    assert_null(strstr(g.body, "alert"));
    long retry = strtol(g.retry, NULL, 10);
    assert_true(retry >= 1 && retry <= 3600);
    free(g.body);
    /* Counted in the database: another server on it refuses too. */
    char err[300];
    Office *second = office_start(&conf, err, sizeof err);
    assert_non_null(second);
    fetch_on(second, "/api/reply/7KQ4-M2XD", NULL, &g);
    assert_int_equal(g.status, 429);
    free(g.body);
    office_stop(second);
}

static void test_enrolment_guessing_limited(void **state)
{
    (void)state;
    /* A real code first: the tracking address points at the reply page. */
    char db[600], err[300];
    snprintf(db, sizeof db, "%s/office.db", dir);
    Ostore *s = ostore_open(db, err, sizeof err);
    assert_non_null(s);
    char code[OFFICE_CODE_SIZE], hash[OSTORE_HASH_HEX];
    office_code_new(code);
    office_hash_hex(code, strlen(code), hash);
    assert_int_equal(ostore_kiosk_add(s, com_id, "lobby-1", hash, T0 * 2, T0, NULL), OSTORE_OK);
    ostore_close(s);
    char body[100];
    snprintf(body, sizeof body, "{\"code\":\"%s\"}", code);
    Got g;
    fetch_on(office, "/api/enrol", body, &g);
    assert_int_equal(g.status, 200);
    json_t *v = json_loads(g.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(v, "tracking_url")),
                        "https://office.example.cn/r/{receipt}?c=cuihu");
    json_decref(v);
    free(g.body);
    /* Guesses: two more answered, then 429. */
    for (int i = 0; i < 2; i++) {
        fetch_on(office, "/api/enrol", "{\"code\":\"2345-6789\"}", &g);
        assert_int_equal(g.status, 401);
        free(g.body);
    }
    fetch_on(office, "/api/enrol", "{\"code\":\"2345-6789\"}", &g);
    assert_int_equal(g.status, 429);
    assert_true(strtol(g.retry, NULL, 10) >= 1);
    free(g.body);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_page_shows_its_reply_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_codes_show_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookups_rate_limited, setup_limited, teardown),
        cmocka_unit_test_setup_teardown(test_enrolment_guessing_limited, setup_limited,
                                        teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    return rc;
}
