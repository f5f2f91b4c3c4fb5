/* net/http_guard.h — per-request deadline and header checks for the HTTP server
 * (http_guard.c). Private to net/. */
#ifndef KYSO_NET_HTTP_GUARD_H
#define KYSO_NET_HTTP_GUARD_H

#include <stdbool.h>

#include "mhd_lazy.h"

typedef struct ks_server_guard ks_server_guard;

/* Starts the watchdog: a request whose header and body have not all arrived `deadline_ms`
 * after it began has its connection shut down. NULL when out of memory or threads. */
ks_server_guard *ks_server_guard_new(unsigned deadline_ms);
/* Stops the watchdog thread (before MHD_stop_daemon, whose closing notices free the tracks). */
void ks_server_guard_stop(ks_server_guard *g);
void ks_server_guard_free(ks_server_guard *g); /* NULL is a no-op */
/* MHD_OPTION_NOTIFY_CONNECTION callback (cls: the guard). */
void ks_server_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code);
/* The request on `c` has arrived whole: its deadline stops. */
void ks_server_guard_received(ks_server_guard *g, struct MHD_Connection *c);
/* The request on `c` was answered: the next one (keep-alive) starts its deadline now. */
void ks_server_guard_next(ks_server_guard *g, struct MHD_Connection *c);
/* 0 when the headers frame the request unambiguously; else the HTTP status to answer at once
 * (400 for differing Content-Length values, 501 for a transfer coding other than chunked)
 * and `*why` the text. */
unsigned ks_server_guard_check_headers(struct MHD_Connection *c, const char **why);

#endif
