/* Unit tests of token/ without a token: the PIN-state messages chosen from CKF_* flags, and the
 * byte formats around C_Sign (DigestInfo, r||s to DER), checked against OpenSSL.
 * SoftHSM2 has no retry limit: it never locks a PIN and never reports a final try (it only sets
 * CKF_USER_PIN_COUNT_LOW after a wrong PIN), so the final-try and locked messages cannot be
 * produced by a real login in CI: they are tested here by feeding ks_p11_pin_msgid and
 * ks_token_pin_state the flag values a real token reports. */
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "p11_internal.h"
#include "test.h"

static void test_pin_msgids(void)
{
    const char *m;
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, 0, false);
    CHECK(m && strstr(m, "wrong user PIN") && !strstr(m, "left"));
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_USER_PIN_COUNT_LOW, false);
    CHECK(m && strstr(m, "few tries left"));
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_USER_PIN_FINAL_TRY, false);
    CHECK(m && strstr(m, "one try left"));
    /* final try wins over count low when a token sets both */
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW, false);
    CHECK(m && strstr(m, "one try left"));
    /* the wrong attempt that locked the token reports the lock with the recovery path */
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_USER_PIN_LOCKED, false);
    CHECK(m && strstr(m, "locked") && strstr(m, "Mẫu 06") && strstr(m, "Sở KH&CN") &&
          strstr(m, "01 working day") && strstr(m, "kyso token unblock"));
    m = ks_p11_pin_msgid(CKR_PIN_LOCKED, 0, false);
    CHECK(m && strstr(m, "Mẫu 06"));
    /* SO flags do not affect the user message and vice versa */
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_SO_PIN_FINAL_TRY | CKF_SO_PIN_LOCKED, false);
    CHECK(m && !strstr(m, "left") && !strstr(m, "locked"));
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_SO_PIN_FINAL_TRY, true);
    CHECK(m && strstr(m, "wrong SO PIN") && strstr(m, "one try left"));
    m = ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_SO_PIN_COUNT_LOW, true);
    CHECK(m && strstr(m, "few tries left"));
    m = ks_p11_pin_msgid(CKR_PIN_LOCKED, 0, true);
    CHECK(m && strstr(m, "SO PIN") && strstr(m, "locked"));
    CHECK(ks_p11_pin_msgid(CKR_DEVICE_REMOVED, 0, false) == NULL);

    /* the message is filled with the token label, and reaches the caller as KS_E_TOKEN */
    ks_error e;
    ks_error_set(&e, KS_E_TOKEN, ks_p11_pin_msgid(CKR_PIN_INCORRECT, CKF_USER_PIN_COUNT_LOW, 0),
                 "Văn thư");
    CHECK(strstr(e.msg_en, "\"Văn thư\"") != NULL);

    /* the list display follows the same flags */
    ks_token_info ti;
    memset(&ti, 0, sizeof ti);
    ti.initialized = ti.user_pin_initialized = true;
    CHECK_STR(ks_token_pin_state(&ti), "ready");
    ti.user_pin_count_low = true;
    CHECK(strstr(ks_token_pin_state(&ti), "few tries left") != NULL);
    ti.user_pin_final_try = true;
    CHECK(strstr(ks_token_pin_state(&ti), "one try left") != NULL);
    ti.user_pin_locked = true;
    CHECK(strstr(ks_token_pin_state(&ti), "locked") != NULL);
}

static void test_rv_messages(void)
{
    ks_error e;
    CHECK(ks_p11_fail(&e, CKR_DEVICE_REMOVED, "C_Sign", "tok") == KS_E_TOKEN);
    CHECK(e.status == KS_E_TOKEN);
    CHECK(strstr(e.msg_en, "C_Sign") && strstr(e.msg_en, "\"tok\"") &&
          strstr(e.msg_en, "removed") && strstr(e.msg_en, "CKR_DEVICE_REMOVED"));
    ks_p11_fail(&e, 0x8123UL, "C_Login", NULL);
    CHECK(strstr(e.msg_en, "CKR_0x00008123") != NULL);
    CHECK_STR(ks_p11_rv_name(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT");
}

/* DigestInfo as OpenSSL encodes it (X509_SIG), for each hash. */
static void test_digest_info(void)
{
    const ks_md mds[] = {KS_MD_SHA256, KS_MD_SHA384, KS_MD_SHA512};
    const int nids[] = {NID_sha256, NID_sha384, NID_sha512};
    for (int i = 0; i < 3; i++) {
        uint8_t dg[64], out[19 + 64];
        size_t dl = ks_p11_md_len(mds[i]), ol = 0;
        for (size_t k = 0; k < dl; k++)
            dg[k] = (uint8_t)(k * 7 + 1);
        CHECK(ks_p11_digest_info(mds[i], dg, dl, out, &ol, NULL) == KS_OK);
        X509_SIG *sig = X509_SIG_new();
        X509_ALGOR *alg = NULL;
        ASN1_OCTET_STRING *os = NULL;
        X509_SIG_getm(sig, &alg, &os);
        X509_ALGOR_set0(alg, OBJ_nid2obj(nids[i]), V_ASN1_NULL, NULL);
        ASN1_OCTET_STRING_set(os, dg, (int)dl);
        unsigned char *der = NULL;
        int n = i2d_X509_SIG(sig, &der);
        CHECK(n > 0 && (size_t)n == ol && memcmp(der, out, ol) == 0);
        OPENSSL_free(der);
        X509_SIG_free(sig);
    }
    uint8_t out[100];
    size_t ol = 0;
    ks_error e;
    CHECK(ks_p11_digest_info(KS_MD_SHA256, out, 20, out, &ol, &e) == KS_E_USAGE);
}

/* r||s with leading zero bytes and high bits: DER must parse back to the same numbers. */
static void test_ecdsa_der(void)
{
    uint8_t raw[64];
    memset(raw, 0, sizeof raw);
    raw[1] = 0x01; /* r has a leading zero byte */
    raw[31] = 0x05;
    raw[32] = 0xff; /* s has its top bit set: needs a 0x00 pad in DER */
    raw[63] = 0x07;
    uint8_t der[80];
    size_t dl = sizeof der;
    CHECK(ks_p11_ecdsa_der(raw, sizeof raw, der, &dl, NULL) == KS_OK);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)dl);
    CHECK(sig != NULL && p == der + dl);
    if (sig) {
        uint8_t back[64];
        const BIGNUM *r, *s;
        ECDSA_SIG_get0(sig, &r, &s);
        BN_bn2binpad(r, back, 32);
        BN_bn2binpad(s, back + 32, 32);
        CHECK(memcmp(back, raw, 64) == 0);
        ECDSA_SIG_free(sig);
    }
    size_t small = 10;
    CHECK(ks_p11_ecdsa_der(raw, sizeof raw, der, &small, NULL) == KS_E_USAGE);
    dl = sizeof der;
    CHECK(ks_p11_ecdsa_der(raw, 63, der, &dl, NULL) == KS_E_TOKEN);
}

int main(void)
{
    test_pin_msgids();
    test_rv_messages();
    test_digest_info();
    test_ecdsa_der();
    return ks_test_done();
}
