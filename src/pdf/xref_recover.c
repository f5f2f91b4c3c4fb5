/* pdf/xref_recover.c — the unambiguous xref-offset deviations strict mode accepts (a section
 * start within KS_XREF_NEAR bytes of a wrong offset; an earlier revision's "startxref N %%EOF"
 * behind a section whose /Prev is unusable) and the document warnings that record them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define KS_PDF_MAX_WARNINGS 64

bool ks_pdf_warn(ks_pdf_doc *doc, const char *fmt, ...)
{
    /* Revision views borrow the base document's list: a warning found while reading a view
     * (a relocated object) goes to the base, so that the list is never reallocated under it. */
    if (doc->parent)
        doc = doc->parent;
    if (doc->nwarnings >= KS_PDF_MAX_WARNINGS)
        return true;
    ks_error *n = realloc(doc->warnings, (doc->nwarnings + 1) * sizeof *n);
    if (!n)
        return false;
    doc->warnings = n;
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(&n[doc->nwarnings], KS_OK, fmt, ap);
    va_end(ap);
    doc->nwarnings++;
    return true;
}

size_t ks_pdf_warning_count(const ks_pdf_doc *doc)
{
    if (doc->parent)
        doc = doc->parent;
    return doc->nwarnings;
}

const ks_error *ks_pdf_warning(const ks_pdf_doc *doc, size_t i)
{
    if (doc->parent)
        doc = doc->parent;
    return i < doc->nwarnings ? &doc->warnings[i] : NULL;
}

/* ---- objects whose xref offsets are wrong within one revision ---- */
typedef struct ks_reloc {
    uint32_t num;
    uint16_t gen;
    uint64_t off;
} ks_reloc;

typedef struct ks_reloc_index {
    int32_t rev;
    ks_reloc *v;
    size_t n;
    bool warned;
} ks_reloc_index;

static int reloc_cmp(const void *a, const void *b)
{
    const ks_reloc *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    if (x->gen != y->gen)
        return x->gen < y->gen ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Scans revision `rev`'s bytes once for "N G obj" headers. */
static ks_reloc_index *reloc_index(ks_pdf_doc *base, int32_t rev)
{
    for (size_t i = 0; i < base->nrelocs; i++)
        if (base->relocs[i].rev == rev)
            return &base->relocs[i];
    if (rev < 0 || (size_t)rev >= base->nrevs)
        return NULL;
    ks_reloc_index *ni = realloc(base->relocs, (base->nrelocs + 1) * sizeof *ni);
    if (!ni)
        return NULL;
    base->relocs = ni;
    ks_reloc_index *x = &ni[base->nrelocs++];
    memset(x, 0, sizeof *x);
    x->rev = rev;
    uint64_t lo = rev > 0 ? base->revs[rev - 1].pub.eof_end : base->header_off;
    uint64_t hi = base->revs[rev].pub.eof_end;
    size_t cap = 0;
    for (size_t i = (size_t)lo; i + 3 <= hi && i + 3 <= base->len; i++) {
        size_t start;
        uint32_t num;
        uint16_t gen;
        if (base->data[i] != 'o' || !ks_pdf_keyword_at(base, i, "obj") ||
            !ks_pdf_header_before(base, i, &start, &num, &gen) || start < lo)
            continue;
        if (x->n == cap) {
            cap = cap ? cap * 2 : 64;
            ks_reloc *nv = realloc(x->v, cap * sizeof *nv);
            if (!nv)
                break;
            x->v = nv;
        }
        x->v[x->n++] = (ks_reloc){num, gen, start};
    }
    if (x->n)
        qsort(x->v, x->n, sizeof *x->v, reloc_cmp);
    return x;
}

/* Index of the first header >= (num, gen) in `x`. */
static size_t reloc_first(const ks_reloc_index *x, uint32_t num, uint16_t gen)
{
    if (!x)
        return 0;
    ks_reloc key = {num, gen, 0};
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (reloc_cmp(&x->v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Does an xref section of revision `r` point object `num` at `off`? */
static bool stated_by(const ks_pdf_doc *base, size_t r, uint32_t num, uint64_t off)
{
    const ks_rev *rv = &base->revs[r];
    for (size_t k = 0; k < rv->nsec; k++) {
        const ks_xsection *sec = &base->secs[rv->first_sec + k];
        for (size_t i = 0; i < sec->count; i++)
            if (sec->entries[i].num == num && sec->entries[i].e.type == KS_XE_INUSE &&
                sec->entries[i].e.off == off)
                return true;
    }
    return false;
}

/* How many "num gen obj" headers index `x` holds (the first one's offset in *off). */
static size_t reloc_count(const ks_reloc_index *x, uint32_t num, uint16_t gen, uint64_t *off)
{
    if (!x || !x->n)
        return 0;
    size_t lo = reloc_first(x, num, gen);
    size_t n = 0;
    for (size_t i = lo; i < x->n && x->v[i].num == num && x->v[i].gen == gen && n < 2; i++)
        if (!n++)
            *off = x->v[i].off;
    return n;
}

bool ks_xref_relocate(ks_pdf_doc *doc, int32_t rev, uint32_t num, uint16_t gen, uint64_t wrong,
                      uint64_t *found)
{
    ks_pdf_doc *base = doc->parent ? doc->parent : doc;
    if (rev < 0)
        return false;
    size_t here = 0;
    uint64_t at = 0;
    if ((size_t)rev > base->recover_last) {
        /* After a signed revision (ks_pdf_limit_recovery) only the plainest slip is
         * forgiven: the stated offset lies after the signed bytes and on no object's header,
         * and the object's header occurs exactly once in all the bytes after the signed
         * part, within this revision. Anything else is left to the verifier to report. */
        uint64_t signed_end = base->revs[base->recover_last].pub.eof_end;
        if (wrong < signed_end || ks_pdf_header_at(base, wrong))
            return false;
        size_t total = 0;
        for (size_t r = base->recover_last + 1; r < base->nrevs && total < 2; r++) {
            ks_reloc_index *x = reloc_index(base, (int32_t)r);
            size_t i = reloc_first(x, num, gen);
            for (; x && i < x->n && x->v[i].num == num && x->v[i].gen == gen; i++) {
                /* another revision's own definition (its entry points at it) is no rival */
                if ((int32_t)r != rev && stated_by(base, r, num, x->v[i].off))
                    continue;
                total++;
                if ((int32_t)r == rev) {
                    here++;
                    at = x->v[i].off;
                }
            }
        }
        if (total != 1 || here != 1)
            return false;
    } else {
        here = reloc_count(reloc_index(base, rev), num, gen, &at);
        if (here != 1)
            return false; /* absent, or more than one: ambiguous, not recovered */
    }
    *found = at;
    ks_reloc_index *x = reloc_index(base, rev);
    if (x && !x->warned) {
        x->warned = true;
        ks_pdf_warn(base,
                    N_("%s: the xref section of revision %d points objects to wrong offsets "
                       "(object %u %u: byte offset %llu, found at %llu); its objects are "
                       "located by their headers within that revision"),
                    base->name, (int)rev + 1, num, gen, (unsigned long long)wrong,
                    (unsigned long long)*found);
    }
    return true;
}

void ks_xref_relocs_free(ks_pdf_doc *doc)
{
    for (size_t i = 0; i < doc->nrelocs; i++)
        free(doc->relocs[i].v);
    free(doc->relocs);
    doc->relocs = NULL;
    doc->nrelocs = 0;
}

static bool token_start(const ks_pdf_doc *doc, uint64_t off)
{
    return off < doc->len && (off == 0 || !ks_pdf_is_regular(doc->data[off - 1]));
}

static bool is_keyword_at(const ks_pdf_doc *doc, uint64_t off, const char *kw)
{
    size_t n = strlen(kw);
    return token_start(doc, off) && doc->len - off >= n && memcmp(doc->data + off, kw, n) == 0 &&
           (doc->len - off == n || !ks_pdf_is_regular(doc->data[off + n]));
}

bool ks_xref_lands(ks_pdf_doc *doc, uint64_t off, bool table)
{
    if (!token_start(doc, off))
        return false;
    if (table && is_keyword_at(doc, off, "xref"))
        return true;
    if (doc->data[off] < '0' || doc->data[off] > '9')
        return false;
    ks_cur c = {doc->data, doc->len, (size_t)off, 0, true};
    uint64_t n, g;
    if (!ks_lex_uint(&c, &n) || !ks_lex_uint(&c, &g) || !ks_lex_peek_keyword(&c, "obj"))
        return false;
    ks_lex_skip_ws(&c);
    c.pos += 3;
    ks_pdf_obj *o;
    ks_error e;
    if (ks_parse_object(doc, &c, 0, &o, &e) != KS_OK || o->type != KS_PDF_DICT)
        return false;
    return ks_pdf_is_name(ks_pdf_dict_get(o, "Type"), "XRef");
}

bool ks_xref_near(ks_pdf_doc *doc, uint64_t off, bool table, uint64_t *out)
{
    if (doc->nwarnings >= KS_PDF_MAX_WARNINGS)
        return false; /* bounds the scanning work a hostile file can ask for */
    uint64_t lo = off > KS_XREF_NEAR ? off - KS_XREF_NEAR : 0;
    uint64_t hi = off + KS_XREF_NEAR;
    size_t found = 0;
    for (uint64_t i = lo; i <= hi && i < doc->len; i++) {
        if (i == off || !ks_xref_lands(doc, i, table))
            continue;
        if (++found > 1)
            return false;
        *out = i;
    }
    return found == 1;
}

/* Start of the last whole-token `kw` that begins before `before`; false if none. */
static bool keyword_before(const ks_pdf_doc *doc, uint64_t before, const char *kw, uint64_t *at)
{
    size_t n = strlen(kw);
    for (uint64_t i = before; i-- > 0;) {
        if (i + n <= doc->len && doc->data[i] == (uint8_t)kw[0] && is_keyword_at(doc, i, kw)) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* The classic table whose trailer ends exactly at the "startxref" keyword at `sx`. */
static bool table_ending_at(ks_pdf_doc *doc, uint64_t sx, uint64_t *out)
{
    uint64_t tr, x;
    if (!keyword_before(doc, sx, "trailer", &tr) || !keyword_before(doc, tr, "xref", &x))
        return false;
    ks_xsection s = {0};
    ks_error e;
    bool ok = ks_xref_read_table(doc, x, &s, &e) == KS_OK;
    free(s.entries);
    if (!ok)
        return false;
    uint64_t p = s.end;
    while (p < sx && ks_pdf_is_ws(doc->data[p]))
        p++;
    if (p != sx)
        return false;
    *out = x;
    return true;
}

bool ks_xref_earlier(ks_pdf_doc *doc, uint64_t before, uint64_t *out, uint64_t *eof_at,
                     uint64_t *stated)
{
    const uint8_t *d = doc->data;
    uint64_t eof;
    if (doc->nwarnings >= KS_PDF_MAX_WARNINGS)
        return false;
    for (eof = before; eof-- > 0;)
        if (d[eof] == '%' && eof + 5 <= doc->len && memcmp(d + eof, "%%EOF", 5) == 0)
            break;
    if (eof == UINT64_MAX)
        return false;
    uint64_t p = eof;
    while (p > 0 && ks_pdf_is_ws(d[p - 1]))
        p--;
    uint64_t digits_end = p;
    while (p > 0 && d[p - 1] >= '0' && d[p - 1] <= '9')
        p--;
    if (p == digits_end || digits_end - p > 19 || p == 0 || !ks_pdf_is_ws(d[p - 1]))
        return false;
    uint64_t n = 0;
    for (uint64_t i = p; i < digits_end; i++)
        n = n * 10 + (uint64_t)(d[i] - '0');
    while (p > 0 && ks_pdf_is_ws(d[p - 1]))
        p--;
    if (p < 9 || !is_keyword_at(doc, p - 9, "startxref"))
        return false;
    uint64_t sx = p - 9;
    *eof_at = eof;
    *stated = n;
    /* N must be an offset inside the earlier revision; its section is used as is, at the one
     * section start near it, or (N wrong) as the table whose trailer ends at "startxref". */
    if (n > 0 && n < sx && ks_xref_lands(doc, n, true)) {
        *out = n;
        return true;
    }
    if (n > 0 && n < sx && ks_xref_near(doc, n, true, out) && *out < sx)
        return true;
    return table_ending_at(doc, sx, out);
}
