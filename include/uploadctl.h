/* uploadctl.h - kioskctl's network commands: `upload` (one upload pass now,
 * as staff "upload now" does) and `sync` (one content sync now). Both use
 * the [upload] settings of --config and the same code as the kiosk's
 * worker; they may run while the kiosk runs (SQLite serialises them, and
 * Idempotency-Keys make any overlap harmless). */
#ifndef UPLOADCTL_H
#define UPLOADCTL_H

#include <stdio.h>
#include "config.h"

enum { UPLOADCTL_OK = 0, UPLOADCTL_FAIL = 1, UPLOADCTL_USAGE = 2 };

/* Every waiting suggestion joins a batch, backoffs are forgotten and each
 * is sent at most once, all of them, in passes of UPLOAD_PASS_MAX with a
 * progress line on out after each full pass; then rows handed on
 * delivered_keep_days ago are purged (outbox_purge). Prints a summary line on out (counts,
 * never resident text). Returns UPLOADCTL_OK when nothing is left waiting,
 * UPLOADCTL_FAIL when some remain (a failing or refusing server: err says
 * how many; they go at the kiosk's next try) or on database errors,
 * UPLOADCTL_USAGE when uploading is not configured or a setting breaks the
 * network policy (err names the setting). */
int uploadctl_upload(const char *data_dir, const Config *cfg, FILE *out, FILE *err);

/* One content sync, then the pictures it names (sync_images: "pictures:
 * N needed, ..." on out when there are any): UPLOADCTL_OK when the content
 * is new or unchanged and every picture is present, UPLOADCTL_FAIL with
 * the reason on err otherwise (the last good content stays; a picture
 * refused or not fetched is named, the text shows without it),
 * UPLOADCTL_USAGE when content_url is not set. */
int uploadctl_sync(const char *data_dir, const Config *cfg, FILE *out, FILE *err);

#endif
