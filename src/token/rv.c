/* token/rv.c — turns PKCS#11 return values into kyso errors (KS_E_TOKEN) that say what went
 * wrong in words, and picks the PIN message from the token's remaining-tries flags. */
#include <stdio.h>

#include "p11_internal.h"

typedef struct rv_desc {
    CK_RV rv;
    const char *name;
    const char *what; /* msgid */
} rv_desc;

static const rv_desc k_rv[] = {
    {CKR_CANCEL, "CKR_CANCEL", N_("the operation was cancelled")},
    {CKR_HOST_MEMORY, "CKR_HOST_MEMORY", N_("the module ran out of memory")},
    {CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID", N_("no such slot")},
    {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR", N_("the module reported a general error")},
    {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED", N_("the token could not do it")},
    {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD", N_("invalid arguments")},
    {CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE",
     N_("the value is sensitive and cannot be read")},
    {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID",
     N_("the object has no such attribute")},
    {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID", N_("invalid attribute value")},
    {CKR_DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE", N_("the data has the wrong length")},
    {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR", N_("the device reported an error")},
    {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY", N_("the token's memory is full")},
    {CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED", N_("the token was removed")},
    {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED",
     N_("the module does not support this function")},
    {CKR_KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID", N_("the key is no longer there")},
    {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT",
     N_("the key type does not fit the mechanism")},
    {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID",
     N_("the token does not support this mechanism")},
    {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID",
     N_("the token rejects the mechanism parameters")},
    {CKR_OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID", N_("the object is no longer there")},
    {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT", N_("wrong PIN")},
    {CKR_PIN_INVALID, "CKR_PIN_INVALID", N_("the PIN has characters the token does not accept")},
    {CKR_PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE", N_("the PIN is too short or too long")},
    {CKR_PIN_EXPIRED, "CKR_PIN_EXPIRED", N_("the PIN has expired")},
    {CKR_PIN_LOCKED, "CKR_PIN_LOCKED", N_("the PIN is locked")},
    {CKR_SESSION_CLOSED, "CKR_SESSION_CLOSED", N_("the session was closed")},
    {CKR_SESSION_COUNT, "CKR_SESSION_COUNT", N_("the token has too many open sessions")},
    {CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID", N_("the session is not valid")},
    {CKR_SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY", N_("the session is read-only")},
    {CKR_SESSION_EXISTS, "CKR_SESSION_EXISTS",
     N_("another session is open on the token (close other programs using it)")},
    {CKR_SESSION_READ_ONLY_EXISTS, "CKR_SESSION_READ_ONLY_EXISTS",
     N_("a read-only session is open, so the SO cannot log in")},
    {CKR_SESSION_READ_WRITE_SO_EXISTS, "CKR_SESSION_READ_WRITE_SO_EXISTS",
     N_("the SO is logged in, so a read-only session cannot be opened")},
    {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID", N_("the signature is invalid")},
    {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE", N_("the object template is incomplete")},
    {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT",
     N_("the object template is inconsistent")},
    {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT", N_("no token in the slot")},
    {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED", N_("the token is not recognised")},
    {CKR_TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED", N_("the token is write-protected")},
    {CKR_USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN", N_("already logged in")},
    {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN", N_("not logged in")},
    {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED",
     N_("the user PIN has not been set (kyso token init)")},
    {CKR_USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID", N_("invalid user type")},
    {CKR_USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
     N_("another user is logged in to the token")},
    {CKR_USER_TOO_MANY_TYPES, "CKR_USER_TOO_MANY_TYPES", N_("too many users logged in")},
    {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL", N_("the output buffer is too small")},
    {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED",
     N_("the module is not initialised")},
    {CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED",
     N_("the module is already initialised")},
    {CKR_RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG", N_("the token has no random generator")},
    {CKR_KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE", N_("the token does not support this key size")},
    {CKR_CURVE_NOT_SUPPORTED, "CKR_CURVE_NOT_SUPPORTED",
     N_("the token does not support this curve")},
};

static const rv_desc *find_rv(CK_RV rv)
{
    for (size_t i = 0; i < sizeof k_rv / sizeof k_rv[0]; i++)
        if (k_rv[i].rv == rv)
            return &k_rv[i];
    return NULL;
}

const char *ks_p11_rv_name(CK_RV rv)
{
    static _Thread_local char buf[32];
    const rv_desc *d = find_rv(rv);
    if (d)
        return d->name;
    snprintf(buf, sizeof buf, "CKR_0x%08lX", (unsigned long)rv);
    return buf;
}

ks_status ks_p11_fail(ks_error *err, CK_RV rv, const char *fn, const char *token)
{
    const rv_desc *d = find_rv(rv);
    const char *what_en = d ? d->what : N_("unknown error");
    if (!err)
        return KS_E_TOKEN;
    /* The description is a msgid of its own, rendered in the same language as the rest. */
    ks_error_set_id(err, KS_E_TOKEN, what_en);
    if (token)
        ks_error_wrap(err, N_("%s failed on token \"%s\": %s (%s)"), fn, token, KS_MSG_REST,
                      ks_p11_rv_name(rv));
    else
        ks_error_wrap(err, N_("%s failed: %s (%s)"), fn, KS_MSG_REST, ks_p11_rv_name(rv));
    return KS_E_TOKEN;
}

const char *ks_p11_pin_msgid(CK_RV rv, CK_FLAGS flags, bool so)
{
    CK_FLAGS locked = so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
    CK_FLAGS final_try = so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
    CK_FLAGS low = so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
    if (rv == CKR_PIN_LOCKED || (flags & locked)) {
        if (so)
            return N_("the SO PIN of token \"%s\" is locked; only the token's provider can "
                      "re-initialise it");
        return N_("the user PIN of token \"%s\" is locked; recovery: the managing body files a "
                  "Mẫu 06 token-recovery request to the Department of Science and Technology "
                  "(Sở KH&CN), which resets the PIN with the SO PIN within 01 working day — "
                  "kyso token unblock");
    }
    if (rv != CKR_PIN_INCORRECT)
        return NULL;
    if (flags & final_try)
        return so ? N_("wrong SO PIN for token \"%s\"; one try left before the SO PIN locks")
                  : N_("wrong user PIN for token \"%s\"; one try left before the token locks");
    if (flags & low)
        return so ? N_("wrong SO PIN for token \"%s\"; few tries left before the SO PIN locks")
                  : N_("wrong user PIN for token \"%s\"; few tries left before the token locks");
    return so ? N_("wrong SO PIN for token \"%s\"") : N_("wrong user PIN for token \"%s\"");
}
