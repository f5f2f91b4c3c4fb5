/* tests/unit/token/p11_count.c — a PKCS#11 module for tests that wraps SoftHSM2
 * (KYSO_COUNT_REAL names it) and counts the calls whose repetition a long-lived token session
 * must avoid: C_Initialize, C_OpenSession and C_Login. The test reads the counts through
 * kyso_count_get(); another process's test (kysod's) sets KYSO_COUNT_FILE, to which each counted
 * call appends its name on a line (lines survive the module's unloads). Every call goes to
 * SoftHSM2 unchanged. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST real, shim;
static unsigned long n_init, n_open, n_login;

/* 0: C_Initialize, 1: C_OpenSession, 2: C_Login. */
unsigned long kyso_count_get(int which);
unsigned long kyso_count_get(int which)
{
    return which == 0 ? n_init : which == 1 ? n_open : n_login;
}

static void note(const char *line)
{
    const char *path = getenv("KYSO_COUNT_FILE");
    int fd = path && *path ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd >= 0) {
        ssize_t w = write(fd, line, strlen(line));
        (void)w;
        close(fd);
    }
}

static CK_RV count_init(CK_VOID_PTR a)
{
    n_init++;
    note("C_Initialize\n");
    return real.C_Initialize(a);
}

static CK_RV count_open(CK_SLOT_ID slot, CK_FLAGS fl, CK_VOID_PTR app, CK_NOTIFY notify,
                        CK_SESSION_HANDLE_PTR h)
{
    n_open++;
    note("C_OpenSession\n");
    return real.C_OpenSession(slot, fl, app, notify, h);
}

static CK_RV count_login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG n)
{
    n_login++;
    note("C_Login\n");
    return real.C_Login(s, u, pin, n);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
    void *h = dlopen(getenv("KYSO_COUNT_REAL"), RTLD_NOW | RTLD_LOCAL);
    CK_C_GetFunctionList getf = h ? (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList") : NULL;
    CK_FUNCTION_LIST_PTR f;
    if (!getf || getf(&f) != CKR_OK)
        return CKR_GENERAL_ERROR;
    real = *f;
    shim = *f;
    shim.C_Initialize = count_init;
    shim.C_OpenSession = count_open;
    shim.C_Login = count_login;
    *out = &shim;
    return CKR_OK;
}
