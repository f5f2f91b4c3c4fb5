/* sign/numfields_internal.h — shared by numfields.c and numfields_fill.c. */
#ifndef KYSO_SIGN_NUMFIELDS_INTERNAL_H
#define KYSO_SIGN_NUMFIELDS_INTERNAL_H

#include "kyso/numfields.h"

/* Liberation Serif's descent (the extractor's box bottom is baseline + descent × size) and how
 * far under the baseline the widget reaches, in units of the font size. */
#define KS_NUMFIELD_DESCENT 0.216
#define KS_NUMFIELD_BELOW 0.3

typedef struct ks_numfield_found {
    bool found;
    ks_pdf_ref ref;
    ks_pdf_obj *dict; /* borrowed from the document */
} ks_numfield_found;

/* The two fields (index 0 number, 1 date) and the number of signed signature fields. */
ks_status ks_numfields_find(ks_pdf_doc *doc, ks_numfield_found out[2], size_t *signatures,
                            ks_error *err);
/* A text string object (literal ASCII, else UTF-16BE) in `a`; NULL when out of memory. */
ks_pdf_obj *ks_numfield_text(ks_arena *a, const char *utf8);
/* `in` + the finished update `u`, malloc'd. */
ks_status ks_numfield_append(const uint8_t *in, size_t len, ks_pdf_update *u, uint8_t **out,
                             size_t *out_len, ks_error *err);

#endif
