/* config.h - runtime settings from an INI file (docs/CONFIG.md). */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdbool.h>
#include "config_staff.h"
#include "config_upload.h"
#include "content.h"

#define CONFIG_PATH_MAX 512
/* The drawing size, each side in pixels: up to 4K UHD in either
 * orientation (3840 x 2160, 2160 x 3840; square 3840 too). Larger frames
 * lose glyphs past the renderer's largest font size and cost seconds and
 * hundreds of MB a frame; a larger fullscreen output is drawn at a size
 * within these and scaled up (platform_view_size). */
#define CONFIG_SIZE_MIN 320
#define CONFIG_SIZE_MAX 3840

typedef struct Config {
    /* [kiosk] */
    char data_dir[CONFIG_PATH_MAX];    /* database directory */
    char share_dir[CONFIG_PATH_MAX];   /* holds assets/ and fonts/; "" = found from the program */
    Lang default_lang;
    int idle_timeout_s;                /* back home after this long untouched */
    int content_poll_s;                /* how often to look for new content */
    int image_cache_mb;                /* bound on DIR/images (pictures kept) */
    /* [suggest] */
    char topics[512];                  /* comma-separated topic ids */
    char tracking_url[CONFIG_PATH_MAX]; /* "" = no QR; "{receipt}" is replaced */
    int suggest_idle_s;                /* "Still there?" after this long untouched */
    int still_there_s;                 /* then wipe the draft after this countdown */
    int rate_burst;                    /* suggestions allowed in a burst */
    int rate_refill_s;                 /* then one more per this many seconds */
    int queue_max_rows;                /* outbox caps (rows waiting upload) */
    int queue_max_mb;                  /* and their payload size */
    char pinyin_dict[CONFIG_PATH_MAX]; /* "" = the system dictionary */
    char handwriting_model[CONFIG_PATH_MAX]; /* "" = the tegaki zh_CN model */
    /* [display] */
    bool fullscreen;
    int width, height;                 /* window size when not fullscreen */
    bool software_render;              /* renderer = software | accelerated */
    int night_start_min, night_end_min; /* minutes after local midnight; -1 = no night */
    bool night_blank;                  /* night_mode = blank (else dim) */
    /* [staff] */
    ConfigStaff staff;
    /* [upload] */
    ConfigUpload upload;
} Config;

/* Fill in the defaults (the kiosk runs with no file at all). */
void config_defaults(Config *c);

/* Read `path` over the current values (inifile.h: lines of any length up
 * to INIFILE_LINE_MAX, comments of any length, `;` after a blank starts an
 * inline comment). Unknown sections or keys, a key given twice, a NUL
 * byte, bad values and unreadable files are errors: returns -1 with a
 * message naming the file and line in err ("kiosk.conf:7: idle_timeout_s:
 * expected ..."). On error *c may be partly updated; callers exit.
 * Returns 0 on success. */
int config_load(Config *c, const char *path, char *err, size_t errlen);

/* Parse "zh" or "en"; returns -1 otherwise. */
int config_parse_lang(const char *s);

#endif
