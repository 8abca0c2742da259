/* fuzz_targets.c - fuzz target bodies for content import and replay scripts,
 * the shared check helper and the name table (fuzz_text.c has the text ones). */
#include "fuzz_targets.h"
#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "content.h"
#include "replay.h"
#include "schedule.h"
#include "textclean.h"
#include "utf8.h"
#include "textlayout.h"

_Noreturn void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant failed: %s\n", file, line, what);
    fflush(stderr);
    abort();
}

unsigned fz_byte(FzIn *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

unsigned fz_u16(FzIn *in)
{
    unsigned lo = fz_byte(in);
    return lo | fz_byte(in) << 8;
}

FuzzTarget fuzz_target(const char *name)
{
    static const struct { const char *name; FuzzTarget fn; } tab[] = {
        {"content", fuzz_content},
        {"textedit", fuzz_textedit},
        {"layout", fuzz_layout},
        {"replay", fuzz_replay},
        {"office", fuzz_office},
        {"image", fuzz_image},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(name, tab[i].name) == 0)
            return tab[i].fn;
    return NULL;
}

/* ---- content --------------------------------------------------------- */

static void check_str(const char *s, size_t maxchars)
{
    FZ_CHECK(s != NULL);
    FZ_CHECK(utf8_valid(s, strlen(s)));
    FZ_CHECK(utf8_count(s, strlen(s)) <= maxchars);
}

/* A parsed LText: zh present and not blank, en absent or non-empty, and
 * ltext() picks en only when there is one. `zh_may_be_empty` for replies. */
static void check_ltext(const LText *t, size_t maxchars, int zh_may_be_empty)
{
    check_str(t->zh, maxchars);
    if (!zh_may_be_empty)
        FZ_CHECK(strspn(t->zh, " \t\n\r") < strlen(t->zh));
    if (t->en) {
        check_str(t->en, maxchars);
        FZ_CHECK(t->en[0] != '\0');
    }
    FZ_CHECK(ltext(t, LANG_ZH) == t->zh);
    FZ_CHECK(ltext(t, LANG_EN) == (t->en ? t->en : t->zh));
}

static void check_id(const char *id)
{
    FZ_CHECK(id != NULL && id[0] != '\0');
    FZ_CHECK(strlen(id) <= CONTENT_MAX_ID);
    FZ_CHECK(strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
             strlen(id));
}

static void check_url(const char *url, int required)
{
    if (!url) {
        FZ_CHECK(!required);
        return;
    }
    check_str(url, CONTENT_MAX_URL);
    FZ_CHECK(strncmp(url, "https://", 8) == 0 || strncmp(url, "tel:", 4) == 0);
    for (const char *p = url; *p; p++)
        FZ_CHECK((unsigned char)*p > ' ' && *p != 0x7f);
}

static int notice_rank(const Notice *n)
{
    return (n->urgent ? 2 : 0) + (n->pinned ? 1 : 0);
}

/* Schedules at `now`: what sched_* return is what their contracts say. */
static void check_schedule(const Content *c, int64_t now)
{
    size_t *idx = malloc((c->n_notices + c->n_events + 1) * sizeof *idx);
    EventGroup *grp = malloc((c->n_events + 1) * sizeof *grp);
    FZ_CHECK(idx && grp);

    for (int cat = -1; cat < CAT_COUNT; cat++) {
        size_t n = sched_notices(c, now, cat, idx, c->n_notices), want = 0;
        for (size_t i = 0; i < c->n_notices; i++) {
            const Notice *no = &c->notices[i];
            want += no->publish_at <= now && now < no->expire_at &&
                    (cat < 0 || (int)no->category == cat);
        }
        FZ_CHECK(n == want);
        for (size_t i = 0; i < n; i++) {
            FZ_CHECK(idx[i] < c->n_notices);
            const Notice *no = &c->notices[idx[i]];
            FZ_CHECK(no->publish_at <= now && now < no->expire_at);
            FZ_CHECK(cat < 0 || (int)no->category == cat);
            if (i == 0)
                continue;
            FZ_CHECK(idx[i] != idx[i - 1]);
            const Notice *pr = &c->notices[idx[i - 1]];
            FZ_CHECK(notice_rank(pr) >= notice_rank(no));
            if (notice_rank(pr) == notice_rank(no))
                FZ_CHECK(pr->publish_at > no->publish_at ||
                         (pr->publish_at == no->publish_at && strcmp(pr->id, no->id) < 0));
        }
        if (c->n_notices > 0)   /* a smaller max is respected */
            FZ_CHECK(sched_notices(c, now, cat, idx, 1) == (want > 0));
    }

    const Notice *top = sched_top_urgent(c, now);
    size_t nvis = sched_notices(c, now, -1, idx, c->n_notices);
    if (nvis > 0 && c->notices[idx[0]].urgent) {
        FZ_CHECK(top != NULL && top->urgent);
        FZ_CHECK(notice_rank(top) == notice_rank(&c->notices[idx[0]]));
        FZ_CHECK(top->publish_at == c->notices[idx[0]].publish_at);
    } else {
        FZ_CHECK(top == NULL);
    }

    size_t ne = sched_events(c, now, idx, grp, c->n_events), want = 0;
    for (size_t i = 0; i < c->n_events; i++)
        want += c->events[i].end > now;
    FZ_CHECK(ne == want);
    for (size_t i = 0; i < ne; i++) {
        FZ_CHECK(idx[i] < c->n_events);
        FZ_CHECK(c->events[idx[i]].end > now);
        FZ_CHECK((unsigned)grp[i] < EVG_COUNT);
        if (i > 0) {
            FZ_CHECK(c->events[idx[i - 1]].start <= c->events[idx[i]].start);
            FZ_CHECK(grp[i - 1] <= grp[i]);
        }
    }
    FZ_CHECK(sched_next_change(c, now) > now);
    free(idx);
    free(grp);
}

static void check_content(const Content *c)
{
    FZ_CHECK(strlen(c->version) == 16);
    FZ_CHECK(strspn(c->version, "0123456789abcdef") == 16);
    check_ltext(&c->site_name, CONTENT_MAX_NAME, 0);
    FZ_CHECK(c->n_notices <= CONTENT_MAX_NOTICES && c->n_events <= CONTENT_MAX_EVENTS &&
             c->n_channels <= CONTENT_MAX_CHANNELS && c->n_replies <= CONTENT_MAX_REPLIES &&
             c->n_board <= CONTENT_MAX_BOARD);

    for (size_t i = 0; i < c->n_notices; i++) {
        const Notice *n = &c->notices[i];
        check_id(n->id);
        FZ_CHECK((unsigned)n->category < CAT_COUNT);
        const char *cat = content_category_name(n->category);
        FZ_CHECK(cat && content_category_from_name(cat) == (int)n->category);
        check_ltext(&n->title, CONTENT_MAX_TITLE, 0);
        check_ltext(&n->body, CONTENT_MAX_BODY, 0);
        FZ_CHECK(n->publish_at < n->expire_at);
        check_url(n->link, 0);
        FZ_CHECK(content_find_notice(c, n->id) == n);
    }
    for (size_t i = 0; i < c->n_events; i++) {
        const Event *e = &c->events[i];
        check_id(e->id);
        check_ltext(&e->title, CONTENT_MAX_TITLE, 0);
        check_ltext(&e->description, CONTENT_MAX_BODY, 0);
        check_ltext(&e->location, CONTENT_MAX_TITLE, 0);
        FZ_CHECK(e->start <= e->end);
        check_url(e->signup_url, 0);
        FZ_CHECK(content_find_event(c, e->id) == e);
    }
    for (size_t i = 0; i < c->n_channels; i++) {
        const Channel *ch = &c->channels[i];
        check_id(ch->id);
        FZ_CHECK(ch->kind != NULL);
        check_ltext(&ch->label, CONTENT_MAX_NAME, 0);
        check_url(ch->url, 1);
        if (strncmp(ch->url, "tel:", 4) == 0)
            FZ_CHECK(strcmp(ch->kind, "hotline") == 0);
    }
    for (size_t i = 0; i < c->n_replies; i++) {
        const Reply *r = &c->replies[i];
        FZ_CHECK(strlen(r->receipt) == 8);
        FZ_CHECK(strspn(r->receipt, "23456789ACDEFGHJKMNPQRTUVWXY") == 8);
        FZ_CHECK((unsigned)r->status < REPLY_STATUS_COUNT);
        const char *st = content_reply_status_name(r->status);
        FZ_CHECK(st && content_reply_status_from_name(st) == (int)r->status);
        check_ltext(&r->reply, CONTENT_MAX_BODY, 1);
        FZ_CHECK(content_find_reply(c, r->receipt) == r);
    }
    FZ_CHECK(c->replies_sealed ? c->n_replies == 0 : c->n_sealed == 0);
    for (size_t i = 0; i < c->n_sealed; i++) {
        const SealedReply *s = &c->sealed[i];
        FZ_CHECK(s->box_len >= RECEIPT_BOX_MIN && s->box_len <= RECEIPT_BOX_MAX);
        FZ_CHECK((s->box_len - RECEIPT_NONCE_BYTES - RECEIPT_MAC_BYTES) % RECEIPT_BOX_BLOCK == 0);
        FZ_CHECK(content_find_sealed(c, s->lookup) == s);   /* lookups are unique */
    }
    for (size_t i = 0; i < c->n_board; i++) {
        const BoardItem *b = &c->board[i];
        check_id(b->id);
        check_ltext(&b->said, CONTENT_MAX_TITLE * 5, 0);
        check_ltext(&b->done, CONTENT_MAX_BODY, 0);
    }
    FZ_CHECK(content_find_notice(c, "") == NULL);
    FZ_CHECK(content_find_event(c, "no such id!") == NULL);
    FZ_CHECK(content_find_reply(c, "11111111") == NULL);   /* '1' is not a receipt symbol */

    /* Schedules at fixed moments and around the first items' own times. */
    int64_t times[32];
    size_t nt = 0;
    times[nt++] = 0;
    times[nt++] = 1796083200;   /* 2026-12-01T00:00:00+08:00 */
    for (size_t i = 0; i < c->n_notices && nt + 4 <= 16; i++) {
        times[nt++] = c->notices[i].publish_at;
        times[nt++] = c->notices[i].expire_at - 1;
    }
    for (size_t i = 0; i < c->n_events && nt + 4 <= 32; i++) {
        times[nt++] = c->events[i].start;
        times[nt++] = c->events[i].end - 1;
    }
    for (size_t i = 0; i < nt; i++)
        check_schedule(c, times[i]);
}

int fuzz_content(const uint8_t *data, size_t size)
{
    char err[256];
    memset(err, 'x', sizeof err);
    Content *c = content_parse((const char *)data, size, err, sizeof err);
    FZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    if (!c) {
        FZ_CHECK(err[0] != '\0');
        /* A small message buffer is cut, never overrun. */
        char *small = malloc(7);
        FZ_CHECK(small != NULL);
        FZ_CHECK(content_parse((const char *)data, size, small, 7) == NULL);
        FZ_CHECK(memchr(small, '\0', 7) != NULL);
        FZ_CHECK(strncmp(small, err, strlen(small)) == 0);
        free(small);
        return 0;
    }
    FZ_CHECK(err[0] == '\0');
    check_content(c);
    /* The same bytes give the same content and version. */
    Content *again = content_parse((const char *)data, size, err, sizeof err);
    FZ_CHECK(again != NULL);
    FZ_CHECK(strcmp(again->version, c->version) == 0);
    FZ_CHECK(again->n_notices == c->n_notices && again->n_events == c->n_events &&
             again->n_channels == c->n_channels && again->n_replies == c->n_replies &&
             again->n_board == c->n_board);
    content_free(again);
    content_free(c);
    return 0;
}

/* ---- replay ---------------------------------------------------------- */

static int in_range(int v, int lo, int hi)
{
    return v >= lo && v <= hi;
}

/* An argument: non-empty, shorter than REPLAY_ARG_MAX, one word. */
static void check_arg(const char *a)
{
    size_t n = strnlen(a, REPLAY_ARG_MAX);
    FZ_CHECK(n > 0 && n < REPLAY_ARG_MAX);
    FZ_CHECK(strcspn(a, " \t\r\n#") == n);
}

int fuzz_replay(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[256];
    Replay r = {(ReplayCmd *)&r, 12345};   /* replay_parse must reset it */
    memset(err, 'x', sizeof err);
    int rc = replay_parse(text, size, &r, err, sizeof err);
    FZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FZ_CHECK(r.cmds == NULL && r.n == 0);
        FZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
        FZ_CHECK(strncmp(err, "line ", 5) == 0);
        return 0;
    }
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    for (size_t i = 0; i < r.n; i++) {
        const ReplayCmd *c = &r.cmds[i];
        FZ_CHECK(c->line >= 1 && (size_t)c->line <= lines);
        if (i > 0)
            FZ_CHECK(c->line > r.cmds[i - 1].line);
        switch (c->op) {
        case RP_TAP_ID:
            check_arg(c->arg);
            break;
        case RP_TAP_XY:
            FZ_CHECK(in_range(c->x1, 0, 100000) && in_range(c->y1, 0, 100000));
            break;
        case RP_DRAG:
            FZ_CHECK(in_range(c->x1, 0, 100000) && in_range(c->y1, 0, 100000) &&
                     in_range(c->x2, 0, 100000) && in_range(c->y2, 0, 100000));
            FZ_CHECK(in_range(c->ms, 0, 86400000));
            break;
        case RP_STROKE:
            FZ_CHECK(in_range(c->npts, 1, REPLAY_STROKE_MAX));
            for (int k = 0; k < c->npts; k++)
                FZ_CHECK(in_range(c->pts[k][0], 0, 100000) && in_range(c->pts[k][1], 0, 100000));
            break;
        case RP_WAIT:
            FZ_CHECK(in_range(c->ms, 0, 86400000));
            break;
        case RP_SHOT:
        case RP_DUMP:
            check_arg(c->arg);
            break;
        default:
            FZ_CHECK(!"unknown op");
        }
    }
    /* Parsing is a pure function of the bytes. */
    Replay r2;
    FZ_CHECK(replay_parse(text, size, &r2, err, sizeof err) == 0);
    FZ_CHECK(r2.n == r.n);
    for (size_t i = 0; i < r.n; i++)
        FZ_CHECK(memcmp(&r2.cmds[i], &r.cmds[i], sizeof r.cmds[i]) == 0);
    replay_free(&r2);
    replay_free(&r);
    FZ_CHECK(r.cmds == NULL && r.n == 0);
    return 0;
}
