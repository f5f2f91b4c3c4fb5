/* pdf/newdoc.c — new documents and page extracts. The PDF layer writes only incremental updates
 * (writer.c), so a new document is a small first revision (the catalog, object 1, and an empty
 * page tree, object 2) that the caller fills with one update: its pages, fonts and content go in
 * the update and ks_pdf_newdoc_pages() replaces the page tree. Readers see one document whose
 * page tree is the update's; the first revision holds no content at all.
 *
 * ks_pdf_extract_pages() builds such a document from chosen pages of another: every object the
 * pages reach (content streams, resources, fonts, images) is copied under new numbers, streams
 * byte for byte (still encoded), and nothing else — not the other pages, not the annotations,
 * not the form or the signatures of the source, whose content the extract must not carry. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

ks_status ks_pdf_newdoc_seed(ks_buf *seed, ks_error *err)
{
    static const char *const objs[] = {
        "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        "2 0 obj\n<< /Type /Pages /Kids [ ] /Count 0 >>\nendobj\n",
    };
    size_t off[2];
    ks_buf_puts(seed, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    for (int i = 0; i < 2; i++) {
        off[i] = seed->len;
        ks_buf_puts(seed, objs[i]);
    }
    size_t xref = seed->len;
    ks_buf_puts(seed, "xref\n0 3\n0000000000 65535 f \n");
    for (int i = 0; i < 2; i++)
        ks_buf_printf(seed, "%010zu 00000 n \n", off[i]);
    ks_buf_printf(seed, "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    if (seed->failed)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

ks_status ks_pdf_newdoc_pages(ks_pdf_update *u, const ks_pdf_ref *kids, size_t n, ks_error *err)
{
    ks_arena *a = ks_arena_new();
    ks_pdf_obj *d = a ? ks_pdf_new_dict(a) : NULL;
    ks_pdf_obj *arr = d ? ks_pdf_new_array(a) : NULL;
    bool ok = arr && ks_pdf_dict_put(a, d, "Type", ks_pdf_new_name(a, "Pages")) &&
              ks_pdf_dict_put(a, d, "Kids", arr) &&
              ks_pdf_dict_put(a, d, "Count", ks_pdf_new_int(a, (int64_t)n));
    for (size_t i = 0; ok && i < n; i++)
        ok = ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, kids[i].num, kids[i].gen));
    ks_status st = ok ? ks_pdf_update_put(u, KS_PDF_NEWDOC_PAGES, 0, d, err)
                      : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_arena_free(a);
    return st;
}

typedef struct extract {
    ks_pdf_doc *src;
    ks_pdf_update *u;
    ks_arena *a;
    uint32_t *map; /* source object number -> new number (0: not copied yet) */
    uint32_t *todo;
    size_t ntodo, cap;
} extract;

static ks_status copy_value(extract *x, const ks_pdf_obj *o, ks_pdf_obj **out, int depth,
                            ks_error *err);

static ks_status new_number(extract *x, uint32_t num, uint32_t *out, ks_error *err)
{
    if (num >= x->src->nslots) {
        *out = 0; /* a reference to nothing is null (ISO 32000-2 §7.3.10) */
        return KS_OK;
    }
    if (!x->map[num]) {
        if (x->ntodo == x->cap)
            return ks_error_set(err, KS_E_LIMIT, N_("too many objects to copy"));
        x->map[num] = ks_pdf_update_alloc(x->u);
        x->todo[x->ntodo++] = num;
    }
    *out = x->map[num];
    return KS_OK;
}

static ks_status copy_value(extract *x, const ks_pdf_obj *o, ks_pdf_obj **out, int depth,
                            ks_error *err)
{
    if (depth > 64)
        return ks_error_set(err, KS_E_FORMAT, N_("objects nested more than 64 deep"));
    ks_status st = KS_OK;
    switch (o->type) {
    case KS_PDF_REF: {
        uint32_t n = 0;
        st = new_number(x, o->u.ref.num, &n, err);
        *out = n ? ks_pdf_new_ref(x->a, n, 0) : ks_pdf_new_null(x->a);
        break;
    }
    case KS_PDF_ARRAY:
        *out = ks_pdf_new_array(x->a);
        for (size_t i = 0; st == KS_OK && *out && i < o->u.arr.len; i++) {
            ks_pdf_obj *v = NULL;
            st = copy_value(x, o->u.arr.items[i], &v, depth + 1, err);
            if (st == KS_OK && !ks_pdf_array_push(x->a, *out, v))
                *out = NULL;
        }
        break;
    case KS_PDF_DICT:
        *out = ks_pdf_new_dict(x->a);
        for (size_t i = 0; st == KS_OK && *out && i < o->u.dict.len; i++) {
            const ks_pdf_dict_entry *e = &o->u.dict.entries[i];
            /* the way back up (page tree, annotation owner) would pull in the whole source */
            if (strcmp(e->key, "Parent") == 0 || strcmp(e->key, "P") == 0)
                continue;
            ks_pdf_obj *v = NULL;
            st = copy_value(x, e->value, &v, depth + 1, err);
            if (st == KS_OK && !ks_pdf_dict_put(x->a, *out, e->key, v))
                *out = NULL;
        }
        break;
    case KS_PDF_STREAM:
        return ks_error_set(err, KS_E_FORMAT, N_("a stream inside another object"));
    default:
        *out = (ks_pdf_obj *)o; /* scalars are written as they are */
    }
    if (st == KS_OK && !*out)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return st;
}

/* Copies source object `num` (already numbered in the map) into the update. */
static ks_status copy_object(extract *x, uint32_t num, ks_error *err)
{
    ks_pdf_obj *o = NULL, *c = NULL;
    ks_pdf_entry_info info;
    ks_pdf_entry(x->src, num, &info);
    if (info.kind == 0) /* a free entry: the reference means null */
        return ks_pdf_update_put(x->u, x->map[num], 0, ks_pdf_new_null(x->a), err);
    ks_status st = ks_pdf_get(x->src, num, info.gen, &o, err);
    if (st)
        return st;
    if (o->type != KS_PDF_STREAM) {
        st = copy_value(x, o, &c, 0, err);
        return st ? st : ks_pdf_update_put(x->u, x->map[num], 0, c, err);
    }
    ks_pdf_obj *d = ks_pdf_copy(x->a, o->u.stream.dict);
    if (!d)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_pdf_dict_del(d, "Length"); /* the writer sets it; an indirect one would be copied */
    st = copy_value(x, d, &c, 0, err);
    if (st)
        return st;
    return ks_pdf_update_put_stream(x->u, x->map[num], 0, c, o->u.stream.src,
                                    (size_t)o->u.stream.data_len, err);
}

/* The page dictionary of the extract: the source page without its annotations (signature
 * widgets and their images belong to the source's signatures) and with its inherited
 * attributes made its own. */
static ks_status copy_page(extract *x, ks_pdf_obj *page, uint32_t num, ks_error *err)
{
    static const char *const inherited[] = {"Resources", "MediaBox", "CropBox", "Rotate"};
    ks_pdf_obj *d = ks_pdf_copy(x->a, page), *c = NULL;
    if (!d)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    for (size_t i = 0; i < sizeof inherited / sizeof *inherited; i++) {
        ks_pdf_obj *v = ks_pdf_page_attr(x->src, page, inherited[i]);
        if (v && !ks_pdf_dict_get(page, inherited[i]) && !ks_pdf_dict_put(x->a, d, inherited[i], v))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    static const char *const dropped[] = {"Annots", "B", "StructParents", "Tabs", "Metadata"};
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
        ks_pdf_dict_del(d, dropped[i]);
    ks_status st = copy_value(x, d, &c, 0, err);
    if (st == KS_OK &&
        !ks_pdf_dict_put(x->a, c, "Parent", ks_pdf_new_ref(x->a, KS_PDF_NEWDOC_PAGES, 0)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return st ? st : ks_pdf_update_put(x->u, num, 0, c, err);
}

ks_status ks_pdf_extract_pages(ks_pdf_doc *src, const size_t *pages, size_t n, ks_buf *out,
                               ks_error *err)
{
    extract x = {.src = src};
    ks_buf seed = KS_BUF_INIT, rev = KS_BUF_INIT;
    ks_pdf_doc *dst = NULL;
    ks_pdf_ref *kids = NULL;
    size_t count = 0;
    ks_status st = KS_OK;
    if (ks_crypt_active(src))
        return ks_error_set(err, KS_E_USAGE,
                            N_("%s: pages of an encrypted document cannot be extracted"),
                            src->name);
    if (n == 0)
        return ks_error_set(err, KS_E_USAGE, N_("no page to extract"));
    if ((st = ks_pdf_page_count(src, &count, err)))
        return st;
    if ((st = ks_pdf_newdoc_seed(&seed, err)) ||
        (st = ks_pdf_open_mem(seed.data, seed.len, "extract.pdf", NULL, &dst, err)) ||
        (st = ks_pdf_update_new(dst, &x.u, err)))
        goto done;
    x.a = ks_arena_new();
    x.cap = src->nslots;
    x.map = calloc(src->nslots + 1, sizeof *x.map);
    x.todo = calloc(src->nslots + 1, sizeof *x.todo);
    kids = calloc(n, sizeof *kids);
    if (!x.a || !x.map || !x.todo || !kids) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (size_t i = 0; i < n && st == KS_OK; i++) {
        ks_pdf_obj *page = NULL;
        ks_pdf_ref ref;
        if (pages[i] >= count) {
            st = ks_error_set(err, KS_E_USAGE, N_("the document has no page %zu (it has %zu)"),
                              pages[i] + 1, count);
            break;
        }
        if ((st = ks_pdf_page(src, pages[i], &page, &ref, err)))
            break;
        if (ref.num >= src->nslots || x.map[ref.num]) {
            st = ks_error_set(err, KS_E_USAGE, N_("page %zu is chosen twice"), pages[i] + 1);
            break;
        }
        x.map[ref.num] = ks_pdf_update_alloc(x.u);
        kids[i].num = x.map[ref.num];
        st = copy_page(&x, page, kids[i].num, err);
    }
    for (size_t i = 0; st == KS_OK && i < x.ntodo; i++)
        st = copy_object(&x, x.todo[i], err);
    if (st == KS_OK)
        st = ks_pdf_newdoc_pages(x.u, kids, n, err);
    if (st == KS_OK)
        st = ks_pdf_update_finish(x.u, &rev, err);
    if (st == KS_OK &&
        (!ks_buf_append(out, seed.data, seed.len) || !ks_buf_append(out, rev.data, rev.len)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    ks_pdf_update_free(x.u);
    ks_pdf_close(dst);
    ks_arena_free(x.a);
    free(x.map);
    free(x.todo);
    free(kids);
    ks_buf_free(&seed);
    ks_buf_free(&rev);
    return st;
}
