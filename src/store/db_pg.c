/* store/db_pg.c — the PostgreSQL driver (libpq, loaded on first use): `?N` and `?`
 * placeholders become $N, statements are prepared once per connection under the name of their
 * cache slot, every value travels as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "pq_lazy.h"

KS_DL_DEFINE(ks_pq, KS_PQ_SYMBOLS, "libpq.so.5");

static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg; /* NOTICEs (e.g. "relation already exists") are not errors */
}

ks_status ks_db_pg_open(const char *url, ks_db **out, ks_error *err)
{
    *out = NULL;
    ks_status st = ks_dl_load(&ks_pq, err);
    if (st != KS_OK)
        return st;
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password */
        st = ks_error_set(err, KS_E_IO, N_("cannot connect to PostgreSQL: %s"),
                          c ? PQerrorMessage(c) : "?");
        if (c)
            PQfinish(c);
        return st;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    ks_db *db = calloc(1, sizeof *db);
    if (!db) {
        PQfinish(c);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    db->kind = KS_DB_PG;
    db->conn = c;
    *out = db;
    return KS_OK;
}

void ks_db_pg_close(ks_db *db)
{
    if (!db)
        return;
    PQfinish(db->conn);
    free(db);
}

static ks_status result_fail(PGresult *r, const char *what, ks_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    ks_status cls = state && strncmp(state, "23", 2) == 0 ? KS_E_STATE : KS_E_IO;
    return ks_error_set(err, cls, N_("database error (%s): %s"), what,
                        r ? PQresultErrorMessage(r) : "?");
}

ks_status ks_db_pg_script(ks_db *db, const char *sql, ks_error *err)
{
    PGresult *r = PQexec(db->conn, sql);
    ks_status st = KS_OK;
    ExecStatusType rs = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK)
        st = r ? result_fail(r, "exec", err)
               : ks_error_set(err, KS_E_IO, N_("database error (%s): %s"), "exec",
                              PQerrorMessage(db->conn));
    PQclear(r);
    return st;
}

/* `?` and `?N` outside string literals become `$N`. */
static ks_status to_dollars(const char *sql, char **out, ks_error *err)
{
    size_t n = strlen(sql);
    char *o = malloc(n * 4 + 1);
    if (!o)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t j = 0;
    int next = 1;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        char ch = sql[i];
        if (ch == '\'')
            quoted = !quoted;
        if (ch != '?' || quoted) {
            o[j++] = ch;
            continue;
        }
        if (sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            o[j++] = '$';
            continue; /* the digits follow as they are */
        }
        j += (size_t)snprintf(o + j, 8, "$%d", next++);
    }
    o[j] = 0;
    *out = o;
    return KS_OK;
}

ks_status ks_db_pg_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs,
                       ks_db_rows **rows, int64_t *changes, ks_error *err)
{
    PGconn *c = db->conn;
    PGresult *r = NULL;
    ks_status st = KS_OK;
    char name[16];
    char nums[32][24];
    const char *vals[32];
    if (nargs > 32)
        return ks_error_set(err, KS_E_LIMIT, N_("query has too many arguments"));
    bool fresh = false;
    int slot = ks_db_cache_slot(db, sql, &fresh);
    snprintf(name, sizeof name, slot >= 0 ? "k%d" : "", slot);
    if (fresh) {
        char *text = NULL;
        if ((st = to_dollars(sql, &text, err)) != KS_OK)
            return st;
        r = PQprepare(c, name, text, 0, NULL);
        free(text);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
            st = result_fail(r, "prepare", err);
            if (slot >= 0)
                db->cache_sql[slot] = NULL;
            PQclear(r);
            return st;
        }
        PQclear(r);
    }
    for (int i = 0; i < nargs; i++) {
        if (args[i].type == KS_DB_INT) {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)args[i].i);
            vals[i] = nums[i];
        } else {
            vals[i] = args[i].type == KS_DB_TEXT ? args[i].s : NULL;
        }
    }
    r = PQexecPrepared(c, name, nargs, vals, NULL, NULL, 0);
    ExecStatusType rs = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
        st = r ? result_fail(r, "query", err)
               : ks_error_set(err, KS_E_IO, N_("database error (%s): %s"), "query",
                              PQerrorMessage(c));
        goto done;
    }
    if (changes) {
        const char *t = PQcmdTuples(r);
        *changes = t && *t ? strtoll(t, NULL, 10) : 0;
    }
    int ncols = PQnfields(r);
    if (rows && ncols > 0) {
        const char *names[64];
        const char *cells[64];
        size_t lens[64];
        if (ncols > 64) {
            st = ks_error_set(err, KS_E_LIMIT, N_("query answer has too many columns"));
            goto done;
        }
        for (int i = 0; i < ncols; i++)
            names[i] = PQfname(r, i);
        if ((st = ks_db_rows_start(rows, ncols, names, err)) != KS_OK)
            goto done;
        int nt = PQntuples(r);
        for (int t = 0; t < nt && st == KS_OK; t++) {
            for (int i = 0; i < ncols; i++) {
                cells[i] = PQgetisnull(r, t, i) ? NULL : PQgetvalue(r, t, i);
                lens[i] = cells[i] ? strlen(cells[i]) : 0;
            }
            st = ks_db_rows_add(*rows, cells, lens, err);
        }
    }
done:
    if (st != KS_OK && rows) {
        ks_db_rows_free(*rows);
        *rows = NULL;
    }
    PQclear(r);
    return st;
}
