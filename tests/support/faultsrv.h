/* faultsrv.h - test support: run tests/server/fault_server.py on loopback
 * and drive it through its control port (see the script's docstring). */
#ifndef FAULTSRV_H
#define FAULTSRV_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;
    int stdin_fd;          /* the server exits when this closes */
    int port, ctl_port;
    bool tls;
    char base[64];         /* "http://127.0.0.1:PORT" or "https://..." */
} FaultSrv;

/* Start a server; cert and key NULL for plain http. token is the device
 * token it accepts, poison the text it refuses (NULL: none). Returns 0 or
 * -1 (python3 missing, no port line within 10 s). */
int faultsrv_start(FaultSrv *fs, const char *cert, const char *key, const char *token,
                   const char *poison);
void faultsrv_stop(FaultSrv *fs);

/* base + path into a static buffer. */
const char *faultsrv_url(const FaultSrv *fs, const char *path);

/* A control request (json NULL: GET). Returns the parsed JSON answer (caller
 * json_decref) or NULL. */
json_t *faultsrv_ctl(const FaultSrv *fs, const char *path, const char *json);
/* Set the fault mode for the next `count` requests (count < 0: all);
 * retry_after NULL for none. Returns 0 or -1. */
int faultsrv_faults(const FaultSrv *fs, const char *mode, int count, const char *retry_after);
/* Block (at most timeout_s) until count `cond` >= n; the state, with "ok". */
json_t *faultsrv_wait(const FaultSrv *fs, const char *cond, int n, int timeout_s);
/* GET /state. */
json_t *faultsrv_state(const FaultSrv *fs);
/* An integer field of a JSON object, -1 if missing. */
long long faultsrv_int(json_t *o, const char *key);

/* Make the TLS test certificates in dir (tests/server/make_certs.sh).
 * Returns 0 or -1. */
int faultsrv_make_certs(const char *dir);

#endif
