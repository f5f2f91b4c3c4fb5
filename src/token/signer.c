/* token/signer.c — ks_signer over a PKCS#11 private key: the digest goes to the token, C_Sign
 * returns the signature, and the key never leaves the device. The session stays open and
 * logged in until ks_signer_free. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "p11_internal.h"

typedef struct tok_ctx {
    ks_p11_sess sess;
    CK_OBJECT_HANDLE key;
    size_t raw_len;       /* RSA modulus bytes; EC: bytes of r||s */
    char *pin;            /* kept only for CKA_ALWAYS_AUTHENTICATE keys; wiped on destroy */
    pthread_mutex_t lock; /* a PKCS#11 session is not for concurrent use */
} tok_ctx;

static void tok_destroy(ks_signer *s)
{
    tok_ctx *c = s->ctx;
    if (!c)
        return;
    ks_p11_close(&c->sess);
    if (c->pin) {
        OPENSSL_cleanse(c->pin, strlen(c->pin));
        free(c->pin);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
    s->ctx = NULL;
}

static ks_status sign_locked(ks_signer *s, tok_ctx *c, ks_sig_scheme scheme, ks_md md,
                             const uint8_t *digest, size_t digest_len, uint8_t *sig,
                             size_t *sig_len, ks_error *err)
{
    CK_FUNCTION_LIST *f = c->sess.p->f;
    const char *tl = c->sess.info.label;
    uint8_t data[19 + 64];
    size_t data_len = 0;
    CK_MECHANISM mech = {CKM_RSA_PKCS, NULL, 0};
    CK_RSA_PKCS_PSS_PARAMS pss;
    ks_status st;
    if (ks_p11_md_len(md) != digest_len)
        return ks_error_set(err, KS_E_USAGE,
                            N_("digest of %zu bytes does not match the hash algorithm (%zu bytes)"),
                            digest_len, ks_p11_md_len(md));
    bool rsa = s->key_type == EVP_PKEY_RSA;
    if ((scheme == KS_SIG_ECDSA) == rsa)
        return ks_error_set(err, KS_E_USAGE,
                            N_("token \"%s\": the key does not support the requested signature "
                               "scheme"),
                            tl);
    switch (scheme) {
    case KS_SIG_RSA_PKCS1:
        st = ks_p11_digest_info(md, digest, digest_len, data, &data_len, err);
        if (st != KS_OK)
            return st;
        break;
    case KS_SIG_RSA_PSS:
        /* RFC 8017 §9.1 with MGF1 on the same hash and salt = hash length (ETSI TS 119 312). */
        pss.hashAlg = ks_p11_md_mech(md);
        pss.mgf = ks_p11_md_mgf(md);
        pss.sLen = (CK_ULONG)digest_len;
        mech = (CK_MECHANISM){CKM_RSA_PKCS_PSS, &pss, sizeof pss};
        memcpy(data, digest, digest_len);
        data_len = digest_len;
        break;
    case KS_SIG_ECDSA:
        mech = (CK_MECHANISM){CKM_ECDSA, NULL, 0};
        memcpy(data, digest, digest_len);
        data_len = digest_len;
        break;
    default:
        return ks_error_set(err, KS_E_USAGE, N_("unknown signature scheme %d"), (int)scheme);
    }
    CK_RV rv = f->C_SignInit(c->sess.h, &mech, c->key);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_SignInit", tl);
    if (c->pin) {
        /* PKCS#11 v2.40 §4.9: such a key needs the PIN again for each operation. */
        rv = f->C_Login(c->sess.h, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR *)c->pin,
                        (CK_ULONG)strlen(c->pin));
        if (rv != CKR_OK) {
            const char *msgid = ks_p11_pin_msgid(rv, 0, false);
            return msgid ? ks_error_set(err, KS_E_TOKEN, msgid, tl)
                         : ks_p11_fail(err, rv, "C_Login", tl);
        }
    }
    uint8_t raw[1024];
    CK_ULONG raw_len = sizeof raw;
    rv = f->C_Sign(c->sess.h, data, (CK_ULONG)data_len, raw, &raw_len);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_Sign", tl);
    if (!rsa)
        return ks_p11_ecdsa_der(raw, (size_t)raw_len, sig, sig_len, err);
    if ((size_t)raw_len > *sig_len)
        return ks_error_set(err, KS_E_USAGE,
                            N_("signature buffer too small: %zu bytes given, %d needed"), *sig_len,
                            (int)raw_len);
    memcpy(sig, raw, (size_t)raw_len);
    *sig_len = (size_t)raw_len;
    return KS_OK;
}

static ks_status tok_sign(ks_signer *s, ks_sig_scheme scheme, ks_md md, const uint8_t *digest,
                          size_t digest_len, uint8_t *sig, size_t *sig_len, ks_error *err)
{
    tok_ctx *c = s->ctx;
    pthread_mutex_lock(&c->lock);
    ks_status st = sign_locked(s, c, scheme, md, digest, digest_len, sig, sig_len, err);
    pthread_mutex_unlock(&c->lock);
    return st;
}

/* Finds the private key: by label, or the only one in the token. */
static ks_status find_key(ks_p11_sess *s, const char *key_label, CK_OBJECT_HANDLE *key,
                          ks_error *err)
{
    CK_OBJECT_HANDLE h[KS_P11_MAX_FOUND];
    size_t n = 0;
    ks_status st =
        ks_p11_find(s, CKO_PRIVATE_KEY, key_label, NULL, 0, h, KS_P11_MAX_FOUND, &n, err);
    if (st != KS_OK)
        return st;
    if (n == 1) {
        *key = h[0];
        return KS_OK;
    }
    if (n == 0 && key_label)
        return ks_error_set(err, KS_E_TOKEN, N_("token \"%s\" has no private key labelled \"%s\""),
                            s->info.label, key_label);
    if (n == 0)
        return ks_error_set(err, KS_E_TOKEN, N_("token \"%s\" holds no private key"),
                            s->info.label);
    if (key_label)
        return ks_error_set(err, KS_E_TOKEN,
                            N_("token \"%s\" has %zu private keys labelled \"%s\""), s->info.label,
                            n, key_label);
    return ks_error_set(err, KS_E_USAGE,
                        N_("token \"%s\" holds %zu private keys; choose one by its label"),
                        s->info.label, n);
}

/* The certificate with the key's CKA_ID, else with its label; NULL (KS_OK) when none. */
static ks_status find_cert(ks_p11_sess *s, CK_OBJECT_HANDLE key, X509 **out, ks_error *err)
{
    uint8_t *id = NULL, *label = NULL, *der = NULL;
    size_t idl = 0, ll = 0, derl = 0, n = 0;
    CK_OBJECT_HANDLE h[2];
    *out = NULL;
    ks_status st = KS_OK;
    if (ks_p11_attr(s, key, CKA_ID, &id, &idl, NULL) == KS_OK && idl > 0)
        st = ks_p11_find(s, CKO_CERTIFICATE, NULL, id, idl, h, 2, &n, err);
    if (st == KS_OK && n == 0 && ks_p11_attr(s, key, CKA_LABEL, &label, &ll, NULL) == KS_OK &&
        ll > 0)
        st = ks_p11_find(s, CKO_CERTIFICATE, (const char *)label, NULL, 0, h, 2, &n, err);
    if (st != KS_OK || n == 0)
        goto done;
    st = ks_p11_attr(s, h[0], CKA_VALUE, &der, &derl, err);
    if (st != KS_OK)
        goto done;
    const unsigned char *p = der;
    *out = d2i_X509(NULL, &p, (long)derl);
    if (!*out || p != der + derl) {
        X509_free(*out);
        *out = NULL;
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("token \"%s\": the certificate for the key is not valid DER X.509"),
                          s->info.label);
    }
done:
    free(id);
    free(label);
    free(der);
    return st;
}

static ks_status make_signer(const char *module_path, const char *token_label,
                             const char *key_label, const char *pin, bool need_cert,
                             ks_signer **out, ks_error *err)
{
    *out = NULL;
    /* Never try an empty PIN: on a real token a wrong try brings the lock closer. */
    if (!pin || !*pin)
        return ks_error_set(err, KS_E_USAGE, N_("signing with a token needs the user PIN"));
    ks_signer *s = calloc(1, sizeof *s);
    tok_ctx *c = calloc(1, sizeof *c);
    EVP_PKEY *pub = NULL;
    ks_status st = KS_OK;
    if (!s || !c) {
        free(s);
        free(c);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    pthread_mutex_init(&c->lock, NULL);
    s->ctx = c;
    s->sign = tok_sign;
    s->destroy = tok_destroy;
    st = ks_p11_open(module_path, token_label, false, CKU_USER, pin, &c->sess, err);
    if (st != KS_OK)
        goto fail;
    st = find_key(&c->sess, key_label, &c->key, err);
    if (st == KS_OK)
        st = ks_p11_pubkey(&c->sess, c->key, &pub, err);
    if (st == KS_OK)
        st = find_cert(&c->sess, c->key, &s->cert, err);
    if (st != KS_OK)
        goto fail;
    const char *tl = c->sess.info.label;
    if (!s->cert && need_cert) {
        st = ks_error_set(err, KS_E_TOKEN,
                          N_("token \"%s\" holds no certificate for the key (same CKA_ID or "
                             "label); store one in the token first"),
                          tl);
        goto fail;
    }
    if (s->cert && EVP_PKEY_eq(X509_get0_pubkey(s->cert), pub) != 1) {
        st = ks_error_set(err, KS_E_TOKEN,
                          N_("token \"%s\": the certificate does not belong to the key (public "
                             "keys differ)"),
                          tl);
        goto fail;
    }
    if (s->cert)
        X509_check_purpose(s->cert, -1, 0); /* lazy caches filled before the signer is shared */
    s->key_type = EVP_PKEY_get_base_id(pub);
    s->key_bits = EVP_PKEY_get_bits(pub);
    size_t nbytes = (size_t)(s->key_bits + 7) / 8;
    if (s->key_type == EVP_PKEY_RSA) {
        c->raw_len = nbytes;
        s->max_sig_len = nbytes;
    } else {
        c->raw_len = 2 * nbytes;
        /* SEQUENCE (up to 3 header bytes) of two INTEGERs (2 header bytes + a 0x00 pad). */
        s->max_sig_len = 3 + 2 * (nbytes + 3);
    }
    if (ks_p11_attr_bool(&c->sess, c->key, CKA_ALWAYS_AUTHENTICATE)) {
        c->pin = strdup(pin);
        if (!c->pin) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto fail;
        }
    }
    EVP_PKEY_free(pub);
    *out = s;
    return KS_OK;
fail:
    EVP_PKEY_free(pub);
    X509_free(s->cert);
    tok_destroy(s);
    free(s);
    return st;
}

ks_status ks_token_signer(const char *module_path, const char *token_label, const char *key_label,
                          const char *pin, ks_signer **out, ks_error *err)
{
    return make_signer(module_path, token_label, key_label, pin, true, out, err);
}

ks_status ks_token_key_signer(const char *module_path, const char *token_label,
                              const char *key_label, const char *pin, ks_signer **out,
                              ks_error *err)
{
    return make_signer(module_path, token_label, key_label, pin, false, out, err);
}
