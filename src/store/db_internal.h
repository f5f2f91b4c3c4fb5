/* store/db_internal.h — what the generic layer (db.c) and the two drivers share. */
#ifndef KYSO_STORE_DB_INTERNAL_H
#define KYSO_STORE_DB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "store.h"

/* Prepared statements kept per connection, keyed by the address of their SQL text. */
#define KS_DB_CACHE 128

struct ks_db {
    ks_db_kind kind;
    void *conn; /* sqlite3 * or PGconn * */
    const char *cache_sql[KS_DB_CACHE];
    void *cache_stmt[KS_DB_CACHE]; /* sqlite3_stmt *; unused for PostgreSQL (named "k<slot>") */
    struct ks_db *next_free;
    /* SQLite in a pool: the pool's writer lock, held from BEGIN IMMEDIATE to COMMIT/ROLLBACK
     * (writing), so that the process's writers queue on a mutex, not in SQLite's busy handler */
    pthread_mutex_t *writer;
    bool writing;
};

/* A growing table of copied cells, filled by the drivers. */
ks_status ks_db_rows_start(ks_db_rows **out, int ncols, const char *const *names, ks_error *err);
ks_status ks_db_rows_add(ks_db_rows *r, const char *const *cells, const size_t *lens,
                         ks_error *err);

/* The cache slot for `sql`: an existing one (*fresh = false) or a new one (*fresh = true);
 * -1 when the cache is full (the statement is then prepared for this call only). */
int ks_db_cache_slot(ks_db *db, const char *sql, bool *fresh);

ks_status ks_db_sqlite_open(const char *path, ks_db **out, ks_error *err);
void ks_db_sqlite_close(ks_db *db);
ks_status ks_db_sqlite_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs,
                           ks_db_rows **rows, int64_t *changes, ks_error *err);
ks_status ks_db_sqlite_script(ks_db *db, const char *sql, ks_error *err);

ks_status ks_db_pg_open(const char *url, ks_db **out, ks_error *err);
void ks_db_pg_close(ks_db *db);
ks_status ks_db_pg_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs,
                       ks_db_rows **rows, int64_t *changes, ks_error *err);
ks_status ks_db_pg_script(ks_db *db, const char *sql, ks_error *err);

/* Applies the numbered migrations not yet applied (migrations.c). */
ks_status ks_db_migrate(ks_db *db, ks_error *err);

#endif
