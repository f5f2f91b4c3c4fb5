/* net/http_client.c — the little HTTP client the library needs (RFC 3161 TSAs, OCSP responders,
 * CRL distribution points) over libcurl, with timeouts, a body size bound and errors naming the
 * URL and HTTP status. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "curl_lazy.h"
#include "kyso/net.h"
#include "kyso/util.h"

KS_DL_DEFINE(ks_curl, KS_CURL_SYMBOLS, "libcurl.so.4");

/* curl_global_init is not thread-safe: once per process (after the library is loaded). */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;
static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct sink {
    ks_buf body;
    size_t max_len;
    bool too_big;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    sink *s = userdata;
    size_t n = size * nmemb;
    if (s->body.len + n > s->max_len) {
        s->too_big = true;
        return 0;
    }
    return ks_buf_append(&s->body, ptr, n) ? n : 0;
}

static ks_status http_do(const char *url, const char *content_type, const char *const *extra,
                         const uint8_t *data, size_t data_len, bool post, long timeout_ms,
                         size_t max_len, uint8_t **body, size_t *len, long *status, ks_error *err)
{
    if (!url || !body || !len)
        return ks_error_set(err, KS_E_USAGE, N_("no URL given"));
    *body = NULL;
    *len = 0;
    /* Revocation and timestamp data carry their own signatures; https adds nothing to their
     * integrity but is accepted because some TSAs only listen there. */
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return ks_error_set(err, KS_E_USAGE, N_("unsupported URL \"%s\" (http:// expected)"), url);
    ks_status st = ks_dl_load(&ks_curl, err);
    if (st != KS_OK)
        return st;
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return ks_error_set(err, KS_E_IO, N_("cannot initialise libcurl"));
    sink s = {KS_BUF_INIT, max_len ? max_len : KS_HTTP_MAX_BODY, false};
    struct curl_slist *hdrs = NULL;
    char ctbuf[128];
    CURL *c = curl_easy_init();
    if (!c)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    long tmo = timeout_ms > 0 ? timeout_ms : 30000;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, tmo);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, tmo);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kyso");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    if ((curl_off_t)s.max_len > 0)
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s.max_len);
    if (post) {
        snprintf(ctbuf, sizeof ctbuf, "Content-Type: %s", content_type);
        hdrs = curl_slist_append(NULL, ctbuf);
        hdrs = hdrs ? curl_slist_append(hdrs, "Expect:") : NULL;
        for (size_t i = 0; hdrs && extra && extra[i]; i++)
            hdrs = curl_slist_append(hdrs, extra[i]);
        if (!hdrs) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)data);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)data_len);
    }
    CURLcode rc = curl_easy_perform(c);
    if (s.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
        st = ks_error_set(err, KS_E_LIMIT, N_("the answer from %s is larger than %zu bytes"), url,
                          s.max_len);
        goto done;
    }
    if (rc != CURLE_OK) {
        st = ks_error_set(err, KS_E_IO, N_("HTTP request to %s failed: %s"), url,
                          curl_easy_strerror(rc));
        goto done;
    }
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (status)
        *status = code;
    if (code != 200) {
        st = ks_error_set(err, KS_E_IO, N_("%s answered with HTTP status %ld"), url, code);
        goto done;
    }
    if (s.body.failed) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (!s.body.data)
        ks_buf_reserve(&s.body, 1);
    *body = ks_buf_steal(&s.body, len);
    if (!*body)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    ks_buf_free(&s.body);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return st;
}

ks_status ks_http_get(const char *url, long timeout_ms, size_t max_len, uint8_t **body, size_t *len,
                      ks_error *err)
{
    return http_do(url, NULL, NULL, NULL, 0, false, timeout_ms, max_len, body, len, NULL, err);
}

ks_status ks_http_post(const char *url, const char *content_type, const uint8_t *data,
                       size_t data_len, long timeout_ms, size_t max_len, uint8_t **body,
                       size_t *len, ks_error *err)
{
    if (!content_type || (!data && data_len))
        return ks_error_set(err, KS_E_USAGE, N_("no content to send to %s"), url ? url : "");
    return http_do(url, content_type, NULL, data, data_len, true, timeout_ms, max_len, body, len,
                   NULL, err);
}

ks_status ks_http_post_ex(const char *url, const char *content_type, const char *const *headers,
                          const uint8_t *data, size_t data_len, long timeout_ms, size_t max_len,
                          uint8_t **body, size_t *len, long *status, ks_error *err)
{
    if (status)
        *status = 0;
    if (!content_type || (!data && data_len))
        return ks_error_set(err, KS_E_USAGE, N_("no content to send to %s"), url ? url : "");
    return http_do(url, content_type, headers, data, data_len, true, timeout_ms, max_len, body, len,
                   status, err);
}

ks_status ks_http_fetch(void *arg, const char *url, const char *content_type, const uint8_t *body,
                        size_t body_len, long timeout_ms, size_t max_len, uint8_t **out,
                        size_t *out_len, ks_error *err)
{
    (void)arg;
    if (!content_type)
        return ks_http_get(url, timeout_ms, max_len, out, out_len, err);
    return ks_http_post(url, content_type, body, body_len, timeout_ms, max_len, out, out_len, err);
}
