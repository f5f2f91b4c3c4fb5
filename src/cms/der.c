/* cms/der.c — a minimal DER writer (for building SignedData and its attributes by hand, since
 * the private key lives behind a callback) and a bounded DER reader for untrusted bytes. */
#include <stdlib.h>
#include <string.h>

#include "cms_internal.h"

static bool put_len(ks_buf *out, size_t len)
{
    uint8_t b[9];
    size_t n = 0;
    if (len < 0x80) {
        b[n++] = (uint8_t)len;
    } else {
        uint8_t tmp[8];
        size_t k = 0;
        for (size_t v = len; v; v >>= 8)
            tmp[k++] = (uint8_t)(v & 0xff);
        b[n++] = (uint8_t)(0x80 | k);
        while (k)
            b[n++] = tmp[--k];
    }
    return ks_buf_append(out, b, n);
}

bool ks_der_put(ks_buf *out, uint8_t tag, const uint8_t *content, size_t len)
{
    return ks_buf_append(out, &tag, 1) && put_len(out, len) &&
           (len == 0 || ks_buf_append(out, content, len));
}

static bool put_base128(ks_buf *out, unsigned long v)
{
    uint8_t tmp[10];
    size_t k = 0;
    do {
        tmp[k++] = (uint8_t)(v & 0x7f);
        v >>= 7;
    } while (v);
    while (k) {
        uint8_t c = tmp[--k];
        if (k)
            c |= 0x80;
        if (!ks_buf_append(out, &c, 1))
            return false;
    }
    return true;
}

bool ks_der_put_oid(ks_buf *out, const char *dotted)
{
    ks_buf body = KS_BUF_INIT;
    unsigned long arcs[32];
    size_t n = 0;
    const char *s = dotted;
    bool ok = true;
    while (n < 32) {
        char *end;
        arcs[n++] = strtoul(s, &end, 10);
        if (end == s || (*end != '.' && *end != '\0')) {
            ok = false;
            break;
        }
        if (*end == '\0')
            break;
        s = end + 1;
    }
    ok = ok && n >= 2 && put_base128(&body, arcs[0] * 40 + arcs[1]);
    for (size_t i = 2; ok && i < n; i++)
        ok = put_base128(&body, arcs[i]);
    ok = ok && ks_der_put(out, 0x06, body.data, body.len);
    ks_buf_free(&body);
    return ok;
}

bool ks_der_put_small_int(ks_buf *out, unsigned v)
{
    uint8_t b[5];
    size_t n = 0;
    uint8_t tmp[4];
    size_t k = 0;
    do {
        tmp[k++] = (uint8_t)(v & 0xff);
        v >>= 8;
    } while (v);
    if (tmp[k - 1] & 0x80)
        b[n++] = 0;
    while (k)
        b[n++] = tmp[--k];
    return ks_der_put(out, 0x02, b, n);
}

bool ks_der_put_digest_alg(ks_buf *out, ks_md md)
{
    ks_buf alg = KS_BUF_INIT;
    bool ok = ks_der_put_oid(&alg, ks_md_oid(md)) && ks_der_put(out, 0x30, alg.data, alg.len);
    ks_buf_free(&alg);
    return ok;
}

bool ks_der_next(ks_der *c, uint8_t *tag, ks_der *val, ks_der *tlv)
{
    if (c->len < 2)
        return false;
    const uint8_t *start = c->p;
    uint8_t t = c->p[0];
    if ((t & 0x1f) == 0x1f) /* high tag numbers do not occur in what we read */
        return false;
    size_t pos = 1;
    size_t len = c->p[pos++];
    if (len & 0x80) {
        size_t nb = len & 0x7f;
        if (nb == 0 || nb > sizeof(size_t) || nb > 4 || c->len - pos < nb)
            return false; /* indefinite length or absurd size */
        len = 0;
        for (size_t i = 0; i < nb; i++)
            len = (len << 8) | c->p[pos++];
    }
    if (c->len - pos < len)
        return false;
    if (tag)
        *tag = t;
    if (val) {
        val->p = c->p + pos;
        val->len = len;
    }
    if (tlv) {
        tlv->p = start;
        tlv->len = pos + len;
    }
    c->p += pos + len;
    c->len -= pos + len;
    return true;
}
