/* test_seal.c - sealed boxes: round trip, tampering, key files, and a sealed outbox holds no readable text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outbox.h"
#include "seal.h"
#include "tmpdir.h"

#define T0 1773450000
/* Distinctive text: its UTF-8 bytes must not appear in the database files. */
#define SECRET_TEXT "东门路灯坏了晚上很黑请尽快修理谢谢物业"
#define SECRET_CONTACT "13812345678 王小明"

static void keys(char *dir, SealPublic *pub, SealSecret *sec)
{
    char err[300];
    assert_int_equal(seal_keygen(dir, err, sizeof err), 0);
    char *pp = tmpdir_path(dir, SEAL_PUB_NAME), *kp = tmpdir_path(dir, SEAL_KEY_NAME);
    assert_int_equal(seal_load_public(pp, pub, err, sizeof err), 0);
    assert_int_equal(seal_load_secret(kp, sec, err, sizeof err), 0);
    assert_memory_equal(pub->pk, sec->pk, SEAL_KEY_BYTES);
    free(pp);
    free(kp);
}

static void test_keygen_files(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), err[300];
    SealPublic pub;
    SealSecret sec;
    keys(dir, &pub, &sec);
    char *pp = tmpdir_path(dir, SEAL_PUB_NAME), *kp = tmpdir_path(dir, SEAL_KEY_NAME);
    struct stat st;
    assert_int_equal(stat(kp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* Never replaces a key pair. */
    char *before = tmpdir_read(kp);
    assert_int_equal(seal_keygen(dir, err, sizeof err), -1);
    char *after = tmpdir_read(kp);
    assert_string_equal(before, after);
    /* The public key inline in the config works as well as its file. */
    char inline_key[SEAL_KEY_B64 + 1];
    char *pubtext = tmpdir_read(pp);
    memcpy(inline_key, pubtext, SEAL_KEY_B64);
    inline_key[SEAL_KEY_B64] = '\0';
    SealPublic pub2;
    assert_int_equal(seal_load_public(inline_key, &pub2, err, sizeof err), 0);
    assert_memory_equal(pub2.pk, pub.pk, SEAL_KEY_BYTES);
    /* A secret key file is not a public key and the reverse (wrong length
     * is refused; a public key parsed as a secret gives another pk). */
    assert_int_equal(seal_load_public("/nonexistent/office.pub", &pub2, err, sizeof err), -1);
    char *bad = tmpdir_path(dir, "bad.key");
    assert_int_equal(tmpdir_write(bad, "not base64!\n", 12), 0);
    SealSecret s2;
    assert_int_equal(seal_load_secret(bad, &s2, err, sizeof err), -1);
    seal_wipe(&sec);
    free(before); free(after); free(pubtext); free(bad); free(pp); free(kp);
    tmpdir_remove(dir);
}

static void test_round_trip_and_tamper(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    SealPublic pub;
    SealSecret sec;
    keys(dir, &pub, &sec);
    char *box = seal_to_base64(&pub, SECRET_TEXT, strlen(SECRET_TEXT));
    assert_non_null(box);
    assert_null(strstr(box, SECRET_TEXT));
    size_t len;
    char *plain = seal_open_base64(&sec, box, &len);
    assert_non_null(plain);
    assert_int_equal(len, strlen(SECRET_TEXT));
    assert_string_equal(plain, SECRET_TEXT);
    free(plain);
    /* One flipped character anywhere: refused. */
    for (size_t i = 0; i < strlen(box) - 2; i += 7) {
        char *t = strdup(box);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        assert_null(seal_open_base64(&sec, t, NULL));
        free(t);
    }
    assert_null(seal_open_base64(&sec, "", NULL));
    assert_null(seal_open_base64(&sec, "####", NULL));
    /* Another key pair cannot open it. */
    char *dir2 = tmpdir_make();
    SealPublic pub2;
    SealSecret sec2;
    keys(dir2, &pub2, &sec2);
    assert_null(seal_open_base64(&sec2, box, NULL));
    free(box);
    seal_wipe(&sec);
    seal_wipe(&sec2);
    tmpdir_remove(dir);
    tmpdir_remove(dir2);
}

/* Whether needle's bytes occur in the file at dir/name (absent file: no). */
static bool file_has(const char *dir, const char *name, const char *needle)
{
    char *p = tmpdir_path(dir, name);
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    bool found = memmem(buf, got, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}

/* Push with or without sealing; return whether any DB file holds the text. */
static bool db_holds_text(bool sealed)
{
    char *dir = tmpdir_make(), *data = tmpdir_path(dir, "data"), err[300];
    SealPublic pub;
    SealSecret sec;
    keys(dir, &pub, &sec);
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    assert_non_null(ob);
    if (sealed)
        outbox_set_seal_key(ob, &pub);
    assert_int_equal(outbox_sealed(ob), sealed);
    char receipt[OUTBOX_RECEIPT_SIZE];
    for (int i = 0; i < 3; i++)
        assert_int_equal(outbox_push(ob, "repairs", SECRET_TEXT, SECRET_CONTACT, "zh", T0,
                                     receipt, err, sizeof err), OUTBOX_OK);
    /* Metadata stays readable: counts work, the receipt is found. */
    OutboxMeta m;
    assert_int_equal(outbox_get_by_receipt(ob, receipt, &m), 1);
    assert_string_equal(m.topic, "repairs");
    assert_true(m.has_contact);
    bool found = false;
    /* Look while open (WAL not yet checkpointed) and after closing. */
    static const char *const files[] = { "kiosk.db", "kiosk.db-wal", "kiosk.db-shm" };
    for (int i = 0; i < 3; i++)
        found = found || file_has(data, files[i], "东门路灯") ||
                file_has(data, files[i], "13812345678") || file_has(data, files[i], "王小明");
    outbox_close(ob);
    for (int i = 0; i < 3; i++)
        found = found || file_has(data, files[i], "东门路灯") ||
                file_has(data, files[i], "13812345678");
    seal_wipe(&sec);
    free(data);
    tmpdir_remove(dir);
    return found;
}

static void test_sealed_database_holds_no_text(void **state)
{
    (void)state;
    assert_true(db_holds_text(false));    /* the scan does find plain text... */
    assert_false(db_holds_text(true));    /* ...and finds none when sealed */
}

typedef struct {
    SealSecret *sec;
    int n;
} Opened;

static int open_row(const OutboxRow *r, void *ctx)
{
    Opened *o = ctx;
    assert_true(r->sealed);
    char *plain = seal_open_base64(o->sec, r->text, NULL);
    assert_non_null(plain);
    assert_non_null(strstr(plain, SECRET_TEXT));
    assert_non_null(strstr(plain, r->id));
    free(plain);
    assert_non_null(r->contact);
    plain = seal_open_base64(o->sec, r->contact, NULL);
    assert_non_null(strstr(plain, SECRET_CONTACT));
    free(plain);
    o->n++;
    return 0;
}

static void test_sealed_rows_open_with_the_secret_key(void **state)
{
    (void)state;
    char *dir = tmpdir_make(), *data = tmpdir_path(dir, "data"), err[300];
    SealPublic pub;
    SealSecret sec;
    keys(dir, &pub, &sec);
    Outbox *ob = outbox_open(data, NULL, err, sizeof err);
    outbox_set_seal_key(ob, &pub);
    char receipt[OUTBOX_RECEIPT_SIZE];
    assert_int_equal(outbox_push(ob, "noise", SECRET_TEXT, SECRET_CONTACT, "zh", T0, receipt,
                                 err, sizeof err), OUTBOX_OK);
    Opened o = { &sec, 0 };
    assert_int_equal(outbox_each(ob, OUTBOX_WAITING, open_row, &o, err, sizeof err), 1);
    assert_int_equal(o.n, 1);
    outbox_close(ob);
    seal_wipe(&sec);
    free(data);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keygen_files),
        cmocka_unit_test(test_round_trip_and_tamper),
        cmocka_unit_test(test_sealed_database_holds_no_text),
        cmocka_unit_test(test_sealed_rows_open_with_the_secret_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
