/* verify/pipeline.c — ks_verify_run: opens the PDF strictly, finds every signature and document
 * timestamp, and for each runs ByteRange sanity → digest and CMS → signing time → certificate
 * path → revocation → algorithm policy → difference analysis of later revisions, then sets
 * the ETSI EN 319 102-1 indications and the document verdict (worst of all). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "vctx.h"

/* Policy: SHA-1 and RSA below 2048 bits are refused for signatures whose existence is not
 * proven before these dates (the dates the algorithms stopped being acceptable). */
#define KS_VF_SHA1_SUNSET 1483228800    /* 2017-01-01T00:00:00Z */
#define KS_VF_RSA1024_SUNSET 1388534400 /* 2014-01-01T00:00:00Z */

static int64_t br_end(ks_pdf_doc *doc, ks_pdf_obj *sd)
{
    ks_pdf_obj *br = ks_pdf_dict_getr(doc, sd, "ByteRange");
    int64_t a = 0, b = 0;
    if (br && br->type == KS_PDF_ARRAY && br->u.arr.len == 4 &&
        ks_pdf_get_int(br->u.arr.items[2], &a) && ks_pdf_get_int(br->u.arr.items[3], &b))
        return a + b;
    return INT64_MAX;
}

/* Signatures in file order: by where their ByteRange ends (computed before sorting, so that
 * the comparison needs no context: runs go on in many threads at once). */
static int cmp_found(const void *x, const void *y)
{
    int64_t a = ((const ks_vf_found *)x)->br_end, b = ((const ks_vf_found *)y)->br_end;
    return a < b ? -1 : a > b;
}

static int cmp_sig(const void *x, const void *y)
{
    const ks_verify_sig *a = x, *b = y;
    int64_t ea = a->byte_range[2] + a->byte_range[3], eb = b->byte_range[2] + b->byte_range[3];
    if (a->byte_range[3] <= 0)
        ea = INT64_MAX;
    if (b->byte_range[3] <= 0)
        eb = INT64_MAX;
    return ea < eb ? -1 : ea > eb;
}

static bool is_doc_ts(ks_vctx *c, ks_pdf_obj *sd)
{
    ks_pdf_obj *sf = ks_pdf_dict_getr(c->doc, sd, "SubFilter");
    return ks_pdf_is_name(ks_pdf_dict_getr(c->doc, sd, "Type"), "DocTimeStamp") ||
           ks_pdf_is_name(sf, "ETSI.RFC3161");
}

static int docmdp_p(ks_vctx *c, ks_pdf_obj *sd)
{
    ks_pdf_obj *refs = ks_pdf_dict_getr(c->doc, sd, "Reference");
    for (size_t i = 0; refs && refs->type == KS_PDF_ARRAY && i < refs->u.arr.len; i++) {
        ks_pdf_obj *r = ks_pdf_resolve(c->doc, refs->u.arr.items[i], NULL);
        if (!r || r->type != KS_PDF_DICT ||
            !ks_pdf_is_name(ks_pdf_dict_getr(c->doc, r, "TransformMethod"), "DocMDP"))
            continue;
        ks_pdf_obj *tp = ks_pdf_dict_getr(c->doc, r, "TransformParams");
        int64_t p = 2;
        if (tp && tp->type == KS_PDF_DICT)
            ks_pdf_get_int(ks_pdf_dict_getr(c->doc, tp, "P"), &p);
        return p >= 1 && p <= 3 ? (int)p : 2;
    }
    return 0;
}

static bool is_rsa(X509 *x)
{
    EVP_PKEY *k = x ? X509_get0_pubkey(x) : NULL;
    return k &&
           (EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA || EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA_PSS);
}

/* Timestamp token checks shared by signature timestamps and document timestamps: returns true
 * when the token gives a proof of existence at tst->gen_time. */
static bool tst_poe(ks_vctx *c, ks_verify_sig *s, const ks_tst_info *t)
{
    if (!t->present)
        return false;
    if (!t->imprint_ok || !t->signature_ok) {
        ks_vf_sig_msg(s, N_("The timestamp does not match the signature or its own signature is "
                            "invalid; it is ignored"));
        return false;
    }
    if (!t->tsa_eku_ok) {
        ks_vf_sig_msg(s, N_("The timestamp was not issued by a timestamp authority: its "
                            "certificate does not have id-kp-timeStamping as its only, critical "
                            "extended key usage (RFC 3161 section 2.3); the timestamp does not "
                            "prove the signing time"));
        return false;
    }
    if (!ks_vf_path_trusted(c, t->tsa_cert, t->certs)) {
        ks_vf_sig_msg(s, N_("The timestamp authority's certificate does not lead to a trusted "
                            "root; the timestamp does not prove the signing time"));
        return false;
    }
    return true;
}

/* The earliest valid document timestamp that covers revision `rev` (0-based), or 0. */
static time_t doc_ts_poe(const ks_vctx *c, long rev)
{
    time_t best = 0;
    for (size_t i = 0; rev >= 0 && i < c->npoes; i++)
        if (c->poes[i].rev > rev && (!best || c->poes[i].time < best))
            best = c->poes[i].time;
    return best;
}

static void check_cms(ks_vctx *c, ks_verify_sig *s, ks_vf_found *f, const uint8_t *der,
                      size_t derlen, const ks_slice *sl, bool sha1_content)
{
    ks_cms_result res;
    memset(&res, 0, sizeof res);
    ks_error e;
    ks_error_clear(&e);
    ks_status cst = sha1_content
                        ? ks_cms_verify_sha1(der, derlen, sl, 2, &res, &e)
                        : ks_cms_verify_detached_ex(der, derlen, sl, 2, c->hasher, &res, &e);
    if (cst != KS_OK) {
        s->integrity = false;
        ks_vf_sig_msg_err(s, N_("The signature value cannot be read as CMS SignedData: %s"), &e);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
        ks_cms_result_free(&res);
        return;
    }
    snprintf(s->digest, sizeof s->digest, "%s", res.digest_name);
    s->key_bits = res.key_bits;
    s->integrity = res.digest_ok && res.signature_ok;
    if (!res.digest_ok) {
        ks_vf_sig_msg(s, N_("The document has been altered after signing: the hash of the signed "
                            "bytes does not match the one in the signature"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_HASH_FAILURE);
    } else if (!res.signature_ok) {
        ks_vf_sig_msg(s, N_("The signature value does not verify with the signer's public key%s%s"),
                      res.detail[0] ? ": " : "", res.detail);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_SIG_CRYPTO_FAILURE);
    }
    if (res.digest_ok && res.signature_ok && !res.content_type_ok) {
        /* RFC 5652 §11.1: the signed contentType must name the signed content's type */
        ks_vf_sig_msg(s, N_("The signed contentType attribute is missing or does not match the "
                            "type of the signed content (RFC 5652 section 11.1)"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
    }
    if (!res.signer) {
        ks_vf_sig_msg(s, N_("The signer's certificate is not in the signature"));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_NO_SIGNING_CERTIFICATE_FOUND);
        ks_cms_result_free(&res);
        return;
    }
    if (res.ess_cert_present && !res.ess_cert_ok) {
        ks_vf_sig_msg(s, N_("The signing-certificate attribute does not name the certificate "
                            "that verifies the signature (possible certificate substitution)"));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_NO_SIGNING_CERTIFICATE_FOUND);
    }
    /* Signing time: a valid signature timestamp is the proof of existence; else the claim. */
    bool poe = false;
    time_t when = 0;
    s->level = "B-B";
    if (res.sig_ts.present) {
        s->level = "B-T";
        if (tst_poe(c, s, &res.sig_ts)) {
            poe = true;
            when = res.sig_ts.gen_time;
        }
    }
    bool ts_time = poe;
    time_t poe_time = when; /* the time up to which existence is proven (when poe) */
    if (!poe) {
        ks_pdf_obj *m = ks_pdf_dict_getr(c->doc, f->sigdict, "M");
        if (m && m->type == KS_PDF_STRING)
            ks_time_parse((const char *)m->u.str.data, &when, NULL);
        if (!when && res.has_signing_time)
            when = res.signing_time;
        /* A later document timestamp proves that the signature existed by its time
         * (ETSI EN 319 102-1 §5.6.2.4, past signature validation). */
        time_t dts = doc_ts_poe(c, s->revision ? (long)s->revision - 1 : -1);
        time_t dts_t = dts;
        if (dts && X509_cmp_time(X509_get0_notAfter(res.signer), &dts_t) > 0) {
            char t[32];
            ks_time_iso_vn(dts, t);
            ks_vf_sig_msg(s, N_("A document timestamp proves that this signature existed on %s"),
                          t);
            poe = true;
            poe_time = dts;
            if (!when || when > dts)
                when = dts;
        }
        if (!when)
            when = c->now;
    }
    s->signing_time = when;
    s->time_from_timestamp = ts_time;

    /* Algorithm policy. */
    if (res.digest_nid == NID_sha1 && !(poe && poe_time < KS_VF_SHA1_SUNSET)) {
        ks_vf_sig_msg(s, N_("The signature uses SHA-1, which is no longer accepted for "
                            "signatures (policy: SHA-256 or stronger)"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_CRYPTO_CONSTRAINTS_FAILURE);
    }
    if (is_rsa(res.signer) && res.key_bits > 0 && res.key_bits < 2048 &&
        !(poe && poe_time < KS_VF_RSA1024_SUNSET)) {
        ks_vf_sig_msg(s,
                      N_("The signer's RSA key has only %d bits, below the 2048 bits the "
                         "policy requires"),
                      res.key_bits);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_CRYPTO_CONSTRAINTS_FAILURE);
    }

    ks_vf_path path;
    ks_vf_check_path(c, s, res.signer, res.certs, when, poe, &path);
    X509 *issuer = path.chain && sk_X509_num(path.chain) > 1 ? sk_X509_value(path.chain, 1) : NULL;
    if (issuer)
        ks_vf_check_revocation(c, s, res.signer, issuer, res.crls, res.ocsps, res.certs,
                               poe ? poe_time : when, poe);
    ks_vf_path_free(&path);
    ks_cms_result_free(&res);
}

static void check_doc_ts(ks_vctx *c, ks_verify_sig *s, const uint8_t *der, size_t derlen,
                         const ks_slice *sl, long rev)
{
    ks_tst_info t;
    memset(&t, 0, sizeof t);
    ks_error e;
    ks_error_clear(&e);
    s->level = "none";
    if (ks_tst_verify_ex(der, derlen, sl, 2, c->hasher, &t, &e) != KS_OK) {
        s->integrity = false;
        ks_vf_sig_msg_err(s, N_("The document timestamp cannot be read: %s"), &e);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
        ks_tst_info_free(&t);
        return;
    }
    snprintf(s->digest, sizeof s->digest, "%s", t.hash_name);
    s->integrity = t.imprint_ok && t.signature_ok;
    if (!t.imprint_ok) {
        ks_vf_sig_msg(s, N_("The document has been altered after it was timestamped: the "
                            "timestamp's imprint does not match the stamped bytes"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_HASH_FAILURE);
    } else if (!t.signature_ok) {
        ks_vf_sig_msg(s, N_("The timestamp's own signature does not verify"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_SIG_CRYPTO_FAILURE);
    }
    s->signing_time = t.gen_time;
    s->time_from_timestamp = true;
    if (t.imprint_ok && t.tsa_cert && !strcmp(t.hash_name, "SHA-1")) {
        ks_vf_sig_msg(s, N_("The timestamp uses SHA-1, which is no longer accepted"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_CRYPTO_CONSTRAINTS_FAILURE);
    }
    ks_vf_path path;
    ks_vf_check_path(c, s, t.tsa_cert, t.certs, t.gen_time, true, &path);
    X509 *issuer = path.chain && sk_X509_num(path.chain) > 1 ? sk_X509_value(path.chain, 1) : NULL;
    if (issuer) {
        /* The timestamp authority's certificate, as of the timestamp's time, from the data
         * the document carries (the DSS revision after it) or the network. Unknown status
         * does not lower the verdict of the newest timestamp: nothing later could have added
         * its data yet; revoked does. */
        ks_indication ind = s->indication;
        ks_subindication sub = s->subindication;
        ks_vf_check_revocation(c, s, t.tsa_cert, issuer, NULL, NULL, t.certs, t.gen_time, true);
        if (s->revocation == KS_REV_UNKNOWN) {
            s->indication = ind;
            s->subindication = sub;
        }
    }
    ks_vf_path_free(&path);
    if (t.signature_ok && !t.tsa_eku_ok) {
        /* RFC 3161 §2.3; ETSI EN 319 102-1 §5.2.6: a certificate outside its purpose is a
         * chain constraint the validator cannot accept; the time is then unproven. */
        ks_vf_sig_msg(s, N_("The document timestamp was not issued by a timestamp authority: "
                            "its certificate does not have id-kp-timeStamping as its only, "
                            "critical extended key usage (RFC 3161 section 2.3); it proves "
                            "nothing about when the document existed"));
        ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_CHAIN_CONSTRAINTS_FAILURE);
        s->time_from_timestamp = false; /* a time claimed, not proven */
    }
    if (rev >= 0 && s->integrity && s->byte_range_ok && s->chain == KS_CHAIN_TRUSTED &&
        s->indication == KS_IND_TOTAL_PASSED) {
        struct ks_vf_poe *p = realloc(c->poes, (c->npoes + 1) * sizeof *p);
        if (p) {
            c->poes = p;
            c->poes[c->npoes].rev = rev;
            c->poes[c->npoes].time = t.gen_time;
            c->npoes++;
        }
    }
    ks_tst_info_free(&t);
}

static void verify_one(ks_vctx *c, ks_vf_found *f, ks_verify_report *r)
{
    ks_verify_sig *s = ks_vf_add_sig(r);
    if (!s)
        return;
    s->field = ks_vf_strdup(f->name);
    s->obj_num = f->num;
    s->obj_gen = f->gen;
    ks_pdf_obj *sd = f->sigdict;
    ks_pdf_obj *sf = ks_pdf_dict_getr(c->doc, sd, "SubFilter");
    s->subfilter = ks_vf_strdup(sf && sf->type == KS_PDF_NAME ? sf->u.name.s : "");
    bool doc_ts = is_doc_ts(c, sd);
    s->type = doc_ts ? KS_SIGTYPE_DOC_TIMESTAMP : KS_SIGTYPE_SIGNATURE;
    if (f->dropped)
        ks_vf_sig_msg(s, N_("This signature was removed from the document's form fields by a "
                            "later revision; it no longer appears as a signature of the "
                            "document"));
    else if (f->widget_only)
        ks_vf_sig_msg(s, N_("This signature is reachable only from a page annotation, not from "
                            "the document's form fields"));

    int64_t br[4] = {0};
    size_t nbr = 0;
    ks_pdf_obj *bra = ks_pdf_dict_getr(c->doc, sd, "ByteRange");
    if (bra && bra->type == KS_PDF_ARRAY && bra->u.arr.len == 4) {
        nbr = 4;
        for (int i = 0; i < 4; i++)
            if (!ks_pdf_get_int(ks_pdf_resolve(c->doc, bra->u.arr.items[i], NULL), &br[i]))
                nbr = 0;
    }
    memcpy(s->byte_range, br, sizeof br);
    ks_pdf_obj *cont = ks_pdf_dict_get(sd, "Contents");
    uint64_t cs = 0, ce = 0;
    if (cont && cont->type == KS_PDF_STRING && cont->u.str.hex) {
        cs = cont->start;
        ce = cont->end;
    }
    ks_br_result b = ks_vf_check_byterange(c->data, c->len, br, nbr, cs, ce, c->eof_ends, c->nrev);
    s->byte_range_ok = b.problem == KS_BR_OK;
    s->coverage = b.coverage;
    if (b.problem != KS_BR_OK) {
        ks_vf_sig_msg(s, ks_vf_br_problem_msgid(b.problem)); /* a msgid without conversions */
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
        if (b.problem == KS_BR_MISSING || b.problem == KS_BR_OUT_OF_BOUNDS ||
            b.problem == KS_BR_NOT_ZERO_START || b.problem == KS_BR_BAD_NUMBERS || !cont ||
            cont->type != KS_PDF_STRING)
            return;
    } else if (b.coverage == KS_COVER_NONSTANDARD) {
        ks_vf_sig_msg(s, N_("The signed bytes do not end where a revision of the file ends"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
    } else {
        s->revision = (unsigned)b.revision + 1;
    }
    s->docmdp_p = docmdp_p(c, sd);
    s->docmdp = s->docmdp_p != 0;

    ks_slice sl[2] = {{c->data, (size_t)br[1]}, {c->data + br[2], (size_t)(br[3])}};
    const uint8_t *raw = cont->u.str.data;
    size_t derlen = ks_vf_der_len(raw, cont->u.str.len);
    if (!derlen) {
        s->integrity = false;
        ks_vf_sig_msg(s, N_("The signature value (/Contents) is empty or not DER-encoded"));
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
        return;
    }
    if (doc_ts) {
        check_doc_ts(c, s, raw, derlen, sl,
                     s->byte_range_ok && b.coverage != KS_COVER_NONSTANDARD ? (long)b.revision
                                                                            : -1);
        if (s->integrity && s->byte_range_ok && s->time_from_timestamp &&
            (long)b.revision > c->doc_ts_rev)
            c->doc_ts_rev = (long)b.revision;
    } else if (s->subfilter && (!strcmp(s->subfilter, "adbe.pkcs7.detached") ||
                                !strcmp(s->subfilter, "ETSI.CAdES.detached"))) {
        check_cms(c, s, f, raw, derlen, sl, false);
    } else if (s->subfilter && !strcmp(s->subfilter, "adbe.pkcs7.sha1")) {
        check_cms(c, s, f, raw, derlen, sl, true);
    } else {
        ks_vf_sig_msg(s,
                      N_("The signature format /%s is not supported (expected "
                         "ETSI.CAdES.detached, adbe.pkcs7.detached or adbe.pkcs7.sha1)"),
                      s->subfilter ? s->subfilter : "");
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
        return;
    }

    if (s->byte_range_ok && b.coverage == KS_COVER_EARLIER_REVISION) {
        ks_error e;
        ks_error_clear(&e);
        if (ks_vf_diff(c, s, b.revision, s->docmdp_p, sd, f->num, &e) != KS_OK) {
            ks_vf_sig_msg_err(s, N_("The changes made after signing could not be analysed: %s"),
                              &e);
            ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_GENERIC);
        }
    }
}

static void finish_levels(ks_vctx *c, ks_verify_report *r)
{
    for (size_t i = 0; i < r->nsigs; i++) {
        ks_verify_sig *s = &r->sigs[i];
        if (s->type != KS_SIGTYPE_SIGNATURE || !strcmp(s->level, "none"))
            continue;
        if (c->has_dss && !strcmp(s->level, "B-T"))
            s->level = "B-LT";
        if (c->has_dss && c->doc_ts_rev >= (long)s->revision)
            s->level = "B-LTA";
        if (s->indication == KS_IND_TOTAL_PASSED)
            ks_vf_sig_msg(s, N_("The signature is valid: the signed content is intact, the "
                                "certificate leads to a trusted root and was valid when "
                                "signing"));
    }
}

/* The anchors: those the options name, read now; else the context's shared store. */
static ks_status trust_load(ks_vctx *c, ks_error *err)
{
    const ks_verify_opts *o = c->opts;
    if (o && (o->ntrust || o->trust_dir)) {
        ks_status st = ks_trust_new(&c->own_trust, err);
        for (size_t i = 0; st == KS_OK && i < o->ntrust && i < KS_VERIFY_MAX_TRUST; i++)
            st = ks_trust_add_file(c->own_trust, o->trust_files[i], err);
        if (st == KS_OK)
            st = ks_trust_add_dir(c->own_trust, o->trust_dir, err);
        if (st != KS_OK)
            return st;
        c->trust = c->own_trust;
    } else {
        c->trust = ks_ctx_trust(o ? o->ctx : NULL);
    }
    if (!c->trust) { /* nothing trusted: an empty store */
        ks_status st = ks_trust_new(&c->own_trust, err);
        if (st != KS_OK)
            return st;
        c->trust = c->own_trust;
    }
    c->store = ks_trust_store(c->trust);
    c->anchors = ks_trust_anchors(c->trust);
    return KS_OK;
}

static void ctx_free(ks_vctx *c)
{
    for (size_t i = 0; i < c->nfound; i++)
        free(c->found[i].name);
    free(c->found);
    free(c->poes);
    free(c->eof_ends);
    ks_trust_free(c->own_trust);
    sk_X509_pop_free(c->dss_certs, X509_free);
    sk_X509_CRL_pop_free(c->dss_crls, X509_CRL_free);
    sk_OCSP_RESPONSE_pop_free(c->dss_ocsps, OCSP_RESPONSE_free);
    for (size_t i = 0; i < c->ndss_basics; i++)
        OCSP_BASICRESP_free(c->dss_basics[i]);
    free(c->dss_basics);
    ks_prefix_hasher_free(c->hasher);
    ks_pdf_close(c->doc);
}

static ks_status run(ks_vctx *c, const char *name, ks_verify_report **out, ks_error *err)
{
    ks_status st = KS_OK;
    ks_verify_report *r = calloc(1, sizeof *r);
    if (!r)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    r->file = ks_vf_strdup(name);
    c->now = c->opts && c->opts->at ? c->opts->at : ks_ctx_now(c->opts ? c->opts->ctx : NULL);
    r->validation_time = c->now;
    c->doc_ts_rev = -1;
    c->data = ks_pdf_data(c->doc, &c->len);
    uint64_t tail_off = 0, tail = ks_pdf_trailing(c->doc, &tail_off);
    if (tail) { /* damage is damage: never "no signature" or a verdict on part of the file */
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("%s: the file is damaged: %llu bytes from byte offset %llu, after "
                             "the last %%%%EOF, belong to no revision (cut inside its last "
                             "update, or bytes appended)"),
                          name, (unsigned long long)tail, (unsigned long long)tail_off);
        goto done;
    }
    c->nrev = ks_pdf_revision_count(c->doc);
    r->revisions = (unsigned)c->nrev;
    c->eof_ends = calloc(c->nrev ? c->nrev : 1, sizeof *c->eof_ends);
    if (!c->eof_ends) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (size_t i = 0; i < c->nrev; i++)
        c->eof_ends[i] = ks_pdf_revision_at(c->doc, i)->eof_end;
    if ((st = trust_load(c, err)) != KS_OK)
        goto done;
    ks_vf_dss_load(c, r);
    if ((st = ks_vf_find_signatures(c, err)) != KS_OK)
        goto done;
    c->hasher = ks_prefix_hasher_new(c->data, c->len); /* NULL: each range hashed alone */
    for (size_t i = 0; i < c->nfound; i++) {
        ks_pdf_obj *bra = ks_pdf_dict_getr(c->doc, c->found[i].sigdict, "ByteRange");
        int64_t b0 = -1, b1 = -1;
        if (bra && bra->type == KS_PDF_ARRAY && bra->u.arr.len == 4 &&
            ks_pdf_get_int(ks_pdf_resolve(c->doc, bra->u.arr.items[0], NULL), &b0) &&
            ks_pdf_get_int(ks_pdf_resolve(c->doc, bra->u.arr.items[1], NULL), &b1) && b0 == 0 &&
            b1 > 0)
            ks_prefix_hasher_mark(c->hasher, (size_t)b1);
    }
    for (size_t i = 0; i < c->nfound; i++)
        c->found[i].br_end = br_end(c->doc, c->found[i].sigdict);
    if (c->nfound > 1)
        qsort(c->found, c->nfound, sizeof *c->found, cmp_found);
    /* Document timestamps first: a valid one is a proof of existence for the signatures of
     * the revisions it covers. Then the report is put back in file order. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < c->nfound; i++)
            if (is_doc_ts(c, c->found[i].sigdict) == (pass == 0))
                verify_one(c, &c->found[i], r);
    if (r->nsigs > 1)
        qsort(r->sigs, r->nsigs, sizeof *r->sigs, cmp_sig);
    finish_levels(c, r);
    if (c->nfound == 0)
        ks_vf_report_msg(r, N_("The document contains no signature"));
    /* Deviations from the standard that strict reading accepted because they allow one reading
     * only (pdf/xref_recover.c): shown, not counted against the signatures. */
    size_t nw = ks_pdf_warning_count(c->doc);
    if (nw > 0)
        ks_vf_report_msg(r,
                         N_("The file's cross-reference data deviates from the PDF standard in "
                            "%zu place(s); each allows only one reading, which kyso used:"),
                         nw);
    for (size_t i = 0; i < nw; i++) {
        const ks_error *w = ks_pdf_warning(c->doc, i);
        ks_vf_report_msg_err(r, w);
    }
    ks_vf_summarise(r);
    /* past its memory budget the document answered lookups with "missing": no verdict on that */
    st = ks_pdf_budget_error(c->doc, err);
done:
    if (st != KS_OK) {
        ks_verify_report_free(r);
        r = NULL;
    }
    *out = r;
    return st;
}

ks_status ks_verify_run_mem(const uint8_t *data, size_t len, const char *name,
                            const ks_verify_opts *opts, ks_verify_report **out, ks_error *err)
{
    ks_vctx c;
    memset(&c, 0, sizeof c);
    c.opts = opts;
    *out = NULL;
    ks_pdf_open_opts oo = {KS_PDF_STRICT, opts ? opts->password : NULL,
                           opts ? opts->mem_budget : 0};
    ks_status st = ks_pdf_open_mem(data, len, name, &oo, &c.doc, err);
    if (st == KS_OK)
        st = run(&c, name, out, err);
    ctx_free(&c);
    return st;
}

ks_status ks_verify_run(const char *path, const ks_verify_opts *opts, ks_verify_report **out,
                        ks_error *err)
{
    ks_vctx c;
    memset(&c, 0, sizeof c);
    c.opts = opts;
    *out = NULL;
    ks_pdf_open_opts oo = {KS_PDF_STRICT, opts ? opts->password : NULL,
                           opts ? opts->mem_budget : 0};
    ks_status st = ks_pdf_open(path, &oo, &c.doc, err);
    if (st == KS_OK)
        st = run(&c, path, out, err);
    ctx_free(&c);
    return st;
}

ks_status ks_verify_run_fd(int fd, const char *name, const ks_verify_opts *opts,
                           ks_verify_report **out, ks_error *err)
{
    *out = NULL;
    ks_buf b = KS_BUF_INIT;
    uint8_t blk[65536];
    for (;;) {
        ssize_t r = read(fd, blk, sizeof blk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ks_buf_free(&b);
            return ks_error_set(err, KS_E_IO, N_("cannot read \"%s\": %s"), name ? name : "",
                                strerror(errno));
        }
        if (r == 0)
            break;
        if (b.len + (size_t)r > KS_VERIFY_MAX_INPUT || !ks_buf_append(&b, blk, (size_t)r)) {
            ks_buf_free(&b);
            return ks_error_set(err, KS_E_LIMIT, N_("the document is larger than %zu bytes"),
                                KS_VERIFY_MAX_INPUT);
        }
    }
    ks_status st = ks_verify_run_mem(b.data ? b.data : (const uint8_t *)"", b.len, name ? name : "",
                                     opts, out, err);
    ks_buf_free(&b);
    return st;
}
