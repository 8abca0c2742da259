/* test_schedule.c - visibility, ordering and grouping with a fixed clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "content.h"
#include "schedule.h"
#include "timeutil.h"

static int64_t at(const char *iso)
{
    int64_t t;
    assert_int_equal(time_parse_iso8601(iso, &t), 0);
    return t;
}

#define NOTICE(id, cat, pub, exp, pin, urg)                                      \
    "{\"id\":\"" id "\",\"category\":\"" cat "\",\"title\":{\"zh\":\"标题" id    \
    "\"},\"body\":{\"zh\":\"正文\"},\"publish_at\":\"" pub "\",\"expire_at\":\"" \
    exp "\",\"pinned\":" pin ",\"urgent\":" urg "}"

#define EVENT(id, start, end)                                                  \
    "{\"id\":\"" id "\",\"title\":{\"zh\":\"活动\"},\"description\":{\"zh\":"  \
    "\"说明\"},\"location\":{\"zh\":\"地点\"},\"start\":\"" start "\",\"end\":\"" end "\"}"

static Content *parse(const char *json)
{
    char err[256] = "";
    Content *c = content_parse(json, strlen(json), err, sizeof err);
    if (!c)
        fail_msg("parse: %s", err);
    return c;
}

static void test_notice_window_and_order(void **state)
{
    (void)state;
    Content *c = parse(
        "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"notices\":["
        NOTICE("old", "notice", "2026-11-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "false", "false") ","
        NOTICE("new", "accounts", "2026-11-30T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "false", "false") ","
        NOTICE("pin", "notice", "2026-10-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "true", "false") ","
        NOTICE("urg", "safety", "2026-10-02T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "false", "true") ","
        NOTICE("future", "notice", "2026-12-02T00:00:00+08:00", "2027-01-01T00:00:00+08:00", "false", "false") ","
        NOTICE("gone", "notice", "2026-10-01T00:00:00+08:00", "2026-12-01T10:00:00+08:00", "true", "true")
        "],\"events\":[],\"channels\":[]}");
    size_t idx[16];
    int64_t now = at("2026-12-01T10:00:00+08:00");
    size_t n = sched_notices(c, now, -1, idx, 16);
    assert_int_equal(n, 4);
    /* urgent, pinned, then newest first; "gone" expired exactly now. */
    assert_string_equal(c->notices[idx[0]].id, "urg");
    assert_string_equal(c->notices[idx[1]].id, "pin");
    assert_string_equal(c->notices[idx[2]].id, "new");
    assert_string_equal(c->notices[idx[3]].id, "old");
    /* One second earlier the expiring one is still shown, first. */
    n = sched_notices(c, now - 1, -1, idx, 16);
    assert_int_equal(n, 5);
    assert_string_equal(c->notices[idx[0]].id, "gone");
    /* The future one appears at its publish time. */
    n = sched_notices(c, at("2026-12-02T00:00:00+08:00"), -1, idx, 16);
    assert_int_equal(n, 5);
    /* Filter by category. */
    n = sched_notices(c, now, CAT_ACCOUNTS, idx, 16);
    assert_int_equal(n, 1);
    assert_string_equal(c->notices[idx[0]].id, "new");
    assert_string_equal(sched_top_urgent(c, now)->id, "urg");
    assert_null(sched_top_urgent(c, at("2027-02-01T00:00:00+08:00")));
    /* The next change is the future notice's publish time. */
    assert_true(sched_next_change(c, now) == at("2026-12-02T00:00:00+08:00"));
    content_free(c);
}

static void test_event_groups(void **state)
{
    (void)state;
    /* 2026-12-01 is a Tuesday. */
    Content *c = parse(
        "{\"site\":{\"name\":{\"zh\":\"小区\"}},\"notices\":[],\"events\":["
        EVENT("later", "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00") ","
        EVENT("past", "2026-11-30T09:00:00+08:00", "2026-11-30T10:00:00+08:00") ","
        EVENT("ended-now", "2026-12-01T08:00:00+08:00", "2026-12-01T10:00:00+08:00") ","
        EVENT("running", "2026-11-30T09:00:00+08:00", "2026-12-02T10:00:00+08:00") ","
        EVENT("tonight", "2026-12-01T19:00:00+08:00", "2026-12-01T21:00:00+08:00") ","
        EVENT("sunday", "2026-12-06T23:00:00+08:00", "2026-12-06T23:30:00+08:00") ","
        EVENT("utc", "2026-12-01T15:30:00Z", "2026-12-01T16:00:00Z")
        "],\"channels\":[]}");
    size_t idx[16];
    EventGroup g[16];
    int64_t now = at("2026-12-01T10:00:00+08:00");
    size_t n = sched_events(c, now, idx, g, 16);
    assert_int_equal(n, 5);
    assert_string_equal(c->events[idx[0]].id, "running");
    assert_int_equal(g[0], EVG_TODAY);
    assert_string_equal(c->events[idx[1]].id, "tonight");
    assert_int_equal(g[1], EVG_TODAY);
    /* 15:30Z is 23:30 in Shanghai: still today. */
    assert_string_equal(c->events[idx[2]].id, "utc");
    assert_int_equal(g[2], EVG_TODAY);
    assert_string_equal(c->events[idx[3]].id, "sunday");
    assert_int_equal(g[3], EVG_WEEK);
    assert_string_equal(c->events[idx[4]].id, "later");
    assert_int_equal(g[4], EVG_LATER);
    /* Events disappear once they end. */
    n = sched_events(c, at("2026-12-07T10:00:00+08:00"), idx, g, 16);
    assert_int_equal(n, 0);
    /* On Sunday the week ends tonight: Monday's event is already "later". */
    n = sched_events(c, at("2026-12-06T12:00:00+08:00"), idx, g, 16);
    assert_int_equal(n, 2);
    assert_string_equal(c->events[idx[0]].id, "sunday");
    assert_int_equal(g[0], EVG_TODAY);
    assert_string_equal(c->events[idx[1]].id, "later");
    assert_int_equal(g[1], EVG_LATER);
    content_free(c);
}

static void test_next_change_midnight(void **state)
{
    (void)state;
    /* With no content the next change is local midnight (day grouping). */
    int64_t now = at("2026-12-01T10:00:00+08:00");
    assert_true(sched_next_change(NULL, now) == at("2026-12-02T00:00:00+08:00"));
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notice_window_and_order),
        cmocka_unit_test(test_event_groups),
        cmocka_unit_test(test_next_change_midnight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
