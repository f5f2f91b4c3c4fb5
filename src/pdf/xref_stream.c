/* pdf/xref_stream.c — cross-reference streams (ISO 32000-2 §7.5.8): /W field widths, /Index
 * subsections, entry types 0 (free), 1 (offset) and 2 (in an object stream). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint64_t field(const uint8_t *p, int64_t w)
{
    uint64_t v = 0;
    for (int64_t i = 0; i < w; i++)
        v = (v << 8) | p[i];
    return v;
}

ks_status ks_xref_read_stream(ks_pdf_doc *doc, uint64_t off, ks_xsection *sec, ks_error *err)
{
    ks_pdf_obj *o;
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_parse_indirect(doc, off, UINT32_MAX, 0, &o, &sec->end, err);
    if (st)
        return st;
    if (o->type != KS_PDF_STREAM || !ks_pdf_is_name(ks_pdf_dict_get(o, "Type"), "XRef"))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: byte offset %llu holds neither \"xref\" nor an xref stream"),
                            doc->name, (unsigned long long)off);
    sec->kind = KS_PDF_XREF_STREAM;
    sec->trailer = o->u.stream.dict;
    ks_pdf_obj *w = ks_pdf_dict_get(o, "W");
    ks_pdf_obj *size = ks_pdf_dict_get(o, "Size");
    ks_pdf_obj *index = ks_pdf_dict_get(o, "Index");
    int64_t wv[3];
    if (!w || w->type != KS_PDF_ARRAY || w->u.arr.len != 3 || !size || size->type != KS_PDF_INT ||
        size->u.i < 0)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: xref stream at byte offset %llu lacks a valid /W or /Size"),
                            doc->name, (unsigned long long)off);
    for (int i = 0; i < 3; i++) {
        if (!ks_pdf_get_int(w->u.arr.items[i], &wv[i]) || wv[i] < 0 || wv[i] > 8)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: xref stream at byte offset %llu has an invalid /W"),
                                doc->name, (unsigned long long)off);
    }
    size_t esz = (size_t)(wv[0] + wv[1] + wv[2]);
    if (esz == 0)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: xref stream at byte offset %llu has an invalid /W"), doc->name,
                            (unsigned long long)off);
    st = ks_pdf_stream_decode(doc, o, &data, &len, err);
    if (st) {
        ks_error_prefix(err, N_("reading the xref stream at byte offset %llu: "),
                        (unsigned long long)off);
        return st;
    }
    size_t nsub = index ? (index->type == KS_PDF_ARRAY ? index->u.arr.len / 2 : 0) : 1;
    if (index && (index->type != KS_PDF_ARRAY || index->u.arr.len % 2)) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("%s: xref stream at byte offset %llu has an invalid /Index"),
                          doc->name, (unsigned long long)off);
        goto done;
    }
    size_t pos = 0;
    for (size_t s = 0; s < nsub; s++) {
        int64_t first = 0, count = size->u.i;
        if (index &&
            (!ks_pdf_get_int(index->u.arr.items[2 * s], &first) ||
             !ks_pdf_get_int(index->u.arr.items[2 * s + 1], &count) || first < 0 || count < 0)) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("%s: xref stream at byte offset %llu has an invalid /Index"),
                              doc->name, (unsigned long long)off);
            goto done;
        }
        if (first > KS_PDF_MAX_OBJECTS || count > KS_PDF_MAX_OBJECTS - first) {
            st = ks_error_set(err, KS_E_LIMIT,
                              N_("%s: xref stream at byte offset %llu exceeds the object limit"),
                              doc->name, (unsigned long long)off);
            goto done;
        }
        for (int64_t k = 0; k < count; k++) {
            if (len - pos < esz) {
                st = ks_error_set(err, KS_E_FORMAT,
                                  N_("%s: xref stream at byte offset %llu is shorter than its "
                                     "/Index and /W require"),
                                  doc->name, (unsigned long long)off);
                goto done;
            }
            const uint8_t *p = data + pos;
            pos += esz;
            uint64_t type = wv[0] ? field(p, wv[0]) : 1;
            uint64_t f2 = field(p + wv[0], wv[1]);
            uint64_t f3 = field(p + wv[0] + wv[1], wv[2]);
            ks_xentry e = {0};
            uint32_t num = (uint32_t)(first + k);
            if (type == 0) {
                e.type = KS_XE_FREE;
                e.gen = (uint16_t)f3;
            } else if (type == 1) {
                e.type = KS_XE_INUSE;
                e.off = f2;
                e.gen = (uint16_t)f3;
                if (f3 > 65535) {
                    st = ks_error_set(err, KS_E_FORMAT,
                                      N_("%s: xref stream at byte offset %llu: invalid entry for "
                                         "object %u"),
                                      doc->name, (unsigned long long)off, num);
                    goto done;
                }
            } else if (type == 2) {
                if (f2 >= KS_PDF_MAX_OBJECTS || f2 == num) {
                    st = ks_error_set(err, KS_E_FORMAT,
                                      N_("%s: xref stream at byte offset %llu: invalid entry for "
                                         "object %u"),
                                      doc->name, (unsigned long long)off, num);
                    goto done;
                }
                e.type = KS_XE_COMPRESSED;
                e.off = f2;
                e.idx = (uint32_t)(f3 > UINT32_MAX ? UINT32_MAX : f3);
            } else {
                continue; /* §7.5.8.3: unknown types are references to the null object */
            }
            if (!ks_xsec_add(sec, num, &e)) {
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                goto done;
            }
        }
    }
done:
    ks_pdf_stream_release(doc, data, len);
    return st;
}
