/* ostore_group.c - group commit: the writes of one process share one transaction, run by a committer thread on its own connection, so one commit (one fsync) makes many durable. */
#include "ostore_priv.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct OstoreGroup {
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* the committer waits here for jobs */
    OstoreGroupJob *head, **tail;
    int waiting;
    bool closing, held, running;
    char fail_next[200];          /* tests: the next commit fails so */
    int64_t commits, jobs;
    Ostore *s;                    /* the committer's own connection */
    pthread_t thread;
};

/* Run a batch on s: one transaction, each job under a savepoint (so one
 * job's failure undoes only its own writes), one commit. Every job's
 * result is final only once the commit is. */
static void ostore_group_batch(Ostore *s, OstoreGroupJob *batch, const char *fail)
{
    bool open = ostore_begin(s) == OSTORE_OK;
    for (OstoreGroupJob *j = batch; j; j = j->next) {
        j->err[0] = '\0';
        if (!open || ostore_exec(s, "SAVEPOINT ostore_group") != OSTORE_OK) {
            open = false;
            j->r = OSTORE_ERROR;
            continue;
        }
        j->r = j->fn(s, j->arg);
        if (j->r == OSTORE_ERROR || j->r == OSTORE_CONFLICT || j->r == OSTORE_NOTFOUND) {
            snprintf(j->err, sizeof j->err, "%s", s->err);
            /* PostgreSQL: this also ends the aborted state an error left. */
            if (ostore_exec(s, "ROLLBACK TO SAVEPOINT ostore_group") != OSTORE_OK)
                open = false;
        }
        if (open && ostore_exec(s, "RELEASE SAVEPOINT ostore_group") != OSTORE_OK)
            open = false;
    }
    if (open && fail[0])
        snprintf(s->err, sizeof s->err, "%s", fail);   /* tests: as a failed commit */
    else if (open && ostore_commit(s) == OSTORE_OK)
        return;
    /* Nothing of the batch is stored: no job may say otherwise. */
    char why[sizeof s->err];
    memcpy(why, s->err, sizeof why);
    ostore_rollback(s);
    for (OstoreGroupJob *j = batch; j; j = j->next)
        if (j->r == OSTORE_OK || j->r == OSTORE_DUPLICATE || !open) {
            j->r = OSTORE_ERROR;
            snprintf(j->err, sizeof j->err, "%s", why);
        }
}

static void *ostore_group_main(void *arg)
{
    OstoreGroup *g = arg;
    pthread_mutex_lock(&g->mu);
    for (;;) {
        while (!g->closing && (g->held || !g->head))
            pthread_cond_wait(&g->cv, &g->mu);
        if (!g->head)
            break;                /* closing, and nothing left */
        /* Take every job waiting now. */
        OstoreGroupJob *batch = g->head;
        g->head = NULL;
        g->tail = &g->head;
        g->waiting = 0;
        char fail[sizeof g->fail_next];
        memcpy(fail, g->fail_next, sizeof fail);
        g->fail_next[0] = '\0';
        pthread_mutex_unlock(&g->mu);
        ostore_group_batch(g->s, batch, fail);
        int64_t n = 0;
        for (OstoreGroupJob *j = batch; j; j = j->next)
            n++;
        pthread_mutex_lock(&g->mu);   /* counted before anyone is told */
        g->commits++;
        g->jobs += n;
        pthread_mutex_unlock(&g->mu);
        for (OstoreGroupJob *j = batch, *next; j; j = next) {
            next = j->next;       /* j is its caller's once done is called */
            j->done(j);
        }
        pthread_mutex_lock(&g->mu);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

OstoreGroup *ostore_group_new(const char *spec, char *err, size_t errlen)
{
    OstoreGroup *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!(g->s = ostore_open(spec, err, errlen))) {
        free(g);
        return NULL;
    }
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->tail = &g->head;
    if (pthread_create(&g->thread, NULL, ostore_group_main, g) != 0) {
        snprintf(err, errlen, "cannot start the committer thread");
        ostore_group_free(g);
        return NULL;
    }
    g->running = true;
    return g;
}

void ostore_group_close(OstoreGroup *g)
{
    pthread_mutex_lock(&g->mu);
    bool join = g->running && !g->closing;
    g->closing = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
    if (join)
        pthread_join(g->thread, NULL);
}

void ostore_group_free(OstoreGroup *g)
{
    if (!g)
        return;
    ostore_group_close(g);
    ostore_close(g->s);
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

bool ostore_group_submit(OstoreGroup *g, OstoreGroupJob *j)
{
    j->next = NULL;
    pthread_mutex_lock(&g->mu);
    bool ok = !g->closing;
    if (ok) {
        *g->tail = j;
        g->tail = &j->next;
        g->waiting++;
        pthread_cond_signal(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return ok;
}

typedef struct {
    OstoreGroupJob job;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} OstoreGroupWait;

static void ostore_group_woken(OstoreGroupJob *j)
{
    OstoreGroupWait *w = (OstoreGroupWait *)j;   /* job is its first member */
    pthread_mutex_lock(&w->mu);
    w->done = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

OstoreResult ostore_group_run(OstoreGroup *g, OstoreGroupFn fn, void *arg, char *err,
                              size_t errlen)
{
    OstoreGroupWait w = {.job = {.fn = fn, .arg = arg, .done = ostore_group_woken}};
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    if (ostore_group_submit(g, &w.job)) {
        pthread_mutex_lock(&w.mu);
        while (!w.done)
            pthread_cond_wait(&w.cv, &w.mu);
        pthread_mutex_unlock(&w.mu);
    } else {
        w.job.r = OSTORE_ERROR;
        snprintf(w.job.err, sizeof w.job.err, "the office is stopping");
    }
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    if (err && errlen)
        snprintf(err, errlen, "%s", w.job.err);
    return w.job.r;
}

void ostore_group_stats(OstoreGroup *g, int64_t *commits, int64_t *jobs, int *waiting)
{
    pthread_mutex_lock(&g->mu);
    *commits = g->commits;
    *jobs = g->jobs;
    *waiting = g->waiting;
    pthread_mutex_unlock(&g->mu);
}

void ostore_group_hold(OstoreGroup *g, bool hold)
{
    pthread_mutex_lock(&g->mu);
    g->held = hold;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

void ostore_group_fail_next(OstoreGroup *g, const char *why)
{
    pthread_mutex_lock(&g->mu);
    snprintf(g->fail_next, sizeof g->fail_next, "%s", why);
    pthread_mutex_unlock(&g->mu);
}
