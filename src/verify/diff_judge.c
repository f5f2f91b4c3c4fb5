/* verify/diff_judge.c — the judges of the difference analysis: whether a change or an added
 * object is allowed after a signature: new signatures, DSS, document timestamps and (as /DocMDP
 * permits) form fill or annotations are; anything that changes what a page shows, the page tree
 * or the catalog is not (ISO 32000-2 §12.8.2.2). Also shadow attacks and the trailer. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

bool ks_vf_is_struct_stream(const ks_pdf_obj *o)
{
    if (!o || o->type != KS_PDF_STREAM)
        return false;
    const ks_pdf_obj *t = ks_pdf_dict_get(o->u.stream.dict, "Type");
    return ks_pdf_is_name(t, "XRef") || ks_pdf_is_name(t, "ObjStm");
}

/* True when the dictionaries `a` and `b` agree on every key except those in `skip`. Puts the
 * first differing key in *diffkey. */
static bool dict_eq_except(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                           const char *const *skip, const char **diffkey)
{
    *diffkey = NULL;
    if (!a || !b || a->type != KS_PDF_DICT || b->type != KS_PDF_DICT)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        const ks_pdf_obj *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->u.dict.len; i++) {
            const char *k = x->u.dict.entries[i].key;
            bool skipped = false;
            for (size_t j = 0; skip && skip[j]; j++)
                if (!strcmp(skip[j], k))
                    skipped = true;
            if (skipped)
                continue;
            const ks_pdf_obj *yv = ks_pdf_dict_get(y, k);
            if (!yv || !(pass ? ks_vf_equal(db, x->u.dict.entries[i].value, da, yv)
                              : ks_vf_equal(da, x->u.dict.entries[i].value, db, yv))) {
                *diffkey = k;
                return false;
            }
        }
    }
    return true;
}

/* The array `now` keeps every entry of `before` (in order) and only adds: returns the number of
 * added entries, or -1 when an entry was removed or replaced. Added entries that are not
 * references are counted in *direct. */
static long array_grows(ks_pdf_doc *da, const ks_pdf_obj *before, ks_pdf_doc *db,
                        const ks_pdf_obj *now, size_t *direct)
{
    *direct = 0;
    size_t nb = before && before->type == KS_PDF_ARRAY ? before->u.arr.len : 0;
    if (!now || now->type != KS_PDF_ARRAY) {
        return nb == 0 && (!now || now->type == KS_PDF_NULL) ? 0 : -1;
    }
    if (now->u.arr.len < nb)
        return -1;
    for (size_t i = 0; i < nb; i++)
        if (!ks_vf_equal(da, before->u.arr.items[i], db, now->u.arr.items[i]))
            return -1;
    for (size_t i = nb; i < now->u.arr.len; i++)
        if (now->u.arr.items[i]->type != KS_PDF_REF)
            (*direct)++;
    return (long)(now->u.arr.len - nb);
}

/* Objects newly referenced from an array that grew must be new themselves or allowed in their
 * new role: an old, hidden object made visible is a shadow attack (checked in check_shown). */

static void judge_page(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                       const ks_pdf_obj *b, unsigned page)
{
    static const char *const skip[] = {"Annots", NULL};
    const char *key;
    if (!dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
        if (key && !strcmp(key, "Contents"))
            ks_vf_note(x, num, gen, false, N_("the content of page %u was replaced"), page);
        else if (key && !strcmp(key, "Resources"))
            ks_vf_note(x, num, gen, false,
                       N_("the resources (fonts, images) of page %u were replaced"), page);
        else
            ks_vf_note(x, num, gen, false, N_("the dictionary of page %u was changed"), page);
        return;
    }
    const ks_pdf_obj *aa = ks_pdf_dict_get(a, "Annots"), *ba = ks_pdf_dict_get(b, "Annots");
    if (aa && ba && aa->type == KS_PDF_REF && ba->type == KS_PDF_REF) {
        bool same = aa->u.ref.num == ba->u.ref.num;
        ks_vf_note(x, num, gen, same,
                   same ? N_("page %u was rewritten without a visible change")
                        : N_("the annotation list of page %u was replaced"),
                   page);
        return;
    }
    size_t direct = 0;
    long added = array_grows(x->dr, ks_pdf_resolve(x->dr, (ks_pdf_obj *)aa, NULL), x->dk,
                             ks_pdf_resolve(x->dk, (ks_pdf_obj *)ba, NULL), &direct);
    if (added < 0)
        ks_vf_note(x, num, gen, x->p == 3, N_("annotations of page %u were removed or replaced"),
                   page);
    else if (direct)
        ks_vf_note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
    else if (added)
        ks_vf_note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"),
                   page);
    else
        ks_vf_note(x, num, gen, true, N_("page %u was rewritten without a visible change"), page);
}

static void judge_catalog(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                          const ks_pdf_obj *b)
{
    static const char *const skip[] = {"AcroForm", "DSS", "Extensions", NULL};
    const char *key;
    if (!dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
        ks_vf_change(x->s, x->k1, num, gen, false,
                     N_("the document catalog entry /%s was changed (it can change what the "
                        "document shows or does)"),
                     key ? key : "?");
        x->disallowed++;
        x->listed++;
        return;
    }
    ks_vf_note(x, num, gen, x->p != 1,
               N_("the document catalog was updated for new signatures or validation data"), 0);
}

static void judge_acroform(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                           const ks_pdf_obj *b)
{
    static const char *const skip[] = {"Fields", "SigFlags", "DR", NULL};
    const char *key;
    if (!dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
        ks_vf_note(x, num, gen, x->p >= 2, N_("the interactive form settings were changed"), 0);
        return;
    }
    size_t direct = 0;
    const ks_pdf_obj *fa = ks_pdf_dict_get(a, "Fields"), *fb = ks_pdf_dict_get(b, "Fields");
    if (fa && fb && fa->type == KS_PDF_REF && fb->type == KS_PDF_REF) {
        ks_vf_note(x, num, gen, fa->u.ref.num == fb->u.ref.num,
                   N_("the interactive form was updated for a new signature"), 0);
        return;
    }
    long added = array_grows(x->dr, ks_pdf_resolve(x->dr, (ks_pdf_obj *)fa, NULL), x->dk,
                             ks_pdf_resolve(x->dk, (ks_pdf_obj *)fb, NULL), &direct);
    ks_vf_note(x, num, gen, added >= 0 && !direct,
               added >= 0 ? N_("the interactive form was updated for a new signature")
                          : N_("form fields were removed from the document"),
               0);
}

static double rect_area(ks_pdf_doc *d, ks_pdf_obj *r)
{
    r = ks_pdf_resolve(d, r, NULL);
    double v[4];
    if (!r || r->type != KS_PDF_ARRAY || r->u.arr.len != 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!ks_pdf_get_num(ks_pdf_resolve(d, r->u.arr.items[i], NULL), &v[i]))
            return 0;
    double w = v[2] > v[0] ? v[2] - v[0] : v[0] - v[2];
    double h = v[3] > v[1] ? v[3] - v[1] : v[1] - v[3];
    return w * h;
}

/* A signature widget may draw where it likes: one that paints over a large part of its page is
 * not a signature appearance but a way to change what the page shows ("sneaky signature"). */
#define KS_VF_MAX_WIDGET_SHARE 0.25
#define KS_VF_MAX_WIDGET_AREA 40000.0 /* pt², about 7 x 7 cm: a large seal still fits */

static bool widget_covers(ks_vf_diff_run *x, ks_pdf_obj *w, unsigned *page)
{
    *page = 0;
    if (!w || w->type != KS_PDF_DICT || !ks_pdf_dict_get(w, "Rect"))
        return false;
    double area = rect_area(x->dk, ks_pdf_dict_get(w, "Rect"));
    ks_pdf_obj *pref = ks_pdf_dict_get(w, "P");
    ks_pdf_obj *pg = NULL;
    if (pref && pref->type == KS_PDF_REF && pref->u.ref.num < x->rk.n) {
        pg = ks_pdf_resolve(x->dk, pref, NULL);
        *page = x->rk.page[pref->u.ref.num];
    }
    if (!pg || pg->type != KS_PDF_DICT) {
        ks_pdf_ref r;
        if (ks_pdf_page(x->dk, 0, &pg, &r, NULL) != KS_OK)
            return false;
        *page = 1;
    }
    double parea = rect_area(x->dk, ks_pdf_page_attr(x->dk, pg, "MediaBox"));
    return parea > 0 && area > KS_VF_MAX_WIDGET_SHARE * parea && area > KS_VF_MAX_WIDGET_AREA;
}

/* A field that was an empty signature field at signing may receive its signature later. */
static void judge_empty_sigfield(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                                 ks_pdf_obj *b)
{
    static const char *const skip[] = {"V", "AP", "AS", "MK", "F", "Lock", "SV", NULL};
    const char *key;
    bool ok = dict_eq_except(x->dr, a, x->dk, b, skip, &key);
    unsigned page;
    if (ok && widget_covers(x, (ks_pdf_obj *)b, &page)) {
        ks_vf_note(x, num, gen, false,
                   N_("a signature appearance covers a large part of page %u (it can hide or "
                      "replace the signed content)"),
                   page);
        return;
    }
    ks_vf_note(x, num, gen, ok && x->p != 1,
               ok ? N_("an empty signature field was signed")
                  : N_("an empty signature field was moved or changed"),
               0);
}

void ks_vf_judge_changed(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *a,
                         ks_pdf_obj *b)
{
    ks_vf_role role = (ks_vf_role)x->rr.role[num];
    unsigned page = x->rr.page[num];
    bool deleted = !b;
    switch (role) {
    case KS_ROLE_CATALOG:
        if (deleted || b->type != KS_PDF_DICT)
            ks_vf_note(x, num, gen, false, N_("the document catalog was removed or replaced"), 0);
        else
            judge_catalog(x, num, gen, a, b);
        return;
    case KS_ROLE_PAGES_NODE:
        ks_vf_note(x, num, gen, false,
                   N_("the page tree was changed (pages added, removed or moved)"), 0);
        return;
    case KS_ROLE_PAGE:
        if (deleted || b->type != KS_PDF_DICT)
            ks_vf_note(x, num, gen, false, N_("page %u was removed or replaced"), page);
        else
            judge_page(x, num, gen, a, b, page);
        return;
    case KS_ROLE_CONTENT:
        ks_vf_note(x, num, gen, false, N_("the content of page %u was replaced"), page);
        return;
    case KS_ROLE_RESOURCES:
        ks_vf_note(x, num, gen, false, N_("the resources (fonts, images) of page %u were replaced"),
                   page);
        return;
    case KS_ROLE_FONT:
        ks_vf_note(x, num, gen, false, N_("a font used on page %u was replaced"), page);
        return;
    case KS_ROLE_XOBJECT:
        ks_vf_note(x, num, gen, false, N_("an image or form drawn on page %u was replaced"), page);
        return;
    case KS_ROLE_ANNOTS_ARRAY: {
        size_t direct = 0;
        long added = array_grows(x->dr, a, x->dk, b, &direct);
        if (added < 0)
            ks_vf_note(x, num, gen, x->p == 3,
                       N_("annotations of page %u were removed or replaced"), page);
        else if (direct)
            ks_vf_note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
        else
            ks_vf_note(x, num, gen, true,
                       N_("page %u received new annotations (judged one by one)"), page);
        return;
    }
    case KS_ROLE_ANNOT:
        ks_vf_note(x, num, gen, x->p == 3, N_("an annotation on page %u was changed"), page);
        return;
    case KS_ROLE_PAGE_OTHER:
        ks_vf_note(x, num, gen, false, N_("an object of page %u was changed"), page);
        return;
    case KS_ROLE_ACROFORM:
        if (deleted || b->type != KS_PDF_DICT)
            ks_vf_note(x, num, gen, false, N_("form fields were removed from the document"), 0);
        else
            judge_acroform(x, num, gen, a, b);
        return;
    case KS_ROLE_FIELDS_ARRAY: {
        size_t direct = 0;
        long added = array_grows(x->dr, a, x->dk, b, &direct);
        ks_vf_note(x, num, gen, added >= 0 && !direct,
                   added >= 0 ? N_("the interactive form was updated for a new signature")
                              : N_("form fields were removed from the document"),
                   0);
        return;
    }
    case KS_ROLE_FIELD:
        ks_vf_note(x, num, gen, x->p >= 2 && !deleted, N_("a form field value was changed"), 0);
        return;
    case KS_ROLE_SIGFIELD_EMPTY:
        if (deleted || b->type != KS_PDF_DICT)
            ks_vf_note(x, num, gen, false, N_("an empty signature field was moved or changed"), 0);
        else
            judge_empty_sigfield(x, num, gen, a, b);
        return;
    case KS_ROLE_SIGFIELD:
        ks_vf_note(x, num, gen, false, N_("an already signed field was changed"), 0);
        return;
    case KS_ROLE_SIGVALUE:
        ks_vf_note(x, num, gen, false, N_("the signature dictionary of a signature was changed"),
                   0);
        return;
    case KS_ROLE_SIGAPPEAR:
        /* only acceptable as part of signing an empty field */
        ks_vf_note(x, num, gen, x->p != 1 && !deleted,
                   N_("the appearance of a signature field was redrawn"), 0);
        return;
    case KS_ROLE_INFO:
        ks_vf_note(x, num, gen, true, N_("the document information (title, author) was updated"),
                   0);
        return;
    case KS_ROLE_METADATA:
        ks_vf_note(x, num, gen, true, N_("the document metadata (XMP) was updated"), 0);
        return;
    case KS_ROLE_DSS:
        ks_vf_note(x, num, gen, true, N_("validation data (DSS) was updated"), 0);
        return;
    case KS_ROLE_DANGLING:
        ks_vf_note(x, num, gen, false,
                   N_("an object the signed document referred to but did not contain was defined "
                      "(it changes what the document shows)"),
                   0);
        return;
    case KS_ROLE_OTHER:
        ks_vf_note(x, num, gen, false,
                   N_("an object of the document structure (outline, names, actions, optional "
                      "content, ...) was changed"),
                   0);
        return;
    case KS_ROLE_NONE:
    default:
        break;
    }
}

/* An object that did not exist (or was unused) at signing: judged by its role in revision k. */
void ks_vf_judge_new(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *b, bool existed)
{
    ks_vf_role role = (ks_vf_role)x->rk.role[num];
    unsigned page = x->rk.page[num];
    if ((role == KS_ROLE_SIGFIELD || role == KS_ROLE_SIGFIELD_EMPTY) &&
        widget_covers(x, b, &page)) {
        ks_vf_note(x, num, gen, false,
                   N_("a signature appearance covers a large part of page %u (it can hide or "
                      "replace the signed content)"),
                   page);
        return;
    }
    switch (role) {
    case KS_ROLE_NONE:
        ks_vf_note(x, num, gen, true,
                   existed ? N_("an unused object was changed (not shown anywhere)")
                           : N_("an unused object was added (not shown anywhere)"),
                   0);
        return;
    case KS_ROLE_SIGFIELD:
    case KS_ROLE_SIGFIELD_EMPTY:
        ks_vf_note(x, num, gen, x->p != 1, N_("a new signature field was added"), 0);
        return;
    case KS_ROLE_SIGVALUE:
        ks_vf_note(x, num, gen, x->p != 1, N_("a new signature or document timestamp was added"),
                   0);
        return;
    case KS_ROLE_SIGAPPEAR:
        ks_vf_note(x, num, gen, x->p != 1, N_("the appearance of a new signature was added"), 0);
        return;
    case KS_ROLE_DSS:
        ks_vf_note(x, num, gen, true, N_("validation data (DSS) was added"), 0);
        return;
    case KS_ROLE_INFO:
        ks_vf_note(x, num, gen, true, N_("the document information (title, author) was updated"),
                   0);
        return;
    case KS_ROLE_METADATA:
        ks_vf_note(x, num, gen, true, N_("the document metadata (XMP) was updated"), 0);
        return;
    case KS_ROLE_ACROFORM:
    case KS_ROLE_FIELDS_ARRAY:
        ks_vf_note(x, num, gen, true, N_("the interactive form was updated for a new signature"),
                   0);
        return;
    case KS_ROLE_ANNOTS_ARRAY:
        ks_vf_note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"),
                   page);
        return;
    case KS_ROLE_ANNOT:
        ks_vf_note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
        return;
    case KS_ROLE_FIELD:
        ks_vf_note(x, num, gen, false, N_("a new form field was added"), 0);
        return;
    case KS_ROLE_CATALOG:
        ks_vf_note(x, num, gen, false, N_("the document catalog was removed or replaced"), 0);
        return;
    case KS_ROLE_PAGES_NODE:
        ks_vf_note(x, num, gen, false,
                   N_("the page tree was changed (pages added, removed or moved)"), 0);
        return;
    case KS_ROLE_PAGE:
        ks_vf_note(x, num, gen, false, N_("page %u was added or replaced"), page);
        return;
    case KS_ROLE_CONTENT:
        ks_vf_note(x, num, gen, false, N_("new content was drawn on page %u"), page);
        return;
    case KS_ROLE_RESOURCES:
    case KS_ROLE_FONT:
    case KS_ROLE_XOBJECT:
    case KS_ROLE_PAGE_OTHER:
        ks_vf_note(x, num, gen, false, N_("a new font, image or form was placed on page %u"), page);
        return;
    case KS_ROLE_DANGLING:
    case KS_ROLE_OTHER:
    default:
        ks_vf_note(x, num, gen, false,
                   N_("an object of the document structure (outline, names, actions, optional "
                      "content, ...) was added"),
                   0);
        return;
    }
}

static bool shows_something(ks_vf_role r)
{
    switch (r) {
    case KS_ROLE_NONE:
    case KS_ROLE_SIGFIELD:
    case KS_ROLE_SIGFIELD_EMPTY:
    case KS_ROLE_SIGVALUE:
    case KS_ROLE_SIGAPPEAR:
    case KS_ROLE_DSS:
    case KS_ROLE_INFO:
    case KS_ROLE_METADATA:
    case KS_ROLE_ACROFORM:
    case KS_ROLE_FIELDS_ARRAY:
    case KS_ROLE_ANNOTS_ARRAY:
    case KS_ROLE_DANGLING:
        return false;
    default:
        return true;
    }
}

/* Shadow attacks: an object present but unused at signing, left untouched, that revision k
 * makes part of what the document shows. */
void ks_vf_check_shown(ks_vf_diff_run *x, uint32_t n, size_t rev)
{
    for (uint32_t num = 1; num < n; num++) {
        if (x->shown[num] || x->rr.role[num] != KS_ROLE_NONE)
            continue;
        long dr_rev = ks_pdf_object_revision(x->dr, num);
        long dk_rev = ks_pdf_object_revision(x->dk, num);
        if (dr_rev < 0 || dk_rev < 0 || (size_t)dk_rev > rev)
            continue;
        ks_vf_role role = (ks_vf_role)x->rk.role[num];
        if (!shows_something(role))
            continue;
        x->shown[num] = 1;
        uint16_t gen;
        ks_vf_get_any(x->dk, num, &gen);
        bool ok = role == KS_ROLE_ANNOT && x->p == 3;
        if (x->rk.page[num])
            ks_vf_note(x, num, gen, ok,
                       N_("an object hidden in the file at signing is now shown on page %u (shadow "
                          "attack)"),
                       x->rk.page[num]);
        else
            ks_vf_note(x, num, gen, ok,
                       N_("an object hidden in the file at signing is now part of the document "
                          "(shadow attack)"),
                       0);
    }
}

void ks_vf_judge_trailer(ks_vf_diff_run *x)
{
    ks_pdf_obj *ta = ks_pdf_trailer(x->dr), *tb = ks_pdf_trailer(x->dk);
    ks_pdf_obj *ra = ks_pdf_dict_get(ta, "Root"), *rb = ks_pdf_dict_get(tb, "Root");
    if (!ra || !rb || ra->type != KS_PDF_REF || rb->type != KS_PDF_REF ||
        ra->u.ref.num != rb->u.ref.num) {
        x->disallowed++;
        ks_vf_change(x->s, x->k1, rb && rb->type == KS_PDF_REF ? rb->u.ref.num : 0, 0, false,
                     N_("the file now points to a different document catalog (trailer /Root)"));
    }
    ks_pdf_obj *ea = ks_pdf_dict_get(ta, "Encrypt"), *eb = ks_pdf_dict_get(tb, "Encrypt");
    if (!ks_vf_equal(x->dr, ea, x->dk, eb)) {
        x->disallowed++;
        ks_vf_change(x->s, x->k1, 0, 0, false, N_("the encryption of the file was changed"));
    }
}
