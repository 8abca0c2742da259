/* config_value.h - one reader per kind of settings value (whole numbers,
 * yes/no), shared by every section of the settings file (config.c,
 * config_staff.c, config_upload.c), so each kind is read one way. */
#ifndef CONFIG_VALUE_H
#define CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>

/* A whole number from lo to hi, nothing else on the line: 0 and *out, or -1
 * (*out untouched). */
int config_value_int(const char *v, long lo, long hi, int *out);

/* A settings key that holds a whole number from lo to hi, stored in the
 * int at byte offset `off` of a section's struct. */
typedef struct {
    const char *key;
    long lo, hi;
    size_t off;
} ConfigIntKey;
/* When `name` is one of keys[0..n), read value into that int of `base`:
 * 1 when applied, 0 for a bad value (message in m: "NAME: expected a whole
 * number from LO to HI"), -1 when name is none of the keys (m untouched). */
int config_value_int_key(const ConfigIntKey *keys, size_t n, void *base, const char *name,
                         const char *value, char *m, size_t ml);

/* true/yes/on/1 or false/no/off/0 (case ignored): 0 and *out, or -1. */
int config_value_bool(const char *v, bool *out);

#endif
