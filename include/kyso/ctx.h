/* kyso — the library context (MuPDF's fz_context lesson): created once per process by a
 * program, then shared read-only by every thread. It holds what used to be process state: the
 * message catalogues (late translation in any language, per call), the clock, a logger, the
 * HTTP fetcher, the trust store and a revocation cache. The library itself reads no environment
 * variable and calls no setlocale: programs do, and fill the context's options. */
#ifndef KYSO_CTX_H
#define KYSO_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "kyso/error.h"
#include "kyso/util.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ks_ctx ks_ctx;
typedef struct ks_trust ks_trust;

/* The current time (for tests: a fixed one). */
typedef time_t (*ks_clock_fn)(void *arg);
/* A line for the operator's log, English; level 0 error, 1 warning, 2 info. Called from any
 * thread: the callback must be thread-safe. */
typedef void (*ks_log_fn)(void *arg, int level, const char *msg_en);
/* An HTTP exchange: GET when `content_type` is NULL, else POST of `body`. The answer's body is
 * malloc'd into *out. Same contract as ks_http_get/post (kyso/net.h), which programs install. */
typedef ks_status (*ks_fetch_fn)(void *arg, const char *url, const char *content_type,
                                 const uint8_t *body, size_t body_len, long timeout_ms,
                                 size_t max_len, uint8_t **out, size_t *out_len, ks_error *err);

typedef struct ks_ctx_opts {
    /* Directory of the catalogues (<dir>/<lang>/LC_MESSAGES/kyso.mo); NULL: the build's. */
    const char *localedir;
    /* Language used when a call passes NULL: "vi" (default) or "en". */
    const char *lang;
    ks_clock_fn clock; /* NULL: time(NULL) */
    void *clock_arg;
    ks_log_fn log; /* NULL: nothing is logged */
    void *log_arg;
    ks_fetch_fn fetch; /* NULL: no network (revocation and timestamps need one) */
    void *fetch_arg;
    const ks_trust *trust; /* borrowed; must outlive the context; NULL: no anchors */
} ks_ctx_opts;

/* Creates a context. The Vietnamese catalogue is loaded now (KS_E_IO naming the file when it
 * cannot be read; KS_E_FORMAT when it is not a .mo file). `opts` may be NULL (defaults). */
ks_status ks_ctx_new(const ks_ctx_opts *opts, ks_ctx **out, ks_error *err);
void ks_ctx_free(ks_ctx *ctx); /* NULL is a no-op */

/* The default language ("vi" or "en"). */
const char *ks_ctx_lang(const ks_ctx *ctx);
/* The translation of `msgid` in `lang` (NULL: the context's default), or `msgid` itself for
 * English or when the catalogue has none. The result lives as long as the context. A NULL
 * context translates nothing. */
const char *ks_ctx_tr(const ks_ctx *ctx, const char *lang, const char *msgid);
/* Renders a text or an error in `lang` (NULL: the default) into `out` (NUL-terminated); returns
 * `out`. */
const char *ks_text_str(const ks_ctx *ctx, const char *lang, const ks_text *t, char *out,
                        size_t cap);
const char *ks_error_str(const ks_ctx *ctx, const char *lang, const ks_error *err, char *out,
                         size_t cap);
/* Appends a rendered text to `b`. */
bool ks_text_append(const ks_ctx *ctx, const char *lang, const ks_text *t, ks_buf *b);

time_t ks_ctx_now(const ks_ctx *ctx); /* the context's clock; NULL: time(NULL) */
void ks_ctx_log(const ks_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The fetcher, or KS_E_USAGE ("no network access configured") when there is none. */
ks_status ks_ctx_fetch(const ks_ctx *ctx, const char *url, const char *content_type,
                       const uint8_t *body, size_t body_len, long timeout_ms, size_t max_len,
                       uint8_t **out, size_t *out_len, ks_error *err);
const ks_trust *ks_ctx_trust(const ks_ctx *ctx); /* may be NULL */

/* ---- revocation cache: bytes by key (an OCSP request's CertID, a CRL's URL), shared between
 * threads (a mutex), entries dropped after `valid_until`. At most 4096 entries. ---- */
/* A malloc'd copy of the entry for `key`, or KS_E_IO when absent or expired. */
ks_status ks_ctx_cache_get(const ks_ctx *ctx, const char *key, uint8_t **data, size_t *len);
void ks_ctx_cache_put(const ks_ctx *ctx, const char *key, const uint8_t *data, size_t len,
                      time_t valid_until);

/* ---- message catalogue (.mo files, GNU gettext's format) ---- */
typedef struct ks_catalog ks_catalog;
/* Parses a .mo file's bytes (copied). KS_E_FORMAT when it is not one; bounded: at most 2^20
 * messages and 64 MiB. */
ks_status ks_catalog_parse(const uint8_t *data, size_t len, ks_catalog **out, ks_error *err);
ks_status ks_catalog_load(const char *path, ks_catalog **out, ks_error *err);
/* The translation of `msgid`, or NULL. */
const char *ks_catalog_lookup(const ks_catalog *c, const char *msgid);
size_t ks_catalog_count(const ks_catalog *c);
void ks_catalog_free(ks_catalog *c);

/* ---- trust store: any number of anchors, loaded once, then shared read-only between
 * threads ---- */
ks_status ks_trust_new(ks_trust **out, ks_error *err);
/* Adds every certificate of a PEM file (or the one of a DER file): KS_E_USAGE when the file cannot
 * be read or holds none. */
ks_status ks_trust_add_file(ks_trust *t, const char *path, ks_error *err);
/* Adds every *.pem / *.crt file of `dir` (absent directory: nothing; unreadable files skipped). */
ks_status ks_trust_add_dir(ks_trust *t, const char *dir, ks_error *err);
size_t ks_trust_count(const ks_trust *t);
/* Borrowed views for certificate path building (X509_STORE_CTX_init is thread-safe on them). */
X509_STORE *ks_trust_store(const ks_trust *t);
STACK_OF(X509) * ks_trust_anchors(const ks_trust *t);
void ks_trust_free(ks_trust *t); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
