/* pdf/writer.c — the append-only incremental writer (ISO 32000-2 §7.5.6): new and replaced
 * objects, then an xref section of the same kind as the file's last one (table or stream),
 * chained with /Prev; nothing before the original end of the file is touched. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct uobj {
    uint32_t num;
    uint16_t gen;
    ks_buf body; /* bytes between "num gen obj\n" and "\nendobj\n" */
    uint64_t offset;
} uobj;

struct ks_pdf_update {
    ks_pdf_doc *doc;
    ks_arena *arena;
    uobj *objs;
    size_t n, cap;
    uint32_t next_num;
    ks_pdf_obj *extra; /* trailer keys set by the caller */
    bool finished;
    ks_buf out;
};

ks_status ks_pdf_update_new(ks_pdf_doc *doc, ks_pdf_update **out, ks_error *err)
{
    *out = NULL;
    if (doc->parent)
        return ks_error_set(err, KS_E_USAGE, N_("%s: cannot update a view of an earlier revision"),
                            doc->name);
    ks_pdf_update *u = calloc(1, sizeof *u);
    if (!u || !(u->arena = ks_arena_new()) || !(u->extra = ks_pdf_new_dict(u->arena))) {
        if (u)
            ks_arena_free(u->arena);
        free(u);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    u->doc = doc;
    u->next_num = doc->nslots ? doc->nslots : 1;
    *out = u;
    return KS_OK;
}

void ks_pdf_update_free(ks_pdf_update *u)
{
    if (!u)
        return;
    for (size_t i = 0; i < u->n; i++)
        ks_buf_free(&u->objs[i].body);
    free(u->objs);
    ks_buf_free(&u->out);
    ks_arena_free(u->arena);
    free(u);
}

uint32_t ks_pdf_update_alloc(ks_pdf_update *u)
{
    return u->next_num++;
}

static ks_status slot_for(ks_pdf_update *u, uint32_t num, uint16_t gen, ks_buf **body,
                          ks_error *err)
{
    if (u->finished)
        return ks_error_set(err, KS_E_USAGE, N_("the update is already finished"));
    if (num == 0 || num >= KS_PDF_MAX_OBJECTS)
        return ks_error_set(err, KS_E_USAGE, N_("invalid object number %u"), num);
    for (size_t i = 0; i < u->n; i++) {
        if (u->objs[i].num == num) {
            u->objs[i].gen = gen;
            u->objs[i].body.len = 0;
            *body = &u->objs[i].body;
            return KS_OK;
        }
    }
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 16;
        uobj *o = realloc(u->objs, cap * sizeof *o);
        if (!o)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        u->objs = o;
        u->cap = cap;
    }
    uobj *o = &u->objs[u->n++];
    memset(o, 0, sizeof *o);
    o->num = num;
    o->gen = gen;
    if (num >= u->next_num)
        u->next_num = num + 1;
    *body = &o->body;
    return KS_OK;
}

/* A copy of `o` whose strings are encrypted for object `num gen` (§7.6.2). The /Contents of a
 * signature dictionary stays in clear, as §7.6.2 requires. */
static ks_status enc_copy(ks_pdf_update *u, const ks_pdf_obj *o, uint32_t num, uint16_t gen,
                          int depth, ks_pdf_obj **out, ks_error *err)
{
    *out = (ks_pdf_obj *)o;
    if (depth > KS_PDF_MAX_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("object nested deeper than %d levels"),
                            KS_PDF_MAX_DEPTH);
    if (o->type == KS_PDF_STRING) {
        ks_buf b = KS_BUF_INIT;
        ks_status st =
            ks_crypt_encrypt(u->doc, num, gen, false, o->u.str.data, o->u.str.len, &b, err);
        if (!st) {
            *out = ks_pdf_new_string(u->arena, b.data, b.len, true);
            if (!*out)
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
        ks_buf_free(&b);
        return st;
    }
    if (o->type != KS_PDF_ARRAY && o->type != KS_PDF_DICT)
        return KS_OK;
    ks_pdf_obj *c = ks_pdf_copy(u->arena, o);
    if (!c)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    bool sig =
        o->type == KS_PDF_DICT && (ks_pdf_is_name(ks_pdf_dict_get(o, "Type"), "Sig") ||
                                   ks_pdf_is_name(ks_pdf_dict_get(o, "Type"), "DocTimeStamp"));
    size_t n = o->type == KS_PDF_ARRAY ? c->u.arr.len : c->u.dict.len;
    for (size_t i = 0; i < n; i++) {
        ks_pdf_obj **slot =
            o->type == KS_PDF_ARRAY ? &c->u.arr.items[i] : &c->u.dict.entries[i].value;
        if (sig && strcmp(c->u.dict.entries[i].key, "Contents") == 0)
            continue;
        ks_status st = enc_copy(u, *slot, num, gen, depth + 1, slot, err);
        if (st)
            return st;
    }
    *out = c;
    return KS_OK;
}

ks_status ks_pdf_update_put(ks_pdf_update *u, uint32_t num, uint16_t gen, const ks_pdf_obj *obj,
                            ks_error *err)
{
    if (!obj || obj->type == KS_PDF_STREAM)
        return ks_error_set(err, KS_E_USAGE,
                            N_("object %u: use ks_pdf_update_put_stream for streams"), num);
    ks_buf *body;
    ks_status st = slot_for(u, num, gen, &body, err);
    if (st)
        return st;
    if (ks_crypt_active(u->doc)) {
        ks_pdf_obj *c;
        st = enc_copy(u, obj, num, gen, 0, &c, err);
        if (st)
            return st;
        obj = c;
    }
    return ks_pdf_serialize(body, obj, err);
}

ks_status ks_pdf_update_put_raw(ks_pdf_update *u, uint32_t num, uint16_t gen, const uint8_t *body,
                                size_t len, ks_error *err)
{
    ks_buf *b;
    ks_status st = slot_for(u, num, gen, &b, err);
    if (st)
        return st;
    if (!ks_buf_append(b, body, len))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

ks_status ks_pdf_update_string(ks_pdf_update *u, uint32_t num, uint16_t gen, const uint8_t *data,
                               size_t len, ks_buf *out, ks_error *err)
{
    ks_buf enc = KS_BUF_INIT;
    ks_status st = ks_crypt_encrypt(u->doc, num, gen, false, data, len, &enc, err);
    if (st)
        goto done;
    ks_buf_putc(out, '<');
    ks_buf_hex(out, enc.data, enc.len);
    ks_buf_putc(out, '>');
    if (out->failed || enc.failed)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    ks_buf_free(&enc);
    return st;
}

ks_status ks_pdf_update_put_stream(ks_pdf_update *u, uint32_t num, uint16_t gen,
                                   const ks_pdf_obj *dict, const uint8_t *data, size_t len,
                                   ks_error *err)
{
    if (!dict || dict->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_USAGE, N_("object %u: stream dictionary expected"), num);
    ks_buf enc = KS_BUF_INIT;
    ks_buf *body;
    ks_status st = slot_for(u, num, gen, &body, err);
    if (st)
        return st;
    if (ks_crypt_active(u->doc)) {
        st = ks_crypt_encrypt(u->doc, num, gen, true, data, len, &enc, err);
        if (st)
            goto done;
        data = enc.data;
        len = enc.len;
    }
    ks_pdf_obj *d = ks_pdf_copy(u->arena, dict);
    ks_pdf_obj *l = ks_pdf_new_int(u->arena, (int64_t)len);
    if (!d || !l || !ks_pdf_dict_put(u->arena, d, "Length", l)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (ks_crypt_active(u->doc)) {
        ks_pdf_obj *c;
        st = enc_copy(u, d, num, gen, 0, &c, err);
        if (st)
            goto done;
        d = c;
    }
    st = ks_pdf_serialize(body, d, err);
    if (st)
        goto done;
    ks_buf_puts(body, "\nstream\n");
    ks_buf_append(body, data, len);
    ks_buf_puts(body, "\nendstream");
    if (body->failed)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    ks_buf_free(&enc);
    return st;
}

ks_status ks_pdf_update_trailer_put(ks_pdf_update *u, const char *key, const ks_pdf_obj *value,
                                    ks_error *err)
{
    if (!ks_pdf_dict_put(u->arena, u->extra, key, (ks_pdf_obj *)value))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

static int cmp_num(const void *a, const void *b)
{
    uint32_t x = ((const ks_xsec_entry *)a)->num, y = ((const ks_xsec_entry *)b)->num;
    return x < y ? -1 : x > y;
}

/* The trailer keys carried over from the latest trailer (§7.5.6: all but /Prev are kept). */
static ks_status base_trailer(ks_pdf_update *u, uint32_t size, bool stream, ks_pdf_obj **out,
                              ks_error *err)
{
    ks_arena *a = u->arena;
    ks_pdf_obj *t = ks_pdf_new_dict(a);
    if (!t)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (stream)
        ks_pdf_dict_put(a, t, "Type", ks_pdf_new_name(a, "XRef"));
    ks_pdf_dict_put(a, t, "Size", ks_pdf_new_int(a, size));
    static const char *keep[] = {"Root", "Info", "ID", "Encrypt"};
    for (int i = 0; i < 4; i++) {
        ks_pdf_obj *v = ks_pdf_dict_get(u->doc->trailer, keep[i]);
        if (v)
            ks_pdf_dict_put(a, t, keep[i], v);
    }
    if (!u->doc->xref_rebuilt && u->doc->nrevs)
        ks_pdf_dict_put(a, t, "Prev",
                        ks_pdf_new_int(a, (int64_t)u->doc->revs[u->doc->nrevs - 1].pub.startxref));
    for (size_t i = 0; i < u->extra->u.dict.len; i++)
        ks_pdf_dict_put(a, t, u->extra->u.dict.entries[i].key, u->extra->u.dict.entries[i].value);
    *out = t;
    return KS_OK;
}

ks_status ks_pdf_update_finish(ks_pdf_update *u, ks_buf *out, ks_error *err)
{
    ks_pdf_doc *doc = u->doc;
    ks_status st = KS_OK;
    ks_xsection sec = {0};
    if (u->finished) {
        if (out && !ks_buf_append(out, u->out.data, u->out.len))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        return KS_OK;
    }
    ks_buf *b = &u->out;
    b->len = 0;
    if (doc->len > 0 && doc->data[doc->len - 1] != '\n' && doc->data[doc->len - 1] != '\r')
        ks_buf_putc(b, '\n');
    uint64_t base = doc->len;
    for (size_t i = 0; i < u->n; i++) {
        uobj *o = &u->objs[i];
        o->offset = base + b->len;
        ks_buf_printf(b, "%u %u obj\n", o->num, (unsigned)o->gen);
        ks_buf_append(b, o->body.data, o->body.len);
        ks_buf_puts(b, "\nendobj\n");
        ks_xentry e = {0};
        e.type = KS_XE_INUSE;
        e.gen = o->gen;
        e.off = o->offset;
        if (!ks_xsec_add(&sec, o->num, &e)) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    }
    /* A rebuilt map has no xref to chain to: the new section lists every object of it. */
    bool compressed = false;
    if (doc->xref_rebuilt) {
        for (uint32_t n = 1; n < doc->nslots; n++) {
            const ks_slot *s = &doc->slots[n];
            bool mine = false;
            for (size_t i = 0; i < u->n && !mine; i++)
                mine = u->objs[i].num == n;
            if (mine || (s->e.type != KS_XE_INUSE && s->e.type != KS_XE_COMPRESSED))
                continue;
            compressed |= s->e.type == KS_XE_COMPRESSED;
            if (!ks_xsec_add(&sec, n, &s->e)) {
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                goto done;
            }
        }
    }
    ks_pdf_xref_kind kind = doc->nrevs ? doc->revs[doc->nrevs - 1].pub.kind : KS_PDF_XREF_TABLE;
    /* Same kind as the file's last section (§7.5.8.4: a hybrid file continues with a table);
     * objects in object streams can only be listed by an xref stream. */
    bool stream = kind == KS_PDF_XREF_STREAM || compressed;
    uint32_t xnum = 0;
    if (stream) {
        xnum = u->next_num++;
        ks_xentry e = {0};
        e.type = KS_XE_INUSE;
        e.off = base + b->len;
        if (!ks_xsec_add(&sec, xnum, &e)) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    }
    uint32_t size = u->next_num > doc->nslots ? u->next_num : doc->nslots;
    qsort(sec.entries, sec.count, sizeof *sec.entries, cmp_num);
    ks_pdf_obj *tr = NULL;
    st = base_trailer(u, size, stream, &tr, err);
    if (st)
        goto done;
    uint64_t xref_off = base + b->len;
    ks_arena *a = u->arena;
    if (!stream) {
        ks_buf_puts(b, "xref\n");
        if (doc->xref_rebuilt)
            ks_buf_puts(b, "0 1\n0000000000 65535 f\r\n");
        for (size_t i = 0; i < sec.count;) {
            size_t j = i + 1;
            while (j < sec.count && sec.entries[j].num == sec.entries[j - 1].num + 1)
                j++;
            ks_buf_printf(b, "%u %zu\n", sec.entries[i].num, j - i);
            for (size_t k = i; k < j; k++)
                ks_buf_printf(b, "%010llu %05u n\r\n", (unsigned long long)sec.entries[k].e.off,
                              (unsigned)sec.entries[k].e.gen);
            i = j;
        }
        ks_buf_puts(b, "trailer\n");
        st = ks_pdf_serialize(b, tr, err);
        if (st)
            goto done;
        ks_buf_puts(b, "\n");
    } else {
        /* §7.5.8: /W [1 w w3], big-endian fields, uncompressed so that it is easy to audit. */
        uint64_t maxoff = xref_off, max3 = 0xffff;
        for (size_t i = 0; i < sec.count; i++) {
            const ks_xentry *e = &sec.entries[i].e;
            if (e->type == KS_XE_COMPRESSED && e->idx > max3)
                max3 = e->idx;
            if (e->off > maxoff)
                maxoff = e->off;
        }
        int w = 1, w3 = 2;
        while (w < 8 && (maxoff >> (8 * w)) != 0)
            w++;
        while (w3 < 4 && (max3 >> (8 * w3)) != 0)
            w3++;
        ks_pdf_obj *index = ks_pdf_new_array(a);
        ks_buf data = KS_BUF_INIT;
        for (size_t i = 0; i < sec.count;) {
            size_t j = i + 1;
            while (j < sec.count && sec.entries[j].num == sec.entries[j - 1].num + 1)
                j++;
            ks_pdf_array_push(a, index, ks_pdf_new_int(a, sec.entries[i].num));
            ks_pdf_array_push(a, index, ks_pdf_new_int(a, (int64_t)(j - i)));
            for (size_t k = i; k < j; k++) {
                const ks_xentry *e = &sec.entries[k].e;
                bool c2 = e->type == KS_XE_COMPRESSED;
                uint64_t f2 = sec.entries[k].num == xnum ? xref_off : e->off;
                uint64_t f3 = c2 ? e->idx : e->gen;
                ks_buf_putc(&data, c2 ? 2 : 1);
                for (int s = w - 1; s >= 0; s--)
                    ks_buf_putc(&data, (int)((f2 >> (8 * s)) & 0xff));
                for (int s = w3 - 1; s >= 0; s--)
                    ks_buf_putc(&data, (int)((f3 >> (8 * s)) & 0xff));
            }
            i = j;
        }
        ks_pdf_obj *wa = ks_pdf_new_array(a);
        ks_pdf_array_push(a, wa, ks_pdf_new_int(a, 1));
        ks_pdf_array_push(a, wa, ks_pdf_new_int(a, w));
        ks_pdf_array_push(a, wa, ks_pdf_new_int(a, w3));
        ks_pdf_dict_put(a, tr, "W", wa);
        ks_pdf_dict_put(a, tr, "Index", index);
        ks_pdf_dict_put(a, tr, "Length", ks_pdf_new_int(a, (int64_t)data.len));
        ks_buf_printf(b, "%u 0 obj\n", xnum);
        st = ks_pdf_serialize(b, tr, err);
        if (!st) {
            ks_buf_puts(b, "\nstream\n");
            ks_buf_append(b, data.data, data.len);
            ks_buf_puts(b, "\nendstream\nendobj\n");
        }
        ks_buf_free(&data);
        if (st)
            goto done;
    }
    ks_buf_printf(b, "startxref\n%llu\n%%%%EOF\n", (unsigned long long)xref_off);
    if (b->failed) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    u->finished = true;
    if (out && !ks_buf_append(out, b->data, b->len))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    free(sec.entries);
    return st;
}

uint64_t ks_pdf_update_offset(const ks_pdf_update *u, uint32_t num)
{
    if (!u->finished)
        return 0;
    for (size_t i = 0; i < u->n; i++)
        if (u->objs[i].num == num)
            return u->objs[i].offset;
    return 0;
}

ks_status ks_pdf_update_write_file(ks_pdf_update *u, const char *path, ks_error *err)
{
    ks_status st = ks_pdf_update_finish(u, NULL, err);
    if (st)
        return st;
    ks_out o;
    st = ks_out_open(&o, path, err);
    if (st)
        return st;
    st = ks_out_write(&o, u->doc->data, u->doc->len, err);
    if (!st)
        st = ks_out_write(&o, u->out.data, u->out.len, err);
    if (!st)
        st = ks_out_commit(&o, err);
    else
        ks_out_abort(&o);
    return st;
}
