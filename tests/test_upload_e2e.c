/* test_upload_e2e.c - the real programs against the fault server: the
 * kiosk (its worker thread) and `kioskctl upload` are killed with SIGKILL
 * in the middle of uploads, with faults switched on and off between
 * rounds; afterwards the set of submissions the server accepted equals the
 * set submitted, each accepted once under its own key, and the poison one
 * is in dead letter. Also `kioskctl sync` keeps the last good content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "faultsrv.h"
#include "outbox.h"
#include "proc.h"
#include "timeutil.h"
#include "tmpdir.h"

#define TOKEN "e2e-token"
#define N_SUBS 12

extern char **environ;

static char *dir, *data, *conf, *logp;
static FaultSrv fs;

static int setup(void **state)
{
    (void)state;
    dir = tmpdir_make();
    if (!dir || faultsrv_start(&fs, NULL, NULL, TOKEN, "POISON") < 0)
        return -1;
    data = tmpdir_path(dir, "data");
    conf = tmpdir_path(dir, "kiosk.conf");
    logp = tmpdir_path(dir, "programs.log");
    char text[2048];
    snprintf(text, sizeof text,
             "[kiosk]\ndata_dir = %s\ncontent_poll_s = 1\n"
             "[upload]\nupload_url = %s/submit\ncontent_url = %s/content\n"
             "heartbeat_url = %s/heartbeat\ndevice_token = " TOKEN "\n"
             "allow_http_loopback = true\nupload_times =\nupload_batch_min = 1\n"
             "backoff_base_s = 0.05\nbackoff_cap_s = 0.2\n"
             "connect_timeout_s = 2\ntransfer_timeout_s = 3\nlow_speed_timeout_s = 1\n",
             data, fs.base, fs.base, fs.base);
    return tmpdir_write(conf, text, strlen(text));
}

static int teardown(void **state)
{
    (void)state;
    faultsrv_stop(&fs);
    free(data);
    free(conf);
    free(logp);
    tmpdir_remove(dir);
    return 0;
}

/* Start a program with output appended to the log. */
static pid_t spawn(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
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
    static char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kiosk"));
    char *argv[] = {bin, "--windowed", "--size", "800x600", "--config", conf, NULL};
    return spawn(argv);
}

static int kioskctl(const char *cmd, pid_t *pid_out)
{
    static char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kioskctl"));
    char *argv[] = {bin, "--config", conf, (char *)cmd, NULL};
    pid_t pid = spawn(argv);
    if (pid_out) {
        *pid_out = pid;
        return 0;
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void kill9(pid_t pid)
{
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* Stalls (hangs and trickles) the server has started so far. */
static int stalls(void)
{
    json_t *st = faultsrv_state(&fs);
    int n = (int)faultsrv_int(st, "stalls");
    json_decref(st);
    return n;
}

/* Wait (bounded) until a new request hangs or trickles at the server. */
static void wait_stall(int before)
{
    json_t *w = faultsrv_wait(&fs, "stalls", before + 1, 30);
    if (!json_is_true(json_object_get(w, "ok"))) {
        char *log = tmpdir_read(logp);
        fail_msg("no upload reached the server in 30 s; programs said:\n%s", log ? log : "");
    }
    json_decref(w);
}

static void test_kill9_rounds_deliver_each_once(void **state)
{
    (void)state;
    char err[300], receipt[OUTBOX_RECEIPT_SIZE];
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    assert_non_null(ob);
    for (int i = 0; i < N_SUBS; i++) {
        char text[64];
        snprintf(text, sizeof text, "第%d条建议：电梯有异响%s", i, i == 5 ? " POISON" : "");
        assert_int_equal(outbox_push(ob, "repairs", text, i % 4 == 0 ? "13800000000" : NULL,
                                     "zh", time_now_ms() / 1000, receipt, err, sizeof err),
                         OUTBOX_OK);
    }
    outbox_close(ob);

    /* Five rounds: a program starts uploading, the server hangs or
     * trickles the answer (after accepting), the program is killed. */
    static const struct { bool kiosk; const char *fault; const char *between; } rounds[] = {
        {true, "hang", "500"}, {false, "slow", "none"}, {true, "slow", "429"},
        {false, "hang", "reset_after"}, {false, "slow", "none"},
    };
    for (size_t r = 0; r < sizeof rounds / sizeof *rounds; r++) {
        assert_int_equal(faultsrv_faults(&fs, rounds[r].fault, 1, NULL), 0);
        int before = stalls();
        pid_t pid;
        if (rounds[r].kiosk)
            pid = spawn_kiosk();
        else
            kioskctl("upload", &pid);
        wait_stall(before);
        kill9(pid);
        /* Faults on or off, and one pass to completion. */
        assert_int_equal(faultsrv_faults(&fs, rounds[r].between, 2, "1"), 0);
        int rc = kioskctl("upload", NULL);
        assert_true(rc == 0 || rc == 1);
        json_decref(faultsrv_ctl(&fs, "/release", "{}"));
    }

    /* Healthy: the kiosk itself finishes the queue (and the poison one
     * reaches its third refusal). */
    assert_int_equal(faultsrv_faults(&fs, "none", 0, NULL), 0);
    pid_t kpid = spawn_kiosk();
    json_t *w = faultsrv_wait(&fs, "accepted", N_SUBS - 1, 60);
    assert_true(json_is_true(json_object_get(w, "ok")));
    json_decref(w);
    kill9(kpid);
    for (int i = 0; i < 5 && kioskctl("upload", NULL) != 0; i++)
        ;
    assert_int_equal(kioskctl("upload", NULL), 0);

    /* What the server accepted is what was submitted, each once. */
    sqlite3 *db;
    char *path = tmpdir_path(data, "kiosk.db");
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    free(path);
    json_t *st = faultsrv_state(&fs);
    json_t *acc = json_object_get(st, "accepted");
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, state, payload LIKE '%POISON%',"
                                        " (SELECT count(*) FROM contacts c"
                                        "  WHERE c.submission_id = s.id)"
                                        " FROM submissions s", -1, &q, NULL), SQLITE_OK);
    int rows = 0, dead = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *state_s = (const char *)sqlite3_column_text(q, 1);
        bool poison = sqlite3_column_int(q, 2) != 0;
        rows++;
        json_t *keys = json_object_get(acc, id);
        if (poison) {
            assert_string_equal(state_s, "dead");
            assert_null(keys);
            dead++;
            continue;
        }
        assert_string_equal(state_s, "delivered");
        assert_int_equal(sqlite3_column_int(q, 3), 0);   /* contact gone once delivered */
        assert_non_null(keys);
        assert_int_equal(json_array_size(keys), 1);
        assert_string_equal(json_string_value(json_array_get(keys, 0)), id);
    }
    sqlite3_finalize(q);
    assert_int_equal(rows, N_SUBS);
    assert_int_equal(dead, 1);
    assert_int_equal(json_object_size(acc), N_SUBS - 1);
    assert_int_equal(json_object_size(json_object_get(st, "contacts")), 3);   /* 0, 4, 8 */
    assert_int_equal(faultsrv_int(st, "conflicts"), 0);
    assert_int_equal(faultsrv_int(st, "bad_key"), 0);
    assert_int_equal(faultsrv_int(st, "bad_auth"), 0);
    assert_true(faultsrv_int(st, "poison") >= 3);
    /* Resends after the kills (how many depends on which request each
     * kill caught; the answer lost below makes at least one certain). */
    long long repeats = 0;
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(st, "keys"), k, v)
        repeats += faultsrv_int(v, "repeats");
    fprintf(stderr, "e2e: %lld requests, %lld resends recognised, %lld poison refusals\n",
            faultsrv_int(st, "requests"), repeats, faultsrv_int(st, "poison"));
    json_decref(st);

    /* An answer lost after the server stored it: the next pass sends the
     * same key again, the server recognises it, and it is stored once. */
    Outbox *ob2 = outbox_open(data, NULL, err, sizeof err);
    assert_non_null(ob2);
    assert_int_equal(outbox_push(ob2, "repairs", "应答丢失的一条", NULL, "zh",
                                 time_now_ms() / 1000, receipt, err, sizeof err), OUTBOX_OK);
    OutboxMeta meta;
    assert_int_equal(outbox_get_by_receipt(ob2, receipt, &meta), 1);
    outbox_close(ob2);
    assert_int_equal(faultsrv_faults(&fs, "reset_after", 1, NULL), 0);
    kioskctl("upload", NULL);
    assert_int_equal(faultsrv_faults(&fs, "none", 0, NULL), 0);
    for (int i = 0; i < 5 && kioskctl("upload", NULL) != 0; i++)
        ;
    st = faultsrv_state(&fs);
    json_t *mine = json_object_get(json_object_get(st, "keys"), meta.id);
    assert_non_null(mine);
    assert_true(faultsrv_int(mine, "repeats") >= 1);
    assert_int_equal(json_array_size(json_object_get(json_object_get(st, "accepted"), meta.id)),
                     1);
    json_decref(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_kioskctl_sync_keeps_last_good(void **state)
{
    (void)state;
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"ok\",\"etag\":\"\\\"a\\\"\",\"body\":"
                             "\"{\\\"site\\\":{\\\"name\\\":{\\\"zh\\\":\\\"甲\\\"}},\\\"notices\\\":[],"
                             "\\\"events\\\":[],\\\"channels\\\":[]}\"}"));
    assert_int_equal(kioskctl("sync", NULL), 0);
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"huge\"}"));
    assert_int_equal(kioskctl("sync", NULL), 1);
    json_decref(faultsrv_ctl(&fs, "/content", "{\"mode\":\"invalid\"}"));
    assert_int_equal(kioskctl("sync", NULL), 1);
    char bin[512];
    snprintf(bin, sizeof bin, "%s", proc_bin("kioskctl"));
    char *argv[] = {bin, "--config", conf, "status", NULL};
    char *out = NULL;
    assert_int_equal(proc_run(argv, &out, NULL), 0);
    assert_non_null(strstr(out, "甲"));   /* the good content is what is stored */
    free(out);
    /* Settings that break the policy are refused before anything is sent. */
    char *bad = tmpdir_path(dir, "bad.conf");
    const char *text = "[upload]\nupload_url = http://office.example/submit\n";
    assert_int_equal(tmpdir_write(bad, text, strlen(text)), 0);
    char *argv2[] = {bin, "--config", bad, "--data-dir", data, "upload", NULL};
    char *err = NULL;
    assert_int_equal(proc_run(argv2, NULL, &err), 2);
    assert_non_null(strstr(err, "https"));
    free(err);
    free(bad);
}

int main(void)
{
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    setenv("SDL_AUDIODRIVER", "dummy", 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_rounds_deliver_each_once),
        cmocka_unit_test(test_kioskctl_sync_keeps_last_good),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
