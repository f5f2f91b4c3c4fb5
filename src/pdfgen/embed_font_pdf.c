/* Writes an embedded font into an incremental update: Type0 font with Identity-H, its
 * CIDFontType2 descendant (/CIDToGIDMap /Identity, /W), FontDescriptor, FontFile2 and ToUnicode
 * streams (ISO 32000-2 §9.7). The glyph data comes from embed_font.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/pdfgen.h"

static ks_status put_flate_stream(ks_pdf_update *u, uint32_t num, ks_arena *a, ks_pdf_obj *dict,
                                  const uint8_t *data, size_t len, ks_error *err)
{
    uint8_t *z = NULL;
    size_t zlen = 0;
    ks_status st = ks_pdf_gen_deflate(data, len, &z, &zlen, err);
    if (st != KS_OK)
        return st;
    if (!ks_pdf_dict_put(a, dict, "Filter", ks_pdf_new_name(a, "FlateDecode")))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    else
        st = ks_pdf_update_put_stream(u, num, 0, dict, z, zlen, err);
    free(z);
    return st;
}

#define PUT(d, k, v)                                                                               \
    do {                                                                                           \
        if (!ks_pdf_dict_put(a, (d), (k), (v))) {                                                  \
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));                               \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)

ks_status ks_pdf_font_embed(ks_pdf_font *f, ks_pdf_update *u, ks_pdf_ref *font, ks_error *err)
{
    ks_status st = KS_OK;
    ks_arena *a = ks_arena_new();
    uint8_t *prog = NULL;
    size_t prog_len = 0;
    ks_buf cmap = KS_BUF_INIT;
    char tag[7], base[96];

    if (!a)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    st = ks_pdf_font_subset(f, &prog, &prog_len, err);
    if (st != KS_OK)
        goto done;
    st = ks_pdf_font_tounicode(f, &cmap, err);
    if (st != KS_OK)
        goto done;
    ks_pdf_font_tag(f, tag);
    snprintf(base, sizeof base, "%s+%s", tag, ks_pdf_font_ps_name(f));

    uint32_t n_type0 = ks_pdf_update_alloc(u), n_cid = ks_pdf_update_alloc(u),
             n_desc = ks_pdf_update_alloc(u), n_file = ks_pdf_update_alloc(u),
             n_tou = ks_pdf_update_alloc(u);

    ks_pdf_obj *file = ks_pdf_new_dict(a);
    if (!file) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    PUT(file, "Length1", ks_pdf_new_int(a, (int64_t)prog_len));
    st = put_flate_stream(u, n_file, a, file, prog, prog_len, err);
    if (st != KS_OK)
        goto done;

    ks_pdf_obj *tou = ks_pdf_new_dict(a);
    if (!tou) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    st = put_flate_stream(u, n_tou, a, tou, cmap.data, cmap.len, err);
    if (st != KS_OK)
        goto done;

    double asc, desc, cap, bb[4];
    ks_pdf_font_metrics(f, &asc, &desc, &cap);
    ks_pdf_font_bbox(f, bb);
    ks_pdf_obj *d = ks_pdf_new_dict(a), *bbox = ks_pdf_new_array(a);
    if (!d || !bbox) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (int i = 0; i < 4; i++)
        if (!ks_pdf_array_push(a, bbox, ks_pdf_new_int(a, (int64_t)bb[i]))) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    PUT(d, "Type", ks_pdf_new_name(a, "FontDescriptor"));
    PUT(d, "FontName", ks_pdf_new_name(a, base));
    PUT(d, "Flags", ks_pdf_new_int(a, 34)); /* Serif | Nonsymbolic (§9.8.2) */
    PUT(d, "FontBBox", bbox);
    PUT(d, "ItalicAngle", ks_pdf_new_int(a, 0));
    PUT(d, "Ascent", ks_pdf_new_int(a, (int64_t)(asc * 1000)));
    PUT(d, "Descent", ks_pdf_new_int(a, (int64_t)(desc * 1000)));
    PUT(d, "CapHeight", ks_pdf_new_int(a, (int64_t)(cap * 1000)));
    PUT(d, "StemV", ks_pdf_new_int(a, 80));
    PUT(d, "FontFile2", ks_pdf_new_ref(a, n_file, 0));
    st = ks_pdf_update_put(u, n_desc, 0, d, err);
    if (st != KS_OK)
        goto done;

    static const uint8_t adobe[] = "Adobe", identity[] = "Identity";
    ks_pdf_obj *csi = ks_pdf_new_dict(a), *cid = ks_pdf_new_dict(a);
    ks_pdf_obj *w = ks_pdf_font_widths(f, a);
    if (!csi || !cid || !w) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    PUT(csi, "Registry", ks_pdf_new_string(a, adobe, 5, false));
    PUT(csi, "Ordering", ks_pdf_new_string(a, identity, 8, false));
    PUT(csi, "Supplement", ks_pdf_new_int(a, 0));
    PUT(cid, "Type", ks_pdf_new_name(a, "Font"));
    PUT(cid, "Subtype", ks_pdf_new_name(a, "CIDFontType2"));
    PUT(cid, "BaseFont", ks_pdf_new_name(a, base));
    PUT(cid, "CIDSystemInfo", csi);
    PUT(cid, "FontDescriptor", ks_pdf_new_ref(a, n_desc, 0));
    PUT(cid, "DW", ks_pdf_new_int(a, 1000));
    PUT(cid, "W", w);
    PUT(cid, "CIDToGIDMap", ks_pdf_new_name(a, "Identity"));
    st = ks_pdf_update_put(u, n_cid, 0, cid, err);
    if (st != KS_OK)
        goto done;

    ks_pdf_obj *t0 = ks_pdf_new_dict(a), *desc_arr = ks_pdf_new_array(a);
    if (!t0 || !desc_arr || !ks_pdf_array_push(a, desc_arr, ks_pdf_new_ref(a, n_cid, 0))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    PUT(t0, "Type", ks_pdf_new_name(a, "Font"));
    PUT(t0, "Subtype", ks_pdf_new_name(a, "Type0"));
    PUT(t0, "BaseFont", ks_pdf_new_name(a, base));
    PUT(t0, "Encoding", ks_pdf_new_name(a, "Identity-H"));
    PUT(t0, "DescendantFonts", desc_arr);
    PUT(t0, "ToUnicode", ks_pdf_new_ref(a, n_tou, 0));
    st = ks_pdf_update_put(u, n_type0, 0, t0, err);
    if (st != KS_OK)
        goto done;
    font->num = n_type0;
    font->gen = 0;

done:
    free(prog);
    ks_buf_free(&cmap);
    ks_arena_free(a);
    return st;
}
