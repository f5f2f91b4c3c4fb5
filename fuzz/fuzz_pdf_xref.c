/* fuzz/fuzz_pdf_xref.c — cross-reference and object-stream reading: the input is placed after a
 * fixed header as the body of an xref stream (and separately as an object stream's data), so
 * that mutations reach /W, /Index, entry decoding and object-stream headers directly. Then every
 * object of the map is loaded and an empty incremental update is written. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"

static void exercise(const uint8_t *pdf, size_t len)
{
    for (int mode = 0; mode < 2; mode++) {
        ks_pdf_open_opts o = {mode ? KS_PDF_REPAIR : KS_PDF_STRICT, NULL, 0};
        ks_pdf_doc *d = NULL;
        ks_error e;
        if (ks_pdf_open_mem(pdf, len, "fuzz.pdf", &o, &d, &e) != KS_OK)
            continue;
        uint32_t n = ks_pdf_xref_size(d);
        for (uint32_t i = 1; i < n && i < 500; i++) {
            ks_pdf_obj *x;
            ks_pdf_get(d, i, 0, &x, &e);
            ks_pdf_object_revision(d, i);
        }
        ks_pdf_update *u = NULL;
        ks_pdf_obj *root = ks_pdf_dict_get(ks_pdf_trailer(d), "Root");
        ks_pdf_obj *cat = ks_pdf_catalog(d);
        if (cat && root && root->type == KS_PDF_REF && ks_pdf_update_new(d, &u, &e) == KS_OK) {
            ks_buf out = KS_BUF_INIT;
            if (ks_pdf_update_put(u, root->u.ref.num, root->u.ref.gen, cat, &e) == KS_OK)
                ks_pdf_update_finish(u, &out, &e);
            ks_buf_free(&out);
            ks_pdf_update_free(u);
        }
        ks_pdf_close(d);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    /* 1: the input is the raw (unfiltered) data of an xref stream with /W [1 2 1] */
    ks_buf b = KS_BUF_INIT;
    ks_buf_puts(&b, "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                    "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
                    "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>\nendobj\n"
                    "4 0 obj\n<< /Type /ObjStm /N 2 /First 8 /Length 20 >>\nstream\n"
                    "5 0 6 2 1 (x) [5 0 R]\nendstream\nendobj\n");
    size_t xoff = b.len;
    ks_buf_printf(&b,
                  "7 0 obj\n<< /Type /XRef /Size 8 /W [1 2 1] /Root 1 0 R /Length %zu >>\n"
                  "stream\n",
                  size);
    ks_buf_append(&b, data, size);
    ks_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xoff);
    exercise(b.data, b.len);
    /* 2: the input is the data of object stream 4, whose objects 5..7 an xref stream lists */
    b.len = 0;
    size_t off[9] = {0};
    ks_buf_puts(&b, "%PDF-1.7\n");
    off[1] = b.len;
    ks_buf_puts(&b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X [5 0 R 6 0 R 7 0 R] >>\nendobj\n");
    off[2] = b.len;
    ks_buf_puts(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    off[3] = b.len;
    ks_buf_puts(&b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] >>\nendobj\n");
    off[4] = b.len;
    ks_buf_printf(&b, "4 0 obj\n<< /Type /ObjStm /N 3 /First 12 /Length %zu >>\nstream\n", size);
    ks_buf_append(&b, data, size);
    ks_buf_puts(&b, "\nendstream\nendobj\n");
    off[8] = b.len;
    uint8_t rows[9][7];
    for (int i = 0; i < 9; i++) {
        bool c = i >= 5 && i <= 7;
        uint32_t f2 = c ? 4 : (uint32_t)off[i];
        uint32_t f3 = c ? (uint32_t)(i - 5) : i == 0 ? 65535 : 0;
        rows[i][0] = (uint8_t)(i == 0 ? 0 : c ? 2 : 1);
        for (int k = 0; k < 4; k++)
            rows[i][1 + k] = (uint8_t)(f2 >> (8 * (3 - k)));
        rows[i][5] = (uint8_t)(f3 >> 8);
        rows[i][6] = (uint8_t)f3;
    }
    ks_buf_printf(&b,
                  "8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %zu >>\n"
                  "stream\n",
                  sizeof rows);
    ks_buf_append(&b, rows, sizeof rows);
    ks_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", off[8]);
    exercise(b.data, b.len);
    ks_buf_free(&b);
    return 0;
}
