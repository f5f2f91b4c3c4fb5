/* text/font.h — private font model of the text extractor (ISO 32000-2 §9.5-9.10): how a font
 * cuts a shown string into character codes, each code's advance width and its Unicode text. */
#ifndef KYSO_PDF_FONT_H
#define KYSO_PDF_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmap.h"
#include "glyph.h"
#include "kyso/pdf.h"

#define KS_FONT_MAX_UNI 8 /* code points kept per character code */

typedef enum ks_font_kind {
    KS_FONT_SIMPLE = 0, /* Type1, MMType1, TrueType */
    KS_FONT_TYPE3,
    KS_FONT_TYPE0,
} ks_font_kind;

typedef struct ks_font_wrange {
    uint32_t lo, hi;
    double w; /* glyph space units (1/1000 em) */
} ks_font_wrange;

typedef struct ks_font {
    ks_font_kind kind;
    char name[96]; /* /BaseFont without the subset tag */
    bool bold;
    double ascent, descent; /* text space units per unit of font size (e.g. 0.891, -0.216) */
    double fm[6];           /* font matrix: glyph space → text space */
    /* simple and Type3 fonts */
    double widths[256]; /* glyph space */
    uint8_t nuni[256];
    uint32_t uni[256][KS_FONT_MAX_UNI];
    /* Type0 fonts */
    ks_cmap *encoding;
    bool vertical;
    bool code_is_unicode; /* UCS2/UTF16 predefined CMaps: the code is the text */
    ks_font_wrange *w;
    size_t nw;
    double dw;
    ks_cmap *to_unicode; /* Type0 only (simple fonts fold ToUnicode into uni[]) */
} ks_font;

/* One character code cut from a shown string. */
typedef struct ks_font_char {
    uint32_t code;
    size_t nbytes;
    double w0;       /* horizontal displacement in text space per unit font size */
    bool word_space; /* single-byte code 32: word spacing applies (§9.3.3) */
    uint32_t uni[KS_FONT_MAX_UNI];
    size_t nuni;
} ks_font_char;

/* Loads the font dictionary `fd` (resolved). Never fails on a merely odd font: unknown parts
 * fall back to defaults. Errors: KS_E_NOMEM, KS_E_LIMIT (from CMaps). Free with ks_font_free. */
ks_status ks_font_load(ks_pdf_doc *doc, ks_pdf_obj *fd, ks_font **out, ks_error *err);
void ks_font_free(ks_font *f);
/* Replaces f->uni/nuni by the built-in encoding of Type 1 font program `data` (FontFile)
 * when it has one; returns false (f unchanged) otherwise. Never reads past `len`. */
bool ks_font_type1_encoding(const uint8_t *data, size_t len, ks_font *f);
/* Width (1/1000 em) of Unicode `u` in standard-14 font `name` (subset tag removed) when the
 * font's family is known; false otherwise. */
bool ks_font_std14_width(const char *name, uint32_t u, double *w);
/* Reads the next character code of `s` (len > 0) into `c`; returns the bytes consumed (>= 1). */
size_t ks_font_next(const ks_font *f, const uint8_t *s, size_t len, ks_font_char *c);

#endif
