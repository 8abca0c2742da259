/* staffctl.c - kioskctl's staff commands: queue status, export, set-pin, keygen, open, list, purge. */
#include "staffctl.h"
#include "audit.h"
#include "export.h"
#include "export_sign.h"
#include "outbox.h"
#include "pin.h"
#include "seal.h"
#include "staff.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static void staffctl_audit(const StaffctlEnv *e, const char *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void staffctl_audit(const StaffctlEnv *e, const char *action, const char *fmt, ...)
{
    char path[PATH_MAX], result[AUDIT_FIELD_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(result, sizeof result, fmt, ap);
    va_end(ap);
    if (config_staff_audit_path(&e->cfg->staff, e->data_dir, path, sizeof path) < 0 ||
        audit_log(path, e->now_s, action, result) < 0)
        fprintf(stderr, "kioskctl: warning: cannot write the audit log %s: %s\n", path,
                strerror(errno));
}

static Outbox *staffctl_outbox(const StaffctlEnv *e)
{
    char err[512];
    Outbox *ob = outbox_open(e->data_dir, NULL, err, sizeof err);
    if (!ob)
        fprintf(stderr, "kioskctl: %s\n", err);
    return ob;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value, advancing *i;
 * NULL when argv[*i] is not that option. *missing is set when the value is. */
static const char *staffctl_opt(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc || !*argv[*i + 1]) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static void staffctl_bytes(int64_t b, char out[32])
{
    if (b < 0)
        snprintf(out, 32, "unknown");
    else if (b >= 1024LL * 1024 * 1024)
        snprintf(out, 32, "%.1f GiB", (double)b / (1024.0 * 1024 * 1024));
    else
        snprintf(out, 32, "%.1f MiB", (double)b / (1024.0 * 1024));
}

int staffctl_status(const StaffctlEnv *e)
{
    Outbox *ob = staffctl_outbox(e);
    if (!ob)
        return STAFFCTL_FAIL;
    StaffFigures info;
    int rc = staff_figures(ob, e->data_dir, e->now_s, &info);
    outbox_close(ob);
    const OutboxCounts *c = &info.counts;
    printf("queue:     %lld waiting, %lld delivered, %lld dead letter, %lld exported\n",
           (long long)c->waiting, (long long)c->delivered, (long long)c->dead,
           (long long)c->exported);
    if (info.oldest_waiting_days >= 0)
        printf("oldest:    waiting since %s (%d days)\n", info.oldest_waiting,
               info.oldest_waiting_days);
    char free_s[32];
    staffctl_bytes(info.free_bytes, free_s);
    printf("free disk: %s\n", free_s);
    printf("sealed:    %s\n", e->cfg->staff.office_public_key[0] ? "yes (office public key set)"
                                                                 : "no");
    ExportSignKey sk;
    char why[400];
    int kr = export_sign_load(e->data_dir, false, &sk, why, sizeof why);
    if (kr == 0) {
        char fp[EXPORT_SIGN_FP_SIZE];
        export_sign_fingerprint(sk.pk, fp);
        printf("export key: %s (signs USB bundles; the office checks it)\n", fp);
    } else {
        printf("export key: %s\n", kr == EXPORT_SIGN_NONE ? "none yet (made at enrolment or at"
               " the first export)" : why);
    }
    export_sign_wipe(&sk);
    PinStatus ps;
    PinResult pr = staff_pin_state(e->cfg, e->now_s, &ps);
    printf("staff PIN: %s\n", pr == PIN_NO_PIN ? "not set (kioskctl set-pin)"
                             : pr == PIN_LOCKED ? "set, pad locked" : pr == PIN_OK ? "set"
                             : "unusable");
    if (info.n_flags == 0)
        printf("flags:     none\n");
    for (int i = 0; i < info.n_flags; i++)
        printf("flag:      %s since %s: %s%s\n", info.flags[i].name, info.flags[i].raised_on,
               info.flags[i].detail, info.flags[i].in_memory ? " (not saved)" : "");
    if (rc < 0) {
        fprintf(stderr, "kioskctl: the queue could not be read completely\n");
        return STAFFCTL_FAIL;
    }
    return STAFFCTL_OK;
}

int staffctl_export(const StaffctlEnv *e, int argc, char **argv)
{
    if (argc > 1) {
        fprintf(stderr, "kioskctl: export: expected at most one directory\n");
        return STAFFCTL_USAGE;
    }
    char dest[PATH_MAX], msg[600];
    if (argc == 1) {
        struct stat st;
        if (stat(argv[0], &st) < 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "kioskctl: export: %s: no such directory\n", argv[0]);
            return STAFFCTL_USAGE;
        }
        snprintf(dest, sizeof dest, "%s", argv[0]);
    } else if (staff_export_target(e->cfg, dest, sizeof dest, msg, sizeof msg) < 0) {
        fprintf(stderr, "kioskctl: export: %s\n", msg);
        staffctl_audit(e, "kioskctl export", "failed: %s", msg);
        return STAFFCTL_FAIL;
    }
    ExportReport rep;
    int rc = export_run(e->data_dir, dest, e->now_s, NULL, &rep, msg, sizeof msg);
    if (rc < 0) {
        fprintf(stderr, "kioskctl: export: %s\n", msg);
        staffctl_audit(e, "kioskctl export", "failed: %s", msg);
        return STAFFCTL_FAIL;
    }
    if (rep.rows == 0 && rep.ratings == 0) {
        printf("nothing to export: no submission is waiting or undeliverable\n");
        staffctl_audit(e, "kioskctl export", "ok: nothing to export");
        return STAFFCTL_OK;
    }
    char ratings[48] = "";   /* satisfaction ratings go as counts in the manifest */
    if (rep.ratings)
        snprintf(ratings, sizeof ratings, " and %lld ratings", (long long)rep.ratings);
    printf("exported %lld submissions (%lld waiting, %lld dead letter, %lld sealed)%s to %s\n",
           (long long)rep.rows, (long long)rep.waiting, (long long)rep.dead,
           (long long)rep.sealed, ratings, rep.bundle);
    staffctl_audit(e, "kioskctl export", "ok: %lld submissions (%lld sealed)%s",
                   (long long)rep.rows, (long long)rep.sealed, ratings);
    return STAFFCTL_OK;
}

/* One line from f without its line break; echo off when f is a terminal. */
static int staffctl_read_secret(FILE *f, const char *prompt, char *buf, size_t n)
{
    int fd = fileno(f);
    struct termios old, quiet;
    bool tty = isatty(fd) && tcgetattr(fd, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char *r = fgets(buf, (int)n, f);
    if (tty) {
        tcsetattr(fd, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!r)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int staffctl_set_pin(const StaffctlEnv *e, int argc, char **argv)
{
    if (argc != 0) {
        fprintf(stderr, "kioskctl: set-pin takes no arguments: it reads the PIN twice from"
                " standard input\n");
        return STAFFCTL_USAGE;
    }
    char a[64], b[64], path[PATH_MAX], err[400];
    if (staffctl_read_secret(e->in, "new staff PIN (6 to 12 digits): ", a, sizeof a) < 0 ||
        staffctl_read_secret(e->in, "the same PIN again: ", b, sizeof b) < 0) {
        fprintf(stderr, "kioskctl: set-pin: expected the PIN twice, one per line\n");
        return STAFFCTL_USAGE;
    }
    int rc = STAFFCTL_OK;
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "kioskctl: set-pin: the two PINs differ; nothing changed\n");
        rc = STAFFCTL_USAGE;
    } else if (!pin_valid(a)) {
        fprintf(stderr, "kioskctl: set-pin: a PIN is %d to %d digits (0-9), nothing else;"
                " nothing changed\n", PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        rc = STAFFCTL_USAGE;
    } else if (config_staff_pin_path(&e->cfg->staff, e->data_dir, path, sizeof path) < 0) {
        fprintf(stderr, "kioskctl: set-pin: PIN file name too long\n");
        rc = STAFFCTL_FAIL;
    } else {
        if (!e->cfg->staff.pin_file[0])
            mkdir(e->data_dir, 0700);   /* the default place; fine if it exists */
        if (pin_set(path, a, err, sizeof err) < 0) {
            fprintf(stderr, "kioskctl: set-pin: %s\n", err);
            rc = STAFFCTL_FAIL;
        } else {
            printf("staff PIN set in %s (mode 0600); the wrong-PIN count is cleared\n", path);
        }
    }
    explicit_bzero(a, sizeof a);
    explicit_bzero(b, sizeof b);
    staffctl_audit(e, "kioskctl set-pin", rc == STAFFCTL_OK ? "ok" : "refused or failed");
    return rc;
}

int staffctl_keygen(const StaffctlEnv *e, int argc, char **argv)
{
    const char *out = NULL;
    for (int i = 0; i < argc; i++) {
        bool missing = false;
        const char *v = staffctl_opt(argc, argv, &i, "--out", &missing);
        if (v)
            out = v;
        else {
            fprintf(stderr, "kioskctl: keygen: %s\"%s\"\n",
                    missing ? "a directory must follow " : "unexpected argument ", argv[i]);
            return STAFFCTL_USAGE;
        }
    }
    if (!out) {
        fprintf(stderr, "kioskctl: keygen: --out DIR is required (where office.pub and"
                " office.key go)\n");
        return STAFFCTL_USAGE;
    }
    /* A directory that does not exist yet is made, for the office's eyes
     * only (0700); its parent must exist. */
    struct stat st;
    if (stat(out, &st) < 0) {
        if (errno != ENOENT || mkdir(out, 0700) < 0) {
            fprintf(stderr, "kioskctl: keygen: cannot make the directory %s: %s\n", out,
                    strerror(errno));
            return errno == ENOENT || errno == ENOTDIR ? STAFFCTL_USAGE : STAFFCTL_FAIL;
        }
        printf("made %s (mode 0700)\n", out);
    } else if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "kioskctl: keygen: %s is not a directory\n", out);
        return STAFFCTL_USAGE;
    }
    char err[600];
    if (seal_keygen(out, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl: keygen: %s\n", err);
        return errno == EEXIST ? STAFFCTL_USAGE : STAFFCTL_FAIL;
    }
    printf("wrote %s/" SEAL_PUB_NAME " (public: put it on the kiosk, [staff]"
           " office_public_key)\nwrote %s/" SEAL_KEY_NAME " (SECRET, mode 0600: keep it at the"
           " office and back it up; without it sealed bundles cannot be opened)\n", out, out);
    return STAFFCTL_OK;
}

int staffctl_open(const StaffctlEnv *e, int argc, char **argv)
{
    (void)e;
    const char *bundle = NULL, *key = NULL;
    ExportOpenOptions opt = {0};
    for (int i = 0; i < argc; i++) {
        bool missing = false;
        const char *v;
        if ((v = staffctl_opt(argc, argv, &i, "--key", &missing)))
            key = v;
        else if ((v = staffctl_opt(argc, argv, &i, "--out", &missing)))
            opt.out_dir = v;
        else if ((v = staffctl_opt(argc, argv, &i, "--signer", &missing)))
            opt.expect_fp = v;
        else if (!missing && strcmp(argv[i], "--unsigned") == 0)
            opt.allow_unsigned = true;
        else if (!missing && argv[i][0] != '-' && !bundle)
            bundle = argv[i];
        else {
            fprintf(stderr, "kioskctl: open: %s\"%s\"\n",
                    missing ? "a value must follow " : "unexpected argument ", argv[i]);
            return STAFFCTL_USAGE;
        }
    }
    if (!bundle || !key) {
        fprintf(stderr, "kioskctl: open: expected BUNDLE --key SECRET_KEY_FILE\n");
        return STAFFCTL_USAGE;
    }
    ExportReport rep;
    ExportSigner who;
    char err[700];
    int rc = export_open_bundle(bundle, key, &opt, &rep, &who, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kioskctl: open: %s\n", err);
        return rc == EXPORT_BAD_INPUT || rc == EXPORT_UNSIGNED ? STAFFCTL_USAGE : STAFFCTL_FAIL;
    }
    printf("opened %lld submissions (%lld were sealed) into %s\n", (long long)rep.rows,
           (long long)rep.sealed, rep.bundle);
    if (who.fingerprint[0])
        printf("signed by the kiosk key %s%s\n", who.fingerprint,
               opt.expect_fp ? " (as expected)" : ": compare it with the \"export key\" line"
               " of kioskctl status on the kiosk, or pass --signer");
    else
        printf("WARNING: the bundle is not signed: nothing shows it is unchanged since the"
               " kiosk wrote it\n");
    return STAFFCTL_OK;
}

/* Columns on a terminal: a CJK character takes two cells, so they are
 * padded by display width, not by bytes. */
static int staffctl_cells(const char *s)
{
    int w = 0;
    size_t len = strlen(s);
    while (len > 0) {
        unsigned cp;
        size_t n = utf8_decode(s, len, &cp);
        s += n;
        len -= n;
        if (cp < 0x20 || (cp >= 0x300 && cp <= 0x36F) || cp == 0x200B)
            continue;   /* control, combining, zero width */
        bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
                    (cp >= 0x20000 && cp <= 0x3FFFD);
        w += wide ? 2 : 1;
    }
    return w;
}

/* s, then spaces up to `cells` display cells and the two between columns. */
static void staffctl_cell(const char *s, int cells)
{
    int pad = cells - staffctl_cells(s);
    printf("%s%*s", s, (pad > 0 ? pad : 0) + 2, "");
}

enum { COL_RECEIPT, COL_DATE, COL_STATE, COL_TOPIC, COL_LANG, COL_N };
static const char *const list_head[COL_N] = {"receipt", "date", "state", "topic", "lang"};

typedef struct {
    bool text;
    bool measure;          /* the first pass: only the columns' widths */
    int width[COL_N];
} StaffctlList;

static int staffctl_list_row(const OutboxRow *r, void *ctx)
{
    StaffctlList *l = ctx;
    char receipt[OUTBOX_RECEIPT_SIZE];
    outbox_format_receipt(r->receipt, receipt);
    const char *col[COL_N] = {receipt, r->day, r->state, r->topic, r->lang};
    if (l->measure) {
        for (int i = 0; i < COL_N; i++) {
            int w = staffctl_cells(col[i]);
            if (w > l->width[i])
                l->width[i] = w;
        }
        return 0;
    }
    for (int i = 0; i < COL_N; i++)
        staffctl_cell(col[i], l->width[i]);
    printf("%s%s\n", r->contact ? "yes" : "no", r->sealed ? "  sealed" : "");
    if (l->text) {
        printf("    text: %s\n", r->sealed ? "(sealed)" : r->text);
        if (r->contact)
            printf("    contact: %s\n", r->sealed ? "(sealed)" : r->contact);
    }
    return 0;
}

int staffctl_list(const StaffctlEnv *e, int argc, char **argv)
{
    StaffctlList l = { false, false, {0} };
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--text") == 0)
            l.text = true;
        else {
            fprintf(stderr, "kioskctl: list: unexpected argument \"%s\"\n", argv[i]);
            return STAFFCTL_USAGE;
        }
    }
    if (l.text && e->cfg->staff.office_public_key[0]) {
        fprintf(stderr, "kioskctl: list: --text is refused in sealed mode (office_public_key"
                " is set): suggestions are read at the office with kioskctl open\n");
        return STAFFCTL_USAGE;
    }
    Outbox *ob = staffctl_outbox(e);
    if (!ob)
        return STAFFCTL_FAIL;
    char err[400];
    /* Two passes: the widths of the columns, then the rows under a header
     * that lines up with them. */
    unsigned states = OUTBOX_WAITING | OUTBOX_DELIVERED | OUTBOX_DEAD | OUTBOX_EXPORTED;
    for (int i = 0; i < COL_N; i++)
        l.width[i] = staffctl_cells(list_head[i]);
    l.measure = true;
    bool snap = outbox_read_begin(ob) == 0;   /* both passes see the same rows */
    int64_t n = outbox_each(ob, states, staffctl_list_row, &l, err, sizeof err);
    if (n >= 0) {
        l.measure = false;
        for (int i = 0; i < COL_N; i++)
            staffctl_cell(list_head[i], l.width[i]);
        printf("contact\n");
        n = outbox_each(ob, states, staffctl_list_row, &l, err, sizeof err);
    }
    if (snap)
        outbox_read_end(ob);
    outbox_close(ob);
    if (l.text)
        staffctl_audit(e, "kioskctl list --text", n < 0 ? "failed" : "ok: %lld shown",
                       (long long)n);
    if (n < 0) {
        fprintf(stderr, "kioskctl: list: %s\n", err);
        return STAFFCTL_FAIL;
    }
    printf("%lld submissions\n", (long long)n);
    return STAFFCTL_OK;
}

int staffctl_purge(const StaffctlEnv *e, int argc, char **argv)
{
    const char *days_s = NULL;
    for (int i = 0; i < argc; i++) {
        bool missing = false;
        const char *v = staffctl_opt(argc, argv, &i, "--delivered-older-than", &missing);
        if (v)
            days_s = v;
        else {
            fprintf(stderr, "kioskctl: purge: %s\"%s\"\n",
                    missing ? "a number of days must follow " : "unexpected argument ",
                    argv[i]);
            return STAFFCTL_USAGE;
        }
    }
    char *end;
    errno = 0;
    long days = days_s ? strtol(days_s, &end, 10) : -1;
    if (!days_s || errno || end == days_s || *end || days < 0 || days > 36500) {
        fprintf(stderr, "kioskctl: purge: expected --delivered-older-than DAYS (0 to 36500)\n");
        return STAFFCTL_USAGE;
    }
    Outbox *ob = staffctl_outbox(e);
    if (!ob)
        return STAFFCTL_FAIL;
    char err[400];
    int64_t n = outbox_purge(ob, (int)days, e->now_s, err, sizeof err);
    outbox_close(ob);
    if (n < 0) {
        fprintf(stderr, "kioskctl: purge: %s\n", err);
        staffctl_audit(e, "kioskctl purge", "failed: %s", err);
        return STAFFCTL_FAIL;
    }
    printf("purged %lld delivered or exported submissions dated %ld or more days ago\n",
           (long long)n, days);
    staffctl_audit(e, "kioskctl purge", "ok: %lld removed (older than %ld days)",
                   (long long)n, days);
    return STAFFCTL_OK;
}
