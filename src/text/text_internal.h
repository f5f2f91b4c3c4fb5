/* text/text_internal.h — private interface between the text extractor's steps: running a page's
 * content into positioned glyphs (text_run.c) and grouping glyphs into lines (text_lines.c). */
#ifndef KYSO_PDF_TEXT_INTERNAL_H
#define KYSO_PDF_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "kyso/text.h"

/* Limits against hostile content (KS_E_LIMIT or silently bounded, as documented). */
#define KS_TEXT_MAX_FORM_DEPTH 12     /* nested Form XObjects */
#define KS_TEXT_MAX_GSTACK 256        /* q nesting; deeper q/Q pairs are counted, not stored */
#define KS_TEXT_MAX_GLYPHS (1u << 21) /* glyphs per page */
#define KS_TEXT_MAX_OPS (1u << 24)    /* operators executed per page, forms included */
#define KS_TEXT_MAX_BYTES (1u << 28)  /* content bytes read per page, each form run included */
#define KS_TEXT_MAX_FONTS 4096        /* distinct fonts per page */
#define KS_TEXT_MAX_ANNOTS 10000      /* annotations drawn per page; more are ignored */

/* One shown glyph, in the page's default user space. The reading frame of rotation `rot`
 * (0: left to right, 1: bottom to top, 2: right to left upside down, 3: top to bottom) has `u`
 * along the baseline and `v` across it. */
typedef struct ks_tglyph {
    double u0, u1;   /* extent along the baseline (u0 <= u1) */
    double base;     /* v of the baseline */
    double size;     /* effective font size (pt) */
    ks_pdf_rect box; /* glyph box: advance × (descent..ascent) */
    int rot;
    bool bold;
    const ks_font *font; /* identity only: words of different fonts stay apart */
    bool space;          /* white space: separates words, not part of boxes */
    uint8_t nuni;
    uint32_t uni[KS_FONT_MAX_UNI];
    size_t seq; /* order of drawing */
} ks_tglyph;

typedef struct ks_tglyphs {
    ks_tglyph *v;
    size_t n, cap;
} ks_tglyphs;

/* Runs the content of `page` (its /Contents and the Form XObjects it draws) and appends the
 * glyphs it shows to `out`. Damaged content streams end early without an error (the glyphs
 * before the damage are kept; `*damaged` is set). Errors: KS_E_NOMEM, KS_E_LIMIT. */
ks_status ks_text_run_page(ks_pdf_doc *doc, ks_pdf_obj *page, const ks_pdf_rect *crop,
                           ks_tglyphs *out, bool *damaged, ks_error *err);

/* Groups glyphs into words and lines as pdftotext does (text_lines.c) and appends the lines
 * to `page` top to bottom. Errors: KS_E_NOMEM. */
ks_status ks_text_build_lines(ks_tglyphs *g, ks_pdf_text_page *page, ks_error *err);

#endif
