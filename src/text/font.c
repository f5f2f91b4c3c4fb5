/* text/font.c — loads the fonts a page shows text with (ISO 32000-2 §9.6-9.10): simple fonts
 * (encoding + /Differences, /Widths, ToUnicode), Type3 (font matrix) and Type0 composite fonts
 * (Identity or embedded CMaps, /W and /DW, ToUnicode), plus ascent, descent and boldness. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"

/* Ascent and descent (1/1000 em) of the standard 14 fonts for files that omit the descriptor
 * (from Adobe's AFM files, as viewers use them). */
static const struct {
    const char *prefix;
    int ascent, descent;
} std14[] = {
    {"Times", 683, -217},   {"Helvetica", 718, -207}, {"Arial", 718, -207},
    {"Courier", 629, -157}, {"Symbol", 1010, -293},   {"ZapfDingbats", 820, -143},
};

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

void ks_font_free(ks_font *f)
{
    if (!f)
        return;
    ks_cmap_free(f->encoding);
    ks_cmap_free(f->to_unicode);
    free(f->w);
    free(f);
}

static bool num_of(ks_pdf_doc *doc, ks_pdf_obj *o, double *v)
{
    return o && ks_pdf_get_num(ks_pdf_resolve(doc, o, NULL), v);
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] && tolower((unsigned char)p[k]) == needle[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static void set_name(ks_font *f, ks_pdf_obj *base)
{
    if (!base || base->type != KS_PDF_NAME)
        return;
    const char *s = base->u.name.s;
    /* a subset tag is six upper-case letters and '+' (§9.9.2) */
    bool tag = strlen(s) > 7 && s[6] == '+';
    for (int i = 0; tag && i < 6; i++)
        tag = s[i] >= 'A' && s[i] <= 'Z';
    snprintf(f->name, sizeof f->name, "%s", tag ? s + 7 : s);
}

/* Ascent, descent and weight from a font descriptor, with the same sanity rules as poppler so
 * that line boxes agree with pdftotext: the signs are forced, zero and absurd values ignored. */
static void read_descriptor(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *desc)
{
    if (!desc || desc->type != KS_PDF_DICT)
        return;
    double v;
    if (num_of(doc, ks_pdf_dict_get(desc, "Ascent"), &v)) {
        v = v < 0 ? -v / 1000 : v / 1000;
        if (v != 0 && v < 3)
            f->ascent = v;
    }
    if (num_of(doc, ks_pdf_dict_get(desc, "Descent"), &v)) {
        v = v > 0 ? -v / 1000 : v / 1000;
        if (v != 0 && v > -3)
            f->descent = v;
    }
    if (num_of(doc, ks_pdf_dict_get(desc, "FontWeight"), &v) && v >= 600)
        f->bold = true;
    int64_t flags;
    if (ks_pdf_get_int(ks_pdf_dict_getr(doc, desc, "Flags"), &flags) && (flags & (1 << 18)))
        f->bold = true; /* ForceBold */
    ks_pdf_obj *fname = ks_pdf_dict_getr(doc, desc, "FontName");
    if (!f->name[0])
        set_name(f, fname);
    if (fname && fname->type == KS_PDF_NAME && contains_ci(fname->u.name.s, "bold"))
        f->bold = true;
}

static ks_status load_cmap_stream(ks_pdf_doc *doc, ks_pdf_obj *s, ks_cmap **out, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    *out = NULL;
    ks_status st = ks_pdf_stream_decode(doc, s, &data, &len, err);
    if (st != KS_OK)
        return st;
    st = ks_cmap_parse(data, len, out, err);
    ks_pdf_stream_release(doc, data, len);
    return st;
}

/* ToUnicode is optional: a damaged one is ignored (the encoding still gives text). */
static ks_cmap *load_to_unicode(ks_pdf_doc *doc, ks_pdf_obj *fd, ks_status *fatal, ks_error *err)
{
    ks_pdf_obj *tu = ks_pdf_dict_getr(doc, fd, "ToUnicode");
    ks_cmap *cm = NULL;
    *fatal = KS_OK;
    if (!tu || tu->type != KS_PDF_STREAM)
        return NULL;
    ks_error e;
    ks_status st = load_cmap_stream(doc, tu, &cm, &e);
    if (st == KS_E_NOMEM) {
        *fatal = nomem(err);
        return NULL;
    }
    return st == KS_OK ? cm : NULL;
}

/* The built-in encoding of an embedded Type 1 program (FontFile), if it has one. */
static bool builtin_type1_encoding(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *fd, ks_pdf_obj *desc)
{
    ks_pdf_obj *sub = ks_pdf_dict_getr(doc, fd, "Subtype");
    if (f->kind != KS_FONT_SIMPLE ||
        !(ks_pdf_is_name(sub, "Type1") || ks_pdf_is_name(sub, "MMType1")))
        return false;
    ks_pdf_obj *ff =
        desc && desc->type == KS_PDF_DICT ? ks_pdf_dict_getr(doc, desc, "FontFile") : NULL;
    if (!ff || ff->type != KS_PDF_STREAM)
        return false;
    uint8_t *data = NULL;
    size_t len = 0;
    if (ks_pdf_stream_decode(doc, ff, &data, &len, NULL) != KS_OK)
        return false;
    bool ok = ks_font_type1_encoding(data, len, f);
    ks_pdf_stream_release(doc, data, len);
    return ok;
}

static void simple_encoding(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *fd)
{
    ks_base_encoding base = KS_ENC_STANDARD;
    ks_pdf_obj *desc = ks_pdf_dict_getr(doc, fd, "FontDescriptor");
    int64_t flags = 0;
    if (desc && desc->type == KS_PDF_DICT)
        ks_pdf_get_int(ks_pdf_dict_getr(doc, desc, "Flags"), &flags);
    bool symbolic = (flags & 4) && !(flags & 32);
    if (strncmp(f->name, "Symbol", 6) == 0)
        base = KS_ENC_SYMBOL;
    else if (symbolic || f->kind == KS_FONT_TYPE3)
        base = KS_ENC_NONE;
    ks_pdf_obj *enc = ks_pdf_dict_getr(doc, fd, "Encoding");
    ks_pdf_obj *diffs = NULL;
    bool have_base = false;
    if (enc && enc->type == KS_PDF_NAME) {
        have_base = ks_encoding_by_name(enc->u.name.s, &base);
    } else if (enc && enc->type == KS_PDF_DICT) {
        ks_pdf_obj *be = ks_pdf_dict_getr(doc, enc, "BaseEncoding");
        if (be && be->type == KS_PDF_NAME)
            have_base = ks_encoding_by_name(be->u.name.s, &base);
        else if (base == KS_ENC_NONE && f->kind != KS_FONT_TYPE3)
            base = KS_ENC_STANDARD;
        diffs = ks_pdf_dict_getr(doc, enc, "Differences");
    }
    /* Without a base encoding in the dictionary, an embedded Type 1 program's own encoding is
     * the base (§9.6.5.2; TeX fonts such as CMMI need it). */
    if (have_base || !builtin_type1_encoding(doc, f, fd, desc)) {
        for (int c = 0; c < 256; c++) {
            uint32_t u = ks_encoding_unicode(base, (uint8_t)c);
            if (base == KS_ENC_NONE && c >= 0x20 && c < 0x7f)
                u = (uint32_t)c; /* built-in encoding unknown: ASCII is the best guess */
            if (u) {
                f->uni[c][0] = u;
                f->nuni[c] = 1;
            }
        }
    }
    if (!diffs || diffs->type != KS_PDF_ARRAY)
        return;
    int64_t code = -1;
    for (size_t i = 0; i < diffs->u.arr.len; i++) {
        ks_pdf_obj *it = ks_pdf_resolve(doc, diffs->u.arr.items[i], NULL);
        int64_t n;
        if (ks_pdf_get_int(it, &n)) {
            code = n;
        } else if (it->type == KS_PDF_NAME && code >= 0 && code < 256) {
            uint32_t u[KS_FONT_MAX_UNI];
            size_t k = ks_glyph_to_unicode(it->u.name.s, u, KS_FONT_MAX_UNI);
            memcpy(f->uni[code], u, k * sizeof u[0]);
            f->nuni[code] = (uint8_t)k;
            code++;
        } else if (it->type == KS_PDF_NAME) {
            code++;
        }
    }
}

static void simple_widths(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *fd)
{
    double missing = 0, first = 0;
    ks_pdf_obj *desc = ks_pdf_dict_getr(doc, fd, "FontDescriptor");
    if (desc && desc->type == KS_PDF_DICT)
        num_of(doc, ks_pdf_dict_get(desc, "MissingWidth"), &missing);
    ks_pdf_obj *w = ks_pdf_dict_getr(doc, fd, "Widths");
    if (!w || w->type != KS_PDF_ARRAY) {
        /* standard 14 font without metrics in the file: an average width keeps words apart */
        missing = f->kind == KS_FONT_TYPE3 ? 0 : 500;
    }
    for (int c = 0; c < 256; c++)
        f->widths[c] = missing;
    if (!w || w->type != KS_PDF_ARRAY) {
        for (int c = 0; c < 256 && f->kind == KS_FONT_SIMPLE; c++) {
            double v;
            if (f->nuni[c] == 1 && ks_font_std14_width(f->name, f->uni[c][0], &v))
                f->widths[c] = v;
        }
        return;
    }
    num_of(doc, ks_pdf_dict_get(fd, "FirstChar"), &first);
    for (size_t i = 0; i < w->u.arr.len; i++) {
        double c = first + (double)i, v;
        if (c >= 0 && c < 256 && num_of(doc, w->u.arr.items[i], &v))
            f->widths[(int)c] = v;
    }
}

static ks_status cid_widths(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *cid, ks_error *err)
{
    f->dw = 1000;
    num_of(doc, ks_pdf_dict_get(cid, "DW"), &f->dw);
    ks_pdf_obj *w = ks_pdf_dict_getr(doc, cid, "W");
    if (!w || w->type != KS_PDF_ARRAY)
        return KS_OK;
    size_t cap = 0;
    for (size_t i = 0; i < w->u.arr.len;) {
        double a, b, v;
        if (!num_of(doc, w->u.arr.items[i], &a) || !(a >= 0 && a <= 0xFFFFFF))
            break;
        ks_pdf_obj *next =
            i + 1 < w->u.arr.len ? ks_pdf_resolve(doc, w->u.arr.items[i + 1], NULL) : NULL;
        if (!next)
            break;
        ks_font_wrange r[1];
        size_t nr = 0;
        ks_pdf_obj *list = NULL;
        if (next->type == KS_PDF_ARRAY) {
            list = next; /* c [w1 w2 ...] */
            i += 2;
        } else if (i + 2 < w->u.arr.len && ks_pdf_get_num(next, &b) &&
                   num_of(doc, w->u.arr.items[i + 2], &v)) {
            if (!(b <= 0xFFFFFF)) /* also NaN */
                b = 0xFFFFFF;
            r[0] = (ks_font_wrange){(uint32_t)a, b < a ? (uint32_t)a : (uint32_t)b, v};
            nr = 1; /* cfirst clast w */
            i += 3;
        } else {
            break;
        }
        size_t add = list ? list->u.arr.len : nr;
        if (f->nw + add > cap) {
            size_t nc = cap ? cap * 2 : 64;
            while (nc < f->nw + add)
                nc *= 2;
            if (nc > KS_CMAP_MAX_ENTRIES)
                return ks_error_set(err, KS_E_LIMIT, N_("font: /W array too long"));
            ks_font_wrange *nw = realloc(f->w, nc * sizeof *nw);
            if (!nw)
                return nomem(err);
            f->w = nw;
            cap = nc;
        }
        if (list) {
            for (size_t k = 0; k < list->u.arr.len; k++)
                if (num_of(doc, list->u.arr.items[k], &v))
                    f->w[f->nw++] =
                        (ks_font_wrange){(uint32_t)a + (uint32_t)k, (uint32_t)a + (uint32_t)k, v};
        } else {
            f->w[f->nw++] = r[0];
        }
    }
    return KS_OK;
}

static ks_status load_type0(ks_pdf_doc *doc, ks_font *f, ks_pdf_obj *fd, ks_error *err)
{
    ks_status st = KS_OK;
    ks_pdf_obj *enc = ks_pdf_dict_getr(doc, fd, "Encoding");
    if (enc && enc->type == KS_PDF_NAME) {
        const char *n = enc->u.name.s;
        size_t l = strlen(n);
        f->encoding = ks_cmap_new_identity(l > 2 && strcmp(n + l - 2, "-V") == 0);
        if (!f->encoding)
            return nomem(err);
        f->code_is_unicode = strstr(n, "UCS2") || strstr(n, "UTF16");
    } else if (enc && enc->type == KS_PDF_STREAM) {
        ks_error e;
        st = load_cmap_stream(doc, enc, &f->encoding, &e);
        if (st == KS_E_NOMEM)
            return nomem(err);
        if (st == KS_OK) {
            ks_pdf_obj *use = ks_pdf_dict_getr(doc, enc, "UseCMap");
            if (use && use->type == KS_PDF_NAME && strncmp(use->u.name.s, "Identity-", 9) == 0) {
                ks_cmap *id = ks_cmap_new_identity(use->u.name.s[9] == 'V');
                if (!id)
                    return nomem(err);
                st = ks_cmap_use(f->encoding, id, err);
                ks_cmap_free(id);
                if (st != KS_OK)
                    return st;
            }
        }
    }
    if (!f->encoding && !(f->encoding = ks_cmap_new_identity(false)))
        return nomem(err);
    f->vertical = ks_cmap_vertical(f->encoding);
    ks_pdf_obj *df = ks_pdf_dict_getr(doc, fd, "DescendantFonts");
    ks_pdf_obj *cid = NULL;
    if (df && df->type == KS_PDF_ARRAY && df->u.arr.len > 0)
        cid = ks_pdf_resolve(doc, df->u.arr.items[0], NULL);
    if (cid && cid->type == KS_PDF_DICT) {
        read_descriptor(doc, f, ks_pdf_dict_getr(doc, cid, "FontDescriptor"));
        if ((st = cid_widths(doc, f, cid, err)) != KS_OK)
            return st;
    } else {
        f->dw = 1000;
    }
    return KS_OK;
}

static bool identity_collection(ks_pdf_doc *doc, ks_pdf_obj *fd)
{
    ks_pdf_obj *df = ks_pdf_dict_getr(doc, fd, "DescendantFonts");
    ks_pdf_obj *cid = df && df->type == KS_PDF_ARRAY && df->u.arr.len > 0
                          ? ks_pdf_resolve(doc, df->u.arr.items[0], NULL)
                          : NULL;
    ks_pdf_obj *si =
        cid && cid->type == KS_PDF_DICT ? ks_pdf_dict_getr(doc, cid, "CIDSystemInfo") : NULL;
    if (!si || si->type != KS_PDF_DICT)
        return false;
    ks_pdf_obj *reg = ks_pdf_dict_getr(doc, si, "Registry");
    ks_pdf_obj *ord = ks_pdf_dict_getr(doc, si, "Ordering");
    if (!reg || reg->type != KS_PDF_STRING || !ord || ord->type != KS_PDF_STRING)
        return false;
    return strcmp((const char *)reg->u.str.data, "Adobe") == 0 &&
           (strcmp((const char *)ord->u.str.data, "Identity") == 0 ||
            strcmp((const char *)ord->u.str.data, "UCS") == 0);
}

static int cmp_wrange(const void *a, const void *b)
{
    const ks_font_wrange *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

ks_status ks_font_load(ks_pdf_doc *doc, ks_pdf_obj *fd, ks_font **out, ks_error *err)
{
    *out = NULL;
    ks_font *f = calloc(1, sizeof *f);
    if (!f)
        return nomem(err);
    ks_status st = KS_OK;
    f->ascent = 0.95; /* poppler's defaults, kept so that boxes match pdftotext */
    f->descent = -0.35;
    f->fm[0] = f->fm[3] = 0.001;
    ks_pdf_obj *sub = ks_pdf_dict_getr(doc, fd, "Subtype");
    if (ks_pdf_is_name(sub, "Type0"))
        f->kind = KS_FONT_TYPE0;
    else if (ks_pdf_is_name(sub, "Type3"))
        f->kind = KS_FONT_TYPE3;
    set_name(f, ks_pdf_dict_getr(doc, fd, "BaseFont"));
    ks_pdf_obj *desc = ks_pdf_dict_getr(doc, fd, "FontDescriptor");
    if (f->kind != KS_FONT_TYPE0 && desc && desc->type == KS_PDF_DICT) {
        read_descriptor(doc, f, desc);
    } else if (f->kind == KS_FONT_SIMPLE) {
        for (size_t i = 0; i < sizeof std14 / sizeof std14[0]; i++)
            if (strncmp(f->name, std14[i].prefix, strlen(std14[i].prefix)) == 0) {
                f->ascent = std14[i].ascent / 1000.0;
                f->descent = std14[i].descent / 1000.0;
                break;
            }
    }
    if (f->kind == KS_FONT_TYPE3) {
        ks_pdf_obj *m = ks_pdf_dict_getr(doc, fd, "FontMatrix");
        if (m && m->type == KS_PDF_ARRAY && m->u.arr.len == 6)
            for (int i = 0; i < 6; i++)
                num_of(doc, m->u.arr.items[i], &f->fm[i]);
        ks_pdf_obj *bb = ks_pdf_dict_getr(doc, fd, "FontBBox");
        double b[4];
        if (bb && bb->type == KS_PDF_ARRAY && bb->u.arr.len == 4 &&
            num_of(doc, bb->u.arr.items[0], &b[0]) && num_of(doc, bb->u.arr.items[1], &b[1]) &&
            num_of(doc, bb->u.arr.items[2], &b[2]) && num_of(doc, bb->u.arr.items[3], &b[3]) &&
            b[3] > b[1]) {
            f->ascent = b[3] * f->fm[3];
            f->descent = b[1] * f->fm[3];
        }
    }
    if (contains_ci(f->name, "bold") || contains_ci(f->name, "heavy") ||
        contains_ci(f->name, "black"))
        f->bold = true;
    if (f->kind == KS_FONT_TYPE0) {
        if ((st = load_type0(doc, f, fd, err)) != KS_OK)
            goto done;
        if (f->nw > 1)
            qsort(f->w, f->nw, sizeof *f->w, cmp_wrange);
        f->to_unicode = load_to_unicode(doc, fd, &st, err);
        if (st != KS_OK)
            goto done;
        /* Without ToUnicode, the Adobe-Identity and Adobe-UCS collections are read as codes
         * equal to Unicode, as poppler does (what non-embedded Type0 fonts of some signers
         * need). */
        if (!f->to_unicode && identity_collection(doc, fd))
            f->code_is_unicode = true;
    } else {
        simple_encoding(doc, f, fd);
        simple_widths(doc, f, fd);
        ks_cmap *tu = load_to_unicode(doc, fd, &st, err);
        if (st != KS_OK)
            goto done;
        if (tu) {
            for (uint32_t c = 0; c < 256; c++) {
                uint32_t u[KS_FONT_MAX_UNI];
                size_t k = ks_cmap_unicode(tu, c, u, KS_FONT_MAX_UNI);
                if (k) {
                    memcpy(f->uni[c], u, k * sizeof u[0]);
                    f->nuni[c] = (uint8_t)k;
                }
            }
            ks_cmap_free(tu);
        }
    }
done:
    if (st != KS_OK) {
        ks_font_free(f);
        return st;
    }
    *out = f;
    return KS_OK;
}

static double cid_width(const ks_font *f, uint32_t cid)
{
    size_t lo = 0, hi = f->nw;
    while (lo < hi) { /* first range with lo > cid */
        size_t mid = lo + (hi - lo) / 2;
        if (f->w[mid].lo <= cid)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* ranges rarely overlap; look back a few for one that contains cid */
    for (size_t i = lo, k = 0; i-- > 0 && k < 8; k++)
        if (f->w[i].lo <= cid && cid <= f->w[i].hi)
            return f->w[i].w;
    return f->dw;
}

size_t ks_font_next(const ks_font *f, const uint8_t *s, size_t len, ks_font_char *c)
{
    memset(c, 0, sizeof *c);
    if (f->kind != KS_FONT_TYPE0) {
        c->code = s[0];
        c->nbytes = 1;
        c->w0 = f->widths[s[0]] * f->fm[0];
        c->word_space = s[0] == 32;
        c->nuni = f->nuni[s[0]];
        memcpy(c->uni, f->uni[s[0]], c->nuni * sizeof c->uni[0]);
        return 1;
    }
    bool matched;
    size_t n = ks_cmap_next_code(f->encoding, s, len, &c->code, &matched);
    if (n == 0)
        n = 1;
    c->nbytes = n;
    c->word_space = n == 1 && s[0] == 32; /* §9.3.3: only single-byte code 32 */
    uint32_t cid = 0;
    if (!matched || !ks_cmap_cid(f->encoding, c->code, &cid))
        cid = 0;
    c->w0 = (f->vertical ? 0 : cid_width(f, cid)) * 0.001;
    if (f->to_unicode)
        c->nuni = ks_cmap_unicode(f->to_unicode, c->code, c->uni, KS_FONT_MAX_UNI);
    if (c->nuni == 0 && f->code_is_unicode && c->code) {
        c->uni[0] = c->code;
        c->nuni = 1;
    }
    return n;
}
