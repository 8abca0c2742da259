/* test_config_dist.c - dist/kiosk.conf, the installed settings file: every
 * key the code accepts is in it and in docs/CONFIG.md, with the documented
 * default, and uncommented it loads to exactly config_defaults(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "tmpdir.h"

#define MAX_KEYS 128

typedef struct {
    char name[80];    /* "section.key" */
    char value[200];  /* dist: the commented default; docs: the default cell */
    int line;
} Key;

typedef struct {
    Key k[MAX_KEYS];
    int n;
} Keys;

static char *dir;

static int setup(void **state) { (void)state; dir = tmpdir_make(); return dir ? 0 : -1; }
static int teardown(void **state) { (void)state; tmpdir_remove(dir); return 0; }

static const Key *find(const Keys *ks, const char *name)
{
    for (int i = 0; i < ks->n; i++)
        if (strcmp(ks->k[i].name, name) == 0)
            return &ks->k[i];
    return NULL;
}

static void add(Keys *ks, const char *sec, const char *key, const char *value, int line)
{
    char name[80];
    snprintf(name, sizeof name, "%s.%s", sec, key);
    if (find(ks, name))
        fail_msg("%s listed twice (line %d)", name, line);
    assert_true(ks->n < MAX_KEYS);
    Key *k = &ks->k[ks->n++];
    snprintf(k->name, sizeof k->name, "%s", name);
    snprintf(k->value, sizeof k->value, "%s", value);
    k->line = line;
}

/* Copy regex group g of `s` into out. */
static void group(const char *s, const regmatch_t *m, int g, char *out, size_t n)
{
    int len = (int)(m[g].rm_eo - m[g].rm_so);
    if (m[g].rm_so < 0)
        len = 0;
    snprintf(out, n, "%.*s", len, s + (m[g].rm_so < 0 ? 0 : m[g].rm_so));
}

/* The next line of a text being cut up in place (empty lines included), or
 * NULL at its end. */
static char *next_line(char **p)
{
    char *s = *p;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = s + strlen(s);
    }
    return s;
}

/* The keys of dist/kiosk.conf: "; key = default" lines under [section]. */
static void read_dist(Keys *ks)
{
    char *text = tmpdir_read("dist/kiosk.conf");
    assert_non_null(text);
    regex_t sec_re, key_re, bare_re;
    assert_int_equal(regcomp(&sec_re, "^\\[([a-z]+)\\]$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&key_re, "^; ([a-z_]+) =( (.*))?$", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&bare_re, "^[a-z_]+ *=", REG_EXTENDED), 0);
    char sec[40] = "", key[80], value[200];
    int line = 0;
    ks->n = 0;
    char *cur = text;
    for (char *s; (s = next_line(&cur));) {
        line++;
        regmatch_t m[4];
        if (regexec(&sec_re, s, 2, m, 0) == 0) {
            group(s, m, 1, sec, sizeof sec);
        } else if (regexec(&key_re, s, 4, m, 0) == 0) {
            if (!sec[0])
                fail_msg("dist/kiosk.conf:%d: key before any [section]", line);
            group(s, m, 1, key, sizeof key);
            group(s, m, 3, value, sizeof value);
            add(ks, sec, key, value, line);
        } else if (regexec(&bare_re, s, 0, NULL, 0) == 0) {
            fail_msg("dist/kiosk.conf:%d: a key that is not commented out: %s", line, s);
        }
    }
    regfree(&sec_re);
    regfree(&key_re);
    regfree(&bare_re);
    free(text);
}

/* The keys of docs/CONFIG.md: table rows "| `key` | default | meaning |"
 * under "## `[section]`" headings. */
static void read_docs(Keys *ks)
{
    char *text = tmpdir_read("docs/CONFIG.md");
    assert_non_null(text);
    regex_t sec_re, row_re;
    assert_int_equal(regcomp(&sec_re, "^## `\\[([a-z]+)\\]`", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&row_re, "^\\| `([a-z_]+)` \\| (.*) \\| .* \\|$", REG_EXTENDED), 0);
    char sec[40] = "", key[80], cell[200];
    int line = 0;
    ks->n = 0;
    char *cur = text;
    for (char *s; (s = next_line(&cur));) {
        line++;
        regmatch_t m[3];
        if (strncmp(s, "## ", 3) == 0) {
            sec[0] = '\0';
            if (regexec(&sec_re, s, 2, m, 0) == 0)
                group(s, m, 1, sec, sizeof sec);
        } else if (sec[0] && regexec(&row_re, s, 3, m, 0) == 0) {
            group(s, m, 1, key, sizeof key);
            group(s, m, 2, cell, sizeof cell);
            /* The meaning column may hold " | " itself: the default is the
             * first cell only. */
            char *bar = strstr(cell, " | ");
            if (bar)
                *bar = '\0';
            add(ks, sec, key, cell, line);
        }
    }
    regfree(&sec_re);
    regfree(&row_re);
    free(text);
}

/* Key names the code compares against, from app/config/config*.c: IS("sec", "key"),
 * strcmp(name, "key") and {"key", ...} table rows. A file config_X.c holds
 * the keys of [X]; config.c those of [kiosk], [display] and [suggest]. */
static int scan_sources(const Keys *dist, char *missing, size_t n)
{
    regex_t is_re, cmp_re, row_re;
    assert_int_equal(regcomp(&is_re, "IS\\(\"([a-z]+)\", \"([a-z_]+)\"\\)", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&cmp_re, "strcmp\\(name, \"([a-z_]+)\"\\)", REG_EXTENDED), 0);
    assert_int_equal(regcomp(&row_re, "\\{\"([a-z_]+)\", ", REG_EXTENDED), 0);
    DIR *d = opendir("app/config");
    assert_non_null(d);
    int found = 0;
    missing[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "config", 6) != 0 || len < 8 || strcmp(e->d_name + len - 2, ".c"))
            continue;
        char sec[40] = "";
        if (e->d_name[6] == '_')
            snprintf(sec, sizeof sec, "%.*s", (int)(len - 9), e->d_name + 7);
        char path[300];
        snprintf(path, sizeof path, "app/config/%s", e->d_name);
        char *text = tmpdir_read(path);
        assert_non_null(text);
        char *cur = text;
        for (char *s; (s = next_line(&cur));) {
            regmatch_t m[3];
            char name[120], a[40], b[60];
            const char *p = s;
            while (regexec(&is_re, p, 3, m, 0) == 0) {
                group(p, m, 1, a, sizeof a);
                group(p, m, 2, b, sizeof b);
                snprintf(name, sizeof name, "%s.%s", a, b);
                found++;
                if (!find(dist, name))
                    snprintf(missing + strlen(missing), n - strlen(missing), " %s", name);
                p += m[0].rm_eo;
            }
            regex_t *res[] = {&cmp_re, &row_re};
            for (int r = 0; r < 2; r++)
                for (p = s; regexec(res[r], p, 2, m, 0) == 0; p += m[0].rm_eo) {
                    group(p, m, 1, b, sizeof b);
                    found++;
                    bool ok = false;
                    const char *secs[] = {"kiosk", "display", "suggest"};
                    for (int i = 0; i < 3 && !ok; i++) {
                        snprintf(name, sizeof name, "%s.%s", sec[0] ? sec : secs[i], b);
                        ok = find(dist, name) != NULL;
                    }
                    if (!ok)
                        snprintf(missing + strlen(missing), n - strlen(missing), " %s.%s",
                                 sec[0] ? sec : "?", b);
                }
        }
        free(text);
    }
    closedir(d);
    regfree(&is_re);
    regfree(&cmp_re);
    regfree(&row_re);
    return found;
}

static void test_every_key_in_dist_and_docs(void **state)
{
    (void)state;
    static Keys dist, docs;
    read_dist(&dist);
    read_docs(&docs);
    assert_true(dist.n >= 40);   /* the parsers found the lists at all */
    for (int i = 0; i < dist.n; i++)
        if (!find(&docs, dist.k[i].name))
            fail_msg("dist/kiosk.conf:%d: %s is not in docs/CONFIG.md", dist.k[i].line,
                     dist.k[i].name);
    for (int i = 0; i < docs.n; i++)
        if (!find(&dist, docs.k[i].name))
            fail_msg("docs/CONFIG.md:%d: %s is not in dist/kiosk.conf", docs.k[i].line,
                     docs.k[i].name);
    char missing[2000];
    int found = scan_sources(&dist, missing, sizeof missing);
    assert_true(found >= 40);
    if (missing[0])
        fail_msg("keys in app/config/config*.c missing from dist/kiosk.conf:%s", missing);
}

/* A default in backquotes ("`90`") is the literal value; anything else
 * ("*(empty: off)*", "`DATA_DIR/staff.pin`": derived at run time) is
 * written as an empty value. */
static void test_dist_defaults_match_docs(void **state)
{
    (void)state;
    static Keys dist, docs;
    read_dist(&dist);
    read_docs(&docs);
    for (int i = 0; i < dist.n; i++) {
        const Key *d = find(&docs, dist.k[i].name);
        assert_non_null(d);
        char want[200] = "";
        size_t len = strlen(d->value);
        if (len >= 2 && d->value[0] == '`' && d->value[len - 1] == '`' &&
            !memchr(d->value + 1, '`', len - 2) && !strstr(d->value, "DATA_DIR"))
            snprintf(want, sizeof want, "%.*s", (int)(len - 2), d->value + 1);
        if (strcmp(want, dist.k[i].value) != 0)
            fail_msg("dist/kiosk.conf:%d: %s = \"%s\", docs/CONFIG.md:%d says %s",
                     dist.k[i].line, dist.k[i].name, dist.k[i].value, d->line, d->value);
    }
}

/* dist/kiosk.conf with every "; key = value" line uncommented, and the
 * line of `edit`'s key ("key = value") replaced by it when given (in
 * `edit_sec`, whose key it must be: a key given twice is an error). */
static int load_uncommented(const char *edit_sec, const char *edit, Config *c,
                            char *err, size_t n)
{
    size_t klen = edit ? strcspn(edit, " =") : 0;
    char sec[40] = "";
    char *text = tmpdir_read("dist/kiosk.conf");
    assert_non_null(text);
    size_t cap = strlen(text) + 256;
    char *out = calloc(1, cap), *o = out;
    regex_t key_re;
    assert_int_equal(regcomp(&key_re, "^; [a-z_]+ =", REG_EXTENDED), 0);
    char *cur = text;
    for (char *s; (s = next_line(&cur));) {
        const char *line = regexec(&key_re, s, 0, NULL, 0) == 0 ? s + 2 : s;
        if (line[0] == '[')
            snprintf(sec, sizeof sec, "%s", line);
        if (edit && strcmp(sec, edit_sec) == 0 && strncmp(line, edit, klen) == 0 &&
            line[klen] == ' ')
            line = edit;
        o += sprintf(o, "%s\n", line);
    }
    regfree(&key_re);
    char *p = tmpdir_path(dir, "kiosk.conf");
    assert_int_equal(tmpdir_write(p, out, strlen(out)), 0);
    config_defaults(c);
    err[0] = '\0';
    int rc = config_load(c, p, err, n);
    free(p);
    free(out);
    free(text);
    return rc;
}

static void test_uncommented_dist_loads_to_the_defaults(void **state)
{
    (void)state;
    static Config got, want;
    char err[600];
    config_defaults(&want);
    int rc = load_uncommented(NULL, NULL, &got, err, sizeof err);
    if (rc != 0)
        fail_msg("uncommented dist/kiosk.conf: %s", err);
    /* Field by field where a difference is worth naming... */
    assert_string_equal(got.data_dir, want.data_dir);
    assert_string_equal(got.share_dir, want.share_dir);
    assert_int_equal(got.default_lang, want.default_lang);
    assert_int_equal(got.idle_timeout_s, want.idle_timeout_s);
    assert_string_equal(got.topics, want.topics);
    assert_int_equal(got.fullscreen, want.fullscreen);
    assert_int_equal(got.software_render, want.software_render);
    assert_int_equal(got.staff.gesture_corner, want.staff.gesture_corner);
    assert_string_equal(got.upload.upload_times, want.upload.upload_times);
    assert_int_equal(got.upload.backoff_base_ms, want.upload.backoff_base_ms);
    assert_int_equal(got.upload.backoff_cap_ms, want.upload.backoff_cap_ms);
    /* ...then all of it: config_load writes only through snprintf and
     * scalar stores over a zeroed config_defaults(), so equal settings are
     * equal bytes. */
    if (memcmp(&got, &want, sizeof got) != 0) {
        size_t i = 0;
        while (((unsigned char *)&got)[i] == ((unsigned char *)&want)[i])
            i++;
        fail_msg("uncommented dist/kiosk.conf differs from config_defaults() at byte %zu of "
                 "Config", i);
    }
    /* The comparison can fail: one value off is noticed. */
    rc = load_uncommented("[upload]", "connect_timeout_s = 11", &got, err, sizeof err);
    assert_int_equal(rc, 0);
    assert_int_not_equal(memcmp(&got, &want, sizeof got), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_in_dist_and_docs),
        cmocka_unit_test(test_dist_defaults_match_docs),
        cmocka_unit_test(test_uncommented_dist_loads_to_the_defaults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
