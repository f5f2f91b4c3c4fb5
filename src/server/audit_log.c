/* server/audit_log.c — what every handler needs around the store: running a query with the
 * request's connection (500 and a log line on failure), loading one row, answering a page, and
 * appending the audit entry of a change inside its transaction. */
#include <stdio.h>
#include <string.h>
#include <time.h>

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
