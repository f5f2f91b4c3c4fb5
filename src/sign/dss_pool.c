/* sign/dss_pool.c — the items of a Document Security Store being extended: what the document's
 * /DSS already holds (each with its object) and what this revision adds, one copy of each.
 * A second B-LT signature or a document timestamp's validation data then points its /VRI entry
 * at the streams already there instead of writing the same certificate, CRL or OCSP response
 * again (ETSI EN 319 142-1 §5.4.2: the VRI arrays reference the DSS's own streams). */
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "sign_internal.h"

#define DSS_POOL_MAX 4096 /* items read from an existing /DSS array, as the verifier reads */

static const char *const kind_keys[KS_DSS_KINDS] = {"Certs", "OCSPs", "CRLs"};

const char *ks_dss_kind_key(int kind)
{
    return kind_keys[kind];
}

/* Index of an item with these bytes, or -1. Items are compared by their SHA-256. */
static long find_item(const ks_dss_list *l, const uint8_t *data, size_t len)
{
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].len == len && memcmp(l->items[i].sha256, md, sizeof md) == 0)
            return (long)i;
    return -1;
}

/* Takes `data` (malloc'd) in every case. Returns the item's index or -1 (out of memory). */
static long list_add(ks_dss_list *l, uint8_t *data, size_t len, ks_pdf_ref ref)
{
    long at = find_item(l, data, len);
    if (at >= 0) {
        free(data);
        return at;
    }
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        ks_dss_item *ni = realloc(l->items, nc * sizeof *ni);
        if (!ni) {
            free(data);
            return -1;
        }
        l->items = ni;
        l->cap = nc;
    }
    ks_dss_item *it = &l->items[l->n];
    memset(it, 0, sizeof *it);
    it->data = data;
    it->len = len;
    it->ref = ref;
    SHA256(data, len, it->sha256);
    return (long)l->n++;
}

long ks_dss_pool_add(ks_dss_pool *p, int kind, uint8_t *data, size_t len)
{
    ks_pdf_ref none = {0, 0};
    return list_add(&p->kinds[kind], data, len, none);
}

ks_status ks_dss_pool_load(ks_dss_pool *p, ks_pdf_doc *doc, ks_error *err)
{
    memset(p, 0, sizeof *p);
    p->known = sk_X509_new_null();
    if (!p->known)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *dss = cat ? ks_pdf_dict_getr(doc, cat, "DSS") : NULL;
    if (!dss || dss->type != KS_PDF_DICT)
        return KS_OK;
    p->old = dss;
    for (int k = 0; k < KS_DSS_KINDS; k++) {
        ks_pdf_obj *arr = ks_pdf_dict_getr(doc, dss, kind_keys[k]);
        for (size_t i = 0;
             arr && arr->type == KS_PDF_ARRAY && i < arr->u.arr.len && i < DSS_POOL_MAX; i++) {
            ks_pdf_obj *r = arr->u.arr.items[i];
            if (r->type != KS_PDF_REF)
                continue; /* streams are indirect; anything else is not reusable */
            ks_pdf_obj *s = ks_pdf_resolve(doc, r, NULL);
            uint8_t *d = NULL;
            size_t n = 0;
            if (!s || s->type != KS_PDF_STREAM || ks_pdf_stream_decode(doc, s, &d, &n, NULL))
                continue; /* unreadable: kept in the array as it is, never reused */
            if (k == KS_DSS_CERT) {
                const unsigned char *q = d;
                X509 *x = d2i_X509(NULL, &q, (long)n);
                if (x && !sk_X509_push(p->known, x))
                    X509_free(x);
            }
            if (list_add(&p->kinds[k], d, n, r->u.ref) < 0)
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
    }
    return KS_OK;
}

long ks_dss_pool_find_ocsp(const ks_dss_pool *p, X509 *cert, X509 *issuer)
{
    const ks_dss_list *l = &p->kinds[KS_DSS_OCSP];
    long found = -1;
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
    for (size_t i = 0; id && i < l->n && found < 0; i++) {
        const unsigned char *q = l->items[i].data;
        OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &q, (long)l->items[i].len);
        OCSP_BASICRESP *bs = r ? OCSP_response_get1_basic(r) : NULL;
        int status = -1, reason = 0;
        ASN1_GENERALIZEDTIME *rt = NULL, *tu = NULL, *nu = NULL;
        if (bs && OCSP_resp_find_status(bs, id, &status, &reason, &rt, &tu, &nu) == 1)
            found = (long)i;
        OCSP_BASICRESP_free(bs);
        OCSP_RESPONSE_free(r);
    }
    OCSP_CERTID_free(id);
    return found;
}

long ks_dss_pool_find_crl(const ks_dss_pool *p, X509 *cert, X509 *issuer)
{
    const ks_dss_list *l = &p->kinds[KS_DSS_CRL];
    EVP_PKEY *k = X509_get0_pubkey(issuer);
    long found = -1;
    for (size_t i = 0; k && i < l->n && found < 0; i++) {
        const unsigned char *q = l->items[i].data;
        X509_CRL *crl = d2i_X509_CRL(NULL, &q, (long)l->items[i].len);
        if (crl && X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(cert)) == 0 &&
            X509_CRL_verify(crl, k) == 1)
            found = (long)i;
        X509_CRL_free(crl);
    }
    return found;
}

ks_status ks_dss_pool_write(ks_dss_pool *p, ks_pdf_update *u, ks_arena *a, ks_pdf_doc *doc,
                            ks_pdf_obj *dss, ks_error *err)
{
    for (int k = 0; k < KS_DSS_KINDS; k++) {
        ks_pdf_obj *old = p->old ? ks_pdf_dict_getr(doc, p->old, kind_keys[k]) : NULL;
        ks_pdf_obj *arr =
            old && old->type == KS_PDF_ARRAY ? ks_pdf_copy(a, old) : ks_pdf_new_array(a);
        if (!arr)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        ks_dss_list *l = &p->kinds[k];
        for (size_t i = 0; i < l->n; i++) {
            ks_dss_item *it = &l->items[i];
            if (it->ref.num)
                continue; /* already in the document, already in the copied array */
            it->ref.num = ks_pdf_update_alloc(u);
            it->ref.gen = 0;
            ks_pdf_obj *d = ks_pdf_new_dict(a);
            if (!d)
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            ks_status st = ks_pdf_update_put_stream(u, it->ref.num, 0, d, it->data, it->len, err);
            if (st != KS_OK)
                return st;
            if (!ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, it->ref.num, 0)))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
        if (arr->u.arr.len && !ks_pdf_dict_put(a, dss, kind_keys[k], arr))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    return KS_OK;
}

void ks_dss_pool_free(ks_dss_pool *p)
{
    for (int k = 0; k < KS_DSS_KINDS; k++) {
        for (size_t i = 0; i < p->kinds[k].n; i++)
            free(p->kinds[k].items[i].data);
        free(p->kinds[k].items);
    }
    sk_X509_pop_free(p->known, X509_free);
    memset(p, 0, sizeof *p);
}
