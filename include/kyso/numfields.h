/* kyso/numfields.h — the document number and date written at issue (requirements §5.1 ordering
 * note; Decree 30/2020 Appendix I II.3–II.4).
 *
 * The number ("Số: 15/QĐ-UBND") and the date ("Hải Phòng, ngày 06 tháng 12 năm 2026") are only
 * known when the clerk issues the document, after the competent person has signed it. So before
 * the personal signature kyso adds two read-only text fields over the draft's "Số:" line and
 * place-and-date line of page 1 (found by the format checker's locator), with an empty
 * appearance; the personal signature locks every field except these two (FieldMDP /Exclude,
 * ks_numfields_lock); at issue ks_numfields_fill gives them their values and appearances in an
 * incremental update (form filling, which an approval signature allows), and the
 * organisation's signature, which locks all fields (FieldMDP /All), covers the result: a later
 * change of either value breaks it. */
#ifndef KYSO_NUMFIELDS_H
#define KYSO_NUMFIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"
#include "kyso/pdf.h"
#include "kyso/sign.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KS_NUMFIELD_NUMBER "kyso_so" /* over "Số: …/…" */
#define KS_NUMFIELD_DATE "kyso_ngay" /* over the place-and-date line */
extern const char *const ks_numfield_names[2];

/* Does `doc` already have both fields? */
ks_status ks_numfields_present(ks_pdf_doc *doc, bool *present, ks_error *err);

/* `in` followed by a revision adding the two fields on page 1 (`*out` malloc'd). KS_E_FORMAT
 * naming the part when page 1 has no "Số:" line or no place-and-date line; KS_E_STATE when the
 * fields are there already or the document is signed or encrypted (they must come before the
 * first signature). `name` is what messages call the document. */
ks_status ks_numfields_add(const uint8_t *in, size_t len, const char *name, uint8_t **out,
                           size_t *out_len, ks_error *err);

/* Sets the FieldMDP lock of a personal signature in `o`: every field but the two. */
void ks_numfields_lock(ks_sign_opts *o);

/* "Hải Phòng, ngày 06 tháng 12 năm 2026" (Appendix I II.4: days below 10 and months 1 and 2
 * with a leading zero) into `out`. False when the date is not a real one or `out` is short. */
bool ks_numfields_date_line(const char *place, int year, int month, int day, char *out, size_t len);

/* `in` followed by a revision that fills the fields: "Số: <number_symbol>" (e.g. "15/QĐ-UBND",
 * checked against the Appendix I pattern) and the date line with the place of the draft's line,
 * each as /V and as an appearance in Liberation Serif (Times New Roman metrics; italic for the
 * date) at the size of the draft's line, over a white ground that hides the blank draft line.
 * KS_E_STATE when the fields are missing or already filled; KS_E_USAGE for a bad number or date;
 * KS_E_FORMAT when the font lacks a letter. */
ks_status ks_numfields_fill(const uint8_t *in, size_t len, const char *name,
                            const char *number_symbol, int year, int month, int day, uint8_t **out,
                            size_t *out_len, ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
