/* outbox_flags.c - staff flags: stored in the database, kept in memory when it refuses. */
#include "outbox_flags.h"
#include "timeutil.h"
#include "textclean.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool outbox_id_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Insert or update one flag (keeping the first date). Returns an SQLite code. */
static int flag_store(OutboxFlags *fl, const char *name, const char *day, const char *detail)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(fl->db, "INSERT INTO flags (name, raised_on, detail)"
                                " VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE"
                                " SET detail = excluded.detail", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, detail, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static OutboxMemFlag *flag_mem_find(OutboxFlags *fl, const char *name)
{
    for (size_t i = 0; i < fl->n_mem; i++)
        if (strcmp(fl->mem[i].name, name) == 0)
            return &fl->mem[i];
    return NULL;
}

static void flag_mem_remove(OutboxFlags *fl, const char *name)
{
    OutboxMemFlag *f = flag_mem_find(fl, name);
    if (!f)
        return;
    size_t i = (size_t)(f - fl->mem);
    memmove(&fl->mem[i], &fl->mem[i + 1], (fl->n_mem - i - 1) * sizeof fl->mem[0]);
    fl->n_mem--;
}

int outbox_flags_put(OutboxFlags *fl, const char *name, const char *detail, int64_t now_s)
{
    if (!name || !outbox_id_ok(name, OUTBOX_FLAG_NAME_MAX))
        return -1;
    char day[11], clean[OUTBOX_FLAG_DETAIL_MAX];
    time_local_date(now_s, 0, day);
    text_clean(detail ? detail : "", detail ? strlen(detail) : 0, clean, sizeof clean, false);
    /* Outside any transaction of the caller's (they roll back first). */
    if (sqlite3_get_autocommit(fl->db) && flag_store(fl, name, day, clean) == SQLITE_OK) {
        flag_mem_remove(fl, name);
        return 0;
    }
    OutboxMemFlag *f = flag_mem_find(fl, name);
    if (!f) {
        if (fl->n_mem == OUTBOX_MEM_FLAGS)
            return -1;
        f = &fl->mem[fl->n_mem++];
        memcpy(f->name, name, strlen(name) + 1);
        memcpy(f->raised_on, day, sizeof day);
    }
    memcpy(f->detail, clean, sizeof clean);
    return 1;
}

void outbox_flags_flush(OutboxFlags *fl)
{
    size_t i = 0;
    while (i < fl->n_mem) {
        OutboxMemFlag *f = &fl->mem[i];
        if (flag_store(fl, f->name, f->raised_on, f->detail) == SQLITE_OK)
            flag_mem_remove(fl, f->name);
        else
            i++;
    }
}

int outbox_flags_remove(OutboxFlags *fl, const char *name)
{
    if (!name)
        return -1;
    flag_mem_remove(fl, name);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(fl->db, "DELETE FROM flags WHERE name = ?1", -1, &st, NULL)
        != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int flag_cmp(const void *a, const void *b)
{
    return strcmp(((const OutboxFlag *)a)->name, ((const OutboxFlag *)b)->name);
}

/* Room for one more flag in *all; NULL when out of memory. */
static OutboxFlag *flag_slot(OutboxFlag **all, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t cap2 = *cap ? 2 * *cap : 16;
        OutboxFlag *grown = realloc(*all, cap2 * sizeof **all);
        if (!grown)
            return NULL;
        *all = grown;
        *cap = cap2;
    }
    OutboxFlag *f = &(*all)[(*n)++];
    memset(f, 0, sizeof *f);
    return f;
}

static void flag_col(sqlite3_stmt *st, int col, char *dst, size_t size)
{
    const unsigned char *c = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", c ? (const char *)c : "");
}

int outbox_flags_read(OutboxFlags *fl, OutboxFlag *out, int max)
{
    /* Collected in full (there are few), sorted, then copied. */
    OutboxFlag *all = NULL, *f;
    size_t n = 0, cap = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(fl->db, "SELECT name, raised_on, detail FROM flags",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW && (f = flag_slot(&all, &n, &cap))) {
            flag_col(st, 0, f->name, sizeof f->name);
            flag_col(st, 1, f->raised_on, sizeof f->raised_on);
            flag_col(st, 2, f->detail, sizeof f->detail);
        }
        sqlite3_finalize(st);
    }
    size_t stored = n;
    for (size_t i = 0; i < fl->n_mem; i++) {
        bool dup = false;
        for (size_t j = 0; j < stored; j++)
            dup = dup || strcmp(all[j].name, fl->mem[i].name) == 0;
        if (dup || !(f = flag_slot(&all, &n, &cap)))
            continue;
        memcpy(f->name, fl->mem[i].name, sizeof f->name);
        memcpy(f->raised_on, fl->mem[i].raised_on, sizeof f->raised_on);
        memcpy(f->detail, fl->mem[i].detail, sizeof f->detail);
        f->in_memory = true;
    }
    if (n > 0)
        qsort(all, n, sizeof *all, flag_cmp);
    for (size_t i = 0; i < n && out && (int)i < max; i++)
        out[i] = all[i];
    free(all);
    return (int)n;
}
