/* verify/certpath.c — the signer's certificate: who it names (name, title, organisation), a
 * path to a trust anchor built from the CMS and DSS certificates, validity of every link at
 * the signing time, and key usage (ETSI EN 319 102-1 §5.2.6 X.509 certificate validation). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include "vctx.h"

static char *name_entry(const X509_NAME *n, int nid)
{
    int i = X509_NAME_get_index_by_NID(n, nid, -1);
    if (i < 0)
        return NULL;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
    unsigned char *u = NULL;
    int len = ASN1_STRING_to_UTF8(&u, s);
    if (len < 0)
        return NULL;
    char *r = ks_utf8_nfc((const char *)u, (size_t)len);
    OPENSSL_free(u);
    return r;
}

static time_t asn1_time_t(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return timegm(&tm);
}

void ks_vf_fill_signer(ks_verify_sig *s, X509 *cert)
{
    if (!cert || s->signer.name)
        return;
    const X509_NAME *subj = X509_get_subject_name(cert);
    s->signer.name = name_entry(subj, NID_commonName);
    s->signer.title = name_entry(subj, NID_title);
    s->signer.organization = name_entry(subj, NID_organizationName);
    const X509_NAME *iss = X509_get_issuer_name(cert);
    s->signer.issuer = name_entry(iss, NID_commonName);
    if (!s->signer.issuer)
        s->signer.issuer = name_entry(iss, NID_organizationName);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
    if (bn) {
        char *hex = BN_bn2hex(bn);
        if (hex)
            s->signer.serial = ks_vf_strdup(hex);
        OPENSSL_free(hex);
        BN_free(bn);
    }
    s->signer.not_before = asn1_time_t(X509_get0_notBefore(cert));
    s->signer.not_after = asn1_time_t(X509_get0_notAfter(cert));
}

/* Candidate issuers with one subject name that path building considers: a DSS may hold
 * thousands of look-alike certificates, and the builder tries each for every link. */
#define KS_VF_MAX_SAME_SUBJECT 8
#define SUBJECT_SLOTS 8192

/* Pushes `x` unless KS_VF_MAX_SAME_SUBJECT certificates of its subject are in already. */
static void push_capped(STACK_OF(X509) * to, X509 *x, unsigned long *hash, unsigned char *count)
{
    unsigned long h = X509_subject_name_hash(x) | 1ul; /* 0 marks a free slot */
    size_t k = h % SUBJECT_SLOTS;
    for (size_t n = 0; n < SUBJECT_SLOTS; n++, k = (k + 1) % SUBJECT_SLOTS) {
        if (hash[k] == 0 || hash[k] == h) {
            hash[k] = h;
            if (count[k] >= KS_VF_MAX_SAME_SUBJECT)
                return;
            count[k]++;
            sk_X509_push(to, x);
            return;
        }
    }
}

/* Runs OpenSSL's path builder without time checks (time is judged below against the POE). */
static int build(ks_vctx *c, X509 *leaf, STACK_OF(X509) * extra, STACK_OF(X509) * *chain)
{
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    unsigned long *hash = calloc(SUBJECT_SLOTS, sizeof *hash);
    unsigned char *count = calloc(SUBJECT_SLOTS, 1);
    for (int i = 0; untrusted && hash && count && extra && i < sk_X509_num(extra); i++)
        push_capped(untrusted, sk_X509_value(extra, i), hash, count);
    for (int i = 0; untrusted && hash && count && c->dss_certs && i < sk_X509_num(c->dss_certs);
         i++)
        push_capped(untrusted, sk_X509_value(c->dss_certs, i), hash, count);
    free(hash);
    free(count);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int err = X509_V_ERR_UNSPECIFIED;
    if (ctx && X509_STORE_CTX_init(ctx, c->store, leaf, untrusted)) {
        X509_VERIFY_PARAM *p = X509_STORE_CTX_get0_param(ctx);
        X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
        err = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
        if (chain)
            *chain = X509_STORE_CTX_get1_chain(ctx);
    }
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return err;
}

bool ks_vf_path_trusted(ks_vctx *c, X509 *leaf, STACK_OF(X509) * extra)
{
    return leaf && build(c, leaf, extra, NULL) == X509_V_OK;
}

void ks_vf_path_free(ks_vf_path *p)
{
    if (p && p->chain) {
        sk_X509_pop_free(p->chain, X509_free);
        p->chain = NULL;
    }
}

void ks_vf_check_path(ks_vctx *c, ks_verify_sig *s, X509 *leaf, STACK_OF(X509) * extra, time_t when,
                      bool poe, ks_vf_path *out)
{
    memset(out, 0, sizeof *out);
    out->status = KS_CHAIN_INCOMPLETE;
    ks_vf_fill_signer(s, leaf);
    int e = build(c, leaf, extra, &out->chain);
    if (e == X509_V_OK) {
        out->status = KS_CHAIN_TRUSTED;
    } else if (e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
               e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
        out->status = KS_CHAIN_UNTRUSTED;
        ks_vf_sig_msg(s,
                      N_("No certification path to a trusted root certificate was found: the "
                         "path ends at the root \"%s\", which is not a trust anchor"),
                      out->chain && sk_X509_num(out->chain) > 0
                          ? X509_NAME_oneline(X509_get_subject_name(sk_X509_value(
                                                  out->chain, sk_X509_num(out->chain) - 1)),
                                              (char[256]){0}, 256)
                          : "?");
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_NO_CERTIFICATE_CHAIN_FOUND);
    } else if (e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
               e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
               e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) {
        out->status = KS_CHAIN_INCOMPLETE;
        ks_vf_sig_msg(s,
                      N_("No certification path to a trusted root certificate was found: the "
                         "issuer of a certificate in the path is missing (%s)"),
                      X509_verify_cert_error_string(e));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_NO_CERTIFICATE_CHAIN_FOUND);
    } else {
        out->status = KS_CHAIN_UNTRUSTED;
        ks_vf_sig_msg(s, N_("The certification path is not acceptable: %s"),
                      X509_verify_cert_error_string(e));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_CHAIN_CONSTRAINTS_FAILURE);
    }
    s->chain = out->status;

    /* Validity of each link at the signing time (ETSI EN 319 102-1 §5.2.6). */
    for (int i = 0; out->chain && when && i < sk_X509_num(out->chain); i++) {
        X509 *x = sk_X509_value(out->chain, i);
        time_t t = when;
        char nb[32], na[32], ts[32];
        ks_time_iso_vn(asn1_time_t(X509_get0_notBefore(x)), nb);
        ks_time_iso_vn(asn1_time_t(X509_get0_notAfter(x)), na);
        ks_time_iso_vn(when, ts);
        if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0) {
            ks_vf_sig_msg(s,
                          N_("The certificate \"%s\" was not yet valid at the signing time %s "
                             "(valid from %s)"),
                          X509_NAME_oneline(X509_get_subject_name(x), (char[256]){0}, 256), ts, nb);
            ks_vf_degrade(s, poe ? KS_IND_TOTAL_FAILED : KS_IND_INDETERMINATE,
                          poe ? KS_SUB_NOT_YET_VALID : KS_SUB_OUT_OF_BOUNDS_NO_POE);
        } else if (X509_cmp_time(X509_get0_notAfter(x), &t) < 0) {
            ks_vf_sig_msg(s,
                          N_("The certificate \"%s\" had expired at the signing time %s "
                             "(valid until %s)"),
                          X509_NAME_oneline(X509_get_subject_name(x), (char[256]){0}, 256), ts, na);
            ks_vf_degrade(s, poe ? KS_IND_TOTAL_FAILED : KS_IND_INDETERMINATE,
                          poe ? KS_SUB_EXPIRED : KS_SUB_OUT_OF_BOUNDS_NO_POE);
        }
    }
    /* Without a proof of existence, the signer's certificate must still be valid now. */
    if (leaf && !poe) {
        time_t now = c->now;
        if (X509_cmp_time(X509_get0_notAfter(leaf), &now) < 0) {
            char na[32];
            ks_time_iso_vn(asn1_time_t(X509_get0_notAfter(leaf)), na);
            ks_vf_sig_msg(s,
                          N_("The signer's certificate expired on %s and no timestamp proves "
                             "that the signature existed before then"),
                          na);
            ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_OUT_OF_BOUNDS_NO_POE);
        }
    }
    /* Key usage: digitalSignature or nonRepudiation (ETSI EN 319 412-2 §4.3.2). */
    if (leaf && (X509_get_extension_flags(leaf) & EXFLAG_KUSAGE) &&
        !(X509_get_key_usage(leaf) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        ks_vf_sig_msg(s, N_("The signer's certificate does not allow digital signatures (key "
                            "usage has neither digitalSignature nor nonRepudiation)"));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_SIG_CONSTRAINTS_FAILURE);
    }
}
