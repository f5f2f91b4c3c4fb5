/* verify/labels.c — the words a reader sees for each value of the report model (indication,
 * coverage, chain, revocation, signature type), as msgids shared by the text and HTML
 * renderers, plus the stable English tokens of the JSON contract. */
#include "labels.h"

const char *ks_vf_verdict_label(const ks_vf_lang *L, ks_indication ind)
{
    switch (ind) {
    case KS_IND_TOTAL_PASSED:
        return TR(N_("Signature is valid"));
    case KS_IND_TOTAL_FAILED:
        return TR(N_("Signature is NOT valid"));
    default:
        return TR(N_("Validity could not be established"));
    }
}

const char *ks_vf_doc_verdict_label(const ks_vf_lang *L, const ks_verify_report *r)
{
    if (r->nsigs == 0)
        return TR(N_("The document has no signature"));
    switch (r->indication) {
    case KS_IND_TOTAL_PASSED:
        return TR(N_("All signatures are valid"));
    case KS_IND_TOTAL_FAILED:
        return TR(N_("At least one signature is NOT valid"));
    default:
        return TR(N_("The validity of at least one signature could not be established"));
    }
}

const char *ks_vf_type_token(ks_sig_type t)
{
    switch (t) {
    case KS_SIGTYPE_DOC_TIMESTAMP:
        return "document-timestamp";
    case KS_SIGTYPE_USAGE_RIGHTS:
        return "usage-rights";
    default:
        return "signature";
    }
}

const char *ks_vf_type_label(const ks_vf_lang *L, ks_sig_type t)
{
    switch (t) {
    case KS_SIGTYPE_DOC_TIMESTAMP:
        return TR(N_("document timestamp"));
    case KS_SIGTYPE_USAGE_RIGHTS:
        return TR(N_("usage rights signature"));
    default:
        return TR(N_("signature"));
    }
}

const char *ks_vf_coverage_token(ks_coverage c)
{
    switch (c) {
    case KS_COVER_WHOLE_FILE:
        return "whole-file";
    case KS_COVER_EARLIER_REVISION:
        return "earlier-revision";
    default:
        return "nonstandard";
    }
}

const char *ks_vf_coverage_label(const ks_vf_lang *L, ks_coverage c)
{
    switch (c) {
    case KS_COVER_WHOLE_FILE:
        return TR(N_("the whole file"));
    case KS_COVER_EARLIER_REVISION:
        return TR(N_("an earlier revision of the file (later changes are listed below)"));
    default:
        return TR(N_("a nonstandard part of the file"));
    }
}

const char *ks_vf_chain_token(ks_chain_status c)
{
    switch (c) {
    case KS_CHAIN_TRUSTED:
        return "trusted";
    case KS_CHAIN_UNTRUSTED:
        return "untrusted";
    default:
        return "incomplete";
    }
}

const char *ks_vf_chain_label(const ks_vf_lang *L, ks_chain_status c)
{
    switch (c) {
    case KS_CHAIN_TRUSTED:
        return TR(N_("reaches a trusted root certificate"));
    case KS_CHAIN_UNTRUSTED:
        return TR(N_("ends at a root certificate that is not trusted"));
    default:
        return TR(N_("incomplete (an issuing certificate is missing)"));
    }
}

const char *ks_vf_rev_token(ks_rev_status r)
{
    switch (r) {
    case KS_REV_GOOD:
        return "good";
    case KS_REV_REVOKED:
        return "revoked";
    case KS_REV_UNKNOWN:
        return "unknown";
    default:
        return "not-checked";
    }
}

const char *ks_vf_rev_label(const ks_vf_lang *L, ks_rev_status r)
{
    switch (r) {
    case KS_REV_GOOD:
        return TR(N_("not revoked"));
    case KS_REV_REVOKED:
        return TR(N_("REVOKED"));
    case KS_REV_UNKNOWN:
        return TR(N_("status unknown"));
    default:
        return TR(N_("not checked"));
    }
}

const char *ks_vf_text(const ks_vf_lang *L, const ks_text *t, char *buf, size_t cap)
{
    return ks_text_str(L->ctx, L->lang, t, buf, cap);
}
