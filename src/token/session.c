/* token/session.c — a session on one token with an optional login: the common first step of
 * signing and of every administrative operation. PINs pass through but are never kept. */
#include <string.h>

#include "p11_internal.h"

ks_status ks_p11_login(ks_p11_sess *s, CK_USER_TYPE user, const char *pin, ks_error *err)
{
    /* C_Login and its record under one lock: a second thread's login on the same token
     * otherwise sees CKR_USER_ALREADY_LOGGED_IN before the first one's record exists. */
    ks_p11_login_lock(s->p);
    CK_RV rv = s->p->f->C_Login(s->h, user, (CK_UTF8CHAR *)pin, (CK_ULONG)strlen(pin));
    int same = -1;
    if (rv == CKR_OK && user == CKU_USER)
        ks_p11_note_login(s->p, s->slot, pin);
    else if (rv == CKR_USER_ALREADY_LOGGED_IN && user == CKU_USER)
        same = ks_p11_check_login(s->p, s->slot, pin);
    ks_p11_login_unlock(s->p);
    if (rv == CKR_OK)
        return KS_OK;
    if (rv == CKR_USER_ALREADY_LOGGED_IN && user == CKU_USER) {
        /* Login state is per application: a live signer in this process holds it, and the
         * token did not check this PIN. Compare it with the one that logged in. */
        if (same == 1)
            return KS_OK;
        if (same == 0)
            return ks_error_set(err, KS_E_TOKEN, ks_p11_pin_msgid(CKR_PIN_INCORRECT, 0, false),
                                s->info.label);
        return ks_error_set(err, KS_E_TOKEN,
                            N_("token \"%s\" is already logged in by another part of this "
                               "program; the PIN cannot be checked"),
                            s->info.label);
    }
    CK_FLAGS flags = 0;
    ks_token_info ti;
    /* The remaining-tries flags are only meaningful after the failed attempt. */
    if (ks_p11_token_info(s->p, s->slot, &ti, &flags, NULL) != KS_OK)
        flags = 0;
    const char *msgid = ks_p11_pin_msgid(rv, flags, user == CKU_SO);
    if (msgid)
        return ks_error_set(err, KS_E_TOKEN, msgid, s->info.label);
    return ks_p11_fail(err, rv, "C_Login", s->info.label);
}

ks_status ks_p11_open(const char *module_path, const char *token_label, bool rw, CK_USER_TYPE user,
                      const char *pin, ks_p11_sess *s, ks_error *err)
{
    memset(s, 0, sizeof *s);
    ks_status st = ks_p11_load(module_path, &s->p, err);
    if (st != KS_OK)
        return st;
    st = ks_p11_find_token(s->p, token_label, &s->info, err);
    if (st != KS_OK)
        goto fail;
    s->slot = (CK_SLOT_ID)s->info.slot;
    if (pin && user == CKU_USER && s->info.user_pin_locked) {
        /* Do not spend a try on a token that already says it is locked. */
        st = ks_error_set(err, KS_E_TOKEN, ks_p11_pin_msgid(CKR_PIN_LOCKED, 0, false),
                          s->info.label);
        goto fail;
    }
    CK_FLAGS fl = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
    ks_p11_login_lock(s->p);
    CK_RV rv = s->p->f->C_OpenSession(s->slot, fl, NULL, NULL, &s->h);
    if (rv == CKR_OK)
        ks_p11_sess_opened(s->p, s->slot);
    ks_p11_login_unlock(s->p);
    if (rv != CKR_OK) {
        st = ks_p11_fail(err, rv, "C_OpenSession", s->info.label);
        goto fail;
    }
    s->open = true;
    if (pin) {
        st = ks_p11_login(s, user, pin, err);
        if (st != KS_OK)
            goto fail;
    }
    return KS_OK;
fail:
    ks_p11_close(s);
    return st;
}

void ks_p11_close(ks_p11_sess *s)
{
    if (!s || !s->p)
        return;
    if (s->open) {
        ks_p11_login_lock(s->p);
        s->p->f->C_CloseSession(s->h);
        ks_p11_sess_closed(s->p, s->slot);
        ks_p11_login_unlock(s->p);
    }
    s->open = false;
    ks_p11_unload(s->p);
    s->p = NULL;
}
