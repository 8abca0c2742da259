/* officesrv.h - test support: a real build/office on 127.0.0.1 (a free
 * port chosen by the kernel) with its own settings and database in a
 * scratch directory, and build/officectl against the same settings. */
#ifndef OFFICESRV_H
#define OFFICESRV_H

#include <stdbool.h>
#include <sys/types.h>

#define OFFICESRV_PASSWORD "demo-password-1"

typedef struct {
    pid_t pid;             /* 0 when not running */
    int out_fd;            /* the server's stdout */
    char dir[512];         /* its settings and data */
    char conf[600];        /* DIR/office.conf */
    char db[600];          /* its database: DIR/data/office.db, or the PostgreSQL
                              database of the tests (testdb.h), emptied first */
    char url[128];         /* "http://127.0.0.1:PORT" once started */
} OfficeSrv;

/* Write DIR/office.conf ([server] listen = 127.0.0.1:0, [storage]
 * data_dir = DIR/data, database = the PostgreSQL spec when the tests run
 * on PostgreSQL, then `extra` verbatim, may be NULL), run `officectl
 * init` (organisation "测试物业", admin "admin", OFFICESRV_PASSWORD) and
 * add community "cuihu". Returns 0 or -1 (message on stderr). */
int officesrv_init(OfficeSrv *o, const char *dir, const char *extra);

/* Run officectl with the settings and NULL-terminated arguments; output
 * captured into malloc'd strings (either may be NULL). Returns its exit status. */
int officesrv_ctl(OfficeSrv *o, char **out, char **err, ...);

/* `officectl kiosk add cuihu NAME`: the enrolment code into code[10].
 * Returns 0 or -1. */
int officesrv_add_kiosk(OfficeSrv *o, const char *name, char code[10]);

/* Start build/office and wait (at most 20 s, on its stdout: no sleeping)
 * for its "listening on URL" line. Returns 0, or -1 when it exited or said
 * nothing. */
int officesrv_start(OfficeSrv *o);

/* SIGTERM and wait; returns the exit status (0 for a clean stop), -1 when
 * it was not running. */
int officesrv_stop(OfficeSrv *o);

/* o->url + path into a static buffer. */
const char *officesrv_url(const OfficeSrv *o, const char *path);

#endif
