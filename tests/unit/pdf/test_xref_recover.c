/* Strict-mode recovery of misplaced xref offsets on hand-made two-revision files: a startxref or
 * /Prev that misses its section by up to 64 bytes, a /Prev 0 behind an earlier revision's
 * "startxref N %%EOF"; each opens with a warning and correct revisions, while a miss of 65
 * bytes, two candidate sections, or no earlier %%EOF still fail. qpdf is the oracle for the
 * files it can read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../test.h"
#include "kyso/pdf.h"
#include "mkpdf.h"

typedef struct two_rev {
    ks_buf b;
    size_t base_len;  /* end of revision 0 (its %%EOF line) */
    size_t base_xref; /* revision 0's xref */
    size_t xref2;     /* revision 1's xref */
} two_rev;

/* Revision 0 = mk_pdf's one-page file; revision 1 adds object 4 with a table whose /Prev is
 * `prev` (printf'd as given) and a final "startxref <xref2 + shift>". */
static void mk_two(two_rev *t, const char *prev_fmt, long prev_shift, long sx_shift)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    memset(t, 0, sizeof *t);
    ks_buf_append(&t->b, pdf, len);
    free(pdf);
    t->base_len = len;
    const char *sx = strstr((const char *)t->b.data, "startxref\n");
    t->base_xref = (size_t)strtoul(sx + 10, NULL, 10);
    size_t o4 = t->b.len;
    ks_buf_puts(&t->b, "4 0 obj\n(added)\nendobj\n");
    t->xref2 = t->b.len;
    ks_buf_printf(&t->b, "xref\n0 1\n0000000000 65535 f\r\n4 1\n%010zu 00000 n\r\n", o4);
    ks_buf_puts(&t->b, "trailer\n<< /Size 5 /Root 1 0 R /Prev ");
    if (prev_fmt)
        ks_buf_puts(&t->b, prev_fmt);
    else
        ks_buf_printf(&t->b, "%ld", (long)t->base_xref + prev_shift);
    ks_buf_printf(&t->b, " >>\nstartxref\n%ld\n%%%%EOF\n", (long)t->xref2 + sx_shift);
}

static const char *first_warning(const ks_pdf_doc *d)
{
    return ks_pdf_warning_count(d) ? ks_pdf_warning(d, 0)->msg_en : "";
}

/* Opens t strictly; checks two revisions at the real offsets with the real %%EOF ends, page
 * count 1, object 4 and exactly one warning containing `want`. */
static void check_opens(two_rev *t, const char *want)
{
    ks_pdf_doc *d = NULL;
    ks_error e;
    ks_status st = ks_pdf_open_mem(t->b.data, t->b.len, "rec.pdf", NULL, &d, &e);
    CHECK_MSG(st == KS_OK, "%s", st ? e.msg_en : "");
    if (st)
        return;
    CHECK(ks_pdf_revision_count(d) == 2);
    const ks_pdf_revision *r0 = ks_pdf_revision_at(d, 0), *r1 = ks_pdf_revision_at(d, 1);
    CHECK(r0 && r0->startxref == t->base_xref && r0->eof_end == t->base_len);
    CHECK(r1 && r1->startxref == t->xref2 && r1->eof_end == t->b.len);
    CHECK(ks_pdf_warning_count(d) == 1);
    CHECK_MSG(strstr(first_warning(d), want) != NULL, "warning \"%s\"", first_warning(d));
    CHECK(ks_pdf_warning(d, 1) == NULL);
    size_t n = 0;
    CHECK(ks_pdf_page_count(d, &n, &e) == KS_OK && n == 1);
    ks_pdf_obj *o;
    CHECK(ks_pdf_get(d, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING);
    ks_pdf_doc *v = NULL;
    CHECK(ks_pdf_open_revision(d, 0, &v, &e) == KS_OK && v);
    CHECK(v && ks_pdf_get(v, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_NULL);
    CHECK(v && ks_pdf_warning_count(v) == 1);
    ks_pdf_close(v);
    ks_pdf_close(d);
}

static void check_fails(two_rev *t, const char *want)
{
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(t->b.data, t->b.len, "rec.pdf", NULL, &d, &e) == KS_E_FORMAT);
    CHECK_MSG(d == NULL && strstr(e.msg_en, want) != NULL, "error \"%s\"", e.msg_en);
    ks_pdf_close(d);
}

/* qpdf's page count of t (it recovers these files too, with warnings). */
static void check_qpdf(two_rev *t, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", ks_test_tmpdir("pdf_xref_recover"), name);
    CHECK(write_file(path, t->b.data, t->b.len) == 0);
    char *out = NULL;
    CHECK(ks_test_sh(&out, "qpdf --show-npages '%s' 2>/dev/null", path) >= 0);
    CHECK_MSG(out && atoi(out) == 1, "qpdf --show-npages %s: \"%s\"", name, out ? out : "");
    free(out);
}

static void test_intact(void)
{
    two_rev t;
    mk_two(&t, NULL, 0, 0);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(t.b.data, t.b.len, "ok.pdf", NULL, &d, &e) == KS_OK);
    CHECK(d && ks_pdf_warning_count(d) == 0 && ks_pdf_warning(d, 0) == NULL);
    ks_pdf_close(d);
    ks_buf_free(&t.b);
}

static void test_startxref_shift(void)
{
    long shifts[] = {19, -19, 64, -64, 1};
    for (size_t i = 0; i < sizeof shifts / sizeof *shifts; i++) {
        two_rev t;
        mk_two(&t, NULL, 0, shifts[i]);
        char want[128];
        snprintf(want, sizeof want,
                 "startxref %ld does not point at an xref section; using the "
                 "one at byte offset %zu",
                 (long)t.xref2 + shifts[i], t.xref2);
        check_opens(&t, want);
        if (shifts[i] == 19)
            check_qpdf(&t, "sx19.pdf");
        ks_buf_free(&t.b);
    }
    /* 65 bytes off: outside the window, nothing to use */
    two_rev t;
    mk_two(&t, NULL, 0, 65);
    check_fails(&t, "byte offset");
    ks_buf_free(&t.b);
    mk_two(&t, NULL, 0, -65);
    check_fails(&t, "byte offset");
    ks_buf_free(&t.b);
}

static void test_prev_shift(void)
{
    two_rev t;
    mk_two(&t, NULL, 19, 0);
    char want[160];
    snprintf(want, sizeof want,
             "/Prev %zu of the xref section at byte offset %zu does not point "
             "at an xref section; using the one at byte offset %zu",
             t.base_xref + 19, t.xref2, t.base_xref);
    check_opens(&t, want);
    check_qpdf(&t, "prev19.pdf");
    ks_buf_free(&t.b);
}

static void test_prev_zero(void)
{
    const char *bad[] = {"0", "-7", "999999999", "/Foo"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        two_rev t;
        mk_two(&t, bad[i], 0, 0);
        char want[200];
        snprintf(want, sizeof want,
                 "/Prev of the xref section at byte offset %zu is not a valid "
                 "offset; following the revision that ends with \"%%%%EOF\" at byte offset %zu "
                 "(xref section at byte offset %zu)",
                 t.xref2, t.base_len - 6, t.base_xref);
        check_opens(&t, want);
        ks_buf_free(&t.b);
    }
    /* /Prev 0 and the earlier revision's startxref wrong too: its table is the one whose
     * trailer ends at that "startxref" */
    {
        two_rev t;
        mk_two(&t, "0", 0, 0);
        char *sx = strstr((char *)t.b.data, "startxref\n");
        memset(sx + 10, '0', strcspn(sx + 10, "\n") - 1);
        ks_pdf_doc *d = NULL;
        ks_error e;
        CHECK(ks_pdf_open_mem(t.b.data, t.b.len, "tab.pdf", NULL, &d, &e) == KS_OK && d);
        CHECK(d && ks_pdf_warning_count(d) == 2 &&
              strstr(ks_pdf_warning(d, 0)->msg_en, "does not point at its xref section") &&
              ks_pdf_revision_count(d) == 2 && ks_pdf_revision_at(d, 0)->startxref == t.base_xref &&
              ks_pdf_revision_at(d, 0)->eof_end == t.base_len);
        ks_pdf_close(d);
        ks_buf_free(&t.b);
    }
    /* /Prev 0 with no "%%EOF" before the section: still a strict failure */
    two_rev t;
    mk_two(&t, "0", 0, 0);
    memcpy(t.b.data + t.base_len - 6, "%%EOX", 5);
    check_fails(&t, "/Prev of the xref section at byte offset");
    ks_buf_free(&t.b);
    /* ... or an earlier "startxref" that is not followed by a number */
    mk_two(&t, "0", 0, 0);
    char *sx = strstr((char *)t.b.data, "startxref\n");
    memset(sx + 10, 'x', 1);
    check_fails(&t, "/Prev of the xref section at byte offset");
    ks_buf_free(&t.b);
}

/* Two sections within 128 bytes and a startxref between them: ambiguous, refused. */
static void test_ambiguous(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    ks_buf b = KS_BUF_INIT;
    ks_buf_append(&b, pdf, len);
    free(pdf);
    const char *sx = strstr((const char *)b.data, "startxref\n");
    size_t x0 = (size_t)strtoul(sx + 10, NULL, 10);
    size_t a = b.len;
    ks_buf_printf(&b, "xref\n0 0\ntrailer\n<< /Size 4 /Root 1 0 R /Prev %zu >>\n", x0);
    size_t bx = b.len;
    ks_buf_printf(&b, "xref\n0 0\ntrailer\n<< /Size 4 /Root 1 0 R /Prev %zu >>\n", a);
    CHECK(bx - a <= 128);
    size_t tail = b.len;
    ks_buf_printf(&b, "startxref\n%zu\n%%%%EOF\n", (a + bx) / 2);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(b.data, b.len, "amb.pdf", NULL, &d, &e) == KS_E_FORMAT && !d);
    ks_pdf_close(d);
    /* the same file with a right startxref opens without warnings */
    b.len = tail;
    ks_buf_printf(&b, "startxref\n%zu\n%%%%EOF\n", bx);
    CHECK(ks_pdf_open_mem(b.data, b.len, "amb.pdf", NULL, &d, &e) == KS_OK && d &&
          ks_pdf_warning_count(d) == 0);
    ks_pdf_close(d);
    ks_buf_free(&b);
}

/* Revision 1 adds objects 4 and 5 but its table points both `shift` bytes off (an update
 * written with offsets from another base, as in the DSS test suite's five-signature file). With
 * `dup`, revision 1 also holds a second "4 0 obj", which makes object 4 ambiguous. */
static void mk_shifted(ks_buf *b, long shift, bool dup)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    ks_buf_append(b, pdf, len);
    free(pdf);
    const char *sx = strstr((const char *)b->data, "startxref\n");
    size_t x0 = (size_t)strtoul(sx + 10, NULL, 10);
    ks_buf_puts(b, "% padding so that wrong offsets land inside this revision\n");
    size_t o4 = b->len;
    ks_buf_puts(b, "4 0 obj\n(added)\nendobj\n");
    size_t o5 = b->len;
    ks_buf_puts(b, "5 0 obj\n[4 0 R]\nendobj\n");
    if (dup)
        ks_buf_puts(b, "4 0 obj\n(other)\nendobj\n");
    size_t x1 = b->len;
    ks_buf_printf(b, "xref\n0 1\n0000000000 65535 f\r\n4 2\n%010ld 00000 n\r\n%010ld 00000 n\r\n",
                  (long)o4 + shift, (long)o5 + shift);
    ks_buf_printf(b, "trailer\n<< /Size 6 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x0,
                  x1);
}

static void test_relocate(void)
{
    ks_buf b = KS_BUF_INIT;
    mk_shifted(&b, -9, false);
    ks_pdf_doc *d = NULL, *v = NULL;
    ks_error e;
    ks_pdf_obj *o = NULL;
    CHECK(ks_pdf_open_mem(b.data, b.len, "shift.pdf", NULL, &d, &e) == KS_OK && d);
    if (!d)
        return;
    CHECK(ks_pdf_warning_count(d) == 0); /* nothing is read before it is needed */
    /* Through a view of revision 1 (as the verifier reads it): the warning goes to the base. */
    CHECK(ks_pdf_open_revision(d, 1, &v, &e) == KS_OK && v);
    CHECK(v && ks_pdf_get(v, 5, 0, &o, &e) == KS_OK && o->type == KS_PDF_ARRAY);
    CHECK(v && ks_pdf_get(v, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING &&
          o->u.str.len == 5 && memcmp(o->u.str.data, "added", 5) == 0);
    ks_pdf_close(v);
    CHECK(ks_pdf_get(d, 4, 0, &o, &e) == KS_OK && o->type == KS_PDF_STRING);
    CHECK(ks_pdf_warning_count(d) == 1);
    CHECK_MSG(strstr(first_warning(d), "revision 2 points objects to wrong offsets") != NULL,
              "warning \"%s\"", first_warning(d));
    ks_pdf_close(d);
    ks_buf_free(&b);

    /* Two "4 0 obj" in the revision: no guess, the precise error. Object 5 is still found. */
    mk_shifted(&b, -9, true);
    CHECK(ks_pdf_open_mem(b.data, b.len, "dup.pdf", NULL, &d, &e) == KS_OK && d);
    if (d) {
        CHECK(ks_pdf_get(d, 4, 0, &o, &e) == KS_E_FORMAT);
        CHECK_MSG(strstr(e.msg_en, "object 4 0") != NULL, "%s", e.msg_en);
        CHECK(ks_pdf_get(d, 5, 0, &o, &e) == KS_OK && o->type == KS_PDF_ARRAY);
        ks_pdf_close(d);
    }
    ks_buf_free(&b);
}

int main(void)
{
    test_relocate();
    test_intact();
    test_startxref_shift();
    test_prev_shift();
    test_prev_zero();
    test_ambiguous();
    return ks_test_done();
}
