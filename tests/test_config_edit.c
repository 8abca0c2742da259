/* test_config_edit.c - setting keys of a settings file in place
 * (kioskctl enroll): other lines and comments kept, a commented-out key
 * becomes the setting, missing sections are added, the result is checked
 * by config_load before it replaces the file (mode 0600), and a refused
 * edit leaves the file as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "config.h"
#include "config_edit.h"
#include "tmpdir.h"

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

static void test_keys_set_in_place(void **state)
{
    (void)state;
    char *path = tmpdir_path(dir, "kiosk.conf");
    const char *before = "; my kiosk\n[kiosk]\nidle_timeout_s = 120\n\n"
                         "[upload]\n; Where suggestions go\n; upload_url =\n"
                         "device_token = old\nupload_times = 09:00\n";
    assert_int_equal(tmpdir_write(path, before, strlen(before)), 0);
    ConfigEditKey keys[] = {
        {"upload", "upload_url", "https://office.example.cn/api/submissions"},
        {"upload", "device_token", "new-token"},
        {"suggest", "tracking_url", "https://office.example.cn/r/{receipt}"},
    };
    char err[300];
    assert_int_equal(config_edit_file(path, keys, 3, err, sizeof err), 0);
    char *after = tmpdir_read(path);
    assert_string_equal(after,
                        "; my kiosk\n[kiosk]\nidle_timeout_s = 120\n\n"
                        "[upload]\n; Where suggestions go\n"
                        "upload_url = https://office.example.cn/api/submissions\n"
                        "device_token = new-token\nupload_times = 09:00\n"
                        "\n[suggest]\ntracking_url = https://office.example.cn/r/{receipt}\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    static Config c;
    config_defaults(&c);
    assert_int_equal(config_load(&c, path, err, sizeof err), 0);
    assert_string_equal(c.upload.device_token, "new-token");
    assert_int_equal(c.idle_timeout_s, 120);
    free(after);

    /* A value the kiosk would refuse: nothing changes. */
    ConfigEditKey bad[] = {{"upload", "upload_batch_min", "lots"}};
    assert_int_equal(config_edit_file(path, bad, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "upload_batch_min"));
    ConfigEditKey two[] = {{"upload", "device_token", "a\nupload_url = http://evil"}};
    assert_int_equal(config_edit_file(path, two, 1, err, sizeof err), -1);
    char *same = tmpdir_read(path);
    assert_non_null(strstr(same, "device_token = new-token\n"));
    assert_null(strstr(same, "lots"));
    free(same);

    /* A missing file is made. */
    char *fresh = tmpdir_path(dir, "new.conf");
    ConfigEditKey one[] = {{"upload", "device_token", "t"}};
    assert_int_equal(config_edit_file(fresh, one, 1, err, sizeof err), 0);
    char *text = tmpdir_read(fresh);
    assert_string_equal(text, "[upload]\ndevice_token = t\n");
    free(text);
    free(fresh);
    free(path);
}

/* Issue 12 item 3's class: a NUL byte in the file was cut at (the rest of
 * its line dropped without a word, as the NUL-led line
 * "office_public_key = ..." went); now the edit is refused, naming the
 * line, and the file stays byte for byte. */
static void test_nul_byte_refused(void **state)
{
    (void)state;
    char *path = tmpdir_path(dir, "nul.conf");
    static const char before[] = "[upload]\ndevice_token = old\n[staff]\n"
                                 "\0office_public_key = /etc/lobby-kiosk/office.pub\n";
    assert_int_equal(tmpdir_write(path, before, sizeof before - 1), 0);
    ConfigEditKey keys[] = {{"upload", "device_token", "new-token"}};
    char err[300];
    assert_int_equal(config_edit_file(path, keys, 1, err, sizeof err), -1);
    if (!strstr(err, "nul.conf:4: a NUL byte"))
        fail_msg("got \"%s\"", err);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char after[200];
    size_t n = fread(after, 1, sizeof after, f);
    fclose(f);
    assert_int_equal(n, sizeof before - 1);
    assert_memory_equal(after, before, n);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_set_in_place),
        cmocka_unit_test(test_nul_byte_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
