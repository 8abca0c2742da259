/* receipt.c - benchmark: one "Check a reply" on a sealed feed, in-process.
 *
 *   receipt [RUNS]        (from the repository root)
 *
 * Loads the sample content (assets/content/sample.json, sealed replies) and
 * times, RUNS (20) times each, wall clock (CLOCK_MONOTONIC) and the
 * thread's CPU time, in ms:
 *   derive  receipt_derive alone: Argon2id, RECEIPT_OPSLIMIT passes over
 *           RECEIPT_MEMLIMIT bytes (the cost fixed by the feed format);
 *   check   content_open_reply for a known code: derive, find the lookup,
 *           open the box, check its JSON - the whole check, as the kiosk
 *           did it on its UI thread before it moved the derivation off it;
 *   ui      what the kiosk's UI thread now does per tap on 查询 (the
 *           derivation on a thread of its own, "checking" shown
 *           meanwhile): content_reply_check_start (copies, starts the
 *           thread) plus content_reply_check_finish once the thread is
 *           done (find the lookup, open the box, check its JSON);
 *   answer  the tap to the answer: start until the thread is done (looked
 *           at every 0.5 ms, as the kiosk's loop looks every REPLY_POLL_MS)
 *           plus the finish.
 * Prints one key=value line per figure (median, p95, max; cpu = median CPU);
 * exit status 1 when the known code is not found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "content.h"
#include "receipt.h"

static double ms(clockid_t id)
{
    struct timespec t;
    clock_gettime(id, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, double *wall, double *cpu, int n)
{
    qsort(wall, (size_t)n, sizeof *wall, cmp);
    qsort(cpu, (size_t)n, sizeof *cpu, cmp);
    printf("%s runs=%d median=%.3f p95=%.3f max=%.3f cpu=%.3f\n", name, n, wall[n / 2],
           wall[(n * 95 + 99) / 100 - 1], wall[n - 1], cpu[n / 2]);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    if (runs < 1 || runs > 10000)
        runs = 20;
    char err[300];
    Content *c = content_load_file("assets/content/sample.json", err, sizeof err);
    if (!c || !c->replies_sealed) {
        fprintf(stderr, "receipt: the sample content is missing or not sealed: %s\n", err);
        content_free(c);
        return 1;
    }
    double *wall = calloc((size_t)runs, sizeof *wall), *cpu = calloc((size_t)runs, sizeof *cpu);
    if (!wall || !cpu)
        return 1;
    for (int i = 0; i < runs; i++) {
        ReceiptKeys k;
        double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_THREAD_CPUTIME_ID);
        int rc = receipt_derive("7KQ4M2XD", c->reply_salt, &k);
        cpu[i] = ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[i] = ms(CLOCK_MONOTONIC) - w0;
        receipt_wipe(&k);
        if (rc != 0)
            return 1;
    }
    report("derive", wall, cpu, runs);
    for (int i = 0; i < runs; i++) {
        Reply *r;
        double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_THREAD_CPUTIME_ID);
        ContentReplyResult res = content_open_reply(c, "7KQ4-M2XD", &r);
        cpu[i] = ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[i] = ms(CLOCK_MONOTONIC) - w0;
        content_reply_free(r);
        if (res != CONTENT_REPLY_FOUND) {
            fprintf(stderr, "receipt: 7KQ4-M2XD not found in the sample\n");
            return 1;
        }
    }
    report("check", wall, cpu, runs);
    double *awall = calloc((size_t)runs, sizeof *awall), *acpu = calloc((size_t)runs, sizeof *acpu);
    if (!awall || !acpu)
        return 1;
    for (int i = 0; i < runs; i++) {
        double a0 = ms(CLOCK_MONOTONIC);
        double w0 = a0, c0 = ms(CLOCK_THREAD_CPUTIME_ID);
        ContentReplyCheck *j = content_reply_check_start(c, "7KQ4-M2XD");
        wall[i] = ms(CLOCK_MONOTONIC) - w0;
        cpu[i] = ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (!j) {
            fprintf(stderr, "receipt: content_reply_check_start failed\n");
            return 1;
        }
        while (!content_reply_check_done(j))
            usleep(500);
        Reply *r;
        w0 = ms(CLOCK_MONOTONIC);
        c0 = ms(CLOCK_THREAD_CPUTIME_ID);
        ContentReplyResult res = content_reply_check_finish(j, c, &r);
        double w1 = ms(CLOCK_MONOTONIC);
        wall[i] += w1 - w0;
        cpu[i] += ms(CLOCK_THREAD_CPUTIME_ID) - c0;
        awall[i] = w1 - a0;
        acpu[i] = 0;
        content_reply_free(r);
        if (res != CONTENT_REPLY_FOUND) {
            fprintf(stderr, "receipt: 7KQ4-M2XD not found off the UI thread\n");
            return 1;
        }
    }
    report("ui", wall, cpu, runs);
    report("answer", awall, acpu, runs);
    free(awall);
    free(acpu);
    free(wall);
    free(cpu);
    content_free(c);
    return 0;
}
