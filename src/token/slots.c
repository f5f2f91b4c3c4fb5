/* token/slots.c — which tokens a module sees: slot enumeration, token information (labels,
 * PIN-state flags) and lookup of a token by its label. */
#include <stdlib.h>
#include <string.h>

#include "p11_internal.h"

/* PKCS#11 strings are fixed-width, blank-padded, not NUL-terminated. */
static void copy_padded(char *dst, size_t cap, const unsigned char *src, size_t n)
{
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(dst, src, k);
    while (k > 0 && (dst[k - 1] == ' ' || dst[k - 1] == 0))
        k--;
    dst[k] = 0;
}

ks_status ks_p11_token_info(ks_p11 *p, CK_SLOT_ID slot, ks_token_info *out, CK_FLAGS *flags,
                            ks_error *err)
{
    CK_TOKEN_INFO ti;
    memset(out, 0, sizeof *out);
    CK_RV rv = p->f->C_GetTokenInfo(slot, &ti);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_GetTokenInfo", NULL);
    out->slot = (unsigned long)slot;
    copy_padded(out->label, sizeof out->label, ti.label, sizeof ti.label);
    copy_padded(out->manufacturer, sizeof out->manufacturer, ti.manufacturerID,
                sizeof ti.manufacturerID);
    copy_padded(out->model, sizeof out->model, ti.model, sizeof ti.model);
    copy_padded(out->serial, sizeof out->serial, ti.serialNumber, sizeof ti.serialNumber);
    CK_FLAGS f = ti.flags;
    out->initialized = (f & CKF_TOKEN_INITIALIZED) != 0;
    out->user_pin_initialized = (f & CKF_USER_PIN_INITIALIZED) != 0;
    out->login_required = (f & CKF_LOGIN_REQUIRED) != 0;
    out->user_pin_count_low = (f & CKF_USER_PIN_COUNT_LOW) != 0;
    out->user_pin_final_try = (f & CKF_USER_PIN_FINAL_TRY) != 0;
    out->user_pin_locked = (f & CKF_USER_PIN_LOCKED) != 0;
    out->so_pin_count_low = (f & CKF_SO_PIN_COUNT_LOW) != 0;
    out->so_pin_final_try = (f & CKF_SO_PIN_FINAL_TRY) != 0;
    out->so_pin_locked = (f & CKF_SO_PIN_LOCKED) != 0;
    if (flags)
        *flags = f;
    return KS_OK;
}

ks_status ks_p11_list(ks_p11 *p, ks_token_info **out, size_t *count, ks_error *err)
{
    *out = NULL;
    *count = 0;
    CK_ULONG n = 0;
    CK_RV rv = p->f->C_GetSlotList(CK_TRUE, NULL, &n);
    if (rv != CKR_OK)
        return ks_p11_fail(err, rv, "C_GetSlotList", NULL);
    if (n == 0)
        return KS_OK;
    if (n > 1024)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("the PKCS#11 module reports %lu slots (limit 1024)"),
                            (unsigned long)n);
    CK_SLOT_ID *slots = calloc(n, sizeof *slots);
    ks_token_info *infos = calloc(n, sizeof *infos);
    ks_status st = KS_OK;
    if (!slots || !infos) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    rv = p->f->C_GetSlotList(CK_TRUE, slots, &n);
    if (rv != CKR_OK) {
        st = ks_p11_fail(err, rv, "C_GetSlotList", NULL);
        goto done;
    }
    size_t k = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        /* A token pulled out between the two calls is skipped, not an error. */
        if (ks_p11_token_info(p, slots[i], &infos[k], NULL, NULL) == KS_OK)
            k++;
    }
    *out = infos;
    *count = k;
    infos = NULL;
done:
    free(slots);
    free(infos);
    return st;
}

ks_status ks_p11_find_token(ks_p11 *p, const char *label, ks_token_info *out, ks_error *err)
{
    ks_token_info *all = NULL;
    size_t n = 0, hits = 0;
    ks_status st = ks_p11_list(p, &all, &n, err);
    if (st != KS_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        bool match = label ? strcmp(all[i].label, label) == 0 : all[i].initialized;
        if (match) {
            if (hits == 0)
                *out = all[i];
            hits++;
        }
    }
    free(all);
    if (hits == 1)
        return KS_OK;
    if (hits == 0) {
        if (label)
            return ks_error_set(err, KS_E_TOKEN, N_("no token labelled \"%s\" (is it plugged in?)"),
                                label);
        return ks_error_set(err, KS_E_TOKEN, N_("no initialised token found (is it plugged in?)"));
    }
    if (label)
        return ks_error_set(err, KS_E_TOKEN,
                            N_("%zu tokens are labelled \"%s\"; unplug the others"), hits, label);
    return ks_error_set(err, KS_E_USAGE, N_("%zu tokens are present; choose one by its label"),
                        hits);
}

const char *ks_token_pin_state(const ks_token_info *ti)
{
    if (!ti->initialized)
        return N_("not initialised");
    if (ti->user_pin_locked)
        return N_("user PIN locked (recovery: Mẫu 06 request to Sở KH&CN, kyso token unblock)");
    if (!ti->user_pin_initialized)
        return N_("user PIN not set");
    if (ti->user_pin_final_try)
        return N_("user PIN: one try left");
    if (ti->user_pin_count_low)
        return N_("user PIN: few tries left");
    if (ti->so_pin_locked)
        return N_("SO PIN locked");
    return N_("ready");
}
