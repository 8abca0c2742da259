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
#include "ui.h"
#include "timeutil.h"

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
    /* In the words of docs/OPERATIONS.md, "The audit log". */
    assert_non_null(strstr(log, "\tpin\twrong PIN, 4 left before the lock\n"));
    assert_non_null(strstr(log, "\tpin\tok: staff session opened\n"));
    assert_null(strstr(log, "WRONG"));
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
    assert_non_null(su_text(&S, "还需等待 10:00"));
    /* The countdown moves each second by itself. */
    assert_true(app_next_timeout(S.app, S.now) <= 1000);
    assert_true(su_wait(&S, 1000));
    assert_non_null(su_text(&S, "还需等待 9:59"));
    su_wait(&S, 30000);
    assert_non_null(su_text(&S, "还需等待 9:29"));
    type_pin("246810");                        /* right, but locked */
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    assert_non_null(su_text(&S, "还需等待 9:29"));
    char *log = tmpdir_read(S.app->audit_path);
    assert_non_null(strstr(log, "\tpin\twrong PIN, the pad is now locked for 10 minutes\n"));
    assert_non_null(strstr(log, "\tpin\trefused: the pad is locked for 569 more seconds\n"));
    free(log);
    /* Coming back to the pad later still counts down. */
    su_tap(&S, "home");
    hold(5, 5, 5000);
    assert_int_equal(app_screen(S.app), SCREEN_STAFF_PIN);
    assert_non_null(su_text(&S, "还需等待 9:24"));
    S.now += 10 * 60 * 1000;                   /* the lock runs out */
    su_draw(&S);
    assert_null(su_text(&S, "已锁定"));
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
    assert_non_null(strstr(log, "\tsign out\tok: no touch for a while, signed out by itself\n"));
    free(log);
}

/* Holding the corner shows progress at once (after half a second), step by
 * step, and it goes when the finger lifts early. */
static void test_hold_shows_progress(void **state)
{
    (void)state;
    Input in = {IN_DOWN, 5, 5};
    app_input(S.app, &in, &S.dl, S.now);
    su_draw(&S);
    assert_null(su_text(&S, "继续按住"));            /* a tap shows nothing */
    assert_true(app_next_timeout(S.app, S.now) <= 500);
    S.now += 500;
    assert_true(app_tick(S.app, S.now));
    su_draw(&S);
    assert_non_null(su_text(&S, "继续按住，进入工作人员登录"));
    /* The bar fills: each step wakes the loop and redraws. */
    int64_t t = app_next_timeout(S.app, S.now);
    assert_true(t > 0 && t <= 500);
    uint64_t before = dl_hash(&S.dl);
    S.now += t;
    assert_true(app_tick(S.app, S.now));
    su_draw(&S);
    assert_true(dl_hash(&S.dl) != before);
    in.kind = IN_UP;                                 /* let go early */
    app_input(S.app, &in, &S.dl, S.now);
    assert_true(app_tick(S.app, S.now));
    su_draw(&S);
    assert_null(su_text(&S, "继续按住"));
    assert_int_equal(app_screen(S.app), SCREEN_HOME);
    /* In English too. */
    su_tap(&S, "lang");
    in.kind = IN_DOWN;
    app_input(S.app, &in, &S.dl, S.now);
    S.now += 2000;
    app_tick(S.app, S.now);
    su_draw(&S);
    assert_non_null(su_text(&S, "Keep holding for the staff sign-in"));
    in.kind = IN_UP;
    app_input(S.app, &in, &S.dl, S.now);
}

/* Sizes, times and days as people read them, in both languages. */
static void test_staff_formats(void **state)
{
    (void)state;
    char b[64];
    ui_fmt_bytes(84182536192LL, b, sizeof b);    /* statvfs's 80283 MiB */
    assert_string_equal(b, "78 GB");
    ui_fmt_bytes(1288490188LL, b, sizeof b);
    assert_string_equal(b, "1.2 GB");
    ui_fmt_bytes(350LL * 1024 * 1024, b, sizeof b);
    assert_string_equal(b, "350 MB");
    ui_fmt_bytes(512, b, sizeof b);
    assert_string_equal(b, "512 B");
    int64_t now = SAMPLE_NOW_MS / 1000;          /* 2026-12-01 10:00 +08:00 */
    ui_fmt_when(S.app, now - 48 * 60, now, b, sizeof b);
    assert_string_equal(b, "今天 09:12");
    ui_fmt_when(S.app, now - 15 * 3600 - 20 * 60, now, b, sizeof b);
    assert_string_equal(b, "昨天 18:40");
    ui_fmt_when(S.app, now + 14 * 3600, now, b, sizeof b);
    assert_string_equal(b, "明天 00:00");
    ui_fmt_when(S.app, now - 3 * 86400, now, b, sizeof b);
    assert_string_equal(b, "11月28日 10:00");
    ui_fmt_day(S.app, "2026-11-30", now, b, sizeof b);
    assert_string_equal(b, "昨天");
    ui_fmt_day(S.app, "2026-11-03", now, b, sizeof b);
    assert_string_equal(b, "11月3日");
    su_tap(&S, "lang");
    ui_fmt_when(S.app, now - 48 * 60, now, b, sizeof b);
    assert_string_equal(b, "today 09:12");   /* said inside a sentence */
    ui_fmt_when(S.app, now - 15 * 3600 - 20 * 60, now, b, sizeof b);
    assert_string_equal(b, "yesterday 18:40");
    ui_fmt_when(S.app, now - 3 * 86400, now, b, sizeof b);
    assert_string_equal(b, "28 Nov 10:00");
    ui_fmt_day(S.app, "2026-12-01", now, b, sizeof b);
    assert_string_equal(b, "today");
}

/* The first text of the frame that holds needle, or NULL. */
static const char *ftext(const DrawList *f, const char *needle)
{
    for (size_t i = 0; i < f->ncmds; i++)
        if (f->cmds[i].kind == DL_TEXT && strstr(dl_str(f, &f->cmds[i]), needle))
            return dl_str(f, &f->cmds[i]);
    return NULL;
}

/* No text on the panel is a developer's: no flag names, snake_case,
 * "off:", "errno", a content hash, bare byte counts or "0 天前". */
static void assert_plain_panel(const DrawList *f)
{
    for (size_t i = 0; i < f->ncmds; i++) {
        if (f->cmds[i].kind != DL_TEXT)
            continue;
        const char *t = dl_str(f, &f->cmds[i]);
        static const char *const bad[] = {"_", "off:", "errno", "0 天前", "#",
                                          "dead letter", "(2026-", "(2027-", "KiB"};
        for (size_t j = 0; j < sizeof bad / sizeof *bad; j++)
            if (strstr(t, bad[j]))
                fail_msg("a developer's string on the staff panel: \"%s\"", t);
    }
}

/* The panel in both languages: every line a sentence, sizes and times as
 * people read them, warnings in words (a damaged database, a channel's
 * code about to expire, a rejected content file). */
static void test_panel_speaks_plainly(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "pdata");
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    char err[300];
    int64_t exp;                                 /* owners-wechat-group's expires_at */
    assert_int_equal(time_parse_iso8601("2027-01-31T23:59:00+08:00", &exp), 0);
    int64_t now = (exp - 86400 - 3600) * 1000;   /* 2027-01-30 22:59 */
    Kiosk *k = kiosk_open(&cfg, ".", "assets/content/sample.json", fake_measure(), 1920, 1080,
                          now - 3 * 3600 * 1000, err, sizeof err);
    assert_non_null(k);
    outbox_flag_raise(kiosk_outbox(k), "disk_full", "the disk is full (12 KiB free)", now / 1000);
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(kiosk_outbox(k), "parking", "车位太少", NULL, "zh",
                                 now / 1000 - 86400, receipt, err, sizeof err), OUTBOX_OK);
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    const DrawList *f = kiosk_frame(k);
    assert_plain_panel(f);
    assert_non_null(ftext(f, "没有设置上传"));
    assert_non_null(ftext(f, " 载入"));   /* when the content was imported */
    assert_non_null(ftext(f, "磁盘空间不足"));
    assert_non_null(ftext(f, "（今天起）"));
    assert_non_null(ftext(f, "“业主微信群”的二维码将在明天 23:59过期"));
    assert_non_null(ftext(f, " GB"));
    assert_non_null(ftext(f, "昨天"));   /* the oldest waiting */
    app_set_lang(kiosk_app(k), LANG_EN);
    kiosk_service(k, now + 2000);
    kiosk_view(k, now + 2000);
    assert_plain_panel(f);
    assert_non_null(ftext(f, "not set up"));
    assert_non_null(ftext(f, "loaded "));
    assert_non_null(ftext(f, "The disk is nearly full"));
    assert_non_null(ftext(f, "expires tomorrow 23:59"));
    /* Times sit inside sentences: no "loaded Today", "expires Tomorrow". */
    assert_null(ftext(f, " Today"));
    assert_null(ftext(f, " Tomorrow"));
    assert_null(ftext(f, " Yesterday"));
    assert_non_null(ftext(f, "yesterday"));
    /* Export with no drive: what to do, not the path searched. */
    assert_true(app_activate(kiosk_app(k), "staff:export", now + 2000));
    kiosk_service(k, now + 2000);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (kiosk_exporting(k)) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 20)
            fail_msg("export did not finish");
        nanosleep(&(struct timespec){0, 2000000}, NULL);
        kiosk_service(k, now + 2000);
    }
    kiosk_view(k, now + 2000);
    assert_non_null(ftext(f, "No USB drive found: plug one in"));
    assert_null(ftext(f, "/media"));
    kiosk_close(k);
    free(data);
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
        cmocka_unit_test_setup_teardown(test_hold_shows_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staff_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_panel_speaks_plainly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
