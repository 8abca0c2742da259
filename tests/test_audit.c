/* test_audit.c - the staff audit log: line format, one line per call, mode 0600, rotation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "tmpdir.h"

#define T0 1773450000   /* 2026-03-14 09:00:00 +08:00 (the runner sets TZ=Asia/Shanghai) */

static void test_lines(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *path = tmpdir_path(dir, "audit.log");
    assert_int_equal(audit_log(path, T0, "pin", "ok: staff session opened"), 0);
    assert_int_equal(audit_logf(path, T0 + 65, "export", "failed: %s\tand\nmore", "drive full"), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = tmpdir_read(path);
    assert_string_equal(text, "2026-03-14T09:00:00+08:00\tpin\tok: staff session opened\n"
                              "2026-03-14T09:01:05+08:00\texport\tfailed: drive full and more\n");
    free(text);
    free(path);
    tmpdir_remove(dir);
}

static void test_long_fields_are_cut_on_a_character(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *path = tmpdir_path(dir, "audit.log");
    char big[1000] = "";
    for (int i = 0; i < 100; i++)
        strcat(big, "满");   /* 3 bytes each */
    assert_int_equal(audit_log(path, T0, "x", big), 0);
    char *text = tmpdir_read(path);
    char *r = strrchr(text, '\t') + 1;
    size_t n = strlen(r) - 1;   /* without the line break */
    assert_true(n <= AUDIT_FIELD_MAX);
    assert_int_equal(n % 3, 0);
    assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text));   /* one line */
    free(text);
    free(path);
    tmpdir_remove(dir);
}

static void test_rotation(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *path = tmpdir_path(dir, "audit.log");
    char *old = tmpdir_path(dir, "audit.log.1");
    char *filler = calloc(1, AUDIT_ROTATE_BYTES + 1);
    memset(filler, 'x', AUDIT_ROTATE_BYTES);
    assert_int_equal(tmpdir_write(path, filler, AUDIT_ROTATE_BYTES), 0);
    assert_int_equal(audit_log(path, T0, "leave", "ok"), 0);
    char *text = tmpdir_read(path);
    assert_string_equal(text, "2026-03-14T09:00:00+08:00\tleave\tok\n");
    struct stat st;
    assert_int_equal(stat(old, &st), 0);
    assert_int_equal(st.st_size, AUDIT_ROTATE_BYTES);
    free(text); free(filler); free(old); free(path);
    tmpdir_remove(dir);
}

static void test_unwritable(void **state)
{
    (void)state;
    assert_int_equal(audit_log("/nonexistent-dir/audit.log", T0, "pin", "ok"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_long_fields_are_cut_on_a_character),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_unwritable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
