/* staffctl.h - kioskctl's staff commands: status of the queue, export, set-pin, keygen, open, list, purge.
 *
 * Each command takes its own arguments (after the command name), prints
 * what it did on stdout and problems on stderr, and returns an exit status:
 * STAFFCTL_OK, STAFFCTL_FAIL (I/O, database, a damaged bundle) or
 * STAFFCTL_USAGE (bad arguments or input: a short PIN, a file that is not a
 * key, a key that does not open the bundle). Commands that change
 * something, or show resident text, append a line to the audit log. */
#ifndef STAFFCTL_H
#define STAFFCTL_H

#include <stdint.h>
#include <stdio.h>
#include "config.h"

enum { STAFFCTL_OK = 0, STAFFCTL_FAIL = 1, STAFFCTL_USAGE = 2 };

typedef struct {
    const char *data_dir;    /* the kiosk's data directory */
    const Config *cfg;       /* settings ([staff] paths, sealing); defaults without --config */
    FILE *in;                /* set-pin reads the PIN here (stdin) */
    int64_t now_s;
} StaffctlEnv;

/* The queue part of `kioskctl status`: counts by state, the oldest waiting
 * date, flags, free disk, sealed or not, the export key's fingerprint,
 * PIN set or not. */
int staffctl_status(const StaffctlEnv *e);

int staffctl_export(const StaffctlEnv *e, int argc, char **argv);   /* [DIR] */
int staffctl_set_pin(const StaffctlEnv *e, int argc, char **argv);  /* PIN from e->in, twice */
int staffctl_keygen(const StaffctlEnv *e, int argc, char **argv);   /* --out DIR */
int staffctl_open(const StaffctlEnv *e, int argc, char **argv);     /* BUNDLE --key FILE [--out DIR] [--signer FP] [--unsigned] */
int staffctl_list(const StaffctlEnv *e, int argc, char **argv);     /* [--text] */
int staffctl_purge(const StaffctlEnv *e, int argc, char **argv);    /* --delivered-older-than DAYS */

#endif
