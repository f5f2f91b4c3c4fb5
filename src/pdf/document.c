/* pdf/document.c — opening a PDF (header, xref chain, object map, encryption), revision views
 * and the lazy object loader with its cache, cycle guard and depth limit. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static ks_status find_header(ks_pdf_doc *doc, ks_error *err)
{
    size_t lim = doc->len < 1024 ? doc->len : 1024;
    for (size_t i = 0; i + 8 <= lim; i++) {
        if (doc->data[i] == '%' && memcmp(doc->data + i, "%PDF-", 5) == 0) {
            size_t k = 0;
            for (size_t j = i + 5; j < doc->len && k < sizeof doc->header_version - 1; j++) {
                uint8_t c = doc->data[j];
                if (!((c >= '0' && c <= '9') || c == '.'))
                    break;
                doc->header_version[k++] = (char)c;
            }
            doc->header_version[k] = 0;
            doc->header_off = i;
            if (k == 0)
                break;
            return KS_OK;
        }
    }
    return ks_error_set(err, KS_E_FORMAT, N_("%s: not a PDF file (no %%PDF- header)"), doc->name);
}

static ks_pdf_doc *doc_alloc(const char *name, const ks_pdf_open_opts *opts)
{
    ks_pdf_doc *doc = calloc(1, sizeof *doc);
    if (!doc)
        return NULL;
    doc->arena = ks_arena_new();
    doc->recover_last = SIZE_MAX;
    doc->name = strdup(name ? name : "(memory)");
    if (!doc->arena || !doc->name) {
        ks_arena_free(doc->arena);
        free(doc->name);
        free(doc);
        return NULL;
    }
    if (opts) {
        doc->opts = *opts;
        if (opts->password) {
            doc->opts.password = strdup(opts->password);
            if (!doc->opts.password) {
                ks_arena_free(doc->arena);
                free(doc->name);
                free(doc);
                return NULL;
            }
        }
    }
    doc->null_obj.type = KS_PDF_NULL;
    doc->own_budget.limit = doc->opts.mem_budget ? doc->opts.mem_budget : KS_PDF_DEFAULT_MEM_BUDGET;
    doc->budget = &doc->own_budget;
    return doc;
}

static ks_status doc_init(ks_pdf_doc *doc, ks_error *err)
{
    ks_status st = find_header(doc, err);
    if (st)
        return st;
    st = ks_xref_load(doc, err);
    if (st) {
        if (doc->opts.mode != KS_PDF_REPAIR || st == KS_E_NOMEM)
            return st;
        doc->nwarnings = 0; /* the xref is rebuilt: the recoveries no longer apply */
        st = ks_xref_rebuild(doc, err);
        if (st)
            return st;
        doc->repaired = true;
    }
    st = ks_xref_build_map(doc, doc->nrevs - 1, err);
    if (st)
        return st;
    ks_pdf_obj *root = ks_pdf_dict_get(doc->trailer, "Root");
    if (!root || root->type != KS_PDF_REF)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: the trailer has no /Root reference"),
                            doc->name);
    st = ks_crypt_init(doc, err);
    if (st)
        return st;
    /* The catalog must load: a document whose root cannot be read is damaged, not a document
     * "without signatures" (every later lookup would quietly see nothing). */
    ks_pdf_obj *cat;
    st = ks_pdf_get(doc, root->u.ref.num, root->u.ref.gen, &cat, err);
    if (st) {
        ks_error_prefix(err, N_("reading the document catalog: "));
        return st;
    }
    if (cat->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: the trailer's /Root %u %u is not a dictionary"), doc->name,
                            root->u.ref.num, root->u.ref.gen);
    return KS_OK;
}

ks_status ks_pdf_open_mem(const uint8_t *data, size_t len, const char *name,
                          const ks_pdf_open_opts *opts, ks_pdf_doc **out, ks_error *err)
{
    *out = NULL;
    ks_pdf_doc *doc = doc_alloc(name, opts);
    if (!doc)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    doc->data = data;
    doc->len = len;
    ks_status st = doc_init(doc, err);
    if (st) {
        if (ks_pdf_budget_error(doc, err))
            st = KS_E_LIMIT;
        ks_pdf_close(doc);
        return st;
    }
    *out = doc;
    return KS_OK;
}

ks_status ks_pdf_open(const char *path, const ks_pdf_open_opts *opts, ks_pdf_doc **out,
                      ks_error *err)
{
    *out = NULL;
    ks_pdf_doc *doc = doc_alloc(path, opts);
    if (!doc)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = ks_map_file(path, &doc->map, err);
    if (st) {
        ks_pdf_close(doc);
        return st;
    }
    doc->owns_map = true;
    doc->data = doc->map.data;
    doc->len = doc->map.len;
    st = doc_init(doc, err);
    if (st) {
        if (ks_pdf_budget_error(doc, err)) /* the cause, not what it hid */
            st = KS_E_LIMIT;
        ks_pdf_close(doc);
        return st;
    }
    *out = doc;
    return KS_OK;
}

static void doc_free(ks_pdf_doc *doc);

void ks_pdf_close(ks_pdf_doc *doc)
{
    if (!doc)
        return;
    if (doc->parent) {
        if (doc->view_users > 0)
            doc->view_users--; /* kept for the next caller; freed with the base document */
        return;
    }
    for (size_t i = 0; doc->views && i < doc->nrevs; i++)
        doc_free(doc->views[i]);
    free(doc->views);
    ks_objcache_free(doc->shared);
    doc_free(doc);
}

static void doc_free(ks_pdf_doc *doc)
{
    if (!doc)
        return;
    if (!doc->parent) {
        for (size_t i = 0; i < doc->nsecs; i++)
            free(doc->secs[i].entries);
        free(doc->secs);
        free(doc->revs);
        free(doc->warnings);
        ks_xref_relocs_free(doc);
    }
    free(doc->slots);
    free(doc->pages);
    ks_objstm_free_all(doc);
    ks_crypt_free(doc->crypt);
    if (doc->owns_map)
        ks_unmap(&doc->map);
    if (doc->opts.password) {
        char *pw = (char *)doc->opts.password;
        ks_wipe(pw, strlen(pw));
        free(pw);
    }
    ks_arena_free(doc->arena);
    if (doc->parent) /* a view gives back what it held; the document's budget dies with it */
        ks_budget_credit(doc, doc->charged);
    free(doc->name);
    free(doc);
}

uint64_t ks_pdf_trailing(const ks_pdf_doc *doc, uint64_t *off)
{
    if (off)
        *off = doc->tail_off;
    return doc->tail_len;
}

const uint8_t *ks_pdf_data(const ks_pdf_doc *doc, size_t *len)
{
    if (len)
        *len = doc->len;
    return doc->data;
}

const char *ks_pdf_name(const ks_pdf_doc *doc)
{
    return doc->name;
}

ks_arena *ks_pdf_arena(ks_pdf_doc *doc)
{
    return doc->arena;
}

const char *ks_pdf_header_version(const ks_pdf_doc *doc)
{
    return doc->header_version;
}

const char *ks_pdf_catalog_version(ks_pdf_doc *doc)
{
    ks_pdf_obj *v = ks_pdf_dict_getr(doc, ks_pdf_catalog(doc), "Version");
    return v && v->type == KS_PDF_NAME ? v->u.name.s : NULL;
}

size_t ks_pdf_revision_count(const ks_pdf_doc *doc)
{
    return doc->parent ? doc->view_rev + 1 : doc->nrevs;
}

const ks_pdf_revision *ks_pdf_revision_at(const ks_pdf_doc *doc, size_t i)
{
    return i < ks_pdf_revision_count(doc) ? &doc->revs[i].pub : NULL;
}

ks_pdf_obj *ks_pdf_trailer(ks_pdf_doc *doc)
{
    return doc->trailer;
}

ks_pdf_obj *ks_pdf_revision_trailer(ks_pdf_doc *doc, size_t i)
{
    return i < ks_pdf_revision_count(doc) ? doc->revs[i].trailer : NULL;
}

bool ks_pdf_was_repaired(const ks_pdf_doc *doc)
{
    return doc->repaired;
}

uint32_t ks_pdf_xref_size(const ks_pdf_doc *doc)
{
    return doc->nslots;
}

long ks_pdf_object_revision(const ks_pdf_doc *doc, uint32_t num)
{
    if (num >= doc->nslots || doc->slots[num].e.type == KS_XE_UNSET)
        return -1;
    if (doc->slots[num].e.type == KS_XE_FREE)
        return -1;
    return doc->slots[num].e.rev;
}

void ks_pdf_entry(const ks_pdf_doc *doc, uint32_t num, ks_pdf_entry_info *out)
{
    memset(out, 0, sizeof *out);
    out->revision = -1;
    if (num >= doc->nslots)
        return;
    const ks_slot *s = &doc->slots[num];
    if (s->e.type != KS_XE_INUSE && s->e.type != KS_XE_COMPRESSED)
        return;
    out->kind = s->e.type == KS_XE_INUSE ? 1 : 2;
    out->revision = s->e.rev;
    out->gen = s->e.gen;
    out->offset = s->relocated ? s->stated_off : s->e.off;
    out->relocated = s->relocated;
    out->found_offset = s->e.off;
    if (out->kind != 1)
        return;
    out->header_ok = ks_parse_header_is(doc, out->offset, num, s->e.gen);
    if (!out->header_ok && out->offset < doc->len) {
        ks_cur c = {doc->data, doc->len, (size_t)out->offset, 0, true};
        uint64_t n, g;
        if (ks_lex_uint(&c, &n) && ks_lex_uint(&c, &g) && ks_lex_peek_keyword(&c, "obj") &&
            n <= UINT32_MAX && g <= UINT16_MAX) {
            out->other_header = true;
            out->other_num = (uint32_t)n;
            out->other_gen = (uint16_t)g;
        }
    }
}

static void limit_slots(ks_pdf_doc *doc, size_t last)
{
    for (uint32_t i = 0; i < doc->nslots; i++) {
        ks_slot *s = &doc->slots[i];
        if (s->relocated && s->e.rev >= 0 && (size_t)s->e.rev > last && !s->loading) {
            s->e.off = s->stated_off;
            s->relocated = false;
            s->cache = NULL; /* loaded again from the stated offset: a fault, reported */
        }
    }
}

void ks_pdf_limit_recovery(ks_pdf_doc *doc, size_t last)
{
    ks_pdf_doc *base = doc->parent ? doc->parent : doc;
    if (last > base->recover_last)
        last = base->recover_last; /* only ever narrowed: the earliest signature wins */
    base->recover_last = last;
    doc->recover_last = last;
    limit_slots(doc, last);
    /* the views kept for later callers follow the limit too */
    for (size_t i = 0; base->views && i < base->nrevs; i++)
        if (base->views[i] && base->views[i] != doc) {
            base->views[i]->recover_last = last;
            limit_slots(base->views[i], last);
        }
    if (base != doc)
        limit_slots(base, last);
}

ks_status ks_pdf_open_revision(ks_pdf_doc *doc, size_t i, ks_pdf_doc **out, ks_error *err)
{
    *out = NULL;
    if (i >= ks_pdf_revision_count(doc))
        return ks_error_set(err, KS_E_USAGE, N_("%s: no revision %zu (the file has %zu)"),
                            doc->name, i, ks_pdf_revision_count(doc));
    ks_pdf_doc *base = doc->parent ? doc->parent : doc;
    if (base->views && base->views[i]) {
        base->views[i]->view_users++;
        *out = base->views[i];
        return KS_OK;
    }
    if (!base->views && !(base->views = calloc(base->nrevs ? base->nrevs : 1, sizeof *base->views)))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_pdf_doc *v = doc_alloc(base->name, &base->opts);
    if (!v)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    v->parent = base;
    v->budget = base->budget;
    v->view_rev = i;
    v->data = base->data;
    v->len = base->len;
    memcpy(v->header_version, base->header_version, sizeof v->header_version);
    v->header_off = base->header_off;
    v->secs = base->secs;
    v->nsecs = base->nsecs;
    v->revs = base->revs;
    v->nrevs = base->nrevs;
    v->repaired = base->repaired;
    v->warnings = base->warnings;
    v->tail_off = base->tail_off;
    v->tail_len = base->tail_len;
    v->nwarnings = base->nwarnings;
    v->recover_last = base->recover_last;
    ks_status st = ks_xref_build_map(v, i, err);
    if (!st)
        st = ks_crypt_init(v, err);
    if (st) {
        doc_free(v);
        return st;
    }
    v->view_users = 1;
    base->views[i] = v;
    *out = v;
    return KS_OK;
}

ks_status ks_pdf_get(ks_pdf_doc *doc, uint32_t num, uint16_t gen, ks_pdf_obj **out, ks_error *err)
{
    *out = &doc->null_obj;
    if (num >= doc->nslots)
        return KS_OK;
    ks_slot *s = &doc->slots[num];
    if (s->e.type == KS_XE_INUSE ? s->e.gen != gen : (s->e.type != KS_XE_COMPRESSED || gen != 0))
        return KS_OK;
    if (s->cache) {
        *out = s->cache;
        return KS_OK;
    }
    ks_pdf_doc *base = doc->parent ? doc->parent : doc;
    bool share = s->e.type == KS_XE_INUSE && !doc->crypt && !base->crypt;
    if (share && (s->cache = ks_objcache_find(base->shared, s->e.off, num, gen))) {
        *out = s->cache;
        return KS_OK;
    }
    if (s->loading)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u %u refers to itself while being loaded"), doc->name,
                            num, gen);
    if (doc->load_depth >= KS_PDF_MAX_LOAD_DEPTH)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("%s: loading object %u %u needs more than %d nested loads"),
                            doc->name, num, gen, KS_PDF_MAX_LOAD_DEPTH);
    s->loading = true;
    doc->load_depth++;
    ks_pdf_obj *o = NULL;
    ks_status st;
    if (s->e.type == KS_XE_INUSE) {
        uint64_t found;
        st = ks_parse_indirect(doc, s->e.off, num, gen, &o, NULL, err);
        /* Only when the xref entry misses its header: look within the entry's revision. */
        if (st == KS_E_FORMAT && !ks_parse_header_is(doc, s->e.off, num, gen) &&
            ks_xref_relocate(doc, s->e.rev, num, gen, s->e.off, &found)) {
            s->relocated = true;
            s->stated_off = s->e.off;
            s->e.off = found;
            st = ks_parse_indirect(doc, found, num, gen, &o, NULL, err);
        }
        if (!st && ks_crypt_active(doc))
            st = ks_crypt_strings(doc, o, num, gen, err);
    } else {
        st = ks_objstm_get(doc, (uint32_t)s->e.off, s->e.idx, num, &o, err);
    }
    doc->load_depth--;
    s = &doc->slots[num]; /* slots are never reallocated while loading, but be explicit */
    s->loading = false;
    if (!st)
        st = ks_budget_sync_arena(doc, err);
    if (st)
        return st;
    s->cache = o;
    if (share && !s->relocated) /* a recovered object stays with its view (limit_slots) */
        ks_objcache_put(&base->shared, s->e.off, num, gen, o);
    *out = o;
    return KS_OK;
}

ks_pdf_obj *ks_pdf_resolve(ks_pdf_doc *doc, ks_pdf_obj *obj, ks_error *err)
{
    if (!obj)
        return &doc->null_obj;
    for (int hops = 0; obj->type == KS_PDF_REF; hops++) {
        if (hops >= KS_PDF_MAX_LOAD_DEPTH) {
            ks_error_set(err, KS_E_LIMIT, N_("%s: reference chain longer than %d at object %u"),
                         doc->name, KS_PDF_MAX_LOAD_DEPTH, obj->u.ref.num);
            return &doc->null_obj;
        }
        ks_pdf_obj *t;
        if (ks_pdf_get(doc, obj->u.ref.num, obj->u.ref.gen, &t, err) != KS_OK)
            return &doc->null_obj;
        obj = t;
    }
    return obj;
}

ks_pdf_obj *ks_pdf_catalog(ks_pdf_doc *doc)
{
    ks_pdf_obj *c = ks_pdf_dict_getr(doc, doc->trailer, "Root");
    return c && c->type == KS_PDF_DICT ? c : NULL;
}
