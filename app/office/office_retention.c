/* office_retention.c - the purge of closed suggestions' texts and contacts, old heartbeats and rate-limit windows. */
#include "office_retention.h"

#include <string.h>

int office_retention_run(Ostore *s, const OfficeConf *c, int64_t now, OfficeRetentionReport *out)
{
    memset(out, 0, sizeof *out);
    int64_t hb_before = c->heartbeat_keep_days > 0
        ? now - (int64_t)c->heartbeat_keep_days * 86400 : INT64_MIN;
    if (ostore_fleet_prune(s, hb_before, now - 2 * 86400, &out->heartbeats) != OSTORE_OK)
        return -1;
    /* retention_days 0: a closed suggestion's text goes at the next purge. */
    int64_t closed_before = now - (int64_t)c->retention_days * 86400;
    if (ostore_retention_purge(s, closed_before, &out->texts, &out->contacts) != OSTORE_OK)
        return -1;
    if (ostore_image_purge(s, now - (int64_t)c->image_unused_days * 86400, &out->images) !=
        OSTORE_OK)
        return -1;
    return 0;
}
