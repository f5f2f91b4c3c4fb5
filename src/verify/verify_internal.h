/* verify/verify_internal.h — private interfaces of the verifier: report building, the pure
 * byte-level ByteRange checks, and the steps of the pipeline that pipeline.c strings together.
 * Not a public API: only src/verify/ (and its unit tests) include it. */
#ifndef KYSO_VERIFY_INTERNAL_H
#define KYSO_VERIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/verify.h"

/* ---- report building (report.c) ---- */
/* Adds a message made from msgid `fmt` and its arguments (late translation). Returns false on no
 * memory. */
bool ks_vf_msg(ks_verify_msg **msgs, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool ks_vf_sig_msg(ks_verify_sig *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ks_vf_report_msg(ks_verify_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A signature message `fmt` (a msgid with one %s) around a library error, each language with
 * the error's own text in that language. */
bool ks_vf_sig_msg_err(ks_verify_sig *s, const char *fmt, const ks_error *e)
    __attribute__((format(printf, 2, 0)));
/* A document-level message that is a library error (or warning), in its own words. */
bool ks_vf_report_msg_err(ks_verify_report *r, const ks_error *e);
/* A signature message `fmt` (msgid: %s = the change's description, then %u object number, %u
 * generation, %u revision) about change `ch`. */
bool ks_vf_sig_msg_change(ks_verify_sig *s, const char *fmt, const ks_verify_change *ch);
/* Lowers the signature's indication to (ind, sub) unless it is already as bad or worse. */
void ks_vf_degrade(ks_verify_sig *s, ks_indication ind, ks_subindication sub);
/* Records a change after the signature (what = English msgid, formatted in both languages). */
bool ks_vf_change(ks_verify_sig *s, unsigned revision, uint32_t num, uint16_t gen, bool allowed,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
ks_verify_sig *ks_vf_add_sig(ks_verify_report *r);
/* Worst indication over all signatures into r->indication / r->subindication. */
void ks_vf_summarise(ks_verify_report *r);
char *ks_vf_strdup(const char *s);

/* ---- ByteRange sanity (byterange.c): pure functions over the file bytes ---- */
typedef enum ks_br_problem {
    KS_BR_OK = 0,
    KS_BR_MISSING,          /* no /ByteRange array or not 4 integers */
    KS_BR_NOT_ZERO_START,   /* first offset is not 0 */
    KS_BR_BAD_NUMBERS,      /* negative, overlapping or overflowing values */
    KS_BR_OUT_OF_BOUNDS,    /* the second range runs past the end of the file */
    KS_BR_CONTENTS_NOT_HEX, /* /Contents is not a hexadecimal string in the file */
    KS_BR_GAP_MISMATCH,     /* the gap is not exactly this dictionary's /Contents */
    KS_BR_GAP_BYTES,        /* the gap holds something other than "<hex digits>" */
} ks_br_problem;

typedef struct ks_br_result {
    ks_br_problem problem;
    ks_coverage coverage;
    size_t revision; /* 0-based revision whose end the signed range reaches (if not nonstandard) */
    uint64_t signed_end; /* br[2] + br[3] */
} ks_br_result;

/* Checks ByteRange `br` (nbr values) of a signature whose /Contents hex string occupies
 * [contents_start, contents_end) of `data` (both 0 when the dictionary is in an object stream),
 * against the file's revisions (their eof_end offsets, oldest first). */
ks_br_result ks_vf_check_byterange(const uint8_t *data, size_t len, const int64_t *br, size_t nbr,
                                   uint64_t contents_start, uint64_t contents_end,
                                   const uint64_t *eof_ends, size_t nrev);
/* The English msgid (with no arguments) describing a ByteRange problem. */
const char *ks_vf_br_problem_msgid(ks_br_problem p);

/* Length of the DER element at the start of `p` (tag + length + content), 0 if not a
 * definite-length DER element within `len`; indefinite length gives `len`. */
size_t ks_vf_der_len(const uint8_t *p, size_t len);

#endif
