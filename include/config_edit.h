/* config_edit.h - change a few keys of an INI settings file in place
 * (kioskctl enroll), keeping every other line, comment and key as it was.
 * The file is replaced atomically (afile.h) with mode 0600, since it may
 * now hold a device token, and only after the result was read back by
 * config_load without error. */
#ifndef CONFIG_EDIT_H
#define CONFIG_EDIT_H

#include <stddef.h>

typedef struct {
    const char *section;   /* "upload" */
    const char *name;      /* "device_token" */
    const char *value;     /* one line; "" sets an empty value */
} ConfigEditKey;

/* Set each key in its section of the file at `path` (created when
 * missing): an active `name = ...` line is replaced; else a commented-out
 * `; name = ...` line of that section (as in dist/kiosk.conf) becomes the
 * setting; else the key is added at the end of its section, or in a new
 * section at the end. Returns 0, or -1 with a message in err (the file
 * unchanged): a value with a line break, an unreadable file, a result that
 * config_load refuses (its message), or a failed write. */
int config_edit_file(const char *path, const ConfigEditKey *keys, size_t n,
                     char *err, size_t errlen);

#endif
