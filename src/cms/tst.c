/* cms/tst.c — RFC 3161 TimeStampTokens as the verifier meets them: a document timestamp
 * (/SubFilter /ETSI.RFC3161) or a signature-time-stamp attribute. Checks the message imprint
 * against the stamped data and the token's own SignedData signature. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "cms_internal.h"

/* RFC 3161 §2.3: exactly one extended key usage, id-kp-timeStamping, in a critical extension. */
static bool tsa_eku_ok(X509 *x)
{
    int i = X509_get_ext_by_NID(x, NID_ext_key_usage, -1);
    if (i < 0 || X509_get_ext_by_NID(x, NID_ext_key_usage, i) >= 0 ||
        !X509_EXTENSION_get_critical(X509_get_ext(x, i)))
        return false;
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    bool ok = eku && sk_ASN1_OBJECT_num(eku) == 1 &&
              OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, 0)) == NID_time_stamp;
    EXTENDED_KEY_USAGE_free(eku);
    ERR_clear_error();
    return ok;
}

ks_status ks_tst_verify(const uint8_t *der, size_t len, const ks_slice *content, size_t ncontent,
                        ks_tst_info *out, ks_error *err)
{
    return ks_tst_verify_ex(der, len, content, ncontent, NULL, out, err);
}

ks_status ks_tst_verify_ex(const uint8_t *der, size_t len, const ks_slice *content, size_t ncontent,
                           ks_prefix_hasher *hasher, ks_tst_info *out, ks_error *err)
{
    if (!out)
        return ks_error_set(err, KS_E_USAGE, N_("no result to fill"));
    memset(out, 0, sizeof *out);
    out->present = true;
    if (!der || len == 0)
        return ks_error_set(err, KS_E_FORMAT, N_("the timestamp token is empty"));
    if (len > KS_CMS_MAX_DER)
        return ks_error_set(err, KS_E_LIMIT, N_("the timestamp token is %zu bytes, more than %zu"),
                            len, (size_t)KS_CMS_MAX_DER);
    ks_status st = KS_OK;
    TS_TST_INFO *info = NULL;
    EVP_MD *md = NULL;
    ks_cms_result r;
    memset(&r, 0, sizeof r);
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
        OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the timestamp token is not a SignedData over a TSTInfo"));
        goto done;
    }
    ASN1_OCTET_STRING **ec = CMS_get0_content(cms);
    if (!ec || !*ec) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the timestamp token carries no TSTInfo"));
        goto done;
    }
    p = (*ec)->data;
    info = d2i_TS_TST_INFO(NULL, &p, (*ec)->length);
    if (!info) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the TSTInfo of the timestamp token is malformed"));
        goto done;
    }
    out->der = malloc(len);
    if (!out->der) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(out->der, der, len);
    out->der_len = len;
    struct tm tm;
    const ASN1_GENERALIZEDTIME *gt = TS_TST_INFO_get_time(info);
    if (gt && ASN1_TIME_to_tm(gt, &tm) == 1)
        out->gen_time = timegm(&tm);
    TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(info);
    X509_ALGOR *alg = mi ? TS_MSG_IMPRINT_get_algo(mi) : NULL;
    ASN1_OCTET_STRING *hashed = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
    int nid = alg ? OBJ_obj2nid(alg->algorithm) : NID_undef;
    snprintf(out->hash_name, sizeof out->hash_name, "%s",
             nid == NID_sha256   ? "SHA-256"
             : nid == NID_sha384 ? "SHA-384"
             : nid == NID_sha512 ? "SHA-512"
             : nid == NID_sha1   ? "SHA-1"
             : nid == NID_undef  ? "unknown"
                                 : OBJ_nid2sn(nid));
    if (nid != NID_undef)
        md = EVP_MD_fetch(NULL, OBJ_nid2sn(nid), NULL);
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hlen = 0;
    if (md && hashed && ks_hash_slices_prefix(hasher, md, content, ncontent, h, &hlen))
        out->imprint_ok = (size_t)hashed->length == hlen && memcmp(hashed->data, h, hlen) == 0;
    ks_slice econtent = {(*ec)->data, (size_t)(*ec)->length};
    if (ks_cms_check_signer(cms, &econtent, 1, &r)) {
        /* RFC 3161 §2.4.1 requires the ESS signing-certificate attribute */
        out->signature_ok = r.digest_ok && r.signature_ok && r.content_type_ok && r.ess_cert_ok;
        out->certs = r.certs;
        r.certs = NULL;
        out->tsa_cert = r.signer; /* still referenced by out->certs */
        out->tsa_eku_ok = r.signer && tsa_eku_ok(r.signer);
    }
done:
    X509_free(r.signer);
    r.signer = NULL;
    ks_cms_result_free(&r);
    EVP_MD_free(md);
    TS_TST_INFO_free(info);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return st;
}
