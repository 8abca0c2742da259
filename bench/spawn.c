/* spawn.c - benchmark helper: run a program N times, report wall time from
 * spawn to exit, its CPU time and its peak resident memory.
 *
 *   spawn RUNS PROGRAM [ARGS...] [--vs PROGRAM_B [ARGS...]]
 *
 * Prints one line of key=value pairs (times in ms, memory in KB):
 *   runs=15 wall_median=31.2 wall_min=29.8 wall_max=40.1 cpu_median=28.0
 *   maxrss_median=25500 maxrss_max=25700
 * With --vs, the two programs run in turn (A B A B ...), so a machine whose
 * speed drifts slows both alike, and a second line gives B's figures with a
 * b_ prefix and the medians of the pairwise ratios A/B (ratio_wall_median,
 * ratio_cpu_median).
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

typedef struct { double *wall, *cpu, *rss; double rss_max; } Runs;

/* Run argv once; 0, or -1 (said on stderr) when it cannot start or fails. */
static int run_once(char **argv, Runs *r, int i)
{
    pid_t pid;
    double t0 = mono_ms();
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (err) {
        fprintf(stderr, "spawn: cannot start %s: %s\n", argv[0], strerror(err));
        return -1;
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("spawn: wait4");
        return -1;
    }
    r->wall[i] = mono_ms() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "spawn: run %d of %s failed (status 0x%x)\n", i + 1, argv[0],
                (unsigned)status);
        return -1;
    }
    r->cpu[i] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    r->rss[i] = (double)ru.ru_maxrss;
    if (r->rss[i] > r->rss_max)
        r->rss_max = r->rss[i];
    return 0;
}

/* Print the figures of n runs, each key prefixed by `pre`; sorts the arrays. */
static void print_runs(const char *pre, Runs *r, int n)
{
    double wmin = r->wall[0], wmax = r->wall[0];
    for (int i = 1; i < n; i++) {
        if (r->wall[i] < wmin) wmin = r->wall[i];
        if (r->wall[i] > wmax) wmax = r->wall[i];
    }
    printf("%sruns=%d %swall_median=%.1f %swall_min=%.1f %swall_max=%.1f %scpu_median=%.1f "
           "%smaxrss_median=%.0f %smaxrss_max=%.0f",
           pre, n, pre, median(r->wall, n), pre, wmin, pre, wmax, pre, median(r->cpu, n), pre,
           median(r->rss, n), pre, r->rss_max);
}

static int runs_alloc(Runs *r, int n)
{
    r->wall = calloc((size_t)n, sizeof *r->wall);
    r->cpu = calloc((size_t)n, sizeof *r->cpu);
    r->rss = calloc((size_t)n, sizeof *r->rss);
    r->rss_max = 0;
    return r->wall && r->cpu && r->rss ? 0 : -1;
}

static void runs_free(Runs *r)
{
    free(r->wall);
    free(r->cpu);
    free(r->rss);
}

int main(int argc, char **argv)
{
    int runs = argc > 2 ? atoi(argv[1]) : 0;
    if (runs < 1 || runs > 1000) {
        fputs("usage: spawn RUNS PROGRAM [ARGS...] [--vs PROGRAM_B [ARGS...]]\n", stderr);
        return 2;
    }
    char **b = NULL;                 /* B's argv, after --vs */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--vs") == 0) {
            argv[i] = NULL;
            b = argv + i + 1;
            break;
        }
    if (b && !b[0]) {
        fputs("spawn: --vs needs a program\n", stderr);
        return 2;
    }
    Runs ra, rb = {0};
    double *rw = calloc((size_t)runs, sizeof *rw), *rc = calloc((size_t)runs, sizeof *rc);
    if (runs_alloc(&ra, runs) < 0 || (b && runs_alloc(&rb, runs) < 0) || !rw || !rc)
        return 1;
    for (int i = 0; i < runs; i++) {
        if (run_once(argv + 2, &ra, i) < 0 || (b && run_once(b, &rb, i) < 0))
            return 1;
        if (b) {
            rw[i] = ra.wall[i] / rb.wall[i];
            rc[i] = rb.cpu[i] > 0 ? ra.cpu[i] / rb.cpu[i] : 0;
        }
    }
    print_runs("", &ra, runs);
    putchar('\n');
    if (b) {
        print_runs("b_", &rb, runs);
        printf(" ratio_wall_median=%.2f ratio_cpu_median=%.2f\n", median(rw, runs),
               median(rc, runs));
    }
    runs_free(&ra);
    runs_free(&rb);
    free(rw);
    free(rc);
    return 0;
}
