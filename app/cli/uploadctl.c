/* uploadctl.c - `kioskctl upload` and `kioskctl sync`: one pass, now. */
#include "uploadctl.h"
#include "http.h"
#include "sync.h"
#include "timeutil.h"
#include "upload.h"

#include <string.h>

/* The client for cfg's [upload] settings, after checking url. */
static Http *uploadctl_http(const Config *cfg, const char *name, const char *url, FILE *err)
{
    const ConfigUpload *cu = &cfg->upload;
    char why[300];
    if (!url[0]) {
        fprintf(err, "kioskctl: [upload] %s is not set (--config FILE)\n", name);
        return NULL;
    }
    if (http_url_check(url, cu->allow_http_loopback, why, sizeof why) < 0) {
        fprintf(err, "kioskctl: [upload] %s: %s\n", name, why);
        return NULL;
    }
    HttpPolicy pol;
    upload_policy(cu, &pol);
    Http *h = http_create(&pol, why, sizeof why);
    if (!h)
        fprintf(err, "kioskctl: %s\n", why);
    return h;
}

int uploadctl_upload(const char *data_dir, const Config *cfg, FILE *out, FILE *err)
{
    const ConfigUpload *cu = &cfg->upload;
    char contact[CONFIG_URL_MAX], why[300];
    /* upload_url first: an unset contact_url is derived from it, so a bad
     * upload_url must not be reported as a bad contact_url. */
    Http *h = uploadctl_http(cfg, "upload_url", cu->upload_url, err);
    if (!h)
        return UPLOADCTL_USAGE;
    UploadSettings us;
    if (upload_settings(cu, &us, contact, why, sizeof why) < 0) {
        fprintf(err, "kioskctl: %s\n", why);
        http_destroy(h);
        return UPLOADCTL_USAGE;
    }
    if (contact[0] && http_url_check(contact, cu->allow_http_loopback, why, sizeof why) < 0) {
        fprintf(err, "kioskctl: [upload] %s: %s\n",
                cu->contact_url[0] ? "contact_url" : "upload_url (with /contact)", why);
        http_destroy(h);
        return UPLOADCTL_USAGE;
    }
    Outbox *ob = outbox_open(data_dir, NULL, why, sizeof why);
    Upload *u = ob ? upload_open(ob, &us, h, why, sizeof why) : NULL;
    if (!u) {
        fprintf(err, "kioskctl: %s\n", why);
        outbox_close(ob);
        http_destroy(h);
        return UPLOADCTL_FAIL;
    }
    /* Every pass runs at the same now: a refused submission's next try is
     * after it, so each is sent at most once in this run. */
    int64_t now = time_now_ms();
    UploadReport rep, sum;
    OutboxCounts c;
    memset(&sum, 0, sizeof sum);
    int rc = UPLOADCTL_OK, db = upload_retry_now(u) < 0 || outbox_counts(ob, &c) < 0;
    int joined = db ? -1 : upload_open_batch(u, now / 1000, true);
    db = db || joined < 0;
    if (joined > 0)
        sync_note_batch(outbox_db(ob), &c, now);   /* the heartbeat's queue, as the kiosk's */
    int64_t total = c.waiting;
    for (int pass = 1; !db; pass++) {
        db = upload_send_due(u, now, &rep) < 0;
        sum.sent += rep.sent;
        sum.delivered += rep.delivered;
        sum.retry += rep.retry;
        sum.refused += rep.refused;
        sum.dead += rep.dead;
        if (rep.last_error[0])
            snprintf(sum.last_error, sizeof sum.last_error, "%s", rep.last_error);
        if (db || !rep.more || http_interrupted(h))
            break;
        /* Progress between passes of UPLOAD_PASS_MAX (no resident data). */
        fprintf(out, "pass %d: %d of %lld tried so far, %d delivered; going on\n", pass,
                sum.delivered + sum.retry + sum.refused + sum.dead, (long long)total,
                sum.delivered);
        fflush(out);
    }
    if (db || outbox_purge(ob, cu->delivered_keep_days, now / 1000, NULL, 0) < 0 ||
        outbox_counts(ob, &c) < 0) {
        fprintf(err, "kioskctl: database error while uploading\n");
        rc = UPLOADCTL_FAIL;
    } else {
        fprintf(out, "sent %d requests: %d delivered, %d to retry, %d refused, %d to dead letter;"
                " now %lld waiting, %lld delivered, %lld dead\n", sum.sent, sum.delivered,
                sum.retry, sum.refused, sum.dead, (long long)c.waiting,
                (long long)c.delivered, (long long)c.dead);
        if (sum.last_error[0])
            fprintf(err, "kioskctl: last failure: %s\n", sum.last_error);
        if (c.waiting > 0) {
            fprintf(err, "kioskctl: %lld still waiting: the kiosk tries them again after their"
                    " backoff (or run kioskctl upload again)\n", (long long)c.waiting);
            rc = UPLOADCTL_FAIL;
        }
    }
    upload_close(u);
    outbox_close(ob);
    http_destroy(h);
    return rc;
}

int uploadctl_sync(const char *data_dir, const Config *cfg, FILE *out, FILE *err)
{
    const ConfigUpload *cu = &cfg->upload;
    Http *h = uploadctl_http(cfg, "content_url", cu->content_url, err);
    if (!h)
        return UPLOADCTL_USAGE;
    SyncSettings ss = {.content_url = cu->content_url, .device_token = cu->device_token,
                       .content_max = (size_t)cu->content_max_mb << 20,
                       .image_cache_max = (int64_t)cfg->image_cache_mb << 20};
    char why[400];
    Sync *s = sync_open(data_dir, &ss, h, why, sizeof why);
    if (!s) {
        fprintf(err, "kioskctl: %s\n", why);
        http_destroy(h);
        return UPLOADCTL_FAIL;
    }
    SyncResult r = sync_content(s, time_now_ms() / 1000, why, sizeof why);
    int rc = UPLOADCTL_OK;
    if (r == SYNC_FAILED || r == SYNC_STOPPED) {
        fprintf(err, "kioskctl: %s; the last good content stays\n", why);
        rc = UPLOADCTL_FAIL;
    } else {
        SyncContentState st;
        sync_content_state(s, &st);
        fprintf(out, "content %s: version %s, serial %lld\n",
                r == SYNC_UPDATED ? "updated" : "unchanged", st.version[0] ? st.version : "-",
                (long long)st.serial);
        /* The pictures it names, as the kiosk's own sync fetches them. */
        SyncImages si;
        if (sync_images(s, &si, why, sizeof why) < 0) {
            fprintf(err, "kioskctl: pictures: %s\n", why);
            rc = UPLOADCTL_FAIL;
        } else if (si.needed > 0) {
            fprintf(out, "pictures: %d needed, %d present, %d fetched, %d refused, %d failed\n",
                    si.needed, si.present, si.fetched, si.refused, si.failed);
            if (si.refused || si.failed) {
                fprintf(err, "kioskctl: %s; the text shows without those pictures\n",
                        si.last_error);
                rc = UPLOADCTL_FAIL;
            }
        }
    }
    sync_close(s);
    http_destroy(h);
    return rc;
}
