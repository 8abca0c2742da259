/* enrollctl.h - `kioskctl enroll URL CODE`: fetch this kiosk's settings
 * from Lobby Office with a one-time enrolment code and write them into
 * the kiosk's settings file (docs/OFFICE.md, "Enrolment"). */
#ifndef ENROLLCTL_H
#define ENROLLCTL_H

#include <stdio.h>
#include "config.h"

enum { ENROLLCTL_OK = 0, ENROLLCTL_FAIL = 1, ENROLLCTL_USAGE = 2 };

/* The default settings file when neither --config nor KIOSK_CONFIG names one. */
#define ENROLLCTL_DEFAULT_CONFIG "/etc/lobby-kiosk/kiosk.conf"

/* POST {"code": CODE, "export_key": KEY} (the public half of the kiosk's
 * export signing key, made in cfg's data_dir if missing: export_sign.h) to URL/api/enrol (https, or plain http only to a
 * loopback address; ca_file and timeouts from cfg's [upload]) and write
 * what the office answers into `config_path` ([upload] URLs and
 * device_token, allow_http_loopback for an http office, [staff]
 * office_public_key, [suggest] tracking_url), keeping the rest of the
 * file; atomically, mode 0600. Prints one line on out (never the token).
 * Returns ENROLLCTL_OK; ENROLLCTL_USAGE for bad arguments, a URL the
 * policy refuses or a code the office refuses (its message on err);
 * ENROLLCTL_FAIL when the office cannot be reached, answers something
 * unusable, or the file cannot be written (unchanged then). */
int enrollctl_enroll(const char *config_path, const Config *cfg, int argc, char **argv,
                     FILE *out, FILE *err);

#endif
