/* cms/revocation.c — fetches revocation data for B-LT and for online validation: an OCSP
 * response (RFC 6960) from the certificate's AIA responder, or its CRL (RFC 5280) from the
 * first HTTP distribution point. Each answer is checked before it is handed back. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "cms_internal.h"

#define OCSP_MAX_REPLY (1u * 1024 * 1024)
#define CRL_MAX (64u * 1024 * 1024)

static char *first_ocsp_url(X509 *cert)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
    char *url = NULL;
    for (int i = 0; urls && i < sk_OPENSSL_STRING_num(urls) && !url; i++) {
        const char *u = sk_OPENSSL_STRING_value(urls, i);
        if (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0)
            url = strdup(u);
    }
    X509_email_free(urls);
    return url;
}

ks_status ks_ocsp_fetch(const ks_ctx *ctx, X509 *cert, X509 *issuer, const char *url,
                        long timeout_ms, uint8_t **der, size_t *der_len, ks_error *err)
{
    if (!cert || !issuer || !der || !der_len)
        return ks_error_set(err, KS_E_USAGE, N_("OCSP needs a certificate and its issuer"));
    *der = NULL;
    *der_len = 0;
    ks_status st = KS_OK;
    char *own_url = url ? NULL : first_ocsp_url(cert);
    OCSP_REQUEST *req = NULL;
    OCSP_CERTID *id = NULL;
    unsigned char *qder = NULL;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *basic = NULL;
    STACK_OF(X509) *certs = NULL;
    X509_STORE *store = NULL;
    char why[160];
    if (!url)
        url = own_url;
    if (!url) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the certificate names no OCSP responder"));
        goto done;
    }
    req = OCSP_REQUEST_new();
    id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    OCSP_CERTID *id_copy = id ? OCSP_CERTID_dup(id) : NULL;
    if (!req || !id_copy || !OCSP_request_add0_id(req, id_copy) ||
        !OCSP_request_add1_nonce(req, NULL, -1)) {
        OCSP_CERTID_free(id_copy);
        st = ks_error_set(err, KS_E_CRYPTO, N_("cannot build the OCSP request: %s"),
                          ks_ossl_reason(why, sizeof why));
        goto done;
    }
    int qlen = i2d_OCSP_REQUEST(req, &qder);
    if (qlen <= 0) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("cannot build the OCSP request: %s"),
                          ks_ossl_reason(why, sizeof why));
        goto done;
    }
    st = ks_cms_fetch(ctx, url, "application/ocsp-request", qder, (size_t)qlen, timeout_ms,
                      OCSP_MAX_REPLY, &reply, &reply_len, err);
    if (st)
        goto done;
    const unsigned char *p = reply;
    resp = d2i_OCSP_RESPONSE(NULL, &p, (long)reply_len);
    if (!resp) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the OCSP responder at %s sent no OCSP response"),
                          url);
        goto done;
    }
    int rs = OCSP_response_status(resp);
    if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        st = ks_error_set(err, KS_E_IO, N_("the OCSP responder at %s answered \"%s\""), url,
                          OCSP_response_status_str(rs));
        goto done;
    }
    basic = OCSP_response_get1_basic(resp);
    if (!basic) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the OCSP response from %s is not a basic response"),
                          url);
        goto done;
    }
    if (OCSP_check_nonce(req, basic) <= 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the OCSP responder at %s answered with a wrong nonce"), url);
        goto done;
    }
    /* RFC 6960 §4.2.2.2: signed by the issuer itself or by a responder it authorised */
    certs = sk_X509_new_null();
    store = X509_STORE_new();
    if (!certs || !store || !sk_X509_push(certs, issuer) || !X509_STORE_add_cert(store, issuer)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    if (OCSP_basic_verify(basic, certs, store, 0) <= 0) {
        st = ks_error_set(err, KS_E_CRYPTO,
                          N_("the OCSP response from %s is not signed by the issuer or its "
                             "responder: %s"),
                          url, ks_ossl_reason(why, sizeof why));
        goto done;
    }
    int status = 0, reason = 0;
    ASN1_GENERALIZEDTIME *thisupd = NULL, *nextupd = NULL;
    if (!OCSP_resp_find_status(basic, id, &status, &reason, NULL, &thisupd, &nextupd)) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the OCSP response from %s does not cover the certificate"), url);
        goto done;
    }
    if (!OCSP_check_validity(thisupd, nextupd, 300, -1)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the OCSP response from %s is out of date"), url);
        goto done;
    }
    *der = malloc(reply_len);
    if (!*der) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(*der, reply, reply_len);
    *der_len = reply_len;
done:
    free(own_url);
    free(reply);
    OPENSSL_free(qder);
    OCSP_REQUEST_free(req);
    OCSP_CERTID_free(id);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(basic);
    sk_X509_free(certs);
    X509_STORE_free(store);
    ERR_clear_error();
    return st;
}

static char *first_crl_url(X509 *cert)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    char *url = NULL;
    for (int i = 0; dps && i < sk_DIST_POINT_num(dps) && !url; i++) {
        DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0)
            continue;
        GENERAL_NAMES *names = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names) && !url; j++) {
            GENERAL_NAME *g = sk_GENERAL_NAME_value(names, j);
            if (g->type != GEN_URI)
                continue;
            const char *u = (const char *)ASN1_STRING_get0_data(g->d.uniformResourceIdentifier);
            int n = ASN1_STRING_length(g->d.uniformResourceIdentifier);
            if (n > 7 && (size_t)n == strlen(u) &&
                (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0))
                url = strdup(u);
        }
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    ERR_clear_error();
    return url;
}

ks_status ks_crl_fetch(const ks_ctx *ctx, X509 *cert, long timeout_ms, uint8_t **der,
                       size_t *der_len, ks_error *err)
{
    if (!cert || !der || !der_len)
        return ks_error_set(err, KS_E_USAGE, N_("a CRL fetch needs a certificate"));
    *der = NULL;
    *der_len = 0;
    char *url = first_crl_url(cert);
    if (!url)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("the certificate names no HTTP CRL distribution point"));
    uint8_t *body = NULL;
    size_t len = 0;
    ks_status st = ks_cms_fetch(ctx, url, NULL, NULL, 0, timeout_ms, CRL_MAX, &body, &len, err);
    if (st)
        goto done;
    const unsigned char *p = body;
    X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
    if (!crl || (size_t)(p - body) != len) {
        X509_CRL_free(crl);
        st = ks_error_set(err, KS_E_FORMAT, N_("%s did not send a DER CRL"), url);
        goto done;
    }
    X509_CRL_free(crl);
    *der = body;
    *der_len = len;
    body = NULL;
done:
    free(body);
    free(url);
    ERR_clear_error();
    return st;
}
