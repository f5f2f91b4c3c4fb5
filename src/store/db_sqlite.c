/* store/db_sqlite.c — the SQLite driver: one file in WAL mode, statements prepared once per
 * connection (SQLITE_PREPARE_PERSISTENT) and reset after each use. */
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "sqlite_lazy.h"

static ks_status fail(ks_db *db, const char *what, ks_error *err)
{
    sqlite3 *c = db->conn;
    int rc = sqlite3_extended_errcode(c);
    return ks_error_set(err, (rc & 0xff) == SQLITE_CONSTRAINT ? KS_E_STATE : KS_E_IO,
                        N_("database error (%s): %s"), what, sqlite3_errmsg(c));
}

ks_status ks_db_sqlite_open(const char *path, ks_db **out, ks_error *err)
{
    *out = NULL;
    ks_status st = ks_sqlite_load(err);
    if (st != KS_OK)
        return st;
    ks_db *db = calloc(1, sizeof *db);
    if (!db)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    db->kind = KS_DB_SQLITE;
    sqlite3 *c = NULL;
    if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        st = ks_error_set(err, KS_E_IO, N_("cannot open the database \"%s\": %s"), path,
                          c ? sqlite3_errmsg(c) : "?");
        sqlite3_close(c);
        free(db);
        return st;
    }
    db->conn = c;
    sqlite3_busy_timeout(c, 10000);
    /* WAL: readers never wait for the writer; synchronous=FULL: a commit survives power loss. */
    st = ks_sqlite_exec(c,
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                        " PRAGMA foreign_keys=ON;",
                        err);
    if (st != KS_OK) {
        ks_db_sqlite_close(db);
        return st;
    }
    *out = db;
    return KS_OK;
}

void ks_db_sqlite_close(ks_db *db)
{
    if (!db)
        return;
    for (int i = 0; i < KS_DB_CACHE; i++)
        sqlite3_finalize(db->cache_stmt[i]);
    sqlite3_close(db->conn);
    free(db);
}

ks_status ks_db_sqlite_script(ks_db *db, const char *sql, ks_error *err)
{
    return ks_sqlite_exec(db->conn, sql, err);
}

ks_status ks_db_sqlite_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs,
                           ks_db_rows **rows, int64_t *changes, ks_error *err)
{
    sqlite3 *c = db->conn;
    sqlite3_stmt *s = NULL;
    ks_status st = KS_OK;
    bool fresh = false;
    int slot = ks_db_cache_slot(db, sql, &fresh);
    if (slot >= 0 && !fresh) {
        s = db->cache_stmt[slot];
    } else {
        if (sqlite3_prepare_v3(c, sql, -1, slot >= 0 ? SQLITE_PREPARE_PERSISTENT : 0, &s, NULL) !=
            SQLITE_OK) {
            if (slot >= 0)
                db->cache_sql[slot] = NULL;
            return fail(db, "prepare", err);
        }
        if (slot >= 0)
            db->cache_stmt[slot] = s;
    }
    for (int i = 0; i < nargs; i++) {
        int rc = SQLITE_OK;
        if (args[i].type == KS_DB_INT)
            rc = sqlite3_bind_int64(s, i + 1, args[i].i);
        else if (args[i].type == KS_DB_TEXT)
            rc = sqlite3_bind_text(s, i + 1, args[i].s, -1, SQLITE_STATIC);
        else
            rc = sqlite3_bind_null(s, i + 1);
        if (rc != SQLITE_OK) {
            st = fail(db, "bind", err);
            goto done;
        }
    }
    int ncols = sqlite3_column_count(s);
    if (rows && ncols > 0) {
        const char *names[64];
        if (ncols > 64) {
            st = ks_error_set(err, KS_E_LIMIT, N_("query answer has too many columns"));
            goto done;
        }
        for (int i = 0; i < ncols; i++)
            names[i] = sqlite3_column_name(s, i);
        if ((st = ks_db_rows_start(rows, ncols, names, err)) != KS_OK)
            goto done;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (!rows || !*rows)
            continue;
        const char *cells[64];
        size_t lens[64];
        for (int i = 0; i < ncols; i++) {
            cells[i] = sqlite3_column_type(s, i) == SQLITE_NULL
                           ? NULL
                           : (const char *)sqlite3_column_text(s, i);
            lens[i] = cells[i] ? (size_t)sqlite3_column_bytes(s, i) : 0;
        }
        if ((st = ks_db_rows_add(*rows, cells, lens, err)) != KS_OK)
            goto done;
    }
    if (rc != SQLITE_DONE) {
        st = fail(db, "step", err);
        goto done;
    }
    if (changes)
        *changes = sqlite3_changes(c);
done:
    if (st != KS_OK && rows) {
        ks_db_rows_free(*rows);
        *rows = NULL;
    }
    if (slot >= 0) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    } else {
        sqlite3_finalize(s);
    }
    return st;
}
