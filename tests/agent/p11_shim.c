/* tests/agent/p11_shim.c — a PKCS#11 module for tests that wraps SoftHSM2 and makes its token
 * look like a real USB token in the states SoftHSM2 cannot reach (it has no retry limit and no
 * pinpad): KYSO_SHIM_FLAGS adds token flags ("locked", "final-try", "count-low",
 * "protected", "always-auth"). A locked token refuses C_Login with CKR_PIN_LOCKED; a protected-path
 * token logs in with a NULL PIN by reading the PIN "typed on the reader" from KYSO_SHIM_PIN_FILE.
 * "always-auth" gives keys CKA_ALWAYS_AUTHENTICATE: each C_Sign then needs a
 * C_Login(CKU_CONTEXT_SPECIFIC) with the PIN after its C_SignInit, as on a qualified token.
 * KYSO_SHIM_REAL names the wrapped module. Every other call goes to SoftHSM2 unchanged. */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST real, shim;
static int need_context_login; /* a C_SignInit waits for its C_Login(CKU_CONTEXT_SPECIFIC) */

static CK_FLAGS extra(void)
{
    const char *f = getenv("KYSO_SHIM_FLAGS");
    CK_FLAGS x = 0;
    if (f && strstr(f, "locked"))
        x |= CKF_USER_PIN_LOCKED;
    if (f && strstr(f, "final-try"))
        x |= CKF_USER_PIN_FINAL_TRY;
    if (f && strstr(f, "count-low"))
        x |= CKF_USER_PIN_COUNT_LOW;
    if (f && strstr(f, "protected"))
        x |= CKF_PROTECTED_AUTHENTICATION_PATH;
    return x;
}

static CK_RV shim_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    CK_RV rv = real.C_GetTokenInfo(slot, info);
    if (rv == CKR_OK)
        info->flags |= extra();
    return rv;
}

static int always_auth(void)
{
    const char *f = getenv("KYSO_SHIM_FLAGS");
    return f && strstr(f, "always-auth");
}

static bool read_pin(char *buf, size_t cap)
{
    FILE *f = fopen(getenv("KYSO_SHIM_PIN_FILE"), "r");
    bool ok = f && fgets(buf, (int)cap, f);
    if (f)
        fclose(f);
    buf[strcspn(buf, "\r\n")] = 0;
    return ok;
}

static CK_RV shim_get_attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n)
{
    CK_RV rv = real.C_GetAttributeValue(s, o, t, n);
    for (CK_ULONG i = 0; always_auth() && i < n; i++)
        if (t[i].type == CKA_ALWAYS_AUTHENTICATE && t[i].pValue &&
            t[i].ulValueLen == sizeof(CK_BBOOL))
            *(CK_BBOOL *)t[i].pValue = CK_TRUE;
    return rv;
}

static CK_RV shim_sign_init(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k)
{
    CK_RV rv = real.C_SignInit(s, m, k);
    need_context_login = rv == CKR_OK && always_auth();
    return rv;
}

static CK_RV shim_sign(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dl, CK_BYTE_PTR sig,
                       CK_ULONG_PTR sl)
{
    if (need_context_login)
        return CKR_USER_NOT_LOGGED_IN;
    return real.C_Sign(s, d, dl, sig, sl);
}

static CK_RV shim_login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG n)
{
    CK_FLAGS x = extra();
    if (u == CKU_CONTEXT_SPECIFIC) {
        char want[128] = "";
        if (!read_pin(want, sizeof want) || !pin || strlen(want) != n || memcmp(want, pin, n))
            return CKR_PIN_INCORRECT;
        need_context_login = 0;
        return CKR_OK;
    }
    if (x & CKF_USER_PIN_LOCKED)
        return CKR_PIN_LOCKED;
    if (!pin && (x & CKF_PROTECTED_AUTHENTICATION_PATH)) {
        char buf[128] = "";
        if (!read_pin(buf, sizeof buf))
            return CKR_PIN_INCORRECT;
        return real.C_Login(s, u, (CK_UTF8CHAR_PTR)buf, (CK_ULONG)strlen(buf));
    }
    if (!pin)
        return CKR_ARGUMENTS_BAD;
    return real.C_Login(s, u, pin, n);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
    void *h = dlopen(getenv("KYSO_SHIM_REAL"), RTLD_NOW | RTLD_LOCAL);
    CK_C_GetFunctionList getf = h ? (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList") : NULL;
    CK_FUNCTION_LIST_PTR f;
    if (!getf || getf(&f) != CKR_OK)
        return CKR_GENERAL_ERROR;
    real = *f;
    shim = *f;
    shim.C_GetTokenInfo = shim_token_info;
    shim.C_Login = shim_login;
    shim.C_GetAttributeValue = shim_get_attr;
    shim.C_SignInit = shim_sign_init;
    shim.C_Sign = shim_sign;
    *out = &shim;
    return CKR_OK;
}
