/* ostore_bundle.c - the office store's record of each kiosk's export signing keys, for USB bundles (portable SQL, ostore_priv.h). */
#include "ostore_priv.h"

#include <stdio.h>

OstoreResult ostore_export_key_set(Ostore *s, int64_t kiosk_id, const char *public_key,
                                   int64_t now)
{
    return ostore_done(s, ostore_prep(s,
        "INSERT INTO kiosk_export_key (public_key, kiosk_id, recorded_at) VALUES (?, ?, ?)"
        " ON CONFLICT (public_key) DO UPDATE SET kiosk_id = excluded.kiosk_id,"
        " recorded_at = excluded.recorded_at", "tii", public_key, kiosk_id, now));
}

OstoreResult ostore_export_key_kiosk(Ostore *s, const char *public_key, OstoreKiosk *out)
{
    return ostore_one(s, ostore_prep(s,
        "SELECT " OSTORE_KIOSK_COLS " FROM kiosk_export_key e JOIN kiosk k ON k.id = e.kiosk_id"
        " JOIN community c ON c.id = k.community_id WHERE e.public_key = ?", "t", public_key),
        ostore_fill_kiosk, out);
}
