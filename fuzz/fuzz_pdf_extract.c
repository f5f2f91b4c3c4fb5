/* fuzz/fuzz_pdf_extract.c — page extracts (pdf/newdoc.c, a TRÍCH SAO's pages) of untrusted
 * PDFs: open, extract the first pages in reverse order, and the result must open again with
 * exactly those pages. Must never crash, hang or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "kyso/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    ks_pdf_open_opts o = {.mem_budget = 64u << 20};
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (ks_pdf_open_mem(data, len, "fuzz.pdf", &o, &d, &e) != KS_OK)
        return 0;
    size_t n = 0, pages[3];
    if (ks_pdf_page_count(d, &n, &e) == KS_OK && n > 0) {
        size_t k = n < 3 ? n : 3;
        for (size_t i = 0; i < k; i++)
            pages[i] = k - 1 - i;
        ks_buf b = KS_BUF_INIT;
        if (ks_pdf_extract_pages(d, pages, k, &b, &e) == KS_OK) {
            ks_pdf_doc *x = NULL;
            size_t xn = 0;
            if (ks_pdf_open_mem(b.data, b.len, "extract.pdf", NULL, &x, &e) != KS_OK ||
                ks_pdf_page_count(x, &xn, &e) != KS_OK || xn != k)
                __builtin_trap();
            ks_pdf_close(x);
        }
        ks_buf_free(&b);
    }
    ks_pdf_close(d);
    return 0;
}
