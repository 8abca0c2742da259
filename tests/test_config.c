/* test_config.c - settings file: defaults, values, errors naming the line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "config.h"
#include "outbox.h"
#include "tmpdir.h"

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

/* Load `text` as a config file; returns config_load's result. */
static int load(const char *text, Config *c, char *err, size_t n)
{
    char *p = tmpdir_path(dir, "kiosk.conf");
    assert_int_equal(tmpdir_write(p, text, strlen(text)), 0);
    config_defaults(c);
    err[0] = '\0';
    int rc = config_load(c, p, err, n);
    free(p);
    return rc;
}

/* A settings file of lines (NUL bytes allowed: len given). */
static int load_n(const char *text, size_t len, Config *c, char *err, size_t n)
{
    char *p = tmpdir_path(dir, "kiosk.conf");
    assert_int_equal(tmpdir_write(p, text, len), 0);
    config_defaults(c);
    err[0] = '\0';
    int rc = config_load(c, p, err, n);
    free(p);
    return rc;
}

/* Issue 12 item 3: lines over 199 bytes are read whole (inih split them
 * and read the tail as a setting of its own). */
static void test_long_lines(void **state)
{
    (void)state;
    Config c;
    char err[400], text[4096], pad[300];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    /* A commented-out long line never switches anything on. */
    snprintf(text, sizeof text, "[staff]\n# %.250s office_public_key = /etc/lobby-kiosk/office.pub\n"
             "; %.250s office_public_key = /etc/lobby-kiosk/office.pub\n", pad, pad);
    assert_int_equal(load(text, &c, err, sizeof err), 0);
    assert_string_equal(c.staff.office_public_key, "");
    /* The documented maximum of 48 upload_times (287 bytes). */
    char times[400] = "";
    for (int i = 0; i < BATCH_MAX_TIMES; i++)
        snprintf(times + strlen(times), sizeof times - strlen(times), "%s%02d:%02d",
                 i ? ", " : "", i / 2, i % 2 * 30);
    snprintf(text, sizeof text, "[upload]\nupload_times = %s\n", times);
    if (load(text, &c, err, sizeof err) != 0)
        fail_msg("48 upload_times: %s", err);
    BatchTimes bt;
    assert_int_equal(batch_parse_times(c.upload.upload_times, &bt, err, sizeof err), 0);
    assert_int_equal(bt.n, BATCH_MAX_TIMES);
    /* A 255-character token is taken; a 300-character one is refused as
     * too long, on its own line, not as "malformed". */
    char token[301];
    memset(token, 'T', 300);
    token[255] = '\0';
    snprintf(text, sizeof text, "[upload]\ndevice_token = %s\n", token);
    assert_int_equal(load(text, &c, err, sizeof err), 0);
    assert_string_equal(c.upload.device_token, token);
    token[255] = 'T';
    token[300] = '\0';
    snprintf(text, sizeof text, "[upload]\ndevice_token = %s\nupload_batch_min = 2\n", token);
    assert_int_equal(load(text, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:2: device_token: expected at most 255"))
        fail_msg("got \"%s\"", err);
    assert_null(strstr(err, "TTTT"));   /* never the token itself */
    /* Line numbers count lines, however long: the bad value is on line 4
     * of a 4-line file. */
    snprintf(text, sizeof text, "[kiosk]\n; %s\ndata_dir = /srv/%.250s\nidle_timeout_s = soon\n",
             pad, pad);
    assert_int_equal(load(text, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:4: idle_timeout_s"))
        fail_msg("got \"%s\"", err);
    /* A long line that is not key = value is refused whole, on its line. */
    snprintf(text, sizeof text, "[kiosk]\nidle_timeout_s = 45\n%s\n", pad);
    assert_int_equal(load(text, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:3: malformed"))
        fail_msg("got \"%s\"", err);
    /* Past the line limit: refused with its line number, unless it is a
     * comment (any length). */
    size_t big = 70000;   /* past any sensible line limit */
    char *huge = malloc(big + 64);
    assert_non_null(huge);
    int k = snprintf(huge, big + 64, "[kiosk]\ndata_dir = /");
    memset(huge + k, 'y', big);
    snprintf(huge + k + big, 64, "\n");
    assert_int_equal(load(huge, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:2: line longer than"))
        fail_msg("got \"%s\"", err);
    huge[8] = '#';   /* the long line becomes a comment */
    snprintf(huge + k + big, 64, "\nidle_timeout_s = 33\n");
    assert_int_equal(load(huge, &c, err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 33);
    free(huge);
    /* An inline comment after a value still ends it (as inih did). */
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45 ; three quarters\n", &c, err,
                          sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 45);
}

/* Issue 12 item 3: duplicate keys and NUL bytes are errors naming their
 * line, not silently taken or skipped. */
static void test_duplicates_and_nul(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45\ndefault_lang = en\n"
                          "idle_timeout_s = 60\n", &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:4: idle_timeout_s is set twice in [kiosk] (first on line 2)"))
        fail_msg("got \"%s\"", err);
    /* Also across two [upload] sections; the same key in two sections is
     * fine ([kiosk] and [suggest] idle_timeout_s). */
    assert_int_equal(load("[upload]\nupload_batch_min = 3\n[kiosk]\nidle_timeout_s = 45\n"
                          "[suggest]\nidle_timeout_s = 30\n[upload]\nupload_batch_min = 4\n",
                          &c, err, sizeof err), -1);
    if (!strstr(err, ":8: upload_batch_min is set twice in [upload] (first on line 2)"))
        fail_msg("got \"%s\"", err);
    /* A line starting with a NUL byte (inih skipped it), and one with a NUL
     * inside. */
    static const char nul1[] = "[staff]\n\0office_public_key = /etc/k.pub\n";
    assert_int_equal(load_n(nul1, sizeof nul1 - 1, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:2: a NUL byte"))
        fail_msg("got \"%s\"", err);
    static const char nul2[] = "[kiosk]\nidle_timeout_s = 45\n; note\0\n";
    assert_int_equal(load_n(nul2, sizeof nul2 - 1, &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:3: a NUL byte"))
        fail_msg("got \"%s\"", err);
    /* A section no key belongs to is a typo, not silence. */
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45\n[uplaod]\n", &c, err, sizeof err), -1);
    if (!strstr(err, "kiosk.conf:3: unknown section [uplaod]"))
        fail_msg("got \"%s\"", err);
}

static void test_defaults(void **state)
{
    (void)state;
    Config c;
    config_defaults(&c);
    assert_int_equal(c.idle_timeout_s, 90);
    assert_int_equal(c.default_lang, LANG_ZH);
    assert_true(c.fullscreen);
    assert_string_equal(c.data_dir, "/var/lib/lobby-kiosk");
}

static void test_values(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("; comment\n[kiosk]\nidle_timeout_s = 45\ndefault_lang = en\n"
                          "data_dir = /srv/kiosk\n\n[display]\nfullscreen = no\n"
                          "width = 1080\nheight = 1920\nrenderer = accelerated\n",
                          &c, err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 45);
    assert_int_equal(c.default_lang, LANG_EN);
    assert_string_equal(c.data_dir, "/srv/kiosk");
    assert_false(c.fullscreen);
    assert_int_equal(c.width, 1080);
    assert_int_equal(c.height, 1920);
    assert_false(c.software_render);
    /* Up to 4K UHD either way round (issue 12, item 11), no larger. */
    assert_int_equal(load("[display]\nwidth = 3840\nheight = 3840\n", &c, err, sizeof err), 0);
    assert_int_equal(c.width, 3840);
    assert_int_equal(load("[display]\nwidth = 3841\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: width: expected pixels from 320 to 3840"));
    assert_int_equal(load("[display]\nheight = 8192\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "height: expected pixels from 320 to 3840"));
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45\ncontent_poll_s = soon\n", &c, err,
                          sizeof err), -1);
    assert_non_null(strstr(err, ":3: content_poll_s"));
    assert_int_equal(load("[kiosk]\ndefault_lang = en\nidle_timeout_s = soon\n", &c, err,
                          sizeof err), -1);
    assert_non_null(strstr(err, ":3: idle_timeout_s"));
    assert_int_equal(load("[kiosk]\n\nthis line is broken\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":3: malformed"));
    assert_int_equal(load("[kiosk]\ncolour = blue\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: unknown key [kiosk] colour"));
    assert_int_equal(load("[display]\nfullscreen = maybe\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: fullscreen"));
    assert_int_equal(load("[kiosk]\ndefault_lang = fr\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: default_lang"));
    /* A syntax error before a value error: the first one is reported. */
    assert_int_equal(load("[kiosk\nidle_timeout_s = x\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1:"));
    /* Key outside a section. */
    assert_int_equal(load("idle_timeout_s = 30\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: idle_timeout_s: keys belong in a [section]"));
}

static void test_missing_file(void **state)
{
    (void)state;
    Config c;
    char err[300];
    config_defaults(&c);
    assert_int_equal(config_load(&c, "/nonexistent/kiosk.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/kiosk.conf: cannot read"));
}

static void test_suggest_defaults(void **state)
{
    (void)state;
    Config c;
    config_defaults(&c);
    assert_string_equal(c.topics, OUTBOX_DEFAULT_TOPICS);
    assert_int_equal(c.suggest_idle_s, 60);
    assert_int_equal(c.still_there_s, 15);
    assert_int_equal(c.rate_burst, 3);
    assert_int_equal(c.rate_refill_s, 300);
    assert_int_equal(c.queue_max_rows, OUTBOX_DEFAULT_MAX_ROWS);
    assert_int_equal((long long)c.queue_max_mb * 1024 * 1024, OUTBOX_DEFAULT_MAX_BYTES);
}

static void test_suggest_values(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45\n[suggest]\n"
                          "topics = lifts, gardens ,other\nidle_timeout_s = 30\n"
                          "still_there_s = 10\nrate_burst = 5\nrate_refill_s = 600\n"
                          "queue_max_rows = 200\nqueue_max_mb = 2\n", &c, err, sizeof err), 0);
    assert_int_equal(c.idle_timeout_s, 45);        /* [kiosk] and [suggest] apart */
    assert_int_equal(c.suggest_idle_s, 30);
    assert_int_equal(c.still_there_s, 10);
    assert_int_equal(c.rate_burst, 5);
    assert_int_equal(c.rate_refill_s, 600);
    assert_int_equal(c.queue_max_rows, 200);
    assert_int_equal(c.queue_max_mb, 2);
    /* The outbox accepts exactly these topics. */
    char ids[OUTBOX_MAX_TOPICS][OUTBOX_TOPIC_MAX];
    assert_int_equal(outbox_topics_parse(c.topics, ids, err, sizeof err), 3);
    assert_string_equal(ids[1], "gardens");
}

static void test_suggest_errors_name_the_line(void **state)
{
    (void)state;
    Config c;
    char err[300];
    static const struct { const char *line, *expect; } bad[] = {
        {"topics = cleaning,,other", ":3: topics"},
        {"topics = cleaning,cleaning", ":3: topics"},
        {"topics = Cleaning", ":3: topics"},
        {"topics =", ":3: topics"},
        {"idle_timeout_s = 1", ":3: idle_timeout_s"},
        {"still_there_s = soon", ":3: still_there_s"},
        {"rate_burst = 0", ":3: rate_burst"},
        {"rate_refill_s = -5", ":3: rate_refill_s"},
        {"queue_max_rows = 0", ":3: queue_max_rows"},
        {"queue_max_mb = 5000", ":3: queue_max_mb"},
        {"queue_max_bytes = 1", ":3: unknown key [suggest] queue_max_bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[200];
        snprintf(text, sizeof text, "[suggest]\nrate_burst = 3\n%s\n", bad[i].line);
        if (load(text, &c, err, sizeof err) != -1 || !strstr(err, bad[i].expect))
            fail_msg("\"%s\": got \"%s\", expected \"%s\"", bad[i].line, err, bad[i].expect);
    }
}

/* [kiosk] image_cache_mb: the picture cache's bound, 256 MB unless set. */
static void test_image_cache_mb(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[kiosk]\n", &c, err, sizeof err), 0);
    assert_int_equal(c.image_cache_mb, 256);
    assert_int_equal(load("[kiosk]\nimage_cache_mb = 1024\n", &c, err, sizeof err), 0);
    assert_int_equal(c.image_cache_mb, 1024);
    const char *bad[] = {"8", "65537", "lots", "-1", "1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[80];
        snprintf(text, sizeof text, "[kiosk]\nimage_cache_mb = %s\n", bad[i]);
        assert_int_equal(load(text, &c, err, sizeof err), -1);
        assert_non_null(strstr(err, ":2: image_cache_mb: expected whole megabytes from 16 to 65536"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_image_cache_mb),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_suggest_defaults),
        cmocka_unit_test(test_suggest_values),
        cmocka_unit_test(test_suggest_errors_name_the_line),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_duplicates_and_nul),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
