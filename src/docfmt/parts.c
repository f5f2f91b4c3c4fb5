/* docfmt/parts.c — the required parts of an official document and their order (Decree 30/2020
 * App. I II.1–II.8; requirements §4.5–4.6): quốc hiệu and tiêu ngữ (top right), the agency name
 * (top left), "Số: …/…" under it, place and date under the tiêu ngữ, the document type and its
 * summary under the header (or "V/v" for a công văn), "Nơi nhận:" with "- Lưu: …" (bottom left)
 * and the signer's title and name (bottom right). Part of docfmt/. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "kyso/register.h"

static ks_pdf_rect zone(const ks_pdf_text_page *p, double fx0, double fy0, double fx1, double fy1)
{
    ks_pdf_rect c = p->crop;
    double w = c.x1 - c.x0, h = c.y1 - c.y0;
    return (ks_pdf_rect){c.x0 + fx0 * w, c.y0 + fy0 * h, c.x0 + fx1 * w, c.y0 + fy1 * h};
}

static bool size_in(const ks_pdf_text_line *l, double lo, double hi)
{
    return l->font_size > lo - 0.3 && l->font_size < hi + 0.3;
}

static const ks_pdf_text_line *find(const ks_pdf_text_page *p, const char *what, bool at_start,
                                    double below_y)
{
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y1 > below_y)
            continue;
        if (at_start ? ks_docfmt_starts(l->text, what) : ks_docfmt_contains(l->text, what))
            return l;
    }
    return NULL;
}

/* The text of `l` after its first ':' and spaces. */
static const char *after_colon(const char *s)
{
    const char *c = strchr(s, ':');
    if (!c)
        return NULL;
    c++;
    while (*c == ' ')
        c++;
    return c;
}

typedef struct header {
    const ks_pdf_text_line *national, *motto, *number, *date, *type;
    const char *type_abbr; /* App. III.I abbreviation; NULL for THƯ CÔNG */
} header;

static bool check_national(const ks_pdf_text_page *p, const ks_docfmt_area *a, header *h,
                           ks_docfmt_report *r)
{
    h->national = find(p, "cộng hòa xã hội chủ nghĩa việt nam", false, INFINITY);
    if (!h->national)
        h->national = find(p, "cộng hoà xã hội chủ nghĩa việt nam", false, INFINITY);
    if (!h->national)
        return ks_docfmt_add(r, KS_DOCFMT_NATIONAL_TITLE, 1, zone(p, 0.45, 0.8, 1, 1),
                             N_("the national title \"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\" is "
                                "missing from the top right of page 1"));
    const ks_pdf_text_line *n = h->national;
    /* a producer may put the agency's first line and the national title on one text line (same
     * baseline, as Chromium does): then the title is its right end */
    bool right = ks_docfmt_is_right(a, n) ||
                 (!ks_docfmt_starts(n->text, "cộng h") && n->box.x1 > a->mid + 100);
    if (ks_docfmt_has_lower(n->text) || !n->bold || !size_in(n, 12, 13) || !right) {
        if (!ks_docfmt_add(r, KS_DOCFMT_NATIONAL_TITLE, 1, n->box,
                           n->bold ? N_("the national title must stand at the top right in upper "
                                        "case, bold, 12–13 pt (found %.1f pt)")
                                   : N_("the national title must stand at the top right in upper "
                                        "case, bold, 12–13 pt (found %.1f pt, not bold)"),
                           n->font_size))
            return false;
    }
    h->motto = find(p, "độc lập - tự do - hạnh phúc", false, n->box.y1);
    if (!h->motto)
        return ks_docfmt_add(r, KS_DOCFMT_NATIONAL_TITLE, 1,
                             (ks_pdf_rect){n->box.x0, n->box.y0 - 30, n->box.x1, n->box.y0},
                             N_("the motto \"Độc lập - Tự do - Hạnh phúc\" is missing under the "
                                "national title"));
    if (!h->motto->bold || !size_in(h->motto, 13, 14))
        return ks_docfmt_add(r, KS_DOCFMT_NATIONAL_TITLE, 1, h->motto->box,
                             h->motto->bold
                                 ? N_("the motto must be bold, 13–14 pt (found %.1f pt)")
                                 : N_("the motto must be bold, 13–14 pt (found %.1f pt, not bold)"),
                             h->motto->font_size);
    return true;
}

static bool check_number(const ks_pdf_text_page *p, const ks_docfmt_area *a, header *h,
                         ks_docfmt_report *r)
{
    double limit = p->crop.y0 + (p->crop.y1 - p->crop.y0) * 0.55;
    for (size_t i = 0; i < p->count && !h->number; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y0 >= limit && ks_docfmt_is_left(a, l) &&
            (ks_docfmt_starts(l->text, "số:") || ks_docfmt_starts(l->text, "số :")))
            h->number = l;
    }
    if (!h->number)
        return ks_docfmt_add(r, KS_DOCFMT_NUMBER_SYMBOL, 1, zone(p, 0, 0.7, 0.5, 0.9),
                             N_("the line \"Số: …/…\" (number and symbol) is missing under the "
                                "agency name"));
    const char *v = after_colon(h->number->text);
    if (strncmp(h->number->text, "Số:", strlen("Số:")) != 0 || !v ||
        !ks_docfmt_number_symbol_ok(v, true))
        return ks_docfmt_add(r, KS_DOCFMT_NUMBER_SYMBOL, 1, h->number->box,
                             N_("\"%s\" does not follow the pattern \"Số: 05/QĐ-UBND\" (two or "
                                "more digits, '/', upper-case abbreviations joined by '-', no "
                                "spaces)"),
                             h->number->text);
    return true;
}

static bool check_agency(const ks_pdf_text_page *p, const ks_docfmt_area *a, const header *h,
                         ks_docfmt_report *r)
{
    double floor = h->number ? h->number->box.y1 - 2 : p->crop.y0 + (p->crop.y1 - p->crop.y0) * 0.7;
    size_t found = 0, bold = 0;
    const ks_pdf_text_line *lower = NULL;
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y0 < floor || !ks_docfmt_is_left(a, l) || !ks_docfmt_has_letters(l->text) ||
            l == h->number)
            continue;
        found++;
        bold += l->bold;
        if (ks_docfmt_has_lower(l->text) && !lower)
            lower = l;
    }
    if (!found)
        return ks_docfmt_add(r, KS_DOCFMT_AGENCY_NAME, 1, zone(p, 0, 0.8, 0.5, 1),
                             N_("the name of the issuing agency is missing from the top left of "
                                "page 1"));
    if (lower)
        return ks_docfmt_add(r, KS_DOCFMT_AGENCY_NAME, 1, lower->box,
                             N_("the agency name must be in upper case: \"%s\""), lower->text);
    if (!bold)
        return ks_docfmt_add(r, KS_DOCFMT_AGENCY_NAME, 1, zone(p, 0, 0.8, 0.5, 1),
                             N_("the name of the issuing agency must be bold"));
    return true;
}

static bool check_date(const ks_pdf_text_page *p, const ks_docfmt_area *a, header *h,
                       ks_docfmt_report *r)
{
    double top = h->motto ? h->motto->box.y1 : INFINITY;
    double limit = p->crop.y0 + (p->crop.y1 - p->crop.y0) * 0.55;
    for (size_t i = 0; i < p->count && !h->date; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y1 <= top && l->box.y0 >= limit && ks_docfmt_is_right(a, l) &&
            ks_docfmt_contains(l->text, "ngày") && ks_docfmt_contains(l->text, "năm"))
            h->date = l;
    }
    if (!h->date)
        return ks_docfmt_add(r, KS_DOCFMT_PLACE_DATE, 1, zone(p, 0.45, 0.7, 1, 0.9),
                             N_("the place and date line (\"Hải Phòng, ngày 05 tháng 02 năm "
                                "2026\") is missing under the motto"));
    if (!ks_docfmt_place_date_ok(h->date->text, true))
        return ks_docfmt_add(r, KS_DOCFMT_PLACE_DATE, 1, h->date->box,
                             N_("\"%s\" does not follow \"Place, ngày dd tháng mm năm yyyy\" "
                                "(days below 10 and months 1–2 take a leading zero)"),
                             h->date->text);
    if (!size_in(h->date, 13, 14))
        return ks_docfmt_add(r, KS_DOCFMT_PLACE_DATE, 1, h->date->box,
                             N_("the place and date line must be 13–14 pt (found %.1f pt)"),
                             h->date->font_size);
    return true;
}

static bool check_type(const ks_pdf_text_page *p, const ks_docfmt_area *a, header *h,
                       ks_docfmt_report *r)
{
    double below = INFINITY;
    if (h->number)
        below = h->number->box.y0 + 2;
    if (h->date && h->date->box.y0 + 2 < below)
        below = h->date->box.y0 + 2;
    if (below == INFINITY)
        below = p->crop.y0 + (p->crop.y1 - p->crop.y0) * 0.8;
    for (size_t i = 0; i < p->count && !h->type; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y1 > below)
            continue;
        /* the type name is a line of its own in capitals; its abbreviation comes from the
         * register module's table of Appendix III */
        if (ks_docfmt_has_lower(l->text))
            continue;
        const char *abbr = ks_register_type_abbr(l->text);
        bool letter =
            ks_docfmt_starts(l->text, "thư công") && strlen(l->text) == strlen("THƯ CÔNG");
        if ((abbr && abbr[0] != 'S' && strcmp(abbr, "TrS") != 0) || letter) {
            h->type = l;
            h->type_abbr = abbr;
        }
    }
    if (!h->type) {
        /* a công văn has no type name: "V/v <summary>" under the number instead */
        for (size_t i = 0; i < p->count; i++) {
            const ks_pdf_text_line *l = &p->lines[i];
            if (ks_docfmt_is_left(a, l) && ks_docfmt_starts(l->text, "v/v ") &&
                (!h->number || l->box.y1 <= h->number->box.y1))
                return true;
        }
        return ks_docfmt_add(r, KS_DOCFMT_DOC_TYPE, 1, zone(p, 0.2, 0.55, 0.8, 0.75),
                             N_("the document type (e.g. QUYẾT ĐỊNH) and its summary, or \"V/v "
                                "…\" for a letter, are missing under the header"));
    }
    const ks_pdf_text_line *t = h->type;
    double c = (t->box.x0 + t->box.x1) / 2;
    if (!t->bold || !size_in(t, 13, 14) || fabs(c - a->mid) > 30)
        return ks_docfmt_add(r, KS_DOCFMT_DOC_TYPE, 1, t->box,
                             t->bold ? N_("the document type must be centred, upper case, bold, "
                                          "13–14 pt (found %.1f pt)")
                                     : N_("the document type must be centred, upper case, bold, "
                                          "13–14 pt (found %.1f pt, not bold)"),
                             t->font_size);
    /* the symbol's first group is the type's abbreviation (App. III.I) */
    const char *v = h->number ? after_colon(h->number->text) : NULL;
    const char *slash = v ? strchr(v, '/') : NULL;
    const char *abbr = h->type_abbr;
    if (slash && abbr && ks_docfmt_number_symbol_ok(v, true)) {
        size_t n = strlen(abbr);
        if (strncmp(slash + 1, abbr, n) != 0 || slash[1 + n] != '-')
            return ks_docfmt_add(r, KS_DOCFMT_NUMBER_SYMBOL, 1, h->number->box,
                                 N_("the symbol of a %s starts with %s (\"%s\")"), t->text, abbr,
                                 h->number->text);
    }
    return true;
}

/* "Nơi nhận:" and "- Lưu: …" bottom left, the signer's title and name bottom right, on the
 * last page that has "Nơi nhận:" (or the last page). */
static bool check_end(ks_pdf_text_page **pages, size_t npages, ks_docfmt_report *r)
{
    size_t pi = npages - 1;
    const ks_pdf_text_line *recip = NULL;
    for (size_t k = npages; k-- > 0 && !recip;) {
        recip = find(pages[k], "nơi nhận:", true, INFINITY);
        if (recip)
            pi = k;
    }
    const ks_pdf_text_page *p = pages[pi];
    ks_docfmt_area a;
    ks_docfmt_area_of(p, &a);
    if (!recip) {
        if (!ks_docfmt_add(r, KS_DOCFMT_RECIPIENTS, pi + 1, zone(p, 0, 0, 0.5, 0.4),
                           N_("the recipients block \"Nơi nhận:\" is missing at the end of the "
                              "document")))
            return false;
    } else {
        const ks_pdf_text_line *keep = NULL;
        for (size_t k = pi; k < npages && !keep; k++)
            keep = find(pages[k], "- lưu", true, k == pi ? recip->box.y1 : INFINITY);
        if (!ks_docfmt_is_left(&a, recip) || !recip->bold || !size_in(recip, 12, 12)) {
            if (!ks_docfmt_add(r, KS_DOCFMT_RECIPIENTS, pi + 1, recip->box,
                               recip->bold ? N_("\"Nơi nhận:\" must stand at the bottom left in "
                                                "bold italic 12 pt (found %.1f pt)")
                                           : N_("\"Nơi nhận:\" must stand at the bottom left in "
                                                "bold italic 12 pt (found %.1f pt, not bold)"),
                               recip->font_size))
                return false;
        } else if (!keep) {
            if (!ks_docfmt_add(r, KS_DOCFMT_RECIPIENTS, pi + 1, recip->box,
                               N_("the recipients list must end with \"- Lưu: VT, …\"")))
                return false;
        }
    }
    /* signer: a bold upper-case title line, then a bold name line below it, right column */
    double from = recip ? recip->box.y1 + 80 : INFINITY;
    const ks_pdf_text_line *title = NULL, *name = NULL;
    for (size_t i = 0; i < p->count && !name; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y1 > from || !ks_docfmt_is_right(&a, l) || !l->bold ||
            !ks_docfmt_has_letters(l->text))
            continue;
        if (!ks_docfmt_has_lower(l->text))
            title = l;
        else if (title && title->box.y0 - l->box.y1 < 260)
            name = l;
    }
    if (!name)
        return ks_docfmt_add(r, KS_DOCFMT_SIGNER_BLOCK, pi + 1,
                             title ? title->box : zone(p, 0.5, 0, 1, 0.4),
                             title ? N_("the signer's name (bold, under the title) is missing")
                                   : N_("the signer block (title in upper case and name, bold, "
                                        "bottom right) is missing"));
    if (!size_in(title, 13, 14) || !size_in(name, 13, 14)) {
        ks_pdf_rect box = {
            name->box.x0 < title->box.x0 ? name->box.x0 : title->box.x0, name->box.y0,
            name->box.x1 > title->box.x1 ? name->box.x1 : title->box.x1, title->box.y1};
        return ks_docfmt_add(r, KS_DOCFMT_SIGNER_BLOCK, pi + 1, box,
                             N_("the signer's title and name must be 13–14 pt (found %.1f and "
                                "%.1f pt)"),
                             title->font_size, name->font_size);
    }
    return true;
}

bool ks_docfmt_check_parts(ks_pdf_text_page **pages, size_t npages, ks_docfmt_report *r)
{
    const ks_pdf_text_page *p = pages[0];
    ks_docfmt_area a;
    ks_docfmt_area_of(p, &a);
    header h = {0};
    return check_national(p, &a, &h, r) && check_number(p, &a, &h, r) &&
           check_agency(p, &a, &h, r) && check_date(p, &a, &h, r) && check_type(p, &a, &h, r) &&
           check_end(pages, npages, r);
}
