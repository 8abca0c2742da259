/* test_office_bundle.c - `officectl import-bundle`: a real kiosk's signed
 * USB bundle into a real office, stored once however often it is imported
 * and whatever was uploaded too; edited bundles, unknown kiosks, other
 * keys and revoked kiosks refused with nothing stored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "export.h"
#include "export_sign.h"
#include "kioskrun.h"
#include "officesrv.h"
#include "ostore.h"
#include "outbox.h"
#include "proc.h"
#include "seal.h"
#include "tmpdir.h"

static char *dir, *conf, *kdata, *usb;
static OfficeSrv srv;
static SealPublic office_pub;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || officesrv_init(&srv, dir, NULL) < 0 || officesrv_start(&srv) < 0)
        return -1;
    conf = tmpdir_path(dir, "kiosk.conf");
    kdata = tmpdir_path(dir, "kiosk");
    usb = tmpdir_path(dir, "usb");
    mkdir(usb, 0755);
    char text[2048], err[300];
    snprintf(text, sizeof text,
             "[kiosk]\ndata_dir = %s\n\n"
             "[upload]\nupload_times =\nupload_batch_min = 1\n"
             "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n"
             "connect_timeout_s = 2\ntransfer_timeout_s = 5\n", kdata);
    char pubp[700];
    snprintf(pubp, sizeof pubp, "%s/data/office.pub", srv.dir);
    if (seal_load_public(pubp, &office_pub, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return tmpdir_write(conf, text, strlen(text));
}

static int teardown(void **state)
{
    (void)state;
    int rc = officesrv_stop(&srv);
    free(conf);
    free(kdata);
    free(usb);
    tmpdir_remove(dir);
    return rc == 0 ? 0 : -1;
}

static int kioskctl(char **out, char **err, const char *a, const char *b, const char *c)
{
    if (out) {
        free(*out);
        *out = NULL;
    }
    if (err) {
        free(*err);
        *err = NULL;
    }
    return kioskrun_ctl(conf, out, err, a, b, c);
}

/* Suggestions (every other one with a contact) and ratings of 4 in a
 * kiosk's queue, sealed to the office. */
static void queue(const char *data, const char *word, int n, int ratings)
{
    char err[300], receipt[OUTBOX_RECEIPT_SIZE], text[64];
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    assert_non_null(ob);
    outbox_set_seal_key(ob, &office_pub);
    for (int i = 0; i < n; i++) {
        snprintf(text, sizeof text, "%s %d", word, i);
        assert_int_equal(outbox_push(ob, "repairs", text, i % 2 ? NULL : "13800000000", "zh",
                                     time(NULL), receipt, err, sizeof err), OUTBOX_OK);
    }
    for (int i = 0; i < ratings; i++)
        assert_int_equal(outbox_push_rating(ob, 4, time(NULL), err, sizeof err), OUTBOX_OK);
    outbox_close(ob);
}

static char *export_now(const char *data)
{
    ExportReport rep;
    char err[600];
    if (export_run(data, usb, time(NULL), NULL, &rep, err, sizeof err) != 0)
        fail_msg("export: %s", err);
    assert_true(rep.bundle[0]);
    return strdup(rep.bundle);
}

static int import(char **out, char **err, const char *bundle, const char *o1, const char *v1,
                  const char *o2, const char *v2)
{
    free(*out);
    free(*err);
    *out = *err = NULL;
    return officesrv_ctl(&srv, out, err, "import-bundle", bundle, o1, v1, o2, v2, NULL);
}

typedef struct {
    int n, readable, contacts, prefixed;
    const char *prefix;
} Stored;

static int stored_row(void *ud, const OstoreSuggestionRow *r)
{
    Stored *s = ud;
    s->n++;
    s->readable += !r->unreadable && r->text != NULL;
    s->contacts += r->contact && strcmp(r->contact, "13800000000") == 0;
    s->prefixed += r->text && strncmp(r->text, s->prefix, strlen(s->prefix)) == 0;
    return 0;
}

/* What the office holds for community cuihu. */
static Stored office_has(const char *prefix, int64_t *ratings4)
{
    char err[300];
    Ostore *s = ostore_open(srv.db, err, sizeof err);
    assert_non_null(s);
    OstoreCommunity c;
    assert_int_equal(ostore_community_get(s, "cuihu", &c), OSTORE_OK);
    Stored st = { .prefix = prefix };
    assert_int_equal(ostore_suggestion_list(s, c.id, stored_row, &st), OSTORE_OK);
    int64_t counts[6];
    char month[8];
    time_t now = time(NULL);
    strftime(month, sizeof month, "%Y-%m", localtime(&now));
    assert_int_equal(ostore_rating_counts(s, c.id, month, counts), OSTORE_OK);
    *ratings4 = counts[4];
    ostore_close(s);
    return st;
}

static void enrol(const char *name)
{
    char code[10], *out = NULL, *err = NULL;   /* kioskctl frees what they held */
    assert_int_equal(officesrv_add_kiosk(&srv, name, code), 0);
    int rc = kioskctl(&out, &err, "enroll", srv.url, code);
    if (rc != 0)
        fail_msg("enroll: %d %s", rc, err ? err : "");
    free(out);
    free(err);
}

/* A real bundle imported, then imported again: stored once; then
 * suggestions that were uploaded AND carried on the drive: stored once;
 * and a bundle imported before its rows were uploaded: the upload is a
 * duplicate, not a conflict. */
static void test_import_once(void **state)
{
    (void)state;
    enrol("lobby-east");
    char *out = NULL, *err = NULL;
    queue(kdata, "lamp", 3, 2);
    char *b1 = export_now(kdata);
    int rc = import(&out, &err, b1, NULL, NULL, NULL, NULL);
    if (rc != 0)
        fail_msg("import: %d %s", rc, err ? err : "");
    assert_non_null(strstr(out, "kiosk cuihu/lobby-east"));
    assert_non_null(strstr(out, "3 suggestions (3 new"));
    assert_non_null(strstr(out, "2 contacts (2 new)"));
    assert_non_null(strstr(out, "2 ratings (2 new)"));
    int64_t r4;
    Stored st = office_has("lamp", &r4);
    assert_int_equal(st.n, 3);
    assert_int_equal(st.readable, 3);   /* opened with the office key */
    assert_int_equal(st.prefixed, 3);
    assert_int_equal(st.contacts, 2);
    assert_int_equal(r4, 2);
    /* Again: nothing new. */
    assert_int_equal(import(&out, &err, b1, NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "3 suggestions (0 new, 3 already here)"));
    assert_non_null(strstr(out, "2 ratings (0 new)"));
    st = office_has("lamp", &r4);
    assert_int_equal(st.n, 3);
    assert_int_equal(r4, 2);

    /* Uploaded, and then on a drive too (the kiosk missed the answers). */
    queue(kdata, "noisy", 2, 1);
    rc = kioskctl(&out, &err, "upload", NULL, NULL);
    if (rc != 0)
        fail_msg("upload: %d %s", rc, err ? err : "");
    st = office_has("noisy", &r4);
    assert_int_equal(st.prefixed, 2);
    assert_int_equal(r4, 3);
    char e[300];
    Outbox *ob = outbox_open(kdata, NULL, e, sizeof e);
    assert_non_null(ob);
    assert_int_equal(sqlite3_exec(outbox_db(ob), "UPDATE submissions SET state = 'waiting'"
                                  " WHERE state = 'delivered'", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(outbox_db(ob)), 3);
    outbox_close(ob);
    char *b2 = export_now(kdata);
    assert_int_equal(import(&out, &err, b2, NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "2 suggestions (0 new, 2 already here)"));
    assert_non_null(strstr(out, "1 ratings (0 new)"));
    st = office_has("noisy", &r4);
    assert_int_equal(st.n, 5);
    assert_int_equal(st.prefixed, 2);
    assert_int_equal(r4, 3);

    /* On a drive first, then uploaded (the export's marks were refused). */
    queue(kdata, "door", 1, 1);
    char *b3 = export_now(kdata);
    assert_int_equal(import(&out, &err, b3, NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "1 suggestions (1 new"));
    ob = outbox_open(kdata, NULL, e, sizeof e);
    assert_int_equal(sqlite3_exec(outbox_db(ob), "UPDATE submissions SET state = 'waiting'"
                                  " WHERE state = 'exported'", NULL, NULL, NULL), SQLITE_OK);
    outbox_close(ob);
    rc = kioskctl(&out, &err, "upload", NULL, NULL);
    if (rc != 0)
        fail_msg("upload after import: %d %s %s", rc, out ? out : "", err ? err : "");
    ob = outbox_open(kdata, NULL, e, sizeof e);
    OutboxCounts oc;
    assert_int_equal(outbox_counts(ob, &oc), 0);
    assert_int_equal(oc.dead, 0);       /* the office said duplicate, not conflict */
    assert_int_equal(oc.waiting, 0);
    outbox_close(ob);
    st = office_has("door", &r4);
    assert_int_equal(st.n, 6);
    assert_int_equal(st.prefixed, 1);
    assert_int_equal(r4, 4);
    free(b1); free(b2); free(b3); free(out); free(err);
}

static void edit_manifest(const char *bundle, const char *from, const char *to)
{
    char *p = tmpdir_path(bundle, "manifest.json"), *t = tmpdir_read(p);
    char *at = strstr(t, from);
    assert_non_null(at);
    size_t n = strlen(t) - strlen(from) + strlen(to);
    char *u = malloc(n + 1);
    snprintf(u, n + 1, "%.*s%s%s", (int)(at - t), t, to, at + strlen(from));
    assert_int_equal(tmpdir_write(p, u, n), 0);
    free(u);
    free(t);
    free(p);
}

/* Refused, nothing stored: an edited manifest, a bundle of a kiosk the
 * office does not know, another kiosk's key, a revoked kiosk. A kiosk never
 * enrolled is trusted by its fingerprint. */
static void test_refusals(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    int64_t r4, r4_before;
    Stored before = office_has("", &r4_before);

    /* The enrolled kiosk's bundle with a rating count changed. */
    queue(kdata, "edited", 2, 1);
    char *b = export_now(kdata);
    edit_manifest(b, "\"4\": 1", "\"4\": 9");
    assert_int_equal(import(&out, &err, b, NULL, NULL, NULL, NULL), 1);
    assert_non_null(strstr(err, "manifest.json was changed after the kiosk signed it"));
    assert_non_null(strstr(err, "nothing was stored"));
    edit_manifest(b, "\"4\": 9", "\"4\": 1");
    /* An edited file. */
    char *jl = tmpdir_path(b, "submissions.jsonl"), *jt = tmpdir_read(jl);
    jt[strlen(jt) - 3] = 'X';
    assert_int_equal(tmpdir_write(jl, jt, strlen(jt)), 0);
    assert_int_equal(import(&out, &err, b, NULL, NULL, NULL, NULL), 1);
    assert_non_null(strstr(err, "submissions.jsonl"));
    Stored st = office_has("edited", &r4);
    assert_int_equal(st.n, before.n);
    assert_int_equal(st.prefixed, 0);
    assert_int_equal(r4, r4_before);

    /* A kiosk the office never heard of. */
    char *k2 = tmpdir_path(dir, "kiosk2");
    queue(k2, "stranger", 1, 0);
    char *b2 = export_now(k2);
    assert_int_equal(import(&out, &err, b2, NULL, NULL, NULL, NULL), 2);
    assert_non_null(strstr(err, "does not know"));
    ExportSignKey k;
    char fp[EXPORT_SIGN_FP_SIZE], e[600];
    assert_int_equal(export_sign_load(k2, false, &k, e, sizeof e), 0);
    export_sign_fingerprint(k.pk, fp);
    export_sign_wipe(&k);
    assert_non_null(strstr(err, fp));
    /* Named as the enrolled kiosk: that one has another key. */
    assert_int_equal(import(&out, &err, b2, "--kiosk", "cuihu/lobby-east", NULL, NULL), 2);
    assert_non_null(strstr(err, "not one the office recorded for cuihu/lobby-east"));
    /* A kiosk added but never enrolled, trusted by its fingerprint. */
    char code[10];
    assert_int_equal(officesrv_add_kiosk(&srv, "lobby-west", code), 0);
    assert_int_equal(import(&out, &err, b2, "--kiosk", "cuihu/lobby-west", "--trust",
                            "0000-0000-0000-0000-0000"), 2);
    assert_non_null(strstr(err, "not by 0000-0000-0000-0000-0000"));
    st = office_has("stranger", &r4);
    assert_int_equal(st.prefixed, 0);
    int rc = import(&out, &err, b2, "--kiosk", "cuihu/lobby-west", "--trust", fp);
    if (rc != 0)
        fail_msg("trusted import: %d %s", rc, err ? err : "");
    assert_non_null(strstr(out, "recorded the key"));
    assert_non_null(strstr(out, "cuihu/lobby-west"));
    st = office_has("stranger", &r4);
    assert_int_equal(st.prefixed, 1);
    /* From now on its key is known. */
    queue(k2, "known", 1, 0);
    char *b3 = export_now(k2);
    assert_int_equal(import(&out, &err, b3, NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "cuihu/lobby-west"));
    /* The enrolled kiosk's bundle named as lobby-west's: refused. */
    queue(kdata, "misnamed", 1, 0);
    char *b4 = export_now(kdata);
    assert_int_equal(import(&out, &err, b4, "--kiosk", "cuihu/lobby-west", NULL, NULL), 2);
    assert_non_null(strstr(err, "signed by the key of kiosk cuihu/lobby-east"));
    /* A revoked kiosk's key is not trusted any more. */
    assert_int_equal(officesrv_ctl(&srv, NULL, NULL, "kiosk", "revoke", "cuihu", "lobby-west",
                                   NULL), 0);
    queue(k2, "revoked", 1, 0);
    char *b5 = export_now(k2);
    assert_int_equal(import(&out, &err, b5, NULL, NULL, NULL, NULL), 2);
    assert_non_null(strstr(err, "revoked"));
    st = office_has("revoked", &r4);
    assert_int_equal(st.prefixed, 0);
    /* Not a bundle. */
    assert_int_equal(import(&out, &err, usb, NULL, NULL, NULL, NULL), 2);
    assert_int_equal(import(&out, &err, NULL, NULL, NULL, NULL, NULL), 2);
    free(b); free(b2); free(b3); free(b4); free(b5); free(k2); free(jl); free(jt);
    free(out); free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_once),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
