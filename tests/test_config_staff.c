/* test_config_staff.c - the [staff] settings: defaults, values, errors with line numbers, derived paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tmpdir.h"

static int load(const char *text, Config *c, char *err, size_t n)
{
    char *dir = tmpdir_make(), *p = tmpdir_path(dir, "k.conf");
    assert_int_equal(tmpdir_write(p, text, strlen(text)), 0);
    config_defaults(c);
    int rc = config_load(c, p, err, n);
    free(p);
    tmpdir_remove(dir);
    return rc;
}

static void test_defaults_and_paths(void **state)
{
    (void)state;
    Config c;
    config_defaults(&c);
    assert_int_equal(c.staff.gesture_hold_s, 5);
    assert_int_equal(c.staff.gesture_corner, CONFIG_CORNER_TOP_LEFT);
    assert_int_equal(c.staff.session_idle_s, 60);
    assert_string_equal(c.staff.office_public_key, "");
    char p[PATH_MAX];
    assert_int_equal(config_staff_pin_path(&c.staff, "/d", p, sizeof p), 0);
    assert_string_equal(p, "/d/staff.pin");
    assert_int_equal(config_staff_audit_path(&c.staff, "/d", p, sizeof p), 0);
    assert_string_equal(p, "/d/audit.log");
}

static void test_values(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[staff]\ngesture_hold_s = 8\ngesture_corner = bottom-right\n"
                          "session_idle_s = 120\npin_file = /etc/k/pin\n"
                          "export_dir = /mnt/usb\noffice_public_key = /etc/k/office.pub\n"
                          "audit_log = /var/log/k.audit\n", &c, err, sizeof err), 0);
    assert_int_equal(c.staff.gesture_hold_s, 8);
    assert_int_equal(c.staff.gesture_corner, CONFIG_CORNER_BOTTOM_RIGHT);
    assert_int_equal(c.staff.session_idle_s, 120);
    assert_string_equal(c.staff.export_dir, "/mnt/usb");
    assert_string_equal(c.staff.office_public_key, "/etc/k/office.pub");
    char p[PATH_MAX];
    config_staff_pin_path(&c.staff, "/d", p, sizeof p);
    assert_string_equal(p, "/etc/k/pin");
    config_staff_audit_path(&c.staff, "/d", p, sizeof p);
    assert_string_equal(p, "/var/log/k.audit");
}

static void test_errors(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[staff]\n\ngesture_corner = middle\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":3: gesture_corner: expected top-left"));
    assert_int_equal(load("[staff]\ngesture_hold_s = 1\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: gesture_hold_s: expected whole seconds from 2 to 30"));
    assert_int_equal(load("[staff]\nsession_idle_s = ten\n", &c, err, sizeof err), -1);
    assert_int_equal(load("[staff]\npin = 123456\n", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown key [staff] pin"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_paths),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
