/* fuzz/fuzz_pki_responder.c — libFuzzer target for the CA's online services: the input is taken
 * as an OCSPRequest (ks_responder_ocsp) and as a TimeStampReq (ks_responder_tsa) against a test
 * CA made once at start-up. Every answer must be a well-formed OCSPResponse / TimeStampResp;
 * nothing may crash, leak or read out of bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ocsp.h>
#include <openssl/ts.h>

#include "kyso/pki.h"

static ks_responder *g_r;
static char g_dir[] = "/tmp/kyso-fuzz-pki-XXXXXX";

static void cleanup(void)
{
    static const char *const files[] = {"ca/root.pem",
                                        "ca/issuing-ca.pem",
                                        "ca/ocsp.pem",
                                        "ca/tsa.pem",
                                        "ca/ca.db",
                                        "ca/ca.db-journal",
                                        "ca/private/root.key",
                                        "ca/private/issuing-ca.key",
                                        "ca/private/ocsp.key",
                                        "ca/private/tsa.key",
                                        "ca/private",
                                        "ca"};
    char path[128];
    ks_responder_free(g_r);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g_dir, files[i]);
        if (unlink(path) != 0)
            rmdir(path);
    }
    rmdir(g_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ks_error e;
    char ca[64];
    ks_ca_init_opts opts = {.ca_key_spec = "ec:P-384"}; /* quick to make */
    if (!mkdtemp(g_dir))
        abort();
    snprintf(ca, sizeof ca, "%s/ca", g_dir);
    if (ks_ca_init(ca, &opts, &e) != KS_OK || ks_responder_open(ca, NULL, &g_r, &e) != KS_OK) {
        fprintf(stderr, "fuzz_pki_responder: %s\n", e.msg_en);
        abort();
    }
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *out = NULL;
    size_t n = 0;
    ks_error e;
    if (ks_responder_ocsp(g_r, data, size, &out, &n, &e) == KS_OK) {
        const unsigned char *p = out;
        OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)n);
        if (!resp || p != out + n) /* every input must get a well-formed answer */
            abort();
        OCSP_RESPONSE_free(resp);
    }
    free(out);
    out = NULL;
    if (ks_responder_tsa(g_r, data, size, &out, &n, &e) == KS_OK) {
        const unsigned char *p = out;
        TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)n);
        if (!resp || p != out + n)
            abort();
        TS_RESP_free(resp);
    }
    free(out);
    return 0;
}
