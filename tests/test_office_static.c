/* test_office_static.c - the console's files from a real build/office:
 * the checkout's assets/office found without settings, content types,
 * the security headers (CSP without inline script, nosniff, no framing,
 * no referrer), ETag and 304, redirects to /console/, and every way out
 * of the console directory refused (.., its %-encoded forms, hidden
 * files, a symbolic link, a directory, unknown types, deeper paths).
 * And the console's own files keep to "text only through the DOM": no
 * script puts markup from a string into the page (innerHTML and its
 * kin, eval), and the HTML has no inline script, style or handler. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include "office_static.h"
#include "officesrv.h"
#include "tmpdir.h"

static char *dir, *dir2;
static OfficeSrv srv, custom;

typedef struct {
    long status;
    char *body;
    size_t len;
    char headers[4096];
} Got;

/* GET (or `method`) of `path` sent exactly as written over a plain socket
 * (no client library reshapes the path); header line `extra` may be NULL. */
static Got get(const OfficeSrv *o, const char *method, const char *path, const char *extra)
{
    Got g = {0};
    int port = atoi(strrchr(o->url, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char rq[2048];
    int n = snprintf(rq, sizeof rq, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Length: 0\r\n%s%s\r\n", method, path, extra ? extra : "",
                     extra ? "\r\n" : "");
    assert_int_equal(write(fd, rq, (size_t)n), n);
    char *all = NULL;
    size_t len = 0;
    for (;;) {
        char buf[65536];
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        char *grown = realloc(all, len + (size_t)r + 1);
        assert_non_null(grown);
        all = grown;
        memcpy(all + len, buf, (size_t)r);
        len += (size_t)r;
        all[len] = '\0';
    }
    close(fd);
    assert_non_null(all);
    assert_int_equal(sscanf(all, "HTTP/1.1 %ld", &g.status), 1);
    char *end = strstr(all, "\r\n\r\n");
    assert_non_null(end);
    char *first = strstr(all, "\r\n") + 2;
    size_t hl = (size_t)(end + 2 - first);
    assert_true(hl < sizeof g.headers);
    memcpy(g.headers, first, hl);
    g.headers[hl] = '\0';
    g.len = len - (size_t)(end + 4 - all);
    if (g.len) {
        g.body = malloc(g.len + 1);
        assert_non_null(g.body);
        memcpy(g.body, end + 4, g.len);
        g.body[g.len] = '\0';
    }
    free(all);
    return g;
}

/* The value of header `name` (case-insensitive) into a static buffer, "" if absent. */
static const char *header(const Got *g, const char *name)
{
    static char v[512];
    v[0] = '\0';
    size_t nl = strlen(name);
    for (const char *l = g->headers; *l;) {
        const char *end = strstr(l, "\r\n");
        if (!end)
            break;
        if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
            const char *s = l + nl + 1;
            while (*s == ' ')
                s++;
            snprintf(v, sizeof v, "%.*s", (int)(end - s), s);
            return v;
        }
        l = end + 2;
    }
    return v;
}

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    dir2 = tmpdir_make();
    if (!dir || !dir2)
        return -1;
    /* A console directory of its own, a secret beside it, and traps inside. */
    char extra[700], p[700];
    snprintf(p, sizeof p, "%s/console", dir2);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/console/js", dir2);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/console/sub.js", dir2);
    mkdir(p, 0700);   /* a directory with a served extension */
    char *f;
    tmpdir_write(f = tmpdir_path(dir2, "console/index.html"), "<p>custom</p>", 13); free(f);
    tmpdir_write(f = tmpdir_path(dir2, "console/js/a.js"), "var a = 1;\n", 11); free(f);
    tmpdir_write(f = tmpdir_path(dir2, "console/.hidden.js"), "hidden", 6); free(f);
    tmpdir_write(f = tmpdir_path(dir2, "console/notes.conf"), "conf", 4); free(f);
    tmpdir_write(f = tmpdir_path(dir2, "secret.txt"), "SECRET", 6); free(f);
    tmpdir_write(f = tmpdir_path(dir2, "secret.js"), "SECRET", 6); free(f);
    char *target = tmpdir_path(dir2, "secret.js"), *link = tmpdir_path(dir2, "console/link.js");
    if (symlink(target, link) < 0)
        return -1;
    free(target);
    free(link);
    snprintf(extra, sizeof extra, "[server]\nconsole_dir = %s/console\n", dir2);
    if (officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    char d3[700];
    snprintf(d3, sizeof d3, "%s/office", dir2);
    mkdir(d3, 0700);
    if (officesrv_init(&custom, d3, extra) < 0 || officesrv_start(&custom) < 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    officesrv_stop(&srv);
    officesrv_stop(&custom);
    tmpdir_remove(dir);
    tmpdir_remove(dir2);
    return 0;
}

static void expect_security_headers(const Got *g)
{
    assert_string_equal(header(g, "Content-Security-Policy"), OFFICE_STATIC_CSP);
    assert_string_equal(header(g, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(header(g, "X-Frame-Options"), "DENY");
    assert_string_equal(header(g, "Referrer-Policy"), "no-referrer");
}

/* Without console_dir the checkout's assets/office is found, whole and typed. */
static void test_console_found_and_typed(void **state)
{
    (void)state;
    Got g = get(&srv, "GET", "/console/", NULL);
    assert_int_equal(g.status, 200);
    assert_string_equal(header(&g, "Content-Type"), "text/html; charset=utf-8");
    expect_security_headers(&g);
    assert_string_equal(header(&g, "Cache-Control"), "no-cache");
    char *want = tmpdir_read("assets/office/index.html");
    assert_non_null(want);
    assert_int_equal(g.len, strlen(want));
    assert_memory_equal(g.body, want, g.len);
    free(want);
    free(g.body);
    /* No page carries inline script: the CSP would block it. */
    static const struct { const char *path, *type; } files[] = {
        {"/console/index.html", "text/html; charset=utf-8"},
        {"/console/console.css", "text/css; charset=utf-8"},
        {"/console/js/app.js", "text/javascript; charset=utf-8"},
        {"/console/i18n/zh.js", "text/javascript; charset=utf-8"},
        {"/console/fonts/NotoSansCJKsc-Regular.otf", "font/otf"},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        g = get(&srv, "GET", files[i].path, NULL);
        if (g.status != 200)
            fail_msg("%s: %ld", files[i].path, g.status);
        assert_string_equal(header(&g, "Content-Type"), files[i].type);
        expect_security_headers(&g);
        assert_true(header(&g, "ETag")[0] == '"');
        free(g.body);
    }
    g = get(&srv, "GET", "/console/fonts/NotoSansCJKsc-Regular.otf", NULL);
    char *font = tmpdir_read("fonts/NotoSansCJKsc-Regular.otf");
    struct stat st;
    assert_int_equal(stat("fonts/NotoSansCJKsc-Regular.otf", &st), 0);
    assert_int_equal(g.len, (size_t)st.st_size);
    free(font);
    free(g.body);
    /* The API keeps its own no-store. */
    g = get(&srv, "GET", "/api/health", NULL);
    assert_string_equal(header(&g, "Cache-Control"), "no-store");
    free(g.body);
}

static void test_etag_and_304(void **state)
{
    (void)state;
    Got g = get(&srv, "GET", "/console/js/app.js", NULL);
    assert_int_equal(g.status, 200);
    char etag[200], inm[260];
    snprintf(etag, sizeof etag, "%s", header(&g, "ETag"));
    free(g.body);
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    g = get(&srv, "GET", "/console/js/app.js", inm);
    assert_int_equal(g.status, 304);
    assert_int_equal(g.len, 0);
    assert_string_equal(header(&g, "ETag"), etag);
    expect_security_headers(&g);
    free(g.body);
    g = get(&srv, "GET", "/console/js/app.js", "If-None-Match: \"other\", \"tags\"");
    assert_int_equal(g.status, 200);
    free(g.body);
    /* Another file's tag is not this file's. */
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    g = get(&srv, "GET", "/console/console.css", inm);
    assert_int_equal(g.status, 200);
    free(g.body);
}

static void test_redirects_and_methods(void **state)
{
    (void)state;
    const char *paths[] = {"/", "/console"};
    for (int i = 0; i < 2; i++) {
        Got g = get(&srv, "GET", paths[i], NULL);
        assert_int_equal(g.status, 302);
        assert_string_equal(header(&g, "Location"), "/console/");
        free(g.body);
    }
    Got g = get(&srv, "POST", "/console/index.html", NULL);
    assert_int_equal(g.status, 405);
    free(g.body);
}

/* Every way out of the console directory is 404, and nothing secret leaks. */
static void test_traversal_refused(void **state)
{
    (void)state;
    Got g = get(&custom, "GET", "/console/", NULL);
    assert_int_equal(g.status, 200);
    assert_non_null(g.body);
    assert_string_equal(g.body, "<p>custom</p>");
    free(g.body);
    g = get(&custom, "GET", "/console/js/a.js", NULL);
    assert_int_equal(g.status, 200);
    free(g.body);
    const char *bad[] = {
        "/console/../secret.txt", "/console/../secret.js", "/console/%2e%2e/secret.js",
        "/console/%2E%2E/secret.js", "/console/js/../../secret.js", "/console/..%2fsecret.js",
        "/console/js/..%2f..%2fsecret.js", "/console/%2e%2e%2fsecret.js",
        "/console/.hidden.js", "/console/link.js", "/console/sub.js", "/console/notes.conf",
        "/console/js", "/console/js/", "/console/a/b/c.js", "/console/js/%00.js",
        "/console/..\\secret.js", "/console/fonts/..%2f..%2fsecret.js", "/console//secret.js",
        "/console/missing.js", "/console/fonts/NotoSansCJKsc-Regular.otf",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        g = get(&custom, "GET", bad[i], NULL);
        if (g.status != 404)
            fail_msg("%s: expected 404, got %ld", bad[i], g.status);
        assert_null(g.body && strstr(g.body, "SECRET") ? g.body : NULL);
        free(g.body);
    }
}

static void test_content_types(void **state)
{
    (void)state;
    assert_string_equal(office_static_type("a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(office_static_type("NotoSansCJKsc-Bold.otf"), "font/otf");
    assert_string_equal(office_static_type("x.svg"), "image/svg+xml");
    assert_null(office_static_type("office.conf"));
    assert_null(office_static_type("office.db"));
    assert_null(office_static_type("Makefile"));
    assert_null(office_static_type("a.js.bak"));
}

/* What may never appear in the console's scripts: each would let a text
 * (a resident's, a notice's) become markup or code. */
static const char *const markup_sinks[] = {
    "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
    "new Function", "setTimeout('", "setTimeout(\"", "DOMParser", "createContextualFragment",
    "srcdoc",
};

/* The markup sinks found in every .js file of `dir`; the count of files read. */
static int scan_scripts(const char *where)
{
    DIR *d = opendir(where);
    if (!d)
        fail_msg("cannot open %s", where);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 3, ".js") != 0)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", where, e->d_name);
        char *text = tmpdir_read(path);
        assert_non_null(text);
        for (size_t i = 0; i < sizeof markup_sinks / sizeof *markup_sinks; i++)
            if (strstr(text, markup_sinks[i]))
                fail_msg("%s uses %s: set text through the DOM (LK.h's text)", path,
                         markup_sinks[i]);
        free(text);
        n++;
    }
    closedir(d);
    return n;
}

static void test_no_markup_from_strings(void **state)
{
    (void)state;
    assert_true(scan_scripts("assets/office/js") >= 10);
    assert_int_equal(scan_scripts("assets/office/i18n"), 2);
    char *html = tmpdir_read("assets/office/index.html");
    assert_non_null(html);
    /* Every <script> names its file and is empty; no style or handler attribute. */
    for (const char *p = html; (p = strstr(p, "<script")); p++) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        assert_non_null(memmem(p, (size_t)(end - p), " src=\"/console/", 14));
        assert_int_equal(strncmp(end, "></script>", 10), 0);
    }
    assert_null(strstr(html, "style="));
    assert_null(strstr(html, "<style"));
    assert_null(strstr(html, " on"));   /* onclick=, onload=, ... */
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_found_and_typed),
        cmocka_unit_test(test_etag_and_304),
        cmocka_unit_test(test_redirects_and_methods),
        cmocka_unit_test(test_traversal_refused),
        cmocka_unit_test(test_content_types),
        cmocka_unit_test(test_no_markup_from_strings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
