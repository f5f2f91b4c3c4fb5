/* pdf/stream.c — decoding a stream object's data: decryption (when the file is encrypted) then
 * its /Filter chain with the matching /DecodeParms (ISO 32000-2 §7.3.8.2, §7.4). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KS_PDF_MAX_FILTERS 8

ks_status ks_pdf_stream_decode(ks_pdf_doc *doc, const ks_pdf_obj *stream, uint8_t **data,
                               size_t *len, ks_error *err)
{
    *data = NULL;
    *len = 0;
    if (!stream || stream->type != KS_PDF_STREAM)
        return ks_error_set(err, KS_E_USAGE, N_("object is not a stream"));
    if (ks_pdf_budget_error(doc, err)) /* no second bomb after the first */
        return KS_E_LIMIT;
    const ks_pdf_obj *dict = stream->u.stream.dict;
    const uint8_t *raw = stream->u.stream.src;
    size_t raw_len = (size_t)stream->u.stream.data_len;
    uint8_t *cur = NULL; /* owned intermediate */
    size_t cur_len = 0;
    ks_status st = KS_OK;

    if (ks_crypt_active(doc) && !ks_pdf_is_name(ks_pdf_dict_get(dict, "Type"), "XRef")) {
        st = ks_crypt_stream(doc, stream, stream->u.stream.obj_num, stream->u.stream.obj_gen, raw,
                             raw_len, &cur, &cur_len, err);
        if (st)
            return st;
        raw = cur;
        raw_len = cur_len;
    }

    ks_pdf_obj *filter = ks_pdf_resolve_opt(doc, ks_pdf_dict_get(dict, "Filter"));
    ks_pdf_obj *parms = ks_pdf_resolve_opt(doc, ks_pdf_dict_get(dict, "DecodeParms"));
    if (!parms)
        parms = ks_pdf_resolve_opt(doc, ks_pdf_dict_get(dict, "DP"));
    size_t nf = 0;
    ks_pdf_obj *const *fl = NULL;
    ks_pdf_obj *single[1];
    if (filter && filter->type == KS_PDF_NAME) {
        single[0] = filter;
        fl = single;
        nf = 1;
    } else if (filter && filter->type == KS_PDF_ARRAY) {
        fl = filter->u.arr.items;
        nf = filter->u.arr.len;
    } else if (filter && filter->type != KS_PDF_NULL) {
        st = ks_error_set(err, KS_E_FORMAT, N_("stream of object %u has an invalid /Filter"),
                          stream->u.stream.obj_num);
        goto done;
    }
    if (nf > KS_PDF_MAX_FILTERS) {
        st = ks_error_set(err, KS_E_LIMIT, N_("stream of object %u has more than %d filters"),
                          stream->u.stream.obj_num, KS_PDF_MAX_FILTERS);
        goto done;
    }
    for (size_t i = 0; i < nf; i++) {
        ks_pdf_obj *f = ks_pdf_resolve(doc, fl[i], NULL);
        if (f->type != KS_PDF_NAME) {
            st = ks_error_set(err, KS_E_FORMAT, N_("stream of object %u has an invalid /Filter"),
                              stream->u.stream.obj_num);
            goto done;
        }
        const ks_pdf_obj *p = NULL;
        if (parms && parms->type == KS_PDF_DICT && nf == 1)
            p = parms;
        else if (parms && parms->type == KS_PDF_ARRAY && i < parms->u.arr.len)
            p = ks_pdf_resolve(doc, parms->u.arr.items[i], NULL);
        if (p && p->type != KS_PDF_DICT)
            p = NULL;
        uint8_t *o = NULL;
        size_t ol = 0;
        /* each step is bounded by what is left of the document's budget, so that a bomb stops
         * there, with the budget named, rather than at the per-stream limit */
        size_t left = ks_budget_left(doc);
        size_t cap = left < KS_PDF_MAX_STREAM ? left : KS_PDF_MAX_STREAM;
        st = ks_filter_apply(doc, f->u.name.s, p, raw, raw_len, &o, &ol, cap, err);
        if (st == KS_E_LIMIT && cap < KS_PDF_MAX_STREAM)
            st = ks_budget_charge(doc, (size_t)-1 / 2, "decoding a stream", err);
        if (st) {
            ks_error_prefix(err, N_("stream of object %u: "), stream->u.stream.obj_num);
            goto done;
        }
        free(cur);
        cur = o;
        cur_len = ol;
        raw = cur;
        raw_len = cur_len;
    }
    if (!cur) {
        if (raw_len > KS_PDF_MAX_STREAM) {
            st = ks_error_set(err, KS_E_LIMIT, N_("stream of object %u is larger than %u bytes"),
                              stream->u.stream.obj_num, KS_PDF_MAX_STREAM);
            goto done;
        }
        cur = malloc(raw_len + 1);
        if (!cur) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
        if (raw_len)
            memcpy(cur, raw, raw_len);
        cur[raw_len] = 0;
        cur_len = raw_len;
    }
    st = ks_budget_charge(doc, cur_len + 1, "decoding a stream", err);
    if (st) {
        ks_error_prefix(err, N_("stream of object %u: "), stream->u.stream.obj_num);
        goto done;
    }
    *data = cur;
    *len = cur_len;
    cur = NULL;
done:
    free(cur);
    return st;
}
