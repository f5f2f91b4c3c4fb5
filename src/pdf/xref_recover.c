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
    return doc->nwarnings;
}

const ks_error *ks_pdf_warning(const ks_pdf_doc *doc, size_t i)
{
    return i < doc->nwarnings ? &doc->warnings[i] : NULL;
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
