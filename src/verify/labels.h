/* verify/labels.h — reader-facing words (translated) and JSON tokens (stable) for the values of
 * the report model. Private to src/verify/. */
#ifndef KYSO_VERIFY_LABELS_H
#define KYSO_VERIFY_LABELS_H

#include "kyso/verify.h"

const char *ks_vf_verdict_label(ks_indication ind);
const char *ks_vf_doc_verdict_label(const ks_verify_report *r);
const char *ks_vf_type_token(ks_sig_type t);
const char *ks_vf_type_label(ks_sig_type t);
const char *ks_vf_coverage_token(ks_coverage c);
const char *ks_vf_coverage_label(ks_coverage c);
const char *ks_vf_chain_token(ks_chain_status c);
const char *ks_vf_chain_label(ks_chain_status c);
const char *ks_vf_rev_token(ks_rev_status r);
const char *ks_vf_rev_label(ks_rev_status r);

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
