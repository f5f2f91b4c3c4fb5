/* cms/signer_file.c — ks_signer backed by a private key in a file (PKCS#12, or PEM/DER key plus
 * certificate): loads key, certificate and chain, and signs precomputed digests with
 * RSASSA-PKCS1-v1_5, RSASSA-PSS or ECDSA. The token module fills the same structure. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "cms_internal.h"

#define KS_KEYFILE_MAX (4u * 1024 * 1024)

static ks_status file_sign(ks_signer *s, ks_sig_scheme scheme, ks_md md, const uint8_t *digest,
                           size_t digest_len, uint8_t *sig, size_t *sig_len, ks_error *err)
{
    EVP_PKEY *pkey = s->ctx;
    EVP_PKEY_CTX *pctx = NULL;
    ks_status st = KS_OK;
    char why[160];
    if (!pkey || !digest || !sig || !sig_len)
        return ks_error_set(err, KS_E_USAGE, N_("signer has no key or no output buffer"));
    if (digest_len != ks_md_len(md))
        return ks_error_set(err, KS_E_USAGE, N_("digest is %zu bytes, %s needs %zu"), digest_len,
                            ks_md_name(md), ks_md_len(md));
    bool rsa = s->key_type == EVP_PKEY_RSA;
    if ((scheme == KS_SIG_ECDSA) == rsa)
        return ks_error_set(err, KS_E_USAGE,
                            N_("signature scheme %d does not fit the signer's %s key"), (int)scheme,
                            rsa ? "RSA" : "EC");
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    if (!pctx || EVP_PKEY_sign_init(pctx) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(pctx, ks_md_evp(md)) <= 0)
        goto crypto;
    if (rsa) {
        int pad = scheme == KS_SIG_RSA_PSS ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, pad) <= 0)
            goto crypto;
        /* EN 319 122-1 / RFC 4055: MGF1 with the same hash, salt as long as the hash */
        if (scheme == KS_SIG_RSA_PSS &&
            (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, ks_md_evp(md)) <= 0))
            goto crypto;
    }
    size_t need = 0;
    if (EVP_PKEY_sign(pctx, NULL, &need, digest, digest_len) <= 0)
        goto crypto;
    if (need > *sig_len) {
        st = ks_error_set(err, KS_E_USAGE, N_("signature buffer of %zu bytes is too small (%zu)"),
                          *sig_len, need);
        goto done;
    }
    if (EVP_PKEY_sign(pctx, sig, sig_len, digest, digest_len) <= 0)
        goto crypto;
    goto done;
crypto:
    st = ks_error_set(err, KS_E_CRYPTO, N_("signing with the file key failed: %s"),
                      ks_ossl_reason(why, sizeof why));
done:
    EVP_PKEY_CTX_free(pctx);
    return st;
}

static void file_destroy(ks_signer *s)
{
    EVP_PKEY_free(s->ctx);
    s->ctx = NULL;
}

void ks_signer_free(ks_signer *s)
{
    if (!s)
        return;
    if (s->destroy)
        s->destroy(s);
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
    free(s);
}

/* Takes ownership of `pkey`, `cert` and `chain` (also on failure). */
static ks_status make_signer(EVP_PKEY *pkey, X509 *cert, STACK_OF(X509) * chain, const char *what,
                             ks_signer **out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_signer *s = NULL;
    int type = EVP_PKEY_get_base_id(pkey);
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("key in \"%s\" is of an unsupported type (RSA or EC expected)"), what);
        goto fail;
    }
    if (X509_check_private_key(cert, pkey) != 1) {
        ERR_clear_error();
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the private key in \"%s\" does not belong to the certificate"), what);
        goto fail;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto fail;
    }
    s->sign = file_sign;
    s->destroy = file_destroy;
    s->ctx = pkey;
    s->cert = cert;
    s->chain = chain;
    /* OpenSSL fills a certificate's extension cache on first use; fill it now, while the
     * signer is not shared yet, so that threads signing with it only read (TSan saw the lazy
     * fill race in X509_check_issued). */
    X509_check_purpose(cert, -1, 0);
    for (int i = 0; chain && i < sk_X509_num(chain); i++)
        X509_check_purpose(sk_X509_value(chain, i), -1, 0);
    s->key_type = type;
    s->key_bits = EVP_PKEY_get_bits(pkey);
    s->max_sig_len = (size_t)EVP_PKEY_get_size(pkey);
    *out = s;
    return KS_OK;
fail:
    EVP_PKEY_free(pkey);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    return st;
}

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *pw = u;
    if (!pw)
        return -1; /* never prompt: the library has no terminal */
    size_t n = strlen(pw);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, pw, n);
    return (int)n;
}

ks_status ks_signer_from_p12(const char *path, const char *password, ks_signer **out, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    PKCS12 *p12 = NULL;
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    ks_status st;
    char why[160];
    if (!path || !out)
        return ks_error_set(err, KS_E_USAGE, N_("no PKCS#12 file given"));
    *out = NULL;
    if (!password)
        password = "";
    st = ks_read_file(path, KS_KEYFILE_MAX, &data, &len, err);
    if (st)
        return st;
    const unsigned char *p = data;
    p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (!p12) {
        st = ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a PKCS#12 file: %s"), path,
                          ks_ossl_reason(why, sizeof why));
        goto done;
    }
    if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, password, -1) &&
        !(*password == '\0' && PKCS12_verify_mac(p12, NULL, 0))) {
        ERR_clear_error();
        st = ks_error_set(err, KS_E_PASSWORD, N_("wrong password for the PKCS#12 file \"%s\""),
                          path);
        goto done;
    }
    if (!PKCS12_parse(p12, password, &pkey, &cert, &ca)) {
        /* Old files use RC2/3DES-era PBEs that OpenSSL 3 keeps in its legacy provider. */
        ERR_clear_error();
        OSSL_PROVIDER *legacy = OSSL_PROVIDER_try_load(NULL, "legacy", 1);
        int parsed = PKCS12_parse(p12, password, &pkey, &cert, &ca);
        if (!parsed)
            ks_ossl_reason(why, sizeof why);
        /* the keys come from the default provider; legacy was needed for decryption only */
        if (legacy)
            OSSL_PROVIDER_unload(legacy);
        if (!parsed) {
            st = ks_error_set(err, KS_E_FORMAT, N_("cannot read the PKCS#12 file \"%s\": %s"), path,
                              why);
            goto done;
        }
    }
    if (!pkey) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the PKCS#12 file \"%s\" holds no private key"),
                          path);
        goto done;
    }
    if (!cert) {
        for (int i = 0; ca && i < sk_X509_num(ca); i++) {
            if (X509_check_private_key(sk_X509_value(ca, i), pkey) == 1) {
                cert = sk_X509_delete(ca, i);
                break;
            }
        }
        ERR_clear_error();
    }
    if (!cert) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the PKCS#12 file \"%s\" holds no certificate for its key"), path);
        goto done;
    }
    st = make_signer(pkey, cert, ca, path, out, err);
    pkey = NULL;
    cert = NULL;
    ca = NULL;
done:
    EVP_PKEY_free(pkey);
    X509_free(cert);
    sk_X509_pop_free(ca, X509_free);
    PKCS12_free(p12);
    if (data) {
        OPENSSL_cleanse(data, len);
        free(data);
    }
    return st;
}

static bool is_pem(const uint8_t *data, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof marker - 1 <= len; i++)
        if (memcmp(data + i, marker, sizeof marker - 1) == 0)
            return true;
    return false;
}

static bool contains(const uint8_t *data, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(data + i, s, n) == 0)
            return true;
    return false;
}

static ks_status load_key(const char *path, const char *password, EVP_PKEY **out, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_read_file(path, KS_KEYFILE_MAX, &data, &len, err);
    if (st)
        return st;
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    EVP_PKEY *pkey = NULL;
    if (bio) {
        if (is_pem(data, len)) {
            pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, (void *)password);
        } else {
            pkey = d2i_PKCS8PrivateKey_bio(bio, NULL, pem_pass_cb, (void *)password);
            if (!pkey) {
                const unsigned char *p = data;
                ERR_clear_error();
                pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
            }
        }
    }
    if (!pkey) {
        char why[160];
        ks_ossl_reason(why, sizeof why);
        if (contains(data, len, "ENCRYPTED") || (!is_pem(data, len) && password))
            st = ks_error_set(
                err, KS_E_PASSWORD,
                N_("cannot decrypt the private key \"%s\": wrong or missing password"), path);
        else
            st = ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a private key: %s"), path, why);
    }
    BIO_free(bio);
    OPENSSL_cleanse(data, len);
    free(data);
    *out = pkey;
    return st;
}

static ks_status load_cert(const char *path, X509 **out, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_read_file(path, KS_KEYFILE_MAX, &data, &len, err);
    if (st)
        return st;
    X509 *x = NULL;
    if (is_pem(data, len)) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);
        x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
    } else {
        const unsigned char *p = data;
        x = d2i_X509(NULL, &p, (long)len);
    }
    free(data);
    if (!x) {
        char why[160];
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a certificate: %s"), path,
                            ks_ossl_reason(why, sizeof why));
    }
    *out = x;
    return KS_OK;
}

ks_status ks_signer_add_chain(ks_signer *s, const char *chain_path, ks_error *err)
{
    if (!s || !chain_path)
        return ks_error_set(err, KS_E_USAGE, N_("no certificate chain file given"));
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_read_file(chain_path, KS_KEYFILE_MAX, &data, &len, err);
    if (st)
        return st;
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    int added = 0;
    if (!s->chain)
        s->chain = sk_X509_new_null();
    if (!bio || !s->chain) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (!is_pem(data, len)) {
        const unsigned char *p = data;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        if (x && !sk_X509_push(s->chain, x))
            X509_free(x);
        else if (x)
            added++;
    } else {
        X509 *x;
        while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (!sk_X509_push(s->chain, x)) {
                X509_free(x);
                break;
            }
            added++;
        }
    }
    ERR_clear_error();
    if (added == 0)
        st = ks_error_set(err, KS_E_FORMAT, N_("no certificate found in \"%s\""), chain_path);
done:
    BIO_free(bio);
    free(data);
    return st;
}

ks_status ks_signer_from_pem(const char *key_path, const char *cert_path, const char *chain_path,
                             const char *password, ks_signer **out, ks_error *err)
{
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    if (!key_path || !cert_path || !out)
        return ks_error_set(err, KS_E_USAGE, N_("a key file and a certificate file are needed"));
    *out = NULL;
    ks_status st = load_key(key_path, password, &pkey, err);
    if (st)
        return st;
    st = load_cert(cert_path, &cert, err);
    if (st) {
        EVP_PKEY_free(pkey);
        return st;
    }
    st = make_signer(pkey, cert, NULL, key_path, out, err);
    if (st == KS_OK && chain_path) {
        st = ks_signer_add_chain(*out, chain_path, err);
        if (st) {
            ks_signer_free(*out);
            *out = NULL;
        }
    }
    return st;
}
