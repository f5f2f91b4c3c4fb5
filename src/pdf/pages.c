/* pdf/pages.c — the page tree (ISO 32000-2 §7.7.3): flattened once into a list of page
 * references with cycle and depth checks, inheritable attributes and page geometry. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KS_PDF_MAX_TREE_DEPTH 64

typedef struct walk {
    ks_pdf_doc *doc;
    uint8_t *seen; /* bitmap over object numbers */
    uint32_t root; /* object number of the tree's root */
    ks_pdf_ref *list;
    size_t n, cap;
} walk;

static ks_status add_page(walk *w, ks_pdf_ref r, ks_error *err)
{
    if (w->n >= KS_PDF_MAX_PAGES)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: more than %d pages"), w->doc->name,
                            KS_PDF_MAX_PAGES);
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        ks_pdf_ref *l = realloc(w->list, cap * sizeof *l);
        if (!l)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        w->list = l;
        w->cap = cap;
    }
    w->list[w->n++] = r;
    return KS_OK;
}

/* The /Parent chain of a page is what attribute inheritance follows (MediaBox, Resources):
 * a reader walks it, not /Kids. It must end at the root of the tree within the depth limit;
 * a chain that loops or wanders elsewhere makes two readers inherit different attributes, so
 * the strict reader refuses it (ISO 32000-2 §7.7.3.2, §7.7.3.4). Repair mode tolerates it. */
static ks_status check_parents(walk *w, ks_pdf_obj *page, uint32_t page_num, ks_error *err)
{
    ks_pdf_doc *doc = w->doc;
    ks_pdf_obj *node = page;
    uint32_t at = page_num;
    for (int d = 0; d <= KS_PDF_MAX_TREE_DEPTH + 1; d++) {
        ks_pdf_obj *pr = ks_pdf_dict_get(node, "Parent");
        if (!pr)
            return at == w->root || at == page_num
                       ? KS_OK
                       : ks_error_set(err, KS_E_FORMAT,
                                      N_("%s: the /Parent chain of page object %u ends at "
                                         "object %u, not at the page tree's root"),
                                      doc->name, page_num, at);
        if (pr->type != KS_PDF_REF)
            break;
        at = pr->u.ref.num;
        node = ks_pdf_resolve(doc, pr, NULL);
        if (!node || node->type != KS_PDF_DICT)
            break;
    }
    return ks_error_set(err, KS_E_FORMAT,
                        N_("%s: the /Parent chain of page object %u loops or is broken (at object "
                           "%u)"),
                        doc->name, page_num, at);
}

static ks_status walk_node(walk *w, ks_pdf_obj *ref, int depth, ks_error *err)
{
    ks_pdf_doc *doc = w->doc;
    if (ref->type != KS_PDF_REF)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: page tree entry is not an indirect reference"), doc->name);
    uint32_t num = ref->u.ref.num;
    if (depth > KS_PDF_MAX_TREE_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: page tree deeper than %d levels at object %u"),
                            doc->name, KS_PDF_MAX_TREE_DEPTH, num);
    if (num >= doc->nslots)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: page tree refers to missing object %u"),
                            doc->name, num);
    if (w->seen[num / 8] & (1u << (num % 8)))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: page tree visits object %u twice (cycle or shared node)"),
                            doc->name, num);
    w->seen[num / 8] |= (uint8_t)(1u << (num % 8));
    ks_pdf_obj *node;
    ks_status st = ks_pdf_get(doc, num, ref->u.ref.gen, &node, err);
    if (st)
        return st;
    if (node->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: page tree node %u is not a dictionary"),
                            doc->name, num);
    ks_pdf_obj *type = ks_pdf_dict_getr(doc, node, "Type");
    ks_pdf_obj *kids = ks_pdf_dict_getr(doc, node, "Kids");
    if (ks_pdf_is_name(type, "Pages") || (!type && kids && kids->type == KS_PDF_ARRAY)) {
        if (!kids || kids->type != KS_PDF_ARRAY)
            return ks_error_set(err, KS_E_FORMAT, N_("%s: page tree node %u has no /Kids array"),
                                doc->name, num);
        for (size_t i = 0; i < kids->u.arr.len; i++) {
            st = walk_node(w, kids->u.arr.items[i], depth + 1, err);
            if (st)
                return st;
        }
        return KS_OK;
    }
    if (!ks_pdf_is_name(type, "Page") && doc->opts.mode != KS_PDF_REPAIR)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: page tree node %u is neither /Page nor /Pages"), doc->name,
                            num);
    if (doc->opts.mode != KS_PDF_REPAIR) {
        st = check_parents(w, node, num, err);
        if (st)
            return st;
    }
    return add_page(w, ref->u.ref, err);
}

static ks_status build(ks_pdf_doc *doc, ks_error *err)
{
    if (doc->pages_done)
        return KS_OK;
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    if (!cat && ks_pdf_budget_error(doc, err))
        return KS_E_LIMIT;
    if (!cat)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: the document catalog is missing"), doc->name);
    ks_pdf_obj *root = ks_pdf_dict_get(cat, "Pages");
    if (!root)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: the catalog has no /Pages"), doc->name);
    walk w = {doc, calloc((size_t)doc->nslots / 8 + 1, 1), 0, NULL, 0, 0};
    if (root->type == KS_PDF_REF)
        w.root = root->u.ref.num;
    if (!w.seen)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = walk_node(&w, root, 0, err);
    if (st && ks_pdf_budget_error(doc, err))
        st = KS_E_LIMIT;
    free(w.seen);
    if (st) {
        free(w.list);
        return st;
    }
    doc->pages = w.list;
    doc->npages = w.n;
    doc->pages_done = true;
    return KS_OK;
}

ks_status ks_pdf_page_count(ks_pdf_doc *doc, size_t *count, ks_error *err)
{
    *count = 0;
    ks_status st = build(doc, err);
    if (!st)
        *count = doc->npages;
    return st;
}

ks_status ks_pdf_page(ks_pdf_doc *doc, size_t index, ks_pdf_obj **page, ks_pdf_ref *ref,
                      ks_error *err)
{
    ks_status st = build(doc, err);
    if (st)
        return st;
    if (index >= doc->npages)
        return ks_error_set(err, KS_E_USAGE, N_("%s: no page %zu (the document has %zu)"),
                            doc->name, index + 1, doc->npages);
    ks_pdf_obj *p;
    st = ks_pdf_get(doc, doc->pages[index].num, doc->pages[index].gen, &p, err);
    if (st)
        return st;
    if (page)
        *page = p;
    if (ref)
        *ref = doc->pages[index];
    return KS_OK;
}

ks_pdf_obj *ks_pdf_page_attr(ks_pdf_doc *doc, ks_pdf_obj *page, const char *key)
{
    ks_pdf_obj *node = page;
    for (int d = 0; node && node->type == KS_PDF_DICT && d <= KS_PDF_MAX_TREE_DEPTH; d++) {
        ks_pdf_obj *v = ks_pdf_dict_get(node, key);
        if (v) {
            v = ks_pdf_resolve(doc, v, NULL);
            return v->type == KS_PDF_NULL ? NULL : v;
        }
        node = ks_pdf_dict_getr(doc, node, "Parent");
    }
    return NULL;
}

static bool get_rect(ks_pdf_doc *doc, ks_pdf_obj *a, ks_pdf_rect *r)
{
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
    return true;
}

ks_status ks_pdf_page_geometry(ks_pdf_doc *doc, ks_pdf_obj *page, ks_pdf_rect *media,
                               ks_pdf_rect *crop, int *rotate, ks_error *err)
{
    ks_pdf_rect m, c;
    ks_pdf_obj *mb = ks_pdf_page_attr(doc, page, "MediaBox");
    if (!mb || mb->type == KS_PDF_NULL) {
        /* Required, but inheritable; without one anywhere, the default of ISO 32000-2 Annex
         * C (implementation limits of conforming readers): US Letter. */
        ks_pdf_doc *base = doc->parent ? doc->parent : doc;
        if (!base->warned_mediabox) {
            base->warned_mediabox = true;
            ks_pdf_warn(base,
                        N_("%s: a page has no /MediaBox (object at byte offset %llu); US Letter "
                           "(612 x 792 pt) is assumed"),
                        base->name, (unsigned long long)(page ? page->start : 0));
        }
        m = (ks_pdf_rect){0, 0, 612, 792};
    } else if (!get_rect(doc, mb, &m)) {
        if (doc->opts.mode != KS_PDF_REPAIR)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: page has no valid /MediaBox (object at byte offset %llu)"),
                                doc->name, (unsigned long long)(page ? page->start : 0));
        m = (ks_pdf_rect){0, 0, 595.276, 841.89}; /* A4 */
    }
    if (!get_rect(doc, ks_pdf_page_attr(doc, page, "CropBox"), &c)) {
        c = m;
    } else {
        c.x0 = c.x0 < m.x0 ? m.x0 : c.x0;
        c.y0 = c.y0 < m.y0 ? m.y0 : c.y0;
        c.x1 = c.x1 > m.x1 ? m.x1 : c.x1;
        c.y1 = c.y1 > m.y1 ? m.y1 : c.y1;
        if (c.x1 < c.x0 || c.y1 < c.y0)
            c = m;
    }
    int64_t rot = 0;
    ks_pdf_get_int(ks_pdf_page_attr(doc, page, "Rotate"), &rot);
    rot %= 360;
    if (rot < 0)
        rot += 360;
    if (rot % 90)
        rot = 0;
    if (media)
        *media = m;
    if (crop)
        *crop = c;
    if (rotate)
        *rotate = (int)rot;
    return KS_OK;
}
