/* docfmt/check.c — the driver of the format check: extracts every page's text lines once, runs
 * the geometry, font and parts rules over them and names the classification stamp. Part of
 * docfmt/, above text/ extraction and below sign/ and verify/. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Longest first: "TUYỆT MẬT" and "TỐI MẬT" end in "MẬT". */
ks_docfmt_class ks_docfmt_class_of(const ks_pdf_text_page *first, ks_pdf_rect *box)
{
    static const ks_docfmt_class order[] = {KS_DOCFMT_CLASS_TUYET_MAT, KS_DOCFMT_CLASS_TOI_MAT,
                                            KS_DOCFMT_CLASS_MAT};
    for (size_t k = 0; k < 3; k++) {
        const char *name = ks_docfmt_class_name(order[k]);
        for (size_t i = 0; i < first->count; i++) {
            const ks_pdf_text_line *l = &first->lines[i];
            /* a stamp is a line of its own, in capitals (App. I II.10a), not "bí mật" in prose */
            if (strcmp(l->text, name) == 0) {
                if (box)
                    *box = l->box;
                return order[k];
            }
        }
    }
    return KS_DOCFMT_CLASS_NONE;
}

ks_status ks_docfmt_classification(ks_pdf_doc *doc, ks_docfmt_class *level, ks_pdf_rect *box,
                                   ks_error *err)
{
    ks_pdf_text_page *p = NULL;
    *level = KS_DOCFMT_CLASS_NONE;
    ks_status st = ks_pdf_text_extract(doc, 0, &p, err);
    if (st)
        return st;
    *level = ks_docfmt_class_of(p, box);
    ks_pdf_text_page_free(p);
    return KS_OK;
}

ks_status ks_docfmt_check(ks_pdf_doc *doc, ks_docfmt_report **out, ks_error *err)
{
    ks_status st = KS_OK;
    size_t npages = 0, done_pages = 0;
    ks_pdf_text_page **pages = NULL;
    ks_docfmt_report *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if ((st = ks_pdf_page_count(doc, &npages, err)))
        goto done;
    if (npages == 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the document has no page"));
        goto done;
    }
    if (!(pages = calloc(npages, sizeof *pages))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    size_t nlines = 0;
    for (; done_pages < npages; done_pages++) {
        if ((st = ks_pdf_text_extract(doc, done_pages, &pages[done_pages], err)))
            goto done;
        nlines += pages[done_pages]->count;
    }
    bool ok = true;
    ks_pdf_rect box;
    r->classification = ks_docfmt_class_of(pages[0], &box);
    if (r->classification != KS_DOCFMT_CLASS_NONE)
        ok = ks_docfmt_add(r, KS_DOCFMT_CLASSIFIED, 1, box,
                           N_("the first page carries the classification stamp %s: public-service "
                              "signatures and this workflow do not handle classified documents"),
                           ks_docfmt_class_name(r->classification));
    for (size_t i = 0; ok && i < npages; i++)
        ok = ks_docfmt_check_geometry(doc, i, npages, pages[i], r);
    if (ok && (st = ks_docfmt_check_fonts(doc, npages, pages, r, err)))
        goto done;
    if (ok && nlines == 0)
        ok = ks_docfmt_add(r, KS_DOCFMT_TEXT, 1, pages[0]->crop,
                           N_("the document has no text layer (a scan without OCR?): its format "
                              "cannot be checked"));
    else if (ok)
        ok = ks_docfmt_check_parts(pages, npages, r);
    if (!ok)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    for (size_t i = 0; pages && i < done_pages; i++)
        ks_pdf_text_page_free(pages[i]);
    free(pages);
    if (st)
        ks_docfmt_report_free(r);
    else
        *out = r;
    return st;
}
