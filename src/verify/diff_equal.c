/* verify/diff_equal.c — structural equality of two PDF objects taken from two revisions, the
 * primitive of the difference analysis. References to the same object compare by number, not
 * followed: every object that a later revision redefines is judged on its own. References to
 * different objects (or a reference against a direct value) compare by what they point at, so
 * that an object re-serialised with the same meaning is not reported as a change. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define KS_VF_MAX_EQ_STEPS 200000 /* objects compared by one deep comparison */

typedef struct eqctx {
    ks_pdf_doc *da, *db;
    bool deep;
    uint8_t *same;
    const uint8_t *roles; /* roles at signing: only objects nothing referred to are marked */
    uint32_t n;
    size_t steps;
    size_t *budget; /* deep steps left for the whole revision */
} eqctx;

static bool eq(eqctx *e, const ks_pdf_obj *a, const ks_pdf_obj *b, int depth);

static bool dict_eq(eqctx *e, const ks_pdf_obj *a, const ks_pdf_obj *b, int depth)
{
    if (a->u.dict.len != b->u.dict.len)
        return false;
    for (size_t i = 0; i < a->u.dict.len; i++) {
        const ks_pdf_obj *bv = ks_pdf_dict_get(b, a->u.dict.entries[i].key);
        if (!bv || !eq(e, a->u.dict.entries[i].value, bv, depth + 1))
            return false;
    }
    return true;
}

static bool stream_eq(eqctx *e, const ks_pdf_obj *a, const ks_pdf_obj *b, int depth)
{
    ks_pdf_doc *da = e->da, *db = e->db;
    /* /Length may differ in form (direct vs indirect) with the same data: compare the rest. */
    const ks_pdf_obj *ad = a->u.stream.dict, *bd = b->u.stream.dict;
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < ad->u.dict.len; i++) {
        const char *k = ad->u.dict.entries[i].key;
        if (!strcmp(k, "Length"))
            continue;
        na++;
        const ks_pdf_obj *bv = ks_pdf_dict_get(bd, k);
        if (!bv || !eq(e, ad->u.dict.entries[i].value, bv, depth + 1))
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

/* Deep mode: a reference to another object (or against a direct value) is followed. */
static bool ref_eq(eqctx *e, const ks_pdf_obj *a, const ks_pdf_obj *b, int depth)
{
    if (a->type == KS_PDF_REF && b->type == KS_PDF_REF && a->u.ref.num == b->u.ref.num &&
        a->u.ref.gen == b->u.ref.gen)
        return true;
    if (!e->deep || !*e->budget)
        return false;
    (*e->budget)--;
    const ks_pdf_obj *ra = a, *rb = b;
    if (a->type == KS_PDF_REF) {
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(e->da, a->u.ref.num, a->u.ref.gen, &o, NULL) != KS_OK || !o)
            return false;
        ra = o;
    }
    if (b->type == KS_PDF_REF) {
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(e->db, b->u.ref.num, b->u.ref.gen, &o, NULL) != KS_OK || !o)
            return false;
        rb = o;
    }
    if (ra->type == KS_PDF_REF || rb->type == KS_PDF_REF || !eq(e, ra, rb, depth + 1))
        return false;
    /* A new object equal to the one it stands in for is no change; one the signed revision
     * referred to (without defining it) is never excused this way. */
    if (b->type == KS_PDF_REF && b->u.ref.num < e->n && e->roles[b->u.ref.num] == 0 &&
        ks_pdf_object_revision(e->da, b->u.ref.num) < 0)
        e->same[b->u.ref.num] = 1;
    return true;
}

static bool eq(eqctx *e, const ks_pdf_obj *a, const ks_pdf_obj *b, int depth)
{
    if (depth > KS_PDF_MAX_DEPTH || ++e->steps > KS_VF_MAX_EQ_STEPS)
        return false;
    if (!a || !b)
        return a == b;
    if (a->type == KS_PDF_REF || b->type == KS_PDF_REF)
        return ref_eq(e, a, b, depth);
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
            if (!eq(e, a->u.arr.items[i], b->u.arr.items[i], depth + 1))
                return false;
        return true;
    case KS_PDF_DICT:
        return dict_eq(e, a, b, depth);
    case KS_PDF_STREAM:
        return stream_eq(e, a, b, depth);
    default:
        return false;
    }
}

bool ks_vf_equal(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b)
{
    size_t none = 0;
    eqctx e = {da, db, false, NULL, NULL, 0, 0, &none};
    return eq(&e, a, b, 0);
}

bool ks_vf_equal_deep(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                      uint8_t *same, const uint8_t *roles, uint32_t n, size_t *budget)
{
    eqctx e = {da, db, true, same, roles, n, 0, budget};
    return eq(&e, a, b, 0);
}
