/* test_export.c - export bundles: contents, hashes, Excel CSV with Chinese, full and pulled drives, sealed round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "export_priv.h"
#include "export_sign.h"
#include "outbox.h"
#include "seal.h"
#include "tmpdir.h"

#define T0 1773450000
#define TEXT_ZH "楼道灯坏了，晚上很黑。\n请尽快修理，谢谢！"
#define TEXT_CSV "He said \"fix it\", please\nsecond line"

typedef struct {
    char *dir, *data, *usb;
} Fx;

static int setup(void **state)
{
    Fx *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make();
    f->data = tmpdir_path(f->dir, "data");
    f->usb = tmpdir_path(f->dir, "usb");
    mkdir(f->usb, 0755);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fx *f = *state;
    umount2(f->usb, MNT_DETACH);   /* in case a test left it mounted */
    free(f->data);
    free(f->usb);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

static Outbox *open_ob(Fx *f, const SealPublic *pub)
{
    char err[300];
    Outbox *ob = outbox_open(f->data, NULL, err, sizeof err);
    assert_non_null(ob);
    outbox_set_seal_key(ob, pub);
    return ob;
}

static void push(Outbox *ob, const char *text, const char *contact)
{
    char receipt[OUTBOX_RECEIPT_SIZE], err[300];
    assert_int_equal(outbox_push(ob, "repairs", text, contact, "zh", T0, receipt, err,
                                 sizeof err), OUTBOX_OK);
}

/* How many directory entries of dir start with prefix (and end with suffix, if given). */
static int count_entries(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name), s = suffix ? strlen(suffix) : 0;
        if (strncmp(e->d_name, EXPORT_PREFIX, strlen(EXPORT_PREFIX)) == 0 &&
            (!suffix || (l > s && strcmp(e->d_name + l - s, suffix) == 0)))
            n++;
    }
    closedir(d);
    return n;
}

static OutboxCounts counts(Fx *f)
{
    Outbox *ob = open_ob(f, NULL);
    OutboxCounts c;
    assert_int_equal(outbox_counts(ob, &c), 0);
    outbox_close(ob);
    return c;
}

static char *file_in(const char *bundle, const char *name)
{
    char *p = tmpdir_path(bundle, name), *t = tmpdir_read(p);
    free(p);
    return t;
}

static void test_bundle_contents_and_marks(void **state)
{
    Fx *f = *state;
    Outbox *ob = open_ob(f, NULL);
    push(ob, TEXT_ZH, "13812345678");
    push(ob, TEXT_CSV, NULL);
    push(ob, "=HYPERLINK(\"http://x\")", "@me");
    outbox_close(ob);
    ExportReport rep;
    char err[600];
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows, 3);
    assert_int_equal(rep.marked, 3);
    assert_int_equal(rep.with_contact, 2);
    assert_non_null(strstr(rep.bundle, "/" EXPORT_PREFIX "2026-03-14-"));
    assert_int_equal(count_entries(f->usb, NULL), 1);
    OutboxCounts c = counts(f);
    assert_int_equal(c.waiting, 0);
    assert_int_equal(c.exported, 3);

    /* The manifest: counts and the SHA-256 of each file. */
    char *mtext = file_in(rep.bundle, "manifest.json");
    json_error_t je;
    json_t *m = json_loads(mtext, 0, &je);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "format")), "lobby-kiosk-export");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "counts"),
                                                        "submissions")), 3);
    assert_false(json_is_true(json_object_get(m, "sealed")));
    static const char *const names[] = { "submissions.jsonl", "submissions.csv" };
    for (int i = 0; i < 2; i++) {
        char *p = tmpdir_path(rep.bundle, names[i]);
        char cmd[700], hex[100] = "";
        snprintf(cmd, sizeof cmd, "sha256sum '%s'", p);
        FILE *sh = popen(cmd, "r");
        assert_non_null(sh);
        assert_int_equal(fscanf(sh, "%64s", hex), 1);
        pclose(sh);
        json_t *fe = json_object_get(json_object_get(m, "files"), names[i]);
        assert_string_equal(json_string_value(json_object_get(fe, "sha256")), hex);
        free(p);
    }
    json_decref(m);
    free(mtext);

    /* JSON Lines: exact text, Chinese as UTF-8. */
    char *jl = file_in(rep.bundle, "submissions.jsonl");
    int lines = 0, zh = 0;
    for (char *line = strtok(jl, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, &je);
        assert_non_null(o);
        lines++;
        zh += strcmp(json_string_value(json_object_get(o, "text")), TEXT_ZH) == 0;
        json_decref(o);
    }
    assert_int_equal(lines, 3);
    assert_int_equal(zh, 1);
    free(jl);

    /* A second export finds nothing left. */
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows, 0);
    assert_int_equal(count_entries(f->usb, NULL), 1);
}

static void rate(Outbox *ob, int score, int64_t now)
{
    char err[300];
    assert_int_equal(outbox_push_rating(ob, score, now, err, sizeof err), OUTBOX_OK);
}

static int64_t month_count(json_t *m, const char *month, const char *score)
{
    return json_integer_value(json_object_get(json_object_get(json_object_get(m, "ratings"),
                                                              month), score));
}

/* Ratings are not suggestions: they stay out of the two files and go into
 * the manifest as counts by month and score; their rows are marked
 * exported with the rest. A bundle may hold ratings only. */
static void test_ratings_counted_in_manifest(void **state)
{
    Fx *f = *state;
    Outbox *ob = open_ob(f, NULL);
    push(ob, TEXT_ZH, NULL);
    push(ob, TEXT_CSV, "13812345678");
    rate(ob, 5, T0);
    rate(ob, 5, T0);
    rate(ob, 1, T0);
    rate(ob, 2, T0);
    rate(ob, 3, T0 + 40 * 86400);   /* April */
    /* A dead rating is exported too; a delivered one is handed on already. */
    assert_int_equal(sqlite3_exec(outbox_db(ob), "UPDATE submissions SET state = 'dead'"
                                  " WHERE topic = 'rating' AND day = '2026-04-01'", NULL, NULL,
                                  NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(outbox_db(ob), "UPDATE submissions SET state = 'delivered'"
                                  " WHERE topic = 'rating' AND payload LIKE '%\"score\":2,%'",
                                  NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(outbox_db(ob)), 1);
    outbox_close(ob);
    ExportReport rep;
    char err[600];
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows, 2);
    assert_int_equal(rep.ratings, 4);
    assert_int_equal(rep.marked, 6);
    OutboxCounts c = counts(f);
    assert_int_equal(c.exported, 6);
    assert_int_equal(c.delivered, 1);
    assert_int_equal(c.queued_rows, 0);

    char *jl = file_in(rep.bundle, "submissions.jsonl");
    char *csv = file_in(rep.bundle, "submissions.csv");
    assert_null(strstr(jl, "rating"));
    assert_null(strstr(csv, "rating"));
    int lines = 0;
    for (const char *p = jl; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    free(jl);
    free(csv);
    char *mtext = file_in(rep.bundle, "manifest.json");
    json_error_t je;
    json_t *m = json_loads(mtext, 0, &je);
    assert_non_null(m);
    json_t *mc = json_object_get(m, "counts");
    assert_int_equal(json_integer_value(json_object_get(mc, "submissions")), 2);
    assert_int_equal(json_integer_value(json_object_get(mc, "ratings")), 4);
    assert_int_equal(json_object_size(json_object_get(m, "ratings")), 2);
    assert_int_equal(json_object_size(json_object_get(json_object_get(m, "ratings"), "2026-03")),
                     5);
    assert_int_equal(month_count(m, "2026-03", "5"), 2);
    assert_int_equal(month_count(m, "2026-03", "1"), 1);
    assert_int_equal(month_count(m, "2026-03", "2"), 0);   /* delivered: not in the bundle */
    assert_int_equal(month_count(m, "2026-04", "3"), 1);
    assert_int_equal(month_count(m, "2026-04", "5"), 0);
    json_decref(m);
    free(mtext);

    /* Ratings only: still a bundle, with empty files and the counts. */
    ob = open_ob(f, NULL);
    rate(ob, 4, T0);
    outbox_close(ob);
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows, 0);
    assert_int_equal(rep.ratings, 1);
    assert_int_equal(rep.marked, 1);
    assert_int_equal(count_entries(f->usb, NULL), 2);
    mtext = file_in(rep.bundle, "manifest.json");
    m = json_loads(mtext, 0, &je);
    assert_int_equal(month_count(m, "2026-03", "4"), 1);
    json_decref(m);
    free(mtext);
    /* And then nothing is left. */
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows + rep.ratings, 0);
    assert_int_equal(count_entries(f->usb, NULL), 2);
}

/* Parse RFC 4180 CSV: returns rows of fields (NULL-terminated arrays). */
static int csv_parse(const char *s, char *rows[][8], int max_rows)
{
    int r = 0, c = 0;
    char buf[4096];
    size_t n = 0;
    bool q = false;
    for (const char *p = s;; p++) {
        if (q) {
            if (*p == '"' && p[1] == '"') {
                buf[n++] = '"';
                p++;
            } else if (*p == '"') {
                q = false;
            } else {
                assert_true(*p != '\0');   /* an unclosed quote */
                buf[n++] = *p;
            }
            continue;
        }
        if (*p == '"' && n == 0) {
            q = true;
        } else if (*p == ',' || *p == '\r' || *p == '\0') {
            buf[n] = '\0';
            if (*p == '\0' && c == 0 && n == 0)
                break;
            rows[r][c++] = strdup(buf);
            n = 0;
            if (*p == '\r') {
                assert_int_equal(p[1], '\n');   /* CRLF between rows */
                p++;
                rows[r][c] = NULL;
                r++;
                c = 0;
                if (r == max_rows)
                    break;
            }
            if (*p == '\0')
                break;
        } else {
            assert_true(*p != '\n');   /* a bare LF only inside quotes */
            buf[n++] = *p;
        }
    }
    return r;
}

static void test_csv_for_excel(void **state)
{
    Fx *f = *state;
    Outbox *ob = open_ob(f, NULL);
    push(ob, TEXT_ZH, "13812345678");
    push(ob, TEXT_CSV, NULL);
    push(ob, "=HYPERLINK(\"http://x\")", "王先生, 3号楼");
    outbox_close(ob);
    ExportReport rep;
    char err[600];
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    char *csv = file_in(rep.bundle, "submissions.csv");
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);   /* BOM: Excel reads UTF-8 */
    char *rows[8][8];
    int n = csv_parse(csv + 3, rows, 8);
    assert_int_equal(n, 4);
    assert_string_equal(rows[0][0], "id");
    assert_string_equal(rows[0][5], "text");
    assert_string_equal(rows[0][6], "contact");
    int seen = 0;
    for (int r = 1; r < n; r++) {
        assert_int_equal(strlen(rows[r][0]), 36);
        assert_int_equal(strlen(rows[r][1]), 9);   /* XXXX-XXXX */
        assert_string_equal(rows[r][2], "2026-03-14");
        if (strcmp(rows[r][5], TEXT_ZH) == 0) {
            assert_string_equal(rows[r][6], "=\"13812345678\"");   /* kept as text */
            seen |= 1;
        } else if (strcmp(rows[r][5], TEXT_CSV) == 0) {
            assert_string_equal(rows[r][6], "");
            seen |= 2;
        } else {
            /* Formula injection defused; commas inside quotes survive. */
            assert_string_equal(rows[r][5], "'=HYPERLINK(\"http://x\")");
            assert_string_equal(rows[r][6], "王先生, 3号楼");
            seen |= 4;
        }
    }
    assert_int_equal(seen, 7);
    for (int r = 0; r < n; r++)
        for (int c = 0; rows[r][c]; c++)
            free(rows[r][c]);
    free(csv);
}

/* Fill the queue with enough text that the bundle does not fit 256 KiB. */
static void fill_queue(Fx *f, const SealPublic *pub, int n)
{
    Outbox *ob = open_ob(f, pub);
    char text[1600] = "";
    for (int i = 0; i < 150; i++)
        strcat(text, "满溢出");
    for (int i = 0; i < n; i++)
        push(ob, text, i % 2 ? "13800000000" : NULL);
    outbox_close(ob);
}

static bool mount_small(Fx *f, const char *size)
{
    char opts[64];
    snprintf(opts, sizeof opts, "size=%s", size);
    if (mount("tmpfs", f->usb, "tmpfs", 0, opts) != 0) {
        fprintf(stderr, "cannot mount a tmpfs (%s): test skipped\n", strerror(errno));
        return false;
    }
    return true;
}

static void test_drive_fills_mid_write(void **state)
{
    Fx *f = *state;
    fill_queue(f, NULL, 120);   /* ~160 KiB of JSON Lines, as much CSV */
    if (!mount_small(f, "256k"))
        skip();
    ExportReport rep;
    char err[600];
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), -1);
    fprintf(stderr, "export to a full drive: %s\n", err);
    assert_non_null(strstr(err, "full"));
    assert_non_null(strstr(err, "submissions.csv"));   /* the first file fitted: mid-write */
    assert_non_null(strstr(err, "nothing was marked"));
    assert_string_equal(rep.bundle, "");
    assert_int_equal(count_entries(f->usb, NULL), 0);   /* no bundle, not even a partial */
    OutboxCounts c = counts(f);
    assert_int_equal(c.waiting, 120);
    assert_int_equal(c.exported, 0);
    /* With room, the same export goes through. */
    umount2(f->usb, MNT_DETACH);
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.marked, 120);
}

typedef struct {
    const char *when;
    const char *usb;
    const char *moved;   /* rename target, for the variant without mount */
    bool done;
} Pull;

/* Pull the drive out: detach the mount (the files written so far go with
 * it, as with a real stick), or move the directory away. */
static void pull_hook(const char *stage, void *ctx)
{
    Pull *p = ctx;
    if (p->done || strcmp(stage, p->when) != 0)
        return;
    p->done = true;
    if (p->moved)
        assert_int_equal(rename(p->usb, p->moved), 0);
    else
        assert_int_equal(umount2(p->usb, MNT_DETACH), 0);
}

static void pulled_at(Fx *f, const char *stage, bool use_mount)
{
    char *moved = tmpdir_path(f->dir, "usb-gone");
    if (use_mount && !mount_small(f, "8m")) {
        free(moved);
        skip();
    }
    Pull p = { stage, f->usb, use_mount ? NULL : moved, false };
    ExportOptions opt = { pull_hook, &p };
    ExportReport rep;
    char err[600];
    assert_int_equal(export_run(f->data, f->usb, T0, &opt, &rep, err, sizeof err), -1);
    assert_true(p.done);
    fprintf(stderr, "drive pulled at %s: %s\n", stage, err);
    assert_non_null(strstr(err, "nothing was marked"));
    OutboxCounts c = counts(f);
    assert_int_equal(c.exported, 0);
    assert_int_equal(c.waiting, 10);
    /* Nothing named like a finished bundle anywhere. */
    assert_int_equal(count_entries(f->usb, NULL), 0);
    if (!use_mount) {
        int finished = count_entries(moved, NULL) - count_entries(moved, ".partial");
        assert_int_equal(finished, 0);
        rename(moved, f->usb);
    }
    free(moved);
}

static void test_drive_removed_between_files(void **state)
{
    Fx *f = *state;
    fill_queue(f, NULL, 10);
    pulled_at(f, "submissions.csv", true);
}

static void test_drive_removed_before_verify(void **state)
{
    Fx *f = *state;
    fill_queue(f, NULL, 10);
    pulled_at(f, "verify", true);
}

static void test_directory_gone_mid_export(void **state)
{
    Fx *f = *state;
    fill_queue(f, NULL, 10);
    pulled_at(f, "manifest.json", false);   /* no mount needed */
}

static void test_sealed_export_and_open(void **state)
{
    Fx *f = *state;
    char err[600];
    char *keys = tmpdir_path(f->dir, "keys");
    mkdir(keys, 0700);
    assert_int_equal(seal_keygen(keys, err, sizeof err), 0);
    char *pubp = tmpdir_path(keys, "office.pub"), *secp = tmpdir_path(keys, "office.key");
    SealPublic pub;
    assert_int_equal(seal_load_public(pubp, &pub, err, sizeof err), 0);
    Outbox *ob = open_ob(f, &pub);
    push(ob, TEXT_ZH, "王小明 13812345678");
    push(ob, TEXT_CSV, NULL);
    rate(ob, 4, T0);   /* plain in sealed mode; counted in the manifest */
    outbox_close(ob);
    ExportReport rep;
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.sealed, 2);
    assert_int_equal(rep.ratings, 1);
    char *jl = file_in(rep.bundle, "submissions.jsonl");
    char *csv = file_in(rep.bundle, "submissions.csv");
    assert_null(strstr(jl, "楼道灯"));     /* carried sealed */
    assert_null(strstr(csv, "楼道灯"));
    assert_null(strstr(jl, "王小明"));
    free(jl);
    free(csv);
    /* At the office. */
    char *out = tmpdir_path(f->dir, "opened");
    ExportReport orep;
    ExportOpenOptions oo = { .out_dir = out };
    ExportSigner who;
    assert_int_equal(export_open_bundle(rep.bundle, secp, &oo, &orep, &who, err, sizeof err), 0);
    assert_int_equal(orep.rows, 2);
    assert_int_equal(orep.sealed, 2);
    jl = file_in(out, "submissions.jsonl");
    csv = file_in(out, "submissions.csv");
    assert_non_null(strstr(csv, "楼道灯坏了"));
    assert_non_null(strstr(csv, "王小明 13812345678"));
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    json_error_t je;
    int found = 0;
    for (char *line = strtok(jl, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, &je);
        assert_false(json_is_true(json_object_get(o, "sealed")));
        found += strcmp(json_string_value(json_object_get(o, "text")), TEXT_ZH) == 0;
        json_decref(o);
    }
    assert_int_equal(found, 1);
    free(jl);
    free(csv);
    /* Opening twice into the same place is refused, not overwritten. */
    assert_int_equal(export_open_bundle(rep.bundle, secp, &oo, &orep, &who, err, sizeof err),
                     EXPORT_BAD_INPUT);
    /* Another key: refused as bad input, nothing written. */
    char *keys2 = tmpdir_path(f->dir, "keys2"), *out2 = tmpdir_path(f->dir, "opened2");
    mkdir(keys2, 0700);
    assert_int_equal(seal_keygen(keys2, err, sizeof err), 0);
    char *sec2 = tmpdir_path(keys2, "office.key");
    ExportOpenOptions oo2 = { .out_dir = out2 };
    assert_int_equal(export_open_bundle(rep.bundle, sec2, &oo2, &orep, &who, err, sizeof err),
                     EXPORT_BAD_INPUT);
    assert_non_null(strstr(err, "cannot be opened with this key"));
    char *o2 = tmpdir_path(out2, "submissions.csv");
    assert_int_equal(access(o2, F_OK), -1);
    assert_int_equal(access(out2, F_OK), -1);   /* not even an empty folder (issue 12) */
    /* The same without --out: no BUNDLE-opened/ is left behind. */
    char dflt[PATH_MAX + 16];
    snprintf(dflt, sizeof dflt, "%s-opened", rep.bundle);
    assert_int_equal(export_open_bundle(rep.bundle, sec2, NULL, &orep, &who, err, sizeof err),
                     EXPORT_BAD_INPUT);
    assert_int_equal(access(dflt, F_OK), -1);
    /* A folder that was there before stays (and stays empty). */
    assert_int_equal(mkdir(out2, 0700), 0);
    assert_int_equal(export_open_bundle(rep.bundle, sec2, &oo2, &orep, &who, err, sizeof err),
                     EXPORT_BAD_INPUT);
    assert_int_equal(access(out2, F_OK), 0);
    assert_int_equal(access(o2, F_OK), -1);
    /* A damaged bundle: failure, with the file named. */
    char *bj = tmpdir_path(rep.bundle, "submissions.jsonl");
    FILE *fp = fopen(bj, "r+");
    fputc('X', fp);
    fclose(fp);
    char *out3 = tmpdir_path(f->dir, "opened3");
    ExportOpenOptions oo3 = { .out_dir = out3 };
    assert_int_equal(export_open_bundle(rep.bundle, secp, &oo3, &orep, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "submissions.jsonl"));
    free(bj); free(out3); free(o2); free(sec2); free(keys2); free(out2);
    free(out); free(pubp); free(secp); free(keys);
}

static void test_find_drive(void **state)
{
    Fx *f = *state;
    char *media = tmpdir_path(f->dir, "media"), *user = tmpdir_path(media, "staff");
    char *stick = tmpdir_path(user, "KINGSTON"), *plain = tmpdir_path(media, "usb0");
    mkdir(media, 0755);
    mkdir(user, 0755);
    mkdir(stick, 0755);
    mkdir(plain, 0755);   /* an empty mount point: not a drive */
    char out[4096], err[600];
    assert_int_equal(export_find_drive(media, f->dir, out, sizeof out, err, sizeof err), -1);
    assert_non_null(strstr(err, "no USB drive"));
    if (mount("tmpfs", stick, "tmpfs", 0, "size=1m") != 0) {
        fprintf(stderr, "cannot mount a tmpfs (%s): test skipped\n", strerror(errno));
        free(media); free(user); free(stick); free(plain);
        skip();
    }
    assert_int_equal(export_find_drive(media, f->dir, out, sizeof out, err, sizeof err), 0);
    assert_string_equal(out, stick);
    assert_int_equal(mount("tmpfs", plain, "tmpfs", 0, "size=1m"), 0);
    assert_int_equal(export_find_drive(media, f->dir, out, sizeof out, err, sizeof err), -1);
    assert_non_null(strstr(err, "2 drives"));
    umount2(plain, MNT_DETACH);
    umount2(stick, MNT_DETACH);
    free(media); free(user); free(stick); free(plain);
}

/* ---- signed manifests (issue 12, item 5) ---- */

/* A kiosk with suggestions and ratings exported to a bundle: the office
 * key pair in f->dir/keys, the bundle's path in bundle. */
static char *signed_bundle(Fx *f, const char *data, char **secp)
{
    char err[600];
    char *keys = tmpdir_path(f->dir, "keys");
    if (access(keys, F_OK) != 0) {
        mkdir(keys, 0700);
        assert_int_equal(seal_keygen(keys, err, sizeof err), 0);
    }
    char *pubp = tmpdir_path(keys, "office.pub");
    *secp = tmpdir_path(keys, "office.key");
    SealPublic pub;
    assert_int_equal(seal_load_public(pubp, &pub, err, sizeof err), 0);
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    assert_non_null(ob);
    outbox_set_seal_key(ob, &pub);
    push(ob, TEXT_ZH, "王小明 13812345678");
    push(ob, TEXT_CSV, NULL);
    rate(ob, 5, T0);
    rate(ob, 5, T0);
    rate(ob, 2, T0);
    outbox_close(ob);
    ExportReport rep;
    assert_int_equal(export_run(data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    assert_int_equal(rep.rows, 2);
    assert_int_equal(rep.ratings, 3);
    free(pubp);
    free(keys);
    return strdup(rep.bundle);
}

static json_t *load_manifest(const char *bundle)
{
    char *t = file_in(bundle, "manifest.json");
    assert_non_null(t);
    json_error_t je;
    json_t *m = json_loads(t, 0, &je);
    assert_non_null(m);
    free(t);
    return m;
}

/* Write the manifest back as the kiosk would format it; with `signer`,
 * sign it with that key too (its public key put into the manifest). */
static void save_manifest(const char *bundle, json_t *m, const ExportSignKey *signer)
{
    if (signer) {
        char pub[EXPORT_SIGN_KEY_B64 + 1], fp[EXPORT_SIGN_FP_SIZE];
        export_sign_public_b64(signer->pk, pub);
        export_sign_fingerprint(signer->pk, fp);
        json_t *who = json_object_get(m, "signer");
        json_object_set_new(who, "public_key", json_string(pub));
        json_object_set_new(who, "fingerprint", json_string(fp));
    }
    char *t = json_dumps(m, JSON_INDENT(2));
    size_t n = strlen(t);
    t = realloc(t, n + 2);
    memcpy(t + n, "\n", 2);
    char *p = tmpdir_path(bundle, "manifest.json");
    assert_int_equal(tmpdir_write(p, t, n + 1), 0);
    free(p);
    if (signer) {
        char sig[EXPORT_SIGN_SIG_B64 + 2];
        export_sign_manifest(signer, t, n + 1, sig);
        strcat(sig, "\n");
        p = tmpdir_path(bundle, "manifest.sig");
        assert_int_equal(tmpdir_write(p, sig, strlen(sig)), 0);
        free(p);
    }
    free(t);
}

/* export_open_bundle into f->dir/NAME: its result; the folder must not be
 * left behind on failure. */
static int open_into(Fx *f, const char *bundle, const char *secp, const char *name,
                     const char *expect_fp, ExportSigner *who, char *err, size_t errlen)
{
    char *out = tmpdir_path(f->dir, name);
    ExportOpenOptions o = { .out_dir = out, .expect_fp = expect_fp };
    ExportReport rep;
    int rc = export_open_bundle(bundle, secp, &o, &rep, who, err, errlen);
    if (rc != 0) {
        assert_int_equal(access(out, F_OK), -1);   /* nothing written */
        fprintf(stderr, "refused as it should be: %s\n", err);
    }
    free(out);
    return rc;
}

static void kiosk_fp(const char *data, char fp[EXPORT_SIGN_FP_SIZE])
{
    ExportSignKey k;
    char err[600];
    assert_int_equal(export_sign_load(data, false, &k, err, sizeof err), 0);
    export_sign_fingerprint(k.pk, fp);
    export_sign_wipe(&k);
}

/* The bundle carries the kiosk's public key and a signature over the
 * manifest; the key is made once, 0600, in the data directory, and opening
 * reports who signed. Ratings travel one by one, with their ids. */
static void test_manifest_is_signed(void **state)
{
    Fx *f = *state;
    char *secp, err[600];
    char *bundle = signed_bundle(f, f->data, &secp);
    char *kp = tmpdir_path(f->data, "export.sign");
    struct stat st;
    assert_int_equal(stat(kp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *keytext = tmpdir_read(kp);
    char fp[EXPORT_SIGN_FP_SIZE];
    kiosk_fp(f->data, fp);
    json_t *m = load_manifest(bundle);
    assert_int_equal(json_integer_value(json_object_get(m, "v")), 2);
    json_t *signer = json_object_get(m, "signer");
    assert_string_equal(json_string_value(json_object_get(signer, "alg")), "ed25519");
    assert_string_equal(json_string_value(json_object_get(signer, "fingerprint")), fp);
    json_t *rows = json_object_get(m, "rating_rows");
    assert_int_equal(json_array_size(rows), 3);
    int fives = 0;
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *r = json_array_get(rows, i);
        assert_int_equal(strlen(json_string_value(json_object_get(r, "id"))), 36);
        assert_string_equal(json_string_value(json_object_get(r, "month")), "2026-03");
        fives += json_integer_value(json_object_get(r, "score")) == 5;
    }
    assert_int_equal(fives, 2);
    json_decref(m);
    char *sig = file_in(bundle, "manifest.sig");
    assert_non_null(sig);
    assert_int_equal(strlen(sig), EXPORT_SIGN_SIG_B64 + 1);
    /* The secret never travels. */
    char *mt = file_in(bundle, "manifest.json");
    keytext[strcspn(keytext, "\n")] = '\0';
    assert_null(strstr(mt, keytext));
    ExportSigner who;
    assert_int_equal(open_into(f, bundle, secp, "opened", NULL, &who, err, sizeof err), 0);
    assert_string_equal(who.fingerprint, fp);
    /* Expecting that key, typed in capitals without dashes, is fine too. */
    char typed[EXPORT_SIGN_FP_SIZE] = "";
    size_t tn = 0;
    for (const char *p = fp; *p; p++)
        if (*p != '-')
            typed[tn++] = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    typed[tn] = '\0';
    assert_int_equal(open_into(f, bundle, secp, "opened2", typed, &who, err, sizeof err), 0);
    /* A second export uses the same key. */
    Outbox *ob = open_ob(f, NULL);
    push(ob, TEXT_ZH, NULL);
    outbox_close(ob);
    ExportReport rep;
    assert_int_equal(export_run(f->data, f->usb, T0, NULL, &rep, err, sizeof err), 0);
    m = load_manifest(rep.bundle);
    assert_string_equal(json_string_value(json_object_get(json_object_get(m, "signer"),
                                                          "fingerprint")), fp);
    json_decref(m);
    free(mt); free(sig); free(keytext); free(kp); free(bundle); free(secp);
}

/* Ratings live only in the manifest: a changed rating count, or a changed
 * count of submissions, is refused (before: opened, exit 0). */
static void test_edited_manifest_refused(void **state)
{
    Fx *f = *state;
    char *secp, err[600];
    char *bundle = signed_bundle(f, f->data, &secp);
    ExportSigner who;
    json_t *m = load_manifest(bundle);
    json_t *march = json_object_get(json_object_get(m, "ratings"), "2026-03");
    json_object_set_new(march, "1", json_integer(40));   /* forty angry residents */
    save_manifest(bundle, m, NULL);
    assert_int_equal(open_into(f, bundle, secp, "o1", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "manifest.json was changed after the kiosk signed it"));
    assert_int_equal(export_check_bundle(bundle, NULL, NULL, &who, err, sizeof err), -1);
    json_object_set_new(march, "1", json_integer(0));
    json_object_set_new(json_object_get(m, "counts"), "submissions", json_integer(1));
    save_manifest(bundle, m, NULL);
    assert_int_equal(open_into(f, bundle, secp, "o2", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "signature does not match"));
    /* Even a change of layout only (the same values, other spacing). */
    json_object_set_new(json_object_get(m, "counts"), "submissions", json_integer(2));
    char *t = json_dumps(m, JSON_COMPACT);
    char *p = tmpdir_path(bundle, "manifest.json");
    assert_int_equal(tmpdir_write(p, t, strlen(t)), 0);
    assert_int_equal(open_into(f, bundle, secp, "o3", NULL, &who, err, sizeof err), -1);
    /* The manifest as the kiosk wrote it opens again. */
    save_manifest(bundle, m, NULL);
    assert_int_equal(open_into(f, bundle, secp, "o4", NULL, &who, err, sizeof err), 0);
    /* No signature at all: refused. */
    char *sp = tmpdir_path(bundle, "manifest.sig");
    assert_int_equal(unlink(sp), 0);
    assert_int_equal(open_into(f, bundle, secp, "o5", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "manifest.sig is missing"));
    /* Nor may the signer's key be removed to pass as an old unsigned bundle. */
    json_object_del(m, "signer");
    save_manifest(bundle, m, NULL);
    assert_int_equal(open_into(f, bundle, secp, "o6", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "names no signing key"));
    json_decref(m);
    free(sp); free(p); free(t); free(bundle); free(secp);
}

/* A data file edited together with its hash in the manifest: the hashes
 * agree, the signature does not. */
static void test_edited_file_refused(void **state)
{
    Fx *f = *state;
    char *secp, err[600];
    char *bundle = signed_bundle(f, f->data, &secp);
    ExportSigner who;
    /* A line dropped from the CSV. */
    char *csvp = tmpdir_path(bundle, "submissions.csv"), *csv = tmpdir_read(csvp);
    char *last = strrchr(csv, '\n');
    *last = '\0';
    last = strrchr(csv, '\n');
    last[1] = '\0';
    assert_int_equal(tmpdir_write(csvp, csv, strlen(csv)), 0);
    assert_int_equal(open_into(f, bundle, secp, "o1", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "submissions.csv"));
    /* ... and the manifest's hash and size brought in line with it. */
    char hex[65];
    int64_t size;
    assert_int_equal(export_sha256_path(csvp, hex, &size), 0);
    json_t *m = load_manifest(bundle);
    json_t *fe = json_object_get(json_object_get(m, "files"), "submissions.csv");
    json_object_set_new(fe, "sha256", json_string(hex));
    json_object_set_new(fe, "bytes", json_integer(size));
    save_manifest(bundle, m, NULL);
    assert_int_equal(open_into(f, bundle, secp, "o2", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "signature does not match"));
    json_decref(m);
    free(csv); free(csvp); free(bundle); free(secp);
}

/* Whoever edits a bundle can sign it again with a key of their own: the
 * signature then holds, but the key is not the kiosk's. Opened expecting
 * the kiosk's key, it is refused; opened without, it names the other key. */
static void test_swapped_key_refused(void **state)
{
    Fx *f = *state;
    char *secp, err[600], fp[EXPORT_SIGN_FP_SIZE];
    char *bundle = signed_bundle(f, f->data, &secp);
    kiosk_fp(f->data, fp);
    char *evil_dir = tmpdir_path(f->dir, "evil");
    ExportSignKey evil;
    assert_int_equal(export_sign_load(evil_dir, true, &evil, err, sizeof err), 0);
    json_t *m = load_manifest(bundle);
    json_object_set_new(json_object_get(m, "counts"), "submissions", json_integer(2));
    json_object_set_new(json_object_get(json_object_get(m, "ratings"), "2026-03"), "5",
                        json_integer(0));
    /* The key swapped but the old signature kept: refused. */
    char pub[EXPORT_SIGN_KEY_B64 + 1];
    export_sign_public_b64(evil.pk, pub);
    json_object_set_new(json_object_get(m, "signer"), "public_key", json_string(pub));
    save_manifest(bundle, m, NULL);
    ExportSigner who;
    assert_int_equal(open_into(f, bundle, secp, "o1", NULL, &who, err, sizeof err), -1);
    /* Re-signed with the other key. */
    save_manifest(bundle, m, &evil);
    assert_int_equal(open_into(f, bundle, secp, "o2", fp, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "not by"));
    assert_int_equal(open_into(f, bundle, secp, "o3", NULL, &who, err, sizeof err), 0);
    assert_string_not_equal(who.fingerprint, fp);   /* the office's check: not this kiosk */
    export_sign_wipe(&evil);
    json_decref(m);
    free(evil_dir); free(bundle); free(secp);
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name)
{
    char *a = tmpdir_path(from_dir, name), *b = tmpdir_path(to_dir, name);
    char *t = tmpdir_read(a);
    struct stat st;
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(tmpdir_write(b, t, (size_t)st.st_size), 0);
    free(t); free(a); free(b);
}

/* Two kiosks, two keys: one's bundle does not pass for the other's, whole
 * or in parts. */
static void test_bundle_from_another_kiosk(void **state)
{
    Fx *f = *state;
    char *secp, err[600], fp_a[EXPORT_SIGN_FP_SIZE], fp_b[EXPORT_SIGN_FP_SIZE];
    char *data_b = tmpdir_path(f->dir, "data-b");
    char *a = signed_bundle(f, f->data, &secp);
    free(secp);
    char *b = signed_bundle(f, data_b, &secp);
    kiosk_fp(f->data, fp_a);
    kiosk_fp(data_b, fp_b);
    assert_string_not_equal(fp_a, fp_b);
    ExportSigner who;
    /* B's bundle, whole, when A's is expected. */
    assert_int_equal(open_into(f, b, secp, "o1", fp_a, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, fp_b));
    assert_int_equal(open_into(f, b, secp, "o2", fp_b, &who, err, sizeof err), 0);
    /* B's manifest and signature over A's files. */
    char *mix = tmpdir_path(f->dir, "mix");
    mkdir(mix, 0700);
    copy_file(a, mix, "submissions.jsonl");
    copy_file(a, mix, "submissions.csv");
    copy_file(b, mix, "manifest.json");
    copy_file(b, mix, "manifest.sig");
    assert_int_equal(open_into(f, mix, secp, "o3", NULL, &who, err, sizeof err), -1);
    /* A's manifest with B's signature. */
    copy_file(a, mix, "manifest.json");
    assert_int_equal(open_into(f, mix, secp, "o4", NULL, &who, err, sizeof err), -1);
    assert_non_null(strstr(err, "signature does not match"));
    /* All of A's: fine, and A's. */
    copy_file(a, mix, "manifest.sig");
    assert_int_equal(open_into(f, mix, secp, "o5", fp_a, &who, err, sizeof err), 0);
    free(mix); free(a); free(b); free(secp); free(data_b);
}

/* A bundle of a kiosk from before signing (format version 1, no signer,
 * no manifest.sig) is refused unless asked for explicitly. */
static void test_unsigned_old_bundle(void **state)
{
    Fx *f = *state;
    char *secp, err[600];
    char *bundle = signed_bundle(f, f->data, &secp);
    json_t *m = load_manifest(bundle);
    json_object_del(m, "signer");
    json_object_del(m, "rating_rows");
    json_object_set_new(m, "v", json_integer(1));
    save_manifest(bundle, m, NULL);
    char *sp = tmpdir_path(bundle, "manifest.sig");
    unlink(sp);
    ExportSigner who;
    assert_int_equal(open_into(f, bundle, secp, "o1", NULL, &who, err, sizeof err),
                     EXPORT_UNSIGNED);
    assert_non_null(strstr(err, "not signed"));
    assert_non_null(strstr(err, "--unsigned"));
    char *out = tmpdir_path(f->dir, "o2");
    ExportOpenOptions o = { .out_dir = out, .allow_unsigned = true };
    ExportReport rep;
    assert_int_equal(export_open_bundle(bundle, secp, &o, &rep, &who, err, sizeof err), 0);
    assert_int_equal(rep.rows, 2);
    assert_string_equal(who.fingerprint, "");
    /* Its files are still checked against its manifest. */
    char *jl = tmpdir_path(bundle, "submissions.jsonl");
    assert_int_equal(tmpdir_write(jl, "{}\n", 3), 0);
    char *out3 = tmpdir_path(f->dir, "o3");
    o.out_dir = out3;
    assert_int_equal(export_open_bundle(bundle, secp, &o, &rep, &who, err, sizeof err), -1);
    json_decref(m);
    free(out3); free(jl); free(out); free(sp); free(bundle); free(secp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bundle_contents_and_marks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_for_excel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ratings_counted_in_manifest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drive_fills_mid_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drive_removed_between_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drive_removed_before_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_gone_mid_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sealed_export_and_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_drive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manifest_is_signed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_manifest_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edited_file_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_swapped_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle_from_another_kiosk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsigned_old_bundle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
