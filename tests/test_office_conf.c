/* test_office_conf.c - the office's settings: dist/office.conf lists every
 * key with its default (uncommented it loads to exactly the defaults),
 * docs/OFFICE.md documents each, and bad values name their line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "office_conf.h"
#include "tmpdir.h"

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

static void test_dist_file_is_the_defaults_and_documented(void **state)
{
    (void)state;
    char *dist = tmpdir_read("dist/office.conf"), *doc = tmpdir_read("docs/OFFICE.md");
    assert_non_null(dist);
    assert_non_null(doc);
    /* Uncomment every "; key = value" line. */
    size_t n = strlen(dist), keys = 0;
    char *out = calloc(1, n + 1), *q = out;
    for (char *line = dist; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        char key[64];
        if (sscanf(line, "; %63[a-z_] =", key) == 1 && strstr(line, " =") &&
            (size_t)(strstr(line, " =") - line) == 2 + strlen(key)) {
            char want[100];
            snprintf(want, sizeof want, "| `%s` |", key);
            if (!strstr(doc, want))
                fail_msg("%s is not documented in docs/OFFICE.md", key);
            memcpy(q, line + 2, len - 2);
            q += len - 2;
            keys++;
        } else {
            memcpy(q, line, len);
            q += len;
        }
        line += len;
    }
    assert_int_equal(keys, 31);   /* every key of docs/OFFICE.md (previews_per_hour the last) */
    char *path = tmpdir_path(dir, "office.conf");
    assert_int_equal(tmpdir_write(path, out, strlen(out)), 0);
    OfficeConf loaded, defaults;
    office_conf_defaults(&loaded);
    office_conf_defaults(&defaults);
    char err[300];
    if (office_conf_load(&loaded, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_memory_equal(&loaded, &defaults, sizeof loaded);
    free(path);
    free(out);
    free(dist);
    free(doc);
}

static void test_bad_values_name_their_line(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"[server]\nlisten = 8080\n", "office.conf:2: listen"},
        {"[server]\nthreads = 0\n", "office.conf:2: threads"},
        {"[kiosks]\ntracking_url = http://x/{receipt}\n", "office.conf:2: tracking_url"},
        {"[server]\nsecret = 1\n", "unknown key [server] secret"},
        {"listen = 127.0.0.1:1\n", "keys belong in a [section]"},
    };
    char *path = tmpdir_path(dir, "office.conf");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(tmpdir_write(path, cases[i][0], strlen(cases[i][0])), 0);
        OfficeConf c;
        office_conf_defaults(&c);
        char err[400];
        assert_int_equal(office_conf_load(&c, path, err, sizeof err), -1);
        if (!strstr(err, cases[i][1]))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cases[i][1]);
    }
    const char *v6 = "[server]\nlisten = [::1]:8443\n";
    assert_int_equal(tmpdir_write(path, v6, strlen(v6)), 0);
    OfficeConf c;
    office_conf_defaults(&c);
    char err[400];
    assert_int_equal(office_conf_load(&c, path, err, sizeof err), 0);
    assert_string_equal(c.listen_host, "::1");
    assert_int_equal(c.listen_port, 8443);
    assert_true(office_conf_is_loopback(c.listen_host));
    assert_false(office_conf_is_loopback("0.0.0.0"));
    assert_false(office_conf_is_loopback("127.evil.example"));
    free(path);
}

/* The office's settings go through the kiosk's reader (inifile.c, issue 12
 * item 3): a long comment is never read as a setting, a long value is
 * taken whole, line numbers count lines, and a key given twice or a NUL
 * byte is an error naming its line. */
static void test_long_lines_duplicates_and_nul(void **state)
{
    (void)state;
    char *path = tmpdir_path(dir, "office.conf");
    char pad[301], text[2048], err[400];
    memset(pad, 'x', 300);
    pad[300] = '\0';
    OfficeConf c;
    /* A commented-out long line never switches anything on. */
    snprintf(text, sizeof text, "[server]\n# %s listen = 0.0.0.0:80\n"
             "; %s tls_cert = /etc/x.pem\n", pad, pad);
    assert_int_equal(tmpdir_write(path, text, strlen(text)), 0);
    office_conf_defaults(&c);
    if (office_conf_load(&c, path, err, sizeof err) < 0)
        fail_msg("%s", err);
    OfficeConf d;
    office_conf_defaults(&d);
    assert_string_equal(c.listen_host, d.listen_host);
    assert_int_equal(c.listen_port, d.listen_port);
    assert_string_equal(c.tls_cert, "");
    /* A long value (a 300-byte path) is taken whole; the next line is
     * line 4, however long the ones before. */
    snprintf(text, sizeof text, "[storage]\n; %s\ndata_dir = /srv/%s\n[server]\nthreads = many\n",
             pad, pad);
    assert_int_equal(tmpdir_write(path, text, strlen(text)), 0);
    office_conf_defaults(&c);
    assert_int_equal(office_conf_load(&c, path, err, sizeof err), -1);
    if (!strstr(err, "office.conf:5: threads"))
        fail_msg("got \"%s\"", err);
    snprintf(text, sizeof text, "[storage]\ndata_dir = /srv/%s\n", pad);
    assert_int_equal(tmpdir_write(path, text, strlen(text)), 0);
    office_conf_defaults(&c);
    assert_int_equal(office_conf_load(&c, path, err, sizeof err), 0);
    assert_int_equal(strlen(c.data_dir), 5 + 300);
    /* A key given twice: an error naming both lines. */
    static const char dup[] = "[server]\nlisten = 127.0.0.1:8080\nthreads = 4\n"
                              "listen = 0.0.0.0:8080\n";
    assert_int_equal(tmpdir_write(path, dup, strlen(dup)), 0);
    office_conf_defaults(&c);
    assert_int_equal(office_conf_load(&c, path, err, sizeof err), -1);
    if (!strstr(err, "office.conf:4: listen is set twice in [server] (first on line 2)"))
        fail_msg("got \"%s\"", err);
    /* A NUL byte, at the start of a line or inside one. */
    static const char nul1[] = "[server]\n\0listen = 0.0.0.0:80\n";
    static const char nul2[] = "[server]\nthreads = 4\n; a note\0\n";
    const char *nuls[] = {nul1, nul2};
    size_t lens[] = {sizeof nul1 - 1, sizeof nul2 - 1};
    const char *want[] = {"office.conf:2: a NUL byte", "office.conf:3: a NUL byte"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(tmpdir_write(path, nuls[i], lens[i]), 0);
        office_conf_defaults(&c);
        assert_int_equal(office_conf_load(&c, path, err, sizeof err), -1);
        if (!strstr(err, want[i]))
            fail_msg("case %d: got \"%s\"", i, err);
    }
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dist_file_is_the_defaults_and_documented),
        cmocka_unit_test(test_bad_values_name_their_line),
        cmocka_unit_test(test_long_lines_duplicates_and_nul),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
