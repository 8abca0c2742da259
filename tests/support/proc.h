/* proc.h - test support: run the real programs and capture their output. */
#ifndef PROC_H
#define PROC_H

/* Path of a built program ("kiosk", "kioskctl") in $KIOSK_BUILD (default
 * "build"), in a static buffer. */
const char *proc_bin(const char *name);

/* Run argv (argv[0] is the program path) with stdout and stderr captured
 * into malloc'd strings (either pointer may be NULL to discard). Returns the
 * exit status, 128 + signal if killed, or -1 if it could not run. */
int proc_run(char *const argv[], char **out, char **err);

#endif
