/* tests/agent/p11_shim.c — a PKCS#11 module for tests that wraps SoftHSM2 and makes its token
 * look like a real USB token in the states SoftHSM2 cannot reach (it has no retry limit and no
 * pinpad): KYSO_SHIM_FLAGS adds token flags ("locked", "final-try", "count-low",
 * "protected"). A locked token refuses C_Login with CKR_PIN_LOCKED; a protected-path token
 * logs in with a NULL PIN by reading the PIN "typed on the reader" from KYSO_SHIM_PIN_FILE.
 * KYSO_SHIM_REAL names the wrapped module. Every other call goes to SoftHSM2 unchanged. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST real, shim;

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

static CK_RV shim_login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG n)
{
    CK_FLAGS x = extra();
    if (x & CKF_USER_PIN_LOCKED)
        return CKR_PIN_LOCKED;
    if (!pin && (x & CKF_PROTECTED_AUTHENTICATION_PATH)) {
        char buf[128] = "";
        FILE *f = fopen(getenv("KYSO_SHIM_PIN_FILE"), "r");
        if (!f || !fgets(buf, sizeof buf, f)) {
            if (f)
                fclose(f);
            return CKR_PIN_INCORRECT;
        }
        fclose(f);
        buf[strcspn(buf, "\r\n")] = 0;
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
    *out = &shim;
    return CKR_OK;
}
