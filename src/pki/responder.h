/* pki/responder.h — the state the OCSP responder, the TSA and the CRL endpoint share: keys,
 * certificates, a database connection, response caches. Private to src/pki. */
#ifndef KYSO_PKI_RESPONDER_H
#define KYSO_PKI_RESPONDER_H

#include <pthread.h>

#include "pki_internal.h"

#define KS_OCSP_CACHE_SLOTS 1024
#define KS_OCSP_CACHE_SEC 60
#define KS_CRL_CACHE_SEC 60
#define KS_OCSP_MAX_ONEREQ 16 /* requests per OCSPRequest we answer */

typedef struct ks_ocsp_cached {
    char serial[80];
    int md_nid;
    int status; /* V_OCSP_CERTSTATUS_* */
    int64_t revoked_at;
    time_t made;
    uint8_t *der;
    size_t len;
} ks_ocsp_cached;

typedef struct ks_crl_cached {
    uint8_t *der;
    size_t len;
    time_t made;
    int64_t data_version;
} ks_crl_cached;

/* Issuer hashes of the issuing CA under one hash algorithm, for matching CertIDs. */
typedef struct ks_issuer_hash {
    int md_nid;
    uint8_t name[64], key[64];
    unsigned len;
} ks_issuer_hash;

struct ks_responder {
    char *dir;
    sqlite3 *db;
    sqlite3_stmt *status_stmt;
    pthread_mutex_t db_lock; /* db, status_stmt, crl caches */
    X509 *root, *issuing, *ocsp_cert, *tsa_cert;
    EVP_PKEY *root_key, *issuing_key, *ocsp_key, *tsa_key;
    ks_signer *signers[4];       /* token signers behind the keys above (NULL for file keys) */
    STACK_OF(X509) * ocsp_chain; /* sent in OCSP responses: the issuing CA */
    STACK_OF(X509) * tsa_chain;  /* sent in timestamps with certReq: the issuing CA */
    ASN1_OBJECT *tsa_policy;
    /* DigestSign context of the OCSP key, initialised once; each response signs with a copy,
     * which skips the per-request algorithm fetch and key checks (read-only after open). */
    EVP_MD_CTX *ocsp_sign_tmpl;
    ks_issuer_hash hashes[4];
    pthread_mutex_t cache_lock;
    ks_ocsp_cached cache[KS_OCSP_CACHE_SLOTS];
    ks_crl_cached crl, root_crl;
};

/* Status of a serial issued by the issuing CA: V_OCSP_CERTSTATUS_GOOD / REVOKED / UNKNOWN. */
int ks_responder_status(ks_responder *r, const char *serial, int64_t *revoked_at, int *reason);
/* CRL of the root (for the issuing CA), cached like ks_responder_crl. */
ks_status ks_responder_root_crl(ks_responder *r, uint8_t **der, size_t *der_len, ks_error *err);

#endif
