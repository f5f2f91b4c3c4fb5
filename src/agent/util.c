/* agent/util.c — the agent's small helpers: errors with translated text, a growable buffer
 * with a JSON string escaper, base64 and hex. Kept apart from libkyso's util/ because the
 * agent links neither OpenSSL nor libkyso (it must build with mingw-w64 alone). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

struct ka_msg {
    const char *id, *vi;
};
/* Built from po/vi.po and the po/fragments by po2c.awk: {msgid, Vietnamese} pairs. */
static const struct ka_msg ka_msgs[] = {
#include <agent_msgs.h> /* generated in the build tree */
    {NULL, NULL}};

const char *ka_tr(const char *msgid, bool en)
{
    if (en)
        return msgid;
    for (size_t i = 0; ka_msgs[i].id; i++)
        if (strcmp(ka_msgs[i].id, msgid) == 0)
            return ka_msgs[i].vi[0] ? ka_msgs[i].vi : msgid;
    return msgid;
}

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
bool ka_fail(ka_err *e, const char *code, const char *fmt, ...)
{
    if (!e)
        return false;
    e->code = code;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    vsnprintf(e->msg_en, sizeof e->msg_en, fmt, ap);
    va_end(ap);
    /* The Vietnamese msgstr keeps the msgid's directives (msgfmt --check-format). */
    const char *tr = ka_tr(fmt, e->en);
    vsnprintf(e->msg, sizeof e->msg, tr, ap2);
    va_end(ap2);
    return false;
}

bool ka_fail_msgids(ka_err *e, const char *code, const char *a, const char *b)
{
    if (!e)
        return false;
    e->code = code;
    snprintf(e->msg_en, sizeof e->msg_en, "%s%s%s", a, b ? " " : "", b ? b : "");
    snprintf(e->msg, sizeof e->msg, "%s%s%s", ka_tr(a, e->en), b ? " " : "",
             b ? ka_tr(b, e->en) : "");
    return false;
}

void ka_buf_printf(ka_buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    ka_buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

void ka_buf_put(ka_buf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (n > SIZE_MAX / 2 - b->len) {
        b->oom = true;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void ka_buf_puts(ka_buf *b, const char *s)
{
    ka_buf_put(b, s, strlen(s));
}

void ka_buf_free(ka_buf *b)
{
    if (b->p) {
        ka_wipe(b->p, b->cap);
        free(b->p);
    }
    memset(b, 0, sizeof *b);
}

void ka_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF),
 * or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void ka_buf_json_str(ka_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    ka_buf_put(b, "\"", 1);
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            ka_buf_put(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            ka_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t l = utf8_len(u + i, n - i);
            if (!l) {
                ka_buf_puts(b, "\xEF\xBF\xBD");
                i++;
            } else {
                ka_buf_put(b, u + i, l);
                i += l;
            }
        }
    }
    ka_buf_put(b, "\"", 1);
}

/* The longest prefix of s, at most n bytes, that ends on a character boundary. */
size_t ka_utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t l = utf8_len(u + i, n - i);
        if (!l)
            break;
        i += l;
    }
    return i;
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ka_b64_encode(ka_buf *b, const uint8_t *p, size_t n)
{
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        q[0] = b64chars[(v >> 18) & 63];
        q[1] = b64chars[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? b64chars[v & 63] : '=';
        ka_buf_put(b, q, 4);
    }
}

static int b64val(char c)
{
    const char *p = c ? strchr(b64chars, c) : NULL;
    return p ? (int)(p - b64chars) : -1;
}

bool ka_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len)
{
    if (n % 4)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            if (s[i + k] == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
            } else {
                if (pad)
                    return false; /* "=" then a character */
                v[k] = b64val(s[i + k]);
                if (v[k] < 0)
                    return false;
            }
        }
        uint32_t w = ((uint32_t)v[0] << 18) | ((uint32_t)v[1] << 12) | ((uint32_t)v[2] << 6) |
                     (uint32_t)v[3];
        uint8_t bytes[3] = {(uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w};
        for (int k = 0; k < 3 - pad; k++) {
            if (o >= cap)
                return false;
            out[o++] = bytes[k];
        }
    }
    *out_len = o;
    return true;
}

void ka_hex(ka_buf *b, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char two[2] = {hx[p[i] >> 4], hx[p[i] & 15]};
        ka_buf_put(b, two, 2);
    }
}

bool ka_text_displayable(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        if (u[i] < 0x20 || u[i] == 0x7F)
            return false; /* C0 controls: a newline could draw a fake line in the dialog */
        if (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
            return false; /* C1 controls */
        /* Bidirectional controls (U+200E/F, U+202A-202E, U+2066-2069) can make the origin or
         * a hash prefix read differently from the bytes (Trojan Source). */
        if (u[i] == 0xE2 && i + 2 < n &&
            ((u[i + 1] == 0x80 &&
              (u[i + 2] == 0x8E || u[i + 2] == 0x8F || (u[i + 2] >= 0xAA && u[i + 2] <= 0xAE))) ||
             (u[i + 1] == 0x81 && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9)))
            return false;
    }
    return true;
}
