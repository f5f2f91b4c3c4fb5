/* server/registers.h — the four registers of Decree 30 Appendix IV (outgoing, incoming,
 * follow-up; and the copy register) described once, so that one description serves the JSON
 * list, CSV, XLSX (libxlsxwriter) and the PDF printed like the paper register. */
#ifndef KYSOD_REGISTERS_H
#define KYSOD_REGISTERS_H

#include "kyso/workdays.h"
#include "server.h"

enum {
    RC_DATE = 1,      /* an ISO date: printed dd/mm/yyyy */
    RC_EPOCH = 2,     /* seconds since 1970: its date in Asia/Ho_Chi_Minh */
    RC_BLANK = 4,     /* filled by hand on paper (Ký nhận) */
    RC_PROGRESS = 8,  /* the follow-up's progress in words, overdue flagged */
    RC_NUMBER = 16,   /* a register number: two digits at least (01, 02, ...) */
    RC_IN_SYMBOL = 32 /* incoming: type, number and symbol, date, issuing agency in one cell */
};

typedef struct reg_col {
    const char *head;   /* the Appendix IV heading */
    const char *src[3]; /* the row's columns, joined by a line break */
    unsigned flags;     /* RC_* */
    double width;       /* relative width in the printed register */
} reg_col;

typedef struct reg_kind {
    const char *name;      /* "outgoing", "incoming", "followup", "copies" */
    const char *closed_as; /* its name in reg_closed (the follow-up closes with incoming) */
    const char *title;     /* "SỔ ĐĂNG KÝ VĂN BẢN ĐI" */
    const char *sheet;     /* the XLSX sheet's name (at most 31 characters) */
    const char *list_sql, *count_sql;
    const char *series_arg; /* the query argument of its series ("series", "form"), or NULL */
    const reg_col *cols;
    int ncols;
} reg_kind;

extern const reg_kind REG_OUTGOING, REG_INCOMING, REG_FOLLOWUP, REG_COPIES;

/* What the cells of a row need besides the row: the day of the export (Asia/Ho_Chi_Minh) and the
 * working-day calendar for the follow-up's overdue flag. */
typedef struct reg_ctx {
    ks_workcal *cal;
    char today[16];
} reg_ctx;

/* Working days past `deadline` (YYYY-MM-DD) until `until` (or today when done is empty):
 * 0 when on time or without a deadline. */
int reg_overdue_days(const reg_ctx *c, const char *deadline, const char *done_date);

/* The text of column `col` of row `i`; `pdf`: as printed (dates dd/mm/yyyy). Into out. */
void reg_cell(const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows, int i, int col, bool pdf,
              char *out, size_t cap);

/* Answers the register `k` (its filters read from the query) as format=csv|xlsx|pdf, or the
 * JSON page without a format. */
int reg_answer(kysod_req *r, const reg_kind *k);

/* The exports (register_export.c, register_xlsx.c, register_pdf.c): the answer set from
 * `rows`; `title` lines (agency, register, year). */
int reg_csv(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows);
int reg_xlsx(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows,
             const char *const *title, int ntitle);
int reg_pdf(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows,
            const char *const *title, int ntitle);

#endif
