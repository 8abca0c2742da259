/* schedule.c - visibility windows, ordering and grouping of content. */
#include "schedule.h"

#include <stdlib.h>
#include <string.h>
#include "timeutil.h"

static bool notice_visible(const Notice *n, int64_t now)
{
    return n->publish_at <= now && now < n->expire_at;
}

static int rank(const Notice *n)
{
    return (n->urgent ? 2 : 0) + (n->pinned ? 1 : 0);
}

typedef int (*IdxCmp)(const Content *c, size_t a, size_t b);

static int cmp_notice(const Content *c, size_t a, size_t b)
{
    const Notice *x = &c->notices[a];
    const Notice *y = &c->notices[b];
    if (rank(x) != rank(y))
        return rank(y) - rank(x);
    if (x->publish_at != y->publish_at)
        return x->publish_at > y->publish_at ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_event(const Content *c, size_t a, size_t b)
{
    const Event *x = &c->events[a];
    const Event *y = &c->events[b];
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* Stable insertion sort with the content as context (qsort has none);
 * lists are at most a few hundred items. */
static void sort_idx(const Content *c, size_t *idx, size_t n, IdxCmp cmp)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && cmp(c, idx[j - 1], v) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

size_t sched_notices(const Content *c, int64_t now_s, int category,
                     size_t *out, size_t max)
{
    size_t n = 0;
    if (!c)
        return 0;
    for (size_t i = 0; i < c->n_notices && n < max; i++) {
        const Notice *no = &c->notices[i];
        if (!notice_visible(no, now_s))
            continue;
        if (category >= 0 && (int)no->category != category)
            continue;
        out[n++] = i;
    }
    sort_idx(c, out, n, cmp_notice);
    return n;
}

const Notice *sched_top_urgent(const Content *c, int64_t now_s)
{
    const Notice *best = NULL;
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->n_notices; i++) {
        const Notice *n = &c->notices[i];
        if (!n->urgent || !notice_visible(n, now_s))
            continue;
        if (!best || rank(n) > rank(best) ||
            (rank(n) == rank(best) && n->publish_at > best->publish_at))
            best = n;
    }
    return best;
}

/* Local midnight at the start of next Monday after the day of t. */
static int64_t next_monday(int64_t t)
{
    LocalTime lt;
    time_local(t, &lt);
    int days = (8 - lt.wday) % 7;         /* wday 0 = Sunday */
    if (days == 0)
        days = 7;
    int64_t m = time_local_midnight(t);
    for (int i = 0; i < days; i++)        /* step day by day: DST-safe */
        m = time_local_midnight(m + 36 * 3600);
    return m;
}

size_t sched_events(const Content *c, int64_t now_s, size_t *out,
                    EventGroup *group, size_t max)
{
    size_t n = 0;
    if (!c)
        return 0;
    for (size_t i = 0; i < c->n_events && n < max; i++)
        if (c->events[i].end > now_s)
            out[n++] = i;
    sort_idx(c, out, n, cmp_event);
    int64_t tonight = time_local_midnight(time_local_midnight(now_s) + 36 * 3600);
    int64_t monday = next_monday(now_s);
    for (size_t i = 0; i < n; i++) {
        int64_t start = c->events[out[i]].start;
        group[i] = start < tonight ? EVG_TODAY : start < monday ? EVG_WEEK : EVG_LATER;
    }
    return n;
}

static void consider(int64_t t, int64_t now, int64_t *best)
{
    if (t > now && t < *best)
        *best = t;
}

int64_t sched_next_change(const Content *c, int64_t now_s)
{
    int64_t best = time_local_midnight(time_local_midnight(now_s) + 36 * 3600);
    if (!c)
        return best;
    for (size_t i = 0; i < c->n_notices; i++) {
        consider(c->notices[i].publish_at, now_s, &best);
        consider(c->notices[i].expire_at, now_s, &best);
    }
    for (size_t i = 0; i < c->n_events; i++)
        consider(c->events[i].end, now_s, &best);
    return best;
}
