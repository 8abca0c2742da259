/* officesrv.c - test support: run build/office and build/officectl in a scratch directory. */
#include "officesrv.h"
#include "proc.h"
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int officesrv_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int officesrv_init(OfficeSrv *o, const char *dir, const char *extra)
{
    memset(o, 0, sizeof *o);
    o->out_fd = -1;
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    snprintf(o->conf, sizeof o->conf, "%s/office.conf", dir);
    char sqlite_db[600], dbline[700] = "";
    snprintf(sqlite_db, sizeof sqlite_db, "%s/data/office.db", dir);
    if (testdb_fresh(sqlite_db, o->db, sizeof o->db) < 0)
        return -1;
    if (testdb_is_pg())
        snprintf(dbline, sizeof dbline, "database = %s\n", o->db);
    char text[3072], pw[600];
    snprintf(text, sizeof text, "[server]\nlisten = 127.0.0.1:0\nthreads = 2\n"
             "[storage]\ndata_dir = %s/data\n%s%s", dir, dbline, extra ? extra : "");
    snprintf(pw, sizeof pw, "%s/password.txt", dir);
    if (officesrv_write(o->conf, text) < 0 ||
        officesrv_write(pw, OFFICESRV_PASSWORD "\n" OFFICESRV_PASSWORD "\n") < 0)
        return -1;
    /* officectl init reads the password twice from standard input. */
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("officectl"));
    char *argv[] = {bin, "--config", o->conf, "init", "--org", "测试物业", "--admin", "admin",
                    NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, pw, O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = -1;
    if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "officesrv: officectl init failed (%d)\n", status);
        return -1;
    }
    return officesrv_ctl(o, NULL, NULL, "community", "add", "cuihu", "翠湖花园社区",
                         "Cuihu Garden", NULL) == 0 ? 0 : -1;
}

int officesrv_ctl(OfficeSrv *o, char **out, char **err, ...)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("officectl"));
    char *argv[16] = {bin, "--config", o->conf};
    int n = 3;
    va_list ap;
    va_start(ap, err);
    for (char *a; n < 15 && (a = va_arg(ap, char *));)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return proc_run(argv, out, err);
}

int officesrv_add_kiosk(OfficeSrv *o, const char *name, char code[10])
{
    char *out = NULL;
    int rc = officesrv_ctl(o, &out, NULL, "kiosk", "add", "cuihu", name, NULL);
    const char *p = out ? strstr(out, "enrolment code ") : NULL;
    if (rc != 0 || !p || sscanf(p, "enrolment code %9s", code) != 1) {
        fprintf(stderr, "officesrv: kiosk add %s: %d %s\n", name, rc, out ? out : "");
        free(out);
        return -1;
    }
    free(out);
    return 0;
}

int officesrv_start(OfficeSrv *o)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("office"));
    char *argv[] = {bin, "--config", o->conf, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    int rc = posix_spawn(&o->pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        o->pid = 0;
        return -1;
    }
    o->out_fd = fds[0];
    /* Read its first line: the readiness signal. */
    char line[512];
    size_t len = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (len < sizeof line - 1) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        int left = 20000 - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {o->out_fd, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        ssize_t got = read(o->out_fd, line + len, 1);
        if (got <= 0)
            break;
        if (line[len++] == '\n')
            break;
    }
    line[len] = '\0';
    const char *u = strstr(line, "listening on ");
    if (!u || sscanf(u, "listening on %127s", o->url) != 1) {
        fprintf(stderr, "officesrv: the office did not start (said \"%s\")\n", line);
        officesrv_stop(o);
        return -1;
    }
    return 0;
}

int officesrv_stop(OfficeSrv *o)
{
    if (o->pid <= 0)
        return -1;
    kill(o->pid, SIGTERM);
    int status = -1;
    while (waitpid(o->pid, &status, 0) < 0 && errno == EINTR)
        ;
    o->pid = 0;
    if (o->out_fd >= 0)
        close(o->out_fd);
    o->out_fd = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *officesrv_url(const OfficeSrv *o, const char *path)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s%s", o->url, path);
    return buf;
}
