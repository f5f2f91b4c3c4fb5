/* Hostile inputs made by hand: deep nesting, /Prev loops, huge /Length, self-referencing
 * /Length, object-stream loops, page-tree cycles, reference chains, absurd /Size and xref
 * counts, and every truncation of a valid file. Each must fail cleanly with the documented
 * status (KS_E_LIMIT / KS_E_FORMAT), never hang or read out of bounds (run under ASan). */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"
#include "mkpdf.h"
#include "test.h"

static ks_status get4(const char *body, ks_error *e)
{
    const char *objs[] = {MK_BASE, body};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 4, NULL, &len);
    ks_pdf_doc *d = NULL;
    ks_status st = ks_pdf_open_mem(pdf, len, "hostile.pdf", NULL, &d, e);
    if (!st) {
        ks_pdf_obj *o = NULL;
        st = ks_pdf_get(d, 4, 0, &o, e);
        if (!st && o->type == KS_PDF_STREAM) {
            uint8_t *data = NULL;
            size_t dl;
            st = ks_pdf_stream_decode(d, o, &data, &dl, e);
            free(data);
        }
    }
    ks_pdf_close(d);
    free(pdf);
    return st;
}

static void test_nesting(void)
{
    ks_buf b = KS_BUF_INIT;
    for (int i = 0; i < 200; i++)
        ks_buf_puts(&b, "[");
    for (int i = 0; i < 200; i++)
        ks_buf_puts(&b, "]");
    ks_error e;
    CHECK(get4((char *)b.data, &e) == KS_E_LIMIT && strstr(e.msg_en, "deeper"));
    b.len = 0;
    for (int i = 0; i < 200; i++)
        ks_buf_puts(&b, "<< /A ");
    for (int i = 0; i < 200; i++)
        ks_buf_puts(&b, ">> ");
    CHECK(get4((char *)b.data, &e) == KS_E_LIMIT);
    /* 60 levels are fine */
    b.len = 0;
    for (int i = 0; i < 60; i++)
        ks_buf_puts(&b, "[");
    for (int i = 0; i < 60; i++)
        ks_buf_puts(&b, "]");
    CHECK(get4((char *)b.data, &e) == KS_OK);
    ks_buf_free(&b);
}

static void test_streams(void)
{
    ks_error e;
    CHECK(get4("<< /Length 999999999999 >>\nstream\nabc\nendstream", &e) == KS_E_FORMAT &&
          strstr(e.msg_en, "/Length"));
    CHECK(get4("<< /Length -5 >>\nstream\nabc\nendstream", &e) == KS_E_FORMAT);
    CHECK(get4("<< /Length 4 0 R >>\nstream\nabc\nendstream", &e) != KS_OK);
    CHECK(get4("<< /Length 3 /Filter [/AHx /AHx /AHx /AHx /AHx /AHx /AHx /AHx /AHx] >>\n"
               "stream\nabc\nendstream",
               &e) == KS_E_LIMIT);
    CHECK(get4("<< /Length 3 /Filter /DCTDecode >>\nstream\nabc\nendstream", &e) == KS_E_FORMAT);
    CHECK(get4("<< /Length 3 /Filter /FlateDecode >>\nstream\nabc\nendstream", &e) == KS_E_FORMAT);
}

static void test_refs(void)
{
    /* 4 -> 5 -> 4: resolve gives up with KS_E_LIMIT and the null object */
    const char *objs[] = {MK_BASE, "5 0 R", "4 0 R"};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 5, NULL, &len);
    ks_pdf_doc *d = NULL;
    ks_error e = {0};
    CHECK(ks_pdf_open_mem(pdf, len, "chain.pdf", NULL, &d, &e) == KS_OK);
    if (d) {
        ks_pdf_obj r = {.type = KS_PDF_REF, .u.ref = {4, 0}};
        ks_pdf_obj *o = ks_pdf_resolve(d, &r, &e);
        CHECK(o && o->type == KS_PDF_NULL && e.status == KS_E_LIMIT);
    }
    ks_pdf_close(d);
    free(pdf);
}

static void test_page_cycle(void)
{
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 /MediaBox [0 0 9 9] >>",
                          "<< /Type /Page /Parent 2 0 R >>"};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    ks_pdf_doc *d = NULL;
    ks_error e;
    size_t n = 0;
    CHECK(ks_pdf_open_mem(pdf, len, "cycle.pdf", NULL, &d, &e) == KS_OK);
    CHECK(d && ks_pdf_page_count(d, &n, &e) == KS_E_FORMAT && strstr(e.msg_en, "twice"));
    ks_pdf_close(d);
    free(pdf);
}

/* Appends xref sections A and B whose /Prev point at each other (or A at itself). */
static void test_prev_loop(bool self)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    ks_buf b = KS_BUF_INIT;
    ks_buf_append(&b, pdf, len);
    size_t xa = b.len;
    size_t sec = strlen("xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev "
                        "0000000000 >>\n");
    size_t xb = xa + sec;
    const char *fmt = "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev "
                      "%010zu >>\n";
    ks_buf_printf(&b, fmt, self ? xa : xb);
    if (!self)
        ks_buf_printf(&b, fmt, xa);
    ks_buf_printf(&b, "startxref\n%zu\n%%%%EOF\n", xa);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(b.data, b.len, "loop.pdf", NULL, &d, &e) == KS_E_FORMAT &&
          strstr(e.msg_en, "loops"));
    ks_pdf_close(d);
    ks_buf_free(&b);
    free(pdf);
}

static void test_xref_counts(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    char *x = strstr((char *)pdf, "xref\n0 4");
    CHECK(x != NULL);
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (x) {
        memcpy(x, "xref\n0 9", 8); /* more entries than the section holds */
        CHECK(ks_pdf_open_mem(pdf, len, "count.pdf", NULL, &d, &e) == KS_E_FORMAT);
        memcpy(x, "xref\n0 4", 8);
    }
    free(pdf);
    /* /Size far above the limit */
    pdf = mk_pdf(objs, 3, NULL, &len);
    char *s = strstr((char *)pdf, "/Size 4 ");
    ks_buf b = KS_BUF_INIT;
    ks_buf_append(&b, pdf, (size_t)(s - (char *)pdf));
    ks_buf_puts(&b, "/Size 4000000000 ");
    ks_buf_append(&b, s + 8, len - (size_t)(s + 8 - (char *)pdf));
    CHECK(ks_pdf_open_mem(b.data, b.len, "size.pdf", NULL, &d, &e) == KS_E_LIMIT);
    ks_buf_free(&b);
    free(pdf);
}

/* A file whose only xref is a stream (/W [1 4 2]) listing object 5 as compressed in object
 * stream `stm`; object 4 is an object stream holding object 5 whose /Length is `len4`. */
static uint8_t *objstm_pdf(unsigned stm, const char *len4, size_t *out_len)
{
    ks_buf b = KS_BUF_INIT;
    size_t off[8] = {0};
    ks_buf_puts(&b, "%PDF-1.7\n");
    const char *body[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 9 9] >>",
                          "<< /Type /Page /Parent 2 0 R /X 5 0 R >>"};
    for (int i = 0; i < 3; i++) {
        off[i + 1] = b.len;
        ks_buf_printf(&b, "%d 0 obj\n%s\nendobj\n", i + 1, body[i]);
    }
    const char *stmdata = "5 0 (inside)";
    off[4] = b.len;
    ks_buf_printf(&b,
                  "4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %s >>\nstream\n%s\n"
                  "endstream\nendobj\n",
                  len4, stmdata);
    off[6] = b.len;
    uint8_t rows[7][7];
    for (int i = 0; i < 7; i++) {
        unsigned t = i == 0 ? 0 : i == 5 ? 2 : 1;
        unsigned f2 = i == 5 ? stm : (unsigned)off[i];
        unsigned f3 = i == 0 ? 65535 : 0;
        rows[i][0] = (uint8_t)t;
        for (int k = 0; k < 4; k++)
            rows[i][1 + k] = (uint8_t)(f2 >> (8 * (3 - k)));
        rows[i][5] = (uint8_t)(f3 >> 8);
        rows[i][6] = (uint8_t)f3;
    }
    ks_buf_printf(&b, "6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length 49 >>\n"
                      "stream\n");
    ks_buf_append(&b, rows, sizeof rows);
    ks_buf_printf(&b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", off[6]);
    return ks_buf_steal(&b, out_len);
}

static void test_objstm(void)
{
    size_t len;
    ks_error e;
    ks_pdf_doc *d = NULL;
    ks_pdf_obj *o = NULL;
    /* sanity: the well-formed variant works */
    uint8_t *pdf = objstm_pdf(4, "12", &len);
    CHECK(ks_pdf_open_mem(pdf, len, "objstm.pdf", NULL, &d, &e) == KS_OK);
    CHECK(d && ks_pdf_get(d, 5, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING &&
          strcmp((char *)o->u.str.data, "inside") == 0);
    ks_pdf_close(d);
    free(pdf);
    char path[512];
    snprintf(path, sizeof path, "%s/objstm.pdf", ks_test_tmpdir("pdf_limits"));
    pdf = objstm_pdf(4, "12", &len);
    write_file(path, pdf, len);
    free(pdf);
    CHECK(ks_test_sh(NULL, "qpdf --check '%s' >/dev/null 2>&1", path) == 0);
    /* object 5 said to live in object stream 5 (itself): rejected when the xref is read */
    pdf = objstm_pdf(5, "12", &len);
    CHECK(ks_pdf_open_mem(pdf, len, "loop1.pdf", NULL, &d, &e) == KS_E_FORMAT &&
          strstr(e.msg_en, "object 5"));
    free(pdf);
    /* the object stream's /Length lives inside the object stream */
    pdf = objstm_pdf(4, "5 0 R", &len);
    CHECK(ks_pdf_open_mem(pdf, len, "loop2.pdf", NULL, &d, &e) == KS_OK);
    CHECK(d && ks_pdf_get(d, 5, 0, &o, &e) != KS_OK);
    ks_pdf_close(d);
    free(pdf);
}

static void test_truncations(void)
{
    size_t len;
    uint8_t *pdf = objstm_pdf(4, "12", &len);
    size_t opened = 0;
    for (size_t n = 0; n < len; n++) {
        uint8_t *cut = malloc(n + 1); /* exact size, so ASan sees any overread */
        memcpy(cut, pdf, n);
        ks_pdf_doc *d = NULL;
        ks_error e;
        ks_pdf_open_opts o = {n % 2 ? KS_PDF_REPAIR : KS_PDF_STRICT, NULL, 0};
        if (ks_pdf_open_mem(cut, n, "cut.pdf", &o, &d, &e) == KS_OK) {
            size_t np;
            ks_pdf_page_count(d, &np, &e);
            ks_pdf_obj *x;
            for (uint32_t k = 1; k < 7; k++)
                ks_pdf_get(d, k, 0, &x, &e);
            opened++;
        }
        ks_pdf_close(d);
        free(cut);
    }
    /* only repair mode can open a file that lost its end */
    CHECK(opened > 0 && opened < len);
    free(pdf);
}

int main(void)
{
    test_nesting();
    test_streams();
    test_refs();
    test_page_cycle();
    test_prev_loop(true);
    test_prev_loop(false);
    test_xref_counts();
    test_objstm();
    test_truncations();
    return ks_test_done();
}
