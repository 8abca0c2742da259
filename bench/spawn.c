/* spawn.c - benchmark helper: run a program N times, report wall time from
 * spawn to exit, its CPU time and its peak resident memory.
 *
 *   spawn RUNS PROGRAM [ARGS...]
 *
 * Prints one line of key=value pairs (times in ms, memory in KB):
 *   runs=15 wall_median=31.2 wall_min=29.8 wall_max=40.1 cpu_median=28.0
 *   maxrss_median=25500 maxrss_max=25700
 * Exit status 0, or 1 if a run could not start or did not exit with 0. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int runs = argc > 2 ? atoi(argv[1]) : 0;
    if (runs < 1 || runs > 1000) {
        fputs("usage: spawn RUNS PROGRAM [ARGS...]\n", stderr);
        return 2;
    }
    double *wall = calloc((size_t)runs, sizeof *wall);
    double *cpu = calloc((size_t)runs, sizeof *cpu);
    double *rss = calloc((size_t)runs, sizeof *rss);
    if (!wall || !cpu || !rss)
        return 1;
    double rss_max = 0;
    for (int i = 0; i < runs; i++) {
        pid_t pid;
        double t0 = mono_ms();
        int err = posix_spawnp(&pid, argv[2], NULL, NULL, argv + 2, environ);
        if (err) {
            fprintf(stderr, "spawn: cannot start %s: %s\n", argv[2], strerror(err));
            return 1;
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) != pid) {
            perror("spawn: wait4");
            return 1;
        }
        wall[i] = mono_ms() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawn: run %d of %s failed (status 0x%x)\n", i + 1, argv[2],
                    (unsigned)status);
            return 1;
        }
        cpu[i] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
        rss[i] = (double)ru.ru_maxrss;
        if (rss[i] > rss_max)
            rss_max = rss[i];
    }
    double wmin = wall[0], wmax = wall[0];
    for (int i = 1; i < runs; i++) {
        if (wall[i] < wmin) wmin = wall[i];
        if (wall[i] > wmax) wmax = wall[i];
    }
    printf("runs=%d wall_median=%.1f wall_min=%.1f wall_max=%.1f cpu_median=%.1f "
           "maxrss_median=%.0f maxrss_max=%.0f\n",
           runs, median(wall, runs), wmin, wmax, median(cpu, runs), median(rss, runs),
           rss_max);
    free(wall);
    free(cpu);
    free(rss);
    return 0;
}
