/* agent/der.c — the few facts the agent reads from an X.509 certificate found in a token:
 * the key's algorithm (and curve) and the subject's common name, through a bounded DER
 * cursor (RFC 5280 §4.1). Everything else is left to the server, which verifies. */
#include <string.h>

#include "agent.h"

typedef struct cur {
    const uint8_t *p;
    size_t len;
} cur;

/* Reads one TLV with the expected tag (0 = any) into `val`; advances `c` past it. */
static bool tlv(cur *c, uint8_t tag, cur *val, uint8_t *got)
{
    if (c->len < 2)
        return false;
    uint8_t t = c->p[0];
    if ((tag && t != tag) || (t & 0x1F) == 0x1F)
        return false;
    size_t l = c->p[1], hdr = 2;
    if (l & 0x80) {
        size_t nb = l & 0x7F;
        if (nb == 0 || nb > 3 || c->len < 2 + nb)
            return false;
        l = 0;
        for (size_t i = 0; i < nb; i++)
            l = (l << 8) | c->p[2 + i];
        hdr += nb;
    }
    if (l > c->len - hdr)
        return false;
    val->p = c->p + hdr;
    val->len = l;
    if (got)
        *got = t;
    c->p += hdr + l;
    c->len -= hdr + l;
    return true;
}

static bool oid_is(const cur *o, const uint8_t *v, size_t n)
{
    return o->len == n && memcmp(o->p, v, n) == 0;
}

static void subject_cn(cur name, char *out, size_t cap)
{
    static const uint8_t cn_oid[] = {0x55, 0x04, 0x03};
    cur rdn;
    while (tlv(&name, 0x31, &rdn, NULL)) {
        cur atv;
        while (tlv(&rdn, 0x30, &atv, NULL)) {
            cur oid, val;
            uint8_t t;
            if (!tlv(&atv, 0x06, &oid, NULL) || !tlv(&atv, 0, &val, &t))
                continue;
            /* UTF8String, PrintableString, IA5String: the encodings CN takes in practice. */
            if (oid_is(&oid, cn_oid, sizeof cn_oid) && (t == 0x0C || t == 0x13 || t == 0x16)) {
                size_t n = val.len < cap - 1 ? val.len : cap - 1;
                n = ka_utf8_valid_prefix((const char *)val.p, n);
                /* The name is shown in the consent dialog: none that could redraw it. */
                if (!ka_text_displayable((const char *)val.p, n))
                    n = 0;
                memcpy(out, val.p, n);
                out[n] = 0;
            }
        }
    }
}

bool ka_cert_parse(const uint8_t *der, size_t len, ka_cert_info *out)
{
    static const uint8_t rsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
    static const uint8_t ec[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
    static const uint8_t p256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    static const uint8_t p384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
    static const uint8_t p521[] = {0x2B, 0x81, 0x04, 0x00, 0x23};
    memset(out, 0, sizeof *out);
    cur c = {der, len}, cert, tbs, skip, subject, spki, alg, oid, params;
    if (!tlv(&c, 0x30, &cert, NULL) || c.len != 0 || !tlv(&cert, 0x30, &tbs, NULL))
        return false;
    if (tbs.len && tbs.p[0] == 0xA0 && !tlv(&tbs, 0xA0, &skip, NULL))
        return false;
    if (!tlv(&tbs, 0x02, &skip, NULL) || !tlv(&tbs, 0x30, &skip, NULL) ||
        !tlv(&tbs, 0x30, &skip, NULL) || !tlv(&tbs, 0x30, &skip, NULL) ||
        !tlv(&tbs, 0x30, &subject, NULL) || !tlv(&tbs, 0x30, &spki, NULL) ||
        !tlv(&spki, 0x30, &alg, NULL) || !tlv(&alg, 0x06, &oid, NULL))
        return false;
    subject_cn(subject, out->subject_cn, sizeof out->subject_cn);
    if (oid_is(&oid, rsa, sizeof rsa)) {
        out->key_type = KA_KEY_RSA;
    } else if (oid_is(&oid, ec, sizeof ec)) {
        out->key_type = KA_KEY_EC;
        if (tlv(&alg, 0x06, &params, NULL)) {
            if (oid_is(&params, p256, sizeof p256))
                out->ec_bits = 256;
            else if (oid_is(&params, p384, sizeof p384))
                out->ec_bits = 384;
            else if (oid_is(&params, p521, sizeof p521))
                out->ec_bits = 521;
        }
    }
    return true;
}

/* The INTEGER of an unsigned big-endian value: leading zeros dropped, a 0x00 added when the
 * top bit is set (X.690 §8.3). */
static void put_uint(ka_buf *b, const uint8_t *v, size_t n)
{
    while (n > 1 && v[0] == 0)
        v++, n--;
    bool pad = n && (v[0] & 0x80);
    uint8_t hdr[2] = {0x02, (uint8_t)(n + pad)};
    ka_buf_put(b, hdr, 2);
    if (pad)
        ka_buf_put(b, "", 1);
    ka_buf_put(b, v, n);
}

void ka_ecdsa_der(ka_buf *b, const uint8_t *rs, size_t n)
{
    ka_buf body = {0};
    put_uint(&body, rs, n / 2);
    put_uint(&body, rs + n / 2, n / 2);
    /* r and s are at most 66 bytes each (P-521): the body stays under 256 bytes. */
    if (body.len < 128) {
        uint8_t hdr[2] = {0x30, (uint8_t)body.len};
        ka_buf_put(b, hdr, 2);
    } else {
        uint8_t hdr[3] = {0x30, 0x81, (uint8_t)body.len};
        ka_buf_put(b, hdr, 3);
    }
    ka_buf_put(b, body.p, body.len);
    ka_buf_free(&body);
}
