/* outbox_stats.c - figures about the queue for the staff panel. */
#include <sqlite3.h>
#include <string.h>
#include "outbox.h"
#include "outbox_priv.h"
#include "outbox_stats.h"

int outbox_oldest_waiting_day(Outbox *ob, char day[11])
{
    sqlite3_stmt *st;
    day[0] = '\0';
    if (sqlite3_prepare_v2(ob->db, "SELECT min(day) FROM submissions WHERE state = 'waiting'",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        if (d && strlen(d) == 10) {
            memcpy(day, d, 11);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : -1;
}
