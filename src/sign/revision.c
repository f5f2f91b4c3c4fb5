/* sign/revision.c — builds the incremental update that adds one signature (or document
 * timestamp): the signature dictionary with its placeholders, the field + widget on its page
 * (page /Annots re-put), and the AcroForm with /SigFlags 3. ISO 32000-2 §12.7.5.5, §12.8. */
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "appear.h"
#include "sign_internal.h"

#define ANNOT_PRINT_LOCKED 132 /* Print (4) + Locked (128) */

ks_status ks_sign_catalog_ref(ks_pdf_doc *doc, ks_pdf_ref *out, ks_error *err)
{
    ks_pdf_obj *root = ks_pdf_dict_get(ks_pdf_trailer(doc), "Root");
    if (!root || root->type != KS_PDF_REF)
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" has no /Root reference in its trailer"),
                            ks_pdf_name(doc));
    *out = root->u.ref;
    return KS_OK;
}

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

/* Common name of the certificate subject, UTF-8, or "" when absent. */
static void cert_cn(X509 *cert, char *out, size_t len)
{
    out[0] = 0;
    if (!cert)
        return;
    X509_NAME *n = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
    if (i < 0)
        return;
    unsigned char *u = NULL;
    int ul = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
    if (ul > 0)
        snprintf(out, len, "%.*s", ul, (const char *)u);
    OPENSSL_free(u);
}

/* One text string of the signature dictionary (object `num`): as a literal or UTF-16BE hex
 * string in a plain document; in an encrypted one, encrypted for that object like every other
 * string (ISO 32000-2 §7.6.2; only /Contents stays in clear). */
static ks_status put_sig_text(ks_buf *b, ks_pdf_update *u, uint32_t num, bool encrypted,
                              const char *utf8, ks_error *err)
{
    if (!encrypted)
        return ks_sign_put_text(b, utf8) ? KS_OK : nomem(err);
    ks_buf raw = KS_BUF_INIT; /* ks_sign_text_bytes normalises to NFC like ks_sign_put_text */
    bool ok = ks_sign_text_bytes(&raw, utf8);
    ks_status st = ok ? ks_pdf_update_string(u, num, 0, raw.data, raw.len, b, err) : nomem(err);
    ks_buf_free(&raw);
    return st;
}

/* The FieldMDP signature reference (ISO 32000-2 §12.8.1 Table 255, §12.8.2.4): which form
 * fields a later revision may no longer change once this signature is made. */
static ks_status put_lock(ks_buf *b, ks_pdf_update *u, uint32_t num, bool encrypted,
                          const ks_sign_opts *o, ks_error *err)
{
    static const char *const actions[] = {"", "All", "Include", "Exclude"};
    if (o->lock == KS_SIGN_LOCK_NONE)
        return KS_OK;
    if ((unsigned)o->lock > KS_SIGN_LOCK_EXCLUDE ||
        (o->lock != KS_SIGN_LOCK_ALL && (!o->lock_fields || !o->lock_count)))
        return ks_error_set(err, KS_E_USAGE,
                            N_("a FieldMDP lock that includes or excludes fields needs their "
                               "names"));
    ks_buf_printf(b,
                  " /Reference [<< /Type /SigRef /TransformMethod /FieldMDP /DigestMethod /SHA256"
                  " /TransformParams << /Type /TransformParams /V /1.2 /Action /%s",
                  actions[o->lock]);
    if (o->lock != KS_SIGN_LOCK_ALL) {
        ks_buf_puts(b, " /Fields [");
        for (size_t i = 0; i < o->lock_count; i++) {
            ks_buf_puts(b, i ? " " : "");
            ks_status st = put_sig_text(b, u, num, encrypted, o->lock_fields[i], err);
            if (st != KS_OK)
                return st;
        }
        ks_buf_puts(b, "]");
    }
    ks_buf_puts(b, " >> >>]");
    return b->failed ? nomem(err) : KS_OK;
}

static ks_status build_sig_dict(const ks_sig_rev_params *p, ks_pdf_update *u, uint32_t num,
                                bool encrypted, ks_buf *b, ks_error *err)
{
    const ks_sign_opts *o = p->opts;
    if (p->doc_ts) {
        ks_buf_puts(b, "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 ");
    } else {
        ks_buf_printf(b, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /%s ",
                      o->profile == KS_CMS_PKCS7 ? "adbe.pkcs7.detached" : "ETSI.CAdES.detached");
    }
    /* Placeholders first, so that no user text can precede them in the object. */
    if (!ks_sig_put_placeholders(b, p->contents_bytes))
        return nomem(err);
    if (!p->doc_ts) {
        char m[32];
        ks_time_pdf_vn(p->signing_time, m);
        char cn[256];
        cert_cn(p->cert, cn, sizeof cn);
        const struct {
            const char *key, *val;
        } texts[] = {{"M", m},
                     {"Name", cn},
                     {"Reason", o->reason},
                     {"Location", o->location},
                     {"ContactInfo", o->contact_info}};
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            if (!texts[i].val || !texts[i].val[0])
                continue;
            ks_buf_printf(b, " /%s ", texts[i].key);
            ks_status st = put_sig_text(b, u, num, encrypted, texts[i].val, err);
            if (st != KS_OK)
                return st;
        }
        ks_buf_puts(b, " /Prop_Build << /App << /Name /kyso >> >>");
        ks_status st = put_lock(b, u, num, encrypted, o, err);
        if (st != KS_OK)
            return st;
    }
    ks_buf_puts(b, " >>");
    return b->failed ? nomem(err) : KS_OK;
}

/* Adds `widget` to the /Annots of page `page_ref`: the array object is re-put when /Annots is
 * indirect, else the page itself. */
static ks_status add_to_annots(ks_pdf_doc *doc, ks_pdf_update *u, ks_arena *a, ks_pdf_obj *page,
                               ks_pdf_ref page_ref, uint32_t widget, ks_error *err)
{
    ks_pdf_obj *annots = ks_pdf_dict_get(page, "Annots");
    ks_pdf_obj *arr = annots ? ks_pdf_resolve(doc, annots, NULL) : NULL;
    ks_pdf_obj *na = arr && arr->type == KS_PDF_ARRAY ? ks_pdf_copy(a, arr) : ks_pdf_new_array(a);
    if (!na)
        return nomem(err);
    for (size_t i = 0; i < na->u.arr.len; i++) {
        ks_pdf_obj *it = na->u.arr.items[i];
        if (it->type == KS_PDF_REF && it->u.ref.num == widget)
            return KS_OK; /* already there (an existing field's widget) */
    }
    if (!ks_pdf_array_push(a, na, ks_pdf_new_ref(a, widget, 0)))
        return nomem(err);
    if (annots && annots->type == KS_PDF_REF && arr && arr->type == KS_PDF_ARRAY)
        return ks_pdf_update_put(u, annots->u.ref.num, annots->u.ref.gen, na, err);
    ks_pdf_obj *np = ks_pdf_copy(a, page);
    if (!np || !ks_pdf_dict_put(a, np, "Annots", na))
        return nomem(err);
    return ks_pdf_update_put(u, page_ref.num, page_ref.gen, np, err);
}

/* Makes sure the AcroForm lists `field` (when new) and has /SigFlags 3. */
static ks_status update_acroform(ks_pdf_doc *doc, ks_pdf_update *u, ks_arena *a, uint32_t field,
                                 bool new_field, ks_error *err)
{
    ks_pdf_ref cref;
    ks_status st = ks_sign_catalog_ref(doc, &cref, err);
    if (st != KS_OK)
        return st;
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    if (!cat || cat->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" has no document catalog"),
                            ks_pdf_name(doc));
    ks_pdf_obj *form_v = ks_pdf_dict_get(cat, "AcroForm");
    ks_pdf_obj *form = form_v ? ks_pdf_resolve(doc, form_v, NULL) : NULL;
    ks_pdf_obj *nf = form && form->type == KS_PDF_DICT ? ks_pdf_copy(a, form) : ks_pdf_new_dict(a);
    if (!nf)
        return nomem(err);
    if (new_field) {
        ks_pdf_obj *fields_v = ks_pdf_dict_get(nf, "Fields");
        ks_pdf_obj *fields = fields_v ? ks_pdf_resolve(doc, fields_v, NULL) : NULL;
        ks_pdf_obj *nfl =
            fields && fields->type == KS_PDF_ARRAY ? ks_pdf_copy(a, fields) : ks_pdf_new_array(a);
        if (!nfl || !ks_pdf_array_push(a, nfl, ks_pdf_new_ref(a, field, 0)))
            return nomem(err);
        if (fields_v && fields_v->type == KS_PDF_REF && fields && fields->type == KS_PDF_ARRAY) {
            st = ks_pdf_update_put(u, fields_v->u.ref.num, fields_v->u.ref.gen, nfl, err);
            if (st != KS_OK)
                return st;
        } else if (!ks_pdf_dict_put(a, nf, "Fields", nfl)) {
            return nomem(err);
        }
    }
    if (!ks_pdf_dict_put(a, nf, "SigFlags", ks_pdf_new_int(a, 3)))
        return nomem(err);
    if (form_v && form_v->type == KS_PDF_REF && form && form->type == KS_PDF_DICT)
        return ks_pdf_update_put(u, form_v->u.ref.num, form_v->u.ref.gen, nf, err);
    /* Direct or missing AcroForm: it becomes an indirect object referenced by a new catalog. */
    uint32_t fnum = ks_pdf_update_alloc(u);
    st = ks_pdf_update_put(u, fnum, 0, nf, err);
    if (st != KS_OK)
        return st;
    ks_pdf_obj *nc = ks_pdf_copy(a, cat);
    if (!nc || !ks_pdf_dict_put(a, nc, "AcroForm", ks_pdf_new_ref(a, fnum, 0)))
        return nomem(err);
    return ks_pdf_update_put(u, cref.num, cref.gen, nc, err);
}

ks_status ks_sign_build_revision(ks_pdf_doc *doc, const ks_sig_rev_params *p, ks_sig_slot *slot,
                                 ks_error *err)
{
    ks_pdf_update *u = NULL;
    ks_buf sig = KS_BUF_INIT;
    ks_arena *a = ks_pdf_arena(doc);
    ks_sig_field fld;
    /* An empty field is reused for an invisible signature; a visible one gets its own widget
     * where the provider places it, and a document timestamp never takes a person's field. */
    bool reuse = !p->doc_ts && p->opts->kind == KS_SIGN_INVISIBLE;
    ks_status st = ks_sign_find_field(doc, p->doc_ts ? NULL : p->field_name, reuse, &fld, err);
    if (st != KS_OK)
        goto done;
    st = ks_pdf_update_new(doc, &u, err);
    if (st != KS_OK)
        goto done;

    ks_sign_appearance app = {0};
    app.doc = doc;
    app.update = u;
    app.opts = p->opts;
    app.cert = p->cert;
    app.signing_time = p->signing_time;
    app.annot_flags = ANNOT_PRINT_LOCKED;
    if (!p->doc_ts && !fld.found) {
        /* Visible kinds default to the built-in provider (appear.c); a caller (server, agent)
         * may plug in its own through opts->appearance. */
        ks_sign_appearance_fn fn = p->opts->appearance;
        void *user = p->opts->appearance_user;
        ks_appear_extra extra = {p->opts->time_label};
        if (!fn && p->opts->kind != KS_SIGN_INVISIBLE) {
            fn = ks_sign_appear;
            user = &extra;
        }
        if (fn) {
            st = fn(user, &app, err);
            if (st != KS_OK)
                goto done;
        }
    }

    uint32_t sig_num = ks_pdf_update_alloc(u);
    ks_pdf_encryption enc;
    ks_pdf_get_encryption(doc, &enc);
    st = build_sig_dict(p, u, sig_num, enc.encrypted, &sig, err);
    if (st != KS_OK)
        goto done;
    st = ks_pdf_update_put_raw(u, sig_num, 0, sig.data, sig.len, err);
    if (st != KS_OK)
        goto done;

    uint32_t widget;
    if (fld.found) {
        ks_pdf_obj *nf = ks_pdf_copy(a, fld.dict);
        if (!nf || !ks_pdf_dict_put(a, nf, "V", ks_pdf_new_ref(a, sig_num, 0))) {
            st = nomem(err);
            goto done;
        }
        st = ks_pdf_update_put(u, fld.ref.num, fld.ref.gen, nf, err);
        if (st != KS_OK)
            goto done;
        widget = fld.ref.num;
    } else {
        ks_pdf_obj *page = NULL;
        ks_pdf_ref pref;
        st = ks_pdf_page(doc, app.page, &page, &pref, err);
        if (st != KS_OK)
            goto done;
        widget = ks_pdf_update_alloc(u);
        ks_buf tname = KS_BUF_INIT;
        if (!ks_sign_text_bytes(&tname, fld.name)) {
            ks_buf_free(&tname);
            st = nomem(err);
            goto done;
        }
        ks_pdf_obj *tobj =
            ks_pdf_new_string(a, tname.data, tname.len, tname.len != strlen(fld.name));
        ks_buf_free(&tname);
        ks_pdf_obj *w = ks_pdf_new_dict(a);
        ks_pdf_obj *rect = ks_pdf_new_array(a);
        bool ok = w && rect;
        ok = ok && ks_pdf_array_push(a, rect, ks_pdf_new_real(a, app.rect.x0)) &&
             ks_pdf_array_push(a, rect, ks_pdf_new_real(a, app.rect.y0)) &&
             ks_pdf_array_push(a, rect, ks_pdf_new_real(a, app.rect.x1)) &&
             ks_pdf_array_push(a, rect, ks_pdf_new_real(a, app.rect.y1));
        ok = ok && ks_pdf_dict_put(a, w, "Type", ks_pdf_new_name(a, "Annot")) &&
             ks_pdf_dict_put(a, w, "Subtype", ks_pdf_new_name(a, "Widget")) &&
             ks_pdf_dict_put(a, w, "FT", ks_pdf_new_name(a, "Sig")) &&
             ks_pdf_dict_put(a, w, "T", tobj) &&
             ks_pdf_dict_put(a, w, "V", ks_pdf_new_ref(a, sig_num, 0)) &&
             ks_pdf_dict_put(a, w, "F", ks_pdf_new_int(a, app.annot_flags)) &&
             ks_pdf_dict_put(a, w, "Rect", rect) &&
             ks_pdf_dict_put(a, w, "P", ks_pdf_new_ref(a, pref.num, pref.gen));
        if (ok && app.ap_normal) {
            ks_pdf_obj *ap = ks_pdf_new_dict(a);
            ok = ap && ks_pdf_dict_put(a, ap, "N", ks_pdf_new_ref(a, app.ap_normal, 0)) &&
                 ks_pdf_dict_put(a, w, "AP", ap);
        }
        if (!ok) {
            st = nomem(err);
            goto done;
        }
        st = ks_sign_tag_widget(doc, u, w, widget, pref, err);
        if (st != KS_OK)
            goto done;
        st = ks_pdf_update_put(u, widget, 0, w, err);
        if (st != KS_OK)
            goto done;
        st = add_to_annots(doc, u, a, page, pref, widget, err);
        if (st != KS_OK)
            goto done;
    }
    st = update_acroform(doc, u, a, widget, !fld.found, err);
    if (st != KS_OK)
        goto done;

    size_t base_len = 0;
    ks_pdf_data(doc, &base_len);
    slot->base_len = base_len;
    st = ks_pdf_update_finish(u, &slot->upd, err);
    if (st != KS_OK)
        goto done;
    st = ks_sig_slot_locate(slot, ks_pdf_update_offset(u, sig_num), err);
    if (st != KS_OK)
        goto done;
    if (p->chosen_name)
        snprintf(p->chosen_name, 256, "%s", fld.name);
done:
    ks_buf_free(&sig);
    ks_pdf_update_free(u);
    return st;
}
