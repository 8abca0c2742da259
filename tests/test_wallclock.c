/* test_wallclock.c - the clock policy with a fake clock: a boot at 1970 and
 * one days ahead without network show the notices of the last known time,
 * date suggestions from it and tell staff "time not set"; the office's
 * Date corrects it; the saved time survives a restart; the Date header is
 * read from a real server. */
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

#include "content.h"
#include "fake_measure.h"
#include "faultsrv.h"
#include "http.h"
#include "kiosk.h"
#include "schedule.h"
#include "screen_util.h"
#include "timeutil.h"
#include "tmpdir.h"
#include "version.h"
#include "wallclock.h"

#define SAMPLE "assets/content/sample.json"
#define T SAMPLE_NOW_MS               /* 2026-12-01T10:00+08:00: the last known time */
#define MIN (60LL * 1000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove(dir);
    return 0;
}

static Content *sample(void)
{
    char err[300];
    Content *c = content_load_file(SAMPLE, err, sizeof err);
    if (!c)
        fail_msg("%s: %s", SAMPLE, err);
    return c;
}

static size_t visible(const Content *c, int64_t ms)
{
    size_t idx[64];
    return sched_notices(c, ms / 1000, -1, idx, 64);
}

static void test_build_floor(void **state)
{
    (void)state;
    int64_t f = wallclock_build_floor_ms();
    int64_t s;
    assert_int_equal(time_parse_iso8601(KIOSK_RELEASE_DATE, &s), 0);
    assert_int_equal(f, s * 1000);
    assert_true(f > 0 && f <= T);   /* the sample's time is a possible time */
    /* Nothing saved: the build floor is the floor; a clock before it is behind. */
    Wallclock w;
    wallclock_init(&w, 0, false, true, 1000, 0);
    assert_int_equal(w.state, WALLCLOCK_BEHIND);
    assert_int_equal(wallclock_now(&w, 1000, 0), f);
    assert_false(w.floor_from_office);
    /* Nothing saved and a clock weeks after the release (a kiosk installed
     * later, with an office to ask): believed. Only a time the kiosk has
     * seen makes a clock "ahead". */
    wallclock_init(&w, 0, false, true, f + 40 * DAY, 0);
    assert_int_equal(w.state, WALLCLOCK_OK);
    assert_false(wallclock_not_set(&w));
    assert_int_equal(wallclock_now(&w, f + 40 * DAY, 0), f + 40 * DAY);
    /* From then on that time is the floor: a jump far ahead is not followed. */
    assert_int_equal(wallclock_now(&w, f + 50 * DAY, 1000), f + 40 * DAY);
    assert_int_equal(w.state, WALLCLOCK_AHEAD);
}

/* RTC reset to 1970, no network: the last known time and the uptime. */
static void test_boot_at_1970(void **state)
{
    (void)state;
    Content *c = sample();
    size_t at_t = visible(c, T);
    assert_true(at_t >= 5);
    assert_int_equal(visible(c, 0), 0);   /* trusting the clock would show nothing */

    Wallclock w;
    wallclock_init(&w, T, true, true, 0, 5000);
    assert_int_equal(w.state, WALLCLOCK_BEHIND);
    assert_true(wallclock_not_set(&w));
    assert_int_equal(wallclock_now(&w, 0, 5000), T);
    int64_t later = wallclock_now(&w, 60 * MIN, 5000 + HOUR);   /* an hour of uptime */
    assert_int_equal(later, T + HOUR);
    assert_int_equal(visible(c, later), at_t);
    /* A suggestion made now is dated from the last known day, not 1970. */
    char day[11];
    time_local_date(later / 1000, 0, day);
    assert_string_equal(day, "2026-12-01");
    /* The saved time moves with it: a lower bound of the true time. */
    assert_true(wallclock_save_due(&w, 5000 + WALLCLOCK_SAVE_MS));

    /* The office's Date (three days later, in truth): SYNCED from it. */
    int64_t office = T + 3 * DAY;
    assert_int_equal(wallclock_office_time(&w, office / 1000, 2 * HOUR, 5000 + 2 * HOUR), 0);
    assert_int_equal(w.state, WALLCLOCK_SYNCED);
    assert_false(wallclock_not_set(&w));
    assert_true(wallclock_save_due(&w, 5000 + 2 * HOUR));   /* at once */
    assert_int_equal(wallclock_now(&w, 2 * HOUR + 10000, 5000 + 2 * HOUR + 10000),
                     office + 10000);
    assert_true(w.floor_from_office);
    /* The system clock still says 1970: the office's time goes on. */
    assert_int_equal(wallclock_now(&w, 3 * HOUR, 5000 + 3 * HOUR), office + HOUR);
    /* NTP sets the system clock: it is taken, and agrees. */
    int64_t ntp = office + HOUR + 2000;
    assert_int_equal(wallclock_now(&w, ntp, 5000 + 3 * HOUR + 2000), ntp);
    assert_int_equal(w.state, WALLCLOCK_OK);
    content_free(c);
}

/* RTC days ahead, no network: not far-future notices, not expiring all. */
static void test_boot_days_ahead(void **state)
{
    (void)state;
    static const char json[] =
        "{\"site\":{\"name\":{\"zh\":\"时钟小区\"}},\"events\":[],\"channels\":[],\"notices\":["
        "{\"id\":\"now\",\"category\":\"notice\",\"title\":{\"zh\":\"本周通知\"},"
        "\"body\":{\"zh\":\"本周\"},\"publish_at\":\"2026-11-30T09:00:00+08:00\","
        "\"expire_at\":\"2026-12-03T00:00:00+08:00\"},"
        "{\"id\":\"future\",\"category\":\"notice\",\"title\":{\"zh\":\"下月通知\"},"
        "\"body\":{\"zh\":\"下月\"},\"publish_at\":\"2026-12-08T09:00:00+08:00\","
        "\"expire_at\":\"2026-12-31T00:00:00+08:00\"}]}";
    char err[300];
    Content *c = content_parse(json, strlen(json), err, sizeof err);
    if (!c)
        fail_msg("content: %s", err);
    int64_t sys = T + 10 * DAY;
    size_t idx[4];
    assert_int_equal(sched_notices(c, sys / 1000, -1, idx, 4), 1);
    assert_string_equal(c->notices[idx[0]].id, "future");   /* what trusting it would show */

    Wallclock w;
    wallclock_init(&w, T, false, true, sys, 0);
    assert_int_equal(w.state, WALLCLOCK_AHEAD);
    assert_true(wallclock_not_set(&w));
    int64_t now = wallclock_now(&w, sys + MIN, MIN);
    assert_int_equal(now, T + MIN);
    assert_int_equal(sched_notices(c, now / 1000, -1, idx, 4), 1);
    assert_string_equal(c->notices[idx[0]].id, "now");
    char day[11];
    time_local_date(now / 1000, 0, day);
    assert_string_equal(day, "2026-12-01");

    /* The office says it is T + 1 day: SYNCED, the floor comes down to it. */
    assert_int_equal(wallclock_office_time(&w, (T + DAY) / 1000, sys + 2 * MIN, 2 * MIN), 0);
    assert_int_equal(w.state, WALLCLOCK_SYNCED);
    assert_int_equal(w.floor_ms, T + DAY);
    assert_int_equal(wallclock_now(&w, sys + 3 * MIN, 3 * MIN), T + DAY + MIN);
    /* The next Date agrees: nothing to save before the usual time. */
    wallclock_saved(&w, 3 * MIN);
    assert_int_equal(wallclock_office_time(&w, (T + DAY + 2 * MIN) / 1000, sys + 4 * MIN,
                                           4 * MIN), 0);
    assert_false(wallclock_save_due(&w, 4 * MIN));
    /* A Date before the build can only be wrong: ignored. */
    assert_int_equal(wallclock_office_time(&w, 86400, sys, 4 * MIN), -1);
    assert_int_equal(w.state, WALLCLOCK_SYNCED);

    /* Within three days of the last known time it is believed (a kiosk
     * that was off over a weekend), as is any clock when no office could
     * ever confirm it (no network settings). */
    wallclock_init(&w, T, false, true, T + 2 * DAY, 0);
    assert_int_equal(w.state, WALLCLOCK_OK);
    assert_int_equal(wallclock_now(&w, T + 2 * DAY, 0), T + 2 * DAY);
    wallclock_init(&w, T, false, false, sys, 0);
    assert_int_equal(w.state, WALLCLOCK_OK);
    content_free(c);
}

/* While running: a jump back, or far ahead, is not followed. */
static void test_jumps_while_running(void **state)
{
    (void)state;
    Wallclock w;
    wallclock_init(&w, T, false, true, T + HOUR, 0);
    assert_int_equal(wallclock_now(&w, T + 2 * HOUR, HOUR), T + 2 * HOUR);
    assert_int_equal(wallclock_now(&w, 0, HOUR + 1000), T + 2 * HOUR);   /* RTC lost */
    assert_int_equal(w.state, WALLCLOCK_BEHIND);
    assert_int_equal(wallclock_now(&w, 0, 2 * HOUR + 1000), T + 3 * HOUR);
    /* A small step back (an NTP correction) is taken. */
    wallclock_init(&w, T, false, true, T, 0);
    assert_int_equal(wallclock_now(&w, T - MIN, 1000), T - MIN);
    assert_int_equal(w.state, WALLCLOCK_OK);
    /* Far ahead in an instant. */
    assert_int_equal(wallclock_now(&w, T + 5 * DAY, 2000), T);
    assert_int_equal(w.state, WALLCLOCK_AHEAD);
}

static void test_saved_record(void **state)
{
    (void)state;
    char buf[128];
    assert_true(wallclock_format(T, true, buf, sizeof buf) > 0);
    int64_t ms;
    bool office;
    assert_int_equal(wallclock_parse(buf, &ms, &office), 0);
    assert_int_equal(ms, T);
    assert_true(office);
    static const char *const bad[] = {"", "believed_ms x\nsource office\n",
                                      "believed_ms 5\nsource moon\n",
                                      "believed_ms 5\nsource kiosk\nmore\n",
                                      "believed_ms -5\nsource kiosk\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(wallclock_parse(bad[i], &ms, &office), -1);
    char err[300];
    char *data = tmpdir_path(dir, "clockdata");
    assert_int_equal(mkdir(data, 0700), 0);
    assert_int_equal(wallclock_load(data, &ms, &office, err, sizeof err), 1);
    assert_int_equal(wallclock_save(data, T + 5, false, err, sizeof err), 0);
    assert_int_equal(wallclock_load(data, &ms, &office, err, sizeof err), 0);
    assert_int_equal(ms, T + 5);
    assert_false(office);
    char *p = tmpdir_path(data, "clock");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal((int)(st.st_mode & 0777), 0600);
    assert_int_equal(tmpdir_write(p, "garbage", 7), 0);
    assert_int_equal(wallclock_load(data, &ms, &office, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a saved time"));
    free(p);
    free(data);
}

static bool frame_has_text(const DrawList *dl, const char *needle)
{
    for (size_t i = 0; i < dl->ncmds; i++)
        if (dl->cmds[i].kind == DL_TEXT && strstr(dl_str(dl, &dl->cmds[i]), needle))
            return true;
    return false;
}

/* The kiosk itself: a 1970 boot after a run that saved its time shows the
 * notices, dates a suggestion right and tells staff; a restart keeps it. */
static void test_kiosk_boot_at_1970(void **state)
{
    (void)state;
    char *data = tmpdir_path(dir, "kiosk");
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    snprintf(cfg.upload.heartbeat_url, sizeof cfg.upload.heartbeat_url,
             "https://office.invalid/heartbeat");   /* an office exists; never reached */
    char err[600];

    /* First run, clock right: the time is saved. */
    Wallclock w;
    int64_t start = kiosk_clock_boot(&cfg, &w, T, 0);
    assert_int_equal(start, T);
    Kiosk *k = kiosk_open(&cfg, ".", SAMPLE, fake_measure(), 1920, 1080, start, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    kiosk_clock_attach(k, &w, 0);
    assert_int_equal(kiosk_clock(k, T + 30 * MIN, 30 * MIN), T + 30 * MIN);
    assert_int_equal(kiosk_wallclock(k)->state, WALLCLOCK_OK);
    kiosk_close(k);

    /* Power cut; the RTC battery is flat: 1970 at boot, no network. */
    start = kiosk_clock_boot(&cfg, &w, 0, 0);
    assert_int_equal(start, T + 30 * MIN);
    assert_int_equal(w.state, WALLCLOCK_BEHIND);
    k = kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, start, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    kiosk_clock_attach(k, &w, 0);
    int64_t now = kiosk_clock(k, 1000, 1000);
    assert_int_equal(now, T + 30 * MIN + 1000);
    kiosk_tick(k, now);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "停水通知"));   /* not expired, not unpublished */
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(kiosk_outbox(k), "noise", "楼下太吵", NULL, "zh", now / 1000,
                                 receipt, err, sizeof err), OUTBOX_OK);
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(kiosk_outbox(k), receipt, &m), 1);
    assert_string_equal(m.day, "2026-12-01");
    /* Staff see it on the panel, and it is among the heartbeat's flags. */
    assert_int_equal(app_open(kiosk_app(k), "staff"), 0);
    kiosk_service(k, now);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "时间未设置"));
    app_set_lang(kiosk_app(k), LANG_EN);
    kiosk_view(k, now);
    assert_true(frame_has_text(kiosk_frame(k), "Time not set"));
    OutboxFlag fl[16];
    int n = outbox_flags_list(kiosk_outbox(k), fl, 16), found = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(fl[i].name, "clock_not_set") == 0)
            found = i;
    assert_true(found >= 0);
    assert_non_null(strstr(fl[found].detail, "time not set"));
    assert_non_null(strstr(fl[found].detail, "1970-01-01"));
    /* An hour of uptime: saved on the way, as a floor for the next boot. */
    now = kiosk_clock(k, HOUR, HOUR + 1000);
    assert_int_equal(now, T + 90 * MIN + 1000);
    kiosk_close(k);
    int64_t saved;
    bool office;
    assert_int_equal(wallclock_load(data, &saved, &office, err, sizeof err), 0);
    assert_int_equal(saved, now);

    /* Next boot, the clock set right meanwhile (NTP): the flag goes. */
    start = kiosk_clock_boot(&cfg, &w, T + DAY, 0);
    assert_int_equal(start, T + DAY);
    k = kiosk_open(&cfg, ".", NULL, fake_measure(), 1920, 1080, start, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    kiosk_clock_attach(k, &w, 0);
    assert_int_equal(kiosk_clock(k, T + DAY, 10), T + DAY);
    n = outbox_flags_list(kiosk_outbox(k), fl, 16);
    for (int i = 0; i < n; i++)
        assert_string_not_equal(fl[i].name, "clock_not_set");
    kiosk_close(k);
    free(data);
}

/* The whole path: a kiosk booted at 1970 goes online; the office's Date
 * (here the fault server's, the true time) reaches its clock through the
 * uploader: the time is right again and the flag goes. */
static void test_kiosk_office_date_corrects(void **state)
{
    (void)state;
    FaultSrv fs;
    if (faultsrv_start(&fs, NULL, NULL, "tok", NULL) < 0)
        fail_msg("fault server did not start");
    char *data = tmpdir_path(dir, "online");
    assert_int_equal(mkdir(data, 0700), 0);
    char err[600];
    assert_int_equal(wallclock_save(data, T, true, err, sizeof err), 0);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    snprintf(cfg.upload.content_url, sizeof cfg.upload.content_url, "%s",
             faultsrv_url(&fs, "/content"));
    snprintf(cfg.upload.heartbeat_url, sizeof cfg.upload.heartbeat_url, "%s",
             faultsrv_url(&fs, "/heartbeat"));
    snprintf(cfg.upload.device_token, sizeof cfg.upload.device_token, "tok");
    cfg.upload.allow_http_loopback = true;

    Wallclock w;
    int64_t start = kiosk_clock_boot(&cfg, &w, 0, time_mono_ms());
    assert_int_equal(w.state, WALLCLOCK_BEHIND);
    Kiosk *k = kiosk_open(&cfg, ".", SAMPLE, fake_measure(), 1920, 1080, start, err, sizeof err);
    if (!k)
        fail_msg("kiosk_open: %s", err);
    kiosk_clock_attach(k, &w, time_mono_ms());
    int64_t now = kiosk_clock(k, 0, time_mono_ms());
    assert_true(now >= T && now < T + MIN);
    assert_int_equal(app_open(kiosk_app(k), "notices"), 0);   /* someone is reading */
    kiosk_view(k, now);
    kiosk_shown(k);   /* goes online */
    json_t *st = faultsrv_wait(&fs, "heartbeats", 1, 20);
    assert_true(json_is_true(json_object_get(st, "ok")));
    json_decref(st);
    /* The heartbeat went with the flag. */
    st = faultsrv_state(&fs);
    json_t *flags = json_object_get(json_array_get(json_object_get(st, "heartbeats"), 0),
                                    "flags");
    bool listed = false;
    for (size_t i = 0; i < json_array_size(flags); i++)
        listed |= strcmp(json_string_value(json_array_get(flags, i)), "clock_not_set") == 0;
    assert_true(listed);
    json_decref(st);
    /* The worker publishes the Date after that pass: look until it has
     * (bounded; each look is a real check, not a wait for time to pass). */
    int64_t deadline = time_mono_ms() + 10000;
    while (kiosk_wallclock(k)->state != WALLCLOCK_SYNCED && time_mono_ms() < deadline) {
        now = kiosk_clock(k, 0, time_mono_ms());
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(kiosk_wallclock(k)->state, WALLCLOCK_SYNCED);
    now = kiosk_clock(k, 0, time_mono_ms());
    int64_t diff = now - time_now_ms();
    assert_true(diff > -5000 && diff < 5000);
    /* The step (days) moved the app's timers with it: the reader keeps the
     * rest of the idle time, then the kiosk goes home as usual. */
    kiosk_tick(k, now);
    assert_string_equal(app_screen_name(app_screen(kiosk_app(k))), "notices");
    kiosk_tick(k, now + (int64_t)cfg.idle_timeout_s * 1000 + MIN);
    assert_string_not_equal(app_screen_name(app_screen(kiosk_app(k))), "notices");
    OutboxFlag fl[16];
    int n = outbox_flags_list(kiosk_outbox(k), fl, 16);
    for (int i = 0; i < n; i++)
        assert_string_not_equal(fl[i].name, "clock_not_set");
    kiosk_close(k);
    int64_t saved;
    bool office;
    assert_int_equal(wallclock_load(data, &saved, &office, err, sizeof err), 0);
    assert_true(office);
    assert_true(saved > T + DAY);   /* the office's time, saved at once */
    faultsrv_stop(&fs);
    free(data);
}

/* The Date header of a real server reaches http_server_time. */
static void test_date_header(void **state)
{
    (void)state;
    FaultSrv fs;
    if (faultsrv_start(&fs, NULL, NULL, "tok", NULL) < 0)
        fail_msg("fault server did not start");
    HttpPolicy pol = {.allow_http_loopback = true, .connect_timeout_ms = 2000,
                      .total_timeout_ms = 5000, .low_speed_bytes = 1, .low_speed_time_s = 5};
    char err[300];
    Http *h = http_create(&pol, err, sizeof err);
    assert_non_null(h);
    int64_t s, mono;
    assert_int_equal(http_server_time(h, &s, &mono), -1);
    HttpRequest rq = {.method = "GET", .url = faultsrv_url(&fs, "/content"), .bearer = "tok"};
    HttpResponse rs;
    int64_t before = time_mono_ms();
    assert_int_equal(http_request(h, &rq, &rs), HTTP_DONE);
    assert_true(rs.date[0] != '\0');
    http_response_free(&rs);
    assert_int_equal(http_server_time(h, &s, &mono), 0);
    int64_t diff = s - time_now_ms() / 1000;
    assert_true(diff >= -5 && diff <= 5);
    assert_true(mono >= before && mono <= time_mono_ms());
    http_destroy(h);
    faultsrv_stop(&fs);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_floor),
        cmocka_unit_test(test_boot_at_1970),
        cmocka_unit_test(test_boot_days_ahead),
        cmocka_unit_test(test_jumps_while_running),
        cmocka_unit_test_setup_teardown(test_saved_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_boot_at_1970, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_office_date_corrects, setup, teardown),
        cmocka_unit_test(test_date_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
