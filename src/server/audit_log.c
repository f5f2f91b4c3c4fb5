/* server/audit_log.c — what every handler needs around the store: running a query with the
 * request's connection (500 and a log line on failure), loading one row, answering a page, and
 * appending the audit entry of a change inside its transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fed.h"
#include "server.h"

ks_status kysod_audit(kysod_req *r, const char *action, const char *object, int64_t agency,
                      json_t *before, json_t *after, ks_error *err)
{
    char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    ks_audit_rec rec = {r->signed_in ? r->s.user_id : 0,
                        r->signed_in ? r->s.login : "system",
                        r->ip,
                        agency,
                        action,
                        object,
                        b ? b : "",
                        a ? a : ""};
    ks_status st = ks_audit_append(r->db, &rec, (int64_t)time(NULL), err);
    free(b);
    free(a);
    return st;
}

int kysod_db(kysod_req *r, const char *sql, const ks_db_arg *a, int n, ks_db_rows **rows)
{
    ks_error e;
    if (ks_db_run(r->db, sql, a, n, rows, NULL, &e) != KS_OK)
        return kysod_fail_err(r, &e);
    return 0;
}

int kysod_load(kysod_req *r, const char *sql, int64_t id, const char *what, json_t **out)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(id);
    *out = NULL;
    int rc = kysod_db(r, sql, &a, 1, &rows);
    if (rc)
        return rc;
    if (rows->nrows == 0) {
        ks_db_rows_free(rows);
        return kysod_fail_id(r, 404, "not_found", what);
    }
    *out = kysod_row_json(rows, 0);
    ks_db_rows_free(rows);
    return 0;
}

int kysod_page(kysod_req *r, const char *list_sql, const char *count_sql, ks_db_arg *args,
               int nfilter, int64_t limit, int64_t offset)
{
    ks_db_rows *count = NULL, *rows = NULL;
    int rc = kysod_db(r, count_sql, args, nfilter, &count);
    if (rc)
        return rc;
    int64_t total = ks_db_cell_int(count, 0, 0);
    ks_db_rows_free(count);
    args[nfilter] = KS_DB_I(limit);
    args[nfilter + 1] = KS_DB_I(offset);
    if ((rc = kysod_db(r, list_sql, args, nfilter + 2, &rows)))
        return rc;
    json_t *out =
        json_pack("{s:o, s:I, s:I, s:I}", "items", kysod_rows_json(rows), "total",
                  (json_int_t)total, "limit", (json_int_t)limit, "offset", (json_int_t)offset);
    ks_db_rows_free(rows);
    return kysod_json_etag(r, out);
}

ks_db_arg kysod_str_arg(json_t *b, json_t *cur, const char *k)
{
    json_t *v = json_object_get(b, k);
    if (!v && cur)
        v = json_object_get(cur, k);
    return KS_DB_S(json_is_string(v) ? json_string_value(v) : "");
}

/* Commits the transaction begun by the caller with the audit entry; answers `status` with
 * the object as it now is. */
int kysod_commit(kysod_req *r, ks_status st, ks_error *e, const char *action, const char *kind,
                 int64_t id, int64_t agency, json_t *before, const char *get_sql, int status)
{
    json_t *after = NULL;
    char obj[48];
    snprintf(obj, sizeof obj, "%s/%lld", kind, (long long)id);
    if (st == KS_OK && get_sql) {
        ks_db_rows *rows = NULL;
        ks_db_arg a = KS_DB_I(id);
        st = ks_db_run(r->db, get_sql, &a, 1, &rows, NULL, e);
        if (st == KS_OK && rows->nrows == 1)
            after = kysod_row_json(rows, 0);
        ks_db_rows_free(rows);
    }
    if (st == KS_OK)
        st = kysod_audit(r, action, obj, agency, before, after, e);
    if (st == KS_OK) /* notifications commit with the change they announce */
        st = kysod_events_on_commit(r, kind, id, before, e);
    st = ks_db_tx_end(r->db, st, e);
    json_decref(before);
    if (st != KS_OK) {
        json_decref(after);
        return kysod_fail_err(r, e);
    }
    if (!after) {
        r->status = 204;
        return 204;
    }
    r->want_etag = true;
    return kysod_json(r, status, after);
}

/* The cache key: the query's address and its arguments; false when too long to key. */
static bool page_key(const char *sql, const ks_db_arg *a, int n, char *key, size_t cap)
{
    size_t off = (size_t)snprintf(key, cap, "%p", (const void *)sql);
    for (int i = 0; i < n && off < cap; i++) {
        if (a[i].type == KS_DB_INT)
            off += (size_t)snprintf(key + off, cap - off, "|i%lld", (long long)a[i].i);
        else if (a[i].type == KS_DB_TEXT)
            off += (size_t)snprintf(key + off, cap - off, "|s%zu:%s", strlen(a[i].s), a[i].s);
        else
            off += (size_t)snprintf(key + off, cap - off, "|n");
    }
    return off < cap;
}

static unsigned slot_of_key(const char *key)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h % KYSOD_PAGE_CACHE;
}

/* Answers from a cached body: 304 when If-None-Match holds its ETag. */
static int from_cache(kysod_req *r, const kysod_page_entry *p)
{
    snprintf(r->etag, sizeof r->etag, "%s", p->etag);
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (inm && (strcmp(inm, r->etag) == 0 || strcmp(inm, "*") == 0)) {
        r->status = 304;
        return 304;
    }
    r->raw = malloc(p->len ? p->len : 1);
    if (!r->raw)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    memcpy(r->raw, p->body, p->len);
    r->raw_len = p->len;
    r->raw_type = "application/json; charset=utf-8";
    r->status = 200;
    return 200;
}

int kysod_page_cached(kysod_req *r, const char *list_sql, const char *count_sql, ks_db_arg *args,
                      int nfilter, int64_t limit, int64_t offset)
{
    kysod *srv = r->srv;
    char key[480];
    args[nfilter] = KS_DB_I(limit);
    args[nfilter + 1] = KS_DB_I(offset);
    if (!srv->pages || !page_key(list_sql, args, nfilter + 2, key, sizeof key))
        return kysod_page(r, list_sql, count_sql, args, nfilter, limit, offset);
    unsigned long gen = atomic_load(&srv->generation);
    kysod_page_entry *p = &srv->pages[slot_of_key(key)];
    int rc = -1;
    pthread_mutex_lock(&srv->page_lock);
    if (p->body && p->generation == gen && strcmp(p->key, key) == 0)
        rc = from_cache(r, p);
    pthread_mutex_unlock(&srv->page_lock);
    if (rc >= 0)
        return rc;
    if ((rc = kysod_page(r, list_sql, count_sql, args, nfilter, limit, offset)) != 200)
        return rc;
    char *body = json_dumps(r->out, KYSOD_JSON_FLAGS);
    size_t len = body ? strlen(body) : 0;
    if (!body || len > KYSOD_PAGE_MAX) {
        free(body);
        return rc; /* answered from r->out as usual */
    }
    pthread_mutex_lock(&srv->page_lock);
    free(p->body);
    snprintf(p->key, sizeof p->key, "%s", key);
    p->generation = gen; /* read before the query: a write in between makes this a miss */
    p->body = body;
    p->len = len;
    kysod_etag_text(body, len, p->etag);
    json_decref(r->out);
    r->out = NULL;
    r->want_etag = false;
    rc = from_cache(r, p);
    pthread_mutex_unlock(&srv->page_lock);
    return rc;
}
