/* pdf/fields.c — the interactive form's field tree (ISO 32000-2 §12.7.4): signature fields
 * (§12.7.5.5) with their full names and signature dictionaries, for info, signing, verifying. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KS_PDF_MAX_FIELD_DEPTH 64

typedef struct fwalk {
    ks_pdf_doc *doc;
    uint8_t *seen;
    ks_pdf_sig_field *list;
    size_t n, cap;
} fwalk;

static ks_status visit(fwalk *w, ks_pdf_obj *ref, const char *parent_name, bool parent_sig,
                       int depth, ks_error *err)
{
    ks_pdf_doc *doc = w->doc;
    if (depth > KS_PDF_MAX_FIELD_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: form field tree deeper than %d levels"),
                            doc->name, KS_PDF_MAX_FIELD_DEPTH);
    ks_pdf_ref r = {0, 0};
    if (ref->type == KS_PDF_REF) {
        r = ref->u.ref;
        if (r.num < doc->nslots) {
            if (w->seen[r.num / 8] & (1u << (r.num % 8)))
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: form field tree visits object %u twice"), doc->name,
                                    r.num);
            w->seen[r.num / 8] |= (uint8_t)(1u << (r.num % 8));
        }
    }
    ks_pdf_obj *f = ks_pdf_resolve(doc, ref, NULL);
    if (f->type != KS_PDF_DICT)
        return KS_OK;
    ks_pdf_obj *ft = ks_pdf_dict_getr(doc, f, "FT");
    bool is_sig = ft ? ks_pdf_is_name(ft, "Sig") : parent_sig;
    const char *name = parent_name;
    char *t = ks_pdf_string_utf8(ks_pdf_dict_getr(doc, f, "T"));
    if (t) {
        size_t n = strlen(parent_name) + strlen(t) + 2;
        char *full = ks_arena_alloc(doc->arena, n);
        if (!full) {
            free(t);
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
        if (*parent_name)
            strcat(strcat(strcpy(full, parent_name), "."), t);
        else
            strcpy(full, t);
        free(t);
        name = full;
    }
    ks_pdf_obj *kids = ks_pdf_dict_getr(doc, f, "Kids");
    bool has_field_kids = false;
    if (kids && kids->type == KS_PDF_ARRAY) {
        for (size_t i = 0; i < kids->u.arr.len; i++) {
            ks_pdf_obj *k = ks_pdf_resolve(doc, kids->u.arr.items[i], NULL);
            /* Kids without /T are widgets of this field, not fields (§12.7.4.1). */
            if (k->type == KS_PDF_DICT && ks_pdf_dict_get(k, "T")) {
                has_field_kids = true;
                ks_status st = visit(w, kids->u.arr.items[i], name, is_sig, depth + 1, err);
                if (st)
                    return st;
            }
        }
    }
    if (!is_sig || has_field_kids)
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
    s->name = name;
    s->ref = r;
    s->field = f;
    ks_pdf_obj *v = ks_pdf_dict_get(f, "V");
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
    ks_pdf_obj *af = ks_pdf_dict_getr(doc, ks_pdf_catalog(doc), "AcroForm");
    ks_pdf_obj *fields = ks_pdf_dict_getr(doc, af, "Fields");
    if (!fields || fields->type != KS_PDF_ARRAY)
        return KS_OK;
    fwalk w = {doc, calloc((size_t)doc->nslots / 8 + 1, 1), NULL, 0, 0};
    if (!w.seen)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = KS_OK;
    for (size_t i = 0; i < fields->u.arr.len && !st; i++)
        st = visit(&w, fields->u.arr.items[i], "", false, 0, err);
    free(w.seen);
    if (st) {
        free(w.list);
        return st;
    }
    *out = w.list;
    *count = w.n;
    return KS_OK;
}
