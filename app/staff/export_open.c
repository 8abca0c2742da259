/* export_open.c - at the office: check a bundle's signature and hashes, read its records, open its sealed rows. */
#include "export_priv.h"
#include "afile.h"
#include "seal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest manifest read (ratings one by one: about 80 bytes each). */
#define EXPORT_MANIFEST_MAX (64u << 20)

static const char *open_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Check both data files against the manifest `m`. Returns 0, or -1 with err. */
static int open_check_files(const char *bundle, json_t *m, char *err, size_t errlen)
{
    static const char *const names[] = { EXPORT_JSONL, EXPORT_CSV };
    for (int i = 0; i < 2; i++) {
        json_t *f = json_object_get(json_object_get(m, "files"), names[i]);
        const char *want = json_string_value(json_object_get(f, "sha256"));
        json_t *bytes = json_object_get(f, "bytes");
        char got[65], path[PATH_MAX + 64];
        int64_t size = -1;
        snprintf(path, sizeof path, "%s/%s", bundle, names[i]);
        if (!want || export_sha256_path(path, got, &size) < 0 || strcmp(got, want) != 0 ||
            (bytes && json_integer_value(bytes) != size)) {
            snprintf(err, errlen, "%s: %s is missing, damaged or was changed (its SHA-256 is"
                     " not the one in the manifest): refused; copy the bundle again from the"
                     " kiosk's drive", bundle, names[i]);
            return -1;
        }
    }
    return 0;
}

int export_check_bundle(const char *bundle, const char *expect_fp, json_t **manifest,
                        ExportSigner *who, char *err, size_t errlen)
{
    memset(who, 0, sizeof *who);
    if (manifest)
        *manifest = NULL;
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    struct stat st;
    if (stat(bundle, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a bundle directory", bundle);
        return EXPORT_BAD_INPUT;
    }
    char path[PATH_MAX + 64], why[400];
    snprintf(path, sizeof path, "%s/" EXPORT_MANIFEST, bundle);
    size_t len = 0;
    char *text = afile_read(path, EXPORT_MANIFEST_MAX, &len, why, sizeof why);
    json_error_t je;
    json_t *m = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!m || strcmp(open_str(m, "format"), EXPORT_FORMAT) != 0) {
        snprintf(err, errlen, "%s: not an export bundle (no valid %s)", bundle, EXPORT_MANIFEST);
        json_decref(m);
        free(text);
        return EXPORT_BAD_INPUT;
    }
    int rc = 0;
    json_t *v = json_object_get(m, "v");
    json_t *signer = json_object_get(m, "signer");
    snprintf(path, sizeof path, "%s/" EXPORT_SIG, bundle);
    if (json_integer_value(v) == 1 && !signer && access(path, F_OK) != 0) {
        rc = EXPORT_UNSIGNED;   /* a kiosk from before signing */
        snprintf(err, errlen, "%s: this bundle is not signed (written by a kiosk older than"
                 " version 2 of the format), so nothing shows that it is unchanged", bundle);
    } else if (json_integer_value(v) != EXPORT_VERSION) {
        snprintf(err, errlen, "%s: bundle format version %lld is not known here (expected %d):"
                 " update this program", bundle, (long long)json_integer_value(v),
                 EXPORT_VERSION);
        rc = EXPORT_BAD_INPUT;
    } else if (strcmp(open_str(signer, "alg"), "ed25519") != 0 ||
               export_sign_parse_public(open_str(signer, "public_key"), who->pk) < 0) {
        snprintf(err, errlen, "%s: %s names no signing key: refused (changed or damaged)",
                 bundle, EXPORT_MANIFEST);
        rc = -1;
    } else {
        char *sig = afile_read(path, 1024, NULL, why, sizeof why);
        if (sig)
            sig[strcspn(sig, "\r\n")] = '\0';
        if (!sig) {
            snprintf(err, errlen, "%s: %s is missing: refused (nothing shows that the bundle"
                     " is unchanged); copy the bundle again", bundle, EXPORT_SIG);
            rc = -1;
        } else if (!export_sign_verify(who->pk, text, len, sig)) {
            snprintf(err, errlen, "%s: %s was changed after the kiosk signed it (or is"
                     " damaged): its signature does not match; refused, nothing was opened",
                     bundle, EXPORT_MANIFEST);
            rc = -1;
        }
        free(sig);
        export_sign_public_b64(who->pk, who->public_key);
        export_sign_fingerprint(who->pk, who->fingerprint);
        if (rc == 0 && expect_fp && !export_sign_fingerprint_eq(expect_fp, who->fingerprint)) {
            snprintf(err, errlen, "%s: signed by the kiosk key %s, not by %s: refused (a bundle"
                     " of another kiosk, or re-signed by someone else)", bundle,
                     who->fingerprint, expect_fp);
            rc = -1;
        }
        if (rc != 0)
            memset(who, 0, sizeof *who);
    }
    free(text);
    if ((rc == 0 || rc == EXPORT_UNSIGNED) && open_check_files(bundle, m, err, errlen) < 0)
        rc = -1;
    if (manifest && (rc == 0 || rc == EXPORT_UNSIGNED))
        *manifest = m;
    else
        json_decref(m);
    return rc;
}

/* Open one sealed record in place (r->text and r->contact replaced by the
 * plain ones, which the caller frees). Returns 0 or -1 (unreadable). */
static int open_record(const SealSecret *key, OutboxRow *r)
{
    char *plain = seal_open_base64(key, r->text, NULL);
    json_error_t je;
    json_t *p = plain ? json_loads(plain, 0, &je) : NULL;
    if (plain) {
        sodium_memzero(plain, strlen(plain));
        free(plain);
    }
    const char *text = json_string_value(json_object_get(p, "text"));
    if (!text || strcmp(open_str(p, "id"), r->id) != 0 ||
        strcmp(open_str(p, "receipt"), r->receipt) != 0 ||
        strcmp(open_str(p, "topic"), r->topic) != 0 || strcmp(open_str(p, "date"), r->day) != 0) {
        json_decref(p);
        return -1;
    }
    char *t = strdup(text);
    json_decref(p);
    if (!t)
        return -1;
    char *c = NULL;
    if (r->contact) {
        plain = seal_open_base64(key, r->contact, NULL);
        json_t *cj = plain ? json_loads(plain, 0, &je) : NULL;
        if (plain) {
            sodium_memzero(plain, strlen(plain));
            free(plain);
        }
        const char *contact = json_string_value(json_object_get(cj, "contact"));
        if (contact && strcmp(open_str(cj, "id"), r->id) == 0)
            c = strdup(contact);
        json_decref(cj);
        if (!c) {
            sodium_memzero(t, strlen(t));
            free(t);
            return -1;
        }
    }
    r->text = t;
    r->contact = c;
    r->sealed = false;
    return 0;
}

/* Fill r from one JSON Lines record. Returns 0 or -1. */
static int open_parse(json_t *o, OutboxRow *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", open_str(o, "id"));
    snprintf(r->receipt, sizeof r->receipt, "%s", open_str(o, "receipt"));
    snprintf(r->day, sizeof r->day, "%s", open_str(o, "date"));
    snprintf(r->topic, sizeof r->topic, "%s", open_str(o, "topic"));
    snprintf(r->lang, sizeof r->lang, "%s", open_str(o, "lang"));
    snprintf(r->state, sizeof r->state, "%s", open_str(o, "state"));
    r->sealed = json_is_true(json_object_get(o, "sealed"));
    r->text = (char *)json_string_value(json_object_get(o, "text"));
    r->contact = (char *)json_string_value(json_object_get(o, "contact"));
    return r->text && strlen(r->id) == 36 ? 0 : -1;
}

int64_t export_each_record(const char *bundle, const SealSecret *key, ExportRecordFn fn,
                           void *ctx, char *err, size_t errlen)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/" EXPORT_JSONL, bundle);
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int64_t n = 0, rc = 0;
    int lineno = 0;
    while (rc == 0 && (len = getline(&line, &cap, in)) > 0) {
        lineno++;
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &je);
        ExportRecord rec = { .line = line, .lineno = lineno };
        if (!o || open_parse(o, &rec.row) < 0) {
            snprintf(err, errlen, "%s:%d: not a submission record", path, lineno);
            rc = -1;
        } else {
            rec.was_sealed = rec.row.sealed;
            rec.unreadable = rec.row.sealed && (!key || open_record(key, &rec.row) < 0);
            bool opened = rec.was_sealed && !rec.unreadable;
            if (fn(&rec, ctx) != 0)
                rc = -2;
            else
                n++;
            if (opened) {
                sodium_memzero(rec.row.text, strlen(rec.row.text));
                free(rec.row.text);
                if (rec.row.contact)
                    sodium_memzero(rec.row.contact, strlen(rec.row.contact));
                free(rec.row.contact);
            }
        }
        json_decref(o);
    }
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    free(line);
    fclose(in);
    return rc < 0 ? rc : n;
}

typedef struct {
    ExportFile f[2];
    ExportReport *rep;
    char *err;
    size_t errlen;
    int rc;
} OpenWrite;

static int open_write_record(const ExportRecord *rec, void *ctx)
{
    OpenWrite *w = ctx;
    if (rec->unreadable) {
        snprintf(w->err, w->errlen, "submission %s: cannot be opened with this key (wrong key,"
                 " or the record was altered)", rec->row.id);
        w->rc = EXPORT_BAD_INPUT;
        return 1;
    }
    char *j = export_jsonl_line(&rec->row), *c = export_csv_line(&rec->row);
    int rc = 0;
    if (j && c) {
        export_file_write(&w->f[0], j, strlen(j));
        export_file_write(&w->f[1], c, strlen(c));
        w->rep->rows++;
        w->rep->sealed += rec->was_sealed;
        w->rep->with_contact += rec->row.contact != NULL;
    } else {
        snprintf(w->err, w->errlen, "out of memory");
        w->rc = -1;
        rc = 1;
    }
    if (j)
        sodium_memzero(j, strlen(j));
    if (c)
        sodium_memzero(c, strlen(c));
    free(j);
    free(c);
    return rc;
}

int export_open_bundle(const char *bundle, const char *key_path, const ExportOpenOptions *opt,
                       ExportReport *rep, ExportSigner *who, char *err, size_t errlen)
{
    static const ExportOpenOptions none = {0};
    if (!opt)
        opt = &none;
    memset(rep, 0, sizeof *rep);
    json_t *m = NULL;
    int rc = export_check_bundle(bundle, opt->expect_fp, &m, who, err, errlen);
    if (rc == EXPORT_UNSIGNED && opt->allow_unsigned)
        rc = 0;
    else if (rc == EXPORT_UNSIGNED) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, "; open it with --unsigned only if the drive never left"
                 " trusted hands");
    }
    int64_t want_rows = json_integer_value(json_object_get(json_object_get(m, "counts"),
                                                           "submissions"));
    json_decref(m);
    if (rc != 0)
        return rc;
    SealSecret key;
    if (seal_load_secret(key_path, &key, err, errlen) < 0)
        return EXPORT_BAD_INPUT;

    const char *out_dir = opt->out_dir;
    char out[PATH_MAX], paths[2][PATH_MAX + 64];
    snprintf(out, sizeof out, "%s%s", out_dir ? out_dir : bundle, out_dir ? "" : "-opened");
    /* A folder made here goes again on failure: nothing is left behind. */
    bool made_out = mkdir(out, 0700) == 0;
    if (!made_out && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", out, strerror(errno));
        seal_wipe(&key);
        return EXPORT_BAD_INPUT;
    }
    snprintf(paths[0], sizeof paths[0], "%s/" EXPORT_JSONL, out);
    snprintf(paths[1], sizeof paths[1], "%s/" EXPORT_CSV, out);
    OpenWrite w = { .rep = rep, .err = err, .errlen = errlen, .rc = 0 };
    bool created[2] = {false, false};
    int opened = 0;
    char hex[65];
    rc = -1;
    for (; opened < 2; created[opened++] = true)
        if (export_file_open(&w.f[opened], paths[opened]) < 0) {
            snprintf(err, errlen, "%s: cannot create (%s)%s", paths[opened], strerror(errno),
                     errno == EEXIST ? ": it was opened before; choose another --out" : "");
            rc = errno == EEXIST ? EXPORT_BAD_INPUT : -1;
            goto done;
        }
    export_file_write(&w.f[1], EXPORT_CSV_HEAD, strlen(EXPORT_CSV_HEAD));
    int64_t n = export_each_record(bundle, &key, open_write_record, &w, err, errlen);
    bool bad = n < 0;
    if (n == -2)
        rc = w.rc;
    if (!bad && n != want_rows) {
        snprintf(err, errlen, "%s: %lld records, but its manifest counts %lld: refused"
                 " (changed or damaged)", bundle, (long long)n, (long long)want_rows);
        bad = true;
    }
    for (int i = 0; i < 2; i++)
        if (export_file_close(&w.f[i], hex) < 0 && !bad) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            bad = true;
        }
    opened = 0;
    if (!bad) {
        rc = 0;
        snprintf(rep->bundle, sizeof rep->bundle, "%s", out);
    }
done:
    for (int i = 0; i < opened; i++)
        export_file_close(&w.f[i], hex);
    for (int i = 0; rc != 0 && i < 2; i++)   /* no half-opened output left */
        if (created[i])
            unlink(paths[i]);
    if (rc != 0 && made_out)
        rmdir(out);
    seal_wipe(&key);
    return rc;
}
