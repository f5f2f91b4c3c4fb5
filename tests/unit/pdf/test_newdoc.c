/* New documents and page extracts (pdf/newdoc.c): the extract of chosen pages of a real
 * LibreOffice document holds those pages only, in the order asked, passes qpdf --check, and its
 * text is the text of those pages; bad page lists are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"
#include "test.h"

static char *text_of(const char *path, int page)
{
    char *out = NULL;
    if (page)
        ks_test_sh(&out, "pdftotext -f %d -l %d '%s' - 2>/dev/null", page, page, path);
    else
        ks_test_sh(&out, "pdftotext '%s' - 2>/dev/null", path);
    return out ? out : strdup("");
}

static void write_file(const char *path, const ks_buf *b)
{
    FILE *f = fopen(path, "wb");
    fwrite(b->data, 1, b->len, f);
    fclose(f);
}

int main(void)
{
    const char *dir = ks_test_tmpdir("newdoc");
    char src[1024], three[1024], out[1024];
    ks_error e;
    /* a 3-page source: the sample decision three times over (qpdf joins them) */
    snprintf(three, sizeof three, "%s/three.pdf", dir);
    const char *sample = ks_test_sample();
    snprintf(src, sizeof src, "%s", sample);
    CHECK(ks_test_sh(NULL, "qpdf --empty --pages '%s' '%s' '%s' -- '%s'", src, src, src, three) ==
          0);
    /* page 2 of the joined file is told apart by a page label drawn on it */
    ks_pdf_doc *d = NULL;
    CHECK(ks_pdf_open(three, NULL, &d, &e) == KS_OK);
    size_t n = 0;
    CHECK(d && ks_pdf_page_count(d, &n, &e) == KS_OK && n == 3);

    size_t pick[2] = {2, 0};
    ks_buf b = KS_BUF_INIT;
    CHECK_MSG(ks_pdf_extract_pages(d, pick, 2, &b, &e) == KS_OK, "%s", e.msg_en);
    snprintf(out, sizeof out, "%s/extract.pdf", dir);
    write_file(out, &b);
    char *qc = NULL;
    int rc = ks_test_sh(&qc, "qpdf --check '%s' 2>&1", out);
    CHECK_MSG(rc == 0 && strstr(qc, "No syntax or stream encoding errors"), "%s", qc);
    free(qc);
    ks_pdf_doc *x = NULL;
    CHECK(ks_pdf_open_mem(b.data, b.len, "extract.pdf", NULL, &x, &e) == KS_OK);
    size_t xn = 0;
    CHECK(x && ks_pdf_page_count(x, &xn, &e) == KS_OK && xn == 2);
    char *t1 = text_of(out, 1), *ts = text_of(src, 1);
    CHECK_MSG(strstr(t1, "QUYẾT ĐỊNH") && strcmp(t1, ts) == 0, "page text differs:\n%s", t1);
    free(t1);
    free(ts);
    /* the source's signature fields and other pages are not carried */
    ks_pdf_sig_field *f = NULL;
    size_t nf = 0;
    CHECK(x && ks_pdf_sig_fields(x, &f, &nf, &e) == KS_OK && nf == 0);
    free(f);
    CHECK(b.len < 3 * 1024 * 1024);
    ks_pdf_close(x);

    /* a page out of range, a page twice, no page */
    ks_buf bad = KS_BUF_INIT;
    size_t oor[1] = {3}, twice[2] = {1, 1};
    CHECK(ks_pdf_extract_pages(d, oor, 1, &bad, &e) == KS_E_USAGE && strstr(e.msg_en, "no page 4"));
    CHECK(ks_pdf_extract_pages(d, twice, 2, &bad, &e) == KS_E_USAGE &&
          strstr(e.msg_en, "chosen twice"));
    CHECK(ks_pdf_extract_pages(d, oor, 0, &bad, &e) == KS_E_USAGE);
    CHECK(bad.len == 0);
    ks_buf_free(&bad);
    ks_buf_free(&b);
    ks_pdf_close(d);

    /* the empty seed alone is a well-formed document */
    ks_buf seed = KS_BUF_INIT;
    CHECK(ks_pdf_newdoc_seed(&seed, &e) == KS_OK);
    ks_pdf_doc *s = NULL;
    CHECK(ks_pdf_open_mem(seed.data, seed.len, "seed.pdf", NULL, &s, &e) == KS_OK);
    size_t sn = 9;
    CHECK(s && ks_pdf_page_count(s, &sn, &e) == KS_OK && sn == 0);
    ks_pdf_close(s);
    ks_buf_free(&seed);
    /* reals are written back as read (a page rewritten to add a widget must not move its
     * /MediaBox by 1e-9, or the verifier reports the page changed after every signature) */
    ks_arena *ar = ks_arena_new();
    double vals[] = {595.303937007874, 841.889763779528, 0.1, 12.5, -3.25e-7, 1e12 + 0.5};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        ks_buf rb = KS_BUF_INIT;
        CHECK(ks_pdf_serialize(&rb, ks_pdf_new_real(ar, vals[i]), &e) == KS_OK);
        ks_buf_putc(&rb, 0);
        double back = strtod((const char *)rb.data, NULL);
        CHECK_MSG(back == vals[i] || fabs(back - vals[i]) <= fabs(vals[i]) * 1e-15,
                  "%.17g written as %s", vals[i], (const char *)rb.data);
        CHECK(!strchr((const char *)rb.data, 'e'));
        ks_buf_free(&rb);
    }
    ks_buf rb = KS_BUF_INIT;
    ks_pdf_serialize(&rb, ks_pdf_new_real(ar, 0.5), &e);
    CHECK(rb.len == 3 && memcmp(rb.data, "0.5", 3) == 0);
    ks_buf_free(&rb);
    ks_arena_free(ar);
    printf("%d passed, %d failed\n", ks_test_passed, ks_test_failed);
    return ks_test_failed ? 1 : 0;
}
