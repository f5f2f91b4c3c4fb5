/* verify/revocation.c — was the signer's certificate revoked when it signed? Evidence in order
 * (design.md "Verification"): OCSP responses and CRLs embedded in the CMS and the DSS, then OCSP
 * from the certificate's AIA, then the CRL of its distribution point, with an on-disk cache
 * ($XDG_CACHE_HOME/kyso). `--offline` stops after the embedded evidence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "kyso/cms.h"
#include "vctx.h"

typedef struct rev_out {
    ks_rev_status status;
    time_t rev_time;
    const char *source; /* English word for messages */
} rev_out;

static time_t asn1_t(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return timegm(&tm);
}

/* Signature checks one revocation lookup may spend on candidates that match by name or
 * CertID: a DSS can hold thousands of look-alike CRLs or responses, each costing a signature
 * verification, for every certificate of every path. */
#define KS_VF_MAX_REV_TRIES 16

static bool from_crl(X509 *cert, X509 *issuer, X509_CRL *crl, rev_out *o, int *tries)
{
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(cert)) != 0)
        return false;
    if (++*tries > KS_VF_MAX_REV_TRIES)
        return false;
    EVP_PKEY *k = X509_get0_pubkey(issuer);
    if (!k || X509_CRL_verify(crl, k) != 1)
        return false;
    X509_REVOKED *rv = NULL;
    if (X509_CRL_get0_by_cert(crl, &rv, cert) == 1 && rv) {
        o->status = KS_REV_REVOKED;
        o->rev_time = asn1_t(X509_REVOKED_get0_revocationDate(rv));
    } else {
        o->status = KS_REV_GOOD;
    }
    return true;
}

/* The answer of one basic OCSP response (decoded once by the caller) about `cert`. Spends one
 * of `tries` only on a response that is about this certificate. */
static bool from_basic(X509 *cert, X509 *issuer, OCSP_BASICRESP *bs, STACK_OF(X509) * certs,
                       rev_out *o, int *tries)
{
    bool used = false;
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
    /* the cheap test first: only a response about this certificate is worth a verification */
    bool about = id && OCSP_resp_find(bs, id, -1) >= 0 && ++*tries <= KS_VF_MAX_REV_TRIES;
    X509_STORE *st = about ? X509_STORE_new() : NULL;
    STACK_OF(X509) *untrusted = about ? sk_X509_new_null() : NULL;
    if (id && st && untrusted) {
        X509_STORE_add_cert(st, issuer);
        X509_STORE_set_flags(st, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
        sk_X509_push(untrusted, issuer);
        for (int i = 0; certs && i < sk_X509_num(certs); i++)
            sk_X509_push(untrusted, sk_X509_value(certs, i));
        int status = -1, reason = 0;
        ASN1_GENERALIZEDTIME *rt = NULL, *tu = NULL, *nu = NULL;
        if (OCSP_resp_find_status(bs, id, &status, &reason, &rt, &tu, &nu) == 1 &&
            OCSP_basic_verify(bs, untrusted, st, 0) == 1) {
            used = true;
            if (status == V_OCSP_CERTSTATUS_GOOD) {
                o->status = KS_REV_GOOD;
            } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
                o->status = KS_REV_REVOKED;
                o->rev_time = asn1_t(rt);
            } else {
                o->status = KS_REV_UNKNOWN;
            }
        }
    }
    sk_X509_free(untrusted);
    X509_STORE_free(st);
    OCSP_CERTID_free(id);
    return used;
}

static bool from_ocsp(X509 *cert, X509 *issuer, OCSP_RESPONSE *resp, STACK_OF(X509) * certs,
                      rev_out *o, int *tries)
{
    if (OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return false;
    OCSP_BASICRESP *bs = OCSP_response_get1_basic(resp);
    bool used = bs && from_basic(cert, issuer, bs, certs, o, tries);
    OCSP_BASICRESP_free(bs);
    return used;
}

static bool has_pointers(X509 *cert, bool *ocsp, bool *crl)
{
    STACK_OF(OPENSSL_STRING) *o = X509_get1_ocsp(cert);
    *ocsp = o && sk_OPENSSL_STRING_num(o) > 0;
    X509_email_free(o);
    STACK_OF(DIST_POINT) *dp = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    *crl = dp && sk_DIST_POINT_num(dp) > 0;
    sk_DIST_POINT_pop_free(dp, DIST_POINT_free);
    return *ocsp || *crl;
}

/* mkdir -p with owner-only permissions (the cache holds what we learnt about certificates). */
static void mkdir_p(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(dir, 0700);
        *p = '/';
    }
    mkdir(dir, 0700);
}

/* The cache key of what we learnt about `cert` ("ocsp-<sha256 hex>") and, when the options
 * name a directory, the file holding it there. */
static void cache_path(const ks_vctx *c, const char *kind, X509 *cert, char *key, size_t key_len,
                       char *out, size_t n)
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    unsigned int mdlen = 0;
    X509_digest(cert, EVP_sha256(), md, &mdlen);
    char hex[2 * SHA256_DIGEST_LENGTH + 1] = "";
    for (unsigned i = 0; i < mdlen && i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    snprintf(key, key_len, "%s-%s", kind, hex);
    const char *dir = c->opts ? c->opts->cache : NULL;
    if (!dir || !*dir) { /* no disk cache (programs choose the directory) */
        out[0] = 0;
        return;
    }
    char base[3072];
    snprintf(base, sizeof base, "%s", dir);
    mkdir_p(base);
    snprintf(out, n, "%s/%s.der", base, key);
}

/* What the cache holds for `key`: the context's memory first (shared by a server's threads),
 * then the disk. */
static bool cache_get(const ks_vctx *c, const char *key, const char *path, size_t max,
                      uint8_t **der, size_t *len)
{
    const ks_ctx *ctx = c->opts ? c->opts->ctx : NULL;
    if (ctx && ks_ctx_cache_get(ctx, key, der, len) == KS_OK)
        return true;
    return path[0] && ks_read_file(path, max, der, len, NULL) == KS_OK;
}

static void cache_put(const ks_vctx *c, const char *key, const char *path, const uint8_t *der,
                      size_t len, time_t valid_until)
{
    const ks_ctx *ctx = c->opts ? c->opts->ctx : NULL;
    if (ctx && valid_until > c->now)
        ks_ctx_cache_put(ctx, key, der, len, valid_until);
    if (path[0])
        ks_write_file_atomic(path, der, len, NULL);
}

static time_t asn1_time_t(const ASN1_TIME *t)
{
    struct tm tm;
    return t && ASN1_TIME_to_tm(t, &tm) == 1 ? timegm(&tm) : 0;
}

/* OCSP from cache or network. */
static bool online_ocsp(ks_vctx *c, X509 *cert, X509 *issuer, STACK_OF(X509) * certs, rev_out *o)
{
    int once = 0; /* one response at a time here: the candidate cap does not bind */
    char path[4096], key[128];
    cache_path(c, "ocsp", cert, key, sizeof key, path, sizeof path);
    uint8_t *der = NULL;
    size_t len = 0;
    bool fresh = false;
    if (cache_get(c, key, path, 1 << 20, &der, &len)) {
        const unsigned char *p = der;
        OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
        OCSP_BASICRESP *bs = r ? OCSP_response_get1_basic(r) : NULL;
        OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
        int status, reason;
        ASN1_GENERALIZEDTIME *rt, *tu, *nu = NULL;
        time_t now = c->now;
        if (bs && id && OCSP_resp_find_status(bs, id, &status, &reason, &rt, &tu, &nu) == 1 && nu &&
            X509_cmp_time(nu, &now) > 0)
            fresh = from_ocsp(cert, issuer, r, certs, o, &once);
        OCSP_CERTID_free(id);
        OCSP_BASICRESP_free(bs);
        OCSP_RESPONSE_free(r);
        free(der);
        der = NULL;
        if (fresh) {
            o->source = "OCSP (cache)";
            return true;
        }
    }
    long tmo = c->opts && c->opts->timeout_ms ? c->opts->timeout_ms : 10000;
    if (ks_ocsp_fetch(cert, issuer, NULL, tmo, &der, &len, NULL) != KS_OK)
        return false;
    const unsigned char *p = der;
    OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
    bool ok = r && from_ocsp(cert, issuer, r, certs, o, &once);
    if (ok) {
        OCSP_BASICRESP *bs = OCSP_response_get1_basic(r);
        OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
        int status, reason;
        ASN1_GENERALIZEDTIME *rt, *tu, *nu = NULL;
        time_t until = 0;
        if (bs && id && OCSP_resp_find_status(bs, id, &status, &reason, &rt, &tu, &nu) == 1)
            until = asn1_time_t(nu);
        OCSP_CERTID_free(id);
        OCSP_BASICRESP_free(bs);
        cache_put(c, key, path, der, len, until);
    }
    OCSP_RESPONSE_free(r);
    free(der);
    if (ok)
        o->source = "OCSP";
    return ok;
}

static bool online_crl(ks_vctx *c, X509 *cert, X509 *issuer, rev_out *o)
{
    int once = 0;
    char path[4096], key[128];
    cache_path(c, "crl", cert, key, sizeof key, path, sizeof path);
    uint8_t *der = NULL;
    size_t len = 0;
    if (cache_get(c, key, path, 64 << 20, &der, &len)) {
        const unsigned char *p = der;
        X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
        time_t now = c->now;
        const ASN1_TIME *nu = crl ? X509_CRL_get0_nextUpdate(crl) : NULL;
        bool ok = crl && nu && X509_cmp_time(nu, &now) > 0 && from_crl(cert, issuer, crl, o, &once);
        X509_CRL_free(crl);
        free(der);
        der = NULL;
        if (ok) {
            o->source = "CRL (cache)";
            return true;
        }
    }
    long tmo = c->opts && c->opts->timeout_ms ? c->opts->timeout_ms : 10000;
    if (ks_crl_fetch(cert, tmo, &der, &len, NULL) != KS_OK)
        return false;
    const unsigned char *p = der;
    X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
    bool ok = crl && from_crl(cert, issuer, crl, o, &once);
    if (ok)
        cache_put(c, key, path, der, len, asn1_time_t(X509_CRL_get0_nextUpdate(crl)));
    X509_CRL_free(crl);
    free(der);
    if (ok)
        o->source = "CRL";
    return ok;
}

void ks_vf_check_revocation(ks_vctx *c, ks_verify_sig *s, X509 *cert, X509 *issuer,
                            STACK_OF(X509_CRL) * crls, STACK_OF(OCSP_RESPONSE) * ocsps,
                            STACK_OF(X509) * certs, time_t when, bool poe)
{
    rev_out o = {KS_REV_NOT_CHECKED, 0, NULL};
    if (!cert || !issuer) {
        s->revocation = KS_REV_NOT_CHECKED;
        return;
    }
    /* Embedded evidence: CMS first, then DSS; a bounded number of candidates of each kind. */
    int ocsp_tries = 0, crl_tries = 0;
    for (int i = 0; ocsps && i < sk_OCSP_RESPONSE_num(ocsps) && !o.source; i++)
        if (from_ocsp(cert, issuer, sk_OCSP_RESPONSE_value(ocsps, i), certs, &o, &ocsp_tries))
            o.source = "OCSP (embedded)";
    for (int i = 0; crls && i < sk_X509_CRL_num(crls) && !o.source; i++)
        if (from_crl(cert, issuer, sk_X509_CRL_value(crls, i), &o, &crl_tries))
            o.source = "CRL (embedded)";
    for (size_t i = 0; i < c->ndss_basics && !o.source; i++)
        if (from_basic(cert, issuer, c->dss_basics[i], certs, &o, &ocsp_tries))
            o.source = "OCSP (DSS)";
    for (int i = 0; c->dss_crls && i < sk_X509_CRL_num(c->dss_crls) && !o.source; i++)
        if (from_crl(cert, issuer, sk_X509_CRL_value(c->dss_crls, i), &o, &crl_tries))
            o.source = "CRL (DSS)";
    bool has_ocsp = false, has_crl = false;
    bool pointers = has_pointers(cert, &has_ocsp, &has_crl);
    bool offline = c->opts && c->opts->offline;
    if (!o.source && pointers && !offline) {
        if (has_ocsp)
            online_ocsp(c, cert, issuer, certs, &o);
        if (!o.source && has_crl)
            online_crl(c, cert, issuer, &o);
    }
    if (!o.source) {
        if (!pointers) {
            s->revocation = KS_REV_NOT_CHECKED;
            ks_vf_sig_msg(s, N_("Revocation was not checked: the signer's certificate names no "
                                "OCSP service or CRL and the document embeds no revocation "
                                "data for it"));
            return;
        }
        s->revocation = KS_REV_UNKNOWN;
        ks_vf_sig_msg(s, offline ? N_("The revocation status of the signer's certificate is "
                                      "unknown: the document embeds no revocation data and "
                                      "network checks are off")
                                 : N_("The revocation status of the signer's certificate is "
                                      "unknown: no OCSP or CRL answer could be obtained"));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_TRY_LATER);
        return;
    }
    s->revocation = o.status;
    if (o.status == KS_REV_GOOD) {
        ks_vf_sig_msg(s, N_("The signer's certificate is not revoked (source: %s)"), o.source);
    } else if (o.status == KS_REV_REVOKED) {
        char t[32];
        ks_time_iso_vn(o.rev_time, t);
        if (when && when < o.rev_time && poe) {
            ks_vf_sig_msg(s,
                          N_("The signer's certificate was revoked on %s, after the "
                             "signature was made (proven by a timestamp)"),
                          t);
            s->revocation = KS_REV_GOOD;
        } else if (when && when < o.rev_time) {
            ks_vf_sig_msg(s,
                          N_("The certificate was revoked on %s; nothing proves that the "
                             "signature was made before then (source: %s)"),
                          t, o.source);
            ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_REVOKED_NO_POE);
        } else {
            ks_vf_sig_msg(s, N_("The certificate was revoked on %s (source: %s)"), t, o.source);
            ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_REVOKED);
        }
    } else {
        ks_vf_sig_msg(s,
                      N_("The revocation service does not know the signer's certificate "
                         "(source: %s)"),
                      o.source);
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_TRY_LATER);
    }
}
