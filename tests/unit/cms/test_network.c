/* Unit tests of cms/'s network side against a local HTTP server (http_fixture.h): RFC 3161
 * tokens from `openssl ts -reply` (direct and as a B-T signature-time-stamp, checked with
 * `openssl ts -verify`), OCSP from `openssl ocsp`, CRL download, and HTTP errors and limits. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>

#include "cms_fixtures.h"
#include "cms_internal.h"
#include "http_fixture.h"

static const char *dir;
static fx_server srv;

static char *url(const char *path)
{
    static char buf[4][256];
    static int next;
    char *b = buf[next++ % 4];
    snprintf(b, sizeof buf[0], "http://127.0.0.1:%d%s", srv.port, path);
    return b;
}

/* TSA configuration for `openssl ts -reply` (SHA-512 imprints are refused on purpose), an
 * unrelated query for the wrong-nonce case, and a CA database for `openssl ocsp`/CRLs. */
static int setup_services(void)
{
    return ks_test_sh(
        NULL,
        "set -e; cd '%s'\n"
        "cat > ts.cnf <<'X'\n"
        "[tsa]\ndefault_tsa = t\n"
        "[t]\nserial = tsaserial\ncrypto_device = builtin\nsigner_cert = tsa.pem\n"
        "signer_key = tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n"
        "digests = sha256, sha384\naccuracy = secs:1\nordering = yes\ntsa_name = yes\n"
        "ess_cert_id_chain = no\ness_cert_id_alg = sha256\n"
        "X\n"
        "echo 01 > tsaserial\n"
        "head -c 100 /dev/urandom > other.bin\n"
        "openssl ts -query -data other.bin -sha256 -cert -out other.tsq 2>/dev/null\n"
        "cat > net.cnf <<'X'\n"
        "[net]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
        "authorityInfoAccess=OCSP;URI:http://127.0.0.1:%d/ocsp\n"
        "crlDistributionPoints=URI:http://127.0.0.1:%d/file/root.crl.der\n"
        "[bare]\nbasicConstraints=CA:false\n"
        "[ocspresp]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=OCSPSigning\n"
        "X\n"
        "for n in net:1389 rev:138A bare:138B ocspresp:138C; do k=${n%%:*}; s=${n#*:}\n"
        "  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $k.key\n"
        "  openssl req -new -key $k.key -subj \"/CN=$k\" -out $k.csr\n"
        "  e=net; [ $k = bare ] && e=bare; [ $k = ocspresp ] && e=ocspresp\n"
        "  openssl x509 -req -in $k.csr -CA root.pem -CAkey root.key -set_serial 0x$s "
        "-days 30 -extfile net.cnf -extensions $e -out $k.pem 2>/dev/null\n"
        "done\n"
        "printf 'V\\t301231235959Z\\t\\t1389\\tunknown\\t/CN=net\\n"
        "R\\t301231235959Z\\t250101000000Z,keyCompromise\\t138A\\tunknown\\t/CN=rev\\n' "
        "> index.txt\n"
        "echo 'unique_subject = no' > index.txt.attr\n"
        "echo 01 > crlnumber\n"
        "cat > ca.cnf <<'X'\n"
        "[ca]\ndefault_ca = c\n"
        "[c]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\n"
        "default_crl_days = 30\n"
        "X\n"
        "openssl ca -gencrl -config ca.cnf -keyfile root.key -cert root.pem -out root.crl "
        "2>/dev/null\n"
        "openssl crl -in root.crl -outform DER -out root.crl.der\n",
        dir, srv.port, srv.port);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

/* A token straight from the TSA, checked by openssl ts -verify and by ks_tst_verify. */
static void test_tsa_direct(void)
{
    uint8_t content[4000], dg[48];
    RAND_bytes(content, sizeof content);
    ks_slice sl = {content, sizeof content};
    ks_error e;
    CHECK(ks_digest_slices(KS_MD_SHA384, &sl, 1, dg, &e) == KS_OK);
    uint8_t *tok = NULL;
    size_t tok_len = 0;
    time_t before = time(NULL);
    ks_status st =
        ks_tsa_request(NULL, url("/tsa"), KS_MD_SHA384, dg, 48, 5000, &tok, &tok_len, &e);
    CHECK_MSG(st == KS_OK, "%s", e.msg_en);
    if (st)
        return;
    fx_write(fx_path(dir, "tok.der"), tok, tok_len);
    char hx[97];
    hex(dg, 48, hx);
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl ts -verify -in tok.der -token_in -digest %s -CAfile "
                     "root.pem -untrusted tsa.pem >/dev/null 2>&1",
                     dir, hx) == 0);
    ks_tst_info t;
    CHECK(ks_tst_verify(tok, tok_len, &sl, 1, &t, &e) == KS_OK);
    CHECK(t.present && t.imprint_ok && t.signature_ok && t.tsa_eku_ok);
    CHECK(strcmp(t.hash_name, "SHA-384") == 0);
    CHECK(t.gen_time >= before - 2 && t.gen_time <= time(NULL) + 2);
    CHECK(t.tsa_cert != NULL && t.certs && sk_X509_num(t.certs) >= 1);
    if (t.tsa_cert) {
        char cn[64] = "";
        X509_NAME_get_text_by_NID(X509_get_subject_name(t.tsa_cert), NID_commonName, cn, sizeof cn);
        CHECK_STR(cn, "kyso test TSA");
    }
    CHECK(t.der_len == tok_len && memcmp(t.der, tok, tok_len) == 0);
    ks_tst_info_free(&t);
    /* other data: the imprint does not match, the token itself still verifies */
    content[0] ^= 1;
    CHECK(ks_tst_verify(tok, tok_len, &sl, 1, &t, &e) == KS_OK);
    CHECK(t.present && !t.imprint_ok && t.signature_ok);
    ks_tst_info_free(&t);
    /* a flipped byte in the TSA's signature value (the token's last bytes) */
    content[0] ^= 1;
    tok[tok_len - 2] ^= 0x10;
    CHECK(ks_tst_verify(tok, tok_len, &sl, 1, &t, &e) == KS_OK);
    CHECK(t.imprint_ok && !t.signature_ok);
    ks_tst_info_free(&t);
    free(tok);

    /* the same TSTInfo signed (with ESS, validly) by a certificate without the timeStamping
     * EKU: a well-formed token, but not from a TSA */
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl cms -verify -noverify -inform DER -in tok.der "
                     "-out tstinfo.der 2>/dev/null && openssl cms -sign -binary -nodetach -cades "
                     "-in tstinfo.der -econtent_type 1.2.840.113549.1.9.16.1.4 -signer other.pem "
                     "-inkey other.key -outform DER -out fake-tok.der",
                     dir) == 0);
    uint8_t *fake = NULL;
    size_t fake_len = 0;
    if (ks_read_file(fx_path(dir, "fake-tok.der"), 1 << 20, &fake, &fake_len, &e) == KS_OK) {
        CHECK(ks_tst_verify(fake, fake_len, &sl, 1, &t, &e) == KS_OK);
        CHECK(t.imprint_ok && t.signature_ok && !t.tsa_eku_ok);
        ks_tst_info_free(&t);
    }
    free(fake);
    /* a reply to someone else's request: wrong nonce, other imprint */
    tok = NULL;
    CHECK(ks_tsa_request(NULL, url("/tsa-other"), KS_MD_SHA384, dg, 48, 5000, &tok, &tok_len, &e) ==
          KS_E_FORMAT);
    CHECK(tok == NULL && strstr(e.msg_en, "nonce") && strstr(e.msg_en, "/tsa-other"));
    /* a token whose own signature does not verify */
    CHECK(ks_tsa_request(NULL, url("/tsa-broken"), KS_MD_SHA384, dg, 48, 5000, &tok, &tok_len,
                         &e) == KS_E_CRYPTO);
    CHECK_MSG(tok == NULL && strstr(e.msg_en, "does not verify"), "%s", e.msg_en);
    /* the TSA refuses SHA-512 (not in its digests): a status, not a token */
    uint8_t d512[64] = {1};
    CHECK(ks_tsa_request(NULL, url("/tsa"), KS_MD_SHA512, d512, 64, 5000, &tok, &tok_len, &e) ==
          KS_E_IO);
    CHECK_MSG(strstr(e.msg_en, "refused") != NULL, "%s", e.msg_en);
    /* not a TSA at all */
    CHECK(ks_tsa_request(NULL, url("/file/root.pem"), KS_MD_SHA384, dg, 48, 5000, &tok, &tok_len,
                         &e) == KS_E_FORMAT);
    CHECK(ks_tsa_request(NULL, url("/tsa"), KS_MD_SHA256, dg, 48, 5000, &tok, &tok_len, &e) ==
          KS_E_USAGE);
}

/* Extracts the signature-time-stamp token and the signature value of a SignedData. */
static int extract_ts(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
    int rc = -1;
    CMS_SignerInfo *si = cms ? sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0) : NULL;
    int i = si ? CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1) : -1;
    ASN1_TYPE *t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, i), 0) : NULL;
    ASN1_OCTET_STRING *sv = si ? CMS_SignerInfo_get0_signature(si) : NULL;
    if (t && t->type == V_ASN1_SEQUENCE && sv &&
        fx_write(fx_path(dir, "sigts.der"), t->value.sequence->data,
                 (size_t)t->value.sequence->length) == 0 &&
        fx_write(fx_path(dir, "sigvalue.bin"), sv->data, (size_t)sv->length) == 0)
        rc = 0;
    CMS_ContentInfo_free(cms);
    return rc;
}

/* B-T: the signature-time-stamp stamps the signature value (EN 319 122-1 §5.3). */
static void sign_bt(ks_signer *s, ks_sig_scheme scheme, ks_md md, ks_cms_profile prof)
{
    char label[64];
    snprintf(label, sizeof label, "B-T scheme %d md %d profile %d", (int)scheme, (int)md,
             (int)prof);
    size_t clen = 20000;
    uint8_t *content = fx_random(clen), dg[64];
    fx_write(fx_path(dir, "bt.bin"), content, clen);
    ks_slice sl = {content, clen};
    ks_error e;
    ks_digest_slices(md, &sl, 1, dg, &e);
    ks_cms_sign_opts o = {
        .profile = prof, .md = md, .scheme = scheme, .tsa_url = url("/tsa"), .timeout_ms = 5000};
    uint8_t *der = NULL;
    size_t der_len = 0;
    ks_status st = ks_cms_sign_digest(s, dg, ks_md_len(md), &o, &der, &der_len, &e);
    CHECK_MSG(st == KS_OK, "%s: %s", label, e.msg_en);
    if (st) {
        free(content);
        return;
    }
    size_t est = ks_cms_estimate_size(s, &o);
    CHECK_MSG(der_len <= est && est < der_len + 12000, "%s: %zu vs estimate %zu", label, der_len,
              est);
    fx_write(fx_path(dir, "bt.der"), der, der_len);
    CHECK_MSG(ks_test_sh(NULL,
                         "cd '%s' && openssl cms -verify -binary -content bt.bin -inform DER "
                         "-in bt.der -noverify -out /dev/null 2>/dev/null",
                         dir) == 0,
              "%s: openssl cms -verify", label);
    CHECK(extract_ts(der, der_len) == 0);
    CHECK_MSG(ks_test_sh(NULL,
                         "cd '%s' && openssl ts -verify -in sigts.der -token_in -data sigvalue.bin "
                         "-CAfile root.pem -untrusted tsa.pem >/dev/null 2>&1",
                         dir) == 0,
              "%s: openssl ts -verify of the signature timestamp", label);
    ks_cms_result r;
    CHECK(ks_cms_verify_detached(der, der_len, &sl, 1, &r, &e) == KS_OK);
    CHECK_MSG(r.digest_ok && r.signature_ok && r.ess_cert_ok && r.sig_ts.present &&
                  r.sig_ts.imprint_ok && r.sig_ts.signature_ok && r.sig_ts.tsa_eku_ok,
              "%s: %s", label, r.detail);
    CHECK(strcmp(r.sig_ts.hash_name, ks_md_name(md)) == 0);
    CHECK(r.sig_ts.gen_time > 0 && labs((long)(r.sig_ts.gen_time - time(NULL))) < 60);
    ks_cms_result_free(&r);
    /* a flipped byte of the signature value: the timestamp no longer stamps it */
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
    CMS_SignerInfo *si = cms ? sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0) : NULL;
    ASN1_OCTET_STRING *sv = si ? CMS_SignerInfo_get0_signature(si) : NULL;
    uint8_t *at = sv ? fx_memmem(der, der_len, sv->data, (size_t)sv->length) : NULL;
    CHECK(at != NULL);
    if (at) {
        at[5] ^= 0x01;
        CHECK(ks_cms_verify_detached(der, der_len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(!r.signature_ok && r.sig_ts.present && !r.sig_ts.imprint_ok &&
                      r.sig_ts.signature_ok,
                  "%s", label);
        ks_cms_result_free(&r);
    }
    CMS_ContentInfo_free(cms);
    free(der);
    free(content);
}

static void test_bt(void)
{
    ks_signer *rsa = NULL, *ec = NULL;
    ks_error e;
    CHECK(ks_signer_from_p12(fx_path(dir, "rsa.p12"), "pw", &rsa, &e) == KS_OK);
    CHECK(ks_signer_from_p12(fx_path(dir, "ec.p12"), "", &ec, &e) == KS_OK);
    if (rsa && ec) {
        sign_bt(rsa, KS_SIG_RSA_PKCS1, KS_MD_SHA256, KS_CMS_CADES);
        sign_bt(rsa, KS_SIG_RSA_PSS, KS_MD_SHA384, KS_CMS_PKCS7);
        sign_bt(ec, KS_SIG_ECDSA, KS_MD_SHA256, KS_CMS_CADES);
        /* the TSA refuses SHA-512: signing fails, nothing half-made comes out */
        uint8_t dg[64] = {0}, *der = NULL;
        size_t der_len = 0;
        ks_cms_sign_opts o = {
            .md = KS_MD_SHA512, .scheme = KS_SIG_ECDSA, .tsa_url = url("/tsa"), .timeout_ms = 5000};
        CHECK(ks_cms_sign_digest(ec, dg, 64, &o, &der, &der_len, &e) == KS_E_IO);
        CHECK(der == NULL);
    }
    ks_signer_free(rsa);
    ks_signer_free(ec);
}

static X509 *load_pem(const char *name)
{
    FILE *f = fopen(fx_path(dir, name), "r");
    X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    return x;
}

static int ocsp_status(const uint8_t *der, size_t len, X509 *cert, X509 *issuer)
{
    const unsigned char *p = der;
    OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
    OCSP_BASICRESP *b = r ? OCSP_response_get1_basic(r) : NULL;
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
    int status = -1, reason = 0;
    if (!b || !id || !OCSP_resp_find_status(b, id, &status, &reason, NULL, NULL, NULL))
        status = -1;
    OCSP_CERTID_free(id);
    OCSP_BASICRESP_free(b);
    OCSP_RESPONSE_free(r);
    return status;
}

static void test_ocsp_crl(void)
{
    X509 *root = load_pem("root.pem"), *net = load_pem("net.pem"), *rev = load_pem("rev.pem");
    X509 *bare = load_pem("bare.pem");
    CHECK(root && net && rev && bare);
    if (!root || !net || !rev || !bare)
        goto done;
    ks_error e;
    uint8_t *der = NULL;
    size_t len = 0;
    ks_status st = ks_ocsp_fetch(NULL, net, root, NULL, 5000, &der, &len, &e);
    CHECK_MSG(st == KS_OK, "%s", e.msg_en);
    if (der) {
        CHECK(ocsp_status(der, len, net, root) == V_OCSP_CERTSTATUS_GOOD);
        fx_write(fx_path(dir, "net.ocsp"), der, len);
        CHECK(ks_test_sh(NULL,
                         "cd '%s' && openssl ocsp -respin net.ocsp -issuer root.pem -cert net.pem "
                         "-CAfile root.pem -no_nonce 2>/dev/null | grep -q 'net.pem: good'",
                         dir) == 0);
        free(der);
        der = NULL;
    }
    st = ks_ocsp_fetch(NULL, rev, root, NULL, 5000, &der, &len, &e);
    CHECK_MSG(st == KS_OK, "%s", e.msg_en);
    if (der) {
        CHECK(ocsp_status(der, len, rev, root) == V_OCSP_CERTSTATUS_REVOKED);
        free(der);
        der = NULL;
    }
    /* RFC 6960 §4.2.2.2: a responder the CA delegated to (OCSPSigning EKU) is accepted, another
     * certificate of the same CA is not */
    st = ks_ocsp_fetch(NULL, net, root, url("/ocsp-delegated"), 5000, &der, &len, &e);
    CHECK_MSG(st == KS_OK, "delegated: %s", e.msg_en);
    if (der)
        CHECK(ocsp_status(der, len, net, root) == V_OCSP_CERTSTATUS_GOOD);
    free(der);
    der = NULL;
    CHECK(ks_ocsp_fetch(NULL, net, root, url("/ocsp-rogue"), 5000, &der, &len, &e) == KS_E_CRYPTO);
    CHECK_MSG(der == NULL && strstr(e.msg_en, "not signed by the issuer"), "%s", e.msg_en);
    /* an explicit URL overrides the AIA; a certificate without AIA needs one */
    CHECK(ks_ocsp_fetch(NULL, bare, root, NULL, 5000, &der, &len, &e) == KS_E_FORMAT);
    CHECK(ks_ocsp_fetch(NULL, net, root, url("/status/503"), 5000, &der, &len, &e) == KS_E_IO);
    CHECK(strstr(e.msg_en, "503") != NULL);
    /* the response is signed by root, which is not the issuer we claim */
    X509 *tsa = load_pem("tsa.pem");
    CHECK(ks_ocsp_fetch(NULL, net, tsa, NULL, 5000, &der, &len, &e) != KS_OK && der == NULL);
    X509_free(tsa);

    st = ks_crl_fetch(NULL, net, 5000, &der, &len, &e);
    CHECK_MSG(st == KS_OK, "%s", e.msg_en);
    uint8_t *file = NULL;
    size_t flen = 0;
    if (der && ks_read_file(fx_path(dir, "root.crl.der"), 1 << 20, &file, &flen, &e) == KS_OK)
        CHECK(flen == len && memcmp(file, der, len) == 0);
    free(file);
    free(der);
    der = NULL;
    CHECK(ks_crl_fetch(NULL, bare, 5000, &der, &len, &e) == KS_E_FORMAT);
done:
    X509_free(root);
    X509_free(net);
    X509_free(rev);
    X509_free(bare);
}

/* adbe-revocationInfoArchival (ISO 32000-1 §12.8.3.3.2) with the CRL and OCSP response the
 * services above produced, signed by OpenSSL's CMS API: the verifier must collect both. */
static void test_archival(void)
{
    ks_error e;
    uint8_t *crl = NULL, *ocsp = NULL, *content = fx_random(3000);
    size_t crl_len = 0, ocsp_len = 0;
    CHECK(ks_read_file(fx_path(dir, "root.crl.der"), 1 << 20, &crl, &crl_len, &e) == KS_OK);
    CHECK(ks_read_file(fx_path(dir, "net.ocsp"), 1 << 20, &ocsp, &ocsp_len, &e) == KS_OK);
    ks_buf c0 = KS_BUF_INIT, c1 = KS_BUF_INIT, t0 = KS_BUF_INIT, t1 = KS_BUF_INIT;
    ks_buf body = KS_BUF_INIT, seq = KS_BUF_INIT;
    bool ok = crl && ocsp && ks_der_put(&c0, 0x30, crl, crl_len) &&
              ks_der_put(&t0, 0xA0, c0.data, c0.len) && ks_der_put(&c1, 0x30, ocsp, ocsp_len) &&
              ks_der_put(&t1, 0xA1, c1.data, c1.len) && ks_buf_append(&body, t0.data, t0.len) &&
              ks_buf_append(&body, t1.data, t1.len) && ks_der_put(&seq, 0x30, body.data, body.len);
    CHECK(ok);
    FILE *kf = fopen(fx_path(dir, "ec.key"), "r");
    EVP_PKEY *key = kf ? PEM_read_PrivateKey(kf, NULL, NULL, NULL) : NULL;
    if (kf)
        fclose(kf);
    X509 *cert = load_pem("ec.pem");
    BIO *in = BIO_new_mem_buf(content, 3000);
    unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
    CMS_ContentInfo *cms = ok && key && cert ? CMS_sign(NULL, NULL, NULL, NULL, flags) : NULL;
    CMS_SignerInfo *si = cms ? CMS_add1_signer(cms, cert, key, EVP_sha256(), flags) : NULL;
    ASN1_OBJECT *obj = OBJ_txt2obj("1.2.840.113583.1.1.8", 1);
    ok = si && obj &&
         CMS_signed_add1_attr_by_OBJ(si, obj, V_ASN1_SEQUENCE, seq.data, (int)seq.len) == 1 &&
         CMS_final(cms, in, NULL, flags & ~CMS_PARTIAL) == 1;
    CHECK(ok);
    unsigned char *der = NULL;
    int der_len = ok ? i2d_CMS_ContentInfo(cms, &der) : -1;
    if (der_len > 0) {
        ks_slice sl = {content, 3000};
        ks_cms_result r;
        CHECK(ks_cms_verify_detached(der, (size_t)der_len, &sl, 1, &r, &e) == KS_OK);
        CHECK_MSG(r.digest_ok && r.signature_ok, "%s", r.detail);
        CHECK(r.crls && sk_X509_CRL_num(r.crls) == 1 && r.ocsps &&
              sk_OCSP_RESPONSE_num(r.ocsps) == 1);
        if (r.crls && sk_X509_CRL_num(r.crls) == 1) {
            unsigned char *back = NULL;
            int bl = i2d_X509_CRL(sk_X509_CRL_value(r.crls, 0), &back);
            CHECK(bl > 0 && (size_t)bl == crl_len && memcmp(back, crl, crl_len) == 0);
            OPENSSL_free(back);
        }
        if (r.ocsps && sk_OCSP_RESPONSE_num(r.ocsps) == 1) {
            unsigned char *back = NULL;
            int bl = i2d_OCSP_RESPONSE(sk_OCSP_RESPONSE_value(r.ocsps, 0), &back);
            CHECK(bl > 0 && (size_t)bl == ocsp_len && memcmp(back, ocsp, ocsp_len) == 0);
            OPENSSL_free(back);
        }
        ks_cms_result_free(&r);
    }
    OPENSSL_free(der);
    ASN1_OBJECT_free(obj);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    X509_free(cert);
    EVP_PKEY_free(key);
    ks_buf bufs[] = {c0, c1, t0, t1, body, seq};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        ks_buf_free(&bufs[i]);
    free(crl);
    free(ocsp);
    free(content);
}

static void test_http(void)
{
    ks_error e;
    uint8_t *body = NULL;
    size_t len = 0;
    CHECK(ks_http_get(url("/file/root.pem"), 5000, 0, &body, &len, &e) == KS_OK);
    CHECK(body && len > 100 && memcmp(body, "-----BEGIN CERTIFICATE-----", 27) == 0);
    free(body);
    body = NULL;
    CHECK(ks_http_get(url("/status/404"), 5000, 0, &body, &len, &e) == KS_E_IO);
    CHECK(body == NULL && strstr(e.msg_en, "404") && strstr(e.msg_en, "/status/404"));
    CHECK(ks_http_post(url("/status/500"), "application/x", (const uint8_t *)"x", 1, 5000, 0, &body,
                       &len, &e) == KS_E_IO);
    CHECK(strstr(e.msg_en, "500") != NULL);
    CHECK(ks_http_get(url("/big"), 5000, 1 << 20, &body, &len, &e) == KS_E_LIMIT);
    CHECK(body == NULL && strstr(e.msg_en, "/big") != NULL);
    CHECK(ks_http_get(url("/big"), 5000, 4 << 20, &body, &len, &e) == KS_OK && len == 2 << 20);
    free(body);
    body = NULL;
    CHECK(ks_http_get("ftp://127.0.0.1/x", 5000, 0, &body, &len, &e) == KS_E_USAGE);
    CHECK(ks_http_get("file:///etc/passwd", 5000, 0, &body, &len, &e) == KS_E_USAGE);
    /* nobody listens on port 1 */
    CHECK(ks_http_get("http://127.0.0.1:1/", 2000, 0, &body, &len, &e) == KS_E_IO);
    CHECK(strstr(e.msg_en, "127.0.0.1:1") != NULL);
    /* a server slower than the timeout (last: the fixture serves one request at a time) */
    time_t t0 = time(NULL);
    CHECK(ks_http_get(url("/slow"), 500, 0, &body, &len, &e) == KS_E_IO);
    CHECK(time(NULL) - t0 < 4);
}

/* The caller's context decides how the library reaches the network: a fetcher that records each
 * URL (and forwards to the loopback server) sees the TSA, OCSP and CRL requests; a context
 * without a fetcher refuses with "no network access configured" and the server sees nothing. */
typedef struct rec_fetch {
    char urls[8][256];
    int n;
} rec_fetch;

static ks_status rec_fetch_fn(void *arg, const char *u, const char *ct, const uint8_t *body,
                              size_t body_len, long tmo, size_t max, uint8_t **out, size_t *out_len,
                              ks_error *err)
{
    rec_fetch *r = arg;
    if (r->n < 8)
        snprintf(r->urls[r->n++], sizeof r->urls[0], "%s", u);
    return ks_http_fetch(NULL, u, ct, body, body_len, tmo, max, out, out_len, err);
}

static void test_ctx_fetch(void)
{
    rec_fetch rec = {.n = 0};
    ks_ctx_opts co = {.fetch = rec_fetch_fn, .fetch_arg = &rec};
    ks_ctx *ctx = NULL, *offline = NULL;
    ks_error e;
    CHECK(ks_ctx_new(&co, &ctx, &e) == KS_OK);
    CHECK(ks_ctx_new(NULL, &offline, &e) == KS_OK);
    ks_signer *ec = NULL;
    CHECK(ks_signer_from_p12(fx_path(dir, "ec.p12"), "", &ec, &e) == KS_OK);
    X509 *root = load_pem("root.pem"), *net = load_pem("net.pem");
    if (!ctx || !offline || !ec || !root || !net)
        goto done;
    uint8_t dg[32] = {1, 2, 3}, *der = NULL;
    size_t len = 0;
    ks_cms_sign_opts o = {.profile = KS_CMS_CADES,
                          .md = KS_MD_SHA256,
                          .scheme = KS_SIG_ECDSA,
                          .tsa_url = url("/tsa"),
                          .timeout_ms = 5000,
                          .ctx = ctx};
    ks_status st = ks_cms_sign_digest(ec, dg, 32, &o, &der, &len, &e);
    CHECK_MSG(st == KS_OK, "B-T through the context: %s", e.msg_en);
    free(der);
    der = NULL;
    CHECK(ks_ocsp_fetch(ctx, net, root, NULL, 5000, &der, &len, &e) == KS_OK);
    free(der);
    der = NULL;
    CHECK(ks_crl_fetch(ctx, net, 5000, &der, &len, &e) == KS_OK);
    free(der);
    der = NULL;
    CHECK_MSG(rec.n == 3, "the context's fetcher saw %d requests", rec.n);
    CHECK(rec.n > 0 && strcmp(rec.urls[0], url("/tsa")) == 0);
    CHECK(rec.n > 1 && strcmp(rec.urls[1], url("/ocsp")) == 0);
    CHECK(rec.n > 2 && strcmp(rec.urls[2], url("/file/root.crl.der")) == 0);
    /* no fetcher: a clear refusal, nothing sent */
    o.ctx = offline;
    CHECK(ks_cms_sign_digest(ec, dg, 32, &o, &der, &len, &e) == KS_E_USAGE && der == NULL);
    CHECK_MSG(strstr(e.msg_en, "no network access configured") != NULL, "%s", e.msg_en);
    CHECK(ks_ocsp_fetch(offline, net, root, NULL, 5000, &der, &len, &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "no network access configured") != NULL && der == NULL);
    CHECK(ks_crl_fetch(offline, net, 5000, &der, &len, &e) == KS_E_USAGE && der == NULL);
    CHECK(rec.n == 3);
done:
    X509_free(root);
    X509_free(net);
    ks_signer_free(ec);
    ks_ctx_free(ctx);
    ks_ctx_free(offline);
}

int main(void)
{
    dir = strdup(ks_test_tmpdir("cms-network"));
    int rc = fx_make_pki(dir, 2048);
    CHECK(rc == 0);
    if (rc == 0 && fx_server_start(&srv, dir) == 0) {
        rc = setup_services();
        CHECK(rc == 0);
        if (rc == 0) {
            test_tsa_direct();
            test_bt();
            test_ocsp_crl();
            test_archival();
            test_http();
            test_ctx_fetch();
        }
        fx_server_stop(&srv);
    }
    free((void *)dir);
    return ks_test_done();
}
