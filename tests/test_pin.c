/* test_pin.c - the staff PIN: Argon2id hash file, lockout with a fixed clock, across a restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pin.h"
#include "tmpdir.h"

#define T0 1773450000   /* a fixed clock: 2026-03-14 */

static char *dir, *pin_path;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    pin_path = dir ? tmpdir_path(dir, "staff.pin") : NULL;
    return pin_path ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(pin_path);
    tmpdir_remove(dir);
    return 0;
}

static void test_valid_pins(void **state)
{
    (void)state;
    assert_true(pin_valid("123456"));
    assert_true(pin_valid("000000000000"));
    assert_false(pin_valid("12345"));            /* too short */
    assert_false(pin_valid("1234567890123"));    /* too long */
    assert_false(pin_valid("12345a"));
    assert_false(pin_valid("123 456"));
    assert_false(pin_valid(""));
    assert_false(pin_valid(NULL));
    char err[200];
    assert_int_equal(pin_set(pin_path, "12345", err, sizeof err), -2);
    struct stat st;
    assert_int_equal(stat(pin_path, &st), -1);   /* nothing written */
}

static void test_no_pin(void **state)
{
    (void)state;
    PinStatus st;
    assert_int_equal(pin_check(pin_path, "123456", T0, &st), PIN_NO_PIN);
    assert_int_equal(pin_state(pin_path, T0, &st), PIN_NO_PIN);
}

static void test_hash_file(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(pin_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = tmpdir_read(pin_path);
    assert_non_null(text);
    assert_memory_equal(text, "$argon2id$v=19$", 15);
    assert_null(strstr(text, "482915"));          /* never the PIN itself */
    free(text);
    char *state_path = tmpdir_path(dir, "staff.pin.state");
    assert_int_equal(stat(state_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(state_path);
}

static void test_right_and_wrong(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    PinStatus st;
    assert_int_equal(pin_check(pin_path, "482915", T0, &st), PIN_OK);
    assert_int_equal(pin_check(pin_path, "482916", T0 + 1, &st), PIN_WRONG);
    assert_int_equal(st.attempts_left, 4);
    assert_int_equal(pin_check(pin_path, "48291", T0 + 2, &st), PIN_WRONG);   /* malformed counts */
    assert_int_equal(st.attempts_left, 3);
    /* A right PIN clears the count. */
    assert_int_equal(pin_check(pin_path, "482915", T0 + 3, &st), PIN_OK);
    assert_int_equal(pin_check(pin_path, "000000", T0 + 4, &st), PIN_WRONG);
    assert_int_equal(st.attempts_left, 4);
}

static void test_lockout_and_expiry(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    PinStatus st;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pin_check(pin_path, "111111", T0 + i * 60, &st), PIN_WRONG);
        assert_int_equal(st.attempts_left, 4 - i);
    }
    /* The fifth within 15 minutes locks for 10. */
    assert_int_equal(pin_check(pin_path, "111111", T0 + 240, &st), PIN_LOCKED);
    assert_int_equal(st.locked_s, PIN_LOCK_S);
    /* Locked: even the right PIN is refused. */
    assert_int_equal(pin_check(pin_path, "482915", T0 + 300, &st), PIN_LOCKED);
    assert_int_equal(st.locked_s, PIN_LOCK_S - 60);
    assert_int_equal(pin_state(pin_path, T0 + 839, &st), PIN_LOCKED);
    assert_int_equal(st.locked_s, 1);
    /* Ten minutes after the lock it opens, with a fresh count. */
    assert_int_equal(pin_state(pin_path, T0 + 840, &st), PIN_OK);
    assert_int_equal(st.attempts_left, 5);
    assert_int_equal(pin_check(pin_path, "482915", T0 + 840, &st), PIN_OK);
}

static void test_window_is_15_minutes(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    PinStatus st;
    /* Five wrong PINs spread over more than 15 minutes do not lock. */
    for (int i = 0; i < 5; i++)
        assert_int_equal(pin_check(pin_path, "111111", T0 + i * 240, &st), PIN_WRONG);
    assert_int_equal(st.attempts_left, 1);   /* the first has left the window */
}

static void test_lock_survives_restart(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    PinStatus st;
    for (int i = 0; i < 5; i++)
        pin_check(pin_path, "111111", T0 + i, &st);
    assert_int_equal(st.result, PIN_LOCKED);
    /* A "restart": the API keeps no state in memory; all that is left is
     * what is on disk, read afresh. A copy of the files in a new place
     * proves it is the files that carry the lock. */
    char *copy = tmpdir_path(dir, "copy.pin"), *copy_state = tmpdir_path(dir, "copy.pin.state");
    char *a = tmpdir_read(pin_path), *sp = tmpdir_path(dir, "staff.pin.state");
    char *b = tmpdir_read(sp);
    assert_int_equal(tmpdir_write(copy, a, strlen(a)), 0);
    assert_int_equal(tmpdir_write(copy_state, b, strlen(b)), 0);
    assert_int_equal(pin_check(copy, "482915", T0 + 100, &st), PIN_LOCKED);
    assert_int_equal(pin_check(pin_path, "482915", T0 + 100, &st), PIN_LOCKED);
    /* A clock set back a day never lengthens the lock past 10 minutes. */
    assert_int_equal(pin_state(pin_path, T0 - 86400, &st), PIN_LOCKED);
    assert_true(st.locked_s <= PIN_LOCK_S);
    /* kioskctl set-pin clears it. */
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    assert_int_equal(pin_check(pin_path, "482915", T0 + 101, &st), PIN_OK);
    free(copy); free(copy_state); free(a); free(b); free(sp);
}

static void test_tampered_record_locks(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    char *sp = tmpdir_path(dir, "staff.pin.state");
    assert_int_equal(tmpdir_write(sp, "garbage\n", 8), 0);
    PinStatus st;
    assert_int_equal(pin_check(pin_path, "482915", T0, &st), PIN_LOCKED);
    free(sp);
}

static void test_verify_time(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(pin_path, "482915", err, sizeof err), 0);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    PinStatus st;
    assert_int_equal(pin_check(pin_path, "482915", T0, &st), PIN_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    fprintf(stderr, "pin_check (Argon2id verify + two record writes): %.0f ms\n", ms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hash_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_right_and_wrong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_and_expiry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_is_15_minutes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_survives_restart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_record_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify_time, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
