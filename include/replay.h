/* replay.h - scripted input for tests, docs and bug reports (docs/REPLAY.md).
 *
 * One command a line; '#' starts a comment:
 *   tap @ID            tap the control with that id, at its centre
 *   tap X Y            tap at pixel X, Y
 *   drag X1 Y1 X2 Y2 MS  press at X1 Y1, move to X2 Y2 over MS ms, release
 *   stroke X Y X Y ...  draw one stroke through these points (handwriting)
 *   wait MS            let MS ms pass on the kiosk's clock
 *   shot FILE          write the current frame as a PNG
 *   dump FILE          write the current frame as text (screen, texts, ids) */
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>

typedef enum { RP_TAP_ID, RP_TAP_XY, RP_DRAG, RP_STROKE, RP_WAIT, RP_SHOT, RP_DUMP } ReplayOp;

#define REPLAY_ARG_MAX 256
#define REPLAY_STROKE_MAX 64      /* points in one stroke command */

typedef struct {
    ReplayOp op;
    int line;                     /* 1-based line in the script */
    int x1, y1, x2, y2, ms;
    char arg[REPLAY_ARG_MAX];     /* id (without @) or file name */
    int npts;                     /* RP_STROKE: points in pts */
    int pts[REPLAY_STROKE_MAX][2];
} ReplayCmd;

typedef struct {
    ReplayCmd *cmds;
    size_t n;
} Replay;

/* Parse a script. Returns 0, or -1 with "line N: ..." in err (out empty). */
int replay_parse(const char *text, size_t len, Replay *out, char *err, size_t errlen);
/* Read and parse a file (at most 1 MB). As replay_parse. */
int replay_load(const char *path, Replay *out, char *err, size_t errlen);
void replay_free(Replay *r);

#endif
