/* kioskctl_main.c - command-line tool for the kiosk's data: import, status, and the staff commands. */
#include "config.h"
#include "content.h"
#include "replyctl.h"
#include "enrollctl.h"
#include "image.h"
#include "imgcache.h"
#include "staffctl.h"
#include "store.h"
#include "utf8.h"
#include "uploadctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { KIOSKCTL_OK = 0, KIOSKCTL_FAIL = 1, KIOSKCTL_USAGE = 2 };

#define KIOSKCTL_DEFAULT_DIR "/var/lib/lobby-kiosk"

typedef struct {
    const char *data_dir;
    const Config *cfg;   /* --config FILE over the defaults */
    const char *config_path;   /* --config FILE or $KIOSK_CONFIG; NULL when none */
    int argc;            /* arguments after the command name */
    char **argv;
} KioskctlArgs;

typedef struct {
    const char *name;
    const char *args;    /* shown in usage, e.g. "FILE" */
    int min_args, max_args;   /* -1, -1: the command parses its own options */
    const char *summary;
    int (*run)(const KioskctlArgs *a);
} KioskctlCommand;

static int kioskctl_import(const KioskctlArgs *a);
static int kioskctl_status(const KioskctlArgs *a);

/* The staff commands live in staffctl.c. */
static StaffctlEnv kioskctl_env(const KioskctlArgs *a)
{
    return (StaffctlEnv){ a->data_dir, a->cfg, stdin, (int64_t)time(NULL) };
}
#define KIOSKCTL_STAFF(name) \
    static int kioskctl_cmd_##name(const KioskctlArgs *a) \
    { StaffctlEnv e = kioskctl_env(a); return staffctl_##name(&e, a->argc, a->argv); }
KIOSKCTL_STAFF(export)
KIOSKCTL_STAFF(set_pin)
KIOSKCTL_STAFF(keygen)
KIOSKCTL_STAFF(open)
KIOSKCTL_STAFF(list)
KIOSKCTL_STAFF(purge)

/* seal-replies lives in replyctl.c. */
static int kioskctl_cmd_seal_replies(const KioskctlArgs *a)
{
    return replyctl_seal(a->argc, a->argv);
}

/* The network commands live in uploadctl.c. */
static int kioskctl_cmd_upload(const KioskctlArgs *a)
{
    return uploadctl_upload(a->data_dir, a->cfg, stdout, stderr);
}
static int kioskctl_cmd_sync(const KioskctlArgs *a)
{
    return uploadctl_sync(a->data_dir, a->cfg, stdout, stderr);
}

static int kioskctl_cmd_enroll(const KioskctlArgs *a)
{
    return enrollctl_enroll(a->config_path ? a->config_path : ENROLLCTL_DEFAULT_CONFIG, a->cfg,
                            a->argc, a->argv, stdout, stderr);
}

static const KioskctlCommand kioskctl_commands[] = {
    { "import", "FILE", 1, 1,
      "validate a content file and store it; the kiosk shows it within seconds",
      kioskctl_import },
    { "seal-replies", "[--salt HEX] [--replies FILE] IN OUT", -1, -1,
      "write IN with its replies (or FILE's) sealed: no receipt or reply in plain text\n"
      "            (docs/CONTENT.md, \"Sealed replies\"); OUT may be IN",
      kioskctl_cmd_seal_replies },
    { "status", "", 0, 0,
      "show the stored content, the queue by state, flags, free disk, PIN, sealing and\n"
      "            the export key's fingerprint",
      kioskctl_status },
    { "export", "[DIR]", 0, 1,
      "write the waiting and dead-letter suggestions to a bundle in DIR (default: the\n"
      "            USB drive, docs/OPERATIONS.md); verified before they are marked exported",
      kioskctl_cmd_export },
    { "set-pin", "", 0, 0,
      "set the staff PIN (6 to 12 digits), read twice from standard input",
      kioskctl_cmd_set_pin },
    { "keygen", "--out DIR", -1, -1,
      "make the office key pair: DIR/office.pub (for the kiosk), DIR/office.key (secret)",
      kioskctl_cmd_keygen },
    { "open", "BUNDLE --key FILE [--out DIR] [--signer FINGERPRINT] [--unsigned]", -1, -1,
      "at the office: check a bundle's signature and files, and decrypt it into plain\n"
      "            JSON Lines and CSV; --signer: the kiosk's export key (kioskctl status)",
      kioskctl_cmd_open },
    { "list", "[--text]", -1, -1,
      "list the suggestions' metadata; --text adds the text (refused in sealed mode)",
      kioskctl_cmd_list },
    { "purge", "--delivered-older-than DAYS", -1, -1,
      "delete delivered or exported suggestions dated DAYS or more days ago",
      kioskctl_cmd_purge },
    { "upload", "", 0, 0,
      "send the waiting suggestions now, as staff \"upload now\" does ([upload] settings)",
      kioskctl_cmd_upload },
    { "sync", "", 0, 0,
      "fetch the content from content_url now; invalid content is refused",
      kioskctl_cmd_sync },
    { "enroll", "URL CODE", 2, 2,
      "fetch this kiosk's settings from Lobby Office with a one-time code and write them\n"
      "            into the settings file (--config, default " ENROLLCTL_DEFAULT_CONFIG ")",
      kioskctl_cmd_enroll },
};
enum { KIOSKCTL_N_COMMANDS = sizeof kioskctl_commands / sizeof kioskctl_commands[0] };

static void kioskctl_usage(FILE *f)
{
    fprintf(f, "usage: kioskctl [--data-dir DIR] [--config FILE] COMMAND [ARGS]\n\ncommands:\n");
    for (int i = 0; i < KIOSKCTL_N_COMMANDS; i++) {
        const KioskctlCommand *c = &kioskctl_commands[i];
        fprintf(f, "  %s %s\n            %s\n", c->name, c->args, c->summary);
    }
    fprintf(f, "\noptions:\n"
            "  --data-dir DIR  the kiosk's data directory (default: $KIOSK_DATA_DIR,\n"
            "                  else the config's data_dir, else " KIOSKCTL_DEFAULT_DIR ")\n"
            "  --config FILE   the kiosk's settings file (default: $KIOSK_CONFIG, else\n"
            "                  none): [staff] paths and the office public key\n"
            "  -h, --help      show this help; COMMAND --help shows the command's\n"
            "\nexit status: 0 success, 1 failure (I/O, database),\n"
            "             2 bad input (invalid content, bad usage)\n");
}

static void kioskctl_command_usage(FILE *f, const KioskctlCommand *c)
{
    fprintf(f, "usage: kioskctl [--data-dir DIR] %s%s%s\n  %s\n",
            c->name, *c->args ? " " : "", c->args, c->summary);
}

static Store *kioskctl_open(const KioskctlArgs *a)
{
    char err[512];
    Store *s = store_open(a->data_dir, err, sizeof err);
    if (!s)
        fprintf(stderr, "kioskctl: %s\n", err);
    return s;
}

/* What kioskctl import did with the pictures beside the file. */
typedef struct {
    ImgCache *cache;
    const char *file;      /* the content file, for messages */
    char dir[4096];        /* its folder */
    int taken, absent, refused, seen;
    const Content *c;
} KioskctlPics;

/* The file name a picture's URL ends in, or NULL when it has none a
 * folder could hold ("", "..", anything but A-Z a-z 0-9 . _ -). */
static const char *kioskctl_pic_name(const char *url, char *name, size_t n)
{
    const char *p = url + strcspn(url, "?#");
    const char *start = p;
    while (start > url && start[-1] != '/')
        start--;
    size_t len = (size_t)(p - start);
    if (len == 0 || len >= n || (len <= 2 && strncmp(start, "..", len) == 0))
        return NULL;
    for (size_t i = 0; i < len; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", start[i]))
            return NULL;
    memcpy(name, start, len);
    name[len] = '\0';
    return name;
}

/* Read a picture file of at most IMAGE_MAX_BYTES + 1 bytes (so a bigger
 * one is seen as too big without reading it all). 0, or -1 with errno. */
static int kioskctl_read_pic(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    *buf = NULL;
    if (!f)
        return -1;
    size_t cap = IMAGE_MAX_BYTES + 1u;
    *buf = malloc(cap);
    *len = *buf ? fread(*buf, 1, cap, f) : 0;
    int bad = ferror(f) || !*buf;
    fclose(f);
    if (bad) {
        free(*buf);
        *buf = NULL;
        return -1;
    }
    return 0;
}

static int kioskctl_pic_cb(const ContentImage *img, void *arg)
{
    KioskctlPics *k = arg;
    if (imgcache_has(k->cache, img->sha256))
        return 0;                    /* also a repeat within the document */
    char name[256], path[4400];
    if (!kioskctl_pic_name(img->url, name, sizeof name)) {
        k->absent++;
        return 0;
    }
    snprintf(path, sizeof path, "%s/%s", k->dir, name);
    unsigned char *buf;
    size_t len;
    if (kioskctl_read_pic(path, &buf, &len) < 0) {
        k->absent++;
        return 0;
    }
    char err[320];
    int rc = imgcache_put(k->cache, img->sha256, buf, len, err, sizeof err);
    free(buf);
    if (rc == 0) {
        k->taken++;
    } else {
        k->refused++;
        fprintf(stderr, "kioskctl: %s: picture %s refused: %s\n", k->file, name, err);
    }
    return 0;
}

/* Put the pictures the content names from files beside `file` (named as
 * their URLs end) into the cache. Returns the number refused, or -1. */
static int kioskctl_import_pictures(const KioskctlArgs *a, const char *file, const Content *c)
{
    char err[300];
    KioskctlPics k = { .file = file, .c = c };
    snprintf(k.dir, sizeof k.dir, "%s", file);
    char *slash = strrchr(k.dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(k.dir, sizeof k.dir, ".");
    k.cache = imgcache_open(a->data_dir, (int64_t)a->cfg->image_cache_mb << 20, err, sizeof err);
    if (!k.cache) {
        fprintf(stderr, "kioskctl: %s: pictures not taken: %s\n", file, err);
        return -1;
    }
    content_each_image(c, kioskctl_pic_cb, &k);
    imgcache_evict(k.cache, c);
    imgcache_close(k.cache);
    if (k.taken || k.absent || k.refused)
        printf("pictures: %d taken from beside %s, %d not there (the kiosk's sync fetches "
               "them), %d refused\n", k.taken, file, k.absent, k.refused);
    return k.refused;
}

/* Warn about a character the kiosk's font cannot draw (the bundled Noto
 * Sans CJK subset covers Latin, punctuation and the Chinese characters of
 * the Basic Multilingual Plane; emoji lie outside it): the kiosk shows it
 * as a box. Says where (item, field, language, character position).
 * Returns 1 if it warned. */
static int kioskctl_glyph_check(const char *kind, const char *id, const char *field,
                                const LText *t)
{
    const char *txt[2] = {t->zh, t->en}, *lang[2] = {"zh", "en"};
    int warned = 0;
    for (int l = 0; l < 2; l++) {
        const char *p = txt[l];
        if (!p)
            continue;
        size_t len = strlen(p), pos = 0;
        for (size_t i = 0; i < len; pos++) {
            unsigned cp;
            size_t n = utf8_decode(p + i, len - i, &cp);
            if (cp > 0xFFFF) {
                fprintf(stderr, "kioskctl: warning: %s %s, %s (%s), character %zu: U+%04X"
                        " (an emoji?) is not in the kiosk's font; it shows as a box \u25A1."
                        " Use words instead.\n", kind, id, field, lang[l], pos + 1, cp);
                warned = 1;
                break;   /* one warning per text */
            }
            i += n;
        }
    }
    return warned;
}

static int kioskctl_glyphs(const Content *c)
{
    int n = 0;
    n += kioskctl_glyph_check("site", "name", "name", &c->site_name);
    for (size_t i = 0; i < c->n_notices; i++) {
        n += kioskctl_glyph_check("notice", c->notices[i].id, "title", &c->notices[i].title);
        n += kioskctl_glyph_check("notice", c->notices[i].id, "body", &c->notices[i].body);
    }
    for (size_t i = 0; i < c->n_events; i++) {
        const Event *e = &c->events[i];
        n += kioskctl_glyph_check("event", e->id, "title", &e->title);
        n += kioskctl_glyph_check("event", e->id, "description", &e->description);
        n += kioskctl_glyph_check("event", e->id, "location", &e->location);
    }
    for (size_t i = 0; i < c->n_channels; i++)
        n += kioskctl_glyph_check("channel", c->channels[i].id, "label", &c->channels[i].label);
    for (size_t i = 0; i < c->n_board; i++) {
        n += kioskctl_glyph_check("board item", c->board[i].id, "said", &c->board[i].said);
        n += kioskctl_glyph_check("board item", c->board[i].id, "done", &c->board[i].done);
    }
    return n;
}

static int kioskctl_import(const KioskctlArgs *a)
{
    const char *file = a->argv[0];
    Store *s = kioskctl_open(a);
    if (!s)
        return KIOSKCTL_FAIL;
    char err[512];
    int rc = store_import_file(s, file, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "kioskctl: %s: %s\n", file, err);
        store_close(s);
        return rc == STORE_INVALID ? KIOSKCTL_USAGE : KIOSKCTL_FAIL;
    }
    StoreContentInfo info;
    Content *c = store_load_content(s, err, sizeof err);
    if (!c || store_content_info(s, &info, err, sizeof err) != 1) {
        fprintf(stderr, "kioskctl: %s: imported, but reading it back failed: %s\n", file, err);
        content_free(c);
        store_close(s);
        return KIOSKCTL_FAIL;
    }
    printf("imported %s: version %s, serial %lld, %zu notices, %zu events, %zu channels\n",
           file, info.version, (long long)info.serial, c->n_notices, c->n_events,
           c->n_channels);
    kioskctl_glyphs(c);   /* imported all the same: a warning, not a refusal */
    int refused = kioskctl_import_pictures(a, file, c);
    content_free(c);
    store_close(s);
    if (refused != 0)
        fprintf(stderr, "kioskctl: %s: imported, but %s; the text is shown without them\n",
                file, refused < 0 ? "its pictures could not be kept" : "pictures were refused");
    return refused > 0 ? KIOSKCTL_USAGE : refused < 0 ? KIOSKCTL_FAIL : KIOSKCTL_OK;
}

static int kioskctl_status(const KioskctlArgs *a)
{
    Store *s = kioskctl_open(a);
    if (!s)
        return KIOSKCTL_FAIL;
    char err[512];
    StoreContentInfo info;
    int have = store_content_info(s, &info, err, sizeof err);
    int rc = KIOSKCTL_OK;
    printf("data dir:  %s\n", a->data_dir);
    if (store_disk_full(s))
        printf("DISK FULL: %lld KiB free on the data directory's file system: the kiosk shows"
               " its content but cannot take suggestions until space is freed (docs/OPERATIONS.md,"
               " \"When the disk is full\")\n", (long long)store_free_bytes(a->data_dir) / 1024);
    if (store_lost(s))
        printf("LOST:      the database is empty, but this data directory held content or"
               " suggestions before (%s): they are gone. See docs/OPERATIONS.md, \"When the"
               " database is lost\"\n", STORE_DATA_MARK);
    if (have < 0) {
        fprintf(stderr, "kioskctl: %s: %s\n", a->data_dir, err);
        rc = KIOSKCTL_FAIL;
    } else if (have == 0) {
        printf("content:   none imported yet\n");
    } else {
        char when[64] = "?";
        time_t t = (time_t)info.imported_at;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
        printf("content:   version %s, serial %lld\nimported:  %s\n",
               info.version, (long long)info.serial, when);
        Content *c = store_load_content(s, err, sizeof err);
        if (c) {
            printf("site:      %s", c->site_name.zh);
            if (c->site_name.en)
                printf(" / %s", c->site_name.en);
            printf("\nnotices:   %zu\nevents:    %zu\nchannels:  %zu\n",
                   c->n_notices, c->n_events, c->n_channels);
            content_free(c);
        } else {
            fprintf(stderr, "kioskctl: stored content does not parse: %s\n", err);
            rc = KIOSKCTL_FAIL;
        }
    }
    store_close(s);
    StaffctlEnv e = kioskctl_env(a);
    if (staffctl_status(&e) != STAFFCTL_OK)
        rc = KIOSKCTL_FAIL;
    return rc;
}

/* The commands that reach the database without kioskctl_open (through
 * the outbox or the uploader, whose connections skip the full check). */
static const char *const kioskctl_db_commands[] = {"export", "list", "purge", "upload"};

/* Run a command; those above first check the database (store_open runs
 * PRAGMA quick_check), so a damaged file is reported as such, exit 1, and
 * left where it is: only the kiosk moves it aside (docs/OPERATIONS.md). */
static int kioskctl_run(const KioskctlCommand *cmd, const KioskctlArgs *a)
{
    for (size_t i = 0; i < sizeof kioskctl_db_commands / sizeof *kioskctl_db_commands; i++) {
        if (strcmp(cmd->name, kioskctl_db_commands[i]) != 0)
            continue;
        Store *s = kioskctl_open(a);
        if (!s)
            return KIOSKCTL_FAIL;
        store_close(s);
    }
    return cmd->run(a);
}

static bool kioskctl_is_help(const char *s)
{
    return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

/* Runs one command with its arguments (options already consumed). */
static int kioskctl_dispatch(const char *data_dir, const Config *cfg, const char *config_path,
                             int argc, char **argv)
{
    const KioskctlCommand *cmd = NULL;
    for (int i = 0; i < KIOSKCTL_N_COMMANDS; i++)
        if (strcmp(argv[0], kioskctl_commands[i].name) == 0)
            cmd = &kioskctl_commands[i];
    if (!cmd) {
        fprintf(stderr, "kioskctl: unknown command \"%s\" (try kioskctl --help)\n", argv[0]);
        return KIOSKCTL_USAGE;
    }
    KioskctlArgs a = { .data_dir = data_dir, .cfg = cfg, .config_path = config_path,
                      .argc = argc - 1, .argv = argv + 1 };
    if (cmd->min_args < 0) {
        for (int i = 0; i < a.argc; i++)
            if (kioskctl_is_help(a.argv[i])) {
                kioskctl_command_usage(stdout, cmd);
                return KIOSKCTL_OK;
            }
        int rc = kioskctl_run(cmd, &a);
        if (rc == KIOSKCTL_USAGE)
            kioskctl_command_usage(stderr, cmd);
        return rc;
    }
    bool dashdash = false;
    for (int i = 0; i < a.argc; i++) {
        if (dashdash || a.argv[i][0] != '-' || strcmp(a.argv[i], "-") == 0)
            continue;
        if (kioskctl_is_help(a.argv[i])) {
            kioskctl_command_usage(stdout, cmd);
            return KIOSKCTL_OK;
        }
        if (strcmp(a.argv[i], "--") == 0) {
            dashdash = true;
            memmove(&a.argv[i], &a.argv[i + 1], (size_t)(a.argc - i - 1) * sizeof *a.argv);
            a.argc--;
            i--;
            continue;
        }
        fprintf(stderr, "kioskctl: %s: unknown option \"%s\"\n", cmd->name, a.argv[i]);
        kioskctl_command_usage(stderr, cmd);
        return KIOSKCTL_USAGE;
    }
    if (a.argc < cmd->min_args || a.argc > cmd->max_args) {
        fprintf(stderr, "kioskctl: %s: wrong number of arguments\n", cmd->name);
        kioskctl_command_usage(stderr, cmd);
        return KIOSKCTL_USAGE;
    }
    return kioskctl_run(cmd, &a);
}

int main(int argc, char **argv)
{
    /* As the kiosk: files it makes are private, whatever the caller's umask
     * (the office key pair's public half is made readable on purpose). */
    umask(077);
    const char *data_dir = getenv("KIOSK_DATA_DIR");
    if (!data_dir || !*data_dir)
        data_dir = NULL;   /* then the config's, which defaults to KIOSKCTL_DEFAULT_DIR */
    const char *config = getenv("KIOSK_CONFIG");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (kioskctl_is_help(argv[i])) {
            kioskctl_usage(stdout);
            return KIOSKCTL_OK;
        } else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc && *argv[i + 1]) {
            data_dir = argv[++i];
        } else if (strncmp(argv[i], "--data-dir=", 11) == 0 && argv[i][11]) {
            data_dir = argv[i] + 11;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && *argv[i + 1]) {
            config = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0 && argv[i][9]) {
            config = argv[i] + 9;
        } else if (strncmp(argv[i], "--config", 8) == 0) {
            fprintf(stderr, "kioskctl: --config needs a file\n");
            return KIOSKCTL_USAGE;
        } else if (strncmp(argv[i], "--data-dir", 10) == 0) {
            fprintf(stderr, "kioskctl: --data-dir needs a directory\n");
            return KIOSKCTL_USAGE;
        } else {
            fprintf(stderr, "kioskctl: bad option \"%s\"\n", argv[i]);
            kioskctl_usage(stderr);
            return KIOSKCTL_USAGE;
        }
    }
    if (i == argc) {
        kioskctl_usage(stderr);
        return KIOSKCTL_USAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        kioskctl_usage(stdout);
        return KIOSKCTL_OK;
    }
    static Config cfg;
    config_defaults(&cfg);
    char err[700];
    /* enroll may make the settings file. */
    bool new_file = strcmp(argv[i], "enroll") == 0 && config && *config && access(config, F_OK) != 0;
    if (config && *config && !new_file && config_load(&cfg, config, err, sizeof err) < 0) {
        fprintf(stderr, "kioskctl: %s\n", err);
        return KIOSKCTL_USAGE;
    }
    if (!data_dir)
        data_dir = cfg.data_dir;
    else if (snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data_dir) >= (int)sizeof cfg.data_dir) {
        fprintf(stderr, "kioskctl: --data-dir: name too long\n");
        return KIOSKCTL_USAGE;
    }
    return kioskctl_dispatch(data_dir, &cfg, config && *config ? config : NULL, argc - i, argv + i);
}
