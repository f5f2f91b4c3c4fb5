/* fuzz_token_auth — what kysod reads from a browser's kyso-agent before any key is trusted: the
 * Web eID authentication token's JSON (jansson), its base64 DER certificate and its signature
 * (RS256, or ES256/ES384/ES512 as raw r ‖ s converted to DER) over hash(origin) ‖ hash(nonce)
 * (src/server/token_verify.c). The seeds are real tokens for the origin and nonce below. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "server/api_token.h"

#define ORIGIN "https://kyso.haiphong.test"
#define NONCE "ZnV6ei1ub25jZS0wMTIzNDU2Nzg5YWJjZGVmZ2hpamtsbW5vcA=="

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return 0;
    }
    const char *cert_b64 = json_string_value(json_object_get(j, "unverifiedCertificate"));
    const char *alg = json_string_value(json_object_get(j, "algorithm"));
    const char *sig = json_string_value(json_object_get(j, "signature"));
    char sha[65];
    X509 *x = token_cert_decode(cert_b64, sha);
    if (x && alg && sig)
        (void)token_auth_verifies(x, alg, sig, ORIGIN, NONCE);
    X509_free(x);
    json_decref(j);
    return 0;
}
