/* export_open.c - at the office: check a bundle against its manifest and open its sealed rows. */
#include "export_priv.h"
#include "seal.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Check both data files against the manifest. Returns 0, EXPORT_BAD_INPUT
 * when it is not a bundle, -1 when a file is damaged or missing. */
static int open_check_manifest(const char *bundle, char *err, size_t errlen)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/" EXPORT_MANIFEST, bundle);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m || !json_is_string(json_object_get(m, "format")) ||
        strcmp(json_string_value(json_object_get(m, "format")), EXPORT_FORMAT) != 0) {
        snprintf(err, errlen, "%s: not an export bundle (no valid %s)", bundle, EXPORT_MANIFEST);
        json_decref(m);
        return EXPORT_BAD_INPUT;
    }
    static const char *const names[] = { EXPORT_JSONL, EXPORT_CSV };
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        json_t *f = json_object_get(json_object_get(m, "files"), names[i]);
        const char *want = json_string_value(json_object_get(f, "sha256"));
        char got[65];
        snprintf(path, sizeof path, "%s/%s", bundle, names[i]);
        if (!want || export_sha256_path(path, got, NULL) < 0 || strcmp(got, want) != 0) {
            snprintf(err, errlen, "%s: %s is missing or damaged (its SHA-256 does not match"
                     " the manifest); copy the bundle again", bundle, names[i]);
            rc = -1;
        }
    }
    json_decref(m);
    return rc;
}

static const char *open_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Open one sealed record in place (r->text and r->contact replaced by the
 * plain ones, which the caller frees). Returns 0 or -1 with err set. */
static int open_record(const SealSecret *key, OutboxRow *r, char *err, size_t errlen)
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
        snprintf(err, errlen, "submission %s: cannot be opened with this key (wrong key, or"
                 " the record was altered)", r->id);
        json_decref(p);
        return -1;
    }
    r->text = strdup(text);
    json_decref(p);
    if (!r->text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (r->contact) {
        plain = seal_open_base64(key, r->contact, NULL);
        json_t *c = plain ? json_loads(plain, 0, &je) : NULL;
        free(plain);
        const char *contact = json_string_value(json_object_get(c, "contact"));
        if (!contact || strcmp(open_str(c, "id"), r->id) != 0) {
            snprintf(err, errlen, "submission %s: its contact cannot be opened with this key",
                     r->id);
            json_decref(c);
            free(r->text);
            return -1;
        }
        r->contact = strdup(contact);
        json_decref(c);
        if (!r->contact) {
            free(r->text);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
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

int export_open_bundle(const char *bundle, const char *key_path, const char *out_dir,
                       ExportReport *rep, char *err, size_t errlen)
{
    memset(rep, 0, sizeof *rep);
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    struct stat st;
    if (stat(bundle, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a bundle directory", bundle);
        return EXPORT_BAD_INPUT;
    }
    int rc = open_check_manifest(bundle, err, errlen);
    if (rc < 0)
        return rc;
    SealSecret key;
    if (seal_load_secret(key_path, &key, err, errlen) < 0)
        return EXPORT_BAD_INPUT;

    char out[PATH_MAX], in_path[PATH_MAX + 64], paths[2][PATH_MAX + 64];
    snprintf(out, sizeof out, "%s%s", out_dir ? out_dir : bundle, out_dir ? "" : "-opened");
    /* A folder made here goes again on failure: nothing is left behind. */
    bool made_out = mkdir(out, 0700) == 0;
    if (!made_out && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", out, strerror(errno));
        seal_wipe(&key);
        return EXPORT_BAD_INPUT;
    }
    snprintf(in_path, sizeof in_path, "%s/" EXPORT_JSONL, bundle);
    snprintf(paths[0], sizeof paths[0], "%s/" EXPORT_JSONL, out);
    snprintf(paths[1], sizeof paths[1], "%s/" EXPORT_CSV, out);
    FILE *in = fopen(in_path, "r");
    ExportFile f[2];
    bool created[2] = {false, false};
    int opened = 0;
    char hex[65];
    rc = -1;
    if (!in) {
        snprintf(err, errlen, "%s: %s", in_path, strerror(errno));
        goto done;
    }
    for (; opened < 2; created[opened++] = true)
        if (export_file_open(&f[opened], paths[opened]) < 0) {
            snprintf(err, errlen, "%s: cannot create (%s)%s", paths[opened], strerror(errno),
                     errno == EEXIST ? ": it was opened before; choose another --out" : "");
            rc = errno == EEXIST ? EXPORT_BAD_INPUT : -1;
            goto done;
        }
    export_file_write(&f[1], EXPORT_CSV_HEAD, strlen(EXPORT_CSV_HEAD));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0;
    bool bad = false;
    while (!bad && (len = getline(&line, &cap, in)) > 0) {
        lineno++;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)len, 0, &je);
        OutboxRow r;
        if (!o || open_parse(o, &r) < 0) {
            snprintf(err, errlen, "%s:%d: not a submission record", in_path, lineno);
            bad = true;
        } else if (r.sealed && open_record(&key, &r, err, errlen) < 0) {
            rc = EXPORT_BAD_INPUT;
            bad = true;
        } else {
            bool was_sealed = json_is_true(json_object_get(o, "sealed"));
            char *j = export_jsonl_line(&r), *c = export_csv_line(&r);
            if (j && c) {
                export_file_write(&f[0], j, strlen(j));
                export_file_write(&f[1], c, strlen(c));
                rep->rows++;
                rep->sealed += was_sealed;
                rep->with_contact += r.contact != NULL;
            } else {
                snprintf(err, errlen, "out of memory");
                bad = true;
            }
            free(j);
            free(c);
            if (was_sealed) {
                free(r.text);
                free(r.contact);
            }
        }
        json_decref(o);
    }
    free(line);
    if (!bad && ferror(in)) {
        snprintf(err, errlen, "%s: read error", in_path);
        bad = true;
    }
    for (int i = 0; i < 2; i++)
        if (export_file_close(&f[i], hex) < 0 && !bad) {
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
        export_file_close(&f[i], hex);
    for (int i = 0; rc != 0 && i < 2; i++)   /* no half-opened output left */
        if (created[i])
            unlink(paths[i]);
    if (rc != 0 && made_out)
        rmdir(out);
    if (in)
        fclose(in);
    seal_wipe(&key);
    return rc;
}
