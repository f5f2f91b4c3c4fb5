/* docfmt/geometry.c — page size and margins (Decree 30/2020 App. I I.4–5: A4 portrait; top and
 * bottom 20–25 mm, left 30–35 mm, right 15–20 mm), read from where the text lines sit. A margin
 * is "too narrow" when any line enters it, "too wide" only where the text shows an edge: at least
 * three lines aligned at the leftmost or rightmost x (justified body text), the first line of
 * page 1 (later pages may open with an empty paragraph), and the lowest line of a page that is not
 * the last (text flows to the bottom). */
#include <math.h>

#include "internal.h"

#define A4_W 595.276
#define A4_H 841.89
#define SIZE_TOL 3.0   /* points: rounding of MediaBox values by producers */
#define TOL KS_MM(1.5) /* text boxes are glyph boxes, not the layout's line boxes */
#define EDGE_LINES 3   /* lines that must share an edge before it counts as the margin */

static double mm(double pt)
{
    return pt * 25.4 / 72.0;
}

static bool skip_line(const ks_pdf_text_page *p, const ks_pdf_text_line *l)
{
    /* the page number sits in the top margin (App. I I.6): not body text */
    double h = p->crop.y1 - p->crop.y0;
    return ks_docfmt_is_digits(l->text) && l->box.y0 > p->crop.y0 + h - KS_MM(25);
}

static size_t aligned(const ks_pdf_text_page *p, double x, bool left)
{
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (!skip_line(p, l) && fabs((left ? l->box.x0 : l->box.x1) - x) < 2.0)
            n++;
    }
    return n;
}

bool ks_docfmt_check_geometry(ks_pdf_doc *doc, size_t index, size_t npages,
                              const ks_pdf_text_page *p, ks_docfmt_report *r)
{
    (void)doc;
    size_t pg = index + 1;
    ks_pdf_rect c = p->crop;
    double w = c.x1 - c.x0, h = c.y1 - c.y0;
    bool rotated = p->rotate % 180 != 0;
    double pw = rotated ? h : w, ph = rotated ? w : h;
    bool a4p = fabs(pw - A4_W) <= SIZE_TOL && fabs(ph - A4_H) <= SIZE_TOL;
    bool a4l = fabs(pw - A4_H) <= SIZE_TOL && fabs(ph - A4_W) <= SIZE_TOL;
    if (!a4p && !(a4l && index > 0)) {
        if (!ks_docfmt_add(r, KS_DOCFMT_PAGE_SIZE, pg, c,
                           a4l ? N_("page %zu is A4 landscape; the first page must be A4 portrait "
                                    "(210 × 297 mm)")
                               : N_("page %zu is %.0f × %.0f mm; Decree 30 asks for A4 "
                                    "(210 × 297 mm)"),
                           pg, mm(pw), mm(ph)))
            return false;
    }
    if (rotated || !a4p)
        return true; /* margins are defined for an A4 portrait page as drawn */

    const ks_pdf_text_line *top = NULL, *bottom = NULL, *left = NULL, *right = NULL;
    double maxsize = 0;
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (skip_line(p, l))
            continue;
        if (!top || l->box.y1 > top->box.y1)
            top = l;
        if (!bottom || l->box.y0 < bottom->box.y0)
            bottom = l;
        if (!left || l->box.x0 < left->box.x0)
            left = l;
        if (!right || l->box.x1 > right->box.x1)
            right = l;
        if (l->font_size > maxsize)
            maxsize = l->font_size;
    }
    if (!top)
        return true;
    double mt = c.y1 - top->box.y1, mb = bottom->box.y0 - c.y0;
    double ml = left->box.x0 - c.x0, mr = c.x1 - right->box.x1;
    ks_pdf_rect strip;

    if (mt < KS_MM(20) - TOL) {
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_TOP, pg, top->box,
                           N_("page %zu: text starts %.1f mm from the top edge; the top margin "
                              "must be 20–25 mm"),
                           pg, mm(mt)))
            return false;
    } else if (index == 0 && mt > KS_MM(25) + TOL && p->count >= EDGE_LINES) {
        strip = (ks_pdf_rect){c.x0, top->box.y1, c.x1, c.y1};
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_TOP, pg, strip,
                           N_("page %zu: the top margin is %.1f mm; it must be 20–25 mm"), pg,
                           mm(mt)))
            return false;
    }
    if (mb < KS_MM(20) - TOL) {
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_BOTTOM, pg, bottom->box,
                           N_("page %zu: text reaches %.1f mm from the bottom edge; the bottom "
                              "margin must be 20–25 mm"),
                           pg, mm(mb)))
            return false;
    } else if (index + 1 < npages && mb > KS_MM(25) + TOL + 2.4 * maxsize) {
        strip = (ks_pdf_rect){c.x0, c.y0, c.x1, bottom->box.y0};
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_BOTTOM, pg, strip,
                           N_("page %zu: the text stops %.1f mm above the bottom edge; the "
                              "bottom margin must be 20–25 mm"),
                           pg, mm(mb)))
            return false;
    }
    if (ml < KS_MM(30) - TOL) {
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_LEFT, pg, left->box,
                           N_("page %zu: text starts %.1f mm from the left edge; the left "
                              "margin must be 30–35 mm"),
                           pg, mm(ml)))
            return false;
    } else if (ml > KS_MM(35) + TOL && aligned(p, left->box.x0, true) >= EDGE_LINES) {
        strip = (ks_pdf_rect){c.x0, c.y0, left->box.x0, c.y1};
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_LEFT, pg, strip,
                           N_("page %zu: the left margin is %.1f mm; it must be 30–35 mm"), pg,
                           mm(ml)))
            return false;
    }
    if (mr < KS_MM(15) - TOL) {
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_RIGHT, pg, right->box,
                           N_("page %zu: text reaches %.1f mm from the right edge; the right "
                              "margin must be 15–20 mm"),
                           pg, mm(mr)))
            return false;
    } else if (mr > KS_MM(20) + TOL && aligned(p, right->box.x1, false) >= EDGE_LINES) {
        strip = (ks_pdf_rect){right->box.x1, c.y0, c.x1, c.y1};
        if (!ks_docfmt_add(r, KS_DOCFMT_MARGIN_RIGHT, pg, strip,
                           N_("page %zu: the right margin is %.1f mm; it must be 15–20 mm"), pg,
                           mm(mr)))
            return false;
    }
    return true;
}
