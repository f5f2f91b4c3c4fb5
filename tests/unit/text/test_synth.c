/* Text extraction on small PDFs written by this test: the text state operators (Tc Tw Tz TL
 * Ts TJ ' " T* TD), cm and Form XObjects with /Matrix, Type0/Identity-H fonts with /W and
 * ToUnicode, built-in Type 1 encodings; pdftotext is the oracle for text and boxes. Hostile
 * pages (a form that draws itself, q nesting beyond the stack, endless operands) must end. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "test.h"
#include "text_oracle.h"

/* ---- a minimal PDF writer: objects 1..n, classic xref ---- */
typedef struct pdfw {
    ks_buf b;
    size_t off[64];
    int n;
} pdfw;

static void obj(pdfw *w, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *body = malloc((size_t)n + 1);
    if (body)
        vsnprintf(body, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    w->off[++w->n] = w->b.len;
    char head[32];
    snprintf(head, sizeof head, "%d 0 obj\n", w->n);
    ks_buf_puts(&w->b, head);
    ks_buf_puts(&w->b, body ? body : "");
    ks_buf_puts(&w->b, "\nendobj\n");
    free(body);
}

static void stream_obj(pdfw *w, const char *dict, const char *data)
{
    obj(w, "<< %s /Length %zu >>\nstream\n%s\nendstream", dict, strlen(data), data);
}

/* Writes the trailer (catalog = object 1) into `path`. */
static void finish(pdfw *w, const char *path)
{
    size_t xref = w->b.len;
    char line[64];
    snprintf(line, sizeof line, "xref\n0 %d\n0000000000 65535 f \n", w->n + 1);
    ks_buf_puts(&w->b, line);
    for (int i = 1; i <= w->n; i++) {
        snprintf(line, sizeof line, "%010zu 00000 n \n", w->off[i]);
        ks_buf_puts(&w->b, line);
    }
    snprintf(line, sizeof line, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
             w->n + 1, xref);
    ks_buf_puts(&w->b, line);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(w->b.data, 1, w->b.len, f);
        fclose(f);
    }
    ks_buf_free(&w->b);
}

static void start(pdfw *w)
{
    memset(w, 0, sizeof *w);
    ks_buf_puts(&w->b, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
}

/* Widths 500 for every code 32..126 except a few, so that boxes do not depend on metrics. */
static void simple_font(pdfw *w, int desc_obj)
{
    char widths[2048] = "";
    for (int c = 32; c < 127; c++) {
        size_t l = strlen(widths);
        snprintf(widths + l, sizeof widths - l, "%d ", c == 32 ? 250 : c == 'i' ? 278 : 500);
    }
    obj(w,
        "<< /Type /Font /Subtype /TrueType /BaseFont /TestSans /FirstChar 32 /LastChar 126 "
        "/Widths [%s] /Encoding /WinAnsiEncoding /FontDescriptor %d 0 R >>",
        widths, desc_obj);
}

static void descriptor(pdfw *w, const char *name, int flags)
{
    obj(w,
        "<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [0 -200 1000 900] "
        "/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
        name, flags);
}

/* Compares every pdftotext line of page 1 with ours (same text, box within 1 pt). */
static void compare(const char *path, const char *what, size_t min_lines)
{
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    ks_error err = {0};
    oracle_page ref = {0};
    CHECK_MSG(ks_pdf_open(path, NULL, &doc, &err) == KS_OK, "%s: %s", what, err.msg_en);
    CHECK_MSG(doc && ks_pdf_text_extract(doc, 0, &p, &err) == KS_OK, "%s: %s", what, err.msg_en);
    CHECK_MSG(oracle_pdftotext(path, 1, &ref) == 0, "%s: pdftotext failed", what);
    CHECK_MSG(ref.count >= min_lines, "%s: pdftotext found %zu lines", what, ref.count);
    for (size_t i = 0; p && i < ref.count; i++) {
        const ks_pdf_text_line *l = NULL;
        for (size_t k = 0; k < p->count && !l; k++)
            if (strcmp(p->lines[k].text, ref.lines[i].text) == 0)
                l = &p->lines[k];
        CHECK_MSG(l != NULL, "%s: no line \"%s\"", what, ref.lines[i].text);
        if (l)
            CHECK_MSG(oracle_box_diff(&l->box, &ref.lines[i].box) <= 1.0,
                      "%s: \"%s\": %.2f %.2f %.2f %.2f, pdftotext %.2f %.2f %.2f %.2f", what,
                      l->text, l->box.x0, l->box.y0, l->box.x1, l->box.y1, ref.lines[i].box.x0,
                      ref.lines[i].box.y0, ref.lines[i].box.x1, ref.lines[i].box.y1);
    }
    CHECK_MSG(p && p->count == ref.count, "%s: %zu lines, pdftotext %zu", what, p ? p->count : 0,
              ref.count);
    oracle_free(&ref);
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

static void test_text_state(const char *dir)
{
    pdfw w;
    start(&w);
    obj(&w, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&w, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> >>");
    stream_obj(&w, "",
               "q 1 0 0 1 20 30 cm\n"
               "BT /F1 12 Tf 50 760 Td (Plain words here) Tj ET\n"
               "BT /F1 12 Tf 50 730 Td 2 Tc (Spaced out) Tj 0 Tc ET\n"
               "BT /F1 12 Tf 50 700 Td 6 Tw (Wide word gaps) Tj 0 Tw ET\n"
               "BT /F1 12 Tf 50 670 Td 150 Tz (Scaled wider) Tj 100 Tz ET\n"
               "BT /F1 12 Tf 50 640 Td [(Ke)30(rn)-250(ed)] TJ ET\n"
               "BT /F1 10 Tf 14 TL 50 600 Td (First) Tj T* (Second) Tj (Third) ' "
               "3 1 (Fourth) \" 0 -20 TD (Fifth) Tj T* (Sixth) Tj ET\n"
               "BT /F1 12 Tf 300 760 Td (Base) Tj 5 Ts (up) Tj 0 Ts ET\n"
               "Q q 2 0 0 2 50 200 cm BT /F1 9 Tf 0 0 Td (Doubled) Tj ET Q\n"
               "q 1 0 0 1 300 300 cm /X1 Do Q\n");
    simple_font(&w, 6);
    descriptor(&w, "TestSans", 32);
    stream_obj(&w,
               "/Type /XObject /Subtype /Form /BBox [0 0 300 300] /Matrix [1 0 0 1 10 20] "
               "/Resources << /Font << /F1 5 0 R >> >>",
               "BT /F1 11 Tf 0 0 Td (In a form) Tj ET");
    char path[4200];
    snprintf(path, sizeof path, "%s/state.pdf", dir);
    finish(&w, path);
    compare(path, "text state", 12);
}

static void test_type0(const char *dir)
{
    /* Identity-H: CIDs 1..4 are V, i, e, t; 5 is U+1EC7 (ệ); 6 is a space */
    static const char tounicode[] =
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CMapName /T-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        "6 beginbfchar <0001> <0056> <0002> <0069> <0003> <0065> <0004> <0074> <0005> <1EC7> "
        "<0006> <0020> endbfchar\nendcmap end end";
    pdfw w;
    start(&w);
    obj(&w, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&w, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>");
    stream_obj(&w, "",
               "BT /F1 20 Tf 40 200 Td <000100020005000400060001000200050004> Tj ET\n"
               "BT /F1 14 Tf 0 1 -1 0 300 60 Tm <0001000200030004> Tj ET\n");
    obj(&w, "<< /Type /Font /Subtype /Type0 /BaseFont /TestCID /Encoding /Identity-H "
            "/DescendantFonts [6 0 R] /ToUnicode 8 0 R >>");
    obj(&w, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCID-Bold "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            "/FontDescriptor 7 0 R /DW 600 /W [1 [700 280] 4 5 320 6 [250]] >>");
    descriptor(&w, "TestCID-Bold", 32);
    stream_obj(&w, "", tounicode);
    char path[4200];
    snprintf(path, sizeof path, "%s/type0.pdf", dir);
    finish(&w, path);
    compare(path, "Type0", 2);

    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    CHECK(ks_pdf_open(path, NULL, &doc, NULL) == KS_OK);
    CHECK(doc && ks_pdf_text_extract(doc, 0, &p, NULL) == KS_OK);
    bool found = false;
    for (size_t i = 0; p && i < p->count; i++)
        if (strcmp(p->lines[i].text, "Việt Việt") == 0) {
            found = true;
            CHECK(p->lines[i].bold);
            CHECK(p->lines[i].font_size > 19.9 && p->lines[i].font_size < 20.1);
            /* advance: 2 × (700+280+320+320) + 250 = 3490 / 1000 em at 20 pt */
            CHECK_MSG(p->lines[i].box.x1 - p->lines[i].box.x0 > 69.7 &&
                          p->lines[i].box.x1 - p->lines[i].box.x0 < 69.9,
                      "width %.2f", p->lines[i].box.x1 - p->lines[i].box.x0);
        }
    CHECK(found);
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

/* A Type 1 font whose only encoding is the one inside its (clear-text) program. */
static void test_type1_builtin(const char *dir)
{
    static const char program[] =
        "%!PS-AdobeFont-1.0: TestMath 001.000\n"
        "/FontName /TestMath def\n"
        "/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\n"
        "dup 58 /period put\ndup 59 /comma put\ndup 65 /alpha put\ndup 66 /uni1EA0 put\n"
        "readonly def\ncurrentfile eexec\n";
    pdfw w;
    start(&w);
    obj(&w, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&w, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>");
    stream_obj(&w, "", "BT /F1 12 Tf 20 100 Td (A:;B) Tj ET");
    obj(&w, "<< /Type /Font /Subtype /Type1 /BaseFont /TestMath /FirstChar 58 /LastChar 66 "
            "/Widths [300 300 0 0 0 0 0 600 650] /FontDescriptor 6 0 R >>");
    obj(&w, "<< /Type /FontDescriptor /FontName /TestMath /Flags 4 /FontBBox [0 -200 1000 900] "
            "/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 "
            "/FontFile 7 0 R >>");
    char dict[128];
    snprintf(dict, sizeof dict, "/Length1 %zu /Length2 0 /Length3 0", strlen(program));
    stream_obj(&w, dict, program);
    char path[4200];
    snprintf(path, sizeof path, "%s/type1.pdf", dir);
    finish(&w, path);
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    CHECK(ks_pdf_open(path, NULL, &doc, NULL) == KS_OK);
    CHECK(doc && ks_pdf_text_extract(doc, 0, &p, NULL) == KS_OK);
    CHECK(p && p->count == 1);
    if (p && p->count == 1)
        CHECK_STR(p->lines[0].text, "α.,Ạ");
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

/* Hostile pages end, with the text shown before the trouble. */
static void test_hostile(const char *dir)
{
    ks_buf content = KS_BUF_INIT;
    ks_buf_puts(&content, "BT /F1 12 Tf 50 700 Td (Before) Tj ET\n");
    for (int i = 0; i < 2000; i++)
        ks_buf_puts(&content, "q ");
    ks_buf_puts(&content, "/X1 Do\n");
    for (int i = 0; i < 2000; i++)
        ks_buf_puts(&content, "Q ");
    ks_buf_puts(&content, "\nBT /F1 12 Tf 50 600 Td (After) Tj ET\n");
    for (int i = 0; i < 3000; i++)
        ks_buf_puts(&content, "1 ");
    ks_buf_puts(&content, "Tj\n");
    ks_buf_putc(&content, 0);
    pdfw w;
    start(&w);
    obj(&w, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&w, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> >>");
    stream_obj(&w, "", (const char *)content.data);
    ks_buf_free(&content);
    simple_font(&w, 6);
    descriptor(&w, "TestSans", 32);
    /* a form that draws itself, and a second one that draws the first */
    stream_obj(&w,
               "/Type /XObject /Subtype /Form /BBox [0 0 500 500] "
               "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R /X2 8 0 R >> >>",
               "BT /F1 12 Tf 50 650 Td (Form) Tj ET /X1 Do /X2 Do");
    stream_obj(&w,
               "/Type /XObject /Subtype /Form /BBox [0 0 500 500] "
               "/Resources << /XObject << /X1 7 0 R >> >>",
               "/X1 Do");
    char path[4200];
    snprintf(path, sizeof path, "%s/hostile.pdf", dir);
    finish(&w, path);
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    ks_error err = {0};
    CHECK(ks_pdf_open(path, NULL, &doc, &err) == KS_OK);
    ks_status st = doc ? ks_pdf_text_extract(doc, 0, &p, &err) : KS_E_IO;
    /* the operand flood damages the stream: kept text, no failure */
    CHECK_MSG(st == KS_OK, "%s", err.msg_en);
    bool before = false, form = false, after = false;
    size_t forms = 0;
    for (size_t i = 0; p && i < p->count; i++) {
        before |= strcmp(p->lines[i].text, "Before") == 0;
        after |= strcmp(p->lines[i].text, "After") == 0;
        if (strcmp(p->lines[i].text, "Form") == 0)
            form = true, forms++;
    }
    CHECK(before && form && after);
    CHECK_MSG(forms == 1, "the self-drawing form was drawn %zu times on one line", forms);
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

/* A form of 2 MiB drawn 200 times: the page's content budget (KS_TEXT_MAX_BYTES) stops it. */
static void test_budget(const char *dir)
{
    size_t big = 2u << 20;
    char *spaces = malloc(big + 1);
    if (!spaces)
        return;
    memset(spaces, ' ', big);
    spaces[big] = 0;
    memcpy(spaces, "BT /F1 12 Tf 50 650 Td (Form) Tj ET", 35);
    ks_buf content = KS_BUF_INIT;
    ks_buf_puts(&content, "BT /F1 12 Tf 50 700 Td (Before) Tj ET\n");
    for (int i = 0; i < 200; i++)
        ks_buf_puts(&content, "/X1 Do\n");
    ks_buf_putc(&content, 0);
    pdfw w;
    start(&w);
    obj(&w, "<< /Type /Catalog /Pages 2 0 R >>");
    obj(&w, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj(&w, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> /XObject << /X1 7 0 R >> >> >>");
    stream_obj(&w, "", (const char *)content.data);
    ks_buf_free(&content);
    simple_font(&w, 6);
    descriptor(&w, "TestSans", 32);
    stream_obj(&w, "/Type /XObject /Subtype /Form /BBox [0 0 500 500]", spaces);
    free(spaces);
    char path[4200];
    snprintf(path, sizeof path, "%s/budget.pdf", dir);
    finish(&w, path);
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    ks_error err = {0};
    CHECK(ks_pdf_open(path, NULL, &doc, &err) == KS_OK);
    CHECK(doc && ks_pdf_text_extract(doc, 0, &p, &err) == KS_E_LIMIT);
    CHECK(p == NULL && strstr(err.msg_en, "longer than") != NULL);
    ks_pdf_close(doc);
}

int main(void)
{
    const char *dir = ks_test_tmpdir("text_synth");
    test_text_state(dir);
    test_type0(dir);
    test_type1_builtin(dir);
    test_hostile(dir);
    test_budget(dir);
    return ks_test_done();
}
