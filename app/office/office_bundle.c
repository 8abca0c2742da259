/* office_bundle.c - officectl import-bundle: a kiosk's signed USB bundle checked against the key the office recorded, opened and stored once by id. */
#include "office_bundle.h"
#include "outbox.h"
#include "timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Ostore *s;
    OfficeBundleReport *rep;
    int64_t now;
    char *err;
    size_t errlen;
    int rc;
} BundleCtx;

static bool bundle_id_ok(const char *id)
{
    if (strlen(id) != 36)
        return false;
    for (const char *p = id; *p; p++)
        if (!(isxdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

static bool bundle_date_ok(const char *date, size_t len)
{
    char iso[32];
    int64_t t;
    snprintf(iso, sizeof iso, len == 7 ? "%s-01T00:00Z" : "%sT00:00Z", date);
    return strlen(date) == len && time_parse_iso8601(iso, &t) == 0;
}

/* The fields of a record as the upload path checks them; a message in
 * err when one is wrong. */
static bool bundle_fields_ok(const OutboxRow *r, char *err, size_t errlen)
{
    const char *bad = NULL;
    if (!bundle_id_ok(r->id))
        bad = "id";
    else if (strlen(r->receipt) != OUTBOX_RECEIPT_LEN ||
             strspn(r->receipt, OUTBOX_RECEIPT_ALPHABET) != OUTBOX_RECEIPT_LEN)
        bad = "receipt";
    else if (!bundle_date_ok(r->day, 10))
        bad = "date";
    else if (strcmp(r->lang, "zh") != 0 && strcmp(r->lang, "en") != 0)
        bad = "lang";
    else if (!r->topic[0] || strspn(r->topic, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
             strlen(r->topic))
        bad = "topic";
    if (bad)
        snprintf(err, errlen, "submission %.36s: its %s is not valid: refused", r->id, bad);
    return !bad;
}

/* Store one record: the suggestion, then its contact. */
static int bundle_record(const ExportRecord *rec, void *ctx)
{
    BundleCtx *c = ctx;
    const OutboxRow *r = &rec->row;
    if (!bundle_fields_ok(r, c->err, c->errlen)) {
        c->rc = OFFICE_BUNDLE_FAIL;
        return 1;
    }
    OstoreIn in = { .community_id = c->rep->kiosk.community_id, .kiosk_id = c->rep->kiosk.id,
                    .key = r->id, .body_hash = OSTORE_BODY_BUNDLE, .received_at = c->now };
    OstoreSuggestion sg = { .body = rec->line, .sealed = rec->was_sealed,
                            .unreadable = rec->unreadable };
    if (!rec->unreadable) {
        sg.topic = r->topic;
        sg.text = r->text;
        sg.date = r->day;
        sg.receipt = r->receipt;
        sg.lang = r->lang;
    }
    OstoreResult res = ostore_suggestion_add(c->s, &in, &sg);
    if (res == OSTORE_OK || res == OSTORE_DUPLICATE) {
        c->rep->suggestions++;
        c->rep->suggestions_new += res == OSTORE_OK;
        c->rep->unreadable += res == OSTORE_OK && rec->unreadable;
    }
    if ((res == OSTORE_OK || res == OSTORE_DUPLICATE) && r->contact) {
        char key[64];
        snprintf(key, sizeof key, "%s:contact", r->id);
        in.key = key;
        res = ostore_contact_add(c->s, &in, r->id, rec->unreadable ? NULL : r->contact,
                                 rec->was_sealed, rec->unreadable);
        if (res == OSTORE_OK || res == OSTORE_DUPLICATE) {
            c->rep->contacts++;
            c->rep->contacts_new += res == OSTORE_OK;
        }
    }
    if (res == OSTORE_OK || res == OSTORE_DUPLICATE)
        return 0;
    if (res == OSTORE_CONFLICT || res == OSTORE_NOTFOUND) {
        snprintf(c->err, c->errlen, "submission %s: this id is stored already as something"
                 " else, or for another community: refused", r->id);
        c->rc = OFFICE_BUNDLE_FAIL;
    } else {
        snprintf(c->err, c->errlen, "the database failed: %s", ostore_error(c->s));
        c->rc = OFFICE_BUNDLE_FAIL;
    }
    return 1;
}

/* The ratings one by one, checked against the manifest's counts, stored
 * by id. Returns OFFICE_BUNDLE_OK or a failure with err set. */
static int bundle_ratings(BundleCtx *c, json_t *m)
{
    json_t *rows = json_object_get(m, "rating_rows"), *months = json_object_get(m, "ratings");
    int64_t want = json_integer_value(json_object_get(json_object_get(m, "counts"), "ratings"));
    if (!json_is_array(rows) || (int64_t)json_array_size(rows) != want) {
        snprintf(c->err, c->errlen, "its manifest lists %zu ratings but counts %lld: refused",
                 json_array_size(rows), (long long)want);
        return OFFICE_BUNDLE_FAIL;
    }
    json_t *tally = json_object();
    int rc = tally ? OFFICE_BUNDLE_OK : OFFICE_BUNDLE_FAIL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        if (rc != OFFICE_BUNDLE_OK)
            break;
        const char *id = json_string_value(json_object_get(row, "id"));
        const char *month = json_string_value(json_object_get(row, "month"));
        json_int_t score = json_integer_value(json_object_get(row, "score"));
        if (!id || !bundle_id_ok(id) || !month || !bundle_date_ok(month, 7) ||
            score < OUTBOX_RATING_MIN || score > OUTBOX_RATING_MAX) {
            snprintf(c->err, c->errlen, "rating %zu of its manifest is not valid: refused", i + 1);
            rc = OFFICE_BUNDLE_FAIL;
            break;
        }
        char key[16];
        snprintf(key, sizeof key, "%s/%d", month, (int)score);
        json_t *n = json_object_get(tally, key);
        json_object_set_new(tally, key, json_integer(json_integer_value(n) + 1));
        OstoreIn in = { .community_id = c->rep->kiosk.community_id,
                        .kiosk_id = c->rep->kiosk.id, .key = id,
                        .body_hash = OSTORE_BODY_BUNDLE, .received_at = c->now };
        OstoreResult res = ostore_rating_add(c->s, &in, month, (int)score);
        if (res == OSTORE_OK || res == OSTORE_DUPLICATE) {
            c->rep->ratings++;
            c->rep->ratings_new += res == OSTORE_OK;
        } else {
            if (res == OSTORE_CONFLICT)
                snprintf(c->err, c->errlen, "rating %s: this id is stored already as something"
                         " else, or for another community: refused", id);
            else
                snprintf(c->err, c->errlen, "the database failed: %s", ostore_error(c->s));
            rc = OFFICE_BUNDLE_FAIL;
        }
    }
    /* The counts by month and score say the same as the list. */
    const char *month;
    json_t *scores;
    json_object_foreach(months, month, scores) {
        for (int sc = OUTBOX_RATING_MIN; rc == OFFICE_BUNDLE_OK && sc <= OUTBOX_RATING_MAX;
             sc++) {
            char key[32], sk[12];
            snprintf(key, sizeof key, "%.10s/%d", month, sc);
            snprintf(sk, sizeof sk, "%d", sc);
            if (json_integer_value(json_object_get(scores, sk)) !=
                json_integer_value(json_object_get(tally, key))) {
                snprintf(c->err, c->errlen, "its ratings of %.10s do not add up: refused", month);
                rc = OFFICE_BUNDLE_FAIL;
            }
        }
    }
    json_decref(tally);
    return rc;
}

/* Split "COMMUNITY/NAME" and find that kiosk. */
static int bundle_named_kiosk(Ostore *s, const char *spec, OstoreKiosk *k, char *err,
                              size_t errlen)
{
    char slug[64];
    const char *slash = strchr(spec, '/');
    if (!slash || slash == spec || !slash[1] || (size_t)(slash - spec) >= sizeof slug) {
        snprintf(err, errlen, "--kiosk: expected COMMUNITY/NAME, e.g. cuihu/lobby-east");
        return OFFICE_BUNDLE_REFUSED;
    }
    memcpy(slug, spec, (size_t)(slash - spec));
    slug[slash - spec] = '\0';
    OstoreCommunity com;
    OstoreResult r = ostore_community_get(s, slug, &com);
    if (r == OSTORE_OK)
        r = ostore_kiosk_get(s, com.id, slash + 1, k);
    if (r == OSTORE_NOTFOUND) {
        snprintf(err, errlen, "no kiosk %s (officectl kiosk list)", spec);
        return OFFICE_BUNDLE_REFUSED;
    }
    if (r != OSTORE_OK) {
        snprintf(err, errlen, "the database failed: %s", ostore_error(s));
        return OFFICE_BUNDLE_FAIL;
    }
    return OFFICE_BUNDLE_OK;
}

/* Whose bundle: the kiosk the signing key was recorded for, checked
 * against --kiosk, or recorded now with --kiosk and --trust. Runs inside
 * the import's transaction. */
static int bundle_whose(Ostore *s, const ExportSigner *who, const OfficeBundleOptions *opt,
                        int64_t now, OfficeBundleReport *rep, char *err, size_t errlen)
{
    OstoreKiosk known;
    OstoreResult r = ostore_export_key_kiosk(s, who->public_key, &known);
    if (r != OSTORE_OK && r != OSTORE_NOTFOUND) {
        snprintf(err, errlen, "the database failed: %s", ostore_error(s));
        return OFFICE_BUNDLE_FAIL;
    }
    if (opt->trust_fp && !opt->kiosk) {
        snprintf(err, errlen, "--trust needs --kiosk COMMUNITY/NAME: whose key it is");
        return OFFICE_BUNDLE_REFUSED;
    }
    if (!opt->kiosk) {
        if (r == OSTORE_NOTFOUND) {
            snprintf(err, errlen, "signed by the kiosk key %s, which this office does not know:"
                     " refused. Enrol the kiosk (kioskctl enroll records its key), or, for a"
                     " kiosk that cannot be enrolled, compare the key with the \"export key\""
                     " line of kioskctl status on it and import with --kiosk COMMUNITY/NAME"
                     " --trust %s", who->fingerprint, who->fingerprint);
            return OFFICE_BUNDLE_REFUSED;
        }
        rep->kiosk = known;
    } else {
        int rc = bundle_named_kiosk(s, opt->kiosk, &rep->kiosk, err, errlen);
        if (rc != OFFICE_BUNDLE_OK)
            return rc;
        if (r == OSTORE_OK && known.id != rep->kiosk.id) {
            snprintf(err, errlen, "signed by the key of kiosk %s/%s (%s), not by %s's: refused",
                     known.community, known.name, who->fingerprint, opt->kiosk);
            return OFFICE_BUNDLE_REFUSED;
        }
        if (r == OSTORE_NOTFOUND && !opt->trust_fp) {
            snprintf(err, errlen, "signed by the key %s, which is not one the office recorded"
                     " for %s: refused (a bundle of another kiosk, or changed and signed"
                     " again). If %s's \"export key\" in kioskctl status is %s, import with"
                     " --trust %s", who->fingerprint, opt->kiosk, opt->kiosk, who->fingerprint,
                     who->fingerprint);
            return OFFICE_BUNDLE_REFUSED;
        }
        if (r == OSTORE_NOTFOUND) {
            if (!export_sign_fingerprint_eq(opt->trust_fp, who->fingerprint)) {
                snprintf(err, errlen, "signed by the key %s, not by %s given with --trust:"
                         " refused", who->fingerprint, opt->trust_fp);
                return OFFICE_BUNDLE_REFUSED;
            }
            if (ostore_export_key_set(s, rep->kiosk.id, who->public_key, now) != OSTORE_OK) {
                snprintf(err, errlen, "the database failed: %s", ostore_error(s));
                return OFFICE_BUNDLE_FAIL;
            }
            rep->key_recorded = 1;
        }
    }
    if (rep->kiosk.revoked_at) {
        snprintf(err, errlen, "kiosk %s/%s is revoked: its key is not trusted any more,"
                 " refused", rep->kiosk.community, rep->kiosk.name);
        return OFFICE_BUNDLE_REFUSED;
    }
    return OFFICE_BUNDLE_OK;
}

int office_bundle_import(Ostore *s, const SealSecret *key, const char *dir,
                         const OfficeBundleOptions *opt, int64_t now, OfficeBundleReport *rep,
                         char *err, size_t errlen)
{
    static const OfficeBundleOptions none = {0};
    if (!opt)
        opt = &none;
    memset(rep, 0, sizeof *rep);
    json_t *m = NULL;
    ExportSigner who;
    int rc = export_check_bundle(dir, NULL, &m, &who, err, errlen);
    if (rc == EXPORT_UNSIGNED) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, ": the office imports signed bundles only (kioskctl open"
                 " --unsigned reads it)");
        json_decref(m);
        return OFFICE_BUNDLE_REFUSED;
    }
    if (rc != 0)
        return rc == EXPORT_BAD_INPUT ? OFFICE_BUNDLE_REFUSED : OFFICE_BUNDLE_FAIL;
    snprintf(rep->fingerprint, sizeof rep->fingerprint, "%s", who.fingerprint);
    if (ostore_begin(s) != OSTORE_OK) {
        snprintf(err, errlen, "the database failed: %s", ostore_error(s));
        json_decref(m);
        return OFFICE_BUNDLE_FAIL;
    }
    rc = bundle_whose(s, &who, opt, now, rep, err, errlen);
    BundleCtx c = { s, rep, now, err, errlen, OFFICE_BUNDLE_OK };
    if (rc == OFFICE_BUNDLE_OK) {
        char why[600];
        int64_t n = export_each_record(dir, key, bundle_record, &c, why, sizeof why);
        int64_t want = json_integer_value(json_object_get(json_object_get(m, "counts"),
                                                          "submissions"));
        if (n == -2) {
            rc = c.rc;
        } else if (n < 0) {
            snprintf(err, errlen, "%s", why);
            rc = OFFICE_BUNDLE_FAIL;
        } else if (n != want) {
            snprintf(err, errlen, "%s: %lld records, but its manifest counts %lld: refused",
                     dir, (long long)n, (long long)want);
            rc = OFFICE_BUNDLE_FAIL;
        }
    }
    if (rc == OFFICE_BUNDLE_OK)
        rc = bundle_ratings(&c, m);
    if (rc == OFFICE_BUNDLE_OK && ostore_commit(s) != OSTORE_OK) {
        snprintf(err, errlen, "the database failed: %s", ostore_error(s));
        rc = OFFICE_BUNDLE_FAIL;
    }
    if (rc != OFFICE_BUNDLE_OK) {
        ostore_rollback(s);
        OstoreKiosk k = rep->kiosk;
        char fp[EXPORT_SIGN_FP_SIZE];
        memcpy(fp, rep->fingerprint, sizeof fp);
        memset(rep, 0, sizeof *rep);   /* nothing was stored */
        rep->kiosk = k;
        memcpy(rep->fingerprint, fp, sizeof fp);
    }
    json_decref(m);
    return rc;
}

int office_bundle_cmd(const OfficeConf *conf, const char *db, int argc, char **argv,
                      int64_t now)
{
    const char *dir = NULL;
    OfficeBundleOptions opt = {0};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--kiosk") == 0 && i + 1 < argc)
            opt.kiosk = argv[++i];
        else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
            opt.trust_fp = argv[++i];
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else {
            fprintf(stderr, "officectl: import-bundle: unexpected \"%s\"\n", argv[i]);
            dir = NULL;
            break;
        }
    }
    if (!dir) {
        fprintf(stderr, "officectl: import-bundle: expected DIR [--kiosk COMMUNITY/NAME"
                " [--trust FINGERPRINT]]\n");
        return 2;
    }
    char keyp[OFFICE_PATH_MAX], err[1200];
    office_conf_key_path(conf, keyp, sizeof keyp);
    SealSecret sec;
    if (keyp[0] && seal_load_secret(keyp, &sec, err, sizeof err) < 0) {
        fprintf(stderr, "officectl: import-bundle: the office key: %s\n", err);
        return 1;
    }
    Ostore *s = ostore_open(db, err, sizeof err);
    if (!s) {
        fprintf(stderr, "officectl: %s\n", err);
        if (keyp[0])
            seal_wipe(&sec);
        return 1;
    }
    OfficeBundleReport rep;
    int rc = office_bundle_import(s, keyp[0] ? &sec : NULL, dir, &opt, now, &rep, err,
                                  sizeof err);
    ostore_close(s);
    if (keyp[0])
        seal_wipe(&sec);
    if (rc != OFFICE_BUNDLE_OK) {
        fprintf(stderr, "officectl: import-bundle: %s; nothing was stored\n", err);
        return rc == OFFICE_BUNDLE_REFUSED ? 2 : 1;
    }
    if (rep.key_recorded)
        printf("recorded the key %s as kiosk %s/%s's\n", rep.fingerprint, rep.kiosk.community,
               rep.kiosk.name);
    printf("imported %s from kiosk %s/%s (key %s): %lld suggestions (%lld new, %lld already"
           " here), %lld contacts (%lld new), %lld ratings (%lld new)\n", dir,
           rep.kiosk.community, rep.kiosk.name, rep.fingerprint, (long long)rep.suggestions,
           (long long)rep.suggestions_new, (long long)(rep.suggestions - rep.suggestions_new),
           (long long)rep.contacts, (long long)rep.contacts_new, (long long)rep.ratings,
           (long long)rep.ratings_new);
    if (rep.unreadable)
        printf("%lld sealed suggestions could not be opened with the office key: kept,"
               " flagged unreadable\n", (long long)rep.unreadable);
    return 0;
}
