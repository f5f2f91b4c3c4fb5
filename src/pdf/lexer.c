/* pdf/lexer.c — the PDF tokenizer (ISO 32000-2 §7.2, §7.3): whitespace, comments, numbers,
 * names, literal and hex strings, delimiters and keywords, read through a bounded cursor.
 * Used by the object parser, the xref reader and the repair scanner. */
#include <string.h>

#include "internal.h"

void ks_lex_skip_ws(ks_cur *c)
{
    while (c->pos < c->len) {
        uint8_t ch = c->p[c->pos];
        if (ks_pdf_is_ws(ch)) {
            c->pos++;
        } else if (ch == '%') {
            while (c->pos < c->len && c->p[c->pos] != '\n' && c->p[c->pos] != '\r')
                c->pos++;
        } else {
            break;
        }
    }
}

bool ks_lex_peek_keyword(ks_cur *c, const char *kw)
{
    ks_cur t = *c;
    ks_lex_skip_ws(&t);
    size_t n = strlen(kw);
    if (t.len - t.pos < n || memcmp(t.p + t.pos, kw, n) != 0)
        return false;
    return t.pos + n == t.len || !ks_pdf_is_regular(t.p[t.pos + n]);
}

bool ks_lex_uint(ks_cur *c, uint64_t *v)
{
    ks_lex_skip_ws(c);
    size_t start = c->pos;
    uint64_t x = 0;
    while (c->pos < c->len && c->p[c->pos] >= '0' && c->p[c->pos] <= '9') {
        if (x > (UINT64_MAX - 9) / 10)
            return false;
        x = x * 10 + (uint64_t)(c->p[c->pos] - '0');
        c->pos++;
    }
    if (c->pos == start)
        return false;
    *v = x;
    return true;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Numbers: [+-]digits[.digits] or [+-].digits (§7.3.3). Parsed without strtod (locale-free). */
static ks_status lex_number(ks_cur *c, ks_tok *t, ks_error *err)
{
    size_t start = c->pos;
    bool neg = false, real = false, digits = false, overflow = false;
    if (c->p[c->pos] == '+' || c->p[c->pos] == '-') {
        neg = c->p[c->pos] == '-';
        c->pos++;
    }
    uint64_t ip = 0;
    double rv = 0, scale = 1;
    while (c->pos < c->len) {
        uint8_t ch = c->p[c->pos];
        if (ch >= '0' && ch <= '9') {
            digits = true;
            if (!real) {
                if (ip > (UINT64_MAX - 9) / 10)
                    overflow = true;
                else
                    ip = ip * 10 + (uint64_t)(ch - '0');
                rv = rv * 10 + (ch - '0');
            } else {
                scale /= 10;
                rv += (ch - '0') * scale;
            }
        } else if (ch == '.' && !real) {
            real = true;
        } else {
            break;
        }
        c->pos++;
    }
    /* A lone sign or dot is not a number; some producers write "-." or "--1": strict reject. */
    if (!digits || (c->pos < c->len && ks_pdf_is_regular(c->p[c->pos]))) {
        return ks_error_set(err, KS_E_FORMAT, N_("malformed number at byte offset %llu"),
                            (unsigned long long)(c->base + start));
    }
    if (real || overflow || ip > (uint64_t)INT64_MAX) {
        t->type = KS_TOK_REAL;
        t->r = neg ? -rv : rv;
    } else {
        t->type = KS_TOK_INT;
        t->i = neg ? -(int64_t)ip : (int64_t)ip;
    }
    return KS_OK;
}

static ks_status lex_name(ks_cur *c, ks_arena *a, ks_tok *t, ks_error *err)
{
    size_t start = c->pos;
    c->pos++; /* '/' */
    size_t s = c->pos;
    while (c->pos < c->len && ks_pdf_is_regular(c->p[c->pos]))
        c->pos++;
    size_t n = c->pos - s;
    char *out = ks_arena_alloc(a, n + 1);
    if (!out)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t o = 0;
    for (size_t k = s; k < c->pos; k++) {
        uint8_t ch = c->p[k];
        if (ch == '#') {
            int h1 = k + 1 < c->pos ? hexval(c->p[k + 1]) : -1;
            int h2 = k + 2 < c->pos ? hexval(c->p[k + 2]) : -1;
            if (h1 >= 0 && h2 >= 0) {
                out[o++] = (char)(h1 * 16 + h2);
                k += 2;
                continue;
            }
            return ks_error_set(err, KS_E_FORMAT,
                                N_("invalid #xx escape in name at byte offset %llu"),
                                (unsigned long long)(c->base + start));
        }
        out[o++] = (char)ch;
    }
    out[o] = 0;
    t->type = KS_TOK_NAME;
    t->s = out;
    t->len = o;
    return KS_OK;
}

/* Literal string (§7.3.4.2): balanced parentheses, backslash escapes, EOL normalisation. */
static ks_status lex_string(ks_cur *c, ks_arena *a, ks_tok *t, ks_error *err)
{
    size_t start = c->pos;
    c->pos++;
    /* First pass: find the end to size the output. */
    int depth = 1;
    size_t k = c->pos;
    while (k < c->len) {
        uint8_t ch = c->p[k];
        if (ch == '\\') {
            k += 2;
            continue;
        }
        if (ch == '(')
            depth++;
        else if (ch == ')' && --depth == 0)
            break;
        k++;
    }
    if (k >= c->len)
        return ks_error_set(err, KS_E_FORMAT, N_("unterminated string at byte offset %llu"),
                            (unsigned long long)(c->base + start));
    size_t end = k;
    uint8_t *out = ks_arena_alloc(a, end - c->pos + 1);
    if (!out)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t o = 0;
    k = c->pos;
    while (k < end) {
        uint8_t ch = c->p[k++];
        if (ch == '\r') {
            out[o++] = '\n';
            if (k < end && c->p[k] == '\n')
                k++;
            continue;
        }
        if (ch != '\\') {
            out[o++] = ch;
            continue;
        }
        if (k >= end)
            break;
        uint8_t e = c->p[k++];
        switch (e) {
        case 'n':
            out[o++] = '\n';
            break;
        case 'r':
            out[o++] = '\r';
            break;
        case 't':
            out[o++] = '\t';
            break;
        case 'b':
            out[o++] = '\b';
            break;
        case 'f':
            out[o++] = '\f';
            break;
        case '\r':
            if (k < end && c->p[k] == '\n')
                k++;
            break;
        case '\n':
            break;
        default:
            if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int d = 0; d < 2 && k < end && c->p[k] >= '0' && c->p[k] <= '7'; d++)
                    v = v * 8 + (c->p[k++] - '0');
                out[o++] = (uint8_t)v;
            } else {
                out[o++] = e; /* \( \) \\ and unknown escapes: the character itself */
            }
        }
    }
    out[o] = 0;
    c->pos = end + 1;
    t->type = KS_TOK_STRING;
    t->s = (const char *)out;
    t->len = o;
    return KS_OK;
}

/* Hex digit value + 1; HX_WS for PDF white space (skipped); 0 (the default) for anything else.
 * A signature's /Contents is tens of kilobytes of hex: one table look-up per byte. */
enum { HX_WS = 17 };
static const uint8_t hex_tbl[256] = {
    ['0'] = 1,  ['1'] = 2,   ['2'] = 3,   ['3'] = 4,    ['4'] = 5,    ['5'] = 6,    ['6'] = 7,
    ['7'] = 8,  ['8'] = 9,   ['9'] = 10,  ['a'] = 11,   ['b'] = 12,   ['c'] = 13,   ['d'] = 14,
    ['e'] = 15, ['f'] = 16,  ['A'] = 11,  ['B'] = 12,   ['C'] = 13,   ['D'] = 14,   ['E'] = 15,
    ['F'] = 16, [0] = HX_WS, [9] = HX_WS, [10] = HX_WS, [12] = HX_WS, [13] = HX_WS, [32] = HX_WS,
};

static ks_status lex_hex(ks_cur *c, ks_arena *a, ks_tok *t, ks_error *err)
{
    size_t start = c->pos;
    c->pos++;
    const uint8_t *end = c->pos < c->len ? memchr(c->p + c->pos, '>', c->len - c->pos) : NULL;
    if (!end)
        return ks_error_set(err, KS_E_FORMAT, N_("unterminated hex string at byte offset %llu"),
                            (unsigned long long)(c->base + start));
    size_t k = (size_t)(end - c->p);
    uint8_t *out = ks_arena_alloc(a, (k - c->pos) / 2 + 2);
    if (!out)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t o = 0;
    int hi = -1;
    for (size_t j = c->pos; j < k; j++) {
        int v = hex_tbl[c->p[j]] - 1;
        if (v == HX_WS - 1)
            continue;
        if (v < 0)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("invalid character in hex string at byte offset %llu"),
                                (unsigned long long)(c->base + j));
        if (hi < 0) {
            hi = v;
        } else {
            out[o++] = (uint8_t)(hi * 16 + v);
            hi = -1;
        }
    }
    if (hi >= 0)
        out[o++] = (uint8_t)(hi * 16); /* odd digit count: final 0 assumed (§7.3.4.3) */
    out[o] = 0;
    c->pos = k + 1;
    t->type = KS_TOK_HEXSTRING;
    t->s = (const char *)out;
    t->len = o;
    return KS_OK;
}

ks_status ks_lex_next(ks_cur *c, ks_arena *a, ks_tok *t, ks_error *err)
{
    memset(t, 0, sizeof *t);
    ks_lex_skip_ws(c);
    t->start = c->base + c->pos;
    if (c->pos >= c->len) {
        t->type = KS_TOK_EOF;
        t->end = t->start;
        return KS_OK;
    }
    ks_status st = KS_OK;
    uint8_t ch = c->p[c->pos];
    switch (ch) {
    case '[':
        t->type = KS_TOK_ARR_OPEN;
        c->pos++;
        break;
    case ']':
        t->type = KS_TOK_ARR_CLOSE;
        c->pos++;
        break;
    case '{':
        t->type = KS_TOK_BRACE_OPEN;
        c->pos++;
        break;
    case '}':
        t->type = KS_TOK_BRACE_CLOSE;
        c->pos++;
        break;
    case '/':
        st = lex_name(c, a, t, err);
        break;
    case '(':
        st = lex_string(c, a, t, err);
        break;
    case ')':
        return ks_error_set(err, KS_E_FORMAT, N_("unexpected ')' at byte offset %llu"),
                            (unsigned long long)t->start);
    case '<':
        if (c->pos + 1 < c->len && c->p[c->pos + 1] == '<') {
            t->type = KS_TOK_DICT_OPEN;
            c->pos += 2;
        } else {
            st = lex_hex(c, a, t, err);
        }
        break;
    case '>':
        if (c->pos + 1 < c->len && c->p[c->pos + 1] == '>') {
            t->type = KS_TOK_DICT_CLOSE;
            c->pos += 2;
        } else {
            return ks_error_set(err, KS_E_FORMAT, N_("unexpected '>' at byte offset %llu"),
                                (unsigned long long)t->start);
        }
        break;
    default:
        if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.') {
            st = lex_number(c, t, err);
        } else {
            size_t s = c->pos;
            while (c->pos < c->len && ks_pdf_is_regular(c->p[c->pos]) && c->pos - s < 64)
                c->pos++;
            if (c->pos < c->len && ks_pdf_is_regular(c->p[c->pos]))
                return ks_error_set(err, KS_E_FORMAT, N_("overlong keyword at byte offset %llu"),
                                    (unsigned long long)t->start);
            t->type = KS_TOK_KEYWORD;
            t->s = (const char *)(c->p + s); /* not NUL-terminated: compare with len */
            t->len = c->pos - s;
        }
    }
    t->end = c->base + c->pos;
    return st;
}
