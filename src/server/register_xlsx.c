/* server/register_xlsx.c — a register as an XLSX workbook (libxlsxwriter): the title rows (agency,
 * register, year) merged over the columns, Appendix IV's headings and their numbers, one row per
 * entry; A4 landscape, headings repeated on printed pages. libxlsxwriter 1.1.4 writes to a file
 * only: a private temporary file, read back and removed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "registers.h"

static int read_back(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size <= 0 || sb.st_size > (256 << 20)) {
        fclose(f);
        return -1;
    }
    *out = malloc((size_t)sb.st_size);
    *len = *out ? fread(*out, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (*len != (size_t)sb.st_size) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int reg_xlsx(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows,
             const char *const *title, int ntitle)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/kysod-register-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return kysod_fail(r, 500, "internal", NULL, N_("cannot create a temporary file"));
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, k->sheet) : NULL;
    if (!ws) {
        if (wb)
            workbook_close(wb);
        unlink(path);
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    }
    lxw_format *tf = workbook_add_format(wb), *hf = workbook_add_format(wb),
               *cf = workbook_add_format(wb);
    format_set_bold(tf);
    format_set_align(tf, LXW_ALIGN_CENTER);
    format_set_font_name(tf, "Times New Roman");
    format_set_font_size(tf, 13);
    format_set_bold(hf);
    format_set_text_wrap(hf);
    format_set_border(hf, LXW_BORDER_THIN);
    format_set_align(hf, LXW_ALIGN_CENTER);
    format_set_align(hf, LXW_ALIGN_VERTICAL_CENTER);
    format_set_font_name(hf, "Times New Roman");
    format_set_text_wrap(cf);
    format_set_border(cf, LXW_BORDER_THIN);
    format_set_align(cf, LXW_ALIGN_VERTICAL_TOP);
    format_set_font_name(cf, "Times New Roman");
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    lxw_col_t last = (lxw_col_t)(k->ncols - 1);
    lxw_row_t row = 0;
    for (int i = 0; i < ntitle; i++, row++)
        worksheet_merge_range(ws, row, 0, row, last, title[i], tf);
    row++;
    for (int col = 0; col < k->ncols; col++) {
        char num[16];
        snprintf(num, sizeof num, "(%d)", col + 1);
        worksheet_set_column(ws, (lxw_col_t)col, (lxw_col_t)col, 9.0 * k->cols[col].width, NULL);
        worksheet_write_string(ws, row, (lxw_col_t)col, k->cols[col].head, hf);
        worksheet_write_string(ws, row + 1, (lxw_col_t)col, num, hf);
    }
    worksheet_repeat_rows(ws, row, row + 1);
    row += 2;
    char cell[4096];
    for (int i = 0; i < rows->nrows; i++, row++)
        for (int col = 0; col < k->ncols; col++) {
            reg_cell(k, c, rows, i, col, false, cell, sizeof cell);
            worksheet_write_string(ws, row, (lxw_col_t)col, cell, cf);
        }
    lxw_error xe = workbook_close(wb);
    char *data = NULL;
    size_t len = 0;
    int ok = xe == LXW_NO_ERROR ? read_back(path, &data, &len) : -1;
    unlink(path);
    if (ok != 0)
        return kysod_fail(r, 500, "internal", NULL, N_("the spreadsheet could not be written"));
    r->raw = data;
    r->raw_len = len;
    r->raw_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r->status = 200;
    return 200;
}
