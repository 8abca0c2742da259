/* test_powercut.c - power cuts: the real kiosk and kioskctl (content sync,
 * upload, USB export to a directory standing for the stick, staff PIN
 * change) against the TLS fault server, all killed with SIGKILL at a random
 * moment (seeded; the seed is printed, POWERCUT_SEED repeats a run), many
 * rounds. After each cut: the database passes integrity_check, nothing the
 * server acknowledged is lost or accepted twice, every suggestion stored is
 * still there, the content is whole and never older than before, the PIN
 * file holds the old or the new PIN, every bundle on the stick is complete
 * (or still named .partial), every row marked exported is in a complete
 * bundle; and the kiosk comes back: its first heartbeat, sent only after
 * its first frame, reaches the server. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultsrv.h"
#include "outbox.h"
#include "pin.h"
#include "proc.h"
#include "timeutil.h"
#include "tmpdir.h"

#define TOKEN "powercut-token"
#define ROUNDS 16
#define MAX_IDS 512

extern char **environ;

static char *dir, *data, *conf, *logp, *stick, *pinp, *certs;
static FaultSrv fs;
static uint64_t rng;

static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir)
        return -1;
    certs = tmpdir_path(dir, "certs");
    if (faultsrv_make_certs(certs) < 0)
        return -1;
    char *cert = tmpdir_path(certs, "server.pem"), *key = tmpdir_path(certs, "server.key");
    int rc = faultsrv_start(&fs, cert, key, TOKEN, NULL);
    free(cert);
    free(key);
    if (rc < 0)
        return -1;
    data = tmpdir_path(dir, "data");
    conf = tmpdir_path(dir, "kiosk.conf");
    logp = tmpdir_path(dir, "programs.log");
    stick = tmpdir_path(dir, "stick");
    pinp = tmpdir_path(data, "staff.pin");
    if (mkdir(stick, 0700) < 0)
        return -1;
    char text[2048];
    snprintf(text, sizeof text,
             "[kiosk]\ndata_dir = %s\ncontent_poll_s = 1\n"
             "[upload]\nupload_url = %s/submit\ncontent_url = %s/content\n"
             "heartbeat_url = %s/heartbeat\ndevice_token = " TOKEN "\n"
             "ca_file = %s/ca.pem\nupload_times =\nupload_batch_min = 1\n"
             "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n"
             "connect_timeout_s = 2\ntransfer_timeout_s = 3\nlow_speed_timeout_s = 1\n",
             data, fs.base, fs.base, fs.base, certs);
    return tmpdir_write(conf, text, strlen(text));
}

static int teardown(void **state)
{
    (void)state;
    faultsrv_stop(&fs);
    free(data); free(conf); free(logp); free(stick); free(pinp); free(certs);
    tmpdir_remove(dir);
    return 0;
}

/* Start a program, output appended to the log, stdin from `in` (NULL: /dev/null). */
static pid_t spawn(char *const argv[], const char *in)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in ? in : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    assert_int_equal(rc, 0);
    return pid;
}

static pid_t spawn_kiosk(void)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kiosk"));
    char *argv[] = {bin, "--windowed", "--size", "800x600", "--config", conf, NULL};
    return spawn(argv, NULL);
}

static pid_t spawn_ctl(const char *cmd, const char *arg, const char *in)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kioskctl"));
    char *argv[] = {bin, "--config", conf, (char *)cmd, (char *)arg, NULL};
    return spawn(argv, in);
}

static int wait_exit(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *program_log(void)
{
    char *log = tmpdir_read(logp);
    return log ? log : strdup("");
}

/* The kiosk is back: a heartbeat beyond `before` reached the server (the
 * uploader starts only after the first frame was shown). */
static void wait_ready(int before, const char *when)
{
    json_t *w = faultsrv_wait(&fs, "heartbeats", before + 1, 30);
    if (!json_is_true(json_object_get(w, "ok"))) {
        char *log = program_log();
        fail_msg("the kiosk did not come back %s within 30 s; programs said:\n%s", when, log);
    }
    json_decref(w);
}

static int heartbeats(void)
{
    json_t *st = faultsrv_state(&fs);
    int n = (int)json_array_size(json_object_get(st, "heartbeats"));
    json_decref(st);
    return n;
}

/* ---- What was stored, acknowledged and exported ---- */

typedef struct {
    char id[MAX_IDS][40];
    int n;
} Ids;

static bool ids_has(const Ids *s, const char *id)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->id[i], id) == 0)
            return true;
    return false;
}

static void ids_add(Ids *s, const char *id)
{
    if (ids_has(s, id))
        return;
    assert_true(s->n < MAX_IDS);
    snprintf(s->id[s->n++], sizeof s->id[0], "%s", id);
}

static void push_suggestions(Ids *pushed, int round, int n)
{
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    if (!ob)
        fail_msg("outbox_open: %s", err);
    for (int i = 0; i < n; i++) {
        char text[96];
        snprintf(text, sizeof text, "第%d轮第%d条：楼道灯坏了", round, i);
        assert_int_equal(outbox_push(ob, "repairs", text, i % 3 == 0 ? "13800000000" : NULL,
                                     "zh", time_now_ms() / 1000, receipt, err, sizeof err),
                         OUTBOX_OK);
        OutboxMeta m;
        assert_int_equal(outbox_get_by_receipt(ob, receipt, &m), 1);
        ids_add(pushed, m.id);
    }
    outbox_close(ob);
}

static sqlite3 *open_ro(void)
{
    char *path = tmpdir_path(data, "kiosk.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    free(path);
    return db;
}

static void assert_integrity_ok(sqlite3 *db)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
}

/* The round number in the stored content's site name ("第N轮"), 0 if none. */
static int stored_content_round(sqlite3 *db)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT json FROM content", -1, &st, NULL),
                     SQLITE_OK);
    int n = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_error_t je;
        json_t *j = json_loads((const char *)sqlite3_column_text(st, 0), 0, &je);
        if (!j)
            fail_msg("the stored content does not parse: %s", je.text);
        const char *name = json_string_value(
            json_object_get(json_object_get(json_object_get(j, "site"), "name"), "zh"));
        assert_non_null(name);
        assert_int_equal(sscanf(name, "第%d轮", &n), 1);
        json_decref(j);
    }
    sqlite3_finalize(st);
    return n;
}

/* SHA-256 of a file in hex, or "" when it cannot be read. */
static void file_sha256(const char *path, char hex[65])
{
    hex[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[8192], out[crypto_hash_sha256_BYTES];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&h, buf, n);
    fclose(f);
    crypto_hash_sha256_final(&h, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
}

typedef struct {
    int complete, partial, failed;
    int dup_ids;   /* ids found in more than one complete bundle */
} StickCount;

/* Every bundle on the stick: a finished name means every file is there
 * with the size and hash its manifest names, and a signature; collect
 * the ids of the complete ones. */
static void check_stick(Ids *exported_ids, StickCount *c)
{
    memset(c, 0, sizeof *c);
    exported_ids->n = 0;
    DIR *d = opendir(stick);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (strncmp(e->d_name, "lobby-kiosk-export-", 19) != 0)
            fail_msg("unexpected file on the stick: %s", e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 8 && strcmp(e->d_name + len - 8, ".partial") == 0) {
            c->partial++;
            continue;
        }
        if (len > 7 && strcmp(e->d_name + len - 7, ".failed") == 0) {
            c->failed++;
            continue;
        }
        c->complete++;
        char *b = tmpdir_path(stick, e->d_name), *mp = tmpdir_path(b, "manifest.json");
        json_error_t je;
        json_t *m = json_load_file(mp, 0, &je);
        if (!m)
            fail_msg("%s: manifest.json incomplete: %s", e->d_name, je.text);
        json_t *files = json_object_get(m, "files");
        const char *fname;
        json_t *fv;
        int nfiles = 0;
        json_object_foreach(files, fname, fv) {
            char *fp = tmpdir_path(b, fname), hex[65];
            file_sha256(fp, hex);
            struct stat st;
            assert_int_equal(stat(fp, &st), 0);
            if ((long long)st.st_size != json_integer_value(json_object_get(fv, "bytes")) ||
                strcmp(hex, json_string_value(json_object_get(fv, "sha256"))) != 0)
                fail_msg("%s/%s is not what its manifest names", e->d_name, fname);
            free(fp);
            nfiles++;
        }
        assert_int_equal(nfiles, 2);
        char *sp = tmpdir_path(b, "manifest.sig"), *sig = tmpdir_read(sp);
        if (!sig || strlen(sig) < 80 || sig[strlen(sig) - 1] != '\n')
            fail_msg("%s: manifest.sig missing or cut short", e->d_name);
        long long want = json_integer_value(
            json_object_get(json_object_get(m, "counts"), "submissions"));
        char *jp = tmpdir_path(b, "submissions.jsonl");
        FILE *f = fopen(jp, "r");
        assert_non_null(f);
        char line[8192];
        long long rows = 0;
        while (fgets(line, sizeof line, f)) {
            json_t *r = json_loads(line, 0, &je);
            if (!r)
                fail_msg("%s: a record does not parse: %s", e->d_name, je.text);
            const char *id = json_string_value(json_object_get(r, "id"));
            assert_non_null(id);
            if (ids_has(exported_ids, id))
                c->dup_ids++;
            ids_add(exported_ids, id);
            json_decref(r);
            rows++;
        }
        fclose(f);
        assert_int_equal(rows, want);
        json_decref(m);
        free(jp); free(sig); free(sp); free(mp); free(b);
    }
    closedir(d);
}

typedef struct {
    Ids pushed;            /* every suggestion outbox_push acknowledged */
    Ids on_stick;          /* ids in complete bundles */
    int content_round;     /* the newest content the database has held */
    char pin_hash[256];    /* the PIN file as it stands before the round */
    char pin_new[16];      /* the PIN the round's set-pin writes ("" none) */
    int pin_changes, pin_torn_checks, tmp_left;
    StickCount stick;
} World;

/* Everything that must hold after a cut, whatever the moment. */
static void check_after_cut(World *w, int round)
{
    sqlite3 *db = open_ro();
    assert_integrity_ok(db);

    /* Content: whole, from a round served so far, never older. */
    int cr = stored_content_round(db);
    if (cr < w->content_round || cr > round)
        fail_msg("round %d: stored content is from round %d (had %d)", round, cr,
                 w->content_round);
    w->content_round = cr;

    /* The server: each id accepted once, under its own key, none unknown;
     * the kiosk still has every one (and every one it was given). */
    json_t *st = faultsrv_state(&fs);
    assert_int_equal(faultsrv_int(st, "conflicts"), 0);
    assert_int_equal(faultsrv_int(st, "bad_key"), 0);
    assert_int_equal(faultsrv_int(st, "bad_auth"), 0);
    json_t *acc = json_object_get(st, "accepted");
    const char *id;
    json_t *keys;
    json_object_foreach(acc, id, keys) {
        if (json_array_size(keys) != 1 || strcmp(json_string_value(json_array_get(keys, 0)), id))
            fail_msg("round %d: %s accepted %zu times", round, id, json_array_size(keys));
        if (!ids_has(&w->pushed, id))
            fail_msg("round %d: the server accepted an unknown id %s", round, id);
    }
    Ids stored = {.n = 0};
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, state FROM submissions"
                                        " WHERE topic <> 'rating'", -1, &q, NULL), SQLITE_OK);
    check_stick(&w->on_stick, &w->stick);
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *rid = (const char *)sqlite3_column_text(q, 0);
        const char *state = (const char *)sqlite3_column_text(q, 1);
        ids_add(&stored, rid);
        /* Marked only after the server said so / after the bundle verified. */
        if (strcmp(state, "delivered") == 0 && !json_object_get(acc, rid))
            fail_msg("round %d: %s marked delivered, never accepted", round, rid);
        if (strcmp(state, "exported") == 0 && !ids_has(&w->on_stick, rid))
            fail_msg("round %d: %s marked exported, in no complete bundle", round, rid);
    }
    sqlite3_finalize(q);
    for (int i = 0; i < w->pushed.n; i++)
        if (!ids_has(&stored, w->pushed.id[i]))
            fail_msg("round %d: acknowledged suggestion %s lost", round, w->pushed.id[i]);
    json_decref(st);
    sqlite3_close(db);

    /* The PIN file: the old one byte for byte, or one that takes the new PIN. */
    char *hash = tmpdir_read(pinp);
    if (w->pin_hash[0] || hash) {
        assert_non_null(hash);
        struct stat sb;
        assert_int_equal(stat(pinp, &sb), 0);
        assert_int_equal((int)(sb.st_mode & 0777), 0600);
        if (strcmp(hash, w->pin_hash) != 0) {
            size_t n = strlen(hash);
            if (!w->pin_new[0] || n < 2 || hash[n - 1] != '\n')
                fail_msg("round %d: the PIN file changed into %zu bytes of something", round, n);
            hash[n - 1] = '\0';
            w->pin_torn_checks++;
            if (crypto_pwhash_str_verify(hash, w->pin_new, strlen(w->pin_new)) != 0)
                fail_msg("round %d: the PIN file holds neither the old nor the new PIN", round);
            hash[n - 1] = '\n';
            snprintf(w->pin_hash, sizeof w->pin_hash, "%s", hash);
            w->pin_changes++;
        }
        PinStatus ps;
        PinResult pr = pin_state(pinp, time(NULL), &ps);
        if (pr != PIN_OK)
            fail_msg("round %d: the pad is %s after the cut: %s", round, pin_result_name(pr),
                     ps.msg);
    }
    free(hash);
}

/* Temporary files an atomic write left behind when it was cut. */
static int leftover_tmp(void)
{
    int n = 0;
    DIR *d = opendir(data);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-"))
            n++;
    closedir(d);
    return n;
}

static void set_content(int round)
{
    char body[512], req[1024];
    snprintf(body, sizeof body, "{\\\"site\\\":{\\\"name\\\":{\\\"zh\\\":\\\"第%d轮\\\"}},"
             "\\\"notices\\\":[],\\\"events\\\":[],\\\"channels\\\":[]}", round);
    snprintf(req, sizeof req, "{\"mode\":\"ok\",\"etag\":\"\\\"r%d\\\"\",\"body\":\"%s\"}",
             round, body);
    json_t *r = faultsrv_ctl(&fs, "/content", req);
    assert_non_null(r);
    json_decref(r);
}

static void sleep_ms(int ms)
{
    /* Only places the cut; nothing waits on it for correctness. */
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static void test_power_cuts(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    const char *s = getenv("POWERCUT_SEED");
    uint64_t seed = s && *s ? strtoull(s, NULL, 10) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
    if (!seed)
        seed = 1;
    rng = seed;
    const char *rs = getenv("POWERCUT_ROUNDS");
    int rounds = rs && *rs ? atoi(rs) : ROUNDS;
    fprintf(stderr, "powercut: seed %llu (POWERCUT_SEED=%llu repeats this run), %d rounds\n",
            (unsigned long long)seed, (unsigned long long)seed, rounds);
    signal(SIGPIPE, SIG_IGN);
    World *w = calloc(1, sizeof *w);
    assert_non_null(w);
    char *pinin = tmpdir_path(dir, "pin.in");
    int64_t t0 = time_mono_ms();
    enum { K_KIOSK, K_PIN, K_EXPORT, K_SYNC, K_UPLOAD, K_N };
    static const char *const names[K_N] = {"kiosk", "set-pin", "export", "sync", "upload"};
    int cut_mid[K_N] = {0}, ran[K_N] = {0}, early = 0, hangs = 0;

    /* A first PIN, set without a cut; how long that takes (Argon2id over
     * 64 MiB: about a second here, several under a sanitizer) sets the
     * window the cuts fall in, so they land before, in and after each. */
    assert_int_equal(tmpdir_write(pinin, "246810\n246810\n", 14), 0);
    int64_t p0 = time_mono_ms();
    assert_int_equal(wait_exit(spawn_ctl("set-pin", NULL, pinin)), 0);
    int window = (int)(time_mono_ms() - p0) * 2;
    window = window < 1600 ? 1600 : window > 3000 ? 3000 : window;   /* the run stays short */
    char *h0 = tmpdir_read(pinp);
    assert_non_null(h0);
    snprintf(w->pin_hash, sizeof w->pin_hash, "%s", h0);
    free(h0);

    for (int round = 1; round <= rounds; round++) {
        /* The office's content for this round; sometimes it hangs. */
        set_content(round);
        bool hang = next_rand() % 5 == 0;
        if (hang) {
            json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"hang\"}"));
            hangs++;
        }
        /* Uploads the server trickles or hangs after accepting them, or refuses. */
        static const char *const faults[] = {"none", "slow", "503", "hang"};
        const char *fault = faults[next_rand() % 4];
        push_suggestions(&w->pushed, round, 1 + (int)(next_rand() % 4));
        snprintf(w->pin_new, sizeof w->pin_new, "%06u", next_rand() % 1000000);
        char pin2[40];
        snprintf(pin2, sizeof pin2, "%s\n%s\n", w->pin_new, w->pin_new);
        assert_int_equal(tmpdir_write(pinin, pin2, strlen(pin2)), 0);

        /* A cut during start-up (the first upload pass and sync), or once
         * the kiosk is back, while staff and the network are busy. */
        int hb = heartbeats();
        pid_t pid[K_N];
        pid[K_KIOSK] = spawn_kiosk();
        bool at_start = hang || next_rand() % 3 == 0;
        if (!at_start)
            wait_ready(hb, round == 1 ? "at first" : "after a cut");
        assert_int_equal(faultsrv_faults(&fs, fault, strcmp(fault, "503") ? 2 : -1, "1"), 0);
        /* Staff and the network at random moments; the cut at another. */
        int at[K_N], cut = (int)(next_rand() % (unsigned)window), t = 0;
        for (int i = 1; i < K_N; i++) {
            /* set-pin early in the window: as likely cut as finished */
            at[i] = (int)(next_rand() % (unsigned)(i == K_PIN ? window / 4 : window * 3 / 4));
            pid[i] = 0;
        }
        for (;;) {
            int next = -1;
            for (int i = 1; i < K_N; i++)
                if (!pid[i] && at[i] < cut && (next < 0 || at[i] < at[next]))
                    next = i;
            if (next < 0)
                break;
            sleep_ms(at[next] - t);
            t = at[next];
            pid[next] = next == K_PIN ? spawn_ctl("set-pin", NULL, pinin)
                      : next == K_EXPORT ? spawn_ctl("export", stick, NULL)
                      : spawn_ctl(names[next], NULL, NULL);
        }
        sleep_ms(cut - t);
        early += at_start;
        for (int i = 0; i < K_N; i++)
            if (pid[i])
                kill(pid[i], SIGKILL);
        for (int i = 0; i < K_N; i++) {
            if (!pid[i])
                continue;
            int rc = wait_exit(pid[i]);
            if (rc == 128 + SIGKILL)
                cut_mid[i]++;
            else if (i == K_KIOSK || rc > 1)
                fail_msg("round %d: %s exited %d by itself", round, names[i], rc);
            ran[i]++;
        }
        json_decref(faultsrv_ctl(&fs, "/release", "{}"));
        assert_int_equal(faultsrv_faults(&fs, "none", 0, NULL), 0);
        set_content(round);
        check_after_cut(w, round);
    }

    /* Power back for good: the kiosk comes back and, with kioskctl upload,
     * delivers the rest; every suggestion is at the office or on the stick. */
    int hb = heartbeats();
    pid_t kpid = spawn_kiosk();
    wait_ready(hb, "after the last cut");
    int rc = 1;
    for (int i = 0; i < 5 && rc != 0; i++) {
        pid_t up = spawn_ctl("upload", NULL, NULL);
        rc = wait_exit(up);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(wait_exit(spawn_ctl("sync", NULL, NULL)), 0);
    kill(kpid, SIGKILL);
    wait_exit(kpid);
    check_after_cut(w, rounds);
    json_t *st = faultsrv_state(&fs);
    json_t *acc = json_object_get(st, "accepted");
    int at_office = 0, on_stick = 0;
    for (int i = 0; i < w->pushed.n; i++) {
        bool office = json_object_get(acc, w->pushed.id[i]) != NULL;
        bool usb = ids_has(&w->on_stick, w->pushed.id[i]);
        if (!office && !usb)
            fail_msg("suggestion %s reached neither the office nor the stick", w->pushed.id[i]);
        at_office += office;
        on_stick += usb;
    }
    long long repeats = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(st, "keys"), k, v)
        repeats += faultsrv_int(v, "repeats");
    json_decref(st);
    w->tmp_left = leftover_tmp();
    fprintf(stderr, "powercut: cuts within %d ms of the start; %d rounds in %.1f s (%d cut during start-up, %d with the content"
            " hanging); cut mid-run: kiosk %d/%d, set-pin %d/%d, export %d/%d, sync %d/%d,"
            " upload %d/%d\n", window, rounds, (double)(time_mono_ms() - t0) / 1000, early, hangs,
            cut_mid[K_KIOSK], ran[K_KIOSK], cut_mid[K_PIN], ran[K_PIN], cut_mid[K_EXPORT],
            ran[K_EXPORT], cut_mid[K_SYNC], ran[K_SYNC], cut_mid[K_UPLOAD], ran[K_UPLOAD]);
    fprintf(stderr, "powercut: %d suggestions: %d accepted once each at the office (%lld resends"
            " recognised), %d on the stick; bundles: %d complete, %d partial, %d failed,"
            " %d ids in two bundles; PIN changed %d times, never torn; content at round %d;"
            " %d temporary files left by cut atomic writes\n", w->pushed.n, at_office,
            repeats, on_stick, w->stick.complete, w->stick.partial, w->stick.failed,
            w->stick.dup_ids, w->pin_changes, w->content_round, w->tmp_left);
    if (getenv("POWERCUT_VERBOSE")) {
        char *log = program_log();
        fprintf(stderr, "programs said:\n%s", log);
        free(log);
    }
    free(pinin);
    free(w);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_power_cuts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
