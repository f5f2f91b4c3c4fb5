/* Text extraction (ks_pdf_text_extract) on real corpus pages, with pdftotext as the oracle:
 * the title and name lines a visible signature is placed between are found with their
 * Vietnamese text, and every line's box agrees with `pdftotext -bbox-layout` within 1 pt. */
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "test.h"
#include "text_oracle.h"

#define BOX_TOLERANCE_PT 1.0

static const ks_pdf_text_line *find_line(const ks_pdf_text_page *p, const char *text)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->lines[i].text, text) == 0)
            return &p->lines[i];
    return NULL;
}

/* Checks page 1 of `rel`: each of `targets` is a line of ours and of pdftotext's with boxes
 * within tolerance; at least 95 % of pdftotext's lines are ours too, same text and box. */
static void check_file(const char *rel, const char *const *targets, const char *bold_line,
                       const char *plain_line)
{
    const char *path = ks_test_shared(rel);
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    ks_error err = {0};
    oracle_page ref = {0};
    CHECK_MSG(ks_pdf_open(path, NULL, &doc, &err) == KS_OK, "%s: %s", rel, err.msg_en);
    if (!doc)
        return;
    CHECK_MSG(ks_pdf_text_extract(doc, 0, &p, &err) == KS_OK, "%s: %s", rel, err.msg_en);
    CHECK_MSG(oracle_pdftotext(path, 1, &ref) == 0 && ref.count > 0, "%s: pdftotext failed", rel);
    if (!p || ref.count == 0)
        goto done;
    for (const char *const *t = targets; *t; t++) {
        const ks_pdf_text_line *l = find_line(p, *t);
        const oracle_line *o = oracle_find(&ref, *t);
        CHECK_MSG(l != NULL, "%s: line \"%s\" not found", rel, *t);
        CHECK_MSG(o != NULL, "%s: pdftotext has no line \"%s\"", rel, *t);
        if (l && o)
            CHECK_MSG(oracle_box_diff(&l->box, &o->box) <= BOX_TOLERANCE_PT,
                      "%s: \"%s\": box %.2f %.2f %.2f %.2f, pdftotext %.2f %.2f %.2f %.2f", rel, *t,
                      l->box.x0, l->box.y0, l->box.x1, l->box.y1, o->box.x0, o->box.y0, o->box.x1,
                      o->box.y1);
        if (l)
            CHECK_MSG(l->font_size > 10 && l->font_size < 16, "%s: \"%s\" size %.2f", rel, *t,
                      l->font_size);
    }
    size_t same = 0;
    for (size_t i = 0; i < ref.count; i++) {
        const ks_pdf_text_line *l = find_line(p, ref.lines[i].text);
        if (l && oracle_box_diff(&l->box, &ref.lines[i].box) <= BOX_TOLERANCE_PT)
            same++;
        else
            fprintf(stderr, "  %s: pdftotext line \"%s\" %s\n", rel, ref.lines[i].text,
                    l ? "has another box" : "not found");
    }
    CHECK_MSG(same * 100 >= ref.count * 95, "%s: %zu of %zu lines agree with pdftotext", rel, same,
              ref.count);
    const ks_pdf_text_line *b = find_line(p, bold_line), *n = find_line(p, plain_line);
    CHECK_MSG(b && b->bold, "%s: \"%s\" should be bold", rel, bold_line);
    CHECK_MSG(n && !n->bold, "%s: \"%s\" should not be bold", rel, plain_line);
    /* lines come top to bottom */
    bool ordered = true;
    for (size_t i = 1; i < p->count; i++)
        if (p->lines[i].box.y1 > p->lines[i - 1].box.y1 + p->lines[i - 1].font_size &&
            p->lines[i].box.y0 > p->lines[i - 1].box.y1)
            ordered = false;
    CHECK_MSG(ordered, "%s: lines are not top to bottom", rel);
    CHECK(p->crop.x1 - p->crop.x0 > 590 && p->crop.y1 - p->crop.y0 > 840); /* A4 */
done:
    oracle_free(&ref);
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

int main(void)
{
    static const char *const qd[] = {"QUYẾT ĐỊNH", "CHỦ TỊCH", "Nguyễn Văn A",
                                     "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH BẮC NINH", NULL};
    static const char *const cv[] = {"KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Nguyễn Văn A",
                                     "Số: 215/CTS-VP", NULL};
    const char *body = "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;";
    check_file("corpus/generated/lo74-odt-qd-default.pdf", qd, "QUYẾT ĐỊNH", body);
    check_file("corpus/generated/lo74-docx-qd-pdf15.pdf", qd, "QUYẾT ĐỊNH", body);
    check_file("corpus/generated/qpdf-objstm-qd.pdf", qd, "QUYẾT ĐỊNH", body);
    check_file("corpus/generated/lo74-odt-qd-tagged.pdf", qd, "QUYẾT ĐỊNH", body);
    check_file("corpus/generated/chromium-cv-html.pdf", cv, "Nguyễn Văn A", "như sau:");
    return ks_test_done();
}
