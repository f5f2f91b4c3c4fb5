/* pdfgen/png_lazy.h — libpng, loaded when a PNG is first decoded (util/dynlib.h), so that reading
 * and verifying PDFs does not load it at start-up. png_image.c includes it in place of <png.h>;
 * ks_pdf_png_decode loads the library before its first png_ call. */
#ifndef KYSO_PDF_PNG_LAZY_H
#define KYSO_PDF_PNG_LAZY_H

#include <png.h>

#include "dynlib.h"

#define KS_PNG_SYMBOLS(X)                                                                          \
    X(png_image_begin_read_from_memory)                                                            \
    X(png_image_finish_read)                                                                       \
    X(png_image_free)                                                                              \
    X(png_sig_cmp)
KS_DL_DECLARE(ks_png, KS_PNG_SYMBOLS);

#define png_image_begin_read_from_memory KS_DL_FN(ks_png, png_image_begin_read_from_memory)
#define png_image_finish_read KS_DL_FN(ks_png, png_image_finish_read)
#define png_image_free KS_DL_FN(ks_png, png_image_free)
#define png_sig_cmp KS_DL_FN(ks_png, png_sig_cmp)

#endif
