/* util/error.c — the single error mechanism of libkyso (bottom layer).
 * Formats each message twice: the English msgid and its gettext translation. */
#include "kyso/error.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_translate = 1;

const char *ks_tr(const char *msgid)
{
    if (!g_translate || !msgid || !*msgid)
        return msgid;
    return dgettext("kyso", msgid);
}

void ks_i18n_init(const char *localedir, const char *lang)
{
    const char *env = getenv("KYSO_LOCALEDIR");
    if (!localedir)
        localedir = env && *env ? env : KYSO_LOCALEDIR;
    if (!lang || !*lang) {
        const char *l = getenv("KYSO_LANG");
        lang = l && *l ? l : "vi";
    }
    /* gettext ignores LANGUAGE in the "C" locale; C.UTF-8 is always present on Debian. */
    if (!setlocale(LC_ALL, ""))
        setlocale(LC_ALL, "C.UTF-8");
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (cur && (strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0))
        setlocale(LC_ALL, "C.UTF-8");
    setlocale(LC_NUMERIC, "C"); /* numbers in PDF and JSON output always use '.' */
    g_translate = strncmp(lang, "en", 2) != 0;
    if (g_translate)
        setenv("LANGUAGE", lang, 1);
    bindtextdomain("kyso", localedir);
    bind_textdomain_codeset("kyso", "UTF-8");
}

ks_status ks_error_setv(ks_error *err, ks_status status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    va_list ap2;
    va_copy(ap2, ap);
    err->status = status;
    vsnprintf(err->msg_en, sizeof err->msg_en, fmt, ap);
    vsnprintf(err->msg, sizeof err->msg, ks_tr(fmt), ap2);
    va_end(ap2);
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

static void prepend(char *dst, size_t cap, const char *prefix)
{
    char tmp[KS_ERROR_MSG_MAX];
    size_t pl = strlen(prefix), dl = strlen(dst);
    if (pl >= sizeof tmp)
        pl = sizeof tmp - 1;
    memcpy(tmp, prefix, pl);
    if (dl > sizeof tmp - 1 - pl)
        dl = sizeof tmp - 1 - pl;
    memcpy(tmp + pl, dst, dl);
    tmp[pl + dl] = 0;
    snprintf(dst, cap, "%s", tmp);
}

void ks_error_prefix(ks_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char en[KS_ERROR_MSG_MAX], tr[KS_ERROR_MSG_MAX];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    vsnprintf(en, sizeof en, fmt, ap);
    vsnprintf(tr, sizeof tr, ks_tr(fmt), ap2);
    va_end(ap2);
    va_end(ap);
    prepend(err->msg_en, sizeof err->msg_en, en);
    prepend(err->msg, sizeof err->msg, tr);
}

void ks_error_clear(ks_error *err)
{
    if (!err)
        return;
    err->status = KS_OK;
    err->msg_en[0] = '\0';
    err->msg[0] = '\0';
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
