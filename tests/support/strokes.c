/* strokes.c - test support: recorded handwriting strokes (tests/data/strokes, one .txt per character). */
#include "strokes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int strokes_load(const char *path, double scale, int dx, int dy, HwInk *ink, char ch[8])
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    hw_ink_clear(ink);
    ch[0] = '\0';
    char line[16384];
    int strokes = 0, bad = 0;
    while (!bad && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#') {
            if (!ch[0])
                snprintf(ch, 8, "%s", line + 1 + strspn(line + 1, " "));
            continue;
        }
        if (!line[0])
            continue;
        hw_ink_begin_stroke(ink);
        for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
            int x, y;
            char end;
            if (sscanf(tok, "%d,%d%c", &x, &y, &end) != 2) {
                bad = 1;
                break;
            }
            hw_ink_add_point(ink, (int)(x * scale + dx + 0.5), (int)(y * scale + dy + 0.5));
        }
        hw_ink_end_stroke(ink);
        strokes++;
    }
    fclose(f);
    return bad || !ch[0] ? -1 : strokes;
}
