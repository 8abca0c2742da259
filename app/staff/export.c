/* export.c - the queue to a USB drive: bundle written under a temporary name, synced, renamed, verified, then marked. */
#include "export_priv.h"
#include "afile.h"
#include "export_sign.h"
#include "timeutil.h"
#include "outbox.h"
#include "version.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    ExportFile file;
    bool csv;
    ExportReport *rep;
    char (*ids)[37];          /* collected by the first pass */
    size_t n_ids, cap_ids;
    int64_t seen;             /* rows of this pass */
    json_t *ratings;          /* {"YYYY-MM": {"1": n, ..., "5": n}, ...} */
    json_t *rating_rows;      /* [{"id", "month", "score"}, ...] by id */
    bool oom;
} ExportPass;

/* Remember an id to mark exported once the bundle is verified. Returns 0 or -1 (oom). */
static int export_add_id(ExportPass *p, const char *id)
{
    if (p->n_ids == p->cap_ids) {
        size_t cap = p->cap_ids ? 2 * p->cap_ids : 256;
        char (*grown)[37] = realloc(p->ids, cap * sizeof *grown);
        if (!grown) {
            p->oom = true;
            return -1;
        }
        p->ids = grown;
        p->cap_ids = cap;
    }
    memcpy(p->ids[p->n_ids++], id, 37);
    return 0;
}

static int export_row(const OutboxRow *r, void *ctx)
{
    ExportPass *p = ctx;
    char *line = p->csv ? export_csv_line(r) : export_jsonl_line(r);
    if (!line) {
        p->oom = true;
        return 1;
    }
    export_file_write(&p->file, line, strlen(line));
    sodium_memzero(line, strlen(line));
    free(line);
    if (p->file.err)
        return 1;
    p->seen++;
    if (p->csv)
        return 0;
    if (export_add_id(p, r->id) < 0)
        return 1;
    ExportReport *rep = p->rep;
    rep->rows++;
    rep->waiting += strcmp(r->state, "waiting") == 0;
    rep->dead += strcmp(r->state, "dead") == 0;
    rep->sealed += r->sealed;
    rep->with_contact += r->contact != NULL;
    return 0;
}

/* Write one file of the bundle from the outbox. Returns 0 or -1 with err set. */
static int export_write_rows(Outbox *ob, const char *dir, ExportPass *p, char hex[65],
                             int64_t *bytes, char *err, size_t errlen)
{
    const char *name = p->csv ? EXPORT_CSV : EXPORT_JSONL;
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (export_file_open(&p->file, path) < 0) {
        export_io_msg(err, errlen, errno, "writing", name);
        return -1;
    }
    p->seen = 0;
    if (p->csv)
        export_file_write(&p->file, EXPORT_CSV_HEAD, strlen(EXPORT_CSV_HEAD));
    char why[200] = "";
    int64_t n = outbox_each(ob, OUTBOX_WAITING | OUTBOX_DEAD, export_row, p, why, sizeof why);
    int werr = p->file.err;
    int rc = export_file_close(&p->file, hex);
    int cerr = errno;
    *bytes = p->file.bytes;
    if (p->oom) {
        snprintf(err, errlen, "out of memory while writing %s; nothing was marked exported", name);
        return -1;
    }
    if (werr || rc < 0) {
        export_io_msg(err, errlen, werr ? werr : cerr, "writing", name);
        return -1;
    }
    if (n < 0) {
        p->rep->fail = EXPORT_FAIL_QUEUE;
        snprintf(err, errlen, "reading the queue failed: %s; nothing was marked exported", why);
        return -1;
    }
    return 0;
}

/* A rating goes into the manifest's counts by month and score, not into
 * the submissions files (docs/EXPORT.md); its row is marked exported too. */
static int export_rating(const OutboxRating *r, void *ctx)
{
    ExportPass *p = ctx;
    json_t *month = json_object_get(p->ratings, r->month);
    if (!month) {
        month = json_pack("{s:i, s:i, s:i, s:i, s:i}", "1", 0, "2", 0, "3", 0, "4", 0, "5", 0);
        if (!month || json_object_set_new(p->ratings, r->month, month) < 0) {
            p->oom = true;
            return 1;
        }
    }
    char key[4];
    snprintf(key, sizeof key, "%d", r->score);
    json_t *n = json_object_get(month, key);
    if (!n || json_integer_set(n, json_integer_value(n) + 1) < 0 || export_add_id(p, r->id) < 0 ||
        json_array_append_new(p->rating_rows, json_pack("{s:s, s:s, s:i}", "id", r->id,
                                                        "month", r->month, "score",
                                                        r->score)) < 0) {
        p->oom = true;
        return 1;
    }
    p->rep->ratings++;
    return 0;
}

/* Collect the waiting and dead ratings (same read snapshot as the rows). */
static int export_collect_ratings(Outbox *ob, ExportPass *p, char *err, size_t errlen)
{
    char why[200] = "";
    p->ratings = json_object();
    p->rating_rows = json_array();
    int64_t n = p->ratings && p->rating_rows ? outbox_each_rating(ob, OUTBOX_WAITING | OUTBOX_DEAD, export_rating,
                                                p, why, sizeof why) : -1;
    if (!p->ratings || !p->rating_rows || p->oom) {
        snprintf(err, errlen, "out of memory while counting ratings; nothing was marked"
                 " exported");
        return -1;
    }
    if (n < 0) {
        p->rep->fail = EXPORT_FAIL_QUEUE;
        snprintf(err, errlen, "reading the queue failed: %s; nothing was marked exported", why);
        return -1;
    }
    return 0;
}

/* Write manifest.json, then manifest.sig: the kiosk's signature over the
 * manifest's exact bytes (docs/EXPORT.md, "Trust"). mhex and shex get
 * their hashes for the read-back. Returns 0 or -1 with err set. */
static int export_write_manifest(const char *dir, const ExportReport *rep, const ExportPass *p,
                                 const ExportSignKey *key, int64_t now_s, char hex[2][65],
                                 const int64_t bytes[2], char mhex[65], char shex[65],
                                 char *err, size_t errlen)
{
    char day[11], pub[EXPORT_SIGN_KEY_B64 + 1], fp[EXPORT_SIGN_FP_SIZE];
    time_local_date(now_s, 0, day);
    export_sign_public_b64(key->pk, pub);
    export_sign_fingerprint(key->pk, fp);
    json_t *o = json_pack("{s:s, s:i, s:s, s:s, s:b, s:{s:s, s:s, s:s},"
                          " s:{s:I, s:I, s:I, s:I, s:I, s:I},"
                          " s:O, s:O, s:{s:{s:I, s:s}, s:{s:I, s:s}}}",
                          "format", EXPORT_FORMAT, "v", EXPORT_VERSION,
                          "kiosk_version", KIOSK_VERSION,
                          "created", day, "sealed", rep->sealed > 0,
                          "signer", "alg", "ed25519", "public_key", pub, "fingerprint", fp,
                          "counts", "submissions", (json_int_t)rep->rows,
                          "waiting", (json_int_t)rep->waiting, "dead", (json_int_t)rep->dead,
                          "sealed", (json_int_t)rep->sealed,
                          "with_contact", (json_int_t)rep->with_contact,
                          "ratings", (json_int_t)rep->ratings, "ratings", p->ratings,
                          "rating_rows", p->rating_rows,
                          "files", EXPORT_JSONL, "bytes", (json_int_t)bytes[0], "sha256", hex[0],
                          EXPORT_CSV, "bytes", (json_int_t)bytes[1], "sha256", hex[1]);
    char *text = o ? json_dumps(o, JSON_INDENT(2)) : NULL;
    json_decref(o);
    size_t len = text ? strlen(text) : 0;
    char *signed_text = text ? realloc(text, len + 2) : NULL;
    if (!signed_text) {
        free(text);
        snprintf(err, errlen, "out of memory writing the manifest");
        return -1;
    }
    text = signed_text;
    memcpy(text + len, "\n", 2);   /* the signature covers the file as written */
    len++;
    char sig[EXPORT_SIGN_SIG_B64 + 2];
    export_sign_manifest(key, text, len, sig);
    strcat(sig, "\n");
    static const char *const names[2] = { EXPORT_MANIFEST, EXPORT_SIG };
    const char *data[2] = { text, sig };
    size_t lens[2] = { len, strlen(sig) };
    char *hexes[2] = { mhex, shex };
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ExportFile f;
        rc = export_file_open(&f, path);
        if (rc == 0) {
            export_file_write(&f, data[i], lens[i]);
            rc = export_file_close(&f, hexes[i]);
        }
        if (rc < 0)
            export_io_msg(err, errlen, errno, "writing", names[i]);
    }
    free(text);
    return rc;
}

/* Remove a bundle directory we made (its files at most). Best effort: on
 * a pulled drive nothing can be removed. */
static void export_remove_dir(const char *dir)
{
    static const char *const names[] = { EXPORT_JSONL, EXPORT_CSV, EXPORT_MANIFEST, EXPORT_SIG };
    char path[PATH_MAX + 64];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Read the bundle back from the drive by its final path and check each
 * file against what was written, and the signature against the key.
 * Returns 0 or -1 with err set. */
static int export_verify(const char *bundle, char hex[2][65], const int64_t bytes[2],
                         const char mhex[65], const char shex[65], const ExportSignKey *key,
                         char *err, size_t errlen)
{
    static const char *const names[] = { EXPORT_JSONL, EXPORT_CSV, EXPORT_MANIFEST, EXPORT_SIG };
    const char *want[] = { hex[0], hex[1], mhex, shex };
    char path[PATH_MAX + 64], got[65];
    for (int i = 0; i < 4; i++) {
        int64_t size = 0;
        snprintf(path, sizeof path, "%s/%s", bundle, names[i]);
        if (export_sha256_path(path, got, &size) < 0) {
            export_io_msg(err, errlen, errno, "reading back", names[i]);
            return -1;
        }
        if (strcmp(got, want[i]) != 0 || (i < 2 && size != bytes[i])) {
            snprintf(err, errlen, "%s read back from the drive differs from what was"
                     " written (a faulty drive?); nothing was marked exported", names[i]);
            return -1;
        }
    }
    /* And the manifest on the drive says what we meant it to say, signed. */
    ExportSigner who;
    json_t *m = NULL;
    char why[400];
    int ok = export_check_bundle(bundle, NULL, &m, &who, why, sizeof why) == 0 &&
             memcmp(who.pk, key->pk, sizeof who.pk) == 0;
    const char *h0 = json_string_value(json_object_get(json_object_get(
        json_object_get(m, "files"), EXPORT_JSONL), "sha256"));
    const char *h1 = json_string_value(json_object_get(json_object_get(
        json_object_get(m, "files"), EXPORT_CSV), "sha256"));
    ok = ok && h0 && h1 && strcmp(h0, hex[0]) == 0 && strcmp(h1, hex[1]) == 0;
    json_decref(m);
    if (!ok) {
        snprintf(err, errlen, "the manifest read back from the drive does not match;"
                 " nothing was marked exported");
        return -1;
    }
    return 0;
}

static void export_stage(const ExportOptions *opt, const char *stage)
{
    if (opt && opt->hook)
        opt->hook(stage, opt->hook_ctx);
}

static int export_check_dest(const char *dest, char *err, size_t errlen)
{
    struct stat st;
    if (stat(dest, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: no such directory (is the drive plugged in?)", dest);
        return -1;
    }
    if (access(dest, W_OK) < 0) {
        snprintf(err, errlen, "%s: cannot write there (%s)", dest, strerror(errno));
        return -1;
    }
    return 0;
}

int export_run(const char *data_dir, const char *dest_dir, int64_t now_s,
               const ExportOptions *opt, ExportReport *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    if (err && errlen)
        err[0] = '\0';
    if (sodium_init() < 0) {
        rep->fail = EXPORT_FAIL_OTHER;
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    if (export_check_dest(dest_dir, err, errlen) < 0) {
        rep->fail = EXPORT_FAIL_DRIVE;
        return -1;
    }
    char why[400];
    Outbox *ob = outbox_open(data_dir, NULL, why, sizeof why);
    rep->fail = EXPORT_FAIL_QUEUE;   /* until the files are being written */
    if (!ob) {
        snprintf(err, errlen, "cannot open the queue: %s", why);
        return -1;
    }
    OutboxCounts counts;
    if (outbox_counts(ob, &counts) < 0 || outbox_read_begin(ob) < 0) {
        snprintf(err, errlen, "cannot read the queue");
        outbox_close(ob);
        return -1;
    }
    if (counts.queued_rows == 0) {
        outbox_read_end(ob);
        outbox_close(ob);
        rep->fail = EXPORT_FAIL_NONE;
        return 0;   /* nothing to export: no bundle */
    }
    rep->fail = EXPORT_FAIL_DRIVE;   /* from here on a failure is mostly the drive's */

    char day[11], rnd[7], final[PATH_MAX], partial[PATH_MAX + 16];
    time_local_date(now_s, 0, day);
    unsigned char rb[3];
    randombytes_buf(rb, sizeof rb);
    sodium_bin2hex(rnd, sizeof rnd, rb, sizeof rb);
    if (snprintf(final, sizeof final, "%s/" EXPORT_PREFIX "%s-%s", dest_dir, day, rnd)
        >= (int)sizeof final) {
        snprintf(err, errlen, "%s: name too long", dest_dir);
        outbox_read_end(ob);
        outbox_close(ob);
        return -1;
    }
    snprintf(partial, sizeof partial, "%s.partial", final);

    ExportSignKey key;
    if (export_sign_load(data_dir, true, &key, err, errlen) != 0) {
        outbox_read_end(ob);
        outbox_close(ob);
        return -1;
    }
    ExportPass pass;
    memset(&pass, 0, sizeof pass);
    pass.rep = rep;
    char hex[2][65], mhex[65], shex[65];
    int64_t bytes[2] = {0, 0};
    int rc = -1;
    bool renamed = false;
    if (mkdir(partial, 0755) < 0) {
        export_io_msg(err, errlen, errno, "writing", "the bundle directory");
        goto out;
    }
    export_stage(opt, EXPORT_JSONL);
    if (export_write_rows(ob, partial, &pass, hex[0], &bytes[0], err, errlen) < 0)
        goto out;
    export_stage(opt, EXPORT_CSV);
    pass.csv = true;
    if (export_write_rows(ob, partial, &pass, hex[1], &bytes[1], err, errlen) < 0 ||
        export_collect_ratings(ob, &pass, err, errlen) < 0)
        goto out;
    outbox_read_end(ob);
    if (pass.seen != rep->rows) {
        snprintf(err, errlen, "the queue changed while it was read; nothing was marked"
                 " exported");
        goto out;
    }
    export_stage(opt, EXPORT_MANIFEST);
    if (export_write_manifest(partial, rep, &pass, &key, now_s, hex, bytes, mhex, shex, err,
                              errlen) < 0)
        goto out;
    if (afile_sync_dir(partial) < 0) {
        export_io_msg(err, errlen, errno, "writing", "the bundle directory");
        goto out;
    }
    export_stage(opt, "rename");
    if (rename(partial, final) < 0 || afile_sync_dir(dest_dir) < 0) {
        export_io_msg(err, errlen, errno, "writing", "the bundle directory");
        goto out;
    }
    renamed = true;
    export_stage(opt, "verify");
    if (export_verify(final, hex, bytes, mhex, shex, &key, err, errlen) < 0)
        goto out;
    snprintf(rep->bundle, sizeof rep->bundle, "%s", final);
    rep->marked = outbox_mark_exported(ob, (const char (*)[37])pass.ids, pass.n_ids,
                                       why, sizeof why);
    if (rep->marked < 0) {
        rep->marked = 0;
        rep->fail = EXPORT_FAIL_MARKS;
        snprintf(err, errlen, "the bundle %s is complete, but the kiosk could not mark"
                 " the rows exported (%s): they will be exported again next time", final, why);
        rc = -1;
        renamed = false;   /* keep it: it is whole and verified */
        goto done;
    }
    rc = 0;
    rep->fail = EXPORT_FAIL_NONE;
    goto done;
out:
    /* Failed: take away what was written, so nothing looks like a bundle. */
    outbox_read_end(ob);
    if (renamed) {
        export_remove_dir(final);
        if (access(final, F_OK) == 0) {   /* could not: at least drop the finished name */
            char failed[PATH_MAX + 16];
            snprintf(failed, sizeof failed, "%s.failed", final);
            rename(final, failed);
        }
    } else {
        export_remove_dir(partial);
    }
    rep->bundle[0] = '\0';
done:
    free(pass.ids);
    json_decref(pass.ratings);
    json_decref(pass.rating_rows);
    export_sign_wipe(&key);
    outbox_close(ob);
    return rc;
}

/* Whether path is a writable mount point on another device than data_dev. */
static bool export_is_drive(const char *path, dev_t data_dev)
{
    char parent[PATH_MAX + 4];
    struct stat st, pst;
    if (snprintf(parent, sizeof parent, "%s/..", path) >= (int)sizeof parent ||
        stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || stat(parent, &pst) < 0)
        return false;
    return st.st_dev != pst.st_dev && st.st_dev != data_dev && access(path, W_OK) == 0;
}

int export_find_drive(const char *media_root, const char *data_dir, char *out, size_t n,
                      char *err, size_t errlen)
{
    int count;
    return export_find_drives(media_root, data_dir, out, n, &count, err, errlen);
}

int export_find_drives(const char *media_root, const char *data_dir, char *out, size_t n,
                       int *count_out, char *err, size_t errlen)
{
    const char *root = media_root ? media_root : EXPORT_MEDIA_ROOT;
    struct stat dst;
    dev_t data_dev = data_dir && stat(data_dir, &dst) == 0 ? dst.st_dev : (dev_t)-1;
    char found[4][PATH_MAX];
    int count = 0;
    DIR *d = opendir(root);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p1[PATH_MAX];
        if (snprintf(p1, sizeof p1, "%s/%s", root, e->d_name) >= (int)sizeof p1)
            continue;
        if (export_is_drive(p1, data_dev)) {
            if (count < 4)
                snprintf(found[count], PATH_MAX, "%s", p1);
            count++;
            continue;
        }
        DIR *d2 = opendir(p1);   /* /media/USER/LABEL, as desktop automounters do */
        struct dirent *e2;
        while (d2 && (e2 = readdir(d2)) != NULL) {
            char p2[PATH_MAX];
            if (e2->d_name[0] == '.' ||
                snprintf(p2, sizeof p2, "%s/%s", p1, e2->d_name) >= (int)sizeof p2)
                continue;
            if (export_is_drive(p2, data_dev)) {
                if (count < 4)
                    snprintf(found[count], PATH_MAX, "%s", p2);
                count++;
            }
        }
        if (d2)
            closedir(d2);
    }
    if (d)
        closedir(d);
    *count_out = count;
    if (count == 1) {
        if (snprintf(out, n, "%s", found[0]) >= (int)n) {
            snprintf(err, errlen, "%s: name too long", found[0]);
            return -1;
        }
        return 0;
    }
    if (count == 0) {
        snprintf(err, errlen, "no USB drive found under %s: plug one in and wait a few"
                 " seconds", root);
        return -1;
    }
    snprintf(err, errlen, "%d drives found (%s, %s%s): leave only one plugged in", count,
             found[0], found[1], count > 2 ? ", ..." : "");
    return -1;
}
