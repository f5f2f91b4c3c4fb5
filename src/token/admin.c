/* token/admin.c — token life-cycle operations: initialise a token (SO PIN + user PIN), change
 * the user PIN, and recovery: the SO sets a new user PIN, which also clears a locked one. */
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"
#include "p11_internal.h"

/* The slot to initialise: the token already labelled `label`, else the first uninitialised. */
static ks_status pick_slot(ks_p11 *p, const char *label, CK_SLOT_ID *slot, ks_error *err)
{
    ks_token_info *all = NULL;
    size_t n = 0;
    ks_status st = ks_p11_list(p, &all, &n, err);
    if (st != KS_OK)
        return st;
    size_t pick = n;
    for (size_t i = 0; i < n && pick == n; i++)
        if (all[i].initialized && strcmp(all[i].label, label) == 0)
            pick = i;
    for (size_t i = 0; i < n && pick == n; i++)
        if (!all[i].initialized)
            pick = i;
    if (pick < n)
        *slot = (CK_SLOT_ID)all[pick].slot;
    else
        st = ks_error_set(err, KS_E_TOKEN,
                          N_("no uninitialised token and none labelled \"%s\" to initialise"),
                          label);
    free(all);
    return st;
}

ks_status ks_token_init(const char *module_path, const char *label, const char *so_pin,
                        const char *user_pin, ks_error *err)
{
    if (!label || !*label || strlen(label) > 32)
        return ks_error_set(err, KS_E_USAGE, N_("a token label must have 1 to 32 bytes"));
    if (ks_text_check_name("token label", label, err) != KS_OK)
        return KS_E_USAGE;
    if (!so_pin || !user_pin)
        return ks_error_set(err, KS_E_USAGE,
                            N_("initialising a token needs an SO PIN and a user PIN"));
    ks_p11 *p = NULL;
    ks_status st = ks_p11_load(module_path, &p, err);
    if (st != KS_OK)
        return st;
    CK_SLOT_ID slot = 0;
    st = pick_slot(p, label, &slot, err);
    if (st != KS_OK)
        goto done;
    /* Check both PINs first: after C_InitToken a rejected user PIN would leave a token that
     * nobody can use until the SO sets one. */
    CK_TOKEN_INFO ti;
    CK_RV rv = p->f->C_GetTokenInfo(slot, &ti);
    if (rv != CKR_OK) {
        st = ks_p11_fail(err, rv, "C_GetTokenInfo", label);
        goto done;
    }
    size_t lo = (size_t)ti.ulMinPinLen, hi = (size_t)ti.ulMaxPinLen;
    if (hi > 0 && hi >= lo) {
        size_t sl = strlen(so_pin), ul = strlen(user_pin);
        if (sl < lo || sl > hi || ul < lo || ul > hi) {
            st = ks_error_set(err, KS_E_USAGE,
                              N_("token \"%s\" accepts PINs of %zu to %zu characters (SO PIN: "
                                 "%zu, user PIN: %zu)"),
                              label, lo, hi, sl, ul);
            goto done;
        }
    }
    CK_UTF8CHAR lab[32];
    memset(lab, ' ', sizeof lab); /* PKCS#11 labels are blank-padded */
    memcpy(lab, label, strlen(label));
    rv = p->f->C_InitToken(slot, (CK_UTF8CHAR *)so_pin, (CK_ULONG)strlen(so_pin), lab);
    if (rv != CKR_OK) {
        const char *msgid = ks_p11_pin_msgid(rv, 0, true);
        st = msgid ? ks_error_set(err, KS_E_TOKEN, msgid, label)
                   : ks_p11_fail(err, rv, "C_InitToken", label);
        goto done;
    }
    /* Some modules (SoftHSM2) move an initialised token to a new slot: find it again. */
    ks_p11_sess s;
    st = ks_p11_open(module_path, label, true, CKU_SO, so_pin, &s, err);
    if (st != KS_OK)
        goto done;
    rv = p->f->C_InitPIN(s.h, (CK_UTF8CHAR *)user_pin, (CK_ULONG)strlen(user_pin));
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_InitPIN", label);
    ks_p11_close(&s);
done:
    ks_p11_unload(p);
    return st;
}

ks_status ks_token_change_pin(const char *module_path, const char *token_label, const char *old_pin,
                              const char *new_pin, ks_error *err)
{
    if (!old_pin || !new_pin)
        return ks_error_set(err, KS_E_USAGE, N_("changing the PIN needs the old and the new PIN"));
    ks_p11_sess s;
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_USER, old_pin, &s, err);
    if (st != KS_OK)
        return st;
    CK_RV rv = s.p->f->C_SetPIN(s.h, (CK_UTF8CHAR *)old_pin, (CK_ULONG)strlen(old_pin),
                                (CK_UTF8CHAR *)new_pin, (CK_ULONG)strlen(new_pin));
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_SetPIN", s.info.label);
    ks_p11_close(&s);
    return st;
}

ks_status ks_token_unblock(const char *module_path, const char *token_label, const char *so_pin,
                           const char *new_user_pin, ks_error *err)
{
    if (!so_pin || !new_user_pin)
        return ks_error_set(err, KS_E_USAGE,
                            N_("unblocking a token needs the SO PIN and a new user PIN"));
    ks_p11_sess s;
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_SO, so_pin, &s, err);
    if (st != KS_OK)
        return st;
    /* PKCS#11 v2.40 §5.6: C_InitPIN in an SO session sets the user PIN and resets its lock. */
    CK_RV rv = s.p->f->C_InitPIN(s.h, (CK_UTF8CHAR *)new_user_pin, (CK_ULONG)strlen(new_user_pin));
    if (rv != CKR_OK)
        st = ks_p11_fail(err, rv, "C_InitPIN", s.info.label);
    ks_p11_close(&s);
    return st;
}
