/* util/buf.c — growable byte buffers used by every layer to build output. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"

void ks_buf_free(ks_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

bool ks_buf_reserve(ks_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    size_t need;
    if (!ks_add_size(b->len, extra, &need) || !ks_add_size(need, 1, &need)) {
        b->failed = true;
        return false;
    }
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (!ks_mul_size(cap, 2, &cap)) {
            cap = need;
            break;
        }
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool ks_buf_append(ks_buf *b, const void *data, size_t len)
{
    if (!ks_buf_reserve(b, len))
        return false;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = 0;
    return true;
}

bool ks_buf_puts(ks_buf *b, const char *s)
{
    return ks_buf_append(b, s, strlen(s));
}

bool ks_buf_putc(ks_buf *b, int c)
{
    uint8_t ch = (uint8_t)c;
    return ks_buf_append(b, &ch, 1);
}

bool ks_buf_printf(ks_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    bool ok = n >= 0 && ks_buf_reserve(b, (size_t)n);
    if (ok) {
        vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
    return ok;
}

bool ks_buf_json_str(ks_buf *b, const char *s)
{
    if (!s)
        return ks_buf_puts(b, "null");
    ks_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            ks_buf_puts(b, "\\\"");
            break;
        case '\\':
            ks_buf_puts(b, "\\\\");
            break;
        case '\n':
            ks_buf_puts(b, "\\n");
            break;
        case '\r':
            ks_buf_puts(b, "\\r");
            break;
        case '\t':
            ks_buf_puts(b, "\\t");
            break;
        default:
            if (*p < 0x20)
                ks_buf_printf(b, "\\u%04x", *p);
            else
                ks_buf_putc(b, *p);
        }
    }
    return ks_buf_putc(b, '"');
}

bool ks_buf_hex(ks_buf *b, const uint8_t *data, size_t len)
{
    static const char hx[] = "0123456789ABCDEF";
    size_t n;
    if (!ks_mul_size(len, 2, &n) || !ks_buf_reserve(b, n))
        return false;
    for (size_t i = 0; i < len; i++) {
        b->data[b->len++] = (uint8_t)hx[data[i] >> 4];
        b->data[b->len++] = (uint8_t)hx[data[i] & 15];
    }
    b->data[b->len] = 0;
    return true;
}

uint8_t *ks_buf_steal(ks_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
