/* util/dynlib.c — loads an optional shared library on first use (bottom layer); see dynlib.h.
 * The handles are never closed: the process keeps using the functions until it exits, and
 * libraries such as libcurl and GnuTLS do not support being unloaded. */
#include "dynlib.h"

#include <dlfcn.h>
#include <string.h>

/* "liba.so.0, libb.so.0": the sonames of `t`, for a message. */
static void lib_list(const ks_dl_table *t, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; t->libs[i] && n + 1 < cap; i++) {
        size_t l = strlen(t->libs[i]);
        const char *sep = i ? ", " : "";
        if (n + strlen(sep) + l >= cap)
            break;
        memcpy(out + n, sep, strlen(sep));
        n += strlen(sep);
        memcpy(out + n, t->libs[i], l);
        n += l;
        out[n] = 0;
    }
}

ks_status ks_dl_load(ks_dl_table *t, ks_error *err)
{
    if (atomic_load_explicit(&t->loaded, memory_order_acquire))
        return KS_OK;
    ks_status st = KS_OK;
    void *handles[KS_DL_MAX_LIBS];
    size_t nlibs = 0;
    pthread_mutex_lock(&t->lock);
    if (atomic_load_explicit(&t->loaded, memory_order_relaxed))
        goto done;
    for (; nlibs < KS_DL_MAX_LIBS && t->libs[nlibs]; nlibs++) {
        /* A library opened before a later one fails stays loaded: harmless, and the next
         * attempt gets the same handle back. */
        handles[nlibs] = dlopen(t->libs[nlibs], RTLD_NOW | RTLD_LOCAL);
        if (!handles[nlibs]) {
            const char *why = dlerror();
            st = ks_error_set(err, KS_E_IO, N_("cannot load library %s: %s"), t->libs[nlibs],
                              why ? why : "?");
            goto done;
        }
    }
    for (size_t k = 0; k < t->count; k++) {
        void *sym = NULL;
        for (size_t i = 0; i < nlibs && !sym; i++)
            sym = dlsym(handles[i], t->names[k]);
        if (!sym) {
            char libs[256];
            lib_list(t, libs, sizeof libs);
            st = ks_error_set(err, KS_E_IO, N_("library %s has no function %s"), libs, t->names[k]);
            goto done;
        }
        /* POSIX guarantees that a function's address survives the trip through void *. */
        t->slots[k] = (ks_dl_fn)sym;
    }
    atomic_store_explicit(&t->loaded, true, memory_order_release);
done:
    pthread_mutex_unlock(&t->lock);
    return st;
}
