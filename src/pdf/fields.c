/* pdf/fields.c — the interactive form's field tree (ISO 32000-2 §12.7.4): the one walker every
 * module uses (info, signing, verifying, the difference analysis), and the signature fields
 * (§12.7.5.5) with their full names and signature dictionaries. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct fwalk {
    ks_pdf_doc *doc;
    uint8_t *seen;
    size_t nodes;
    ks_pdf_field_fn fn;
    void *ctx;
} fwalk;

static void warn_loop(ks_pdf_doc *doc, uint32_t num)
{
    ks_pdf_doc *base = doc->parent ? doc->parent : doc;
    if (base->warned_field_loop)
        return;
    base->warned_field_loop = true;
    ks_pdf_warn(base,
                N_("%s: the form field tree reaches object %u a second time (a /Kids loop or a "
                   "shared field); the repeated part is skipped"),
                base->name, num);
}

static bool has_field_kids(ks_pdf_doc *doc, ks_pdf_obj *kids)
{
    for (size_t i = 0; kids && kids->type == KS_PDF_ARRAY && i < kids->u.arr.len; i++) {
        ks_pdf_obj *k = ks_pdf_resolve(doc, kids->u.arr.items[i], NULL);
        /* Kids without /T are widgets of this field, not fields (§12.7.4.1). */
        if (k && k->type == KS_PDF_DICT && ks_pdf_dict_get(k, "T"))
            return true;
    }
    return false;
}

static ks_status visit(fwalk *w, ks_pdf_obj *ref, const ks_pdf_field_node *parent, int depth,
                       ks_error *err)
{
    ks_pdf_doc *doc = w->doc;
    if (depth > KS_PDF_MAX_FIELD_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: form field tree deeper than %d levels"),
                            doc->name, KS_PDF_MAX_FIELD_DEPTH);
    if (++w->nodes > KS_PDF_MAX_FIELD_NODES)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: form field tree has more than %d nodes"),
                            doc->name, KS_PDF_MAX_FIELD_NODES);
    ks_pdf_field_node n;
    memset(&n, 0, sizeof n);
    if (ref->type == KS_PDF_REF) {
        n.ref = ref->u.ref;
        if (n.ref.num < doc->nslots) {
            if (w->seen[n.ref.num / 8] & (1u << (n.ref.num % 8))) {
                warn_loop(doc, n.ref.num);
                return KS_OK;
            }
            w->seen[n.ref.num / 8] |= (uint8_t)(1u << (n.ref.num % 8));
        }
    }
    ks_pdf_obj *f = ks_pdf_resolve(doc, ref, NULL);
    if (!f || f->type != KS_PDF_DICT)
        return KS_OK;
    n.dict = f;
    n.depth = depth;
    const char *pname = parent ? parent->name : "";
    n.name = pname;
    char *t = ks_pdf_string_utf8(ks_pdf_dict_getr(doc, f, "T"));
    if (t) {
        size_t len = strlen(pname) + strlen(t) + 2;
        char *full = ks_arena_alloc(doc->arena, len);
        if (!full) {
            free(t);
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
        if (*pname)
            strcat(strcat(strcpy(full, pname), "."), t);
        else
            strcpy(full, t);
        free(t);
        n.name = full;
        n.partial = true;
    }
    if (parent)
        n.parent = parent->ref;
    ks_pdf_obj *ft = ks_pdf_dict_getr(doc, f, "FT");
    n.is_sig = ft ? ks_pdf_is_name(ft, "Sig") : parent && parent->is_sig;
    n.value = ks_pdf_dict_get(f, "V");
    if (!n.value && parent)
        n.value = parent->value; /* /V is inheritable (§12.7.4.1, Table 226) */
    ks_pdf_obj *kids = ks_pdf_dict_getr(doc, f, "Kids");
    n.terminal = !has_field_kids(doc, kids);
    n.widget = !t && parent && parent->terminal;
    ks_status st = w->fn(w->ctx, &n, err);
    for (size_t i = 0; !st && kids && kids->type == KS_PDF_ARRAY && i < kids->u.arr.len; i++)
        st = visit(w, kids->u.arr.items[i], &n, depth + 1, err);
    return st;
}

ks_status ks_pdf_field_walk(ks_pdf_doc *doc, ks_pdf_field_fn fn, void *ctx, ks_error *err)
{
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *af = cat ? ks_pdf_dict_getr(doc, cat, "AcroForm") : NULL;
    ks_pdf_obj *fields = af && af->type == KS_PDF_DICT ? ks_pdf_dict_getr(doc, af, "Fields") : NULL;
    if (!fields || fields->type != KS_PDF_ARRAY)
        return KS_OK;
    fwalk w = {doc, calloc((size_t)doc->nslots / 8 + 1, 1), 0, fn, ctx};
    if (!w.seen)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = KS_OK;
    for (size_t i = 0; i < fields->u.arr.len && !st; i++)
        st = visit(&w, fields->u.arr.items[i], NULL, 0, err);
    free(w.seen);
    return st;
}

typedef struct sigwalk {
    ks_pdf_doc *doc;
    ks_pdf_sig_field *list;
    size_t n, cap;
} sigwalk;

static ks_status add_sig(void *ctx, const ks_pdf_field_node *node, ks_error *err)
{
    sigwalk *w = ctx;
    ks_pdf_doc *doc = w->doc;
    if (!node->is_sig || !node->terminal || node->widget)
        return KS_OK;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 8;
        ks_pdf_sig_field *l = realloc(w->list, cap * sizeof *l);
        if (!l)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        w->list = l;
        w->cap = cap;
    }
    ks_pdf_sig_field *s = &w->list[w->n++];
    memset(s, 0, sizeof *s);
    s->name = node->name;
    s->ref = node->ref;
    s->field = node->dict;
    ks_pdf_obj *v = ks_pdf_dict_get(node->dict, "V");
    if (v && v->type == KS_PDF_REF)
        s->value_ref = v->u.ref;
    v = v ? ks_pdf_resolve(doc, v, NULL) : NULL;
    if (v && v->type == KS_PDF_DICT) {
        s->value = v;
        ks_pdf_obj *br = ks_pdf_dict_getr(doc, v, "ByteRange");
        if (br && br->type == KS_PDF_ARRAY && br->u.arr.len == 4) {
            s->has_byte_range = true;
            for (int i = 0; i < 4; i++)
                if (!ks_pdf_get_int(ks_pdf_resolve(doc, br->u.arr.items[i], NULL),
                                    &s->byte_range[i]))
                    s->has_byte_range = false;
        }
        ks_pdf_obj *sf = ks_pdf_dict_getr(doc, v, "SubFilter");
        if (sf && sf->type == KS_PDF_NAME)
            s->subfilter = sf->u.name.s;
        ks_pdf_obj *ty = ks_pdf_dict_getr(doc, v, "Type");
        if (ty && ty->type == KS_PDF_NAME)
            s->type = ty->u.name.s;
    }
    return KS_OK;
}

ks_status ks_pdf_sig_fields(ks_pdf_doc *doc, ks_pdf_sig_field **out, size_t *count, ks_error *err)
{
    *out = NULL;
    *count = 0;
    sigwalk w = {doc, NULL, 0, 0};
    ks_status st = ks_pdf_field_walk(doc, add_sig, &w, err);
    if (st) {
        free(w.list);
        return st;
    }
    *out = w.list;
    *count = w.n;
    return KS_OK;
}
