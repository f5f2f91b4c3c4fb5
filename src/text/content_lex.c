/* text/content_lex.c — tokenizer of content streams and CMaps (ISO 32000-2 §7.2). Reads only
 * through the bounded cursor of ks_clex; decoded names and strings go to a scratch buffer that
 * the next token reuses. */
#include <stdlib.h>

#include "content_lex.h"

void ks_clex_init(ks_clex *lx, const uint8_t *data, size_t len)
{
    lx->p = data;
    lx->len = data ? len : 0;
    lx->pos = 0;
    ks_buf empty = KS_BUF_INIT;
    lx->scratch = empty;
}

void ks_clex_free(ks_clex *lx)
{
    ks_buf_free(&lx->scratch);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void skip_ws(ks_clex *lx)
{
    while (lx->pos < lx->len) {
        int c = lx->p[lx->pos];
        if (ks_clex_is_ws(c)) {
            lx->pos++;
        } else if (c == '%') {
            while (lx->pos < lx->len && lx->p[lx->pos] != '\n' && lx->p[lx->pos] != '\r')
                lx->pos++;
        } else {
            break;
        }
    }
}

static ks_status scratch_put(ks_clex *lx, uint8_t c, ks_error *err)
{
    if (!ks_buf_putc(&lx->scratch, c))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

/* Literal string (§7.3.4.2): balanced parentheses, backslash escapes, EOL normalised to LF. */
static ks_status lex_string(ks_clex *lx, ks_ctok *t, ks_error *err)
{
    size_t depth = 1;
    lx->pos++; /* '(' */
    while (lx->pos < lx->len) {
        uint8_t c = lx->p[lx->pos++];
        if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0) {
                t->type = KS_CTOK_STRING;
                return KS_OK;
            }
        } else if (c == '\r') {
            if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
                lx->pos++;
            c = '\n';
        } else if (c == '\\') {
            if (lx->pos >= lx->len)
                break;
            c = lx->p[lx->pos++];
            switch (c) {
            case 'n':
                c = '\n';
                break;
            case 'r':
                c = '\r';
                break;
            case 't':
                c = '\t';
                break;
            case 'b':
                c = '\b';
                break;
            case 'f':
                c = '\f';
                break;
            case '\r':
                if (lx->pos < lx->len && lx->p[lx->pos] == '\n')
                    lx->pos++;
                continue;
            case '\n':
                continue;
            default:
                if (c >= '0' && c <= '7') {
                    unsigned v = (unsigned)(c - '0');
                    for (int k = 0; k < 2 && lx->pos < lx->len && lx->p[lx->pos] >= '0' &&
                                    lx->p[lx->pos] <= '7';
                         k++)
                        v = v * 8 + (unsigned)(lx->p[lx->pos++] - '0');
                    c = (uint8_t)(v & 0xff);
                }
                /* any other escaped character stands for itself */
                break;
            }
        }
        if (depth > 0) {
            ks_status st = scratch_put(lx, c, err);
            if (st != KS_OK)
                return st;
        }
    }
    return ks_error_set(err, KS_E_FORMAT,
                        N_("content stream: unterminated literal string starting at byte %zu"),
                        t->start);
}

/* Hex string (§7.3.4.3): whitespace ignored, an odd final digit is followed by 0. */
static ks_status lex_hex(ks_clex *lx, ks_ctok *t, ks_error *err)
{
    int hi = -1;
    lx->pos++; /* '<' */
    while (lx->pos < lx->len) {
        int c = lx->p[lx->pos++];
        if (c == '>') {
            if (hi >= 0) {
                ks_status st = scratch_put(lx, (uint8_t)(hi << 4), err);
                if (st != KS_OK)
                    return st;
            }
            t->type = KS_CTOK_HEX;
            return KS_OK;
        }
        if (ks_clex_is_ws(c))
            continue;
        int v = hexval(c);
        if (v < 0)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("content stream: invalid character in hex string at byte %zu"),
                                lx->pos - 1);
        if (hi < 0) {
            hi = v;
        } else {
            ks_status st = scratch_put(lx, (uint8_t)(hi << 4 | v), err);
            if (st != KS_OK)
                return st;
            hi = -1;
        }
    }
    return ks_error_set(err, KS_E_FORMAT,
                        N_("content stream: unterminated hex string starting at byte %zu"),
                        t->start);
}

static ks_status lex_name(ks_clex *lx, ks_ctok *t, ks_error *err)
{
    lx->pos++; /* '/' */
    while (lx->pos < lx->len) {
        int c = lx->p[lx->pos];
        if (ks_clex_is_ws(c) || ks_clex_is_delim(c))
            break;
        lx->pos++;
        if (c == '#' && lx->pos + 1 < lx->len && hexval(lx->p[lx->pos]) >= 0 &&
            hexval(lx->p[lx->pos + 1]) >= 0) {
            c = hexval(lx->p[lx->pos]) << 4 | hexval(lx->p[lx->pos + 1]);
            lx->pos += 2;
        }
        ks_status st = scratch_put(lx, (uint8_t)c, err);
        if (st != KS_OK)
            return st;
    }
    t->type = KS_CTOK_NAME;
    return KS_OK;
}

/* A bare word is a number when it matches [+-]?(digits[.digits*]|.digits) (§7.3.3); anything
 * else is a keyword (an operator, or true/false/null). */
static void lex_word(ks_clex *lx, ks_ctok *t)
{
    size_t s = lx->pos;
    while (lx->pos < lx->len && !ks_clex_is_ws(lx->p[lx->pos]) && !ks_clex_is_delim(lx->p[lx->pos]))
        lx->pos++;
    const uint8_t *w = lx->p + s;
    size_t n = lx->pos - s, k = 0;
    t->s = w;
    t->len = n;
    t->type = KS_CTOK_KEYWORD;
    bool neg = false;
    if (k < n && (w[k] == '+' || w[k] == '-'))
        neg = w[k++] == '-';
    size_t digits = 0, frac = 0;
    bool dot = false;
    double r = 0, scale = 1;
    int64_t iv = 0;
    bool big = false;
    for (; k < n; k++) {
        if (w[k] >= '0' && w[k] <= '9') {
            int d = w[k] - '0';
            if (dot) {
                scale /= 10;
                r += d * scale;
                frac++;
            } else {
                r = r * 10 + d;
                if (iv > (INT64_MAX - d) / 10)
                    big = true;
                else
                    iv = iv * 10 + d;
                digits++;
            }
        } else if (w[k] == '.' && !dot) {
            dot = true;
        } else {
            return; /* keyword */
        }
    }
    if (digits + frac == 0)
        return;
    t->r = neg ? -r : r;
    if (!dot && !big) {
        t->type = KS_CTOK_INT;
        t->i = neg ? -iv : iv;
    } else {
        t->type = KS_CTOK_REAL;
    }
}

ks_status ks_clex_next(ks_clex *lx, ks_ctok *t, ks_error *err)
{
    memset(t, 0, sizeof *t);
    lx->scratch.len = 0;
    skip_ws(lx);
    t->start = lx->pos;
    ks_status st = KS_OK;
    if (lx->pos >= lx->len) {
        t->type = KS_CTOK_EOF;
        t->end = lx->pos;
        return KS_OK;
    }
    int c = lx->p[lx->pos];
    switch (c) {
    case '(':
        st = lex_string(lx, t, err);
        break;
    case '<':
        if (lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '<') {
            lx->pos += 2;
            t->type = KS_CTOK_DICT_OPEN;
        } else {
            st = lex_hex(lx, t, err);
        }
        break;
    case '>':
        if (lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '>') {
            lx->pos += 2;
            t->type = KS_CTOK_DICT_CLOSE;
        } else {
            return ks_error_set(err, KS_E_FORMAT, N_("content stream: unexpected '>' at byte %zu"),
                                lx->pos);
        }
        break;
    case '[':
    case ']':
    case '{':
    case '}':
        lx->pos++;
        t->type = c == '['   ? KS_CTOK_ARRAY_OPEN
                  : c == ']' ? KS_CTOK_ARRAY_CLOSE
                  : c == '{' ? KS_CTOK_BRACE_OPEN
                             : KS_CTOK_BRACE_CLOSE;
        break;
    case ')':
        return ks_error_set(err, KS_E_FORMAT, N_("content stream: unexpected ')' at byte %zu"),
                            lx->pos);
    case '/':
        st = lex_name(lx, t, err);
        break;
    default:
        lex_word(lx, t);
        break;
    }
    if (st != KS_OK)
        return st;
    if (t->type == KS_CTOK_NAME || t->type == KS_CTOK_STRING || t->type == KS_CTOK_HEX) {
        if (lx->scratch.failed)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        t->s = lx->scratch.data ? lx->scratch.data : (const uint8_t *)"";
        t->len = lx->scratch.len;
    }
    t->end = lx->pos;
    return KS_OK;
}
