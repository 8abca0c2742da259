/* test_seams.c - the architecture's seams, checked on the sources: no SQL on
 * the submissions table outside the outbox module (app/data/outbox*.c),
 * every header in include/ belongs to a source file of app/, README.md's
 * "Layout of the source" table names every source file, and the build's
 * layer check (scripts/check-layers.sh) refuses SDL outside app/platform/
 * and a higher layer's header. Run from the repository's top directory
 * (tests/run-tests.sh does). */
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
#include <sys/wait.h>
#include <unistd.h>

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

/* Headers without a source file of their own name, and why. */
static const char *const header_exceptions[] = {
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

/* README.md's "Layout of the source" table, as text from its "| `app/"
 * rows: each row's path and the rest of its line. */
typedef struct {
    char folder[64][64];
    char *row[64];
    int n;
} Layout;

static void layout_read(Layout *l, char *readme)
{
    l->n = 0;
    for (char *line = strtok(readme, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "| `app/", 7) != 0 || l->n == 64)
            continue;
        const char *end = strchr(line + 3, '`');
        if (!end)
            continue;
        snprintf(l->folder[l->n], 64, "%.*s", (int)(end - line - 3), line + 3);
        l->row[l->n++] = line;
    }
}

/* Whether a row names source file `base`: as `base`, or through a
 * pattern in backquotes (`screen_*.c`, `outbox*.c`). */
static bool row_names(const char *row, const char *base)
{
    for (const char *p = strchr(row, '`'); p; p = strchr(p, '`')) {
        const char *e = strchr(p + 1, '`');
        if (!e)
            break;
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)(e - p - 1), p + 1);
        if (fnmatch(word, base, 0) == 0)
            return true;
        p = e + 1;
    }
    return false;
}

typedef struct {
    Layout *l;
    char bad[4096];
} LayoutCheck;

static void check_listed(const char *path, void *ctx)
{
    LayoutCheck *c = ctx;
    const char *base = strrchr(path, '/') + 1;
    char folder[256];
    snprintf(folder, sizeof folder, "%.*s", (int)(base - path), path);   /* "app/ui/" */
    for (int i = 0; i < c->l->n; i++)
        if (strcmp(c->l->folder[i], folder) == 0) {
            if (row_names(c->l->row[i], base))
                return;
            break;
        }
    if (strlen(c->bad) + strlen(path) + 2 < sizeof c->bad) {
        strcat(c->bad, " ");
        strcat(c->bad, path);
    }
}

/* The table in README.md is true: every source file of app/ is named in
 * its folder's row (a new file in a folder the table does not list, or
 * not named in its row, fails here). */
static void test_readme_layout_names_every_source(void **state)
{
    (void)state;
    char *readme = slurp("README.md");
    static Layout l;
    layout_read(&l, readme);
    assert_true(l.n >= 10);
    static LayoutCheck c;
    c.l = &l;
    c.bad[0] = '\0';
    walk("app", "*.c", check_listed, &c);
    free(readme);
    if (c.bad[0])
        fail_msg("sources not named in README.md's \"Layout of the source\" table:%s", c.bad);
}

/* scripts/check-layers.sh on a made-up dependency list for `src`: its exit
 * status (the build fails the object when it is not 0). */
static int layers_check(const char *src, const char *deps)
{
    char dep[] = "/tmp/test_seams_XXXXXX";
    int fd = mkstemp(dep);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "build/obj/x.o: %s %s\n", src, deps);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "scripts/check-layers.sh %s %s 2>/dev/null", src, dep);
    int rc = system(cmd);
    unlink(dep);
    assert_true(rc != -1 && WIFEXITED(rc));
    return WEXITSTATUS(rc);
}

/* The layer check the build runs on every object: SDL by either spelling
 * (or through one of its headers) only in app/platform/, a higher layer's
 * header nowhere below it. */
static void test_layer_check_refuses_wrong_includes(void **state)
{
    (void)state;
    /* SDL in a core file, however it is spelled. */
    assert_int_equal(layers_check("app/ui/drawlist.c", "/usr/include/SDL2/SDL.h"), 1);
    assert_int_equal(layers_check("app/data/utf8.c", "/usr/include/SDL.h"), 1);
    assert_int_equal(layers_check("app/ui/osk.c", "/usr/include/SDL2/SDL_stdinc.h"), 1);
    assert_int_equal(layers_check("app/office/office.c", "/usr/include/SDL2/SDL.h"), 1);
    /* A higher layer's header below it. */
    assert_int_equal(layers_check("app/data/store.c", "include/app_priv.h"), 1);
    assert_int_equal(layers_check("app/ime/pinyin.c", "include/osk.h"), 1);
    assert_int_equal(layers_check("app/net/upload.c", "include/ui.h"), 1);
    assert_int_equal(layers_check("app/data/content.c", "include/store.h include/kiosk.h"), 1);
    /* A module's private header (X_priv.h) outside its layer: the App's
     * fields (app_priv.h) stay the ui's, the outbox's SQL helpers the data
     * layer's. */
    assert_int_equal(layers_check("app/kiosk/kiosk.c", "include/app_priv.h"), 1);
    assert_int_equal(layers_check("app/platform/platform_sdl.c", "include/app.h include/app_priv.h"), 1);
    assert_int_equal(layers_check("app/cli/uploadctl.c", "include/outbox_priv.h"), 1);
    assert_int_equal(layers_check("app/ui/screens/screen_home.c", "include/ui.h include/app_priv.h"), 0);
    assert_int_equal(layers_check("app/data/outbox_rows.c", "include/outbox_priv.h"), 0);
    /* What each may use. */
    assert_int_equal(layers_check("app/platform/render_sdl.c",
                                  "/usr/include/SDL2/SDL.h include/drawlist.h include/kiosk.h"), 0);
    assert_int_equal(layers_check("app/ui/app.c", "include/app_priv.h include/outbox.h"), 0);
    assert_int_equal(layers_check("app/net/upload.c", "/usr/include/x86_64-linux-gnu/curl/curl.h"), 0);
    assert_int_equal(layers_check("app/data/utf8.c", "include/utf8.h /usr/include/stdio.h"), 0);
}

/* The module that defines each external function named PREFIX_*, as the
 * issue's examples of "a file's name is its prefix" say: staff_* in
 * staff.c, channel_* with content, app_* in the app (app.c and the
 * screens it tables). */
static const struct { const char *prefix, *owner; } prefix_owner[] = {
    {"staff_", "app/staff/staff.c"},
    {"channel_", "app/data/content.c"},
    {"app_", "app/ui/"},
};

typedef struct {
    regex_t re;
    char bad[4096];
} PrefixCheck;

static void check_prefixes(const char *path, void *ctx)
{
    PrefixCheck *c = ctx;
    char *src = slurp(path);
    int line = 1;
    for (const char *p = src; *p; line++) {
        size_t n = strcspn(p, "\n");
        char buf[512];
        regmatch_t m[2];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1), p);
        if (strncmp(buf, "static ", 7) != 0 &&
            regexec(&c->re, buf, 2, m, 0) == 0) {   /* an external function's definition */
            const char *name = buf + m[1].rm_so;
            for (size_t i = 0; i < sizeof prefix_owner / sizeof prefix_owner[0]; i++)
                if (strncmp(name, prefix_owner[i].prefix, strlen(prefix_owner[i].prefix)) == 0 &&
                    strncmp(path, prefix_owner[i].owner, strlen(prefix_owner[i].owner)) != 0) {
                    size_t used = strlen(c->bad);
                    snprintf(c->bad + used, sizeof c->bad - used, "\n%s:%d: %.*s", path, line,
                             (int)(m[1].rm_eo - m[1].rm_so), name);
                }
        }
        p += n + (p[n] == '\n');
    }
    free(src);
}

/* The scan sees a definition, not a static one, a call or a declaration. */
static bool defines(PrefixCheck *c, const char *line)
{
    return strncmp(line, "static ", 7) != 0 && regexec(&c->re, line, 0, NULL, 0) == 0;
}

static void test_a_function_lives_in_its_prefix_module(void **state)
{
    (void)state;
    static PrefixCheck c;
    c.bad[0] = '\0';
    assert_int_equal(regcomp(&c.re, "^[A-Za-z][A-Za-z_0-9 ]*[ *]([a-z][a-z_0-9]*)\\([^;]*$",
                             REG_EXTENDED), 0);
    assert_true(defines(&c, "int64_t staff_lock_left_s(const App *a, int64_t now_ms)"));
    assert_true(defines(&c, "const char *app_display_state(const App *a)"));
    assert_true(defines(&c, "bool channel_expired(const Channel *ch, int64_t now_s,"));
    assert_false(defines(&c, "static int staff_audit(const Config *cfg, int64_t now_s)"));
    assert_false(defines(&c, "int staff_figures(Outbox *ob, const char *data_dir);"));
    assert_false(defines(&c, "    staff_figures(ob, dir, now, &f);"));
    assert_false(defines(&c, "    return staff_figures(ob, dir, now, &f);"));
    walk("app", "*.c", check_prefixes, &c);
    regfree(&c.re);
    if (c.bad[0])
        fail_msg("functions outside the module their prefix names:%s", c.bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scanner),
        cmocka_unit_test(test_no_submissions_sql_outside_outbox),
        cmocka_unit_test(test_every_header_has_a_source),
        cmocka_unit_test(test_readme_layout_names_every_source),
        cmocka_unit_test(test_layer_check_refuses_wrong_includes),
        cmocka_unit_test(test_a_function_lives_in_its_prefix_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
