/* token/keygen.c — key pairs generated inside the token (C_GenerateKeyPair): the private key is
 * sensitive and never extractable, so no copy of it exists outside the device. */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "kyso/util.h"
#include "p11_internal.h"

/* DER OBJECT IDENTIFIERs of the named curves (RFC 5480 §2.1.1.1). */
static const uint8_t k_p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t k_p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

ks_status ks_p11_new_id(uint8_t *id, size_t len, ks_error *err)
{
    if (RAND_bytes(id, (int)len) != 1)
        return ks_error_set(err, KS_E_CRYPTO, N_("the random generator failed"));
    return KS_OK;
}

ks_status ks_token_keygen(const char *module_path, const char *token_label, const char *pin,
                          const char *key_label, const char *spec, EVP_PKEY **pub, ks_error *err)
{
    *pub = NULL;
    CK_ULONG bits = 0;
    const uint8_t *curve = NULL;
    size_t curve_len = 0;
    if (ks_text_check_name("key label", key_label, err) != KS_OK)
        return KS_E_USAGE;
    if (!spec)
        spec = "rsa:3072";
    if (strcmp(spec, "rsa:2048") == 0)
        bits = 2048;
    else if (strcmp(spec, "rsa:3072") == 0)
        bits = 3072;
    else if (strcmp(spec, "ec:P-256") == 0)
        curve = k_p256, curve_len = sizeof k_p256;
    else if (strcmp(spec, "ec:P-384") == 0)
        curve = k_p384, curve_len = sizeof k_p384;
    else
        return ks_error_set(err, KS_E_USAGE,
                            N_("unknown key type \"%s\" (rsa:2048, rsa:3072, ec:P-256, ec:P-384)"),
                            spec);
    if (!key_label || !*key_label)
        return ks_error_set(err, KS_E_USAGE, N_("a key needs a label"));
    ks_p11_sess s;
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_USER, pin, &s, err);
    if (st != KS_OK)
        return st;
    CK_OBJECT_HANDLE h[1];
    size_t n = 0;
    st = ks_p11_find(&s, CKO_PRIVATE_KEY, key_label, NULL, 0, h, 1, &n, err);
    if (st != KS_OK)
        goto done;
    if (n > 0) {
        st = ks_error_set(err, KS_E_USAGE, N_("token \"%s\" already has a key labelled \"%s\""),
                          s.info.label, key_label);
        goto done;
    }
    uint8_t id[16];
    st = ks_p11_new_id(id, sizeof id, err);
    if (st != KS_OK)
        goto done;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_BYTE exp[] = {0x01, 0x00, 0x01};
    CK_ULONG ll = (CK_ULONG)strlen(key_label);
    /* A signing key pair only signs: no encryption, wrapping or derivation uses. */
    CK_ATTRIBUTE pubt[10] = {
        {CKA_TOKEN, &yes, sizeof yes},  {CKA_PRIVATE, &no, sizeof no},
        {CKA_VERIFY, &yes, sizeof yes}, {CKA_ENCRYPT, &no, sizeof no},
        {CKA_WRAP, &no, sizeof no},     {CKA_LABEL, (void *)key_label, ll},
        {CKA_ID, id, sizeof id},
    };
    CK_ULONG npub = 7;
    if (curve) {
        pubt[npub++] = (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)curve, (CK_ULONG)curve_len};
    } else {
        pubt[npub++] = (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits, sizeof bits};
        pubt[npub++] = (CK_ATTRIBUTE){CKA_PUBLIC_EXPONENT, exp, sizeof exp};
    }
    CK_ATTRIBUTE privt[] = {
        {CKA_TOKEN, &yes, sizeof yes},      {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},  {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},       {CKA_DECRYPT, &no, sizeof no},
        {CKA_UNWRAP, &no, sizeof no},       {CKA_DERIVE, &no, sizeof no},
        {CKA_LABEL, (void *)key_label, ll}, {CKA_ID, id, sizeof id},
    };
    CK_MECHANISM mech = {curve ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_OBJECT_HANDLE hpub = 0, hpriv = 0;
    CK_RV rv = s.p->f->C_GenerateKeyPair(s.h, &mech, pubt, npub, privt,
                                         sizeof privt / sizeof privt[0], &hpub, &hpriv);
    if (rv != CKR_OK) {
        st = ks_p11_fail(err, rv, "C_GenerateKeyPair", s.info.label);
        goto done;
    }
    st = ks_p11_pubkey(&s, hpub, pub, err);
    if (st != KS_OK) { /* no half-made pair left in the token */
        s.p->f->C_DestroyObject(s.h, hpriv);
        s.p->f->C_DestroyObject(s.h, hpub);
    }
done:
    ks_p11_close(&s);
    return st;
}

ks_status ks_token_delete_label(const char *module_path, const char *token_label, const char *pin,
                                const char *label, ks_error *err)
{
    if (!label || !*label)
        return ks_error_set(err, KS_E_USAGE, N_("a key needs a label"));
    ks_p11_sess s;
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_USER, pin, &s, err);
    if (st != KS_OK)
        return st;
    static const CK_OBJECT_CLASS classes[] = {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE};
    for (size_t c = 0; c < sizeof classes / sizeof classes[0] && st == KS_OK; c++) {
        CK_OBJECT_HANDLE h[KS_P11_MAX_FOUND];
        size_t n = 0;
        st = ks_p11_find(&s, classes[c], label, NULL, 0, h, KS_P11_MAX_FOUND, &n, err);
        for (size_t i = 0; i < n && st == KS_OK; i++) {
            CK_RV rv = s.p->f->C_DestroyObject(s.h, h[i]);
            if (rv != CKR_OK)
                st = ks_p11_fail(err, rv, "C_DestroyObject", s.info.label);
        }
    }
    ks_p11_close(&s);
    return st;
}
