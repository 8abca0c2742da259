/* test_ratelimit.c - the token bucket on a fixed clock: burst, refill, exact waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratelimit.h"

#define MIN5 (5 * 60 * 1000)

static void test_burst_then_one_per_interval(void **state)
{
    (void)state;
    RateLimit rl;
    int64_t t = 1000000;
    rl_init(&rl, 3, MIN5, t);
    assert_int_equal(rl_wait_ms(&rl, t), 0);
    assert_true(rl_take(&rl, t));
    assert_true(rl_take(&rl, t));
    assert_true(rl_take(&rl, t + 10));
    assert_false(rl_take(&rl, t + 10));
    assert_int_equal(rl_wait_ms(&rl, t + 10), MIN5 - 10);   /* refill began at the first take */
    assert_int_equal(rl_wait_ms(&rl, t + MIN5 - 1), 1);
    assert_false(rl_take(&rl, t + MIN5 - 1));
    assert_int_equal(rl_wait_ms(&rl, t + MIN5), 0);
    assert_true(rl_take(&rl, t + MIN5));
    assert_false(rl_take(&rl, t + MIN5));
    assert_int_equal(rl_wait_ms(&rl, t + MIN5 + 1234), MIN5 - 1234);
    /* Two intervals later: two tokens, not more. */
    assert_true(rl_take(&rl, t + 3 * MIN5));
    assert_true(rl_take(&rl, t + 3 * MIN5));
    assert_false(rl_take(&rl, t + 3 * MIN5));
}

static void test_partial_interval_is_kept(void **state)
{
    (void)state;
    RateLimit rl;
    rl_init(&rl, 3, MIN5, 0);
    assert_true(rl_take(&rl, 0));                 /* 2 left; refill from 0 */
    assert_true(rl_take(&rl, 100000));            /* 1 left */
    assert_true(rl_take(&rl, 200000));            /* 0 left */
    /* The token begun at 0 arrives at 300000, not 300000 after the last take. */
    assert_int_equal(rl_wait_ms(&rl, 200000), 100000);
    assert_true(rl_take(&rl, 300000));
    assert_int_equal(rl_wait_ms(&rl, 300000), MIN5);
    /* A long idle fills the bucket to the burst and no further. */
    int64_t later = 300000 + 100LL * MIN5;
    for (int i = 0; i < 3; i++)
        assert_true(rl_take(&rl, later));
    assert_false(rl_take(&rl, later));
    assert_int_equal(rl_wait_ms(&rl, later), MIN5);
}

static void test_clock_going_back_grants_nothing(void **state)
{
    (void)state;
    RateLimit rl;
    rl_init(&rl, 1, 1000, 50000);
    assert_true(rl_take(&rl, 50000));
    assert_false(rl_take(&rl, 10000));
    assert_int_equal(rl_wait_ms(&rl, 10000), 1000);
    assert_false(rl_take(&rl, 10999));
    assert_true(rl_take(&rl, 11000));
}

static void test_wait_changes_nothing(void **state)
{
    (void)state;
    RateLimit rl;
    rl_init(&rl, 2, 1000, 0);
    assert_true(rl_take(&rl, 0));
    assert_true(rl_take(&rl, 0));
    int tokens = rl.tokens;
    int64_t stamp = rl.stamp;
    assert_int_equal(rl_wait_ms(&rl, 5000), 0);
    assert_int_equal(rl.tokens, tokens);
    assert_int_equal(rl.stamp, stamp);
    /* Asking does not move the refill: two tokens grew meanwhile. */
    assert_true(rl_take(&rl, 5000));
    assert_true(rl_take(&rl, 5000));
    assert_false(rl_take(&rl, 5000));
}

static void test_bad_parameters_are_clamped(void **state)
{
    (void)state;
    RateLimit rl;
    rl_init(&rl, 0, 0, 0);
    assert_int_equal(rl.burst, 1);
    assert_int_equal(rl.refill_ms, 1);
    assert_true(rl_take(&rl, 0));
    assert_false(rl_take(&rl, 0));
    assert_true(rl_take(&rl, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_one_per_interval),
        cmocka_unit_test(test_partial_interval_is_kept),
        cmocka_unit_test(test_clock_going_back_grants_nothing),
        cmocka_unit_test(test_wait_changes_nothing),
        cmocka_unit_test(test_bad_parameters_are_clamped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
