/* sign/placeholder.c — the /ByteRange and /Contents placeholders of a signature dictionary:
 * writing them, finding them again by offset in the update, filling the ByteRange with fixed
 * width, and putting the CMS into the gap. ISO 32000-2 §12.8.1. */
#include <stdio.h>
#include <string.h>

#include "sign_internal.h"

bool ks_sig_put_placeholders(ks_buf *b, size_t contents_bytes)
{
    ks_buf_puts(b, "/ByteRange [");
    for (int i = 0; i < KS_SIGN_BR_WIDTH; i++)
        ks_buf_putc(b, ' ');
    ks_buf_puts(b, "] /Contents <");
    if (!ks_buf_reserve(b, contents_bytes * 2 + 2))
        return false;
    memset(b->data + b->len, '0', contents_bytes * 2);
    b->len += contents_bytes * 2;
    b->data[b->len] = 0;
    ks_buf_putc(b, '>');
    return !b->failed;
}

/* First occurrence of `needle` in [p, p+len). */
static const uint8_t *find(const uint8_t *p, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n > len)
        return NULL;
    for (size_t i = 0; i + n <= len; i++)
        if (p[i] == (uint8_t)needle[0] && memcmp(p + i, needle, n) == 0)
            return p + i;
    return NULL;
}

ks_status ks_sig_slot_locate(ks_sig_slot *s, uint64_t obj_off, ks_error *err)
{
    if (obj_off < s->base_len || obj_off - s->base_len >= s->upd.len)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("signature dictionary not found in the new revision (offset %llu)"),
                            (unsigned long long)obj_off);
    const uint8_t *start = s->upd.data + (obj_off - s->base_len);
    size_t avail = s->upd.len - (size_t)(obj_off - s->base_len);
    const uint8_t *endobj = find(start, avail, "endobj");
    size_t olen = endobj ? (size_t)(endobj - start) : avail;
    const uint8_t *br = find(start, olen, "/ByteRange [");
    const uint8_t *ct = find(start, olen, "/Contents <");
    if (!br || !ct)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("signature placeholders not found in object at offset %llu"),
                            (unsigned long long)obj_off);
    br += strlen("/ByteRange ");
    ct += strlen("/Contents ");
    const uint8_t *ct_end = memchr(ct, '>', olen - (size_t)(ct - start));
    if (!ct_end || br[KS_SIGN_BR_WIDTH + 1] != ']')
        return ks_error_set(err, KS_E_FORMAT,
                            N_("signature placeholders malformed in object at offset %llu"),
                            (unsigned long long)obj_off);
    s->br_off = s->base_len + (uint64_t)(br - s->upd.data);
    s->br_len = KS_SIGN_BR_WIDTH + 2;
    s->gap_off = s->base_len + (uint64_t)(ct - s->upd.data);
    s->gap_len = (uint64_t)(ct_end - ct) + 1;
    uint64_t total = s->base_len + s->upd.len;
    s->range[0] = 0;
    s->range[1] = s->gap_off;
    s->range[2] = s->gap_off + s->gap_len;
    s->range[3] = total - s->range[2];
    char tmp[KS_SIGN_BR_WIDTH + 8];
    int n = snprintf(tmp, sizeof tmp, "[0 %llu %llu %llu", (unsigned long long)s->range[1],
                     (unsigned long long)s->range[2], (unsigned long long)s->range[3]);
    if (n < 0 || n > KS_SIGN_BR_WIDTH + 1)
        return ks_error_set(err, KS_E_LIMIT, N_("byte range does not fit its placeholder"));
    uint8_t *dst = s->upd.data + (s->br_off - s->base_len);
    memset(dst, ' ', (size_t)s->br_len);
    memcpy(dst, tmp, (size_t)n);
    dst[s->br_len - 1] = ']';
    return KS_OK;
}

ks_status ks_sig_slot_embed(ks_sig_slot *s, const uint8_t *der, size_t len, ks_error *err)
{
    size_t room = (size_t)(s->gap_len - 2) / 2;
    if (len > room)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("the signature (%zu bytes) does not fit the space reserved in "
                               "/Contents (%zu bytes)"),
                            len, room);
    static const char hex[] = "0123456789ABCDEF";
    uint8_t *dst = s->upd.data + (s->gap_off - s->base_len) + 1;
    for (size_t i = 0; i < len; i++) {
        dst[2 * i] = (uint8_t)hex[der[i] >> 4];
        dst[2 * i + 1] = (uint8_t)hex[der[i] & 15];
    }
    memset(dst + 2 * len, '0', (room - len) * 2);
    return KS_OK;
}
