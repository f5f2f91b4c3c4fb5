/* store/db.c — the generic half of the database API: the connection pool, dispatch to the
 * SQLite or PostgreSQL driver, transactions, and the copied result tables. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

struct ks_db_pool {
    ks_db_kind kind;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    /* SQLite: one writer at a time in this process. SQLite would serialise them too, but its
     * busy handler polls with sleeps of up to 100 ms, so that waiting writers overslept the end
     * of a long transaction (the issue step signs inside its transaction): the mutex hands the
     * lock over at once (bench/bench_workflow.sh). Other processes still meet the busy handler. */
    pthread_mutex_t writer;
    ks_db *free_list;
    ks_db **all;
    int n;
};

static bool is_pg_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0 ||
           strncmp(url, "postgresql:", 11) == 0;
}

static ks_status open_one(const char *url, ks_db **out, ks_error *err)
{
    if (is_pg_url(url))
        return ks_db_pg_open(
            strncmp(url, "postgresql:", 11) == 0 && url[11] != '/' ? url + 11 : url, out, err);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return ks_db_sqlite_open(url, out, err);
}

static void close_one(ks_db *db)
{
    if (!db)
        return;
    if (db->kind == KS_DB_PG)
        ks_db_pg_close(db);
    else
        ks_db_sqlite_close(db);
}

ks_status ks_db_pool_open(const char *url, int pool_size, ks_db_pool **out, ks_error *err)
{
    *out = NULL;
    if (pool_size < 1 || pool_size > 256)
        return ks_error_set(err, KS_E_USAGE, N_("database pool size %d is out of range 1..256"),
                            pool_size);
    ks_db_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->all = calloc((size_t)pool_size, sizeof *p->all))) {
        free(p);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    pthread_mutex_init(&p->writer, NULL);
    ks_status st = KS_OK;
    for (int i = 0; i < pool_size && st == KS_OK; i++) {
        st = open_one(url, &p->all[i], err);
        if (st == KS_OK) {
            p->n++;
            if (i == 0)
                st = ks_db_migrate(p->all[0], err);
        }
    }
    if (st != KS_OK) {
        ks_db_pool_free(p);
        return st;
    }
    p->kind = p->all[0]->kind;
    for (int i = 0; i < p->n && p->kind == KS_DB_SQLITE; i++)
        p->all[i]->writer = &p->writer;
    for (int i = p->n - 1; i >= 0; i--) {
        p->all[i]->next_free = p->free_list;
        p->free_list = p->all[i];
    }
    *out = p;
    return KS_OK;
}

void ks_db_pool_free(ks_db_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++)
        close_one(p->all[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->writer);
    free(p->all);
    free(p);
}

ks_db_kind ks_db_pool_kind(const ks_db_pool *p)
{
    return p->kind;
}

ks_db *ks_db_acquire(ks_db_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (!p->free_list)
        pthread_cond_wait(&p->freed, &p->lock);
    ks_db *db = p->free_list;
    p->free_list = db->next_free;
    pthread_mutex_unlock(&p->lock);
    return db;
}

void ks_db_release(ks_db_pool *p, ks_db *db)
{
    if (!db)
        return;
    if (db->writing) /* a transaction left open: never keep the writer lock with it */
        ks_db_tx_end(db, KS_E_STATE, NULL);
    pthread_mutex_lock(&p->lock);
    db->next_free = p->free_list;
    p->free_list = db;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

ks_db_kind ks_db_get_kind(const ks_db *db)
{
    return db->kind;
}

int ks_db_cache_slot(ks_db *db, const char *sql, bool *fresh)
{
    uintptr_t h = ((uintptr_t)sql >> 3) % KS_DB_CACHE;
    for (int k = 0; k < KS_DB_CACHE; k++) {
        int i = (int)((h + (uintptr_t)k) % KS_DB_CACHE);
        if (db->cache_sql[i] == sql) {
            *fresh = false;
            return i;
        }
        if (!db->cache_sql[i]) {
            db->cache_sql[i] = sql;
            *fresh = true;
            return i;
        }
    }
    *fresh = true;
    return -1;
}

ks_status ks_db_run(ks_db *db, const char *sql, const ks_db_arg *args, int nargs, ks_db_rows **rows,
                    int64_t *changes, ks_error *err)
{
    if (rows)
        *rows = NULL;
    if (changes)
        *changes = 0;
    return db->kind == KS_DB_PG ? ks_db_pg_run(db, sql, args, nargs, rows, changes, err)
                                : ks_db_sqlite_run(db, sql, args, nargs, rows, changes, err);
}

ks_status ks_db_exec_script(ks_db *db, const char *sql, ks_error *err)
{
    return db->kind == KS_DB_PG ? ks_db_pg_script(db, sql, err) : ks_db_sqlite_script(db, sql, err);
}

ks_status ks_db_tx_begin(ks_db *db, ks_error *err)
{
    bool lock = db->writer && !db->writing; /* a nested BEGIN fails in SQLite, as before */
    if (lock) {
        pthread_mutex_lock(db->writer);
        db->writing = true;
    }
    ks_status st = ks_db_exec_script(db, db->kind == KS_DB_PG ? "BEGIN" : "BEGIN IMMEDIATE", err);
    if (st != KS_OK && lock) {
        db->writing = false;
        pthread_mutex_unlock(db->writer);
    }
    return st;
}

ks_status ks_db_tx_end(ks_db *db, ks_status st, ks_error *err)
{
    if (st == KS_OK)
        st = ks_db_exec_script(db, "COMMIT", err);
    if (st != KS_OK)
        ks_db_exec_script(db, "ROLLBACK", NULL);
    if (db->writing) {
        db->writing = false;
        pthread_mutex_unlock(db->writer);
    }
    return st;
}

ks_status ks_db_rows_start(ks_db_rows **out, int ncols, const char *const *names, ks_error *err)
{
    ks_db_rows *r = calloc(1, sizeof *r);
    if (!r || !(r->names = calloc((size_t)ncols + 1, sizeof *r->names))) {
        free(r);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    r->ncols = ncols;
    *out = r;
    for (int i = 0; i < ncols; i++)
        if (!(r->names[i] = strdup(names[i] ? names[i] : "")))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

ks_status ks_db_rows_add(ks_db_rows *r, const char *const *cells, const size_t *lens, ks_error *err)
{
    /* One block per row holds its cells; the row's last slot (hidden) keeps the block. */
    size_t stride = (size_t)r->ncols + 1;
    int n = r->nrows;
    if ((n & (n - 1)) == 0) {
        size_t cap = n ? (size_t)n * 2 : 1;
        if (cap > (size_t)1 << 20)
            return ks_error_set(err, KS_E_LIMIT, N_("query answer has too many rows"));
        char **c = realloc(r->cells, cap * stride * sizeof *c);
        if (!c)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        r->cells = c;
    }
    size_t total = 1;
    for (int i = 0; i < r->ncols; i++)
        total += cells[i] ? lens[i] + 1 : 0;
    char *block = malloc(total);
    if (!block)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    char **row = r->cells + (size_t)n * stride;
    char *p = block;
    for (int i = 0; i < r->ncols; i++) {
        if (!cells[i]) {
            row[i] = NULL;
            continue;
        }
        memcpy(p, cells[i], lens[i]);
        p[lens[i]] = 0;
        row[i] = p;
        p += lens[i] + 1;
    }
    row[r->ncols] = block;
    r->nrows++;
    return KS_OK;
}

void ks_db_rows_free(ks_db_rows *r)
{
    if (!r)
        return;
    size_t stride = (size_t)r->ncols + 1;
    for (int i = 0; i < r->nrows; i++)
        free(r->cells[(size_t)i * stride + (size_t)r->ncols]);
    for (int i = 0; i < r->ncols; i++)
        free(r->names[i]);
    free(r->names);
    free(r->cells);
    free(r);
}

const char *ks_db_cell(const ks_db_rows *r, int row, int col)
{
    if (!r || row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
        return NULL;
    return r->cells[(size_t)row * ((size_t)r->ncols + 1) + (size_t)col];
}

int64_t ks_db_cell_int(const ks_db_rows *r, int row, int col)
{
    const char *s = ks_db_cell(r, row, col);
    return s ? strtoll(s, NULL, 10) : 0;
}
