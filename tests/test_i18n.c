/* test_i18n.c - the strings file: every key used in the code exists in both
 * languages, with the same printf placeholders. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <glob.h>
#include <string.h>
#include "i18n.h"
#include "tmpdir.h"

static I18n *t;

static int setup(void **state)
{
    (void)state;
    char err[300];
    t = i18n_load("assets/i18n/strings.ini", err, sizeof err);
    if (!t)
        fprintf(stderr, "%s\n", err);
    return t ? 0 : -1;
}

static int teardown(void **state) { (void)state; i18n_free(t); return 0; }

/* The placeholders (%d, %s) of a string, in order. */
static void placeholders(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (; *s && k + 2 < n; s++)
        if (s[0] == '%' && s[1]) {
            out[k++] = s[1];
            s++;
        }
    out[k] = '\0';
}

static void test_same_keys_and_placeholders(void **state)
{
    (void)state;
    assert_true(i18n_count(t, LANG_ZH) > 20);
    assert_int_equal(i18n_count(t, LANG_ZH), i18n_count(t, LANG_EN));
    for (size_t i = 0; i < i18n_count(t, LANG_ZH); i++) {
        const char *k = i18n_key(t, LANG_ZH, i);
        if (!i18n_has(t, LANG_EN, k))
            fail_msg("%s has no English text", k);
        char a[16], b[16];
        placeholders(i18n_get(t, LANG_ZH, k), a, sizeof a);
        placeholders(i18n_get(t, LANG_EN, k), b, sizeof b);
        if (strcmp(a, b) != 0)
            fail_msg("%s: placeholders differ (%s / %s)", k, a, b);
    }
}

/* Scan the .c files under app/ for ui_tr(a, "key") and i18n_get(..., "key") literals. */
static void test_every_key_used_in_code_exists(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob("app/*/*.c", 0, NULL, &g), 0);
    assert_int_equal(glob("app/*/*/*.c", GLOB_APPEND, NULL, &g), 0);
    int found = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        char *src = tmpdir_read(path);
        assert_non_null(src);
        /* Screens (ui_tr), the keyboard (its tables of "osk." keys) and
         * the kiosk (i18n_get(k->i18n, lang, "...")). */
        static const char *const calls[] = {"ui_tr(a, \"", "LANG_EN, \"", "LANG_ZH, \"",
                                            "\"osk.", "i18n, lang, \""};
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++)
            for (char *p = strstr(src, calls[c]); p; p = strstr(p + 1, calls[c])) {
                char key[64];
                const char *k = p + strlen(calls[c]);
                if (calls[c][0] == '"')
                    k = p + 1;   /* the key itself begins with the pattern */
                size_t n = strcspn(k, "\"");
                if (n >= sizeof key)
                    continue;
                memcpy(key, k, n);
                key[n] = '\0';
                if (n > 2 && strcmp(key + n - 2, ".h") == 0)
                    continue;   /* #include "osk.h" */
                found++;
                if (!i18n_has(t, LANG_ZH, key) || !i18n_has(t, LANG_EN, key))
                    fail_msg("%s uses \"%s\", missing from strings.ini", path, key);
            }
        free(src);
    }
    globfree(&g);
    assert_true(found > 10);
}

static void test_fallbacks(void **state)
{
    (void)state;
    assert_string_equal(i18n_get(t, LANG_EN, "nav.back"), "Back");
    assert_string_equal(i18n_get(t, LANG_ZH, "nav.back"), "返回");
    /* A missing key shows itself rather than nothing. */
    assert_string_equal(i18n_get(t, LANG_EN, "no.such.key"), "no.such.key");
}

static void test_bad_file(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char *p = tmpdir_path(dir, "s.ini");
    const char *text = "[zh]\na = 一\n[fr]\na = un\n";
    assert_int_equal(tmpdir_write(p, text, strlen(text)), 0);
    char err[300];
    assert_null(i18n_load(p, err, sizeof err));
    assert_non_null(strstr(err, ":3: unknown section [fr]"));
    /* A key twice, and a NUL byte, name their lines (issue 12 item 3: the
     * settings file's reader, shared). */
    text = "[zh]\na = 一\n[en]\na = one\nb = two\na = uno\n";
    assert_int_equal(tmpdir_write(p, text, strlen(text)), 0);
    assert_null(i18n_load(p, err, sizeof err));
    if (!strstr(err, ":6: a is set twice in [en] (first on line 4)"))
        fail_msg("got \"%s\"", err);
    static const char nul[] = "[zh]\na = 一\n\0b = 二\n";
    assert_int_equal(tmpdir_write(p, nul, sizeof nul - 1), 0);
    assert_null(i18n_load(p, err, sizeof err));
    if (!strstr(err, ":3: a NUL byte"))
        fail_msg("got \"%s\"", err);
    /* A sentence longer than inih's 199 bytes, with ';' in it, is whole. */
    char longer[600];
    snprintf(longer, sizeof longer, "[zh]\nlong = %s；还有; 更多%s\n",
             "请到物业服务中心办理，工作人员会尽快联系您。请到物业服务中心办理，工作人员会尽快联系您。",
             "请到物业服务中心办理，工作人员会尽快联系您。请到物业服务中心办理，工作人员会尽快联系您。");
    assert_true(strlen(longer) > 250);
    assert_int_equal(tmpdir_write(p, longer, strlen(longer)), 0);
    I18n *s = i18n_load(p, err, sizeof err);
    assert_non_null(s);
    assert_non_null(strstr(i18n_get(s, LANG_ZH, "long"), "还有; 更多请到"));
    i18n_free(s);
    free(p);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_keys_and_placeholders),
        cmocka_unit_test(test_every_key_used_in_code_exists),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_bad_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
