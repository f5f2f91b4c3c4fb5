/* agent/cmd_sign.c — "sign": hash in, signature out. The server keeps the document and sends
 * only its hash (one or a batch); the agent checks each is exactly a hash of the announced
 * algorithm, shows the origin, the titles and the first bytes of each hash in one dialog,
 * asks the PIN once and signs them all. RSA PKCS#1 v1.5 (DigestInfo built here), RSA-PSS
 * (salt = hash length) and ECDSA (returned as a DER ECDSA-Sig-Value, as CMS carries it). */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define DIALOG_DOCS_SHOWN 8
#define DIALOG_TITLE_BYTES 70

static bool hash_alg(const char *s, int *alg)
{
    static const char *names[3] = {"SHA-256", "SHA-384", "SHA-512"};
    for (int i = 0; s && i < 3; i++) {
        if (strcmp(s, names[i]) == 0) {
            *alg = i;
            return true;
        }
    }
    return false;
}

static const char *hash_name(int alg)
{
    return alg == KA_SHA256 ? "SHA-256" : alg == KA_SHA384 ? "SHA-384" : "SHA-512";
}

/* The consent text: who asks, with which certificate, and each document with the first 8
 * bytes of its hash so that the person can compare with what the server's page shows. */
static void describe(const ka_req *r, const char *origin, const ka_cert *cert, const char **titles,
                     const uint8_t *const *hashes, size_t n, int alg, ka_buf *d)
{
    ka_buf_printf(
        d, ka_tr(N_("%s asks you to sign %zu document(s) with the certificate of %s:"), r->en),
        origin, n, cert->info.subject_cn[0] ? cert->info.subject_cn : cert->label);
    for (size_t i = 0; i < n && i < DIALOG_DOCS_SHOWN; i++) {
        size_t tl = ka_utf8_valid_prefix(titles[i], strlen(titles[i]) < DIALOG_TITLE_BYTES
                                                        ? strlen(titles[i])
                                                        : DIALOG_TITLE_BYTES);
        ka_buf_printf(d, "\n%zu. ", i + 1);
        ka_buf_put(d, titles[i], tl);
        if (tl < strlen(titles[i]))
            ka_buf_puts(d, "…");
        ka_buf_printf(d, " (%s ", hash_name(alg));
        ka_hex(d, hashes[i], 8);
        ka_buf_puts(d, "…)");
    }
    if (n > DIALOG_DOCS_SHOWN) {
        ka_buf_puts(d, "\n");
        ka_buf_printf(d, ka_tr(N_("… and %zu more documents"), r->en), n - DIALOG_DOCS_SHOWN);
    }
}

bool ka_cmd_sign(const ka_req *r, ka_buf *out, ka_err *e)
{
    const char *origin;
    int alg;
    if (!ka_req_origin(r, &origin, e))
        return false;
    const char *hname = ka_req_str(r, "hashAlgorithm", NULL);
    if (!hash_alg(hname, &alg))
        return ka_fail(e, "bad-request",
                       N_("\"hashAlgorithm\" must be \"SHA-256\", \"SHA-384\" or \"SHA-512\""));
    const ka_jnode *docs = ka_json_get(r->j, r->root, "documents");
    if (!docs || docs->type != KA_J_ARR || docs->child < 0)
        return ka_fail(e, "bad-request", N_("\"documents\" must be a non-empty array"));
    size_t n = 0;
    for (const ka_jnode *d = ka_json_at(r->j, docs->child); d; d = ka_json_at(r->j, d->next))
        n++;
    if (n > KA_BATCH_MAX)
        return ka_fail(e, "too-many", N_("at most %d documents can be signed at once, not %zu"),
                       KA_BATCH_MAX, n);
    size_t hlen = ka_sha_len(alg);
    uint8_t(*hash_store)[64] = calloc(n, sizeof *hash_store);
    const uint8_t **hashes = calloc(n, sizeof *hashes);
    const char **titles = calloc(n, sizeof *titles);
    uint8_t(*sigs)[1024] = calloc(n, sizeof *sigs);
    size_t *sig_lens = calloc(n, sizeof *sig_lens);
    ka_certs all = {0};
    ka_buf desc = {0};
    bool ok = false;
    if (!hash_store || !hashes || !titles || !sigs || !sig_lens) {
        ka_fail(e, "internal", N_("out of memory"));
        goto done;
    }
    size_t i = 0;
    for (const ka_jnode *d = ka_json_at(r->j, docs->child); d; d = ka_json_at(r->j, d->next), i++) {
        const ka_jnode *t = ka_json_get(r->j, d, "title");
        const ka_jnode *h = ka_json_get(r->j, d, "hash");
        size_t got = 0;
        static const char *const doc_keys[] = {"title", "hash", NULL};
        if (d->type != KA_J_OBJ || !t || t->type != KA_J_STR || !h || h->type != KA_J_STR ||
            ka_json_unknown(r->j, d, doc_keys)) {
            ka_fail(e, "bad-request",
                    N_("document %zu must be an object with only \"title\" and \"hash\""), i + 1);
            goto done;
        }
        if (t->slen == 0 || t->slen > KA_TITLE_MAX) {
            ka_fail(e, "bad-request", N_("document %zu: the title must have 1 to %d bytes"), i + 1,
                    KA_TITLE_MAX);
            goto done;
        }
        if (!ka_text_displayable(t->s, t->slen)) {
            ka_fail(e, "bad-request",
                    N_("document %zu: the title holds control characters, which could change "
                       "what the dialog shows"),
                    i + 1);
            goto done;
        }
        /* Only a hash of exactly the announced length is signed: anything else could be a
         * crafted DigestInfo or raw data the person never saw. */
        uint8_t tmp[96];
        if (!ka_b64_decode(h->s, h->slen, tmp, sizeof tmp, &got) || got != hlen) {
            ka_fail(e, "bad-hash",
                    N_("document %zu: \"hash\" is not a base64 %s hash of %zu bytes"), i + 1,
                    hash_name(alg), hlen);
            goto done;
        }
        memcpy(hash_store[i], tmp, hlen);
        hashes[i] = hash_store[i];
        titles[i] = t->s;
    }
    const ka_cert *cert;
    if (!ka_req_cert(r, &all, &cert, e))
        goto done;
    const char *sname = ka_req_str(r, "signatureAlgorithm", NULL);
    int mech = cert->info.key_type == KA_KEY_EC ? KA_MECH_ECDSA : KA_MECH_RSA_PKCS1;
    if (sname && strcmp(sname, "RSASSA-PKCS1-v1_5") == 0 && cert->info.key_type == KA_KEY_RSA)
        mech = KA_MECH_RSA_PKCS1;
    else if (sname && strcmp(sname, "RSA-PSS") == 0 && cert->info.key_type == KA_KEY_RSA)
        mech = KA_MECH_RSA_PSS;
    else if (sname && strcmp(sname, "ECDSA") == 0 && cert->info.key_type == KA_KEY_EC)
        mech = KA_MECH_ECDSA;
    else if (sname || cert->info.key_type == KA_KEY_UNKNOWN) {
        ka_fail(e, "bad-algorithm", N_("signature algorithm \"%.40s\" does not fit the key"),
                sname ? sname : "");
        goto done;
    }
    describe(r, origin, cert, titles, hashes, n, alg, &desc);
    ka_sign_job job = {mech, alg, hashes, n, sigs, sig_lens};
    if (!ka_consent_and_sign(r, cert, desc.p, &job, e))
        goto done;
    static const char *mech_names[3] = {"RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA"};
    ka_buf_printf(out, ",\"signatureAlgorithm\":\"%s\",\"hashAlgorithm\":\"%s\",\"signatures\":[",
                  mech_names[mech], hash_name(alg));
    for (i = 0; i < n; i++) {
        ka_buf_puts(out, i ? ",\"" : "\"");
        if (mech == KA_MECH_ECDSA) {
            ka_buf der = {0};
            ka_ecdsa_der(&der, sigs[i], sig_lens[i]);
            ka_b64_encode(out, (const uint8_t *)der.p, der.len);
            ka_buf_free(&der);
        } else {
            ka_b64_encode(out, sigs[i], sig_lens[i]);
        }
        ka_buf_puts(out, "\"");
    }
    ka_buf_puts(out, "]");
    ok = true;
done:
    free(hash_store);
    free(hashes);
    free(titles);
    free(sigs);
    free(sig_lens);
    ka_certs_free(&all);
    ka_buf_free(&desc);
    return ok;
}
