/* docfmt/fonts.c — the font rule (Decree 30/2020 App. I I.2: Times New Roman, Unicode TCVN
 * 6909:2001): every font a page's resources name must be Times New Roman or a font with its
 * metrics (Liberation Serif, Tinos, Nimbus Roman, TeX Gyre Termes), symbol fonts aside. Reads
 * /Resources /Font through the public object API of kyso/pdf.h; part of docfmt/. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_FONTS 64 /* distinct font names reported per document */

/* "ABCDEF+TimesNewRomanPS-BoldMT" → "timesnewromanps": subset tag, style and spaces dropped. */
static void family(const char *base, char *out, size_t cap)
{
    const char *plus = strchr(base, '+');
    if (plus && plus - base == 6)
        base = plus + 1;
    size_t n = 0;
    for (const char *s = base; *s && n + 1 < cap; s++) {
        if (*s == ',' || *s == '-')
            break;
        if (*s == ' ' || *s == '_')
            continue;
        out[n++] = (char)tolower((unsigned char)*s);
    }
    out[n] = 0;
    /* "TimesNewRomanPSMT", "TimesNewRomanPS-BoldMT", "TimesNewRoman,Bold" */
    size_t l = strlen(out);
    if (l > 2 && strcmp(out + l - 2, "mt") == 0)
        out[l - 2] = 0;
}

static bool accepted(const char *fam)
{
    static const char *const ok[] = {
        "timesnewroman", "timesnewromanps", "times",         "timesroman",    "liberationserif",
        "tinos",         "nimbusroman",     "nimbusromno9l", "texgyretermes", NULL};
    static const char *const symbols[] = {"symbol",   "wingdings",  "wingdings2",   "wingdings3",
                                          "webdings", "opensymbol", "zapfdingbats", NULL};
    for (size_t i = 0; ok[i]; i++)
        if (strcmp(fam, ok[i]) == 0)
            return true;
    for (size_t i = 0; symbols[i]; i++)
        if (strcmp(fam, symbols[i]) == 0)
            return true;
    return false;
}

static ks_pdf_rect text_box(const ks_pdf_text_page *p)
{
    if (!p->count)
        return p->crop;
    ks_pdf_rect b = p->lines[0].box;
    for (size_t i = 1; i < p->count; i++) {
        const ks_pdf_rect *l = &p->lines[i].box;
        b.x0 = l->x0 < b.x0 ? l->x0 : b.x0;
        b.y0 = l->y0 < b.y0 ? l->y0 : b.y0;
        b.x1 = l->x1 > b.x1 ? l->x1 : b.x1;
        b.y1 = l->y1 > b.y1 ? l->y1 : b.y1;
    }
    return b;
}

ks_status ks_docfmt_check_fonts(ks_pdf_doc *doc, size_t npages, ks_pdf_text_page **pages,
                                ks_docfmt_report *r, ks_error *err)
{
    char seen[MAX_FONTS][64];
    size_t nseen = 0;
    for (size_t pi = 0; pi < npages; pi++) {
        ks_pdf_obj *page = NULL;
        ks_pdf_ref ref;
        if (ks_pdf_page(doc, pi, &page, &ref, err))
            return err ? err->status : KS_E_FORMAT;
        ks_pdf_obj *res = ks_pdf_page_attr(doc, page, "Resources");
        ks_pdf_obj *fonts = res ? ks_pdf_dict_getr(doc, res, "Font") : NULL;
        if (!fonts || fonts->type != KS_PDF_DICT)
            continue;
        for (size_t i = 0; i < fonts->u.dict.len; i++) {
            ks_pdf_obj *f = ks_pdf_resolve(doc, fonts->u.dict.entries[i].value, NULL);
            if (!f || f->type != KS_PDF_DICT)
                continue;
            ks_pdf_obj *base = ks_pdf_dict_getr(doc, f, "BaseFont");
            if (!base || base->type != KS_PDF_NAME) /* Type3 fonts have no name to judge */
                continue;
            char fam[64];
            family(base->u.name.s, fam, sizeof fam);
            if (!fam[0] || accepted(fam))
                continue;
            bool dup = false;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = strcmp(seen[k], fam) == 0;
            if (dup || nseen == MAX_FONTS)
                continue;
            snprintf(seen[nseen++], sizeof seen[0], "%s", fam);
            if (!ks_docfmt_add(r, KS_DOCFMT_FONT, pi + 1, text_box(pages[pi]),
                               N_("page %zu uses the font %s; Decree 30 asks for Times New "
                                  "Roman (or a font with its metrics)"),
                               pi + 1, base->u.name.s))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
    }
    return KS_OK;
}
