/* pin.c - the staff PIN: Argon2id hash file and a lockout record that survives restarts. */
#include "pin.h"
#include "afile.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The lockout record: recent wrong attempts and the end of a lock. */
typedef struct {
    int64_t locked_until;           /* 0: not locked */
    int64_t fails[PIN_MAX_WRONG];   /* times of wrong PINs in the window */
    int n_fails;
} PinRecord;

#define PIN_RECORD_MAX 1024

const char *pin_result_name(PinResult r)
{
    switch (r) {
    case PIN_OK: return "OK";
    case PIN_WRONG: return "WRONG";
    case PIN_LOCKED: return "LOCKED";
    case PIN_NO_PIN: return "NO_PIN";
    case PIN_ERROR: return "ERROR";
    }
    return "?";
}

bool pin_valid(const char *pin)
{
    if (!pin)
        return false;
    size_t n = 0;
    for (; pin[n]; n++)
        if (pin[n] < '0' || pin[n] > '9')
            return false;
    return n >= PIN_MIN_DIGITS && n <= PIN_MAX_DIGITS;
}

static int pin_state_path(const char *path, char out[PATH_MAX])
{
    return snprintf(out, PATH_MAX, "%s.state", path) < PATH_MAX ? 0 : -1;
}

/* Read the record. Returns 0 (a missing file is an empty record), -1 when
 * it cannot be read. A record that does not parse locks the pad from now:
 * it was written atomically, so it was tampered with. */
static int pin_record_load(const char *path, int64_t now_s, PinRecord *r, char *err, size_t n)
{
    memset(r, 0, sizeof *r);
    char sp[PATH_MAX];
    if (pin_state_path(path, sp) < 0) {
        snprintf(err, n, "PIN file name too long");
        return -1;
    }
    size_t len;
    char *text = afile_read(sp, PIN_RECORD_MAX, &len, err, n);
    if (!text)
        return errno == ENOENT ? 0 : -1;
    bool bad = false;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        long long v;
        char extra;
        if (sscanf(line, "locked_until %lld %c", &v, &extra) == 1)
            r->locked_until = v;
        else if (sscanf(line, "fail %lld %c", &v, &extra) == 1 && r->n_fails < PIN_MAX_WRONG)
            r->fails[r->n_fails++] = v;
        else
            bad = true;
    }
    free(text);
    if (bad) {
        memset(r, 0, sizeof *r);
        r->locked_until = now_s + PIN_LOCK_S;
    }
    return 0;
}

static int pin_record_save(const char *path, const PinRecord *r, char *err, size_t n)
{
    char sp[PATH_MAX], text[PIN_RECORD_MAX];
    if (pin_state_path(path, sp) < 0) {
        snprintf(err, n, "PIN file name too long");
        return -1;
    }
    int len = snprintf(text, sizeof text, "locked_until %" PRId64 "\n", r->locked_until);
    for (int i = 0; i < r->n_fails; i++)
        len += snprintf(text + len, sizeof text - (size_t)len, "fail %" PRId64 "\n", r->fails[i]);
    return afile_write(sp, text, (size_t)len, 0600, 0, err, n);
}

/* Drop wrong attempts that left the window and a lock that ended. */
static void pin_record_expire(PinRecord *r, int64_t now_s)
{
    int k = 0;
    for (int i = 0; i < r->n_fails; i++)
        if (r->fails[i] > now_s - PIN_WINDOW_S)
            r->fails[k++] = r->fails[i];
    r->n_fails = k;
    if (r->locked_until <= now_s)
        r->locked_until = 0;
}

/* Seconds left of a lock; a clock set back never makes it longer than PIN_LOCK_S. */
static int64_t pin_lock_left(const PinRecord *r, int64_t now_s)
{
    if (r->locked_until <= now_s)
        return 0;
    int64_t left = r->locked_until - now_s;
    return left > PIN_LOCK_S ? PIN_LOCK_S : left;
}

static PinResult pin_fill(PinStatus *st, PinResult res, int left, int64_t locked_s)
{
    if (st) {
        st->result = res;
        st->attempts_left = res == PIN_WRONG || res == PIN_OK ? left : 0;
        st->locked_s = res == PIN_LOCKED ? locked_s : 0;
    }
    return res;
}

/* The stored hash, or -1 (PIN_NO_PIN when the file is missing). */
static int pin_load_hash(const char *path, char hash[crypto_pwhash_STRBYTES], PinResult *why,
                         char *err, size_t n)
{
    size_t len;
    char *text = afile_read(path, crypto_pwhash_STRBYTES + 16, &len, err, n);
    if (!text) {
        *why = errno == ENOENT ? PIN_NO_PIN : PIN_ERROR;
        return -1;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    if (len == 0 || len >= crypto_pwhash_STRBYTES ||
        strncmp(text, "$argon2id$", 10) != 0) {
        snprintf(err, n, "%s: not a PIN hash (run kioskctl set-pin)", path);
        free(text);
        *why = PIN_ERROR;
        return -1;
    }
    memcpy(hash, text, len + 1);
    free(text);
    return 0;
}

/* Load the hash and the lockout record, forget failures past the window
 * and check the lock. Returns PIN_OK to go on, or the answer (st filled). */
static PinResult pin_prepare(const char *path, int64_t now_s, PinStatus *st,
                             char hash[crypto_pwhash_STRBYTES], PinRecord *r)
{
    PinResult why;
    if (pin_load_hash(path, hash, &why, st->msg, sizeof st->msg) < 0)
        return pin_fill(st, why, 0, 0);
    if (pin_record_load(path, now_s, r, st->msg, sizeof st->msg) < 0)
        return pin_fill(st, PIN_ERROR, 0, 0);
    pin_record_expire(r, now_s);
    int64_t left = pin_lock_left(r, now_s);
    if (left > 0)
        return pin_fill(st, PIN_LOCKED, 0, left);
    return PIN_OK;
}

PinResult pin_state(const char *path, int64_t now_s, PinStatus *st)
{
    PinStatus local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    char hash[crypto_pwhash_STRBYTES];
    PinRecord r;
    PinResult res = pin_prepare(path, now_s, st, hash, &r);
    if (res != PIN_OK)
        return res;
    return pin_fill(st, PIN_OK, PIN_MAX_WRONG - r.n_fails, 0);
}

PinResult pin_check(const char *path, const char *pin, int64_t now_s, PinStatus *st)
{
    PinStatus local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (sodium_init() < 0) {
        snprintf(st->msg, sizeof st->msg, "libsodium cannot start");
        return pin_fill(st, PIN_ERROR, 0, 0);
    }
    char hash[crypto_pwhash_STRBYTES];
    PinRecord r;
    PinResult res = pin_prepare(path, now_s, st, hash, &r);
    if (res != PIN_OK)
        return res;

    /* Count the attempt as wrong first, on disk; undo it if right. */
    PinRecord before = r;
    if (r.n_fails == PIN_MAX_WRONG) {   /* cannot happen after expire+lock, but keep it bounded */
        memmove(r.fails, r.fails + 1, (PIN_MAX_WRONG - 1) * sizeof r.fails[0]);
        r.n_fails--;
    }
    r.fails[r.n_fails++] = now_s;
    if (r.n_fails >= PIN_MAX_WRONG) {
        r.locked_until = now_s + PIN_LOCK_S;
        r.n_fails = 0;
    }
    char why_io[160];
    if (pin_record_save(path, &r, why_io, sizeof why_io) < 0) {
        snprintf(st->msg, sizeof st->msg, "cannot record the attempt: %.120s", why_io);
        return pin_fill(st, PIN_ERROR, 0, 0);
    }
    bool right = pin_valid(pin) && crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
    sodium_memzero(hash, sizeof hash);
    if (right) {
        memset(&before, 0, sizeof before);
        if (pin_record_save(path, &before, why_io, sizeof why_io) < 0) {
            /* The pad still opens; the stale count only makes a later lock come sooner. */
            fprintf(stderr, "pin: could not clear the wrong-PIN count: %s\n", why_io);
        }
        return pin_fill(st, PIN_OK, PIN_MAX_WRONG, 0);
    }
    if (r.locked_until > now_s)
        return pin_fill(st, PIN_LOCKED, 0, PIN_LOCK_S);
    return pin_fill(st, PIN_WRONG, PIN_MAX_WRONG - r.n_fails, 0);
}

int pin_set(const char *path, const char *pin, char *err, size_t errlen)
{
    if (!pin_valid(pin)) {
        snprintf(err, errlen, "a PIN is %d to %d digits (0-9), nothing else",
                 PIN_MIN_DIGITS, PIN_MAX_DIGITS);
        return -2;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot start");
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        snprintf(err, errlen, "out of memory while hashing the PIN");
        return -1;
    }
    size_t n = strlen(hash);
    hash[n] = '\n';
    int rc = afile_write(path, hash, n + 1, 0600, 0, err, errlen);
    sodium_memzero(hash, sizeof hash);
    if (rc < 0)
        return -1;
    PinRecord clear;
    memset(&clear, 0, sizeof clear);
    if (pin_record_save(path, &clear, err, errlen) < 0)
        return -1;
    return 0;
}
