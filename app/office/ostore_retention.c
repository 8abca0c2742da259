/* ostore_retention.c - the office store's retention purge of closed suggestions: their texts after the period, any contact left on them at once (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

OstoreResult ostore_retention_purge(Ostore *s, int64_t closed_before, int64_t *texts,
                                    int64_t *contacts)
{
    bool own;
    *texts = *contacts = 0;
    if (ostore_tx(s, &own) != OSTORE_OK)
        return OSTORE_ERROR;
    /* A closed suggestion's contact goes when it is closed (the staff API
     * deletes it then); one left over (closed another way) goes now. */
    OstoreResult r = ostore_done(s, ostore_prep(s,
        "DELETE FROM contact WHERE suggestion_id IN (SELECT id FROM suggestion"
        " WHERE status IN ('done', 'declined'))", ""));
    if (r == OSTORE_OK)
        *contacts = ostore_changes(s);
    /* The resident's words: the text and the body as received (which holds
     * the text, sealed or not). State, dates, topic, language, kiosk and the
     * receipt (the office's published reply stays readable under it) stay
     * for the statistics and the reply page. */
    if (r == OSTORE_OK)
        r = ostore_done(s, ostore_prep(s,
            "UPDATE suggestion SET text = NULL, body = ''"
            " WHERE status IN ('done', 'declined')"
            " AND COALESCE(closed_at, received_at) < ?"
            " AND (text IS NOT NULL OR body <> '')", "i", closed_before));
    if (r == OSTORE_OK)
        *texts = ostore_changes(s);
    /* The triggers took the purged texts' trigrams out of the search
     * index; no page of it may keep them. */
    if (r == OSTORE_OK && *texts > 0)
        r = ostore_search_after_purge(s);
    return ostore_tx_end(s, own, r);
}
