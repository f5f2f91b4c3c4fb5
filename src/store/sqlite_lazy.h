/* store/sqlite_lazy.h — SQLite, loaded when a database is first opened (util/dynlib.h), so
 * that signing and verifying do not load it at start-up. The CA (pki/) and the server's store
 * include it in place of <sqlite3.h>. ks_sqlite_load() runs before any sqlite3_open_v2, so
 * the library is loaded first; every other sqlite3_ function takes a handle (or a statement or
 * message made from one), so it cannot run before the load. The three that accept NULL keep doing
 * so without it. */
#ifndef KYSO_STORE_SQLITE_LAZY_H
#define KYSO_STORE_SQLITE_LAZY_H

#include <sqlite3.h>

#include "dynlib.h"

#define KS_SQLITE_SYMBOLS(X)                                                                       \
    X(sqlite3_bind_blob)                                                                           \
    X(sqlite3_bind_int)                                                                            \
    X(sqlite3_bind_int64)                                                                          \
    X(sqlite3_bind_null)                                                                           \
    X(sqlite3_bind_text)                                                                           \
    X(sqlite3_busy_timeout)                                                                        \
    X(sqlite3_changes)                                                                             \
    X(sqlite3_close)                                                                               \
    X(sqlite3_column_blob)                                                                         \
    X(sqlite3_column_bytes)                                                                        \
    X(sqlite3_column_int)                                                                          \
    X(sqlite3_column_int64)                                                                        \
    X(sqlite3_column_text)                                                                         \
    X(sqlite3_errmsg)                                                                              \
    X(sqlite3_exec)                                                                                \
    X(sqlite3_finalize)                                                                            \
    X(sqlite3_free)                                                                                \
    X(sqlite3_get_autocommit)                                                                      \
    X(sqlite3_open_v2)                                                                             \
    X(sqlite3_prepare_v2)                                                                          \
    X(sqlite3_reset)                                                                               \
    X(sqlite3_step)                                                                                \
    X(sqlite3_prepare_v3)                                                                          \
    X(sqlite3_column_count)                                                                        \
    X(sqlite3_column_name)                                                                         \
    X(sqlite3_column_type)                                                                         \
    X(sqlite3_clear_bindings)                                                                      \
    X(sqlite3_extended_errcode)
KS_DL_DECLARE(ks_sqlite, KS_SQLITE_SYMBOLS);

/* Loads SQLite (once per process); every path that opens a database calls it first. */
ks_status ks_sqlite_load(ks_error *err);

/* sqlite3_close(NULL), sqlite3_finalize(NULL) and sqlite3_free(NULL) are harmless no-ops, and
 * cleanup code relies on that (`done: sqlite3_close(db);` with db never opened), possibly
 * before the library was loaded. A non-NULL argument came from the loaded library. */
static inline int ks_sqlite3_close_(sqlite3 *db)
{
    return db ? KS_DL_FN(ks_sqlite, sqlite3_close)(db) : SQLITE_OK;
}
static inline int ks_sqlite3_finalize_(sqlite3_stmt *s)
{
    return s ? KS_DL_FN(ks_sqlite, sqlite3_finalize)(s) : SQLITE_OK;
}
static inline void ks_sqlite3_free_(void *p)
{
    if (p)
        KS_DL_FN(ks_sqlite, sqlite3_free)(p);
}

#define sqlite3_bind_blob KS_DL_FN(ks_sqlite, sqlite3_bind_blob)
#define sqlite3_bind_int KS_DL_FN(ks_sqlite, sqlite3_bind_int)
#define sqlite3_bind_int64 KS_DL_FN(ks_sqlite, sqlite3_bind_int64)
#define sqlite3_bind_null KS_DL_FN(ks_sqlite, sqlite3_bind_null)
#define sqlite3_bind_text KS_DL_FN(ks_sqlite, sqlite3_bind_text)
#define sqlite3_busy_timeout KS_DL_FN(ks_sqlite, sqlite3_busy_timeout)
#define sqlite3_changes KS_DL_FN(ks_sqlite, sqlite3_changes)
#define sqlite3_close ks_sqlite3_close_
#define sqlite3_column_blob KS_DL_FN(ks_sqlite, sqlite3_column_blob)
#define sqlite3_column_bytes KS_DL_FN(ks_sqlite, sqlite3_column_bytes)
#define sqlite3_column_int KS_DL_FN(ks_sqlite, sqlite3_column_int)
#define sqlite3_column_int64 KS_DL_FN(ks_sqlite, sqlite3_column_int64)
#define sqlite3_column_text KS_DL_FN(ks_sqlite, sqlite3_column_text)
#define sqlite3_errmsg KS_DL_FN(ks_sqlite, sqlite3_errmsg)
#define sqlite3_exec KS_DL_FN(ks_sqlite, sqlite3_exec)
#define sqlite3_finalize ks_sqlite3_finalize_
#define sqlite3_free ks_sqlite3_free_
#define sqlite3_get_autocommit KS_DL_FN(ks_sqlite, sqlite3_get_autocommit)
#define sqlite3_open_v2 KS_DL_FN(ks_sqlite, sqlite3_open_v2)
#define sqlite3_prepare_v2 KS_DL_FN(ks_sqlite, sqlite3_prepare_v2)
#define sqlite3_reset KS_DL_FN(ks_sqlite, sqlite3_reset)
#define sqlite3_step KS_DL_FN(ks_sqlite, sqlite3_step)
#define sqlite3_prepare_v3 KS_DL_FN(ks_sqlite, sqlite3_prepare_v3)
#define sqlite3_column_count KS_DL_FN(ks_sqlite, sqlite3_column_count)
#define sqlite3_column_name KS_DL_FN(ks_sqlite, sqlite3_column_name)
#define sqlite3_column_type KS_DL_FN(ks_sqlite, sqlite3_column_type)
#define sqlite3_clear_bindings KS_DL_FN(ks_sqlite, sqlite3_clear_bindings)
#define sqlite3_extended_errcode KS_DL_FN(ks_sqlite, sqlite3_extended_errcode)

#endif
