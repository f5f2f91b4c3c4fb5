/* The classification stamp of Decree 30 ô 10a through the library call the workflow uses:
 * LibreOffice documents with a MẬT, TỐI MẬT or TUYỆT MẬT stamp line on page 1 are named with
 * the stamp's box; prose that says "bí mật" or "không mật" is not a stamp; a stamp on page 2 only
 * is not page 1's; and the corpus decision carries none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/docfmt.h"
#include "test.h"

static const char head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document "
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
    "office:version=\"1.3\" office:mimetype=\"application/vnd.oasis.opendocument.text\">\n"
    "<office:automatic-styles><style:style style:name=\"B\" style:family=\"paragraph\">"
    "<style:text-properties fo:font-size=\"13pt\" fo:font-weight=\"bold\"/></style:style>"
    "<style:style style:name=\"Br\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:break-before=\"page\"/></style:style></office:automatic-styles>\n"
    "<office:body><office:text>\n";

static void write_doc(const char *dir, const char *name, const char *body)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.fodt", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "%s%s</office:text></office:body></office:document>\n", head, body);
    fclose(f);
}

static ks_docfmt_class class_of(const char *dir, const char *name, ks_pdf_rect *box)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.pdf", dir, name);
    ks_pdf_doc *doc = NULL;
    ks_docfmt_class c = (ks_docfmt_class)-1;
    if (ks_pdf_open(path, NULL, &doc, NULL) == KS_OK &&
        ks_docfmt_classification(doc, &c, box, NULL) != KS_OK)
        c = (ks_docfmt_class)-1;
    ks_pdf_close(doc);
    return c;
}

int main(void)
{
    /* soffice needs an absolute file:// URL for its profile; a relative one makes it hang */
    static char dir[4096];
    if (!realpath(ks_test_tmpdir("docfmt-classify"), dir))
        snprintf(dir, sizeof dir, "%s", "/nonexistent");
    write_doc(dir, "mat",
              "<text:p>ỦY BAN NHÂN DÂN</text:p><text:p text:style-name=\"B\">MẬT</text:p>"
              "<text:p>Nội dung.</text:p>");
    write_doc(dir, "toimat",
              "<text:p>Số: 05/QĐ-UBND</text:p><text:p text:style-name=\"B\">TỐI "
              "MẬT</text:p><text:p>Nội dung.</text:p>");
    write_doc(dir, "tuyetmat", "<text:p text:style-name=\"B\">TUYỆT MẬT</text:p>");
    write_doc(dir, "prose",
              "<text:p>Văn bản này không chứa bí mật nhà nước, không mật.</text:p>"
              "<text:p>Mật khẩu của hệ thống được giữ riêng.</text:p>");
    write_doc(dir, "page2",
              "<text:p>Trang một.</text:p><text:p text:style-name=\"Br\"/>"
              "<text:p text:style-name=\"B\">MẬT</text:p>");
    int rc = ks_test_sh(NULL,
                        "cd '%s' && timeout 600 soffice --headless "
                        "'-env:UserInstallation=file://%s/lo' "
                        "--convert-to pdf *.fodt >lo.log 2>&1",
                        dir, dir);
    CHECK_MSG(rc == 0, "soffice failed (libreoffice-writer-nogui: bash scripts/deps.sh)");
    ks_pdf_rect box = {0};
    CHECK(class_of(dir, "mat", &box) == KS_DOCFMT_CLASS_MAT);
    CHECK_MSG(box.x1 > box.x0 && box.y1 > box.y0 && box.y0 > 600, "box %.1f %.1f %.1f %.1f", box.x0,
              box.y0, box.x1, box.y1);
    CHECK(class_of(dir, "toimat", NULL) == KS_DOCFMT_CLASS_TOI_MAT);
    CHECK(class_of(dir, "tuyetmat", NULL) == KS_DOCFMT_CLASS_TUYET_MAT);
    CHECK(class_of(dir, "prose", NULL) == KS_DOCFMT_CLASS_NONE);
    CHECK(class_of(dir, "page2", NULL) == KS_DOCFMT_CLASS_NONE);
    CHECK_STR(ks_docfmt_class_name(KS_DOCFMT_CLASS_TOI_MAT), "TỐI MẬT");
    CHECK_STR(ks_docfmt_class_name(KS_DOCFMT_CLASS_NONE), "");

    /* the full check reports it as rule "classified" on page 1 */
    char path[4096];
    snprintf(path, sizeof path, "%s/tuyetmat.pdf", dir);
    ks_pdf_doc *doc = NULL;
    ks_docfmt_report *r = NULL;
    if (ks_pdf_open(path, NULL, &doc, NULL) == KS_OK && ks_docfmt_check(doc, &r, NULL) == KS_OK) {
        bool found = false;
        for (size_t i = 0; i < r->count; i++)
            found |= strcmp(r->items[i].rule, KS_DOCFMT_CLASSIFIED) == 0 && r->items[i].page == 1;
        CHECK(found && r->classification == KS_DOCFMT_CLASS_TUYET_MAT);
    } else {
        CHECK(!"tuyetmat.pdf checked");
    }
    ks_docfmt_report_free(r);
    ks_pdf_close(doc);

    FILE *f = fopen(ks_test_shared("corpus/MANIFEST.tsv"), "r");
    if (f) {
        fclose(f);
        doc = NULL;
        ks_docfmt_class c = (ks_docfmt_class)-1;
        if (ks_pdf_open(ks_test_shared("corpus/generated/lo74-odt-qd-default.pdf"), NULL, &doc,
                        NULL) == KS_OK)
            ks_docfmt_classification(doc, &c, NULL, NULL);
        CHECK(c == KS_DOCFMT_CLASS_NONE);
        ks_pdf_close(doc);
    }
    return ks_test_done();
}
