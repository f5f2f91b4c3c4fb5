/* verify/diff_equal.c — structural equality of two PDF objects taken from two revisions, the
 * primitive of the difference analysis. References are compared by number, not followed:
 * every object that a later revision redefines is judged on its own. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static bool eq(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b, int depth);

static bool dict_eq(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                    int depth)
{
    if (a->u.dict.len != b->u.dict.len)
        return false;
    for (size_t i = 0; i < a->u.dict.len; i++) {
        const ks_pdf_obj *bv = ks_pdf_dict_get(b, a->u.dict.entries[i].key);
        if (!bv || !eq(da, a->u.dict.entries[i].value, db, bv, depth + 1))
            return false;
    }
    return true;
}

static bool stream_eq(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                      int depth)
{
    /* /Length may differ in form (direct vs indirect) with the same data: compare the rest. */
    const ks_pdf_obj *ad = a->u.stream.dict, *bd = b->u.stream.dict;
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < ad->u.dict.len; i++) {
        const char *k = ad->u.dict.entries[i].key;
        if (!strcmp(k, "Length"))
            continue;
        na++;
        const ks_pdf_obj *bv = ks_pdf_dict_get(bd, k);
        if (!bv || !eq(da, ad->u.dict.entries[i].value, db, bv, depth + 1))
            return false;
    }
    for (size_t i = 0; i < bd->u.dict.len; i++)
        if (strcmp(bd->u.dict.entries[i].key, "Length"))
            nb++;
    if (na != nb)
        return false;
    if (a->u.stream.data_len == b->u.stream.data_len && a->u.stream.src && b->u.stream.src &&
        memcmp(a->u.stream.src, b->u.stream.src, (size_t)a->u.stream.data_len) == 0)
        return true;
    uint8_t *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bool same = false;
    if (ks_pdf_stream_decode(da, a, &x, &nx, NULL) == KS_OK &&
        ks_pdf_stream_decode(db, b, &y, &ny, NULL) == KS_OK)
        same = nx == ny && (nx == 0 || memcmp(x, y, nx) == 0);
    ks_pdf_stream_release(da, x, nx);
    ks_pdf_stream_release(db, y, ny);
    return same;
}

static bool eq(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b, int depth)
{
    if (depth > KS_PDF_MAX_DEPTH)
        return false;
    if (!a || !b)
        return a == b;
    double x, y;
    if ((a->type == KS_PDF_INT || a->type == KS_PDF_REAL) &&
        (b->type == KS_PDF_INT || b->type == KS_PDF_REAL)) {
        ks_pdf_get_num(a, &x);
        ks_pdf_get_num(b, &y);
        return fabs(x - y) < 1e-9;
    }
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case KS_PDF_NULL:
        return true;
    case KS_PDF_BOOL:
        return a->u.b == b->u.b;
    case KS_PDF_NAME:
        return a->u.name.len == b->u.name.len && !memcmp(a->u.name.s, b->u.name.s, a->u.name.len);
    case KS_PDF_STRING:
        return a->u.str.len == b->u.str.len &&
               (a->u.str.len == 0 || !memcmp(a->u.str.data, b->u.str.data, a->u.str.len));
    case KS_PDF_ARRAY:
        if (a->u.arr.len != b->u.arr.len)
            return false;
        for (size_t i = 0; i < a->u.arr.len; i++)
            if (!eq(da, a->u.arr.items[i], db, b->u.arr.items[i], depth + 1))
                return false;
        return true;
    case KS_PDF_DICT:
        return dict_eq(da, a, db, b, depth);
    case KS_PDF_STREAM:
        return stream_eq(da, a, db, b, depth);
    case KS_PDF_REF:
        return a->u.ref.num == b->u.ref.num && a->u.ref.gen == b->u.ref.gen;
    default:
        return false;
    }
}

bool ks_vf_equal(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b)
{
    return eq(da, a, db, b, 0);
}
