/* token/import.c — putting existing material into a token: a certificate beside the key it
 * belongs to, and a PKCS#12 key + certificate, the key stored sensitive and not extractable. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>

#include "kyso/util.h"
#include "p11_internal.h"

ks_status ks_p11_store_cert(ks_p11_sess *s, const char *label, const uint8_t *id, size_t id_len,
                            X509 *cert, ks_error *err)
{
    unsigned char *der = NULL, *subj = NULL, *iss = NULL, *ser = NULL;
    int derl = i2d_X509(cert, &der);
    int subjl = i2d_X509_NAME(X509_get_subject_name(cert), &subj);
    int issl = i2d_X509_NAME(X509_get_issuer_name(cert), &iss);
    int serl = i2d_ASN1_INTEGER(X509_get_serialNumber(cert), &ser);
    ks_status st = KS_OK;
    if (derl <= 0 || subjl <= 0 || issl <= 0 || serl <= 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("cannot encode the certificate"));
        goto done;
    }
    /* A renewed certificate replaces the old one of the same key. */
    CK_OBJECT_HANDLE old[KS_P11_MAX_FOUND];
    size_t n = 0;
    st = ks_p11_find(s, CKO_CERTIFICATE, NULL, id, id_len, old, KS_P11_MAX_FOUND, &n, err);
    if (st != KS_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        CK_RV rv = s->p->f->C_DestroyObject(s->h, old[i]);
        if (rv != CKR_OK) {
            st = ks_p11_fail(err, rv, "C_DestroyObject", s->info.label);
            goto done;
        }
    }
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &no, sizeof no},
        {CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)},
        {CKA_ID, (void *)id, (CK_ULONG)id_len},
        {CKA_SUBJECT, subj, (CK_ULONG)subjl},
        {CKA_ISSUER, iss, (CK_ULONG)issl},
        {CKA_SERIAL_NUMBER, ser, (CK_ULONG)serl},
        {CKA_VALUE, der, (CK_ULONG)derl},
    };
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = s->p->f->C_CreateObject(s->h, t, sizeof t / sizeof t[0], &h);
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_CreateObject", s->info.label);
done:
    OPENSSL_free(der);
    OPENSSL_free(subj);
    OPENSSL_free(iss);
    OPENSSL_free(ser);
    return st;
}

ks_status ks_token_put_cert(const char *module_path, const char *token_label, const char *pin,
                            const char *label, X509 *cert, ks_error *err)
{
    if (!label || !*label || !cert)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a certificate and the label of its key are needed"));
    ks_p11_sess s;
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_USER, pin, &s, err);
    if (st != KS_OK)
        return st;
    CK_OBJECT_HANDLE key[2];
    size_t n = 0;
    uint8_t *id = NULL;
    size_t idl = 0;
    EVP_PKEY *pub = NULL;
    st = ks_p11_find(&s, CKO_PRIVATE_KEY, label, NULL, 0, key, 2, &n, err);
    if (st != KS_OK)
        goto done;
    if (n != 1) {
        st = ks_error_set(err, KS_E_TOKEN,
                          n == 0 ? N_("token \"%s\" has no private key labelled \"%s\"")
                                 : N_("token \"%s\" has several private keys labelled \"%s\""),
                          s.info.label, label);
        goto done;
    }
    st = ks_p11_pubkey(&s, key[0], &pub, err);
    if (st != KS_OK)
        goto done;
    if (EVP_PKEY_eq(X509_get0_pubkey(cert), pub) != 1) {
        st = ks_error_set(err, KS_E_TRUST,
                          N_("the certificate is not for key \"%s\" in token \"%s\" (public keys "
                             "differ)"),
                          label, s.info.label);
        goto done;
    }
    st = ks_p11_attr(&s, key[0], CKA_ID, &id, &idl, err);
    if (st == KS_OK)
        st = ks_p11_store_cert(&s, label, id, idl, cert, err);
done:
    EVP_PKEY_free(pub);
    free(id);
    ks_p11_close(&s);
    return st;
}

/* ---- PKCS#12 import ---- */

#define MAX_PARTS 8
typedef struct key_parts {
    CK_ATTRIBUTE priv[MAX_PARTS];
    CK_ULONG npriv;
    uint8_t *buf[MAX_PARTS + 2];
    size_t len[MAX_PARTS + 2];
    int nbuf;
} key_parts;

static void parts_free(key_parts *kp)
{
    for (int i = 0; i < kp->nbuf; i++) {
        OPENSSL_cleanse(kp->buf[i], kp->len[i]);
        free(kp->buf[i]);
    }
    kp->nbuf = 0;
}

/* Appends a big-endian integer parameter of `pk` as attribute `type`. */
static bool add_bn(key_parts *kp, EVP_PKEY *pk, const char *param, CK_ATTRIBUTE_TYPE type,
                   size_t pad)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pk, param, &bn) || kp->nbuf >= MAX_PARTS + 2 ||
        kp->npriv >= MAX_PARTS)
        return false;
    size_t n = (size_t)BN_num_bytes(bn);
    if (pad > n)
        n = pad;
    uint8_t *b = malloc(n ? n : 1);
    bool ok = b && BN_bn2binpad(bn, b, (int)n) == (int)n;
    BN_clear_free(bn);
    if (!ok) {
        free(b);
        return false;
    }
    kp->buf[kp->nbuf] = b;
    kp->len[kp->nbuf++] = n;
    kp->priv[kp->npriv++] = (CK_ATTRIBUTE){type, b, (CK_ULONG)n};
    return true;
}

static bool add_bytes(key_parts *kp, CK_ATTRIBUTE_TYPE type, uint8_t *b, size_t n)
{
    if (!b || kp->nbuf >= MAX_PARTS + 2 || kp->npriv >= MAX_PARTS) {
        free(b);
        return false;
    }
    kp->buf[kp->nbuf] = b;
    kp->len[kp->nbuf++] = n;
    kp->priv[kp->npriv++] = (CK_ATTRIBUTE){type, b, (CK_ULONG)n};
    return true;
}

/* The key material as PKCS#11 attributes (PKCS#11 v2.40 §2.1.3 RSA, §2.3.4 EC). */
static bool key_to_parts(EVP_PKEY *pk, CK_KEY_TYPE *kt, key_parts *kp)
{
    if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
        *kt = CKK_RSA;
        return add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_N, CKA_MODULUS, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_E, CKA_PUBLIC_EXPONENT, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_D, CKA_PRIVATE_EXPONENT, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_FACTOR1, CKA_PRIME_1, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_FACTOR2, CKA_PRIME_2, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_EXPONENT1, CKA_EXPONENT_1, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_EXPONENT2, CKA_EXPONENT_2, 0) &&
               add_bn(kp, pk, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, CKA_COEFFICIENT, 0);
    }
    if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
        return false;
    *kt = CKK_EC;
    char group[64];
    if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, NULL))
        return false;
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef)
        nid = OBJ_txt2nid(group);
    ASN1_OBJECT *obj = OBJ_nid2obj(nid);
    unsigned char *oid = NULL;
    int oidl = obj ? i2d_ASN1_OBJECT(obj, &oid) : 0;
    if (oidl <= 0)
        return false;
    uint8_t *copy = malloc((size_t)oidl);
    if (copy)
        memcpy(copy, oid, (size_t)oidl);
    OPENSSL_free(oid);
    size_t field = (size_t)(EVP_PKEY_get_bits(pk) + 7) / 8;
    return add_bytes(kp, CKA_EC_PARAMS, copy, (size_t)oidl) &&
           add_bn(kp, pk, OSSL_PKEY_PARAM_PRIV_KEY, CKA_VALUE, field);
}

static ks_status import_key(ks_p11_sess *s, EVP_PKEY *pk, const char *label, const uint8_t *id,
                            size_t idl, ks_error *err)
{
    key_parts kp;
    memset(&kp, 0, sizeof kp);
    CK_KEY_TYPE kt = 0;
    ks_status st = KS_OK;
    if (!key_to_parts(pk, &kt, &kp)) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the PKCS#12 key cannot be imported (RSA or a named EC curve only)"));
        goto done;
    }
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE t[MAX_PARTS + 14];
    CK_ULONG nt = 0;
    t[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
    t[nt++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof kt};
    t[nt++] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof yes};
    t[nt++] = (CK_ATTRIBUTE){CKA_PRIVATE, &yes, sizeof yes};
    t[nt++] = (CK_ATTRIBUTE){CKA_SENSITIVE, &yes, sizeof yes};
    t[nt++] = (CK_ATTRIBUTE){CKA_EXTRACTABLE, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_SIGN, &yes, sizeof yes};
    /* A signing key only signs (as after keygen): no decryption, unwrapping or derivation. */
    t[nt++] = (CK_ATTRIBUTE){CKA_DECRYPT, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_UNWRAP, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_DERIVE, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
    t[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, (CK_ULONG)idl};
    for (CK_ULONG i = 0; i < kp.npriv; i++)
        t[nt++] = kp.priv[i];
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = s->p->f->C_CreateObject(s->h, t, nt, &h);
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_CreateObject", s->info.label);
done:
    parts_free(&kp);
    return st;
}

/* The public key object, so that tools listing the token see the pair (as after keygen). */
static ks_status import_pub(ks_p11_sess *s, EVP_PKEY *pk, const char *label, const uint8_t *id,
                            size_t idl, ks_error *err)
{
    key_parts kp;
    memset(&kp, 0, sizeof kp);
    CK_KEY_TYPE kt = 0;
    ks_status st = KS_OK;
    bool ok;
    if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
        kt = CKK_RSA;
        ok = add_bn(&kp, pk, OSSL_PKEY_PARAM_RSA_N, CKA_MODULUS, 0) &&
             add_bn(&kp, pk, OSSL_PKEY_PARAM_RSA_E, CKA_PUBLIC_EXPONENT, 0);
    } else {
        CK_KEY_TYPE dummy;
        key_parts tmp;
        memset(&tmp, 0, sizeof tmp);
        ok = key_to_parts(pk, &dummy, &tmp) && tmp.nbuf >= 1;
        kt = CKK_EC;
        if (ok) { /* move CKA_EC_PARAMS over, drop the private value */
            ok = add_bytes(&kp, CKA_EC_PARAMS, tmp.buf[0], tmp.len[0]);
            tmp.buf[0] = NULL;
            tmp.len[0] = 0;
        }
        parts_free(&tmp);
        uint8_t pt[160];
        size_t ptl = 0;
        ok = ok &&
             EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &ptl) &&
             ptl < 128;
        if (ok) { /* DER OCTET STRING around the point */
            uint8_t *b = malloc(ptl + 2);
            if (b) {
                b[0] = 0x04;
                b[1] = (uint8_t)ptl;
                memcpy(b + 2, pt, ptl);
            }
            ok = add_bytes(&kp, CKA_EC_POINT, b, ptl + 2);
        }
    }
    if (!ok) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("the PKCS#12 key cannot be imported (RSA or a named EC curve only)"));
        goto done;
    }
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE t[MAX_PARTS + 8];
    CK_ULONG nt = 0;
    t[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
    t[nt++] = (CK_ATTRIBUTE){CKA_KEY_TYPE, &kt, sizeof kt};
    t[nt++] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof yes};
    t[nt++] = (CK_ATTRIBUTE){CKA_PRIVATE, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_VERIFY, &yes, sizeof yes};
    t[nt++] = (CK_ATTRIBUTE){CKA_ENCRYPT, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_WRAP, &no, sizeof no};
    t[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
    t[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, (CK_ULONG)idl};
    for (CK_ULONG i = 0; i < kp.npriv; i++)
        t[nt++] = kp.priv[i];
    CK_OBJECT_HANDLE h = 0;
    CK_RV rv = s->p->f->C_CreateObject(s->h, t, nt, &h);
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_CreateObject", s->info.label);
done:
    parts_free(&kp);
    return st;
}

ks_status ks_token_import_p12(const char *module_path, const char *token_label, const char *pin,
                              const char *label, const char *p12_path, const char *p12_password,
                              ks_error *err)
{
    if (!label || !*label || !p12_path)
        return ks_error_set(err, KS_E_USAGE, N_("importing needs a PKCS#12 file and a key label"));
    if (ks_text_check_name("key label", label, err) != KS_OK)
        return KS_E_USAGE;
    uint8_t *data = NULL;
    size_t len = 0;
    PKCS12 *p12 = NULL;
    EVP_PKEY *pk = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    ks_p11_sess s;
    memset(&s, 0, sizeof s);
    ks_status st = ks_read_file(p12_path, 1u << 20, &data, &len, err);
    if (st != KS_OK)
        return st;
    const unsigned char *p = data;
    p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (!p12) {
        st = ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a PKCS#12 file"), p12_path);
        goto done;
    }
    if (!PKCS12_parse(p12, p12_password ? p12_password : "", &pk, &cert, &ca) || !pk || !cert) {
        st = ks_error_set(err, KS_E_PASSWORD,
                          N_("cannot open PKCS#12 file \"%s\": wrong password, or no key and "
                             "certificate in it"),
                          p12_path);
        goto done;
    }
    if (X509_check_private_key(cert, pk) != 1) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("PKCS#12 file \"%s\": the certificate does not match the key"),
                          p12_path);
        goto done;
    }
    st = ks_p11_open(module_path, token_label, true, CKU_USER, pin, &s, err);
    if (st != KS_OK)
        goto done;
    CK_OBJECT_HANDLE h[1];
    size_t n = 0;
    st = ks_p11_find(&s, CKO_PRIVATE_KEY, label, NULL, 0, h, 1, &n, err);
    if (st == KS_OK && n > 0)
        st = ks_error_set(err, KS_E_USAGE, N_("token \"%s\" already has a key labelled \"%s\""),
                          s.info.label, label);
    uint8_t id[16];
    if (st == KS_OK)
        st = ks_p11_new_id(id, sizeof id, err);
    if (st == KS_OK)
        st = import_key(&s, pk, label, id, sizeof id, err);
    if (st == KS_OK)
        st = import_pub(&s, pk, label, id, sizeof id, err);
    if (st == KS_OK)
        st = ks_p11_store_cert(&s, label, id, sizeof id, cert, err);
done:
    ks_p11_close(&s);
    if (data) {
        OPENSSL_cleanse(data, len);
        free(data);
    }
    PKCS12_free(p12);
    EVP_PKEY_free(pk);
    X509_free(cert);
    sk_X509_pop_free(ca, X509_free);
    return st;
}
