/* test_config.c - settings file: defaults, values, errors naming the line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
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
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    Config c;
    char err[300];
    assert_int_equal(load("[kiosk]\nidle_timeout_s = 45\nidle_timeout_s = soon\n", &c, err,
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
