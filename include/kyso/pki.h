/* kyso — PKI services for tests and small deployments: a three-tier test CA (root → issuing CA →
 * subscribers, plus a delegated OCSP responder and a TSA), kept in a directory with an SQLite
 * database and an append-only hash-chained audit trail; CRLs, an RFC 6960 OCSP responder and an
 * RFC 3161 time-stamping authority served over HTTP.
 *
 * Validity rules follow Decree 68/2024 Art. 9: CA certificates at most 20 years, a new
 * subscriber certificate at most 5 years, a renewal extends by at most 3 years.
 *
 * Object identifiers: kyso has no IANA enterprise number, so its arc is a UUID OID (ITU-T X.667,
 * "2.25.<uuid as integer>"), which needs no registration and cannot collide:
 *   KS_PKI_ARC              2.25.115274035936286627048492735598134553501
 *   KS_PKI_ARC.1.1          certificate policy, personal certificates
 *   KS_PKI_ARC.1.2          certificate policy, organisation certificates
 *   KS_PKI_ARC.1.3          certificate policy, device / service / software certificates
 *   KS_PKI_ARC.1.9          certificate policy of the CA, OCSP and TSA certificates
 *   KS_PKI_ARC.2.1          TSA policy of timestamps (TSTInfo.policy) */
#ifndef KYSO_PKI_H
#define KYSO_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KS_PKI_ARC "2.25.115274035936286627048492735598134553501"
#define KS_PKI_POLICY_PERSONAL KS_PKI_ARC ".1.1"
#define KS_PKI_POLICY_ORGANIZATION KS_PKI_ARC ".1.2"
#define KS_PKI_POLICY_DEVICE KS_PKI_ARC ".1.3"
#define KS_PKI_POLICY_CA KS_PKI_ARC ".1.9"
#define KS_PKI_POLICY_TSA KS_PKI_ARC ".2.1"

/* Decree 68/2024 Art. 9 limits, in years. */
#define KS_PKI_CA_MAX_YEARS 20
#define KS_PKI_NEW_MAX_YEARS 5
#define KS_PKI_RENEW_MAX_YEARS 3
#define KS_PKI_DEFAULT_YEARS 3

typedef enum ks_pki_profile {
    KS_PROFILE_PERSONAL = 0, /* cá nhân */
    KS_PROFILE_ORGANIZATION, /* cơ quan, tổ chức */
    KS_PROFILE_DEVICE,       /* thiết bị, dịch vụ, phần mềm */
} ks_pki_profile;

/* Parses "personal" / "organization" / "device". */
ks_status ks_pki_profile_parse(const char *s, ks_pki_profile *out, ks_error *err);
const char *ks_pki_profile_name(ks_pki_profile p);

/* Subject data of a subscriber certificate. Every string is UTF-8 (normalised to NFC when the
 * certificate is made) or NULL when absent. */
typedef struct ks_pki_subject {
    ks_pki_profile profile;
    const char *name;     /* CN: full name, organisation name, or device/service name */
    const char *title;    /* title 2.5.4.12 (chức danh), personal only */
    const char *org;      /* O: organisation (personal, device) or managing body (organization) */
    const char *unit;     /* OU */
    const char *org_id;   /* organizationIdentifier 2.5.4.97: mã định danh, e.g. "H24.6" */
    const char *email;    /* emailAddress in the DN and rfc822Name in the SAN */
    const char *locality; /* L */
    const char *street;   /* street (organisation address) */
} ks_pki_subject;

/* ---- the CA directory ---- */
typedef struct ks_ca ks_ca;

typedef struct ks_ca_init_opts {
    const char *base_url;      /* CDP/AIA base, NULL: "http://127.0.0.1:8080" */
    const char *pkcs11_module; /* NULL: keys in files; else the keys are generated in a token */
    const char *token_label;   /* the token (needed with pkcs11_module) */
    const char *pin;           /* its user PIN (needed with pkcs11_module) */
    const char *ca_key_spec;   /* root and issuing CA keys (ks_pki_keygen spec); NULL: rsa:3072 */
} ks_ca_init_opts;

/* Creates the CA in `dir` (created if missing; must not already hold a CA): root (RSA-3072,
 * 20 years), issuing CA (RSA-3072), OCSP responder and TSA (ECDSA P-256, chosen for throughput),
 * writing root.pem, issuing-ca.pem, ocsp.pem, tsa.pem, the keys under dir/private/ (mode 0600)
 * and dir/ca.db. With `pkcs11_module` the four key pairs are generated in the token instead
 * (labels "kyso-root", "kyso-issuing-ca", "kyso-ocsp", "kyso-tsa", with their certificates),
 * never leave it, and the database records the module and token. */
ks_status ks_ca_init(const char *dir, const ks_ca_init_opts *opts, ks_error *err);

/* Where the keys of the CA in `dir` live: `module` and `token` receive the PKCS#11 module path
 * and token label, or empty strings for file keys. For deciding whether to ask for a PIN. */
ks_status ks_ca_key_location(const char *dir, char module[1024], char token[64], ks_error *err);

/* Opens an existing CA directory. `pin` is the token's user PIN when the CA keys are in a
 * token (KS_E_TOKEN without it), else ignored (may be NULL). */
ks_status ks_ca_open(const char *dir, const char *pin, ks_ca **out, ks_error *err);
void ks_ca_close(ks_ca *ca); /* NULL is a no-op */

/* Borrowed from `ca`, valid until ks_ca_close. */
X509 *ks_ca_root_cert(ks_ca *ca);
X509 *ks_ca_issuing_cert(ks_ca *ca);
const char *ks_ca_base_url(ks_ca *ca);

/* Issues a subscriber certificate for `pub` with validity `years` (1..5; 0 = default 3).
 * Records it in the database and the audit trail. `*out` is the caller's. Errors: KS_E_USAGE
 * for a refused request (years, missing name, bad e-mail), KS_E_CRYPTO for a weak key. */
ks_status ks_ca_issue(ks_ca *ca, const ks_pki_subject *subj, EVP_PKEY *pub, int years, X509 **out,
                      ks_error *err);

/* Checks a request for ks_ca_issue before any key is made: validity `years` and the subject
 * (name present, fields fit, e-mail well-formed). Same errors as ks_ca_issue. */
ks_status ks_ca_issue_check(const ks_pki_subject *subj, int years, ks_error *err);

/* Issuance as one transaction (what `kyso ca issue` and kysod's registration authority do): the
 * request is checked, the key pair is made where the request says (or taken from a CSR), the
 * certificate issued and delivered (PKCS#12 file, token, PEM file). When a step after the key
 * generation fails, what was made is taken back: the key pair generated in the token is
 * deleted, a written PKCS#12 file removed, and a certificate already recorded is revoked
 * (cessationOfOperation) so that no certificate whose key nobody holds stays valid. */
typedef enum ks_ca_key_source {
    KS_CA_KEY_CSR = 0, /* the subscriber's own key: csr_path */
    KS_CA_KEY_P12,     /* generated here, delivered in p12_path protected by secret */
    KS_CA_KEY_TOKEN,   /* generated inside the token (non-extractable), cert stored beside it */
} ks_ca_key_source;

typedef struct ks_ca_issue_req {
    ks_pki_subject subject;
    int years; /* 0: default */
    ks_ca_key_source source;
    const char *key_type; /* ks_pki_keygen / ks_token_keygen spec; NULL: "rsa:2048" */
    const char *csr_path;
    const char *p12_path;
    const char *pkcs11_module, *token_label, *key_label; /* key_label NULL: the subject's name */
    const char *secret;   /* the PKCS#12 password or the token's user PIN (never empty) */
    const char *out_path; /* PEM of the certificate (may be NULL) */
} ks_ca_issue_req;

/* `*out` (may be NULL) receives the certificate. Errors of the steps; KS_E_USAGE for an
 * incomplete request (naming what is missing). */
ks_status ks_ca_issue_request(ks_ca *ca, const ks_ca_issue_req *req, X509 **out, ks_error *err);

/* Renewal: a new certificate with the same key and subject whose expiry is the old one's
 * extended by `years` (1..3; 0 = 3). The old certificate stays valid until its own expiry.
 * Refuses revoked certificates. */
ks_status ks_ca_renew(ks_ca *ca, const char *serial_hex, int years, X509 **out, ks_error *err);

/* Change of information: re-issues with the fields of `changes` that are non-NULL replacing the
 * old ones (an empty string removes a field), same key, original expiry kept; the old
 * certificate is revoked as superseded. `changes->profile` is ignored. */
ks_status ks_ca_change(ks_ca *ca, const char *serial_hex, const ks_pki_subject *changes, X509 **out,
                       ks_error *err);

/* RFC 5280 CRLReason codes we accept. */
ks_status ks_pki_reason_parse(const char *s, int *out, ks_error *err);
const char *ks_pki_reason_name(int reason);

/* Revokes a subscriber certificate now with `reason` (CRLReason code). */
ks_status ks_ca_revoke(ks_ca *ca, const char *serial_hex, int reason, ks_error *err);

/* A fresh CRL signed by the issuing CA (thisUpdate now, nextUpdate +7 days, increasing
 * cRLNumber), DER, malloc'd. */
ks_status ks_ca_crl(ks_ca *ca, uint8_t **der, size_t *der_len, ks_error *err);

/* Checks the audit trail's hash chain; `*entries` receives its length. KS_E_FORMAT names the
 * first broken entry. */
ks_status ks_ca_audit_verify(ks_ca *ca, long *entries, ks_error *err);

/* ---- reading a CA's records (no key and no PIN needed) ---- */
typedef struct ks_ca_cert_info {
    const char *serial; /* uppercase hex */
    const char *role;   /* "root", "issuing-ca", "ocsp", "tsa" or "subscriber" */
    ks_pki_profile profile;
    const char *name, *title, *org, *unit, *org_id, *email, *locality; /* NULL when absent */
    time_t not_before, not_after, issued_at;
    bool revoked;
    time_t revoked_at;
    int reason; /* CRLReason code when revoked */
} ks_ca_cert_info;
/* Calls `fn` for every certificate the CA in `dir` has issued, in the order of issue; a
 * non-zero return from `fn` stops the walk. */
ks_status ks_ca_list(const char *dir, int (*fn)(void *user, const ks_ca_cert_info *c), void *user,
                     ks_error *err);

typedef struct ks_ca_audit_entry {
    long seq;
    time_t at;
    const char *action, *serial, *detail; /* "" when empty */
    const char *hash;                     /* SHA-256 of the entry and its predecessor, hex */
} ks_ca_audit_entry;
/* Reads the audit trail of the CA in `dir` in order, checking the hash chain as it goes, and
 * calls `fn` (may be NULL) for each entry found intact. KS_E_FORMAT names the first broken
 * entry; `*entries` (may be NULL) receives the number of intact entries read. */
ks_status ks_ca_audit_read(const char *dir, int (*fn)(void *user, const ks_ca_audit_entry *e),
                           void *user, long *entries, ks_error *err);

/* ---- keys and files ---- */
/* Generates a key: "rsa:2048", "rsa:3072", "ec:P-256", "ec:P-384". */
ks_status ks_pki_keygen(const char *spec, EVP_PKEY **out, ks_error *err);
/* Reads a PKCS#10 request (PEM or DER), checks its self-signature and returns its key. */
ks_status ks_pki_read_csr(const char *path, EVP_PKEY **pub, ks_error *err);
/* Writes key + certificate + chain as a PKCS#12 (AES-256, PBKDF2) to `path`, mode 0600. */
ks_status ks_pki_write_p12(const char *path, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
                           const char *password, ks_error *err);
/* Writes a certificate as PEM (atomic). */
ks_status ks_pki_write_cert_pem(const char *path, X509 *cert, ks_error *err);
/* Serial as uppercase hex without leading zeros stripped beyond the DER value ("3F0A..."). */
void ks_pki_serial_hex(const ASN1_INTEGER *serial, char out[80]);

/* ---- responders (pure functions, thread-safe, used by the server and the fuzz targets) ---- */
typedef struct ks_responder ks_responder;

/* Loads what the OCSP responder and the TSA need from `dir`: keys, certificates and a database
 * connection for status look-ups. `pin` as for ks_ca_open. */
ks_status ks_responder_open(const char *dir, const char *pin, ks_responder **out, ks_error *err);
void ks_responder_free(ks_responder *r);

/* RFC 6960: answers an OCSPRequest (DER) with an OCSPResponse (DER, malloc'd). Malformed input
 * yields a malformedRequest response, never an error; KS_E_* only for internal failures. */
ks_status ks_responder_ocsp(ks_responder *r, const uint8_t *req, size_t req_len, uint8_t **resp,
                            size_t *resp_len, ks_error *err);
/* RFC 3161: answers a TimeStampReq (DER) with a TimeStampResp (DER, malloc'd); bad requests get
 * a rejection status inside the response. */
ks_status ks_responder_tsa(ks_responder *r, const uint8_t *req, size_t req_len, uint8_t **resp,
                           size_t *resp_len, ks_error *err);
/* A CRL as ks_ca_crl, cached while the database is unchanged (at most 60 s). */
ks_status ks_responder_crl(ks_responder *r, uint8_t **der, size_t *der_len, ks_error *err);

/* ---- HTTP server ---- */
typedef struct ks_pki_server ks_pki_server;
/* Serves GET /crl, GET /ocsp/<base64>, POST /ocsp (and POST /), POST /tsa on `listen`
 * ("127.0.0.1:PORT") with a pool of `threads` threads (0 = 2). Returns once listening. `pin` as
 * for ks_ca_open (the token sessions stay open while serving). */
ks_status ks_pki_server_start(const char *dir, const char *listen, unsigned threads,
                              const char *pin, ks_pki_server **out, ks_error *err);
void ks_pki_server_stop(ks_pki_server *s); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
