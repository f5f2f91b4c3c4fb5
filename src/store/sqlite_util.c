/* store/sqlite_util.c — SQLite loading and the transaction helpers that the CA database
 * (pki/db.c) and the server's SQLite driver share. */
#include <stdio.h>

#include "sqlite_lazy.h"
#include "store.h"

KS_DL_DEFINE(ks_sqlite, KS_SQLITE_SYMBOLS, "libsqlite3.so.0");

ks_status ks_sqlite_load(ks_error *err)
{
    return ks_dl_load(&ks_sqlite, err);
}

ks_status ks_sqlite_exec(sqlite3 *db, const char *sql, ks_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ks_status st =
            ks_error_set(err, KS_E_IO, N_("database error (%s): %s"), "exec", msg ? msg : "?");
        sqlite3_free(msg);
        return st;
    }
    return KS_OK;
}

ks_status ks_sqlite_tx_begin(sqlite3 *db, bool *own, ks_error *err)
{
    *own = sqlite3_get_autocommit(db) != 0;
    return *own ? ks_sqlite_exec(db, "BEGIN IMMEDIATE", err) : KS_OK;
}

ks_status ks_sqlite_tx_end(sqlite3 *db, bool own, ks_status st, ks_error *err)
{
    if (!own)
        return st;
    if (st == KS_OK)
        st = ks_sqlite_exec(db, "COMMIT", err);
    if (st != KS_OK)
        ks_sqlite_exec(db, "ROLLBACK", NULL);
    return st;
}
