/* kyso — content streams and text (module text/, above pdf/): a content-stream reader and the
 * text lines of a page with their boxes, for finding where a visible signature goes. */
#ifndef KYSO_TEXT_H
#define KYSO_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"
#include "kyso/pdf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Content-stream reader (ISO 32000-2 §7.8.2): yields one operator at a time with its operands
 * (numbers, names, strings, arrays and dictionaries as ks_pdf_obj; never references). Inline
 * images (BI ... ID data EI) come back as one operation "BI" whose single operand is the image
 * dictionary and whose `data`/`data_len` span the image bytes. Limits: at most
 * KS_PDF_CONTENT_MAX_OPERANDS operands per operator and KS_PDF_MAX_DEPTH nesting (KS_E_LIMIT). */
#define KS_PDF_CONTENT_MAX_OPERANDS 1024

typedef struct ks_pdf_content ks_pdf_content;

typedef struct ks_pdf_content_op {
    const char *op;        /* operator keyword, NUL-terminated */
    ks_pdf_obj **operands; /* operands in order */
    size_t count;          /* number of operands */
    size_t offset;         /* byte offset of the operator in the buffer */
    const uint8_t *data;   /* inline image data (op "BI"), else NULL */
    size_t data_len;
} ks_pdf_content_op;

/* Starts reading `len` bytes at `data` (borrowed; must outlive the reader). */
ks_status ks_pdf_content_new(const uint8_t *data, size_t len, ks_pdf_content **out, ks_error *err);
/* Reads the next operation into `op`; its operands stay valid until the next call. Sets `*done`
 * at the end of the stream (operands left without an operator are dropped). Errors:
 * KS_E_FORMAT (malformed token, unbalanced ']' or '>>', naming the byte offset), KS_E_LIMIT,
 * KS_E_NOMEM. After an error the reader stays at the error. */
ks_status ks_pdf_content_next(ks_pdf_content *c, ks_pdf_content_op *op, bool *done, ks_error *err);
void ks_pdf_content_free(ks_pdf_content *c); /* NULL is a no-op */

typedef struct ks_pdf_text_line {
    char *text;       /* UTF-8, NFC; words separated by single spaces */
    ks_pdf_rect box;  /* in default user space of the page (PDF coordinates, y up) */
    double font_size; /* effective size in points (after text and CTM scaling) */
    bool bold;        /* font name or flags suggest bold */
} ks_pdf_text_line;

typedef struct ks_pdf_text_page {
    ks_pdf_text_line *lines; /* top to bottom, then left to right */
    size_t count;
    ks_pdf_rect media, crop;
    int rotate;
} ks_pdf_text_page;

/* Extracts the text lines of page `index` (0-based): the page's content streams, the Form
 * XObjects they draw and the normal appearances of its visible annotations (ISO 32000-2 §9,
 * §12.5.5), grouped into words and lines as pdftotext does (boxes agree with
 * `pdftotext -bbox-layout` on Word and LibreOffice pages). A damaged content stream yields the
 * text shown before the damage. Errors: those of ks_pdf_page/ks_pdf_page_geometry, KS_E_LIMIT
 * (more than 2^24 operators, 2^28 content bytes or 2^21 glyphs on the page, forms included),
 * KS_E_NOMEM. Free the result with ks_pdf_text_page_free. */
ks_status ks_pdf_text_extract(ks_pdf_doc *doc, size_t index, ks_pdf_text_page **out, ks_error *err);
void ks_pdf_text_page_free(ks_pdf_text_page *p);

#ifdef __cplusplus
}
#endif
#endif
