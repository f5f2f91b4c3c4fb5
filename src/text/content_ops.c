/* text/content_ops.c — the content-stream operation reader (ISO 32000-2 §7.8.2, §8.9.7): groups
 * tokens into "operands operator" units, builds operand objects in a per-reader arena, and
 * cuts inline image data out of the stream. Bounded: operand count and nesting depth. */
#include <stdlib.h>

#include "content_lex.h"
#include "kyso/text.h"

/* The operand arena is recycled once it holds more than this, so that a long stream does not
 * keep every operand alive. */
#define ARENA_RECYCLE_BYTES (1u << 20)

struct ks_pdf_content {
    ks_clex lx;
    ks_arena *arena;
    ks_pdf_obj *operands[KS_PDF_CONTENT_MAX_OPERANDS];
    char op_name[64];
    bool failed;
};

ks_status ks_pdf_content_new(const uint8_t *data, size_t len, ks_pdf_content **out, ks_error *err)
{
    *out = NULL;
    ks_pdf_content *c = calloc(1, sizeof *c);
    if (!c)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    c->arena = ks_arena_new();
    if (!c->arena) {
        free(c);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    ks_clex_init(&c->lx, data, len);
    *out = c;
    return KS_OK;
}

void ks_pdf_content_free(ks_pdf_content *c)
{
    if (!c)
        return;
    ks_clex_free(&c->lx);
    ks_arena_free(c->arena);
    free(c);
}

static ks_pdf_obj *new_obj(ks_pdf_content *c, ks_pdf_type type, const ks_ctok *t)
{
    ks_pdf_obj *o = ks_arena_alloc(c->arena, sizeof *o);
    if (o) {
        o->type = type;
        o->start = t->start;
        o->end = t->end;
    }
    return o;
}

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

/* Simple (non-container) object from token `t`; NULL with *st set on failure, NULL with KS_OK
 * when `t` is not a simple object. */
static ks_pdf_obj *simple_obj(ks_pdf_content *c, const ks_ctok *t, ks_status *st, ks_error *err)
{
    ks_pdf_obj *o = NULL;
    *st = KS_OK;
    switch (t->type) {
    case KS_CTOK_INT:
        if ((o = new_obj(c, KS_PDF_INT, t)))
            o->u.i = t->i;
        break;
    case KS_CTOK_REAL:
        if ((o = new_obj(c, KS_PDF_REAL, t)))
            o->u.r = t->r;
        break;
    case KS_CTOK_NAME:
        if ((o = new_obj(c, KS_PDF_NAME, t))) {
            o->u.name.s = ks_arena_memdup(c->arena, t->s, t->len);
            o->u.name.len = t->len;
            if (!o->u.name.s)
                o = NULL;
        }
        break;
    case KS_CTOK_STRING:
    case KS_CTOK_HEX:
        if ((o = new_obj(c, KS_PDF_STRING, t))) {
            o->u.str.data = ks_arena_memdup(c->arena, t->s, t->len);
            o->u.str.len = t->len;
            o->u.str.hex = t->type == KS_CTOK_HEX;
            if (!o->u.str.data)
                o = NULL;
        }
        break;
    case KS_CTOK_KEYWORD:
        if (ks_ctok_is_kw(t, "true") || ks_ctok_is_kw(t, "false")) {
            if ((o = new_obj(c, KS_PDF_BOOL, t)))
                o->u.b = ks_ctok_is_kw(t, "true");
        } else if (ks_ctok_is_kw(t, "null")) {
            o = new_obj(c, KS_PDF_NULL, t);
        } else {
            return NULL;
        }
        break;
    default:
        return NULL;
    }
    if (!o)
        *st = nomem(NULL);
    return o;
}

static ks_status parse_obj(ks_pdf_content *c, ks_ctok *t, int depth, ks_pdf_obj **out,
                           ks_error *err);

/* Growable list of object pointers on the heap, copied into the arena when complete. */
typedef struct objvec {
    ks_pdf_obj **v;
    size_t n, cap;
} objvec;

static bool objvec_push(objvec *ov, ks_pdf_obj *o)
{
    if (ov->n == ov->cap) {
        size_t nc = ov->cap ? ov->cap * 2 : 16;
        ks_pdf_obj **nv = realloc(ov->v, nc * sizeof *nv);
        if (!nv)
            return false;
        ov->v = nv;
        ov->cap = nc;
    }
    ov->v[ov->n++] = o;
    return true;
}

static ks_status parse_array(ks_pdf_content *c, const ks_ctok *open, int depth, ks_pdf_obj **out,
                             ks_error *err)
{
    objvec ov = {0};
    ks_status st = KS_OK;
    ks_ctok t;
    for (;;) {
        if ((st = ks_clex_next(&c->lx, &t, err)) != KS_OK)
            goto done;
        if (t.type == KS_CTOK_ARRAY_CLOSE)
            break;
        if (t.type == KS_CTOK_EOF) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("content stream: array starting at byte %zu is not closed"),
                              open->start);
            goto done;
        }
        ks_pdf_obj *item = NULL;
        if ((st = parse_obj(c, &t, depth + 1, &item, err)) != KS_OK)
            goto done;
        if (!objvec_push(&ov, item)) {
            st = nomem(err);
            goto done;
        }
    }
    ks_pdf_obj *a = new_obj(c, KS_PDF_ARRAY, open);
    ks_pdf_obj **items = ov.n ? ks_arena_alloc(c->arena, ov.n * sizeof *items) : NULL;
    if (!a || (ov.n && !items)) {
        st = nomem(err);
        goto done;
    }
    if (ov.n)
        memcpy(items, ov.v, ov.n * sizeof *items);
    a->u.arr.items = items;
    a->u.arr.len = ov.n;
    a->end = t.end;
    *out = a;
done:
    free(ov.v);
    return st;
}

/* Reads "key value" pairs up to `>>` (or up to keyword "ID" for an inline image, when
 * `inline_image` is set) into a dictionary. */
static ks_status parse_dict(ks_pdf_content *c, const ks_ctok *open, int depth, bool inline_image,
                            ks_pdf_obj **out, ks_error *err)
{
    objvec keys = {0}, vals = {0};
    ks_status st = KS_OK;
    ks_ctok t;
    for (;;) {
        if ((st = ks_clex_next(&c->lx, &t, err)) != KS_OK)
            goto done;
        if (!inline_image && t.type == KS_CTOK_DICT_CLOSE)
            break;
        if (inline_image && ks_ctok_is_kw(&t, "ID"))
            break;
        if (t.type == KS_CTOK_EOF) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("content stream: dictionary starting at byte %zu is not closed"),
                              open->start);
            goto done;
        }
        if (t.type != KS_CTOK_NAME) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("content stream: dictionary key expected at byte %zu"), t.start);
            goto done;
        }
        ks_pdf_obj *key = NULL, *val = NULL;
        if ((st = parse_obj(c, &t, depth + 1, &key, err)) != KS_OK)
            goto done;
        if ((st = ks_clex_next(&c->lx, &t, err)) != KS_OK)
            goto done;
        if (t.type == KS_CTOK_EOF || t.type == KS_CTOK_DICT_CLOSE) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("content stream: dictionary value missing at byte %zu"), t.start);
            goto done;
        }
        if ((st = parse_obj(c, &t, depth + 1, &val, err)) != KS_OK)
            goto done;
        if (!objvec_push(&keys, key) || !objvec_push(&vals, val)) {
            st = nomem(err);
            goto done;
        }
    }
    ks_pdf_obj *d = new_obj(c, KS_PDF_DICT, open);
    ks_pdf_dict_entry *e = keys.n ? ks_arena_alloc(c->arena, keys.n * sizeof *e) : NULL;
    if (!d || (keys.n && !e)) {
        st = nomem(err);
        goto done;
    }
    for (size_t k = 0; k < keys.n; k++) {
        e[k].key = keys.v[k]->u.name.s;
        e[k].value = vals.v[k];
    }
    d->u.dict.entries = e;
    d->u.dict.len = keys.n;
    d->end = t.end;
    *out = d;
done:
    free(keys.v);
    free(vals.v);
    return st;
}

static ks_status parse_obj(ks_pdf_content *c, ks_ctok *t, int depth, ks_pdf_obj **out,
                           ks_error *err)
{
    if (depth > KS_PDF_MAX_DEPTH)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("content stream: nesting deeper than %d at byte %zu"),
                            KS_PDF_MAX_DEPTH, t->start);
    if (t->type == KS_CTOK_ARRAY_OPEN)
        return parse_array(c, t, depth, out, err);
    if (t->type == KS_CTOK_DICT_OPEN)
        return parse_dict(c, t, depth, false, out, err);
    ks_status st;
    ks_pdf_obj *o = simple_obj(c, t, &st, err);
    if (st != KS_OK)
        return nomem(err);
    if (!o)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("content stream: unexpected token at byte %zu inside an operand"),
                            t->start);
    *out = o;
    return KS_OK;
}

static const ks_pdf_obj *dict_find(const ks_pdf_obj *d, const char *k1, const char *k2)
{
    for (size_t i = 0; i < d->u.dict.len; i++)
        if (strcmp(d->u.dict.entries[i].key, k1) == 0 ||
            (k2 && strcmp(d->u.dict.entries[i].key, k2) == 0))
            return d->u.dict.entries[i].value;
    return NULL;
}

/* True when bytes at `pos` are whitespace* "EI" followed by whitespace, a delimiter or the end. */
static bool ei_at(const ks_clex *lx, size_t pos, size_t *after)
{
    while (pos < lx->len && ks_clex_is_ws(lx->p[pos]))
        pos++;
    if (pos + 2 > lx->len || lx->p[pos] != 'E' || lx->p[pos + 1] != 'I')
        return false;
    pos += 2;
    if (pos < lx->len && !ks_clex_is_ws(lx->p[pos]) && !ks_clex_is_delim(lx->p[pos]))
        return false;
    *after = pos;
    return true;
}

/* Expected byte length of unfiltered inline image data (§8.9.7), 0 when unknown. */
static size_t inline_image_len(const ks_pdf_obj *d)
{
    const ks_pdf_obj *o;
    if (dict_find(d, "F", "Filter"))
        return 0;
    if ((o = dict_find(d, "L", "Length")) && o->type == KS_PDF_INT && o->u.i > 0)
        return (size_t)o->u.i;
    int64_t w = 0, h = 0, bpc = 8, ncomp = 1;
    if ((o = dict_find(d, "W", "Width")) && o->type == KS_PDF_INT)
        w = o->u.i;
    if ((o = dict_find(d, "H", "Height")) && o->type == KS_PDF_INT)
        h = o->u.i;
    if ((o = dict_find(d, "BPC", "BitsPerComponent")) && o->type == KS_PDF_INT)
        bpc = o->u.i;
    if ((o = dict_find(d, "IM", "ImageMask")) && o->type == KS_PDF_BOOL && o->u.b)
        bpc = 1;
    if ((o = dict_find(d, "CS", "ColorSpace")) && o->type == KS_PDF_NAME) {
        const char *cs = o->u.name.s;
        if (!strcmp(cs, "RGB") || !strcmp(cs, "DeviceRGB"))
            ncomp = 3;
        else if (!strcmp(cs, "CMYK") || !strcmp(cs, "DeviceCMYK"))
            ncomp = 4;
        else if (strcmp(cs, "G") && strcmp(cs, "DeviceGray") && strcmp(cs, "I") &&
                 strcmp(cs, "Indexed"))
            return 0; /* named resource: component count unknown here */
    }
    if (w <= 0 || h <= 0 || w > 1 << 20 || h > 1 << 20 || bpc <= 0 || bpc > 16)
        return 0;
    uint64_t row = ((uint64_t)w * (uint64_t)ncomp * (uint64_t)bpc + 7) / 8;
    uint64_t total = row * (uint64_t)h;
    return total > SIZE_MAX / 2 ? 0 : (size_t)total;
}

/* BI <dict> ID <data> EI (§8.9.7). */
static ks_status read_inline_image(ks_pdf_content *c, const ks_ctok *bi, ks_pdf_content_op *op,
                                   ks_error *err)
{
    ks_pdf_obj *dict = NULL;
    ks_status st = parse_dict(c, bi, 1, true, &dict, err);
    if (st != KS_OK)
        return st;
    ks_clex *lx = &c->lx;
    size_t start = lx->pos;
    if (start < lx->len && ks_clex_is_ws(lx->p[start]))
        start++; /* the single white-space character after ID */
    size_t end = 0, after = 0, expect = inline_image_len(dict);
    if (expect && expect <= lx->len - start && ei_at(lx, start + expect, &after)) {
        end = start + expect;
    } else {
        bool found = false;
        for (size_t k = start; k + 2 <= lx->len; k++) {
            if (lx->p[k] == 'E' && lx->p[k + 1] == 'I' &&
                (k == start || ks_clex_is_ws(lx->p[k - 1])) && ei_at(lx, k, &after)) {
                end = k > start && ks_clex_is_ws(lx->p[k - 1]) ? k - 1 : k;
                found = true;
                break;
            }
        }
        if (!found)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("content stream: inline image at byte %zu has no EI"),
                                bi->start);
    }
    lx->pos = after;
    c->operands[0] = dict;
    op->count = 1;
    op->data = lx->p + start;
    op->data_len = end - start;
    return KS_OK;
}

ks_status ks_pdf_content_next(ks_pdf_content *c, ks_pdf_content_op *op, bool *done, ks_error *err)
{
    memset(op, 0, sizeof *op);
    op->operands = c->operands;
    *done = false;
    if (c->failed)
        return ks_error_set(err, KS_E_USAGE, N_("content stream: reading past an error"));
    if (ks_arena_bytes(c->arena) > ARENA_RECYCLE_BYTES) {
        ks_arena *na = ks_arena_new();
        if (!na)
            return nomem(err);
        ks_arena_free(c->arena);
        c->arena = na;
    }
    ks_status st = KS_OK;
    size_t n = 0;
    ks_ctok t;
    for (;;) {
        if ((st = ks_clex_next(&c->lx, &t, err)) != KS_OK)
            goto fail;
        if (t.type == KS_CTOK_EOF) {
            *done = true;
            return KS_OK;
        }
        bool is_operator = t.type == KS_CTOK_KEYWORD && !ks_ctok_is_kw(&t, "true") &&
                           !ks_ctok_is_kw(&t, "false") && !ks_ctok_is_kw(&t, "null");
        if (is_operator || t.type == KS_CTOK_BRACE_OPEN || t.type == KS_CTOK_BRACE_CLOSE) {
            size_t l = t.len < sizeof c->op_name - 1 ? t.len : sizeof c->op_name - 1;
            if (t.type == KS_CTOK_KEYWORD)
                memcpy(c->op_name, t.s, l);
            else
                c->op_name[0] = t.type == KS_CTOK_BRACE_OPEN ? '{' : '}', l = 1;
            c->op_name[l] = 0;
            op->op = c->op_name;
            op->offset = t.start;
            if (ks_ctok_is_kw(&t, "BI")) {
                if ((st = read_inline_image(c, &t, op, err)) != KS_OK)
                    goto fail;
                return KS_OK;
            }
            op->count = n;
            return KS_OK;
        }
        if (t.type == KS_CTOK_ARRAY_CLOSE || t.type == KS_CTOK_DICT_CLOSE) {
            st = ks_error_set(err, KS_E_FORMAT, N_("content stream: unbalanced '%s' at byte %zu"),
                              t.type == KS_CTOK_ARRAY_CLOSE ? "]" : ">>", t.start);
            goto fail;
        }
        if (n >= KS_PDF_CONTENT_MAX_OPERANDS) {
            st = ks_error_set(err, KS_E_LIMIT,
                              N_("content stream: more than %d operands before byte %zu"),
                              KS_PDF_CONTENT_MAX_OPERANDS, t.start);
            goto fail;
        }
        ks_pdf_obj *o = NULL;
        if ((st = parse_obj(c, &t, 1, &o, err)) != KS_OK)
            goto fail;
        c->operands[n++] = o;
    }
fail:
    c->failed = true;
    return st;
}
