/* verify/labels.h — reader-facing words (translated) and JSON tokens (stable) for the values of
 * the report model. Private to src/verify/. */
#ifndef KYSO_VERIFY_LABELS_H
#define KYSO_VERIFY_LABELS_H

#include "kyso/ctx.h"
#include "kyso/verify.h"

/* The language a renderer writes in: translations come from the context, per call. */
typedef struct ks_vf_lang {
    const ks_ctx *ctx;
    const char *lang;
} ks_vf_lang;
/* Translates a msgid for the renderer's language (needs `L` in scope). */
#define TR(s) ks_ctx_tr(L->ctx, L->lang, (s))
/* Renders a message in the renderer's language into `buf` and returns it. */
const char *ks_vf_text(const ks_vf_lang *L, const ks_text *t, char *buf, size_t cap);

const char *ks_vf_verdict_label(const ks_vf_lang *L, ks_indication ind);
const char *ks_vf_doc_verdict_label(const ks_vf_lang *L, const ks_verify_report *r);
const char *ks_vf_type_token(ks_sig_type t);
const char *ks_vf_type_label(const ks_vf_lang *L, ks_sig_type t);
const char *ks_vf_coverage_token(ks_coverage c);
const char *ks_vf_coverage_label(const ks_vf_lang *L, ks_coverage c);
const char *ks_vf_chain_token(ks_chain_status c);
const char *ks_vf_chain_label(const ks_vf_lang *L, ks_chain_status c);
const char *ks_vf_rev_token(ks_rev_status r);
const char *ks_vf_rev_label(const ks_vf_lang *L, ks_rev_status r);

/* change_groups.c: the order in which text and HTML list s->changes. Group g is
 * s->changes[idx[start[g]]] .. s->changes[idx[start[g + 1] - 1]]; disallowed changes come first,
 * each alone; allowed changes of one revision and one kind share a group. */
typedef struct ks_vf_change_groups_t {
    size_t *idx;   /* nchanges entries */
    size_t *start; /* n + 1 entries */
    size_t n;
} ks_vf_change_groups_t;
bool ks_vf_change_groups(const ks_verify_sig *s, ks_vf_change_groups_t *g);
void ks_vf_change_groups_free(ks_vf_change_groups_t *g);

#endif
