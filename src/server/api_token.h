/* server/api_token.h — what the files of sign-in and signing with the person's own token
 * (api_token*.c, issue 14) share: the certificate a browser's kyso-agent presents, checked
 * against the configured anchors and revocation, and mapped to its registered owner. */
#ifndef KYSOD_API_TOKEN_H
#define KYSOD_API_TOKEN_H

#include <openssl/x509.h>

#include "server.h"

/* Sign-in challenges live 5 minutes; a prepared signature waits 15 minutes for its value. */
#define TOKEN_CHALLENGE_S 300
#define TOKEN_SIGN_S 900
#define TOKEN_BATCH_MAX 100

typedef struct token_cert {
    X509 *cert;
    STACK_OF(X509) * chain; /* the verified path above the certificate (issuing CA, root) */
    char sha256[65];        /* of the DER, hex: kyso-agent's name of the certificate */
    char serial[80];        /* uppercase hex, as certificates.serial holds it */
} token_cert;

/* Decodes the base64 DER certificate `b64` of request member `field`: 0, or 400 set. */
int token_cert_parse(kysod_req *r, const char *b64, const char *field, token_cert *c);
/* Its path to the anchors of token_trust at the context's time, its validity, key usage and
 * revocation (OCSP, else CRL, through the context's fetcher): 0, or `status` set naming the
 * problem (code "certificate_untrusted"). */
int token_cert_check(kysod_req *r, token_cert *c, int status);
/* The registered person's certificate it is (same serial, same issuer, owner_kind person,
 * status active, the user active): *user and *agency, login into `login` (65 bytes); 0, or
 * `status` set (code "certificate_unknown"). */
int token_cert_owner(kysod_req *r, token_cert *c, int status, int64_t *user, int64_t *agency,
                     char *login);
void token_cert_free(token_cert *c);

/* token_verify.c: a base64 DER certificate (exactly one, nothing after it), its SHA-256 (hex)
 * into sha256; NULL when `b64` is not one. */
X509 *token_cert_decode(const char *b64, char sha256[65]);
/* Whether `sig_b64` is the certificate key's signature under `alg` (RS256, ES256, ES384,
 * ES512, matching the key) over hash(origin) ‖ hash(nonce): Web eID's authentication token. */
bool token_auth_verifies(X509 *cert, const char *alg, const char *sig_b64, const char *origin,
                         const char *nonce);

/* The issuer as certificates.issuer holds it (RFC 2253, UTF-8). */
void token_name_text(const X509_NAME *n, char *out, size_t cap);
/* 503 unless token_trust is configured (and loaded). */
int token_need_trust(kysod_req *r);

#endif
