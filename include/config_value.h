/* config_value.h - one reader per kind of settings value (whole numbers,
 * yes/no), shared by every section of the settings file (config.c,
 * config_staff.c, config_upload.c), so each kind is read one way. */
#ifndef CONFIG_VALUE_H
#define CONFIG_VALUE_H

#include <stdbool.h>

/* A whole number from lo to hi, nothing else on the line: 0 and *out, or -1
 * (*out untouched). */
int config_value_int(const char *v, long lo, long hi, int *out);

/* true/yes/on/1 or false/no/off/0 (case ignored): 0 and *out, or -1. */
int config_value_bool(const char *v, bool *out);

#endif
