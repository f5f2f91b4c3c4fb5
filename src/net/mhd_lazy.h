/* net/mhd_lazy.h — libmicrohttpd (and GnuTLS, which it pulls in), loaded when `ca serve` starts
 * its server (util/dynlib.h) rather than by every kyso command. http_server.c includes it in place
 * of <microhttpd.h>; ks_http_server_start loads the library before MHD_start_daemon, and the other
 * functions run on a started daemon's connections. */
#ifndef KYSO_NET_MHD_LAZY_H
#define KYSO_NET_MHD_LAZY_H

#include <microhttpd.h>

#include "dynlib.h"

#define KS_MHD_SYMBOLS(X)                                                                          \
    X(MHD_add_response_header)                                                                     \
    X(MHD_create_response_from_buffer)                                                             \
    X(MHD_destroy_response)                                                                        \
    X(MHD_get_connection_info)                                                                     \
    X(MHD_get_connection_values)                                                                   \
    X(MHD_queue_response)                                                                          \
    X(MHD_start_daemon)                                                                            \
    X(MHD_stop_daemon)
KS_DL_DECLARE(ks_mhd, KS_MHD_SYMBOLS);

#define MHD_add_response_header KS_DL_FN(ks_mhd, MHD_add_response_header)
#define MHD_create_response_from_buffer KS_DL_FN(ks_mhd, MHD_create_response_from_buffer)
#define MHD_destroy_response KS_DL_FN(ks_mhd, MHD_destroy_response)
#define MHD_get_connection_info KS_DL_FN(ks_mhd, MHD_get_connection_info)
#define MHD_get_connection_values KS_DL_FN(ks_mhd, MHD_get_connection_values)
#define MHD_queue_response KS_DL_FN(ks_mhd, MHD_queue_response)
#define MHD_start_daemon KS_DL_FN(ks_mhd, MHD_start_daemon)
#define MHD_stop_daemon KS_DL_FN(ks_mhd, MHD_stop_daemon)

#endif
