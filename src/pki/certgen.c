/* pki/certgen.c — builds and signs X.509 v3 certificates for every role of the test PKI: root,
 * issuing CA, delegated OCSP responder, TSA, and subscriber profiles (requirements §6.2),
 * with policies under kyso's arc, CRL distribution point, AIA, SKI/AKI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

/* RFC 9336 id-kp-documentSigning. */
#define OID_KP_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

const EVP_MD *ks_pki_sign_md(EVP_PKEY *key)
{
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC && EVP_PKEY_get_bits(key) > 256)
        return EVP_sha384();
    return EVP_sha256();
}

time_t ks_pki_add_years(time_t t, int years)
{
    struct tm tm, got;
    gmtime_r(&t, &tm);
    int mon = tm.tm_mon;
    tm.tm_year += years;
    time_t r = timegm(&tm);
    /* 29 February plus a year would roll over to 1 March, a day beyond the limit of Decree 68
     * Art. 9: stay on the last day of February instead. */
    gmtime_r(&r, &got);
    if (got.tm_mon != mon)
        r -= (time_t)got.tm_mday * 86400;
    return r;
}

time_t ks_pki_asn1_time(const ASN1_TIME *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return timegm(&tm);
}

static ks_status add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, ks_error *err)
{
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (!e || !X509_add_ext(x, e, -1)) {
        X509_EXTENSION_free(e);
        ERR_clear_error();
        return ks_error_set(err, KS_E_CRYPTO, N_("cannot build certificate extension %s = %s"),
                            OBJ_nid2sn(nid), value);
    }
    X509_EXTENSION_free(e);
    return KS_OK;
}

static ks_status random_serial(X509 *x, ks_error *err)
{
    uint8_t b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return ks_error_set(err, KS_E_CRYPTO, N_("the random generator failed"));
    b[0] = (uint8_t)((b[0] & 0x7f) | 0x40); /* positive, always 16 bytes (RFC 5280 §4.1.2.2) */
    BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
    ASN1_INTEGER *ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    int ok = ai && X509_set_serialNumber(x, ai);
    ASN1_INTEGER_free(ai);
    BN_free(bn);
    return ok ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

static const char *subscriber_policy(ks_pki_profile p)
{
    switch (p) {
    case KS_PROFILE_ORGANIZATION:
        return KS_PKI_POLICY_ORGANIZATION;
    case KS_PROFILE_DEVICE:
        return KS_PKI_POLICY_DEVICE;
    default:
        return KS_PKI_POLICY_PERSONAL;
    }
}

/* Extensions per role. Signing EKUs: emailProtection is what NSS (pdfsig) and Adobe require of
 * a document signer when an EKU is present; documentSigning (RFC 9336) names the real purpose;
 * clientAuth lets the same token log in to government portals, as Ban Cơ yếu certificates do. */
static ks_status add_role_exts(const ks_cert_spec *sp, X509 *x, X509V3_CTX *ctx, ks_error *err)
{
    char buf[600];
    const char *url = sp->base_url ? sp->base_url : KS_PKI_DEFAULT_BASE_URL;
    ks_status st = KS_OK;
#define EXT(nid, val)                                                                              \
    do {                                                                                           \
        if ((st = add_ext(x, ctx, (nid), (val), err)) != KS_OK)                                    \
            return st;                                                                             \
    } while (0)
    switch (sp->kind) {
    case KS_KIND_ROOT:
        EXT(NID_basic_constraints, "critical,CA:TRUE");
        EXT(NID_key_usage, "critical,keyCertSign,cRLSign");
        EXT(NID_subject_key_identifier, "hash");
        return KS_OK;
    case KS_KIND_ISSUING:
        EXT(NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
        EXT(NID_key_usage, "critical,keyCertSign,cRLSign");
        EXT(NID_subject_key_identifier, "hash");
        EXT(NID_authority_key_identifier, "keyid:always");
        EXT(NID_certificate_policies, "2.5.29.32.0");
        snprintf(buf, sizeof buf, "URI:%s/root.crl", url);
        EXT(NID_crl_distribution_points, buf);
        snprintf(buf, sizeof buf, "caIssuers;URI:%s/root.cer", url);
        EXT(NID_info_access, buf);
        return KS_OK;
    default:
        break;
    }
    EXT(NID_basic_constraints, "critical,CA:FALSE");
    EXT(NID_subject_key_identifier, "hash");
    EXT(NID_authority_key_identifier, "keyid:always");
    switch (sp->kind) {
    case KS_KIND_OCSP:
        EXT(NID_key_usage, "critical,digitalSignature");
        EXT(NID_ext_key_usage, "OCSPSigning");
        EXT(NID_id_pkix_OCSP_noCheck, "ignored");
        EXT(NID_certificate_policies, KS_PKI_POLICY_CA);
        break;
    case KS_KIND_TSA:
        EXT(NID_key_usage, "critical,digitalSignature");
        EXT(NID_ext_key_usage, "critical,timeStamping"); /* RFC 3161 §2.3 */
        EXT(NID_certificate_policies, KS_PKI_POLICY_CA);
        break;
    default:
        if (sp->subj->profile == KS_PROFILE_DEVICE) {
            EXT(NID_key_usage, "critical,digitalSignature");
            EXT(NID_ext_key_usage, "clientAuth," OID_KP_DOCUMENT_SIGNING);
        } else {
            EXT(NID_key_usage, "critical,digitalSignature,nonRepudiation");
            EXT(NID_ext_key_usage, "emailProtection,clientAuth," OID_KP_DOCUMENT_SIGNING);
        }
        if (sp->subj->email && *sp->subj->email) {
            snprintf(buf, sizeof buf, "email:%s", sp->subj->email);
            EXT(NID_subject_alt_name, buf);
        }
        EXT(NID_certificate_policies, subscriber_policy(sp->subj->profile));
        break;
    }
    if (sp->kind != KS_KIND_OCSP) {
        snprintf(buf, sizeof buf, "URI:%s/crl", url);
        EXT(NID_crl_distribution_points, buf);
        snprintf(buf, sizeof buf, "OCSP;URI:%s/ocsp,caIssuers;URI:%s/issuing-ca.cer", url, url);
    } else {
        snprintf(buf, sizeof buf, "caIssuers;URI:%s/issuing-ca.cer", url);
    }
    EXT(NID_info_access, buf);
#undef EXT
    return KS_OK;
}

ks_status ks_pki_make_cert(const ks_cert_spec *sp, X509 **out, ks_error *err)
{
    *out = NULL;
    ks_status st = KS_OK;
    X509_NAME *subject = NULL;
    CONF *conf = NULL;
    X509 *x = X509_new();
    if (!x)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (sp->subj) {
        if ((st = ks_pki_subject_name(sp->subj, &subject, err)) != KS_OK)
            goto done;
    } else {
        subject = X509_NAME_dup(sp->ca_name);
    }
    if (!subject || !X509_set_version(x, 2) || !X509_set_subject_name(x, subject) ||
        !X509_set_issuer_name(x, sp->issuer ? X509_get_subject_name(sp->issuer) : subject) ||
        !X509_set_pubkey(x, sp->pub) || !ASN1_TIME_set(X509_getm_notBefore(x), sp->not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(x), sp->not_after)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = random_serial(x, err)) != KS_OK)
        goto done;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, sp->issuer ? sp->issuer : x, x, NULL, NULL, 0);
    /* certificatePolicies is parsed "raw" and insists on a config database, even empty. */
    conf = NCONF_new(NULL);
    if (!conf) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    X509V3_set_nconf(&ctx, conf);
    if ((st = add_role_exts(sp, x, &ctx, err)) != KS_OK)
        goto done;
    if (!X509_sign(x, sp->issuer_key, ks_pki_sign_md(sp->issuer_key))) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("signing the certificate failed"));
        goto done;
    }
    *out = x;
    x = NULL;
done:
    NCONF_free(conf);
    X509_NAME_free(subject);
    X509_free(x);
    ERR_clear_error();
    return st;
}

ks_status ks_pki_row_from_cert(X509 *cert, ks_cert_row *row, ks_error *err)
{
    ks_pki_serial_hex(X509_get0_serialNumber(cert), row->serial);
    row->not_before = (int64_t)ks_pki_asn1_time(X509_get0_notBefore(cert));
    row->not_after = (int64_t)ks_pki_asn1_time(X509_get0_notAfter(cert));
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    if (n <= 0)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    row->der = malloc((size_t)n);
    if (row->der)
        memcpy(row->der, der, (size_t)n);
    OPENSSL_free(der);
    if (!row->der)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    row->der_len = (size_t)n;
    return KS_OK;
}
