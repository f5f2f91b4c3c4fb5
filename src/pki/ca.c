/* pki/ca.c — creating and opening a CA directory: the key pairs and certificates of the root,
 * the issuing CA, the OCSP responder and the TSA, the database, and recording what is issued. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "kyso/token.h"
#include "pki_internal.h"

#define ROOT_CN "kyso Root CA (thử nghiệm)"
#define ISSUING_CN "kyso CA chuyên dùng công vụ (thử nghiệm)"
#define OCSP_CN "kyso OCSP (thử nghiệm)"
#define TSA_CN "kyso TSA (thử nghiệm)"

static ks_status check_base_url(const char *url, ks_error *err)
{
    bool ok = strncmp(url, "http://", 7) == 0 && strlen(url) > 7 && strlen(url) <= KS_PKI_URL_MAX;
    for (const char *p = url; ok && *p; p++)
        ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f && !strchr(",;\"'\\", *p);
    if (ok && url[strlen(url) - 1] == '/')
        ok = false;
    return ok ? KS_OK
              : ks_error_set(err, KS_E_USAGE,
                             N_("the base URL \"%s\" must be an http:// URL without a trailing "
                                "slash, spaces or commas"),
                             url);
}

static ks_status path_in(const char *dir, const char *name, char *out, size_t n, ks_error *err)
{
    if ((size_t)snprintf(out, n, "%s/%s", dir, name) >= n)
        return ks_error_set(err, KS_E_USAGE, N_("path \"%s\" is too long"), dir);
    return KS_OK;
}

/* One CA-side identity: key, certificate, files (or token label), database row. */
typedef struct role_spec {
    const char *cn, *key_spec, *key_file, *cert_file, *role, *token_label;
    ks_cert_kind kind;
    int years;
} role_spec;

static const role_spec ROLES[] = {
    {ROOT_CN, "rsa:3072", "private/root.key", "root.pem", KS_ROLE_ROOT, "kyso-root", KS_KIND_ROOT,
     20},
    {ISSUING_CN, "rsa:3072", "private/issuing-ca.key", "issuing-ca.pem", KS_ROLE_CA,
     "kyso-issuing-ca", KS_KIND_ISSUING, 20},
    /* P-256 for the responders: an ECDSA signature costs ~1/20 of an RSA-3072 one, which is
     * what lets one small machine answer thousands of OCSP/TSA requests per second. */
    {OCSP_CN, "ec:P-256", "private/ocsp.key", "ocsp.pem", KS_ROLE_OCSP, "kyso-ocsp", KS_KIND_OCSP,
     2},
    {TSA_CN, "ec:P-256", "private/tsa.key", "tsa.pem", KS_ROLE_TSA, "kyso-tsa", KS_KIND_TSA, 10},
};

ks_status ks_ca_init(const char *dir, const ks_ca_init_opts *opts, ks_error *err)
{
    ks_status st = KS_OK;
    const char *base = opts && opts->base_url ? opts->base_url : KS_PKI_DEFAULT_BASE_URL;
    char path[4096];
    EVP_PKEY *keys[4] = {0}, *sign_keys[4] = {0};
    ks_signer *signers[4] = {0};
    X509 *certs[4] = {0};
    sqlite3 *db = NULL;
    const char *module =
        opts && opts->pkcs11_module && *opts->pkcs11_module ? opts->pkcs11_module : NULL;
    const char *token = opts ? opts->token_label : NULL, *pin = opts ? opts->pin : NULL;
    const char *ca_spec = opts && opts->ca_key_spec ? opts->ca_key_spec : NULL;
    if (module && (!token || !*token || !pin))
        return ks_error_set(err, KS_E_USAGE,
                            N_("CA keys in a PKCS#11 token need the token's label and its user "
                               "PIN"));
    if ((st = check_base_url(base, err)) != KS_OK)
        return st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return ks_error_set(err, KS_E_IO, N_("cannot create directory \"%s\": %s"), dir,
                            strerror(errno));
    if ((st = path_in(dir, "ca.db", path, sizeof path, err)) != KS_OK)
        return st;
    if (access(path, F_OK) == 0)
        return ks_error_set(err, KS_E_STATE, N_("\"%s\" already holds a CA (ca.db exists)"), dir);
    if ((st = path_in(dir, "private", path, sizeof path, err)) != KS_OK)
        return st;
    if (!module && mkdir(path, 0700) != 0 && errno != EEXIST)
        return ks_error_set(err, KS_E_IO, N_("cannot create directory \"%s\": %s"), path,
                            strerror(errno));
    time_t now = ks_ctx_now(opts ? opts->ctx : NULL);
    for (int i = 0; i < 4; i++) {
        const role_spec *r = &ROLES[i];
        const char *kspec = i <= 1 && ca_spec ? ca_spec : r->key_spec;
        X509_NAME *name = NULL;
        if (module) {
            /* Generated in the token; OpenSSL signs through C_Sign via ks_pki_signer_pkey. */
            if ((st = ks_token_keygen(module, token, pin, r->token_label, kspec, &keys[i], err)) !=
                    KS_OK ||
                (st = ks_token_key_signer(module, token, r->token_label, pin, &signers[i], err)) !=
                    KS_OK ||
                (st = ks_pki_signer_pkey(signers[i], keys[i], &sign_keys[i], err)) != KS_OK)
                goto done;
        } else {
            if ((st = ks_pki_keygen(kspec, &keys[i], err)) != KS_OK)
                goto done;
            EVP_PKEY_up_ref(keys[i]);
            sign_keys[i] = keys[i];
        }
        if ((st = ks_pki_ca_name(r->cn, &name, err)) != KS_OK)
            goto done;
        X509 *issuer = i == 0 ? NULL : i == 1 ? certs[0] : certs[1];
        time_t limit = issuer ? ks_pki_asn1_time(X509_get0_notAfter(issuer)) : 0;
        time_t not_after = ks_pki_add_years(now, r->years);
        if (limit && not_after > limit)
            not_after = limit;
        ks_cert_spec spec = {.kind = r->kind,
                             .ca_name = name,
                             .pub = keys[i],
                             .issuer = issuer,
                             .issuer_key = i <= 1 ? sign_keys[0] : sign_keys[1],
                             .not_before = now,
                             .not_after = not_after,
                             .base_url = base};
        st = ks_pki_make_cert(&spec, &certs[i], err);
        X509_NAME_free(name);
        if (st != KS_OK)
            goto done;
        if (module)
            st = ks_token_put_cert(module, token, pin, r->token_label, certs[i], err);
        else if ((st = path_in(dir, r->key_file, path, sizeof path, err)) == KS_OK)
            st = ks_pki_key_save(path, keys[i], err);
        if (st != KS_OK || (st = path_in(dir, r->cert_file, path, sizeof path, err)) != KS_OK ||
            (st = ks_pki_write_cert_pem(path, certs[i], err)) != KS_OK)
            goto done;
    }
    if ((st = ks_pki_db_open(dir, true, &db, err)) != KS_OK ||
        (st = ks_pki_meta_set(db, "base_url", base, err)) != KS_OK ||
        (st = ks_pki_meta_set(db, "pkcs11_module", module ? module : "", err)) != KS_OK ||
        (st = ks_pki_meta_set(db, "token_label", module ? token : "", err)) != KS_OK)
        goto done;
    if ((st = path_in(dir, "ca.db", path, sizeof path, err)) != KS_OK)
        goto done;
    chmod(path, 0600); /* private state: who was issued what */
    for (int i = 0; i < 4; i++) {
        ks_cert_row row;
        memset(&row, 0, sizeof row);
        if ((st = ks_pki_row_from_cert(certs[i], &row, err)) != KS_OK)
            goto done;
        snprintf(row.role, sizeof row.role, "%s", ROLES[i].role);
        row.name = strdup(ROLES[i].cn);
        row.org = strdup("kyso");
        st = ks_pki_cert_insert(db, &row, err);
        if (st == KS_OK)
            st = ks_pki_audit(db, "init", row.serial, ROLES[i].role, err);
        ks_cert_row_clear(&row);
        if (st != KS_OK)
            goto done;
    }
done:
    sqlite3_close(db);
    for (int i = 0; i < 4; i++) { /* releases their token sessions first */
        ks_signer_free(signers[i]);
        signers[i] = NULL;
    }
    if (st != KS_OK) {
        /* Nothing half made stays behind: no database (ca.db is written last), and no key pair
         * or certificate this call put in the token, so that `ca init` can simply be re-run. */
        for (int i = 0; i < 4 && module; i++)
            if (keys[i]) /* ks_token_keygen made this pair */
                ks_token_delete_label(module, token, pin, ROLES[i].token_label, NULL);
        if (path_in(dir, "ca.db", path, sizeof path, NULL) == KS_OK)
            unlink(path);
    }
    for (int i = 0; i < 4; i++) {
        EVP_PKEY_free(sign_keys[i]);
        EVP_PKEY_free(keys[i]);
        X509_free(certs[i]);
    }
    return st;
}

ks_status ks_ca_key_location(const char *dir, char module[1024], char token[64], ks_error *err)
{
    module[0] = token[0] = 0;
    char path[4096];
    sqlite3 *db = NULL;
    ks_status st = path_in(dir, "ca.db", path, sizeof path, err);
    if (st != KS_OK)
        return st;
    if (access(path, F_OK) != 0)
        return ks_error_set(err, KS_E_IO,
                            N_("\"%s\" is not a CA directory (no ca.db; run 'kyso ca init' "
                               "first)"),
                            dir);
    if ((st = ks_pki_db_open(dir, false, &db, err)) != KS_OK)
        return st;
    /* Directories made before tokens were supported have neither setting: file keys. */
    if (ks_pki_meta_get(db, "pkcs11_module", module, 1024, NULL) != KS_OK ||
        ks_pki_meta_get(db, "token_label", token, 64, NULL) != KS_OK)
        module[0] = token[0] = 0;
    sqlite3_close(db);
    return KS_OK;
}

ks_status ks_ca_open(const char *dir, const char *pin, ks_ca **out, ks_error *err)
{
    *out = NULL;
    ks_status st = KS_OK;
    char path[4096];
    ks_ca *ca = calloc(1, sizeof *ca);
    if (!ca || !(ca->dir = strdup(dir))) {
        free(ca);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    if ((st = path_in(dir, "ca.db", path, sizeof path, err)) != KS_OK)
        goto fail;
    if (access(path, F_OK) != 0) {
        st = ks_error_set(err, KS_E_IO,
                          N_("\"%s\" is not a CA directory (no ca.db; run 'kyso "
                             "ca init' first)"),
                          dir);
        goto fail;
    }
    if ((st = ks_pki_db_open(dir, false, &ca->db, err)) != KS_OK ||
        (st = ks_pki_meta_get(ca->db, "base_url", ca->base_url, sizeof ca->base_url, err)) !=
            KS_OK ||
        (st = path_in(dir, "root.pem", path, sizeof path, err)) != KS_OK ||
        (st = ks_pki_cert_load(path, &ca->root, err)) != KS_OK ||
        (st = path_in(dir, "issuing-ca.pem", path, sizeof path, err)) != KS_OK ||
        (st = ks_pki_cert_load(path, &ca->issuing, err)) != KS_OK ||
        (st = ks_pki_role_key(ca->db, dir, "issuing-ca", pin, ca->issuing, &ca->issuing_key,
                              &ca->issuing_signer, err)) != KS_OK)
        goto fail;
    *out = ca;
    return KS_OK;
fail:
    ks_ca_close(ca);
    return st;
}

void ks_ca_set_ctx(ks_ca *ca, const ks_ctx *ctx)
{
    if (ca)
        ca->ctx = ctx;
}

void ks_ca_close(ks_ca *ca)
{
    if (!ca)
        return;
    sqlite3_close(ca->db);
    X509_free(ca->root);
    X509_free(ca->issuing);
    EVP_PKEY_free(ca->issuing_key);
    ks_signer_free(ca->issuing_signer);
    free(ca->dir);
    free(ca);
}

X509 *ks_ca_root_cert(ks_ca *ca)
{
    return ca->root;
}
X509 *ks_ca_issuing_cert(ks_ca *ca)
{
    return ca->issuing;
}
const char *ks_ca_base_url(ks_ca *ca)
{
    return ca->base_url;
}

static char *nfc_or_null(const char *s)
{
    return s && *s ? ks_utf8_nfc(s, strlen(s)) : NULL;
}

ks_status ks_pki_record_issue(ks_ca *ca, X509 *cert, const ks_pki_subject *subj, const char *action,
                              ks_error *err)
{
    ks_cert_row row;
    memset(&row, 0, sizeof row);
    ks_status st = ks_pki_row_from_cert(cert, &row, err);
    if (st != KS_OK)
        return st;
    snprintf(row.role, sizeof row.role, "%s", KS_ROLE_SUBSCRIBER);
    row.profile = subj->profile;
    row.name = nfc_or_null(subj->name);
    row.title = nfc_or_null(subj->title);
    row.org = nfc_or_null(subj->org);
    row.unit = nfc_or_null(subj->unit);
    row.org_id = nfc_or_null(subj->org_id);
    row.email = nfc_or_null(subj->email);
    row.locality = nfc_or_null(subj->locality);
    row.street = nfc_or_null(subj->street);
    char detail[1024] = "";
    BIO *b = BIO_new(BIO_s_mem());
    if (b && X509_NAME_print_ex(b, X509_get_subject_name(cert), 0,
                                XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        int n = BIO_read(b, detail, (int)sizeof detail - 1);
        detail[n > 0 ? n : 0] = 0;
    }
    BIO_free(b);
    bool own = false;
    if ((st = ks_sqlite_tx_begin(ca->db, &own, err)) == KS_OK) {
        if ((st = ks_pki_cert_insert(ca->db, &row, err)) == KS_OK)
            st = ks_pki_audit(ca->db, action, row.serial, detail, err);
        st = ks_sqlite_tx_end(ca->db, own, st, err);
    }
    ks_cert_row_clear(&row);
    return st;
}
