/* kyso — a signing key wherever it lives: a file, a PKCS#11 token, or a remote agent.
 *
 * The CMS layer never sees a private key: it hands a digest to `sign` and embeds what comes
 * back. A file key (cms/), a PKCS#11 key (token/) and, later, the desktop agent all fill in this
 * one structure. */
#ifndef KYSO_SIGNER_H
#define KYSO_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ks_md {
    KS_MD_SHA256 = 0,
    KS_MD_SHA384,
    KS_MD_SHA512,
} ks_md;

typedef enum ks_sig_scheme {
    KS_SIG_RSA_PKCS1 = 0, /* RSASSA-PKCS1-v1_5 (default: what receivers use today) */
    KS_SIG_RSA_PSS,       /* RSASSA-PSS, MGF1 with the same hash, salt = hash length */
    KS_SIG_ECDSA,         /* ECDSA; signature DER-encoded (ECDSA-Sig-Value) */
} ks_sig_scheme;

typedef struct ks_signer ks_signer;
struct ks_signer {
    /* Signs `digest` (the hash of the data under `md`) with `scheme`. Writes at most *sig_len
     * bytes to `sig` and sets *sig_len. RSA: raw signature; ECDSA: DER ECDSA-Sig-Value. */
    ks_status (*sign)(ks_signer *s, ks_sig_scheme scheme, ks_md md, const uint8_t *digest,
                      size_t digest_len, uint8_t *sig, size_t *sig_len, ks_error *err);
    void (*destroy)(ks_signer *s); /* frees `ctx` */
    void *ctx;
    X509 *cert;             /* signer certificate (owned) */
    STACK_OF(X509) * chain; /* intermediate/root certificates to embed (owned, may be NULL) */
    int key_type;           /* EVP_PKEY_RSA or EVP_PKEY_EC */
    int key_bits;
    size_t max_sig_len; /* upper bound of a signature value in bytes */
};

/* Loads a signer from a PKCS#12 file. `password` may be "" (never NULL). */
ks_status ks_signer_from_p12(const char *path, const char *password, ks_signer **out,
                             ks_error *err);
/* Loads a signer from a PEM/DER private key and certificate, plus an optional PEM chain file.
 * `password` is for an encrypted key (may be NULL). */
ks_status ks_signer_from_pem(const char *key_path, const char *cert_path, const char *chain_path,
                             const char *password, ks_signer **out, ks_error *err);
/* Appends the certificates of a PEM file to the signer's chain. */
ks_status ks_signer_add_chain(ks_signer *s, const char *chain_path, ks_error *err);
void ks_signer_free(ks_signer *s); /* NULL is a no-op */

/* Name of a digest ("SHA-256"), its OpenSSL EVP_MD, its length in bytes. */
const char *ks_md_name(ks_md md);
const EVP_MD *ks_md_evp(ks_md md);
size_t ks_md_len(ks_md md);

#ifdef __cplusplus
}
#endif
#endif
