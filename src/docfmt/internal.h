/* docfmt/internal.h — shared by the format checker's files: the report builder, the column
 * geometry of a page and the small UTF-8 predicates the rules need. Private to src/docfmt/. */
#ifndef KYSO_DOCFMT_INTERNAL_H
#define KYSO_DOCFMT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "kyso/docfmt.h"

#define KS_MM(mm) ((mm)*72.0 / 25.4)

/* Appends a finding (English msgid + printf arguments, translated now). Returns false only when
 * out of memory; beyond KS_DOCFMT_MAX_FINDINGS it counts the finding in `dropped`. */
bool ks_docfmt_add(ks_docfmt_report *r, const char *rule, size_t page, ks_pdf_rect box,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The text area of a page as its lines show it: left and right text edges and the middle. */
typedef struct ks_docfmt_area {
    double left, right, mid;
} ks_docfmt_area;
void ks_docfmt_area_of(const ks_pdf_text_page *p, ks_docfmt_area *a);
bool ks_docfmt_is_left(const ks_docfmt_area *a, const ks_pdf_text_line *l);  /* left column */
bool ks_docfmt_is_right(const ks_docfmt_area *a, const ks_pdf_text_line *l); /* right column */

/* Letters present / lower-case letters present (Vietnamese aware; NFC input). */
bool ks_docfmt_has_letters(const char *s);
bool ks_docfmt_has_lower(const char *s);
/* A page-number line: digits only. */
bool ks_docfmt_is_digits(const char *s);
/* Does folded `line` start with / contain folded `what`? Dashes (– —) count as '-'. */
bool ks_docfmt_starts(const char *line, const char *what);
bool ks_docfmt_contains(const char *line, const char *what);

/* The rule groups, each adding its findings to `r`. */
bool ks_docfmt_check_geometry(ks_pdf_doc *doc, size_t index, size_t npages,
                              const ks_pdf_text_page *p, ks_docfmt_report *r);
ks_status ks_docfmt_check_fonts(ks_pdf_doc *doc, size_t npages, ks_pdf_text_page **pages,
                                ks_docfmt_report *r, ks_error *err);
bool ks_docfmt_check_parts(ks_pdf_text_page **pages, size_t npages, ks_docfmt_report *r);
/* The classification on a first page already extracted. */
ks_docfmt_class ks_docfmt_class_of(const ks_pdf_text_page *first, ks_pdf_rect *box);

#endif
