/* pki/ocsp.c — the OCSP responder (RFC 6960): answers good / revoked (time, reason) / unknown
 * for certificates of the issuing CA, signed by the delegated responder (id-pkix-ocsp-nocheck).
 * Nonces are echoed and such responses signed fresh; others are cached per (serial, hash
 * algorithm, status) for 60 s. Malformed input gets a malformedRequest response. */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "responder.h"

#define OCSP_NEXT_UPDATE_SEC 3600

static ks_status encode(OCSP_RESPONSE *resp, uint8_t **out, size_t *out_len, ks_error *err)
{
    unsigned char *p = NULL;
    int n = resp ? i2d_OCSP_RESPONSE(resp, &p) : -1;
    if (n <= 0 || !(*out = malloc((size_t)n))) {
        OPENSSL_free(p);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    memcpy(*out, p, (size_t)n);
    *out_len = (size_t)n;
    OPENSSL_free(p);
    return KS_OK;
}

static ks_status error_response(int status, uint8_t **out, size_t *out_len, ks_error *err)
{
    OCSP_RESPONSE *resp = OCSP_response_create(status, NULL);
    ks_status st = encode(resp, out, out_len, err);
    OCSP_RESPONSE_free(resp);
    return st;
}

/* Does the CertID name the issuing CA? Unknown hash algorithms never match. */
static bool issuer_matches(ks_responder *r, OCSP_CERTID *cid, int *md_nid)
{
    ASN1_OCTET_STRING *nh = NULL, *kh = NULL;
    ASN1_OBJECT *md = NULL;
    ASN1_INTEGER *serial = NULL;
    if (!OCSP_id_get0_info(&nh, &md, &kh, &serial, cid) || !nh || !kh || !md)
        return false;
    *md_nid = OBJ_obj2nid(md);
    for (int i = 0; i < 4; i++) {
        const ks_issuer_hash *h = &r->hashes[i];
        if (h->md_nid == *md_nid)
            return nh->length == (int)h->len && kh->length == (int)h->len &&
                   memcmp(nh->data, h->name, h->len) == 0 && memcmp(kh->data, h->key, h->len) == 0;
    }
    return false;
}

static size_t cache_slot(const char *serial, int md_nid)
{
    uint32_t h = 2166136261u ^ (uint32_t)md_nid;
    for (const char *p = serial; *p; p++)
        h = (h ^ (uint8_t)*p) * 16777619u;
    return h % KS_OCSP_CACHE_SLOTS;
}

static bool cache_get(ks_responder *r, const char *serial, int md_nid, int status, int64_t rev_at,
                      uint8_t **out, size_t *out_len)
{
    bool hit = false;
    time_t now = ks_now();
    pthread_mutex_lock(&r->cache_lock);
    ks_ocsp_cached *c = &r->cache[cache_slot(serial, md_nid)];
    if (c->der && c->md_nid == md_nid && c->status == status && c->revoked_at == rev_at &&
        strcmp(c->serial, serial) == 0 && now >= c->made && now - c->made < KS_OCSP_CACHE_SEC &&
        (*out = malloc(c->len))) {
        memcpy(*out, c->der, c->len);
        *out_len = c->len;
        hit = true;
    }
    pthread_mutex_unlock(&r->cache_lock);
    return hit;
}

static void cache_put(ks_responder *r, const char *serial, int md_nid, int status, int64_t rev_at,
                      const uint8_t *der, size_t len)
{
    uint8_t *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, der, len);
    pthread_mutex_lock(&r->cache_lock);
    ks_ocsp_cached *c = &r->cache[cache_slot(serial, md_nid)];
    free(c->der);
    snprintf(c->serial, sizeof c->serial, "%s", serial);
    c->md_nid = md_nid;
    c->status = status;
    c->revoked_at = rev_at;
    c->made = ks_now();
    c->der = copy;
    c->len = len;
    pthread_mutex_unlock(&r->cache_lock);
}

ks_status ks_responder_ocsp(ks_responder *r, const uint8_t *req, size_t req_len, uint8_t **out,
                            size_t *out_len, ks_error *err)
{
    *out = NULL;
    *out_len = 0;
    ks_status st = KS_OK;
    OCSP_BASICRESP *bs = NULL;
    OCSP_RESPONSE *resp = NULL;
    EVP_MD_CTX *sign_ctx = NULL;
    ASN1_GENERALIZEDTIME *this_upd = NULL, *next_upd = NULL, *rev_time = NULL;
    const unsigned char *p = req;
    OCSP_REQUEST *rq =
        req_len > 0 && req_len < (1u << 20) ? d2i_OCSP_REQUEST(NULL, &p, (long)req_len) : NULL;
    int n = rq ? OCSP_request_onereq_count(rq) : 0;
    if (!rq || p != req + req_len || n <= 0 || n > KS_OCSP_MAX_ONEREQ) {
        OCSP_REQUEST_free(rq);
        ERR_clear_error();
        return error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, out, out_len, err);
    }
    bool has_nonce = OCSP_REQUEST_get_ext_by_NID(rq, NID_id_pkix_OCSP_Nonce, -1) >= 0;
    time_t now = ks_now();
    /* A single, nonce-less request may be answered from the cache. */
    char serial1[80] = "";
    int md1 = 0, status1 = V_OCSP_CERTSTATUS_UNKNOWN;
    int64_t rev1 = 0;
    bs = OCSP_BASICRESP_new();
    this_upd = ASN1_GENERALIZEDTIME_set(NULL, now);
    next_upd = ASN1_GENERALIZEDTIME_set(NULL, now + OCSP_NEXT_UPDATE_SEC);
    if (!bs || !this_upd || !next_upd) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (int i = 0; i < n; i++) {
        OCSP_CERTID *cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(rq, i));
        ASN1_INTEGER *serial = NULL;
        int md_nid = 0, status = V_OCSP_CERTSTATUS_UNKNOWN, reason = 0;
        int64_t rev_at = 0;
        char hex[80] = "";
        OCSP_id_get0_info(NULL, NULL, NULL, &serial, cid);
        if (serial && serial->type == V_ASN1_INTEGER && serial->length > 0 &&
            serial->length <= 20 && issuer_matches(r, cid, &md_nid)) {
            ks_pki_serial_hex(serial, hex);
            status = ks_responder_status(r, hex, &rev_at, &reason);
        }
        if (i == 0) {
            snprintf(serial1, sizeof serial1, "%s", hex);
            md1 = md_nid;
            status1 = status;
            rev1 = rev_at;
            if (n == 1 && !has_nonce && hex[0] &&
                cache_get(r, hex, md_nid, status, rev_at, out, out_len))
                goto done;
        }
        ASN1_GENERALIZEDTIME_free(rev_time);
        rev_time = status == V_OCSP_CERTSTATUS_REVOKED
                       ? ASN1_GENERALIZEDTIME_set(NULL, (time_t)rev_at)
                       : NULL;
        if (!OCSP_basic_add1_status(bs, cid, status,
                                    reason > 0 ? reason : OCSP_REVOKED_STATUS_NOSTATUS, rev_time,
                                    this_upd, next_upd)) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    }
    if (has_nonce && OCSP_copy_nonce(bs, rq) != 1) {
        ERR_clear_error();
        st = error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, out, out_len, err);
        goto done;
    }
    /* ResponderID by key hash (smaller); the issuing CA goes along so that clients can build
     * the responder's path with only the root as anchor. */
    sign_ctx = EVP_MD_CTX_new();
    if (!sign_ctx || !EVP_MD_CTX_copy_ex(sign_ctx, r->ocsp_sign_tmpl) ||
        !OCSP_basic_sign_ctx(bs, r->ocsp_cert, sign_ctx, r->ocsp_chain, OCSP_RESPID_KEY)) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("signing the OCSP response failed"));
        goto done;
    }
    resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
    if ((st = encode(resp, out, out_len, err)) != KS_OK)
        goto done;
    if (n == 1 && !has_nonce && serial1[0])
        cache_put(r, serial1, md1, status1, rev1, *out, *out_len);
done:
    ASN1_GENERALIZEDTIME_free(this_upd);
    ASN1_GENERALIZEDTIME_free(next_upd);
    ASN1_GENERALIZEDTIME_free(rev_time);
    EVP_MD_CTX_free(sign_ctx);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    OCSP_REQUEST_free(rq);
    ERR_clear_error();
    return st;
}
