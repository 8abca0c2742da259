/* office_demo.h - officectl demo: a community's inbox filled with example
 * suggestions, replies, a contact and ratings, for trying the console
 * (make run-office) and for the browser tests.
 *
 * Everything is stored through the calls the kiosk protocol and the staff
 * API use: ostore_suggestion_add / _contact_add / _rating_add with fixed
 * idempotency keys ("demo-<community id>-..."), received at times in the
 * past (hours to weeks before `now`), then ostore_inbox_change by `user`
 * at later past times, each closed or answered one's reply sealed into the
 * reply feed (office_feed_put_reply) as the console does, and audited. One
 * transaction: all or nothing. A second run finds the first key stored and
 * adds nothing. A community holding other suggestions is refused, so a
 * live inbox is never mixed with examples. */
#ifndef OFFICE_DEMO_H
#define OFFICE_DEMO_H

#include "office_conf.h"
#include <stdint.h>

/* officectl demo COMMUNITY KIOSK USER: argv holds those three. Prints what
 * was stored and the receipt code of one answered suggestion (for the
 * public reply page /r/CODE). Returns 0, 1 (database) or 2 (refused: an
 * unknown community, kiosk or user, or a community with other
 * suggestions). */
int office_demo_cmd(const OfficeConf *conf, const char *db, int argc, char **argv,
                    int64_t now);

#endif
