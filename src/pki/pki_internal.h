/* pki/pki_internal.h — what the files of the PKI module share: the CA handle, the database
 * rows, the certificate builder. Not a public interface. */
#ifndef KYSO_PKI_INTERNAL_H
#define KYSO_PKI_INTERNAL_H

#include "../store/sqlite_lazy.h"
#include "../store/store.h"

#include "kyso/pki.h"
#include "kyso/signer.h"
#include "kyso/util.h"

#define KS_PKI_DEFAULT_BASE_URL "http://127.0.0.1:8080"
#define KS_PKI_URL_MAX 200
#define KS_PKI_FIELD_MAX 256 /* bytes of one subject field (RFC 5280 ub-* are 64..200 chars) */

/* Certificate roles in the database. */
#define KS_ROLE_ROOT "root"
#define KS_ROLE_CA "issuing-ca"
#define KS_ROLE_OCSP "ocsp"
#define KS_ROLE_TSA "tsa"
#define KS_ROLE_SUBSCRIBER "subscriber"

struct ks_ca {
    char *dir;
    sqlite3 *db;
    X509 *root, *issuing;
    EVP_PKEY *issuing_key;
    ks_signer *issuing_signer; /* when the key is in a token */
    char base_url[KS_PKI_URL_MAX + 1];
    const ks_ctx *ctx; /* the clock (ks_ca_set_ctx); NULL: time(NULL) */
};

/* One row of the `certs` table. Strings are malloc'd (NULL when absent). */
typedef struct ks_cert_row {
    char serial[80];
    char role[16];
    ks_pki_profile profile;
    char *name, *title, *org, *unit, *org_id, *email, *locality, *street;
    int64_t not_before, not_after;
    bool revoked;
    int64_t revoked_at;
    int reason;
    uint8_t *der;
    size_t der_len;
} ks_cert_row;
void ks_cert_row_clear(ks_cert_row *r);

/* ---- database (db.c) ---- */
ks_status ks_pki_db_open(const char *dir, bool create, sqlite3 **out, ks_error *err);
/* Transactions around several changes: ks_sqlite_tx_begin/_end (store/sqlite_util.c), so that
 * a failure or a crash in the middle leaves the database as it was. */
ks_status ks_pki_meta_get(sqlite3 *db, const char *key, char *out, size_t out_len, ks_error *err);
ks_status ks_pki_meta_set(sqlite3 *db, const char *key, const char *value, ks_error *err);
ks_status ks_pki_cert_insert(sqlite3 *db, const ks_cert_row *row, ks_error *err);
/* KS_E_USAGE ("no certificate with serial") when absent. */
ks_status ks_pki_cert_find(sqlite3 *db, const char *serial_hex, ks_cert_row *row, ks_error *err);
ks_status ks_pki_cert_set_revoked(sqlite3 *db, const char *serial_hex, int64_t at, int reason,
                                  ks_error *err);
/* Next CRL number (stored, incremented). */
ks_status ks_pki_next_crl_number(sqlite3 *db, int64_t *out, ks_error *err);
/* Canonical serial: uppercase hex, no leading "0x", leading zero bytes kept as in DER. Rejects
 * anything that is not 1..40 hex digits. */
ks_status ks_pki_serial_normalize(const char *in, char out[80], ks_error *err);

/* ---- audit trail (audit.c) ---- */
/* Appends an entry whose hash chains to the previous one: h = SHA-256(prev_h | seq | at |
 * action | serial | detail). The table refuses UPDATE and DELETE (triggers). */
ks_status ks_pki_audit(sqlite3 *db, const char *action, const char *serial, const char *detail,
                       ks_error *err);

/* ---- keys (keys.c) ---- */
ks_status ks_pki_key_save(const char *path, EVP_PKEY *key, ks_error *err);
ks_status ks_pki_key_load(const char *path, EVP_PKEY **out, ks_error *err);
ks_status ks_pki_cert_load(const char *path, X509 **out, ks_error *err);
/* An EVP_PKEY with the public key `pub` whose private operation is `signer` (a PKCS#11 key):
 * OpenSSL's signing code uses it like a file key. `signer` is borrowed and must outlive it. */
ks_status ks_pki_signer_pkey(ks_signer *signer, EVP_PKEY *pub, EVP_PKEY **out, ks_error *err);
/* The private key of the CA-side role `role_file` ("root", "issuing-ca", "ocsp", "tsa") for
 * `cert`: dir/private/<role>.key, or key "kyso-<role>" in the token the database names (needs
 * `pin`). `*signer` receives the token signer (NULL for a file key): free it after `*key`. */
ks_status ks_pki_role_key(sqlite3 *db, const char *dir, const char *role_file, const char *pin,
                          X509 *cert, EVP_PKEY **key, ks_signer **signer, ks_error *err);
/* Refuses keys weaker than RSA-2048 / EC P-256. */
ks_status ks_pki_key_check(EVP_PKEY *pub, ks_error *err);

/* ---- certificate building (certgen.c, names.c) ---- */
typedef enum ks_cert_kind {
    KS_KIND_ROOT,
    KS_KIND_ISSUING,
    KS_KIND_OCSP,
    KS_KIND_TSA,
    KS_KIND_SUBSCRIBER,
} ks_cert_kind;

typedef struct ks_cert_spec {
    ks_cert_kind kind;
    const ks_pki_subject *subj; /* subscriber subject; NULL for CA-side certificates */
    X509_NAME *ca_name;         /* CA-side subject (root, issuing, ocsp, tsa) */
    EVP_PKEY *pub;
    X509 *issuer;         /* NULL: self-signed */
    EVP_PKEY *issuer_key; /* signs */
    time_t not_before, not_after;
    const char *base_url; /* CDP/AIA */
} ks_cert_spec;

/* Builds and signs a certificate with a fresh random 16-byte positive serial. */
ks_status ks_pki_make_cert(const ks_cert_spec *spec, X509 **out, ks_error *err);
/* Subject DN of a subscriber profile (UTF8String attributes, NFC). */
ks_status ks_pki_subject_name(const ks_pki_subject *subj, X509_NAME **out, ks_error *err);
/* A CA-side DN: CN=`cn`, O=kyso, C=VN. */
ks_status ks_pki_ca_name(const char *cn, X509_NAME **out, ks_error *err);
/* `t` plus `years` calendar years (UTC). */
time_t ks_pki_add_years(time_t t, int years);
time_t ks_pki_asn1_time(const ASN1_TIME *t);
/* Fills a row (serial, dates, der) from `cert`. */
ks_status ks_pki_row_from_cert(X509 *cert, ks_cert_row *row, ks_error *err);
/* Stores the subscriber row for `cert` and audits it. */
ks_status ks_pki_record_issue(ks_ca *ca, X509 *cert, const ks_pki_subject *subj, const char *action,
                              ks_error *err);

/* ---- signing helpers (crl.c) ---- */
ks_status ks_pki_build_crl(sqlite3 *db, X509 *issuer, EVP_PKEY *key, time_t now, uint8_t **der,
                           size_t *der_len, ks_error *err);
const EVP_MD *ks_pki_sign_md(EVP_PKEY *key);

#endif
