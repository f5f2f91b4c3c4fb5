/* cms/fetch.c — the one way the CMS layer reaches the network (TSA, OCSP, CRL): the caller's
 * context's fetcher, so a server or a test decides how (and whether) the library goes out. */
#include "cms_internal.h"

ks_status ks_cms_fetch(const ks_ctx *ctx, const char *url, const char *content_type,
                       const uint8_t *body, size_t body_len, long timeout_ms, size_t max_len,
                       uint8_t **out, size_t *out_len, ks_error *err)
{
    if (ctx)
        return ks_ctx_fetch(ctx, url, content_type, body, body_len, timeout_ms, max_len, out,
                            out_len, err);
    return ks_http_fetch(NULL, url, content_type, body, body_len, timeout_ms, max_len, out, out_len,
                         err);
}
