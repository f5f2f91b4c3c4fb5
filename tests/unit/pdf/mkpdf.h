/* tests/unit/pdf/mkpdf.h — builds small PDFs with correct xref tables for the PDF tests. */
#ifndef KYSO_TEST_MKPDF_H
#define KYSO_TEST_MKPDF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"

/* Object i+1 has body objs[i] (NULL: a free entry). The trailer is
 * "<< /Size n+1 /Root 1 0 R <extra> >>". Returns a malloc'd file. */
static inline uint8_t *mk_pdf(const char *const *objs, size_t n, const char *extra, size_t *len)
{
    ks_buf b = KS_BUF_INIT;
    size_t *off = calloc(n + 1, sizeof *off);
    ks_buf_puts(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    for (size_t i = 0; i < n; i++) {
        if (!objs[i])
            continue;
        off[i] = b.len;
        ks_buf_printf(&b, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t xref = b.len;
    ks_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f\r\n", n + 1);
    for (size_t i = 0; i < n; i++)
        if (objs[i])
            ks_buf_printf(&b, "%010zu 00000 n\r\n", off[i]);
        else
            ks_buf_printf(&b, "0000000000 00001 f\r\n");
    ks_buf_printf(&b, "trailer\n<< /Size %zu /Root 1 0 R %s >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                  extra ? extra : "", xref);
    free(off);
    return ks_buf_steal(&b, len);
}

/* Like mk_pdf, but object bodies may hold NUL bytes: `lens[i]` is the length of objs[i]. */
static inline uint8_t *mk_pdf_bin(const char *const *objs, const size_t *lens, size_t n,
                                  size_t *len)
{
    ks_buf b = KS_BUF_INIT;
    size_t *off = calloc(n + 1, sizeof *off);
    ks_buf_puts(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    for (size_t i = 0; i < n; i++) {
        off[i] = b.len;
        ks_buf_printf(&b, "%zu 0 obj\n", i + 1);
        ks_buf_append(&b, objs[i], lens[i]);
        ks_buf_puts(&b, "\nendobj\n");
    }
    size_t xref = b.len;
    ks_buf_printf(&b, "xref\n0 %zu\n0000000000 65535 f\r\n", n + 1);
    for (size_t i = 0; i < n; i++)
        ks_buf_printf(&b, "%010zu 00000 n\r\n", off[i]);
    ks_buf_printf(&b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
                  xref);
    free(off);
    return ks_buf_steal(&b, len);
}

/* The three objects of a one-page document (catalog, pages, page); callers append more. */
#define MK_BASE                                                                                    \
    "<< /Type /Catalog /Pages 2 0 R >>",                                                           \
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",                       \
        "<< /Type /Page /Parent 2 0 R >>"

static inline int write_file(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(d, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

#endif
