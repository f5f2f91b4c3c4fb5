/* kyso — the CMS layer: CAdES/PKCS#7 detached SignedData for PAdES, RFC 3161 timestamps,
 * revocation data (OCSP, CRL) fetched over HTTP, and the cryptographic checks the verifier
 * needs. Knows nothing of PDF: content is given as byte slices. */
#ifndef KYSO_CMS_H
#define KYSO_CMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "kyso/error.h"
#include "kyso/net.h"
#include "kyso/util.h"
#include "kyso/signer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OpenSSL declares no stack type for OCSP responses; this gives sk_OCSP_RESPONSE_*(). */
DEFINE_STACK_OF(OCSP_RESPONSE)

/* A slice of signed content (e.g. one ByteRange part). */
typedef struct ks_slice {
    const uint8_t *data;
    size_t len;
} ks_slice;

/* Hashes one file once for all its signatures: given to ks_cms_verify_detached_ex and
 * ks_tst_verify_ex, it keeps the digest state at the end of each first byte range (which
 * starts at the file's first byte), so that N signatures over one file cost one pass over
 * it, not N. Borrows `data` (the whole file) for its life. Not thread-safe. */
typedef struct ks_prefix_hasher ks_prefix_hasher;
ks_prefix_hasher *ks_prefix_hasher_new(const uint8_t *data, size_t len); /* NULL: no memory */
void ks_prefix_hasher_free(ks_prefix_hasher *h);                         /* NULL is a no-op */
/* Announces that a first byte range will end at `off`: the single pass keeps its state there
 * even when a longer range is asked for first. */
void ks_prefix_hasher_mark(ks_prefix_hasher *h, size_t off);

/* Hashes the concatenation of `slices` with `md` into `out` (ks_md_len(md) bytes). */
ks_status ks_digest_slices(ks_md md, const ks_slice *slices, size_t n, uint8_t *out, ks_error *err);

/* ---- signing ---- */
typedef enum ks_cms_profile {
    KS_CMS_CADES = 0, /* PAdES baseline, /SubFilter /ETSI.CAdES.detached (ETSI EN 319 142-1):
                       * signing-certificate-v2, no signingTime */
    KS_CMS_PKCS7,     /* /SubFilter /adbe.pkcs7.detached for old receivers: signingTime kept */
} ks_cms_profile;

typedef struct ks_cms_sign_opts {
    ks_cms_profile profile;
    ks_md md;
    ks_sig_scheme scheme;
    time_t signing_time; /* for KS_CMS_PKCS7's signingTime attribute */
    const char *tsa_url; /* non-NULL: add an RFC 3161 signature-time-stamp (B-T) */
    long timeout_ms;     /* network timeout for the TSA (0 = 30 s) */
} ks_cms_sign_opts;

/* Upper bound of the DER size of the SignedData ks_cms_sign_digest will produce with these
 * options (certificates, signature, timestamp allowance), for sizing /Contents. */
size_t ks_cms_estimate_size(const ks_signer *signer, const ks_cms_sign_opts *opts);

/* Builds a detached CMS SignedData over content whose hash under opts->md is `digest`.
 * The private-key operation goes through signer->sign. Output is malloc'd DER. */
ks_status ks_cms_sign_digest(ks_signer *signer, const uint8_t *digest, size_t digest_len,
                             const ks_cms_sign_opts *opts, uint8_t **der, size_t *der_len,
                             ks_error *err);

/* ---- signing in two halves (a remote signer: the desktop agent, a network HSM) ----
 * ks_cms_begin builds the signed attributes and hands out what the remote key must sign;
 * minutes later (another request, another process: ks_cms_pending_save / _load),
 * ks_cms_finish takes the signature value, checks it against the certificate's public key
 * before using it, adds the signature timestamp (B-T) and returns the SignedData. */
typedef struct ks_cms_pending ks_cms_pending;

typedef struct ks_cms_tbs {
    uint8_t hash[64]; /* the hash under `md` of the DER SET OF signed attributes */
    size_t hash_len;
    /* RSA PKCS#1 v1.5: DigestInfo(md, hash), the input of a raw RSA-PKCS mechanism (PKCS#11
     * CKM_RSA_PKCS, pkcs11-tool -m RSA-PKCS); empty for other schemes */
    uint8_t digest_info[128];
    size_t digest_info_len;
    ks_md md;
    ks_sig_scheme scheme; /* the value expected: RSA raw, ECDSA DER ECDSA-Sig-Value */
    X509 *cert;           /* borrowed from the pending state: the key that must sign */
} ks_cms_tbs;

/* `signer` gives the certificate, chain and key type (its `sign` is not used and may be NULL).
 * Errors as ks_cms_sign_digest's checks (KS_E_USAGE, KS_E_LIMIT). */
ks_status ks_cms_begin(const ks_signer *signer, const uint8_t *digest, size_t digest_len,
                       const ks_cms_sign_opts *opts, ks_cms_pending **out, ks_cms_tbs *tbs,
                       ks_error *err);
/* KS_E_CRYPTO ("does not verify with its certificate") for a wrong value; network errors of
 * the TSA. `*der` is malloc'd. The pending state may be finished again (e.g. after a TSA
 * failure). */
ks_status ks_cms_finish(ks_cms_pending *p, const uint8_t *sig, size_t sig_len, uint8_t **der,
                        size_t *der_len, ks_error *err);
/* What to sign, again (e.g. after ks_cms_pending_load). */
ks_status ks_cms_pending_tbs(ks_cms_pending *p, ks_cms_tbs *tbs, ks_error *err);
/* Appends a compact binary form (a few KB: options, certificates, signed attributes). */
ks_status ks_cms_pending_save(const ks_cms_pending *p, ks_buf *out, ks_error *err);
/* Reads it back: KS_E_FORMAT naming a damaged state (bounded parser of untrusted bytes). */
ks_status ks_cms_pending_load(const uint8_t *data, size_t len, ks_cms_pending **out, ks_error *err);
void ks_cms_pending_free(ks_cms_pending *p); /* NULL is a no-op */

/* ---- RFC 3161 ---- */
/* Asks the TSA at `url` (HTTP POST application/timestamp-query, with a nonce and certReq) for a
 * token over `digest`. Checks status, nonce and message imprint. Returns the TimeStampToken
 * (a ContentInfo with SignedData) as malloc'd DER. */
ks_status ks_tsa_request(const char *url, ks_md md, const uint8_t *digest, size_t digest_len,
                         long timeout_ms, uint8_t **token, size_t *token_len, ks_error *err);

/* ---- revocation data ---- */
/* OCSP for `cert` issued by `issuer`, from the AIA OCSP URL of `cert` (or `url` if non-NULL).
 * Returns the DER OCSPResponse (successful status checked; signature checked against `issuer`
 * or a delegated responder it issued). */
ks_status ks_ocsp_fetch(X509 *cert, X509 *issuer, const char *url, long timeout_ms, uint8_t **der,
                        size_t *der_len, ks_error *err);
/* CRL from the CRL distribution point of `cert` (first HTTP URL). DER, malloc'd. */
ks_status ks_crl_fetch(X509 *cert, long timeout_ms, uint8_t **der, size_t *der_len, ks_error *err);
/* ---- verification (used by verify/) ---- */
typedef struct ks_tst_info {
    bool present;
    bool imprint_ok;   /* message imprint matches the data it stamps */
    bool signature_ok; /* the token's SignedData signature verifies with its signer cert */
    bool tsa_eku_ok;   /* the signer cert has id-kp-timeStamping as its only extended key
                        * usage, marked critical (RFC 3161 §2.3); without it any certificate of
                        * a trusted CA could claim a time */
    time_t gen_time;
    X509 *tsa_cert;         /* borrowed from `certs` of the owning result */
    STACK_OF(X509) * certs; /* owned: certificates inside the token */
    uint8_t *der;           /* owned copy of the token */
    size_t der_len;
    char hash_name[16];
} ks_tst_info;

typedef struct ks_cms_result {
    bool parsed;          /* DER parsed as ContentInfo/SignedData with exactly one signer */
    bool digest_ok;       /* messageDigest attribute equals the hash of the content */
    bool signature_ok;    /* signature value verifies with the signer certificate */
    bool content_type_ok; /* contentType attribute is id-data (when signed attributes) */
    bool has_signed_attrs;
    bool ess_cert_present; /* signing-certificate(-v2) attribute present */
    bool ess_cert_ok;      /* ... and it binds the signer certificate */
    bool has_signing_time; /* signingTime attribute present (not allowed in PAdES baseline) */
    time_t signing_time;
    char digest_name[16]; /* "SHA-256" */
    int digest_nid;
    int sig_nid; /* signature algorithm (e.g. NID_rsaEncryption, NID_rsassaPss) */
    int key_bits;
    X509 *signer;                    /* owned */
    STACK_OF(X509) * certs;          /* owned: all certificates in the SignedData */
    STACK_OF(X509_CRL) * crls;       /* owned: CRLs in the SignedData and revocationInfoArchival */
    STACK_OF(OCSP_RESPONSE) * ocsps; /* owned: OCSP responses from adbe-revocationInfoArchival */
    ks_tst_info sig_ts; /* signature-time-stamp unsigned attribute (over the signature) */
    char detail[256];   /* English note on the first failure, for reports */
} ks_cms_result;

/* Parses `der` as a detached SignedData over `content` and checks digest, signature value,
 * contentType and the ESS signing-certificate binding, and any signature timestamp.
 * Returns KS_OK when parsing succeeded (check the flags for the outcome); KS_E_FORMAT when the
 * bytes are not a usable SignedData. Never trusts anything: path building is the caller's. */
ks_status ks_cms_verify_detached(const uint8_t *der, size_t len, const ks_slice *content,
                                 size_t ncontent, ks_cms_result *out, ks_error *err);
/* /SubFilter /adbe.pkcs7.sha1 (ISO 32000-1 §12.8.3.3): `der` encapsulates the SHA-1 digest of
 * `content` as its id-data eContent, and signs that. Fills `out` as ks_cms_verify_detached does
 * (digest_ok also requires the encapsulated digest to match); digest_nid is SHA-1 so that the
 * caller's algorithm policy judges it. */
ks_status ks_cms_verify_sha1(const uint8_t *der, size_t len, const ks_slice *content,
                             size_t ncontent, ks_cms_result *out, ks_error *err);
/* The same, hashing `content` through `h` (may be NULL). */
ks_status ks_cms_verify_detached_ex(const uint8_t *der, size_t len, const ks_slice *content,
                                    size_t ncontent, ks_prefix_hasher *h, ks_cms_result *out,
                                    ks_error *err);
/* Parses an RFC 3161 TimeStampToken used as a document timestamp (/SubFilter /ETSI.RFC3161)
 * and checks its imprint against `content`. */
ks_status ks_tst_verify(const uint8_t *der, size_t len, const ks_slice *content, size_t ncontent,
                        ks_tst_info *out, ks_error *err);
ks_status ks_tst_verify_ex(const uint8_t *der, size_t len, const ks_slice *content, size_t ncontent,
                           ks_prefix_hasher *h, ks_tst_info *out, ks_error *err);
void ks_cms_result_free(ks_cms_result *r);
void ks_tst_info_free(ks_tst_info *t);

#ifdef __cplusplus
}
#endif
#endif
