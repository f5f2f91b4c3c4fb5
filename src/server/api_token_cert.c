/* server/api_token_cert.c — the certificate a browser's kyso-agent presents (sign-in, signing
 * with the person's own token): decoded, its path to the configured anchors and its revocation
 * checked with the engine (ks_sign_check_signer: dates, key usage, OCSP else CRL through the
 * context's fetcher), and mapped to the person it is registered to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509_vfy.h>
#include <sodium.h>

#include "api_token.h"
#include "kyso/sign.h"
#include "token_queries.h"

int token_need_trust(kysod_req *r)
{
    if (!r->srv->token_trust)
        return kysod_fail(r, 503, "not_configured", NULL,
                          N_("signing with one's own token is not configured (token_trust)"));
    return 0;
}

void token_name_text(const X509_NAME *n, char *out, size_t cap)
{
    out[0] = 0;
    BIO *m = BIO_new(BIO_s_mem());
    int k = m ? X509_NAME_print_ex(m, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) : -1;
    k = k >= 0 ? BIO_read(m, out, (int)cap - 1) : 0;
    out[k > 0 ? k : 0] = 0;
    BIO_free(m);
}

int token_cert_parse(kysod_req *r, const char *b64, const char *field, token_cert *c)
{
    memset(c, 0, sizeof *c);
    c->cert = token_cert_decode(b64, c->sha256);
    if (c->cert) {
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->cert), NULL);
        char *hex = bn ? BN_bn2hex(bn) : NULL;
        snprintf(c->serial, sizeof c->serial, "%s", hex ? hex : "");
        OPENSSL_free(hex);
        BN_free(bn);
    }
    if (!c->cert || !c->serial[0])
        return kysod_fail(r, 400, "invalid_field", field,
                          N_("\"%s\" is not a base64 DER certificate"), field);
    return 0;
}

/* Collects the engine's warnings (revocation not learnt) for the log. */
static void warn_to_log(void *user, const ks_error *w)
{
    kysod_req *r = user;
    char buf[1024];
    json_t *f = json_pack("{s:s}", "warning", kysod_err_text(r, w, buf, sizeof buf));
    kysod_log(r->srv, "warn", "token certificate check", f);
    json_decref(f);
}

int token_cert_check(kysod_req *r, token_cert *c, int status)
{
    int rc = token_need_trust(r);
    if (rc)
        return rc;
    time_t now = ks_ctx_now(r->srv->ctx);
    X509_STORE_CTX *vc = X509_STORE_CTX_new();
    bool path_ok = false;
    int verr = 0;
    if (vc && X509_STORE_CTX_init(vc, ks_trust_store(r->srv->token_trust), c->cert, NULL) == 1) {
        X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(vc);
        X509_VERIFY_PARAM_set_time(vp, now);
        X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
        path_ok = X509_verify_cert(vc) == 1;
        verr = X509_STORE_CTX_get_error(vc);
        if (path_ok) {
            STACK_OF(X509) *all = X509_STORE_CTX_get1_chain(vc);
            if (all && sk_X509_num(all) > 0)
                X509_free(sk_X509_shift(all)); /* the leaf itself */
            c->chain = all;
        }
    }
    X509_STORE_CTX_free(vc);
    if (!path_ok)
        return kysod_fail(r, status, "certificate_untrusted", NULL,
                          N_("the certificate does not chain to a certification authority this "
                             "server trusts (%s)"),
                          X509_verify_cert_error_string(verr));
    ks_signer who = {0};
    who.cert = c->cert;
    who.chain = c->chain;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.ctx = r->srv->ctx;
    o.timeout_ms = 10000;
    o.warn = warn_to_log;
    o.warn_user = r;
    ks_error e;
    if (ks_sign_check_signer(&who, &o, now, &e) != KS_OK) {
        char buf[1024];
        return kysod_fail(r, status, "certificate_untrusted", NULL, "%s",
                          kysod_err_text(r, &e, buf, sizeof buf));
    }
    return 0;
}

int token_cert_owner(kysod_req *r, token_cert *c, int status, int64_t *user, int64_t *agency,
                     char *login)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(c->serial);
    int rc = kysod_db(r, Q_TCERT_FIND, &a, 1, &rows);
    if (rc)
        return rc;
    char issuer[1024];
    token_name_text(X509_get_issuer_name(c->cert), issuer, sizeof issuer);
    int hit = -1;
    for (int i = 0; i < rows->nrows; i++) {
        const char *iss = ks_db_cell(rows, i, 4);
        if (!iss || !*iss || strcmp(iss, issuer) == 0)
            hit = i;
    }
    if (hit < 0) {
        ks_db_rows_free(rows);
        return kysod_fail(r, status, "certificate_unknown", NULL,
                          N_("this certificate is not registered to anyone in kyso; ask the "
                             "agency's certificate manager to record it"));
    }
    bool person = strcmp(ks_db_cell(rows, hit, 3), "person") == 0;
    bool active = strcmp(ks_db_cell(rows, hit, 2), "active") == 0;
    bool user_active = strcmp(ks_db_cell(rows, hit, 7), "active") == 0;
    *user = ks_db_cell_int(rows, hit, 1);
    *agency = ks_db_cell_int(rows, hit, 6);
    snprintf(login, 65, "%s", ks_db_cell(rows, hit, 5));
    char st[32];
    snprintf(st, sizeof st, "%s", ks_db_cell(rows, hit, 2));
    ks_db_rows_free(rows);
    if (!person)
        return kysod_fail(r, status, "certificate_unknown", NULL,
                          N_("this is an agency's certificate, not a person's"));
    if (!active)
        return kysod_fail(r, status, "certificate_unknown", NULL,
                          N_("this certificate is recorded as \"%s\" in kyso"), st);
    if (!user_active)
        return kysod_fail(r, 403, "forbidden", NULL, N_("this account is disabled or locked"));
    return 0;
}

void token_cert_free(token_cert *c)
{
    X509_free(c->cert);
    sk_X509_pop_free(c->chain, X509_free);
    c->cert = NULL;
    c->chain = NULL;
}
