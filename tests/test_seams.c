/* test_seams.c - the architecture's seams, checked on the sources: no SQL on
 * the submissions table outside the outbox module (app/data/outbox*.c), and
 * every header in include/ belongs to a source file of app/. Run from the
 * repository's top directory (tests/run-tests.sh does). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The string literals of C source `src`, adjacent ones joined (as the
 * compiler joins "DELETE FROM" " submissions"), each literal run ended by
 * a newline; comments and character constants are skipped. Escapes are
 * kept as written. malloc'd. */
static char *literals(const char *src)
{
    size_t n = strlen(src);
    char *out = malloc(n + 2), *o = out;
    bool in_run = false;
    for (size_t i = 0; i < n;) {
        if (src[i] == '/' && src[i + 1] == '*') {
            const char *e = strstr(src + i + 2, "*/");
            i = e ? (size_t)(e - src) + 2 : n;
        } else if (src[i] == '/' && src[i + 1] == '/') {
            while (i < n && src[i] != '\n')
                i++;
        } else if (src[i] == '\'') {
            for (i++; i < n && src[i] != '\''; i++)
                if (src[i] == '\\')
                    i++;
            i++;
        } else if (src[i] == '"') {
            for (i++; i < n && src[i] != '"'; i++) {
                if (src[i] == '\\')
                    *o++ = src[i++];
                *o++ = src[i];
            }
            i++;
            in_run = true;
        } else {
            if (in_run && !isspace((unsigned char)src[i])) {
                *o++ = '\n';
                in_run = false;
            }
            i++;
        }
    }
    if (in_run)
        *o++ = '\n';
    *o = '\0';
    return out;
}

/* Whether C source `src` holds SQL that names the submissions table: a
 * string (joined as above) where it follows FROM, INTO, UPDATE, JOIN,
 * TABLE, ON or REFERENCES. A message such as "%lld submissions" is not. */
static bool touches_submissions(const char *src)
{
    regex_t re;
    assert_int_equal(regcomp(&re, "(from|into|update|join|table|on|references)[ \t]+"
                                  "submissions([^a-z0-9_]|$)",
                             REG_EXTENDED | REG_ICASE | REG_NOSUB | REG_NEWLINE), 0);
    char *lits = literals(src);
    bool hit = regexec(&re, lits, 0, NULL, 0) == 0;
    free(lits);
    regfree(&re);
    return hit;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot be read", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

typedef void (*FileFn)(const char *path, void *ctx);

/* Call fn for each regular file under dir whose name matches glob. */
static void walk(const char *dir, const char *glob, FileFn fn, void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("%s: cannot be listed (run from the repository's top directory)", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(path, glob, fn, ctx);
        else if (S_ISREG(st.st_mode) && fnmatch(glob, e->d_name, 0) == 0)
            fn(path, ctx);
    }
    closedir(d);
}

/* The scanner itself: it must see SQL split over literals and lines, and
 * must not see comments or messages. */
static void test_scanner(void **state)
{
    (void)state;
    assert_true(touches_submissions("x = \"DELETE FROM\"\n   \" submissions WHERE id = ?1\";"));
    assert_true(touches_submissions("q(db, \"UPDATE submissions SET state = 'dead'\");"));
    assert_true(touches_submissions("\"SELECT 1 FROM deliveries d JOIN submissions s ON\""));
    assert_true(touches_submissions("\"INSERT INTO submissions (id) VALUES (?1)\""));
    assert_true(touches_submissions("\"CREATE TABLE submissions (\""));
    assert_false(touches_submissions("/* DELETE FROM submissions */ int x;"));
    assert_false(touches_submissions("// UPDATE submissions\nint y;"));
    assert_false(touches_submissions("printf(\"exported %lld submissions (%lld sealed)\", a, b);"));
    assert_false(touches_submissions("\"FROM submissions_state\""));   /* another name */
    assert_false(touches_submissions("\"DELETE FROM\"; \"submissions\""));   /* two strings */
}

typedef struct {
    char bad[4096];
} Found;

static void check_sql(const char *path, void *ctx)
{
    Found *f = ctx;
    const char *base = strrchr(path, '/') + 1;
    if (strncmp(path, "app/data/", 9) == 0 && fnmatch("outbox*.c", base, 0) == 0)
        return;   /* the owner */
    char *src = slurp(path);
    if (touches_submissions(src) && strlen(f->bad) + strlen(path) + 2 < sizeof f->bad) {
        strcat(f->bad, " ");
        strcat(f->bad, path);
    }
    free(src);
}

/* One owner for a submission's life: only app/data/outbox*.c speaks SQL to
 * the submissions table (the uploader asks the outbox, docs/OUTBOX.md). */
static void test_no_submissions_sql_outside_outbox(void **state)
{
    (void)state;
    Found f = {""};
    walk("app", "*.c", check_sql, &f);
    walk("app", "*.h", check_sql, &f);
    walk("include", "*.h", check_sql, &f);
    if (f.bad[0])
        fail_msg("SQL on the submissions table outside app/data/outbox*.c:%s", f.bad);
}

/* Headers without a source file of their own name, and why. The first
 * six are the screens' and the platform's, renamed with that work. */
static const char *const header_exceptions[] = {
    "connect", "suggest", "staff_ui", "platform", "render",
    "measure",   /* the text measurer's interface: render_sdl.c gives it, tests fake it */
    "version",   /* one constant, KIOSK_VERSION */
    NULL,
};

typedef struct {
    char sources[512][64];
    int n;
    char bad[2048];
} Names;

static void add_source(const char *path, void *ctx)
{
    Names *nm = ctx;
    const char *base = strrchr(path, '/') + 1;
    if (nm->n < 512) {
        snprintf(nm->sources[nm->n], 64, "%.*s", (int)(strlen(base) - 2), base);
        nm->n++;
    }
}

/* name.c, or name_PART.c for a module in several files (ostore.h:
 * ostore.c, ostore_sqlite.c, ostore_pg.c, ...). */
static bool has_source(const Names *nm, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < nm->n; i++)
        if (strcmp(nm->sources[i], name) == 0 ||
            (strncmp(nm->sources[i], name, n) == 0 && nm->sources[i][n] == '_'))
            return true;
    return false;
}

static void check_header(const char *path, void *ctx)
{
    Names *nm = ctx;
    char name[64];
    const char *base = strrchr(path, '/') + 1;
    snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - 2), base);
    for (int i = 0; header_exceptions[i]; i++)
        if (strcmp(name, header_exceptions[i]) == 0)
            return;
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, "_priv") == 0)
        name[n - 5] = '\0';   /* a module's private part: outbox_priv.h is outbox.c's */
    if (!has_source(nm, name) && strlen(nm->bad) + strlen(path) + 2 < sizeof nm->bad) {
        strcat(nm->bad, " ");
        strcat(nm->bad, path);
    }
}

/* A file's name is its prefix: every header in include/ is a module's. */
static void test_every_header_has_a_source(void **state)
{
    (void)state;
    static Names nm;
    memset(&nm, 0, sizeof nm);
    walk("app", "*.c", add_source, &nm);
    assert_true(nm.n > 20);
    walk("include", "*.h", check_header, &nm);
    if (nm.bad[0])
        fail_msg("headers that match no source file in app/:%s", nm.bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner),
        cmocka_unit_test(test_no_submissions_sql_outside_outbox),
        cmocka_unit_test(test_every_header_has_a_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
