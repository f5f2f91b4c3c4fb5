/* verify/diff_fields.c — form fields in the difference analysis: a field of the signed revision
 * that a later revision no longer has in its field tree was removed, which no signature allows
 * (ISO 32000-2 §12.8.2.2: a certification permits filling and signing, not deleting; an
 * approval signature's field list is part of what was signed); and the FieldMDP lock of a
 * signature (§12.8.2.4), read from its /Reference. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

void ks_vf_check_removed(ks_vf_diff_run *x)
{
    for (size_t i = 0; i < x->rr.nfields; i++) {
        const ks_vf_fnode *f = &x->rr.fields[i];
        if (x->removed[f->num] || ks_vf_field(&x->rk, f->num))
            continue;
        x->removed[f->num] = 1;
        uint16_t gen = 0;
        ks_vf_get_any(x->dr, f->num, &gen);
        if (f->name && *f->name)
            ks_vf_note_s(x, f->num, gen, false, N_("the form field \"%s\" was removed"), f->name);
        else
            ks_vf_note(x, f->num, gen, false, N_("an unnamed form field (a widget) was removed"),
                       0);
    }
}

static char *dup_text(ks_pdf_obj *s)
{
    return s && s->type == KS_PDF_STRING ? ks_pdf_string_utf8(s) : NULL;
}

/* A FieldMDP parameters dictionary (TransformParams, or a field's /Lock): /Action, /Fields. */
static void lock_from(ks_pdf_doc *d, ks_pdf_obj *tp, ks_vf_lock *lock)
{
    ks_pdf_obj *act = tp && tp->type == KS_PDF_DICT ? ks_pdf_dict_getr(d, tp, "Action") : NULL;
    lock->action = ks_pdf_is_name(act, "All")       ? 1
                   : ks_pdf_is_name(act, "Include") ? 2
                   : ks_pdf_is_name(act, "Exclude") ? 3
                                                    : 1; /* unknown: the strictest */
    ks_pdf_obj *fields = tp && tp->type == KS_PDF_DICT ? ks_pdf_dict_getr(d, tp, "Fields") : NULL;
    size_t n = fields && fields->type == KS_PDF_ARRAY ? fields->u.arr.len : 0;
    lock->names = n ? calloc(n, sizeof *lock->names) : NULL;
    if (n && !lock->names) {
        lock->action = 1;
        return;
    }
    for (size_t k = 0; k < n; k++) {
        char *t = dup_text(ks_pdf_resolve(d, fields->u.arr.items[k], NULL));
        if (t)
            lock->names[lock->n++] = t;
    }
}

void ks_vf_lock_read(ks_vf_diff_run *x, ks_pdf_obj *sd, uint32_t sig_num)
{
    ks_pdf_doc *d = x->c->doc;
    ks_vf_lock *lock = &x->lock;
    memset(lock, 0, sizeof *lock);
    ks_pdf_obj *refs = sd ? ks_pdf_dict_getr(d, sd, "Reference") : NULL;
    for (size_t i = 0; refs && refs->type == KS_PDF_ARRAY && i < refs->u.arr.len; i++) {
        ks_pdf_obj *r = ks_pdf_resolve(d, refs->u.arr.items[i], NULL);
        if (r && r->type == KS_PDF_DICT &&
            ks_pdf_is_name(ks_pdf_dict_getr(d, r, "TransformMethod"), "FieldMDP")) {
            lock_from(d, ks_pdf_dict_getr(d, r, "TransformParams"), lock);
            return; /* one FieldMDP reference per signature (§12.8.1, Table 255) */
        }
    }
    /* No reference: the signature field's /Lock applies once it is signed (§12.7.5.5). */
    for (size_t i = 0; sig_num && i < x->rr.nfields; i++) {
        if (!x->rr.fields[i].sig)
            continue;
        uint16_t g;
        ks_pdf_obj *f = ks_vf_get_any(x->dr, x->rr.fields[i].num, &g);
        ks_pdf_obj *v = f && f->type == KS_PDF_DICT ? ks_pdf_dict_get(f, "V") : NULL;
        ks_pdf_obj *l = v && v->type == KS_PDF_REF && v->u.ref.num == sig_num
                            ? ks_pdf_dict_getr(x->dr, f, "Lock")
                            : NULL;
        if (l && l->type == KS_PDF_DICT) {
            lock_from(x->dr, l, lock);
            return;
        }
    }
}

void ks_vf_lock_free(ks_vf_lock *lock)
{
    for (size_t i = 0; i < lock->n; i++)
        free(lock->names[i]);
    free(lock->names);
    memset(lock, 0, sizeof *lock);
}
