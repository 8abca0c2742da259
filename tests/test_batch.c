/* test_batch.c - upload batch times on a fixed clock (TZ=Asia/Shanghai,
 * as tests/run-tests.sh sets), and the [upload] settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "batch.h"
#include "config.h"
#include "timeutil.h"
#include "tmpdir.h"

static int64_t at(const char *iso)
{
    int64_t t;
    assert_int_equal(time_parse_iso8601(iso, &t), 0);
    return t;
}

static void test_parse_times(void **state)
{
    (void)state;
    BatchTimes t;
    char err[120];
    assert_int_equal(batch_parse_times("18:00, 09:00,13:30", &t, err, sizeof err), 0);
    assert_int_equal(t.n, 3);
    assert_int_equal(t.min[0], 9 * 60);
    assert_int_equal(t.min[1], 13 * 60 + 30);
    assert_int_equal(t.min[2], 18 * 60);
    assert_int_equal(batch_parse_times("", &t, err, sizeof err), 0);
    assert_int_equal(t.n, 0);
    assert_int_equal(batch_parse_times("00:00,23:59", &t, err, sizeof err), 0);
    const char *bad[] = {"9:00", "24:00", "12:60", "12:00,", "12:00,12:00", "noon",
                         "12:00;13:00", "12:00 13:00", "+1:00", NULL};
    for (int i = 0; bad[i]; i++) {
        err[0] = '\0';
        assert_int_equal(batch_parse_times(bad[i], &t, err, sizeof err), -1);
        assert_true(err[0] != '\0');
    }
}

static void test_slots(void **state)
{
    (void)state;
    BatchTimes t;
    char err[120];
    assert_int_equal(batch_parse_times("09:00,13:00,18:00", &t, err, sizeof err), 0);
    int64_t now = at("2026-03-14T10:30:00+08:00");
    assert_int_equal(batch_last_slot(&t, now), at("2026-03-14T09:00:00+08:00"));
    assert_int_equal(batch_next_slot(&t, now), at("2026-03-14T13:00:00+08:00"));
    now = at("2026-03-14T07:00:00+08:00");   /* before the first: yesterday's last */
    assert_int_equal(batch_last_slot(&t, now), at("2026-03-13T18:00:00+08:00"));
    assert_int_equal(batch_next_slot(&t, now), at("2026-03-14T09:00:00+08:00"));
    now = at("2026-03-14T18:00:00+08:00");   /* exactly at: that slot */
    assert_int_equal(batch_last_slot(&t, now), now);
    assert_int_equal(batch_next_slot(&t, now), at("2026-03-15T09:00:00+08:00"));
    BatchTimes none = {0};
    assert_int_equal(batch_last_slot(&none, now), -1);
    assert_int_equal(batch_next_slot(&none, now), -1);
}

static void test_should_open(void **state)
{
    (void)state;
    BatchTimes t;
    char err[120];
    assert_int_equal(batch_parse_times("09:00,18:00", &t, err, sizeof err), 0);
    int64_t seen = at("2026-03-14T09:00:00+08:00");   /* the 09:00 batch happened */
    int64_t now = at("2026-03-14T10:00:00+08:00");
    /* Waiting, below batch_min, no new slot: wait. */
    assert_false(batch_should_open(&t, &seen, now, 3, 5, false));
    /* batch_min reached. */
    assert_true(batch_should_open(&t, &seen, now, 5, 5, false));
    /* batch_min 0 means times only. */
    assert_false(batch_should_open(&t, &seen, now, 500, 0, false));
    /* Staff "upload now". */
    assert_true(batch_should_open(&t, &seen, now, 1, 0, true));
    assert_false(batch_should_open(&t, &seen, now, 0, 0, true));   /* nothing to send */
    /* 18:00 passes: opens once, and the slot is used up. */
    now = at("2026-03-14T18:00:05+08:00");
    assert_true(batch_should_open(&t, &seen, now, 1, 0, false));
    assert_int_equal(seen, at("2026-03-14T18:00:00+08:00"));
    assert_false(batch_should_open(&t, &seen, now + 60, 1, 0, false));
    /* A slot that passes with nothing waiting is used up all the same: a
     * suggestion arriving at 09:30 waits for 18:00, it does not leave at once. */
    now = at("2026-03-15T09:00:30+08:00");
    assert_false(batch_should_open(&t, &seen, now, 0, 0, false));
    assert_int_equal(seen, at("2026-03-15T09:00:00+08:00"));
    assert_false(batch_should_open(&t, &seen, at("2026-03-15T09:30:00+08:00"), 1, 0, false));
    /* A fresh kiosk (nothing seen) with something waiting sends at start. */
    int64_t fresh = 0;
    assert_true(batch_should_open(&t, &fresh, now, 2, 0, false));
}

static void test_upload_settings(void **state)
{
    (void)state;
    Config c;
    config_defaults(&c);
    assert_string_equal(c.upload.upload_url, "");
    assert_false(c.upload.allow_http_loopback);
    assert_int_equal(c.upload.delivered_keep_days, 30);
    assert_int_equal(c.upload.backoff_base_ms, 30000);
    char *dir = tmpdir_make();
    char *p = tmpdir_path(dir, "k.conf");
    const char *text = "[upload]\nupload_url = https://office.example/api/submissions\n"
                       "device_token = abc.DEF-123\nca_file = /etc/ssl/office-ca.pem\n"
                       "allow_http_loopback = true\nupload_times = 08:00, 20:00\n"
                       "upload_batch_min = 3\nbackoff_base_s = 0.5\nbackoff_cap_s = 600\n"
                       "content_max_mb = 2\n";
    assert_int_equal(tmpdir_write(p, text, strlen(text)), 0);
    char err[300] = "";
    assert_int_equal(config_load(&c, p, err, sizeof err), 0);
    assert_string_equal(c.upload.device_token, "abc.DEF-123");
    assert_true(c.upload.allow_http_loopback);
    assert_int_equal(c.upload.backoff_base_ms, 500);
    assert_int_equal(c.upload.upload_batch_min, 3);
    char contact[CONFIG_URL_MAX];
    config_upload_contact_url(&c.upload, contact, sizeof contact);
    assert_string_equal(contact, "https://office.example/api/submissions/contact");
    const char *bad[] = {"[upload]\nupload_url = ftp://x/\n", "[upload]\nupload_times = 25:00\n",
                         "[upload]\ndevice_token = has space\n", "[upload]\ncontent_max_mb = 9\n",
                         "[upload]\nbackoff_base_s = 0\n", "[upload]\nno_such_key = 1\n", NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(tmpdir_write(p, bad[i], strlen(bad[i])), 0);
        config_defaults(&c);
        err[0] = '\0';
        assert_int_equal(config_load(&c, p, err, sizeof err), -1);
        assert_non_null(strstr(err, ":2:"));
    }
    /* The token never appears in a message. */
    const char *tok = "[upload]\ndevice_token = secret\x01zz\n";
    assert_int_equal(tmpdir_write(p, tok, strlen(tok)), 0);
    assert_int_equal(config_load(&c, p, err, sizeof err), -1);
    assert_null(strstr(err, "secret"));
    free(p);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_times),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_should_open),
        cmocka_unit_test(test_upload_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
