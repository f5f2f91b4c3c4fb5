/* cms/cms_verify.c — the cryptographic half of signature validation: parses a detached CMS
 * SignedData (DER or BER), checks messageDigest, the signature value, contentType, the ESS
 * signing-certificate binding and signingTime, and collects embedded revocation data and the
 * signature timestamp. Trust (path building, revocation status) is verify/'s job. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>

#include "cms_internal.h"

#define OID_ADBE_REVOCATION "1.2.840.113583.1.1.8"
#define MAX_REVOCATION_ITEMS 256

static void note(ks_cms_result *r, const char *fmt, const char *arg)
{
    if (r->detail[0] == '\0')
        snprintf(r->detail, sizeof r->detail, fmt, arg ? arg : "");
}

static void digest_name(int nid, char out[16])
{
    const char *n;
    switch (nid) {
    case NID_sha1:
        n = "SHA-1";
        break;
    case NID_sha224:
        n = "SHA-224";
        break;
    case NID_sha256:
        n = "SHA-256";
        break;
    case NID_sha384:
        n = "SHA-384";
        break;
    case NID_sha512:
        n = "SHA-512";
        break;
    case NID_sha3_256:
        n = "SHA3-256";
        break;
    case NID_sha3_384:
        n = "SHA3-384";
        break;
    case NID_sha3_512:
        n = "SHA3-512";
        break;
    default:
        n = nid == NID_undef ? "unknown" : OBJ_nid2sn(nid);
    }
    snprintf(out, 16, "%s", n);
}

/* The single value of a signed (or unsigned) attribute, or NULL when absent; `dup` is set when
 * the attribute occurs twice or has several values (both forbidden by RFC 5652 §11). */
static ASN1_TYPE *attr_value(X509_ATTRIBUTE *a, bool *dup)
{
    if (!a)
        return NULL;
    if (X509_ATTRIBUTE_count(a) != 1)
        *dup = true;
    return X509_ATTRIBUTE_get0_type(a, 0);
}

static ASN1_TYPE *signed_attr(CMS_SignerInfo *si, const ASN1_OBJECT *obj, bool *dup)
{
    int i = CMS_signed_get_attr_by_OBJ(si, obj, -1);
    if (i < 0)
        return NULL;
    if (CMS_signed_get_attr_by_OBJ(si, obj, i) >= 0)
        *dup = true;
    return attr_value(CMS_signed_get_attr(si, i), dup);
}

static bool time_from_asn1(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = timegm(&tm);
    return true;
}

/* RFC 5035 / RFC 2634 §5.4: the first ESSCertID(v2) must identify the signer certificate. */
static void check_ess(CMS_SignerInfo *si, ks_cms_result *r, bool *dup)
{
    ESS_SIGNING_CERT *v1 = NULL;
    ESS_SIGNING_CERT_V2 *v2 = NULL;
    STACK_OF(X509) *chain = NULL;
    ASN1_TYPE *t1 = signed_attr(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), dup);
    ASN1_TYPE *t2 = signed_attr(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), dup);
    if (!t1 && !t2)
        return;
    r->ess_cert_present = true;
    if ((t1 && t1->type != V_ASN1_SEQUENCE) || (t2 && t2->type != V_ASN1_SEQUENCE)) {
        note(r, "%smalformed signing-certificate attribute", NULL);
        return;
    }
    if (t1) {
        const unsigned char *p = t1->value.sequence->data;
        v1 = d2i_ESS_SIGNING_CERT(NULL, &p, t1->value.sequence->length);
    }
    if (t2) {
        const unsigned char *p = t2->value.sequence->data;
        v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, t2->value.sequence->length);
    }
    if ((t1 && !v1) || (t2 && !v2)) {
        note(r, "%smalformed signing-certificate attribute", NULL);
        goto done;
    }
    chain = sk_X509_new_null();
    if (!chain || !r->signer || !sk_X509_push(chain, r->signer))
        goto done;
    for (int i = 0; r->certs && i < sk_X509_num(r->certs); i++) {
        X509 *x = sk_X509_value(r->certs, i);
        if (x != r->signer && !sk_X509_push(chain, x))
            goto done;
    }
    r->ess_cert_ok = OSSL_ESS_check_signing_certs(v1, v2, chain, 1) > 0;
    if (!r->ess_cert_ok)
        note(r, "%sthe signing-certificate attribute does not match the signer certificate", NULL);
done:
    ERR_clear_error();
    sk_X509_free(chain);
    ESS_SIGNING_CERT_free(v1);
    ESS_SIGNING_CERT_V2_free(v2);
}

/* adbe-revocationInfoArchival (ISO 32000-1 §12.8.3.3.2): SEQUENCE { crl [0] EXPLICIT SEQUENCE
 * OF CertificateList, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, otherRevInfo [2] ... } */
static void collect_archival(CMS_SignerInfo *si, ks_cms_result *r, bool *dup)
{
    ASN1_OBJECT *obj = OBJ_txt2obj(OID_ADBE_REVOCATION, 1);
    ASN1_TYPE *t = obj ? signed_attr(si, obj, dup) : NULL;
    ASN1_OBJECT_free(obj);
    if (!t || t->type != V_ASN1_SEQUENCE)
        return;
    ks_der top = {t->value.sequence->data, (size_t)t->value.sequence->length}, seq, fields;
    uint8_t tag;
    if (!ks_der_next(&top, &tag, &fields, NULL) || tag != 0x30)
        return;
    int items = 0;
    while (fields.len && items < MAX_REVOCATION_ITEMS) {
        ks_der field;
        if (!ks_der_next(&fields, &tag, &field, NULL))
            break;
        uint8_t stag;
        if ((tag != 0xA0 && tag != 0xA1) || !ks_der_next(&field, &stag, &seq, NULL) || stag != 0x30)
            continue;
        while (seq.len && items < MAX_REVOCATION_ITEMS) {
            ks_der elem;
            if (!ks_der_next(&seq, NULL, NULL, &elem))
                break;
            items++;
            const unsigned char *p = elem.p;
            if (tag == 0xA0) {
                X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)elem.len);
                if (crl && (r->crls || (r->crls = sk_X509_CRL_new_null())) &&
                    sk_X509_CRL_push(r->crls, crl))
                    crl = NULL;
                X509_CRL_free(crl);
            } else {
                OCSP_RESPONSE *o = d2i_OCSP_RESPONSE(NULL, &p, (long)elem.len);
                if (o && (r->ocsps || (r->ocsps = sk_OCSP_RESPONSE_new_null())) &&
                    sk_OCSP_RESPONSE_push(r->ocsps, o))
                    o = NULL;
                OCSP_RESPONSE_free(o);
            }
        }
    }
    ERR_clear_error();
}

/* Digest through a BIO chain: what CMS_SignerInfo_verify_content expects when there are no
 * signed attributes and the signature covers the content itself. */
static void verify_without_attrs(CMS_SignerInfo *si, const EVP_MD *md, const ks_slice *content,
                                 size_t n, ks_cms_result *r)
{
    BIO *mdbio = BIO_new(BIO_f_md());
    BIO *sink = BIO_new(BIO_s_null());
    bool ok = mdbio && sink && BIO_set_md(mdbio, md) == 1;
    if (ok) {
        BIO_push(mdbio, sink);
        sink = NULL;
    }
    for (size_t i = 0; ok && i < n; i++) {
        const uint8_t *p = content[i].data;
        size_t left = content[i].len;
        while (ok && left) {
            int chunk = left > (1u << 30) ? 1 << 30 : (int)left;
            ok = BIO_write(mdbio, p, chunk) == chunk;
            p += chunk;
            left -= (size_t)chunk;
        }
    }
    r->signature_ok = ok && CMS_SignerInfo_verify_content(si, mdbio) == 1;
    r->digest_ok = r->signature_ok; /* one check covers both when nothing else is signed */
    r->content_type_ok = true;
    if (!r->signature_ok)
        note(r, "%ssignature value does not verify over the content", NULL);
    BIO_free_all(mdbio);
    BIO_free(sink);
    ERR_clear_error();
}

static bool check_signer(CMS_ContentInfo *cms, const ks_slice *content, size_t ncontent,
                         ks_prefix_hasher *hasher, ks_cms_result *r, bool want_timestamp)
{
    EVP_MD *md = NULL;
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    if (!sis || sk_CMS_SignerInfo_num(sis) != 1) {
        snprintf(r->detail, sizeof r->detail, "SignedData has %d signer infos, expected one",
                 sis ? sk_CMS_SignerInfo_num(sis) : 0);
        return false;
    }
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    r->certs = CMS_get1_certs(cms);
    r->crls = CMS_get1_crls(cms);
    ERR_clear_error();
    for (int i = 0; r->certs && i < sk_X509_num(r->certs); i++) {
        X509 *x = sk_X509_value(r->certs, i);
        if (CMS_SignerInfo_cert_cmp(si, x) == 0) {
            X509_up_ref(x);
            r->signer = x;
            break;
        }
    }
    X509_ALGOR *dig = NULL, *sig = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
    r->digest_nid = dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
    r->sig_nid = sig ? OBJ_obj2nid(sig->algorithm) : NID_undef;
    digest_name(r->digest_nid, r->digest_name);
    if (r->signer) {
        EVP_PKEY *pk = X509_get0_pubkey(r->signer);
        r->key_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
    }
    ERR_clear_error();

    bool dup = false;
    r->has_signed_attrs = CMS_signed_get_attr_count(si) > 0;
    if (r->has_signed_attrs) {
        collect_archival(si, r, &dup);
        ASN1_TYPE *st = signed_attr(si, OBJ_nid2obj(NID_pkcs9_signingTime), &dup);
        if (st) {
            r->has_signing_time = true;
            if ((st->type != V_ASN1_UTCTIME && st->type != V_ASN1_GENERALIZEDTIME) ||
                !time_from_asn1((ASN1_TIME *)st->value.ptr, &r->signing_time))
                note(r, "%smalformed signingTime attribute", NULL);
        }
    }
    if (r->digest_nid != NID_undef)
        md = EVP_MD_fetch(NULL, OBJ_nid2sn(r->digest_nid), NULL);
    if (!md) {
        note(r, "unsupported digest algorithm %s", r->digest_name);
        goto done;
    }
    if (!r->signer) {
        note(r, "%ssigner certificate not found in the SignedData", NULL);
        goto done;
    }
    CMS_SignerInfo_set1_signer_cert(si, r->signer);
    if (!X509_get0_pubkey(r->signer)) {
        note(r, "%scannot use the signer certificate's public key", NULL);
        goto done;
    }
    char why[160];
    int plain = ks_cms_normalise_sig_alg(si, r->signer, r->digest_nid, why, sizeof why);
    if (plain < 0) {
        note(r, "%s", why);
        goto done;
    }
    if (plain > 0) {
        X509_ALGOR *sa = NULL;
        CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sa);
        r->sig_nid = sa ? OBJ_obj2nid(sa->algorithm) : NID_undef;
    }
    bool eddsa = ks_cms_is_eddsa(r->signer);
    if (eddsa && !r->has_signed_attrs) {
        note(r, "%san EdDSA signature without signed attributes is not supported", NULL);
        goto done;
    }
    if (!r->has_signed_attrs) {
        verify_without_attrs(si, md, content, ncontent, r);
        goto done;
    }
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hlen = 0;
    if (!ks_hash_slices_prefix(hasher, md, content, ncontent, h, &hlen)) {
        note(r, "%scannot hash the content", NULL);
        goto done;
    }
    ASN1_TYPE *mdv = signed_attr(si, OBJ_nid2obj(NID_pkcs9_messageDigest), &dup);
    if (!mdv || mdv->type != V_ASN1_OCTET_STRING)
        note(r, "%smessageDigest attribute missing or malformed", NULL);
    else if ((size_t)mdv->value.octet_string->length != hlen ||
             memcmp(mdv->value.octet_string->data, h, hlen) != 0)
        note(r, "%smessageDigest does not match the content", NULL);
    else
        r->digest_ok = true;
    /* RFC 5652 §11.1: contentType equals the eContentType of the SignedData */
    ASN1_TYPE *ct = signed_attr(si, OBJ_nid2obj(NID_pkcs9_contentType), &dup);
    const ASN1_OBJECT *ect = CMS_get0_eContentType(cms);
    r->content_type_ok =
        ct && ct->type == V_ASN1_OBJECT && ect && OBJ_cmp(ct->value.object, ect) == 0;
    if (!r->content_type_ok)
        note(r, "%scontentType attribute missing or not the eContentType", NULL);
    r->signature_ok = eddsa ? ks_cms_verify_eddsa(si, r->signer) : CMS_SignerInfo_verify(si) == 1;
    if (!r->signature_ok)
        note(r, "%ssignature value does not verify over the signed attributes", NULL);
    ERR_clear_error();
    check_ess(si, r, &dup);
    if (dup) {
        /* RFC 5652 §11: one value each. An attribute given twice could mean two things to two
         * verifiers (which messageDigest counts?), so the signature is not accepted. */
        r->content_type_ok = false;
        r->signature_ok = false;
        snprintf(r->detail, sizeof r->detail,
                 "a signed attribute occurs more than once or has several values");
    }
done:
    if (want_timestamp) {
        int i = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
        X509_ATTRIBUTE *a = i >= 0 ? CMS_unsigned_get_attr(si, i) : NULL;
        ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
        ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
        if (t && t->type == V_ASN1_SEQUENCE && sv) {
            ks_slice s = {sv->data, (size_t)sv->length};
            if (ks_tst_verify(t->value.sequence->data, (size_t)t->value.sequence->length, &s, 1,
                              &r->sig_ts, NULL) != KS_OK)
                note(r, "%ssignature timestamp is malformed", NULL);
            else if (!r->sig_ts.imprint_ok || !r->sig_ts.signature_ok)
                note(r, "%ssignature timestamp does not verify", NULL);
        } else if (a) {
            r->sig_ts.present = true;
            note(r, "%ssignature timestamp is malformed", NULL);
        }
    }
    EVP_MD_free(md);
    ERR_clear_error();
    return true;
}

bool ks_cms_check_signer(CMS_ContentInfo *cms, const ks_slice *content, size_t ncontent,
                         ks_cms_result *r)
{
    return check_signer(cms, content, ncontent, NULL, r, false);
}

/* Parses `der` as a SignedData with one signer; KS_E_FORMAT (in `err`) when it is not. */
static ks_status parse_signed_data(const uint8_t *der, size_t len, CMS_ContentInfo **out,
                                   ks_error *err)
{
    *out = NULL;
    if (!der || len == 0)
        return ks_error_set(err, KS_E_FORMAT, N_("the signature is empty"));
    if (len > KS_CMS_MAX_DER)
        return ks_error_set(err, KS_E_LIMIT, N_("the signature is %zu bytes, more than %zu"), len,
                            (size_t)KS_CMS_MAX_DER);
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    if (!cms) {
        char why[160];
        return ks_error_set(err, KS_E_FORMAT, N_("the signature is not a CMS ContentInfo: %s"),
                            ks_ossl_reason(why, sizeof why));
    }
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        CMS_ContentInfo_free(cms);
        ERR_clear_error();
        return ks_error_set(err, KS_E_FORMAT, N_("the CMS ContentInfo is not a SignedData"));
    }
    *out = cms;
    return KS_OK;
}

ks_status ks_cms_verify_detached(const uint8_t *der, size_t len, const ks_slice *content,
                                 size_t ncontent, ks_cms_result *out, ks_error *err)
{
    return ks_cms_verify_detached_ex(der, len, content, ncontent, NULL, out, err);
}

ks_status ks_cms_verify_detached_ex(const uint8_t *der, size_t len, const ks_slice *content,
                                    size_t ncontent, ks_prefix_hasher *hasher, ks_cms_result *out,
                                    ks_error *err)
{
    if (!out)
        return ks_error_set(err, KS_E_USAGE, N_("no result to fill"));
    memset(out, 0, sizeof *out);
    CMS_ContentInfo *cms = NULL;
    ks_status st = parse_signed_data(der, len, &cms, err);
    if (st)
        return st;
    if (!check_signer(cms, content, ncontent, hasher, out, true)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("unusable SignedData: %s"), out->detail);
        goto done;
    }
    out->parsed = true;
    if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
        out->content_type_ok = false;
        note(out, "%seContentType is not id-data", NULL);
    }
    ASN1_OCTET_STRING **ec = CMS_get0_content(cms);
    if (ec && *ec)
        note(out, "%sthe SignedData is not detached: it carries content", NULL);
done:
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return st;
}

ks_status ks_cms_verify_sha1(const uint8_t *der, size_t len, const ks_slice *content,
                             size_t ncontent, ks_cms_result *out, ks_error *err)
{
    if (!out)
        return ks_error_set(err, KS_E_USAGE, N_("no result to fill"));
    memset(out, 0, sizeof *out);
    CMS_ContentInfo *cms = NULL;
    ks_status st = parse_signed_data(der, len, &cms, err);
    if (st)
        return st;
    ASN1_OCTET_STRING **ec = CMS_get0_content(cms);
    if (!ec || !*ec || OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("an adbe.pkcs7.sha1 signature must encapsulate the SHA-1 digest of "
                             "the signed bytes as id-data content"));
        goto done;
    }
    /* ISO 32000-1 §12.8.3.3: the signed content is the SHA-1 digest of the byte range */
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hlen = 0;
    bool range_ok = ks_hash_slices_evp(EVP_sha1(), content, ncontent, h, &hlen) &&
                    (size_t)(*ec)->length == hlen && memcmp((*ec)->data, h, hlen) == 0;
    ks_slice inner = {(*ec)->data, (size_t)(*ec)->length};
    if (!check_signer(cms, &inner, 1, NULL, out, true)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("unusable SignedData: %s"), out->detail);
        goto done;
    }
    out->parsed = true;
    if (!range_ok) {
        out->digest_ok = false;
        snprintf(out->detail, sizeof out->detail,
                 "the encapsulated SHA-1 digest does not match the signed bytes");
    }
    /* What the signature rests on is SHA-1, whatever digest signs the attributes: the policy
     * judges that (CRYPTO_CONSTRAINTS_FAILURE), after integrity. */
    out->digest_nid = NID_sha1;
    digest_name(NID_sha1, out->digest_name);
done:
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return st;
}

void ks_tst_info_free(ks_tst_info *t)
{
    if (!t)
        return;
    sk_X509_pop_free(t->certs, X509_free);
    free(t->der);
    memset(t, 0, sizeof *t);
}

void ks_cms_result_free(ks_cms_result *r)
{
    if (!r)
        return;
    X509_free(r->signer);
    sk_X509_pop_free(r->certs, X509_free);
    sk_X509_CRL_pop_free(r->crls, X509_CRL_free);
    sk_OCSP_RESPONSE_pop_free(r->ocsps, OCSP_RESPONSE_free);
    ks_tst_info_free(&r->sig_ts);
    memset(r, 0, sizeof *r);
}
