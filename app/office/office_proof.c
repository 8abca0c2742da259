/* office_proof.c - proof of posting: on which kiosks a notice was on show, from when to when, with gaps. */
#include "office_proof.h"
#include "office_fleet.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>

int office_proof_note(Ostore *s, int64_t community_id, const Content *c, int64_t now)
{
    for (size_t i = 0; i < c->n_notices; i++) {
        const Notice *n = &c->notices[i];
        if (ostore_feed_notice_add(s, community_id, c->version, n->id, n->title.zh,
                                   n->publish_at, n->expire_at, now) != OSTORE_OK)
            return -1;
    }
    return 0;
}

/* ---- making the record ---- */

typedef struct {
    char version[24];
    int64_t publish_at, expire_at;
} PostingVersion;

typedef struct {
    Proof *p;
    PostingVersion *v;
    size_t nv, capv;
    OstoreSegment *g;
    size_t ng, capg;
    int oom;
} PostingBuild;

static int posting_version(void *ud, const char *version, const char *title, int64_t publish_at,
                           int64_t expire_at)
{
    PostingBuild *b = ud;
    if (b->nv == b->capv) {
        size_t cap = b->capv ? 2 * b->capv : 16;
        PostingVersion *t = realloc(b->v, cap * sizeof *t);
        if (!t) {
            b->oom = 1;
            return 1;
        }
        b->v = t;
        b->capv = cap;
    }
    PostingVersion *v = &b->v[b->nv++];
    snprintf(v->version, sizeof v->version, "%s", version);
    v->publish_at = publish_at;
    v->expire_at = expire_at;
    snprintf(b->p->title, sizeof b->p->title, "%s", title ? title : "");   /* the latest */
    return 0;
}

static int posting_segment(void *ud, const OstoreSegment *g)
{
    PostingBuild *b = ud;
    if (b->ng == b->capg) {
        size_t cap = b->capg ? 2 * b->capg : 64;
        OstoreSegment *t = realloc(b->g, cap * sizeof *t);
        if (!t) {
            b->oom = 1;
            return 1;
        }
        b->g = t;
        b->capg = cap;
    }
    b->g[b->ng++] = *g;
    return 0;
}

static const PostingVersion *posting_find(const PostingBuild *b, const char *version)
{
    for (size_t i = 0; i < b->nv; i++)
        if (strcmp(b->v[i].version, version) == 0)
            return &b->v[i];
    return NULL;
}

static int posting_add(ProofKiosk *k, size_t *cap, ProofKind kind, int64_t from, int64_t to,
                       const char *reason)
{
    if (to <= from)
        return 0;
    if (k->n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        ProofSpan *t = realloc(k->spans, c * sizeof *t);
        if (!t)
            return -1;
        k->spans = t;
        *cap = c;
    }
    k->spans[k->n++] = (ProofSpan){kind, from, to, reason};
    if (kind == PROOF_SHOWN)
        k->shown_s += to - from;
    return 0;
}

/* Why the kiosk did not show the notice during [from, to): what its
 * segments there say. */
static const char *posting_reason(const PostingBuild *b, size_t first, size_t last, int64_t from,
                                  int64_t to)
{
    bool blank = false, other = false;
    for (size_t i = first; i < last; i++) {
        const OstoreSegment *g = &b->g[i];
        if (g->end_at <= from || g->start_at >= to)
            continue;   /* only what lies inside the gap says why */
        if (!g->visible)
            blank = true;
        else
            other = true;
    }
    return blank ? "blank_screen" : other ? "other_content" : "no_heartbeat";
}

/* The spans of one kiosk from its segments b->g[first..last). */
static int posting_kiosk(const PostingBuild *b, size_t first, size_t last, int64_t join_s,
                         ProofKiosk *k)
{
    const Proof *p = b->p;
    size_t cap = 0;
    int64_t cur_from = -1, cur_to = -1;   /* the shown stretch being built */
    int64_t covered = p->from;            /* the window is accounted up to here */
    for (size_t i = first; i <= last; i++) {
        int64_t a = 0, z = 0;
        bool have = false;
        if (i < last) {
            const OstoreSegment *g = &b->g[i];
            const PostingVersion *v = g->visible ? posting_find(b, g->content_version) : NULL;
            if (v) {
                a = g->start_at > v->publish_at ? g->start_at : v->publish_at;
                z = g->end_at < v->expire_at ? g->end_at : v->expire_at;
                if (a < p->from)
                    a = p->from;
                /* The kiosk's latest report, recent enough: still on show. */
                if (p->open && i + 1 == last && p->to - z <= join_s)
                    z = p->to;
                if (z > p->to)
                    z = p->to;
                have = z >= a;
            }
        }
        if (have && cur_from >= 0 && a - cur_to <= join_s) {
            if (z > cur_to)
                cur_to = z;
            continue;
        }
        /* A segment that did not show it, after the stretch, ends the
         * stretch; one that overlaps the window's start does nothing. */
        if (!have && i < last && (cur_from < 0 || b->g[i].start_at < cur_to))
            continue;
        if (cur_from >= 0) {
            /* Close the stretch, with the gap before it. */
            if (posting_add(k, &cap, PROOF_GAP, covered, cur_from,
                            posting_reason(b, first, last, covered, cur_from)) < 0 ||
                posting_add(k, &cap, PROOF_SHOWN, cur_from, cur_to, NULL) < 0)
                return -1;
            covered = cur_to;
            cur_from = -1;
        }
        if (have) {
            cur_from = a < covered ? covered : a;
            cur_to = z;
        }
    }
    return posting_add(k, &cap, PROOF_GAP, covered, p->to,
                       posting_reason(b, first, last, covered, p->to));
}

int office_proof_make(Ostore *s, const OfficeConf *c, const OstoreCommunity *com,
                        const char *notice_id, int64_t now, Proof *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->community, sizeof out->community, "%s", com->slug);
    snprintf(out->notice_id, sizeof out->notice_id, "%s", notice_id);
    PostingBuild b = {.p = out};
    if (ostore_feed_notice_versions(s, com->id, notice_id, posting_version, &b) != OSTORE_OK ||
        b.oom)
        goto fail;
    if (b.nv == 0) {
        free(b.v);
        return 1;
    }
    out->from = b.v[0].publish_at;
    out->to = b.v[0].expire_at;
    for (size_t i = 1; i < b.nv; i++) {
        if (b.v[i].publish_at < out->from)
            out->from = b.v[i].publish_at;
        if (b.v[i].expire_at > out->to)
            out->to = b.v[i].expire_at;
    }
    if (out->to > now) {
        out->to = now;
        out->open = true;
    }
    if (out->to < out->from)
        out->to = out->from;
    if (ostore_segment_list(s, com->id, out->from, out->to, posting_segment, &b) != OSTORE_OK ||
        b.oom)
        goto fail;
    FleetPolicy pol;
    office_fleet_policy(c, &pol);
    for (size_t i = 0; i < b.ng;) {
        size_t j = i;
        while (j < b.ng && b.g[j].kiosk_id == b.g[i].kiosk_id)
            j++;
        ProofKiosk *t = realloc(out->kiosks, (out->n + 1) * sizeof *t);
        if (!t)
            goto fail;
        out->kiosks = t;
        ProofKiosk *k = &out->kiosks[out->n++];
        memset(k, 0, sizeof *k);
        k->kiosk_id = b.g[i].kiosk_id;
        snprintf(k->kiosk, sizeof k->kiosk, "%s", b.g[i].kiosk);
        if (posting_kiosk(&b, i, j, 3 * pol.interval_s, k) < 0)
            goto fail;
        i = j;
    }
    free(b.v);
    free(b.g);
    return 0;
fail:
    free(b.v);
    free(b.g);
    office_proof_free(out);
    return -1;
}

void office_proof_free(Proof *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->kiosks[i].spans);
    free(p->kiosks);
    p->kiosks = NULL;
    p->n = 0;
}

/* ---- writing it ---- */

static void posting_time(int64_t t, bool iso, char *out, size_t n)
{
    LocalTime lt;
    time_local(t, &lt);
    if (!iso) {
        snprintf(out, n, "%04d-%02d-%02d %02d:%02d", lt.year, lt.mon, lt.mday, lt.hour, lt.min);
        return;
    }
    /* The offset from the broken-down time itself. */
    int64_t local = time_days_from_civil(lt.year, lt.mon, lt.mday) * 86400 + lt.hour * 3600 +
                    lt.min * 60 + lt.sec;
    int64_t off = (local - t) / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", lt.year, lt.mon, lt.mday,
             lt.hour, lt.min, lt.sec, sign, (int)(off / 60), (int)(off % 60));
}

static void posting_duration(int64_t s, char *out, size_t n)
{
    snprintf(out, n, "%lldd %02lldh %02lldm", (long long)(s / 86400), (long long)(s % 86400 / 3600),
             (long long)(s % 3600 / 60));
}

static const char *posting_reason_text(const char *r)
{
    return !r ? "" : strcmp(r, "blank_screen") == 0 ? "blank screen (黑屏)"
                   : strcmp(r, "other_content") == 0 ? "other content (未显示此版本)"
                                                     : "no heartbeat (离线)";
}

void office_proof_print(const Proof *p, FILE *f)
{
    char a[40], z[40], d[40];
    posting_time(p->from, false, a, sizeof a);
    posting_time(p->to, false, z, sizeof z);
    posting_duration(p->to - p->from, d, sizeof d);
    fprintf(f, "notice %s \"%s\" in %s: window %s - %s (%s)\n", p->notice_id, p->title,
            p->community, a, z, d);
    if (p->n == 0)
        fprintf(f, "no kiosk reported anything in that time\n");
    for (size_t i = 0; i < p->n; i++) {
        const ProofKiosk *k = &p->kiosks[i];
        int64_t total = p->to - p->from;
        posting_duration(k->shown_s, d, sizeof d);
        fprintf(f, "kiosk %s: shown %s (%.1f%% of the window)\n", k->kiosk, d,
                total > 0 ? 100.0 * (double)k->shown_s / (double)total : 0.0);
        for (size_t j = 0; j < k->n; j++) {
            const ProofSpan *sp = &k->spans[j];
            posting_time(sp->from, false, a, sizeof a);
            posting_time(sp->to, false, z, sizeof z);
            posting_duration(sp->to - sp->from, d, sizeof d);
            fprintf(f, "  %-5s %s - %s  %s  %s\n", sp->kind == PROOF_SHOWN ? "shown" : "gap",
                    a, z, d, posting_reason_text(sp->reason));
        }
    }
}

/* Append a CSV field (quoted when needed). */
static int posting_field(char **buf, size_t *len, size_t *cap, const char *v, bool last)
{
    size_t need = 2 * strlen(v) + 4;
    if (*len + need >= *cap) {
        size_t c = (*cap + need) * 2;
        char *t = realloc(*buf, c);
        if (!t)
            return -1;
        *buf = t;
        *cap = c;
    }
    bool quote = strpbrk(v, ",\"\r\n") != NULL;
    /* A leading = + - @ would be a formula to a spreadsheet. */
    char *o = *buf + *len;
    if (quote)
        *o++ = '"';
    if (strchr("=+-@", v[0]) && v[0])
        *o++ = '\'';
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    if (quote)
        *o++ = '"';
    *o++ = last ? '\n' : ',';
    *len = (size_t)(o - *buf);
    (*buf)[*len] = '\0';
    return 0;
}

char *office_proof_csv(const Proof *p, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    static const char head[] = "\xef\xbb\xbf" "community,notice,title,kiosk,kind,from,to,seconds,reason\n";
    memcpy(buf, head, sizeof head);
    n = sizeof head - 1;
    for (size_t i = 0; i < p->n; i++) {
        const ProofKiosk *k = &p->kiosks[i];
        for (size_t j = 0; j < k->n; j++) {
            const ProofSpan *sp = &k->spans[j];
            char a[40], z[40], secs[24];
            posting_time(sp->from, true, a, sizeof a);
            posting_time(sp->to, true, z, sizeof z);
            snprintf(secs, sizeof secs, "%lld", (long long)(sp->to - sp->from));
            const char *row[] = {p->community, p->notice_id, p->title, k->kiosk,
                                 sp->kind == PROOF_SHOWN ? "shown" : "gap", a, z, secs,
                                 sp->reason ? sp->reason : ""};
            for (size_t c = 0; c < 9; c++)
                if (posting_field(&buf, &n, &cap, row[c], c == 8) < 0) {
                    free(buf);
                    return NULL;
                }
        }
    }
    if (len)
        *len = n;
    return buf;
}
