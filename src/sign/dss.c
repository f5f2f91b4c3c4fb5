/* sign/dss.c — B-LT: the Document Security Store revision (ISO 32000-2 §12.8.4.3, ETSI EN
 * 319 142-1 §5.4) with, for each signature given, the certificates of every path it needs
 * (signer and chain, signature timestamp's TSA, the OCSP responders that answered) and an OCSP
 * response or CRL for each certificate that is not a root, plus the /VRI entry of the
 * signature. The set is closed: a delegated OCSP responder's certificate without
 * id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1) gets revocation data of its own, and so on until
 * nothing new comes in. What the /DSS already holds is reused (dss_pool.c). */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/ocsp.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "sign_internal.h"

#define DSS_MAX_CERTS 64 /* certificates of one signature's closed set */

typedef struct idx_set {
    long v[3 * DSS_MAX_CERTS];
    size_t n;
} idx_set;

static void idx_add(idx_set *s, long i)
{
    if (i < 0)
        return;
    for (size_t k = 0; k < s->n; k++)
        if (s->v[k] == i)
            return;
    if (s->n < sizeof s->v / sizeof s->v[0])
        s->v[s->n++] = i;
}

static void add_cert(STACK_OF(X509) * set, X509 *c)
{
    if (!c || sk_X509_num(set) >= DSS_MAX_CERTS)
        return;
    for (int i = 0; i < sk_X509_num(set); i++)
        if (X509_cmp(sk_X509_value(set, i), c) == 0)
            return;
    if (X509_up_ref(c) == 1 && !sk_X509_push(set, c))
        X509_free(c);
}

/* Certificates inside the signature-time-stamp token of the SignerInfo, if any. */
static void add_tst_certs(CMS_ContentInfo *cms, STACK_OF(X509) * set)
{
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    if (!sis || sk_CMS_SignerInfo_num(sis) < 1)
        return;
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    int idx = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
    if (idx < 0)
        return;
    X509_ATTRIBUTE *attr = CMS_unsigned_get_attr(si, idx);
    ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, 0);
    if (!t || t->type != V_ASN1_SEQUENCE)
        return;
    const unsigned char *p = t->value.sequence->data;
    CMS_ContentInfo *tst = d2i_CMS_ContentInfo(NULL, &p, t->value.sequence->length);
    STACK_OF(X509) *certs = tst ? CMS_get1_certs(tst) : NULL;
    for (int i = 0; certs && i < sk_X509_num(certs); i++)
        add_cert(set, sk_X509_value(certs, i));
    sk_X509_pop_free(certs, X509_free);
    CMS_ContentInfo_free(tst);
}

/* The certificates that come with an OCSP response (its responder's, usually). */
static void add_ocsp_certs(const uint8_t *der, size_t len, STACK_OF(X509) * set)
{
    const unsigned char *q = der;
    OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &q, (long)len);
    OCSP_BASICRESP *bs = r ? OCSP_response_get1_basic(r) : NULL;
    const STACK_OF(X509) *certs = bs ? OCSP_resp_get0_certs(bs) : NULL;
    for (int i = 0; certs && i < sk_X509_num(certs); i++)
        add_cert(set, sk_X509_value(certs, i));
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(r);
}

static bool has_nocheck(X509 *c)
{
    return X509_get_ext_by_NID(c, NID_id_pkix_OCSP_noCheck, -1) >= 0;
}

static bool is_ocsp_responder(X509 *c)
{
    /* (without the extension X509_get_extended_key_usage answers "any purpose") */
    return (X509_get_extension_flags(c) & EXFLAG_XKUSAGE) &&
           (X509_get_extended_key_usage(c) & XKU_OCSP_SIGN) != 0;
}

static bool has_ocsp_url(X509 *c)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(c);
    bool has = urls && sk_OPENSSL_STRING_num(urls) > 0;
    X509_email_free(urls);
    return has;
}

static X509 *issuer_of(X509 *c, STACK_OF(X509) * set, const ks_dss_pool *pool)
{
    X509 *i = ks_sign_find_issuer(c, set);
    if (!i)
        i = ks_sign_find_issuer(c, pool->known);
    return i;
}

/* Revocation data for `c` (issued by `issuer`): what the pool holds (unless `fresh`), else fetched
 * — OCSP first, except for an OCSP responder's own certificate, which is asked of the CRL first
 * (its own responder would answer for itself). The certificates of a new OCSP response join `set`.
 */
static void revocation_for(X509 *c, X509 *issuer, bool fresh, const ks_sign_opts *opts,
                           ks_dss_pool *pool, STACK_OF(X509) * set, idx_set *vocsp, idx_set *vcrl)
{
    long at = fresh && !opts->offline ? -1 : ks_dss_pool_find_ocsp(pool, c, issuer);
    if (at >= 0) {
        idx_add(vocsp, at);
        return;
    }
    if ((at = fresh && !opts->offline ? -1 : ks_dss_pool_find_crl(pool, c, issuer)) >= 0) {
        idx_add(vcrl, at);
        return;
    }
    if (opts->offline)
        return;
    char subj[512];
    ks_sign_subject(c, subj, sizeof subj);
    ks_error e;
    ks_error_clear(&e);
    uint8_t *der = NULL;
    size_t len = 0;
    bool crl_first = is_ocsp_responder(c);
    for (int pass = 0; pass < 2; pass++) {
        bool want_crl = (pass == 0) == crl_first;
        if (want_crl) {
            if (ks_crl_fetch(c, opts->timeout_ms, &der, &len, &e) == KS_OK) {
                idx_add(vcrl, ks_dss_pool_add(pool, KS_DSS_CRL, der, len));
                return;
            }
        } else if (has_ocsp_url(c)) {
            if (ks_ocsp_fetch(c, issuer, NULL, opts->timeout_ms, &der, &len, &e) == KS_OK) {
                add_ocsp_certs(der, len, set);
                idx_add(vocsp, ks_dss_pool_add(pool, KS_DSS_OCSP, der, len));
                return;
            }
            ks_sign_warn(opts, e.status, N_("OCSP response for \"%s\" not added to the DSS: %s"),
                         subj, e.msg_en);
        }
    }
    ks_sign_warn(opts, e.status, N_("no revocation data for \"%s\" in the DSS: %s"), subj,
                 e.msg_en);
}

static ks_status cert_item(ks_dss_pool *pool, X509 *c, long *at, ks_error *err)
{
    unsigned char *d = NULL;
    int n = i2d_X509(c, &d);
    uint8_t *copy = n > 0 ? malloc((size_t)n) : NULL;
    if (copy)
        memcpy(copy, d, (size_t)n);
    OPENSSL_free(d);
    *at = copy ? ks_dss_pool_add(pool, KS_DSS_CERT, copy, (size_t)n) : -1;
    return *at >= 0 ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

typedef struct vri_sets {
    idx_set cert, ocsp, crl;
} vri_sets;

/* Collects the closed set of one signature into the pool and its VRI index sets. */
static ks_status collect(const ks_dss_sig *sig, const ks_sign_opts *opts, ks_dss_pool *pool,
                         vri_sets *v, ks_error *err)
{
    ks_status st = KS_OK;
    STACK_OF(X509) *set = sk_X509_new_null();
    CMS_ContentInfo *cms = NULL;
    if (!set)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    add_cert(set, sig->cert);
    for (int i = 0; sig->chain && i < sk_X509_num(sig->chain); i++)
        add_cert(set, sk_X509_value(sig->chain, i));
    const unsigned char *p = sig->contents;
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig->len);
    if (cms) {
        STACK_OF(X509) *in = CMS_get1_certs(cms);
        for (int i = 0; in && i < sk_X509_num(in); i++)
            add_cert(set, sk_X509_value(in, i));
        sk_X509_pop_free(in, X509_free);
        add_tst_certs(cms, set);
    }
    /* The set grows while it is walked: issuers and responders found on the way are walked
     * too (at most DSS_MAX_CERTS). */
    for (int i = 0; i < sk_X509_num(set); i++) {
        X509 *c = sk_X509_value(set, i);
        long at;
        if ((st = cert_item(pool, c, &at, err)) != KS_OK)
            goto done;
        idx_add(&v->cert, at);
        X509 *issuer = issuer_of(c, set, pool);
        if (!issuer || issuer == c)
            continue;          /* a root, or an issuer nobody gave */
        add_cert(set, issuer); /* when known only from the existing DSS */
        if (is_ocsp_responder(c) && has_nocheck(c))
            continue; /* RFC 6960 §4.2.2.2.1: trusted for the life of the certificate */
        /* The new signer's status is asked afresh (issued after the signature, as ETSI EN
         * 319 102-1 §5.2.5 prefers); the rest may reuse what the DSS holds. */
        bool fresh = i == 0 && sig->cert;
        revocation_for(c, issuer, fresh, opts, pool, set, &v->ocsp, &v->crl);
    }
done:
    CMS_ContentInfo_free(cms);
    sk_X509_pop_free(set, X509_free);
    return st;
}

static ks_pdf_obj *ref_array(ks_arena *a, const ks_dss_list *l, const idx_set *s)
{
    ks_pdf_obj *arr = ks_pdf_new_array(a);
    for (size_t i = 0; arr && i < s->n; i++) {
        const ks_dss_item *it = &l->items[s->v[i]];
        if (!ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, it->ref.num, it->ref.gen)))
            return NULL;
    }
    return arr;
}

/* ETSI EN 319 142-1 §5.4.2.2: the VRI key is the uppercase hex SHA-1 of /Contents. */
static void vri_key(const ks_dss_sig *sig, char key[2 * SHA_DIGEST_LENGTH + 1])
{
    static const char hx[] = "0123456789ABCDEF";
    uint8_t sha1[SHA_DIGEST_LENGTH];
    SHA1(sig->contents, sig->len, sha1);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
        key[2 * i] = hx[sha1[i] >> 4];
        key[2 * i + 1] = hx[sha1[i] & 15];
    }
    key[2 * SHA_DIGEST_LENGTH] = 0;
}

static bool put_vri(ks_arena *a, ks_dss_pool *pool, ks_pdf_obj *vri, const ks_dss_sig *sig,
                    const vri_sets *v)
{
    ks_pdf_obj *entry = ks_pdf_new_dict(a);
    ks_pdf_obj *c = ref_array(a, &pool->kinds[KS_DSS_CERT], &v->cert);
    ks_pdf_obj *o = ref_array(a, &pool->kinds[KS_DSS_OCSP], &v->ocsp);
    ks_pdf_obj *r = ref_array(a, &pool->kinds[KS_DSS_CRL], &v->crl);
    if (!entry || !c || !o || !r)
        return false;
    bool ok = ks_pdf_dict_put(a, entry, "Cert", c);
    if (ok && v->ocsp.n)
        ok = ks_pdf_dict_put(a, entry, "OCSP", o);
    if (ok && v->crl.n)
        ok = ks_pdf_dict_put(a, entry, "CRL", r);
    char key[2 * SHA_DIGEST_LENGTH + 1];
    vri_key(sig, key);
    return ok && ks_pdf_dict_put(a, vri, key, entry);
}

ks_status ks_sign_build_dss(ks_pdf_doc *doc, const ks_dss_sig *sigs, size_t nsigs,
                            const ks_sign_opts *opts, ks_buf *out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_pdf_update *u = NULL;
    ks_dss_pool pool;
    ks_arena *a = ks_pdf_arena(doc);
    vri_sets *sets = calloc(nsigs ? nsigs : 1, sizeof *sets);
    st = ks_dss_pool_load(&pool, doc, err);
    if (st == KS_OK && !sets)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    for (size_t i = 0; st == KS_OK && i < nsigs; i++)
        st = collect(&sigs[i], opts, &pool, &sets[i], err);
    if (st != KS_OK)
        goto done;

    st = ks_pdf_update_new(doc, &u, err);
    if (st != KS_OK)
        goto done;
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *vri_old = pool.old ? ks_pdf_dict_getr(doc, pool.old, "VRI") : NULL;
    ks_pdf_obj *vri =
        vri_old && vri_old->type == KS_PDF_DICT ? ks_pdf_copy(a, vri_old) : ks_pdf_new_dict(a);
    ks_pdf_obj *dss = pool.old ? ks_pdf_copy(a, pool.old) : ks_pdf_new_dict(a);
    ks_pdf_obj *nc = cat ? ks_pdf_copy(a, cat) : NULL;
    if (!vri || !dss || !nc) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = ks_dss_pool_write(&pool, u, a, doc, dss, err)) != KS_OK)
        goto done;
    bool ok = true;
    for (size_t i = 0; ok && i < nsigs; i++)
        ok = put_vri(a, &pool, vri, &sigs[i], &sets[i]);
    ok = ok && ks_pdf_dict_put(a, dss, "Type", ks_pdf_new_name(a, "DSS")) &&
         ks_pdf_dict_put(a, dss, "VRI", vri);
    if (!ok) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    uint32_t dnum = ks_pdf_update_alloc(u);
    if ((st = ks_pdf_update_put(u, dnum, 0, dss, err)) != KS_OK)
        goto done;
    ks_pdf_ref cref;
    if ((st = ks_sign_catalog_ref(doc, &cref, err)) != KS_OK)
        goto done;
    if (!ks_pdf_dict_put(a, nc, "DSS", ks_pdf_new_ref(a, dnum, 0))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = ks_pdf_update_put(u, cref.num, cref.gen, nc, err)) != KS_OK)
        goto done;
    st = ks_pdf_update_finish(u, out, err);
done:
    free(sets);
    ks_dss_pool_free(&pool);
    ks_pdf_update_free(u);
    return st;
}
