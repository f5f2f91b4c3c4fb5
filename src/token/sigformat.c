/* token/sigformat.c — the byte formats around C_Sign: the DigestInfo that CKM_RSA_PKCS signs
 * (RFC 8017 §9.2 note 1) and the DER ECDSA-Sig-Value that CMS expects from CKM_ECDSA's r||s. */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "p11_internal.h"

/* DER prefixes of DigestInfo ::= SEQUENCE { AlgorithmIdentifier (with NULL), OCTET STRING } */
static const uint8_t k_sha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const uint8_t k_sha384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const uint8_t k_sha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                   0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

size_t ks_p11_md_len(ks_md md)
{
    switch (md) {
    case KS_MD_SHA256:
        return 32;
    case KS_MD_SHA384:
        return 48;
    case KS_MD_SHA512:
        return 64;
    }
    return 0;
}

CK_MECHANISM_TYPE ks_p11_md_mech(ks_md md)
{
    return md == KS_MD_SHA512 ? CKM_SHA512 : md == KS_MD_SHA384 ? CKM_SHA384 : CKM_SHA256;
}

CK_RSA_PKCS_MGF_TYPE ks_p11_md_mgf(ks_md md)
{
    return md == KS_MD_SHA512   ? CKG_MGF1_SHA512
           : md == KS_MD_SHA384 ? CKG_MGF1_SHA384
                                : CKG_MGF1_SHA256;
}

ks_status ks_p11_digest_info(ks_md md, const uint8_t *digest, size_t digest_len, uint8_t *out,
                             size_t *out_len, ks_error *err)
{
    const uint8_t *pre = md == KS_MD_SHA512 ? k_sha512 : md == KS_MD_SHA384 ? k_sha384 : k_sha256;
    size_t want = ks_p11_md_len(md);
    if (want == 0 || digest_len != want)
        return ks_error_set(err, KS_E_USAGE,
                            N_("digest of %zu bytes does not match the hash algorithm (%zu bytes)"),
                            digest_len, want);
    memcpy(out, pre, sizeof k_sha256); /* all three prefixes are 19 bytes */
    memcpy(out + sizeof k_sha256, digest, digest_len);
    *out_len = sizeof k_sha256 + digest_len;
    return KS_OK;
}

ks_status ks_p11_ecdsa_der(const uint8_t *raw, size_t raw_len, uint8_t *out, size_t *out_len,
                           ks_error *err)
{
    if (raw_len == 0 || raw_len % 2 != 0 || raw_len > 2 * 66)
        return ks_error_set(
            err, KS_E_TOKEN,
            N_("the token returned an ECDSA signature of %zu bytes (expected r||s)"), raw_len);
    size_t half = raw_len / 2;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(raw + half, (int)half, NULL);
    ks_status st = KS_OK;
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig, r, s)) {
        BN_free(r);
        BN_free(s);
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    int n = i2d_ECDSA_SIG(sig, NULL);
    if (n <= 0 || (size_t)n > *out_len) {
        st =
            ks_error_set(err, KS_E_USAGE,
                         N_("signature buffer too small: %zu bytes given, %d needed"), *out_len, n);
        goto done;
    }
    unsigned char *p = out;
    *out_len = (size_t)i2d_ECDSA_SIG(sig, &p);
done:
    ECDSA_SIG_free(sig);
    return st;
}
