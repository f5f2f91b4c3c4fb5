/* pki/crl.c — certificate revocation lists (RFC 5280 §5): the issuing CA's list of revoked
 * subscriber, OCSP and TSA certificates, and the root's (empty) list for the issuing CA. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

#define CRL_NEXT_UPDATE_SEC (7 * 24 * 3600)

static ks_status add_revoked(X509_CRL *crl, const char *serial_hex, int64_t at, int reason,
                             ks_error *err)
{
    BIGNUM *bn = NULL;
    ASN1_INTEGER *ai = NULL;
    ASN1_TIME *t = NULL;
    ASN1_ENUMERATED *rc = NULL;
    X509_REVOKED *r = X509_REVOKED_new();
    int ok = r && BN_hex2bn(&bn, serial_hex) && (ai = BN_to_ASN1_INTEGER(bn, NULL)) &&
             X509_REVOKED_set_serialNumber(r, ai) && (t = ASN1_TIME_set(NULL, (time_t)at)) &&
             X509_REVOKED_set_revocationDate(r, t);
    /* RFC 5280 §5.3.1: reasonCode unspecified SHOULD be absent. */
    if (ok && reason != 0)
        ok = (rc = ASN1_ENUMERATED_new()) && ASN1_ENUMERATED_set(rc, reason) &&
             X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, rc, 0, 0);
    if (ok)
        ok = X509_CRL_add0_revoked(crl, r);
    if (ok)
        r = NULL;
    X509_REVOKED_free(r);
    BN_free(bn);
    ASN1_INTEGER_free(ai);
    ASN1_TIME_free(t);
    ASN1_ENUMERATED_free(rc);
    return ok ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

ks_status ks_pki_build_crl(sqlite3 *db, X509 *issuer, EVP_PKEY *key, time_t now, uint8_t **der,
                           size_t *der_len, ks_error *err)
{
    *der = NULL;
    *der_len = 0;
    ks_status st = KS_OK;
    sqlite3_stmt *s = NULL;
    ASN1_TIME *t = NULL;
    ASN1_INTEGER *num = NULL;
    X509_CRL *crl = X509_CRL_new();
    int64_t number = 0;
    bool is_root = X509_check_issued(issuer, issuer) == X509_V_OK;
    if (!crl || !X509_CRL_set_version(crl, 1) ||
        !X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) ||
        !(t = ASN1_TIME_set(NULL, now)) || !X509_CRL_set1_lastUpdate(crl, t) ||
        !ASN1_TIME_set(t, now + CRL_NEXT_UPDATE_SEC) || !X509_CRL_set1_nextUpdate(crl, t)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (!is_root) {
        if (sqlite3_prepare_v2(db,
                               "SELECT serial, revoked_at, reason FROM certs WHERE revoked=1 "
                               "AND role NOT IN ('root', 'issuing-ca')",
                               -1, &s, NULL) != SQLITE_OK) {
            st = ks_error_set(err, KS_E_IO, N_("CA database error (%s): %s"), "crl",
                              sqlite3_errmsg(db));
            goto done;
        }
        while (sqlite3_step(s) == SQLITE_ROW)
            if ((st = add_revoked(crl, (const char *)sqlite3_column_text(s, 0),
                                  sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2), err)) !=
                KS_OK)
                goto done;
    }
    if ((st = ks_pki_next_crl_number(db, &number, err)) != KS_OK)
        goto done;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
    X509_EXTENSION *aki =
        X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
    int ok = aki && X509_CRL_add_ext(crl, aki, -1);
    X509_EXTENSION_free(aki);
    ok = ok && (num = ASN1_INTEGER_new()) && ASN1_INTEGER_set_int64(num, number) &&
         X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0);
    ok = ok && X509_CRL_sort(crl) && X509_CRL_sign(crl, key, ks_pki_sign_md(key));
    if (!ok) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("signing the CRL failed"));
        goto done;
    }
    unsigned char *p = NULL;
    int n = i2d_X509_CRL(crl, &p);
    if (n <= 0 || !(*der = malloc((size_t)n))) {
        OPENSSL_free(p);
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(*der, p, (size_t)n);
    *der_len = (size_t)n;
    OPENSSL_free(p);
done:
    sqlite3_finalize(s);
    ASN1_TIME_free(t);
    ASN1_INTEGER_free(num);
    X509_CRL_free(crl);
    ERR_clear_error();
    return st;
}

ks_status ks_ca_crl(ks_ca *ca, uint8_t **der, size_t *der_len, ks_error *err)
{
    ks_status st = ks_pki_build_crl(ca->db, ca->issuing, ca->issuing_key, ks_ctx_now(ca->ctx), der,
                                    der_len, err);
    if (st == KS_OK)
        st = ks_pki_audit(ca->db, "crl", NULL, NULL, err);
    return st;
}
