/* suggest.h - the suggestion flow's draft, dialogs and sending (core). */
#ifndef SUGGEST_H
#define SUGGEST_H

#include <stdbool.h>
#include <stdint.h>
#include "drawlist.h"

#define SUGGEST_MAX_CHARS 500
#define SUGGEST_CONTACT_CHARS 100

typedef enum {
    SG_NONE,
    SG_CONFIRM_LEAVE,   /* leaving a step with text on it */
    SG_STILL_THERE,     /* idle in the flow: countdown to a wipe */
    SG_COMMIT_FAILED,   /* the outbox could not save it: apology, draft kept */
    SG_LIMITED,         /* too many suggestions in a short time */
    SG_QUEUE_FULL       /* the outbox is at its cap */
} SgOverlay;

typedef struct {
    char topic[32];
    char text[SUGGEST_MAX_CHARS * 4 + 1];
    char contact[SUGGEST_CONTACT_CHARS * 4 + 1];
    bool with_contact;          /* the resident chose to leave a contact */
    SgOverlay overlay;
    bool leave_home;            /* the confirm dialog leads home (else back) */
    int64_t still_deadline_ms;  /* when the "still there?" countdown ends */
    char receipt[16];           /* of the suggestion just sent */
} Suggest;

typedef struct App App;

/* Whether the draft holds anything the resident typed. */
bool suggest_has_draft(const App *a);
/* Wipe the draft, the contact and the input engines' state. */
void suggest_wipe(App *a);
/* Commit the draft to the outbox; on success show the thank-you page. */
void suggest_send(App *a);
/* Draw the active dialog over the screen (drops the screen's controls). */
void suggest_overlay_view(const App *a, DrawList *dl, int64_t now_ms);
/* Handle a tap on a dialog control. */
void suggest_overlay_tap(App *a, const char *id);

#endif
