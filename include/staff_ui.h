/* staff_ui.h - staff mode on the screen: the hidden gesture, the PIN pad and
 * the panel. The app asks the kiosk (kiosk.c) to carry out actions that need
 * more than the core has (uploading, exporting, reloading, leaving); the
 * kiosk answers with a result line and keeps the panel's figures fresh. */
#ifndef STAFF_UI_H
#define STAFF_UI_H

#include <stdbool.h>
#include <stdint.h>

#define STAFF_FLAGS_MAX 8

/* What the panel shows, gathered by the kiosk (never any resident text). */
typedef struct {
    bool valid;
    int64_t waiting, delivered, dead, exported;
    int oldest_waiting_days;         /* -1 when nothing waits */
    char upload[200];                /* last success, last error, next try */
    char content[200];               /* content version and last sync */
    char flags[STAFF_FLAGS_MAX][96]; /* raised elsewhere: "name: detail" */
    int nflags;
    int64_t free_disk_mb;            /* -1 when unknown */
} StaffInfo;

typedef enum {
    STAFF_REQ_NONE, STAFF_REQ_UPLOAD, STAFF_REQ_EXPORT, STAFF_REQ_RELOAD,
    STAFF_REQ_LANG, STAFF_REQ_QUIT
} StaffRequest;

typedef struct {
    char pin[16];                    /* digits typed on the pad */
    char msg[200];                   /* the pad's or panel's status line */
    bool msg_error;
    int64_t corner_down_ms;          /* when a finger went down in the corner */
    bool corner_active;
    StaffRequest req;                /* for the kiosk to carry out */
    StaffInfo info;
    bool quit;                       /* leave the program */
} StaffState;

#endif
