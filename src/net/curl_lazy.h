/* net/curl_lazy.h — libcurl, loaded on the first HTTP request (util/dynlib.h) so that commands
 * that never go online do not pay for libcurl and its thirty dependencies at start-up.
 * Include it instead of <curl/curl.h>; call ks_dl_load(&ks_curl, err) before any curl_ call. */
#ifndef KYSO_NET_CURL_LAZY_H
#define KYSO_NET_CURL_LAZY_H

#include <curl/curl.h>

#include "dynlib.h"

#define KS_CURL_SYMBOLS(X)                                                                         \
    X(curl_easy_cleanup)                                                                           \
    X(curl_easy_getinfo)                                                                           \
    X(curl_easy_init)                                                                              \
    X(curl_easy_perform)                                                                           \
    X(curl_easy_setopt)                                                                            \
    X(curl_easy_strerror)                                                                          \
    X(curl_global_init)                                                                            \
    X(curl_slist_append)                                                                           \
    X(curl_slist_free_all)
KS_DL_DECLARE(ks_curl, KS_CURL_SYMBOLS);

/* curl.h wraps these two in function-like macros (typecheck-gcc.h); a macro cannot both keep
 * that check and call through the table, so the plain varargs functions are used. */
#undef curl_easy_setopt
#undef curl_easy_getinfo

#define curl_easy_cleanup KS_DL_FN(ks_curl, curl_easy_cleanup)
#define curl_easy_getinfo KS_DL_FN(ks_curl, curl_easy_getinfo)
#define curl_easy_init KS_DL_FN(ks_curl, curl_easy_init)
#define curl_easy_perform KS_DL_FN(ks_curl, curl_easy_perform)
#define curl_easy_setopt KS_DL_FN(ks_curl, curl_easy_setopt)
#define curl_easy_strerror KS_DL_FN(ks_curl, curl_easy_strerror)
#define curl_global_init KS_DL_FN(ks_curl, curl_global_init)
#define curl_slist_append KS_DL_FN(ks_curl, curl_slist_append)
#define curl_slist_free_all KS_DL_FN(ks_curl, curl_slist_free_all)

#endif
