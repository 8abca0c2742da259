/* strokes.h - test support: recorded handwriting strokes (tests/data/strokes, one .txt per character). */
#ifndef STROKES_H
#define STROKES_H

#include "handwriting.h"

/* Load the stroke file `path` into `ink` (cleared first) through the
 * hw_ink_* calls, as the pad would feed them, each point moved to
 * (x * scale + dx, y * scale + dy). The file's first line is "# X" with the
 * character X, copied into ch; then one stroke per line as "x,y x,y ..." on
 * a 400x400 pad. Returns the number of strokes in the file, or -1 if it
 * cannot be read or a line is malformed. */
int strokes_load(const char *path, double scale, int dx, int dy, HwInk *ink, char ch[8]);

#endif
