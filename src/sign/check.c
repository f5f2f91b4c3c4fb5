/* sign/check.c — checks on the signer's certificate before signing (ND68 Đ31, ND23 Đ15):
 * validity period at the signing time, key usage, revocation via OCSP (AIA) or else the CRL.
 * Unreachable services give a warning through opts->warn; a revoked certificate is refused. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "sign_internal.h"

void ks_sign_warn(const ks_sign_opts *opts, ks_status st, const char *fmt, ...)
{
    if (!opts || !opts->warn)
        return;
    ks_error w;
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(&w, st, fmt, ap);
    va_end(ap);
    opts->warn(opts->warn_user, &w);
}

void ks_sign_subject(X509 *cert, char *out, size_t len)
{
    out[0] = 0;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
                       (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_COMMA_PLUS);
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    if (n > 0)
        snprintf(out, len, "%.*s", (int)n, p);
    BIO_free(b);
}

X509 *ks_sign_find_issuer(X509 *cert, STACK_OF(X509) * chain)
{
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        X509 *c = sk_X509_value(chain, i);
        if (c != cert && X509_check_issued(c, cert) == X509_V_OK)
            return c;
    }
    if (X509_check_issued(cert, cert) == X509_V_OK)
        return cert;
    return NULL;
}

static time_t asn1_time(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return timegm(&tm);
}

static ks_status check_dates(X509 *cert, time_t now, ks_error *err)
{
    char subj[512], from[32], to[32], at[32];
    time_t nb = asn1_time(X509_get0_notBefore(cert));
    time_t na = asn1_time(X509_get0_notAfter(cert));
    if (now >= nb && now <= na)
        return KS_OK;
    ks_sign_subject(cert, subj, sizeof subj);
    ks_time_iso_vn(nb, from);
    ks_time_iso_vn(na, to);
    ks_time_iso_vn(now, at);
    if (now < nb)
        return ks_error_set(
            err, KS_E_TRUST,
            N_("certificate \"%s\" is not yet valid: valid from %s to %s, now is %s"), subj, from,
            to, at);
    return ks_error_set(err, KS_E_TRUST,
                        N_("certificate \"%s\" has expired: valid from %s to %s, now is %s"), subj,
                        from, to, at);
}

/* OCSP status of `cert`: 1 good, 0 revoked (sets err), -1 unknown/unreachable. */
static int ocsp_status(X509 *cert, X509 *issuer, const ks_sign_opts *opts, ks_error *err)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
    int n = urls ? sk_OPENSSL_STRING_num(urls) : 0;
    X509_email_free(urls);
    if (n == 0)
        return -1;
    uint8_t *der = NULL;
    size_t len = 0;
    ks_error e;
    char subj[512];
    ks_sign_subject(cert, subj, sizeof subj);
    if (ks_ocsp_fetch(opts->ctx, cert, issuer, NULL, opts->timeout_ms, &der, &len, &e) != KS_OK) {
        ks_sign_warn(opts, e.status, N_("OCSP check of \"%s\" failed: %s"), subj, e.msg_en);
        return -1;
    }
    int result = -1;
    const unsigned char *p = der;
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
    OCSP_BASICRESP *basic = resp ? OCSP_response_get1_basic(resp) : NULL;
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    int status = -1, reason = 0;
    ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
    if (basic && id && OCSP_resp_find_status(basic, id, &status, &reason, &rev, &thisu, &nextu)) {
        if (status == V_OCSP_CERTSTATUS_GOOD) {
            result = 1;
        } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
            char when[32];
            ks_time_iso_vn(asn1_time(rev), when);
            ks_error_set(err, KS_E_TRUST, N_("certificate \"%s\" was revoked on %s (OCSP)"), subj,
                         when);
            result = 0;
        }
    }
    OCSP_CERTID_free(id);
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
    free(der);
    return result;
}

static int crl_status(X509 *cert, X509 *issuer, const ks_sign_opts *opts, ks_error *err)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    int n = dps ? sk_DIST_POINT_num(dps) : 0;
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    if (n == 0)
        return -1;
    char subj[512];
    ks_sign_subject(cert, subj, sizeof subj);
    uint8_t *der = NULL;
    size_t len = 0;
    ks_error e;
    if (ks_crl_fetch(opts->ctx, cert, opts->timeout_ms, &der, &len, &e) != KS_OK) {
        ks_sign_warn(opts, e.status, N_("CRL check of \"%s\" failed: %s"), subj, e.msg_en);
        return -1;
    }
    int result = -1;
    const unsigned char *p = der;
    X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
    EVP_PKEY *ik = X509_get0_pubkey(issuer);
    if (crl && ik && X509_CRL_verify(crl, ik) == 1) {
        X509_REVOKED *r = NULL;
        if (X509_CRL_get0_by_cert(crl, &r, cert) == 1 && r) {
            char when[32];
            ks_time_iso_vn(asn1_time(X509_REVOKED_get0_revocationDate(r)), when);
            ks_error_set(err, KS_E_TRUST, N_("certificate \"%s\" was revoked on %s (CRL)"), subj,
                         when);
            result = 0;
        } else {
            result = 1;
        }
    } else {
        ks_sign_warn(opts, KS_E_TRUST, N_("the CRL for \"%s\" could not be verified"), subj);
    }
    X509_CRL_free(crl);
    free(der);
    return result;
}

/* Revocation of one certificate: KS_E_TRUST when revoked, KS_OK otherwise (with a warning
 * when the status could not be learnt). */
static ks_status check_revocation(X509 *cert, STACK_OF(X509) * chain, const ks_sign_opts *opts,
                                  ks_error *err)
{
    char subj[512];
    ks_sign_subject(cert, subj, sizeof subj);
    X509 *issuer = ks_sign_find_issuer(cert, chain);
    if (!issuer) {
        ks_sign_warn(opts, KS_E_TRUST,
                     N_("revocation of \"%s\" not checked: its issuer certificate is not in the "
                        "chain"),
                     subj);
        return KS_OK;
    }
    if (issuer == cert)
        return KS_OK; /* a root: nothing revokes it but the trust list */
    int s = ocsp_status(cert, issuer, opts, err);
    if (s == 0)
        return KS_E_TRUST;
    if (s == 1)
        return KS_OK;
    s = crl_status(cert, issuer, opts, err);
    if (s == 0)
        return KS_E_TRUST;
    if (s < 0)
        ks_sign_warn(opts, KS_E_TRUST,
                     N_("revocation status of \"%s\" could not be checked (no reachable OCSP or "
                        "CRL service)"),
                     subj);
    return KS_OK;
}

ks_status ks_sign_check_signer(const ks_signer *signer, const ks_sign_opts *opts, time_t now,
                               ks_error *err)
{
    X509 *cert = signer->cert;
    if (!cert)
        return ks_error_set(err, KS_E_TRUST, N_("the signing key has no certificate"));
    ks_status st = check_dates(cert, now, err);
    if (st != KS_OK)
        return st;
    uint32_t ku = X509_get_key_usage(cert);
    bool has_ext = (X509_get_extension_flags(cert) & EXFLAG_KUSAGE) != 0;
    if (!has_ext || !(ku & KU_DIGITAL_SIGNATURE) || !(ku & KU_NON_REPUDIATION)) {
        char subj[512];
        ks_sign_subject(cert, subj, sizeof subj);
        return ks_error_set(err, KS_E_TRUST,
                            N_("certificate \"%s\" may not sign documents: its key usage lacks "
                               "%s"),
                            subj,
                            !has_ext                       ? "digitalSignature, nonRepudiation"
                            : !(ku & KU_DIGITAL_SIGNATURE) ? "digitalSignature"
                                                           : "nonRepudiation");
    }
    /* ND23 Đ15: the issuing CA must be valid too. */
    for (int i = 0; signer->chain && i < sk_X509_num(signer->chain); i++) {
        st = check_dates(sk_X509_value(signer->chain, i), now, err);
        if (st != KS_OK)
            return st;
    }
    if (opts->offline)
        return KS_OK;
    st = check_revocation(cert, signer->chain, opts, err);
    if (st != KS_OK)
        return st;
    X509 *issuer = ks_sign_find_issuer(cert, signer->chain);
    if (issuer && issuer != cert)
        st = check_revocation(issuer, signer->chain, opts, err);
    return st;
}
