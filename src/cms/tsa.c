/* cms/tsa.c — an RFC 3161 client: asks a time-stamping authority for a token over a digest
 * (the signature value for B-T), and checks status, nonce and message imprint of the reply. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include "cms_internal.h"

#define TSA_MAX_REPLY (1u * 1024 * 1024)

static TS_REQ *make_request(ks_md md, const uint8_t *digest, size_t digest_len,
                            ASN1_INTEGER **nonce)
{
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    ASN1_INTEGER *n = NULL;
    BIGNUM *bn = BN_new();
    bool ok =
        req && mi && alg && bn && TS_REQ_set_version(req, 1) &&
        X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(ks_md_evp(md))), V_ASN1_UNDEF, NULL) &&
        TS_MSG_IMPRINT_set_algo(mi, alg) &&
        TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, (int)digest_len) &&
        TS_REQ_set_msg_imprint(req, mi) && BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
        (n = BN_to_ASN1_INTEGER(bn, NULL)) != NULL && TS_REQ_set_nonce(req, n) &&
        TS_REQ_set_cert_req(req, 1);
    BN_free(bn);
    X509_ALGOR_free(alg);
    TS_MSG_IMPRINT_free(mi);
    if (!ok) {
        TS_REQ_free(req);
        ASN1_INTEGER_free(n);
        return NULL;
    }
    *nonce = n;
    return req;
}

/* Checks the token's SignedData (messageDigest over the TSTInfo, signature with the TSA
 * certificate in the token); RFC 3161 §2.4.2. */
static ks_status check_token_signature(const char *url, const uint8_t *der, size_t len,
                                       ks_error *err)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    ASN1_OCTET_STRING **ec = cms ? CMS_get0_content(cms) : NULL;
    ks_cms_result r;
    memset(&r, 0, sizeof r);
    bool ok = false;
    if (ec && *ec) {
        ks_slice s = {(*ec)->data, (size_t)(*ec)->length};
        ok = ks_cms_check_signer(cms, &s, 1, &r) && r.digest_ok && r.signature_ok;
    }
    ks_status st = KS_OK;
    if (!ok)
        st = ks_error_set(err, KS_E_CRYPTO, N_("the token from the TSA at %s does not verify: %s"),
                          url, r.detail[0] ? r.detail : "no TSTInfo");
    ks_cms_result_free(&r);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return st;
}

ks_status ks_tsa_request(const ks_ctx *ctx, const char *url, ks_md md, const uint8_t *digest,
                         size_t digest_len, long timeout_ms, uint8_t **token, size_t *token_len,
                         ks_error *err)
{
    if (!url || !digest || !token || !token_len)
        return ks_error_set(err, KS_E_USAGE, N_("a timestamp needs a TSA URL and a digest"));
    if (digest_len != ks_md_len(md))
        return ks_error_set(err, KS_E_USAGE, N_("digest is %zu bytes, %s needs %zu"), digest_len,
                            ks_md_name(md), ks_md_len(md));
    *token = NULL;
    *token_len = 0;
    ks_status st = KS_OK;
    ASN1_INTEGER *nonce = NULL;
    unsigned char *qder = NULL, *tder = NULL;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    TS_RESP *resp = NULL;
    char why[160];
    TS_REQ *req = make_request(md, digest, digest_len, &nonce);
    int qlen = req ? i2d_TS_REQ(req, &qder) : -1;
    if (qlen <= 0) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("cannot build the timestamp request: %s"),
                          ks_ossl_reason(why, sizeof why));
        goto done;
    }
    st = ks_cms_fetch(ctx, url, "application/timestamp-query", qder, (size_t)qlen, timeout_ms,
                      TSA_MAX_REPLY, &reply, &reply_len, err);
    if (st)
        goto done;
    const unsigned char *p = reply;
    resp = d2i_TS_RESP(NULL, &p, (long)reply_len);
    if (!resp) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the TSA at %s sent no RFC 3161 response"), url);
        goto done;
    }
    /* RFC 3161 §2.4.2: granted (0) or grantedWithMods (1) */
    const ASN1_INTEGER *status = TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp));
    long sv = status ? ASN1_INTEGER_get(status) : -1;
    if (sv != 0 && sv != 1) {
        st = ks_error_set(err, KS_E_IO, N_("the TSA at %s refused the request (status %ld)"), url,
                          sv);
        goto done;
    }
    TS_TST_INFO *info = TS_RESP_get_tst_info(resp);
    PKCS7 *tok = TS_RESP_get_token(resp);
    if (!info || !tok) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the TSA at %s sent a response without a token"),
                          url);
        goto done;
    }
    const ASN1_INTEGER *rn = TS_TST_INFO_get_nonce(info);
    if (!rn || ASN1_INTEGER_cmp(rn, nonce) != 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the TSA at %s answered with a wrong nonce"), url);
        goto done;
    }
    TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
    ASN1_OCTET_STRING *h = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
    X509_ALGOR *alg = mi ? TS_MSG_IMPRINT_get_algo(mi) : NULL;
    if (!h || !alg || OBJ_obj2nid(alg->algorithm) != EVP_MD_get_type(ks_md_evp(md)) ||
        (size_t)h->length != digest_len || memcmp(h->data, digest, digest_len) != 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the token from the TSA at %s stamps different data"), url);
        goto done;
    }
    /* Keep the TSA's own bytes: re-encoding could change what its signature covers. */
    ks_der outer = {reply, reply_len}, body, tlv = {NULL, 0};
    uint8_t tag = 0;
    int tlen = -1;
    if (ks_der_next(&outer, &tag, &body, NULL) && tag == 0x30 &&
        ks_der_next(&body, NULL, NULL, NULL) && ks_der_next(&body, &tag, NULL, &tlv) &&
        tag == 0x30 && tlv.len < (size_t)INT32_MAX) {
        tder = OPENSSL_memdup(tlv.p, tlv.len);
        tlen = tder ? (int)tlv.len : -1;
    } else {
        tlen = i2d_PKCS7(tok, &tder);
    }
    if (tlen <= 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("cannot encode the token from the TSA at %s"), url);
        goto done;
    }
    /* A token whose own signature fails would make the B-T signature fail later: refuse now. */
    st = check_token_signature(url, tder, (size_t)tlen, err);
    if (st)
        goto done;
    *token = malloc((size_t)tlen);
    if (!*token) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(*token, tder, (size_t)tlen);
    *token_len = (size_t)tlen;
done:
    OPENSSL_free(qder);
    OPENSSL_free(tder);
    free(reply);
    TS_RESP_free(resp);
    TS_REQ_free(req);
    ASN1_INTEGER_free(nonce);
    ERR_clear_error();
    return st;
}
