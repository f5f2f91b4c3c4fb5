/* token/objects.c — finding keys and certificates in a token by class, label and CKA_ID, reading
 * their attributes, and rebuilding a key's public half as an OpenSSL EVP_PKEY. */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

#include "p11_internal.h"

ks_status ks_p11_find(ks_p11_sess *s, CK_OBJECT_CLASS cls, const char *label, const uint8_t *id,
                      size_t id_len, CK_OBJECT_HANDLE *out, size_t max, size_t *n, ks_error *err)
{
    CK_ATTRIBUTE tmpl[3];
    CK_ULONG nt = 0;
    tmpl[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
    if (label)
        tmpl[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)label, (CK_ULONG)strlen(label)};
    if (id)
        tmpl[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)id, (CK_ULONG)id_len};
    *n = 0;
    CK_FUNCTION_LIST *f = s->p->f;
    CK_RV rv = f->C_FindObjectsInit(s->h, tmpl, nt);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_FindObjectsInit", s->info.label);
    CK_ULONG got = 0;
    rv = f->C_FindObjects(s->h, out, (CK_ULONG)max, &got);
    f->C_FindObjectsFinal(s->h);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_FindObjects", s->info.label);
    *n = (size_t)got;
    return KS_OK;
}

ks_status ks_p11_attr(ks_p11_sess *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, uint8_t **val,
                      size_t *len, ks_error *err)
{
    *val = NULL;
    *len = 0;
    CK_ATTRIBUTE a = {type, NULL, 0};
    CK_RV rv = s->p->f->C_GetAttributeValue(s->h, o, &a, 1);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_GetAttributeValue", s->info.label);
    if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > (1u << 20))
        return ks_p11_fail(err, CKR_ATTRIBUTE_SENSITIVE, "C_GetAttributeValue", s->info.label);
    uint8_t *buf = malloc((size_t)a.ulValueLen + 1);
    if (!buf)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    a.pValue = buf;
    rv = s->p->f->C_GetAttributeValue(s->h, o, &a, 1);
    if (rv != CKR_OK) {
        free(buf);
        return ks_p11_fail(err, rv, "C_GetAttributeValue", s->info.label);
    }
    buf[a.ulValueLen] = 0;
    *val = buf;
    *len = (size_t)a.ulValueLen;
    return KS_OK;
}

bool ks_p11_attr_bool(ks_p11_sess *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
    CK_BBOOL v = CK_FALSE;
    CK_ATTRIBUTE a = {type, &v, sizeof v};
    return s->p->f->C_GetAttributeValue(s->h, o, &a, 1) == CKR_OK && v == CK_TRUE;
}

static CK_ULONG attr_ulong(ks_p11_sess *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
    CK_ULONG v = (CK_ULONG)-1;
    CK_ATTRIBUTE a = {type, &v, sizeof v};
    if (s->p->f->C_GetAttributeValue(s->h, o, &a, 1) != CKR_OK)
        return (CK_ULONG)-1;
    return v;
}

static ks_status rsa_pub(ks_p11_sess *s, CK_OBJECT_HANDLE key, EVP_PKEY **out, ks_error *err)
{
    uint8_t *n = NULL, *e = NULL;
    size_t nl = 0, el = 0;
    BIGNUM *bn = NULL, *be = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    ks_status st = ks_p11_attr(s, key, CKA_MODULUS, &n, &nl, err);
    if (st == KS_OK)
        st = ks_p11_attr(s, key, CKA_PUBLIC_EXPONENT, &e, &el, err);
    if (st != KS_OK)
        goto done;
    bn = BN_bin2bn(n, (int)nl, NULL);
    be = BN_bin2bn(e, (int)el, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (!bn || !be || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) ||
        !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) ||
        EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        st = ks_error_set(err, KS_E_CRYPTO,
                          N_("token \"%s\": cannot build the RSA public key from the token's "
                             "attributes"),
                          s->info.label);
    }
done:
    free(n);
    free(e);
    BN_free(bn);
    BN_free(be);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return st;
}

/* CKA_EC_POINT is a DER OCTET STRING (PKCS#11 v2.40 §2.3.3); some modules give it raw. */
static bool ec_point_bytes(const uint8_t *p, size_t len, const uint8_t **pt, size_t *pt_len)
{
    if (len >= 2 && p[0] == 0x04) {
        const unsigned char *q = p;
        ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)len);
        const uint8_t *c = os ? ASN1_STRING_get0_data(os) : NULL;
        size_t cl = os ? (size_t)ASN1_STRING_length(os) : 0;
        /* A raw point may also parse as DER by chance; the content must itself be a point. */
        if (os && q == p + len && cl % 2 == 1 && (c[0] == 0x04 || c[0] == 0x02 || c[0] == 0x03)) {
            size_t hdr = len - cl;
            ASN1_OCTET_STRING_free(os);
            *pt = p + hdr;
            *pt_len = len - hdr;
            return true;
        }
        ASN1_OCTET_STRING_free(os);
        if (len % 2 == 1) { /* raw uncompressed point 04||X||Y */
            *pt = p;
            *pt_len = len;
            return true;
        }
    }
    return false;
}

/* Curve short name from DER CKA_EC_PARAMS (namedCurve OID only). */
static const char *ec_curve(const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    ASN1_OBJECT *obj = d2i_ASN1_OBJECT(NULL, &q, (long)len);
    int nid = obj ? OBJ_obj2nid(obj) : NID_undef;
    ASN1_OBJECT_free(obj);
    return nid == NID_undef ? NULL : OBJ_nid2sn(nid);
}

static ks_status ec_pub(ks_p11_sess *s, CK_OBJECT_HANDLE key, EVP_PKEY **out, ks_error *err)
{
    uint8_t *par = NULL, *pt = NULL, *id = NULL;
    size_t parl = 0, ptl = 0, idl = 0;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    ks_status st = ks_p11_attr(s, key, CKA_EC_PARAMS, &par, &parl, err);
    if (st != KS_OK)
        goto done;
    if (ks_p11_attr(s, key, CKA_EC_POINT, &pt, &ptl, NULL) != KS_OK) {
        /* A private key object usually lacks the point: take it from its public key. */
        CK_OBJECT_HANDLE pub[2];
        size_t n = 0;
        st = ks_p11_attr(s, key, CKA_ID, &id, &idl, err);
        if (st == KS_OK)
            st = ks_p11_find(s, CKO_PUBLIC_KEY, NULL, id, idl, pub, 2, &n, err);
        if (st != KS_OK)
            goto done;
        if (n != 1) {
            st = ks_error_set(err, KS_E_TOKEN,
                              N_("token \"%s\": the EC key has no public key object with the same "
                                 "CKA_ID"),
                              s->info.label);
            goto done;
        }
        st = ks_p11_attr(s, pub[0], CKA_EC_POINT, &pt, &ptl, err);
        if (st != KS_OK)
            goto done;
    }
    const char *curve = ec_curve(par, parl);
    const uint8_t *raw = NULL;
    size_t raw_len = 0;
    bld = OSSL_PARAM_BLD_new();
    if (!curve || !ec_point_bytes(pt, ptl, &raw, &raw_len) || !bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, raw, raw_len) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) ||
        !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        st = ks_error_set(err, KS_E_CRYPTO,
                          N_("token \"%s\": cannot build the EC public key from the token's "
                             "attributes (unsupported curve or bad point)"),
                          s->info.label);
    }
done:
    free(par);
    free(pt);
    free(id);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return st;
}

ks_status ks_p11_pubkey(ks_p11_sess *s, CK_OBJECT_HANDLE key, EVP_PKEY **out, ks_error *err)
{
    *out = NULL;
    CK_ULONG kt = attr_ulong(s, key, CKA_KEY_TYPE);
    if (kt == CKK_RSA)
        return rsa_pub(s, key, out, err);
    if (kt == CKK_EC)
        return ec_pub(s, key, out, err);
    return ks_error_set(err, KS_E_TOKEN,
                        N_("token \"%s\": key type 0x%lx is not supported (RSA or EC only)"),
                        s->info.label, (unsigned long)kt);
}

static void fill_obj(ks_p11_sess *s, CK_OBJECT_HANDLE o, int kind, ks_token_obj *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    uint8_t *v = NULL;
    size_t n = 0;
    if (ks_p11_attr(s, o, CKA_LABEL, &v, &n, NULL) == KS_OK) {
        size_t k = n < sizeof out->label - 1 ? n : sizeof out->label - 1;
        memcpy(out->label, v, k);
        free(v);
    }
    if (ks_p11_attr(s, o, CKA_ID, &v, &n, NULL) == KS_OK) {
        out->id_len = n < sizeof out->id ? n : sizeof out->id;
        memcpy(out->id, v, out->id_len);
        free(v);
    }
    if (kind != 1) {
        CK_ULONG kt = attr_ulong(s, o, CKA_KEY_TYPE);
        out->key_type = kt == CKK_RSA ? EVP_PKEY_RSA : kt == CKK_EC ? EVP_PKEY_EC : 0;
    }
    if (kind == 0) {
        out->extractable = ks_p11_attr_bool(s, o, CKA_EXTRACTABLE);
        out->sensitive = ks_p11_attr_bool(s, o, CKA_SENSITIVE);
    }
}

ks_status ks_p11_list_objects(ks_p11 *p, const char *token_label, const char *pin,
                              ks_token_obj **out, size_t *count, ks_error *err)
{
    *out = NULL;
    *count = 0;
    ks_p11_sess s;
    ks_status st = ks_p11_open(p->path, token_label, false, CKU_USER, pin, &s, err);
    if (st != KS_OK)
        return st;
    st = ks_p11_list_objects_in(&s, out, count, err);
    ks_p11_close(&s);
    return st;
}

ks_status ks_p11_list_objects_in(ks_p11_sess *s0, ks_token_obj **out, size_t *count, ks_error *err)
{
    *out = NULL;
    *count = 0;
    ks_p11_sess s = *s0;
    ks_status st = KS_OK;
    static const CK_OBJECT_CLASS classes[3] = {CKO_PRIVATE_KEY, CKO_CERTIFICATE, CKO_PUBLIC_KEY};
    ks_token_obj *objs = calloc(3 * KS_P11_MAX_FOUND, sizeof *objs);
    size_t total = 0;
    if (!objs) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (int k = 0; k < 3; k++) {
        CK_OBJECT_HANDLE h[KS_P11_MAX_FOUND];
        size_t n = 0;
        st = ks_p11_find(&s, classes[k], NULL, NULL, 0, h, KS_P11_MAX_FOUND, &n, err);
        if (st != KS_OK)
            goto done;
        for (size_t i = 0; i < n; i++)
            fill_obj(&s, h[i], k, &objs[total++]);
    }
    *out = objs;
    *count = total;
    objs = NULL;
done:
    free(objs);
    return st;
}
