/* test_content.c - content_parse: the sample document and bad inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "content.h"
#include "receipt.h"
#include "replyfeed.h"
#include "timeutil.h"
#include "tmpdir.h"

#define SAMPLE "assets/content/sample.json"

/* ---- helpers ---- */

static char *read_sample(size_t *len)
{
    char *buf = tmpdir_read(SAMPLE);
    if (!buf)
        fail_msg("cannot read %s (run from the repository root)", SAMPLE);
    *len = strlen(buf);
    return buf;
}

/* Parse must fail and the message must contain every `parts` string. */
static void expect_error_n(const char *json, size_t len, const char *const *parts)
{
    char err[512] = "untouched";
    Content *c = content_parse(json, len, err, sizeof err);
    if (c) {
        content_free(c);
        fail_msg("accepted invalid document: %.200s", json);
    }
    for (; *parts; parts++)
        if (!strstr(err, *parts))
            fail_msg("message \"%s\" lacks \"%s\"", err, *parts);
}
#define expect_error(json, ...) \
    expect_error_n((json), strlen(json), (const char *const[]){ __VA_ARGS__, NULL })
#define expect_error_len(json, len, ...) \
    expect_error_n((json), (len), (const char *const[]){ __VA_ARGS__, NULL })

static Content *parse_ok(const char *json)
{
    char err[512];
    Content *c = content_parse(json, strlen(json), err, sizeof err);
    if (!c)
        fail_msg("rejected valid document: %s\n%.300s", err, json);
    assert_string_equal(err, "");
    return c;
}

#define SITE "\"site\":{\"name\":{\"zh\":\"翠湖花园\"}}"
#define GOOD_NOTICE(id) \
    "{\"id\":\"" id "\",\"category\":\"notice\",\"title\":{\"zh\":\"标题\"}," \
    "\"body\":{\"zh\":\"正文\"},\"publish_at\":\"2026-11-01T08:00:00+08:00\"," \
    "\"expire_at\":\"2027-01-01T00:00:00+08:00\"}"
#define GOOD_EVENT(id) \
    "{\"id\":\"" id "\",\"title\":{\"zh\":\"活动\"},\"description\":{\"zh\":\"说明\"}," \
    "\"location\":{\"zh\":\"广场\"},\"start\":\"2026-12-01T09:00+08:00\"," \
    "\"end\":\"2026-12-01T11:00+08:00\"}"

/* A document with the given notices, events and channels (JSON fragments). */
static char *doc(const char *notices, const char *events, const char *channels)
{
    size_t n = strlen(notices) + strlen(events) + strlen(channels) + 256;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "{" SITE ",\"notices\":[%s],\"events\":[%s],\"channels\":[%s]}",
             notices, events, channels);
    return s;
}

/* A one-notice document whose notice has `fields` (a JSON fragment). */
static char *doc_notice(const char *fields)
{
    char item[4096];
    snprintf(item, sizeof item, "{%s}", fields);
    return doc(item, "", "");
}

#define NOTICE_BASE "\"id\":\"n1\",\"title\":{\"zh\":\"标题\"},\"body\":{\"zh\":\"正文\"}," \
                    "\"publish_at\":\"2026-11-01T08:00:00+08:00\""

/* ---- the sample ---- */

static void test_sample(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_sample(&len);
    char err[512];
    Content *c = content_parse(buf, len, err, sizeof err);
    if (!c)
        fail_msg("sample rejected: %s", err);
    assert_int_equal(c->n_notices, 11);
    assert_int_equal(c->n_events, 8);
    assert_int_equal(c->n_channels, 4);
    assert_string_equal(ltext(&c->site_name, LANG_ZH), "翠湖花园社区");
    assert_string_equal(ltext(&c->site_name, LANG_EN), "Cuihu Garden Community");

    const Notice *w = content_find_notice(c, "water-cut-20261203");
    assert_non_null(w);
    assert_true(w->urgent);
    assert_false(w->pinned);
    assert_int_equal(w->category, CAT_NOTICE);
    int64_t t;
    assert_int_equal(time_parse_iso8601("2026-11-29T09:00:00+08:00", &t), 0);
    assert_int_equal(w->publish_at, t);
    assert_null(w->link);
    assert_true(content_find_notice(c, "office-winter-hours")->pinned);
    assert_int_equal(content_find_notice(c, "fee-accounts-2026q3")->category, CAT_ACCOUNTS);
    assert_non_null(strstr(content_find_notice(c, "fee-accounts-2026q3")->body.zh, "\n\n"));
    assert_string_equal(content_find_notice(c, "parcel-service-change")->link,
                        "https://cuihu-garden.example/parcels");
    assert_null(content_find_notice(c, "no-such-notice"));

    /* English falls back to Chinese when absent. */
    const Notice *lf = content_find_notice(c, "lost-and-found-1128");
    assert_non_null(lf);
    assert_null(lf->title.en);
    assert_string_equal(ltext(&lf->title, LANG_EN), "失物招领");
    assert_string_equal(ltext(&lf->title, LANG_ZH), "失物招领");
    assert_string_equal(ltext(&w->title, LANG_EN), w->title.en);

    const Event *tree = content_find_event(c, "family-tree-planting-20261205");
    assert_non_null(tree);
    assert_non_null(tree->signup_url);
    assert_null(content_find_event(c, "free-clinic-20261201")->signup_url);
    assert_true(tree->end > tree->start);

    int hotline = 0;
    for (size_t i = 0; i < c->n_channels; i++) {
        const Channel *ch = &c->channels[i];
        if (strcmp(ch->kind, "hotline") == 0) {
            hotline++;
            assert_memory_equal(ch->url, "tel:", 4);
        }
        if (strcmp(ch->kind, "wechat_group") == 0)
            assert_true(ch->expires_at > 0);
        if (strcmp(ch->kind, "official_account") == 0)
            assert_int_equal(ch->expires_at, 0);
    }
    assert_int_equal(hotline, 1);

    /* Version: 16 hex digits of the raw bytes; any change changes it. */
    assert_int_equal(strlen(c->version), 16);
    assert_int_equal(strspn(c->version, "0123456789abcdef"), 16);
    Content *c2 = content_parse(buf, len, err, sizeof err);
    assert_non_null(c2);
    assert_string_equal(c->version, c2->version);
    content_free(c2);
    buf[len - 1] = buf[len - 1] == '\n' ? ' ' : '\n';   /* trailing whitespace */
    c2 = content_parse(buf, len, err, sizeof err);
    assert_non_null(c2);
    assert_string_not_equal(c->version, c2->version);
    content_free(c2);

    Content *f = content_load_file(SAMPLE, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(f->version, c->version);
    content_free(f);
    content_free(c);
    content_free(NULL);
    free(buf);
}

/* At the tests' fixed clock most notices are visible and one is expired. */
static void test_sample_dates(void **state)
{
    (void)state;
    char err[512];
    Content *c = content_load_file(SAMPLE, err, sizeof err);
    assert_non_null(c);
    int64_t now, day, week_end;
    assert_int_equal(time_parse_iso8601("2026-12-01T10:00:00+08:00", &now), 0);
    assert_int_equal(time_parse_iso8601("2026-12-02T00:00:00+08:00", &day), 0);
    assert_int_equal(time_parse_iso8601("2026-12-07T00:00:00+08:00", &week_end), 0);
    int visible = 0, expired = 0, today = 0, week = 0, later = 0, past = 0;
    for (size_t i = 0; i < c->n_notices; i++) {
        const Notice *n = &c->notices[i];
        if (n->publish_at <= now && now < n->expire_at)
            visible++;
        else if (n->expire_at <= now)
            expired++;
    }
    for (size_t i = 0; i < c->n_events; i++) {
        const Event *e = &c->events[i];
        if (e->end < now - 86400)
            past++;
        else if (e->start < day)
            today++;
        else if (e->start < week_end)
            week++;
        else
            later++;
    }
    assert_true(visible >= 9);
    assert_int_equal(expired, 1);
    assert_int_equal(past, 1);
    assert_true(today >= 1 && week >= 1 && later >= 1);
    content_free(c);
}

/* ---- syntax and bytes ---- */

static void test_truncated(void **state)
{
    (void)state;
    expect_error("{\n  \"site\": {\n    \"name\": ", "line 3, column", "cut short");
    size_t len;
    char *buf = read_sample(&len);
    expect_error_len(buf, len / 2, "line ", ", column ");
    free(buf);
    expect_error("{\"site\": tru}", "line 1, column 12", "invalid token");
}

static void test_empty(void **state)
{
    (void)state;
    expect_error("", "empty");
    expect_error("  \n ", "line 2");
    char *dir = tmpdir_make();
    assert_non_null(dir);
    char *p = tmpdir_path(dir, "empty.json");
    assert_int_equal(tmpdir_write(p, "", 0), 0);
    char err[256];
    assert_null(content_load_file(p, err, sizeof err));
    assert_non_null(strstr(err, "empty"));
    assert_null(content_load_file("/nonexistent/x.json", err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
    assert_null(content_load_file(dir, err, sizeof err));
    assert_non_null(strstr(err, "directory"));
    free(p);
    tmpdir_remove(dir);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("{\n \"site\": \"ab\xff\"}", "line 2, column 13", "invalid UTF-8", "0xff");
    expect_error("{\"a\": \"\xc0\xaf\"}", "line 1, column 8", "invalid UTF-8");   /* overlong */
    expect_error("{\"a\": \"\xed\xa0\x80\"}", "invalid UTF-8");                  /* surrogate */
    expect_error("{\"a\": \"\xf4\x90\x80\x80\"}", "invalid UTF-8");              /* > U+10FFFF */
    expect_error("{\"a\": \"\xe7\xbf\"}", "invalid UTF-8");                      /* cut short */
    expect_error("{\"a\": \"x\"}\xe7", "line 1, column 11", "invalid UTF-8");
    /* Column counts characters, not bytes. */
    expect_error("{\"翠湖\": \"\x80\"}", "line 1, column 9");
}

static void test_nul(void **state)
{
    (void)state;
    static const char raw[] = "{\"site\":\n {\"na\0me\": 1}}";
    expect_error_len(raw, sizeof raw - 1, "line 2, column 6", "NUL");
    expect_error("{\"a\": \"x\\u0000y\"}", "line 1", "NUL");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    enum { DEPTH = 10000 };
    char *s = malloc(DEPTH * 6 + 16);
    assert_non_null(s);
    size_t n = 0;
    for (int i = 0; i < DEPTH; i++)
        s[n++] = '[';
    for (int i = 0; i < DEPTH; i++)
        s[n++] = ']';
    s[n] = '\0';
    expect_error(s, "line 1, column", "nested too deeply");
    n = 0;
    n += (size_t)sprintf(s, "{\"site\": ");
    for (int i = 0; i < DEPTH; i++)
        n += (size_t)sprintf(s + n, "{\"a\":");
    for (int i = 0; i < DEPTH; i++)
        s[n++] = '}';
    s[n++] = '}';
    s[n] = '\0';
    expect_error(s, "line 1, column", "nested too deeply");
    free(s);
}

static void test_too_large(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    assert_non_null(dir);
    char *p = tmpdir_path(dir, "big.json");
    /* 50 MB of real bytes: a valid-looking JSON string. */
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    static char chunk[1 << 20];
    memset(chunk, 'a', sizeof chunk);
    fputs("{\"site\": \"", f);
    for (int i = 0; i < 50; i++)
        assert_int_equal(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fputs("\"}", f);
    assert_int_equal(fclose(f), 0);

    char err[256];
    assert_null(content_load_file(p, err, sizeof err));
    if (!strstr(err, "52428812 bytes") || !strstr(err, "8388608"))
        fail_msg("message \"%s\" should name the size and the limit", err);
    char *buf = (char *)1;
    size_t len = 99;
    assert_int_equal(content_read_file(p, &buf, &len, err, sizeof err), -2);
    assert_null(buf);
    assert_int_equal(len, 0);

    /* Exactly at the limit is read (then parsed); one byte over is not. */
    assert_int_equal(truncate(p, CONTENT_MAX_BYTES), 0);
    assert_int_equal(content_read_file(p, &buf, &len, err, sizeof err), 0);
    assert_int_equal(len, CONTENT_MAX_BYTES);
    free(buf);
    assert_int_equal(truncate(p, CONTENT_MAX_BYTES + 1), 0);
    assert_int_equal(content_read_file(p, &buf, &len, err, sizeof err), -2);
    free(p);
    tmpdir_remove(dir);
}

/* ---- schema ---- */

static void test_structure(void **state)
{
    (void)state;
    expect_error("[1, 2]", "document: expected an object");
    expect_error("{\"notices\":[],\"events\":[],\"channels\":[]}", "site: missing");
    expect_error("{\"site\":{},\"notices\":[],\"events\":[],\"channels\":[]}",
                 "site.name: missing");
    expect_error("{" SITE ",\"notices\":[],\"channels\":[]}", "events: missing");
    expect_error("{" SITE ",\"notices\":{},\"events\":[],\"channels\":[]}",
                 "notices: expected an array, got an object");
    char *d = doc(GOOD_NOTICE("a") ",7", "", "");
    expect_error(d, "notices[1]: expected an object, got a number");
    free(d);
}

static void test_wrong_types(void **state)
{
    (void)state;
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                         "\"2027-01-01T00:00+08:00\",\"pinned\":\"yes\"");
    expect_error(d, "notices[0].pinned: expected true or false, got a string");
    free(d);
    d = doc_notice("\"id\":\"n1\",\"category\":\"notice\",\"title\":\"标题\"");
    expect_error(d, "notices[0].title: expected an object", "got a string");
    free(d);
    d = doc_notice("\"id\":42,\"category\":\"notice\"");
    expect_error(d, "notices[0].id: expected a string, got a number");
    free(d);
    d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":20270101");
    expect_error(d, "notices[0].expire_at: expected a string, got a number");
    free(d);
    d = doc("", GOOD_EVENT("e1") "," GOOD_EVENT("e2") ",{\"id\":\"e3\",\"title\":{\"zh\":[]}}", "");
    expect_error(d, "events[2].title.zh: expected a string, got an array");
    free(d);
}

static void test_missing_zh(void **state)
{
    (void)state;
    char *d = doc(GOOD_NOTICE("a") "," GOOD_NOTICE("b") ","
                  "{\"id\":\"c\",\"category\":\"safety\",\"title\":{\"en\":\"Fire\"}}", "", "");
    expect_error(d, "notices[2].title.zh: missing (Chinese text is required)");
    free(d);
    d = doc_notice("\"id\":\"n\",\"category\":\"notice\",\"title\":{\"zh\":\" \\n\"}");
    expect_error(d, "notices[0].title.zh: empty (Chinese text is required)");
    free(d);
    d = doc_notice("\"id\":\"n\",\"category\":\"notice\",\"title\":{\"zh\":\"t\"}");
    expect_error(d, "notices[0].body: missing");
    free(d);
    expect_error("{\"site\":{\"name\":{\"en\":\"Cuihu\"}},\"notices\":[],\"events\":[],"
                 "\"channels\":[]}", "site.name.zh: missing (Chinese text is required)");
}

static void test_english_optional(void **state)
{
    (void)state;
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                         "\"2027-01-01T00:00+08:00\",\"title\":{\"zh\":\"标题\",\"en\":\"\"},"
                         "\"body\":{\"zh\":\"正文\",\"en\":null}");
    Content *c = parse_ok(d);
    assert_string_equal(ltext(&c->notices[0].title, LANG_EN), "标题");
    assert_string_equal(ltext(&c->notices[0].body, LANG_EN), "正文");
    LText t = { "中文", "" };
    assert_string_equal(ltext(&t, LANG_EN), "中文");
    t.en = "English";
    assert_string_equal(ltext(&t, LANG_EN), "English");
    assert_string_equal(ltext(&t, LANG_ZH), "中文");
    content_free(c);
    free(d);
}

static void test_dates(void **state)
{
    (void)state;
    static const struct { const char *publish, *expire, *msg[4]; } cases[] = {
        { "2026-12-01 08:00:00+08:00", "2027-01-01T00:00+08:00",
          { "notices[0].publish_at: invalid date-time \"2026-12-01 08:00:00+08:00\"" } },
        { "2026-02-30T08:00+08:00", "2027-01-01T00:00+08:00",
          { "notices[0].publish_at", "does not exist" } },
        { "2026-01-01T08:00+08:00", "2025-02-29T00:00+08:00",
          { "notices[0].expire_at", "2025-02-29", "does not exist" } },
        { "2026-01-01T24:00+08:00", "2027-01-01T00:00+08:00",
          { "notices[0].publish_at", "hour" } },
        { "2026-01-01T08:00", "2027-01-01T00:00+08:00",
          { "notices[0].publish_at", "missing UTC offset" } },
        { "2026-12-01T08:00+08:00", "2026-11-01T00:00+08:00",
          { "notices[0].expire_at: must be after publish_at" } },
        { "2026-12-01T08:00+08:00", "2026-12-01T08:00+08:00",
          { "notices[0].expire_at: must be after publish_at" } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char f[512];
        snprintf(f, sizeof f, "\"id\":\"n\",\"category\":\"notice\",\"title\":{\"zh\":\"t\"},"
                 "\"body\":{\"zh\":\"b\"},\"publish_at\":\"%s\",\"expire_at\":\"%s\"",
                 cases[i].publish, cases[i].expire);
        char *d = doc_notice(f);
        expect_error_n(d, strlen(d), cases[i].msg);
        free(d);
    }
    char *d = doc("", "{\"id\":\"e\",\"title\":{\"zh\":\"t\"},\"description\":{\"zh\":\"d\"},"
                  "\"location\":{\"zh\":\"l\"},\"start\":\"2026-12-01T10:00+08:00\","
                  "\"end\":\"2026-12-01T09:59+08:00\"}", "");
    expect_error(d, "events[0].end: must not be before start");
    free(d);
    d = doc("", "{\"id\":\"e\",\"title\":{\"zh\":\"t\"},\"description\":{\"zh\":\"d\"},"
            "\"location\":{\"zh\":\"l\"},\"start\":\"2026-12-01T10:00+08:00\","
            "\"end\":\"2026-12-01T10:00+08:00\"}", "");
    Content *c = parse_ok(d);   /* end == start is fine */
    content_free(c);
    free(d);
}

static void test_duplicate_ids(void **state)
{
    (void)state;
    char *d = doc(GOOD_NOTICE("a") "," GOOD_NOTICE("b") "," GOOD_NOTICE("a"), "", "");
    expect_error(d, "notices[2].id: duplicate id \"a\" (also notices[0])");
    free(d);
    d = doc("", GOOD_EVENT("x") "," GOOD_EVENT("x"), "");
    expect_error(d, "events[1].id: duplicate id \"x\"");
    free(d);
    /* The same id in notices and events is fine: different lists. */
    d = doc(GOOD_NOTICE("same"), GOOD_EVENT("same"), "");
    Content *c = parse_ok(d);
    content_free(c);
    free(d);
}

/* A document with replies and board entries (JSON fragments). */
static char *doc_replies(const char *replies, const char *board)
{
    size_t n = strlen(replies) + strlen(board) + 256;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "{" SITE ",\"notices\":[],\"events\":[],\"channels\":[],"
             "\"replies\":[%s],\"board\":[%s]}", replies, board);
    return s;
}

#define REPLY(code, status) \
    "{\"receipt\":\"" code "\",\"status\":\"" status "\"," \
    "\"updated_at\":\"2026-11-27T16:30:00+08:00\"}"

static void test_replies_and_board(void **state)
{
    (void)state;
    char *d = doc_replies(REPLY("7KQ4-M2XD", "done") "," REPLY("H3TN8WAC", "in_progress"),
                          "{\"id\":\"b1\",\"said\":{\"zh\":\"路灯坏了\"},"
                          "\"done\":{\"zh\":\"已更换\"},\"date\":\"2026-11-20T00:00:00+08:00\"}");
    Content *c = parse_ok(d);
    assert_int_equal(c->n_replies, 2);
    assert_string_equal(c->replies[0].receipt, "7KQ4M2XD");
    assert_int_equal(c->replies[1].status, REPLY_IN_PROGRESS);
    assert_non_null(content_find_reply(c, "H3TN8WAC"));
    assert_null(content_find_reply(c, "H3TN8WAD"));
    assert_string_equal(ltext(&c->replies[0].reply, LANG_EN), "");   /* no reply text */
    assert_int_equal(c->n_board, 1);
    content_free(c);
    free(d);
    /* Absent arrays are empty. */
    c = parse_ok("{" SITE ",\"notices\":[],\"events\":[],\"channels\":[]}");
    assert_int_equal(c->n_replies, 0);
    assert_int_equal(c->n_board, 0);
    content_free(c);
    /* Errors name the place. */
    d = doc_replies(REPLY("7KQ4-M2X", "done"), "");
    expect_error(d, "replies[0].receipt", "is not a receipt code");
    free(d);
    d = doc_replies(REPLY("7KQ4-M2XO", "done"), "");   /* O is not in the alphabet */
    expect_error(d, "replies[0].receipt");
    free(d);
    d = doc_replies(REPLY("7KQ4-M2XD", "finished"), "");
    expect_error(d, "replies[0].status", "unknown status \"finished\"");
    free(d);
    d = doc_replies(REPLY("7KQ4-M2XD", "done") "," REPLY("7KQ4M2XD", "received"), "");
    expect_error(d, "replies[1].receipt", "duplicate receipt (also replies[0])");
    free(d);
    d = doc_replies("", "{\"id\":\"b1\",\"said\":{\"zh\":\"x\"},\"date\":\"2026-11-20T00:00:00+08:00\"}");
    expect_error(d, "board[0].done");
    free(d);
    d = doc_replies("", "5");
    expect_error(d, "board[0]", "expected an object");
    free(d);
}

/* ---- pictures ---- */

#define HASH_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define IMG(url, hash, extra) \
    "{\"url\":\"" url "\",\"sha256\":\"" hash "\",\"alt\":{\"zh\":\"盖章的通知\"," \
    "\"en\":\"The stamped notice\"},\"width\":2480,\"height\":3508" extra "}"
#define GOOD_IMG IMG("https://office.example/i/a.jpg", HASH_A, "")

static void test_images(void **state)
{
    (void)state;
    /* A notice, an event and a board item with pictures. */
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                         "\"2027-01-01T00:00:00+08:00\",\"images\":[" GOOD_IMG "," GOOD_IMG "]");
    Content *c = parse_ok(d);
    assert_int_equal(c->notices[0].n_images, 2);
    const ContentImage *im = &c->notices[0].images[1];
    assert_string_equal(im->url, "https://office.example/i/a.jpg");
    assert_string_equal(im->sha256, HASH_A);
    assert_string_equal(ltext(&im->alt, LANG_EN), "The stamped notice");
    assert_int_equal(im->width, 2480);
    assert_int_equal(im->height, 3508);
    assert_int_equal(im->role, IMAGE_ROLE_NONE);
    content_free(c);
    free(d);
    /* Without "images" an item has none. */
    d = doc(GOOD_NOTICE("n1"), GOOD_EVENT("e1"), "");
    c = parse_ok(d);
    assert_int_equal(c->notices[0].n_images, 0);
    assert_null(c->notices[0].images);
    assert_int_equal(c->events[0].n_images, 0);
    content_free(c);
    free(d);
    /* Board items say which picture is before and which after. */
    d = doc_replies("", "{\"id\":\"b1\",\"said\":{\"zh\":\"路灯坏了\"},\"done\":{\"zh\":\"已更换\"},"
                    "\"date\":\"2026-11-20T00:00:00+08:00\",\"images\":["
                    IMG("https://o.example/b.jpg", HASH_A, ",\"role\":\"before\"") ","
                    IMG("https://o.example/a.jpg", HASH_A, ",\"role\":\"after\"") "]}");
    c = parse_ok(d);
    assert_int_equal(c->board[0].n_images, 2);
    assert_int_equal(c->board[0].images[0].role, IMAGE_ROLE_BEFORE);
    assert_int_equal(c->board[0].images[1].role, IMAGE_ROLE_AFTER);
    assert_string_equal(content_image_role_name(IMAGE_ROLE_AFTER), "after");
    content_free(c);
    free(d);
}

static int count_image(const ContentImage *img, void *arg)
{
    (void)img;
    return ++*(int *)arg == 3 ? 7 : 0;
}

static void test_images_each(void **state)
{
    (void)state;
    char *d = doc("{" NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                  "\"2027-01-01T00:00:00+08:00\",\"images\":[" GOOD_IMG "]}",
                  GOOD_EVENT("e0") ",{\"id\":\"e1\",\"title\":{\"zh\":\"活动\"},"
                  "\"description\":{\"zh\":\"说明\"},\"location\":{\"zh\":\"广场\"},"
                  "\"start\":\"2026-12-01T09:00+08:00\",\"end\":\"2026-12-01T11:00+08:00\","
                  "\"images\":[" GOOD_IMG "," GOOD_IMG "," GOOD_IMG "]}", "");
    Content *c = parse_ok(d);
    assert_int_equal(c->events[1].n_images, 3);
    int n = 0;
    assert_int_equal(content_each_image(c, count_image, &n), 7);   /* stopped at the third */
    assert_int_equal(n, 3);
    content_free(c);
    free(d);
}

/* An office on loopback (development, the tests) serves pictures over
 * plain http; only a loopback host is taken so, and only for pictures. */
static void expect_image_error(const char *images, const char *want);
static void test_images_loopback_http(void **state)
{
    (void)state;
    static const char *const ok[] = {"http://127.0.0.1:8080/media/a.png",
                                     "http://localhost/media/a.jpg", "http://[::1]:443/a"};
    for (size_t i = 0; i < 3; i++) {
        char img[600];
        snprintf(img, sizeof img, IMG("%s", HASH_A, ""), ok[i]);
        char fields[1024];
        snprintf(fields, sizeof fields, NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                 "\"2027-01-01T00:00:00+08:00\",\"images\":[%s]", img);
        char *d = doc_notice(fields);
        Content *c = parse_ok(d);
        assert_string_equal(c->notices[0].images[0].url, ok[i]);
        content_free(c);
        free(d);
    }
    expect_image_error("[" IMG("http://127.0.0.1.evil.example/a.png", HASH_A, "") "]",
                       "must start with https://");
    expect_image_error("[" IMG("http://localhost:123456/a.png", HASH_A, "") "]",
                       "must start with https://");
    expect_image_error("[" IMG("http://127.0.0.1/", HASH_A, "") "]", "must start with https://");
    expect_image_error("[" IMG("http://localhost@evil.example/a", HASH_A, "") "]",
                       "must start with https://");
    /* Not for a notice's link. */
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                         "\"2027-01-01T00:00:00+08:00\",\"link\":\"http://127.0.0.1/x\"");
    expect_error(d, "notices[0].link: \"http://127.0.0.1/x\" must start with https://");
    free(d);
}

/* A notice whose images list is `images` must be refused with `want`. */
static void expect_image_error(const char *images, const char *want)
{
    char fields[3072];
    snprintf(fields, sizeof fields, NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
             "\"2027-01-01T00:00:00+08:00\",\"images\":%s", images);
    char *d = doc_notice(fields);
    expect_error(d, want);
    free(d);
}

static void test_images_errors(void **state)
{
    (void)state;
    expect_image_error("{}", "notices[0].images: expected an array, got an object");
    expect_image_error("[5]", "notices[0].images[0]: expected an object");
    expect_image_error("[" IMG("http://o.example/a.jpg", HASH_A, "") "]",
                       "notices[0].images[0].url: \"http://o.example/a.jpg\" must start with https://");
    expect_image_error("[" IMG("https://o.example/a.jpg", "0123", "") "]",
                       "notices[0].images[0].sha256: expected 64 lower-case hex digits");
    expect_image_error("[" IMG("https://o.example/a.jpg",
                       "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "") "]",
                       "images[0].sha256: expected 64 lower-case hex digits");
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"width\":10,\"height\":10}]",
                       "notices[0].images[0].alt: missing");
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"alt\":{\"zh\":\"图\"},\"height\":10}]",
                       "notices[0].images[0].width: missing");
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"alt\":{\"zh\":\"图\"},\"width\":10.5,\"height\":10}]",
                       "images[0].width: expected a whole number of pixels, got a number");
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"alt\":{\"zh\":\"图\"},\"width\":0,\"height\":10}]",
                       "images[0].width: 0 pixels is out of range (1 to 10000)");
    /* The decompression bomb's declared size is refused in the document. */
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"alt\":{\"zh\":\"图\"},\"width\":50000,\"height\":50000}]",
                       "images[0].width: 50000 pixels is out of range");
    expect_image_error("[{\"url\":\"https://o.example/a\",\"sha256\":\"" HASH_A "\","
                       "\"alt\":{\"zh\":\"图\"},\"width\":6000,\"height\":6000}]",
                       "notices[0].images[0]: 6000 x 6000 is 36000000 pixels, more than the limit of 24000000");
    expect_image_error("[" IMG("https://o.example/a.jpg", HASH_A, ",\"role\":\"before\"") "]",
                       "images[0].role: only board items have before/after pictures");
    expect_image_error("[" GOOD_IMG "," GOOD_IMG "," GOOD_IMG "," GOOD_IMG "," GOOD_IMG ","
                       GOOD_IMG "," GOOD_IMG "," GOOD_IMG "," GOOD_IMG "]",
                       "notices[0].images: too many pictures (9, at most 8)");
    char *d = doc_replies("", "{\"id\":\"b1\",\"said\":{\"zh\":\"x\"},\"done\":{\"zh\":\"y\"},"
                          "\"date\":\"2026-11-20T00:00:00+08:00\",\"images\":["
                          IMG("https://o.example/b.jpg", HASH_A, ",\"role\":\"during\"") "]}");
    expect_error(d, "board[0].images[0].role: unknown role \"during\" (expected before or after)");
    free(d);
}

/* ---- sealed replies ---- */

#define SALT_HEX "00112233445566778899aabbccddeeff"
/* A well-formed box (one block, all zero bytes) that no key opens. */
#define ZERO_BOX_B64 ZERO_BOX_98 "AAA="
#define A16 "AAAAAAAAAAAAAAAA"
#define ZERO_BOX_98 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 A16 \
                    A16 A16 A16 A16 A16 A16 A16 A16 "AAAAAAAA"
#define LOOKUP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LOOKUP_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SEALED(lookup, box) "{\"lookup\":\"" lookup "\",\"box\":\"" box "\"}"

/* A document with a reply_salt (a JSON value, or NULL for none) and replies. */
static char *doc_sealed(const char *salt, const char *replies)
{
    size_t n = strlen(replies) + (salt ? strlen(salt) : 0) + 256;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "{" SITE ",\"notices\":[],\"events\":[],\"channels\":[],%s%s%s"
             "\"replies\":[%s]}", salt ? "\"reply_salt\":" : "", salt ? salt : "",
             salt ? "," : "", replies);
    return s;
}

/* {"lookup": ..., "box": ...} for `code` under SALT_HEX with `plain` (any
 * bytes, valid reply JSON or not) in the box. Caller frees. */
static char *sealed_entry(const char *code, const char *plain)
{
    unsigned char salt[RECEIPT_SALT_BYTES];
    assert_int_equal(receipt_unhex(SALT_HEX, salt, sizeof salt), 0);
    ReceiptKeys k;
    assert_int_equal(receipt_derive(code, salt, &k), 0);
    char lookup[RECEIPT_LOOKUP_HEX + 1];
    receipt_hex(k.lookup, sizeof k.lookup, lookup);
    char *box = receipt_seal(&k, plain, strlen(plain));
    receipt_wipe(&k);
    assert_non_null(box);
    size_t n = strlen(box) + 200;
    char *s = malloc(n);
    snprintf(s, n, "{\"lookup\":\"%s\",\"box\":\"%s\"}", lookup, box);
    free(box);
    return s;
}

static void test_sealed_replies_open(void **state)
{
    (void)state;
    unsigned char salt[RECEIPT_SALT_BYTES];
    assert_int_equal(receipt_unhex(SALT_HEX, salt, sizeof salt), 0);
    const ReplyFeedItem items[] = {
        {"7KQ4-M2XD", REPLY_DONE, "车库灯已修好", "The car park lights are fixed", 1796000000},
        {"H3TN8WAC", REPLY_IN_PROGRESS, "屋顶维修中", NULL, 1796010000},
        {"d9fx-4rpm", REPLY_RECEIVED, NULL, NULL, 1796020000},
    };
    char err[300];
    char *arr = replyfeed_seal(items, 3, salt, err, sizeof err);
    if (!arr)
        fail_msg("%s", err);
    /* Two more entries: a box that opens but holds no JSON, and one that
     * holds a reply of an unknown status; and a well-formed box no key opens. */
    char *junk = sealed_entry("QE6V2YKT", "not json at all");
    char *odd = sealed_entry("2345ACDE", "{\"status\":\"lost\",\"updated_at\":\"2026-11-27T16:30:00Z\"}");
    size_t n = strlen(arr) + strlen(junk) + strlen(odd) + 1000;
    char *all = malloc(n);
    /* The entries of replyfeed's array (between its [ and ]) and the three. */
    snprintf(all, n, "%.*s,%s,%s," SEALED(LOOKUP_A, ZERO_BOX_B64),
             (int)(strrchr(arr, ']') - arr - 1), arr + 1, junk, odd);
    char *d = doc_sealed("\"" SALT_HEX "\"", all);
    Content *c = parse_ok(d);
    assert_true(c->replies_sealed);
    assert_int_equal(c->n_replies, 0);
    assert_int_equal(c->n_sealed, 6);
    assert_null(content_find_reply(c, "7KQ4M2XD"));   /* no plain entries */

    Reply *r;
    assert_int_equal(content_open_reply(c, "7kq4 m2xd", &r), CONTENT_REPLY_FOUND);
    assert_string_equal(r->receipt, "7KQ4M2XD");
    assert_int_equal(r->status, REPLY_DONE);
    assert_string_equal(ltext(&r->reply, LANG_ZH), "车库灯已修好");
    assert_string_equal(ltext(&r->reply, LANG_EN), "The car park lights are fixed");
    assert_int_equal(r->updated_at, 1796000000);
    content_reply_free(r);
    assert_int_equal(content_open_reply(c, "H3TN-8WAC", &r), CONTENT_REPLY_FOUND);
    assert_int_equal(r->status, REPLY_IN_PROGRESS);
    assert_string_equal(ltext(&r->reply, LANG_EN), "屋顶维修中");   /* falls back to zh */
    content_reply_free(r);
    assert_int_equal(content_open_reply(c, "D9FX4RPM", &r), CONTENT_REPLY_FOUND);
    assert_int_equal(r->status, REPLY_RECEIVED);
    assert_string_equal(ltext(&r->reply, LANG_ZH), "");
    content_reply_free(r);
    /* Wrong codes, boxes that open to nothing valid: no reply. */
    assert_int_equal(content_open_reply(c, "7KQ4M2XE", &r), CONTENT_REPLY_NONE);
    assert_null(r);
    assert_int_equal(content_open_reply(c, "QE6V2YKT", &r), CONTENT_REPLY_NONE);
    assert_null(r);
    assert_int_equal(content_open_reply(c, "2345ACDE", &r), CONTENT_REPLY_NONE);
    assert_null(r);
    assert_int_equal(content_open_reply(c, "7KQ4", &r), CONTENT_REPLY_MALFORMED);
    assert_int_equal(content_open_reply(NULL, "7KQ4M2XD", &r), CONTENT_REPLY_NONE);
    content_reply_free(NULL);

    /* The same document with one bit of a real box flipped: that reply is gone. */
    char *box = strstr(d, "\"box\": \"");
    assert_non_null(box);
    box += 8 + 60;
    *box = *box == 'A' ? 'B' : 'A';
    Content *t = parse_ok(d);
    int found = 0;
    for (size_t i = 0; i < 3; i++) {
        if (content_open_reply(t, items[i].receipt, &r) == CONTENT_REPLY_FOUND)
            found++;
        content_reply_free(r);
    }
    assert_int_equal(found, 2);
    content_free(t);
    content_free(c);
    free(d);
    free(all);
    free(junk);
    free(odd);
    free(arr);
}

static void test_sealed_replies_errors(void **state)
{
    (void)state;
    static const struct { const char *salt, *replies, *where, *what; } cases[] = {
        {"\"0011\"", "", "reply_salt", "expected 32 hex digits (16 bytes)"},
        {"\"00112233445566778899aabbccddeefg\"", "", "reply_salt", "expected 32 hex digits"},
        {"\"" SALT_HEX "00\"", "", "reply_salt", "expected 32 hex digits"},
        {"16", "", "reply_salt", "expected a string, got a number"},
        {"\"" SALT_HEX "\"", SEALED("abcd", ZERO_BOX_B64), "replies[0].lookup",
         "expected 64 hex digits (32 bytes)"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A "0", ZERO_BOX_B64), "replies[0].lookup",
         "expected 64 hex digits"},
        {"\"" SALT_HEX "\"", "{\"box\":\"" ZERO_BOX_B64 "\"}", "replies[0].lookup", "missing"},
        {"\"" SALT_HEX "\"", "{\"lookup\":\"" LOOKUP_A "\"}", "replies[0].box", "missing"},
        {"\"" SALT_HEX "\"", "{\"lookup\":\"" LOOKUP_A "\",\"box\":7}", "replies[0].box",
         "expected a string"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A, "not base64!"), "replies[0].box", "not base64"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A, ZERO_BOX_98 "AA A"), "replies[0].box", "not base64"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A, "AAAA"), "replies[0].box", "wrong length"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A, ZERO_BOX_98 "AAAA"), "replies[0].box",
         "wrong length"},
        {"\"" SALT_HEX "\"", SEALED(LOOKUP_A, ZERO_BOX_B64) "," SEALED(LOOKUP_B, ZERO_BOX_B64)
         "," SEALED(LOOKUP_A, ZERO_BOX_B64), "replies[2].lookup", "duplicate lookup (also replies[0])"},
        {"\"" SALT_HEX "\"", REPLY("7KQ4-M2XD", "done"), "replies[0].receipt",
         "not allowed in a sealed feed"},
        {"\"" SALT_HEX "\"", "{\"lookup\":\"" LOOKUP_A "\",\"box\":\"" ZERO_BOX_B64 "\","
         "\"reply\":{\"zh\":\"明文\"}}", "replies[0].reply", "not allowed in a sealed feed"},
        {"\"" SALT_HEX "\"", "{\"lookup\":\"" LOOKUP_A "\",\"box\":\"" ZERO_BOX_B64 "\","
         "\"status\":\"done\"}", "replies[0].status", "not allowed in a sealed feed"},
        {"\"" SALT_HEX "\"", "7", "replies[0]", "expected an object"},
        {NULL, SEALED(LOOKUP_A, ZERO_BOX_B64), "replies[0].lookup", "needs \"reply_salt\""},
        {NULL, "{\"box\":\"" ZERO_BOX_B64 "\"}", "replies[0].box", "needs \"reply_salt\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = doc_sealed(cases[i].salt, cases[i].replies);
        char err[512] = "";
        Content *c = content_parse(d, strlen(d), err, sizeof err);
        if (c)
            fail_msg("case %zu accepted: %s", i, d);
        if (strncmp(err, cases[i].where, strlen(cases[i].where)) != 0 ||
            err[strlen(cases[i].where)] != ':' || !strstr(err, cases[i].what))
            fail_msg("case %zu: message \"%s\", expected \"%s: ...%s...\"", i, err,
                     cases[i].where, cases[i].what);
        free(d);
    }
    /* A sealed feed without replies, and the salt alone, are fine. */
    char *d = doc_sealed("\"" SALT_HEX "\"", "");
    Content *c = parse_ok(d);
    assert_true(c->replies_sealed);
    Reply *r;
    assert_int_equal(content_open_reply(c, "7KQ4M2XD", &r), CONTENT_REPLY_NONE);
    content_free(c);
    free(d);
}

/* The old form still answers through the same call. */
static void test_plain_replies_open(void **state)
{
    (void)state;
    char *d = doc_replies(REPLY("7KQ4-M2XD", "done"), "");
    Content *c = parse_ok(d);
    assert_false(c->replies_sealed);
    Reply *r;
    assert_int_equal(content_open_reply(c, "7kq4m2xd", &r), CONTENT_REPLY_FOUND);
    assert_string_equal(r->receipt, "7KQ4M2XD");
    assert_int_equal(r->status, REPLY_DONE);
    assert_string_equal(ltext(&r->reply, LANG_ZH), "");
    content_reply_free(r);
    assert_int_equal(content_open_reply(c, "7KQ4M2XE", &r), CONTENT_REPLY_NONE);
    assert_null(r);
    assert_int_equal(content_open_reply(c, "7KQ4-M2X", &r), CONTENT_REPLY_MALFORMED);
    assert_null(r);
    content_free(c);
    free(d);
}

/* What a box must hold, checked as the kiosk checks it when opening. */
static void test_reply_box_rules(void **state)
{
    (void)state;
    char err[300];
    Reply *r = content_parse_reply_box("{\"status\":\"declined\",\"updated_at\":\"2026-11-25T09:00+08:00\","
                                       "\"reply\":{\"zh\":\"暂不采纳\",\"en\":\"No\"}}", 101, err, sizeof err);
    assert_null(r);   /* the length is one short: the JSON is cut */
    const char *ok = "{\"status\":\"declined\",\"updated_at\":\"2026-11-25T09:00+08:00\","
                     "\"reply\":{\"zh\":\"暂不采纳\",\"en\":\"No\"}}";
    r = content_parse_reply_box(ok, strlen(ok), err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    assert_int_equal(r->status, REPLY_DECLINED);
    assert_string_equal(r->receipt, "");
    content_reply_free(r);
    static const struct { const char *json, *what; } bad[] = {
        {"[]", "box: expected an object"},
        {"{\"updated_at\":\"2026-11-25T09:00+08:00\"}", "box.status: missing"},
        {"{\"status\":\"done\"}", "box.updated_at: missing"},
        {"{\"status\":\"done\",\"updated_at\":\"2026-11-25\"}", "box.updated_at: invalid date-time"},
        {"{\"status\":\"done\",\"updated_at\":\"2026-11-25T09:00Z\",\"reply\":{\"en\":\"x\"}}",
         "box.reply.zh: missing"},
        {"{\"status\":", "box: not JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = content_parse_reply_box(bad[i].json, strlen(bad[i].json), err, sizeof err);
        if (r || !strstr(err, bad[i].what))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].what);
    }
}

static void test_ids(void **state)
{
    (void)state;
    char *d = doc(GOOD_NOTICE("has space"), "", "");
    expect_error(d, "notices[0].id", "has characters other than");
    free(d);
    d = doc(GOOD_NOTICE(""), "", "");
    expect_error(d, "notices[0].id: empty");
    free(d);
    char id[70];
    memset(id, 'x', 65);
    id[65] = '\0';
    char item[1024];
    snprintf(item, sizeof item, GOOD_NOTICE("%s"), id);
    d = doc(item, "", "");
    expect_error(d, "notices[0].id: too long (65 characters, at most 64)");
    free(d);
    id[64] = '\0';
    snprintf(item, sizeof item, GOOD_NOTICE("%s"), id);
    d = doc(item, "", "");
    Content *c = parse_ok(d);
    content_free(c);
    free(d);
}

static void test_unknown_category(void **state)
{
    (void)state;
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"repair\",\"expire_at\":"
                         "\"2027-01-01T00:00+08:00\"");
    expect_error(d, "notices[0].category: unknown category \"repair\"", "repairs");
    free(d);
    for (int i = 0; i < CAT_COUNT; i++)
        assert_int_equal(content_category_from_name(content_category_name((Category)i)), i);
    assert_int_equal(content_category_from_name("Notice"), -1);
    assert_string_equal(content_category_name(CAT_SAFETY), "safety");
}

static void test_limits(void **state)
{
    (void)state;
    /* Title: 200 characters (Chinese, 3 bytes each) pass; 201 do not. */
    char title[202 * 3 + 1] = "";
    for (int i = 0; i < 201; i++)
        strcat(title, "字");
    char f[2048];
    snprintf(f, sizeof f, NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
             "\"2027-01-01T00:00+08:00\",\"title\":{\"zh\":\"%s\"}", title);
    char *d = doc_notice(f);
    expect_error(d, "notices[0].title.zh: too long (201 characters, at most 200)");
    free(d);
    title[200 * 3] = '\0';
    snprintf(f, sizeof f, NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
             "\"2027-01-01T00:00+08:00\",\"title\":{\"zh\":\"%s\"}", title);
    d = doc_notice(f);
    Content *c = parse_ok(d);
    content_free(c);
    free(d);

    /* 501 notices. */
    size_t cap = 501 * 256;
    char *items = malloc(cap);
    assert_non_null(items);
    size_t n = 0;
    for (int i = 0; i < 501; i++)
        n += (size_t)snprintf(items + n, cap - n, "%s" GOOD_NOTICE("n%d"), i ? "," : "", i);
    d = doc(items, "", "");
    expect_error(d, "notices: too many items (501, at most 500)");
    free(d);
    free(items);
}

static void test_urls_and_channels(void **state)
{
    (void)state;
    char *d = doc_notice(NOTICE_BASE ",\"category\":\"notice\",\"expire_at\":"
                         "\"2027-01-01T00:00+08:00\",\"link\":\"http://example.com/\"");
    expect_error(d, "notices[0].link: \"http://example.com/\" must start with https://");
    free(d);
    d = doc("", "{\"id\":\"e\",\"title\":{\"zh\":\"t\"},\"description\":{\"zh\":\"d\"},"
            "\"location\":{\"zh\":\"l\"},\"start\":\"2026-12-01T10:00+08:00\","
            "\"end\":\"2026-12-01T11:00+08:00\",\"signup_url\":\"https://a b\"}", "");
    expect_error(d, "events[0].signup_url", "spaces");
    free(d);

#define CH(kind, url) "{\"id\":\"c\",\"kind\":\"" kind "\",\"label\":{\"zh\":\"热线\"},\"url\":\"" url "\"}"
    d = doc("", "", CH("hotline", "tel:+86-571-8765-4321"));
    Content *c = parse_ok(d);
    assert_string_equal(c->channels[0].url, "tel:+86-571-8765-4321");
    assert_int_equal(c->channels[0].expires_at, 0);
    content_free(c);
    free(d);
    d = doc("", "", CH("website", "https://cuihu.example/"));
    c = parse_ok(d);
    assert_string_equal(c->channels[0].kind, "website");
    content_free(c);
    free(d);
    d = doc("", "", CH("form", "tel:12345"));
    expect_error(d, "channels[0].url", "must start with https://");
    free(d);
    d = doc("", "", CH("hotline", "tel:call-us"));
    expect_error(d, "channels[0].url", "tel:");
    free(d);
    d = doc("", "", CH("fax", "https://x.example/"));
    expect_error(d, "channels[0].kind: unknown kind \"fax\"");
    free(d);
    d = doc("", "", "{\"id\":\"c\",\"kind\":\"form\",\"label\":{\"zh\":\"报修\"}}");
    expect_error(d, "channels[0].url: missing");
    free(d);
    d = doc("", "", "{\"id\":\"c\",\"kind\":\"wechat_group\",\"label\":{\"zh\":\"群\"},"
            "\"url\":\"https://x.example/g\",\"expires_at\":\"2026-12-08\"}");
    expect_error(d, "channels[0].expires_at: invalid date-time");
    free(d);
#undef CH
}

/* Unknown keys are ignored (forward compatible); a BOM is skipped. */
static void test_forward_compatible(void **state)
{
    (void)state;
    char *items = doc(GOOD_NOTICE("a"), "", "");
    size_t n = strlen(items) + 64;
    char *d = malloc(n);
    assert_non_null(d);
    /* A BOM, then an unknown top-level key. */
    snprintf(d, n, "\xEF\xBB\xBF{\"schema\":2,%s", items + 1);
    Content *c = parse_ok(d);
    assert_int_equal(c->n_notices, 1);
    content_free(c);
    free(d);
    free(items);
    d = doc("{\"color\":\"red\",\"id\":\"a\",\"category\":\"notice\",\"title\":{\"zh\":\"t\","
            "\"ja\":\"x\"},\"body\":{\"zh\":\"b\"},\"publish_at\":\"2026-11-01T08:00+08:00\","
            "\"expire_at\":\"2027-01-01T00:00+08:00\"}", "", "");
    c = parse_ok(d);
    content_free(c);
    free(d);
}

/* A tiny error buffer is never overrun (ASan checks). */
static void test_small_err_buffer(void **state)
{
    (void)state;
    char err[8];
    assert_null(content_parse("[", 1, err, sizeof err));
    assert_int_equal(strlen(err), 7);
    assert_null(content_parse("[", 1, NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_sample_dates),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_zh),
        cmocka_unit_test(test_english_optional),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_duplicate_ids),
        cmocka_unit_test(test_replies_and_board),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_images_each),
        cmocka_unit_test(test_images_loopback_http),
        cmocka_unit_test(test_images_errors),
        cmocka_unit_test(test_sealed_replies_open),
        cmocka_unit_test(test_sealed_replies_errors),
        cmocka_unit_test(test_plain_replies_open),
        cmocka_unit_test(test_reply_box_rules),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_unknown_category),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_urls_and_channels),
        cmocka_unit_test(test_forward_compatible),
        cmocka_unit_test(test_small_err_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
