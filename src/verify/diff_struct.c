/* verify/diff_struct.c — the structure tree of a tagged document (ISO 32000-2 §14.7) after
 * signing. Signing or commenting a tagged document adds a structure element (/S /Form or
 * /Annot) whose /OBJR points to the new widget or annotation, hangs it into an existing
 * element's /K, and records it in the /ParentTree (/ParentTreeNextKey grows). That is allowed
 * when everything added refers only to objects the signed revision did not have; marked
 * content of the pages (MCIDs) or existing objects may not be re-tagged (the tags are what a
 * screen reader says: /Alt, /ActualText). */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define KS_VF_MAX_STRUCT_DEPTH 16

static bool is_new(ks_vf_diff_run *x, uint32_t num)
{
    return ks_pdf_object_revision(x->dr, num) < 0;
}

/* Everything `o` refers to (back-links and the page aside) is new; `in_k`: inside a /K. */
static bool refs_only_new(ks_vf_diff_run *x, const ks_pdf_obj *o, bool in_k, int depth)
{
    if (!o || depth > KS_VF_MAX_STRUCT_DEPTH)
        return o == NULL;
    switch (o->type) {
    case KS_PDF_REF:
        return is_new(x, o->u.ref.num);
    case KS_PDF_INT:
        return !in_k; /* an integer in /K is a marked-content id of a page's content */
    case KS_PDF_ARRAY:
        for (size_t i = 0; i < o->u.arr.len; i++)
            if (!refs_only_new(x, o->u.arr.items[i], in_k, depth + 1))
                return false;
        return true;
    case KS_PDF_DICT:
        for (size_t i = 0; i < o->u.dict.len; i++) {
            const char *k = o->u.dict.entries[i].key;
            if (!strcmp(k, "P") || !strcmp(k, "Pg") || !strcmp(k, "Parent") || !strcmp(k, "Type") ||
                !strcmp(k, "S"))
                continue;
            if (!strcmp(k, "MCID") || !strcmp(k, "Stm") || !strcmp(k, "StmOwn"))
                return false;
            if (!refs_only_new(x, o->u.dict.entries[i].value, !strcmp(k, "K"), depth + 1))
                return false;
        }
        return true;
    case KS_PDF_STREAM:
        return false;
    default:
        return true;
    }
}

/* The value `vb` keeps `va` (an array, or one item) as its beginning and adds only items that
 * refer to new objects. The same indirect object on both sides is judged on its own. */
static bool grows_with_new(ks_vf_diff_run *x, ks_pdf_obj *va, ks_pdf_obj *vb, bool in_k)
{
    if (!va && !vb)
        return true;
    if (va && vb && ks_vf_equal(x->dr, va, x->dk, vb))
        return true;
    if (!vb)
        return false;
    ks_pdf_obj *rb = ks_pdf_resolve(x->dk, vb, NULL);
    ks_pdf_obj *ra = va ? ks_pdf_resolve(x->dr, va, NULL) : NULL;
    if (vb->type == KS_PDF_REF && is_new(x, vb->u.ref.num) && rb->type == KS_PDF_ARRAY && ra &&
        ra->type == KS_PDF_ARRAY) {
        /* a new array object replacing an old one: compare their items */
        va = ra;
    } else if (vb->type == KS_PDF_REF) {
        return false;
    }
    if (rb->type != KS_PDF_ARRAY)
        return !va && refs_only_new(x, rb, in_k, 0);
    size_t nb = 0;
    if (va && va->type == KS_PDF_ARRAY) {
        nb = va->u.arr.len;
        if (rb->u.arr.len < nb)
            return false;
        for (size_t i = 0; i < nb; i++)
            if (!ks_vf_equal(x->dr, va->u.arr.items[i], x->dk, rb->u.arr.items[i]))
                return false;
    } else if (va) {
        /* one kid became an array of kids, the old one first */
        if (!rb->u.arr.len || !ks_vf_equal(x->dr, va, x->dk, rb->u.arr.items[0]))
            return false;
        nb = 1;
    }
    for (size_t i = nb; i < rb->u.arr.len; i++)
        if (!refs_only_new(x, rb->u.arr.items[i], in_k, 0))
            return false;
    return true;
}

static const char *const k_struct_ok =
    N_("the structure tree (tags) was extended for a new signature or annotation");
static const char *const k_struct_bad =
    N_("the structure tree (tags) of content that existed at signing was changed");

void ks_vf_judge_struct(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *a, ks_pdf_obj *b)
{
    static const char *const skip[] = {"K",      "ParentTree", "ParentTreeNextKey", "Nums", "Kids",
                                       "Limits", NULL};
    bool ok = false;
    const char *key;
    if (a && b && a->type == KS_PDF_DICT && b->type == KS_PDF_DICT) {
        ok = ks_vf_dict_eq_except(x->dr, a, x->dk, b, skip, &key) &&
             grows_with_new(x, ks_pdf_dict_get(a, "K"), ks_pdf_dict_get(b, "K"), true) &&
             grows_with_new(x, ks_pdf_dict_get(a, "Nums"), ks_pdf_dict_get(b, "Nums"), false) &&
             grows_with_new(x, ks_pdf_dict_get(a, "Kids"), ks_pdf_dict_get(b, "Kids"), false);
        /* the parent tree may be replaced by a new one that keeps every old entry */
        ks_pdf_obj *pa = ks_pdf_dict_get(a, "ParentTree"), *pb = ks_pdf_dict_get(b, "ParentTree");
        if (ok && !ks_vf_equal(x->dr, pa, x->dk, pb))
            ok = pb && pb->type == KS_PDF_REF && pa && pa->type == KS_PDF_REF &&
                 pa->u.ref.num == pb->u.ref.num;
    } else if (a && b && a->type == KS_PDF_ARRAY && b->type == KS_PDF_ARRAY) {
        /* an indirect /K or /Nums array: which of the two is not known here; MCIDs in /K are
         * refused by the element that holds it when it is new, and an integer added to an
         * old array is allowed only as a /Nums key followed by a new element */
        ok = grows_with_new(x, a, b, false);
        for (size_t i = a->u.arr.len; ok && i < b->u.arr.len; i++)
            if (b->u.arr.items[i]->type == KS_PDF_INT &&
                (i + 1 >= b->u.arr.len || b->u.arr.items[i + 1]->type != KS_PDF_REF))
                ok = false;
    }
    ks_vf_note(x, num, gen, ok, ok ? k_struct_ok : k_struct_bad, 0);
}

void ks_vf_judge_struct_new(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *b)
{
    bool ok =
        b && (b->type == KS_PDF_DICT || b->type == KS_PDF_ARRAY) && refs_only_new(x, b, false, 0);
    ks_vf_note(x, num, gen, ok, ok ? k_struct_ok : k_struct_bad, 0);
}
