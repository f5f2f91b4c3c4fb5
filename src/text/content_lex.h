/* text/content_lex.h — private tokenizer of PDF content streams and CMaps (ISO 32000-2 §7.2,
 * §7.8.2): a bounded cursor over a byte buffer that yields numbers, names, strings, brackets
 * and keywords. Shared by the content-operation reader (content_ops.c) and the CMap parser. */
#ifndef KYSO_PDF_CONTENT_LEX_H
#define KYSO_PDF_CONTENT_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kyso/error.h"
#include "kyso/util.h"

typedef enum ks_ctok_type {
    KS_CTOK_EOF = 0,
    KS_CTOK_INT,
    KS_CTOK_REAL,
    KS_CTOK_NAME,   /* decoded (#xx) into the lexer's scratch buffer */
    KS_CTOK_STRING, /* literal string, escapes decoded into scratch */
    KS_CTOK_HEX,    /* hex string, decoded into scratch */
    KS_CTOK_ARRAY_OPEN,
    KS_CTOK_ARRAY_CLOSE,
    KS_CTOK_DICT_OPEN,
    KS_CTOK_DICT_CLOSE,
    KS_CTOK_BRACE_OPEN,
    KS_CTOK_BRACE_CLOSE,
    KS_CTOK_KEYWORD, /* operator or true/false/null; bytes point into the input */
} ks_ctok_type;

typedef struct ks_ctok {
    ks_ctok_type type;
    int64_t i;        /* KS_CTOK_INT */
    double r;         /* KS_CTOK_INT and KS_CTOK_REAL */
    const uint8_t *s; /* name/string bytes (scratch, valid until the next token) or keyword */
    size_t len;
    size_t start, end; /* byte span in the buffer */
} ks_ctok;

typedef struct ks_clex {
    const uint8_t *p;
    size_t len;
    size_t pos;
    ks_buf scratch;
} ks_clex;

void ks_clex_init(ks_clex *lx, const uint8_t *data, size_t len);
void ks_clex_free(ks_clex *lx);
/* Reads the next token. KS_E_FORMAT for an unterminated string or a bad hex digit (the message
 * names the byte offset), KS_E_NOMEM. At the end of input the token type is KS_CTOK_EOF. */
ks_status ks_clex_next(ks_clex *lx, ks_ctok *t, ks_error *err);

static inline bool ks_clex_is_ws(int c)
{
    return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}
static inline bool ks_clex_is_delim(int c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}
static inline bool ks_ctok_is_kw(const ks_ctok *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->type == KS_CTOK_KEYWORD && t->len == n && memcmp(t->s, kw, n) == 0;
}

#endif
