/* kyso/docfmt.h — the format check of an official document against Decree 30/2020 Appendix I
 * (thể thức và kỹ thuật trình bày): page size, margins, fonts, and the presence and order of the
 * required parts (quốc hiệu and tiêu ngữ, agency name, "Số: …/…", place and date, document type,
 * recipients, signer block), plus the classification stamp of Decree 30 ô 10a. Everything is
 * found through the public text extractor of kyso/text.h: this module sits above text/ and pdf/
 * and below sign/ and verify/ in the layer diagram (docs/layers.md). */
#ifndef KYSO_DOCFMT_H
#define KYSO_DOCFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "kyso/error.h"
#include "kyso/pdf.h"
#include "kyso/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rule ids (contract of `kyso pdf check --json`). */
#define KS_DOCFMT_PAGE_SIZE "page-size"
#define KS_DOCFMT_MARGIN_TOP "margin-top"
#define KS_DOCFMT_MARGIN_BOTTOM "margin-bottom"
#define KS_DOCFMT_MARGIN_LEFT "margin-left"
#define KS_DOCFMT_MARGIN_RIGHT "margin-right"
#define KS_DOCFMT_FONT "font"
#define KS_DOCFMT_NATIONAL_TITLE "national-title"
#define KS_DOCFMT_AGENCY_NAME "agency-name"
#define KS_DOCFMT_NUMBER_SYMBOL "number-symbol"
#define KS_DOCFMT_PLACE_DATE "place-date"
#define KS_DOCFMT_DOC_TYPE "doc-type"
#define KS_DOCFMT_RECIPIENTS "recipients"
#define KS_DOCFMT_SIGNER_BLOCK "signer-block"
#define KS_DOCFMT_CLASSIFIED "classified"
#define KS_DOCFMT_TEXT "text" /* no text layer: nothing else can be checked */

/* At most this many findings are kept; the rest are counted in `dropped`. */
#define KS_DOCFMT_MAX_FINDINGS 256

typedef struct ks_docfmt_finding {
    const char *rule; /* one of the KS_DOCFMT_* ids (static) */
    size_t page;      /* 1-based */
    ks_pdf_rect box;  /* where, in points, PDF user space of that page (y up) */
    ks_error message; /* status KS_OK; msg_en in English, msg in the catalogue language */
} ks_docfmt_finding;

/* Classification levels (Decree 30 ô 10a; the Law on Protection of State Secrets). */
typedef enum ks_docfmt_class {
    KS_DOCFMT_CLASS_NONE = 0,
    KS_DOCFMT_CLASS_MAT,       /* MẬT */
    KS_DOCFMT_CLASS_TOI_MAT,   /* TỐI MẬT */
    KS_DOCFMT_CLASS_TUYET_MAT, /* TUYỆT MẬT */
} ks_docfmt_class;

typedef struct ks_docfmt_report {
    ks_docfmt_finding *items;
    size_t count;
    size_t dropped;                 /* findings beyond KS_DOCFMT_MAX_FINDINGS */
    ks_docfmt_class classification; /* also reported as a `classified` finding */
} ks_docfmt_report;

/* Checks `doc` against Decree 30/2020 Appendix I. A document that follows it gets no finding.
 * The report is malloc'd; free it with ks_docfmt_report_free. Errors: those of the text
 * extractor (KS_E_FORMAT, KS_E_LIMIT, KS_E_NOMEM); a finding is not an error. */
ks_status ks_docfmt_check(ks_pdf_doc *doc, ks_docfmt_report **out, ks_error *err);
void ks_docfmt_report_free(ks_docfmt_report *r); /* NULL is a no-op */

/* Looks for a classification stamp (MẬT, TỐI MẬT, TUYỆT MẬT, as a line of its own) on the first
 * page. `box` (may be NULL) receives where it is. The workflow refuses classified documents
 * (seed Đ4.1; requirements §7.1). */
ks_status ks_docfmt_classification(ks_pdf_doc *doc, ks_docfmt_class *level, ks_pdf_rect *box,
                                   ks_error *err);
/* "MẬT", "TỐI MẬT", "TUYỆT MẬT" or "" for KS_DOCFMT_CLASS_NONE. */
const char *ks_docfmt_class_name(ks_docfmt_class c);

/* Where the number line ("Số: …/…", top left) and the place-and-date line (under the tiêu ngữ,
 * top right) of page 1 stand, found as the format check finds them: `found` false when absent.
 * For writing the number and date into the document at issue (requirements §5.1). */
typedef struct ks_docfmt_line_at {
    bool found;
    char text[512];  /* UTF-8, NFC, single spaces (truncated at a character boundary) */
    ks_pdf_rect box; /* page 1 user space, glyph ascent to descent */
    double font_size;
    bool bold;
} ks_docfmt_line_at;
ks_status ks_docfmt_locate_number_date(ks_pdf_doc *doc, ks_docfmt_line_at *number,
                                       ks_docfmt_line_at *date, ks_error *err);

/* Pattern checks, usable alone (Appendix I II.3 and II.4):
 * the text after "Số:" — "05/QĐ-UBND", or "/QĐ-UBND" with the number left blank in a draft
 * (the system writes it at issue); `allow_blank` chooses whether the blank form is accepted. */
bool ks_docfmt_number_symbol_ok(const char *s, bool allow_blank);
/* "Hải Phòng, ngày 05 tháng 02 năm 2026": place, comma, day < 10 and month < 3 with a leading
 * zero, a real date; a draft may leave day and month blank when `allow_blank`. */
bool ks_docfmt_place_date_ok(const char *s, bool allow_blank);

#ifdef __cplusplus
}
#endif
#endif
