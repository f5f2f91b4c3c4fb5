/* net/http_server.c — an HTTP server on libmicrohttpd's thread pool: it reads each request's
 * whole body (bounded), hands method, path and body to the caller's handler and sends what the
 * handler answers. The routes live with their domain (pki/server.c for the CA's endpoints). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_guard.h"
#include "kyso/net.h"
#include "kyso/util.h"
#include "mhd_lazy.h"

KS_DL_DEFINE(ks_mhd, KS_MHD_SYMBOLS, "libmicrohttpd.so.12");

struct ks_http_server {
    struct MHD_Daemon *d;
    ks_http_handler handler;
    void *arg;
    size_t max_body;
    ks_server_guard *guard;
};

typedef struct request {
    ks_buf body;
    bool too_big;
} request;

static enum MHD_Result send_reply(struct MHD_Connection *c, unsigned code, const char *type,
                                  uint8_t *data, size_t len, bool must_free)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, data, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (must_free)
            free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    enum MHD_Result ret = MHD_queue_response(c, code, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *text)
{
    return send_reply(c, code, "text/plain; charset=utf-8", (uint8_t *)(uintptr_t)text,
                      strlen(text), false);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    ks_http_server *s = cls;
    request *rq = *con_cls;
    if (!rq) { /* the headers are in: refuse what cannot be framed before reading a body */
        const char *why = NULL;
        unsigned code = ks_server_guard_check_headers(c, &why);
        if (code) {
            ks_server_guard_received(s->guard, c);
            return send_text(c, code, why);
        }
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (rq->body.len + *upload_size > s->max_body)
            rq->too_big = true;
        else
            ks_buf_append(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    ks_server_guard_received(s->guard, c);
    if (rq->too_big)
        return send_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
    if (rq->body.failed)
        return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    ks_http_request req = {method, url, rq->body.data ? rq->body.data : (const uint8_t *)"",
                           rq->body.len};
    ks_http_response resp = {0};
    s->handler(s->arg, &req, &resp);
    if (resp.status == 0) {
        if (resp.must_free)
            free(resp.body);
        return MHD_NO;
    }
    return send_reply(c, resp.status,
                      resp.content_type ? resp.content_type : "application/octet-stream",
                      resp.body ? resp.body : (uint8_t *)(uintptr_t) "", resp.body ? resp.len : 0,
                      resp.body && resp.must_free);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    ks_http_server *s = cls;
    ks_server_guard_next(s->guard, c);
    request *rq = *con_cls;
    if (rq) {
        ks_buf_free(&rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

static ks_status parse_listen(const char *listen, struct sockaddr_in *sa, ks_error *err)
{
    char host[64];
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        goto bad;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!*(colon + 1) || *end || port < 1 || port > 65535 ||
        inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        goto bad;
    sa->sin_port = htons((uint16_t)port);
    return KS_OK;
bad:
    return ks_error_set(err, KS_E_USAGE,
                        N_("the listening address \"%s\" must be an IPv4 address and port, e.g. "
                           "127.0.0.1:8080"),
                        listen ? listen : "");
}

ks_status ks_http_check_listen(const char *listen, ks_error *err)
{
    struct sockaddr_in sa;
    return parse_listen(listen, &sa, err);
}

ks_status ks_http_server_start(const ks_http_server_opts *opts, ks_http_handler handler, void *arg,
                               ks_http_server **out, ks_error *err)
{
    *out = NULL;
    struct sockaddr_in sa;
    ks_status st = parse_listen(opts->listen, &sa, err);
    if (st != KS_OK || (st = ks_dl_load(&ks_mhd, err)) != KS_OK)
        return st;
    ks_http_server *s = calloc(1, sizeof *s);
    if (!s)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    s->handler = handler;
    s->arg = arg;
    s->max_body = opts->max_body ? opts->max_body : 64u * 1024u;
    s->guard = ks_server_guard_new(opts->deadline_ms ? opts->deadline_ms : 10000u);
    if (!s->guard) {
        free(s);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    s->d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(opts->threads ? opts->threads : 2), MHD_OPTION_NOTIFY_COMPLETED, completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, ks_server_guard_notify, s->guard,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(opts->timeout_s ? opts->timeout_s : 30),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)(opts->max_conns ? opts->max_conns : 4000),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(opts->max_per_address ? opts->max_per_address : 32), MHD_OPTION_END);
    if (!s->d) {
        ks_server_guard_free(s->guard);
        free(s);
        return ks_error_set(err, KS_E_IO, N_("cannot listen on %s (address in use or not allowed)"),
                            opts->listen);
    }
    *out = s;
    return KS_OK;
}

void ks_http_server_stop(ks_http_server *s)
{
    if (!s)
        return;
    ks_server_guard_stop(s->guard); /* before the daemon's closing notices free the tracks */
    if (s->d)
        MHD_stop_daemon(s->d);
    ks_server_guard_free(s->guard);
    free(s);
}
