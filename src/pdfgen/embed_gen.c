/* The resources kyso adds to one incremental update for visible signatures: image XObjects
 * with their /SMask (ISO 32000-2 §8.9.5, §11.6.5.3), each distinct image written once. */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdfgen.h"

typedef struct gen_image {
    uint8_t sha256[32];
    ks_pdf_ref ref;
} gen_image;

struct ks_pdf_gen {
    ks_pdf_update *u;
    gen_image *images;
    size_t n_images, cap_images;
};

ks_pdf_gen *ks_pdf_gen_new(ks_pdf_update *u)
{
    ks_pdf_gen *g = calloc(1, sizeof *g);
    if (g)
        g->u = u;
    return g;
}

void ks_pdf_gen_free(ks_pdf_gen *g)
{
    if (!g)
        return;
    free(g->images);
    free(g);
}

ks_pdf_update *ks_pdf_gen_update(ks_pdf_gen *g)
{
    return g->u;
}

/* Image dictionary: 8-bit samples, Flate with a PNG predictor per row. */
static ks_pdf_obj *image_dict(ks_arena *a, const ks_pdf_image *img, const char *cs, int colors)
{
    ks_pdf_obj *d = ks_pdf_new_dict(a), *p = ks_pdf_new_dict(a);
    if (!d || !p)
        return NULL;
    bool ok = ks_pdf_dict_put(a, d, "Type", ks_pdf_new_name(a, "XObject")) &&
              ks_pdf_dict_put(a, d, "Subtype", ks_pdf_new_name(a, "Image")) &&
              ks_pdf_dict_put(a, d, "Width", ks_pdf_new_int(a, img->width)) &&
              ks_pdf_dict_put(a, d, "Height", ks_pdf_new_int(a, img->height)) &&
              ks_pdf_dict_put(a, d, "ColorSpace", ks_pdf_new_name(a, cs)) &&
              ks_pdf_dict_put(a, d, "BitsPerComponent", ks_pdf_new_int(a, 8)) &&
              ks_pdf_dict_put(a, d, "Filter", ks_pdf_new_name(a, "FlateDecode")) &&
              ks_pdf_dict_put(a, p, "Predictor", ks_pdf_new_int(a, 15)) &&
              ks_pdf_dict_put(a, p, "Colors", ks_pdf_new_int(a, colors)) &&
              ks_pdf_dict_put(a, p, "BitsPerComponent", ks_pdf_new_int(a, 8)) &&
              ks_pdf_dict_put(a, p, "Columns", ks_pdf_new_int(a, img->width)) &&
              ks_pdf_dict_put(a, d, "DecodeParms", p);
    return ok ? d : NULL;
}

ks_status ks_pdf_gen_image(ks_pdf_gen *g, const ks_pdf_image *img, ks_pdf_ref *ref, ks_error *err)
{
    ks_status st = KS_OK;
    uint8_t *rgb = NULL, *alpha = NULL;
    size_t rgb_len = 0, alpha_len = 0;
    ks_arena *a = NULL;

    for (size_t i = 0; i < g->n_images; i++)
        if (!memcmp(g->images[i].sha256, img->sha256, 32)) {
            *ref = g->images[i].ref;
            return KS_OK;
        }
    if (g->n_images == g->cap_images) {
        size_t cap = g->cap_images ? 2 * g->cap_images : 4;
        gen_image *n = realloc(g->images, cap * sizeof *n);
        if (!n)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        g->images = n;
        g->cap_images = cap;
    }
    a = ks_arena_new();
    if (!a)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    st = ks_pdf_image_encode(img, &rgb, &rgb_len, &alpha, &alpha_len, err);
    if (st != KS_OK)
        goto done;
    uint32_t num = ks_pdf_update_alloc(g->u);
    ks_pdf_obj *d = image_dict(a, img, "DeviceRGB", 3);
    if (!d) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (alpha) {
        uint32_t snum = ks_pdf_update_alloc(g->u);
        ks_pdf_obj *sd = image_dict(a, img, "DeviceGray", 1);
        if (!sd || !ks_pdf_dict_put(a, d, "SMask", ks_pdf_new_ref(a, snum, 0))) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
        st = ks_pdf_update_put_stream(g->u, snum, 0, sd, alpha, alpha_len, err);
        if (st != KS_OK)
            goto done;
    }
    st = ks_pdf_update_put_stream(g->u, num, 0, d, rgb, rgb_len, err);
    if (st != KS_OK)
        goto done;
    memcpy(g->images[g->n_images].sha256, img->sha256, 32);
    g->images[g->n_images].ref.num = num;
    g->images[g->n_images].ref.gen = 0;
    *ref = g->images[g->n_images++].ref;

done:
    free(rgb);
    free(alpha);
    ks_arena_free(a);
    return st;
}
