/* text/text_extract.c — the public face of text extraction (ks_pdf_text_extract): page
 * geometry, running the content into glyphs, grouping them into lines. */
#include <stdlib.h>

#include "text_internal.h"

ks_status ks_pdf_text_extract(ks_pdf_doc *doc, size_t index, ks_pdf_text_page **out, ks_error *err)
{
    *out = NULL;
    ks_pdf_obj *page = NULL;
    ks_status st = ks_pdf_page(doc, index, &page, NULL, err);
    if (st != KS_OK)
        return st;
    ks_pdf_text_page *p = calloc(1, sizeof *p);
    if (!p)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_tglyphs glyphs = {0};
    bool damaged = false;
    st = ks_pdf_page_geometry(doc, page, &p->media, &p->crop, &p->rotate, err);
    if (st == KS_OK)
        st = ks_text_run_page(doc, page, &p->crop, &glyphs, &damaged, err);
    if (st == KS_OK)
        st = ks_text_build_lines(&glyphs, p, err);
    free(glyphs.v);
    if (st != KS_OK) {
        ks_error_prefix(err, N_("extracting the text of page %zu: "), index + 1);
        ks_pdf_text_page_free(p);
        return st;
    }
    *out = p;
    return KS_OK;
}

void ks_pdf_text_page_free(ks_pdf_text_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++)
        free(p->lines[i].text);
    free(p->lines);
    free(p);
}
