/* server/fed_sign.c — how two kysod peers trust each other's requests: an HMAC-SHA256 with the
 * key their peers files share, over the sender's name, the time, the path and the body's
 * digest, checked in constant time, within a few minutes of the receiver's clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "fed.h"

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = 0;
}

void fed_sign(const unsigned char key[FED_KEY_LEN], const char *name, const char *time_s,
              const char *path, const uint8_t *body, size_t len, char out[65])
{
    unsigned char dg[SHA256_DIGEST_LENGTH], mac[EVP_MAX_MD_SIZE];
    char dh[65];
    SHA256(body ? body : (const uint8_t *)"", len, dg);
    hex(dg, sizeof dg, dh);
    ks_buf m = KS_BUF_INIT;
    ks_buf_printf(&m, "kyso-fed-v1\n%s\n%s\n%s\n%s", name, time_s, path, dh);
    unsigned int ml = 0;
    if (m.failed || !HMAC(EVP_sha256(), key, FED_KEY_LEN, m.data, m.len, mac, &ml))
        memset(mac, 0, sizeof mac), ml = 32;
    ks_buf_free(&m);
    hex(mac, 32, out);
}

int fed_check_request(kysod_req *r, int *peer)
{
    kysod_fed *f = r->srv->fed;
    const char *name = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Kyso-Peer");
    const char *ts = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Kyso-Time");
    const char *sig = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Kyso-Signature");
    int p = f ? fed_peer_index(&f->cfg, name) : -1;
    if (p < 0 || !ts || !sig)
        return kysod_fail(r, 401, "unauthenticated", NULL,
                          N_("an unknown peer, or the request is not signed"));
    char *end = NULL;
    long long t = strtoll(ts, &end, 10);
    long long now = (long long)time(NULL);
    if (!*ts || *end || t < now - FED_CLOCK_SKEW_S || t > now + FED_CLOCK_SKEW_S)
        return kysod_fail(r, 401, "unauthenticated", NULL,
                          N_("the request's time is more than %d seconds from this server's "
                             "clock"),
                          FED_CLOCK_SKEW_S);
    char want[65];
    fed_sign(f->cfg.peers[p].key, name, ts, r->url, (const uint8_t *)r->body, r->body_len, want);
    if (strlen(sig) != 64 || CRYPTO_memcmp(want, sig, 64) != 0)
        return kysod_fail(r, 401, "unauthenticated", NULL,
                          N_("the request's signature does not match the key shared with this "
                             "peer"));
    *peer = p;
    return 0;
}
