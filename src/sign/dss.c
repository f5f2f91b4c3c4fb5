/* sign/dss.c — B-LT: the Document Security Store revision (ISO 32000-2 §12.8.4.3, ETSI EN
 * 319 142-1 §5.4) with the certificates of the signer, its chain and the signature timestamp's
 * TSA, and OCSP responses or CRLs for each, plus the /VRI entry of the signature. */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "sign_internal.h"

typedef struct blobs {
    uint8_t **data;
    size_t *len;
    size_t n, cap;
} blobs;

static bool blobs_add(blobs *b, uint8_t *data, size_t len)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->len[i] == len && memcmp(b->data[i], data, len) == 0) {
            free(data);
            return true;
        }
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 8;
        uint8_t **nd = realloc(b->data, nc * sizeof *nd);
        if (!nd)
            return false;
        b->data = nd;
        size_t *nl = realloc(b->len, nc * sizeof *nl);
        if (!nl)
            return false;
        b->len = nl;
        b->cap = nc;
    }
    b->data[b->n] = data;
    b->len[b->n++] = len;
    return true;
}

static void blobs_free(blobs *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->data[i]);
    free(b->data);
    free(b->len);
}

static void add_cert(STACK_OF(X509) * set, X509 *c)
{
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

static uint8_t *der_of_cert(X509 *c, size_t *len)
{
    unsigned char *d = NULL;
    int n = i2d_X509(c, &d);
    if (n <= 0)
        return NULL;
    *len = (size_t)n;
    return d; /* OPENSSL_malloc = malloc in default builds; freed with free() via copy below */
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d)
        memcpy(d, p, n);
    return d;
}

/* Fetches revocation data for `c` (issued by `issuer`): OCSP first, else CRL. */
static void fetch_revocation(X509 *c, X509 *issuer, const ks_sign_opts *opts, blobs *ocsps,
                             blobs *crls)
{
    char subj[512];
    ks_sign_subject(c, subj, sizeof subj);
    ks_error e;
    uint8_t *der = NULL;
    size_t len = 0;
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(c);
    bool has_ocsp = urls && sk_OPENSSL_STRING_num(urls) > 0;
    X509_email_free(urls);
    if (has_ocsp) {
        if (ks_ocsp_fetch(c, issuer, NULL, opts->timeout_ms, &der, &len, &e) == KS_OK) {
            blobs_add(ocsps, der, len);
            return;
        }
        ks_sign_warn(opts, e.status, N_("OCSP response for \"%s\" not added to the DSS: %s"), subj,
                     e.msg_en);
    }
    if (ks_crl_fetch(c, opts->timeout_ms, &der, &len, &e) == KS_OK) {
        blobs_add(crls, der, len);
        return;
    }
    ks_sign_warn(opts, e.status, N_("no revocation data for \"%s\" in the DSS: %s"), subj,
                 e.msg_en);
}

/* Appends to `arr` the references of new stream objects holding each blob. */
static ks_status put_streams(ks_pdf_update *u, ks_arena *a, const blobs *b, ks_pdf_obj *arr,
                             ks_pdf_obj *vri_arr, ks_error *err)
{
    for (size_t i = 0; i < b->n; i++) {
        uint32_t num = ks_pdf_update_alloc(u);
        ks_pdf_obj *d = ks_pdf_new_dict(a);
        if (!d)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        ks_status st = ks_pdf_update_put_stream(u, num, 0, d, b->data[i], b->len[i], err);
        if (st != KS_OK)
            return st;
        if (!ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, num, 0)) ||
            (vri_arr && !ks_pdf_array_push(a, vri_arr, ks_pdf_new_ref(a, num, 0))))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    return KS_OK;
}

/* Existing DSS array `key` (copied) or a new one. */
static ks_pdf_obj *dss_array(ks_pdf_doc *doc, ks_arena *a, ks_pdf_obj *dss, const char *key)
{
    ks_pdf_obj *v = dss ? ks_pdf_dict_getr(doc, dss, key) : NULL;
    return v && v->type == KS_PDF_ARRAY ? ks_pdf_copy(a, v) : ks_pdf_new_array(a);
}

ks_status ks_sign_build_dss(ks_pdf_doc *doc, const uint8_t *contents, size_t contents_len,
                            X509 *cert, STACK_OF(X509) * chain, const ks_sign_opts *opts,
                            ks_buf *out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_pdf_update *u = NULL;
    blobs certs = {0}, ocsps = {0}, crls = {0};
    STACK_OF(X509) *set = sk_X509_new_null();
    ks_arena *a = ks_pdf_arena(doc);
    CMS_ContentInfo *cms = NULL;
    if (!set) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    add_cert(set, cert);
    for (int i = 0; chain && i < sk_X509_num(chain); i++)
        add_cert(set, sk_X509_value(chain, i));
    const unsigned char *p = contents;
    cms = d2i_CMS_ContentInfo(NULL, &p, (long)contents_len);
    if (cms) {
        STACK_OF(X509) *in = CMS_get1_certs(cms);
        for (int i = 0; in && i < sk_X509_num(in); i++)
            add_cert(set, sk_X509_value(in, i));
        sk_X509_pop_free(in, X509_free);
        add_tst_certs(cms, set);
    }
    for (int i = 0; i < sk_X509_num(set); i++) {
        X509 *c = sk_X509_value(set, i);
        size_t len = 0;
        uint8_t *d = der_of_cert(c, &len);
        uint8_t *copy = d ? dup_bytes(d, len) : NULL;
        OPENSSL_free(d);
        if (!copy || !blobs_add(&certs, copy, len)) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
        X509 *issuer = ks_sign_find_issuer(c, set);
        if (opts->offline || !issuer || issuer == c)
            continue;
        fetch_revocation(c, issuer, opts, &ocsps, &crls);
    }

    st = ks_pdf_update_new(doc, &u, err);
    if (st != KS_OK)
        goto done;
    ks_pdf_obj *cat = ks_pdf_catalog(doc);
    ks_pdf_obj *old = cat ? ks_pdf_dict_getr(doc, cat, "DSS") : NULL;
    if (old && old->type != KS_PDF_DICT)
        old = NULL;
    ks_pdf_obj *acerts = dss_array(doc, a, old, "Certs");
    ks_pdf_obj *aocsps = dss_array(doc, a, old, "OCSPs");
    ks_pdf_obj *acrls = dss_array(doc, a, old, "CRLs");
    ks_pdf_obj *vcert = ks_pdf_new_array(a), *vocsp = ks_pdf_new_array(a),
               *vcrl = ks_pdf_new_array(a);
    ks_pdf_obj *vri_old = old ? ks_pdf_dict_getr(doc, old, "VRI") : NULL;
    ks_pdf_obj *vri =
        vri_old && vri_old->type == KS_PDF_DICT ? ks_pdf_copy(a, vri_old) : ks_pdf_new_dict(a);
    ks_pdf_obj *entry = ks_pdf_new_dict(a);
    ks_pdf_obj *dss = old ? ks_pdf_copy(a, old) : ks_pdf_new_dict(a);
    ks_pdf_obj *nc = cat ? ks_pdf_copy(a, cat) : NULL;
    if (!acerts || !aocsps || !acrls || !vcert || !vocsp || !vcrl || !vri || !entry || !dss ||
        !nc) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = put_streams(u, a, &certs, acerts, vcert, err)) != KS_OK ||
        (st = put_streams(u, a, &ocsps, aocsps, vocsp, err)) != KS_OK ||
        (st = put_streams(u, a, &crls, acrls, vcrl, err)) != KS_OK)
        goto done;
    /* ETSI EN 319 142-1 §5.4.2.2: the VRI key is the uppercase hex SHA-1 of /Contents. */
    uint8_t sha1[SHA_DIGEST_LENGTH];
    SHA1(contents, contents_len, sha1);
    char key[2 * SHA_DIGEST_LENGTH + 1];
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
        static const char hx[] = "0123456789ABCDEF";
        key[2 * i] = hx[sha1[i] >> 4];
        key[2 * i + 1] = hx[sha1[i] & 15];
    }
    key[2 * SHA_DIGEST_LENGTH] = 0;
    bool ok = ks_pdf_dict_put(a, entry, "Cert", vcert);
    if (ok && ocsps.n)
        ok = ks_pdf_dict_put(a, entry, "OCSP", vocsp);
    if (ok && crls.n)
        ok = ks_pdf_dict_put(a, entry, "CRL", vcrl);
    ok = ok && ks_pdf_dict_put(a, vri, key, entry);
    ok = ok && ks_pdf_dict_put(a, dss, "Type", ks_pdf_new_name(a, "DSS")) &&
         ks_pdf_dict_put(a, dss, "Certs", acerts) && ks_pdf_dict_put(a, dss, "VRI", vri);
    if (ok && aocsps->u.arr.len)
        ok = ks_pdf_dict_put(a, dss, "OCSPs", aocsps);
    if (ok && acrls->u.arr.len)
        ok = ks_pdf_dict_put(a, dss, "CRLs", acrls);
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
    CMS_ContentInfo_free(cms);
    sk_X509_pop_free(set, X509_free);
    blobs_free(&certs);
    blobs_free(&ocsps);
    blobs_free(&crls);
    ks_pdf_update_free(u);
    return st;
}
