/* verify/vctx.h — the state of one verification run shared by the pipeline's steps: the parsed
 * document, its revisions, the trust anchors, the DSS contents and the signatures found.
 * Private to src/verify/. */
#ifndef KYSO_VERIFY_VCTX_H
#define KYSO_VERIFY_VCTX_H

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "kyso/cms.h"
#include "kyso/pdf.h"
#include "verify_internal.h"

#define KS_VF_MAX_SIGS 1024 /* signatures considered in one file */

/* A signature dictionary found in the document. */
typedef struct ks_vf_found {
    char *name;          /* fully qualified field name (malloc'd) */
    ks_pdf_obj *sigdict; /* resolved value of /V (in the latest revision) */
    uint32_t num;        /* its object number when /V is a reference, else 0 */
    uint16_t gen;
    bool widget_only; /* reached only from a page's /Annots, not from /AcroForm /Fields */
    bool dropped;     /* listed by an earlier revision only, no longer by the latest one */
    int64_t br_end;   /* where its ByteRange ends (INT64_MAX: unknown), for sorting */
} ks_vf_found;

typedef struct ks_vctx {
    ks_pdf_doc *doc; /* latest revision */
    const uint8_t *data;
    size_t len;
    ks_prefix_hasher *hasher; /* hashes `data` once for all the signatures */
    const ks_verify_opts *opts;
    time_t now; /* validation time */
    size_t nrev;
    uint64_t *eof_ends;         /* per revision */
    const ks_trust *trust;      /* the anchors: the context's, or own_trust */
    ks_trust *own_trust;        /* read from the options for this run */
    X509_STORE *store;          /* borrowed from trust (shared read-only between threads) */
    STACK_OF(X509) * anchors;   /* the same, as a list */
    STACK_OF(X509) * dss_certs; /* certificates from /DSS */
    STACK_OF(X509_CRL) * dss_crls;
    STACK_OF(OCSP_RESPONSE) * dss_ocsps;
    OCSP_BASICRESP **dss_basics; /* their successful basic responses, decoded once */
    size_t ndss_basics;
    bool has_dss;
    ks_vf_found *found;
    size_t nfound;
    long doc_ts_rev; /* highest revision (0-based) covered by a valid document timestamp, -1 */
    /* Valid, trusted document timestamps seen so far (they are checked before signatures):
     * each proves that revisions 0..rev existed at `time`. */
    struct ks_vf_poe {
        long rev;
        time_t time;
    } * poes;
    size_t npoes;
} ks_vctx;

/* fields.c: collects every signature dictionary (AcroForm fields recursively, then widgets of
 * every page). */
ks_status ks_vf_find_signatures(ks_vctx *c, ks_error *err);
/* UTF-8 (malloc'd) of a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding
 * taken as Latin-1). */
char *ks_vf_text_string(const ks_pdf_obj *s);

/* dss.c: loads /DSS certificates, CRLs and OCSP responses (best effort; notes go to r). */
void ks_vf_dss_load(ks_vctx *c, ks_verify_report *r);

/* certpath.c: builds and checks the signer's path; fills s->chain, s->signer and degrades s. */
typedef struct ks_vf_path {
    STACK_OF(X509) * chain; /* leaf first; owned */
    ks_chain_status status;
} ks_vf_path;
void ks_vf_check_path(ks_vctx *c, ks_verify_sig *s, X509 *leaf, STACK_OF(X509) * extra, time_t when,
                      bool poe, ks_vf_path *out);
void ks_vf_path_free(ks_vf_path *p);
void ks_vf_fill_signer(ks_verify_sig *s, X509 *cert);
/* True when a certificate path from `leaf` reaches an anchor (for timestamp authorities). */
bool ks_vf_path_trusted(ks_vctx *c, X509 *leaf, STACK_OF(X509) * extra);

/* revocation.c: status of `cert` (issued by `issuer`) at `when`, from embedded data first, then
 * OCSP and CRL over the network (unless offline), with a cache. Fills s->revocation and
 * degrades s. */
void ks_vf_check_revocation(ks_vctx *c, ks_verify_sig *s, X509 *cert, X509 *issuer,
                            STACK_OF(X509_CRL) * crls, STACK_OF(OCSP_RESPONSE) * ocsps,
                            STACK_OF(X509) * certs, time_t when, bool poe);

/* diff.c: compares every later revision with the signature's revision `rev` (0-based) and
 * records changes in s (degrading it for disallowed ones). */
/* `sd` is the signature dictionary (object `sig_num`, 0 when direct): its FieldMDP lock, or its
 * field's /Lock, says which fields may not change (ISO 32000-2 §12.8.2.4, §12.7.5.5). */
ks_status ks_vf_diff(ks_vctx *c, ks_verify_sig *s, size_t rev, int docmdp_p, ks_pdf_obj *sd,
                     uint32_t sig_num, ks_error *err);

#endif
