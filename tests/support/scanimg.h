/* scanimg.h - test support: a "scanned" stamped paper notice as a PNG. */
#ifndef SCANIMG_H
#define SCANIMG_H

#include <stddef.h>

/* A4 at 150 dpi. */
#define SCANIMG_WIDTH 1240
#define SCANIMG_HEIGHT 1754

/* Write a scan of a paper notice to `path` (PNG, SCANIMG_WIDTH x SCANIMG_HEIGHT),
 * drawn with the kiosk's own renderer and fonts (font_dir): slightly grey
 * paper with a scanner's speckle, the title in Chinese (64 px, bold) with
 * an English line under it (40 px), `body` lines (NULL-terminated, 30 px:
 * body text at about 14 pt) and a red stamp ring at the lower right.
 * Returns 0, or -1 with a message in err. */
int scanimg_write(const char *path, const char *font_dir, const char *title_zh,
                  const char *title_en, const char *const *body, char *err, size_t errlen);

#endif
