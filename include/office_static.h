/* office_static.h - the staff console's static files (assets/office/,
 * docs/OFFICE.md "The console") served at /console/ with a strict
 * Content-Security-Policy and the other security headers.
 *
 * Only GET. A path is at most two segments under /console/ ("app.js",
 * "js/inbox.js"); each segment is letters, digits, '.', '-' and '_' and
 * does not start with '.', so "..", hidden files and anything outside the
 * console directory are refused with 404 before the file system is asked.
 * Only known file types are served (their Content-Type from a table); a
 * symbolic link or anything but a regular file is 404 too. Every answer
 * carries an ETag (inode, size, modification time) and is revalidated
 * (Cache-Control: no-cache); If-None-Match that matches is 304 with no
 * body. /console/fonts/NAME serves the bundled Noto CJK fonts from the
 * share directory's fonts/ (see office_static_font_dir). */
#ifndef OFFICE_STATIC_H
#define OFFICE_STATIC_H

#include <stddef.h>
#include "office.h"

/* The Content-Security-Policy of every console answer: scripts, styles,
 * fonts, images and API calls from this office only (and blob: images:
 * the previews of an unsaved notice, fetched by the page itself); no
 * inline script, no eval, no plugins, never inside a frame. */
#define OFFICE_STATIC_CSP "default-src 'self'; img-src 'self' blob:; object-src 'none'; " \
                          "base-uri 'none'; " \
                          "form-action 'self'; frame-ancestors 'none'"

/* The console directory: conf->console_dir when set; else the first of
 * DIR/assets/office for DIR the program's directory and its two parents
 * (a checkout's build/office, build/san/office), PREFIX/share/lobby-kiosk/
 * assets/office beside PREFIX/bin/office, /usr/share/lobby-kiosk/assets/
 * office, that holds an index.html. Writes into buf (always a path). */
void office_static_dir(const OfficeConf *conf, char *buf, size_t n);

/* Where /console/fonts/ is read from: CONSOLE_DIR/fonts when it exists,
 * else CONSOLE_DIR/../../fonts (the share directory's, or the checkout's,
 * fonts/). */
void office_static_font_dir(const char *console_dir, char *buf, size_t n);

/* The Content-Type for a file name by its extension, or NULL when the
 * console does not serve that type. */
const char *office_static_type(const char *name);

/* One path segment the console may serve: [A-Za-z0-9._-]+ of at most 100
 * bytes, not starting with '.'. */
bool office_static_segment_ok(const char *s);
/* Whether an If-None-Match header (NULL accepted) lists `etag`, weak or
 * not, or is "*". */
bool office_static_etag_matches(const char *inm, const char *etag);

/* GET / and GET /console: 302 to /console/. */
void office_static_redirect(OfficeReq *rq, OfficeResp *rs);
/* GET /console/, /console/{file}, /console/{dir}/{file} (index.html for
 * the first). */
void office_static_get(OfficeReq *rq, OfficeResp *rs);

#endif
