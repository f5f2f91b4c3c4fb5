/* verify/report.c — the report model: building signatures, messages and changes (msgid and
 * arguments, rendered in any language later; English kept at once), the worst-of rule for the
 * document verdict, and freeing everything. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_internal.h"

char *ks_vf_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

/* Appends a message, taking over `t` (freed on failure); its English text is rendered now. */
static bool push_text(ks_verify_msg **msgs, size_t *n, ks_text *t)
{
    size_t len = t ? ks_text_render(t, NULL, NULL, NULL, 0) : 0;
    char *en = t ? malloc(len + 1) : NULL;
    ks_verify_msg *m = en ? realloc(*msgs, (*n + 1) * sizeof **msgs) : NULL;
    if (!m) {
        free(t);
        free(en);
        return false;
    }
    ks_text_render(t, NULL, NULL, en, len + 1);
    *msgs = m;
    m[*n].msg = t;
    m[*n].text_en = en;
    (*n)++;
    return true;
}

static bool vmsg(ks_verify_msg **msgs, size_t *n, const char *fmt, va_list ap)
{
    ks_text *t = malloc(sizeof *t);
    if (t)
        ks_text_setv(t, fmt, ap);
    return push_text(msgs, n, t);
}

bool ks_vf_msg(ks_verify_msg **msgs, size_t *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = vmsg(msgs, n, fmt, ap);
    va_end(ap);
    return ok;
}

bool ks_vf_sig_msg(ks_verify_sig *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = vmsg(&s->messages, &s->nmessages, fmt, ap);
    va_end(ap);
    return ok;
}

bool ks_vf_report_msg(ks_verify_report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = vmsg(&r->messages, &r->nmessages, fmt, ap);
    va_end(ap);
    return ok;
}

/* A copy of an error's text (or of its English line when it was filled by hand). */
static ks_text *error_text(const ks_error *e)
{
    ks_text *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    if (e->text.nparts)
        *t = e->text;
    else
        ks_text_set(t, "%s", e->msg_en);
    return t;
}

bool ks_vf_sig_msg_err(ks_verify_sig *s, const char *fmt, const ks_error *e)
{
    /* fmt is a msgid with one %s: the error, rendered in the same language as fmt. */
    ks_text *t = error_text(e);
    if (t)
        ks_text_wrap(t, fmt, KS_MSG_REST);
    return push_text(&s->messages, &s->nmessages, t);
}

bool ks_vf_report_msg_err(ks_verify_report *r, const ks_error *e)
{
    return push_text(&r->messages, &r->nmessages, error_text(e));
}

bool ks_vf_sig_msg_change(ks_verify_sig *s, const char *fmt, const ks_verify_change *ch)
{
    ks_text *t = malloc(sizeof *t);
    if (!t)
        return false;
    *t = *ch->what_msg;
    ks_text_wrap(t, fmt, KS_MSG_REST, (unsigned)ch->num, (unsigned)ch->gen, ch->revision);
    return push_text(&s->messages, &s->nmessages, t);
}

void ks_vf_degrade(ks_verify_sig *s, ks_indication ind, ks_subindication sub)
{
    if (ind > s->indication || (ind == s->indication && s->subindication == KS_SUB_NONE)) {
        s->indication = ind;
        s->subindication = sub;
    }
}

bool ks_vf_change(ks_verify_sig *s, unsigned revision, uint32_t num, uint16_t gen, bool allowed,
                  const char *fmt, ...)
{
    ks_verify_change *c = realloc(s->changes, (s->nchanges + 1) * sizeof *c);
    if (!c)
        return false;
    s->changes = c;
    c += s->nchanges;
    memset(c, 0, sizeof *c);
    c->what_msg = malloc(sizeof *c->what_msg);
    if (!c->what_msg)
        return false;
    va_list ap;
    va_start(ap, fmt);
    ks_text_setv(c->what_msg, fmt, ap);
    va_end(ap);
    size_t len = ks_text_render(c->what_msg, NULL, NULL, NULL, 0);
    c->what = malloc(len + 1);
    if (!c->what) {
        free(c->what_msg);
        c->what_msg = NULL;
        return false;
    }
    ks_text_render(c->what_msg, NULL, NULL, c->what, len + 1);
    c->revision = revision;
    c->num = num;
    c->gen = gen;
    c->allowed = allowed;
    s->nchanges++;
    return true;
}

ks_verify_sig *ks_vf_add_sig(ks_verify_report *r)
{
    ks_verify_sig *s = realloc(r->sigs, (r->nsigs + 1) * sizeof *s);
    if (!s)
        return NULL;
    r->sigs = s;
    s += r->nsigs++;
    memset(s, 0, sizeof *s);
    s->indication = KS_IND_TOTAL_PASSED;
    s->chain = KS_CHAIN_INCOMPLETE;
    s->revocation = KS_REV_NOT_CHECKED;
    s->level = "none";
    s->coverage = KS_COVER_NONSTANDARD;
    return s;
}

void ks_vf_summarise(ks_verify_report *r)
{
    if (r->nsigs == 0) {
        r->indication = KS_IND_INDETERMINATE;
        r->subindication = KS_SUB_SIGNED_DATA_NOT_FOUND;
        return;
    }
    r->indication = KS_IND_TOTAL_PASSED;
    r->subindication = KS_SUB_NONE;
    for (size_t i = 0; i < r->nsigs; i++) {
        const ks_verify_sig *s = &r->sigs[i];
        if (s->indication > r->indication) {
            r->indication = s->indication;
            r->subindication = s->subindication;
        }
    }
}

int ks_verify_exit_code(const ks_verify_report *r)
{
    if (!r || r->nsigs == 0)
        return 2;
    switch (r->indication) {
    case KS_IND_TOTAL_PASSED:
        return 0;
    case KS_IND_TOTAL_FAILED:
        return 1;
    default:
        return 2;
    }
}

static void free_msgs(ks_verify_msg *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].msg);
        free(m[i].text_en);
    }
    free(m);
}

ks_verify_report *ks_verify_report_for_error(const char *file, const ks_error *e, time_t at)
{
    ks_verify_report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->file = ks_vf_strdup(file ? file : "");
    r->validation_time = at ? at : ks_now();
    r->indication = e->status == KS_E_FORMAT ? KS_IND_TOTAL_FAILED : KS_IND_INDETERMINATE;
    /* ETSI EN 319 102-1 lists FORMAT_FAILURE under TOTAL-FAILED; a file that could not be read
     * at all (I/O, password, a limit) keeps it, with INDETERMINATE: no judgement was made */
    r->subindication = KS_SUB_FORMAT_FAILURE;
    if (!r->file || !ks_vf_report_msg_err(r, e)) {
        ks_verify_report_free(r);
        return NULL;
    }
    return r;
}

void ks_verify_report_free(ks_verify_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nsigs; i++) {
        ks_verify_sig *s = &r->sigs[i];
        free(s->field);
        free(s->subfilter);
        for (size_t k = 0; k < s->nchanges; k++) {
            free(s->changes[k].what);
            free(s->changes[k].what_msg);
        }
        free(s->changes);
        free(s->signer.name);
        free(s->signer.title);
        free(s->signer.organization);
        free(s->signer.serial);
        free(s->signer.issuer);
        free_msgs(s->messages, s->nmessages);
    }
    free(r->sigs);
    free_msgs(r->messages, r->nmessages);
    free(r->file);
    free(r);
}

const char *ks_indication_name(ks_indication ind)
{
    switch (ind) {
    case KS_IND_TOTAL_PASSED:
        return "TOTAL-PASSED";
    case KS_IND_TOTAL_FAILED:
        return "TOTAL-FAILED";
    default:
        return "INDETERMINATE";
    }
}

const char *ks_subindication_name(ks_subindication sub)
{
    static const char *const names[] = {
        [KS_SUB_NONE] = "",
        [KS_SUB_FORMAT_FAILURE] = "FORMAT_FAILURE",
        [KS_SUB_HASH_FAILURE] = "HASH_FAILURE",
        [KS_SUB_SIG_CRYPTO_FAILURE] = "SIG_CRYPTO_FAILURE",
        [KS_SUB_REVOKED] = "REVOKED",
        [KS_SUB_EXPIRED] = "EXPIRED",
        [KS_SUB_NOT_YET_VALID] = "NOT_YET_VALID",
        [KS_SUB_CRYPTO_CONSTRAINTS_FAILURE] = "CRYPTO_CONSTRAINTS_FAILURE",
        [KS_SUB_SIG_CONSTRAINTS_FAILURE] = "SIG_CONSTRAINTS_FAILURE",
        [KS_SUB_CHAIN_CONSTRAINTS_FAILURE] = "CHAIN_CONSTRAINTS_FAILURE",
        [KS_SUB_NO_SIGNING_CERTIFICATE_FOUND] = "NO_SIGNING_CERTIFICATE_FOUND",
        [KS_SUB_NO_CERTIFICATE_CHAIN_FOUND] = "NO_CERTIFICATE_CHAIN_FOUND",
        [KS_SUB_OUT_OF_BOUNDS_NO_POE] = "OUT_OF_BOUNDS_NO_POE",
        [KS_SUB_REVOKED_NO_POE] = "REVOKED_NO_POE",
        [KS_SUB_TRY_LATER] = "TRY_LATER",
        [KS_SUB_SIGNED_DATA_NOT_FOUND] = "SIGNED_DATA_NOT_FOUND",
        [KS_SUB_GENERIC] = "GENERIC",
    };
    if ((size_t)sub >= sizeof names / sizeof names[0])
        return "GENERIC";
    return names[sub];
}
