/* test_kiosk.c - a running kiosk picks up content imported by kioskctl
 * within its poll interval, and keeps the old content when the new is bad. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drawlist.h"
#include "fake_measure.h"
#include "faultsrv.h"
#include "kiosk.h"
#include "pinyin.h"
#include "proc.h"
#include "screen_util.h"
#include "tmpdir.h"
#include "pin.h"
#include "timeutil.h"
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *site_zh(Kiosk *k)
{
    const Content *c = app_content(kiosk_app(k));
    return c ? c->site_name.zh : "";
}

static int ctl_import(const char *data, const char *file, char **err)
{
    char *argv[] = {(char *)proc_bin("kioskctl"), "--data-dir", (char *)data, "import",
                    (char *)file, NULL};
    return proc_run(argv, NULL, err);
}

/* A kiosk on the sample content with default settings and data in `data`. */
static Kiosk *open_sample(Config *cfg, const char *data, int64_t now)
{
    config_defaults(cfg);
    snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", data);
    char err[400];
    Kiosk *k = kiosk_open(cfg, ".", "assets/content/sample.json", fake_measure(), 1920, 1080,
                          now, err, sizeof err);
    if (!k)
        fail_msg("%s", err);
    return k;
}

static void test_live_reload_from_kioskctl(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char *data = tmpdir_path(dir, "data");
    Config cfg;
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k = open_sample(&cfg, data, now);
    assert_string_equal(site_zh(k), "翠湖花园社区");
    assert_string_equal(kiosk_content_error(k), "");

    /* Another process imports new content while the kiosk runs. */
    char *newc = tmpdir_path(dir, "new.json");
    const char *json = "{\"site\":{\"name\":{\"zh\":\"新的小区名\"}},\"notices\":[],"
                       "\"events\":[],\"channels\":[]}";
    assert_int_equal(tmpdir_write(newc, json, strlen(json)), 0);
    char *out = NULL;
    assert_int_equal(ctl_import(data, newc, &out), 0);
    free(out);
    /* Not before the poll interval ... */
    assert_false(kiosk_poll_content(k, now + 1000, false));
    assert_string_equal(site_zh(k), "翠湖花园社区");
    /* ... but at it (2 s by default). */
    assert_true(kiosk_poll_content(k, now + 2000, false));
    assert_string_equal(site_zh(k), "新的小区名");
    kiosk_view(k, now + 2000);
    assert_false(kiosk_frame(k)->oom);
    /* Nothing new: no change reported. */
    assert_false(kiosk_poll_content(k, now + 4000, false));

    /* A bad import is refused by kioskctl; the kiosk keeps what it shows. */
    char *bad = tmpdir_path(dir, "bad.json");
    assert_int_equal(tmpdir_write(bad, "{\"site\": 5}", 11), 0);
    assert_int_equal(ctl_import(data, bad, &out), 2);
    free(out);
    assert_false(kiosk_poll_content(k, now + 6000, false));
    assert_string_equal(site_zh(k), "新的小区名");
    kiosk_close(k);
    free(bad); free(newc); free(data);
    tmpdir_remove(dir);
}

static void test_open_reports_bad_start_content(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char *data = tmpdir_path(dir, "data");
    char *bad = tmpdir_path(dir, "bad.json");
    assert_int_equal(tmpdir_write(bad, "[1, 2", 5), 0);
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    char err[400];
    Kiosk *k = kiosk_open(&cfg, ".", bad, fake_measure(), 1280, 800, SAMPLE_NOW_MS, err,
                          sizeof err);
    assert_non_null(k);
    assert_non_null(strstr(kiosk_content_error(k), "line 1"));
    assert_null(app_content(kiosk_app(k)));   /* nothing imported yet: empty, not a crash */
    kiosk_view(k, SAMPLE_NOW_MS);
    assert_true(kiosk_frame(k)->ncmds > 0);
    kiosk_close(k);
    /* A database directory that cannot be created is a start-up error. */
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "/proc/kiosk-cannot-exist");
    assert_null(kiosk_open(&cfg, ".", NULL, fake_measure(), 1280, 800, SAMPLE_NOW_MS, err,
                           sizeof err));
    assert_non_null(strstr(err, "/proc/kiosk-cannot-exist"));
    free(bad); free(data);
    tmpdir_remove(dir);
}

/* The pinyin engine loads after the first frame, not in kiosk_open: the
 * first kiosk_shown makes the next timeout 0, that tick starts the load on
 * a thread, and a key typed meanwhile waits for it. */
static void test_inputs_load_after_first_frame(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char *data = tmpdir_path(dir, "data");
    Config cfg;
    char err[400];
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k = open_sample(&cfg, data, now);
    Pinyin *py = kiosk_pinyin(k);
    assert_non_null(py);
    assert_int_equal(pinyin_load_status(py, err, sizeof err), 0);   /* not at open */
    assert_true(kiosk_next_timeout(k, now) > 0);
    kiosk_tick(k, now);
    assert_int_equal(pinyin_load_status(py, err, sizeof err), 0);   /* nor before a frame */
    kiosk_view(k, now);
    kiosk_shown(k);
    assert_int_equal(kiosk_next_timeout(k, now), 0);
    kiosk_tick(k, now);                                             /* starts it */
    assert_true(kiosk_next_timeout(k, now) > 0);
    assert_int_equal(pinyin_type(py, 'n'), 0);                      /* waits for it */
    assert_int_equal(pinyin_load_status(py, err, sizeof err), 1);
    assert_true(pinyin_count(py) > 0);
    kiosk_tick(k, now);
    assert_ptr_equal(kiosk_pinyin(k), py);
    kiosk_close(k);
    free(data);
    tmpdir_remove(dir);
}

/* Whether libcurl is mapped into this process (/proc/self/maps). */
static bool curl_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "/libcurl") != NULL;
    fclose(f);
    return found;
}

/* With upload and heartbeat URLs set, the first frame is drawn before
 * libcurl is loaded: kiosk_open only checks the settings, the first
 * kiosk_shown starts the worker, whose thread loads libcurl and then
 * sends at once (the first heartbeat carries that frame's hash). */
static void test_network_starts_after_first_frame(void **state)
{
    (void)state;
    /* Nothing in this program loads libcurl before: the test would
     * prove nothing otherwise (keep it ahead of any that goes online). */
    assert_false(curl_mapped());
    FaultSrv fs;
    if (faultsrv_start(&fs, NULL, NULL, "tok-first-frame", NULL) < 0)
        fail_msg("cannot start tests/server/fault_server.py");
    char *dir = tmpdir_make();
    char *data = tmpdir_path(dir, "data");
    Config cfg;
    config_defaults(&cfg);
    snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data);
    snprintf(cfg.upload.upload_url, sizeof cfg.upload.upload_url, "%s", faultsrv_url(&fs, "/submit"));
    snprintf(cfg.upload.heartbeat_url, sizeof cfg.upload.heartbeat_url, "%s",
             faultsrv_url(&fs, "/heartbeat"));
    snprintf(cfg.upload.device_token, sizeof cfg.upload.device_token, "tok-first-frame");
    cfg.upload.allow_http_loopback = true;
    char err[400];
    int64_t now = SAMPLE_NOW_MS;
    Kiosk *k = kiosk_open(&cfg, ".", "assets/content/sample.json", fake_measure(), 1920, 1080,
                          now, err, sizeof err);
    if (!k)
        fail_msg("%s", err);
    UploaderStatus us;
    uploader_status(kiosk_uploader(k), &us);
    assert_true(us.upload_enabled && us.heartbeat_enabled);
    assert_false(us.running);                      /* checked, not started */
    assert_false(curl_mapped());
    /* The platform loop: a tick, then the frame is built and presented. */
    kiosk_tick(k, now);
    kiosk_view(k, now);
    assert_true(kiosk_frame(k)->ncmds > 0);
    assert_false(curl_mapped());                   /* the whole first frame without it */
    uint64_t hash = dl_hash(kiosk_frame(k));
    kiosk_shown(k);
    assert_true(uploader_launched(kiosk_uploader(k)));
    /* The worker loads libcurl and sends its first heartbeat at once. */
    json_t *w = faultsrv_wait(&fs, "heartbeats", 1, 20);
    assert_non_null(w);
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_t *hb = json_array_get(json_object_get(w, "heartbeats"), 0);
    char want[32];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)hash);
    const char *got = json_string_value(json_object_get(json_object_get(hb, "frame"), "hash"));
    assert_non_null(got);
    assert_string_equal(got, want);
    json_decref(w);
    assert_true(curl_mapped());
    uploader_status(kiosk_uploader(k), &us);
    assert_true(us.running);
    assert_string_equal(us.start_error, "");
    kiosk_close(k);
    faultsrv_stop(&fs);
    free(data);
    tmpdir_remove(dir);
}

/* The real kiosk, fullscreen (as the service runs it) on SDL's dummy video
 * driver: the prelude script brings it into a mode, its last line dumps
 * the frame to `ready`; then `sig` is sent. Returns the milliseconds from
 * the signal to the process's end; fails unless it exits with status 0. */
static int64_t stop_after(const char *dir, const char *name, const char *data,
                          const char *conf, const char *screen, const char *prelude, int sig,
                          const FaultSrv *fs)
{
    char script[600], ready[600];
    snprintf(script, sizeof script, "%s/%s.replay", dir, name);
    snprintf(ready, sizeof ready, "%s/%s.ready", dir, name);
    char text[2048];
    snprintf(text, sizeof text, "%sdump %s\n", prelude, ready);
    assert_int_equal(tmpdir_write(script, text, strlen(text)), 0);
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)proc_bin("kiosk");
    argv[n++] = "--data-dir"; argv[n++] = (char *)data;
    argv[n++] = "--now"; argv[n++] = "2026-12-01T10:00:00+08:00";
    argv[n++] = "--prelude"; argv[n++] = script;
    if (conf) { argv[n++] = "--config"; argv[n++] = (char *)conf; }
    if (screen) { argv[n++] = "--screen"; argv[n++] = (char *)screen; }
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        unsetenv("SDL_NO_SIGNAL_HANDLERS");
        execv(argv[0], argv);
        _exit(127);
    }
    /* Until the prelude has run (a bounded wait on the file it writes). */
    int64_t t0 = time_mono_ms();
    int st;
    while (access(ready, F_OK) != 0) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            fail_msg("%s: the kiosk ended before its prelude was done (status %d)", name, st);
        if (time_mono_ms() - t0 > 30000) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            fail_msg("%s: the prelude did not finish in 30 s", name);
        }
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    if (fs) {   /* a transfer hangs at the office */
        json_t *w = faultsrv_wait(fs, "stalls", 1, 20);
        bool ok = w && json_is_true(json_object_get(w, "ok"));
        json_decref(w);
        if (!ok) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            fail_msg("%s: no transfer reached the office", name);
        }
    }
    int64_t t1 = time_mono_ms();
    assert_int_equal(kill(pid, sig), 0);
    /* A guard against a kiosk that never stops (not a speed limit: the
     * time to stop is make bench's, docs/BENCHMARKS.md). A transfer that
     * hangs at the office hangs until the test releases it, so a kiosk
     * that waited for it would never end. */
    pid_t got;
    while ((got = waitpid(pid, &st, WNOHANG)) == 0) {
        if (time_mono_ms() - t1 > 20000) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            fail_msg("%s: the kiosk did not stop on signal %d", name, sig);
        }
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
    assert_int_equal(got, pid);
    int64_t ms = time_mono_ms() - t1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s: the kiosk did not exit cleanly on signal %d (status 0x%x)", name, sig, st);
    printf("    %s: stopped %lld ms after signal %d\n", name, (long long)ms, sig);
    return ms;
}

/* SIGTERM (and SIGINT) stop the fullscreen kiosk cleanly in every mode:
 * idle, typing pinyin, handwriting, on the staff pad and panel, and while a
 * transfer to the office hangs (the hang lasts until the test releases it,
 * so stopping at all shows the kiosk does not wait for it). How fast is
 * make bench's ("Stop on SIGTERM/SIGINT", under 500 ms); the times are
 * printed here for information only. */
static void test_sigterm_stops_cleanly_in_every_mode(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char *data = tmpdir_path(dir, "data");
    char *err = NULL;
    if (ctl_import(data, "assets/content/sample.json", &err) != 0)
        fail_msg("import: %s", err);
    free(err);
    /* --screen: the staff panel in a screenshot, never on the window. */
    char shot[600];
    snprintf(shot, sizeof shot, "%s/staff.png", dir);
    char *sargv[] = {(char *)proc_bin("kiosk"), "--screenshot", shot, "--screen", "staff",
                     "--data-dir", data, NULL};
    assert_int_equal(proc_run(sargv, NULL, NULL), 0);
    char *wargv[] = {(char *)proc_bin("kiosk"), "--screen", "staff", "--data-dir", data,
                     "--exit-after-first-frame", NULL};
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    assert_int_equal(proc_run(wargv, NULL, NULL), 2);
    unsetenv("SDL_VIDEODRIVER");
    char pin[600], perr[200];
    snprintf(pin, sizeof pin, "%s/staff.pin", data);
    assert_int_equal(pin_set(pin, "246810", perr, sizeof perr), 0);
    static const struct { const char *name, *screen, *prelude; int sig; } modes[] = {
        {"idle", NULL, "", SIGTERM},
        {"typing", NULL, "tap @tile:suggest\ntap @topic:repairs\ntap @key:s\ntap @key:h\n"
                         "tap @key:e\ntap @key:q\ntap @key:u\n", SIGTERM},
        {"handwriting", NULL, "tap @tile:suggest\ntap @topic:repairs\ntap @mode:hand\n"
                              "tap @hwpad\n", SIGTERM},
        {"staff-pad", "staff-pin", "tap @pin:1\ntap @pin:2\n", SIGTERM},
        {"staff-panel", "staff-pin", "tap @pin:2\ntap @pin:4\ntap @pin:6\ntap @pin:8\n"
                                     "tap @pin:1\ntap @pin:0\ntap @pin:ok\n", SIGTERM},
        {"sigint", NULL, "tap @tile:notices\n", SIGINT},
    };
    int64_t worst = 0;
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        int64_t ms = stop_after(dir, modes[i].name, data, NULL, modes[i].screen,
                                modes[i].prelude, modes[i].sig, NULL);
        if (ms > worst)
            worst = ms;
    }
    /* During a content sync, then an upload, that hang at the office. */
    FaultSrv fs;
    if (faultsrv_start(&fs, NULL, NULL, "tok-stop", NULL) < 0)
        fail_msg("cannot start tests/server/fault_server.py");
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"hang\"}"));
    char *conf = tmpdir_path(dir, "kiosk.conf");
    char text[1200];
    snprintf(text, sizeof text,
             "[upload]\nupload_url = %s/submit\ncontent_url = %s/content\n"
             "heartbeat_url = %s/heartbeat\ndevice_token = tok-stop\n"
             "allow_http_loopback = true\nupload_times =\nupload_batch_min = 1\n",
             fs.base, fs.base, fs.base);
    assert_int_equal(tmpdir_write(conf, text, strlen(text)), 0);
    stop_after(dir, "sync", data, conf, NULL, "", SIGTERM, &fs);
    json_decref(faultsrv_ctl(&fs, "/release", "{}"));
    json_decref(faultsrv_ctl(&fs, "/clear", "{}"));
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"ok\"}"));
    assert_int_equal(faultsrv_faults(&fs, "hang", -1, NULL), 0);
    stop_after(dir, "upload", data, conf, NULL,
                    "tap @tile:suggest\ntap @topic:repairs\ntap @key:a\ntap @cand:0\n"
                    "tap @next\ntap @anonymous\ntap @send\n", SIGTERM, &fs);
    faultsrv_stop(&fs);
    printf("    worst of the idle, input and staff modes: %lld ms\n", (long long)worst);
    free(conf);
    free(data);
    tmpdir_remove(dir);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_network_starts_after_first_frame),   /* first: see there */
        cmocka_unit_test(test_live_reload_from_kioskctl),
        cmocka_unit_test(test_open_reports_bad_start_content),
        cmocka_unit_test(test_inputs_load_after_first_frame),
        cmocka_unit_test(test_sigterm_stops_cleanly_in_every_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
