/* staff.h - staff actions shared by the kiosk (kiosk.c, for the staff
 * screens) and kioskctl: the queue's figures, the PIN pad's state, export to
 * the USB drive (also on a worker thread) and audit lines.
 *
 * Every function here that does something for staff writes one audit line
 * (audit.h) to the configured audit log with what was done and how it
 * went; never suggestion text. Time comes in as now_s (Unix seconds). */
#ifndef STAFF_H
#define STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "export.h"
#include "outbox.h"
#include "pin.h"

#define STAFF_MAX_FLAGS 8

/* The queue's figures staff see, on the panel (kiosk.c) and in `kioskctl
 * status`; never any resident text. */
typedef struct {
    bool queue_ok;              /* false: the database could not be read */
    OutboxCounts counts;        /* waiting, delivered, dead, exported */
    char oldest_waiting[11];    /* date of the oldest waiting one; "" if none */
    int oldest_waiting_days;    /* its age in whole days; -1 if none */
    OutboxFlag flags[STAFF_MAX_FLAGS];
    int n_flags;                /* how many are in flags[] */
    int more_flags;             /* raised but not in flags[] */
    int64_t free_bytes;         /* free space for the kiosk's data; -1 unknown */
} StaffFigures;

/* Gather the figures. `ob` may be NULL (queue parts stay empty, queue_ok
 * false), and so may data_dir (free_bytes -1). Returns 0, or -1 when a
 * part could not be read (the rest is filled). Cheap: a few queries. */
int staff_figures(Outbox *ob, const char *data_dir, int64_t now_s, StaffFigures *out);

/* The pad's state before a PIN is typed (pin_state; not audited). */
PinResult staff_pin_state(const Config *cfg, int64_t now_s, PinStatus *st);

/* The export target: [staff] export_dir if set, else the one USB drive
 * under /media (export_find_drive). Returns 0, or -1 with a message. */
int staff_export_target(const Config *cfg, char *out, size_t n, char *msg, size_t msglen);

/* Export the queue to the drive (staff_export_target + export_run) and
 * audit it. Blocks while writing and syncing (seconds on a slow stick):
 * the screen should rather use staff_export_start. Returns 0 (rep filled;
 * rep->rows == 0: nothing to export) or -1; either way msg holds a line
 * for staff in English (build a translated one from rep when rc == 0). */
int staff_export_to_drive(const Config *cfg, int64_t now_s, ExportReport *rep,
                          char *msg, size_t msglen);

/* The same on a worker thread with its own database connection: returns
 * NULL when the thread cannot start (then call staff_export_to_drive).
 * cfg is copied. Poll from the UI loop; staff_export_poll returns true once
 * done and then fills rc (0 or -1), rep and msg. staff_export_free waits
 * for the thread (NULL accepted). */
typedef struct StaffExport StaffExport;
StaffExport *staff_export_start(const Config *cfg, int64_t now_s);
bool staff_export_poll(StaffExport *x, int *rc, ExportReport *rep, char *msg, size_t msglen);
void staff_export_free(StaffExport *x);

#endif
