/* proc.c - test support: spawn a program and capture its output. */
#include "proc.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *proc_bin(const char *name)
{
    static char buf[512];
    const char *dir = getenv("KIOSK_BUILD");
    snprintf(buf, sizeof buf, "%s/%s", dir && *dir ? dir : "build", name);
    return buf;
}

/* Read a whole temporary file into a string and close it. */
static char *slurp(FILE *f)
{
    if (fseek(f, 0, SEEK_END) != 0)
        return NULL;
    long n = ftell(f);
    rewind(f);
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    return s;
}

int proc_run(char *const argv[], char **out, char **err)
{
    FILE *fo = tmpfile(), *fe = tmpfile();
    if (!fo || !fe) {
        if (fo) fclose(fo);
        if (fe) fclose(fe);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(fo), 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(fe), 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = -1;
    if (rc == 0 && waitpid(pid, &status, 0) == pid)
        status = WIFEXITED(status) ? WEXITSTATUS(status)
               : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    else
        status = -1;
    if (out)
        *out = slurp(fo);
    if (err)
        *err = slurp(fe);
    fclose(fo);
    fclose(fe);
    return status;
}
