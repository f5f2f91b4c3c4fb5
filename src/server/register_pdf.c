/* server/register_pdf.c — a register printed as Appendix IV's paper register: A4 landscape, its
 * column headings and their numbers (1), (2), ..., a title with the agency, the register and the
 * year, page numbers; the table itself is drawn by pdfgen (ks_pdf_table_render), whose text is
 * Liberation Serif, embedded. */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdfgen.h"
#include "registers.h"

#define CELL_MAX 4096

int reg_pdf(kysod_req *r, const reg_kind *k, const reg_ctx *c, const ks_db_rows *rows,
            const char *const *title, int ntitle)
{
    const char *heads[16];
    double widths[16];
    size_t n = (size_t)rows->nrows * (size_t)k->ncols;
    char **cells = calloc(n ? n : 1, sizeof *cells);
    char *cell = malloc(CELL_MAX);
    bool ok = cells && cell;
    for (int col = 0; col < k->ncols; col++) {
        heads[col] = k->cols[col].head;
        widths[col] = k->cols[col].width;
    }
    for (size_t i = 0; ok && i < n; i++) {
        reg_cell(k, c, rows, (int)(i / (size_t)k->ncols), (int)(i % (size_t)k->ncols), true, cell,
                 CELL_MAX);
        ok = (cells[i] = strdup(cell)) != NULL;
    }
    free(cell);
    if (!ok) {
        for (size_t i = 0; cells && i < n; i++)
            free(cells[i]);
        free(cells);
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    }
    ks_pdf_table t = {.title = title,
                      .ntitle = (size_t)ntitle,
                      .headings = heads,
                      .widths = widths,
                      .ncols = (size_t)k->ncols,
                      .cells = (const char *const *)cells,
                      .nrows = (size_t)rows->nrows,
                      .page_word = "Trang",
                      .landscape = true};
    ks_buf b = KS_BUF_INIT;
    ks_error e;
    ks_status st = ks_pdf_table_render(&t, &b, &e);
    for (size_t i = 0; i < n; i++)
        free(cells[i]);
    free(cells);
    if (st != KS_OK) {
        ks_buf_free(&b);
        return kysod_fail_err(r, &e);
    }
    r->raw = (char *)b.data;
    r->raw_len = b.len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}
