/* verify/diff.c — the difference analysis: for a signature that covers revision r, every object
 * that a later revision (re)defines is compared with revision r through each revision's own
 * view and judged by the role it had when signed (diff_roles.c): new signatures, DSS, document
 * timestamps and (as /DocMDP permits) form fill or annotations are allowed; anything that
 * changes what a page shows, the page tree or the catalog is not (ISO 32000-2 §12.8.2.2). */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define KS_VF_MAX_CHANGES 512 /* changes listed per signature (the rest are counted) */
#define KS_VF_MAX_GEN_TRY 8   /* generations tried when looking an object up by number */

typedef struct diff_run {
    ks_vctx *c;
    ks_verify_sig *s;
    ks_pdf_doc *dr; /* the signed revision */
    ks_pdf_doc *dk; /* the later revision being judged */
    ks_vf_roles rr; /* roles at signing */
    ks_vf_roles rk; /* roles in revision k */
    unsigned k1;    /* 1-based number of revision k */
    int p;          /* DocMDP P (0: approval signature) */
    size_t listed, disallowed, skipped;
    uint8_t *shown; /* objects already reported as "made visible" */
} diff_run;

/* Loads object `num` of view `d` whatever its generation. */
static ks_pdf_obj *get_any(ks_pdf_doc *d, uint32_t num, uint16_t *gen)
{
    *gen = 0;
    if (ks_pdf_object_revision(d, num) < 0)
        return NULL;
    for (uint16_t g = 0; g < KS_VF_MAX_GEN_TRY; g++) {
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(d, num, g, &o, NULL) == KS_OK && o && o->type != KS_PDF_NULL) {
            *gen = g;
            return o;
        }
    }
    return NULL;
}

static void note(diff_run *x, uint32_t num, uint16_t gen, bool allowed, const char *fmt,
                 unsigned page)
{
    if (!allowed)
        x->disallowed++;
    if (x->listed >= KS_VF_MAX_CHANGES) {
        x->skipped++;
        return;
    }
    x->listed++;
    /* Every msgid below takes the page number (0 when none is meaningful, then unused). */
    ks_vf_change(x->s, x->k1, num, gen, allowed, fmt, page);
}

static bool is_struct_stream(const ks_pdf_obj *o)
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

static void judge_page(diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                       const ks_pdf_obj *b, unsigned page)
{
    static const char *const skip[] = {"Annots", NULL};
    const char *key;
    if (!dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
        if (key && !strcmp(key, "Contents"))
            note(x, num, gen, false, N_("the content of page %u was replaced"), page);
        else if (key && !strcmp(key, "Resources"))
            note(x, num, gen, false, N_("the resources (fonts, images) of page %u were replaced"),
                 page);
        else
            note(x, num, gen, false, N_("the dictionary of page %u was changed"), page);
        return;
    }
    const ks_pdf_obj *aa = ks_pdf_dict_get(a, "Annots"), *ba = ks_pdf_dict_get(b, "Annots");
    if (aa && ba && aa->type == KS_PDF_REF && ba->type == KS_PDF_REF) {
        bool same = aa->u.ref.num == ba->u.ref.num;
        note(x, num, gen, same,
             same ? N_("page %u was rewritten without a visible change")
                  : N_("the annotation list of page %u was replaced"),
             page);
        return;
    }
    size_t direct = 0;
    long added = array_grows(x->dr, ks_pdf_resolve(x->dr, (ks_pdf_obj *)aa, NULL), x->dk,
                             ks_pdf_resolve(x->dk, (ks_pdf_obj *)ba, NULL), &direct);
    if (added < 0)
        note(x, num, gen, x->p == 3, N_("annotations of page %u were removed or replaced"), page);
    else if (direct)
        note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
    else if (added)
        note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"), page);
    else
        note(x, num, gen, true, N_("page %u was rewritten without a visible change"), page);
}

static void judge_catalog(diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
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
    note(x, num, gen, x->p != 1,
         N_("the document catalog was updated for new signatures or validation data"), 0);
}

static void judge_acroform(diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                           const ks_pdf_obj *b)
{
    static const char *const skip[] = {"Fields", "SigFlags", "DR", NULL};
    const char *key;
    if (!dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
        note(x, num, gen, x->p >= 2, N_("the interactive form settings were changed"), 0);
        return;
    }
    size_t direct = 0;
    const ks_pdf_obj *fa = ks_pdf_dict_get(a, "Fields"), *fb = ks_pdf_dict_get(b, "Fields");
    if (fa && fb && fa->type == KS_PDF_REF && fb->type == KS_PDF_REF) {
        note(x, num, gen, fa->u.ref.num == fb->u.ref.num,
             N_("the interactive form was updated for a new signature"), 0);
        return;
    }
    long added = array_grows(x->dr, ks_pdf_resolve(x->dr, (ks_pdf_obj *)fa, NULL), x->dk,
                             ks_pdf_resolve(x->dk, (ks_pdf_obj *)fb, NULL), &direct);
    note(x, num, gen, added >= 0 && !direct,
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

static bool widget_covers(diff_run *x, ks_pdf_obj *w, unsigned *page)
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
static void judge_empty_sigfield(diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                                 ks_pdf_obj *b)
{
    static const char *const skip[] = {"V", "AP", "AS", "MK", "F", "Lock", "SV", NULL};
    const char *key;
    bool ok = dict_eq_except(x->dr, a, x->dk, b, skip, &key);
    unsigned page;
    if (ok && widget_covers(x, (ks_pdf_obj *)b, &page)) {
        note(x, num, gen, false,
             N_("a signature appearance covers a large part of page %u (it can hide or "
                "replace the signed content)"),
             page);
        return;
    }
    note(x, num, gen, ok && x->p != 1,
         ok ? N_("an empty signature field was signed")
            : N_("an empty signature field was moved or changed"),
         0);
}

static void judge_changed(diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *a, ks_pdf_obj *b)
{
    ks_vf_role role = (ks_vf_role)x->rr.role[num];
    unsigned page = x->rr.page[num];
    bool deleted = !b;
    switch (role) {
    case KS_ROLE_CATALOG:
        if (deleted || b->type != KS_PDF_DICT)
            note(x, num, gen, false, N_("the document catalog was removed or replaced"), 0);
        else
            judge_catalog(x, num, gen, a, b);
        return;
    case KS_ROLE_PAGES_NODE:
        note(x, num, gen, false, N_("the page tree was changed (pages added, removed or moved)"),
             0);
        return;
    case KS_ROLE_PAGE:
        if (deleted || b->type != KS_PDF_DICT)
            note(x, num, gen, false, N_("page %u was removed or replaced"), page);
        else
            judge_page(x, num, gen, a, b, page);
        return;
    case KS_ROLE_CONTENT:
        note(x, num, gen, false, N_("the content of page %u was replaced"), page);
        return;
    case KS_ROLE_RESOURCES:
        note(x, num, gen, false, N_("the resources (fonts, images) of page %u were replaced"),
             page);
        return;
    case KS_ROLE_FONT:
        note(x, num, gen, false, N_("a font used on page %u was replaced"), page);
        return;
    case KS_ROLE_XOBJECT:
        note(x, num, gen, false, N_("an image or form drawn on page %u was replaced"), page);
        return;
    case KS_ROLE_ANNOTS_ARRAY: {
        size_t direct = 0;
        long added = array_grows(x->dr, a, x->dk, b, &direct);
        if (added < 0)
            note(x, num, gen, x->p == 3, N_("annotations of page %u were removed or replaced"),
                 page);
        else if (direct)
            note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
        else
            note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"),
                 page);
        return;
    }
    case KS_ROLE_ANNOT:
        note(x, num, gen, x->p == 3, N_("an annotation on page %u was changed"), page);
        return;
    case KS_ROLE_PAGE_OTHER:
        note(x, num, gen, false, N_("an object of page %u was changed"), page);
        return;
    case KS_ROLE_ACROFORM:
        if (deleted || b->type != KS_PDF_DICT)
            note(x, num, gen, false, N_("form fields were removed from the document"), 0);
        else
            judge_acroform(x, num, gen, a, b);
        return;
    case KS_ROLE_FIELDS_ARRAY: {
        size_t direct = 0;
        long added = array_grows(x->dr, a, x->dk, b, &direct);
        note(x, num, gen, added >= 0 && !direct,
             added >= 0 ? N_("the interactive form was updated for a new signature")
                        : N_("form fields were removed from the document"),
             0);
        return;
    }
    case KS_ROLE_FIELD:
        note(x, num, gen, x->p >= 2 && !deleted, N_("a form field value was changed"), 0);
        return;
    case KS_ROLE_SIGFIELD_EMPTY:
        if (deleted || b->type != KS_PDF_DICT)
            note(x, num, gen, false, N_("an empty signature field was moved or changed"), 0);
        else
            judge_empty_sigfield(x, num, gen, a, b);
        return;
    case KS_ROLE_SIGFIELD:
        note(x, num, gen, false, N_("an already signed field was changed"), 0);
        return;
    case KS_ROLE_SIGVALUE:
        note(x, num, gen, false, N_("the signature dictionary of a signature was changed"), 0);
        return;
    case KS_ROLE_SIGAPPEAR:
        /* only acceptable as part of signing an empty field */
        note(x, num, gen, x->p != 1 && !deleted,
             N_("the appearance of a signature field was redrawn"), 0);
        return;
    case KS_ROLE_INFO:
        note(x, num, gen, true, N_("the document information (title, author) was updated"), 0);
        return;
    case KS_ROLE_METADATA:
        note(x, num, gen, true, N_("the document metadata (XMP) was updated"), 0);
        return;
    case KS_ROLE_DSS:
        note(x, num, gen, true, N_("validation data (DSS) was updated"), 0);
        return;
    case KS_ROLE_DANGLING:
        note(x, num, gen, false,
             N_("an object the signed document referred to but did not contain was defined "
                "(it changes what the document shows)"),
             0);
        return;
    case KS_ROLE_OTHER:
        note(x, num, gen, false,
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
static void judge_new(diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *b, bool existed)
{
    ks_vf_role role = (ks_vf_role)x->rk.role[num];
    unsigned page = x->rk.page[num];
    if ((role == KS_ROLE_SIGFIELD || role == KS_ROLE_SIGFIELD_EMPTY) &&
        widget_covers(x, b, &page)) {
        note(x, num, gen, false,
             N_("a signature appearance covers a large part of page %u (it can hide or "
                "replace the signed content)"),
             page);
        return;
    }
    switch (role) {
    case KS_ROLE_NONE:
        note(x, num, gen, true,
             existed ? N_("an unused object was changed (not shown anywhere)")
                     : N_("an unused object was added (not shown anywhere)"),
             0);
        return;
    case KS_ROLE_SIGFIELD:
    case KS_ROLE_SIGFIELD_EMPTY:
        note(x, num, gen, x->p != 1, N_("a new signature field was added"), 0);
        return;
    case KS_ROLE_SIGVALUE:
        note(x, num, gen, x->p != 1, N_("a new signature or document timestamp was added"), 0);
        return;
    case KS_ROLE_SIGAPPEAR:
        note(x, num, gen, x->p != 1, N_("the appearance of a new signature was added"), 0);
        return;
    case KS_ROLE_DSS:
        note(x, num, gen, true, N_("validation data (DSS) was added"), 0);
        return;
    case KS_ROLE_INFO:
        note(x, num, gen, true, N_("the document information (title, author) was updated"), 0);
        return;
    case KS_ROLE_METADATA:
        note(x, num, gen, true, N_("the document metadata (XMP) was updated"), 0);
        return;
    case KS_ROLE_ACROFORM:
    case KS_ROLE_FIELDS_ARRAY:
        note(x, num, gen, true, N_("the interactive form was updated for a new signature"), 0);
        return;
    case KS_ROLE_ANNOTS_ARRAY:
        note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"), page);
        return;
    case KS_ROLE_ANNOT:
        note(x, num, gen, x->p == 3, N_("an annotation was added to page %u"), page);
        return;
    case KS_ROLE_FIELD:
        note(x, num, gen, false, N_("a new form field was added"), 0);
        return;
    case KS_ROLE_CATALOG:
        note(x, num, gen, false, N_("the document catalog was removed or replaced"), 0);
        return;
    case KS_ROLE_PAGES_NODE:
        note(x, num, gen, false, N_("the page tree was changed (pages added, removed or moved)"),
             0);
        return;
    case KS_ROLE_PAGE:
        note(x, num, gen, false, N_("page %u was added or replaced"), page);
        return;
    case KS_ROLE_CONTENT:
        note(x, num, gen, false, N_("new content was drawn on page %u"), page);
        return;
    case KS_ROLE_RESOURCES:
    case KS_ROLE_FONT:
    case KS_ROLE_XOBJECT:
    case KS_ROLE_PAGE_OTHER:
        note(x, num, gen, false, N_("a new font, image or form was placed on page %u"), page);
        return;
    case KS_ROLE_DANGLING:
    case KS_ROLE_OTHER:
    default:
        note(x, num, gen, false,
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
static void check_shown(diff_run *x, uint32_t n, size_t rev)
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
        get_any(x->dk, num, &gen);
        bool ok = role == KS_ROLE_ANNOT && x->p == 3;
        if (x->rk.page[num])
            note(x, num, gen, ok,
                 N_("an object hidden in the file at signing is now shown on page %u (shadow "
                    "attack)"),
                 x->rk.page[num]);
        else
            note(x, num, gen, ok,
                 N_("an object hidden in the file at signing is now part of the document "
                    "(shadow attack)"),
                 0);
    }
}

static void judge_trailer(diff_run *x)
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

static ks_status diff_revision(diff_run *x, size_t rev, size_t k, uint32_t n, ks_error *err)
{
    ks_status st = ks_pdf_open_revision(x->c->doc, k, &x->dk, err);
    if (st != KS_OK)
        return st;
    x->k1 = (unsigned)k + 1;
    if ((st = ks_vf_roles_build(x->dk, n, &x->rk, err)) != KS_OK)
        goto done;
    judge_trailer(x);
    for (uint32_t num = 1; num < n; num++) {
        if (ks_pdf_object_revision(x->dk, num) != (long)k) {
            /* freed in revision k? */
            if (ks_pdf_object_revision(x->dk, num) < 0 && ks_pdf_object_revision(x->dr, num) >= 0 &&
                x->rr.role[num] != KS_ROLE_NONE) {
                ks_pdf_doc *prev = NULL;
                if (ks_pdf_open_revision(x->c->doc, k - 1, &prev, NULL) == KS_OK) {
                    if (ks_pdf_object_revision(prev, num) >= 0) {
                        uint16_t gen;
                        ks_pdf_obj *a = get_any(x->dr, num, &gen);
                        judge_changed(x, num, gen, a, NULL);
                    }
                    ks_pdf_close(prev);
                }
            }
            continue;
        }
        uint16_t gb = 0, ga = 0;
        ks_pdf_obj *b = get_any(x->dk, num, &gb);
        if (!b || is_struct_stream(b))
            continue;
        ks_pdf_obj *a = get_any(x->dr, num, &ga);
        if (a && ga == gb && ks_vf_equal(x->dr, a, x->dk, b))
            continue; /* re-written unchanged */
        if (a && x->rr.role[num] != KS_ROLE_NONE)
            judge_changed(x, num, gb, a, b);
        else
            judge_new(x, num, gb, b, a != NULL);
    }
    check_shown(x, n, rev);
done:
    ks_vf_roles_free(&x->rk);
    ks_pdf_close(x->dk);
    x->dk = NULL;
    return st;
}

static const char *const k_modified =
    N_("The document was modified after signing in a way that is not allowed: %s (object %u "
       "%u, revision %u)");

ks_status ks_vf_diff(ks_vctx *c, ks_verify_sig *s, size_t rev, int docmdp_p, ks_error *err)
{
    diff_run x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.s = s;
    x.p = docmdp_p;
    uint32_t n = ks_pdf_xref_size(c->doc);
    ks_status st = ks_pdf_open_revision(c->doc, rev, &x.dr, err);
    if (st != KS_OK)
        return st;
    x.shown = calloc(n ? n : 1, 1);
    if (!x.shown) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = ks_vf_roles_build(x.dr, n, &x.rr, err)) != KS_OK)
        goto done;
    for (size_t k = rev + 1; k < c->nrev && st == KS_OK; k++)
        st = diff_revision(&x, rev, k, n, err);
    if (st != KS_OK)
        goto done;
    if (x.skipped)
        ks_vf_sig_msg(s, N_("%zu further changes after signing are not listed"), x.skipped);
    if (x.disallowed) {
        /* Name the first disallowed change in the verdict so that a clerk sees it at once. */
        for (size_t i = 0; i < s->nchanges; i++) {
            const ks_verify_change *ch = &s->changes[i];
            if (ch->allowed)
                continue;
            ks_vf_sig_msg(s, k_modified, ch->what, (unsigned)ch->num, (unsigned)ch->gen,
                          ch->revision);
            /* the translated twin must carry the translated description */
            ks_verify_msg *m = &s->messages[s->nmessages - 1];
            free(m->text);
            size_t len = strlen(ks_tr(k_modified)) + strlen(ch->what_tr) + 64;
            m->text = malloc(len);
            if (m->text)
                snprintf(m->text, len, ks_tr(k_modified), ch->what_tr, (unsigned)ch->num,
                         (unsigned)ch->gen, ch->revision);
            else
                m->text = ks_vf_strdup(m->text_en);
            break;
        }
        if (x.disallowed > 1)
            ks_vf_sig_msg(s, N_("%zu changes made after signing are not allowed in total"),
                          x.disallowed);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
    } else if (s->nchanges) {
        ks_vf_sig_msg(s, docmdp_p == 2   ? N_("Later revisions only add what this certified "
                                                "document may receive (signatures, timestamps, "
                                                "validation data, form filling)")
                         : docmdp_p == 3 ? N_("Later revisions only add what this certified "
                                              "document may receive (signatures, timestamps, "
                                              "validation data, form filling, annotations)")
                                         : N_("Later revisions only add what a signed document "
                                              "may receive (signatures, timestamps, validation "
                                              "data)"));
    }
done:
    free(x.shown);
    ks_vf_roles_free(&x.rr);
    ks_pdf_close(x.dr);
    return st;
}
