/* pki/responder.c — loading what the online services need from a CA directory, the status
 * look-up they share, and the CRL endpoint's cache (regenerated when the database changes or
 * after 60 s). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "responder.h"

static ks_status load_pair(ks_responder *r, const char *pin, const char *role, X509 **c,
                           EVP_PKEY **k, ks_signer **signer, ks_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.pem", r->dir, role);
    ks_status st = ks_pki_cert_load(path, c, err);
    if (st != KS_OK)
        return st;
    return ks_pki_role_key(r->db, r->dir, role, pin, *c, k, signer, err);
}

static bool hash_issuer(X509 *issuer, const EVP_MD *md, ks_issuer_hash *h)
{
    const ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(issuer);
    unsigned n1 = 0, n2 = 0;
    h->md_nid = EVP_MD_get_type(md);
    bool ok = key && X509_NAME_digest(X509_get_subject_name(issuer), md, h->name, &n1) &&
              EVP_Digest(key->data, (size_t)key->length, h->key, &n2, md, NULL);
    h->len = n1;
    return ok && n1 == n2;
}

ks_status ks_responder_open(const char *dir, const char *pin, ks_responder **out, ks_error *err)
{
    *out = NULL;
    ks_status st = KS_OK;
    ks_responder *r = calloc(1, sizeof *r);
    if (!r || !(r->dir = strdup(dir))) {
        free(r);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    pthread_mutex_init(&r->db_lock, NULL);
    pthread_mutex_init(&r->cache_lock, NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/ca.db", dir);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        st = ks_error_set(err, KS_E_IO,
                          N_("\"%s\" is not a CA directory (no ca.db; run 'kyso ca init' first)"),
                          dir);
        goto fail;
    }
    fclose(probe);
    if ((st = ks_pki_db_open(dir, false, &r->db, err)) != KS_OK ||
        (st = load_pair(r, pin, "root", &r->root, &r->root_key, &r->signers[0], err)) != KS_OK ||
        (st = load_pair(r, pin, "issuing-ca", &r->issuing, &r->issuing_key, &r->signers[1], err)) !=
            KS_OK ||
        (st = load_pair(r, pin, "ocsp", &r->ocsp_cert, &r->ocsp_key, &r->signers[2], err)) !=
            KS_OK ||
        (st = load_pair(r, pin, "tsa", &r->tsa_cert, &r->tsa_key, &r->signers[3], err)) != KS_OK)
        goto fail;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT role, revoked, revoked_at, reason FROM certs WHERE serial=?", -1,
                           &r->status_stmt, NULL) != SQLITE_OK) {
        st = ks_error_set(err, KS_E_IO, N_("CA database error (%s): %s"), "prepare",
                          sqlite3_errmsg(r->db));
        goto fail;
    }
    const EVP_MD *mds[4] = {EVP_sha1(), EVP_sha256(), EVP_sha384(), EVP_sha512()};
    r->ocsp_chain = sk_X509_new_null();
    r->tsa_chain = sk_X509_new_null();
    r->tsa_policy = OBJ_txt2obj(KS_PKI_POLICY_TSA, 1);
    bool ok = r->ocsp_chain && r->tsa_chain && r->tsa_policy &&
              sk_X509_push(r->ocsp_chain, r->issuing) && X509_up_ref(r->issuing) &&
              sk_X509_push(r->tsa_chain, r->issuing) && X509_up_ref(r->issuing);
    for (int i = 0; ok && i < 4; i++)
        ok = hash_issuer(r->issuing, mds[i], &r->hashes[i]);
    ok = ok && (r->ocsp_sign_tmpl = EVP_MD_CTX_new()) != NULL &&
         EVP_DigestSignInit_ex(r->ocsp_sign_tmpl, NULL, "SHA256", NULL, NULL, r->ocsp_key, NULL) ==
             1;
    if (!ok) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto fail;
    }
    *out = r;
    return KS_OK;
fail:
    ks_responder_free(r);
    return st;
}

void ks_responder_free(ks_responder *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->status_stmt);
    sqlite3_close(r->db);
    X509_free(r->root);
    X509_free(r->issuing);
    X509_free(r->ocsp_cert);
    X509_free(r->tsa_cert);
    EVP_PKEY_free(r->root_key);
    EVP_PKEY_free(r->issuing_key);
    EVP_PKEY_free(r->ocsp_key);
    EVP_PKEY_free(r->tsa_key);
    for (int i = 0; i < 4; i++)
        ks_signer_free(r->signers[i]);
    sk_X509_pop_free(r->ocsp_chain, X509_free);
    sk_X509_pop_free(r->tsa_chain, X509_free);
    ASN1_OBJECT_free(r->tsa_policy);
    EVP_MD_CTX_free(r->ocsp_sign_tmpl);
    for (int i = 0; i < KS_OCSP_CACHE_SLOTS; i++)
        free(r->cache[i].der);
    free(r->crl.der);
    free(r->root_crl.der);
    pthread_mutex_destroy(&r->db_lock);
    pthread_mutex_destroy(&r->cache_lock);
    free(r->dir);
    free(r);
}

int ks_responder_status(ks_responder *r, const char *serial, int64_t *revoked_at, int *reason)
{
    int status = V_OCSP_CERTSTATUS_UNKNOWN;
    *revoked_at = 0;
    *reason = 0;
    pthread_mutex_lock(&r->db_lock);
    sqlite3_stmt *s = r->status_stmt;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, serial, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(s, 0);
        /* Root and issuing CA certificates are not issued by the issuing CA. */
        if (role && strcmp(role, KS_ROLE_ROOT) != 0 && strcmp(role, KS_ROLE_CA) != 0) {
            if (sqlite3_column_int(s, 1)) {
                status = V_OCSP_CERTSTATUS_REVOKED;
                *revoked_at = sqlite3_column_int64(s, 2);
                *reason = sqlite3_column_int(s, 3);
            } else {
                status = V_OCSP_CERTSTATUS_GOOD;
            }
        }
    }
    sqlite3_reset(s);
    pthread_mutex_unlock(&r->db_lock);
    return status;
}

static int64_t data_version(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static ks_status cached_crl(ks_responder *r, ks_crl_cached *c, X509 *issuer, EVP_PKEY *key,
                            uint8_t **der, size_t *der_len, ks_error *err)
{
    ks_status st = KS_OK;
    *der = NULL;
    pthread_mutex_lock(&r->db_lock);
    int64_t v = data_version(r->db);
    time_t now = ks_now();
    if (!c->der || c->data_version != v || now - c->made >= KS_CRL_CACHE_SEC || now < c->made) {
        uint8_t *fresh = NULL;
        size_t n = 0;
        st = ks_pki_build_crl(r->db, issuer, key, now, &fresh, &n, err);
        if (st == KS_OK) {
            free(c->der);
            c->der = fresh;
            c->len = n;
            c->made = now;
            c->data_version = v;
        }
    }
    if (st == KS_OK) {
        *der = malloc(c->len);
        if (*der) {
            memcpy(*der, c->der, c->len);
            *der_len = c->len;
        } else {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
    }
    pthread_mutex_unlock(&r->db_lock);
    return st;
}

ks_status ks_responder_crl(ks_responder *r, uint8_t **der, size_t *der_len, ks_error *err)
{
    return cached_crl(r, &r->crl, r->issuing, r->issuing_key, der, der_len, err);
}

ks_status ks_responder_root_crl(ks_responder *r, uint8_t **der, size_t *der_len, ks_error *err)
{
    return cached_crl(r, &r->root_crl, r->root, r->root_key, der, der_len, err);
}
