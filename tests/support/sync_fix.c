/* sync_fix.c - test support: content sync against the fault server. */
#include "sync_fix.h"

#include <stdio.h>
#include <string.h>
#include "tmpdir.h"

int sync_fix_open(SyncFix *f, bool tls, bool heartbeat)
{
    char err[300], url[256], hb[256], cert[512], key[512];
    memset(f, 0, sizeof *f);
    f->dir = tmpdir_make();
    if (!f->dir)
        return -1;
    if (tls) {
        f->certs = tmpdir_make();
        if (!f->certs || faultsrv_make_certs(f->certs) < 0)
            return -1;
        snprintf(cert, sizeof cert, "%s/server.pem", f->certs);
        snprintf(key, sizeof key, "%s/server.key", f->certs);
        snprintf(f->ca, sizeof f->ca, "%s/ca.pem", f->certs);
    }
    if (faultsrv_start(&f->fs, tls ? cert : NULL, tls ? key : NULL, "tok", NULL) < 0)
        return -1;
    HttpPolicy p = {.ca_file = tls ? f->ca : NULL, .allow_http_loopback = !tls,
                    .connect_timeout_ms = 2000, .total_timeout_ms = 4000, .low_speed_time_s = 2};
    f->http = http_create(&p, err, sizeof err);
    snprintf(url, sizeof url, "%s/content", f->fs.base);
    snprintf(hb, sizeof hb, "%s/heartbeat", f->fs.base);
    /* content_max 0: the default, CONTENT_MAX_BYTES */
    SyncSettings ss = {.content_url = url, .heartbeat_url = heartbeat ? hb : NULL,
                       .device_token = "tok"};
    f->sync = f->http ? sync_open(f->dir, &ss, f->http, err, sizeof err) : NULL;
    f->store = store_open(f->dir, err, sizeof err);
    return f->sync && f->store ? 0 : -1;
}

void sync_fix_close(SyncFix *f)
{
    store_close(f->store);
    sync_close(f->sync);
    http_destroy(f->http);
    if (f->fs.pid > 0)
        faultsrv_stop(&f->fs);
    tmpdir_remove(f->dir);
    tmpdir_remove(f->certs);
}
