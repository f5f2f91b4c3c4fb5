/* sign/tagging.c — signing a tagged document (ISO 32000-2 §14.7, §14.8; PDF/UA) keeps it
 * tagged: the new signature widget gets a /Form structure element with an object reference
 * (/OBJR) to it, hung under the document's top element, and a /StructParent entry in the
 * parent tree, as Acrobat and iText do. The verifier accepts exactly this (verify/diff_struct.c).
 * A parent tree that cannot be extended (no indirect rightmost leaf) leaves the widget untagged. */
#include <string.h>

#include "sign_internal.h"

#define KS_TAG_MAX_DEPTH 32 /* levels of the parent tree followed down to its last leaf */

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

/* Appends `item` to the kids value `k` (absent, one kid, or an array), returned new. */
static ks_pdf_obj *kids_plus(ks_pdf_doc *doc, ks_arena *a, ks_pdf_obj *k, ks_pdf_obj *item)
{
    ks_pdf_obj *r = k ? ks_pdf_resolve(doc, k, NULL) : NULL;
    ks_pdf_obj *arr = r && r->type == KS_PDF_ARRAY ? ks_pdf_copy(a, r) : ks_pdf_new_array(a);
    if (!arr)
        return NULL;
    if (k && (!r || r->type != KS_PDF_ARRAY) && !ks_pdf_array_push(a, arr, k))
        return NULL;
    return ks_pdf_array_push(a, arr, item) ? arr : NULL;
}

ks_status ks_sign_tag_widget(ks_pdf_doc *doc, ks_pdf_update *u, ks_pdf_obj *widget,
                             uint32_t widget_num, ks_pdf_ref page, ks_error *err)
{
    ks_arena *a = ks_pdf_arena(doc);
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *root_v = cat ? ks_pdf_dict_get(cat, "StructTreeRoot") : NULL;
    ks_pdf_obj *root = root_v ? ks_pdf_resolve(doc, root_v, NULL) : NULL;
    if (!root_v || root_v->type != KS_PDF_REF || !root || root->type != KS_PDF_DICT)
        return KS_OK; /* not tagged */
    ks_pdf_obj *pt_v = ks_pdf_dict_get(root, "ParentTree");
    ks_pdf_obj *pt = pt_v ? ks_pdf_resolve(doc, pt_v, NULL) : NULL;
    if (pt_v && (!pt || pt->type != KS_PDF_DICT))
        return KS_OK;
    /* A number tree with intermediate nodes (§7.9.7): the new key, the highest, goes into the
     * rightmost leaf, and the /Limits on the way down grow to it. */
    ks_pdf_ref path[KS_TAG_MAX_DEPTH];
    ks_pdf_obj *pathd[KS_TAG_MAX_DEPTH];
    size_t depth = 0;
    ks_pdf_obj *leaf = pt;
    while (leaf && ks_pdf_dict_get(leaf, "Kids")) {
        ks_pdf_obj *kids = ks_pdf_dict_getr(doc, leaf, "Kids");
        if (depth == KS_TAG_MAX_DEPTH || !kids || kids->type != KS_PDF_ARRAY || !kids->u.arr.len ||
            kids->u.arr.items[kids->u.arr.len - 1]->type != KS_PDF_REF)
            return KS_OK; /* not a tree we can extend: the widget stays untagged */
        path[depth] = kids->u.arr.items[kids->u.arr.len - 1]->u.ref;
        leaf = ks_pdf_resolve(doc, kids->u.arr.items[kids->u.arr.len - 1], NULL);
        if (!leaf || leaf->type != KS_PDF_DICT)
            return KS_OK;
        pathd[depth++] = leaf;
    }
    ks_pdf_obj *nums_v = leaf ? ks_pdf_dict_get(leaf, "Nums") : NULL;
    ks_pdf_obj *nums = nums_v ? ks_pdf_resolve(doc, nums_v, NULL) : NULL;
    /* the next free key: /ParentTreeNextKey, else one past the highest key in /Nums */
    int64_t key = 0;
    if (!ks_pdf_get_int(ks_pdf_dict_getr(doc, root, "ParentTreeNextKey"), &key)) {
        for (size_t i = 0; nums && nums->type == KS_PDF_ARRAY && i + 1 < nums->u.arr.len; i += 2) {
            int64_t k;
            if (ks_pdf_get_int(nums->u.arr.items[i], &k) && k >= key)
                key = k + 1;
        }
    }
    if (key < 0 || key >= INT32_MAX)
        return KS_OK;

    /* the element hangs under the document's one top element, else under the root */
    ks_pdf_obj *top = ks_pdf_dict_get(root, "K");
    ks_pdf_obj *topr = top ? ks_pdf_resolve(doc, top, NULL) : NULL;
    if (topr && topr->type == KS_PDF_ARRAY && topr->u.arr.len == 1) {
        top = topr->u.arr.items[0];
        topr = ks_pdf_resolve(doc, top, NULL);
    }
    bool under_top = top && top->type == KS_PDF_REF && topr && topr->type == KS_PDF_DICT &&
                     ks_pdf_dict_get(topr, "S");
    ks_pdf_ref parent = under_top ? top->u.ref : root_v->u.ref;

    uint32_t elem = ks_pdf_update_alloc(u);
    ks_pdf_obj *e = ks_pdf_new_dict(a), *objr = ks_pdf_new_dict(a);
    bool ok = e && objr && ks_pdf_dict_put(a, objr, "Type", ks_pdf_new_name(a, "OBJR")) &&
              ks_pdf_dict_put(a, objr, "Obj", ks_pdf_new_ref(a, widget_num, 0)) &&
              ks_pdf_dict_put(a, objr, "Pg", ks_pdf_new_ref(a, page.num, page.gen)) &&
              ks_pdf_dict_put(a, e, "Type", ks_pdf_new_name(a, "StructElem")) &&
              ks_pdf_dict_put(a, e, "S", ks_pdf_new_name(a, "Form")) &&
              ks_pdf_dict_put(a, e, "P", ks_pdf_new_ref(a, parent.num, parent.gen)) &&
              ks_pdf_dict_put(a, e, "Pg", ks_pdf_new_ref(a, page.num, page.gen)) &&
              ks_pdf_dict_put(a, e, "K", objr) &&
              ks_pdf_dict_put(a, widget, "StructParent", ks_pdf_new_int(a, key));
    if (!ok)
        return nomem(err);
    ks_status st = ks_pdf_update_put(u, elem, 0, e, err);
    if (st != KS_OK)
        return st;

    ks_pdf_obj *nroot = ks_pdf_copy(a, root);
    if (!nroot || !ks_pdf_dict_put(a, nroot, "ParentTreeNextKey", ks_pdf_new_int(a, key + 1)))
        return nomem(err);
    /* the parent's /K (an indirect kids array is re-put on its own) */
    ks_pdf_obj *pdict = under_top ? ks_pdf_copy(a, topr) : nroot;
    ks_pdf_obj *pk = pdict ? ks_pdf_dict_get(pdict, "K") : NULL;
    ks_pdf_obj *nk = pdict ? kids_plus(doc, a, pk, ks_pdf_new_ref(a, elem, 0)) : NULL;
    if (!nk)
        return nomem(err);
    if (pk && pk->type == KS_PDF_REF && ks_pdf_resolve(doc, pk, NULL)->type == KS_PDF_ARRAY) {
        if ((st = ks_pdf_update_put(u, pk->u.ref.num, pk->u.ref.gen, nk, err)) != KS_OK)
            return st;
    } else if (!ks_pdf_dict_put(a, pdict, "K", nk)) {
        return nomem(err);
    }
    if (under_top && (st = ks_pdf_update_put(u, parent.num, parent.gen, pdict, err)) != KS_OK)
        return st;

    /* the parent tree: key -> the element */
    ks_pdf_obj *nn =
        nums && nums->type == KS_PDF_ARRAY ? ks_pdf_copy(a, nums) : ks_pdf_new_array(a);
    if (!nn || !ks_pdf_array_push(a, nn, ks_pdf_new_int(a, key)) ||
        !ks_pdf_array_push(a, nn, ks_pdf_new_ref(a, elem, 0)))
        return nomem(err);
    /* intermediate nodes and the leaf: /Limits [low key] */
    for (size_t i = 0; i < depth; i++) {
        ks_pdf_obj *nd = ks_pdf_copy(a, pathd[i]);
        ks_pdf_obj *lim = ks_pdf_dict_getr(doc, pathd[i], "Limits");
        ks_pdf_obj *nl = ks_pdf_new_array(a);
        int64_t lo = key;
        if (lim && lim->type == KS_PDF_ARRAY && lim->u.arr.len == 2)
            ks_pdf_get_int(lim->u.arr.items[0], &lo);
        if (!nd || !nl || !ks_pdf_array_push(a, nl, ks_pdf_new_int(a, lo)) ||
            !ks_pdf_array_push(a, nl, ks_pdf_new_int(a, key)) ||
            !ks_pdf_dict_put(a, nd, "Limits", nl) ||
            (i + 1 == depth && !(nums_v && nums_v->type == KS_PDF_REF) &&
             !ks_pdf_dict_put(a, nd, "Nums", nn)))
            return nomem(err);
        if ((st = ks_pdf_update_put(u, path[i].num, path[i].gen, nd, err)) != KS_OK)
            return st;
    }
    if (nums_v && nums_v->type == KS_PDF_REF && nums && nums->type == KS_PDF_ARRAY) {
        st = ks_pdf_update_put(u, nums_v->u.ref.num, nums_v->u.ref.gen, nn, err);
    } else if (depth) {
        st = KS_OK; /* the leaf was re-put above */
    } else {
        ks_pdf_obj *npt = pt ? ks_pdf_copy(a, pt) : ks_pdf_new_dict(a);
        if (!npt || !ks_pdf_dict_put(a, npt, "Nums", nn))
            return nomem(err);
        if (pt_v && pt_v->type == KS_PDF_REF) {
            st = ks_pdf_update_put(u, pt_v->u.ref.num, pt_v->u.ref.gen, npt, err);
        } else {
            uint32_t ptn = ks_pdf_update_alloc(u);
            st = ks_pdf_update_put(u, ptn, 0, npt, err);
            if (st == KS_OK && !ks_pdf_dict_put(a, nroot, "ParentTree", ks_pdf_new_ref(a, ptn, 0)))
                st = nomem(err);
        }
    }
    if (st != KS_OK)
        return st;
    return ks_pdf_update_put(u, root_v->u.ref.num, root_v->u.ref.gen, nroot, err);
}
