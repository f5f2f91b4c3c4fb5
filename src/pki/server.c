/* pki/server.c — the CA's HTTP endpoints on libmicrohttpd (thread pool): GET /crl, /root.crl,
 * /root.cer, /issuing-ca.cer; OCSP by GET /ocsp/<base64> and POST /ocsp (RFC 6960 App. A);
 * timestamps by POST /tsa (RFC 3161 §3.4). Bad input gets an HTTP or protocol error answer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mhd_lazy.h"
#include "responder.h"
#include "server_guard.h"

KS_DL_DEFINE(ks_mhd, KS_MHD_SYMBOLS, "libmicrohttpd.so.12");

#define MAX_BODY (64u * 1024u)
/* One address may hold this many connections: 4,100 slow connections from one client used to
 * fill the server's 4,000 and silence every other client (OCSP answers are due in seconds). */
#define MAX_PER_ADDRESS 32u
/* A request's header and body must all arrive within this time, however slowly they trickle. */
#define REQUEST_DEADLINE_MS 10000u

struct ks_pki_server {
    struct MHD_Daemon *d;
    ks_responder *r;
    ks_server_guard *guard;
    uint8_t *root_der, *issuing_der;
    size_t root_len, issuing_len;
};

typedef struct request {
    ks_buf body;
    bool too_big;
} request;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
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

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned code, const char *text)
{
    return reply(c, code, "text/plain; charset=utf-8", (uint8_t *)(uintptr_t)text, strlen(text),
                 false);
}

/* Base64 (standard or URL alphabet, padding optional) of a GET OCSP request. */
static uint8_t *b64_decode(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    if (n == 0 || n > 4 * MAX_BODY / 3 + 4)
        return NULL;
    char *t = malloc(n + 4);
    uint8_t *out = malloc(n + 4);
    if (!t || !out) {
        free(t);
        free(out);
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (ch == ' ') /* a '+' decoded as a space by a form-style unescape */
            ch = '+';
        t[k++] = ch;
    }
    while (k % 4)
        t[k++] = '=';
    int len = EVP_DecodeBlock(out, (const unsigned char *)t, (int)k);
    if (len < 0) {
        free(t);
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts padding bytes as zeros. */
    for (size_t i = k; i > 0 && t[i - 1] == '='; i--)
        len--;
    free(t);
    *out_len = (size_t)(len > 0 ? len : 0);
    return out;
}

static enum MHD_Result answer_ocsp(ks_pki_server *s, struct MHD_Connection *c, const uint8_t *req,
                                   size_t len)
{
    uint8_t *der = NULL;
    size_t n = 0;
    ks_error e;
    if (ks_responder_ocsp(s->r, req, len, &der, &n, &e) != KS_OK)
        return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "OCSP responder error\n");
    return reply(c, MHD_HTTP_OK, "application/ocsp-response", der, n, true);
}

static enum MHD_Result handle_get(ks_pki_server *s, struct MHD_Connection *c, const char *url)
{
    uint8_t *der = NULL;
    size_t n = 0;
    ks_error e;
    if (strcmp(url, "/crl") == 0 || strcmp(url, "/root.crl") == 0) {
        ks_status st = strcmp(url, "/crl") == 0 ? ks_responder_crl(s->r, &der, &n, &e)
                                                : ks_responder_root_crl(s->r, &der, &n, &e);
        if (st != KS_OK)
            return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "CRL error\n");
        return reply(c, MHD_HTTP_OK, "application/pkix-crl", der, n, true);
    }
    if (strcmp(url, "/root.cer") == 0)
        return reply(c, MHD_HTTP_OK, "application/pkix-cert", s->root_der, s->root_len, false);
    if (strcmp(url, "/issuing-ca.cer") == 0)
        return reply(c, MHD_HTTP_OK, "application/pkix-cert", s->issuing_der, s->issuing_len,
                     false);
    if (strncmp(url, "/ocsp/", 6) == 0) {
        uint8_t *req = b64_decode(url + 6, &n);
        if (!req) /* not even base64: still an OCSP answer, as RFC 6960 §2.3 wants */
            return answer_ocsp(s, c, (const uint8_t *)"", 0);
        enum MHD_Result r = answer_ocsp(s, c, req, n);
        free(req);
        return r;
    }
    return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    ks_pki_server *s = cls;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, "HEAD") == 0;
    request *rq = *con_cls;
    if (!rq) { /* the headers are in: refuse what cannot be framed before reading a body */
        const char *why = NULL;
        unsigned code = ks_server_guard_check_headers(c, &why);
        if (code) {
            ks_server_guard_received(s->guard, c);
            return reply_text(c, code, why);
        }
    }
    if (!post) {
        ks_server_guard_received(s->guard, c);
        if (!get)
            return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
        return handle_get(s, c, url);
    }
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (rq->body.len + *upload_size > MAX_BODY)
            rq->too_big = true;
        else
            ks_buf_append(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    ks_server_guard_received(s->guard, c);
    if (rq->too_big)
        return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "request too large\n");
    if (rq->body.failed)
        return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    const uint8_t *body = rq->body.data ? rq->body.data : (const uint8_t *)"";
    if (strcmp(url, "/ocsp") == 0 || strcmp(url, "/") == 0)
        return answer_ocsp(s, c, body, rq->body.len);
    if (strcmp(url, "/tsa") == 0) {
        if (rq->body.len == 0)
            return reply_text(c, MHD_HTTP_BAD_REQUEST, "empty timestamp request\n");
        uint8_t *der = NULL;
        size_t n = 0;
        ks_error e;
        if (ks_responder_tsa(s->r, body, rq->body.len, &der, &n, &e) != KS_OK)
            return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "TSA error\n");
        return reply(c, MHD_HTTP_OK, "application/timestamp-reply", der, n, true);
    }
    return reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    ks_pki_server *s = cls;
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
                        N_("--listen \"%s\" must be an IPv4 address and port, e.g. "
                           "127.0.0.1:8080"),
                        listen ? listen : "");
}

static bool der_of(X509 *x, uint8_t **out, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    if (n <= 0)
        return false;
    *out = malloc((size_t)n);
    if (*out)
        memcpy(*out, p, (size_t)n);
    OPENSSL_free(p);
    *len = (size_t)n;
    return *out != NULL;
}

ks_status ks_pki_server_start(const char *dir, const char *listen, unsigned threads,
                              const char *pin, ks_pki_server **out, ks_error *err)
{
    *out = NULL;
    struct sockaddr_in sa;
    ks_status st = parse_listen(listen, &sa, err);
    if (st != KS_OK || (st = ks_dl_load(&ks_mhd, err)) != KS_OK)
        return st;
    ks_pki_server *s = calloc(1, sizeof *s);
    if (!s)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if ((st = ks_responder_open(dir, pin, &s->r, err)) != KS_OK)
        goto fail;
    if (!der_of(s->r->root, &s->root_der, &s->root_len) ||
        !der_of(s->r->issuing, &s->issuing_der, &s->issuing_len)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto fail;
    }
    s->guard = ks_server_guard_new(REQUEST_DEADLINE_MS);
    if (!s->guard) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto fail;
    }
    s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle,
                            s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads ? threads : 2),
                            MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                            ks_server_guard_notify, s->guard, MHD_OPTION_CONNECTION_TIMEOUT,
                            (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)4000,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, MAX_PER_ADDRESS, MHD_OPTION_END);
    if (!s->d) {
        st = ks_error_set(err, KS_E_IO, N_("cannot listen on %s (address in use or not allowed)"),
                          listen);
        goto fail;
    }
    *out = s;
    return KS_OK;
fail:
    ks_pki_server_stop(s);
    return st;
}

void ks_pki_server_stop(ks_pki_server *s)
{
    if (!s)
        return;
    ks_server_guard_stop(s->guard);
    if (s->d)
        MHD_stop_daemon(s->d);
    ks_server_guard_free(s->guard);
    ks_responder_free(s->r);
    free(s->root_der);
    free(s->issuing_der);
    free(s);
}
