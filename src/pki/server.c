/* pki/server.c — the CA's HTTP endpoints: GET /crl, /root.crl, /root.cer, /issuing-ca.cer;
 * OCSP by GET /ocsp/<base64> and POST /ocsp (RFC 6960 App. A); timestamps by POST /tsa (RFC 3161
 * §3.4). The transport (libmicrohttpd's thread pool, body bounds) is net/http_server.c; this file
 * only routes. Bad input gets an HTTP or protocol error answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kyso/net.h"
#include "responder.h"

#define MAX_BODY (64u * 1024u)

struct ks_pki_server {
    ks_http_server *http;
    ks_responder *r;
    uint8_t *root_der, *issuing_der;
    size_t root_len, issuing_len;
};

static void reply(ks_http_response *resp, unsigned code, const char *type, uint8_t *data,
                  size_t len, bool must_free)
{
    *resp = (ks_http_response){code, type, data, len, must_free};
}

static void reply_text(ks_http_response *resp, unsigned code, const char *text)
{
    reply(resp, code, "text/plain; charset=utf-8", (uint8_t *)(uintptr_t)text, strlen(text), false);
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

static void answer_ocsp(ks_pki_server *s, ks_http_response *resp, const uint8_t *req, size_t len)
{
    uint8_t *der = NULL;
    size_t n = 0;
    ks_error e;
    if (ks_responder_ocsp(s->r, req, len, &der, &n, &e) != KS_OK)
        return reply_text(resp, 500, "OCSP responder error\n");
    reply(resp, 200, "application/ocsp-response", der, n, true);
}

static void handle_get(ks_pki_server *s, ks_http_response *resp, const char *url)
{
    uint8_t *der = NULL;
    size_t n = 0;
    ks_error e;
    if (strcmp(url, "/crl") == 0 || strcmp(url, "/root.crl") == 0) {
        ks_status st = strcmp(url, "/crl") == 0 ? ks_responder_crl(s->r, &der, &n, &e)
                                                : ks_responder_root_crl(s->r, &der, &n, &e);
        if (st != KS_OK)
            return reply_text(resp, 500, "CRL error\n");
        return reply(resp, 200, "application/pkix-crl", der, n, true);
    }
    if (strcmp(url, "/root.cer") == 0)
        return reply(resp, 200, "application/pkix-cert", s->root_der, s->root_len, false);
    if (strcmp(url, "/issuing-ca.cer") == 0)
        return reply(resp, 200, "application/pkix-cert", s->issuing_der, s->issuing_len, false);
    if (strncmp(url, "/ocsp/", 6) == 0) {
        uint8_t *req = b64_decode(url + 6, &n);
        if (!req) /* not even base64: still an OCSP answer, as RFC 6960 §2.3 wants */
            return answer_ocsp(s, resp, (const uint8_t *)"", 0);
        answer_ocsp(s, resp, req, n);
        free(req);
        return;
    }
    reply_text(resp, 404, "not found\n");
}

static void handle(void *arg, const ks_http_request *rq, ks_http_response *resp)
{
    ks_pki_server *s = arg;
    if (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0)
        return handle_get(s, resp, rq->url);
    if (strcmp(rq->method, "POST") != 0)
        return reply_text(resp, 405, "method not allowed\n");
    if (strcmp(rq->url, "/ocsp") == 0 || strcmp(rq->url, "/") == 0)
        return answer_ocsp(s, resp, rq->body, rq->body_len);
    if (strcmp(rq->url, "/tsa") == 0) {
        if (rq->body_len == 0)
            return reply_text(resp, 400, "empty timestamp request\n");
        uint8_t *der = NULL;
        size_t n = 0;
        ks_error e;
        if (ks_responder_tsa(s->r, rq->body, rq->body_len, &der, &n, &e) != KS_OK)
            return reply_text(resp, 500, "TSA error\n");
        return reply(resp, 200, "application/timestamp-reply", der, n, true);
    }
    reply_text(resp, 404, "not found\n");
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
    ks_status st = ks_http_check_listen(listen, err);
    if (st != KS_OK)
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
    ks_http_server_opts o = {.listen = listen, .threads = threads, .max_body = MAX_BODY};
    if ((st = ks_http_server_start(&o, handle, s, &s->http, err)) != KS_OK)
        goto fail;
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
    ks_http_server_stop(s->http);
    ks_responder_free(s->r);
    free(s->root_der);
    free(s->issuing_der);
    free(s);
}
