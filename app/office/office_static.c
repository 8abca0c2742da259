/* office_static.c - the console's static files at /console/: safe paths, content types, ETag/304, security headers. */
#include "office_static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest file the console serves (the CJK fonts are about 1.6 MB). */
#define OFFICE_STATIC_MAX (8u << 20)

static const struct {
    const char *ext, *type;
} office_static_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".otf", "font/otf"},
    {".ttf", "font/ttf"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

const char *office_static_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof office_static_types / sizeof *office_static_types; i++)
        if (strcmp(dot, office_static_types[i].ext) == 0)
            return office_static_types[i].type;
    return NULL;
}

static bool office_static_is_file(const char *dir, const char *name)
{
    char p[PATH_MAX];
    struct stat st;
    return snprintf(p, sizeof p, "%s/%s", dir, name) < (int)sizeof p && stat(p, &st) == 0 &&
           S_ISREG(st.st_mode);
}

void office_static_dir(const OfficeConf *conf, char *buf, size_t n)
{
    if (conf->console_dir[0]) {
        snprintf(buf, n, "%s", conf->console_dir);
        return;
    }
    char exe[PATH_MAX], cand[PATH_MAX + 64];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        for (int up = 0; up < 3; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(cand, sizeof cand, "%s/assets/office", exe);
            if (office_static_is_file(cand, "index.html"))
                goto found;
            snprintf(cand, sizeof cand, "%s/share/lobby-kiosk/assets/office", exe);
            if (office_static_is_file(cand, "index.html"))
                goto found;
        }
    }
    snprintf(cand, sizeof cand, "/usr/share/lobby-kiosk/assets/office");
found:
    snprintf(buf, n, "%s", cand);
}

void office_static_font_dir(const char *console_dir, char *buf, size_t n)
{
    char p[PATH_MAX];
    struct stat st;
    snprintf(p, sizeof p, "%s/fonts", console_dir);
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
        snprintf(buf, n, "%s", p);
    else
        snprintf(buf, n, "%s/../../fonts", console_dir);
}

bool office_static_segment_ok(const char *s)
{
    if (!s || !*s || *s == '.' || strlen(s) > 100)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
            return false;
    return true;
}

/* The headers of every console answer. */
static void office_static_headers(OfficeReq *rq, OfficeResp *rs)
{
    office_resp_header(rs, "Content-Security-Policy", OFFICE_STATIC_CSP);
    office_resp_header(rs, "X-Frame-Options", "DENY");
    office_resp_header(rs, "Referrer-Policy", "no-referrer");
    office_resp_header(rs, "Cross-Origin-Opener-Policy", "same-origin");
    if (office_conf(rq->office)->tls_cert[0])
        office_resp_header(rs, "Strict-Transport-Security", "max-age=31536000");
}

void office_static_redirect(OfficeReq *rq, OfficeResp *rs)
{
    static const char body[] = "{\"location\":\"/console/\"}";
    office_resp_text(rs, 302, NULL, body, sizeof body - 1);
    office_resp_header(rs, "Location", "/console/");
    office_static_headers(rq, rs);
}

static void office_static_not_found(OfficeReq *rq, OfficeResp *rs)
{
    office_resp_error(rs, 404, "not_found", "no such address");
    office_static_headers(rq, rs);
}

bool office_static_etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    size_t el = strlen(etag);
    for (const char *p = inm; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p == '*' || (strncmp(p, etag, el) == 0 &&
                          (p[el] == '\0' || p[el] == ',' || p[el] == ' ')))
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

void office_static_get(OfficeReq *rq, OfficeResp *rs)
{
    const char *dname = office_req_param(rq, "dir"), *fname = office_req_param(rq, "file");
    if (!fname)
        fname = "index.html";
    if (!office_static_segment_ok(fname) || (dname && !office_static_segment_ok(dname))) {
        office_static_not_found(rq, rs);
        return;
    }
    const char *type = office_static_type(fname);
    if (!type) {
        office_static_not_found(rq, rs);
        return;
    }
    char root[PATH_MAX], base[PATH_MAX], path[PATH_MAX * 2];
    office_static_dir(office_conf(rq->office), root, sizeof root);
    if (dname && strcmp(dname, "fonts") == 0)
        office_static_font_dir(root, base, sizeof base);
    else if (dname)
        snprintf(base, sizeof base, "%.*s/%s", PATH_MAX - 120, root, dname);
    else
        snprintf(base, sizeof base, "%s", root);
    snprintf(path, sizeof path, "%s/%s", base, fname);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > OFFICE_STATIC_MAX) {
        if (fd >= 0)
            close(fd);
        else if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR)
            fprintf(stderr, "office: console file %s: %s\n", path, strerror(errno));
        office_static_not_found(rq, rs);
        return;
    }
    char etag[96];
    snprintf(etag, sizeof etag, "\"%llx-%llx-%llx\"", (unsigned long long)st.st_ino,
             (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st.st_mtim.tv_nsec);
    if (office_static_etag_matches(office_req_header(rq, "If-None-Match"), etag)) {
        close(fd);
        office_resp_text(rs, 304, type, "", 0);
    } else {
        size_t size = (size_t)st.st_size, got = 0;
        char *body = malloc(size + 1);
        while (body && got < size) {
            ssize_t r = read(fd, body + got, size - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        close(fd);
        if (!body || got != size) {
            free(body);
            fprintf(stderr, "office: console file %s: cannot read it whole\n", path);
            office_resp_error(rs, 500, "internal", "the file could not be read");
            return;
        }
        free(rs->body);
        rs->status = 200;
        rs->content_type = type;
        rs->body = body;
        rs->len = size;
    }
    office_resp_header(rs, "ETag", etag);
    office_resp_header(rs, "Cache-Control", "no-cache");
    office_static_headers(rq, rs);
}
