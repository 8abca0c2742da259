/* treewatch.c - benchmark helper for the browser comparison (tests/bench.sh,
 * section 7): run a program RUNS times and measure it together with every
 * process it starts.
 *
 *   treewatch [-r RUNS] [-x] [-s SETTLE_MS] [-t TIMEOUT_MS] [-a CMD]
 *             [-i WAIT_S,IDLE_S] [-p PID] [-o OUT.ppm] [-b CMD] -- PROGRAM [ARGS...]
 *
 * The tree: treewatch makes itself a child subreaper (PR_SET_CHILD_SUBREAPER),
 * so processes that daemonise or lose their parent stay below it; the tree
 * is every process whose chain of parents leads to treewatch, found in
 * /proc every 20 ms. With -b, CMD is run through sh before each run, untimed
 * (to give a browser a fresh profile directory).
 *
 * Without -x the program is run to its exit: wall time from posix_spawn to
 * its exit (a pidfd, so the exit is seen at once), then the leftovers of the
 * tree are waited for (5 s at most) and killed. tree_cpu is the CPU time
 * of the whole tree (RUSAGE_CHILDREN: every process of it has been reaped,
 * by its parent or by treewatch, by then).
 *
 * With -x (built with Xlib, HAVE_X11) the program is a window on $DISPLAY
 * and is killed after it is measured. The root window is read with
 * XShmGetImage every 10 ms: first_change is spawn to the first read that
 * differs from the screen before the spawn; complete is spawn to the read
 * that first showed the final frame (the screen then stays unchanged for
 * SETTLE_MS, 1000 by default). With -a, CMD is run through sh after that (a
 * tap with xdotool) and the screen is left to settle again (after_changed
 * says whether it changed; after_settled is the tap to its last change). -o writes the
 * final screen as a PPM. With -i, on the last run only: WAIT_S seconds after
 * that, the tree's memory is read, then its CPU time over IDLE_S seconds
 * (and that of PID, given with -p: the X server).
 *
 * Memory: rss is the sum over the tree of each process's resident set
 * (/proc/PID/statm), pss the sum of proportional set sizes
 * (/proc/PID/smaps_rollup: shared pages divided among the processes that
 * map them, so a library mapped by six processes counts once). The peak is
 * the largest sum seen in the 20 ms samples (PSS in fewer of them: see
 * sample()), and for RSS at least the main process's own ru_maxrss (wait4),
 * which makes it exact for one process.
 *
 * `treewatch --has-x` exits with 0 when -x is built in, else 1.
 *
 * Prints one line of key=value pairs (times in ms, memory in KB). Exit
 * status 0, or 1 if a run failed (did not start, exited non-zero, never
 * drew, did not settle). */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_X11
#include <sys/ipc.h>
#include <sys/shm.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#endif

extern char **environ;

#define MAX_RUNS  100
#define MAX_PROCS 1024
#define SAMPLE_MS 20
#define POLL_MS   10

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {(time_t)(ms / 1e3), (long)((ms - (double)(time_t)(ms / 1e3) * 1e3) * 1e6)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double s[MAX_RUNS];
    memcpy(s, v, (size_t)n * sizeof *v);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double vmin(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] < m) m = v[i];
    return m;
}

static double vmax(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] > m) m = v[i];
    return m;
}

/* ---- the process tree, from /proc ---- */

typedef struct {
    int pid;
    long long ticks;   /* utime + stime */
} Proc;

/* The parent and CPU ticks of pid from /proc/PID/stat; -1 if gone. */
static int proc_stat(int pid, int *ppid, long long *ticks)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');   /* the name may hold spaces and parentheses */
    if (!p)
        return -1;
    char state;
    long long ut = 0, st = 0;
    /* fields 3..15: state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime */
    if (sscanf(p + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld",
               &state, ppid, &ut, &st) != 4)
        return -1;
    *ticks = ut + st;
    return 0;
}

/* Every process below `root` (not root itself), with its CPU ticks. */
static int tree(int root, Proc *out, int max)
{
    static int pids[32768], ppids[32768];
    static long long ticks[32768];
    int n = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 32768) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        if (proc_stat((int)pid, &ppids[n], &ticks[n]) == 0)
            pids[n++] = (int)pid;
    }
    closedir(d);
    int k = 0;
    int frontier[MAX_PROCS + 1];
    int nf = 1;
    frontier[0] = root;
    /* breadth first: add the children of each found process */
    for (int f = 0; f < nf && k < max; f++)
        for (int i = 0; i < n && k < max; i++)
            if (ppids[i] == frontier[f] && pids[i] != root) {
                out[k].pid = pids[i];
                out[k].ticks = ticks[i];
                k++;
                if (nf <= MAX_PROCS)
                    frontier[nf++] = pids[i];
            }
    return k;
}

static long page_kb;

/* Resident set of pid in KB (0 if gone). */
static long long rss_kb(int pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    FILE *f = fopen(path, "r");
    long long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%lld %lld", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * page_kb;
}

/* Proportional set size of pid in KB (0 if gone). */
static long long pss_kb(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    long long v = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Pss: %lld", &v) == 1)
            break;
    fclose(f);
    return v;
}

typedef struct {
    long long rss, pss;
    int procs;
} Mem;

static Mem mem_now(int root, bool with_pss)
{
    Proc p[MAX_PROCS];
    int n = tree(root, p, MAX_PROCS);
    Mem m = {0, 0, n};
    for (int i = 0; i < n; i++) {
        m.rss += rss_kb(p[i].pid);
        if (with_pss)
            m.pss += pss_kb(p[i].pid);
    }
    return m;
}

static void mem_peak(Mem *peak, Mem m)
{
    if (m.rss > peak->rss) peak->rss = m.rss;
    if (m.pss > peak->pss) peak->pss = m.pss;
    if (m.procs > peak->procs) peak->procs = m.procs;
}

/* One 20 ms sample into peak. Reading smaps_rollup is slow for a big
 * process (about 2 ms for each of Chromium's, against 0.01 ms for statm),
 * so PSS is read only when the last reading took less than a tenth of the
 * time since: the sampler spends at most 10 % of a core on it (every 20 ms
 * for the kiosk, every 150-200 ms for Chromium). */
static void sample(int root, Mem *peak)
{
    static double next_pss;
    double t = mono_ms();
    bool pss = t >= next_pss;
    mem_peak(peak, mem_now(root, pss));
    if (pss)
        next_pss = t + 10 * (mono_ms() - t);
}

/* Reap whatever children have exited (orphans come to us as subreaper). */
static void reap(void)
{
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* TERM the program (a browser then closes its own helpers), after 1 s TERM
 * the rest, after 3 s KILL; wait until the whole tree is gone. */
static void kill_tree(int self, int pid)
{
    Proc p[MAX_PROCS];
    int n;
    if (pid > 0)   /* 0: the program has exited and been reaped */
        kill(pid, SIGTERM);
    double t0 = mono_ms();
    int step = 0;
    while ((n = tree(self, p, MAX_PROCS)) > 0) {
        reap();
        double t = mono_ms() - t0;
        if ((step == 0 && t > 1000) || (step == 1 && t > 3000)) {
            for (int i = 0; i < n; i++)
                kill(p[i].pid, step == 0 ? SIGTERM : SIGKILL);
            step++;
        }
        sleep_ms(10);
    }
    reap();
}

/* CPU time in ms of all the children reaped so far, theirs included. */
static double children_cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int spawn(char **argv, int *pidfd)
{
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (err) {
        fprintf(stderr, "treewatch: cannot start %s: %s\n", argv[0], strerror(err));
        return -1;
    }
    *pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (*pidfd < 0) {
        perror("treewatch: pidfd_open");
        return -1;
    }
    return pid;
}

/* Wait up to ms for the main process to exit; true if it did. */
static bool exited(int pidfd, double ms)
{
    struct pollfd pf = {pidfd, POLLIN, 0};
    return poll(&pf, 1, ms > 0 ? (int)ms : 0) > 0;
}

/* ---- the X screen ---- */

#ifdef HAVE_X11
static Display *dpy;
static XImage *img;
static XShmSegmentInfo shm;
static size_t img_bytes;

static int x_open(void)
{
    dpy = XOpenDisplay(NULL);
    if (!dpy || !XShmQueryExtension(dpy)) {
        fprintf(stderr, "treewatch: no X display with MIT-SHM (DISPLAY=%s)\n",
                getenv("DISPLAY") ? getenv("DISPLAY") : "");
        return -1;
    }
    int s = DefaultScreen(dpy);
    img = XShmCreateImage(dpy, DefaultVisual(dpy, s), (unsigned)DefaultDepth(dpy, s), ZPixmap,
                          NULL, &shm, (unsigned)DisplayWidth(dpy, s),
                          (unsigned)DisplayHeight(dpy, s));
    if (!img)
        return -1;
    img_bytes = (size_t)img->bytes_per_line * (size_t)img->height;
    shm.shmid = shmget(IPC_PRIVATE, img_bytes, IPC_CREAT | 0600);
    if (shm.shmid < 0)
        return -1;
    shm.shmaddr = img->data = shmat(shm.shmid, NULL, 0);
    shmctl(shm.shmid, IPC_RMID, NULL);
    shm.readOnly = False;
    if (shm.shmaddr == (void *)-1 || !XShmAttach(dpy, &shm))
        return -1;
    XSync(dpy, False);
    return 0;
}

static const unsigned char *x_grab(void)
{
    XShmGetImage(dpy, DefaultRootWindow(dpy), img, 0, 0, AllPlanes);
    return (const unsigned char *)img->data;
}

static int x_write_ppm(const char *path, const unsigned char *px)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "P6\n%d %d\n255\n", img->width, img->height);
    for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++) {
            unsigned long v = 0;
            memcpy(&v, px + (size_t)y * (size_t)img->bytes_per_line + (size_t)x * 4, 4);
            unsigned char rgb[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8),
                                    (unsigned char)v};
            fwrite(rgb, 1, 3, f);
        }
    return fclose(f);
}
#endif

int main(int argc, char **argv)
{
    int runs = 1, settle_ms = 1000, timeout_ms = 30000, idle_wait_s = 0, idle_s = 0;
    int extra = 0;
    bool xmode = false;
    const char *after = NULL, *ppm = NULL, *before = NULL;
    if (argc == 2 && strcmp(argv[1], "--has-x") == 0) {   /* status 0 if -x works */
#ifdef HAVE_X11
        return 0;
#else
        return 1;
#endif
    }
    int c;
    while ((c = getopt(argc, argv, "+r:xs:t:a:i:p:o:b:")) != -1) {
        switch (c) {
        case 'r': runs = atoi(optarg); break;
        case 'x': xmode = true; break;
        case 's': settle_ms = atoi(optarg); break;
        case 't': timeout_ms = atoi(optarg); break;
        case 'a': after = optarg; break;
        case 'i':
            if (sscanf(optarg, "%d,%d", &idle_wait_s, &idle_s) != 2)
                idle_s = -1;
            break;
        case 'p': extra = atoi(optarg); break;
        case 'o': ppm = optarg; break;
        case 'b': before = optarg; break;
        default: runs = 0;
        }
    }
    if (runs < 1 || runs > MAX_RUNS || optind >= argc || idle_s < 0 || settle_ms < 50) {
        fputs("usage: treewatch [-r RUNS] [-x] [-s SETTLE_MS] [-t TIMEOUT_MS] [-a CMD]\n"
              "                 [-i WAIT_S,IDLE_S] [-p PID] [-o OUT.ppm] [-b CMD]\n"
              "                 -- PROGRAM [ARGS...]\n",
              stderr);
        return 2;
    }
    char **prog = argv + optind;

    page_kb = sysconf(_SC_PAGESIZE) / 1024;
    long hz = sysconf(_SC_CLK_TCK);
    int self = (int)getpid();
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
        perror("treewatch: PR_SET_CHILD_SUBREAPER");
        return 1;
    }
#ifdef HAVE_X11
    unsigned char *base = NULL, *prev = NULL, *first_base = NULL;
    if (xmode) {
        if (x_open() < 0)
            return 1;
        base = malloc(img_bytes);
        prev = malloc(img_bytes);
        first_base = malloc(img_bytes);
        if (!base || !prev || !first_base)
            return 1;
        memcpy(first_base, x_grab(), img_bytes);
    }
#else
    (void)hz, (void)ppm, (void)extra, (void)timeout_ms;
    if (xmode) {
        fputs("treewatch: built without Xlib (libx11-dev, libxext-dev): no -x\n", stderr);
        return 1;
    }
#endif

    double wall[MAX_RUNS], tree_end[MAX_RUNS], change[MAX_RUNS], complete[MAX_RUNS];
    double prss[MAX_RUNS], ppss[MAX_RUNS], cpu[MAX_RUNS], tcpu[MAX_RUNS];
    int procs_max = 0;
    long polls = 0;
    double poll_time = 0, after_settled = 0;
    int after_changed = 0;
    Mem idle_mem = {0, 0, 0};
    double idle_cpu = -1, idle_extra = -1;
    int idle_changed = -1;

    for (int r = 0; r < runs; r++) {
        Mem peak = {0, 0, 0};
        int pidfd;
        if (before && system(before) != 0) {
            fprintf(stderr, "treewatch: %s failed\n", before);
            return 1;
        }
#ifdef HAVE_X11
        if (xmode) {
            /* The screen must be as it was before the first run. */
            double w0 = mono_ms();
            while (memcmp(x_grab(), first_base, img_bytes) != 0 && mono_ms() - w0 < 3000)
                sleep_ms(50);
            memcpy(base, x_grab(), img_bytes);
            memcpy(prev, base, img_bytes);
        }
#endif
        double c0 = children_cpu_ms();
        double t0 = mono_ms();
        int pid = spawn(prog, &pidfd);
        if (pid < 0)
            return 1;
        struct rusage ru;
        memset(&ru, 0, sizeof ru);
        int status = 0;
        bool main_done = false;
        double next_sample = t0;
        if (!xmode) {
            for (;;) {
                double now = mono_ms();
                if (now >= next_sample) {
                    sample(self, &peak);
                    next_sample = now + SAMPLE_MS;
                }
                if (exited(pidfd, next_sample - mono_ms()))
                    break;
            }
            wall[r] = mono_ms() - t0;
            if (wait4(pid, &status, 0, &ru) != pid) {
                perror("treewatch: wait4");
                return 1;
            }
            main_done = true;
            /* Leftovers (crash handlers, helpers): up to 5 s, then killed. */
            while (tree(self, (Proc[1]){{0, 0}}, 1) > 0 && mono_ms() - t0 - wall[r] < 5000) {
                sample(self, &peak);
                reap();
                sleep_ms(SAMPLE_MS / 2);
            }
            tree_end[r] = mono_ms() - t0;
            kill_tree(self, 0);
            tcpu[r] = children_cpu_ms() - c0;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "treewatch: run %d of %s failed (status 0x%x)\n", r + 1,
                        prog[0], (unsigned)status);
                return 1;
            }
        }
#ifdef HAVE_X11
        else {
            double first = -1, last = -1;
            int phase = 0;   /* 0: waiting to settle; 1: settling after -a */
            bool ok = false;
            int n = 0;
            for (;;) {
                double pt = mono_ms();
                const unsigned char *px = x_grab();
                double now = mono_ms();
                polls++;
                poll_time += now - pt;
                double t = pt - t0;   /* when the read was asked for */
                if (first < 0 && memcmp(px, base, img_bytes) != 0)
                    first = t;
                if (memcmp(px, prev, img_bytes) != 0) {
                    memcpy(prev, px, img_bytes);
                    last = t;
                    if (phase == 1)
                        after_changed = 1;
                }
                if (first >= 0 && t - last >= settle_ms) {
                    if (phase == 0) {
                        change[r] = first;
                        complete[r] = last;
                        if (after && r == runs - 1) {
                            double a0 = mono_ms();
                            if (system(after) != 0) {
                                fprintf(stderr, "treewatch: %s failed\n", after);
                                break;
                            }
                            last = mono_ms() - t0;
                            after_settled = a0 - t0;
                            phase = 1;
                            continue;
                        }
                    } else if (after_changed) {
                        after_settled = last - after_settled;
                    } else {
                        after_settled = 0;
                    }
                    ok = true;
                    break;
                }
                if (t > timeout_ms) {
                    fprintf(stderr, "treewatch: run %d of %s: the screen %s within %d ms\n",
                            r + 1, prog[0], first < 0 ? "never changed" : "did not settle",
                            timeout_ms);
                    break;
                }
                if (exited(pidfd, 0)) {
                    fprintf(stderr, "treewatch: run %d: %s exited\n", r + 1, prog[0]);
                    break;
                }
                if (n++ % (SAMPLE_MS / POLL_MS) == 0)
                    sample(self, &peak);
                sleep_ms(pt + POLL_MS - mono_ms());
            }
            if (!ok) {
                kill_tree(self, pid);
                return 1;
            }
            if (ppm && r == runs - 1 && x_write_ppm(ppm, prev) != 0)
                fprintf(stderr, "treewatch: cannot write %s\n", ppm);
            if (idle_s > 0 && r == runs - 1) {
                sleep_ms(idle_wait_s * 1e3);
                idle_mem = mem_now(self, true);
                memcpy(base, x_grab(), img_bytes);
                Proc p0[MAX_PROCS], p1[MAX_PROCS];
                int n0 = tree(self, p0, MAX_PROCS);
                long long e0 = 0, e1 = 0;
                int pp;
                if (extra)
                    proc_stat(extra, &pp, &e0);
                sleep_ms(idle_s * 1e3);
                int n1 = tree(self, p1, MAX_PROCS);
                if (extra)
                    proc_stat(extra, &pp, &e1);
                long long d = 0;
                for (int i = 0; i < n1; i++) {
                    long long was = 0;
                    for (int j = 0; j < n0; j++)
                        if (p0[j].pid == p1[i].pid)
                            was = p0[j].ticks;
                    d += p1[i].ticks - was;
                }
                idle_cpu = 100.0 * (double)d / (double)hz / idle_s;
                idle_extra = extra ? 100.0 * (double)(e1 - e0) / (double)hz / idle_s : -1;
                idle_changed = memcmp(x_grab(), base, img_bytes) != 0;
            }
            kill_tree(self, pid);
            wall[r] = tree_end[r] = tcpu[r] = 0;
        }
#endif
        close(pidfd);
        if (!main_done)
            reap();
        /* For one process, its own high-water mark is the exact peak. */
        if (ru.ru_maxrss > peak.rss)
            peak.rss = ru.ru_maxrss;
        prss[r] = (double)peak.rss;
        ppss[r] = (double)peak.pss;
        cpu[r] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
        if (peak.procs > procs_max)
            procs_max = peak.procs;
    }

    printf("runs=%d", runs);
    if (!xmode)
        printf(" wall_median=%.1f wall_min=%.1f wall_max=%.1f tree_end_median=%.1f"
               " main_cpu_median=%.1f tree_cpu_median=%.1f",
               median(wall, runs), vmin(wall, runs), vmax(wall, runs), median(tree_end, runs),
               median(cpu, runs), median(tcpu, runs));
    else
        printf(" first_change_median=%.1f first_change_min=%.1f first_change_max=%.1f"
               " complete_median=%.1f complete_min=%.1f complete_max=%.1f poll_ms=%.2f",
               median(change, runs), vmin(change, runs), vmax(change, runs),
               median(complete, runs), vmin(complete, runs), vmax(complete, runs),
               polls ? poll_time / (double)polls : 0);
    printf(" peak_rss_median=%.0f peak_rss_max=%.0f peak_pss_median=%.0f procs_max=%d",
           median(prss, runs), vmax(prss, runs), median(ppss, runs), procs_max);
    if (after)
        printf(" after_changed=%d after_settled=%.1f", after_changed, after_settled);
    if (idle_cpu >= 0)
        printf(" idle_rss=%lld idle_pss=%lld idle_procs=%d idle_cpu=%.2f idle_extra_cpu=%.2f"
               " idle_screen_changed=%d",
               idle_mem.rss, idle_mem.pss, idle_mem.procs, idle_cpu, idle_extra, idle_changed);
    printf("\n");
    return 0;
}
