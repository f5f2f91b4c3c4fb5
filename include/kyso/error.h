/* kyso — one error convention for the whole library.
 *
 * Every fallible function returns ks_status and takes an optional `ks_error *err` as its last
 * argument. On failure `err` receives the status class and a message that names the thing (file,
 * byte offset, object number, field) and what is wrong: its msgid and arguments, rendered in
 * English at once (msg_en) and in any language later (ks_error_render, kyso/ctx.h). Secrets
 * never go into a message. */
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

/* ---- late translation ----
 * A message keeps its msgid (an English printf format, a string literal that outlives it) and a
 * copy of its arguments; text is made when it is rendered, in the language the caller asks for
 * (ks_text_render with a ks_ctx, kyso/ctx.h), so one report or error can be shown to users of
 * different languages, from any thread. */
#define KS_MSG_MAX_ARGS 12
#define KS_MSG_STR_MAX 512
#define KS_TEXT_MAX_PARTS 4

typedef struct ks_msg_arg {
    char kind; /* 'i' signed, 'u' unsigned, 'f' double, 's' string (offset into strs),
                  'p' pointer, 'r' the rest of the text (KS_MSG_REST) */
    union {
        long long i;
        unsigned long long u;
        double f;
        size_t s;
        const void *p;
    } v;
} ks_msg_arg;

typedef struct ks_msg {
    const char *id; /* msgid; NULL = empty */
    unsigned nargs;
    ks_msg_arg args[KS_MSG_MAX_ARGS];
    size_t slen;
    char strs[KS_MSG_STR_MAX]; /* copies of the string arguments, NUL-separated */
} ks_msg;

/* A message made of parts: part 0 is shown first; a part with a KS_MSG_REST argument shows the
 * parts after it in that place, else they follow it ("while reading x: " + "bad header"). */
typedef struct ks_text {
    unsigned nparts;
    ks_msg parts[KS_TEXT_MAX_PARTS];
} ks_text;

/* Pass as a %s argument to ks_text_wrap (or ks_error_wrap): stands for the wrapped text. */
extern const char KS_MSG_REST[];

void ks_text_setv(ks_text *t, const char *fmt, va_list ap);
void ks_text_set(ks_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A text that is one msgid without arguments (a description chosen from a table). */
void ks_text_set_id(ks_text *t, const char *msgid);
/* Puts a part before the others (a context prefix, or with KS_MSG_REST a wrapper). When the text
 * is full the outermost part is kept and the innermost dropped. */
void ks_text_prefixv(ks_text *t, const char *fmt, va_list ap);
void ks_text_wrap(ks_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes the text made with `tr` (NULL: English, the msgids themselves) into `out` (always
 * NUL-terminated when cap > 0); returns the length it wanted. `tr` maps a msgid to its
 * translation (ks_ctx_translator, kyso/ctx.h). A translation whose conversions do not match the
 * msgid's is ignored (the English is used). */
typedef const char *(*ks_tr_fn)(const void *arg, const char *msgid);
size_t ks_text_render(const ks_text *t, ks_tr_fn tr, const void *tr_arg, char *out, size_t cap);

typedef struct ks_error {
    ks_status status;
    char msg_en[KS_ERROR_MSG_MAX]; /* English text (the rendering without a catalogue) */
    ks_text text;                  /* msgids and arguments, for ks_error_render */
} ks_error;

/* Records an error. `fmt` is a printf format that is also the gettext msgid: write it in
 * English and wrap literal formats in N_() so xgettext finds them. Returns `status` so that
 * callers can write `return ks_error_set(err, KS_E_FORMAT, N_("..."), ...);`.
 * A NULL `err` is allowed: the status is still returned. */
ks_status ks_error_set(ks_error *err, ks_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
ks_status ks_error_setv(ks_error *err, ks_status status, const char *fmt, va_list ap);

/* An error whose message is one msgid without arguments. */
ks_status ks_error_set_id(ks_error *err, ks_status status, const char *msgid);

/* Prepends context ("while reading %s: ") to an existing message. `fmt` is a msgid like the
 * one of ks_error_set. */
void ks_error_prefix(ks_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Wraps the existing message: `fmt` has a %s given KS_MSG_REST where the message goes. */
void ks_error_wrap(ks_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears `err` (status KS_OK, empty messages). NULL is a no-op. */
void ks_error_clear(ks_error *err);

/* A short, stable English name of a status class ("format", "io", ...). */
const char *ks_status_name(ks_status status);

/* Marks a string literal as a msgid without translating it at this point. */
#ifndef N_
#define N_(s) (s)
#endif

#ifdef __cplusplus
}
#endif
#endif
