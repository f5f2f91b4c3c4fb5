/* kyso — generated PDF resources for visible signatures: an embedded subset of Liberation Serif
 * (Type0 / CIDFontType2, Identity-H, ToUnicode) and PNG images turned into image XObjects with
 * an /SMask. Part of the PDF layer: knows nothing of signatures.
 *
 * The pure parts (shaping, subsetting, /W, ToUnicode text, PNG decoding and encoding) work
 * without a document; the *_embed / ks_pdf_gen_* functions add objects to an incremental
 * update (ks_pdf_update). */
#ifndef KYSO_PDFGEN_H
#define KYSO_PDFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"
#include "kyso/pdf.h"
#include "kyso/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fonts ---- */
typedef struct ks_pdf_font ks_pdf_font;

/* Path of the default font (Liberation Serif Regular, Times New Roman metrics): $KYSO_FONT if
 * set, else the first that exists of /usr/share/fonts/truetype/liberation2/ (Debian
 * fonts-liberation2, with Vietnamese) and /usr/share/fonts/truetype/liberation/ (1.x: lacks
 * some Vietnamese letters). Never a path under the source tree. Never NULL. */
const char *ks_pdf_font_default_path(void);

/* Loads a TrueType font (NULL: the default). Errors: KS_E_IO, KS_E_FORMAT (not a TrueType font
 * with glyph outlines), KS_E_NOMEM. Free with ks_pdf_font_free. */
ks_status ks_pdf_font_open(const char *path, ks_pdf_font **out, ks_error *err);
void ks_pdf_font_free(ks_pdf_font *f); /* NULL is a no-op */

/* Vertical metrics in text space units per point of size (multiply by the font size). Descent
 * is negative. */
void ks_pdf_font_metrics(const ks_pdf_font *f, double *ascent, double *descent, double *cap_height);

/* Shapes UTF-8 `text` (normalised to NFC first) with HarfBuzz and appends to `ops` the content
 * stream operators that show it at the current text position with a font of `size_pt`
 * selected by the caller ("[<0024> -12 <0025>] TJ", with "Ts" around vertically offset marks).
 * `ops` may be NULL to only measure. The glyphs are recorded for the subset and ToUnicode map.
 * `width_pt` receives the advance width. Errors: KS_E_USAGE (invalid UTF-8), KS_E_FORMAT (a
 * character the font lacks, named in the message), KS_E_NOMEM. */
ks_status ks_pdf_font_show(ks_pdf_font *f, const char *text, double size_pt, ks_buf *ops,
                           double *width_pt, ks_error *err);

/* Number of distinct glyphs used so far (including .notdef, glyph 0). */
size_t ks_pdf_font_glyph_count(const ks_pdf_font *f);
/* Advance width of glyph `gid` in 1/1000 text space units (0 when out of range). */
double ks_pdf_font_glyph_width(const ks_pdf_font *f, uint32_t gid);

/* The TrueType program of the glyphs used so far, glyph IDs kept (hb-subset with
 * HB_SUBSET_FLAGS_RETAIN_GIDS), layout and hinting tables dropped. Malloc'd. */
ks_status ks_pdf_font_subset(ks_pdf_font *f, uint8_t **data, size_t *len, ks_error *err);
/* The ToUnicode CMap (ISO 32000-2 §9.10.3) mapping each used glyph to its text. */
ks_status ks_pdf_font_tounicode(const ks_pdf_font *f, ks_buf *out, ks_error *err);
/* Font bounding box in 1/1000 text space units (x0, y0, x1, y1), for the FontDescriptor. */
void ks_pdf_font_bbox(const ks_pdf_font *f, double bbox[4]);
/* The /W array (ISO 32000-2 §9.7.4.3) of the glyphs used so far, built in `a`; NULL when out of
 * memory. */
ks_pdf_obj *ks_pdf_font_widths(const ks_pdf_font *f, ks_arena *a);
/* The subset tag ("ABCDEF", 6 upper-case letters derived from the glyph set). */
void ks_pdf_font_tag(const ks_pdf_font *f, char tag[7]);
/* The PostScript name of the font ("LiberationSerif"). Borrowed from `f`. */
const char *ks_pdf_font_ps_name(const ks_pdf_font *f);

/* Adds the Type0 font (with its CIDFontType2, FontDescriptor, FontFile2 and ToUnicode streams,
 * Flate compressed) of the glyphs used so far to `u` and returns the Type0 font's reference.
 * Call after the last ks_pdf_font_show for the streams that use it. */
ks_status ks_pdf_font_embed(ks_pdf_font *f, ks_pdf_update *u, ks_pdf_ref *font, ks_error *err);

/* ---- images ---- */
#define KS_PDF_IMAGE_MAX_PIXELS (64u * 1024u * 1024u) /* width × height accepted */

typedef struct ks_pdf_image {
    uint32_t width, height; /* pixels */
    uint8_t *rgba;          /* 8-bit RGBA, row-major, no padding (sRGB) */
    bool has_alpha;         /* some pixel is not fully opaque */
    double ppm_x, ppm_y;    /* pixels per metre from pHYs; 0 when unknown */
    uint8_t sha256[32];     /* of width, height and rgba: identifies the image */
} ks_pdf_image;

/* Decodes a PNG of any colour type and bit depth (libpng) into 8-bit RGBA; reads pHYs when its
 * unit is the metre. `name` is used in messages. Errors: KS_E_FORMAT (not a PNG, damaged),
 * KS_E_LIMIT (more than KS_PDF_IMAGE_MAX_PIXELS), KS_E_NOMEM. Free with ks_pdf_image_free. */
ks_status ks_pdf_png_decode(const uint8_t *data, size_t len, const char *name, ks_pdf_image **out,
                            ks_error *err);
/* Same, reading `path` (at most 64 MB). */
ks_status ks_pdf_png_load(const char *path, ks_pdf_image **out, ks_error *err);
void ks_pdf_image_free(ks_pdf_image *img); /* NULL is a no-op */

/* Physical size in millimetres from pHYs; false when the PNG had none. */
bool ks_pdf_image_size_mm(const ks_pdf_image *img, double *w_mm, double *h_mm);

/* The Flate-compressed stream data of the image XObject: RGB samples and (when has_alpha) the
 * alpha samples for the /SMask, both with PNG predictors (/DecodeParms /Predictor 15). Malloc'd;
 * `alpha` is NULL without alpha. */
ks_status ks_pdf_image_encode(const ks_pdf_image *img, uint8_t **rgb, size_t *rgb_len,
                              uint8_t **alpha, size_t *alpha_len, ks_error *err);

/* ---- resources of one incremental update ---- */
/* Holds what has been added to one update so that each distinct image becomes one XObject. */
typedef struct ks_pdf_gen ks_pdf_gen;
ks_pdf_gen *ks_pdf_gen_new(ks_pdf_update *u); /* NULL when out of memory; `u` is borrowed */
void ks_pdf_gen_free(ks_pdf_gen *g);          /* NULL is a no-op */
ks_pdf_update *ks_pdf_gen_update(ks_pdf_gen *g);
/* Adds the image XObject (and its /SMask) unless the same pixels were added before; returns
 * its reference. */
ks_status ks_pdf_gen_image(ks_pdf_gen *g, const ks_pdf_image *img, ks_pdf_ref *ref, ks_error *err);

/* Compresses `len` bytes with zlib (level 9) into a malloc'd buffer. */
ks_status ks_pdf_gen_deflate(const uint8_t *data, size_t len, uint8_t **out, size_t *out_len,
                             ks_error *err);

/* ---- a table as a new document (table_doc.c), e.g. a register as printed on paper ---- */
typedef struct ks_pdf_table {
    const char *const *title;    /* lines centred above the table on page 1: the first two bold */
    size_t ntitle;               /* at most 8 */
    const char *const *headings; /* ncols column headings (bold), then a row "(1) (2) ..." */
    const double *widths;        /* relative column widths (NULL: equal) */
    size_t ncols;                /* 1 to 64 */
    const char *const *cells;    /* nrows * ncols, row-major, UTF-8; NULL cells are empty */
    size_t nrows;
    const char *page_word; /* "Trang": the foot reads "Trang 2/5" */
    bool landscape;        /* A4 landscape (else portrait) */
} ks_pdf_table;
/* Appends a new PDF of the table to `out`: headings repeated on every page, cells wrapped in
 * their columns, grid lines, page numbers; text in the default font (Liberation Serif, its bold
 * face when installed next to it). Errors: KS_E_USAGE, KS_E_FORMAT (a character the font lacks),
 * KS_E_IO (no font), KS_E_NOMEM. */
ks_status ks_pdf_table_render(const ks_pdf_table *t, ks_buf *out, ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
