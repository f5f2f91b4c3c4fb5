/* A table as a new PDF (pdfgen/table_doc.c): A4 landscape, Vietnamese headings and cells in
 * Liberation Serif, headings on every page, wrapped cells, page numbers; qpdf --check passes and
 * pdftotext reads the text back. */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"
#include "kyso/pdfgen.h"
#include "test.h"

int main(void)
{
    const char *dir = ks_test_tmpdir("table_doc");
    static const char *const title[] = {"ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
                                        "SỔ ĐĂNG KÝ VĂN BẢN ĐI", "Năm 2026"};
    static const char *const heads[] = {"Số, ký hiệu văn bản", "Ngày tháng văn bản",
                                        "Tên loại và trích yếu nội dung", "Ghi chú"};
    static const double widths[] = {2, 1.5, 6, 1.5};
    enum { ROWS = 80 };
    const char **cells = calloc(ROWS * 4, sizeof *cells);
    char(*num)[32] = calloc(ROWS, sizeof *num);
    for (int r = 0; r < ROWS; r++) {
        snprintf(num[r], sizeof num[r], "%02d/QĐ-UBND", r + 1);
        cells[r * 4] = num[r];
        cells[r * 4 + 1] = "2026-12-06";
        cells[r * 4 + 2] = r == 3 ? "Quyết định về việc ban hành quy chế công tác văn thư, lưu trữ "
                                    "của Ủy ban nhân dân thành phố Hải Phòng và các đơn vị trực "
                                    "thuộc trong năm hai nghìn không trăm hai mươi sáu"
                                  : "Quyết định về việc phê duyệt kế hoạch";
        cells[r * 4 + 3] =
            r == 5 ? "KhôngcókhoảngtrắngnàotrongchuỗidàinàyđểngắtdòngXXXXXXXX" : NULL;
    }
    ks_pdf_table t = {.title = title,
                      .ntitle = 3,
                      .headings = heads,
                      .widths = widths,
                      .ncols = 4,
                      .cells = cells,
                      .nrows = ROWS,
                      .page_word = "Trang",
                      .landscape = true};
    ks_buf b = KS_BUF_INIT;
    ks_error e;
    CHECK_MSG(ks_pdf_table_render(&t, &b, &e) == KS_OK, "%s", e.msg_en);
    char path[1024];
    snprintf(path, sizeof path, "%s/table.pdf", dir);
    FILE *f = fopen(path, "wb");
    fwrite(b.data, 1, b.len, f);
    fclose(f);
    char *out = NULL;
    CHECK(ks_test_sh(&out, "qpdf --check '%s' 2>&1", path) == 0 &&
          strstr(out, "No syntax or stream encoding errors"));
    free(out);
    ks_pdf_doc *d = NULL;
    size_t n = 0;
    CHECK(ks_pdf_open_mem(b.data, b.len, "table.pdf", NULL, &d, &e) == KS_OK &&
          ks_pdf_page_count(d, &n, &e) == KS_OK && n >= 3);
    ks_pdf_rect media;
    ks_pdf_obj *pg = NULL;
    int rot = 0;
    CHECK(d && ks_pdf_page(d, 0, &pg, NULL, &e) == KS_OK &&
          ks_pdf_page_geometry(d, pg, &media, NULL, &rot, &e) == KS_OK && media.x1 > 841 &&
          media.x1 < 843 && media.y1 > 594 && media.y1 < 596);
    ks_pdf_close(d);
    ks_test_sh(&out, "pdftotext -layout '%s' - 2>/dev/null", path);
    CHECK_MSG(out && strstr(out, "SỔ ĐĂNG KÝ VĂN BẢN ĐI") && strstr(out, "Năm 2026") &&
                  strstr(out, "Tên loại và trích yếu nội dung") && strstr(out, "80/QĐ-UBND") &&
                  strstr(out, "(3)") && strstr(out, "Trang 1/") && strstr(out, "hai mươi sáu"),
              "%s", out ? out : "");
    free(out);
    /* the headings are repeated on the last page */
    char cmd[64];
    snprintf(cmd, sizeof cmd, "%zu", n);
    ks_test_sh(&out, "pdftotext -f %s -l %s '%s' - 2>/dev/null", cmd, cmd, path);
    CHECK(out && strstr(out, "Số, ký hiệu văn bản") && strstr(out, "Trang"));
    free(out);
    /* bad tables */
    ks_pdf_table z = {.ncols = 0};
    ks_buf zb = KS_BUF_INIT;
    CHECK(ks_pdf_table_render(&z, &zb, &e) == KS_E_USAGE && zb.len == 0);
    ks_buf_free(&b);
    free(cells);
    free(num);
    printf("%d passed, %d failed\n", ks_test_passed, ks_test_failed);
    return ks_test_failed ? 1 : 0;
}
