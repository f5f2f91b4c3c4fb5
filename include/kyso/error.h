/* kyso — one error convention for the whole library.
 *
 * Every fallible function returns ks_status and takes an optional `ks_error *err` as its last
 * argument. On failure `err` receives the status class and a message that names the thing (file,
 * byte offset, object number, field) and what is wrong, in English (the gettext msgid, filled in)
 * and in the user's language (Vietnamese by default). Secrets never go into a message. */
#ifndef KYSO_ERROR_H
#define KYSO_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ks_status {
    KS_OK = 0,
    KS_E_USAGE,    /* caller passed something invalid (bad option, missing argument) */
    KS_E_IO,       /* file or network I/O failed */
    KS_E_FORMAT,   /* input is malformed (PDF, CMS, PNG, certificate, ...) */
    KS_E_CRYPTO,   /* a cryptographic operation failed */
    KS_E_TOKEN,    /* PKCS#11 token problem: no token, wrong PIN, locked, ... */
    KS_E_TRUST,    /* certificate not acceptable: expired, revoked, wrong key usage, untrusted */
    KS_E_LIMIT,    /* a documented safety limit was hit (nesting, object count, size, loops) */
    KS_E_NOMEM,    /* out of memory */
    KS_E_PASSWORD, /* the document or key needs a password that was not given or is wrong */
    KS_E_STATE,    /* operation not allowed in the current state (e.g. document certified P=1) */
} ks_status;

#define KS_ERROR_MSG_MAX 1024

typedef struct ks_error {
    ks_status status;
    char msg_en[KS_ERROR_MSG_MAX]; /* English text */
    char msg[KS_ERROR_MSG_MAX];    /* text in the catalogue language (Vietnamese by default) */
} ks_error;

/* Records an error. `fmt` is a printf format that is also the gettext msgid: write it in
 * English and wrap literal formats in N_() so xgettext finds them. Returns `status` so that
 * callers can write `return ks_error_set(err, KS_E_FORMAT, N_("..."), ...);`.
 * A NULL `err` is allowed: the status is still returned. */
ks_status ks_error_set(ks_error *err, ks_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
ks_status ks_error_setv(ks_error *err, ks_status status, const char *fmt, va_list ap);

/* Prepends context ("while reading %s: ") to an existing message, in both languages.
 * `fmt` is a msgid like the one of ks_error_set. */
void ks_error_prefix(ks_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears `err` (status KS_OK, empty messages). NULL is a no-op. */
void ks_error_clear(ks_error *err);

/* A short, stable English name of a status class ("format", "io", ...). */
const char *ks_status_name(ks_status status);

/* Marks a string literal as a msgid without translating it at this point. */
#ifndef N_
#define N_(s) (s)
#endif

/* Translates a msgid through the "kyso" gettext domain. */
const char *ks_tr(const char *msgid);

/* Binds the "kyso" gettext domain to `localedir` (NULL: the build's locale directory) and
 * selects the message language: "vi" (default) or "en". Call once from a program's main. */
void ks_i18n_init(const char *localedir, const char *lang);

#ifdef __cplusplus
}
#endif
#endif
