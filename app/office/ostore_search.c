/* ostore_search.c - the index behind the inbox's text search (migration 11): on SQLite a contentless FTS5 trigram table of each suggestion's LOWER(text), kept by triggers; on PostgreSQL a GIN index of each LOWER(text)'s characters and pairs of characters. A search asks the index for the rows that may match; the inbox's LIKE still decides. */
#include "ostore_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SQLite: the trigrams of LOWER(text) followed by two \x01 (so that every
 * one or two characters of the text begin a trigram: a search of one or
 * two characters reads the terms that begin with them), case-sensitive
 * (the text is lower-cased as the LIKE's LOWER does, ASCII only), no
 * positions (the LIKE checks the order). The table keeps no text; a
 * trigger removes a text's trigrams with the same values when the text is
 * changed or purged, in the statement's own transaction. */
static const char ostore_search_sqlite[] =
    "CREATE VIRTUAL TABLE suggestion_fts USING fts5(t, content='',"
    "  tokenize='trigram case_sensitive 1', detail=none);"
    "CREATE VIRTUAL TABLE suggestion_fts_terms USING fts5vocab(suggestion_fts, 'instance');"
    "CREATE TRIGGER suggestion_fts_insert AFTER INSERT ON suggestion"
    "  WHEN new.text IS NOT NULL BEGIN"
    "  INSERT INTO suggestion_fts (rowid, t) VALUES (new.id, LOWER(new.text) || char(1, 1));"
    "  END;"
    "CREATE TRIGGER suggestion_fts_update AFTER UPDATE OF text ON suggestion BEGIN"
    "  INSERT INTO suggestion_fts (suggestion_fts, rowid, t)"
    "   SELECT 'delete', old.id, LOWER(old.text) || char(1, 1) WHERE old.text IS NOT NULL;"
    "  INSERT INTO suggestion_fts (rowid, t)"
    "   SELECT new.id, LOWER(new.text) || char(1, 1) WHERE new.text IS NOT NULL;"
    "  END;"
    "CREATE TRIGGER suggestion_fts_delete AFTER DELETE ON suggestion"
    "  WHEN old.text IS NOT NULL BEGIN"
    "  INSERT INTO suggestion_fts (suggestion_fts, rowid, t)"
    "   VALUES ('delete', old.id, LOWER(old.text) || char(1, 1));"
    "  END;"
    "INSERT INTO suggestion_fts (rowid, t)"
    "  SELECT id, LOWER(text) || char(1, 1) FROM suggestion WHERE text IS NOT NULL;";

/* PostgreSQL: every character and every pair of adjacent characters of
 * LOWER(text) (the LIKE's own LOWER), in a GIN index; a search asks for
 * the rows holding the query itself (one or two characters) or every pair
 * of it. Characters are counted by the database (substr), not by us. */
static const char ostore_search_pg[] =
    "CREATE FUNCTION ostore_grams(t TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE STRICT"
    "  PARALLEL SAFE AS 'SELECT ARRAY(SELECT DISTINCT substr(t, i, n)"
    "  FROM generate_series(1, length(t)) AS i, (VALUES (1), (2)) AS v(n))';"
    "CREATE FUNCTION ostore_grams_q(q TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE STRICT"
    "  PARALLEL SAFE AS 'SELECT CASE WHEN length(q) <= 2 THEN ARRAY[q]"
    "  ELSE ARRAY(SELECT DISTINCT substr(q, i, 2) FROM generate_series(1, length(q) - 1)"
    "  AS i) END';"
    "CREATE INDEX suggestion_grams ON suggestion USING gin (ostore_grams(LOWER(text)));";

const char *ostore_search_ddl(const Ostore *s)
{
    return strcmp(s->drv->name, "sqlite") == 0 ? ostore_search_sqlite : ostore_search_pg;
}

void ostore_search_free(OstoreSearch *se)
{
    free(se->lower);
    free(se->ids);
    memset(se, 0, sizeof *se);
}

/* Growable text. */
typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} SearchBuf;

static void sb_add(SearchBuf *b, const char *t, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, t, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* The start of each UTF-8 character of t (at most max), their count. */
static size_t search_chars(const char *t, size_t *at, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; t[i] && n < max; i++)
        if (((unsigned char)t[i] & 0xC0) != 0x80)
            at[n++] = i;
    return n;
}

/* The FTS5 query of the trigrams of lq, AND'ed, each a quoted string;
 * at most OSTORE_SEARCH_TRIGRAMS of them, spread over the query (any
 * subset still holds every row the LIKE would find). */
#define OSTORE_SEARCH_TRIGRAMS 24
static char *search_match(const char *lq, const size_t *at, size_t nchars)
{
    size_t len = strlen(lq), ntri = nchars - 2;
    SearchBuf b = {0};
    size_t picked = ntri < OSTORE_SEARCH_TRIGRAMS ? ntri : OSTORE_SEARCH_TRIGRAMS;
    for (size_t k = 0; k < picked; k++) {
        size_t i = picked == ntri ? k : k * (ntri - 1) / (picked - 1);
        size_t from = at[i], to = i + 3 < nchars ? at[i + 3] : len;
        if (k)
            sb_add(&b, " AND ", 5);
        sb_add(&b, "\"", 1);
        for (size_t j = from; j < to; j++)
            sb_add(&b, lq[j] == '"' ? "\"\"" : &lq[j], lq[j] == '"' ? 2 : 1);
        sb_add(&b, "\"", 1);
    }
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

typedef struct {
    SearchBuf ids;
    int n;
} SearchIds;

static int search_id_row(OstoreStmt *st, void *ud)
{
    SearchIds *w = ud;
    char num[24];
    int k = snprintf(num, sizeof num, "%s%lld", w->n ? "," : "",
                     (long long)ostore_col_int(st, 0));
    sb_add(&w->ids, num, (size_t)k);
    w->n++;
    return 0;
}

/* SQLite: the ids the trigram index gives for lq, up to the cap. */
static OstoreResult search_sqlite(Ostore *s, OstoreSearch *se)
{
    const char *lq = se->lower;
    size_t len = strlen(lq);
    size_t *at = malloc((len + 1) * sizeof *at);
    if (!at)
        return OSTORE_ERROR;
    size_t nchars = search_chars(lq, at, len + 1);
    OstoreStmt *st;
    char *match = NULL, *upper = NULL;
    if (nchars >= 3) {
        match = search_match(lq, at, nchars);
        st = match ? ostore_prep(s, "SELECT rowid FROM suggestion_fts"
                                    " WHERE suggestion_fts MATCH ? LIMIT ?", "ti", match,
                                 (int64_t)OSTORE_SEARCH_CAP + 1)
                   : NULL;
    } else {
        /* The terms that begin with the one or two characters: from lq to
         * lq followed by a byte no UTF-8 text holds. */
        upper = malloc(len + 2);
        if (upper) {
            memcpy(upper, lq, len);
            memcpy(upper + len, "\xff", 2);
        }
        st = upper ? ostore_prep(s, "SELECT DISTINCT doc FROM suggestion_fts_terms"
                                    " WHERE term >= ? AND term < ? LIMIT ?", "tti", lq, upper,
                                 (int64_t)OSTORE_SEARCH_CAP + 1)
                   : NULL;
    }
    free(at);
    SearchIds w = {0};
    sb_add(&w.ids, "[", 1);
    OstoreResult r = (match || upper) ? ostore_each(s, st, search_id_row, &w) : OSTORE_ERROR;
    free(match);
    free(upper);
    sb_add(&w.ids, "]", 1);
    if (r == OSTORE_OK && w.ids.oom)
        r = OSTORE_ERROR;
    if (r != OSTORE_OK || w.n > OSTORE_SEARCH_CAP) {
        /* Too many to list: the rows are common, the scan finds a page
         * soon (se->ids stays NULL). */
        free(w.ids.p);
        return r;
    }
    se->ids = w.ids.p;
    se->count = w.n;
    return OSTORE_OK;
}

OstoreResult ostore_search_prepare(Ostore *s, const char *q, OstoreSearch *se)
{
    memset(se, 0, sizeof *se);
    size_t n = strlen(q);
    se->lower = malloc(n + 1);
    if (!se->lower) {
        snprintf(s->err, sizeof s->err, "out of memory");
        return OSTORE_ERROR;
    }
    for (size_t i = 0; i <= n; i++)
        se->lower[i] = (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] - 'A' + 'a') : q[i];
    if (s->search_scan)
        return OSTORE_OK;
    if (strcmp(s->drv->name, "sqlite") != 0) {
        se->grams = true;
        return OSTORE_OK;
    }
    if (search_sqlite(s, se) != OSTORE_OK) {
        if (!s->err[0])
            snprintf(s->err, sizeof s->err, "out of memory");
        ostore_search_free(se);
        return OSTORE_ERROR;
    }
    return OSTORE_OK;
}

OstoreResult ostore_search_after_purge(Ostore *s)
{
    if (strcmp(s->drv->name, "sqlite") != 0)
        return OSTORE_OK;
    /* The trigger's deletions are markers until the segments merge: merge
     * them all now, so that no page of the index holds a purged text's
     * trigrams (secure_delete zeroes the pages freed). */
    return ostore_exec(s, "INSERT INTO suggestion_fts (suggestion_fts) VALUES ('optimize')");
}
