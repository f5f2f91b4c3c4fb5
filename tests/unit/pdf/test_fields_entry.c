/* The one field-tree walker (ks_pdf_field_walk): fully qualified names, widgets, inherited
 * /FT and /V, and a /Kids loop that is a warning, not an error. The xref entry probe
 * (ks_pdf_entry) and the recovery limit (ks_pdf_limit_recovery): after the limit, an entry of a
 * later revision that points at another object's header, or into the earlier revisions, is no
 * longer relocated, while a plain slip after the limit still is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../test.h"
#include "kyso/pdf.h"
#include "mkpdf.h"

typedef struct seen {
    char names[16][64];
    bool widget[16], sig[16], has_v[16];
    size_t n;
} seen;

static ks_status note(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    (void)err;
    seen *s = ctx;
    if (s->n < 16) {
        snprintf(s->names[s->n], sizeof s->names[0], "%s", n->name);
        s->widget[s->n] = n->widget;
        s->sig[s->n] = n->is_sig;
        s->has_v[s->n] = n->value != NULL;
        s->n++;
    }
    return KS_OK;
}

static void test_walk(bool loop)
{
    const char *objs[] = {
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 7 0 R] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R >>",
        "<< /FT /Tx /T (person) /Kids [5 0 R] >>",
        "<< /T (name) /Parent 4 0 R /Kids [6 0 R] >>",
        loop ? "<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [0 0 10 10] /Kids [4 0 R] >>"
             : "<< /Type /Annot /Subtype /Widget /Parent 5 0 R /Rect [0 0 10 10] >>",
        "<< /FT /Sig /T (Sig1) /V 8 0 R /Kids [9 0 R] >>",
        "<< /Type /Sig >>",
        "<< /Type /Annot /Subtype /Widget /Parent 7 0 R /Rect [0 0 0 0] >>",
    };
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 9, NULL, &len);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(pdf, len, "fields.pdf", NULL, &d, &e) == KS_OK);
    seen s;
    memset(&s, 0, sizeof s);
    CHECK(d && ks_pdf_field_walk(d, note, &s, &e) == KS_OK);
    CHECK(s.n == 5);
    CHECK_STR(s.names[0], "person");
    CHECK_STR(s.names[1], "person.name");
    CHECK_STR(s.names[2], "person.name"); /* the widget carries its field's name */
    CHECK(s.widget[2] && !s.widget[1] && !s.sig[2]);
    CHECK_STR(s.names[4], "Sig1");
    CHECK(s.widget[4] && s.sig[4] && s.has_v[4]); /* /FT and /V inherited by the widget */
    CHECK(ks_pdf_warning_count(d) == (loop ? 1u : 0u));
    if (loop && ks_pdf_warning_count(d))
        CHECK(strstr(ks_pdf_warning(d, 0)->msg_en, "object 4 a second time") != NULL);
    ks_pdf_sig_field *sf = NULL;
    size_t nsf = 0;
    CHECK(d && ks_pdf_sig_fields(d, &sf, &nsf, &e) == KS_OK && nsf == 1);
    free(sf);
    ks_pdf_close(d);
    free(pdf);
}

/* Revision 0 (signed): the one-page file plus object 4 "(four)" and 5 "(five)"; revision 1
 * gives object 4 a table entry at `off4`, optionally defining "4 0 obj" again at its end. */
static void mk_update(ks_buf *b, size_t *rev0_end, long off4, bool define)
{
    const char *objs[] = {MK_BASE, "(four)", "(five)"};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 5, NULL, &len);
    ks_buf_append(b, pdf, len);
    free(pdf);
    *rev0_end = len;
    const char *sx = strstr((const char *)b->data, "startxref\n");
    size_t x0 = (size_t)strtoul(sx + 10, NULL, 10);
    size_t o4 = b->len;
    if (define)
        ks_buf_puts(b, "4 0 obj\n(four, again)\nendobj\n");
    size_t x1 = b->len;
    ks_buf_printf(b, "xref\n0 1\n0000000000 65535 f\r\n4 1\n%010ld 00000 n\r\n",
                  off4 >= 0 ? off4 : (long)o4 - off4);
    ks_buf_printf(b, "trailer\n<< /Size 6 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x0,
                  x1);
}

static size_t header_of(const ks_buf *b, const char *h)
{
    const char *p = strstr((const char *)b->data, h);
    return p ? (size_t)(p - (const char *)b->data) : 0;
}

static void test_entry(void)
{
    /* entry 4 -> "5 0 obj": another object's header, inside revision 0 */
    ks_buf b = KS_BUF_INIT;
    size_t end0;
    mk_update(&b, &end0, 0, false);
    size_t h5 = header_of(&b, "5 0 obj");
    char *x = strstr((char *)b.data + end0, "4 1\n") + 4;
    char num[11];
    snprintf(num, sizeof num, "%010zu", h5);
    memcpy(x, num, 10);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(b.data, b.len, "hide.pdf", NULL, &d, &e) == KS_OK);
    ks_pdf_limit_recovery(d, 0);
    ks_pdf_entry_info in;
    ks_pdf_entry(d, 4, &in);
    CHECK(in.kind == 1 && in.revision == 1 && in.offset == h5 && !in.header_ok);
    CHECK(in.other_header && in.other_num == 5 && in.other_gen == 0);
    ks_pdf_obj *o = NULL;
    CHECK(ks_pdf_get(d, 4, 0, &o, &e) != KS_OK);
    ks_pdf_close(d);
    ks_buf_free(&b);

    /* a plain slip after the limit (4 bytes short of the only header after revision 0) is
     * still found, and the probe says so */
    mk_update(&b, &end0, -4, true);
    size_t h4 = (size_t)(strstr((char *)b.data + end0, "4 0 obj") - (char *)b.data);
    /* -4 above means o4 + 4: four bytes past the header */
    CHECK(ks_pdf_open_mem(b.data, b.len, "slip.pdf", NULL, &d, &e) == KS_OK);
    ks_pdf_limit_recovery(d, 0);
    CHECK(ks_pdf_get(d, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING);
    ks_pdf_entry(d, 4, &in);
    CHECK(in.relocated && in.found_offset == h4 && in.offset == h4 + 4 && !in.other_header);
    ks_pdf_close(d);
    ks_buf_free(&b);

    /* an entry into the signed bytes (offset 20, no header there) with "4 0 obj" written in
     * revision 1: recovered without a limit, refused after it (views follow the limit) */
    mk_update(&b, &end0, 20, true);
    CHECK(ks_pdf_open_mem(b.data, b.len, "into.pdf", NULL, &d, &e) == KS_OK);
    ks_pdf_doc *v = NULL;
    CHECK(ks_pdf_open_revision(d, 1, &v, &e) == KS_OK);
    CHECK(v && ks_pdf_get(v, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING);
    ks_pdf_close(v);
    ks_pdf_limit_recovery(d, 0);
    CHECK(ks_pdf_open_revision(d, 1, &v, &e) == KS_OK);
    CHECK(v && ks_pdf_get(v, 4, 0, &o, &e) != KS_OK);
    if (v) {
        ks_pdf_entry(v, 4, &in);
        CHECK(in.offset == 20 && !in.header_ok && !in.other_header && !in.relocated);
    }
    ks_pdf_close(v);
    ks_pdf_close(d);
    ks_buf_free(&b);
}

int main(void)
{
    test_walk(false);
    test_walk(true);
    test_entry();
    return ks_test_done();
}
