/* store/audit_chain.c — the hash that links audit entries: the CA's trail (pki/audit.c) and the
 * server's (audit.c) are the same construction, so one verifier reasons about both. */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "store.h"

void ks_audit_chain_hash(const char *prev, int64_t seq, int64_t at, const char *const *fields,
                         int nfields, char out[65])
{
    uint8_t md[32];
    unsigned int mdlen = 0;
    char head[64], lens[32];
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    snprintf(head, sizeof head, "|%lld|%lld|", (long long)seq, (long long)at);
    int ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(c, prev, strlen(prev)) && EVP_DigestUpdate(c, head, strlen(head));
    for (int i = 0; ok && i < nfields; i++) {
        snprintf(lens, sizeof lens, "%zu|", fields[i] ? strlen(fields[i]) : (size_t)0);
        ok = EVP_DigestUpdate(c, lens, strlen(lens));
    }
    for (int i = 0; ok && i < nfields; i++)
        ok = !fields[i] || EVP_DigestUpdate(c, fields[i], strlen(fields[i]));
    if (ok && EVP_DigestFinal_ex(c, md, &mdlen)) {
        for (unsigned i = 0; i < 32; i++)
            snprintf(out + 2 * i, 3, "%02x", md[i]);
    } else {
        out[0] = 0;
    }
    EVP_MD_CTX_free(c);
}
