/* sign/textstring.c — PDF text strings (ISO 32000-2 §7.9.2.2) for the signature dictionary:
 * plain ASCII as a literal string, anything else (Vietnamese) as UTF-16BE with a BOM, in hex. */
#include <stdlib.h>
#include <string.h>

#include "sign_internal.h"

/* Decodes one UTF-8 sequence; returns its length or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = (s[0] & 0xE0) == 0xC0   ? 2
                 : (s[0] & 0xF0) == 0xE0 ? 3
                 : (s[0] & 0xF8) == 0xF0 ? 4
                                         : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned v = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

bool ks_sign_text_bytes(ks_buf *b, const char *utf8)
{
    size_t n = strlen(utf8);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)utf8[i] < 0x20 || (unsigned char)utf8[i] > 0x7E)
            ascii = false;
    if (ascii)
        return ks_buf_append(b, utf8, n);
    ks_buf hex = KS_BUF_INIT;
    bool ok = ks_sign_put_text(&hex, utf8);
    /* "<FEFF....>" back to bytes. */
    for (size_t i = 1; ok && i + 2 < hex.len; i += 2) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = (char)hex.data[i + (size_t)k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'A' + 10);
        }
        ok = ks_buf_putc(b, (int)v);
    }
    ks_buf_free(&hex);
    return ok && !b->failed;
}

static bool put_text(ks_buf *b, const char *utf8);

bool ks_sign_put_text(ks_buf *b, const char *utf8)
{
    /* Text from a command line may be decomposed (NFD); the document stores NFC. */
    char *nfc = ks_utf8_nfc(utf8, strlen(utf8));
    bool ok = put_text(b, nfc ? nfc : utf8);
    free(nfc);
    return ok;
}

static bool put_text(ks_buf *b, const char *utf8)
{
    size_t n = strlen(utf8);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)utf8[i] < 0x20 || (unsigned char)utf8[i] > 0x7E)
            ascii = false;
    if (ascii) {
        ks_buf_putc(b, '(');
        for (size_t i = 0; i < n; i++) {
            if (utf8[i] == '(' || utf8[i] == ')' || utf8[i] == '\\')
                ks_buf_putc(b, '\\');
            ks_buf_putc(b, utf8[i]);
        }
        return ks_buf_putc(b, ')');
    }
    ks_buf_puts(b, "<FEFF");
    const unsigned char *s = (const unsigned char *)utf8;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0xFFFD;
        size_t k = utf8_next(s + i, n - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        i += k;
        uint8_t u[4];
        if (cp >= 0x10000) {
            unsigned v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[0] = (uint8_t)(hi >> 8), u[1] = (uint8_t)hi, u[2] = (uint8_t)(lo >> 8),
            u[3] = (uint8_t)lo;
            ks_buf_hex(b, u, 4);
        } else {
            u[0] = (uint8_t)(cp >> 8), u[1] = (uint8_t)cp;
            ks_buf_hex(b, u, 2);
        }
    }
    return ks_buf_putc(b, '>');
}
