/* tests/tools/twophase.c — drives the library's two-phase signing from the outside, one phase
 * per process, for tests/integration/test_two_phase.sh (the key lives in a token that only
 * pkcs11-tool touches):
 *   twophase begin IN.pdf CERT.pem CHAIN.pem LEVEL TSA|- STATE TBS  -> prepare + begin + save;
 *       TBS receives the DigestInfo (RSA PKCS#1 v1.5) the token signs with CKM_RSA_PKCS
 *   twophase finish IN.pdf STATE SIG OUT.pdf                          -> load + finish + write
 * Errors are printed as "error: <English message>" and give exit status 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "kyso/sign.h"

static int fail(const ks_error *e)
{
    fprintf(stderr, "error: %s\n", e->msg_en);
    return 1;
}

static int begin(char **argv)
{
    ks_error e;
    uint8_t *pdf = NULL, *state = NULL;
    size_t len = 0, slen = 0;
    if (ks_read_file(argv[0], 1 << 28, &pdf, &len, &e) != KS_OK)
        return fail(&e);
    FILE *f = fopen(argv[1], "r");
    X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!cert) {
        fprintf(stderr, "error: cannot read %s\n", argv[1]);
        return 1;
    }
    /* a signer with a certificate and no key: the key is in the token */
    ks_signer who = {0};
    who.cert = cert;
    who.key_type = EVP_PKEY_get_base_id(X509_get0_pubkey(cert));
    who.max_sig_len = 512;
    STACK_OF(X509) *chain = sk_X509_new_null();
    f = fopen(argv[2], "r");
    X509 *x;
    while (f && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
        sk_X509_push(chain, x);
    if (f)
        fclose(f);
    who.chain = chain;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.offline = true;
    if (!ks_sign_level_parse(argv[3], &o.level)) {
        fprintf(stderr, "error: level %s\n", argv[3]);
        return 1;
    }
    o.tsa_url = strcmp(argv[4], "-") ? argv[4] : NULL;
    ks_sign_ctx *ctx = NULL;
    ks_cms_tbs tbs;
    int rc = 1;
    if (ks_sign_prepare_mem(pdf, len, argv[0], &o, &who, &ctx, &e) != KS_OK ||
        ks_sign_begin(ctx, &tbs, &e) != KS_OK || ks_sign_prepared_save(ctx, &state, &slen, &e) ||
        ks_write_file_atomic(argv[5], state, slen, &e) != KS_OK ||
        ks_write_file_atomic(argv[6], tbs.digest_info, tbs.digest_info_len, &e) != KS_OK) {
        fail(&e);
        goto done;
    }
    printf("state %zu bytes, hash %zu bytes, DigestInfo %zu bytes\n", slen, tbs.hash_len,
           tbs.digest_info_len);
    rc = 0;
done:
    ks_sign_ctx_free(ctx);
    free(pdf);
    free(state);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    return rc;
}

static int finish(char **argv)
{
    ks_error e;
    uint8_t *pdf = NULL, *state = NULL, *sig = NULL;
    size_t len = 0, slen = 0, siglen = 0;
    ks_sign_ctx *ctx = NULL;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.offline = true;
    int rc = 1;
    if (ks_read_file(argv[0], 1 << 28, &pdf, &len, &e) != KS_OK ||
        ks_read_file(argv[1], 1 << 24, &state, &slen, &e) != KS_OK ||
        ks_read_file(argv[2], 1 << 16, &sig, &siglen, &e) != KS_OK ||
        ks_sign_prepared_load(state, slen, pdf, len, argv[0], &o, &ctx, &e) != KS_OK ||
        ks_sign_finish(ctx, sig, siglen, &e) != KS_OK || ks_sign_write(ctx, argv[3], &e)) {
        fail(&e);
        goto done;
    }
    rc = 0;
done:
    ks_sign_ctx_free(ctx);
    free(pdf);
    free(state);
    free(sig);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 9 && strcmp(argv[1], "begin") == 0)
        return begin(argv + 2);
    if (argc == 6 && strcmp(argv[1], "finish") == 0)
        return finish(argv + 2);
    fprintf(stderr, "usage: twophase begin IN CERT CHAIN LEVEL TSA|- STATE TBS | finish IN STATE "
                    "SIG OUT\n");
    return 2;
}
