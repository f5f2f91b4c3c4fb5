/* server/api_token_auth.c — sign-in with the person's own token, in Web eID's model: kysod
 * hands out a fresh 256-bit nonce (5 minutes, used once, bound to the browser by an HttpOnly
 * cookie); kyso-agent signs hash(origin) ‖ hash(nonce) with the certificate's key ("web-eid:1.0"
 * authentication token); kysod verifies that value against its own public origin (a token made
 * for another site does not verify), checks the certificate's path and revocation, maps it to
 * its registered person and opens the same session as a password sign-in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /* Handed out even where sign-in is not configured: it costs a row and answers nothing. */
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
    if (!token_auth_verifies(c.cert, alg, sig, origin, nonce)) {
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
