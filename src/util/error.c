/* util/error.c — the single error mechanism of libkyso (bottom layer).
 * An error keeps its msgid and arguments (util/msg.c) and its English rendering; other languages
 * are rendered on demand (ks_error_render, util/ctx.c). */
#include "kyso/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void render_en(ks_error *err)
{
    ks_text_render(&err->text, NULL, NULL, err->msg_en, sizeof err->msg_en);
}

ks_status ks_error_setv(ks_error *err, ks_status status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    err->status = status;
    ks_text_setv(&err->text, fmt, ap);
    render_en(err);
    return status;
}

ks_status ks_error_set(ks_error *err, ks_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(err, status, fmt, ap);
    va_end(ap);
    return status;
}

ks_status ks_error_set_id(ks_error *err, ks_status status, const char *msgid)
{
    if (!err)
        return status;
    err->status = status;
    ks_text_set_id(&err->text, msgid);
    render_en(err);
    return status;
}

void ks_error_prefix(ks_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    ks_text_prefixv(&err->text, fmt, ap);
    va_end(ap);
    render_en(err);
}

void ks_error_wrap(ks_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    ks_text_prefixv(&err->text, fmt, ap);
    va_end(ap);
    render_en(err);
}

void ks_error_clear(ks_error *err)
{
    if (!err)
        return;
    err->status = KS_OK;
    err->msg_en[0] = '\0';
    err->text.nparts = 0;
}

const char *ks_status_name(ks_status s)
{
    switch (s) {
    case KS_OK:
        return "ok";
    case KS_E_USAGE:
        return "usage";
    case KS_E_IO:
        return "io";
    case KS_E_FORMAT:
        return "format";
    case KS_E_CRYPTO:
        return "crypto";
    case KS_E_TOKEN:
        return "token";
    case KS_E_TRUST:
        return "trust";
    case KS_E_LIMIT:
        return "limit";
    case KS_E_NOMEM:
        return "nomem";
    case KS_E_PASSWORD:
        return "password";
    case KS_E_STATE:
        return "state";
    }
    return "unknown";
}
