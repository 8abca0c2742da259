/* test_staff_ui.c - staff mode on the screen: the hidden gesture, the PIN
 * pad, the panel's actions and the idle sign-out, on a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app_priv.h"
#include "pin.h"
#include "screen_util.h"
#include "tmpdir.h"

static Screen_ S;
static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    su_start(&S, 1920, 1080, NULL);
    snprintf(S.app->pin_path, sizeof S.app->pin_path, "%s/staff.pin", dir);
    snprintf(S.app->audit_path, sizeof S.app->audit_path, "%s/audit.log", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    su_stop(&S);
    memset(&S, 0, sizeof S);
    tmpdir_remove(dir);
    return 0;
}

/* Hold a finger on (x, y) for ms, letting the timers run. */
static void hold(int x, int y, int64_t ms)
{
    Input in = {IN_DOWN, x, y};
    app_input(S.app, &in, &S.dl, S.now);
    S.now += ms;
    app_tick(S.app, S.now);
    in.kind = IN_UP;
    app_input(S.app, &in, &S.dl, S.now);
    su_draw(&S);
}

static void type_pin(const char *pin)
{
    for (; *pin; pin++) {
        char id[16];
        snprintf(id, sizeof id, "pin:%c", *pin);
        su_tap(&S, id);
    }
    su_tap(&S, "pin:ok");
}

static void test_gesture_needs_the_full_hold_in_the_corner(void **state)
{
    (void)state;
    hold(10, 10, 4900);                       /* not long enough */
    assert_int_equal(app_screen(S.app), SCREEN_HOME);
    hold(960, 1070, 6000);                    /* not the corner (no control there) */
    assert_int_equal(app_screen(S.app), SCREEN_HOME);
    /* The deadline is offered to the main loop while the finger is down. */
    Input in = {IN_DOWN, 10, 10};
    app_input(S.app, &in, &S.dl, S.now);
    assert_true(app_next_timeout(S.app, S.now) <= 5000);
    S.now += 5000;
    assert_true(app_tick(S.app, S.now));
    in.kind = IN_UP;
    app_input(S.app, &in, &S.dl, S.now);
    su_draw(&S);
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    /* No PIN yet: staff are told how to set one. */
    assert_non_null(su_text(&S, "kioskctl set-pin"));
}

static void test_pin_wrong_right_and_audit(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(S.app->pin_path, "246810", err, sizeof err), 0);
    hold(5, 5, 5000);
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    type_pin("111111");
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    assert_non_null(su_text(&S, "PIN 不正确"));
    assert_non_null(su_text(&S, "4 次"));
    type_pin("246810");
    assert_int_equal(app_screen(S.app), SCREEN_STAFF);
    assert_true(su_has_hit(&S, "staff:export"));
    assert_true(su_has_hit(&S, "staff:quit"));
    /* Actions are handed to the kiosk, once. */
    su_tap(&S, "staff:upload");
    assert_int_equal(app_take_staff_request(S.app), STAFF_REQ_UPLOAD);
    assert_int_equal(app_take_staff_request(S.app), STAFF_REQ_NONE);
    su_tap(&S, "staff:quit");                  /* the first tap only asks */
    assert_int_equal(app_take_staff_request(S.app), STAFF_REQ_NONE);
    su_tap(&S, "staff:quit");
    assert_int_equal(app_take_staff_request(S.app), STAFF_REQ_QUIT);
    su_tap(&S, "staff:lang");
    assert_int_equal(app_default_lang(S.app), LANG_EN);
    /* The audit log names actions and results, never the PIN. */
    char *log = tmpdir_read(S.app->audit_path);
    assert_non_null(log);
    assert_non_null(strstr(log, "staff sign-in"));
    assert_non_null(strstr(log, "WRONG"));
    assert_non_null(strstr(log, "OK"));
    assert_null(strstr(log, "246810"));
    assert_null(strstr(log, "111111"));
    free(log);
}

static void test_lockout_shown_on_the_pad(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(S.app->pin_path, "246810", err, sizeof err), 0);
    hold(5, 5, 5000);
    for (int i = 0; i < 5; i++)
        type_pin("000000");
    assert_non_null(su_text(&S, "已锁定"));
    type_pin("246810");                        /* right, but locked */
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    S.now += 10 * 60 * 1000;                   /* the lock runs out */
    type_pin("246810");
    assert_int_equal(app_screen(S.app), SCREEN_STAFF);
}

static void test_session_ends_after_idle(void **state)
{
    (void)state;
    char err[200];
    assert_int_equal(pin_set(S.app->pin_path, "135790", err, sizeof err), 0);
    hold(5, 5, 5000);
    type_pin("135790");
    assert_int_equal(app_screen(S.app), SCREEN_STAFF);
    su_wait(&S, 59000);
    assert_int_equal(app_screen(S.app), SCREEN_STAFF);
    su_wait(&S, 1000);
    assert_int_equal(app_screen(S.app), SCREEN_HOME);
    char *log = tmpdir_read(S.app->audit_path);
    assert_non_null(strstr(log, "staff sign-out"));
    assert_non_null(strstr(log, "idle"));
    free(log);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gesture_needs_the_full_hold_in_the_corner, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pin_wrong_right_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lockout_shown_on_the_pad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_ends_after_idle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
