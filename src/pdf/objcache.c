/* pdf/objcache.c — objects shared by the revision views of one document. An object written at
 * byte offset X as "N G obj" reads the same in every revision that still points at X, so a
 * view that asks for it gets the object another view (or the document) already parsed: a
 * verifier comparing each signature's revision with the later ones parses each object once.
 * Only what cannot depend on the view is shared: no stream whose /Length is a reference (a
 * later revision may define that number differently), nothing of an encrypted document. Views
 * live as long as their document (document.c), so the objects do too. */
#include <stdlib.h>

#include "internal.h"

struct ks_objcache {
    struct oc_entry {
        uint64_t off;
        uint32_t num;
        uint16_t gen;
        ks_pdf_obj *obj; /* NULL: empty slot */
    } * e;
    size_t cap, n; /* cap is a power of two */
};

static size_t slot_of(uint64_t off, uint32_t num, size_t cap)
{
    uint64_t h = (off ^ ((uint64_t)num << 32)) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 20) & (cap - 1);
}

ks_pdf_obj *ks_objcache_find(const ks_objcache *c, uint64_t off, uint32_t num, uint16_t gen)
{
    if (!c || !c->n)
        return NULL;
    for (size_t i = slot_of(off, num, c->cap);; i = (i + 1) & (c->cap - 1)) {
        const struct oc_entry *e = &c->e[i];
        if (!e->obj)
            return NULL;
        if (e->off == off && e->num == num && e->gen == gen)
            return e->obj;
    }
}

static bool put(ks_objcache *c, uint64_t off, uint32_t num, uint16_t gen, ks_pdf_obj *o)
{
    for (size_t i = slot_of(off, num, c->cap);; i = (i + 1) & (c->cap - 1)) {
        struct oc_entry *e = &c->e[i];
        if (!e->obj) {
            *e = (struct oc_entry){off, num, gen, o};
            c->n++;
            return true;
        }
        if (e->off == off && e->num == num && e->gen == gen)
            return true;
    }
}

/* Can another view use this object as it is? */
static bool shareable(const ks_pdf_obj *o)
{
    if (o->type != KS_PDF_STREAM)
        return true;
    const ks_pdf_obj *len = ks_pdf_dict_get(o->u.stream.dict, "Length");
    return len && len->type == KS_PDF_INT;
}

void ks_objcache_put(ks_objcache **cp, uint64_t off, uint32_t num, uint16_t gen, ks_pdf_obj *o)
{
    if (!o || !shareable(o))
        return;
    ks_objcache *c = *cp;
    if (!c && !(c = *cp = calloc(1, sizeof *c)))
        return;                        /* no memory: the object is simply not shared */
    if ((c->n + 1) * 4 > c->cap * 3) { /* keep the load under 3/4 */
        size_t ncap = c->cap ? c->cap * 2 : 256;
        struct oc_entry *ne = calloc(ncap, sizeof *ne);
        if (!ne)
            return;
        ks_objcache old = *c;
        c->e = ne;
        c->cap = ncap;
        c->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.e[i].obj)
                put(c, old.e[i].off, old.e[i].num, old.e[i].gen, old.e[i].obj);
        free(old.e);
    }
    put(c, off, num, gen, o);
}

void ks_objcache_free(ks_objcache *c)
{
    if (!c)
        return;
    free(c->e);
    free(c);
}
