/* test_outbox_crash.c - kill -9 while pushing: every acknowledged suggestion survives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outbox.h"
#include "tmpdir.h"

#define ROUNDS 20
#define REC (OUTBOX_RECEIPT_LEN + 1)   /* a receipt and '\n' per acknowledgement */

static uint64_t rng = 20260314;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

/* The child: push forever, and only after outbox_push returned OUTBOX_OK
 * tell the parent the receipt. Exits (never returns) on any failure. */
static void child(const char *dir, int fd, int round)
{
    char err[300];
    OutboxLimits lim = {1000000, 1LL << 30, NULL};
    Outbox *ob = outbox_open(dir, &lim, err, sizeof err);
    if (!ob)
        _exit(2);
    static const char *const topics[] = {"cleaning", "safety", "repairs", "noise"};
    for (unsigned i = 0;; i++) {
        char text[200], receipt[OUTBOX_RECEIPT_SIZE];
        snprintf(text, sizeof text, "第%d轮的第%u条建议：电梯又坏了，请尽快修理。", round, i);
        OutboxResult r = outbox_push(ob, topics[i % 4], text, i % 3 ? NULL : "3栋501",
                                     "zh", 1773460000 + i, receipt, err, sizeof err);
        if (r != OUTBOX_OK)
            _exit(3);
        char rec[REC];
        memcpy(rec, receipt, OUTBOX_RECEIPT_LEN);
        rec[OUTBOX_RECEIPT_LEN] = '\n';
        if (write(fd, rec, REC) != REC)   /* atomic: REC < PIPE_BUF */
            _exit(4);
    }
}

/* Read one acknowledgement; returns 1, or 0 at end of file. */
static int read_ack(int fd, char rec[REC])
{
    size_t got = 0;
    while (got < REC) {
        ssize_t n = read(fd, rec + got, REC - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            assert_int_equal(got, 0);   /* never half a record */
            return 0;
        }
        got += (size_t)n;
    }
    assert_int_equal(rec[OUTBOX_RECEIPT_LEN], '\n');
    rec[OUTBOX_RECEIPT_LEN] = '\0';
    return 1;
}

/* Reopen after a crash: everything acknowledged is there, the file is sound
 * and every row is whole. */
static void check_survivors(const char *dir, char (*acked)[REC], size_t n_acked)
{
    char err[300];
    Outbox *ob = outbox_open(dir, NULL, err, sizeof err);
    if (!ob)
        fail_msg("reopen after kill: %s", err);
    for (size_t i = 0; i < n_acked; i++) {
        OutboxMeta m;
        if (outbox_get_by_receipt(ob, acked[i], &m) != 1)
            fail_msg("acknowledged receipt %s lost", acked[i]);
        assert_string_equal(m.state, "waiting");
    }
    sqlite3 *db = outbox_db(ob);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT receipt, payload, bytes FROM submissions",
                                        -1, &st, NULL), SQLITE_OK);
    size_t rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *receipt = (const char *)sqlite3_column_text(st, 0);
        const char *payload = (const char *)sqlite3_column_text(st, 1);
        json_t *j = json_loads(payload, 0, NULL);
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "receipt")), receipt);
        assert_int_equal(sqlite3_column_int64(st, 2), (int64_t)strlen(payload));
        json_decref(j);
        rows++;
    }
    sqlite3_finalize(st);
    assert_true(rows >= n_acked);   /* at most the one in flight more per round */
    outbox_close(ob);
}

static void test_kill_while_pushing(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    assert_non_null(dir);
    char (*acked)[REC] = NULL;
    size_t n_acked = 0, cap = 0;
    signal(SIGPIPE, SIG_IGN);
    for (int round = 0; round < ROUNDS; round++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child(dir, fds[1], round);
        }
        close(fds[1]);
        /* Let it acknowledge a few, then kill it somewhere in the next push:
         * right away or after a random spin (no sleeps, no handshakes). */
        int want = 1 + (int)(next_rand() % 12);
        unsigned spin = next_rand() % 4 == 0 ? 0 : next_rand() % 3000000;
        char rec[REC];
        for (int i = 0; i < want; i++) {
            if (!read_ack(fds[0], rec))
                break;
            if (n_acked == cap) {
                cap = cap ? 2 * cap : 64;
                acked = realloc(acked, cap * sizeof *acked);
                assert_non_null(acked);
            }
            memcpy(acked[n_acked++], rec, REC);
        }
        for (volatile unsigned s = 0; s < spin; s++)
            ;
        assert_int_equal(kill(pid, SIGKILL), 0);
        /* Whatever it acknowledged before dying counts too. */
        while (read_ack(fds[0], rec)) {
            if (n_acked == cap) {
                cap *= 2;
                acked = realloc(acked, cap * sizeof *acked);
                assert_non_null(acked);
            }
            memcpy(acked[n_acked++], rec, REC);
        }
        close(fds[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
            fail_msg("round %d: the child stopped by itself (status %d)", round, status);
        check_survivors(dir, acked, n_acked);
    }
    assert_true(n_acked >= ROUNDS);
    free(acked);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_while_pushing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
