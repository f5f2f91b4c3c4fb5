/* Unit tests of cms/: file signers (PKCS#12, PEM, encrypted PKCS#8), CAdES and PKCS#7 detached
 * SignedData for every scheme and digest, checked by `openssl cms -verify` and by
 * ks_cms_verify_detached, and the verifier's answers to tampered content, signature and ESS. */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/pem.h>

#include "cms_fixtures.h"

static const char *dir;

static void test_loading(void)
{
    ks_signer *s = NULL;
    ks_error e;
    CHECK(ks_signer_from_p12(fx_path(dir, "rsa.p12"), "pw", &s, &e) == KS_OK);
    CHECK(s && s->key_type == EVP_PKEY_RSA && s->key_bits == 3072 && s->max_sig_len == 384);
    CHECK(s && s->chain && sk_X509_num(s->chain) == 1);
    ks_signer_free(s);
    s = NULL;
    CHECK(ks_signer_from_p12(fx_path(dir, "rsa.p12"), "wrong", &s, &e) == KS_E_PASSWORD);
    CHECK(s == NULL && strstr(e.msg_en, "rsa.p12") != NULL && strstr(e.msg_en, "wrong") != NULL);
    CHECK(ks_signer_from_p12(fx_path(dir, "ec.p12"), "", &s, &e) == KS_OK);
    CHECK(s && s->key_type == EVP_PKEY_EC && s->key_bits == 256 && s->max_sig_len >= 70);
    ks_signer_free(s);
    s = NULL;
    CHECK(ks_signer_from_p12(fx_path(dir, "root.pem"), "", &s, &e) == KS_E_FORMAT);
    CHECK(ks_signer_from_p12(fx_path(dir, "missing.p12"), "", &s, &e) == KS_E_IO);
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa-enc.key"), fx_path(dir, "rsa.pem"),
                             fx_path(dir, "root.pem"), "secret", &s, &e) == KS_OK);
    CHECK(s && s->chain && sk_X509_num(s->chain) == 1);
    ks_signer_free(s);
    s = NULL;
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa-enc.key"), fx_path(dir, "rsa.pem"), NULL, "nope", &s,
                             &e) == KS_E_PASSWORD);
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa-enc.key"), fx_path(dir, "rsa.pem"), NULL, NULL, &s,
                             &e) == KS_E_PASSWORD);
    /* a key that does not belong to the certificate */
    CHECK(ks_signer_from_pem(fx_path(dir, "ec.key"), fx_path(dir, "rsa.pem"), NULL, NULL, &s, &e) ==
          KS_E_FORMAT);
    CHECK(strstr(e.msg_en, "does not belong") != NULL);
    /* DER key and certificate */
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl pkey -in ec.key -outform DER -out ec.key.der && "
                     "openssl x509 -in ec.pem -outform DER -out ec.der",
                     dir) == 0);
    CHECK(ks_signer_from_pem(fx_path(dir, "ec.key.der"), fx_path(dir, "ec.der"), NULL, NULL, &s,
                             &e) == KS_OK);
    ks_signer_free(s);
    ks_signer_free(NULL);
}

/* The raw sign callback checked with `openssl pkeyutl -verify` as the oracle. */
static void test_raw_sign(void)
{
    ks_signer *s = NULL;
    ks_error e;
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa.key"), fx_path(dir, "rsa.pem"), NULL, NULL, &s,
                             &e) == KS_OK);
    if (!s)
        return;
    uint8_t dg[32], sig[512];
    RAND_bytes(dg, sizeof dg);
    fx_write(fx_path(dir, "raw.dgst"), dg, sizeof dg);
    size_t len = sizeof sig;
    CHECK(s->sign(s, KS_SIG_RSA_PSS, KS_MD_SHA256, dg, sizeof dg, sig, &len, &e) == KS_OK);
    CHECK(len == 384);
    fx_write(fx_path(dir, "raw.sig"), sig, len);
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl x509 -in rsa.pem -pubkey -noout > rsa.pub && "
                     "openssl pkeyutl -verify -pubin -inkey rsa.pub -in raw.dgst -sigfile raw.sig "
                     "-pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss "
                     "-pkeyopt rsa_pss_saltlen:32 >/dev/null",
                     dir) == 0);
    len = 10;
    CHECK(s->sign(s, KS_SIG_RSA_PKCS1, KS_MD_SHA256, dg, sizeof dg, sig, &len, &e) == KS_E_USAGE);
    len = sizeof sig;
    CHECK(s->sign(s, KS_SIG_ECDSA, KS_MD_SHA256, dg, sizeof dg, sig, &len, &e) == KS_E_USAGE);
    CHECK(s->sign(s, KS_SIG_RSA_PKCS1, KS_MD_SHA384, dg, sizeof dg, sig, &len, &e) == KS_E_USAGE);
    ks_signer_free(s);
}

/* Signs `content` and checks the result with openssl cms and with ks_cms_verify_detached. */
static void sign_and_check(ks_signer *s, ks_sig_scheme scheme, ks_md md, ks_cms_profile prof,
                           const uint8_t *content, size_t clen)
{
    char label[64];
    snprintf(label, sizeof label, "scheme %d md %d profile %d", (int)scheme, (int)md, (int)prof);
    uint8_t dg[64];
    ks_slice sl[2] = {{content, clen / 3}, {content + clen / 3, clen - clen / 3}};
    ks_error e;
    CHECK(ks_digest_slices(md, sl, 2, dg, &e) == KS_OK);
    ks_cms_sign_opts o = {.profile = prof, .md = md, .scheme = scheme, .signing_time = 1772678467};
    uint8_t *der = NULL;
    size_t der_len = 0;
    ks_status st = ks_cms_sign_digest(s, dg, ks_md_len(md), &o, &der, &der_len, &e);
    CHECK_MSG(st == KS_OK, "%s: %s", label, e.msg_en);
    if (st)
        return;
    CHECK_MSG(der_len <= ks_cms_estimate_size(s, &o), "%s: %zu > estimate %zu", label, der_len,
              ks_cms_estimate_size(s, &o));
    CHECK(ks_cms_estimate_size(s, &o) < der_len + 4096); /* not absurdly large */
    fx_write(fx_path(dir, "sig.der"), der, der_len);
    /* oracle: OpenSSL verifies the signature over the content (no chain check) */
    int rc = ks_test_sh(NULL,
                        "cd '%s' && openssl cms -verify -binary -content content.bin -inform DER "
                        "-in sig.der -noverify -out /dev/null 2>cms.err",
                        dir);
    CHECK_MSG(rc == 0, "%s: openssl cms -verify failed", label);
    /* oracle: the attributes the profile asks for, as OpenSSL prints them */
    char *dump = NULL;
    ks_test_sh(&dump, "cd '%s' && openssl cms -cmsout -print -inform DER -in sig.der", dir);
    if (dump) {
        CHECK_MSG((strstr(dump, "signingTime") != NULL) == (prof == KS_CMS_PKCS7), "%s", label);
        CHECK_MSG(strstr(dump, "id-smime-aa-signingCertificateV2") != NULL, "%s", label);
        CHECK(strstr(dump, "contentType") != NULL && strstr(dump, "messageDigest") != NULL);
        if (scheme == KS_SIG_RSA_PSS)
            CHECK_MSG(strstr(dump, "rsassaPss") != NULL, "%s", label);
        free(dump);
    }
    ks_cms_result r;
    CHECK(ks_cms_verify_detached(der, der_len, sl, 2, &r, &e) == KS_OK);
    CHECK_MSG(r.parsed && r.digest_ok && r.signature_ok && r.content_type_ok && r.ess_cert_ok,
              "%s: %s", label, r.detail);
    CHECK(r.has_signed_attrs && r.ess_cert_present);
    CHECK(r.has_signing_time == (prof == KS_CMS_PKCS7));
    if (prof == KS_CMS_PKCS7)
        CHECK(r.signing_time == 1772678467);
    CHECK(strcmp(r.digest_name, ks_md_name(md)) == 0);
    CHECK(r.signer && X509_cmp(r.signer, s->cert) == 0);
    CHECK(r.key_bits == s->key_bits);
    CHECK(r.sig_nid == (scheme == KS_SIG_RSA_PSS ? NID_rsassaPss
                        : scheme == KS_SIG_ECDSA ? (md == KS_MD_SHA256   ? NID_ecdsa_with_SHA256
                                                    : md == KS_MD_SHA384 ? NID_ecdsa_with_SHA384
                                                                         : NID_ecdsa_with_SHA512)
                        : md == KS_MD_SHA256     ? NID_sha256WithRSAEncryption
                        : md == KS_MD_SHA384     ? NID_sha384WithRSAEncryption
                                                 : NID_sha512WithRSAEncryption));
    CHECK(!r.sig_ts.present);
    ks_cms_result_free(&r);

    /* a flipped content byte: the digest no longer matches, the signature still does */
    uint8_t *copy = malloc(clen);
    memcpy(copy, content, clen);
    copy[clen / 2] ^= 0x01;
    ks_slice bad[1] = {{copy, clen}};
    CHECK(ks_cms_verify_detached(der, der_len, bad, 1, &r, &e) == KS_OK);
    CHECK_MSG(r.parsed && !r.digest_ok && r.signature_ok && r.detail[0], "%s", label);
    ks_cms_result_free(&r);
    free(copy);
    /* a flipped byte of the signature value (the last bytes of a B-B SignerInfo) */
    der[der_len - 1] ^= 0x40;
    fx_write(fx_path(dir, "sig-bad.der"), der, der_len);
    CHECK(ks_cms_verify_detached(der, der_len, sl, 2, &r, &e) == KS_OK);
    CHECK_MSG(r.parsed && r.digest_ok && !r.signature_ok, "%s", label);
    ks_cms_result_free(&r);
    if (md == KS_MD_SHA256) /* the oracle agrees (once per scheme and profile: keeps it fast) */
        CHECK(ks_test_sh(NULL,
                         "cd '%s' && openssl cms -verify -binary -content content.bin -inform DER "
                         "-in sig-bad.der -noverify -out /dev/null 2>/dev/null",
                         dir) != 0);
    free(der);
}

/* A signer whose key is not the certificate's (as a wrong token object would be), a chain over
 * the limit, and a PKCS#12 in the legacy RC2/3DES encryption older tools still write. */
static void test_signer_faults(void)
{
    ks_signer *s = NULL;
    ks_error e;
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa.key"), fx_path(dir, "rsa.pem"), NULL, NULL, &s,
                             &e) == KS_OK);
    if (!s)
        return;
    uint8_t dg[32] = {7}, *der = NULL;
    size_t der_len = 0;
    ks_cms_sign_opts o = {.md = KS_MD_SHA256, .scheme = KS_SIG_RSA_PKCS1};
    FILE *f = fopen(fx_path(dir, "other.pem"), "r");
    X509 *other = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    CHECK(other != NULL);
    X509 *mine = s->cert;
    s->cert = other;
    CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &der_len, &e) == KS_E_CRYPTO);
    CHECK_MSG(der == NULL && strstr(e.msg_en, "does not verify with its certificate"), "%s",
              e.msg_en);
    s->cert = mine;
    X509_free(other);
    CHECK(ks_signer_add_chain(s, fx_path(dir, "root.pem"), &e) == KS_OK);
    CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &der_len, &e) == KS_OK);
    free(der);
    der = NULL;
    for (int i = 0; i < 32; i++)
        ks_signer_add_chain(s, fx_path(dir, "root.pem"), &e);
    CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &der_len, &e) == KS_E_LIMIT && der == NULL);
    ks_signer_free(s);
    s = NULL;

    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl pkcs12 -export -legacy -inkey ec.key -in ec.pem "
                     "-certfile root.pem -out legacy.p12 -passout pass:cũ >/dev/null 2>&1",
                     dir) == 0);
    ks_status st = ks_signer_from_p12(fx_path(dir, "legacy.p12"), "cũ", &s, &e);
    CHECK_MSG(st == KS_OK, "%s", e.msg_en);
    CHECK(s && s->key_type == EVP_PKEY_EC && s->chain && sk_X509_num(s->chain) == 1);
    if (s) {
        o.scheme = KS_SIG_ECDSA;
        CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &der_len, &e) == KS_OK);
        free(der);
    }
    ks_signer_free(s);
}

static void test_matrix(void)
{
    size_t clen = 100000;
    uint8_t *content = fx_random(clen);
    fx_write(fx_path(dir, "content.bin"), content, clen);
    ks_signer *rsa = NULL, *ec = NULL;
    ks_error e;
    CHECK(ks_signer_from_p12(fx_path(dir, "rsa.p12"), "pw", &rsa, &e) == KS_OK);
    CHECK(ks_signer_from_p12(fx_path(dir, "ec.p12"), "", &ec, &e) == KS_OK);
    for (int md = 0; md < 3 && rsa && ec; md++) {
        for (int prof = 0; prof < 2; prof++) {
            sign_and_check(rsa, KS_SIG_RSA_PKCS1, (ks_md)md, (ks_cms_profile)prof, content, clen);
            sign_and_check(rsa, KS_SIG_RSA_PSS, (ks_md)md, (ks_cms_profile)prof, content, clen);
            sign_and_check(ec, KS_SIG_ECDSA, (ks_md)md, (ks_cms_profile)prof, content, clen);
        }
    }
    /* a scheme that does not fit the key, a digest of the wrong length */
    uint8_t dg[32] = {0}, *der = NULL;
    size_t der_len = 0;
    ks_cms_sign_opts o = {.md = KS_MD_SHA256, .scheme = KS_SIG_RSA_PKCS1};
    CHECK(ks_cms_sign_digest(ec, dg, 32, &o, &der, &der_len, &e) == KS_E_USAGE);
    o.scheme = KS_SIG_ECDSA;
    CHECK(ks_cms_sign_digest(ec, dg, 20, &o, &der, &der_len, &e) == KS_E_USAGE);
    CHECK(der == NULL);
    ks_signer_free(rsa);
    ks_signer_free(ec);
    free(content);
}

/* ESS: a certificate substituted for the one the signer signed with (same issuer, serial and
 * key, different bytes) keeps the signature valid but breaks the signing-certificate binding. */
static void test_ess_substitution(void)
{
    ks_signer *s = NULL;
    ks_error e;
    CHECK(ks_signer_from_pem(fx_path(dir, "rsa.key"), fx_path(dir, "rsa-twin.pem"), NULL, NULL, &s,
                             &e) == KS_OK);
    if (!s)
        return;
    uint8_t content[1000], dg[32];
    RAND_bytes(content, sizeof content);
    ks_slice sl = {content, sizeof content};
    ks_digest_slices(KS_MD_SHA256, &sl, 1, dg, &e);
    ks_cms_sign_opts o = {.md = KS_MD_SHA256, .scheme = KS_SIG_RSA_PKCS1};
    uint8_t *der = NULL;
    size_t der_len = 0;
    CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &der_len, &e) == KS_OK);
    ks_cms_result r;
    CHECK(ks_cms_verify_detached(der, der_len, &sl, 1, &r, &e) == KS_OK && r.ess_cert_ok);
    ks_cms_result_free(&r);
    uint8_t *twin = NULL, *orig = NULL;
    int tl = i2d_X509(s->cert, &twin);
    uint8_t *buf = NULL;
    size_t bl = 0;
    X509 *x = NULL;
    if (ks_read_file(fx_path(dir, "rsa.pem"), 1 << 20, &buf, &bl, &e) == KS_OK) {
        BIO *b = BIO_new_mem_buf(buf, (int)bl);
        x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
        free(buf);
    }
    int ol = x ? i2d_X509(x, &orig) : -1;
    CHECK(tl > 0 && tl == ol);
    uint8_t *at = tl > 0 ? fx_memmem(der, der_len, twin, (size_t)tl) : NULL;
    CHECK(at != NULL);
    if (at && tl == ol) {
        memcpy(at, orig, (size_t)ol);
        CHECK(ks_cms_verify_detached(der, der_len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(r.parsed && r.digest_ok && r.signature_ok && r.ess_cert_present && !r.ess_cert_ok,
                  "%s", r.detail);
        CHECK(strstr(r.detail, "signing-certificate") != NULL);
        ks_cms_result_free(&r);
    }
    OPENSSL_free(twin);
    OPENSSL_free(orig);
    X509_free(x);
    free(der);
    ks_signer_free(s);
}

/* OpenSSL's own signer as a peer: BER (indefinite lengths, -stream), signingTime, SMIME caps;
 * and an adbe.pkcs7.detached-style signature without signed attributes (-noattr). */
static void test_openssl_peer(void)
{
    uint8_t *content = fx_random(5000);
    fx_write(fx_path(dir, "peer.bin"), content, 5000);
    ks_slice sl = {content, 5000};
    const char *variants[] = {"-stream", "-noattr", "-cades -md sha384", ""};
    for (size_t i = 0; i < 4; i++) {
        int rc = ks_test_sh(NULL,
                            "cd '%s' && openssl cms -sign -binary -in peer.bin -signer rsa.pem "
                            "-inkey rsa.key -outform DER -out peer.der %s",
                            dir, variants[i]);
        CHECK(rc == 0);
        uint8_t *der = NULL;
        size_t len = 0;
        ks_error e;
        if (rc || ks_read_file(fx_path(dir, "peer.der"), 1 << 20, &der, &len, &e))
            continue;
        if (i == 0)
            CHECK(len > 4 && der[1] == 0x80); /* really indefinite-length BER */
        ks_cms_result r;
        CHECK(ks_cms_verify_detached(der, len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(r.parsed && r.digest_ok && r.signature_ok && r.content_type_ok,
                  "variant '%s': %s", variants[i], r.detail);
        CHECK(r.has_signed_attrs == (i != 1));
        CHECK(r.has_signing_time == (i != 1));
        CHECK(r.ess_cert_ok == (i == 2));
        ks_cms_result_free(&r);
        content[7] ^= 1;
        CHECK(ks_cms_verify_detached(der, len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(!r.digest_ok, "variant '%s'", variants[i]);
        ks_cms_result_free(&r);
        content[7] ^= 1;
        free(der);
    }
    free(content);
}

/* RFC 5652 §11: a signed attribute given twice (adbe-revocationInfoArchival here: OpenSSL
 * refuses duplicates only of the attributes it knows) is refused, although OpenSSL's own
 * verifier accepts the signature. */
static void test_duplicate_attr(void)
{
    uint8_t content[500];
    RAND_bytes(content, sizeof content);
    FILE *f = fopen(fx_path(dir, "ec.key"), "r");
    EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    f = fopen(fx_path(dir, "ec.pem"), "r");
    X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    BIO *in = BIO_new_mem_buf(content, sizeof content);
    unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
    CMS_ContentInfo *cms = key && cert ? CMS_sign(NULL, NULL, NULL, NULL, flags) : NULL;
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, cert, key, EVP_sha256(), flags) : NULL;
    static const uint8_t empty_seq[] = {0x30, 0x00};
    ASN1_OBJECT *obj = OBJ_txt2obj("1.2.840.113583.1.1.8", 1);
    bool ok = si && obj &&
              CMS_signed_add1_attr_by_OBJ(si, obj, V_ASN1_SEQUENCE, empty_seq, 2) == 1 &&
              CMS_signed_add1_attr_by_OBJ(si, obj, V_ASN1_SEQUENCE, empty_seq, 2) == 1 &&
              CMS_final(cms, in, NULL, flags & ~CMS_PARTIAL) == 1;
    CHECK(ok);
    unsigned char *der = NULL;
    int len = ok ? i2d_CMS_ContentInfo(cms, &der) : -1;
    if (len > 0) {
        fx_write(fx_path(dir, "dup.der"), der, (size_t)len);
        fx_write(fx_path(dir, "dup.bin"), content, sizeof content);
        /* the oracle: the signature as such is fine */
        CHECK(ks_test_sh(NULL,
                         "cd '%s' && openssl cms -verify -binary -content dup.bin -inform DER "
                         "-in dup.der -noverify -out /dev/null 2>/dev/null",
                         dir) == 0);
        ks_slice sl = {content, sizeof content};
        ks_cms_result r;
        ks_error e;
        CHECK(ks_cms_verify_detached(der, (size_t)len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(r.digest_ok && !r.signature_ok && strstr(r.detail, "more than once"), "%s",
                  r.detail);
        ks_cms_result_free(&r);
    }
    OPENSSL_free(der);
    ASN1_OBJECT_free(obj);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_garbage(void)
{
    ks_cms_result r;
    ks_error e;
    uint8_t junk[64];
    memset(junk, 0x30, sizeof junk);
    ks_slice sl = {junk, sizeof junk};
    CHECK(ks_cms_verify_detached(junk, sizeof junk, &sl, 1, &r, &e) == KS_E_FORMAT);
    CHECK(!r.parsed);
    CHECK(ks_cms_verify_detached(NULL, 0, &sl, 1, &r, &e) == KS_E_FORMAT);
    ks_cms_result_free(&r);
    ks_tst_info t;
    CHECK(ks_tst_verify(junk, sizeof junk, &sl, 1, &t, &e) == KS_E_FORMAT);
    ks_tst_info_free(&t);
}

/* The corpus signer (RSA-3072, UTF-8 Vietnamese DN): the chain verifies to the corpus root. */
static void test_corpus_signer(void)
{
    ks_signer *s = NULL;
    ks_error e;
    CHECK(
        ks_signer_from_p12(ks_test_shared("corpus/certs/vn-corpus-public-signer-nguyen-van-a.p12"),
                           "test", &s, &e) == KS_OK);
    if (!s)
        return;
    uint8_t *content = fx_random(3000), dg[32];
    fx_write(fx_path(dir, "vn.bin"), content, 3000);
    ks_slice sl = {content, 3000};
    ks_digest_slices(KS_MD_SHA256, &sl, 1, dg, &e);
    ks_cms_sign_opts o = {.md = KS_MD_SHA256, .scheme = KS_SIG_RSA_PKCS1};
    uint8_t *der = NULL;
    size_t len = 0;
    CHECK(ks_cms_sign_digest(s, dg, 32, &o, &der, &len, &e) == KS_OK);
    if (der) {
        fx_write(fx_path(dir, "vn.der"), der, len);
        CHECK(ks_test_sh(NULL,
                         "cd '%s' && openssl cms -verify -binary -content vn.bin -inform DER "
                         "-in vn.der -CAfile '%s' -purpose any -no_check_time -out /dev/null "
                         "2>/dev/null",
                         dir, ks_test_shared("corpus/certs/vn-corpus-public-root.pem")) == 0);
    }
    free(der);
    free(content);
    ks_signer_free(s);
}

int main(void)
{
    dir = strdup(ks_test_tmpdir("cms-sign-verify"));
    int rc = fx_make_pki(dir, 3072);
    CHECK(rc == 0);
    if (rc == 0) {
        test_loading();
        test_raw_sign();
        test_signer_faults();
        test_matrix();
        test_ess_substitution();
        test_openssl_peer();
        test_garbage();
        test_duplicate_attr();
        test_corpus_signer();
    }
    free((void *)dir);
    return ks_test_done();
}
