/* outbox_seal.c - sealed mode of the outbox: payload and contact sealed to the office key. */
#include "outbox_priv.h"
#include "seal.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void outbox_set_seal_key(Outbox *ob, const SealPublic *pub)
{
    ob->sealed = pub != NULL;
    if (pub)
        memcpy(ob->seal_pk, pub->pk, sizeof ob->seal_pk);
    else
        memset(ob->seal_pk, 0, sizeof ob->seal_pk);
}

bool outbox_sealed(const Outbox *ob)
{
    return ob->sealed;
}

/* Wipe and free a malloc'd string that held resident text. */
static void outbox_wipe_free(char *s)
{
    if (s) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

/* Seal `plain` (taken over and wiped) into the JSON {"v":1,"id":..,"sealed":..}. */
static char *outbox_seal_json(const Outbox *ob, const char *id, char *plain)
{
    SealPublic pub;
    memcpy(pub.pk, ob->seal_pk, sizeof pub.pk);
    char *box = seal_to_base64(&pub, plain, strlen(plain));
    outbox_wipe_free(plain);
    if (!box)
        return NULL;
    json_t *o = json_pack("{s:i, s:s, s:s}", "v", 1, "id", id, "sealed", box);
    free(box);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

char *outbox_seal_payload(const Outbox *ob, const char *id, char *payload)
{
    if (!payload || !ob->sealed)
        return payload;
    return outbox_seal_json(ob, id, payload);
}

char *outbox_seal_contact(const Outbox *ob, const char *id, const char *contact)
{
    if (!ob->sealed)
        return strdup(contact);
    json_t *o = json_pack("{s:s, s:s}", "id", id, "contact", contact);
    if (!o)
        return NULL;
    char *plain = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!plain)
        return NULL;
    SealPublic pub;
    memcpy(pub.pk, ob->seal_pk, sizeof pub.pk);
    char *box = seal_to_base64(&pub, plain, strlen(plain));
    outbox_wipe_free(plain);
    return box;
}
