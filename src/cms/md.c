/* cms/md.c — the digests kyso signs with (SHA-2 family), hashing of content slices, and the
 * OpenSSL error text the CMS layer puts into its messages. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "cms_internal.h"

const char *ks_md_name(ks_md md)
{
    switch (md) {
    case KS_MD_SHA384:
        return "SHA-384";
    case KS_MD_SHA512:
        return "SHA-512";
    case KS_MD_SHA256:
    default:
        return "SHA-256";
    }
}

const EVP_MD *ks_md_evp(ks_md md)
{
    switch (md) {
    case KS_MD_SHA384:
        return EVP_sha384();
    case KS_MD_SHA512:
        return EVP_sha512();
    case KS_MD_SHA256:
    default:
        return EVP_sha256();
    }
}

size_t ks_md_len(ks_md md)
{
    switch (md) {
    case KS_MD_SHA384:
        return 48;
    case KS_MD_SHA512:
        return 64;
    case KS_MD_SHA256:
    default:
        return 32;
    }
}

const char *ks_md_oid(ks_md md)
{
    /* RFC 5758 / NIST CSOR */
    switch (md) {
    case KS_MD_SHA384:
        return "2.16.840.1.101.3.4.2.2";
    case KS_MD_SHA512:
        return "2.16.840.1.101.3.4.2.3";
    case KS_MD_SHA256:
    default:
        return "2.16.840.1.101.3.4.2.1";
    }
}

bool ks_hash_slices_evp(const EVP_MD *md, const ks_slice *slices, size_t n, uint8_t *out,
                        unsigned *out_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        if (slices[i].len)
            ok = EVP_DigestUpdate(ctx, slices[i].data, slices[i].len) == 1;
    ok = ok && ks_hash_final(ctx, out, out_len);
    EVP_MD_CTX_free(ctx);
    return ok;
}

bool ks_hash_final(EVP_MD_CTX *ctx, uint8_t *out, unsigned *out_len)
{
    if (EVP_MD_get_flags(EVP_MD_CTX_get0_md(ctx)) & EVP_MD_FLAG_XOF) {
        /* SHAKE256 as CMS uses it with Ed448: 512 bits of output (RFC 8419 §2.3) */
        *out_len = 64;
        return EVP_DigestFinalXOF(ctx, out, 64) == 1;
    }
    return EVP_DigestFinal_ex(ctx, out, out_len) == 1;
}

ks_status ks_digest_slices(ks_md md, const ks_slice *slices, size_t n, uint8_t *out, ks_error *err)
{
    if (md != KS_MD_SHA256 && md != KS_MD_SHA384 && md != KS_MD_SHA512)
        return ks_error_set(err, KS_E_USAGE, N_("unknown digest algorithm %d"), (int)md);
    if (n && !slices)
        return ks_error_set(err, KS_E_USAGE, N_("no content to hash"));
    unsigned len = 0;
    if (!ks_hash_slices_evp(ks_md_evp(md), slices, n, out, &len)) {
        char why[160];
        return ks_error_set(err, KS_E_CRYPTO, N_("cannot compute the %s digest: %s"),
                            ks_md_name(md), ks_ossl_reason(why, sizeof why));
    }
    return KS_OK;
}

const char *ks_ossl_reason(char *buf, size_t size)
{
    unsigned long e = ERR_get_error();
    if (e == 0)
        snprintf(buf, size, "unknown");
    else
        ERR_error_string_n(e, buf, size);
    ERR_clear_error();
    return buf;
}
