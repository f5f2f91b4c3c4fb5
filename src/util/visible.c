/* util/visible.c — untrusted text made harmless for a terminal: every character that could
 * move the cursor, recolour, erase or reorder what a person reads (C0/C1 controls, DEL, the
 * bidirectional overrides, line separators, bytes that are not UTF-8) is shown as an escape. */
#include <stdio.h>
#include <string.h>

#include "kyso/util.h"

/* Decodes one UTF-8 character at s[0..len); returns its length, 0 when the bytes are not a
 * well-formed shortest-form character. */
static size_t utf8_one(const uint8_t *s, size_t len, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07u;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Characters that act on a terminal or on the order of what is shown. */
static bool is_control(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool ks_buf_visible(ks_buf *b, const char *s, size_t len, bool keep_newlines)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_one(p + i, len - i, &cp);
        if (n == 0) {
            ks_buf_printf(b, "\\x%02x", p[i]);
            i++;
            continue;
        }
        if (!is_control(cp) || (keep_newlines && (cp == '\n' || cp == '\t'))) {
            ks_buf_append(b, p + i, n);
        } else if (cp == '\n') {
            ks_buf_puts(b, "\\n");
        } else if (cp == '\r') {
            ks_buf_puts(b, "\\r");
        } else if (cp == '\t') {
            ks_buf_puts(b, "\\t");
        } else if (cp < 0x80) {
            ks_buf_printf(b, "\\x%02x", (unsigned)cp);
        } else {
            ks_buf_printf(b, "\\u%04x", (unsigned)cp);
        }
        i += n;
    }
    return !b->failed;
}

char *ks_text_visible(const char *s)
{
    ks_buf b = KS_BUF_INIT;
    if (!s)
        s = "";
    if (!ks_buf_reserve(&b, strlen(s) + 1) || !ks_buf_visible(&b, s, strlen(s), false)) {
        ks_buf_free(&b);
        return NULL;
    }
    b.data[b.len] = 0; /* reserved above: an empty value gets its terminator too */
    return (char *)ks_buf_steal(&b, NULL);
}

long ks_text_control_at(const char *s, size_t len)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_one(p + i, len - i, &cp);
        if (n == 0 || is_control(cp))
            return (long)i;
        i += n;
    }
    return -1;
}

void ks_fputs_visible(const char *s, size_t len, FILE *f)
{
    ks_buf b = KS_BUF_INIT;
    if (ks_buf_reserve(&b, len + 1) && ks_buf_visible(&b, s, len, true))
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
}

ks_status ks_text_check_name(const char *what, const char *s, ks_error *err)
{
    if (!s)
        return KS_OK;
    long at = ks_text_control_at(s, strlen(s));
    if (at < 0)
        return KS_OK;
    return ks_error_set(err, KS_E_USAGE,
                        N_("%s: a control character or a byte that is not UTF-8 at byte %ld "
                           "(names and labels kyso writes hold printable text only)"),
                        what, at);
}
