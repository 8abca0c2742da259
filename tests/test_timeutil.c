/* test_timeutil.c - ISO 8601 parsing, local-time helpers and clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

static int64_t parse_ok(const char *s)
{
    int64_t t = -12345;
    if (time_parse_iso8601(s, &t) != 0)
        fail_msg("rejected valid date-time \"%s\"", s);
    return t;
}

static void parse_bad(const char *s, const char *why_part)
{
    int64_t t = -12345;
    const char *why = NULL;
    if (time_parse_iso8601_why(s, &t, &why) != -1)
        fail_msg("accepted invalid date-time \"%s\"", s);
    assert_int_equal(t, -12345);          /* *out untouched on error */
    assert_non_null(why);
    if (why_part && !strstr(why, why_part))
        fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", s, why, why_part);
}

static void test_parse_valid(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_ok("1970-01-01T08:00+08:00"), 0);
    assert_int_equal(parse_ok("2026-12-01T10:00:00+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-12-01T10:00+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-12-01T02:00:00Z"), 1796090400);
    assert_int_equal(parse_ok("2026-11-30T21:00:00-05:00"), 1796090400);
    assert_int_equal(parse_ok("2026-12-01T10:00:00.999+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-12-01T10:00:00,5+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-12-01T23:30:00+08:00"), 1796139000);
    assert_int_equal(parse_ok("2026-12-01T15:30:00+00:00"), 1796139000);
    assert_int_equal(parse_ok("2026-12-01T10:00:00+05:30"), 1796090400 + 9000);
    /* Leap days that exist. */
    assert_int_equal(parse_ok("2024-02-29T00:00:00Z"), 1709164800);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
    assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
}

static void test_parse_invalid(void **state)
{
    (void)state;
    parse_bad("2026-02-30T10:00:00+08:00", "does not exist");
    parse_bad("2025-02-29T10:00:00+08:00", "does not exist");
    parse_bad("1900-02-29T10:00:00+08:00", "does not exist");
    parse_bad("2026-04-31T10:00:00+08:00", "does not exist");
    parse_bad("2026-00-10T10:00:00+08:00", "month");
    parse_bad("2026-13-01T10:00:00+08:00", "month");
    parse_bad("2026-12-00T10:00:00+08:00", "does not exist");
    parse_bad("2026-12-01T24:00:00+08:00", "hour");
    parse_bad("2026-12-01T10:60:00+08:00", "minute");
    parse_bad("2026-12-01T10:00:60+08:00", "second");
    parse_bad("2026-12-01T10:00:00", "missing UTC offset");
    parse_bad("2026-12-01T10:00", "missing UTC offset");
    parse_bad("2026-12-01", "missing time");
    parse_bad("2026-12-01 10:00:00+08:00", "'T'");
    parse_bad("2026-12-01T10:00:00+0800", "+HH:MM");
    parse_bad("2026-12-01T10:00:00+08", "+HH:MM");
    parse_bad("2026-12-01T10:00:00+08:00x", "unexpected text");
    parse_bad("2026-12-01T10:00:00Z ", "unexpected text");
    parse_bad("2026-12-01T10:00:00.+08:00", NULL);
    parse_bad("2026-12-01T10:00:00.1234567890+08:00", NULL);
    parse_bad("2026-12-01T10:00:00+24:00", "offset");
    parse_bad("26-12-01T10:00:00+08:00", NULL);
    parse_bad("2026-1-01T10:00:00+08:00", NULL);
    parse_bad("2026-12-01T1:00:00+08:00", NULL);
    parse_bad("", NULL);
    parse_bad("tomorrow", NULL);
    parse_bad(NULL, NULL);
    const char *why = "x";
    int64_t t;
    assert_int_equal(time_parse_iso8601_why("2026-12-01T10:00Z", &t, &why), 0);
    assert_null(why);
}

/* Every day from 1970 to 2100 at a fixed time agrees with glibc's timegm. */
static void test_parse_matches_timegm(void **state)
{
    (void)state;
    struct tm tm = { .tm_year = 70, .tm_mon = 0, .tm_mday = 1, .tm_hour = 13,
                     .tm_min = 7, .tm_sec = 9 };
    for (int day = 0; day < 131 * 366; day++) {
        struct tm d = tm;
        d.tm_mday += day;
        time_t expect = timegm(&d);   /* normalises d */
        if (d.tm_year + 1900 > 2100)
            break;
        char s[64];
        strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &d);
        int64_t got;
        if (time_parse_iso8601(s, &got) != 0 || got != (int64_t)expect)
            fail_msg("%s: got %lld, want %lld", s, (long long)got, (long long)expect);
    }
}

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

/* Parsing must not depend on the process time zone. */
static void test_parse_ignores_tz(void **state)
{
    (void)state;
    set_tz("America/New_York");
    assert_int_equal(parse_ok("2026-12-01T10:00:00+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-07-01T00:00:00Z"), 1782864000);
    set_tz("Asia/Shanghai");
    assert_int_equal(parse_ok("2026-12-01T10:00:00+08:00"), 1796090400);
    assert_int_equal(parse_ok("2026-07-01T00:00:00Z"), 1782864000);
}

static void test_local_time(void **state)
{
    (void)state;
    set_tz("Asia/Shanghai");
    LocalTime lt;
    time_local(1796090400, &lt);   /* 2026-12-01T10:00+08:00, a Tuesday */
    assert_int_equal(lt.year, 2026);
    assert_int_equal(lt.mon, 12);
    assert_int_equal(lt.mday, 1);
    assert_int_equal(lt.hour, 10);
    assert_int_equal(lt.min, 0);
    assert_int_equal(lt.sec, 0);
    assert_int_equal(lt.wday, 2);
    assert_int_equal(lt.yday, 334);
    time_local(parse_ok("2026-12-01T23:59:59+08:00"), &lt);
    assert_int_equal(lt.mday, 1);
    assert_int_equal(lt.hour, 23);
    time_local(parse_ok("2026-12-01T16:00:00Z"), &lt);   /* next local day */
    assert_int_equal(lt.mday, 2);
    assert_int_equal(lt.hour, 0);
}

static void test_local_midnight(void **state)
{
    (void)state;
    set_tz("Asia/Shanghai");
    int64_t mid = parse_ok("2026-12-01T00:00:00+08:00");
    assert_int_equal(time_local_midnight(parse_ok("2026-12-01T10:00:00+08:00")), mid);
    assert_int_equal(time_local_midnight(mid), mid);
    assert_int_equal(time_local_midnight(parse_ok("2026-12-01T23:59:59+08:00")), mid);
    assert_int_equal(time_local_midnight(mid - 1), mid - 86400);
    /* A zone with daylight saving: the day DST starts is 23 hours long. */
    set_tz("America/New_York");
    int64_t ny = parse_ok("2026-03-08T00:00:00-05:00");
    assert_int_equal(time_local_midnight(parse_ok("2026-03-08T12:00:00-04:00")), ny);
    assert_int_equal(time_local_midnight(parse_ok("2026-03-09T00:30:00-04:00")),
                     ny + 23 * 3600);
    set_tz("Asia/Shanghai");
}

static const char *local_date(int64_t t, int days_back)
{
    static char d[11];
    time_local_date(t, days_back, d);
    return d;
}

static int days_between(const char *a, const char *b)
{
    int days = 0;
    assert_int_equal(time_days_between(a, b, &days), 0);
    return days;
}

/* The one local-date helper: dates in the zone, days back by the calendar
 * (a DST day of 23 hours does not move it), differences in whole days. */
static void test_local_date(void **state)
{
    (void)state;
    set_tz("Asia/Shanghai");
    int64_t t = parse_ok("2026-03-01T00:30:00+08:00");   /* still Feb 28 in UTC */
    assert_string_equal(local_date(t, 0), "2026-03-01");
    assert_string_equal(local_date(t, 1), "2026-02-28");
    assert_string_equal(local_date(t, 365), "2025-03-01");
    set_tz("America/New_York");
    /* 00:30 after the 23-hour day: 24 hours back is two dates back, one
     * calendar day back is the 23-hour day itself. */
    int64_t ny = parse_ok("2026-03-09T00:30:00-04:00");
    assert_string_equal(local_date(ny - 86400, 0), "2026-03-07");
    assert_string_equal(local_date(ny, 1), "2026-03-08");
    assert_string_equal(local_date(ny, 2), "2026-03-07");
    set_tz("Asia/Shanghai");
    assert_int_equal(days_between("2026-02-27", "2026-03-01"), 2);
    assert_int_equal(days_between("2026-03-08", "2026-03-09"), 1);
    assert_int_equal(days_between("2026-03-09", "2026-03-08"), -1);
    int days = 0;
    assert_int_equal(time_days_between("yesterday", "2026-03-08", &days), -1);
}

static void test_clocks(void **state)
{
    (void)state;
    int64_t now = time_now_ms();
    int64_t sys = (int64_t)time(NULL) * 1000;
    assert_true(now > 1700000000000LL);              /* after 2023 */
    assert_true(now - sys > -2000 && now - sys < 2000);
    int64_t a = time_mono_ms();
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    nanosleep(&ts, NULL);
    int64_t b = time_mono_ms();
    assert_true(b - a >= 19);
    assert_true(b - a < 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_parse_matches_timegm),
        cmocka_unit_test(test_parse_ignores_tz),
        cmocka_unit_test(test_local_time),
        cmocka_unit_test(test_local_midnight),
        cmocka_unit_test(test_local_date),
        cmocka_unit_test(test_clocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
