/* verify/fields.c — finds the signatures of a document: every /FT /Sig field value reached from
 * /AcroForm /Fields (recursively through /Kids, ISO 32000-2 §12.7.4) and any signature
 * dictionary reachable only from a widget annotation of a page (a verifier that looked only at
 * the field tree would miss it). */
#include <stdlib.h>
#include <string.h>

#include "vctx.h"

char *ks_vf_text_string(const ks_pdf_obj *s)
{
    if (!s || s->type != KS_PDF_STRING)
        return NULL;
    const uint8_t *p = s->u.str.data;
    size_t n = s->u.str.len;
    ks_buf b = KS_BUF_INIT;
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        for (size_t i = 2; i + 1 < n; i += 2) {
            uint32_t u = (uint32_t)p[i] << 8 | p[i + 1];
            if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
                uint32_t lo = (uint32_t)p[i + 2] << 8 | p[i + 3];
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                }
            }
            if (u >= 0xD800 && u < 0xE000)
                u = 0xFFFD;
            if (u < 0x80) {
                ks_buf_putc(&b, (int)u);
            } else if (u < 0x800) {
                ks_buf_putc(&b, (int)(0xC0 | u >> 6));
                ks_buf_putc(&b, (int)(0x80 | (u & 0x3F)));
            } else if (u < 0x10000) {
                ks_buf_putc(&b, (int)(0xE0 | u >> 12));
                ks_buf_putc(&b, (int)(0x80 | ((u >> 6) & 0x3F)));
                ks_buf_putc(&b, (int)(0x80 | (u & 0x3F)));
            } else {
                ks_buf_putc(&b, (int)(0xF0 | u >> 18));
                ks_buf_putc(&b, (int)(0x80 | ((u >> 12) & 0x3F)));
                ks_buf_putc(&b, (int)(0x80 | ((u >> 6) & 0x3F)));
                ks_buf_putc(&b, (int)(0x80 | (u & 0x3F)));
            }
        }
    } else if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF &&
               ks_utf8_valid((const char *)p + 3, n - 3)) {
        ks_buf_append(&b, p + 3, n - 3);
    } else {
        for (size_t i = 0; i < n; i++) {
            uint8_t ch = p[i];
            if (ch < 0x80) {
                ks_buf_putc(&b, ch ? ch : ' ');
            } else {
                ks_buf_putc(&b, 0xC0 | ch >> 6);
                ks_buf_putc(&b, 0x80 | (ch & 0x3F));
            }
        }
    }
    if (b.failed) {
        ks_buf_free(&b);
        return NULL;
    }
    size_t len;
    uint8_t *out = ks_buf_steal(&b, &len);
    if (!out)
        out = (uint8_t *)ks_vf_strdup("");
    return (char *)out;
}

static bool seen_sig(const ks_vctx *c, const ks_pdf_obj *sigdict, uint32_t num)
{
    for (size_t i = 0; i < c->nfound; i++)
        if (c->found[i].sigdict == sigdict || (num && c->found[i].num == num))
            return true;
    return false;
}

/* `d` is the document view the field was found in: the latest revision, or an earlier one for
 * a signature the latest revision no longer lists (then the value is looked up again in the
 * latest revision, which is what the file says now). */
static ks_status add_found(ks_vctx *c, ks_pdf_doc *d, const char *name, ks_pdf_obj *v_raw,
                           bool widget_only, ks_error *err)
{
    ks_pdf_obj *v = ks_pdf_resolve(d, v_raw, NULL);
    if (!v || v->type != KS_PDF_DICT)
        return KS_OK; /* an unsigned field */
    uint32_t num = v_raw->type == KS_PDF_REF ? v_raw->u.ref.num : 0;
    bool dropped = d != c->doc;
    if (dropped) {
        if (!num)
            return KS_OK; /* a direct value of an old revision: nothing to look up now */
        v = ks_pdf_resolve(c->doc, v_raw, NULL);
        if (!v || v->type != KS_PDF_DICT)
            return KS_OK;
    }
    if (seen_sig(c, v, num))
        return KS_OK;
    if (c->nfound >= KS_VF_MAX_SIGS)
        return ks_error_set(err, KS_E_LIMIT, N_("more than %d signatures in \"%s\""),
                            KS_VF_MAX_SIGS, ks_pdf_name(c->doc));
    ks_vf_found *f = realloc(c->found, (c->nfound + 1) * sizeof *f);
    if (!f)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    c->found = f;
    f += c->nfound++;
    memset(f, 0, sizeof *f);
    f->name = ks_vf_strdup(name);
    f->sigdict = v;
    f->num = num;
    f->gen = v_raw->type == KS_PDF_REF ? v_raw->u.ref.gen : 0;
    f->widget_only = widget_only;
    f->dropped = dropped;
    return f->name ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

typedef struct find_walk {
    ks_vctx *c;
    ks_pdf_doc *d;
} find_walk;

static ks_status found_field(void *ctx, const ks_pdf_field_node *n, ks_error *err)
{
    find_walk *w = ctx;
    ks_pdf_obj *v = ks_pdf_dict_get(n->dict, "V");
    return n->is_sig && v ? add_found(w->c, w->d, n->name, v, false, err) : KS_OK;
}

static ks_status walk_widgets(ks_vctx *c, ks_pdf_doc *d, ks_error *err)
{
    size_t npages = 0;
    if (ks_pdf_page_count(d, &npages, NULL) != KS_OK)
        return KS_OK; /* the diff step reports a broken page tree */
    for (size_t p = 0; p < npages; p++) {
        ks_pdf_obj *page;
        ks_pdf_ref pref;
        if (ks_pdf_page(d, p, &page, &pref, NULL) != KS_OK)
            continue;
        ks_pdf_obj *annots = ks_pdf_dict_getr(d, page, "Annots");
        if (!annots || annots->type != KS_PDF_ARRAY)
            continue;
        for (size_t i = 0; i < annots->u.arr.len; i++) {
            ks_pdf_obj *a = ks_pdf_resolve(d, annots->u.arr.items[i], NULL);
            if (!a || a->type != KS_PDF_DICT ||
                !ks_pdf_is_name(ks_pdf_dict_getr(d, a, "Subtype"), "Widget"))
                continue;
            /* The field may be the widget itself or its /Parent chain (bounded). */
            ks_pdf_obj *f = a;
            for (int k = 0; f && f->type == KS_PDF_DICT && k < KS_PDF_MAX_FIELD_DEPTH; k++) {
                ks_pdf_obj *ft = ks_pdf_dict_getr(d, f, "FT");
                ks_pdf_obj *v = ks_pdf_dict_get(f, "V");
                if (ft && ks_pdf_is_name(ft, "Sig") && v) {
                    char *nm = ks_vf_text_string(ks_pdf_dict_getr(d, f, "T"));
                    ks_status st = add_found(c, d, nm ? nm : "", v, true, err);
                    free(nm);
                    if (st != KS_OK)
                        return st;
                    break;
                }
                f = ks_pdf_dict_getr(d, f, "Parent");
            }
        }
    }
    return KS_OK;
}

static ks_status find_in(ks_vctx *c, ks_pdf_doc *d, ks_error *err)
{
    find_walk w = {c, d};
    ks_status st = ks_pdf_field_walk(d, found_field, &w, err);
    if (st == KS_OK)
        st = walk_widgets(c, d, err);
    return st;
}

ks_status ks_vf_find_signatures(ks_vctx *c, ks_error *err)
{
    ks_status st = find_in(c, c->doc, err);
    /* A later revision may drop a signature from the form (or swap the whole catalog): look
     * for signatures the earlier revisions had, newest first. */
    for (size_t i = c->nrev > 1 ? c->nrev - 1 : 0; i-- > 0 && st == KS_OK;) {
        ks_pdf_doc *d = NULL;
        if (ks_pdf_open_revision(c->doc, i, &d, NULL) != KS_OK)
            continue;
        st = find_in(c, d, err);
        ks_pdf_close(d);
    }
    return st;
}
