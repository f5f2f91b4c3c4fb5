/* verify/diff.h — private interfaces of the difference analysis (diff_roles.c, diff_equal.c,
 * diff_judge.c, diff.c). */
#ifndef KYSO_VERIFY_DIFF_H
#define KYSO_VERIFY_DIFF_H

#include "vctx.h"

typedef enum ks_vf_role {
    KS_ROLE_NONE = 0, /* not reachable in the signed revision (or not defined there) */
    KS_ROLE_CATALOG,
    KS_ROLE_PAGES_NODE,
    KS_ROLE_PAGE,
    KS_ROLE_CONTENT,
    KS_ROLE_RESOURCES,
    KS_ROLE_FONT,
    KS_ROLE_XOBJECT,
    KS_ROLE_ANNOTS_ARRAY,
    KS_ROLE_ANNOT,
    KS_ROLE_PAGE_OTHER,
    KS_ROLE_ACROFORM,
    KS_ROLE_FIELDS_ARRAY,
    KS_ROLE_FIELD,
    KS_ROLE_SIGFIELD_EMPTY,
    KS_ROLE_SIGFIELD,
    KS_ROLE_SIGVALUE,
    KS_ROLE_INFO,
    KS_ROLE_METADATA,
    KS_ROLE_DSS,
    KS_ROLE_SIGAPPEAR, /* appearance (and its resources) of a signature field's widget */
    KS_ROLE_OTHER,
    KS_ROLE_DANGLING, /* referenced by the signed revision but not defined in it */
} ks_vf_role;

typedef struct ks_vf_roles {
    uint32_t n;     /* entries (object numbers 0..n-1) */
    uint8_t *role;  /* ks_vf_role per object number */
    uint32_t *page; /* 1-based page for page-related roles, else 0 */
    uint32_t catalog;
} ks_vf_roles;

/* Builds the roles of revision view `d`, for object numbers below `n`. */
ks_status ks_vf_roles_build(ks_pdf_doc *d, uint32_t n, ks_vf_roles *r, ks_error *err);
void ks_vf_roles_free(ks_vf_roles *r);

/* Deep comparison of `a` (in document `da`) and `b` (in `db`); references compare by number
 * and generation (each referenced object is judged on its own). Streams compare by their
 * dictionaries and decoded data. */
bool ks_vf_equal(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b);

/* ---- one run of the difference analysis (diff.c drives, diff_judge.c judges) ---- */
typedef struct ks_vf_diff_run {
    ks_vctx *c;
    ks_verify_sig *s;
    ks_pdf_doc *dr; /* the signed revision */
    ks_pdf_doc *dk; /* the later revision being judged */
    ks_vf_roles rr; /* roles at signing */
    ks_vf_roles rk; /* roles in revision k */
    unsigned k1;    /* 1-based number of revision k */
    int p;          /* DocMDP P (0: approval signature) */
    size_t listed, disallowed, skipped;
    uint8_t *shown; /* objects already reported as "made visible" */
} ks_vf_diff_run;

/* diff.c: object `num` of view `d` whatever its generation (NULL when absent). */
ks_pdf_obj *ks_vf_get_any(ks_pdf_doc *d, uint32_t num, uint16_t *gen);
/* diff.c: records a change of revision x->k1 (msgid `fmt` takes the page number, 0 when none);
 * counts disallowed ones and caps the list. */
void ks_vf_note(ks_vf_diff_run *x, uint32_t num, uint16_t gen, bool allowed, const char *fmt,
                unsigned page);

/* diff_judge.c */
bool ks_vf_is_struct_stream(const ks_pdf_obj *o); /* xref or object stream */
/* Object `num`, with a role at signing, changed to `b` (NULL: freed) in revision x->k1. */
void ks_vf_judge_changed(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *a,
                         ks_pdf_obj *b);
/* Object `num` without a role at signing (`existed`: defined but unused) set in x->k1. */
void ks_vf_judge_new(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *b, bool existed);
/* Shadow attacks: objects unused at signing that revision x->k1 makes visible. */
void ks_vf_check_shown(ks_vf_diff_run *x, uint32_t n, size_t rev);
/* Trailer /Root and /Encrypt of revision x->k1 against the signed one. */
void ks_vf_judge_trailer(ks_vf_diff_run *x);

#endif
