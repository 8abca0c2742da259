/* sync_fix.h - test support: content sync (sync.h) against the fault
 * server in a scratch directory, with the store the kiosk would read. */
#ifndef SYNC_FIX_H
#define SYNC_FIX_H

#include <stdbool.h>
#include "faultsrv.h"
#include "http.h"
#include "store.h"
#include "sync.h"

typedef struct {
    char *dir;
    char *certs;          /* tls: the scratch CA and server certificate */
    char ca[512];         /* tls: the CA file the client trusts */
    FaultSrv fs;
    Http *http;
    Sync *sync;
    Store *store;
} SyncFix;

/* Start the fault server (token "tok"; over HTTPS with a scratch CA when
 * tls, else plain http on loopback), a client with 2 s connect and 4 s
 * transfer timeouts, and sync_open on FS/content (and FS/heartbeat when
 * heartbeat). Returns 0, or -1 (then sync_fix_close what was made). */
int sync_fix_open(SyncFix *f, bool tls, bool heartbeat);
void sync_fix_close(SyncFix *f);

#endif
