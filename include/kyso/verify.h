/* kyso — verification of signed PDFs (PAdES) in the manner of ETSI EN 319 102-1: one pipeline
 * (ks_verify_run) fills one report model; renderers turn it into Vietnamese or English text,
 * the JSON of docs/design.md (contract) or a self-contained HTML page.
 *
 * The verifier never repairs a file and never trusts anything it was not told to trust. */
#ifndef KYSO_VERIFY_H
#define KYSO_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kyso/ctx.h"
#include "kyso/error.h"
#include "kyso/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- indications (ETSI EN 319 102-1 §5.1.3) ---- */
typedef enum ks_indication {
    KS_IND_TOTAL_PASSED = 0,
    KS_IND_INDETERMINATE = 1,
    KS_IND_TOTAL_FAILED = 2, /* ordered: the worse, the larger */
} ks_indication;

typedef enum ks_subindication {
    KS_SUB_NONE = 0,
    /* TOTAL-FAILED */
    KS_SUB_FORMAT_FAILURE,
    KS_SUB_HASH_FAILURE,
    KS_SUB_SIG_CRYPTO_FAILURE,
    KS_SUB_REVOKED,
    KS_SUB_EXPIRED,
    KS_SUB_NOT_YET_VALID,
    /* kyso policy: an algorithm below policy is a failure for new signatures */
    KS_SUB_CRYPTO_CONSTRAINTS_FAILURE,
    /* INDETERMINATE */
    KS_SUB_SIG_CONSTRAINTS_FAILURE,
    KS_SUB_CHAIN_CONSTRAINTS_FAILURE,
    KS_SUB_NO_SIGNING_CERTIFICATE_FOUND,
    KS_SUB_NO_CERTIFICATE_CHAIN_FOUND,
    KS_SUB_OUT_OF_BOUNDS_NO_POE,
    KS_SUB_REVOKED_NO_POE,
    KS_SUB_TRY_LATER,
    KS_SUB_SIGNED_DATA_NOT_FOUND,
    KS_SUB_GENERIC,
} ks_subindication;

/* "TOTAL-PASSED", "INDETERMINATE", "TOTAL-FAILED". */
const char *ks_indication_name(ks_indication ind);
/* "HASH_FAILURE", ... ("" for KS_SUB_NONE). */
const char *ks_subindication_name(ks_subindication sub);

/* ---- options ---- */
#define KS_VERIFY_MAX_TRUST 32

typedef struct ks_verify_opts {
    /* The context: clock, trust store (used when no trust_files/trust_dir are given below).
     * NULL: time(NULL) and only the anchors given here. */
    const ks_ctx *ctx;
    /* Per-run anchors, read at each run (a server loads a ks_trust into the context once). */
    const char *trust_files[KS_VERIFY_MAX_TRUST]; /* PEM files of trust anchors */
    size_t ntrust;
    const char *trust_dir; /* directory of further anchors (*.pem, *.crt); NULL: none */
    time_t at;             /* validation time; 0 = now (the context's clock) */
    bool offline;          /* use only revocation data embedded in the file (CMS, DSS) */
    const char *cache;     /* revocation cache directory; NULL = no disk cache */
    long timeout_ms;       /* network timeout for OCSP/CRL (0 = 10 s) */
    const char *password;  /* of an encrypted document; NULL = try the empty user password */
    size_t mem_budget;     /* the document's memory budget in bytes; 0 = 256 MB (pdf.h) */
} ks_verify_opts;

/* ---- report model ---- */
typedef enum ks_sig_type {
    KS_SIGTYPE_SIGNATURE = 0,
    KS_SIGTYPE_DOC_TIMESTAMP,
    KS_SIGTYPE_USAGE_RIGHTS,
} ks_sig_type;

typedef enum ks_coverage {
    KS_COVER_WHOLE_FILE = 0,
    KS_COVER_EARLIER_REVISION,
    KS_COVER_NONSTANDARD,
} ks_coverage;

typedef enum ks_chain_status {
    KS_CHAIN_TRUSTED = 0,
    KS_CHAIN_UNTRUSTED,  /* a path exists but ends at a root that is not a trust anchor */
    KS_CHAIN_INCOMPLETE, /* an issuer is missing */
} ks_chain_status;

typedef enum ks_rev_status {
    KS_REV_NOT_CHECKED = 0,
    KS_REV_GOOD,
    KS_REV_REVOKED,
    KS_REV_UNKNOWN,
} ks_rev_status;

/* A user-readable line: its msgid and arguments (`msg`, rendered in any language by
 * ks_text_str / ks_text_append, kyso/ctx.h) and its English text. */
typedef struct ks_verify_msg {
    ks_text *msg;
    char *text_en;
} ks_verify_msg;

/* One object changed or added after a signature's revision. */
typedef struct ks_verify_change {
    unsigned revision; /* 1-based revision that made the change */
    uint32_t num;
    uint16_t gen;
    char *what;        /* English, stable ("page content replaced") */
    ks_text *what_msg; /* the same, for rendering in another language */
    bool allowed;
} ks_verify_change;

typedef struct ks_verify_signer {
    char *name, *title, *organization, *serial, *issuer; /* UTF-8; NULL when absent */
    time_t not_before, not_after;
} ks_verify_signer;

typedef struct ks_verify_sig {
    char *field; /* fully qualified field name ("Signature1"), UTF-8 */
    ks_sig_type type;
    char *subfilter;   /* "ETSI.CAdES.detached", ... */
    unsigned revision; /* 1-based revision the signature covers (0: none found) */
    uint32_t obj_num;  /* signature dictionary object (0 when direct) */
    uint16_t obj_gen;
    int64_t byte_range[4];
    bool byte_range_ok; /* ByteRange sane and its gap is exactly this /Contents */
    bool integrity;     /* digest and signature value (or timestamp imprint) verify */
    ks_coverage coverage;
    ks_verify_change *changes;
    size_t nchanges;
    bool docmdp; /* certification signature */
    int docmdp_p;
    ks_indication indication;
    ks_subindication subindication;
    ks_verify_signer signer;
    time_t signing_time; /* 0 = unknown */
    bool time_from_timestamp;
    ks_chain_status chain;
    ks_rev_status revocation;
    const char *level; /* "B-B", "B-T", "B-LT", "B-LTA", "none" (static string) */
    char digest[16];   /* "SHA-256" */
    int key_bits;
    ks_verify_msg *messages;
    size_t nmessages;
} ks_verify_sig;

typedef struct ks_verify_report {
    char *file;
    unsigned revisions; /* revisions in the file */
    ks_indication indication;
    ks_subindication subindication;
    time_t validation_time;
    ks_verify_sig *sigs;
    size_t nsigs;
    ks_verify_msg *messages; /* document-level notes (e.g. "no signature") */
    size_t nmessages;
} ks_verify_report;

/* Validates every signature and document timestamp of the PDF at `path` and fills `*out`
 * (free with ks_verify_report_free). `opts` may be NULL (defaults). The outcome lives in the
 * report; the return value is KS_OK whenever a report was produced. Errors: KS_E_IO, KS_E_FORMAT
 * (not a PDF or damaged: the strict parser refuses it), KS_E_PASSWORD, KS_E_USAGE (a trust file
 * that cannot be read), KS_E_NOMEM. A file without signatures gives a report with no signatures
 * and indication INDETERMINATE / SIGNED_DATA_NOT_FOUND. */
ks_status ks_verify_run(const char *path, const ks_verify_opts *opts, ks_verify_report **out,
                        ks_error *err);
/* Same over bytes the caller keeps alive until the call returns; `name` is used in the report. */
ks_status ks_verify_run_mem(const uint8_t *data, size_t len, const char *name,
                            const ks_verify_opts *opts, ks_verify_report **out, ks_error *err);
/* Same over everything `fd` gives until its end (a pipe, a socket, a file), at most
 * KS_VERIFY_MAX_INPUT bytes (KS_E_LIMIT). */
#define KS_VERIFY_MAX_INPUT ((size_t)1 << 30)
ks_status ks_verify_run_fd(int fd, const char *name, const ks_verify_opts *opts,
                           ks_verify_report **out, ks_error *err);
void ks_verify_report_free(ks_verify_report *r); /* NULL is a no-op */
/* The report for a file that gave no verdict of its own (ks_verify_run failed with `e`):
 * unreadable, not a PDF, damaged, hostile. Indication TOTAL-FAILED (the file is not a valid PDF:
 * KS_E_FORMAT) or INDETERMINATE (it could not be read or checked: I/O, password, limits), always
 * with FORMAT_FAILURE and `e`'s message (which names the byte offset where there is one), so
 * that every input gets exactly one report. NULL only when out of memory. */
ks_verify_report *ks_verify_report_for_error(const char *file, const ks_error *e, time_t at);

/* ---- renderers: append to `out`, in `lang` ("vi", "en"; NULL: the context's default) with
 * the context's catalogue (a NULL context renders English) ---- */
/* Text for a receiving clerk. */
bool ks_verify_render_text(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out);
/* One JSON object, the schema of docs/design.md (contract) plus extra fields; "messages" and
 * "what_text" are in `lang`. */
bool ks_verify_render_json(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out);
/* A self-contained HTML page (inline CSS, no scripts). */
bool ks_verify_render_html(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out);

/* The exit code of `kyso verify` for a report (contract): 0 every signature TOTAL-PASSED,
 * 1 any TOTAL-FAILED, 2 INDETERMINATE (also: no signature at all). */
int ks_verify_exit_code(const ks_verify_report *r);

#ifdef __cplusplus
}
#endif
#endif
