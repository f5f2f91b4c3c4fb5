/* pdf/budget.c — one memory budget per document (parsed objects, decoded streams, object
 * stream caches, the object map; revision views share their document's), so that a hostile
 * file fails with a clear KS_E_LIMIT instead of driving the process to gigabytes. */
#include <stdlib.h>

#include "internal.h"

ks_status ks_budget_charge(ks_pdf_doc *doc, size_t n, const char *what, ks_error *err)
{
    (void)what; /* for a debugger; the message names the budget, the caller the object */
    struct ks_budget *b = doc->budget;
    size_t total;
    if (b->exceeded) {
        if (err)
            *err = b->first;
        return KS_E_LIMIT;
    }
    if (!ks_add_size(b->used, n, &total) || total > b->limit) {
        b->exceeded = true;
        ks_error_set(&b->first, KS_E_LIMIT,
                     N_("%s: the document needs more than its memory budget of %zu MB (parsed "
                        "objects, decoded streams and caches together)"),
                     doc->name, b->limit >> 20);
        if (err)
            *err = b->first;
        return KS_E_LIMIT;
    }
    b->used = total;
    doc->charged += n;
    return KS_OK;
}

void ks_budget_credit(ks_pdf_doc *doc, size_t n)
{
    if (n > doc->charged)
        n = doc->charged;
    doc->charged -= n;
    doc->budget->used -= n;
}

ks_status ks_budget_sync_arena(ks_pdf_doc *doc, ks_error *err)
{
    size_t now = ks_arena_bytes(doc->arena);
    if (now <= doc->arena_charged)
        return KS_OK;
    size_t grow = now - doc->arena_charged;
    doc->arena_charged = now;
    return ks_budget_charge(doc, grow, "parsing objects", err);
}

size_t ks_budget_left(const ks_pdf_doc *doc)
{
    const struct ks_budget *b = doc->budget;
    return b->exceeded || b->used >= b->limit ? 0 : b->limit - b->used;
}

void ks_pdf_stream_release(ks_pdf_doc *doc, uint8_t *data, size_t len)
{
    if (!data)
        return;
    free(data);
    if (doc)
        ks_budget_credit(doc, len + 1);
}

ks_status ks_pdf_budget_error(const ks_pdf_doc *doc, ks_error *err)
{
    if (!doc || !doc->budget->exceeded)
        return KS_OK;
    if (err)
        *err = doc->budget->first;
    return KS_E_LIMIT;
}

size_t ks_pdf_mem_used(const ks_pdf_doc *doc)
{
    return doc->budget->used;
}

size_t ks_pdf_mem_budget(const ks_pdf_doc *doc)
{
    return doc->budget->limit;
}
