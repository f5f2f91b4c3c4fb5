/* pdf/objstm.c — object streams (ISO 32000-2 §7.5.7): decoded once per document, their
 * header of N (number, offset) pairs checked, objects parsed from the decoded bytes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

ks_status ks_objstm_load(ks_pdf_doc *doc, uint32_t stm, ks_objstm **out, ks_error *err)
{
    for (ks_objstm *s = doc->objstms; s; s = s->next) {
        if (s->num == stm) {
            *out = s;
            return KS_OK;
        }
    }
    if (stm >= doc->nslots || doc->slots[stm].e.type != KS_XE_INUSE)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object stream %u is not an uncompressed object in the xref"),
                            doc->name, stm);
    ks_pdf_obj *o;
    ks_status st = ks_pdf_get(doc, stm, doc->slots[stm].e.gen, &o, err);
    if (st)
        return st;
    if (o->type != KS_PDF_STREAM)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: object stream %u is not a stream"), doc->name,
                            stm);
    int64_t n, first;
    if (!ks_pdf_get_int(ks_pdf_dict_getr(doc, o, "N"), &n) ||
        !ks_pdf_get_int(ks_pdf_dict_getr(doc, o, "First"), &first) || n < 0 || first < 0)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: object stream %u lacks a valid /N or /First"),
                            doc->name, stm);
    ks_objstm *s = calloc(1, sizeof *s);
    if (!s)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    s->num = stm;
    st = ks_pdf_stream_decode(doc, o, &s->data, &s->len, err);
    if (st)
        goto fail;
    if ((uint64_t)first > s->len || (uint64_t)n > s->len / 2 + 1) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("%s: object stream %u: /N %lld or /First %lld do not fit its %zu "
                             "bytes"),
                          doc->name, stm, (long long)n, (long long)first, s->len);
        goto fail;
    }
    s->first = (uint64_t)first;
    s->n = (uint32_t)n;
    s->offs = calloc((size_t)n * 2 + 1, sizeof *s->offs);
    if (!s->offs) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto fail;
    }
    ks_cur c = {s->data, (size_t)first, 0, 0, false};
    for (int64_t i = 0; i < n; i++) {
        uint64_t on, oo;
        if (!ks_lex_uint(&c, &on) || !ks_lex_uint(&c, &oo) || oo > s->len - s->first) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("%s: object stream %u: malformed header entry %lld"), doc->name,
                              stm, (long long)i);
            goto fail;
        }
        s->offs[2 * i] = on;
        s->offs[2 * i + 1] = oo;
    }
    s->next = doc->objstms;
    doc->objstms = s;
    *out = s;
    return KS_OK;
fail:
    free(s->data);
    free(s->offs);
    free(s);
    ks_error_prefix(err, N_("reading object stream %u: "), stm);
    return st;
}

ks_status ks_objstm_get(ks_pdf_doc *doc, uint32_t stm, uint32_t idx, uint32_t num, ks_pdf_obj **out,
                        ks_error *err)
{
    ks_objstm *s = NULL;
    ks_status st = ks_objstm_load(doc, stm, &s, err);
    if (st)
        return st;
    if (idx >= s->n || s->offs[2 * idx] != num)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u is not at index %u of object stream %u"), doc->name,
                            num, idx, stm);
    size_t start = (size_t)(s->first + s->offs[2 * idx + 1]);
    /* The object ends where the next one starts (or at the end of the stream). */
    ks_cur c = {s->data, s->len, start, 0, false};
    ks_pdf_obj *o;
    st = ks_parse_object(doc, &c, 0, &o, err);
    if (st) {
        ks_error_prefix(err, N_("object %u in object stream %u: "), num, stm);
        return st;
    }
    if (o->type == KS_PDF_DICT && ks_lex_peek_keyword(&c, "stream"))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u in object stream %u is a stream, which §7.5.7 "
                               "forbids"),
                            doc->name, num, stm);
    *out = o;
    return KS_OK;
}

void ks_objstm_free_all(ks_pdf_doc *doc)
{
    ks_objstm *s = doc->objstms;
    while (s) {
        ks_objstm *n = s->next;
        free(s->data);
        free(s->offs);
        free(s);
        s = n;
    }
    doc->objstms = NULL;
}
