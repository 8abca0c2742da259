/* pin.h - the staff PIN: an Argon2id hash in a 0600 file, and a lockout that survives restarts.
 *
 * The PIN file (config [staff] pin_file, default DATA_DIR/staff.pin) holds
 * one line, libsodium's crypto_pwhash_str() string ("$argon2id$v=19$..."),
 * with the INTERACTIVE limits (2 passes over 64 MiB): about 50 ms per
 * check on the development machine, see docs/OPERATIONS.md. The lockout
 * record lives beside it in PIN_FILE.state (0600, written atomically):
 * the times of recent wrong PINs and the end of a lock.
 *
 * Policy: PIN_MAX_WRONG wrong PINs within PIN_WINDOW_S lock the pad for
 * PIN_LOCK_S. Each attempt is recorded BEFORE the hash is compared, so
 * cutting the power during a check cannot reset the count; a correct PIN
 * then clears it. Time comes in as now_s (Unix seconds), so tests use a
 * fixed clock. The PIN itself is never stored, logged or kept after the
 * call (the hash library copies are wiped by libsodium).
 *
 * pin_check blocks for one Argon2id verification (~50 ms here): short
 * enough to call from the UI thread on a tap of "OK". */
#ifndef PIN_H
#define PIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PIN_MIN_DIGITS 6
#define PIN_MAX_DIGITS 12
#define PIN_MAX_WRONG  5
#define PIN_WINDOW_S   (15 * 60)
#define PIN_LOCK_S     (10 * 60)

typedef enum {
    PIN_OK,        /* the PIN is right: open the staff panel */
    PIN_WRONG,     /* wrong; attempts_left more before the lock */
    PIN_LOCKED,    /* locked (now or by this attempt); locked_s seconds left */
    PIN_NO_PIN,    /* no PIN set yet: tell staff to run `kioskctl set-pin` */
    PIN_ERROR,     /* the PIN or lockout file cannot be read or written: refused */
} PinResult;

typedef struct {
    PinResult result;
    int attempts_left;    /* PIN_WRONG: wrong PINs left before the lock; else 0 */
    int64_t locked_s;     /* PIN_LOCKED: seconds until the pad opens again; else 0 */
    char msg[160];        /* PIN_ERROR: why (never the PIN) */
} PinStatus;

/* Whether `pin` is PIN_MIN_DIGITS to PIN_MAX_DIGITS ASCII digits and nothing else. */
bool pin_valid(const char *pin);

/* Hash `pin` (Argon2id) and write it to `path` atomically with mode 0600,
 * replacing any old PIN, and clear the lockout record. Returns 0; -2 when
 * the PIN is not valid (pin_valid; nothing written); -1 with a message in
 * err when the file cannot be written (the old PIN stays). */
int pin_set(const char *path, const char *pin, char *err, size_t errlen);

/* Check `pin` against the PIN file at time now_s, applying and recording
 * the lockout. Fills *st (may be NULL) and returns st->result. A locked pad
 * answers PIN_LOCKED without looking at the PIN; a pin that is not even
 * well-formed counts as a wrong one. PIN_ERROR when the files cannot be
 * read, or the attempt cannot be recorded (e.g. disk full): refusing is
 * the safe side, kioskctl still works then. */
PinResult pin_check(const char *path, const char *pin, int64_t now_s, PinStatus *st);

/* The pad's state without an attempt (for the screen before a PIN is
 * typed): PIN_NO_PIN, PIN_LOCKED with locked_s, or PIN_OK meaning "ready"
 * with attempts_left, or PIN_ERROR. Writes nothing. */
PinResult pin_state(const char *path, int64_t now_s, PinStatus *st);

/* "OK", "WRONG", "LOCKED", "NO_PIN", "ERROR". */
const char *pin_result_name(PinResult r);

#endif
