/* faultsrv.c - test support: the fault server as a child process. */
#include "faultsrv.h"
#include "proc.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int faultsrv_start(FaultSrv *fs, const char *cert, const char *key, const char *token,
                   const char *poison)
{
    memset(fs, 0, sizeof *fs);
    fs->pid = -1;
    fs->stdin_fd = -1;
    int in[2], out[2];
    if (pipe(in) < 0)
        return -1;
    if (pipe(out) < 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)py;
    argv[n++] = "tests/server/fault_server.py";
    argv[n++] = "--token";
    argv[n++] = (char *)(token ? token : "test-token");
    if (cert) {
        argv[n++] = "--cert";
        argv[n++] = (char *)cert;
        argv[n++] = "--key";
        argv[n++] = (char *)key;
    }
    if (poison) {
        argv[n++] = "--poison";
        argv[n++] = (char *)poison;
    }
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    int rc = posix_spawnp(&fs->pid, py, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    fs->stdin_fd = in[1];
    if (rc != 0) {
        fs->pid = -1;
        close(out[0]);
        faultsrv_stop(fs);
        return -1;
    }
    /* Read "PORT a b\n" (bounded wait: python starts in well under 10 s). */
    char line[128];
    size_t len = 0;
    while (len < sizeof line - 1 && !memchr(line, '\n', len)) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0)
            break;
        ssize_t r = read(out[0], line + len, sizeof line - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(out[0]);
    line[len] = '\0';
    if (sscanf(line, "PORT %d %d", &fs->port, &fs->ctl_port) != 2) {
        faultsrv_stop(fs);
        return -1;
    }
    fs->tls = cert != NULL;
    snprintf(fs->base, sizeof fs->base, "%s://127.0.0.1:%d", fs->tls ? "https" : "http",
             fs->port);
    return 0;
}

void faultsrv_stop(FaultSrv *fs)
{
    if (fs->stdin_fd >= 0)
        close(fs->stdin_fd);
    if (fs->pid > 0) {
        kill(fs->pid, SIGTERM);
        while (waitpid(fs->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    fs->pid = -1;
    fs->stdin_fd = -1;
}

const char *faultsrv_url(const FaultSrv *fs, const char *path)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s%s", fs->base, path);
    return buf;
}

typedef struct { char *p; size_t n; } FsBuf;

static size_t faultsrv_sink(char *d, size_t s, size_t m, void *u)
{
    FsBuf *b = u;
    char *p = realloc(b->p, b->n + s * m + 1);
    if (!p)
        return 0;
    memcpy(p + b->n, d, s * m);
    b->n += s * m;
    p[b->n] = '\0';
    b->p = p;
    return s * m;
}

json_t *faultsrv_ctl(const FaultSrv *fs, const char *path, const char *json)
{
    CURL *e = curl_easy_init();
    if (!e)
        return NULL;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", fs->ctl_port, path);
    FsBuf b = {NULL, 0};
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, faultsrv_sink);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    if (json)
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
    CURLcode rc = curl_easy_perform(e);
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    json_t *o = NULL;
    if (rc == CURLE_OK && b.p)
        o = json_loads(b.p, 0, NULL);
    free(b.p);
    return o;
}

int faultsrv_faults(const FaultSrv *fs, const char *mode, int count, const char *retry_after)
{
    json_t *req = json_pack("{s:s, s:i}", "mode", mode, "count", count);
    if (retry_after)
        json_object_set_new(req, "retry_after", json_string(retry_after));
    char *txt = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    json_t *o = faultsrv_ctl(fs, "/faults", txt);
    free(txt);
    int ok = o != NULL;
    json_decref(o);
    return ok ? 0 : -1;
}

json_t *faultsrv_wait(const FaultSrv *fs, const char *cond, int n, int timeout_s)
{
    char path[128];
    snprintf(path, sizeof path, "/wait?cond=%s&n=%d&timeout=%d", cond, n, timeout_s);
    return faultsrv_ctl(fs, path, NULL);
}

json_t *faultsrv_state(const FaultSrv *fs)
{
    return faultsrv_ctl(fs, "/state", NULL);
}

long long faultsrv_int(json_t *o, const char *key)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int faultsrv_make_certs(const char *dir)
{
    char *argv[] = {"/bin/sh", "tests/server/make_certs.sh", (char *)dir, NULL};
    char *out = NULL, *err = NULL;
    int rc = proc_run(argv, &out, &err);
    if (rc != 0)
        fprintf(stderr, "make_certs.sh: %s%s\n", out ? out : "", err ? err : "");
    free(out);
    free(err);
    return rc == 0 ? 0 : -1;
}
