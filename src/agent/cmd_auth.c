/* agent/cmd_auth.c — "authenticate": sign-in with the token as Web eID's authentication
 * token does (format "web-eid:1.0"): the key signs hash(origin) ‖ hash(challenge nonce), so a
 * token made for one site is worthless on another, and the server's fresh nonce stops
 * replay. The hash is the one of the algorithm: RS256 for RSA, ES256/ES384/ES512 by the curve.
 * ECDSA signatures are the raw r‖s, as JWS and Web eID carry them. */
#include <string.h>

#include "agent.h"

#define CHALLENGE_MIN 44 /* base64 of 32 random bytes (Web eID's minimum) */
#define CHALLENGE_MAX 512

bool ka_cmd_auth(const ka_req *r, ka_buf *out, ka_err *e)
{
    const char *origin;
    size_t clen;
    if (!ka_req_origin(r, &origin, e))
        return false;
    const char *challenge = ka_req_str(r, "challenge", &clen);
    if (!challenge || clen < CHALLENGE_MIN || clen > CHALLENGE_MAX)
        return ka_fail(e, "bad-request",
                       N_("\"challenge\" must be a string of %d to %d characters"), CHALLENGE_MIN,
                       CHALLENGE_MAX);
    for (size_t i = 0; i < clen; i++)
        if (challenge[i] < 0x21 || challenge[i] > 0x7E)
            return ka_fail(e, "bad-request", N_("\"challenge\" must be printable ASCII"));
    ka_certs all = {0};
    ka_buf desc = {0};
    bool ok = false;
    const ka_cert *cert;
    if (!ka_req_cert(r, &all, &cert, e))
        goto done;
    int alg = KA_SHA256, mech = KA_MECH_RSA_PKCS1;
    const char *name = "RS256";
    if (cert->info.key_type == KA_KEY_EC) {
        mech = KA_MECH_ECDSA;
        alg = cert->info.ec_bits == 384   ? KA_SHA384
              : cert->info.ec_bits == 521 ? KA_SHA512
                                          : KA_SHA256;
        name = alg == KA_SHA384 ? "ES384" : alg == KA_SHA512 ? "ES512" : "ES256";
    } else if (cert->info.key_type != KA_KEY_RSA) {
        ka_fail(e, "bad-algorithm", N_("the certificate's key type is not supported"));
        goto done;
    }
    size_t hl = ka_sha_len(alg);
    uint8_t data[128], digest[64];
    ka_sha(alg, (const uint8_t *)origin, strlen(origin), data);
    ka_sha(alg, (const uint8_t *)challenge, clen, data + hl);
    ka_sha(alg, data, 2 * hl, digest);
    ka_buf_printf(&desc, ka_tr(N_("%s asks you to sign in with the certificate of %s."), r->en),
                  origin, cert->info.subject_cn[0] ? cert->info.subject_cn : cert->label);
    const uint8_t *hashes[1] = {digest};
    uint8_t sig[1][1024];
    size_t sig_len[1] = {0};
    ka_sign_job job = {mech, alg, hashes, 1, sig, sig_len};
    if (!ka_consent_and_sign(r, cert, desc.p, &job, e))
        goto done;
    ka_buf_puts(out, ",\"authToken\":{\"unverifiedCertificate\":\"");
    ka_b64_encode(out, cert->der, cert->der_len);
    ka_buf_printf(out, "\",\"algorithm\":\"%s\",\"signature\":\"", name);
    ka_b64_encode(out, sig[0], sig_len[0]);
    ka_buf_puts(out,
                "\",\"format\":\"web-eid:1.0\",\"appVersion\":\"urn:kyso:agent:" KA_VERSION "\"}");
    ok = true;
done:
    ka_certs_free(&all);
    ka_buf_free(&desc);
    return ok;
}
