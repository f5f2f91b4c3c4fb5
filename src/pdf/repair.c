/* pdf/repair.c — repair mode only (KS_PDF_REPAIR, never used for verification): when the xref
 * chain is unusable, rebuilds the object map by scanning the file for "N G obj" headers, the
 * last trailer (or xref stream dictionary) naming a /Root, and the objects of object streams. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void drop_chain(ks_pdf_doc *doc)
{
    for (size_t i = 0; i < doc->nsecs; i++)
        free(doc->secs[i].entries);
    free(doc->secs);
    free(doc->revs);
    doc->secs = NULL;
    doc->revs = NULL;
    doc->nsecs = doc->nrevs = 0;
    free(doc->slots);
    doc->slots = NULL;
    doc->nslots = 0;
    ks_objstm_free_all(doc);
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* If "obj" at `at` ends a "num gen obj" header, returns true with its start and numbers. */
bool ks_pdf_header_before(const ks_pdf_doc *doc, size_t at, size_t *start, uint32_t *num,
                          uint16_t *gen)
{
    const uint8_t *p = doc->data;
    size_t i = at;
    size_t ws = 0;
    while (i > 0 && ks_pdf_is_ws(p[i - 1]) && ws < 64)
        i--, ws++;
    if (ws == 0)
        return false;
    size_t gend = i;
    while (i > 0 && is_digit(p[i - 1]) && gend - i < 6)
        i--;
    if (i == gend)
        return false;
    size_t gstart = i;
    ws = 0;
    while (i > 0 && ks_pdf_is_ws(p[i - 1]) && ws < 64)
        i--, ws++;
    if (ws == 0)
        return false;
    size_t nend = i;
    while (i > 0 && is_digit(p[i - 1]) && nend - i < 8)
        i--;
    if (i == nend || (i > 0 && ks_pdf_is_regular(p[i - 1])))
        return false;
    uint64_t n = 0, g = 0;
    for (size_t k = i; k < nend; k++)
        n = n * 10 + (uint64_t)(p[k] - '0');
    for (size_t k = gstart; k < gend; k++)
        g = g * 10 + (uint64_t)(p[k] - '0');
    if (n == 0 || n >= KS_PDF_MAX_OBJECTS || g > 65535)
        return false;
    *start = i;
    *num = (uint32_t)n;
    *gen = (uint16_t)g;
    return true;
}

bool ks_pdf_keyword_at(const ks_pdf_doc *doc, size_t i, const char *kw)
{
    size_t n = strlen(kw);
    if (doc->len - i < n || memcmp(doc->data + i, kw, n) != 0)
        return false;
    if (i > 0 && ks_pdf_is_regular(doc->data[i - 1]))
        return false;
    return i + n == doc->len || !ks_pdf_is_regular(doc->data[i + n]);
}

static bool has_root(const ks_pdf_obj *d)
{
    const ks_pdf_obj *r = ks_pdf_dict_get(d, "Root");
    return r && r->type == KS_PDF_REF;
}

ks_status ks_xref_rebuild(ks_pdf_doc *doc, ks_error *err)
{
    drop_chain(doc);
    ks_status st = KS_OK;
    ks_xsection sec = {0};
    sec.kind = KS_PDF_XREF_REBUILT;
    ks_pdf_obj *trailer = NULL;
    ks_pdf_ref catalog = {0, 0};
    uint32_t *stms = NULL;
    size_t nstms = 0, capstms = 0;

    for (size_t i = (size_t)doc->header_off; i + 3 <= doc->len;) {
        uint8_t ch = doc->data[i];
        if (ch == 'o' && ks_pdf_keyword_at(doc, i, "obj")) {
            size_t start;
            uint32_t num;
            uint16_t gen;
            if (!ks_pdf_header_before(doc, i, &start, &num, &gen)) {
                i += 3;
                continue;
            }
            ks_xentry e = {0};
            e.type = KS_XE_INUSE;
            e.gen = gen;
            e.off = start;
            if (!ks_xsec_add(&sec, num, &e)) {
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                goto done;
            }
            ks_pdf_obj *o = NULL;
            uint64_t end = 0;
            if (ks_parse_indirect(doc, start, num, gen, &o, &end, NULL) != KS_OK || end <= i) {
                i += 3;
                continue;
            }
            const ks_pdf_obj *d = o->type == KS_PDF_STREAM ? o->u.stream.dict : o;
            if (o->type == KS_PDF_STREAM && ks_pdf_is_name(ks_pdf_dict_get(d, "Type"), "XRef") &&
                has_root(d))
                trailer = (ks_pdf_obj *)d;
            if (o->type == KS_PDF_STREAM && ks_pdf_is_name(ks_pdf_dict_get(d, "Type"), "ObjStm")) {
                if (nstms == capstms) {
                    capstms = capstms ? capstms * 2 : 16;
                    uint32_t *n2 = realloc(stms, capstms * sizeof *n2);
                    if (!n2) {
                        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                        goto done;
                    }
                    stms = n2;
                }
                stms[nstms++] = num;
            }
            if (o->type == KS_PDF_DICT && ks_pdf_is_name(ks_pdf_dict_get(d, "Type"), "Catalog")) {
                catalog.num = num;
                catalog.gen = gen;
            }
            i = (size_t)end;
            continue;
        }
        if (ch == 't' && ks_pdf_keyword_at(doc, i, "trailer")) {
            ks_cur c = {doc->data, doc->len, i + 7, 0, true};
            ks_pdf_obj *t = NULL;
            if (ks_parse_object(doc, &c, 0, &t, NULL) == KS_OK && t->type == KS_PDF_DICT &&
                has_root(t))
                trailer = t;
            i = c.pos > i + 7 ? c.pos : i + 7;
            continue;
        }
        i++;
    }
    if (sec.count == 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("%s: repair found no \"N G obj\" object in the file"), doc->name);
        goto done;
    }
    ks_arena *a = doc->arena;
    if (!trailer) {
        if (!catalog.num) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("%s: repair found neither a trailer nor a /Catalog object"),
                              doc->name);
            goto done;
        }
        trailer = ks_pdf_new_dict(a);
        if (!trailer ||
            !ks_pdf_dict_put(a, trailer, "Root", ks_pdf_new_ref(a, catalog.num, catalog.gen))) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    }
    /* The scanned trailer may name a stale /Prev or /XRefStm; the rebuilt map has neither. */
    trailer = ks_pdf_copy(a, trailer);
    if (!trailer) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    static const char *drop[] = {"Prev",   "XRefStm", "Type",        "W",   "Index",
                                 "Length", "Filter",  "DecodeParms", "Size"};
    for (size_t k = 0; k < sizeof drop / sizeof *drop; k++)
        ks_pdf_dict_del(trailer, drop[k]);
    sec.trailer = trailer;
    sec.offset = 0;
    sec.end = doc->len;

    doc->secs = calloc(1, sizeof *doc->secs);
    doc->revs = calloc(1, sizeof *doc->revs);
    if (!doc->secs || !doc->revs) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    doc->secs[0] = sec;
    memset(&sec, 0, sizeof sec);
    doc->nsecs = 1;
    doc->nrevs = 1;
    ks_rev *r = &doc->revs[0];
    r->trailer = trailer;
    r->first_sec = 0;
    r->nsec = 1;
    r->pub.startxref = 0;
    r->pub.eof_end = doc->len;
    r->pub.kind = KS_PDF_XREF_REBUILT;
    doc->xref_rebuilt = true;

    /* Objects inside object streams fill numbers that no direct object defines. */
    if (nstms) {
        st = ks_xref_build_map(doc, 0, err);
        if (st)
            goto done;
        ks_xsection *s0 = &doc->secs[0];
        for (size_t k = 0; k < nstms; k++) {
            ks_objstm *os = NULL;
            if (ks_objstm_load(doc, stms[k], &os, NULL) != KS_OK)
                continue;
            for (uint32_t j = 0; j < os->n; j++) {
                uint64_t n = os->offs[2 * (size_t)j];
                if (n == 0 || n >= KS_PDF_MAX_OBJECTS)
                    continue;
                if (n < doc->nslots && doc->slots[n].e.type == KS_XE_INUSE)
                    continue;
                ks_xentry e = {0};
                e.type = KS_XE_COMPRESSED;
                e.off = stms[k];
                e.idx = j;
                if (!ks_xsec_add(s0, (uint32_t)n, &e)) {
                    st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                    goto done;
                }
            }
        }
    }
    doc->secs[0].size = 0;
    for (size_t k = 0; k < doc->secs[0].count; k++)
        if ((uint64_t)doc->secs[0].entries[k].num + 1 > doc->secs[0].size)
            doc->secs[0].size = (uint64_t)doc->secs[0].entries[k].num + 1;
    r->pub.objects = (uint32_t)doc->secs[0].count;
done:
    free(sec.entries);
    free(stms);
    return st;
}
