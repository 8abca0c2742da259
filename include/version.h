/* version.h - the kiosk's version, sent in heartbeats and shown by --help. */
#ifndef VERSION_H
#define VERSION_H

#define KIOSK_VERSION "0.3.0"
/* No kiosk of this build runs before this moment: the lowest the clock
 * policy lets the time be (wallclock.h). Move it forward with releases. */
#define KIOSK_RELEASE_DATE "2026-12-01T00:00:00Z"

#endif
