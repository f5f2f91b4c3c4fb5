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

bool ks_vf_fill_ok(const ks_vf_diff_run *x)
{
    return x->p == 0 || x->p >= 2; /* ISO 32000-2 §12.8.2.2 Table 257 */
}

bool ks_vf_annots_ok(const ks_vf_diff_run *x)
{
    return x->p == 0 || x->p == 3;
}

/* FieldMDP names fields by their fully qualified names (ISO 32000-2 §12.7.4.2, §12.8.2.4): a
 * name locks that field and its descendants, never a field whose partial name only matches. */
static bool lock_names(const ks_vf_lock *l, const char *fqn)
{
    for (size_t i = 0; fqn && i < l->n; i++) {
        size_t k = strlen(l->names[i]);
        if (!strncmp(fqn, l->names[i], k) && (fqn[k] == 0 || fqn[k] == '.'))
            return true;
    }
    return false;
}

bool ks_vf_locked(const ks_vf_diff_run *x, const char *fqn)
{
    switch (x->lock.action) {
    case 1:
        return true;
    case 2:
        return lock_names(&x->lock, fqn);
    case 3:
        return !lock_names(&x->lock, fqn);
    default:
        return false;
    }
}

/* Is `v` (a signature dictionary, or a field whose /V is one) a document timestamp? */
static bool is_doc_ts(ks_pdf_doc *d, ks_pdf_obj *v, int depth)
{
    v = ks_pdf_resolve(d, v, NULL);
    if (!v || v->type != KS_PDF_DICT || depth > 4)
        return false;
    if (ks_pdf_is_name(ks_pdf_dict_getr(d, v, "Type"), "DocTimeStamp") ||
        ks_pdf_is_name(ks_pdf_dict_getr(d, v, "SubFilter"), "ETSI.RFC3161"))
        return true;
    ks_pdf_obj *fv = ks_pdf_dict_get(v, "V");
    if (fv)
        return is_doc_ts(d, fv, depth + 1);
    ks_pdf_obj *par = ks_pdf_dict_get(v, "Parent");
    return par && is_doc_ts(d, par, depth + 1);
}

/* The field (dictionary in revision k) that a signature-related object of revision k belongs
 * to: document timestamps are allowed even after a /DocMDP P=1 certification (ETSI EN 319
 * 142-1 §5.4 with ISO 32000-2 §12.8.2.2). */
static bool sig_allowed(ks_vf_diff_run *x, uint32_t num, ks_pdf_obj *b)
{
    if (x->p != 1)
        return true;
    if (b && is_doc_ts(x->dk, b, 0))
        return true;
    uint32_t f = num < x->rk.n ? x->rk.field_of[num] : 0;
    if (!f || f == KS_VF_SHARED)
        return false;
    uint16_t g;
    ks_pdf_obj *fd = ks_vf_get_any(x->dk, f, &g);
    return fd && is_doc_ts(x->dk, fd, 0);
}

/* The fully qualified name of the field object `num` belongs to in the signed revision. */
static const char *field_name(const ks_vf_roles *r, uint32_t num)
{
    uint32_t f = num < r->n ? r->field_of[num] : 0;
    const ks_vf_fnode *n = f && f != KS_VF_SHARED ? ks_vf_field(r, f) : NULL;
    return n ? n->name : NULL;
}

/* Form filling of the field named `fqn`: allowed by /DocMDP (and `ok`) unless the signature's
 * FieldMDP lock covers the field. */
static void note_fill(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const char *fqn, bool ok)
{
    if (ks_vf_locked(x, fqn))
        ks_vf_note_s(x, num, gen, false,
                     N_("the form field \"%s\" was changed although the signature locks it "
                        "(FieldMDP)"),
                     fqn);
    else
        ks_vf_note_s(x, num, gen, ks_vf_fill_ok(x) && ok,
                     N_("the value or appearance of the form field \"%s\" was changed"), fqn);
}

/* True when the dictionaries `a` and `b` agree on every key except those in `skip`. Puts the
 * first differing key in *diffkey. */
bool ks_vf_dict_eq_except(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
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
    if (!ks_vf_dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
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
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x),
                   N_("annotations of page %u were removed or replaced"), page);
    else if (direct)
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x), N_("an annotation was added to page %u"), page);
    else if (added)
        ks_vf_note(x, num, gen, true, N_("page %u received new annotations (judged one by one)"),
                   page);
    else
        ks_vf_note(x, num, gen, true, N_("page %u was rewritten without a visible change"), page);
}

/* The catalog may gain validation data (/DSS), version information (/Version, /Extensions),
 * new XMP metadata, form fields for new signatures (judged one by one) and, where annotations
 * are allowed, appearances by name (/Names /AP); nothing else (ISO 32000-2 §12.8.2.2, ETSI EN
 * 319 142-1 §5.4). A key whose value is the same object judges that object on its own. */
static bool catalog_key_ok(ks_vf_diff_run *x, const char *k, ks_pdf_obj *va, ks_pdf_obj *vb)
{
    if (!strcmp(k, "DSS") || !strcmp(k, "Extensions"))
        return true;
    if (!strcmp(k, "Version"))
        return !vb || ks_pdf_resolve(x->dk, vb, NULL)->type == KS_PDF_NAME;
    if (!strcmp(k, "Metadata")) {
        ks_pdf_obj *m = ks_pdf_resolve(x->dk, vb, NULL);
        return vb && vb->type == KS_PDF_REF && m && m->type == KS_PDF_STREAM;
    }
    ks_pdf_obj *ra = ks_pdf_resolve(x->dr, va, NULL), *rb = ks_pdf_resolve(x->dk, vb, NULL);
    if (!strcmp(k, "Names") && !va && rb && rb->type == KS_PDF_DICT && rb->u.dict.len == 1 &&
        ks_pdf_dict_get(rb, "AP"))
        return ks_vf_annots_ok(x); /* a name dictionary that holds only appearances */
    if (!ra || !rb || ra->type != KS_PDF_DICT || rb->type != KS_PDF_DICT)
        return false;
    const char *key;
    if (!strcmp(k, "AcroForm")) {
        static const char *const skip[] = {"Fields", "SigFlags", "DR", "DA", NULL};
        size_t direct = 0;
        return ks_vf_dict_eq_except(x->dr, ra, x->dk, rb, skip, &key) &&
               array_grows(x->dr, ks_pdf_dict_getr(x->dr, ra, "Fields"), x->dk,
                           ks_pdf_dict_getr(x->dk, rb, "Fields"), &direct) >= 0 &&
               !direct;
    }
    if (!strcmp(k, "Names")) {
        static const char *const skip[] = {"AP", NULL};
        return ks_vf_annots_ok(x) && ks_vf_dict_eq_except(x->dr, ra, x->dk, rb, skip, &key);
    }
    return false;
}

static void judge_catalog(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                          const ks_pdf_obj *b)
{
    ks_buf keys = KS_BUF_INIT;
    bool ok = true, metadata = false;
    for (int pass = 0; pass < 2 && ok; pass++) {
        const ks_pdf_obj *s1 = pass ? b : a, *s2 = pass ? a : b;
        for (size_t i = 0; i < s1->u.dict.len && ok; i++) {
            const char *k = s1->u.dict.entries[i].key;
            ks_pdf_obj *v1 = s1->u.dict.entries[i].value;
            ks_pdf_obj *v2 = ks_pdf_dict_get(s2, k);
            if (pass && v2)
                continue; /* compared in the first pass */
            ks_pdf_obj *va = pass ? v2 : v1, *vb = pass ? v1 : v2;
            if (va && vb && ks_vf_equal(x->dr, va, x->dk, vb))
                continue;
            if (!catalog_key_ok(x, k, va, vb)) {
                ks_vf_change(x->s, x->k1, num, gen, false,
                             N_("the document catalog entry /%s was changed (it can change what "
                                "the document shows or does)"),
                             k);
                x->disallowed++;
                x->listed++;
                ok = false;
                break;
            }
            if (!strcmp(k, "Metadata") || !strcmp(k, "Version") || !strcmp(k, "Extensions"))
                metadata = true;
            ks_buf_printf(&keys, "%s/%s", keys.len ? " " : "", k);
        }
    }
    if (ok) {
        if (metadata)
            ks_vf_note_s(x, num, gen, true,
                         N_("the document catalog was updated (%s): metadata, version or "
                            "validation data"),
                         keys.data ? (const char *)keys.data : "");
        else
            ks_vf_note(x, num, gen, true,
                       N_("the document catalog was updated for new signatures or validation "
                          "data"),
                       0);
    }
    ks_buf_free(&keys);
}

static void judge_acroform(ks_vf_diff_run *x, uint32_t num, uint16_t gen, const ks_pdf_obj *a,
                           const ks_pdf_obj *b)
{
    static const char *const skip[] = {"Fields", "SigFlags", "DR", "DA", NULL};
    const char *key;
    if (!ks_vf_dict_eq_except(x->dr, a, x->dk, b, skip, &key)) {
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
    static const char *const skip[] = {"V",    "AP", "AS",           "MK", "F",
                                       "Lock", "SV", "StructParent", NULL};
    const char *key;
    bool ok = ks_vf_dict_eq_except(x->dr, a, x->dk, b, skip, &key);
    unsigned page;
    if (ok && widget_covers(x, (ks_pdf_obj *)b, &page)) {
        ks_vf_note(x, num, gen, false,
                   N_("a signature appearance covers a large part of page %u (it can hide or "
                      "replace the signed content)"),
                   page);
        return;
    }
    ks_vf_note(x, num, gen, ok && sig_allowed(x, num, b),
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
            ks_vf_note(x, num, gen, ks_vf_annots_ok(x),
                       N_("annotations of page %u were removed or replaced"), page);
        else if (direct)
            ks_vf_note(x, num, gen, ks_vf_annots_ok(x), N_("an annotation was added to page %u"),
                       page);
        else
            ks_vf_note(x, num, gen, true,
                       N_("page %u received new annotations (judged one by one)"), page);
        return;
    }
    case KS_ROLE_ANNOT:
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x), N_("an annotation on page %u was changed"),
                   page);
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
    case KS_ROLE_FIELD: {
        /* Filling a field changes its value and redraws its widgets' appearances; an object
         * drawn for two fields, or now drawn for another one, is not filling (a reuse). */
        uint32_t fr = x->rr.field_of[num], fk = x->rk.field_of[num];
        const char *fqn = field_name(&x->rr, num);
        if (fr == KS_VF_SHARED || (fr != num && fk != fr && !deleted)) {
            ks_vf_note(x, num, gen, false,
                       N_("an appearance drawn for a form field at signing was changed for "
                          "another field"),
                       0);
        } else if (fqn) {
            note_fill(x, num, gen, fqn, !deleted);
        } else {
            ks_vf_note(x, num, gen, ks_vf_fill_ok(x) && !deleted,
                       N_("a form field value was changed"), 0);
        }
        return;
    }
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
    case KS_ROLE_SIGAPPEAR: {
        /* only acceptable as part of signing that very field, empty at signing: the
         * appearance of a signed field, or one now drawn for another field, is not */
        uint32_t fr = x->rr.field_of[num], fk = x->rk.field_of[num];
        bool ok = !deleted && fr && fr != KS_VF_SHARED && fk == fr && fr < x->rr.n &&
                  x->rr.role[fr] == KS_ROLE_SIGFIELD_EMPTY && x->rk.role[fr] == KS_ROLE_SIGFIELD &&
                  sig_allowed(x, num, NULL);
        ks_vf_note(x, num, gen, ok,
                   ok ? N_("the appearance of a signature field was redrawn")
                      : N_("the appearance of a signature field that was already signed, or of "
                           "another field, was redrawn"),
                   0);
        return;
    }
    case KS_ROLE_NAMES: {
        static const char *const skip[] = {"AP", NULL};
        const char *key;
        bool ok =
            !deleted && ks_vf_annots_ok(x) && ks_vf_dict_eq_except(x->dr, a, x->dk, b, skip, &key);
        ks_vf_note(x, num, gen, ok,
                   ok ? N_("the named appearances of annotations were updated")
                      : N_("an object of the document structure (outline, names, actions, "
                           "optional content, ...) was changed"),
                   0);
        return;
    }
    case KS_ROLE_NAMES_AP:
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x),
                   N_("the named appearances of annotations were updated"), 0);
        return;
    case KS_ROLE_STRUCT:
        ks_vf_judge_struct(x, num, gen, a, b);
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

/* After a P=1 certification a document timestamp may come with an appearance only on a
 * widget of zero area: nothing it draws is seen. */
static bool invisible(ks_vf_diff_run *x, uint32_t num)
{
    uint32_t f = x->rk.field_of[num];
    uint16_t g;
    ks_pdf_obj *fd = f && f != KS_VF_SHARED ? ks_vf_get_any(x->dk, f, &g) : NULL;
    if (!fd || fd->type != KS_PDF_DICT || rect_area(x->dk, ks_pdf_dict_get(fd, "Rect")) > 0)
        return false;
    ks_pdf_obj *kids = ks_pdf_dict_getr(x->dk, fd, "Kids"); /* its widgets */
    for (size_t i = 0; kids && kids->type == KS_PDF_ARRAY && i < kids->u.arr.len; i++) {
        ks_pdf_obj *w = ks_pdf_resolve(x->dk, kids->u.arr.items[i], NULL);
        if (w && w->type == KS_PDF_DICT && rect_area(x->dk, ks_pdf_dict_get(w, "Rect")) > 0)
            return false;
    }
    return true;
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
    if (role == KS_ROLE_ANNOT && b && b->type == KS_PDF_DICT && ks_pdf_dict_get(b, "Subtype") &&
        widget_covers(x, b, &page)) {
        ks_vf_note(x, num, gen, false,
                   N_("a new annotation covers a large part of page %u (it can hide or replace "
                      "the signed content)"),
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
        ks_vf_note(x, num, gen, sig_allowed(x, num, b), N_("a new signature field was added"), 0);
        return;
    case KS_ROLE_SIGVALUE:
        ks_vf_note(x, num, gen, sig_allowed(x, num, b),
                   N_("a new signature or document timestamp was added"), 0);
        return;
    case KS_ROLE_SIGAPPEAR:
        if (x->rk.field_of[num] == KS_VF_SHARED)
            ks_vf_note(x, num, gen, false,
                       N_("an appearance drawn for a form field at signing was changed for "
                          "another field"),
                       0);
        else
            ks_vf_note(x, num, gen, sig_allowed(x, num, NULL) && (x->p != 1 || invisible(x, num)),
                       N_("the appearance of a new signature was added"), 0);
        return;
    case KS_ROLE_NAMES:
    case KS_ROLE_NAMES_AP:
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x),
                   N_("the named appearances of annotations were updated"), 0);
        return;
    case KS_ROLE_STRUCT:
        ks_vf_judge_struct_new(x, num, gen, b);
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
        ks_vf_note(x, num, gen, ks_vf_annots_ok(x), N_("an annotation was added to page %u"), page);
        return;
    case KS_ROLE_FIELD: {
        /* a new appearance of a field that existed at signing is part of filling it */
        uint32_t f = x->rk.field_of[num];
        const ks_vf_fnode *fn = f && f != KS_VF_SHARED && f != num ? ks_vf_field(&x->rr, f) : NULL;
        if (fn)
            note_fill(x, num, gen, fn->name, true);
        else
            ks_vf_note(x, num, gen, false, N_("a new form field was added"), 0);
        return;
    }
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
    case KS_ROLE_NAMES_AP:
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
        ks_pdf_obj *o = ks_vf_get_any(x->dk, num, &gen);
        unsigned pg;
        bool ok = role == KS_ROLE_ANNOT && ks_vf_annots_ok(x) && !widget_covers(x, o, &pg);
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
