/* cms/cms_internal.h — private helpers shared by the CMS layer's files: a small DER writer and
 * bounded reader, OpenSSL error text, and the signer-info checks reused by timestamps. */
#ifndef KYSO_CMS_INTERNAL_H
#define KYSO_CMS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/cms.h>

#include "kyso/cms.h"
#include "kyso/util.h"

/* Hard bounds on what we accept from the outside. */
#define KS_CMS_MAX_DER (16u * 1024 * 1024) /* a SignedData or token larger than this is hostile */

/* ---- DER writer (definite lengths only) ---- */
/* Appends tag, length and `len` bytes of content. */
bool ks_der_put(ks_buf *out, uint8_t tag, const uint8_t *content, size_t len);
/* Appends an OBJECT IDENTIFIER given in dotted form ("1.2.840.113549.1.7.2"). */
bool ks_der_put_oid(ks_buf *out, const char *dotted);
/* Appends INTEGER `v` (small, non-negative). */
bool ks_der_put_small_int(ks_buf *out, unsigned v);
/* Appends an AlgorithmIdentifier for a digest (parameters absent, RFC 5754 §2). */
bool ks_der_put_digest_alg(ks_buf *out, ks_md md);

/* ---- DER reader: a bounded cursor over untrusted bytes ---- */
typedef struct ks_der {
    const uint8_t *p;
    size_t len;
} ks_der;
/* Reads one TLV (definite length, single-byte tag) from `c`; `val` gets the content and `tlv`
 * (may be NULL) the whole element. Advances `c`. False on malformed or truncated input. */
bool ks_der_next(ks_der *c, uint8_t *tag, ks_der *val, ks_der *tlv);

/* ---- digests ---- */
/* Dotted OID of the digest. */
const char *ks_md_oid(ks_md md);
/* Hashes `slices` with an arbitrary EVP_MD; `out` needs EVP_MAX_MD_SIZE bytes. */
bool ks_hash_slices_evp(const EVP_MD *md, const ks_slice *slices, size_t n, uint8_t *out,
                        unsigned *out_len);
/* Finishes `ctx` into `out`: the digest's own length, or 512 bits of an XOF (SHAKE256). */
bool ks_hash_final(EVP_MD_CTX *ctx, uint8_t *out, unsigned *out_len);

/* The same through a prefix hasher (prefix_hash.c): when the first slice starts at the
 * hasher's first byte, the digest state after it is shared with other calls. `h` may be NULL. */
bool ks_hash_slices_prefix(ks_prefix_hasher *h, const EVP_MD *md, const ks_slice *slices, size_t n,
                           uint8_t *out, unsigned *out_len);

/* Copies the oldest OpenSSL error reason into `buf` (or "unknown" when the queue is empty)
 * and clears the queue. */
const char *ks_ossl_reason(char *buf, size_t size);

/* Checks the single SignerInfo of `cms` against `content` (for a detached signature, the
 * signed bytes; for an encapsulated one, the eContent octets). Fills the signer, digest,
 * signature, contentType, ESS and signingTime fields of `r`; `r->detail` says what failed.
 * False only when the structure is unusable (and then `r->detail` says why). */
bool ks_cms_check_signer(CMS_ContentInfo *cms, const ks_slice *content, size_t ncontent,
                         ks_cms_result *r);

/* ---- signature algorithms OpenSSL's CMS does not verify (sig_alg.c) ---- */
/* A plain-format ECDSA signature (BSI TR-03111, r||s) is rewritten in place into the DER form
 * with the matching ecdsa-with-<hash> algorithm: 1 done, 0 not plain ECDSA, -1 refused (the
 * hash differs from `digest_nid`, the key is not EC, the length is wrong; `why` says which). */
int ks_cms_normalise_sig_alg(CMS_SignerInfo *si, X509 *signer, int digest_nid, char *why,
                             size_t why_len);
/* True when `signer`'s key is Ed25519 or Ed448. */
bool ks_cms_is_eddsa(const X509 *signer);
/* RFC 8419: the EdDSA signature value over the DER (SET OF, sorted) of the signed attributes. */
bool ks_cms_verify_eddsa(CMS_SignerInfo *si, X509 *signer);

#endif
