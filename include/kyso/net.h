/* kyso — HTTP transport (module net/, just above util/): a client on libcurl for TSAs, OCSP
 * responders and CRL distribution points, and a server on libmicrohttpd for the CA's endpoints
 * and, later, kysod. Both libraries are loaded on first use (util/dynlib.h). Knows nothing of
 * what travels over it: the domain modules (cms/, pki/) build and read the bodies. */
#ifndef KYSO_NET_H
#define KYSO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- client ---- */
#define KS_HTTP_MAX_BODY (32u * 1024 * 1024) /* default bound of an answer's body */

/* HTTP helpers (libcurl). http:// is the norm (revocation and TSA data carry their own
 * signatures); https:// is accepted because some TSAs listen only there. Other schemes are
 * KS_E_USAGE; a status other than 200 or a failed transfer is KS_E_IO (message names the URL
 * and status); a body over `max_len` (0 = 32 MiB) is KS_E_LIMIT. `timeout_ms` 0 = 30 s. */
ks_status ks_http_get(const char *url, long timeout_ms, size_t max_len, uint8_t **body, size_t *len,
                      ks_error *err);
ks_status ks_http_post(const char *url, const char *content_type, const uint8_t *data,
                       size_t data_len, long timeout_ms, size_t max_len, uint8_t **body,
                       size_t *len, ks_error *err);
/* ks_http_post with extra request headers ("Name: value", NULL-terminated list); *status
 * receives the HTTP status whenever an answer came (0 when none), so that a caller can tell a
 * refusal (4xx) from a peer that is down. */
ks_status ks_http_post_ex(const char *url, const char *content_type, const char *const *headers,
                          const uint8_t *data, size_t data_len, long timeout_ms, size_t max_len,
                          uint8_t **body, size_t *len, long *status, ks_error *err);
/* Both as one ks_fetch_fn (kyso/ctx.h; GET when `content_type` is NULL): the fetcher programs
 * install in their context (ks_ctx_opts.fetch = ks_http_fetch). `arg` is unused. */
ks_status ks_http_fetch(void *arg, const char *url, const char *content_type, const uint8_t *body,
                        size_t body_len, long timeout_ms, size_t max_len, uint8_t **out,
                        size_t *out_len, ks_error *err);

/* ---- server ---- */
typedef struct ks_http_server ks_http_server;

typedef struct ks_http_request {
    const char *method;  /* "GET", "HEAD", "POST", ... */
    const char *url;     /* the path, percent-decoded by libmicrohttpd, without the query */
    const uint8_t *body; /* never NULL ("" when empty) */
    size_t body_len;
} ks_http_request;

typedef struct ks_http_response {
    unsigned status;          /* HTTP status, e.g. 200 */
    const char *content_type; /* static string */
    uint8_t *body;            /* the answer's bytes */
    size_t len;
    bool must_free; /* body was malloc'd and is freed after sending; else it outlives the server */
} ks_http_response;

/* Called on a pool thread once a request and its whole body have arrived; fills `resp`. A
 * response whose body is NULL and status 0 drops the connection. */
typedef void (*ks_http_handler)(void *arg, const ks_http_request *rq, ks_http_response *resp);

typedef struct ks_http_server_opts {
    const char *listen; /* "IPv4:PORT" */
    unsigned threads;   /* thread pool size; 0 = 2 */
    size_t max_body;    /* a larger request body is answered 413; 0 = 64 KiB */
    unsigned timeout_s; /* idle connection timeout; 0 = 30 s */
    unsigned max_conns; /* concurrent connections; 0 = 4000 */
    /* connections one client address may hold; 0 = 32 (4,100 slow connections from one
     * address used to fill the 4,000 and silence every other client) */
    unsigned max_per_address;
    /* a request's header and body must all arrive within this time, however slowly they
     * trickle (the idle timeout is reset by every byte); 0 = 10 s */
    unsigned deadline_ms;
} ks_http_server_opts;

/* KS_OK when `listen` is "IPv4:PORT", else KS_E_USAGE naming it (checked before any work). */
ks_status ks_http_check_listen(const char *listen, ks_error *err);
/* Parses "IPv4:PORT" (KS_E_USAGE naming it), loads libmicrohttpd and starts listening
 * (KS_E_IO when the address is taken or not allowed). Requests whose framing two parsers would
 * read differently are answered at once: differing Content-Length values 400, a transfer
 * coding other than chunked 501 (RFC 9112 §6). */
ks_status ks_http_server_start(const ks_http_server_opts *opts, ks_http_handler handler, void *arg,
                               ks_http_server **out, ks_error *err);
void ks_http_server_stop(ks_http_server *s); /* NULL is a no-op; waits for running handlers */

#ifdef __cplusplus
}
#endif
#endif
