/* test_staff_ui.c - staff mode on the screen: the hidden gesture, the PIN
 * pad, the panel's actions and the idle sign-out, on a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <time.h>
#include "app_priv.h"
#include "fake_measure.h"
#include "kiosk.h"
#include "outbox.h"
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

/* The panel's export button, through the kiosk, to a configured directory. */
static void test_export_from_the_panel(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "data"), *usb = tmpdir_path(dir, "usb");
    assert_int_equal(mkdir(usb, 0700), 0);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    snprintf(cfg.staff.export_dir, sizeof cfg.staff.export_dir, "%s", usb);
    char err[300];
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k = kiosk_open(&cfg, ".", "assets/content/sample.json", fake_measure(), 1920, 1080,
                          now, err, sizeof err);
    assert_non_null(k);
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(kiosk_outbox(k), "parking", "车位太少", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    assert_true(app_activate(kiosk_app(k), "staff:export", now));
    kiosk_service(k, now);
    /* Bounded wait for the export thread to finish (it fsyncs the files). */
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (kiosk_exporting(k)) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 20)
            fail_msg("export did not finish");
        nanosleep(&(struct timespec){0, 2000000}, NULL);
        kiosk_service(k, now);
    }
    kiosk_view(k, now);
    OutboxCounts c;
    assert_int_equal(outbox_counts(kiosk_outbox(k), &c), 0);
    assert_int_equal(c.exported, 1);
    assert_int_equal(c.waiting, 0);
    DIR *d = opendir(usb);
    struct dirent *e;
    int bundles = 0;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "lobby-kiosk-export-", 19) == 0)
            bundles++;
    closedir(d);
    assert_int_equal(bundles, 1);
    /* The panel shows the new figures. */
    bool shown = false;
    for (size_t i = 0; i < kiosk_frame(k)->ncmds; i++)
        if (kiosk_frame(k)->cmds[i].kind == DL_TEXT &&
            strstr(dl_str(kiosk_frame(k), &kiosk_frame(k)->cmds[i]), "已导出 1"))
            shown = true;
    assert_true(shown);
    kiosk_close(k);
    free(data);
    free(usb);
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
        cmocka_unit_test_setup_teardown(test_export_from_the_panel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
