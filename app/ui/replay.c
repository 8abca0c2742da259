/* replay.c - the replay script parser (the runner is in kiosk_main.c). */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLAY_MAX_BYTES (1024 * 1024)
#define REPLAY_MAX_MS 86400000   /* one day per wait or drag */

/* Split `line` into up to `max` whitespace-separated words in place. */
static int split(char *line, char **w, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
        if (n == max)
            return max + 1;
        w[n++] = t;
    }
    return n;
}

static int num(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_line(char *line, ReplayCmd *c, char *err, size_t errlen)
{
    char *w[2 * REPLAY_STROKE_MAX + 2] = {0};
    int n = split(line, w, 2 * REPLAY_STROKE_MAX + 1);
    if (n < 1 || n > 2 * REPLAY_STROKE_MAX + 1) {
        snprintf(err, errlen, "too many words");
        return -1;
    }
    const char *op = w[0];
    if (strcmp(op, "stroke") == 0) {
        c->op = RP_STROKE;
        if (n < 3 || (n - 1) % 2 != 0) {
            snprintf(err, errlen, "stroke: expected stroke X Y X Y ... (1 to %d points)",
                     REPLAY_STROKE_MAX);
            return -1;
        }
        c->npts = (n - 1) / 2;
        for (int i = 0; i < c->npts; i++)
            if (num(w[1 + 2 * i], 0, 100000, &c->pts[i][0]) ||
                num(w[2 + 2 * i], 0, 100000, &c->pts[i][1])) {
                snprintf(err, errlen, "stroke: point %d is not two pixel numbers", i + 1);
                return -1;
            }
        return 0;
    }
    if (n > 7) {
        snprintf(err, errlen, "too many words");
        return -1;
    }
    if (strcmp(op, "tap") == 0 && n == 2 && w[1][0] == '@' && w[1][1]) {
        if (strlen(w[1] + 1) >= REPLAY_ARG_MAX) {
            snprintf(err, errlen, "id too long");
            return -1;
        }
        c->op = RP_TAP_ID;
        snprintf(c->arg, sizeof c->arg, "%s", w[1] + 1);
        return 0;
    }
    if (strcmp(op, "tap") == 0 && n == 3) {
        c->op = RP_TAP_XY;
        if (num(w[1], 0, 100000, &c->x1) || num(w[2], 0, 100000, &c->y1)) {
            snprintf(err, errlen, "tap: expected tap @ID or tap X Y with pixel numbers");
            return -1;
        }
        return 0;
    }
    if (strcmp(op, "tap") == 0) {
        snprintf(err, errlen, "tap: expected tap @ID or tap X Y");
        return -1;
    }
    if (strcmp(op, "drag") == 0) {
        c->op = RP_DRAG;
        if (n != 6 || num(w[1], 0, 100000, &c->x1) || num(w[2], 0, 100000, &c->y1) ||
            num(w[3], 0, 100000, &c->x2) || num(w[4], 0, 100000, &c->y2) ||
            num(w[5], 0, REPLAY_MAX_MS, &c->ms)) {
            snprintf(err, errlen, "drag: expected drag X1 Y1 X2 Y2 MS");
            return -1;
        }
        return 0;
    }
    if (strcmp(op, "wait") == 0) {
        c->op = RP_WAIT;
        if (n != 2 || num(w[1], 0, REPLAY_MAX_MS, &c->ms)) {
            snprintf(err, errlen, "wait: expected wait MS (0 to %d)", REPLAY_MAX_MS);
            return -1;
        }
        return 0;
    }
    if (strcmp(op, "shot") == 0 || strcmp(op, "dump") == 0) {
        c->op = op[0] == 's' ? RP_SHOT : RP_DUMP;
        if (n != 2 || strlen(w[1]) >= REPLAY_ARG_MAX) {
            snprintf(err, errlen, "%s: expected %s FILE", op, op);
            return -1;
        }
        snprintf(c->arg, sizeof c->arg, "%s", w[1]);
        return 0;
    }
    snprintf(err, errlen, "unknown command \"%.40s\" (tap, drag, stroke, wait, shot, dump)", op);
    return -1;
}

int replay_parse(const char *text, size_t len, Replay *out, char *err, size_t errlen)
{
    out->cmds = NULL;
    out->n = 0;
    size_t cap = 0;
    int lineno = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        lineno++;
        char buf[2048];
        size_t l = j - i;
        if (l >= sizeof buf) {
            snprintf(err, errlen, "line %d: longer than %zu bytes", lineno, sizeof buf - 1);
            goto fail;
        }
        memcpy(buf, text + i, l);
        buf[l] = '\0';
        i = j + 1;
        if (memchr(buf, '\0', l)) {
            snprintf(err, errlen, "line %d: contains a NUL byte", lineno);
            goto fail;
        }
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = '\0';
        char *p = buf;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0')
            continue;
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            ReplayCmd *nc = realloc(out->cmds, ncap * sizeof *nc);
            if (!nc) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
            out->cmds = nc;
            cap = ncap;
        }
        ReplayCmd *c = &out->cmds[out->n];
        memset(c, 0, sizeof *c);
        c->line = lineno;
        char msg[200];
        if (parse_line(p, c, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "line %d: %s", lineno, msg);
            goto fail;
        }
        out->n++;
    }
    return 0;
fail:
    replay_free(out);
    return -1;
}

int replay_load(const char *path, Replay *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(REPLAY_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, REPLAY_MAX_BYTES + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad || n > REPLAY_MAX_BYTES) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory" : bad ? "read error" : "larger than 1 MB");
        free(buf);
        return -1;
    }
    char msg[300];
    int rc = replay_parse(buf, n, out, msg, sizeof msg);
    free(buf);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", path, msg);
    return rc;
}

void replay_free(Replay *r)
{
    free(r->cmds);
    r->cmds = NULL;
    r->n = 0;
}
