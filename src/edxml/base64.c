/* edxml/base64.c — base64 for the files inside edXML packages (RFC 4648 §4) through OpenSSL's
 * block coder: encoding without line breaks; strict decoding (alphabet, padding only at the end,
 * whitespace allowed) into the package's arena. Part of edxml/. */
#include <openssl/evp.h>
#include <string.h>

#include "internal.h"

bool ks_base64_encode(ks_buf *out, const uint8_t *data, size_t len)
{
    size_t need = (len + 2) / 3 * 4 + 1;
    if (!ks_buf_reserve(out, need))
        return false;
    out->data[out->len] = 0; /* an empty input still leaves a terminated (empty) text */
    /* EVP_EncodeBlock takes an int length: encode in 3 MiB steps (a multiple of 3). */
    for (size_t off = 0; off < len;) {
        size_t step = len - off < (3u << 20) ? len - off : (3u << 20);
        int n = EVP_EncodeBlock(out->data + out->len, data + off, (int)step);
        out->len += (size_t)n;
        off += step;
    }
    return true;
}

static bool b64char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

ks_status ks_base64_decode(ks_arena *a, const char *s, size_t max, const uint8_t **out, size_t *len,
                           ks_error *err)
{
    size_t n = strlen(s);
    if (n / 4 * 3 > max + 3)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("edXML attachment is over the limit of %zu "
                               "bytes"),
                            max);
    unsigned char *clean = ks_arena_alloc(a, n + 1);
    if (!clean)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t m = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
        } else if (!b64char(c) || pad) {
            return ks_error_set(err, KS_E_FORMAT,
                                N_("edXML attachment: invalid base64 at "
                                   "character %zu"),
                                i);
        }
        clean[m++] = c;
    }
    if (m % 4 || pad > 2)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("edXML attachment: base64 length is not a "
                               "multiple of 4"));
    uint8_t *data = ks_arena_alloc(a, m / 4 * 3 + 1);
    if (!data)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t got = 0;
    for (size_t off = 0; off < m;) {
        size_t step = m - off < (4u << 20) ? m - off : (4u << 20);
        int r = EVP_DecodeBlock(data + got, clean + off, (int)step);
        if (r < 0)
            return ks_error_set(err, KS_E_FORMAT, N_("edXML attachment: invalid base64"));
        got += (size_t)r;
        off += step;
    }
    got -= pad;
    if (got > max)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("edXML attachment is over the limit of %zu "
                               "bytes"),
                            max);
    *out = data;
    *len = got;
    return KS_OK;
}
