/* pinyin.c - pinyin to Chinese conversion for the on-screen keyboard (googlepinyin). */
#include "pinyin.h"
#include "errmsg.h"
#include "utf8.h"

#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pinyin_priv.h"

/* Engine candidates looked at per search, so a filter that rejects most of
 * them cannot make a keystroke slow ("zzz" gives 1436). */
#define PINYIN_SCAN_MAX 1000
/* UTF-8 bytes for the cached list: a whole-input conversion (at most 28
 * hanzi, 84 bytes), 199 lemmas of at most 8 hanzi (24 bytes), NULs. */
#define PINYIN_ARENA (PINYIN_TEXT_MAX + (PINYIN_MAX_CANDIDATES - 1) * 25)
/* UTF-16 units fetched for one candidate (the decoder makes at most 40). */
#define PINYIN_U16_MAX 64
/* Syllable separator shown in the composition. */
#define PINYIN_SEP '\''

struct Pinyin {
    bool pending;                 /* pinyin_open_later: decoder not loaded yet */
    bool failed;                  /* its load failed: the handle offers nothing */
    char letters[PINYIN_MAX_LETTERS + 1];
    size_t len;
    PinyinDrawable drawable;
    void *ctx;
    bool predicting;
    uint16_t (*pred)[IM_MAX_PREDICT_SIZE + 1];   /* the engine's buffer */
    size_t npred;
    size_t engine_n;              /* candidates the engine offers */
    char fixed[PINYIN_TEXT_MAX];  /* UTF-8 of the partially chosen part */
    size_t count;
    uint16_t engine_idx[PINYIN_MAX_CANDIDATES];
    uint16_t offset[PINYIN_MAX_CANDIDATES];
    size_t used;
    char arena[PINYIN_ARENA];
};

/* The decoder outlives Pinyin handles: googlepinyin has one global
 * decoder, and loading it again leaks ~195 KB in the library and trips
 * ASan (alloc-dealloc-mismatch in SpellingTrie::build_ym_info). So it is
 * loaded once, kept across pinyin_close/pinyin_open (its user dictionary
 * wiped at each close), and unloaded by pinyin_unload or at exit. */
static struct {
    bool loaded;
    bool in_use;                  /* a Pinyin handle is open */
    pid_t owner;                  /* the process that loaded it */
    char sys_dict[512];
    char dir[256];                /* private 0700 directory */
    char user_dict[300];          /* the user dictionary inside it */
} pinyin_engine;

/* The background load (pinyin_open_later, pinyin_load_start). The thread
 * runs pinyin_load and writes pinyin_engine and ok/err; every other access
 * to them is on the caller's thread after pthread_join (or before
 * pthread_create), which orders them. `done` alone is read while it runs. */
static struct {
    pthread_t thread;
    bool started;                 /* created and not yet joined */
    atomic_bool done;             /* the thread has finished */
    bool ok;
    char sys_dict[512];
    char err[300];
} pinyin_bg;

static const char *const pinyin_dict_paths[] = {
    "/usr/lib/x86_64-linux-gnu/googlepinyin/data/dict_pinyin.dat",
    "/usr/lib/*/googlepinyin/data/dict_pinyin.dat",
    "/usr/lib/googlepinyin/data/dict_pinyin.dat",
    "/usr/local/lib/googlepinyin/data/dict_pinyin.dat",
    "/usr/local/lib/*/googlepinyin/data/dict_pinyin.dat",
};


/* First readable dictionary among the known paths (globs allowed). */
static bool pinyin_find_dict(char *out, size_t n)
{
    for (size_t i = 0; i < sizeof pinyin_dict_paths / sizeof *pinyin_dict_paths; i++) {
        glob_t g;
        if (glob(pinyin_dict_paths[i], 0, NULL, &g) != 0)
            continue;
        for (size_t k = 0; k < g.gl_pathc; k++) {
            if (access(g.gl_pathv[k], R_OK) == 0 && strlen(g.gl_pathv[k]) < n) {
                strcpy(out, g.gl_pathv[k]);
                globfree(&g);
                return true;
            }
        }
        globfree(&g);
    }
    return false;
}

/* Whether `path` starts like a googlepinyin dictionary (the spelling
 * trie's sizes: 8 and 413 in Debian's). The engine trusts these numbers;
 * garbage there makes it allocate exabytes and abort the kiosk. */
static bool pinyin_dict_plausible(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t head[2] = {0, 0};
    bool ok = fread(head, sizeof head, 1, f) == 1 && fseek(f, 0, SEEK_END) == 0 &&
              ftell(f) >= 64 * 1024;
    fclose(f);
    return ok && head[0] >= 2 && head[0] <= 16 && head[1] >= 1 && head[1] < 512;
}

/* UTF-16 (BMP, NUL-terminated, at most `max` units) to UTF-8 in out[n].
 * Fails (false) on a surrogate, a code point the filter rejects (when
 * check is set) or lack of room. */
static bool pinyin_to_utf8(const Pinyin *p, const uint16_t *s, size_t max,
                           bool check, char *out, size_t n, size_t *written)
{
    size_t w = 0;
    for (size_t i = 0; i < max && s[i]; i++) {
        uint32_t cp = s[i];
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return false;
        if (check && p->drawable && !p->drawable(p->ctx, cp))
            return false;
        if (w + 4 > n)
            return false;
        w += utf8_encode(cp, out + w);
    }
    out[w] = '\0';
    if (written)
        *written = w;
    return true;
}

/* Add a candidate to the cached list if it passes the filter. (The engine
 * lists no duplicates, not even of a partial choice's candidate 0.) */
static void pinyin_add(Pinyin *p, const uint16_t *s, size_t max, size_t engine_i)
{
    size_t w;
    char *dst = p->arena + p->used;
    if (!s[0] || !pinyin_to_utf8(p, s, max, true, dst, sizeof p->arena - p->used, &w))
        return;
    p->offset[p->count] = (uint16_t)p->used;
    p->engine_idx[p->count] = (uint16_t)engine_i;
    p->count++;
    p->used += w + 1;
}

/* Rebuild the cached candidate list from the engine's current state. */
static void pinyin_fill(Pinyin *p)
{
    p->count = 0;
    p->used = 0;
    p->fixed[0] = '\0';
    if (p->predicting) {
        for (size_t i = 0; i < p->npred && p->count < PINYIN_MAX_CANDIDATES; i++)
            pinyin_add(p, p->pred[i], IM_MAX_PREDICT_SIZE + 1, i);
        return;
    }
    if (p->len == 0)
        return;
    size_t fixed = im_get_fixed_len();
    size_t scan = p->engine_n < PINYIN_SCAN_MAX ? p->engine_n : PINYIN_SCAN_MAX;
    for (size_t i = 0; i < scan && p->count < PINYIN_MAX_CANDIDATES; i++) {
        uint16_t buf[PINYIN_U16_MAX + 1];
        if (!im_get_candidate(i, buf, PINYIN_U16_MAX))
            continue;
        buf[PINYIN_U16_MAX] = 0;
        const uint16_t *s = buf;
        if (i == 0 && fixed > 0) {
            /* Candidate 0 is the whole sentence, fixed part included. */
            size_t k = 0;
            while (k < fixed && s[k])
                k++;
            if (!pinyin_to_utf8(p, s, k, false, p->fixed, sizeof p->fixed, NULL))
                p->fixed[0] = '\0';
            s += k;
        }
        pinyin_add(p, s, PINYIN_U16_MAX, i);
    }
}

/* Search the whole letter buffer again (the engine reuses the common
 * prefix, and keeps partial choices made within it). */
static void pinyin_search(Pinyin *p)
{
    if (p->len == 0) {
        im_reset_search();
        p->engine_n = 0;
    } else {
        p->engine_n = im_search(p->letters, p->len);
    }
    pinyin_fill(p);
}

/* Give the decoder a fresh empty user dictionary. im_flush_cache() makes
 * the user dictionary write itself back to its file and load it again; the
 * write opens the file without O_CREAT, so with the file deleted nothing
 * is written, the load fails and the engine starts a fresh empty
 * dictionary at the same path. Returns 0, or -1 if that file is missing. */
static int pinyin_wipe(void)
{
    im_reset_search();
    unlink(pinyin_engine.user_dict);
    im_flush_cache();
    if (access(pinyin_engine.user_dict, F_OK) != 0)
        return -1;
    chmod(pinyin_engine.user_dict, 0600);   /* re-created by fopen(): umask */
    return 0;
}

static void pinyin_bg_join(void);

void pinyin_unload(void)
{
    pinyin_bg_join();   /* a load under way finishes first (exit during it) */
    if (!pinyin_engine.loaded || pinyin_engine.owner != getpid())
        return;         /* never touch a parent process's files after fork */
    im_reset_search();
    /* With the file gone, closing cannot write learned phrases into it;
     * the engine then re-creates an empty one, deleted below. */
    unlink(pinyin_engine.user_dict);
    im_close_decoder();
    unlink(pinyin_engine.user_dict);
    rmdir(pinyin_engine.dir);
    pinyin_engine.loaded = false;
}

/* Remove the directories of processes that died without unloading
 * (kill -9, power cut): "lobby-pinyin-<pid>-XXXXXX" of ours whose pid is
 * gone. They hold at most an empty dictionary, but should not pile up. */
static void pinyin_sweep(const char *tmp)
{
    char pattern[300];
    snprintf(pattern, sizeof pattern, "%s/lobby-pinyin-*-*", tmp);
    glob_t g;
    if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *d = g.gl_pathv[i];
        struct stat st;
        long pid = strtol(strrchr(d, '/') + strlen("/lobby-pinyin-"), NULL, 10);
        if (pid <= 0 || lstat(d, &st) != 0 || !S_ISDIR(st.st_mode) ||
            st.st_uid != getuid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char files[320];
        snprintf(files, sizeof files, "%s/user-*", d);
        glob_t f;
        if (glob(files, GLOB_NOSORT, NULL, &f) == 0) {
            for (size_t k = 0; k < f.gl_pathc; k++)
                unlink(f.gl_pathv[k]);
            globfree(&f);
        }
        rmdir(d);
    }
    globfree(&g);
}

/* Load the decoder with sys_dict and a new private user dictionary. */
static bool pinyin_load(const char *sys_dict, char *err, size_t errlen)
{
    static bool at_exit;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || tmp[0] != '/' || strlen(tmp) > 200)
        tmp = "/tmp";
    pinyin_sweep(tmp);
    snprintf(pinyin_engine.dir, sizeof pinyin_engine.dir, "%s/lobby-pinyin-%ld-XXXXXX", tmp,
             (long)getpid());
    if (!mkdtemp(pinyin_engine.dir)) {
        errmsg(err, errlen, "pinyin: cannot make a directory in %s: %s", tmp, strerror(errno));
        return false;
    }
    snprintf(pinyin_engine.user_dict, sizeof pinyin_engine.user_dict, "%s/user-XXXXXX",
             pinyin_engine.dir);
    int fd = mkstemp(pinyin_engine.user_dict);   /* 0600; the engine fills it */
    if (fd < 0) {
        errmsg(err, errlen, "pinyin: cannot make the user dictionary: %s", strerror(errno));
        rmdir(pinyin_engine.dir);
        return false;
    }
    close(fd);
    if (!im_open_decoder(sys_dict, pinyin_engine.user_dict)) {
        errmsg(err, errlen, "pinyin: %s: not a googlepinyin dictionary", sys_dict);
        im_close_decoder();
        unlink(pinyin_engine.user_dict);
        rmdir(pinyin_engine.dir);
        return false;
    }
    snprintf(pinyin_engine.sys_dict, sizeof pinyin_engine.sys_dict, "%s", sys_dict);
    pinyin_engine.owner = getpid();
    pinyin_engine.loaded = true;
    if (!at_exit)
        at_exit = atexit(pinyin_unload) == 0;
    return true;
}

/* The checks of pinyin_open; the dictionary's path into dict[n]. The
 * decoder is left loaded only when it holds that dictionary already. */
static bool pinyin_check(const char *dict_path, char *dict, size_t n, char *err, size_t errlen)
{
    if (!dict_path) {
        if (!pinyin_find_dict(dict, n)) {
            errmsg(err, errlen, "pinyin: no googlepinyin dictionary "
                       "(dict_pinyin.dat) found; install libgooglepinyin0");
            return false;
        }
    } else if (snprintf(dict, n, "%s", dict_path) >= (int)n) {
        errmsg(err, errlen, "pinyin: dictionary path too long");
        return false;
    }
    if (access(dict, R_OK) != 0) {
        errmsg(err, errlen, "pinyin: %s: %s", dict, strerror(errno));
        return false;
    }
    if (!pinyin_dict_plausible(dict)) {
        errmsg(err, errlen, "pinyin: %s: not a googlepinyin dictionary", dict);
        return false;
    }
    if (pinyin_engine.in_use) {
        errmsg(err, errlen, "pinyin: a decoder is already open");
        return false;
    }
    if (pinyin_engine.loaded && (pinyin_engine.owner != getpid() ||
                                 strcmp(pinyin_engine.sys_dict, dict) != 0)) {
        pinyin_unload();
        pinyin_engine.loaded = false;   /* a parent's: leave its files */
    }
    return true;
}

static Pinyin *pinyin_handle(char *err, size_t errlen)
{
    Pinyin *p = calloc(1, sizeof *p);
    if (!p) {
        errmsg(err, errlen, "pinyin: out of memory");
        return NULL;
    }
    pinyin_engine.in_use = true;
    return p;
}

Pinyin *pinyin_open(const char *dict_path, char *err, size_t errlen)
{
    char dict[512];
    if (!pinyin_check(dict_path, dict, sizeof dict, err, errlen))
        return NULL;
    if (!pinyin_engine.loaded && !pinyin_load(dict, err, errlen))
        return NULL;
    return pinyin_handle(err, errlen);
}

Pinyin *pinyin_open_later(const char *dict_path, char *err, size_t errlen)
{
    char dict[512];
    if (!pinyin_check(dict_path, dict, sizeof dict, err, errlen))
        return NULL;
    Pinyin *p = pinyin_handle(err, errlen);
    if (p && !pinyin_engine.loaded) {
        p->pending = true;
        snprintf(pinyin_bg.sys_dict, sizeof pinyin_bg.sys_dict, "%s", dict);
    }
    return p;
}

static void *pinyin_bg_main(void *arg)
{
    (void)arg;
    pinyin_bg.ok = pinyin_load(pinyin_bg.sys_dict, pinyin_bg.err, sizeof pinyin_bg.err);
    atomic_store(&pinyin_bg.done, true);
    return NULL;
}

void pinyin_load_start(Pinyin *p)
{
    if (!p || !p->pending || pinyin_bg.started)
        return;
    atomic_store(&pinyin_bg.done, false);
    pinyin_bg.started = pthread_create(&pinyin_bg.thread, NULL, pinyin_bg_main, NULL) == 0;
}

static void pinyin_bg_join(void)
{
    if (pinyin_bg.started) {
        pthread_join(pinyin_bg.thread, NULL);
        pinyin_bg.started = false;
    }
}

/* Finish a pending load: wait for the thread, or load here if none was
 * started. True when the decoder is loaded for p. */
static bool pinyin_ready(Pinyin *p)
{
    if (p->pending) {
        if (pinyin_bg.started)
            pinyin_bg_join();
        else
            pinyin_bg.ok = pinyin_load(pinyin_bg.sys_dict, pinyin_bg.err, sizeof pinyin_bg.err);
        p->pending = false;
        p->failed = !pinyin_bg.ok;
    }
    return !p->failed;
}

int pinyin_load_status(Pinyin *p, char *err, size_t errlen)
{
    if (p->pending && !(pinyin_bg.started && atomic_load(&pinyin_bg.done)))
        return 0;
    if (pinyin_ready(p))
        return 1;
    errmsg(err, errlen, "%s", pinyin_bg.err);
    return -1;
}

void pinyin_close(Pinyin *p)
{
    if (!p)
        return;
    if (p->pending && pinyin_bg.started)
        pinyin_ready(p);          /* let the load under way finish */
    if (!p->pending && !p->failed) {
        pinyin_clear(p);
        pinyin_wipe();
    }
    pinyin_engine.in_use = false;
    free(p);
}

int pinyin_reset(Pinyin *p)
{
    pinyin_clear(p);
    if (p->pending)               /* nothing typed or learned yet */
        return 0;
    return p->failed ? -1 : pinyin_wipe();
}

const char *pinyin_user_dict_path(const Pinyin *p)
{
    if (p->pending)
        pinyin_ready((Pinyin *)p);
    return pinyin_engine.user_dict;
}

int pinyin_type(Pinyin *p, char letter)
{
    bool sep = letter == '\'';
    if (!(letter >= 'a' && letter <= 'z') && !sep)
        return -1;
    if (p->len >= PINYIN_MAX_LETTERS)
        return -1;
    if (sep && (p->len == 0 || p->letters[p->len - 1] == '\''))
        return -1;
    if (!pinyin_ready(p))         /* a load under way: wait for it */
        return -1;
    p->predicting = false;
    p->letters[p->len++] = letter;
    p->letters[p->len] = '\0';
    pinyin_search(p);
    return 0;
}

int pinyin_backspace(Pinyin *p)
{
    if (p->len == 0) {
        if (p->predicting) {
            p->predicting = false;
            pinyin_fill(p);
        }
        return 0;
    }
    p->letters[--p->len] = '\0';
    pinyin_search(p);
    return 1;
}

const char *pinyin_letters(const Pinyin *p)
{
    return p->letters;
}

/* Append letters[from, to) as one syllable: a separator first unless the
 * output holds only the Chinese part (`base` bytes), typed apostrophes
 * become separators too. Stops when buf (n bytes) is full. */
static size_t pinyin_put_syllable(const Pinyin *p, size_t from, size_t to,
                                  char *buf, size_t n, size_t w, size_t base)
{
    bool pending = true;
    for (size_t i = from; i < to && i < p->len; i++) {
        if (p->letters[i] == '\'') {
            pending = true;
            continue;
        }
        size_t need = (pending && w > base) ? 2 : 1;
        if (w + need >= n)
            break;
        if (need == 2)
            buf[w++] = PINYIN_SEP;
        buf[w++] = p->letters[i];
        pending = false;
    }
    buf[w] = '\0';
    return w;
}

void pinyin_display(const Pinyin *p, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    if (p->len == 0)
        return;
    size_t w = 0;
    for (const char *f = p->fixed; *f;) {   /* whole characters only */
        size_t cl = 1;
        while ((f[cl] & 0xC0) == 0x80)
            cl++;
        if (w + cl >= n)
            break;
        memcpy(buf + w, f, cl);
        w += cl;
        f += cl;
    }
    buf[w] = '\0';
    size_t base = w, pos = 0;
    const uint16_t *st = NULL;
    size_t nspl = im_get_spl_start_pos(&st);
    if (st && nspl > 0) {
        for (size_t k = im_get_fixed_len(); k < nspl; k++)
            w = pinyin_put_syllable(p, st[k], st[k + 1], buf, n, w, base);
        pos = st[nspl];
    }
    /* Letters the engine could not split, as typed. */
    pinyin_put_syllable(p, pos, p->len, buf, n, w, base);
}

bool pinyin_composing(const Pinyin *p)
{
    return p->len > 0;
}

size_t pinyin_count(const Pinyin *p)
{
    return p->count;
}

const char *pinyin_candidate(const Pinyin *p, size_t i)
{
    return i < p->count ? p->arena + p->offset[i] : NULL;
}

void pinyin_set_filter(Pinyin *p, PinyinDrawable drawable, void *ctx)
{
    p->drawable = drawable;
    p->ctx = ctx;
    if (!p->pending && !p->failed)   /* else nothing is listed yet */
        pinyin_fill(p);
}

int pinyin_choose(Pinyin *p, size_t i, char *out, size_t n)
{
    if (i >= p->count || !out)
        return -1;
    const char *cand = p->arena + p->offset[i];
    size_t need = strlen(p->fixed) + strlen(cand) + 1;
    if (n < need)
        return -1;
    if (p->predicting) {
        memcpy(out, cand, strlen(cand) + 1);
        pinyin_clear(p);
        return 1;
    }
    p->engine_n = im_choose(p->engine_idx[i]);
    const uint16_t *st = NULL;
    size_t nspl = im_get_spl_start_pos(&st);
    if (im_get_fixed_len() < nspl) {
        pinyin_fill(p);
        return 0;
    }
    /* Complete: candidate 0 is now the whole text. Never choose again in
     * this state (the engine asserts). */
    uint16_t buf[PINYIN_U16_MAX + 1];
    out[0] = '\0';
    if (im_get_candidate(0, buf, PINYIN_U16_MAX)) {
        buf[PINYIN_U16_MAX] = 0;
        if (!pinyin_to_utf8(p, buf, PINYIN_U16_MAX, false, out, n, NULL))
            snprintf(out, n, "%s%s", p->fixed, cand);
    }
    pinyin_clear(p);
    return 1;
}

/* Whether cp is a CJK ideograph (the only history googlepinyin predicts from). */
static bool pinyin_is_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF);
}

/* A particle that usually ends a clause (了 in 坏了, 吗, 呢, 吧, ...); not 的,
 * which is followed by a noun (小区的物业). */
static bool pinyin_is_particle(uint16_t c)
{
    static const uint16_t particles[] = {0x4E86 /* 了 */, 0x5417 /* 吗 */,
                                         0x5462 /* 呢 */, 0x5427 /* 吧 */, 0x554A /* 啊 */,
                                         0x5440 /* 呀 */, 0x54E6 /* 哦 */, 0x561B /* 嘛 */,
                                         0x5566 /* 啦 */};
    for (size_t i = 0; i < sizeof particles / sizeof *particles; i++)
        if (particles[i] == c)
            return true;
    return false;
}

/* googlepinyin predicts the rest of dictionary words that begin with the
 * longest tail of the history it knows as a word's start. After 电梯坏了
 * no word begins with 坏了, so it falls back to 了 alone and offers the
 * rest of words that begin with 了 (了解, 了吗, 了一场, 了解一下: 解 吗
 * 一场 解一下): the particle that closed the clause taken as the start of
 * a new word. When the engine fell back to a particle that ends a longer
 * history, what follows is more likely punctuation: offer that instead. */
static void pinyin_after_particle(Pinyin *p, const uint16_t *his, size_t k)
{
    static uint16_t stops[2][4][IM_MAX_PREDICT_SIZE + 1] = {
        {{0xFF0C}, {0x3002}, {0xFF01}, {0xFF1F}},   /* ， 。 ！ ？ */
        {{0xFF1F}, {0xFF0C}, {0x3002}, {0xFF01}},   /* after 吗 and 呢: ？ first */
    };
    if (k < 2 || p->npred == 0 || !pinyin_is_particle(his[k - 1]))
        return;
    /* The first few of the whole history's predictions, against those of
     * the particle alone: the same means the engine matched only it. */
    enum { CMP = 6 };
    uint16_t first[CMP][IM_MAX_PREDICT_SIZE + 1];
    size_t n = p->npred < CMP ? p->npred : CMP;
    memcpy(first, p->pred, n * sizeof first[0]);
    uint16_t one[2] = {his[k - 1], 0};
    uint16_t (*alone)[IM_MAX_PREDICT_SIZE + 1] = NULL;
    size_t na = im_get_predicts(one, &alone);
    /* The particle alone known as no word's start (吗): the engine fell
     * back to its most frequent characters (的 了 你 在), as odd. Else
     * the totals differ (23, 13) but the lists agree. */
    bool same = !alone || na == 0 || na >= n;
    for (size_t i = 0; alone && na > 0 && same && i < n; i++)
        same = memcmp(first[i], alone[i], sizeof first[0]) == 0;
    if (!same) {   /* the longer history matched: its predictions again */
        p->npred = im_get_predicts(his, &p->pred);
        if (!p->pred)
            p->npred = 0;
        return;
    }
    bool ask = his[k - 1] == 0x5417 || his[k - 1] == 0x5462;
    p->pred = stops[ask];
    p->npred = 4;
}

size_t pinyin_predict(Pinyin *p, const char *history_utf8)
{
    pinyin_clear(p);
    if (!history_utf8 || !pinyin_ready(p))
        return 0;
    /* The trailing run of Chinese characters, at most the engine's 7. */
    uint16_t his[IM_MAX_PREDICT_SIZE + 1];
    size_t k = 0;
    const char *s = history_utf8;
    size_t left = strlen(s);
    while (left) {
        unsigned cp;
        size_t n = utf8_decode(s, left, &cp);
        s += n;
        left -= n;
        if (!pinyin_is_han(cp)) {
            k = 0;
            continue;
        }
        if (k == IM_MAX_PREDICT_SIZE) {
            memmove(his, his + 1, (k - 1) * sizeof *his);
            k--;
        }
        his[k++] = (uint16_t)cp;
    }
    if (k == 0)
        return 0;
    his[k] = 0;
    p->pred = NULL;
    p->npred = im_get_predicts(his, &p->pred);
    if (!p->pred)
        p->npred = 0;
    pinyin_after_particle(p, his, k);
    p->predicting = true;
    pinyin_fill(p);
    if (p->count == 0)
        p->predicting = false;
    return p->count;
}

bool pinyin_predicting(const Pinyin *p)
{
    return p->predicting;
}

void pinyin_clear(Pinyin *p)
{
    p->len = 0;
    p->letters[0] = '\0';
    p->predicting = false;
    p->npred = 0;
    p->engine_n = 0;
    p->count = 0;
    p->used = 0;
    p->fixed[0] = '\0';
    if (p->pending || p->failed)  /* the engine holds nothing of p yet */
        return;
    im_reset_search();
    pinyin_fill(p);
}
