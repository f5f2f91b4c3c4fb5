/* verify/diff_roles.c — what each object of the signed revision is for (catalog, page tree,
 * page, page content, font, image, annotation, form field, DSS, ...), found by walking the
 * revision's own object graph. The difference analysis judges a later change by this role.
 * Also records references of the signed revision that pointed at undefined objects: defining
 * one later changes what the signed document shows (shadow attack). */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define KS_VF_MAX_WALK 4000000 /* objects visited by one generic walk */

static void set_role(ks_vf_roles *r, uint32_t num, ks_vf_role role, uint32_t page)
{
    if (num < r->n && r->role[num] == KS_ROLE_NONE) {
        r->role[num] = (uint8_t)role;
        r->page[num] = page;
    }
}

static bool defined_in(ks_pdf_doc *d, uint32_t num)
{
    return ks_pdf_object_revision(d, num) >= 0;
}

/* Marks `o` (a reference or direct object) and everything it references with `role`, unless
 * already assigned. Iterative with an explicit stack; bounded. */
static void mark_tree(ks_vf_roles *r, ks_pdf_doc *d, ks_pdf_obj *o, ks_vf_role role, uint32_t page)
{
    ks_pdf_obj **stack = malloc(4096 * sizeof *stack);
    size_t sp = 0, cap = 4096, steps = 0;
    if (!stack)
        return;
    stack[sp++] = o;
    while (sp && steps++ < KS_VF_MAX_WALK) {
        ks_pdf_obj *x = stack[--sp];
        if (!x)
            continue;
        if (x->type == KS_PDF_REF) {
            uint32_t num = x->u.ref.num;
            if (num < r->n && r->role[num] != KS_ROLE_NONE && r->cur_owner && r->field_of[num] &&
                r->field_of[num] != r->cur_owner)
                r->field_of[num] = KS_VF_SHARED; /* drawn for two fields: a reuse */
            if (num >= r->n || r->role[num] != KS_ROLE_NONE)
                continue;
            if (!defined_in(d, num)) {
                r->role[num] = KS_ROLE_DANGLING;
                continue;
            }
            set_role(r, num, role, page);
            if (r->cur_owner)
                r->field_of[num] = r->cur_owner;
            x = ks_pdf_resolve(d, x, NULL);
        }
        ks_pdf_obj *dict = x->type == KS_PDF_STREAM ? x->u.stream.dict : x;
        size_t n = 0;
        if (dict && dict->type == KS_PDF_DICT)
            n = dict->u.dict.len;
        else if (x->type == KS_PDF_ARRAY)
            n = x->u.arr.len;
        if (sp + n > cap) {
            size_t nc = (sp + n) * 2;
            ks_pdf_obj **ns = realloc(stack, nc * sizeof *ns);
            if (!ns)
                break;
            stack = ns;
            cap = nc;
        }
        for (size_t i = 0; i < n; i++) {
            if (dict && dict->type == KS_PDF_DICT) {
                const char *k = dict->u.dict.entries[i].key;
                /* back-links lead out of the subtree: never follow them */
                if (!strcmp(k, "Parent") || !strcmp(k, "P") || !strcmp(k, "Dest") ||
                    !strcmp(k, "Prev") || !strcmp(k, "Next") || !strcmp(k, "First") ||
                    !strcmp(k, "Last"))
                    if (role != KS_ROLE_OTHER)
                        continue;
                stack[sp++] = dict->u.dict.entries[i].value;
            } else {
                stack[sp++] = x->u.arr.items[i];
            }
        }
    }
    free(stack);
}

static uint32_t ref_num(const ks_pdf_obj *o)
{
    return o && o->type == KS_PDF_REF ? o->u.ref.num : 0;
}

static void mark_resources(ks_vf_roles *r, ks_pdf_doc *d, ks_pdf_obj *res_raw, uint32_t page)
{
    ks_pdf_obj *res = ks_pdf_resolve(d, res_raw, NULL);
    if (!res || res->type != KS_PDF_DICT)
        return;
    set_role(r, ref_num(res_raw), KS_ROLE_RESOURCES, page);
    ks_pdf_obj *fonts = ks_pdf_dict_getr(d, res, "Font");
    if (fonts && fonts->type == KS_PDF_DICT)
        for (size_t i = 0; i < fonts->u.dict.len; i++)
            mark_tree(r, d, fonts->u.dict.entries[i].value, KS_ROLE_FONT, page);
    ks_pdf_obj *xo = ks_pdf_dict_getr(d, res, "XObject");
    if (xo && xo->type == KS_PDF_DICT)
        for (size_t i = 0; i < xo->u.dict.len; i++)
            mark_tree(r, d, xo->u.dict.entries[i].value, KS_ROLE_XOBJECT, page);
    mark_tree(r, d, res_raw, KS_ROLE_RESOURCES, page);
}

/* The terminal field a node stands for: itself, or the field a widget belongs to. */
static uint32_t terminal_of(const ks_pdf_field_node *n)
{
    return n->widget && n->parent.num ? n->parent.num : n->ref.num;
}

typedef struct roles_walk {
    ks_vf_roles *r;
    ks_pdf_doc *d;
    size_t cap;
} roles_walk;

static int fnode_cmp(const void *a, const void *b)
{
    const ks_vf_fnode *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

const ks_vf_fnode *ks_vf_field(const ks_vf_roles *r, uint32_t num)
{
    ks_vf_fnode key = {num, NULL, false};
    return r->nfields ? bsearch(&key, r->fields, r->nfields, sizeof key, fnode_cmp) : NULL;
}

/* Form fields and widgets: their roles, their signature values, and the list of nodes. */
static ks_status mark_field(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    roles_walk *w = ctx;
    ks_vf_roles *r = w->r;
    uint32_t num = n->ref.num;
    if (!num || num >= r->n)
        return KS_OK;
    if (r->nfields == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        ks_vf_fnode *f = realloc(r->fields, cap * sizeof *f);
        if (!f)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        r->fields = f;
        w->cap = cap;
    }
    r->fields[r->nfields++] = (ks_vf_fnode){num, n->name, n->is_sig};
    bool own_v = ks_pdf_dict_get(n->dict, "V") != NULL;
    set_role(r, num,
             n->is_sig ? (n->value ? KS_ROLE_SIGFIELD : KS_ROLE_SIGFIELD_EMPTY) : KS_ROLE_FIELD, 0);
    r->field_of[num] = terminal_of(n);
    if (n->is_sig && own_v)
        mark_tree(r, w->d, n->value, KS_ROLE_SIGVALUE, 0);
    ks_pdf_obj *kids = ks_pdf_dict_get(n->dict, "Kids");
    if (kids && kids->type == KS_PDF_REF && kids->u.ref.num < r->n) {
        set_role(r, kids->u.ref.num, KS_ROLE_FIELD, 0);
        r->field_of[kids->u.ref.num] = n->ref.num;
    }
    return KS_OK;
}

/* A field's own appearance is part of the field: signing an empty signature field or filling
 * a form field re-draws it. Runs after the pages were marked, so that an object a page also
 * draws keeps its page role; an object reached from two fields' appearances is marked shared. */
static ks_status mark_field_ap(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    (void)err;
    roles_walk *w = ctx;
    w->r->cur_owner = terminal_of(n);
    if (!w->r->cur_owner)
        w->r->cur_owner = KS_VF_SHARED; /* a direct field: nothing may claim its drawing */
    mark_tree(w->r, w->d, ks_pdf_dict_get(n->dict, "AP"),
              n->is_sig ? KS_ROLE_SIGAPPEAR : KS_ROLE_FIELD, 0);
    w->r->cur_owner = 0;
    return KS_OK;
}

ks_status ks_vf_roles_build(ks_pdf_doc *d, uint32_t n, ks_vf_roles *r, ks_error *err)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->role = calloc(n ? n : 1, 1);
    r->page = calloc(n ? n : 1, sizeof *r->page);
    r->field_of = calloc(n ? n : 1, sizeof *r->field_of);
    if (!r->role || !r->page || !r->field_of)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_pdf_obj *trailer = ks_pdf_trailer(d);
    ks_pdf_obj *root = ks_pdf_dict_get(trailer, "Root");
    ks_pdf_obj *cat = ks_pdf_catalog(d);
    if (!cat)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: the signed revision has no catalog"),
                            ks_pdf_name(d));
    r->catalog = ref_num(root);
    set_role(r, r->catalog, KS_ROLE_CATALOG, 0);
    set_role(r, ref_num(ks_pdf_dict_get(trailer, "Info")), KS_ROLE_INFO, 0);

    /* Page tree nodes, then pages, then what each page draws. */
    size_t npages = 0;
    ks_status st = ks_pdf_page_count(d, &npages, err);
    if (st != KS_OK)
        return st;
    ks_pdf_obj *pages_raw = ks_pdf_dict_get(cat, "Pages");
    set_role(r, ref_num(pages_raw), KS_ROLE_PAGES_NODE, 0);
    for (size_t i = 0; i < npages; i++) {
        ks_pdf_obj *pg;
        ks_pdf_ref ref;
        if ((st = ks_pdf_page(d, i, &pg, &ref, err)) != KS_OK)
            return st;
        set_role(r, ref.num, KS_ROLE_PAGE, (uint32_t)i + 1);
        /* intermediate /Pages nodes on the way up */
        ks_pdf_obj *par = ks_pdf_dict_get(pg, "Parent");
        for (int k = 0; par && par->type == KS_PDF_REF && k < KS_PDF_MAX_DEPTH; k++) {
            set_role(r, par->u.ref.num, KS_ROLE_PAGES_NODE, 0);
            ks_pdf_obj *p = ks_pdf_resolve(d, par, NULL);
            par = p && p->type == KS_PDF_DICT ? ks_pdf_dict_get(p, "Parent") : NULL;
        }
    }
    for (size_t i = 0; i < npages; i++) {
        ks_pdf_obj *pg;
        ks_pdf_ref ref;
        if (ks_pdf_page(d, i, &pg, &ref, NULL) != KS_OK)
            continue;
        uint32_t pno = (uint32_t)i + 1;
        mark_tree(r, d, ks_pdf_dict_get(pg, "Contents"), KS_ROLE_CONTENT, pno);
        ks_pdf_obj *res = ks_pdf_dict_get(pg, "Resources");
        if (!res) {
            /* inherited: find the raw value up the tree */
            ks_pdf_obj *p = ks_pdf_dict_getr(d, pg, "Parent");
            for (int k = 0; p && p->type == KS_PDF_DICT && !res && k < KS_PDF_MAX_DEPTH; k++) {
                res = ks_pdf_dict_get(p, "Resources");
                p = ks_pdf_dict_getr(d, p, "Parent");
            }
        }
        if (res)
            mark_resources(r, d, res, pno);
        mark_tree(r, d, ks_pdf_dict_get(pg, "Thumb"), KS_ROLE_PAGE_OTHER, pno);
    }
    /* Form fields after what pages draw (a field node cannot make a page "form filling"),
     * before the annotations: a widget merged with its field is judged as a field. */
    ks_pdf_obj *af_raw = ks_pdf_dict_get(cat, "AcroForm");
    ks_pdf_obj *af = ks_pdf_resolve(d, af_raw, NULL);
    set_role(r, ref_num(af_raw), KS_ROLE_ACROFORM, 0);
    if (af && af->type == KS_PDF_DICT)
        set_role(r, ref_num(ks_pdf_dict_get(af, "Fields")), KS_ROLE_FIELDS_ARRAY, 0);
    roles_walk rw = {r, d, 0};
    st = ks_pdf_field_walk(d, mark_field, &rw, err);
    if (st != KS_OK)
        return st;
    if (r->nfields)
        qsort(r->fields, r->nfields, sizeof *r->fields, fnode_cmp);

    for (size_t i = 0; i < npages; i++) {
        ks_pdf_obj *pg;
        ks_pdf_ref ref;
        if (ks_pdf_page(d, i, &pg, &ref, NULL) != KS_OK)
            continue;
        uint32_t pno = (uint32_t)i + 1;
        ks_pdf_obj *ar = ks_pdf_dict_get(pg, "Annots");
        set_role(r, ref_num(ar), KS_ROLE_ANNOTS_ARRAY, pno);
        ks_pdf_obj *annots = ks_pdf_resolve(d, ar, NULL);
        if (annots && annots->type == KS_PDF_ARRAY)
            for (size_t k = 0; k < annots->u.arr.len; k++)
                mark_tree(r, d, annots->u.arr.items[k], KS_ROLE_ANNOT, pno);
    }
    if ((st = ks_pdf_field_walk(d, mark_field_ap, &rw, err)) != KS_OK)
        return st;
    /* default resources of the form: fonts for field appearances, nothing a page draws */
    if (af && af->type == KS_PDF_DICT)
        mark_tree(r, d, ks_pdf_dict_get(af, "DR"), KS_ROLE_ACROFORM, 0);
    mark_tree(r, d, ks_pdf_dict_get(cat, "DSS"), KS_ROLE_DSS, 0);
    mark_tree(r, d, ks_pdf_dict_get(cat, "Metadata"), KS_ROLE_METADATA, 0);
    mark_tree(r, d, ks_pdf_dict_get(trailer, "Info"), KS_ROLE_INFO, 0);
    /* Annotation appearances by name (Acrobat adds them with comments), then the structure
     * tree of a tagged document: both judged on their own, not as "document structure". */
    ks_pdf_obj *names_raw = ks_pdf_dict_get(cat, "Names");
    set_role(r, ref_num(names_raw), KS_ROLE_NAMES, 0);
    ks_pdf_obj *names = ks_pdf_resolve(d, names_raw, NULL);
    if (names && names->type == KS_PDF_DICT)
        mark_tree(r, d, ks_pdf_dict_get(names, "AP"), KS_ROLE_NAMES_AP, 0);
    mark_tree(r, d, ks_pdf_dict_get(cat, "StructTreeRoot"), KS_ROLE_STRUCT, 0);
    /* Everything else reachable from the catalog (outlines, names, actions, ...). */
    r->role[r->catalog < n ? r->catalog : 0] = KS_ROLE_NONE;
    mark_tree(r, d, root, KS_ROLE_OTHER, 0);
    set_role(r, r->catalog, KS_ROLE_CATALOG, 0);
    if (r->catalog < n)
        r->role[r->catalog] = KS_ROLE_CATALOG;
    return KS_OK;
}

void ks_vf_roles_free(ks_vf_roles *r)
{
    free(r->role);
    free(r->page);
    free(r->field_of);
    free(r->fields);
    memset(r, 0, sizeof *r);
}
