/* config_staff.h - the [staff] section of the settings file: how staff get
 * in, where the PIN, audit log and exports go, sealing (docs/CONFIG.md,
 * docs/OPERATIONS.md). Part of Config (config.h). */
#ifndef CONFIG_STAFF_H
#define CONFIG_STAFF_H

#include <stddef.h>

#define CONFIG_STAFF_PATH_MAX 512

typedef enum {
    CONFIG_CORNER_TOP_LEFT, CONFIG_CORNER_TOP_RIGHT,
    CONFIG_CORNER_BOTTOM_LEFT, CONFIG_CORNER_BOTTOM_RIGHT,
} ConfigCorner;

typedef struct ConfigStaff {
    int gesture_hold_s;              /* hold the corner this long for the PIN pad */
    ConfigCorner gesture_corner;
    int session_idle_s;              /* a staff session ends after this long untouched */
    char pin_file[CONFIG_STAFF_PATH_MAX];   /* "" = DATA_DIR/staff.pin */
    char export_dir[CONFIG_STAFF_PATH_MAX]; /* "" = find the USB drive under /media */
    char office_public_key[CONFIG_STAFF_PATH_MAX]; /* "" = not sealed; key or path */
    char audit_log[CONFIG_STAFF_PATH_MAX];  /* "" = DATA_DIR/audit.log */
} ConfigStaff;

/* Fill in the defaults (docs/CONFIG.md). */
void config_staff_defaults(ConfigStaff *s);

/* Apply one key of the [staff] section. Returns 1 when applied, 0 with a
 * message in m for a bad value, -1 when `name` is not a [staff] key (m
 * untouched). */
int config_staff_apply(ConfigStaff *s, const char *name, const char *value, char *m, size_t ml);

/* The PIN file and audit log paths: the configured ones, or `name` in
 * data_dir ("staff.pin", "audit.log"). Return 0, or -1 when too long. */
int config_staff_pin_path(const ConfigStaff *s, const char *data_dir, char *out, size_t n);
int config_staff_audit_path(const ConfigStaff *s, const char *data_dir, char *out, size_t n);

/* "top-left", ... as a ConfigCorner; -1 for anything else. */
int config_staff_parse_corner(const char *s);

#endif
