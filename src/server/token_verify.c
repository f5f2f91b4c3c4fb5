/* server/token_verify.c — the pure checks of what a browser's kyso-agent sends, apart from the
 * server so that a fuzz target reaches them (fuzz/fuzz_token_auth.c): a base64 DER
 * certificate, and a Web eID "web-eid:1.0" authentication token's signature over
 * hash(origin) ‖ hash(nonce) (RS256, or ES256/ES384/ES512 as JWS's raw r ‖ s). */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "api_token.h"

X509 *token_cert_decode(const char *b64, char sha256[65])
{
    size_t n = b64 ? strlen(b64) : 0, der_len = 0;
    uint8_t *der = n && n < 16384 ? malloc(n) : NULL;
    X509 *x = NULL;
    if (der && sodium_base642bin(der, n, b64, n, NULL, &der_len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) == 0) {
        const unsigned char *p = der;
        x = d2i_X509(NULL, &p, (long)der_len);
        if (x && p != der + der_len) { /* trailing bytes: not one DER certificate */
            X509_free(x);
            x = NULL;
        }
    }
    if (x) {
        uint8_t md[32];
        crypto_hash_sha256(md, der, der_len);
        sodium_bin2hex(sha256, 65, md, sizeof md);
    }
    free(der);
    return x;
}

/* The digest of the algorithm the token names, and whether the key fits it. */
static const EVP_MD *alg_md(const char *alg, EVP_PKEY *pk, bool *ec)
{
    int type = EVP_PKEY_get_base_id(pk);
    *ec = type == EVP_PKEY_EC;
    if (strcmp(alg, "RS256") == 0 && type == EVP_PKEY_RSA)
        return EVP_sha256();
    if (!*ec)
        return NULL;
    int bits = EVP_PKEY_get_bits(pk);
    if (strcmp(alg, "ES256") == 0 && bits == 256)
        return EVP_sha256();
    if (strcmp(alg, "ES384") == 0 && bits == 384)
        return EVP_sha384();
    if (strcmp(alg, "ES512") == 0 && bits == 521)
        return EVP_sha512();
    return NULL;
}

/* JWS's r ‖ s as the DER ECDSA-Sig-Value OpenSSL verifies; *out malloc'd. */
static bool raw_to_der(const uint8_t *sig, size_t len, uint8_t **out, size_t *out_len)
{
    if (len == 0 || len % 2 || len > 132)
        return false;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(sig, (int)(len / 2), NULL);
    BIGNUM *bs = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
    if (!s || !br || !bs || !ECDSA_SIG_set0(s, br, bs)) {
        BN_free(br);
        BN_free(bs);
        ECDSA_SIG_free(s);
        return false;
    }
    unsigned char *der = NULL;
    int n = i2d_ECDSA_SIG(s, &der);
    ECDSA_SIG_free(s);
    if (n <= 0)
        return false;
    *out = der;
    *out_len = (size_t)n;
    return true;
}

/* Verifies `sig_b64` over hash(origin) ‖ hash(nonce) with the certificate's key. */
bool token_auth_verifies(X509 *cert, const char *alg, const char *sig_b64, const char *origin,
                         const char *nonce)
{
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    bool ec = false;
    const EVP_MD *md = pk ? alg_md(alg, pk, &ec) : NULL;
    size_t n = strlen(sig_b64), sig_len = 0, der_len = 0;
    uint8_t *sig = md && n < 4096 ? malloc(n + 1) : NULL, *der = NULL;
    bool ok = false;
    if (!sig || sodium_base642bin(sig, n + 1, sig_b64, n, NULL, &sig_len, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0)
        goto done;
    unsigned char data[128];
    unsigned int hl = 0, hl2 = 0;
    if (!EVP_Digest(origin, strlen(origin), data, &hl, md, NULL) ||
        !EVP_Digest(nonce, strlen(nonce), data + hl, &hl2, md, NULL))
        goto done;
    const uint8_t *v = sig;
    size_t vlen = sig_len;
    if (ec) {
        if (!raw_to_der(sig, sig_len, &der, &der_len))
            goto done;
        v = der;
        vlen = der_len;
    }
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    ok = mc && EVP_DigestVerifyInit(mc, NULL, md, NULL, pk) == 1 &&
         EVP_DigestVerify(mc, v, vlen, data, hl + hl2) == 1;
    EVP_MD_CTX_free(mc);
done:
    free(sig);
    OPENSSL_free(der);
    return ok;
}
