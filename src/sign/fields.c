/* sign/fields.c — what the document already says about signing: a /DocMDP certification that
 * forbids changes (ISO 32000-2 §12.8.2.2), and the AcroForm's signature fields (§12.7.5.5),
 * to reuse an empty one or pick a fresh "Signature<N>" name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sign_internal.h"

ks_status ks_sign_check_docmdp(ks_pdf_doc *doc, ks_error *err)
{
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    if (!cat)
        return KS_OK;
    ks_pdf_obj *perms = ks_pdf_dict_getr(doc, cat, "Perms");
    ks_pdf_obj *sig = perms ? ks_pdf_dict_getr(doc, perms, "DocMDP") : NULL;
    if (!sig || sig->type != KS_PDF_DICT)
        return KS_OK;
    int64_t p = 2; /* ISO 32000-2 Table 257: default P is 2 */
    ks_pdf_obj *refs = ks_pdf_dict_getr(doc, sig, "Reference");
    for (size_t i = 0; refs && refs->type == KS_PDF_ARRAY && i < refs->u.arr.len; i++) {
        ks_pdf_obj *r = ks_pdf_resolve(doc, refs->u.arr.items[i], NULL);
        if (!r || r->type != KS_PDF_DICT ||
            !ks_pdf_is_name(ks_pdf_dict_getr(doc, r, "TransformMethod"), "DocMDP"))
            continue;
        ks_pdf_obj *tp = ks_pdf_dict_getr(doc, r, "TransformParams");
        if (tp && tp->type == KS_PDF_DICT) {
            int64_t v;
            if (ks_pdf_get_int(ks_pdf_dict_getr(doc, tp, "P"), &v))
                p = v;
        }
    }
    if (p == 1)
        return ks_error_set(err, KS_E_STATE,
                            N_("\"%s\" is certified with /DocMDP P=1 (no changes allowed): "
                               "a new signature would invalidate the certification"),
                            ks_pdf_name(doc));
    return KS_OK;
}

typedef struct walk {
    ks_pdf_doc *doc;
    const char *want;
    ks_sig_field *out;
    ks_sig_field first_empty;
    bool have_empty;
    bool named_found;
    bool named_bad;
    char names[1024][128]; /* names seen, to avoid when picking "Signature<N>" */
    size_t nnames;
    bool overflow;
} walk;

static void note_name(walk *w, const char *n)
{
    if (w->nnames < sizeof w->names / sizeof w->names[0])
        snprintf(w->names[w->nnames++], sizeof w->names[0], "%s", n);
    else
        w->overflow = true;
}

static ks_status visit(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    (void)err;
    walk *w = ctx;
    if (!n->terminal || n->widget)
        return KS_OK; /* only terminal fields have values and widgets of their own */
    const char *name = n->name;
    if (name[0])
        note_name(w, name);
    bool empty = n->is_sig && !ks_pdf_dict_get(n->dict, "V");
    bool usable = empty && n->ref.num;
    ks_sig_field cand = {0};
    if (usable) {
        ks_pdf_obj *kids = ks_pdf_dict_getr(w->doc, n->dict, "Kids");
        cand.found = true;
        cand.ref = n->ref;
        cand.dict = n->dict;
        cand.is_widget = !(kids && kids->type == KS_PDF_ARRAY && kids->u.arr.len > 0);
        snprintf(cand.name, sizeof cand.name, "%s", name);
    }
    if (w->want && strcmp(w->want, name) == 0) {
        w->named_found = true;
        if (usable)
            *w->out = cand;
        else
            w->named_bad = true;
    }
    if (usable && !w->have_empty && cand.is_widget) {
        w->first_empty = cand;
        w->have_empty = true;
    }
    return KS_OK;
}

ks_status ks_sign_find_field(ks_pdf_doc *doc, const char *want, bool reuse_empty, ks_sig_field *out,
                             ks_error *err)
{
    memset(out, 0, sizeof *out);
    walk *w = calloc(1, sizeof *w);
    if (!w)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    w->doc = doc;
    w->want = want;
    w->out = out;
    ks_status st = ks_pdf_field_walk(doc, visit, w, err);
    if (st != KS_OK)
        goto done;
    if (want) {
        if (w->named_bad) {
            st = ks_error_set(err, KS_E_STATE,
                              N_("field \"%s\" of \"%s\" is not an empty signature field"), want,
                              ks_pdf_name(doc));
            goto done;
        }
        if (!w->named_found) {
            if (strchr(want, '.')) {
                st = ks_error_set(err, KS_E_USAGE,
                                  N_("a new signature field name may not contain '.': \"%s\""),
                                  want);
                goto done;
            }
            snprintf(out->name, sizeof out->name, "%s", want);
        }
        goto done;
    }
    if (reuse_empty && w->have_empty) {
        *out = w->first_empty;
        goto done;
    }
    for (unsigned n = 1; n < 100000; n++) {
        char cand[64];
        snprintf(cand, sizeof cand, "Signature%u", n);
        bool used = false;
        for (size_t i = 0; i < w->nnames && !used; i++)
            used = strcmp(w->names[i], cand) == 0;
        if (!used) {
            snprintf(out->name, sizeof out->name, "%s", cand);
            break;
        }
    }
done:
    free(w);
    return st;
}
