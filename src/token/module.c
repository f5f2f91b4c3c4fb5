/* token/module.c — loads a PKCS#11 module with dlopen and initialises it once per process.
 * Loads of the same path share one reference-counted entry, so a live signer survives an
 * admin call in the same process (C_Finalize would otherwise log it out). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "p11_internal.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ks_p11 *g_modules;

static ks_status load_locked(const char *path, ks_p11 **out, ks_error *err)
{
    for (ks_p11 *m = g_modules; m; m = m->next) {
        if (strcmp(m->path, path) == 0) {
            m->refs++;
            *out = m;
            return KS_OK;
        }
    }
    /* RTLD_LOCAL: two vendors' modules may export the same internal symbols. */
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        return ks_error_set(err, KS_E_TOKEN, N_("cannot load PKCS#11 module \"%s\": %s"), path,
                            why ? why : "?");
    }
    CK_C_GetFunctionList getf = (CK_C_GetFunctionList)dlsym(dl, "C_GetFunctionList");
    CK_FUNCTION_LIST *f = NULL;
    if (!getf) {
        dlclose(dl);
        return ks_error_set(err, KS_E_TOKEN,
                            N_("\"%s\" is not a PKCS#11 module (no C_GetFunctionList)"), path);
    }
    CK_RV rv = getf(&f);
    if (rv != CKR_OK || !f) {
        dlclose(dl);
        return ks_p11_fail(err, rv != CKR_OK ? rv : CKR_GENERAL_ERROR, "C_GetFunctionList", NULL);
    }
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK; /* the server calls tokens from several threads */
    rv = f->C_Initialize(&args);
    /* Another library in this process (p11-kit proxy, a TLS engine) may have initialised it. */
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        dlclose(dl);
        ks_p11_fail(err, rv, "C_Initialize", NULL);
        ks_error_prefix(err, N_("module \"%s\": "), path);
        return KS_E_TOKEN;
    }
    ks_p11 *m = calloc(1, sizeof *m);
    char *p = m ? strdup(path) : NULL;
    if (!p) {
        free(m);
        if (rv == CKR_OK)
            f->C_Finalize(NULL);
        dlclose(dl);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    m->path = p;
    m->dl = dl;
    m->f = f;
    m->refs = 1;
    m->finalize = rv == CKR_OK;
    pthread_mutex_init(&m->login_lock, NULL);
    m->next = g_modules;
    g_modules = m;
    *out = m;
    return KS_OK;
}

ks_status ks_p11_load(const char *module_path, ks_p11 **out, ks_error *err)
{
    *out = NULL;
    if (!module_path || !*module_path)
        return ks_error_set(err, KS_E_USAGE, N_("no PKCS#11 module given"));
    pthread_mutex_lock(&g_lock);
    ks_status st = load_locked(module_path, out, err);
    pthread_mutex_unlock(&g_lock);
    return st;
}

void ks_p11_unload(ks_p11 *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&g_lock);
    if (--p->refs == 0) {
        for (ks_p11 **pp = &g_modules; *pp; pp = &(*pp)->next) {
            if (*pp == p) {
                *pp = p->next;
                break;
            }
        }
        if (p->finalize)
            p->f->C_Finalize(NULL);
        dlclose(p->dl);
        pthread_mutex_destroy(&p->login_lock);
        free(p->path);
        free(p);
    }
    pthread_mutex_unlock(&g_lock);
}

/* ---- login bookkeeping ---- */

static uint8_t g_mac_key[32];
static bool g_mac_key_set;

static bool pin_mac(const char *pin, uint8_t out[32])
{
    if (!g_mac_key_set) {
        if (RAND_bytes(g_mac_key, sizeof g_mac_key) != 1)
            return false;
        g_mac_key_set = true;
    }
    unsigned int n = 32;
    return HMAC(EVP_sha256(), g_mac_key, sizeof g_mac_key, (const unsigned char *)pin, strlen(pin),
                out, &n) != NULL;
}

/* Entry of `slot`, created when `create`; NULL when the table is full or absent. */
static ks_p11_login_rec *slot_entry(ks_p11 *p, CK_SLOT_ID slot, bool create)
{
    ks_p11_login_rec *free_e = NULL;
    for (int i = 0; i < KS_P11_MAX_TRACKED; i++) {
        ks_p11_login_rec *e = &p->logins[i];
        if (e->sessions > 0 && e->slot == slot)
            return e;
        if (e->sessions == 0 && !free_e)
            free_e = e;
    }
    if (!create || !free_e)
        return NULL;
    memset(free_e, 0, sizeof *free_e);
    free_e->slot = slot;
    return free_e;
}

void ks_p11_login_lock(ks_p11 *p)
{
    pthread_mutex_lock(&p->login_lock);
}

void ks_p11_login_unlock(ks_p11 *p)
{
    pthread_mutex_unlock(&p->login_lock);
}

void ks_p11_sess_opened(ks_p11 *p, CK_SLOT_ID slot)
{
    pthread_mutex_lock(&g_lock);
    ks_p11_login_rec *e = slot_entry(p, slot, true);
    if (e)
        e->sessions++;
    pthread_mutex_unlock(&g_lock);
}

void ks_p11_sess_closed(ks_p11 *p, CK_SLOT_ID slot)
{
    pthread_mutex_lock(&g_lock);
    ks_p11_login_rec *e = slot_entry(p, slot, false);
    if (e && --e->sessions == 0)
        OPENSSL_cleanse(e, sizeof *e);
    pthread_mutex_unlock(&g_lock);
}

void ks_p11_note_login(ks_p11 *p, CK_SLOT_ID slot, const char *pin)
{
    pthread_mutex_lock(&g_lock);
    ks_p11_login_rec *e = slot_entry(p, slot, false);
    if (e)
        e->user = pin_mac(pin, e->mac);
    pthread_mutex_unlock(&g_lock);
}

int ks_p11_check_login(ks_p11 *p, CK_SLOT_ID slot, const char *pin)
{
    int r = -1;
    uint8_t mac[32];
    pthread_mutex_lock(&g_lock);
    ks_p11_login_rec *e = slot_entry(p, slot, false);
    if (e && e->user && pin_mac(pin, mac))
        r = CRYPTO_memcmp(mac, e->mac, sizeof mac) == 0;
    pthread_mutex_unlock(&g_lock);
    OPENSSL_cleanse(mac, sizeof mac);
    return r;
}
