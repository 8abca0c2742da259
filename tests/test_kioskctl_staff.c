/* test_kioskctl_staff.c - the staff commands of the real $KIOSK_BUILD/kioskctl: success and error exits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outbox.h"
#include "proc.h"
#include "seal.h"
#include "tmpdir.h"

#define TEXT "电梯按钮失灵，三号楼"

typedef struct {
    char *dir, *data, *out, *err;
} Fx;

static int setup(void **state)
{
    Fx *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    f->data = tmpdir_path(f->dir, "data");
    *state = f;
    return f->dir ? 0 : -1;
}

static int teardown(void **state)
{
    Fx *f = *state;
    free(f->out);
    free(f->err);
    free(f->data);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Run kioskctl --data-dir DATA with args (NULL-terminated); optional stdin text. */
static int ctl_in(Fx *f, const char *input, ...)
{
    const char *bin = proc_bin("kioskctl");
    if (access(bin, X_OK) != 0)
        fail_msg("%s: not built", bin);
    char *argv[32];
    int n = 0;
    va_list ap;
    va_start(ap, input);
    char cmd[8192];
    size_t len = 0;
    if (input)
        len += (size_t)snprintf(cmd, sizeof cmd, "printf '%s' | ", input);
    len += (size_t)snprintf(cmd + len, sizeof cmd - len, "'%s' --data-dir '%s'", bin, f->data);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL)
        len += (size_t)snprintf(cmd + len, sizeof cmd - len, " '%s'", a);
    va_end(ap);
    argv[n++] = "/bin/sh";
    argv[n++] = "-c";
    argv[n++] = cmd;
    argv[n] = NULL;
    free(f->out);
    free(f->err);
    return proc_run(argv, &f->out, &f->err);
}
#define ctl(f, ...) ctl_in(f, NULL, __VA_ARGS__, (const char *)NULL)
#define ctl_stdin(f, input, ...) ctl_in(f, input, __VA_ARGS__, (const char *)NULL)

static void push_some(Fx *f, int n, int64_t when)
{
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    Outbox *ob = outbox_open(f->data, NULL, err, sizeof err);
    assert_non_null(ob);
    for (int i = 0; i < n; i++)
        assert_int_equal(outbox_push(ob, "repairs", TEXT, i == 0 ? "13800000000" : NULL, "zh",
                                     when, receipt, err, sizeof err), OUTBOX_OK);
    outbox_close(ob);
}

static char *audit_text(Fx *f)
{
    char *p = tmpdir_path(f->data, "audit.log"), *t = tmpdir_read(p);
    free(p);
    return t ? t : strdup("");
}

static void test_help_for_each_command(void **state)
{
    Fx *f = *state;
    static const char *const cmds[] = { "status", "export", "set-pin", "keygen", "open",
                                        "list", "purge" };
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        assert_int_equal(ctl(f, cmds[i], "--help"), 0);
        assert_non_null(strstr(f->out, "usage: kioskctl"));
        assert_non_null(strstr(f->out, cmds[i]));
    }
    assert_int_equal(ctl(f, "--help"), 0);
    assert_non_null(strstr(f->out, "purge --delivered-older-than DAYS"));
}

static void test_set_pin(void **state)
{
    Fx *f = *state;
    assert_int_equal(ctl_stdin(f, "123456\\n654321\\n", "set-pin"), 2);
    assert_non_null(strstr(f->err, "differ"));
    assert_int_equal(ctl_stdin(f, "12345\\n12345\\n", "set-pin"), 2);
    assert_non_null(strstr(f->err, "6 to 12 digits"));
    assert_int_equal(ctl_stdin(f, "", "set-pin"), 2);
    assert_int_equal(ctl_stdin(f, "123456\\n123456\\n", "set-pin", "extra"), 2);
    char *pin = tmpdir_path(f->data, "staff.pin");
    assert_int_equal(access(pin, F_OK), -1);   /* nothing written so far */
    assert_int_equal(ctl_stdin(f, "482915\\n482915\\n", "set-pin"), 0);
    struct stat st;
    assert_int_equal(stat(pin, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *a = audit_text(f);
    assert_non_null(strstr(a, "\tkioskctl set-pin\tok\n"));
    assert_null(strstr(a, "482915"));
    assert_int_equal(ctl(f, "status"), 0);
    assert_non_null(strstr(f->out, "staff PIN: set"));
    free(a);
    free(pin);
}

static void test_keygen(void **state)
{
    Fx *f = *state;
    char *keys = tmpdir_path(f->dir, "keys");
    assert_int_equal(ctl(f, "keygen"), 2);
    assert_non_null(strstr(f->err, "--out DIR is required"));
    assert_int_equal(ctl(f, "keygen", "--out"), 2);
    /* A directory that does not exist yet is made, 0700; a missing parent is refused. */
    char *deep = tmpdir_path(f->dir, "no/such/parent");
    assert_int_equal(ctl(f, "keygen", "--out", deep), 2);
    assert_non_null(strstr(f->err, "cannot make the directory"));
    free(deep);
    assert_int_equal(ctl(f, "keygen", "--out", keys), 0);
    struct stat ds;
    assert_int_equal(stat(keys, &ds), 0);
    assert_true(S_ISDIR(ds.st_mode));
    assert_int_equal(ds.st_mode & 0777, 0700);
    assert_non_null(strstr(f->out, "made"));
    char *k = tmpdir_path(keys, "office.key");
    struct stat st;
    assert_int_equal(stat(k, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(ctl(f, "keygen", "--out", keys), 2);   /* never replaces a key */
    assert_non_null(strstr(f->err, "already exists"));
    free(k);
    free(keys);
}

static char *only_bundle(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *found = NULL;
    while (d && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "lobby-kiosk-export-", 19) == 0) {
            assert_null(found);
            found = tmpdir_path(dir, e->d_name);
        }
    if (d)
        closedir(d);
    assert_non_null(found);
    return found;
}

static void test_export_and_open(void **state)
{
    Fx *f = *state;
    char *usb = tmpdir_path(f->dir, "usb"), *keys = tmpdir_path(f->dir, "keys");
    char *conf = tmpdir_path(f->dir, "kiosk.conf");
    assert_int_equal(ctl(f, "export", "/nonexistent/usb"), 2);
    assert_int_equal(ctl(f, "export", "a", "b"), 2);
    mkdir(usb, 0755);
    mkdir(keys, 0700);
    assert_int_equal(ctl(f, "export", usb), 0);
    assert_non_null(strstr(f->out, "nothing to export"));
    /* Sealed: the kiosk's config names the office public key. */
    assert_int_equal(ctl(f, "keygen", "--out", keys), 0);
    char *pubp = tmpdir_path(keys, "office.pub"), *secp = tmpdir_path(keys, "office.key");
    char err[300];
    SealPublic pub;
    assert_int_equal(seal_load_public(pubp, &pub, err, sizeof err), 0);
    Outbox *ob = outbox_open(f->data, NULL, err, sizeof err);
    outbox_set_seal_key(ob, &pub);
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(ob, "noise", TEXT, "王 13800000000", "zh", time(NULL),
                                 receipt, err, sizeof err), OUTBOX_OK);
    outbox_close(ob);
    char conftext[1200];
    snprintf(conftext, sizeof conftext, "[staff]\noffice_public_key = %s\n", pubp);
    assert_int_equal(tmpdir_write(conf, conftext, strlen(conftext)), 0);
    assert_int_equal(ctl(f, "--config", conf, "list", "--text"), 2);
    assert_non_null(strstr(f->err, "sealed mode"));
    assert_int_equal(ctl(f, "--config", conf, "list"), 0);
    assert_null(strstr(f->out, "电梯"));
    assert_non_null(strstr(f->out, "sealed"));

    assert_int_equal(ctl(f, "--config", conf, "export", usb), 0);
    assert_non_null(strstr(f->out, "exported 1 submissions"));
    char *bundle = only_bundle(usb);
    assert_int_equal(ctl(f, "status"), 0);
    assert_non_null(strstr(f->out, "1 exported"));
    char *a = audit_text(f);
    assert_non_null(strstr(a, "\tkioskctl export\tok: 1 submissions (1 sealed)\n"));
    free(a);

    /* open: errors first. */
    char *out = tmpdir_path(f->dir, "opened");
    assert_int_equal(ctl(f, "open", bundle), 2);                        /* no --key */
    assert_int_equal(ctl(f, "open", "--key", secp), 2);                 /* no bundle */
    assert_int_equal(ctl(f, "open", usb, "--key", secp), 2);            /* not a bundle */
    assert_int_equal(ctl(f, "open", bundle, "--key", pubp, "--out", out), 2);   /* wrong key */
    assert_int_equal(ctl(f, "open", bundle, "--key", secp, "--out", out), 0);
    char *csvp = tmpdir_path(out, "submissions.csv"), *csv = tmpdir_read(csvp);
    assert_non_null(csv);
    assert_non_null(strstr(csv, TEXT));
    assert_non_null(strstr(csv, "王 13800000000"));
    /* An edited manifest (issue 12: counts.submissions changed) is refused,
     * exit 1, and nothing is written. */
    char *mp = tmpdir_path(bundle, "manifest.json"), *mt = tmpdir_read(mp);
    char *cnt = strstr(mt, "\"submissions\": 1");
    assert_non_null(cnt);
    cnt[strlen("\"submissions\": ")] = '7';
    assert_int_equal(tmpdir_write(mp, mt, strlen(mt)), 0);
    char *out_e = tmpdir_path(f->dir, "opened-edited");
    assert_int_equal(ctl(f, "open", bundle, "--key", secp, "--out", out_e), 1);
    assert_non_null(strstr(f->err, "manifest.json was changed"));
    assert_int_equal(access(out_e, F_OK), -1);
    cnt[strlen("\"submissions\": ")] = '1';
    assert_int_equal(tmpdir_write(mp, mt, strlen(mt)), 0);
    /* The kiosk's export key: status shows its fingerprint, open names it. */
    assert_int_equal(ctl(f, "status"), 0);
    const char *kl = strstr(f->out, "export key: ");
    assert_non_null(kl);
    char fp[32] = "";
    assert_int_equal(sscanf(kl, "export key: %24s", fp), 1);
    assert_int_equal(strlen(fp), 24);
    char *out1 = tmpdir_path(f->dir, "opened1");
    assert_int_equal(ctl(f, "open", bundle, "--key", secp, "--out", out1, "--signer", fp), 0);
    assert_non_null(strstr(f->out, fp));
    /* Another kiosk's key expected: refused. */
    assert_int_equal(ctl(f, "open", bundle, "--key", secp, "--out", out_e, "--signer",
                         "0000-0000-0000-0000-0000"), 1);
    assert_non_null(strstr(f->err, "not by 0000-0000-0000-0000-0000"));
    assert_int_equal(access(out_e, F_OK), -1);
    free(out1); free(mp); free(mt); free(out_e);
    /* A damaged bundle is a failure (1), not bad input. */
    char *jl = tmpdir_path(bundle, "submissions.csv");
    assert_int_equal(tmpdir_write(jl, "x", 1), 0);
    char *out2 = tmpdir_path(f->dir, "opened2");
    assert_int_equal(ctl(f, "open", bundle, "--key", secp, "--out", out2), 1);
    assert_non_null(strstr(f->err, "damaged"));
    free(jl); free(out2); free(csv); free(csvp); free(out); free(bundle);
    free(pubp); free(secp); free(conf); free(keys); free(usb);
}

static void test_list_and_purge(void **state)
{
    Fx *f = *state;
    int64_t now = time(NULL);
    push_some(f, 3, now - 10 * 86400);
    assert_int_equal(ctl(f, "list"), 0);
    assert_null(strstr(f->out, TEXT));             /* metadata only */
    assert_non_null(strstr(f->out, "3 submissions"));
    assert_non_null(strstr(f->out, "  yes\n"));           /* the contact column */
    assert_int_equal(ctl(f, "list", "--text"), 0);  /* plain mode: allowed, audited */
    assert_non_null(strstr(f->out, TEXT));
    char *a = audit_text(f);
    assert_non_null(strstr(a, "kioskctl list --text\tok: 3 shown"));
    assert_null(strstr(a, TEXT));
    free(a);
    assert_int_equal(ctl(f, "list", "--bogus"), 2);

    assert_int_equal(ctl(f, "purge"), 2);
    assert_int_equal(ctl(f, "purge", "--delivered-older-than"), 2);
    assert_int_equal(ctl(f, "purge", "--delivered-older-than", "ten"), 2);
    assert_int_equal(ctl(f, "purge", "--delivered-older-than", "-1"), 2);
    /* Waiting rows are never purged. */
    assert_int_equal(ctl(f, "purge", "--delivered-older-than", "0"), 0);
    assert_non_null(strstr(f->out, "purged 0"));
    char *usb = tmpdir_path(f->dir, "usb");
    mkdir(usb, 0755);
    assert_int_equal(ctl(f, "export", usb), 0);
    assert_int_equal(ctl(f, "purge", "--delivered-older-than", "30"), 0);   /* too recent */
    assert_non_null(strstr(f->out, "purged 0"));
    assert_int_equal(ctl(f, "purge", "--delivered-older-than=7"), 0);
    assert_non_null(strstr(f->out, "purged 3"));
    assert_int_equal(ctl(f, "list"), 0);
    assert_non_null(strstr(f->out, "0 submissions"));
    a = audit_text(f);
    assert_non_null(strstr(a, "kioskctl purge\tok: 3 removed (older than 7 days)"));
    free(a);
    free(usb);
}

static void test_failures_exit_1(void **state)
{
    Fx *f = *state;
    /* The data directory is a file: the database cannot open. */
    assert_int_equal(tmpdir_write(f->data, "x", 1), 0);
    assert_int_equal(ctl(f, "list"), 1);
    assert_non_null(strstr(f->err, "kioskctl:"));
    assert_int_equal(ctl(f, "purge", "--delivered-older-than", "1"), 1);
    assert_int_equal(ctl(f, "export", f->dir), 1);
    assert_int_equal(ctl(f, "status"), 1);
    /* A bad config file is bad input. */
    assert_int_equal(ctl(f, "--config", "/nonexistent.conf", "status"), 2);
}

/* The display column (cells) where each of the first five columns of a
 * line starts, as a terminal shows it. */
static void starts(const char *line, int out[6])
{
    int cell = 0, col = 0, spaces = 2;   /* the line's start counts as a gap */
    for (const char *p = line; *p && *p != '\n' && col < 6; ) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ') {
            spaces++;
        } else {
            if (spaces >= 2)
                out[col++] = cell;   /* a column begins after two or more spaces */
            spaces = 0;
        }
        int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        cell += n == 3 ? 2 : 1;      /* CJK (three UTF-8 bytes here) takes two cells */
        p += n;
    }
}

/* kioskctl list: every row's columns start where the header's do, also
 * with a topic longer than the header's column and in every state. */
static void test_list_columns_line_up(void **state)
{
    Fx *f = *state;
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    OutboxLimits lim = {0, 0, "cleaning_and_environment,repairs"};
    Outbox *ob = outbox_open(f->data, &lim, err, sizeof err);
    assert_non_null(ob);
    int64_t now = time(NULL);
    assert_int_equal(outbox_push(ob, "cleaning_and_environment", TEXT, NULL, "zh", now, receipt,
                                 err, sizeof err), OUTBOX_OK);
    assert_int_equal(outbox_push(ob, "repairs", TEXT, "13800000000", "en", now, receipt, err,
                                 sizeof err), OUTBOX_OK);
    outbox_close(ob);
    assert_int_equal(ctl(f, "list"), 0);
    const char *line = f->out;
    int head[6] = {0}, row[6] = {0}, rows = 0;
    starts(line, head);
    assert_true(strncmp(line, "receipt", 7) == 0);
    assert_non_null(strstr(line, "contact"));
    for (line = strchr(line, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        const char *nl = strchr(line + 1, '\n');
        if (nl && nl - (line + 1) >= 11 && strncmp(nl - 11, "submissions", 11) == 0)
            break;   /* "N submissions" */
        memset(row, 0, sizeof row);
        starts(line + 1, row);
        for (int i = 0; i < 6; i++)
            if (row[i] != head[i])
                fail_msg("column %d starts at %d, under a header at %d:\n%s", i, row[i],
                         head[i], f->out);
        rows++;
    }
    assert_int_equal(rows, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_for_each_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_pin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keygen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_columns_line_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_and_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_and_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failures_exit_1, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
