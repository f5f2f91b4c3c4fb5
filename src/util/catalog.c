/* util/catalog.c — GNU .mo message catalogues read by the library itself, so that each call can
 * ask for its own language (gettext's choice is process-wide: LANGUAGE and setlocale). Format:
 * GNU gettext manual §10.3 "The Format of GNU MO Files"; only the original and translation
 * tables are read (the hash table is optional), everything bounds-checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/ctx.h"

#define MO_MAGIC 0x950412deu
#define MAX_MESSAGES (1u << 20)
#define MAX_BYTES (64u << 20)

typedef struct entry {
    const char *id, *str;
} entry;

struct ks_catalog {
    uint8_t *data;
    entry *e;
    size_t n;
};

static uint32_t rd32(const uint8_t *p, bool swap)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return swap ? (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24) : v;
}

/* The string of table entry i: its length and offset must lie inside the file, with the NUL. */
static const char *table_str(const uint8_t *d, size_t len, uint32_t table, uint32_t i, bool swap)
{
    uint64_t at = (uint64_t)table + 8u * i;
    if (at + 8 > len)
        return NULL;
    uint32_t n = rd32(d + at, swap), off = rd32(d + at + 4, swap);
    if ((uint64_t)off + n + 1 > len || d[(size_t)off + n] != 0)
        return NULL;
    return (const char *)d + off;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

ks_status ks_catalog_parse(const uint8_t *data, size_t len, ks_catalog **out, ks_error *err)
{
    *out = NULL;
    if (len < 28 || len > MAX_BYTES)
        return ks_error_set(err, KS_E_FORMAT, N_("not a message catalogue (.mo): size %zu"), len);
    bool swap = rd32(data, false) != MO_MAGIC;
    if (swap && rd32(data, true) != MO_MAGIC)
        return ks_error_set(err, KS_E_FORMAT, N_("not a message catalogue (.mo): bad magic"));
    uint32_t n = rd32(data + 8, swap), orig = rd32(data + 12, swap), tr = rd32(data + 16, swap);
    if (n > MAX_MESSAGES)
        return ks_error_set(err, KS_E_FORMAT, N_("message catalogue: %u messages is too many"),
                            (unsigned)n);
    ks_catalog *c = calloc(1, sizeof *c);
    if (!c || !(c->data = malloc(len)) || !(c->e = calloc(n ? n : 1, sizeof *c->e))) {
        ks_catalog_free(c);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    memcpy(c->data, data, len);
    for (uint32_t i = 0; i < n; i++) {
        const char *id = table_str(c->data, len, orig, i, swap);
        const char *str = table_str(c->data, len, tr, i, swap);
        if (!id || !str) {
            ks_catalog_free(c);
            return ks_error_set(err, KS_E_FORMAT,
                                N_("message catalogue: entry %u lies outside the file"),
                                (unsigned)i);
        }
        /* the header (empty msgid) and messages with a context (msgctxt\4msgid) are not ours */
        if (!*id || !*str || strchr(id, '\4'))
            continue;
        c->e[c->n++] = (entry){id, str};
    }
    qsort(c->e, c->n, sizeof *c->e, cmp_entry);
    *out = c;
    return KS_OK;
}

ks_status ks_catalog_load(const char *path, ks_catalog **out, ks_error *err)
{
    uint8_t *d = NULL;
    size_t len = 0;
    *out = NULL;
    ks_status st = ks_read_file(path, MAX_BYTES, &d, &len, err);
    if (st == KS_OK) {
        st = ks_catalog_parse(d, len, out, err);
        if (st != KS_OK)
            ks_error_prefix(err, N_("%s: "), path);
    }
    free(d);
    return st;
}

const char *ks_catalog_lookup(const ks_catalog *c, const char *msgid)
{
    if (!c || !msgid)
        return NULL;
    entry key = {msgid, NULL};
    const entry *e = bsearch(&key, c->e, c->n, sizeof *c->e, cmp_entry);
    return e ? e->str : NULL;
}

size_t ks_catalog_count(const ks_catalog *c)
{
    return c ? c->n : 0;
}

void ks_catalog_free(ks_catalog *c)
{
    if (!c)
        return;
    free(c->e);
    free(c->data);
    free(c);
}
