/* cms/cms_sign.c — builds a detached CMS SignedData (RFC 5652) with CAdES signed attributes
 * (ETSI EN 319 122-1 §5.2, as EN 319 142-1 §5.1 profiles it for PAdES) around a signature made
 * through ks_signer, so that file keys, tokens and remote agents produce the same bytes. */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "cms_internal.h"

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_CONTENT_TYPE "1.2.840.113549.1.9.3"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_TIME "1.2.840.113549.1.9.5"
#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"
#define OID_SIG_TIMESTAMP "1.2.840.113549.1.9.16.2.14"
#define OID_RSA_PSS "1.2.840.113549.1.1.10"
#define OID_MGF1 "1.2.840.113549.1.1.8"

#define TSA_ALLOWANCE 8192 /* a token with its TSA certificate */
#define MAX_CHAIN 32       /* certificates embedded besides the signer's */

/* Appends `tag` + the bytes of `content`. */
static bool wrap(ks_buf *out, uint8_t tag, const ks_buf *content)
{
    return !content->failed && ks_der_put(out, tag, content->data, content->len);
}

/* Appends DER of `x`'s i2d into `out` (raw, no wrapping). */
static bool put_i2d_cert(ks_buf *out, X509 *x)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    bool ok = n > 0 && ks_buf_append(out, p, (size_t)n);
    OPENSSL_free(p);
    return ok;
}

static bool put_issuer_serial_parts(ks_buf *issuer, ks_buf *serial, X509 *cert)
{
    unsigned char *p = NULL;
    int n = i2d_X509_NAME(X509_get_issuer_name(cert), &p);
    bool ok = n > 0 && ks_buf_append(issuer, p, (size_t)n);
    OPENSSL_free(p);
    p = NULL;
    n = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &p);
    ok = ok && n > 0 && ks_buf_append(serial, p, (size_t)n);
    OPENSSL_free(p);
    return ok;
}

/* Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue } (one value). */
static bool put_attr(ks_buf *out, const char *oid, const uint8_t *value, size_t len)
{
    ks_buf a = KS_BUF_INIT, set = KS_BUF_INIT;
    bool ok = ks_buf_append(&set, value, len) && ks_der_put_oid(&a, oid) && wrap(&a, 0x31, &set) &&
              wrap(out, 0x30, &a);
    ks_buf_free(&a);
    ks_buf_free(&set);
    return ok;
}

/* X.690 §11.6: SET OF components in ascending order of their encodings. */
typedef struct der_item {
    const uint8_t *p;
    size_t len;
} der_item;

static int cmp_items(const void *a, const void *b)
{
    const der_item *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Appends the items in DER order. */
static bool put_sorted(ks_buf *out, der_item *items, size_t n)
{
    qsort(items, n, sizeof *items, cmp_items);
    for (size_t i = 0; i < n; i++)
        if (!ks_buf_append(out, items[i].p, items[i].len))
            return false;
    return true;
}

/* SigningCertificateV2 (RFC 5035 §3): one ESSCertIDv2 with a SHA-256 hash (the DEFAULT, so the
 * hashAlgorithm is omitted) and issuerSerial. */
static bool put_signing_cert_v2(ks_buf *out, X509 *cert)
{
    ks_buf cert_der = KS_BUF_INIT, issuer = KS_BUF_INIT, serial = KS_BUF_INIT;
    ks_buf dirname = KS_BUF_INIT, gnames = KS_BUF_INIT, is = KS_BUF_INIT, id = KS_BUF_INIT;
    ks_buf ids = KS_BUF_INIT, sc = KS_BUF_INIT;
    uint8_t hash[EVP_MAX_MD_SIZE];
    unsigned hlen = 0;
    bool ok = put_i2d_cert(&cert_der, cert) &&
              EVP_Digest(cert_der.data, cert_der.len, hash, &hlen, EVP_sha256(), NULL) == 1 &&
              put_issuer_serial_parts(&issuer, &serial, cert) && wrap(&dirname, 0xA4, &issuer) &&
              wrap(&gnames, 0x30, &dirname) && ks_buf_append(&is, gnames.data, gnames.len) &&
              ks_buf_append(&is, serial.data, serial.len) && ks_der_put(&id, 0x04, hash, hlen);
    ks_buf isq = KS_BUF_INIT;
    ok = ok && wrap(&isq, 0x30, &is) && ks_buf_append(&id, isq.data, isq.len) &&
         wrap(&ids, 0x30, &id) && wrap(&sc, 0x30, &ids) && wrap(out, 0x30, &sc);
    ks_buf_free(&isq);
    ks_buf bufs[] = {cert_der, issuer, serial, dirname, gnames, is, id, ids, sc};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        ks_buf_free(&bufs[i]);
    return ok;
}

/* The SignerInfo's signatureAlgorithm (RFC 4055 for RSA, RFC 5758 for ECDSA). */
static bool put_sig_alg(ks_buf *out, ks_sig_scheme scheme, ks_md md)
{
    static const char *rsa[] = {"1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
                                "1.2.840.113549.1.1.13"};
    static const char *ec[] = {"1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"};
    ks_buf alg = KS_BUF_INIT;
    bool ok;
    if (scheme == KS_SIG_RSA_PKCS1) {
        ok = ks_der_put_oid(&alg, rsa[md]) && ks_der_put(&alg, 0x05, NULL, 0);
    } else if (scheme == KS_SIG_ECDSA) {
        ok = ks_der_put_oid(&alg, ec[md]);
    } else {
        ks_buf h = KS_BUF_INIT, h0 = KS_BUF_INIT, mgf = KS_BUF_INIT, mgfs = KS_BUF_INIT;
        ks_buf m1 = KS_BUF_INIT, salt = KS_BUF_INIT, s2 = KS_BUF_INIT, params = KS_BUF_INIT;
        ok = ks_der_put_digest_alg(&h, md) && wrap(&h0, 0xA0, &h) &&
             ks_der_put_oid(&mgf, OID_MGF1) && ks_buf_append(&mgf, h.data, h.len) &&
             wrap(&mgfs, 0x30, &mgf) && wrap(&m1, 0xA1, &mgfs) &&
             ks_der_put_small_int(&salt, (unsigned)ks_md_len(md)) && wrap(&s2, 0xA2, &salt) &&
             ks_buf_append(&params, h0.data, h0.len) && ks_buf_append(&params, m1.data, m1.len) &&
             ks_buf_append(&params, s2.data, s2.len) && ks_der_put_oid(&alg, OID_RSA_PSS) &&
             wrap(&alg, 0x30, &params);
        ks_buf bufs[] = {h, h0, mgf, mgfs, m1, salt, s2, params};
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
            ks_buf_free(&bufs[i]);
    }
    ok = ok && wrap(out, 0x30, &alg);
    ks_buf_free(&alg);
    return ok;
}

static size_t cert_der_len(X509 *x)
{
    int n = i2d_X509(x, NULL);
    return n > 0 ? (size_t)n : 0;
}

size_t ks_cms_estimate_size(const ks_signer *signer, const ks_cms_sign_opts *opts)
{
    if (!signer || !signer->cert)
        return 0;
    size_t certs = cert_der_len(signer->cert);
    for (int i = 0; signer->chain && i < sk_X509_num(signer->chain); i++)
        certs += cert_der_len(sk_X509_value(signer->chain, i)) + 8;
    int nlen = i2d_X509_NAME(X509_get_issuer_name(signer->cert), NULL);
    size_t name = nlen > 0 ? (size_t)nlen : 512;
    size_t sig = signer->max_sig_len ? signer->max_sig_len : 1024;
    /* attributes: contentType 24, signingTime 30, messageDigest 80, signing-certificate-v2
     * ~70 + issuer name + serial; SignerInfo and SignedData headers, algorithms ~ 200 */
    size_t attrs = 2 * name + 512;
    size_t total = certs + sig + attrs + 512;
    if (opts && opts->tsa_url)
        total += TSA_ALLOWANCE;
    return total;
}

/* Verifies what the signer returned with the public key of its certificate, so that a token
 * holding another key, or a remote signer that misbehaves, fails here and not at the receiver. */
static ks_status check_own_signature(X509 *cert, ks_sig_scheme scheme, ks_md md, const uint8_t *h,
                                     size_t hlen, const uint8_t *sig, size_t sig_len, ks_error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    EVP_PKEY_CTX *ctx = pub ? EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL) : NULL;
    bool ok = ctx && EVP_PKEY_verify_init(ctx) > 0 &&
              EVP_PKEY_CTX_set_signature_md(ctx, ks_md_evp(md)) > 0;
    if (ok && scheme != KS_SIG_ECDSA)
        ok = EVP_PKEY_CTX_set_rsa_padding(ctx, scheme == KS_SIG_RSA_PSS ? RSA_PKCS1_PSS_PADDING
                                                                        : RSA_PKCS1_PADDING) > 0;
    if (ok && scheme == KS_SIG_RSA_PSS)
        ok = EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, ks_md_evp(md)) > 0;
    ok = ok && EVP_PKEY_verify(ctx, sig, sig_len, h, hlen) == 1;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    if (!ok)
        return ks_error_set(err, KS_E_CRYPTO,
                            N_("the signature made by the signer does not verify with its "
                               "certificate (wrong key for the certificate?)"));
    return KS_OK;
}

static ks_status check_opts(const ks_signer *signer, const ks_cms_sign_opts *opts,
                            size_t digest_len, ks_error *err)
{
    if (!signer || !signer->cert || !opts)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a signer with a certificate"));
    if (opts->md != KS_MD_SHA256 && opts->md != KS_MD_SHA384 && opts->md != KS_MD_SHA512)
        return ks_error_set(err, KS_E_USAGE, N_("unknown digest algorithm %d"), (int)opts->md);
    if (digest_len != ks_md_len(opts->md))
        return ks_error_set(err, KS_E_USAGE, N_("digest is %zu bytes, %s needs %zu"), digest_len,
                            ks_md_name(opts->md), ks_md_len(opts->md));
    if (signer->chain && sk_X509_num(signer->chain) > MAX_CHAIN)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("the certificate chain has %d certificates, more than %d"),
                            sk_X509_num(signer->chain), MAX_CHAIN);
    bool ec = opts->scheme == KS_SIG_ECDSA;
    if (opts->scheme != KS_SIG_RSA_PKCS1 && opts->scheme != KS_SIG_RSA_PSS && !ec)
        return ks_error_set(err, KS_E_USAGE, N_("unknown signature scheme %d"), (int)opts->scheme);
    if (ec != (signer->key_type == EVP_PKEY_EC))
        return ks_error_set(err, KS_E_USAGE,
                            N_("signature scheme %s does not fit the signer's %s key"),
                            ec ? "ECDSA" : "RSA", signer->key_type == EVP_PKEY_EC ? "EC" : "RSA");
    return KS_OK;
}

/* Builds the signed attributes (sorted, without the outer tag) into `out`. */
static bool build_signed_attrs(ks_buf *out, const ks_signer *signer, const uint8_t *digest,
                               size_t digest_len, const ks_cms_sign_opts *opts)
{
    ks_buf a[4] = {KS_BUF_INIT, KS_BUF_INIT, KS_BUF_INIT, KS_BUF_INIT};
    ks_buf v = KS_BUF_INIT;
    size_t n = 0;
    bool ok = ks_der_put_oid(&v, OID_DATA) && put_attr(&a[n++], OID_CONTENT_TYPE, v.data, v.len);
    v.len = 0;
    ok = ok && ks_der_put(&v, 0x04, digest, digest_len) &&
         put_attr(&a[n++], OID_MESSAGE_DIGEST, v.data, v.len);
    v.len = 0;
    ok = ok && put_signing_cert_v2(&v, signer->cert) &&
         put_attr(&a[n++], OID_SIGNING_CERT_V2, v.data, v.len);
    if (ok && opts->profile == KS_CMS_PKCS7) {
        /* RFC 5652 §11.3: UTCTime through 2049, GeneralizedTime after */
        ASN1_TIME *t = ASN1_TIME_set(NULL, opts->signing_time ? opts->signing_time : ks_now());
        unsigned char *p = NULL;
        int len = t ? i2d_ASN1_TIME(t, &p) : -1;
        ok = len > 0 && put_attr(&a[n++], OID_SIGNING_TIME, p, (size_t)len);
        OPENSSL_free(p);
        ASN1_TIME_free(t);
    }
    der_item items[4];
    for (size_t i = 0; i < n; i++)
        items[i] = (der_item){a[i].data, a[i].len};
    ok = ok && put_sorted(out, items, n);
    for (size_t i = 0; i < 4; i++)
        ks_buf_free(&a[i]);
    ks_buf_free(&v);
    return ok && !out->failed;
}

/* certificates [0] IMPLICIT CertificateSet: the signer's and its chain's, each once. */
static bool build_certs(ks_buf *out, const ks_signer *signer)
{
    ks_buf each[MAX_CHAIN + 1];
    der_item items[MAX_CHAIN + 1];
    size_t n = 0;
    bool ok = true;
    each[n] = (ks_buf)KS_BUF_INIT;
    ok = put_i2d_cert(&each[n], signer->cert);
    n++;
    for (int i = 0; ok && signer->chain && i < sk_X509_num(signer->chain) && n <= MAX_CHAIN; i++) {
        X509 *x = sk_X509_value(signer->chain, i);
        bool dup = X509_cmp(x, signer->cert) == 0;
        for (int j = 0; j < i && !dup; j++)
            dup = X509_cmp(x, sk_X509_value(signer->chain, j)) == 0;
        if (dup)
            continue;
        each[n] = (ks_buf)KS_BUF_INIT;
        ok = put_i2d_cert(&each[n], x);
        n++;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = (der_item){each[i].data, each[i].len};
    ks_buf set = KS_BUF_INIT;
    ok = ok && put_sorted(&set, items, n) && wrap(out, 0xA0, &set);
    ks_buf_free(&set);
    for (size_t i = 0; i < n; i++)
        ks_buf_free(&each[i]);
    return ok;
}

struct ks_cms_pending {
    ks_cms_sign_opts opts;
    char *tsa_url;          /* owned copy of opts.tsa_url */
    X509 *cert;             /* owned */
    STACK_OF(X509) * chain; /* owned, may be NULL */
    ks_buf attrs;           /* the signed attributes, sorted, without the SET tag */
    uint8_t hash[EVP_MAX_MD_SIZE];
    size_t hash_len;
};

void ks_cms_pending_free(ks_cms_pending *p)
{
    if (!p)
        return;
    free(p->tsa_url);
    X509_free(p->cert);
    sk_X509_pop_free(p->chain, X509_free);
    ks_buf_free(&p->attrs);
    free(p);
}

/* The hash of the DER SET OF signed attributes (RFC 5652 §5.4) and, for RSA PKCS#1 v1.5, the
 * DigestInfo a raw RSA-PKCS mechanism signs (RFC 8017 §9.2). */
static ks_status fill_tbs(ks_cms_pending *p, ks_cms_tbs *tbs, ks_error *err)
{
    ks_buf set = KS_BUF_INIT;
    unsigned hlen = 0;
    bool ok = wrap(&set, 0x31, &p->attrs) &&
              EVP_Digest(set.data, set.len, p->hash, &hlen, ks_md_evp(p->opts.md), NULL) == 1;
    ks_buf_free(&set);
    if (!ok)
        return ks_error_set(err, KS_E_CRYPTO, N_("cannot hash the signed attributes"));
    p->hash_len = hlen;
    if (!tbs)
        return KS_OK;
    memset(tbs, 0, sizeof *tbs);
    memcpy(tbs->hash, p->hash, hlen);
    tbs->hash_len = hlen;
    tbs->md = p->opts.md;
    tbs->scheme = p->opts.scheme;
    tbs->cert = p->cert;
    if (p->opts.scheme == KS_SIG_RSA_PKCS1) {
        ks_buf alg = KS_BUF_INIT, di = KS_BUF_INIT, out = KS_BUF_INIT;
        /* RFC 8017 §9.2 note 1: here the parameters are NULL (CMS omits them) */
        static const char *oid[] = {"2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.2",
                                    "2.16.840.1.101.3.4.2.3"};
        ks_buf a0 = KS_BUF_INIT;
        ok = ks_der_put_oid(&a0, oid[p->opts.md]) && ks_der_put(&a0, 0x05, NULL, 0) &&
             wrap(&alg, 0x30, &a0) && ks_buf_append(&di, alg.data, alg.len) &&
             ks_der_put(&di, 0x04, p->hash, hlen) && wrap(&out, 0x30, &di) &&
             out.len <= sizeof tbs->digest_info;
        if (ok) {
            memcpy(tbs->digest_info, out.data, out.len);
            tbs->digest_info_len = out.len;
        }
        ks_buf_free(&a0);
        ks_buf_free(&alg);
        ks_buf_free(&di);
        ks_buf_free(&out);
        if (!ok)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    return KS_OK;
}

ks_status ks_cms_begin(const ks_signer *signer, const uint8_t *digest, size_t digest_len,
                       const ks_cms_sign_opts *opts, ks_cms_pending **out, ks_cms_tbs *tbs,
                       ks_error *err)
{
    *out = NULL;
    ks_status st = check_opts(signer, opts, digest_len, err);
    if (st)
        return st;
    if (!digest)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a digest and an output buffer"));
    ks_cms_pending *p = calloc(1, sizeof *p);
    if (!p)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    p->opts = *opts;
    p->opts.tsa_url = NULL;
    if (opts->tsa_url && !(p->tsa_url = strdup(opts->tsa_url)))
        goto nomem;
    p->opts.tsa_url = p->tsa_url;
    X509_up_ref(signer->cert);
    p->cert = signer->cert;
    if (signer->chain && !(p->chain = X509_chain_up_ref(signer->chain)))
        goto nomem;
    if (!build_signed_attrs(&p->attrs, signer, digest, digest_len, opts))
        goto nomem;
    if ((st = fill_tbs(p, tbs, err)) != KS_OK) {
        ks_cms_pending_free(p);
        return st;
    }
    *out = p;
    return KS_OK;
nomem:
    ks_cms_pending_free(p);
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

ks_status ks_cms_finish(ks_cms_pending *p, const uint8_t *sig, size_t sig_len, uint8_t **der,
                        size_t *der_len, ks_error *err)
{
    if (!p || !der || !der_len)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a digest and an output buffer"));
    *der = NULL;
    *der_len = 0;
    if (!sig || sig_len == 0 || sig_len > 16384)
        return ks_error_set(err, KS_E_CRYPTO, N_("the signer returned a signature of %zu bytes"),
                            sig_len);
    const ks_cms_sign_opts *opts = &p->opts;
    ks_md md = opts->md;
    ks_signer who = {0};
    who.cert = p->cert;
    who.chain = p->chain;
    ks_buf si = KS_BUF_INIT, sis = KS_BUF_INIT;
    ks_buf issuer = KS_BUF_INIT, serial = KS_BUF_INIT, ias = KS_BUF_INIT;
    ks_buf unsig = KS_BUF_INIT, sd = KS_BUF_INIT, sdseq = KS_BUF_INIT, ci = KS_BUF_INIT;
    ks_buf tmp = KS_BUF_INIT, out = KS_BUF_INIT;
    uint8_t *token = NULL;
    size_t token_len = 0;
    /* the value must verify with the certificate's key before anything is embedded */
    ks_status st =
        check_own_signature(p->cert, opts->scheme, md, p->hash, p->hash_len, sig, sig_len, err);
    if (st)
        goto done;
    if (opts->tsa_url) {
        /* EN 319 122-1 §5.3: signature-time-stamp over the signature value */
        uint8_t sh[EVP_MAX_MD_SIZE];
        unsigned shlen = 0;
        if (EVP_Digest(sig, sig_len, sh, &shlen, ks_md_evp(md), NULL) != 1)
            goto nomem;
        st = ks_tsa_request(opts->ctx, opts->tsa_url, md, sh, shlen, opts->timeout_ms, &token,
                            &token_len, err);
        if (st)
            goto done;
        if (!put_attr(&tmp, OID_SIG_TIMESTAMP, token, token_len) || !wrap(&unsig, 0xA1, &tmp))
            goto nomem;
        tmp.len = 0;
    }
    /* SignerInfo, version 1 with issuerAndSerialNumber (RFC 5652 §5.3) */
    if (!put_issuer_serial_parts(&issuer, &serial, p->cert) ||
        !ks_buf_append(&ias, issuer.data, issuer.len) ||
        !ks_buf_append(&ias, serial.data, serial.len) || !ks_der_put_small_int(&si, 1) ||
        !wrap(&si, 0x30, &ias) || !ks_der_put_digest_alg(&si, md) || !wrap(&si, 0xA0, &p->attrs) ||
        !put_sig_alg(&si, opts->scheme, md) || !ks_der_put(&si, 0x04, sig, sig_len) ||
        !ks_buf_append(&si, unsig.data, unsig.len) || !wrap(&tmp, 0x30, &si) ||
        !wrap(&sis, 0x31, &tmp))
        goto nomem;
    tmp.len = 0;
    /* SignedData, version 1; encapContentInfo id-data without eContent (detached) */
    ks_buf algs = KS_BUF_INIT, eci = KS_BUF_INIT;
    bool ok = ks_der_put_small_int(&sd, 1) && ks_der_put_digest_alg(&algs, md) &&
              wrap(&sd, 0x31, &algs) && ks_der_put_oid(&eci, OID_DATA) && wrap(&sd, 0x30, &eci) &&
              build_certs(&sd, &who) && ks_buf_append(&sd, sis.data, sis.len) &&
              wrap(&sdseq, 0x30, &sd) && ks_der_put_oid(&ci, OID_SIGNED_DATA) &&
              wrap(&ci, 0xA0, &sdseq) && wrap(&out, 0x30, &ci);
    ks_buf_free(&algs);
    ks_buf_free(&eci);
    if (!ok)
        goto nomem;
    *der = ks_buf_steal(&out, der_len);
    goto done;
nomem:
    st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    free(token);
    ks_buf bufs[] = {si, sis, issuer, serial, ias, unsig, sd, sdseq, ci, tmp, out};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        ks_buf_free(&bufs[i]);
    return st;
}

ks_status ks_cms_sign_digest(ks_signer *signer, const uint8_t *digest, size_t digest_len,
                             const ks_cms_sign_opts *opts, uint8_t **der, size_t *der_len,
                             ks_error *err)
{
    if (!signer || !signer->sign)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a signer with a certificate"));
    if (!der || !der_len)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a digest and an output buffer"));
    *der = NULL;
    *der_len = 0;
    ks_cms_pending *p = NULL;
    ks_cms_tbs tbs;
    ks_status st = ks_cms_begin(signer, digest, digest_len, opts, &p, &tbs, err);
    if (st)
        return st;
    size_t sig_cap = signer->max_sig_len ? signer->max_sig_len : 1024;
    size_t sig_len = sig_cap;
    uint8_t *sig = malloc(sig_cap);
    if (!sig) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    st = signer->sign(signer, opts->scheme, opts->md, tbs.hash, tbs.hash_len, sig, &sig_len, err);
    if (st)
        goto done;
    if (sig_len == 0 || sig_len > sig_cap) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("the signer returned a signature of %zu bytes"),
                          sig_len);
        goto done;
    }
    st = ks_cms_finish(p, sig, sig_len, der, der_len, err);
done:
    free(sig);
    OPENSSL_cleanse(&tbs, sizeof tbs);
    ks_cms_pending_free(p);
    return st;
}

/* ---- saving a pending signature: "KSCMSP1\0", then (tag u8, length u32 BE, bytes) ---- */
#define PEND_MAGIC "KSCMSP1"
enum { T_OPTS = 1, T_TSA, T_CERT, T_CHAIN, T_ATTRS };

static bool put_tlv(ks_buf *b, uint8_t tag, const void *data, size_t len)
{
    uint8_t h[5] = {tag, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                    (uint8_t)len};
    return len <= 0xFFFFFFFFu && ks_buf_append(b, h, 5) && ks_buf_append(b, data, len);
}

static bool put_cert_tlv(ks_buf *b, uint8_t tag, X509 *x)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    bool ok = n > 0 && put_tlv(b, tag, p, (size_t)n);
    OPENSSL_free(p);
    return ok;
}

ks_status ks_cms_pending_save(const ks_cms_pending *p, ks_buf *out, ks_error *err)
{
    uint8_t o[12] = {(uint8_t)p->opts.profile, (uint8_t)p->opts.md, (uint8_t)p->opts.scheme};
    int64_t t = (int64_t)p->opts.signing_time;
    for (int i = 0; i < 8; i++)
        o[3 + i] = (uint8_t)((uint64_t)t >> (56 - 8 * i));
    long tmo = p->opts.timeout_ms > 0 && p->opts.timeout_ms < 255000 ? p->opts.timeout_ms : 0;
    o[11] = (uint8_t)(tmo / 1000);
    bool ok = ks_buf_append(out, PEND_MAGIC, 8) && put_tlv(out, T_OPTS, o, sizeof o) &&
              (!p->tsa_url || put_tlv(out, T_TSA, p->tsa_url, strlen(p->tsa_url))) &&
              put_cert_tlv(out, T_CERT, p->cert) &&
              put_tlv(out, T_ATTRS, p->attrs.data, p->attrs.len);
    for (int i = 0; ok && p->chain && i < sk_X509_num(p->chain); i++)
        ok = put_cert_tlv(out, T_CHAIN, sk_X509_value(p->chain, i));
    if (!ok || out->failed)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

ks_status ks_cms_pending_load(const uint8_t *data, size_t len, ks_cms_pending **out, ks_error *err)
{
    *out = NULL;
    if (len < 8 || len > KS_CMS_MAX_DER || memcmp(data, PEND_MAGIC, 8) != 0)
        return ks_error_set(err, KS_E_FORMAT, N_("not a saved signature state"));
    ks_cms_pending *p = calloc(1, sizeof *p);
    if (!p)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    bool have_opts = false;
    size_t pos = 8;
    while (pos < len) {
        if (len - pos < 5)
            goto bad;
        uint8_t tag = data[pos];
        size_t n = (size_t)data[pos + 1] << 24 | (size_t)data[pos + 2] << 16 |
                   (size_t)data[pos + 3] << 8 | data[pos + 4];
        pos += 5;
        if (n > len - pos)
            goto bad;
        const uint8_t *v = data + pos;
        pos += n;
        if (tag == T_OPTS) {
            if (n != 12 || v[0] > KS_CMS_PKCS7 || v[1] > KS_MD_SHA512 || v[2] > KS_SIG_ECDSA)
                goto bad;
            p->opts.profile = (ks_cms_profile)v[0];
            p->opts.md = (ks_md)v[1];
            p->opts.scheme = (ks_sig_scheme)v[2];
            uint64_t t = 0;
            for (int i = 0; i < 8; i++)
                t = t << 8 | v[3 + i];
            p->opts.signing_time = (time_t)(int64_t)t;
            p->opts.timeout_ms = (long)v[11] * 1000;
            have_opts = true;
        } else if (tag == T_TSA && !p->tsa_url && n > 0 && n < 4096 && !memchr(v, 0, n)) {
            if (!(p->tsa_url = strndup((const char *)v, n)))
                goto nomem;
            p->opts.tsa_url = p->tsa_url;
        } else if ((tag == T_CERT && !p->cert) || tag == T_CHAIN) {
            const unsigned char *q = v;
            X509 *x = d2i_X509(NULL, &q, (long)n);
            if (!x || q != v + n) {
                X509_free(x);
                goto bad;
            }
            if (tag == T_CERT)
                p->cert = x;
            else if ((!p->chain && !(p->chain = sk_X509_new_null())) ||
                     sk_X509_num(p->chain) >= MAX_CHAIN || !sk_X509_push(p->chain, x)) {
                X509_free(x);
                goto bad;
            }
        } else if (tag == T_ATTRS && p->attrs.len == 0 && n > 0) {
            if (!ks_buf_append(&p->attrs, v, n))
                goto nomem;
        } else {
            goto bad;
        }
    }
    if (!have_opts || !p->cert || p->attrs.len == 0)
        goto bad;
    ks_status st = fill_tbs(p, NULL, err);
    if (st) {
        ks_cms_pending_free(p);
        return st;
    }
    *out = p;
    return KS_OK;
bad:
    ks_cms_pending_free(p);
    return ks_error_set(err, KS_E_FORMAT, N_("the saved signature state is damaged"));
nomem:
    ks_cms_pending_free(p);
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

ks_status ks_cms_pending_tbs(ks_cms_pending *p, ks_cms_tbs *tbs, ks_error *err)
{
    return fill_tbs(p, tbs, err);
}
