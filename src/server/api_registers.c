/* server/api_registers.c — the outgoing and incoming registers (Decree 30 Appendix IV) as
 * filtered lists, and as CSV (format=csv; UTF-8 with a byte-order mark, the columns in the
 * register's order, Vietnamese headings) for spreadsheets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_queries.h"
#include "docs.h"
#include "kyso/util.h"

/* One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is
 * prefixed with ' so that a spreadsheet never runs it as a formula. */
static void csv_field(ks_buf *b, const char *s, bool last)
{
    s = s ? s : "";
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        ks_buf_append(b, "\"", 1);
    if (strchr("=+-@", s[0]) && s[0])
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

static int csv_answer(kysod_req *r, const char *sql, ks_db_arg *a, int n, const char *const *heads,
                      const int *cols, int ncols, const char *filename)
{
    ks_db_rows *rows = NULL;
    a[n] = KS_DB_I(100000);
    a[n + 1] = KS_DB_I(0);
    int rc = kysod_db(r, sql, a, n + 2, &rows);
    if (rc)
        return rc;
    ks_buf b = KS_BUF_INIT;
    ks_buf_append(&b, "\xEF\xBB\xBF", 3);
    for (int c = 0; c < ncols; c++)
        csv_field(&b, heads[c], c == ncols - 1);
    for (int i = 0; i < rows->nrows; i++)
        for (int c = 0; c < ncols; c++)
            csv_field(&b, ks_db_cell(rows, i, cols[c]), c == ncols - 1);
    ks_db_rows_free(rows);
    if (b.failed) {
        ks_buf_free(&b);
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    }
    (void)filename;
    r->raw = (char *)b.data;
    r->raw_len = b.len;
    r->raw_type = "text/csv; charset=utf-8";
    r->status = 200;
    return 200;
}

static int reg_scope(kysod_req *r, ks_db_arg *agency)
{
    int rc = kysod_query_id(r, "agency_id", agency);
    if (rc)
        return rc;
    if (agency->type != KS_DB_INT)
        *agency = KS_DB_I(r->s.agency_id);
    return kysod_authorize(r, ACC_AGENCY_MEMBER, agency->i);
}

static bool want_csv(kysod_req *r)
{
    const char *f = kysod_query(r, "format");
    return f && strcmp(f, "csv") == 0;
}

/* Appendix IV, outgoing: number and symbol, date, type and summary, signer, recipients,
 * handling unit/person, copies, note. */
int api_reg_outgoing(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[5];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = reg_scope(r, &a[0])) || (rc = kysod_query_id(r, "year", &a[1])))
        return rc;
    a[2] = KS_DB_S(kysod_query(r, "series"));
    if (want_csv(r)) {
        static const char *const heads[] = {"Số, ký hiệu văn bản",
                                            "Ngày tháng văn bản",
                                            "Tên loại và trích yếu nội dung",
                                            "Người ký",
                                            "Nơi nhận văn bản",
                                            "Đơn vị, người nhận bản lưu",
                                            "Số lượng bản",
                                            "Ghi chú",
                                            "Loại (tên loại)",
                                            "Sổ (series)"};
        static const int cols[] = {5, 6, 8, 9, 10, 12, 11, 13, 7, 2};
        return csv_answer(r, Q_OUT_LIST, a, 3, heads, cols, 10, "so-van-ban-di.csv");
    }
    return kysod_page(r, Q_OUT_LIST, Q_OUT_COUNT, a, 3, limit, offset);
}

/* Appendix IV, incoming: arrival date, number, sender, the document's number and symbol and
 * date, type and summary, recipient unit/person, deadline, note. */
int api_reg_incoming(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[4];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = reg_scope(r, &a[0])) || (rc = kysod_query_id(r, "year", &a[1])))
        return rc;
    if (want_csv(r)) {
        static const char *const heads[] = {
            "Ngày đến",           "Số đến",   "Tác giả (cơ quan gửi)", "Số, ký hiệu",
            "Ngày tháng văn bản", "Tên loại", "Trích yếu nội dung",    "Người nhận (mã)",
            "Hạn giải quyết",     "Ghi chú"};
        static const int cols[] = {4, 3, 5, 6, 7, 8, 9, 10, 11, 12};
        return csv_answer(r, Q_IN_LIST, a, 2, heads, cols, 10, "so-van-ban-den.csv");
    }
    return kysod_page(r, Q_IN_LIST, Q_IN_COUNT, a, 2, limit, offset);
}
