/* sign/numfields.c — the two text fields over "Số:" and the place-and-date line that the
 * personal signature leaves open and the clerk fills at issue (kyso/numfields.h): finding them,
 * adding them before the first signature, and the personal signature's FieldMDP lock. The fill
 * is numfields_fill.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/docfmt.h"
#include "kyso/numfields.h"
#include "numfields_internal.h"
#include "sign_internal.h"

const char *const ks_numfield_names[2] = {KS_NUMFIELD_NUMBER, KS_NUMFIELD_DATE};

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

typedef struct find_ctx {
    ks_numfield_found *out;
    size_t sigs;
} find_ctx;

static ks_status on_node(void *user, const ks_pdf_field_node *n, ks_error *err)
{
    (void)err;
    find_ctx *f = user;
    if (n->is_sig && n->value)
        f->sigs++;
    for (int i = 0; i < 2; i++)
        if (n->name && !strcmp(n->name, ks_numfield_names[i]) && n->ref.num && !f->out[i].found) {
            f->out[i].found = true;
            f->out[i].ref = n->ref;
            f->out[i].dict = n->dict;
        }
    return KS_OK;
}

ks_status ks_numfields_find(ks_pdf_doc *doc, ks_numfield_found out[2], size_t *signatures,
                            ks_error *err)
{
    find_ctx f = {out, 0};
    memset(out, 0, 2 * sizeof *out);
    ks_status st = ks_pdf_field_walk(doc, on_node, &f, err);
    if (signatures)
        *signatures = f.sigs;
    return st;
}

ks_status ks_numfields_present(ks_pdf_doc *doc, bool *present, ks_error *err)
{
    ks_numfield_found f[2];
    ks_status st = ks_numfields_find(doc, f, NULL, err);
    *present = st == KS_OK && f[0].found && f[1].found;
    return st;
}

void ks_numfields_lock(ks_sign_opts *o)
{
    o->lock = KS_SIGN_LOCK_EXCLUDE;
    o->lock_fields = ks_numfield_names;
    o->lock_count = 2;
}

static bool overlap_y(const ks_pdf_rect *a, const ks_pdf_rect *b)
{
    return a->y0 < b->y1 && b->y0 < a->y1;
}

/* The widget rectangle over line `l`: its baseline (Liberation Serif's descent) to the ascent,
 * wider than the draft line by the room a number of four digits or a two-digit day and month
 * need, never into the other column's line on the same row nor off the page. */
static ks_pdf_rect widget_rect(const ks_docfmt_line_at *l, const ks_docfmt_line_at *other,
                               bool left, const ks_pdf_rect *crop)
{
    double s = l->font_size > 1 ? l->font_size : 13;
    double base = l->box.y0 + KS_NUMFIELD_DESCENT * s;
    double cx = (l->box.x0 + l->box.x1) / 2, half = (l->box.x1 - l->box.x0) / 2 + 1.3 * s;
    ks_pdf_rect r = {cx - half, base - KS_NUMFIELD_BELOW * s, cx + half, base + 0.95 * s};
    if (left && overlap_y(&r, &other->box) && r.x1 > other->box.x0 - 2)
        r.x1 = other->box.x0 - 2;
    if (!left && overlap_y(&r, &other->box) && r.x0 < other->box.x1 + 2)
        r.x0 = other->box.x1 + 2;
    if (r.x0 < crop->x0)
        r.x0 = crop->x0;
    if (r.x1 > crop->x1)
        r.x1 = crop->x1;
    if (r.x0 > l->box.x0)
        r.x0 = l->box.x0;
    if (r.x1 < l->box.x1)
        r.x1 = l->box.x1;
    return r;
}

static ks_pdf_obj *rect_obj(ks_arena *a, ks_pdf_rect r)
{
    ks_pdf_obj *o = ks_pdf_new_array(a);
    double v[4] = {r.x0, r.y0, r.x1, r.y1};
    for (int i = 0; o && i < 4; i++)
        if (!ks_pdf_array_push(a, o, ks_pdf_new_real(a, (long)(v[i] * 100 + 0.5) / 100.0)))
            return NULL;
    return o;
}

ks_pdf_obj *ks_numfield_text(ks_arena *a, const char *utf8)
{
    ks_buf b = KS_BUF_INIT;
    ks_pdf_obj *o = ks_sign_text_bytes(&b, utf8)
                        ? ks_pdf_new_string(a, b.data, b.len, b.len != strlen(utf8))
                        : NULL;
    ks_buf_free(&b);
    return o;
}

/* One field-widget over `l`, with an empty appearance (so that no viewer draws one of its own
 * at the personal signature) and the draft line as its default value. */
static ks_status put_field(ks_pdf_update *u, ks_arena *a, int which, const ks_docfmt_line_at *l,
                           ks_pdf_rect r, ks_pdf_ref page, uint32_t num, ks_error *err)
{
    char da[64];
    snprintf(da, sizeof da, "/KysoSerif %.2f Tf 0 g", l->font_size > 1 ? l->font_size : 13.0);
    uint32_t ap = ks_pdf_update_alloc(u);
    ks_pdf_obj *apd = ks_pdf_new_dict(a), *w = ks_pdf_new_dict(a), *apn = ks_pdf_new_dict(a);
    ks_pdf_rect bb = {0, 0, r.x1 - r.x0, r.y1 - r.y0};
    bool ok = apd && w && apn && ks_pdf_dict_put(a, apd, "Type", ks_pdf_new_name(a, "XObject")) &&
              ks_pdf_dict_put(a, apd, "Subtype", ks_pdf_new_name(a, "Form")) &&
              ks_pdf_dict_put(a, apd, "BBox", rect_obj(a, bb));
    ok = ok && ks_pdf_dict_put(a, w, "Type", ks_pdf_new_name(a, "Annot")) &&
         ks_pdf_dict_put(a, w, "Subtype", ks_pdf_new_name(a, "Widget")) &&
         ks_pdf_dict_put(a, w, "FT", ks_pdf_new_name(a, "Tx")) &&
         ks_pdf_dict_put(a, w, "T", ks_numfield_text(a, ks_numfield_names[which])) &&
         ks_pdf_dict_put(a, w, "TU",
                         ks_numfield_text(a, which == 0 ? "Số và ký hiệu văn bản"
                                                        : "Địa danh và thời gian ban hành")) &&
         ks_pdf_dict_put(a, w, "Ff", ks_pdf_new_int(a, 1)) && /* read-only */
         ks_pdf_dict_put(a, w, "F", ks_pdf_new_int(a, 4)) &&  /* print */
         ks_pdf_dict_put(a, w, "Q", ks_pdf_new_int(a, 1)) &&
         ks_pdf_dict_put(a, w, "Rect", rect_obj(a, r)) &&
         ks_pdf_dict_put(a, w, "P", ks_pdf_new_ref(a, page.num, page.gen)) &&
         ks_pdf_dict_put(a, w, "DA", ks_numfield_text(a, da)) &&
         ks_pdf_dict_put(a, w, "DV", ks_numfield_text(a, l->text)) &&
         ks_pdf_dict_put(a, w, "V", ks_numfield_text(a, "")) &&
         ks_pdf_dict_put(a, apn, "N", ks_pdf_new_ref(a, ap, 0)) && ks_pdf_dict_put(a, w, "AP", apn);
    if (!ok)
        return nomem(err);
    static const char empty[] = "/Tx BMC\nEMC\n";
    ks_status st =
        ks_pdf_update_put_stream(u, ap, 0, apd, (const uint8_t *)empty, sizeof empty - 1, err);
    return st != KS_OK ? st : ks_pdf_update_put(u, num, 0, w, err);
}

/* Page 1's /Annots and the AcroForm's /Fields gain the two fields. */
static ks_status link_fields(ks_pdf_doc *doc, ks_pdf_update *u, ks_arena *a, ks_pdf_obj *page,
                             ks_pdf_ref pref, const uint32_t nums[2], ks_error *err)
{
    ks_pdf_obj *annots = ks_pdf_dict_get(page, "Annots");
    ks_pdf_obj *arr = annots ? ks_pdf_resolve(doc, annots, NULL) : NULL;
    ks_pdf_obj *na = arr && arr->type == KS_PDF_ARRAY ? ks_pdf_copy(a, arr) : ks_pdf_new_array(a);
    if (!na || !ks_pdf_array_push(a, na, ks_pdf_new_ref(a, nums[0], 0)) ||
        !ks_pdf_array_push(a, na, ks_pdf_new_ref(a, nums[1], 0)))
        return nomem(err);
    ks_status st;
    if (annots && annots->type == KS_PDF_REF && arr && arr->type == KS_PDF_ARRAY) {
        st = ks_pdf_update_put(u, annots->u.ref.num, annots->u.ref.gen, na, err);
    } else {
        ks_pdf_obj *np = ks_pdf_copy(a, page);
        if (!np || !ks_pdf_dict_put(a, np, "Annots", na))
            return nomem(err);
        st = ks_pdf_update_put(u, pref.num, pref.gen, np, err);
    }
    if (st != KS_OK)
        return st;
    ks_pdf_ref cref;
    if ((st = ks_sign_catalog_ref(doc, &cref, err)) != KS_OK)
        return st;
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *form_v = ks_pdf_dict_get(cat, "AcroForm");
    ks_pdf_obj *form = form_v ? ks_pdf_resolve(doc, form_v, NULL) : NULL;
    ks_pdf_obj *nf = form && form->type == KS_PDF_DICT ? ks_pdf_copy(a, form) : ks_pdf_new_dict(a);
    ks_pdf_obj *fields_v = nf ? ks_pdf_dict_get(nf, "Fields") : NULL;
    ks_pdf_obj *fields = fields_v ? ks_pdf_resolve(doc, fields_v, NULL) : NULL;
    ks_pdf_obj *nfl =
        fields && fields->type == KS_PDF_ARRAY ? ks_pdf_copy(a, fields) : ks_pdf_new_array(a);
    if (!nf || !nfl || !ks_pdf_array_push(a, nfl, ks_pdf_new_ref(a, nums[0], 0)) ||
        !ks_pdf_array_push(a, nfl, ks_pdf_new_ref(a, nums[1], 0)))
        return nomem(err);
    if (fields_v && fields_v->type == KS_PDF_REF && fields && fields->type == KS_PDF_ARRAY)
        st = ks_pdf_update_put(u, fields_v->u.ref.num, fields_v->u.ref.gen, nfl, err);
    else if (!ks_pdf_dict_put(a, nf, "Fields", nfl))
        return nomem(err);
    if (st != KS_OK)
        return st;
    if (form_v && form_v->type == KS_PDF_REF && form && form->type == KS_PDF_DICT)
        return ks_pdf_update_put(u, form_v->u.ref.num, form_v->u.ref.gen, nf, err);
    uint32_t fnum = ks_pdf_update_alloc(u);
    if ((st = ks_pdf_update_put(u, fnum, 0, nf, err)) != KS_OK)
        return st;
    ks_pdf_obj *nc = ks_pdf_copy(a, cat);
    if (!nc || !ks_pdf_dict_put(a, nc, "AcroForm", ks_pdf_new_ref(a, fnum, 0)))
        return nomem(err);
    return ks_pdf_update_put(u, cref.num, cref.gen, nc, err);
}

ks_status ks_numfield_append(const uint8_t *in, size_t len, ks_pdf_update *u, uint8_t **out,
                             size_t *out_len, ks_error *err)
{
    ks_buf upd = KS_BUF_INIT;
    ks_status st = ks_pdf_update_finish(u, &upd, err);
    uint8_t *o = st == KS_OK ? malloc(len + upd.len) : NULL;
    if (st == KS_OK && !o)
        st = nomem(err);
    if (st == KS_OK) {
        memcpy(o, in, len);
        memcpy(o + len, upd.data, upd.len);
        *out = o;
        *out_len = len + upd.len;
    }
    ks_buf_free(&upd);
    return st;
}

ks_status ks_numfields_add(const uint8_t *in, size_t len, const char *name, uint8_t **out,
                           size_t *out_len, ks_error *err)
{
    ks_pdf_doc *doc = NULL;
    ks_pdf_update *u = NULL;
    ks_docfmt_line_at num, date;
    ks_numfield_found f[2];
    size_t sigs = 0;
    *out = NULL;
    *out_len = 0;
    ks_status st = ks_pdf_open_mem(in, len, name, NULL, &doc, err);
    if (st != KS_OK)
        goto done;
    ks_pdf_encryption enc;
    ks_pdf_get_encryption(doc, &enc);
    if (enc.encrypted) {
        st =
            ks_error_set(err, KS_E_STATE,
                         N_("\"%s\" is encrypted: the number and date fields are not added"), name);
        goto done;
    }
    if ((st = ks_numfields_find(doc, f, &sigs, err)) != KS_OK)
        goto done;
    if (f[0].found || f[1].found || sigs) {
        st = ks_error_set(err, KS_E_STATE,
                          sigs ? N_("\"%s\" is signed already: the number and date fields must "
                                    "come before the first signature")
                               : N_("\"%s\" has its number and date fields already"),
                          name);
        goto done;
    }
    if ((st = ks_docfmt_locate_number_date(doc, &num, &date, err)) != KS_OK)
        goto done;
    if (!num.found || !date.found) {
        st = ks_error_set(err, KS_E_FORMAT,
                          !num.found ? N_("page 1 of \"%s\" has no line \"Số: …/…\" under the "
                                          "agency name to write the number into")
                                     : N_("page 1 of \"%s\" has no place-and-date line under the "
                                          "motto to write the date into"),
                          name);
        goto done;
    }
    ks_pdf_obj *page = NULL;
    ks_pdf_ref pref;
    ks_pdf_rect media, crop;
    int rot = 0;
    if ((st = ks_pdf_page(doc, 0, &page, &pref, err)) != KS_OK ||
        (st = ks_pdf_page_geometry(doc, page, &media, &crop, &rot, err)) != KS_OK ||
        (st = ks_pdf_update_new(doc, &u, err)) != KS_OK)
        goto done;
    ks_arena *a = ks_pdf_arena(doc);
    uint32_t nums[2] = {ks_pdf_update_alloc(u), ks_pdf_update_alloc(u)};
    if ((st = put_field(u, a, 0, &num, widget_rect(&num, &date, true, &crop), pref, nums[0],
                        err)) != KS_OK ||
        (st = put_field(u, a, 1, &date, widget_rect(&date, &num, false, &crop), pref, nums[1],
                        err)) != KS_OK ||
        (st = link_fields(doc, u, a, page, pref, nums, err)) != KS_OK)
        goto done;
    st = ks_numfield_append(in, len, u, out, out_len, err);
done:
    ks_pdf_update_free(u);
    ks_pdf_close(doc);
    return st;
}
