/* Token tests against a real PKCS#11 module (SoftHSM2) in a private token store under the build
 * directory: init, keygen (RSA-3072, EC P-256), non-exportable keys, signing through
 * ks_token_signer checked by OpenSSL with the public key, certificates, PKCS#12 import, wrong
 * PINs, PIN change and SO unblock. SoftHSM2 has no retry limit, so the locked / final-try
 * messages are covered by test_pin_messages.c with the flag values instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "p11_internal.h"
#include "test.h"

#define TOK "kyso-unit"
#define SO "so-12345678"
#define PIN "pin-1111"
#define PIN2 "pin-2222"
#define PIN3 "pin-3333"

static const char *g_mod;
static char g_dir[1024];

static const char *find_module(void)
{
    const char *m = getenv("KYSO_P11_MODULE");
    if (m && *m)
        return m;
    static const char *const cands[] = {
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    };
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct stat st;
        if (stat(cands[i], &st) == 0)
            return cands[i];
    }
    return NULL;
}

/* A private SoftHSM2 store: $KYSO_BUILD/test-token-unit/{tokens,softhsm2.conf}. */
static bool setup_store(void)
{
    const char *b = getenv("KYSO_BUILD");
    snprintf(g_dir, sizeof g_dir, "%s/test-token-unit", b && *b ? b : ".");
    char cmd[1200], path[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/tokens'", g_dir, g_dir);
    if (system(cmd) != 0)
        return false;
    snprintf(path, sizeof path, "%s/softhsm2.conf", g_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
            g_dir);
    fclose(f);
    return setenv("SOFTHSM2_CONF", path, 1) == 0;
}

static const EVP_MD *evp(ks_md md)
{
    return md == KS_MD_SHA512 ? EVP_sha512() : md == KS_MD_SHA384 ? EVP_sha384() : EVP_sha256();
}

/* OpenSSL as the oracle: 1 when `sig` is a valid signature of `dg` under `pub`. */
static int ossl_verify(EVP_PKEY *pub, ks_sig_scheme sch, ks_md md, const uint8_t *dg, size_t dl,
                       const uint8_t *sig, size_t sl)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pub, NULL);
    int r = c && EVP_PKEY_verify_init(c) > 0;
    if (r && sch == KS_SIG_RSA_PKCS1)
        r = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0;
    if (r && sch == KS_SIG_RSA_PSS)
        r = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(c, (int)dl) > 0 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(c, evp(md)) > 0;
    if (r)
        r = EVP_PKEY_CTX_set_signature_md(c, evp(md)) > 0;
    if (r)
        r = EVP_PKEY_verify(c, sig, sl, dg, dl) == 1;
    EVP_PKEY_CTX_free(c);
    return r;
}

/* Signs a random digest with `s` and checks it with OpenSSL; also that a changed digest fails. */
static void sign_and_check(ks_signer *s, EVP_PKEY *pub, ks_sig_scheme sch, ks_md md)
{
    uint8_t dg[64], sig[1024];
    size_t dl = ks_p11_md_len(md), sl = sizeof sig;
    ks_error e;
    RAND_bytes(dg, (int)dl);
    ks_status st = s->sign(s, sch, md, dg, dl, sig, &sl, &e);
    CHECK(st == KS_OK);
    if (st != KS_OK) {
        fprintf(stderr, "  sign: %s\n", e.msg_en);
        return;
    }
    CHECK(sl <= s->max_sig_len);
    CHECK(ossl_verify(pub, sch, md, dg, dl, sig, sl) == 1);
    dg[0] ^= 1;
    CHECK(ossl_verify(pub, sch, md, dg, dl, sig, sl) == 0);
}

/* A certificate for `subject_key`, issued by a throwaway OpenSSL key (any issuer will do: the
 * token only checks that the certificate's public key is the key's). */
static X509 *make_cert(EVP_PKEY *subject_key, const char *cn)
{
    EVP_PKEY *issuer = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 42);
    X509_set_version(x, 2);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, subject_key);
    X509_sign(x, issuer, EVP_sha256());
    X509_NAME_free(n);
    EVP_PKEY_free(issuer);
    return x;
}

static ks_status open_user(ks_p11_sess *s, const char *pin)
{
    return ks_p11_open(g_mod, TOK, false, CKU_USER, pin, s, NULL);
}

/* The private key's secret parts cannot be read, and the attributes say so. `generated`: made
 * in the token, so it was never extractable (an imported key was, before the import). */
static void check_not_exportable(const char *label, CK_ATTRIBUTE_TYPE secret, bool generated)
{
    ks_p11_sess s;
    CHECK(open_user(&s, PIN) == KS_OK);
    CK_OBJECT_HANDLE h[2];
    size_t n = 0;
    CHECK(ks_p11_find(&s, CKO_PRIVATE_KEY, label, NULL, 0, h, 2, &n, NULL) == KS_OK && n == 1);
    if (n == 1) {
        uint8_t buf[1024];
        CK_ATTRIBUTE a = {secret, buf, sizeof buf};
        CK_RV rv = s.p->f->C_GetAttributeValue(s.h, h[0], &a, 1);
        CHECK(rv == CKR_ATTRIBUTE_SENSITIVE);
        CHECK(a.ulValueLen == CK_UNAVAILABLE_INFORMATION);
        CHECK(!ks_p11_attr_bool(&s, h[0], CKA_EXTRACTABLE));
        CHECK(ks_p11_attr_bool(&s, h[0], CKA_SENSITIVE));
        CHECK(ks_p11_attr_bool(&s, h[0], CKA_NEVER_EXTRACTABLE) == generated);
        CHECK(ks_p11_attr_bool(&s, h[0], CKA_TOKEN));
        /* our reader reports the same refusal as a KS_E_TOKEN error */
        uint8_t *v = NULL;
        size_t vl = 0;
        ks_error e;
        CHECK(ks_p11_attr(&s, h[0], secret, &v, &vl, &e) == KS_E_TOKEN && v == NULL);
        CHECK(strstr(e.msg_en, "CKR_ATTRIBUTE_SENSITIVE") != NULL);
    }
    ks_p11_close(&s);
}

static void test_init(void)
{
    ks_error e;
    CHECK(ks_token_init(g_mod, "", SO, PIN, &e) == KS_E_USAGE);
    CHECK(ks_token_init(g_mod, "a-label-that-is-longer-than-32-bytes", SO, PIN, &e) == KS_E_USAGE);
    /* a PIN the token would refuse is caught before C_InitToken, leaving the slot untouched */
    CHECK(ks_token_init(g_mod, TOK, SO, "12", &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "user PIN: 2") != NULL && strstr(e.msg_en, "\"12\"") == NULL);
    ks_status st = ks_token_init(g_mod, TOK, SO, PIN, &e);
    CHECK(st == KS_OK);
    if (st != KS_OK)
        fprintf(stderr, "  init: %s\n", e.msg_en);
    ks_p11 *p = NULL;
    CHECK(ks_p11_load(g_mod, &p, &e) == KS_OK);
    ks_token_info ti;
    CHECK(ks_p11_find_token(p, TOK, &ti, &e) == KS_OK);
    CHECK(ti.initialized && ti.user_pin_initialized && ti.login_required);
    CHECK_STR(ks_token_pin_state(&ti), "ready");
    /* NULL label: the only initialised token (SoftHSM2 also shows an empty slot) */
    ks_token_info ti2;
    CHECK(ks_p11_find_token(p, NULL, &ti2, &e) == KS_OK && ti2.slot == ti.slot);
    CHECK(ks_p11_find_token(p, "no-such-token", &ti2, &e) == KS_E_TOKEN);
    CHECK(strstr(e.msg_en, "no-such-token") != NULL);
    ks_p11_unload(p);
    CHECK(ks_p11_load("/nonexistent/libnothing.so", &p, &e) == KS_E_TOKEN && p == NULL);
    CHECK(strstr(e.msg_en, "/nonexistent/libnothing.so") != NULL);
}

static EVP_PKEY *g_rsa_pub, *g_ec_pub;

static void test_keygen(void)
{
    ks_error e;
    ks_status st = ks_token_keygen(g_mod, TOK, PIN, "rsa", "rsa:3072", &g_rsa_pub, &e);
    CHECK(st == KS_OK);
    if (st != KS_OK)
        fprintf(stderr, "  keygen: %s\n", e.msg_en);
    CHECK(g_rsa_pub && EVP_PKEY_get_base_id(g_rsa_pub) == EVP_PKEY_RSA &&
          EVP_PKEY_get_bits(g_rsa_pub) == 3072);
    CHECK(ks_token_keygen(g_mod, TOK, PIN, "ec", "ec:P-256", &g_ec_pub, &e) == KS_OK);
    CHECK(g_ec_pub && EVP_PKEY_get_base_id(g_ec_pub) == EVP_PKEY_EC &&
          EVP_PKEY_get_bits(g_ec_pub) == 256);
    EVP_PKEY *x = NULL;
    CHECK(ks_token_keygen(g_mod, TOK, PIN, "rsa", "rsa:2048", &x, &e) == KS_E_USAGE && !x);
    CHECK(ks_token_keygen(g_mod, TOK, PIN, "dsa", "dsa:1024", &x, &e) == KS_E_USAGE && !x);
    CHECK(ks_token_keygen(g_mod, TOK, "wrong", "k", "ec:P-256", &x, &e) == KS_E_TOKEN && !x);

    check_not_exportable("rsa", CKA_PRIVATE_EXPONENT, true);
    check_not_exportable("rsa", CKA_PRIME_1, true);
    check_not_exportable("ec", CKA_VALUE, true);
}

static void test_sign(void)
{
    ks_error e;
    ks_signer *s = NULL;
    /* no certificate yet: the signer for documents refuses, the key signer works */
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN, &s, &e) == KS_E_TOKEN && !s);
    CHECK(strstr(e.msg_en, "no certificate") != NULL);
    CHECK(ks_token_key_signer(g_mod, TOK, "rsa", PIN, &s, &e) == KS_OK);
    if (s) {
        CHECK(s->cert == NULL && s->key_type == EVP_PKEY_RSA && s->key_bits == 3072);
        CHECK(s->max_sig_len == 384);
        sign_and_check(s, g_rsa_pub, KS_SIG_RSA_PKCS1, KS_MD_SHA256);
        sign_and_check(s, g_rsa_pub, KS_SIG_RSA_PKCS1, KS_MD_SHA512);
        sign_and_check(s, g_rsa_pub, KS_SIG_RSA_PSS, KS_MD_SHA256);
        sign_and_check(s, g_rsa_pub, KS_SIG_RSA_PSS, KS_MD_SHA384);
        uint8_t dg[32] = {0}, sig[512];
        size_t sl = sizeof sig;
        CHECK(s->sign(s, KS_SIG_ECDSA, KS_MD_SHA256, dg, 32, sig, &sl, &e) == KS_E_USAGE);
        CHECK(s->sign(s, KS_SIG_RSA_PKCS1, KS_MD_SHA384, dg, 32, sig, &sl, &e) == KS_E_USAGE);
        sl = 100;
        CHECK(s->sign(s, KS_SIG_RSA_PKCS1, KS_MD_SHA256, dg, 32, sig, &sl, &e) == KS_E_USAGE);

        /* While this signer holds the token's login, a wrong PIN must still be refused. */
        ks_signer *s2 = NULL;
        CHECK(ks_token_key_signer(g_mod, TOK, "ec", "not-the-pin", &s2, &e) == KS_E_TOKEN);
        CHECK(s2 == NULL && strstr(e.msg_en, "wrong user PIN") != NULL);
        CHECK(ks_token_key_signer(g_mod, TOK, "ec", PIN, &s2, &e) == KS_OK);
        if (s2) {
            CHECK(s2->key_type == EVP_PKEY_EC && s2->key_bits == 256);
            sign_and_check(s2, g_ec_pub, KS_SIG_ECDSA, KS_MD_SHA256);
            sign_and_check(s2, g_ec_pub, KS_SIG_ECDSA, KS_MD_SHA384);
            CHECK(s2->sign(s2, KS_SIG_RSA_PKCS1, KS_MD_SHA256, dg, 32, sig, &sl, &e) == KS_E_USAGE);
        }
        ks_signer_free(s2);
    }
    ks_signer_free(s);
    /* several keys and no label: the caller must choose */
    CHECK(ks_token_key_signer(g_mod, TOK, NULL, PIN, &s, &e) == KS_E_USAGE && !s);
    CHECK(ks_token_key_signer(g_mod, TOK, "nokey", PIN, &s, &e) == KS_E_TOKEN && !s);
}

static void test_put_cert(void)
{
    ks_error e;
    X509 *rc = make_cert(g_rsa_pub, "Nguyễn Văn A");
    X509 *ec = make_cert(g_ec_pub, "Văn thư");
    CHECK(ks_token_put_cert(g_mod, TOK, PIN, "rsa", ec, &e) == KS_E_TRUST);
    CHECK(ks_token_put_cert(g_mod, TOK, PIN, "rsa", rc, &e) == KS_OK);
    CHECK(ks_token_put_cert(g_mod, TOK, PIN, "ec", ec, &e) == KS_OK);
    /* storing again replaces (one certificate per key) */
    CHECK(ks_token_put_cert(g_mod, TOK, PIN, "ec", ec, &e) == KS_OK);
    ks_signer *s = NULL;
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN, &s, &e) == KS_OK);
    if (s) {
        CHECK(s->cert && X509_cmp(s->cert, rc) == 0);
        sign_and_check(s, X509_get0_pubkey(s->cert), KS_SIG_RSA_PKCS1, KS_MD_SHA256);
    }
    ks_signer_free(s);
    s = NULL;
    CHECK(ks_token_signer(g_mod, TOK, "ec", PIN, &s, &e) == KS_OK);
    if (s) {
        CHECK(s->cert && X509_cmp(s->cert, ec) == 0);
        sign_and_check(s, X509_get0_pubkey(s->cert), KS_SIG_ECDSA, KS_MD_SHA256);
    }
    ks_signer_free(s);
    ks_token_obj *objs = NULL;
    size_t n = 0, certs = 0;
    ks_p11 *p = NULL;
    CHECK(ks_p11_load(g_mod, &p, &e) == KS_OK);
    CHECK(ks_p11_list_objects(p, TOK, PIN, &objs, &n, &e) == KS_OK);
    for (size_t i = 0; i < n; i++)
        certs += objs[i].kind == 1;
    CHECK(n == 6 && certs == 2);
    free(objs);
    ks_p11_unload(p);
    X509_free(rc);
    X509_free(ec);
}

/* PKCS#12 import: the key becomes a non-extractable token key that signs for its certificate. */
static void import_one(EVP_PKEY *key, const char *label, ks_sig_scheme sch)
{
    ks_error e;
    X509 *cert = make_cert(key, label);
    PKCS12 *p12 = PKCS12_create("pw-p12", label, key, cert, NULL, 0, 0, 0, 0, 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.p12", g_dir, label);
    FILE *f = fopen(path, "wb");
    CHECK(p12 && f && i2d_PKCS12_fp(f, p12) == 1);
    if (f)
        fclose(f);
    CHECK(ks_token_import_p12(g_mod, TOK, PIN, label, path, "wrong", &e) == KS_E_PASSWORD);
    ks_status st = ks_token_import_p12(g_mod, TOK, PIN, label, path, "pw-p12", &e);
    CHECK(st == KS_OK);
    if (st != KS_OK)
        fprintf(stderr, "  import %s: %s\n", label, e.msg_en);
    CHECK(ks_token_import_p12(g_mod, TOK, PIN, label, path, "pw-p12", &e) == KS_E_USAGE);
    check_not_exportable(label, sch == KS_SIG_ECDSA ? CKA_VALUE : CKA_PRIVATE_EXPONENT, false);
    ks_signer *s = NULL;
    CHECK(ks_token_signer(g_mod, TOK, label, PIN, &s, &e) == KS_OK);
    if (s) {
        CHECK(s->cert && X509_cmp(s->cert, cert) == 0);
        sign_and_check(s, key, sch, KS_MD_SHA256);
    }
    ks_signer_free(s);
    PKCS12_free(p12);
    X509_free(cert);
}

static void test_import(void)
{
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    EVP_PKEY *ec = EVP_EC_gen("P-384");
    import_one(rsa, "imported-rsa", KS_SIG_RSA_PKCS1);
    import_one(ec, "imported-ec", KS_SIG_ECDSA);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
    ks_error e;
    CHECK(ks_token_import_p12(g_mod, TOK, PIN, "x", "/nonexistent.p12", "", &e) == KS_E_IO);
}

static void test_pins(void)
{
    ks_error e;
    ks_signer *s = NULL;
    CHECK(ks_token_signer(g_mod, TOK, "rsa", NULL, &s, &e) == KS_E_USAGE && !s);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", "", &s, &e) == KS_E_USAGE && !s);
    ks_status st = ks_token_signer(g_mod, TOK, "rsa", "0000", &s, &e);
    CHECK(st == KS_E_TOKEN && !s);
    CHECK(strstr(e.msg_en, "wrong user PIN for token \"" TOK "\"") != NULL);
    CHECK(strstr(e.msg_en, "0000") == NULL && strstr(e.text.parts[0].strs, "0000") == NULL);

    CHECK(ks_token_change_pin(g_mod, TOK, "0000", PIN2, &e) == KS_E_TOKEN);
    CHECK(ks_token_change_pin(g_mod, TOK, PIN, PIN2, &e) == KS_OK);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN, &s, &e) == KS_E_TOKEN && !s);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN2, &s, &e) == KS_OK);
    ks_signer_free(s);
    s = NULL;

    /* recovery: a wrong SO PIN does nothing; the SO PIN sets a new user PIN */
    CHECK(ks_token_unblock(g_mod, TOK, "wrong-so", PIN3, &e) == KS_E_TOKEN);
    CHECK(strstr(e.msg_en, "wrong SO PIN") != NULL && strstr(e.msg_en, "wrong-so") == NULL);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN2, &s, &e) == KS_OK);
    ks_signer_free(s);
    s = NULL;
    CHECK(ks_token_unblock(g_mod, TOK, NULL, PIN3, &e) == KS_E_USAGE);
    st = ks_token_unblock(g_mod, TOK, SO, PIN3, &e);
    CHECK(st == KS_OK);
    if (st != KS_OK)
        fprintf(stderr, "  unblock: %s\n", e.msg_en);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN2, &s, &e) == KS_E_TOKEN && !s);
    CHECK(ks_token_signer(g_mod, TOK, "rsa", PIN3, &s, &e) == KS_OK);
    if (s)
        sign_and_check(s, g_rsa_pub, KS_SIG_RSA_PKCS1, KS_MD_SHA256);
    ks_signer_free(s);
}

int main(void)
{
    g_mod = find_module();
    CHECK(g_mod != NULL);
    CHECK(setup_store());
    if (!g_mod)
        return ks_test_done();
    test_init();
    test_keygen();
    test_sign();
    test_put_cert();
    test_import();
    test_pins();
    EVP_PKEY_free(g_rsa_pub);
    EVP_PKEY_free(g_ec_pub);
    return ks_test_done();
}
