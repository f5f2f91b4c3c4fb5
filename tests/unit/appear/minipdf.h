/* tests/unit/appear/minipdf.h — a tiny stand-alone PDF writer for the appearance tests, so that
 * fonts and images can be checked by real readers (pdftotext, pdffonts, pdftoppm, qpdf)
 * independently of kyso's own writer. Objects are numbered from 1 in the order begun. */
#ifndef KYSO_TEST_MINIPDF_H
#define KYSO_TEST_MINIPDF_H

#include <stdio.h>
#include <string.h>

#include "kyso/pdf.h"
#include "kyso/util.h"

typedef struct minipdf {
    ks_buf b;
    size_t off[256];
    int n;
} minipdf;

static inline void mp_init(minipdf *m)
{
    memset(m, 0, sizeof *m);
    ks_buf_puts(&m->b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
}

/* Reserves the next object number (written later with mp_obj). */
static inline int mp_alloc(minipdf *m)
{
    return ++m->n;
}

static inline void mp_obj(minipdf *m, int num, const char *body)
{
    m->off[num] = m->b.len;
    ks_buf_printf(&m->b, "%d 0 obj\n%s\nendobj\n", num, body);
}

static inline void mp_stream(minipdf *m, int num, const char *dict_extra, const uint8_t *data,
                             size_t len)
{
    m->off[num] = m->b.len;
    ks_buf_printf(&m->b, "%d 0 obj\n<< /Length %zu %s >>\nstream\n", num, len, dict_extra);
    ks_buf_append(&m->b, data, len);
    ks_buf_puts(&m->b, "\nendstream\nendobj\n");
}

/* Serialises arrays of integers/arrays (enough for /W). */
static inline void mp_obj_text(ks_buf *b, const ks_pdf_obj *o)
{
    if (o->type == KS_PDF_INT) {
        ks_buf_printf(b, "%lld ", (long long)o->u.i);
    } else if (o->type == KS_PDF_ARRAY) {
        ks_buf_putc(b, '[');
        for (size_t i = 0; i < o->u.arr.len; i++)
            mp_obj_text(b, o->u.arr.items[i]);
        ks_buf_puts(b, "] ");
    }
}

static inline int mp_finish(minipdf *m, int root, const char *path)
{
    size_t xref = m->b.len;
    ks_buf_printf(&m->b, "xref\n0 %d\n0000000000 65535 f \n", m->n + 1);
    for (int i = 1; i <= m->n; i++)
        ks_buf_printf(&m->b, "%010zu 00000 n \n", m->off[i]);
    ks_buf_printf(&m->b, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                  m->n + 1, root, xref);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(m->b.data, 1, m->b.len, f);
    fclose(f);
    ks_buf_free(&m->b);
    return w == 0 ? -1 : 0;
}

#endif
