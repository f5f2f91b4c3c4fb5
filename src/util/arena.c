/* util/arena.c — bump allocator: parsed objects of one document live and die together. */
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) uint8_t data[];
} chunk;

struct ks_arena {
    chunk *head;
    size_t total;
};

ks_arena *ks_arena_new(void)
{
    return calloc(1, sizeof(ks_arena));
}

void ks_arena_free(ks_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}

void *ks_arena_alloc(ks_arena *a, size_t size)
{
    size_t sz;
    if (!ks_add_size(size, 15, &sz))
        return NULL;
    sz &= ~(size_t)15;
    if (sz == 0)
        sz = 16;
    chunk *c = a->head;
    if (!c || c->cap - c->used < sz) {
        size_t cap = sz > 65536 ? sz : 65536;
        size_t total;
        if (!ks_add_size(sizeof(chunk), cap, &total))
            return NULL;
        chunk *n = malloc(total);
        if (!n)
            return NULL;
        n->used = 0;
        n->cap = cap;
        if (c && sz > 4096 && c->cap - c->used > 4096) {
            /* keep filling the current chunk; put the big block behind it */
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        a->total += cap;
        c = n;
    }
    void *p = c->data + c->used;
    c->used += sz;
    memset(p, 0, sz);
    return p;
}

void *ks_arena_memdup(ks_arena *a, const void *p, size_t len)
{
    size_t n;
    if (!ks_add_size(len, 1, &n))
        return NULL;
    uint8_t *d = ks_arena_alloc(a, n);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, p, len);
    d[len] = 0;
    return d;
}

char *ks_arena_strdup(ks_arena *a, const char *s)
{
    return ks_arena_memdup(a, s, strlen(s));
}

size_t ks_arena_bytes(const ks_arena *a)
{
    return a ? a->total : 0;
}
