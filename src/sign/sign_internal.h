/* sign/sign_internal.h — private structures of the signing module: the context that carries a
 * prepared revision from prepare to write, and the helpers its files share. */
#ifndef KYSO_SIGN_INTERNAL_H
#define KYSO_SIGN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/sign.h"

/* A revision with a /ByteRange + /Contents placeholder, appended to a base file. */
typedef struct ks_sig_slot {
    uint64_t base_len; /* bytes of the base file the update is appended to */
    ks_buf upd;        /* the update's bytes (starts at absolute offset base_len) */
    uint64_t br_off;   /* absolute offset of '[' of the /ByteRange placeholder */
    uint64_t br_len;   /* from '[' to ']' inclusive */
    uint64_t gap_off;  /* absolute offset of '<' of /Contents */
    uint64_t gap_len;  /* from '<' to '>' inclusive */
    uint64_t range[4]; /* the ByteRange written */
} ks_sig_slot;

struct ks_sign_ctx {
    const ks_sign_opts *opts; /* the caller's, or &own after ks_sign_prepared_load */
    ks_sign_opts own;
    char *own_tsa_url;
    ks_pdf_doc *doc;     /* NULL after ks_sign_prepared_load (not needed to finish) */
    char *in_path;       /* the base file, or NULL when it is in memory */
    uint8_t *base_mem;   /* the base document's bytes when prepared from memory (owned) */
    char name[256];      /* what messages call the base document */
    int key_type;        /* of the signer's key: EVP_PKEY_RSA or EVP_PKEY_EC */
    ks_cms_pending *cms; /* after ks_sign_begin */
    ks_sig_slot slot;
    char field_name[256];
    time_t signing_time;
    uint8_t digest[64];
    size_t digest_len;
    bool digested;
    bool embedded;
    uint8_t *cms_der; /* copy of what was embedded (for the DSS /VRI key) */
    size_t cms_der_len;
    X509 *cert;             /* owned ref of the signer certificate */
    STACK_OF(X509) * chain; /* owned refs of the chain */
    /* ks_sign_file only: the output opened early, the base file already copied into it, so
     * that the disk writes it while the digest and the signature are computed. */
    ks_out staged;
    bool staged_open;
};

/* ---- placeholder.c ---- */
/* Width of the ByteRange placeholder between '[' and ']'. */
#define KS_SIGN_BR_WIDTH 64
/* Appends "/ByteRange [<spaces>] /Contents <00…>" with room for `contents_bytes` of DER. */
bool ks_sig_put_placeholders(ks_buf *b, size_t contents_bytes);
/* After ks_pdf_update_finish: finds the placeholders inside object `obj_off` (absolute) of the
 * update and fills the /ByteRange. */
ks_status ks_sig_slot_locate(ks_sig_slot *s, uint64_t obj_off, ks_error *err);
/* Writes `der` as hex into the gap. */
ks_status ks_sig_slot_embed(ks_sig_slot *s, const uint8_t *der, size_t len, ks_error *err);
/* Hash over [base bytes in memory] + update without the gap. */
ks_status ks_sig_slot_digest_mem(const ks_sig_slot *s, const uint8_t *base, ks_md md, uint8_t *out,
                                 size_t *out_len, ks_error *err);
/* Streamed hash over [base file bytes from fd] + update without the gap. */
ks_status ks_sig_slot_digest(const ks_sig_slot *s, int base_fd, const char *base_name, ks_md md,
                             uint8_t *out, size_t *out_len, ks_error *err);
/* Copies `len` bytes of `fd` from offset 0 to the output (copy_file_range, read/write fallback). */
ks_status ks_sign_copy_fd(int fd, uint64_t len, ks_out *o, ks_error *err);

/* ---- fields.c ---- */
/* KS_E_STATE when the document is certified with /DocMDP P=1. */
ks_status ks_sign_check_docmdp(ks_pdf_doc *doc, ks_error *err);

typedef struct ks_sig_field {
    bool found;       /* an existing empty signature field was chosen */
    ks_pdf_ref ref;   /* its object */
    ks_pdf_obj *dict; /* its dictionary (parsed, borrowed from the doc) */
    bool is_widget;   /* field and widget merged (no /Kids) */
    char name[256];   /* full name (new or existing) */
} ks_sig_field;
/* Finds the field to sign: the field named `want` (an empty signature field, or a new one of
 * that name), else with `reuse_empty` the first empty signature field whose widget is merged,
 * else a new "Signature<N>" name. KS_E_STATE when the named field is already signed or not a
 * signature field. */
ks_status ks_sign_find_field(ks_pdf_doc *doc, const char *want, bool reuse_empty, ks_sig_field *out,
                             ks_error *err);

/* ---- revision.c ---- */
/* Builds a revision that adds a signature (doc_ts false) or document timestamp field, with a
 * placeholder of `contents_bytes`, into `slot`. `app` may be NULL (invisible). */
typedef struct ks_sig_rev_params {
    bool doc_ts;
    const char *field_name; /* requested name or NULL */
    size_t contents_bytes;
    time_t signing_time;
    const ks_sign_opts *opts;
    X509 *cert;
    char *chosen_name; /* out: 256 bytes */
} ks_sig_rev_params;
ks_status ks_sign_build_revision(ks_pdf_doc *doc, const ks_sig_rev_params *p, ks_sig_slot *slot,
                                 ks_error *err);

/* ---- dss_pool.c ---- */
enum { KS_DSS_CERT = 0, KS_DSS_OCSP = 1, KS_DSS_CRL = 2, KS_DSS_KINDS = 3 };
typedef struct ks_dss_item {
    uint8_t *data; /* DER, malloc'd */
    size_t len;
    uint8_t sha256[32]; /* what two items are compared by */
    ks_pdf_ref ref;     /* its stream object; num 0 until written (new items) */
} ks_dss_item;
typedef struct ks_dss_list {
    ks_dss_item *items;
    size_t n, cap;
} ks_dss_list;
typedef struct ks_dss_pool {
    ks_dss_list kinds[KS_DSS_KINDS];
    ks_pdf_obj *old;        /* the document's /DSS dictionary (borrowed) or NULL */
    STACK_OF(X509) * known; /* the certificates of the existing /DSS, for issuer look-ups */
} ks_dss_pool;
/* "Certs", "OCSPs" or "CRLs". */
const char *ks_dss_kind_key(int kind);
/* Reads the document's /DSS streams into `p` (each with its object). */
ks_status ks_dss_pool_load(ks_dss_pool *p, ks_pdf_doc *doc, ks_error *err);
/* Adds DER bytes (ownership taken) unless the same bytes are there; the item's index or -1. */
long ks_dss_pool_add(ks_dss_pool *p, int kind, uint8_t *data, size_t len);
/* Index of an OCSP response in the pool that answers for `cert`, or of a CRL of `issuer` that
 * covers it; -1 when none. */
long ks_dss_pool_find_ocsp(const ks_dss_pool *p, X509 *cert, X509 *issuer);
long ks_dss_pool_find_crl(const ks_dss_pool *p, X509 *cert, X509 *issuer);
/* Writes the new items as streams and puts /Certs, /OCSPs, /CRLs (old references first) into
 * `dss`. Afterwards every item has its object. */
ks_status ks_dss_pool_write(ks_dss_pool *p, ks_pdf_update *u, ks_arena *a, ks_pdf_doc *doc,
                            ks_pdf_obj *dss, ks_error *err);
void ks_dss_pool_free(ks_dss_pool *p);

/* ---- dss.c / docts.c ---- */
/* One signature or document timestamp whose validation data goes into the DSS: its /Contents
 * value as written (zero padding included: the /VRI key hashes it), and the signer's
 * certificate and chain when known (NULL: taken from the CMS). */
typedef struct ks_dss_sig {
    const uint8_t *contents;
    size_t len;
    X509 *cert;
    STACK_OF(X509) * chain;
} ks_dss_sig;
/* Builds a revision that adds to the document's /DSS the certificates of every path of each
 * signature (signer, signature timestamp, OCSP responders) and an OCSP response or CRL for each
 * non-root certificate, reusing what the DSS already holds, with one /VRI entry per
 * signature (B-LT; after a document timestamp, its own validation data). */
ks_status ks_sign_build_dss(ks_pdf_doc *doc, const ks_dss_sig *sigs, size_t nsigs,
                            const ks_sign_opts *opts, ks_buf *out, ks_error *err);
/* Builds a document-timestamp revision on top of `doc` (whose bytes are in `fd`, or in memory
 * at `mem` when it is not NULL). On success `*contents` (malloc'd, `*contents_len` bytes) is
 * its /Contents value with padding. */
ks_status ks_sign_build_docts(ks_pdf_doc *doc, int fd, const uint8_t *mem, const ks_sign_opts *opts,
                              ks_buf *out, uint8_t **contents, size_t *contents_len, ks_error *err);

/* ---- levels.c ---- */
/* Appends the revisions the level asks for after a signature: B-LT's DSS for `sigs`, B-LTA's
 * document timestamp and then the timestamp's own DSS revision. To the temporary output `o`,
 * or (when `o` is NULL) to the document in memory `mem` (named `name` in messages). */
ks_status ks_sign_append_levels(ks_out *o, ks_buf *mem, const char *name, const ks_sign_opts *opts,
                                const ks_dss_sig *sigs, size_t n, ks_error *err);

/* ---- textstring.c ---- */
/* Appends `utf8` as a PDF text string (literal if ASCII, else UTF-16BE hex with BOM). */
bool ks_sign_put_text(ks_buf *b, const char *utf8);
/* Appends the bytes of `utf8` as a text string's value: ASCII as is, else UTF-16BE with BOM. */
bool ks_sign_text_bytes(ks_buf *b, const char *utf8);

/* ---- revision.c ---- */
/* The catalog's object reference (from the trailer /Root). */
ks_status ks_sign_catalog_ref(ks_pdf_doc *doc, ks_pdf_ref *out, ks_error *err);
/* tagging.c: in a tagged document, a /Form structure element for the new signature widget
 * `widget` (object `widget_num`, on page `page`; its /StructParent is set here, before it is
 * put) and the structure tree updates that place it. Untagged documents: nothing. */
ks_status ks_sign_tag_widget(ks_pdf_doc *doc, ks_pdf_update *u, ks_pdf_obj *widget,
                             uint32_t widget_num, ks_pdf_ref page, ks_error *err);

/* ---- check.c ---- */
void ks_sign_warn(const ks_sign_opts *opts, ks_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "CN=..., O=..." of a certificate, UTF-8, into `out`. */
void ks_sign_subject(X509 *cert, char *out, size_t len);
/* The issuer of `cert` among `chain` (NULL when absent). Borrowed. */
X509 *ks_sign_find_issuer(X509 *cert, STACK_OF(X509) * chain);

#endif
