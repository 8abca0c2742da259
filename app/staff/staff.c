/* staff.c - staff actions for the kiosk and kioskctl: queue figures, PIN state, export, audit. */
#include "staff.h"
#include "audit.h"
#include "timeutil.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

/* One audit line in the configured audit log; a failure is said on stderr. */
static int staff_audit(const Config *cfg, int64_t now_s, const char *action, const char *result)
{
    char path[PATH_MAX];
    if (config_staff_audit_path(&cfg->staff, cfg->data_dir, path, sizeof path) < 0)
        return -1;
    int rc = audit_log(path, now_s, action, result);
    if (rc < 0)
        fprintf(stderr, "staff: cannot write the audit log %s\n", path);
    return rc;
}

int staff_figures(Outbox *ob, const char *data_dir, int64_t now_s, StaffFigures *out)
{
    memset(out, 0, sizeof *out);
    out->oldest_waiting_days = -1;
    out->free_bytes = -1;
    int rc = 0;
    if (ob) {
        out->queue_ok = outbox_counts(ob, &out->counts) == 0;
        int found = outbox_oldest_waiting(ob, out->oldest_waiting);
        char today[11];
        time_local_date(now_s, 0, today);
        if (found == 1 &&
            time_days_between(out->oldest_waiting, today, &out->oldest_waiting_days) < 0)
            out->oldest_waiting_days = -1;
        int n = outbox_flags_list(ob, out->flags, STAFF_MAX_FLAGS);
        out->n_flags = n < STAFF_MAX_FLAGS ? n : STAFF_MAX_FLAGS;
        out->more_flags = n - out->n_flags;
        if (!out->queue_ok || found < 0)
            rc = -1;
    } else {
        rc = -1;
    }
    struct statvfs vfs;
    if (data_dir && statvfs(data_dir, &vfs) == 0)
        out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    return rc;
}

PinResult staff_pin_state(const Config *cfg, int64_t now_s, PinStatus *st)
{
    char path[PATH_MAX];
    if (config_staff_pin_path(&cfg->staff, cfg->data_dir, path, sizeof path) < 0) {
        memset(st, 0, sizeof *st);
        snprintf(st->msg, sizeof st->msg, "PIN file name too long");
        return st->result = PIN_ERROR;
    }
    return pin_state(path, now_s, st);
}

/* staff_export_target, saying how many drives were found (1 with export_dir). */
static int staff_export_target_n(const Config *cfg, char *out, size_t n, int *count,
                                 char *msg, size_t msglen)
{
    *count = 1;
    if (cfg->staff.export_dir[0]) {
        if (snprintf(out, n, "%s", cfg->staff.export_dir) >= (int)n) {
            snprintf(msg, msglen, "export_dir too long");
            return -1;
        }
        return 0;
    }
    return export_find_drives(NULL, cfg->data_dir, out, n, count, msg, msglen);
}

int staff_export_target(const Config *cfg, char *out, size_t n, char *msg, size_t msglen)
{
    int count;
    return staff_export_target_n(cfg, out, n, &count, msg, msglen);
}

int staff_export_to_drive(const Config *cfg, int64_t now_s, ExportReport *rep,
                          char *msg, size_t msglen)
{
    char dest[PATH_MAX];
    memset(rep, 0, sizeof *rep);
    int count;
    int rc = staff_export_target_n(cfg, dest, sizeof dest, &count, msg, msglen);
    if (rc == 0)
        rc = export_run(cfg->data_dir, dest, now_s, NULL, rep, msg, msglen);
    else
        rep->fail = count == 0 ? EXPORT_FAIL_NO_DRIVE
                  : count > 1 ? EXPORT_FAIL_MANY_DRIVES : EXPORT_FAIL_OTHER;
    bool none = rep->rows == 0 && rep->ratings == 0;
    char ratings[48] = "";   /* satisfaction ratings go as counts in the manifest */
    if (rep->ratings)
        snprintf(ratings, sizeof ratings, " and %lld ratings", (long long)rep->ratings);
    if (rc == 0 && none)
        snprintf(msg, msglen, "Nothing to export: no suggestion is waiting.");
    else if (rc == 0)
        snprintf(msg, msglen, "Exported %lld suggestions%s to %s. Take the drive to the"
                 " office.", (long long)rep->rows, ratings, rep->bundle);
    char r[PATH_MAX + 512];   /* audit_log cuts it to AUDIT_FIELD_MAX */
    if (rc == 0 && none)
        snprintf(r, sizeof r, "ok: nothing to export");
    else if (rc == 0)
        snprintf(r, sizeof r, "ok: %lld submissions (%lld sealed)%s to %s",
                 (long long)rep->rows, (long long)rep->sealed, ratings, rep->bundle);
    else
        snprintf(r, sizeof r, "failed: %s", msg);
    staff_audit(cfg, now_s, "export", r);
    return rc;
}

struct StaffExport {
    pthread_t thread;
    Config cfg;
    int64_t now_s;
    atomic_bool done;
    int rc;
    ExportReport rep;
    char msg[400];
};

static void *staff_export_thread(void *arg)
{
    StaffExport *x = arg;
    x->rc = staff_export_to_drive(&x->cfg, x->now_s, &x->rep, x->msg, sizeof x->msg);
    atomic_store(&x->done, true);
    return NULL;
}

StaffExport *staff_export_start(const Config *cfg, int64_t now_s)
{
    StaffExport *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->cfg = *cfg;
    x->now_s = now_s;
    atomic_init(&x->done, false);
    if (pthread_create(&x->thread, NULL, staff_export_thread, x) != 0) {
        free(x);
        return NULL;
    }
    return x;
}

bool staff_export_poll(StaffExport *x, int *rc, ExportReport *rep, char *msg, size_t msglen)
{
    if (!atomic_load(&x->done))
        return false;
    if (rc)
        *rc = x->rc;
    if (rep)
        *rep = x->rep;
    if (msg && msglen)
        snprintf(msg, msglen, "%s", x->msg);
    return true;
}

void staff_export_free(StaffExport *x)
{
    if (!x)
        return;
    pthread_join(x->thread, NULL);
    free(x);
}
