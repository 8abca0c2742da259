/* ostore_group.c - group commit: concurrent writers of one process share one transaction, so one commit (one fsync) makes many durable. */
#include "ostore_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct OstoreGroupJob {
    OstoreGroupFn fn;
    void *arg;
    OstoreResult r;
    char err[300];
    bool done;
    struct OstoreGroupJob *next;
} OstoreGroupJob;

struct OstoreGroup {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    OstoreGroupJob *head, **tail;
    bool leading;                 /* a thread is running a batch */
    int64_t commits, jobs;
};

OstoreGroup *ostore_group_new(void)
{
    OstoreGroup *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->tail = &g->head;
    return g;
}

void ostore_group_free(OstoreGroup *g)
{
    if (!g)
        return;
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

void ostore_group_stats(OstoreGroup *g, int64_t *commits, int64_t *jobs, int *waiting)
{
    pthread_mutex_lock(&g->mu);
    *commits = g->commits;
    *jobs = g->jobs;
    *waiting = 0;
    for (OstoreGroupJob *j = g->head; j; j = j->next)
        (*waiting)++;
    pthread_mutex_unlock(&g->mu);
}

/* Run a batch on s: one transaction, each job under a savepoint (so one
 * job's failure undoes only its own writes), one commit. Every job's
 * result is final only once the commit is. */
static void ostore_group_batch(Ostore *s, OstoreGroupJob *batch)
{
    bool open = ostore_begin(s) == OSTORE_OK;
    for (OstoreGroupJob *j = batch; j; j = j->next) {
        if (!open || ostore_exec(s, "SAVEPOINT ostore_group") != OSTORE_OK) {
            open = false;
            j->r = OSTORE_ERROR;
            continue;
        }
        j->r = j->fn(s, j->arg);
        if (j->r == OSTORE_ERROR || j->r == OSTORE_CONFLICT || j->r == OSTORE_NOTFOUND) {
            memcpy(j->err, s->err, sizeof j->err);
            /* PostgreSQL: this also ends the aborted state an error left. */
            if (ostore_exec(s, "ROLLBACK TO SAVEPOINT ostore_group") != OSTORE_OK)
                open = false;
        }
        if (open && ostore_exec(s, "RELEASE SAVEPOINT ostore_group") != OSTORE_OK)
            open = false;
    }
    if (open && ostore_commit(s) == OSTORE_OK)
        return;
    /* Nothing of the batch is stored: no job may say otherwise. */
    char why[sizeof s->err];
    memcpy(why, s->err, sizeof why);
    ostore_rollback(s);
    for (OstoreGroupJob *j = batch; j; j = j->next)
        if (j->r == OSTORE_OK || j->r == OSTORE_DUPLICATE || !open) {
            j->r = OSTORE_ERROR;
            memcpy(j->err, why, sizeof j->err);
        }
}

OstoreResult ostore_group_run(OstoreGroup *g, Ostore *s, OstoreGroupFn fn, void *arg)
{
    OstoreGroupJob job = {.fn = fn, .arg = arg};
    pthread_mutex_lock(&g->mu);
    *g->tail = &job;
    g->tail = &job.next;
    while (!job.done) {
        if (g->leading) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        /* Lead: take every job waiting now (this one among them). */
        g->leading = true;
        OstoreGroupJob *batch = g->head;
        g->head = NULL;
        g->tail = &g->head;
        pthread_mutex_unlock(&g->mu);
        ostore_group_batch(s, batch);
        pthread_mutex_lock(&g->mu);
        g->commits++;
        for (OstoreGroupJob *j = batch, *next; j; j = next) {
            next = j->next;       /* j may go as soon as it is done */
            g->jobs++;
            j->done = true;
        }
        g->leading = false;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    if (job.r == OSTORE_ERROR || job.r == OSTORE_CONFLICT || job.r == OSTORE_NOTFOUND)
        memcpy(s->err, job.err, sizeof s->err);
    return job.r;
}
