/* verify/dss.c — reads the Document Security Store (ETSI EN 319 142-1 §5.4.2, ISO 32000-2
 * §12.8.4.3): certificates, CRLs and OCSP responses that a B-LT/B-LTA document carries for
 * offline validation. Malformed entries are skipped with a note; they are evidence, not trust. */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "vctx.h"

#define KS_VF_MAX_DSS_ITEMS 4096

static ks_pdf_obj *dss_array(ks_vctx *c, ks_pdf_obj *dss, const char *key)
{
    ks_pdf_obj *a = ks_pdf_dict_getr(c->doc, dss, key);
    return a && a->type == KS_PDF_ARRAY ? a : NULL;
}

/* Items already taken, by the SHA-256 of their bytes: a DSS that lists the same certificate
 * thousands of times (the same stream, or copies of it) must not multiply the candidates that
 * path building and revocation lookups try for every signature. */
typedef struct seen_set {
    uint8_t (*slot)[32]; /* open addressing, 2 * KS_VF_MAX_DSS_ITEMS slots */
    bool *used;
} seen_set;

#define SEEN_SLOTS (2 * KS_VF_MAX_DSS_ITEMS)

/* True when `d` was seen before; otherwise remembers it. */
static bool seen_before(seen_set *s, const uint8_t *d, size_t n)
{
    uint8_t md[32];
    if (!s->slot || !SHA256(d, n, md))
        return false;
    size_t h = ((size_t)md[0] | (size_t)md[1] << 8 | (size_t)md[2] << 16) % SEEN_SLOTS;
    for (size_t k = 0; k < SEEN_SLOTS; k++, h = (h + 1) % SEEN_SLOTS) {
        if (!s->used[h]) {
            s->used[h] = true;
            memcpy(s->slot[h], md, 32);
            return false;
        }
        if (memcmp(s->slot[h], md, 32) == 0)
            return true;
    }
    return false;
}

static size_t load_items(ks_vctx *c, ks_pdf_obj *arr, int kind)
{
    size_t bad = 0;
    seen_set seen = {calloc(SEEN_SLOTS, 32), calloc(SEEN_SLOTS, sizeof(bool))};
    for (size_t i = 0; arr && i < arr->u.arr.len && i < KS_VF_MAX_DSS_ITEMS; i++) {
        ks_pdf_obj *s = ks_pdf_resolve(c->doc, arr->u.arr.items[i], NULL);
        uint8_t *d = NULL;
        size_t n = 0;
        if (!s || s->type != KS_PDF_STREAM || ks_pdf_stream_decode(c->doc, s, &d, &n, NULL)) {
            bad++;
            continue;
        }
        if (seen_before(&seen, d, n)) {
            ks_pdf_stream_release(c->doc, d, n);
            continue;
        }
        const unsigned char *p = d;
        if (kind == 0) {
            X509 *x = d2i_X509(NULL, &p, (long)n);
            if (!x || !sk_X509_push(c->dss_certs, x)) {
                X509_free(x);
                bad++;
            }
        } else if (kind == 1) {
            X509_CRL *x = d2i_X509_CRL(NULL, &p, (long)n);
            if (!x || !sk_X509_CRL_push(c->dss_crls, x)) {
                X509_CRL_free(x);
                bad++;
            }
        } else {
            OCSP_RESPONSE *x = d2i_OCSP_RESPONSE(NULL, &p, (long)n);
            if (!x || !sk_OCSP_RESPONSE_push(c->dss_ocsps, x)) {
                OCSP_RESPONSE_free(x);
                bad++;
            } else if (OCSP_response_status(x) == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
                /* decoded here once, not once per signature that looks for its status */
                OCSP_BASICRESP *b = OCSP_response_get1_basic(x);
                OCSP_BASICRESP **nb =
                    b ? realloc(c->dss_basics, (c->ndss_basics + 1) * sizeof *nb) : NULL;
                if (nb) {
                    c->dss_basics = nb;
                    c->dss_basics[c->ndss_basics++] = b;
                } else {
                    OCSP_BASICRESP_free(b);
                }
            }
        }
        ks_pdf_stream_release(c->doc, d, n);
    }
    free(seen.slot);
    free(seen.used);
    return bad;
}

void ks_vf_dss_load(ks_vctx *c, ks_verify_report *r)
{
    c->dss_certs = sk_X509_new_null();
    c->dss_crls = sk_X509_CRL_new_null();
    c->dss_ocsps = sk_OCSP_RESPONSE_new_null();
    ks_pdf_obj *cat = ks_pdf_catalog(c->doc);
    ks_pdf_obj *dss = cat ? ks_pdf_dict_getr(c->doc, cat, "DSS") : NULL;
    if (!dss || dss->type != KS_PDF_DICT || !c->dss_certs || !c->dss_crls || !c->dss_ocsps)
        return;
    c->has_dss = true;
    size_t bad = load_items(c, dss_array(c, dss, "Certs"), 0);
    bad += load_items(c, dss_array(c, dss, "CRLs"), 1);
    bad += load_items(c, dss_array(c, dss, "OCSPs"), 2);
    if (bad)
        ks_vf_report_msg(r,
                         N_("%zu entries of the document security store (/DSS) could not be "
                            "read and were ignored"),
                         bad);
}
