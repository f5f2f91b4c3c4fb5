/* pki/token_key.c — CA keys that live in a PKCS#11 token: an EVP_PKEY whose private-key
 * operation is a ks_signer (C_Sign in the token), so that OpenSSL's own certificate, CRL, OCSP
 * and timestamp signing code works unchanged; and where each CA-side key of a directory lives. */

/* The RSA_METHOD / EC_KEY_METHOD hooks are OpenSSL's documented way to route a key's private
 * operation elsewhere; OpenSSL 3 marks them deprecated in favour of writing a provider, which is
 * far more code for the same effect. Keys with such a method take OpenSSL's legacy path. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "kyso/token.h"
#include "pki_internal.h"

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_rsa_idx = -1, g_ec_idx = -1;
static RSA_METHOD *g_rsa_meth;
static EC_KEY_METHOD *g_ec_meth;

static bool md_of_len(size_t len, ks_md *md)
{
    switch (len) {
    case 32:
        *md = KS_MD_SHA256;
        return true;
    case 48:
        *md = KS_MD_SHA384;
        return true;
    case 64:
        *md = KS_MD_SHA512;
        return true;
    }
    return false;
}

static int rsa_sign_cb(int type, const unsigned char *m, unsigned int m_len, unsigned char *sig,
                       unsigned int *siglen, const RSA *rsa)
{
    ks_signer *s = RSA_get_ex_data(rsa, g_rsa_idx);
    ks_md md;
    if (!s || !md_of_len(m_len, &md) || EVP_MD_get_type(ks_md_evp(md)) != type)
        return 0;
    size_t n = (size_t)RSA_size(rsa);
    if (s->sign(s, KS_SIG_RSA_PKCS1, md, m, m_len, sig, &n, NULL) != KS_OK)
        return 0;
    *siglen = (unsigned int)n;
    return 1;
}

static int ec_sign_cb(int type, const unsigned char *dgst, int dlen, unsigned char *sig,
                      unsigned int *siglen, const BIGNUM *kinv, const BIGNUM *r, EC_KEY *eckey)
{
    (void)type;
    (void)kinv;
    (void)r;
    ks_signer *s = EC_KEY_get_ex_data(eckey, g_ec_idx);
    ks_md md;
    if (!s || dlen < 0 || !md_of_len((size_t)dlen, &md))
        return 0;
    size_t n = (size_t)ECDSA_size(eckey);
    if (s->sign(s, KS_SIG_ECDSA, md, dgst, (size_t)dlen, sig, &n, NULL) != KS_OK)
        return 0;
    *siglen = (unsigned int)n;
    return 1;
}

static ECDSA_SIG *ec_sign_sig_cb(const unsigned char *dgst, int dlen, const BIGNUM *kinv,
                                 const BIGNUM *r, EC_KEY *eckey)
{
    unsigned char der[256];
    unsigned int n = 0;
    if (ECDSA_size(eckey) > (int)sizeof der || !ec_sign_cb(0, dgst, dlen, der, &n, kinv, r, eckey))
        return NULL;
    const unsigned char *p = der;
    return d2i_ECDSA_SIG(NULL, &p, (long)n);
}

static void init_methods(void)
{
    g_rsa_idx = RSA_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    g_ec_idx = EC_KEY_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    g_rsa_meth = RSA_meth_dup(RSA_PKCS1_OpenSSL());
    if (g_rsa_meth) {
        RSA_meth_set1_name(g_rsa_meth, "kyso PKCS#11");
        RSA_meth_set_sign(g_rsa_meth, rsa_sign_cb);
    }
    g_ec_meth = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
    if (g_ec_meth) {
        int (*setup)(EC_KEY *, BN_CTX *, BIGNUM **, BIGNUM **) = NULL;
        EC_KEY_METHOD_get_sign(EC_KEY_OpenSSL(), NULL, &setup, NULL);
        EC_KEY_METHOD_set_sign(g_ec_meth, ec_sign_cb, setup, ec_sign_sig_cb);
    }
}

ks_status ks_pki_signer_pkey(ks_signer *signer, EVP_PKEY *pub, EVP_PKEY **out, ks_error *err)
{
    *out = NULL;
    pthread_once(&g_once, init_methods);
    EVP_PKEY *pk = EVP_PKEY_new();
    bool ok = false;
    if (pk && EVP_PKEY_get_base_id(pub) == EVP_PKEY_RSA && g_rsa_meth && g_rsa_idx >= 0) {
        RSA *src = EVP_PKEY_get1_RSA(pub);
        RSA *rsa = src ? RSAPublicKey_dup(src) : NULL;
        RSA_free(src);
        ok = rsa && RSA_set_method(rsa, g_rsa_meth) && RSA_set_ex_data(rsa, g_rsa_idx, signer) &&
             EVP_PKEY_assign_RSA(pk, rsa);
        if (!ok)
            RSA_free(rsa);
    } else if (pk && EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC && g_ec_meth && g_ec_idx >= 0) {
        EC_KEY *src = EVP_PKEY_get1_EC_KEY(pub);
        EC_KEY *ec = src ? EC_KEY_dup(src) : NULL;
        EC_KEY_free(src);
        ok = ec && EC_KEY_set_method(ec, g_ec_meth) && EC_KEY_set_ex_data(ec, g_ec_idx, signer) &&
             EVP_PKEY_assign_EC_KEY(pk, ec);
        if (!ok)
            EC_KEY_free(ec);
    }
    ERR_clear_error();
    if (!ok) {
        EVP_PKEY_free(pk);
        return ks_error_set(err, KS_E_CRYPTO, N_("cannot use the token key of type %s"),
                            EVP_PKEY_get0_type_name(pub) ? EVP_PKEY_get0_type_name(pub) : "?");
    }
    *out = pk;
    return KS_OK;
}

ks_status ks_pki_role_key(sqlite3 *db, const char *dir, const char *role_file, const char *pin,
                          X509 *cert, EVP_PKEY **key, ks_signer **signer, ks_error *err)
{
    char module[1024] = "", token[64] = "", path[4096] = "";
    *key = NULL;
    *signer = NULL;
    ks_status st = KS_OK;
    if (ks_pki_meta_get(db, "pkcs11_module", module, sizeof module, NULL) != KS_OK || !module[0]) {
        snprintf(path, sizeof path, "%s/private/%s.key", dir, role_file);
        st = ks_pki_key_load(path, key, err);
    } else {
        char label[64];
        snprintf(label, sizeof label, "kyso-%s", role_file);
        if ((st = ks_pki_meta_get(db, "token_label", token, sizeof token, err)) != KS_OK)
            return st;
        if (!pin)
            return ks_error_set(err, KS_E_TOKEN,
                                N_("the keys of this CA are in token \"%s\": its user PIN is "
                                   "needed"),
                                token);
        if ((st = ks_token_key_signer(module, token, label, pin, signer, err)) != KS_OK)
            return st;
        st = ks_pki_signer_pkey(*signer, X509_get0_pubkey(cert), key, err);
    }
    if (st == KS_OK && X509_check_private_key(cert, *key) != 1) {
        ERR_clear_error();
        st = ks_error_set(err, KS_E_CRYPTO, N_("the key of \"%s\" does not match its file %s"),
                          role_file, path[0] ? path : module);
    }
    if (st != KS_OK) {
        EVP_PKEY_free(*key);
        ks_signer_free(*signer);
        *key = NULL;
        *signer = NULL;
    }
    return st;
}
