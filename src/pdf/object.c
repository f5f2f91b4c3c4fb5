/* pdf/object.c — PDF object values: builders in an arena, dictionary and array editing,
 * lookups and typed accessors. Parsed and constructed objects share this representation. */
#include <string.h>

#include "internal.h"

static ks_pdf_obj *new_obj(ks_arena *a, ks_pdf_type t)
{
    ks_pdf_obj *o = ks_arena_alloc(a, sizeof *o);
    if (o)
        o->type = t;
    return o;
}

ks_pdf_obj *ks_pdf_new_null(ks_arena *a)
{
    return new_obj(a, KS_PDF_NULL);
}

ks_pdf_obj *ks_pdf_new_bool(ks_arena *a, bool v)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_BOOL);
    if (o)
        o->u.b = v;
    return o;
}

ks_pdf_obj *ks_pdf_new_int(ks_arena *a, int64_t v)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_INT);
    if (o)
        o->u.i = v;
    return o;
}

ks_pdf_obj *ks_pdf_new_real(ks_arena *a, double v)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_REAL);
    if (o)
        o->u.r = v;
    return o;
}

ks_pdf_obj *ks_pdf_new_name(ks_arena *a, const char *name)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_NAME);
    if (!o)
        return NULL;
    size_t n = strlen(name);
    o->u.name.s = ks_arena_memdup(a, name, n);
    o->u.name.len = n;
    return o->u.name.s ? o : NULL;
}

ks_pdf_obj *ks_pdf_new_string(ks_arena *a, const uint8_t *data, size_t len, bool hex)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_STRING);
    if (!o)
        return NULL;
    o->u.str.data = ks_arena_memdup(a, data ? data : (const uint8_t *)"", data ? len : 0);
    o->u.str.len = data ? len : 0;
    o->u.str.hex = hex;
    return o->u.str.data ? o : NULL;
}

ks_pdf_obj *ks_pdf_new_ref(ks_arena *a, uint32_t num, uint16_t gen)
{
    ks_pdf_obj *o = new_obj(a, KS_PDF_REF);
    if (o) {
        o->u.ref.num = num;
        o->u.ref.gen = gen;
    }
    return o;
}

ks_pdf_obj *ks_pdf_new_array(ks_arena *a)
{
    return new_obj(a, KS_PDF_ARRAY);
}

ks_pdf_obj *ks_pdf_new_dict(ks_arena *a)
{
    return new_obj(a, KS_PDF_DICT);
}

/* Arrays and dictionaries grow by reallocating in the arena (old blocks stay until the arena
 * dies); capacity is the next power of two of len, so no separate field is needed. */
static bool grow(ks_arena *a, void **items, size_t len, size_t elem)
{
    size_t cap, bytes;
    if (len == 0)
        cap = 4;
    else if (len >= 4 && (len & (len - 1)) == 0)
        cap = len * 2;
    else
        return true;
    if (!ks_mul_size(cap, elem, &bytes))
        return false;
    void *n = ks_arena_alloc(a, bytes);
    if (!n)
        return false;
    if (len)
        memcpy(n, *items, len * elem);
    *items = n;
    return true;
}

bool ks_pdf_dict_append(ks_arena *a, ks_pdf_obj *d, const char *key, ks_pdf_obj *value)
{
    void *items = d->u.dict.entries;
    if (!grow(a, &items, d->u.dict.len, sizeof(ks_pdf_dict_entry)))
        return false;
    d->u.dict.entries = items;
    d->u.dict.entries[d->u.dict.len].key = key;
    d->u.dict.entries[d->u.dict.len].value = value;
    d->u.dict.len++;
    return true;
}

bool ks_pdf_array_push(ks_arena *a, ks_pdf_obj *arr, ks_pdf_obj *item)
{
    if (!arr || arr->type != KS_PDF_ARRAY || !item)
        return false;
    void *items = arr->u.arr.items;
    if (!grow(a, &items, arr->u.arr.len, sizeof(ks_pdf_obj *)))
        return false;
    arr->u.arr.items = items;
    arr->u.arr.items[arr->u.arr.len++] = item;
    return true;
}

static ks_pdf_obj *as_dict(const ks_pdf_obj *o)
{
    if (!o)
        return NULL;
    if (o->type == KS_PDF_STREAM)
        o = o->u.stream.dict;
    return o && o->type == KS_PDF_DICT ? (ks_pdf_obj *)o : NULL;
}

bool ks_pdf_dict_put(ks_arena *a, ks_pdf_obj *dict, const char *key, ks_pdf_obj *value)
{
    ks_pdf_obj *d = as_dict(dict);
    if (!d || !key || !value)
        return false;
    for (size_t i = 0; i < d->u.dict.len; i++) {
        if (strcmp(d->u.dict.entries[i].key, key) == 0) {
            d->u.dict.entries[i].value = value;
            return true;
        }
    }
    char *k = ks_arena_strdup(a, key);
    return k && ks_pdf_dict_append(a, d, k, value);
}

bool ks_pdf_dict_del(ks_pdf_obj *dict, const char *key)
{
    ks_pdf_obj *d = as_dict(dict);
    if (!d)
        return false;
    for (size_t i = 0; i < d->u.dict.len; i++) {
        if (strcmp(d->u.dict.entries[i].key, key) == 0) {
            memmove(&d->u.dict.entries[i], &d->u.dict.entries[i + 1],
                    (d->u.dict.len - i - 1) * sizeof(ks_pdf_dict_entry));
            d->u.dict.len--;
            return true;
        }
    }
    return false;
}

ks_pdf_obj *ks_pdf_copy(ks_arena *a, const ks_pdf_obj *obj)
{
    if (!obj)
        return NULL;
    ks_pdf_obj *o = ks_arena_alloc(a, sizeof *o);
    if (!o)
        return NULL;
    *o = *obj;
    if (obj->type == KS_PDF_ARRAY && obj->u.arr.len) {
        size_t cap = 4;
        while (cap < obj->u.arr.len)
            cap *= 2;
        o->u.arr.items = ks_arena_alloc(a, cap * sizeof(ks_pdf_obj *));
        if (!o->u.arr.items)
            return NULL;
        memcpy(o->u.arr.items, obj->u.arr.items, obj->u.arr.len * sizeof(ks_pdf_obj *));
    } else if (obj->type == KS_PDF_DICT && obj->u.dict.len) {
        size_t cap = 4;
        while (cap < obj->u.dict.len)
            cap *= 2;
        o->u.dict.entries = ks_arena_alloc(a, cap * sizeof(ks_pdf_dict_entry));
        if (!o->u.dict.entries)
            return NULL;
        memcpy(o->u.dict.entries, obj->u.dict.entries, obj->u.dict.len * sizeof(ks_pdf_dict_entry));
    } else if (obj->type == KS_PDF_STREAM) {
        o->u.stream.dict = ks_pdf_copy(a, obj->u.stream.dict);
        if (!o->u.stream.dict)
            return NULL;
    }
    return o;
}

ks_pdf_obj *ks_pdf_dict_get(const ks_pdf_obj *dict, const char *key)
{
    const ks_pdf_obj *d = as_dict(dict);
    if (!d || !key)
        return NULL;
    for (size_t i = 0; i < d->u.dict.len; i++)
        if (strcmp(d->u.dict.entries[i].key, key) == 0)
            return d->u.dict.entries[i].value;
    return NULL;
}

ks_pdf_obj *ks_pdf_dict_getr(ks_pdf_doc *doc, const ks_pdf_obj *dict, const char *key)
{
    ks_pdf_obj *v = ks_pdf_dict_get(dict, key);
    if (!v)
        return NULL;
    return ks_pdf_resolve(doc, v, NULL);
}

bool ks_pdf_get_int(const ks_pdf_obj *o, int64_t *v)
{
    if (!o || o->type != KS_PDF_INT)
        return false;
    *v = o->u.i;
    return true;
}

bool ks_pdf_get_num(const ks_pdf_obj *o, double *v)
{
    if (!o)
        return false;
    if (o->type == KS_PDF_INT) {
        *v = (double)o->u.i;
        return true;
    }
    if (o->type == KS_PDF_REAL) {
        *v = o->u.r;
        return true;
    }
    return false;
}

bool ks_pdf_is_name(const ks_pdf_obj *o, const char *name)
{
    return o && o->type == KS_PDF_NAME && strcmp(o->u.name.s, name) == 0;
}

ks_pdf_obj *ks_pdf_resolve_opt(ks_pdf_doc *doc, ks_pdf_obj *obj)
{
    return obj ? ks_pdf_resolve(doc, obj, NULL) : NULL;
}
