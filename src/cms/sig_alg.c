/* cms/sig_alg.c — signature algorithms of a SignerInfo that OpenSSL's CMS code does not verify
 * itself: plain-format ECDSA (BSI TR-03111 §5.2.1, r||s instead of DER, OIDs
 * 0.4.0.127.0.7.1.1.4.1.x) is turned into its DER equivalent, and EdDSA (RFC 8419: Ed25519 with
 * SHA-512, Ed448 with SHAKE256/512) is verified over the DER of the signed attributes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "cms_internal.h"

#define OID_ECDSA_PLAIN "0.4.0.127.0.7.1.1.4.1."

/* ecdsa-plain-<hash> arc number → the DER algorithm with the same hash */
static int plain_to_der_nid(long arc, int *md_nid)
{
    static const struct {
        long arc;
        int sig, md;
    } map[] = {
        {1, NID_ecdsa_with_SHA1, NID_sha1},          {2, NID_ecdsa_with_SHA224, NID_sha224},
        {3, NID_ecdsa_with_SHA256, NID_sha256},      {4, NID_ecdsa_with_SHA384, NID_sha384},
        {5, NID_ecdsa_with_SHA512, NID_sha512},      {8, NID_ecdsa_with_SHA3_224, NID_sha3_224},
        {9, NID_ecdsa_with_SHA3_256, NID_sha3_256},  {10, NID_ecdsa_with_SHA3_384, NID_sha3_384},
        {11, NID_ecdsa_with_SHA3_512, NID_sha3_512},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].arc == arc) {
            *md_nid = map[i].md;
            return map[i].sig;
        }
    return NID_undef;
}

int ks_cms_normalise_sig_alg(CMS_SignerInfo *si, X509 *signer, int digest_nid, char *why,
                             size_t why_len)
{
    X509_ALGOR *sig = NULL;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sig);
    if (!sig)
        return 0;
    char oid[64];
    if (OBJ_obj2txt(oid, sizeof oid, sig->algorithm, 1) <= 0 ||
        strncmp(oid, OID_ECDSA_PLAIN, strlen(OID_ECDSA_PLAIN)) != 0)
        return 0;
    int md_nid = NID_undef;
    int der_nid = plain_to_der_nid(strtol(oid + strlen(OID_ECDSA_PLAIN), NULL, 10), &md_nid);
    EVP_PKEY *pk = signer ? X509_get0_pubkey(signer) : NULL;
    ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
    if (der_nid == NID_undef || !pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC || !sv) {
        snprintf(why, why_len,
                 "plain ECDSA signature (%s) with an unknown hash or a key that "
                 "is not EC",
                 oid);
        return -1;
    }
    if (md_nid != digest_nid) {
        snprintf(why, why_len,
                 "the plain ECDSA algorithm (%s) names another hash than the "
                 "digest algorithm",
                 oid);
        return -1;
    }
    /* r and s, each as long as the group order (BSI TR-03111 §5.2.1) */
    size_t half = ((size_t)EVP_PKEY_get_bits(pk) + 7) / 8;
    if ((size_t)sv->length != 2 * half) {
        snprintf(why, why_len, "plain ECDSA signature of %d bytes, expected %zu", sv->length,
                 2 * half);
        return -1;
    }
    int ret = -1;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sv->data, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(sv->data + half, (int)half, NULL);
    unsigned char *der = NULL;
    int dlen;
    if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s))
        goto done;
    r = s = NULL; /* owned by es */
    dlen = i2d_ECDSA_SIG(es, &der);
    if (dlen <= 0 || !ASN1_OCTET_STRING_set(sv, der, dlen) ||
        !X509_ALGOR_set0(sig, OBJ_nid2obj(der_nid), V_ASN1_UNDEF, NULL))
        goto done;
    ret = 1;
done:
    if (ret < 0)
        snprintf(why, why_len, "cannot re-encode the plain ECDSA signature");
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    OPENSSL_free(der);
    ERR_clear_error();
    return ret;
}

/* DER SET OF order (X.690 §11.6): encodings compared as octet strings, the shorter one
 * padded with zeros. */
typedef struct enc {
    unsigned char *p;
    int len;
} enc;

static int enc_cmp(const void *a, const void *b)
{
    const enc *x = a, *y = b;
    int n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, (size_t)n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

bool ks_cms_is_eddsa(const X509 *signer)
{
    EVP_PKEY *pk = signer ? X509_get0_pubkey(signer) : NULL;
    int id = pk ? EVP_PKEY_get_base_id(pk) : 0;
    return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
}

bool ks_cms_verify_eddsa(CMS_SignerInfo *si, X509 *signer)
{
    int n = CMS_signed_get_attr_count(si);
    if (n <= 0 || n > 64)
        return false;
    enc e[64];
    memset(e, 0, sizeof e);
    size_t total = 0;
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        e[i].len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &e[i].p);
        ok = e[i].len > 0;
        if (ok)
            total += (size_t)e[i].len;
    }
    ks_buf set = KS_BUF_INIT, body = KS_BUF_INIT;
    if (ok) {
        qsort(e, (size_t)n, sizeof e[0], enc_cmp);
        for (int i = 0; i < n; i++)
            ks_buf_append(&body, e[i].p, (size_t)e[i].len);
        ok = !body.failed && body.len == total && ks_der_put(&set, 0x31, body.data, body.len);
    }
    /* PureEdDSA over the encoded attributes (RFC 8419 §3: no pre-hash in the signature) */
    ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
    EVP_MD_CTX *mctx = ok ? EVP_MD_CTX_new() : NULL;
    ok = mctx && sv &&
         EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, X509_get0_pubkey(signer), NULL) ==
             1 &&
         EVP_DigestVerify(mctx, sv->data, (size_t)sv->length, set.data, set.len) == 1;
    EVP_MD_CTX_free(mctx);
    for (int i = 0; i < n; i++)
        OPENSSL_free(e[i].p);
    ks_buf_free(&set);
    ks_buf_free(&body);
    ERR_clear_error();
    return ok;
}
