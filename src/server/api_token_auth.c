/* server/api_token_auth.c — sign-in with the person's own token, in Web eID's model: kysod
 * hands out a fresh 256-bit nonce (5 minutes, used once, bound to the browser by an HttpOnly
 * cookie); kyso-agent signs hash(origin) ‖ hash(nonce) with the certificate's key ("web-eid:1.0"
 * authentication token); kysod verifies that value against its own public origin (a token made
 * for another site does not verify), checks the certificate's path and revocation, maps it to
 * its registered person and opens the same session as a password sign-in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "api_token.h"
#include "token_queries.h"

#define CHALLENGE_COOKIE "kyso_token_challenge"
#define CHALLENGES_LIVE_MAX 50000 /* unauthenticated rows: a bound on what a flood can store */

static void sha256_hex(const char *s, char out[65])
{
    uint8_t md[32];
    crypto_hash_sha256(md, (const uint8_t *)s, strlen(s));
    sodium_bin2hex(out, 65, md, sizeof md);
}

/* POST /auth/token/challenge */
int api_token_challenge(kysod_req *r)
{
    if (!r->srv->cfg.public_origin[0])
        return kysod_fail(r, 503, "not_configured", NULL,
                          N_("sign-in with a token is not configured (public_origin)"));
    int64_t now = (int64_t)ks_ctx_now(r->srv->ctx);
    ks_db_arg before = KS_DB_I(now - 3600), live = KS_DB_I(now);
    ks_db_rows *rows = NULL;
    int rc = kysod_db(r, Q_TCH_PURGE, &before, 1, NULL);
    if (rc || (rc = kysod_db(r, Q_TCH_LIVE, &live, 1, &rows)))
        return rc;
    int64_t n = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    if (n >= CHALLENGES_LIVE_MAX) {
        snprintf(r->retry_after, sizeof r->retry_after, "60");
        return kysod_fail(r, 503, "busy", NULL,
                          N_("too many sign-ins are waiting; try again in a minute"));
    }
    uint8_t nonce[32], id[32];
    randombytes_buf(nonce, sizeof nonce);
    randombytes_buf(id, sizeof id);
    char nonce_b64[64], id_b64[64], id_hash[65];
    sodium_bin2base64(nonce_b64, sizeof nonce_b64, nonce, sizeof nonce,
                      sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(id_b64, sizeof id_b64, id, sizeof id,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sha256_hex(id_b64, id_hash);
    ks_db_arg a[4] = {KS_DB_S(id_hash), KS_DB_S(nonce_b64), KS_DB_I(now),
                      KS_DB_I(now + TOKEN_CHALLENGE_S)};
    if ((rc = kysod_db(r, Q_TCH_NEW, a, 4, NULL)))
        return rc;
    snprintf(r->set_cookie, sizeof r->set_cookie,
             CHALLENGE_COOKIE "=%s; Path=/api/v1/auth/token; HttpOnly; SameSite=Strict; "
                              "Max-Age=%d%s",
             id_b64, TOKEN_CHALLENGE_S, r->srv->cfg.secure_cookies ? "; Secure" : "");
    char exp[32];
    kysod_time_format(now + TOKEN_CHALLENGE_S, exp);
    return kysod_json(r, 200,
                      json_pack("{s:s, s:s, s:s}", "nonce", nonce_b64, "expires_at", exp, "origin",
                                r->srv->cfg.public_origin));
}

/* The digest of the algorithm the token names, and whether the key fits it. */
static const EVP_MD *alg_md(const char *alg, EVP_PKEY *pk, bool *ec)
{
    int type = EVP_PKEY_get_base_id(pk);
    *ec = type == EVP_PKEY_EC;
    if (strcmp(alg, "RS256") == 0 && type == EVP_PKEY_RSA)
        return EVP_sha256();
    if (!*ec)
        return NULL;
    int bits = EVP_PKEY_get_bits(pk);
    if (strcmp(alg, "ES256") == 0 && bits == 256)
        return EVP_sha256();
    if (strcmp(alg, "ES384") == 0 && bits == 384)
        return EVP_sha384();
    if (strcmp(alg, "ES512") == 0 && bits == 521)
        return EVP_sha512();
    return NULL;
}

/* JWS's r ‖ s as the DER ECDSA-Sig-Value OpenSSL verifies; *out malloc'd. */
static bool raw_to_der(const uint8_t *sig, size_t len, uint8_t **out, size_t *out_len)
{
    if (len == 0 || len % 2 || len > 132)
        return false;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(sig, (int)(len / 2), NULL);
    BIGNUM *bs = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
    if (!s || !br || !bs || !ECDSA_SIG_set0(s, br, bs)) {
        BN_free(br);
        BN_free(bs);
        ECDSA_SIG_free(s);
        return false;
    }
    unsigned char *der = NULL;
    int n = i2d_ECDSA_SIG(s, &der);
    ECDSA_SIG_free(s);
    if (n <= 0)
        return false;
    *out = der;
    *out_len = (size_t)n;
    return true;
}

/* Verifies `sig_b64` over hash(origin) ‖ hash(nonce) with the certificate's key. */
static bool token_verifies(X509 *cert, const char *alg, const char *sig_b64, const char *origin,
                           const char *nonce)
{
    EVP_PKEY *pk = X509_get0_pubkey(cert);
    bool ec = false;
    const EVP_MD *md = pk ? alg_md(alg, pk, &ec) : NULL;
    size_t n = strlen(sig_b64), sig_len = 0, der_len = 0;
    uint8_t *sig = md && n < 4096 ? malloc(n + 1) : NULL, *der = NULL;
    bool ok = false;
    if (!sig || sodium_base642bin(sig, n + 1, sig_b64, n, NULL, &sig_len, NULL,
                                  sodium_base64_VARIANT_ORIGINAL) != 0)
        goto done;
    unsigned char data[128];
    unsigned int hl = 0, hl2 = 0;
    if (!EVP_Digest(origin, strlen(origin), data, &hl, md, NULL) ||
        !EVP_Digest(nonce, strlen(nonce), data + hl, &hl2, md, NULL))
        goto done;
    const uint8_t *v = sig;
    size_t vlen = sig_len;
    if (ec) {
        if (!raw_to_der(sig, sig_len, &der, &der_len))
            goto done;
        v = der;
        vlen = der_len;
    }
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    ok = mc && EVP_DigestVerifyInit(mc, NULL, md, NULL, pk) == 1 &&
         EVP_DigestVerify(mc, v, vlen, data, hl + hl2) == 1;
    EVP_MD_CTX_free(mc);
done:
    free(sig);
    OPENSSL_free(der);
    return ok;
}

/* A refused sign-in: the failure audited (its reason, the certificate's serial), the answer
 * already set by the check that failed. */
static int refused(kysod_req *r, int rc, const char *serial)
{
    json_t *err = r->out ? json_object_get(r->out, "error") : NULL;
    const char *code = err ? json_string_value(json_object_get(err, "code")) : NULL;
    json_t *what =
        json_pack("{s:s, s:s}", "reason", code ? code : "refused", "serial", serial ? serial : "");
    ks_error e;
    atomic_fetch_add(&r->srv->metrics.sign_in_failures, 1);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = kysod_audit(r, "session.token_sign_in_failed", "session", 0, NULL, what, &e);
    ks_db_tx_end(r->db, st, &e);
    json_decref(what);
    return rc;
}

static const kysod_field SIGN_IN[] = {
    {"authToken", F_OBJ, true, 0, NULL, NULL},
};

/* POST /auth/token/sign-in {authToken} */
int api_token_sign_in(kysod_req *r)
{
    json_t *b = NULL;
    token_cert c = {0};
    int rc = kysod_body_object(r, &b);
    if (rc || (rc = kysod_body_check(r, b, SIGN_IN, 1, false)))
        goto done;
    const char *origin = r->srv->cfg.public_origin;
    if (!origin[0]) {
        rc = kysod_fail(r, 503, "not_configured", NULL,
                        N_("sign-in with a token is not configured (public_origin)"));
        goto done;
    }
    if ((rc = token_need_trust(r)))
        goto done;
    const char *hdr = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    if (hdr && strcmp(hdr, origin) != 0) {
        rc = refused(r,
                     kysod_fail(r, 403, "bad_origin", NULL,
                                N_("this sign-in comes from %s, not from %s"), hdr, origin),
                     NULL);
        goto done;
    }
    json_t *t = json_object_get(b, "authToken");
    const char *fmt = kysod_str(t, "format", ""), *alg = kysod_str(t, "algorithm", "");
    const char *sig = kysod_str(t, "signature", "");
    if (strcmp(fmt, "web-eid:1.0") != 0 && strncmp(fmt, "web-eid:1.", 10) != 0) {
        rc = kysod_fail(r, 400, "invalid_field", "authToken.format",
                        N_("the authentication token's format must be \"web-eid:1.0\""));
        goto done;
    }
    /* The challenge is taken (used) first: a token that fails below cannot be tried again. */
    const char *cid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, CHALLENGE_COOKIE);
    char id_hash[65], nonce[80] = "";
    int64_t now = (int64_t)ks_ctx_now(r->srv->ctx), expires = 0;
    if (cid && strlen(cid) < 100) {
        sha256_hex(cid, id_hash);
        ks_db_rows *rows = NULL;
        ks_db_arg a[2] = {KS_DB_S(id_hash), KS_DB_I(now)};
        if ((rc = kysod_db(r, Q_TCH_TAKE, a, 2, &rows)))
            goto done;
        if (rows->nrows == 1) {
            snprintf(nonce, sizeof nonce, "%s", ks_db_cell(rows, 0, 0));
            expires = ks_db_cell_int(rows, 0, 1);
        }
        ks_db_rows_free(rows);
    }
    if (!nonce[0]) {
        rc = refused(r,
                     kysod_fail(r, 401, "challenge_unknown", NULL,
                                N_("no sign-in challenge is waiting (it was used already, or "
                                   "never asked for): start the sign-in again")),
                     NULL);
        goto done;
    }
    if (now > expires) {
        rc = refused(r,
                     kysod_fail(r, 401, "challenge_expired", NULL,
                                N_("the sign-in challenge is older than 5 minutes: start the "
                                   "sign-in again")),
                     NULL);
        goto done;
    }
    if ((rc = token_cert_parse(r, kysod_str(t, "unverifiedCertificate", NULL),
                               "authToken.unverifiedCertificate", &c)))
        goto done;
    if (!token_verifies(c.cert, alg, sig, origin, nonce)) {
        rc = refused(r,
                     kysod_fail(r, 401, "bad_signature", NULL,
                                N_("the authentication token's signature does not verify for "
                                   "this site (%s) and this challenge"),
                                origin),
                     c.serial);
        goto done;
    }
    if ((rc = token_cert_check(r, &c, 401))) {
        rc = refused(r, rc, c.serial);
        goto done;
    }
    int64_t uid = 0, agency = 0;
    char login[65] = "";
    if ((rc = token_cert_owner(r, &c, 401, &uid, &agency, login))) {
        rc = refused(r, rc, c.serial);
        goto done;
    }
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    json_t *after = json_pack("{s:s, s:s}", "method", "token", "certificate", c.serial);
    rc = kysod_session_start(r, st, &e, uid, login, agency, "session.sign_in", after, NULL);
    json_decref(after);
done:
    token_cert_free(&c);
    json_decref(b);
    return rc;
}
