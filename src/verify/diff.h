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
    KS_ROLE_NAMES,    /* the catalog's /Names dictionary */
    KS_ROLE_NAMES_AP, /* its /AP name tree (appearances of annotations, ISO 32000-2 §7.7.4) */
    KS_ROLE_STRUCT,   /* the structure tree (§14.7): elements, parent tree */
} ks_vf_role;

#define KS_VF_SHARED UINT32_MAX /* field_of: reached from the appearances of several fields */

/* A node of the form field tree (pdf/fields.c's walker) of one revision view. */
typedef struct ks_vf_fnode {
    uint32_t num;
    const char *name; /* fully qualified, in the view's arena */
    bool sig;
} ks_vf_fnode;

typedef struct ks_vf_roles {
    uint32_t n;     /* entries (object numbers 0..n-1) */
    uint8_t *role;  /* ks_vf_role per object number */
    uint32_t *page; /* 1-based page for page-related roles, else 0 */
    uint32_t catalog;
    /* The terminal field an object belongs to: the field itself, its widgets and everything
     * their appearances draw (0: none; KS_VF_SHARED: several fields'). */
    uint32_t *field_of;
    ks_vf_fnode *fields; /* sorted by object number */
    size_t nfields;
    uint32_t cur_owner; /* while marking appearances */
} ks_vf_roles;

/* The field node `num` of `r`, or NULL. */
const ks_vf_fnode *ks_vf_field(const ks_vf_roles *r, uint32_t num);

/* Builds the roles of revision view `d`, for object numbers below `n`. */
ks_status ks_vf_roles_build(ks_pdf_doc *d, uint32_t n, ks_vf_roles *r, ks_error *err);
void ks_vf_roles_free(ks_vf_roles *r);

/* Deep comparison of `a` (in document `da`) and `b` (in `db`); references compare by number
 * and generation (each referenced object is judged on its own). Streams compare by their
 * dictionaries and decoded data. */
bool ks_vf_equal(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b);
/* The same, but references to different objects compare by what they point at (an object
 * re-serialised with the same meaning is not a change); every object of `db` found equal that
 * `da` neither defines nor refers to (`roles`: KS_ROLE_NONE) is marked in `same` (below `n`).
 * Each followed reference costs one of *budget (shared by a revision's comparisons); without
 * budget references compare by number. Bounded work; false when exceeded. */
bool ks_vf_equal_deep(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                      uint8_t *same, const uint8_t *roles, uint32_t n, size_t *budget);

/* FieldMDP (ISO 32000-2 §12.8.2.4): which fields a signature locks. */
typedef struct ks_vf_lock {
    int action; /* 0: none, 1: All, 2: Include, 3: Exclude */
    char **names;
    size_t n;
} ks_vf_lock;

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
    uint8_t *shown;   /* objects already reported as "made visible" */
    uint8_t *same;    /* new objects found equal to what they replace (not changes) */
    uint8_t *removed; /* fields already reported as removed */
    ks_vf_lock lock;
} ks_vf_diff_run;

/* diff.c: records a change whose msgid takes one string. */
void ks_vf_note_s(ks_vf_diff_run *x, uint32_t num, uint16_t gen, bool allowed, const char *fmt,
                  const char *arg);
/* diff_judge.c: the dictionaries agree on every key except those in `skip` (NULL-ended); the
 * first differing key in *diffkey. */
bool ks_vf_dict_eq_except(ks_pdf_doc *da, const ks_pdf_obj *a, ks_pdf_doc *db, const ks_pdf_obj *b,
                          const char *const *skip, const char **diffkey);
/* diff_judge.c: form filling, annotations (by the signature's /DocMDP P) and FieldMDP locks */
bool ks_vf_fill_ok(const ks_vf_diff_run *x);
bool ks_vf_annots_ok(const ks_vf_diff_run *x);
bool ks_vf_locked(const ks_vf_diff_run *x, const char *fqn);
/* diff_struct.c: the structure tree (tagged PDF) after signing */
void ks_vf_judge_struct(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *a,
                        ks_pdf_obj *b);
void ks_vf_judge_struct_new(ks_vf_diff_run *x, uint32_t num, uint16_t gen, ks_pdf_obj *b);
/* diff_fields.c: fields of the signed revision missing from revision x->k1 */
void ks_vf_check_removed(ks_vf_diff_run *x);
/* diff_fields.c: into x->lock, the FieldMDP lock of signature dictionary `sd` (of the whole
 * document; object `sig_num`), else the /Lock of its field in the signed revision x->dr. */
void ks_vf_lock_read(ks_vf_diff_run *x, ks_pdf_obj *sd, uint32_t sig_num);
void ks_vf_lock_free(ks_vf_lock *lock);

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
