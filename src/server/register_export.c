/* server/register_export.c — one register answered as its JSON page or as a file: CSV (UTF-8
 * with a byte-order mark, Appendix IV's headings; a leading = + - @ is quoted so that a
 * spreadsheet never runs a cell as a formula), XLSX or PDF. The filters are the same for every
 * form: agency_id, year, the register's series (outgoing: series, copies: form), from and to
 * (YYYY-MM-DD, inclusive). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicase.h>

#include "doc_queries.h"
#include "docs.h"
#include "register_queries.h"
#include "registers.h"

#define REG_EXPORT_MAX 100000

static void csv_field(ks_buf *b, const char *s, bool last)
{
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        ks_buf_append(b, "\"", 1);
    if (s[0] && strchr("=+-@", s[0]))
        ks_buf_append(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            ks_buf_append(b, "\"", 1);
        ks_buf_append(b, p, 1);
    }
    if (quote)
        ks_buf_append(b, "\"", 1);
    ks_buf_append(b, last ? "\r\n" : ",", last ? 2 : 1);
}

int reg_csv(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows)
{
    ks_buf b = KS_BUF_INIT;
    char cell[4096];
    ks_buf_append(&b, "\xEF\xBB\xBF", 3);
    for (int col = 0; col < k->ncols; col++)
        csv_field(&b, k->cols[col].head, col == k->ncols - 1);
    for (int i = 0; i < rows->nrows; i++)
        for (int col = 0; col < k->ncols; col++) {
            reg_cell(k, c, rows, i, col, false, cell, sizeof cell);
            csv_field(&b, cell, col == k->ncols - 1);
        }
    if (b.failed) {
        ks_buf_free(&b);
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    }
    r->raw = (char *)b.data;
    r->raw_len = b.len;
    r->raw_type = "text/csv; charset=utf-8";
    r->status = 200;
    return 200;
}

static int query_date(kysod_req *r, const char *key, ks_db_arg *out)
{
    const char *s = kysod_query(r, key);
    ks_date d;
    ks_error e;
    *out = KS_DB_NIL;
    if (!s)
        return 0;
    if (strlen(s) != 10 || ks_date_parse(s, &d, &e) != KS_OK)
        return kysod_fail(r, 400, "invalid_field", key, N_("\"%s\" must be a date YYYY-MM-DD"),
                          key);
    *out = KS_DB_S(s);
    return 0;
}

/* The agency (agency_id, else the caller's) and the caller's right to read its registers. */
static int reg_scope(kysod_req *r, ks_db_arg *agency)
{
    int rc = kysod_query_id(r, "agency_id", agency);
    if (rc)
        return rc;
    if (agency->type != KS_DB_INT)
        *agency = KS_DB_I(r->s.agency_id);
    return kysod_authorize(r, ACC_AGENCY_MEMBER, agency->i);
}

/* JSON: the page, with the follow-up's overdue flags and the year's closing when closed. */
static int json_page(kysod_req *r, const reg_kind *k, const reg_ctx *c, ks_db_arg *a, int nf,
                     int64_t limit, int64_t offset)
{
    ks_db_rows *count = NULL, *rows = NULL, *closed = NULL;
    int rc = kysod_db(r, k->count_sql, a, nf, &count);
    if (rc)
        return rc;
    int64_t total = ks_db_cell_int(count, 0, 0);
    ks_db_rows_free(count);
    a[nf] = KS_DB_I(limit);
    a[nf + 1] = KS_DB_I(offset);
    if ((rc = kysod_db(r, k->list_sql, a, nf + 2, &rows)))
        return rc;
    json_t *items = kysod_rows_json(rows);
    if (k == &REG_FOLLOWUP)
        for (int i = 0; i < rows->nrows; i++) {
            json_t *it = json_array_get(items, (size_t)i);
            int late =
                reg_overdue_days(c, kysod_str(it, "deadline", ""), kysod_str(it, "done_date", ""));
            json_object_set_new(it, "overdue_days", json_integer(late));
            json_object_set_new(it, "overdue", json_boolean(late > 0));
        }
    ks_db_rows_free(rows);
    json_t *out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total,
                            "limit", (json_int_t)limit, "offset", (json_int_t)offset);
    if (a[1].type == KS_DB_INT) {
        ks_db_arg q[3] = {a[0], KS_DB_S(k->closed_as), a[1]};
        if ((rc = kysod_db(r, Q_REG_CLOSED, q, 3, &closed))) {
            json_decref(out);
            return rc;
        }
        if (closed->nrows) {
            char t[32];
            kysod_time_format(ks_db_cell_int(closed, 0, 1), t);
            json_object_set_new(out, "closed_at", json_string(t));
        }
        ks_db_rows_free(closed);
    }
    return kysod_json_etag(r, out);
}

static int export(kysod_req *r, const reg_kind *k, const reg_ctx *c, ks_db_arg *a, int nf,
                  const char *fmt)
{
    ks_db_rows *rows = NULL;
    json_t *agency = NULL;
    a[nf] = KS_DB_I(REG_EXPORT_MAX);
    a[nf + 1] = KS_DB_I(0);
    int rc = kysod_db(r, k->list_sql, a, nf + 2, &rows);
    if (rc)
        return rc;
    if (strcmp(fmt, "csv") == 0) {
        rc = reg_csv(r, k, c, rows);
        ks_db_rows_free(rows);
        return rc;
    }
    if ((rc = kysod_load(r, Q_AGENCY_NAMES, a[0].i, N_("no such agency"), &agency))) {
        ks_db_rows_free(rows);
        return rc;
    }
    char year[96];
    const char *from = kysod_query(r, "from"), *to = kysod_query(r, "to");
    if (a[1].type == KS_DB_INT)
        snprintf(year, sizeof year, "Năm %lld", (long long)a[1].i);
    else if (from || to)
        snprintf(year, sizeof year, "Từ ngày %s đến ngày %s", from ? from : "…", to ? to : "…");
    else
        snprintf(year, sizeof year, "Năm %d", docs_vn_year(time(NULL)));
    /* the agency's name in capitals, as on the paper register's cover (Vietnamese-aware) */
    const char *name = kysod_str(agency, "name", "");
    size_t ulen = 0;
    uint8_t *up = u8_toupper((const uint8_t *)name, strlen(name), "vi", UNINORM_NFC, NULL, &ulen);
    char *upper = up ? strndup((const char *)up, ulen) : NULL;
    free(up);
    const char *title[3] = {upper ? upper : name, k->title, year};
    rc = strcmp(fmt, "xlsx") == 0 ? reg_xlsx(r, k, c, rows, title, 3)
                                  : reg_pdf(r, k, c, rows, title, 3);
    free(upper);
    json_decref(agency);
    ks_db_rows_free(rows);
    return rc;
}

int reg_answer(kysod_req *r, const reg_kind *k)
{
    int64_t limit, offset;
    ks_db_arg a[8];
    int nf = 0, rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = reg_scope(r, &a[0])) || (rc = kysod_query_id(r, "year", &a[1])))
        return rc;
    nf = 2;
    if (k->series_arg)
        a[nf++] = KS_DB_S(kysod_query(r, k->series_arg));
    if ((rc = query_date(r, "from", &a[nf])) || (rc = query_date(r, "to", &a[nf + 1])))
        return rc;
    nf += 2;
    const char *fmt = kysod_query(r, "format");
    if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "xlsx") && strcmp(fmt, "pdf") &&
        strcmp(fmt, "json"))
        return kysod_fail(r, 400, "invalid_field", "format",
                          N_("\"format\" must be csv, xlsx, pdf or json"));
    reg_ctx c = {0};
    docs_vn_date(time(NULL), c.today);
    ks_error e;
    if (k == &REG_FOLLOWUP && ks_workcal_new(&c.cal, &e) != KS_OK)
        return kysod_fail_err(r, &e);
    rc = fmt && strcmp(fmt, "json") ? export(r, k, &c, a, nf, fmt)
                                    : json_page(r, k, &c, a, nf, limit, offset);
    ks_workcal_free(c.cal);
    return rc;
}
