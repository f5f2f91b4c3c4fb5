/* store/store.h — the database under the server (and the CA's audit chain): one small API over
 * SQLite (WAL, the default) and PostgreSQL (libpq), both loaded on first use (util/dynlib.h).
 * SQL is written once with `?` placeholders; the PostgreSQL driver numbers them. Statements are
 * prepared once per connection and cached by the address of their text (string literals), so
 * callers pass only the named query constants of queries.h. Not a public API of libkyso yet. */
#ifndef KYSO_STORE_STORE_H
#define KYSO_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"

typedef enum ks_db_kind { KS_DB_SQLITE, KS_DB_PG } ks_db_kind;

/* One connection (not thread-safe; a pool hands it to one thread at a time). */
typedef struct ks_db ks_db;
/* A fixed set of connections shared by the server's threads. */
typedef struct ks_db_pool ks_db_pool;

typedef enum ks_db_type { KS_DB_NULL, KS_DB_INT, KS_DB_TEXT } ks_db_type;
typedef struct ks_db_arg {
    ks_db_type type;
    int64_t i;
    const char *s; /* borrowed for the call */
} ks_db_arg;
#define KS_DB_I(v) ((ks_db_arg){KS_DB_INT, (int64_t)(v), NULL})
static inline ks_db_arg ks_db_s_(const char *v)
{
    return (ks_db_arg){v ? KS_DB_TEXT : KS_DB_NULL, 0, v};
}
#define KS_DB_S(v) ks_db_s_(v)
#define KS_DB_NIL ((ks_db_arg){KS_DB_NULL, 0, NULL})

/* A query's answer, copied out of the driver: `nrows` x `ncols` text cells (NULL for SQL NULL). */
typedef struct ks_db_rows {
    int nrows, ncols;
    char **names; /* column names */
    char **cells; /* row-major, ncols + 1 slots a row (the last owns the row's storage): use
                     ks_db_cell */
} ks_db_rows;

/* Opens `url`: "sqlite:PATH" (or a bare path) or "postgresql://..." / "postgres://...".
 * `pool_size` connections; migrations (migrations.c) are applied once, before returning. */
ks_status ks_db_pool_open(const char *url, int pool_size, ks_db_pool **out, ks_error *err);
void ks_db_pool_free(ks_db_pool *pool);
ks_db_kind ks_db_pool_kind(const ks_db_pool *pool);
/* Borrows a connection, waiting for one; give it back with ks_db_release. */
ks_db *ks_db_acquire(ks_db_pool *pool);
void ks_db_release(ks_db_pool *pool, ks_db *db);
ks_db_kind ks_db_get_kind(const ks_db *db);

/* Runs `sql` (a query constant) with `args`; `rows` (may be NULL) receives the answer and
 * `changes` (may be NULL) the number of rows changed. Errors are KS_E_IO, or KS_E_STATE for a
 * constraint violation (a unique key already used, a row still referenced). */
ks_status ks_db_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs, ks_db_rows **rows,
                    int64_t *changes, ks_error *err);
void ks_db_rows_free(ks_db_rows *rows);
const char *ks_db_cell(const ks_db_rows *r, int row, int col);
int64_t ks_db_cell_int(const ks_db_rows *r, int row, int col);

/* A write transaction: IMMEDIATE in SQLite (writers queue up), READ COMMITTED in PostgreSQL
 * with the audit head row locked by ks_audit_append. ks_db_tx_end commits when `st` is KS_OK,
 * else rolls back, and returns the first failure. */
ks_status ks_db_tx_begin(ks_db *db, ks_error *err);
ks_status ks_db_tx_end(ks_db *db, ks_status st, ks_error *err);
/* Runs statements without arguments or results (migrations). */
ks_status ks_db_exec_script(ks_db *db, const char *sql, ks_error *err);

/* ---- the hash-chained audit trail (audit_chain.c), shared by the CA and the server ---- */

#define KS_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* SHA-256 over prev || "|seq|at|" || the fields' byte lengths "l1|l2|...|" || the fields, hex.
 * The lengths delimit the free-text fields so that moving a separator cannot forge a match.
 * The CA's entries are (action, serial, detail); the server's (actor, ip, agency, action,
 * object, before, after). */
void ks_audit_chain_hash(const char *prev, int64_t seq, int64_t at, const char *const *fields,
                         int nfields, char out[65]);

/* One server audit entry (every string may be NULL: stored as ""). */
typedef struct ks_audit_rec {
    int64_t actor_id; /* 0: the system */
    const char *actor, *ip;
    int64_t agency_id; /* 0: none */
    const char *action, *object, *before, *after;
} ks_audit_rec;

/* Appends `rec` inside the caller's transaction (ks_db_tx_begin), so that a state change and
 * its entry commit or vanish together. `at` is the time in seconds since 1970 (UTC). */
ks_status ks_audit_append(ks_db *db, const ks_audit_rec *rec, int64_t at, ks_error *err);
/* Walks the whole trail; `entries` receives how many entries are intact and `broken_at` the
 * first entry whose hash or link is wrong (0 when the chain holds). */
ks_status ks_audit_verify(ks_db *db, int64_t *entries, int64_t *broken_at, ks_error *err);

/* ---- SQLite helpers shared with the CA database (sqlite_util.c) ---- */
struct sqlite3;
ks_status ks_sqlite_exec(struct sqlite3 *db, const char *sql, ks_error *err);
/* Begins IMMEDIATE unless a transaction is open already (`own` says which). */
ks_status ks_sqlite_tx_begin(struct sqlite3 *db, bool *own, ks_error *err);
ks_status ks_sqlite_tx_end(struct sqlite3 *db, bool own, ks_status st, ks_error *err);

#endif
