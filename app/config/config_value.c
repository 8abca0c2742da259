/* config_value.c - reading one settings value: whole numbers, yes/no. */
#include "config_value.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int config_value_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end != '\0' || n < lo || n > hi)
        return -1;
    *out = (int)n;
    return 0;
}

int config_value_bool(const char *v, bool *out)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") ||
        !strcasecmp(v, "on")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") ||
        !strcasecmp(v, "off")) {
        *out = false;
        return 0;
    }
    return -1;
}

int config_value_int_key(const ConfigIntKey *keys, size_t n, void *base, const char *name,
                         const char *value, char *m, size_t ml)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, keys[i].key) == 0) {
            if (config_value_int(value, keys[i].lo, keys[i].hi,
                                 (int *)((char *)base + keys[i].off)) < 0) {
                snprintf(m, ml, "%s: expected a whole number from %ld to %ld", name,
                         keys[i].lo, keys[i].hi);
                return 0;
            }
            return 1;
        }
    return -1;
}
