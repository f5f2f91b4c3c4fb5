/* kyso — PAdES signing: prepare → digest → sign → embed (design.md "Signing").
 *
 * The four steps are separate so that the signature value can come from a file key, a PKCS#11
 * token or a remote agent: prepare builds the new revision in memory with a /ByteRange and a
 * /Contents placeholder; digest hashes the bytes the signature covers (streamed, no copy of
 * the file); sign asks the CMS layer for a SignedData over that digest (or the caller obtains
 * one elsewhere); embed puts the DER into the placeholder; write appends the revision(s) to a
 * copy of the input, atomically (temporary file, fsync, rename).
 *
 * Levels (ETSI EN 319 142-1): B-B; B-T (RFC 3161 token on the signature value, made by cms/);
 * B-LT (a second revision with a /DSS: certificates, OCSP responses and CRLs, ISO 32000-2
 * §12.8.4.3); B-LTA (a third revision with a document timestamp, /SubFilter /ETSI.RFC3161).
 *
 * Visible appearances plug into prepare through ks_sign_appearance_fn: the provider adds its
 * objects to the update and says where the widget goes and which form XObject shows it. */
#ifndef KYSO_SIGN_H
#define KYSO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kyso/cms.h"
#include "kyso/ctx.h"
#include "kyso/error.h"
#include "kyso/pdf.h"
#include "kyso/signer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ks_sign_level {
    KS_SIGN_B_B = 0,
    KS_SIGN_B_T,
    KS_SIGN_B_LT,
    KS_SIGN_B_LTA,
} ks_sign_level;

typedef enum ks_sign_kind {
    KS_SIGN_INVISIBLE = 0, /* widget /Rect [0 0 0 0], no appearance */
    KS_SIGN_PERSONAL,      /* blue signature image (requirements.md §4.1) */
    KS_SIGN_ORGANIZATION,  /* red seal over the left third of the personal signature (§4.2) */
    KS_SIGN_COPY,          /* copy form text, top right of page 1 (§4.4) */
    KS_SIGN_ATTACHMENT,    /* document number and time, top right of page 1 (§4.3) */
} ks_sign_kind;

/* Parses "B-B", "B-T", "B-LT", "B-LTA" / "invisible", "personal", ... Return false if unknown. */
bool ks_sign_level_parse(const char *s, ks_sign_level *out);
bool ks_sign_kind_parse(const char *s, ks_sign_kind *out);
const char *ks_sign_level_name(ks_sign_level level);

typedef struct ks_sign_opts ks_sign_opts;

/* FieldMDP /Action of a signature (ISO 32000-2 Table 256). */
typedef enum ks_sign_lock {
    KS_SIGN_LOCK_NONE = 0,
    KS_SIGN_LOCK_ALL,     /* every form field */
    KS_SIGN_LOCK_INCLUDE, /* only lock_fields */
    KS_SIGN_LOCK_EXCLUDE, /* every field except lock_fields */
} ks_sign_lock;

/* What an appearance provider receives and fills in during ks_sign_prepare.
 * In: the document, the update being built (add image XObjects, fonts and the appearance form
 * with ks_pdf_update_alloc / ks_pdf_update_put_stream), the options, the signer certificate
 * and the signing time that goes into /M. Out: page, rect, appearance and flags of the widget.
 * The defaults (page 0, rect 0 0 0 0, no appearance, /F 132) make an invisible signature. */
typedef struct ks_sign_appearance {
    ks_pdf_doc *doc;          /* borrowed */
    ks_pdf_update *update;    /* borrowed: the revision being built */
    const ks_sign_opts *opts; /* borrowed */
    X509 *cert;               /* borrowed: signer certificate (NULL when not known yet) */
    time_t signing_time;      /* the /M time */
    size_t page;              /* out: 0-based page index of the widget */
    ks_pdf_rect rect;         /* out: widget /Rect in default user space */
    uint32_t ap_normal;       /* out: object number of the /AP /N form XObject (0: none) */
    int annot_flags;          /* out: annotation /F (132 = Print + Locked) */
} ks_sign_appearance;

/* Called once by ks_sign_prepare for kinds other than KS_SIGN_INVISIBLE (and for invisible
 * ones too when set, e.g. to add an empty /AP). Return KS_OK or an error with `err` set. */
typedef ks_status (*ks_sign_appearance_fn)(void *user, ks_sign_appearance *app, ks_error *err);

/* Non-fatal notes for the user (e.g. "revocation could not be checked"). The library never
 * prints: the program decides. `w->status` is the class of what went wrong. */
typedef void (*ks_sign_warn_fn)(void *user, const ks_error *w);

#define KS_SIGN_PAGE_LAST (-1L) /* ks_sign_opts.page: the last page */

struct ks_sign_opts {
    const ks_ctx *ctx; /* the clock when signing_time is 0 (NULL: time(NULL)) */
    ks_sign_kind kind;
    ks_sign_level level;
    ks_cms_profile profile; /* KS_CMS_CADES → /ETSI.CAdES.detached; KS_CMS_PKCS7 → adbe */
    ks_md md;               /* KS_MD_SHA256 default */
    ks_sig_scheme scheme;   /* KS_SIG_RSA_PKCS1 default; RSA_PSS with --pss; EC keys: ECDSA */
    const char *field_name; /* NULL: an empty signature field if there is one, else new */
    const char *reason;     /* UTF-8, may be NULL */
    const char *location;   /* UTF-8, may be NULL */
    const char *contact_info;
    const char *tsa_url;      /* B-T and above; B-LTA's document timestamp too */
    long timeout_ms;          /* network (TSA, OCSP, CRL); 0 = 30 s */
    bool offline;             /* skip revocation checks and B-LT fetching of revocation data */
    bool repair;              /* open a damaged input in KS_PDF_REPAIR mode */
    bool in_place;            /* allow OUT to be IN */
    const char *pdf_password; /* to open an encrypted input (NULL: empty password) */
    size_t mem_budget;        /* the input's memory budget in bytes; 0 = 256 MB (pdf.h) */
    size_t contents_size;     /* bytes reserved for the CMS (0: from ks_cms_estimate_size) */
    time_t signing_time;      /* 0: now, by the context's clock */

    /* Options of the visible kinds, passed through to the appearance provider as given. */
    const char *image_path;    /* a PNG file, or the name of image_data in messages */
    const uint8_t *image_data; /* a PNG in memory (used instead of reading image_path) */
    size_t image_len;
    double seal_mm;   /* the seal's diameter in mm (5 to 200); 0: from the PNG's pHYs */
    long page;        /* 1-based page of a visible signature; KS_SIGN_PAGE_LAST; 0: the kind's */
    bool has_rect;    /* place the widget at `rect` instead of finding its place */
    ks_pdf_rect rect; /* default user space, points; x0 < x1, y0 < y1 */
    const char *title;
    const char *name;
    const char *copy_form;
    const char *org_name;
    const char *doc_number;
    bool time_label; /* --time-style label: "05.03.2026 09:41:07 +07:00" instead of ISO 8601 */

    /* FieldMDP (ISO 32000-2 §12.8.2.4): the form fields this signature locks, written as a
     * /Reference of the signature dictionary. KS_SIGN_LOCK_NONE (default) writes none; with
     * INCLUDE or EXCLUDE `lock_fields` names lock_count fully qualified field names. */
    ks_sign_lock lock;
    const char *const *lock_fields;
    size_t lock_count;

    ks_sign_appearance_fn appearance; /* NULL: only invisible signatures are possible */
    void *appearance_user;
    ks_sign_warn_fn warn; /* NULL: warnings are dropped */
    void *warn_user;
};

/* Fills `o` with the defaults (invisible, B-B, CAdES, SHA-256, PKCS#1 v1.5). */
void ks_sign_opts_init(ks_sign_opts *o);

/* ---- the four steps ---- */
typedef struct ks_sign_ctx ks_sign_ctx;

/* Step 1. Checks the request as every path does: a level of B-T or above needs opts->tsa_url
 * (KS_E_USAGE) and the signer's certificate must be acceptable now (ks_sign_check_signer:
 * dates, key usage, revocation; KS_E_TRUST). Then opens `in_path` (strict; KS_PDF_REPAIR with
 * opts->repair), refuses a document
 * certified with /DocMDP P=1 (KS_E_STATE), finds or creates the signature field, adds the
 * widget to its page, creates or updates the AcroForm (/SigFlags 3) and builds the signature
 * dictionary with its /ByteRange and /Contents placeholders; the new revision is held in
 * memory. `signer` gives the certificate (for sizing and the appearance); it may be a signer
 * whose `sign` runs elsewhere. `opts` must outlive the context.
 * Errors: KS_E_IO, KS_E_FORMAT, KS_E_PASSWORD, KS_E_STATE, KS_E_USAGE, KS_E_NOMEM. */
ks_status ks_sign_prepare(const char *in_path, const ks_sign_opts *opts, const ks_signer *signer,
                          ks_sign_ctx **out, ks_error *err);

/* The same over a document in memory (copied: the context does not keep `data`), or read from
 * `fd` to its end (a pipe, a socket, a file), at most KS_SIGN_MAX_INPUT bytes (KS_E_LIMIT).
 * `name` is what messages call the document. */
#define KS_SIGN_MAX_INPUT ((size_t)1 << 30)
ks_status ks_sign_prepare_mem(const uint8_t *data, size_t len, const char *name,
                              const ks_sign_opts *opts, const ks_signer *signer, ks_sign_ctx **out,
                              ks_error *err);
ks_status ks_sign_prepare_fd(int fd, const char *name, const ks_sign_opts *opts,
                             const ks_signer *signer, ks_sign_ctx **out, ks_error *err);

/* Step 2. The hash under opts->md of the bytes the /ByteRange covers: the input followed by
 * the new revision, without the /Contents string. Read in blocks; the input is not copied.
 * `digest` needs 64 bytes; *digest_len receives the length. */
ks_status ks_sign_digest(ks_sign_ctx *ctx, uint8_t *digest, size_t *digest_len, ks_error *err);

/* Step 3 (local signers). Builds the CMS SignedData over the digest with `signer` (file key or
 * token) through ks_cms_sign_digest, with the TSA of opts when the level is B-T or above.
 * `*der` is malloc'd. Runs ks_sign_digest first if it has not run. */
ks_status ks_sign_sign(ks_sign_ctx *ctx, ks_signer *signer, uint8_t **der, size_t *der_len,
                       ks_error *err);

/* Step 4. Writes `der` as hex into the /Contents placeholder (zero-padded). KS_E_LIMIT naming
 * both sizes when it does not fit. */
ks_status ks_sign_embed(ks_sign_ctx *ctx, const uint8_t *der, size_t der_len, ks_error *err);

/* Writes the input followed by the signed revision to `out_path` atomically; for B-LT and
 * B-LTA the DSS and document-timestamp revisions follow, in the same temporary file, before
 * the rename. OUT equal to IN is refused (KS_E_USAGE) unless opts->in_place. The input is
 * never modified. */
ks_status ks_sign_write(ks_sign_ctx *ctx, const char *out_path, ks_error *err);

/* The same into memory (`*out` malloc'd) or onto `fd` (written, not closed). */
ks_status ks_sign_write_mem(ks_sign_ctx *ctx, uint8_t **out, size_t *out_len, ks_error *err);
ks_status ks_sign_write_fd(ks_sign_ctx *ctx, int fd, ks_error *err);

/* ---- a signature made elsewhere, maybe much later (kysod + kyso-agent, a network HSM) ----
 * prepare → ks_sign_begin (what the key must sign) → ks_sign_prepared_save (a few KB: the new
 * revision, certificates, signed attributes and the base document's SHA-256) ... then, in any
 * process: ks_sign_prepared_load (with the same base document) → ks_sign_finish (the value is
 * checked against the certificate, then timestamped for B-T and embedded) → ks_sign_write*. */
ks_status ks_sign_begin(ks_sign_ctx *ctx, ks_cms_tbs *tbs, ks_error *err);
/* KS_E_CRYPTO when `sig` does not verify with the signer's certificate: nothing is embedded. */
ks_status ks_sign_finish(ks_sign_ctx *ctx, const uint8_t *sig, size_t sig_len, ks_error *err);
/* `*out` malloc'd. KS_E_USAGE before the digest is made. Not encrypted or authenticated: keep it
 * where only the server can change it (its database). */
ks_status ks_sign_prepared_save(const ks_sign_ctx *ctx, uint8_t **out, size_t *out_len,
                                ks_error *err);
/* Rebuilds the context from a saved state and the base document's bytes (copied). KS_E_STATE
 * naming the document when the bytes are not those the signature was prepared for;
 * KS_E_FORMAT for a damaged state. `opts` (may be NULL) gives what the state does not fix:
 * network timeout, offline, password, warning callback; level, digest, profile, scheme and TSA
 * come from the state. */
ks_status ks_sign_prepared_load(const uint8_t *state, size_t state_len, const uint8_t *base,
                                size_t base_len, const char *name, const ks_sign_opts *opts,
                                ks_sign_ctx **out, ks_error *err);

void ks_sign_ctx_free(ks_sign_ctx *ctx); /* NULL is a no-op */

/* The field name chosen by prepare (borrowed from ctx). */
const char *ks_sign_field_name(const ks_sign_ctx *ctx);
/* Absolute offsets after prepare: ByteRange [0 a b c] of the signature (for tests/reports). */
void ks_sign_byte_range(const ks_sign_ctx *ctx, uint64_t range[4]);

/* ---- checks before signing (ND68 Đ31, ND23 Đ15) ---- */
/* Refuses (KS_E_TRUST, naming subject and dates) a signer certificate that is expired or not
 * yet valid at `now`, lacks the digitalSignature or nonRepudiation key usage, or is revoked
 * per OCSP (AIA) or else the CRL (distribution point); chain certificates are checked for
 * validity at `now` too. Unreachable revocation services produce a warning, not a refusal;
 * opts->offline skips revocation. */
ks_status ks_sign_check_signer(const ks_signer *signer, const ks_sign_opts *opts, time_t now,
                               ks_error *err);

/* All of it: checks, prepare, digest, sign, embed, write. */
ks_status ks_sign_file(const char *in_path, const char *out_path, const ks_sign_opts *opts,
                       ks_signer *signer, ks_error *err);

/* Adds long-term validation data to an already signed document: a DSS revision with the
 * validation data of every signature and document timestamp in it (opts->level B-LT), then
 * with B-LTA a document timestamp and its own validation data (what an archive runs again
 * before the last timestamp's certificate expires). Writes OUT atomically. */
ks_status ks_sign_extend(const char *in_path, const char *out_path, const ks_sign_opts *opts,
                         ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
