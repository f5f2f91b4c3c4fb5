/* pdf/parser.c — the object parser (ISO 32000-2 §7.3): direct objects from tokens, indirect
 * objects "N G obj ... endobj" and stream extents (§7.3.8) checked against /Length.
 * Strings are decrypted later by the loader (document.c), never here. */
#include <string.h>

#include "internal.h"

/* `msgid` has the form "%s: ... at byte offset %llu" (file name, offset). */
#define fmt_err(err, doc, off, msgid)                                                              \
    ks_error_set(err, KS_E_FORMAT, msgid, (doc)->name, (unsigned long long)(off))

static ks_status parse_value(ks_pdf_doc *doc, ks_cur *c, int depth, ks_tok *t, ks_pdf_obj **out,
                             ks_error *err);

static ks_status parse_array(ks_pdf_doc *doc, ks_cur *c, int depth, ks_pdf_obj *arr, ks_error *err)
{
    for (;;) {
        ks_tok t;
        ks_status st = ks_lex_next(c, doc->arena, &t, err);
        if (st)
            return st;
        if (t.type == KS_TOK_ARR_CLOSE) {
            arr->end = t.end;
            return KS_OK;
        }
        if (t.type == KS_TOK_EOF)
            return fmt_err(err, doc, t.start, N_("%s: unterminated array at byte offset %llu"));
        ks_pdf_obj *item;
        st = parse_value(doc, c, depth + 1, &t, &item, err);
        if (st)
            return st;
        if (!ks_pdf_array_push(doc->arena, arr, item))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
}

static ks_status parse_dict(ks_pdf_doc *doc, ks_cur *c, int depth, ks_pdf_obj *d, ks_error *err)
{
    for (;;) {
        ks_tok t;
        ks_status st = ks_lex_next(c, doc->arena, &t, err);
        if (st)
            return st;
        if (t.type == KS_TOK_DICT_CLOSE) {
            d->end = t.end;
            return KS_OK;
        }
        if (t.type == KS_TOK_EOF)
            return fmt_err(err, doc, t.start,
                           N_("%s: unterminated dictionary at byte offset %llu"));
        if (t.type != KS_TOK_NAME)
            return fmt_err(err, doc, t.start,
                           N_("%s: dictionary key is not a name at byte offset %llu"));
        const char *key = t.s;
        ks_tok v;
        st = ks_lex_next(c, doc->arena, &v, err);
        if (st)
            return st;
        if (v.type == KS_TOK_DICT_CLOSE || v.type == KS_TOK_EOF)
            return fmt_err(err, doc, v.start,
                           N_("%s: dictionary key without a value at byte offset %llu"));
        ks_pdf_obj *val;
        st = parse_value(doc, c, depth + 1, &v, &val, err);
        if (st)
            return st;
        /* A null value is the same as an absent key (§7.3.7); keep it: writers may need it. */
        if (!ks_pdf_dict_append(doc->arena, d, key, val))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
}

/* Given an already read first token, parses the value it starts. */
static ks_status parse_value(ks_pdf_doc *doc, ks_cur *c, int depth, ks_tok *t, ks_pdf_obj **out,
                             ks_error *err)
{
    if (depth > KS_PDF_MAX_DEPTH)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("%s: objects nested deeper than %d levels at byte offset %llu"),
                            doc->name, KS_PDF_MAX_DEPTH, (unsigned long long)t->start);
    ks_arena *a = doc->arena;
    ks_pdf_obj *o = ks_arena_alloc(a, sizeof *o);
    if (!o)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    o->start = t->start;
    o->end = t->end;
    ks_status st = KS_OK;
    switch (t->type) {
    case KS_TOK_INT: {
        o->type = KS_PDF_INT;
        o->u.i = t->i;
        /* "N G R" (§7.3.10): look ahead two tokens without consuming on mismatch. */
        if (t->i >= 0) {
            ks_cur save = *c;
            ks_tok g, r;
            ks_error scratch;
            if (ks_lex_next(c, a, &g, &scratch) == KS_OK && g.type == KS_TOK_INT && g.i >= 0 &&
                ks_lex_next(c, a, &r, &scratch) == KS_OK && ks_tok_is_kw(&r, "R")) {
                if (t->i > KS_PDF_MAX_OBJECTS || g.i > 65535)
                    return ks_error_set(err, KS_E_LIMIT,
                                        N_("%s: object reference %lld %lld out of range at byte "
                                           "offset %llu"),
                                        doc->name, (long long)t->i, (long long)g.i,
                                        (unsigned long long)t->start);
                o->type = KS_PDF_REF;
                o->u.ref.num = (uint32_t)t->i;
                o->u.ref.gen = (uint16_t)g.i;
                o->end = r.end;
            } else {
                *c = save;
            }
        }
        break;
    }
    case KS_TOK_REAL:
        o->type = KS_PDF_REAL;
        o->u.r = t->r;
        break;
    case KS_TOK_NAME:
        o->type = KS_PDF_NAME;
        o->u.name.s = t->s;
        o->u.name.len = t->len;
        break;
    case KS_TOK_STRING:
    case KS_TOK_HEXSTRING:
        o->type = KS_PDF_STRING;
        o->u.str.data = (uint8_t *)t->s;
        o->u.str.len = t->len;
        o->u.str.hex = t->type == KS_TOK_HEXSTRING;
        break;
    case KS_TOK_ARR_OPEN:
        o->type = KS_PDF_ARRAY;
        st = parse_array(doc, c, depth, o, err);
        break;
    case KS_TOK_DICT_OPEN:
        o->type = KS_PDF_DICT;
        st = parse_dict(doc, c, depth, o, err);
        break;
    case KS_TOK_KEYWORD:
        if (ks_tok_is_kw(t, "true") || ks_tok_is_kw(t, "false")) {
            o->type = KS_PDF_BOOL;
            o->u.b = t->s[0] == 't';
        } else if (ks_tok_is_kw(t, "null")) {
            o->type = KS_PDF_NULL;
        } else {
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: unexpected keyword \"%.*s\" at byte offset %llu"),
                                doc->name, (int)t->len, t->s, (unsigned long long)t->start);
        }
        break;
    default:
        return fmt_err(err, doc, t->start, N_("%s: unexpected token at byte offset %llu"));
    }
    if (st)
        return st;
    if (!c->in_file)
        o->start = o->end = 0;
    *out = o;
    return KS_OK;
}

ks_status ks_parse_object(ks_pdf_doc *doc, ks_cur *c, int depth, ks_pdf_obj **out, ks_error *err)
{
    ks_tok t;
    ks_status st = ks_lex_next(c, doc->arena, &t, err);
    if (st)
        return st;
    if (t.type == KS_TOK_EOF)
        return fmt_err(err, doc, t.start,
                       N_("%s: object expected, end of data found at byte offset %llu"));
    return parse_value(doc, c, depth, &t, out, err);
}

/* Finds "endstream" right after the data (an EOL and whitespace may precede it). */
static bool endstream_at(const ks_pdf_doc *doc, uint64_t pos)
{
    ks_cur c = {doc->data, doc->len, (size_t)pos, 0, true};
    while (c.pos < c.len && ks_pdf_is_ws(c.p[c.pos]))
        c.pos++;
    return c.len - c.pos >= 9 && memcmp(c.p + c.pos, "endstream", 9) == 0;
}

/* Repair mode: the stream's real end is the first "endstream" after the data start. */
static bool find_endstream(const ks_pdf_doc *doc, uint64_t from, uint64_t *len)
{
    const uint8_t *p = doc->data + from;
    size_t n = doc->len - (size_t)from;
    for (size_t i = 0; i + 9 <= n; i++) {
        if (p[i] == 'e' && memcmp(p + i, "endstream", 9) == 0) {
            size_t e = i;
            if (e > 0 && p[e - 1] == '\n')
                e--;
            if (e > 0 && p[e - 1] == '\r')
                e--;
            *len = e;
            return true;
        }
    }
    return false;
}

bool ks_pdf_header_at(const ks_pdf_doc *doc, uint64_t off)
{
    if (off >= doc->len)
        return false;
    ks_cur c = {doc->data, doc->len, (size_t)off, 0, true};
    uint64_t n, g;
    return ks_lex_uint(&c, &n) && ks_lex_uint(&c, &g) && ks_lex_peek_keyword(&c, "obj");
}

bool ks_parse_header_is(const ks_pdf_doc *doc, uint64_t off, uint32_t num, uint16_t gen)
{
    if (off >= doc->len)
        return false;
    ks_cur c = {doc->data, doc->len, (size_t)off, 0, true};
    uint64_t n, g;
    return ks_lex_uint(&c, &n) && ks_lex_uint(&c, &g) && ks_lex_peek_keyword(&c, "obj") &&
           n == num && g == gen;
}

ks_status ks_parse_indirect(ks_pdf_doc *doc, uint64_t off, uint32_t num, uint16_t gen,
                            ks_pdf_obj **out, uint64_t *end, ks_error *err)
{
    if (off >= doc->len)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u %u: offset %llu is past the end of the file"),
                            doc->name, num, gen, (unsigned long long)off);
    ks_cur c = {doc->data, doc->len, (size_t)off, 0, true};
    uint64_t n, g;
    if (!ks_lex_uint(&c, &n) || !ks_lex_uint(&c, &g) || !ks_lex_peek_keyword(&c, "obj")) {
        if (num == UINT32_MAX)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: no xref table or xref stream object at byte offset %llu"),
                                doc->name, (unsigned long long)off);
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u %u: no \"%u %u obj\" at byte offset %llu"), doc->name,
                            num, gen, num, gen, (unsigned long long)off);
    }
    if (num != UINT32_MAX && (n != num || g != gen))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: xref points object %u %u to byte offset %llu, where object "
                               "%llu %llu starts"),
                            doc->name, num, gen, (unsigned long long)off, (unsigned long long)n,
                            (unsigned long long)g);
    ks_lex_skip_ws(&c);
    c.pos += 3;
    ks_pdf_obj *o;
    ks_status st = ks_parse_object(doc, &c, 0, &o, err);
    if (st)
        return st;
    if (o->type == KS_PDF_DICT && ks_lex_peek_keyword(&c, "stream")) {
        ks_lex_skip_ws(&c);
        uint64_t kw = c.pos;
        c.pos += 6;
        if (c.pos < c.len && c.p[c.pos] == '\r' && c.pos + 1 < c.len && c.p[c.pos + 1] == '\n')
            c.pos += 2;
        else if (c.pos < c.len && c.p[c.pos] == '\n')
            c.pos++;
        else if (c.pos < c.len && c.p[c.pos] == '\r' && doc->opts.mode == KS_PDF_REPAIR)
            c.pos++;
        else
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: object %u %u: \"stream\" at byte offset %llu is not "
                                   "followed by an end of line"),
                                doc->name, num, gen, (unsigned long long)kw);
        uint64_t data_off = c.pos;
        ks_pdf_obj *lenobj = ks_pdf_dict_get(o, "Length");
        int64_t slen = -1;
        if (lenobj && lenobj->type == KS_PDF_REF) {
            ks_error e2;
            ks_pdf_obj *lv = ks_pdf_resolve(doc, lenobj, &e2);
            if (lv->type == KS_PDF_INT)
                slen = lv->u.i;
        } else if (lenobj && lenobj->type == KS_PDF_INT) {
            slen = lenobj->u.i;
        }
        bool ok = slen >= 0 && ks_doc_range_ok(doc, data_off, (uint64_t)slen) &&
                  endstream_at(doc, data_off + (uint64_t)slen);
        if (!ok) {
            uint64_t l2;
            if (doc->opts.mode != KS_PDF_REPAIR || !find_endstream(doc, data_off, &l2))
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: object %u %u: stream /Length %lld does not end at "
                                       "\"endstream\" (data at byte offset %llu)"),
                                    doc->name, num, gen, (long long)slen,
                                    (unsigned long long)data_off);
            slen = (int64_t)l2;
            doc->repaired = true;
        }
        ks_pdf_obj *s = ks_arena_alloc(doc->arena, sizeof *s);
        if (!s)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        s->type = KS_PDF_STREAM;
        s->u.stream.dict = o;
        s->u.stream.data_off = data_off;
        s->u.stream.data_len = (uint64_t)slen;
        s->u.stream.src = doc->data + data_off;
        s->u.stream.obj_num = num == UINT32_MAX ? (uint32_t)n : num;
        s->u.stream.obj_gen = (uint16_t)g;
        s->start = o->start;
        c.pos = (size_t)(data_off + (uint64_t)slen);
        ks_lex_skip_ws(&c);
        c.pos += 9;
        s->end = c.pos;
        o = s;
    }
    if (!ks_lex_peek_keyword(&c, "endobj")) {
        if (doc->opts.mode != KS_PDF_REPAIR)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: object %u %u: \"endobj\" expected at byte offset %llu"),
                                doc->name, num, gen, (unsigned long long)c.pos);
        doc->repaired = true;
    } else {
        ks_lex_skip_ws(&c);
        c.pos += 6;
    }
    if (end)
        *end = c.pos;
    *out = o;
    return KS_OK;
}
