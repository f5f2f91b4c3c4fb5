/* Finds the visible widget of the last signature in a file (requirements.md §4.2: the seal goes
 * over the personal signature), walking the AcroForm field tree (ISO 32000-2 §12.7.4) with
 * bounded depth and count. */
#include <string.h>

#include "appear.h"

typedef struct walk {
    ks_pdf_doc *doc;
    long best_rev;
    size_t best_order, order;
    bool found;
    ks_pdf_rect rect;
    ks_pdf_ref widget, page;
    bool has_page;
} walk;

static bool rect_of(ks_pdf_doc *doc, ks_pdf_obj *d, ks_pdf_rect *r)
{
    ks_pdf_obj *a = ks_pdf_dict_getr(doc, d, "Rect");
    double v[4];
    if (!a || a->type != KS_PDF_ARRAY || a->u.arr.len != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!ks_pdf_get_num(ks_pdf_resolve(doc, a->u.arr.items[i], NULL), &v[i]))
            return false;
    r->x0 = v[0] < v[2] ? v[0] : v[2];
    r->x1 = v[0] < v[2] ? v[2] : v[0];
    r->y0 = v[1] < v[3] ? v[1] : v[3];
    r->y1 = v[1] < v[3] ? v[3] : v[1];
    return r->x1 - r->x0 > 0.5 && r->y1 - r->y0 > 0.5;
}

static void consider(walk *w, ks_pdf_obj *widget, ks_pdf_obj *wref, long rev)
{
    ks_pdf_rect r;
    w->order++;
    if (!rect_of(w->doc, widget, &r))
        return;
    if (w->found && rev < w->best_rev)
        return;
    w->found = true;
    w->best_rev = rev;
    w->best_order = w->order;
    w->rect = r;
    w->widget = wref && wref->type == KS_PDF_REF ? wref->u.ref : (ks_pdf_ref){0, 0};
    ks_pdf_obj *p = ks_pdf_dict_get(widget, "P");
    w->has_page = p && p->type == KS_PDF_REF;
    if (w->has_page)
        w->page = p->u.ref;
}

/* A signed signature field: its widgets (or itself, when merged with its widget). */
static ks_status visit(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    (void)err;
    walk *w = ctx;
    ks_pdf_obj *v = ks_pdf_dict_get(n->dict, "V");
    if (!n->is_sig || !v)
        return KS_OK;
    long rev = v->type == KS_PDF_REF ? ks_pdf_object_revision(w->doc, v->u.ref.num) : -1;
    ks_pdf_obj *kids = ks_pdf_dict_getr(w->doc, n->dict, "Kids");
    if (kids && kids->type == KS_PDF_ARRAY) {
        for (size_t i = 0; i < kids->u.arr.len; i++) {
            ks_pdf_obj *k = ks_pdf_resolve(w->doc, kids->u.arr.items[i], NULL);
            if (k && k->type == KS_PDF_DICT)
                consider(w, k, kids->u.arr.items[i], rev);
        }
    } else {
        ks_pdf_obj self = {0};
        self.type = KS_PDF_REF;
        self.u.ref = n->ref;
        consider(w, n->dict, n->ref.num ? &self : NULL, rev);
    }
    return KS_OK;
}

/* Index of the page whose /Annots holds `widget` (used when the widget lacks /P) or whose
 * reference is `page`. */
static ks_status page_index(ks_pdf_doc *doc, const walk *w, size_t *index, bool *ok, ks_error *err)
{
    size_t count = 0;
    *ok = false;
    ks_status st = ks_pdf_page_count(doc, &count, err);
    if (st != KS_OK)
        return st;
    for (size_t i = 0; i < count; i++) {
        ks_pdf_obj *pg = NULL;
        ks_pdf_ref ref;
        st = ks_pdf_page(doc, i, &pg, &ref, err);
        if (st != KS_OK)
            return st;
        if (w->has_page && ref.num == w->page.num && ref.gen == w->page.gen) {
            *index = i;
            *ok = true;
            return KS_OK;
        }
        ks_pdf_obj *annots = ks_pdf_dict_getr(doc, pg, "Annots");
        if (!annots || annots->type != KS_PDF_ARRAY || !w->widget.num)
            continue;
        for (size_t j = 0; j < annots->u.arr.len; j++) {
            ks_pdf_obj *a = annots->u.arr.items[j];
            if (a->type == KS_PDF_REF && a->u.ref.num == w->widget.num) {
                *index = i;
                *ok = true;
                return KS_OK;
            }
        }
    }
    return KS_OK;
}

ks_status ks_appear_last_signature(ks_pdf_doc *doc, size_t *page, ks_pdf_rect *rect, bool *found,
                                   ks_error *err)
{
    walk w;
    memset(&w, 0, sizeof w);
    w.doc = doc;
    *found = false;
    ks_status st = ks_pdf_field_walk(doc, visit, &w, err);
    if (st != KS_OK)
        return st;
    if (!w.found)
        return KS_OK;
    bool ok = false;
    st = page_index(doc, &w, page, &ok, err);
    if (st != KS_OK)
        return st;
    *found = ok;
    *rect = w.rect;
    return KS_OK;
}
