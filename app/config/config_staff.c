/* config_staff.c - the [staff] section of the settings file. */
#include "config_staff.h"
#include "config_value.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const config_corners[] = {
    "top-left", "top-right", "bottom-left", "bottom-right",
};

void config_staff_defaults(ConfigStaff *s)
{
    memset(s, 0, sizeof *s);
    s->gesture_hold_s = 5;
    s->gesture_corner = CONFIG_CORNER_TOP_LEFT;
    s->session_idle_s = 60;
}

int config_staff_parse_corner(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, config_corners[i]) == 0)
            return i;
    return -1;
}

int config_staff_apply(ConfigStaff *s, const char *name, const char *value, char *m, size_t ml)
{
    if (strcmp(name, "gesture_hold_s") == 0 || strcmp(name, "session_idle_s") == 0) {
        bool hold = name[0] == 'g';
        long lo = hold ? 2 : 15, hi = hold ? 30 : 3600;
        if (config_value_int(value, lo, hi, hold ? &s->gesture_hold_s : &s->session_idle_s) < 0) {
            snprintf(m, ml, "%s: expected whole seconds from %ld to %ld", name, lo, hi);
            return 0;
        }
        return 1;
    }
    if (strcmp(name, "gesture_corner") == 0) {
        int c = config_staff_parse_corner(value);
        if (c < 0) {
            snprintf(m, ml, "gesture_corner: expected top-left, top-right, bottom-left"
                     " or bottom-right");
            return 0;
        }
        s->gesture_corner = (ConfigCorner)c;
        return 1;
    }
    static const struct { const char *key; size_t off; } paths[] = {
        {"pin_file", offsetof(ConfigStaff, pin_file)},
        {"export_dir", offsetof(ConfigStaff, export_dir)},
        {"office_public_key", offsetof(ConfigStaff, office_public_key)},
        {"audit_log", offsetof(ConfigStaff, audit_log)},
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcmp(name, paths[i].key) == 0) {
            if (strlen(value) >= CONFIG_STAFF_PATH_MAX) {
                snprintf(m, ml, "%s: longer than %d bytes", name, CONFIG_STAFF_PATH_MAX - 1);
                return 0;
            }
            snprintf((char *)s + paths[i].off, CONFIG_STAFF_PATH_MAX, "%s", value);
            return 1;
        }
    return -1;
}

static int config_staff_path(const char *set, const char *data_dir, const char *name,
                             char *out, size_t n)
{
    int len = set[0] ? snprintf(out, n, "%s", set) : snprintf(out, n, "%s/%s", data_dir, name);
    return len >= 0 && (size_t)len < n ? 0 : -1;
}

int config_staff_pin_path(const ConfigStaff *s, const char *data_dir, char *out, size_t n)
{
    return config_staff_path(s->pin_file, data_dir, "staff.pin", out, n);
}

int config_staff_audit_path(const ConfigStaff *s, const char *data_dir, char *out, size_t n)
{
    return config_staff_path(s->audit_log, data_dir, "audit.log", out, n);
}
