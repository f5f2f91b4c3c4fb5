/* pki/tsa.c — the time-stamping authority (RFC 3161, RFC 5816): grants tokens under kyso's TSA
 * policy with accuracy 1 s, a random 128-bit serial, the nonce echoed, signed by the TSA key
 * with an ESS signing-certificate-v2 attribute. Bad requests get a rejection status. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include "responder.h"

/* Serials must be unique per TSA (RFC 3161 §2.4.2): 16 random bytes make a collision
 * negligible without shared state between threads or restarts. */
static ASN1_INTEGER *random_serial(TS_RESP_CTX *ctx, void *data)
{
    (void)data;
    uint8_t b[16];
    ASN1_INTEGER *ai = NULL;
    if (RAND_bytes(b, sizeof b) == 1) {
        b[0] = (uint8_t)((b[0] & 0x7f) | 0x40);
        BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
        ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
        BN_free(bn);
    }
    if (!ai) {
        TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "error generating serial");
        TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
    }
    return ai;
}

ks_status ks_responder_tsa(ks_responder *r, const uint8_t *req, size_t req_len, uint8_t **out,
                           size_t *out_len, ks_error *err)
{
    *out = NULL;
    *out_len = 0;
    ks_status st = KS_OK;
    TS_RESP *resp = NULL;
    BIO *in = NULL;
    TS_RESP_CTX *ctx = TS_RESP_CTX_new();
    bool ok = ctx && TS_RESP_CTX_set_signer_cert(ctx, r->tsa_cert) &&
              TS_RESP_CTX_set_signer_key(ctx, r->tsa_key) &&
              TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) &&
              TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) &&
              TS_RESP_CTX_set_def_policy(ctx, r->tsa_policy) &&
              TS_RESP_CTX_set_certs(ctx, r->tsa_chain) && TS_RESP_CTX_add_md(ctx, EVP_sha256()) &&
              TS_RESP_CTX_add_md(ctx, EVP_sha384()) && TS_RESP_CTX_add_md(ctx, EVP_sha512()) &&
              TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0) &&
              TS_RESP_CTX_set_clock_precision_digits(ctx, 0);
    if (!ok) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("the time-stamping authority cannot be set up"));
        goto done;
    }
    TS_RESP_CTX_set_serial_cb(ctx, random_serial, NULL);
    /* Bounded: a TimeStampReq is a hash and a few small fields. */
    in = BIO_new_mem_buf(req, req_len < (1u << 16) ? (int)req_len : 0);
    resp = in ? TS_RESP_create_response(ctx, in) : NULL;
    unsigned char *p = NULL;
    int n = resp ? i2d_TS_RESP(resp, &p) : -1;
    if (n <= 0 || !(*out = malloc((size_t)n))) {
        OPENSSL_free(p);
        st = ks_error_set(err, KS_E_CRYPTO, N_("the time-stamping authority failed to answer"));
        goto done;
    }
    memcpy(*out, p, (size_t)n);
    *out_len = (size_t)n;
    OPENSSL_free(p);
done:
    TS_RESP_free(resp);
    BIO_free(in);
    TS_RESP_CTX_free(ctx);
    ERR_clear_error();
    return st;
}
