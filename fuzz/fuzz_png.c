/* fuzz/fuzz_png.c — libFuzzer target of the PNG path of visible signatures (pdfgen/png_image.c):
 * decode any bytes as a PNG, then encode the result as image XObject + SMask streams and read
 * the physical size, checking the invariants the appearance code relies on. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kyso/pdfgen.h"

/* Images above this many pixels are skipped so that each run stays fast; the pixel limit of
 * the decoder itself is covered by the unit tests. */
#define FUZZ_MAX_PIXELS (1u << 20)

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    /* IHDR width and height sit at bytes 16..23 of a PNG. */
    if (len >= 24 && (uint64_t)be32(data + 16) * be32(data + 20) > FUZZ_MAX_PIXELS)
        return 0;
    ks_pdf_image *img = NULL;
    ks_error err;
    if (ks_pdf_png_decode(data, len, "fuzz.png", &img, &err) != KS_OK) {
        if (img)
            __builtin_trap();
        return 0;
    }
    if (!img || !img->width || !img->height || !img->rgba)
        __builtin_trap();
    double w_mm, h_mm;
    if (ks_pdf_image_size_mm(img, &w_mm, &h_mm) && !(w_mm > 0 && h_mm > 0))
        __builtin_trap();
    uint8_t *rgb = NULL, *alpha = NULL;
    size_t rgb_len = 0, alpha_len = 0;
    if (ks_pdf_image_encode(img, &rgb, &rgb_len, &alpha, &alpha_len, &err) == KS_OK) {
        if (!rgb || !rgb_len || (img->has_alpha != (alpha != NULL)))
            __builtin_trap();
    }
    free(rgb);
    free(alpha);
    ks_pdf_image_free(img);
    return 0;
}
