/* util/dynlib.h — optional shared libraries loaded on first use (dlopen) instead of at process
 * start: libcurl, libmicrohttpd, SQLite and HarfBuzz pull in some forty libraries whose loading
 * and relocation cost more than a whole `kyso verify` of a small file, while most commands never
 * touch them. Not a public API: the modules of libkyso include it, programs do not.
 *
 * Each user keeps a private header (src/net/curl_lazy.h, ...) that includes the library's own
 * header for its types and constants, lists the functions it calls, and redefines each name to a
 * typed call through the table, so the calling code stays as written:
 *
 *     #define KS_CURL_SYMBOLS(X) X(curl_easy_init) X(curl_easy_cleanup)
 *     KS_DL_DECLARE(ks_curl, KS_CURL_SYMBOLS);
 *     #define curl_easy_init KS_DL_FN(ks_curl, curl_easy_init)
 *
 * and one .c file defines it: KS_DL_DEFINE(ks_curl, KS_CURL_SYMBOLS, "libcurl.so.4");
 * Every entry point calls ks_dl_load() before its first call into the library; a function that
 * takes a handle of the library is only reachable with a handle, hence after loading. */
#ifndef KYSO_UTIL_DYNLIB_H
#define KYSO_UTIL_DYNLIB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "kyso/error.h"

/* A function pointer of no particular type; KS_DL_FN casts it back to the real one. */
typedef void (*ks_dl_fn)(void);

/* The most sonames one table loads (HarfBuzz needs two: the shaper and the subsetter). */
#define KS_DL_MAX_LIBS 4

typedef struct ks_dl_table {
    const char *const *libs;  /* sonames, NULL-terminated; every one is loaded */
    const char *const *names; /* `count` function names, looked up in `libs` in turn */
    ks_dl_fn *slots;          /* `count` slots, filled by ks_dl_load */
    size_t count;
    pthread_mutex_t lock;
    atomic_bool loaded; /* set (release) once every slot is filled; never cleared */
} ks_dl_table;

/* Loads the table's libraries (RTLD_NOW | RTLD_LOCAL) and resolves every name, once per
 * process; later calls cost one atomic load. Safe to call from several threads. The libraries
 * stay loaded until exit. On failure `err` (KS_E_IO) names the library and, when one is missing,
 * the function; the slots stay unusable and the next call tries again. */
ks_status ks_dl_load(ks_dl_table *t, ks_error *err);

#define KS_DL_INDEX_(name) ks_dl_i_##name,
#define KS_DL_NAME_(name) #name,

/* Declares `table` and the slot index of each function listed by SYMBOLS(X). The index is named
 * after the function alone (ks_dl_i_<name>), so a function belongs to one table. */
#define KS_DL_DECLARE(table, SYMBOLS)                                                              \
    enum { SYMBOLS(KS_DL_INDEX_) table##_count_ };                                                 \
    extern ks_dl_fn table##_slots[table##_count_];                                                 \
    extern ks_dl_table table

/* Defines `table` (once, in one .c file) for the sonames given after SYMBOLS. */
#define KS_DL_DEFINE(table, SYMBOLS, ...)                                                          \
    static const char *const table##_libs_[] = {__VA_ARGS__, NULL};                                \
    _Static_assert(sizeof table##_libs_ / sizeof *table##_libs_ <= KS_DL_MAX_LIBS + 1,             \
                   "too many libraries in " #table);                                               \
    static const char *const table##_names_[] = {SYMBOLS(KS_DL_NAME_)};                            \
    ks_dl_fn table##_slots[table##_count_];                                                        \
    ks_dl_table table = {table##_libs_,                                                            \
                         table##_names_,                                                           \
                         table##_slots,                                                            \
                         (size_t)table##_count_,                                                   \
                         PTHREAD_MUTEX_INITIALIZER,                                                \
                         false}

/* The loaded function `name` with its declared type. Used as the replacement of `name` itself
 * (#define name KS_DL_FN(table, name)): the inner `name` is not expanded again, so __typeof__
 * sees the library header's declaration. A GCC/Clang extension, fine in this private header. */
#define KS_DL_FN(table, name) ((__typeof__(name) *)table##_slots[ks_dl_i_##name])

#endif
