/* version.h - the kiosk's version, sent in heartbeats and shown by --help. */
#ifndef VERSION_H
#define VERSION_H

#define KIOSK_VERSION "0.3.0"

#endif
