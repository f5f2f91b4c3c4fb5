/* server/register_kinds.c — the columns of the registers as Decree 30 Appendix IV prints them
 * (outgoing 10, incoming 10, follow-up 7; requirements §5.3) and of the copy register, which
 * Appendix IV does not draw: its columns follow the outgoing register's, with the copy's form
 * and pages and the copied document's number, date and issuer [I]. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "register_queries.h"
#include "registers.h"

enum { RC_JSON_LIST = 64, RC_IF_ASSIGNED = 128, RC_PAGES = 256 };

static const reg_col OUT_COLS[] = {
    {"Số, ký hiệu văn bản", {"symbol"}, 0, 1.4},
    {"Ngày tháng văn bản", {"issued_date"}, RC_DATE, 1.1},
    {"Tên loại và trích yếu nội dung", {"doc_type", "summary"}, 0, 3.2},
    {"Người ký", {"signer"}, 0, 1.5},
    {"Nơi nhận văn bản", {"recipients"}, RC_JSON_LIST, 2.0},
    {"Đơn vị, người nhận bản lưu", {"handler"}, 0, 1.3},
    {"Số lượng bản", {"copies"}, 0, 0.8},
    {"Ngày chuyển", {"sent_at"}, RC_EPOCH, 1.0},
    {"Ký nhận", {NULL}, RC_BLANK, 1.0},
    {"Ghi chú", {"note"}, 0, 1.2},
};
const reg_kind REG_OUTGOING = {.name = "outgoing",
                               .closed_as = "outgoing",
                               .title = "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
                               .sheet = "Sổ văn bản đi",
                               .list_sql = Q_REG_OUT_LIST,
                               .count_sql = Q_REG_OUT_COUNT,
                               .series_arg = "series",
                               .cols = OUT_COLS,
                               .ncols = 10};

static const reg_col IN_COLS[] = {
    {"Ngày đến", {"received_date"}, RC_DATE, 1.0},
    {"Số đến", {"number"}, RC_NUMBER, 0.8},
    {"Tác giả", {"from_agency"}, 0, 1.8},
    {"Số, ký hiệu văn bản", {"doc_symbol"}, 0, 1.3},
    {"Ngày tháng văn bản", {"doc_date"}, RC_DATE, 1.0},
    {"Tên loại và trích yếu nội dung", {"doc_type", "summary"}, 0, 3.0},
    {"Đơn vị hoặc người nhận", {"assignee"}, 0, 1.5},
    {"Ngày chuyển", {"received_date"}, RC_DATE | RC_IF_ASSIGNED, 1.0},
    {"Ký nhận", {NULL}, RC_BLANK, 1.0},
    {"Ghi chú", {"note"}, 0, 1.2},
};
const reg_kind REG_INCOMING = {.name = "incoming",
                               .closed_as = "incoming",
                               .title = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
                               .sheet = "Sổ văn bản đến",
                               .list_sql = Q_REG_IN_LIST,
                               .count_sql = Q_REG_IN_COUNT,
                               .series_arg = NULL,
                               .cols = IN_COLS,
                               .ncols = 10};

static const reg_col FOLLOW_COLS[] = {
    {"Số đến", {"number"}, RC_NUMBER, 0.8},
    {"Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành",
     {"doc_type", "doc_symbol", "doc_date"},
     RC_IN_SYMBOL,
     3.4},
    {"Đơn vị hoặc người nhận", {"assignee"}, 0, 1.6},
    {"Thời hạn giải quyết", {"deadline"}, RC_DATE, 1.1},
    {"Tiến độ giải quyết", {"progress", "deadline", "done_date"}, RC_PROGRESS, 1.9},
    {"Số, ký hiệu văn bản trả lời", {"reply_symbol"}, 0, 1.4},
    {"Ghi chú", {"note", "progress_note"}, 0, 1.6},
};
const reg_kind REG_FOLLOWUP = {.name = "followup",
                               .closed_as = "incoming",
                               .title = "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
                               .sheet = "Sổ theo dõi giải quyết",
                               .list_sql = Q_REG_IN_LIST,
                               .count_sql = Q_REG_IN_COUNT,
                               .series_arg = NULL,
                               .cols = FOLLOW_COLS,
                               .ncols = 7};

static const reg_col COPY_COLS[] = {
    {"Số, ký hiệu bản sao", {"symbol"}, 0, 1.3},
    {"Ngày sao", {"copied_date"}, RC_DATE, 1.0},
    {"Hình thức sao", {"form"}, 0, 1.0},
    {"Số, ký hiệu văn bản được sao", {"doc_symbol"}, 0, 1.3},
    {"Ngày tháng văn bản", {"doc_date"}, RC_DATE, 1.0},
    {"Tên loại và trích yếu nội dung", {"doc_type", "summary"}, 0, 2.8},
    {"Cơ quan ban hành", {"issuer"}, 0, 1.8},
    {"Trang được sao", {"page_list"}, RC_PAGES, 0.9},
    {"Người sao", {"clerk"}, 0, 1.3},
    {"Ghi chú", {"note"}, 0, 1.1},
};
const reg_kind REG_COPIES = {.name = "copies",
                             .closed_as = "copy",
                             .title = "SỔ ĐĂNG KÝ BẢN SAO VĂN BẢN",
                             .sheet = "Sổ bản sao",
                             .list_sql = Q_REG_COPY_LIST,
                             .count_sql = Q_REG_COPY_COUNT,
                             .series_arg = "form",
                             .cols = COPY_COLS,
                             .ncols = 10};

static int col_index(const ks_db_rows *rows, const char *name)
{
    for (int c = 0; name && c < rows->ncols; c++)
        if (strcmp(rows->names[c], name) == 0)
            return c;
    return -1;
}

static const char *value(const ks_db_rows *rows, int i, const char *name)
{
    int c = col_index(rows, name);
    const char *v = c >= 0 ? ks_db_cell(rows, i, c) : NULL;
    return v ? v : "";
}

/* YYYY-MM-DD as dd/mm/yyyy (anything else as it is). */
static void vn_date(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        snprintf(out, cap, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(out, cap, "%s", iso);
}

static void append(char *out, size_t cap, const char *sep, const char *s)
{
    size_t n = strlen(out);
    if (!*s || n + 1 >= cap)
        return;
    snprintf(out + n, cap - n, "%s%s", n ? sep : "", s);
}

int reg_overdue_days(const reg_ctx *c, const char *deadline, const char *done_date)
{
    ks_date d, until;
    ks_error e;
    const char *end = done_date && *done_date ? done_date : c->today;
    if (!deadline || !*deadline || ks_date_parse(deadline, &d, &e) != KS_OK ||
        ks_date_parse(end, &until, &e) != KS_OK)
        return 0;
    int64_t a = ks_date_jdn(d), b = ks_date_jdn(until);
    int n = 0;
    for (int64_t j = a + 1; j <= b && j - a <= 3660; j++)
        if (!c->cal || ks_workdays_is_workday(c->cal, ks_date_from_jdn(j)))
            n++;
    return n;
}

static void progress_text(const reg_ctx *c, const ks_db_rows *rows, int i, bool pdf, char *out,
                          size_t cap)
{
    const char *p = value(rows, i, "progress"), *done = value(rows, i, "done_date");
    char d[32];
    vn_date(done, d, sizeof d);
    if (strcmp(p, "done") == 0)
        snprintf(out, cap, "Đã giải quyết %s", pdf ? d : done);
    else
        snprintf(out, cap, "%s",
                 strcmp(p, "in_progress") == 0 ? "Đang giải quyết" : "Chưa giải quyết");
    int late = reg_overdue_days(c, value(rows, i, "deadline"), done);
    if (late > 0) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "; quá hạn %d ngày làm việc", late);
    }
}

void reg_cell(const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows, int i, int col, bool pdf,
              char *out, size_t cap)
{
    const reg_col *rc = &k->cols[col];
    char tmp[64];
    out[0] = 0;
    if (rc->flags & RC_BLANK)
        return;
    if (rc->flags & RC_PROGRESS) {
        progress_text(c, rows, i, pdf, out, cap);
        return;
    }
    if (rc->flags & RC_IN_SYMBOL) {
        vn_date(value(rows, i, "doc_date"), tmp, sizeof tmp);
        snprintf(out, cap, "%s số %s ngày %s\n%s", value(rows, i, "doc_type"),
                 value(rows, i, "doc_symbol"), pdf ? tmp : value(rows, i, "doc_date"),
                 value(rows, i, "from_agency"));
        return;
    }
    if ((rc->flags & RC_IF_ASSIGNED) && !*value(rows, i, "assignee"))
        return;
    for (int s = 0; s < 3 && rc->src[s]; s++) {
        const char *v = value(rows, i, rc->src[s]);
        if (rc->flags & RC_EPOCH) {
            if (!*v)
                continue;
            time_t t = (time_t)strtoll(v, NULL, 10) + 7 * 3600;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(tmp, sizeof tmp, pdf ? "%d/%m/%Y" : "%Y-%m-%d", &tm);
            v = tmp;
        } else if ((rc->flags & RC_DATE) && pdf) {
            vn_date(v, tmp, sizeof tmp);
            v = tmp;
        } else if (rc->flags & RC_NUMBER) {
            snprintf(tmp, sizeof tmp, "%02lld", strtoll(v, NULL, 10));
            v = tmp;
        } else if ((rc->flags & RC_PAGES) && !*v) {
            v = "Toàn văn";
        } else if (rc->flags & RC_JSON_LIST) {
            json_t *a = json_loads(v, 0, NULL);
            size_t j;
            json_t *it;
            json_array_foreach(a, j, it)
            {
                const char *name = json_string_value(it);
                append(out, cap, "; ", name ? name : "");
            }
            if (a) {
                json_decref(a);
                continue;
            }
        }
        append(out, cap, "\n", v);
    }
}
