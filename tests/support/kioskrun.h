/* kioskrun.h - test support: the real kiosk and kioskctl run against a
 * settings file, as the office end-to-end tests drive them. */
#ifndef KIOSKRUN_H
#define KIOSKRUN_H

/* Write the settings of a kiosk not yet enrolled to `conf` (under a
 * comment line kioskctl enroll must keep): data in
 * DIR/kiosk, shared files from the source tree (the tests' working
 * directory), and the [upload] lines `upload` (each ending in "\n"). 0 or
 * -1. */
int kioskrun_conf(const char *conf, const char *dir, const char *upload);

/* Run `kioskctl --config CONF a [b [c]]` (NULL ends the arguments), its
 * output captured as proc_run does. Returns its exit status. */
int kioskrun_ctl(const char *conf, char **out, char **err, const char *a, const char *b,
                 const char *c);

/* Play `script` (a replay) on the real kiosk with those settings at `now`,
 * 1280x800, the script kept as DIR/walk.replay; fails the test unless the
 * kiosk exits 0. */
void kioskrun_replay(const char *dir, const char *conf, const char *now, const char *script);

#endif
