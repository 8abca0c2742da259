/* test_backoff.c - full-jitter backoff bounds, the cap, Retry-After in
 * seconds and as an HTTP-date. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "backoff.h"

/* An injected random source: returns upper - 1 (the top), 0, or records. */
typedef struct { int mode; uint32_t last_upper; } Rng;
static uint32_t rng(uint32_t upper, void *ctx)
{
    Rng *r = ctx;
    r->last_upper = upper;
    return r->mode == 1 ? upper - 1 : r->mode == 2 ? upper / 2 : 0;
}

static void test_full_jitter_bounds(void **state)
{
    (void)state;
    Rng top = {1, 0}, low = {0, 0};
    /* Ceiling doubles: base, 2 base, 4 base ... and the draw spans 0..ceiling. */
    assert_int_equal(backoff_delay_ms(1, 1000, 60000, rng, &top), 1000);
    assert_int_equal(top.last_upper, 1001);
    assert_int_equal(backoff_delay_ms(2, 1000, 60000, rng, &top), 2000);
    assert_int_equal(backoff_delay_ms(3, 1000, 60000, rng, &top), 4000);
    assert_int_equal(backoff_delay_ms(6, 1000, 60000, rng, &top), 32000);
    assert_int_equal(backoff_delay_ms(3, 1000, 60000, rng, &low), 0);
    /* The cap. */
    assert_int_equal(backoff_delay_ms(7, 1000, 60000, rng, &top), 60000);
    assert_int_equal(backoff_delay_ms(1000, 1000, 60000, rng, &top), 60000);
    assert_int_equal(backoff_delay_ms(1 << 30, 1000, 60000, rng, &top), 60000);
    /* A base above the cap is cut to it. */
    assert_int_equal(backoff_delay_ms(1, 90000, 60000, rng, &top), 60000);
    assert_int_equal(backoff_delay_ms(1, 0, 60000, rng, &top), 0);
}

static void test_real_random_within_bounds(void **state)
{
    (void)state;
    int64_t lo = INT64_MAX, hi = -1;
    for (int i = 0; i < 2000; i++) {
        int64_t d = backoff_delay_ms(4, 100, 10000, NULL, NULL);
        assert_true(d >= 0 && d <= 800);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 100);   /* full jitter: spread over the whole range */
    assert_true(hi > 700);
}

static void test_retry_after_seconds(void **state)
{
    (void)state;
    int64_t d = -7;
    assert_int_equal(backoff_retry_after("120", 1000, &d), 0);
    assert_int_equal(d, 120);
    assert_int_equal(backoff_retry_after("  0 ", 1000, &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(backoff_retry_after("99999999999999999999", 1000, &d), 0);
    assert_int_equal(d, BACKOFF_RETRY_AFTER_MAX_S);
    d = -7;
    assert_int_equal(backoff_retry_after("12a", 1000, &d), -1);
    assert_int_equal(backoff_retry_after("-5", 1000, &d), -1);
    assert_int_equal(backoff_retry_after("", 1000, &d), -1);
    assert_int_equal(backoff_retry_after(NULL, 1000, &d), -1);
    assert_int_equal(backoff_retry_after("1.5", 1000, &d), -1);
    assert_int_equal(d, -7);
}

static void test_retry_after_dates(void **state)
{
    (void)state;
    /* Sun, 06 Nov 1994 08:49:37 GMT is 784111777. */
    const int64_t t = 784111777;
    int64_t d = -1;
    assert_int_equal(backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t - 30, &d), 0);
    assert_int_equal(d, 30);
    assert_int_equal(backoff_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", t - 31, &d), 0);
    assert_int_equal(d, 31);
    assert_int_equal(backoff_retry_after("Sun Nov  6 08:49:37 1994", t - 32, &d), 0);
    assert_int_equal(d, 32);
    /* In the past: now. */
    assert_int_equal(backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", t + 500, &d), 0);
    assert_int_equal(d, 0);
    /* A leap day and a date far ahead (cut to the maximum). */
    assert_int_equal(backoff_retry_after("Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 5, &d), 0);
    assert_int_equal(d, 5);
    assert_int_equal(backoff_retry_after("Fri, 01 Jan 2100 00:00:00 GMT", t, &d), 0);
    assert_int_equal(d, BACKOFF_RETRY_AFTER_MAX_S);
    d = -9;
    assert_int_equal(backoff_retry_after("Sun, 06 Nov 1994 08:49:37 PST", t, &d), -1);
    assert_int_equal(backoff_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", t, &d), -1);
    assert_int_equal(backoff_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", t, &d), -1);
    assert_int_equal(backoff_retry_after("Sun, 06 Nov 1994 08:49:37 GMT junk", t, &d), -1);
    assert_int_equal(backoff_retry_after("Xyz, 06 Nov 1994 08:49:37 GMT", t, &d), -1);
    assert_int_equal(d, -9);
}

static void test_next_honours_retry_after(void **state)
{
    (void)state;
    Rng top = {1, 0};
    assert_int_equal(backoff_next_ms(1, 1000, 60000, -1, rng, &top), 1000);
    assert_int_equal(backoff_next_ms(1, 1000, 60000, 5000, rng, &top), 5000);   /* longer */
    assert_int_equal(backoff_next_ms(3, 1000, 60000, 100, rng, &top), 4000);    /* shorter */
    /* Retry-After may exceed the cap: the server asked for it. */
    assert_int_equal(backoff_next_ms(9, 1000, 60000, 120000, rng, &top), 120000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_jitter_bounds),
        cmocka_unit_test(test_real_random_within_bounds),
        cmocka_unit_test(test_retry_after_seconds),
        cmocka_unit_test(test_retry_after_dates),
        cmocka_unit_test(test_next_honours_retry_after),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
