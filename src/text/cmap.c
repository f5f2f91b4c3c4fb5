/* text/cmap.c — CMap parser and lookups (ISO 32000-2 §9.7.5, §9.10.3): codespace ranges,
 * cidchar/cidrange and bfchar/bfrange sections read with the content tokenizer, stored as
 * sorted ranges so that huge ranges cost one entry. */
#include <stdlib.h>

#include "cmap.h"
#include "content_lex.h"
#include "glyph.h"

typedef struct cm_range {
    uint32_t lo, hi;
    uint32_t value; /* CID of lo, or offset of the Unicode string in `pool` */
    uint32_t seq;   /* definition order: later definitions win */
    uint8_t nuni;   /* Unicode: code points in the string (the last one increments) */
} cm_range;

typedef struct cm_map {
    cm_range *v;
    size_t n, cap;
    uint32_t *maxhi; /* prefix maximum of hi over the sorted ranges */
} cm_map;

typedef struct cm_space {
    uint8_t n;
    uint8_t lo[4], hi[4];
} cm_space;

struct ks_cmap {
    cm_map cid, uni;
    uint32_t *pool;
    size_t pool_n, pool_cap;
    cm_space *spaces;
    size_t nspaces, spaces_cap;
    uint32_t seq;
    bool vertical;
    uint8_t src_len_min, src_len_max; /* lengths of source codes seen, for a missing codespace */
};

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

static ks_cmap *cmap_new(void)
{
    return calloc(1, sizeof(ks_cmap));
}

void ks_cmap_free(ks_cmap *cm)
{
    if (!cm)
        return;
    free(cm->cid.v);
    free(cm->cid.maxhi);
    free(cm->uni.v);
    free(cm->uni.maxhi);
    free(cm->pool);
    free(cm->spaces);
    free(cm);
}

static ks_status map_add(ks_cmap *cm, cm_map *m, cm_range r, ks_error *err)
{
    if (cm->cid.n + cm->uni.n >= KS_CMAP_MAX_ENTRIES)
        return ks_error_set(err, KS_E_LIMIT, N_("CMap: more than %u mappings"),
                            KS_CMAP_MAX_ENTRIES);
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        cm_range *nv = realloc(m->v, nc * sizeof *nv);
        if (!nv)
            return nomem(err);
        m->v = nv;
        m->cap = nc;
    }
    r.seq = cm->seq++;
    m->v[m->n++] = r;
    return KS_OK;
}

static ks_status space_add(ks_cmap *cm, const cm_space *s, ks_error *err)
{
    if (cm->nspaces >= 256)
        return ks_error_set(err, KS_E_LIMIT, N_("CMap: more than %d codespace ranges"), 256);
    if (cm->nspaces == cm->spaces_cap) {
        size_t nc = cm->spaces_cap ? cm->spaces_cap * 2 : 4;
        cm_space *nv = realloc(cm->spaces, nc * sizeof *nv);
        if (!nv)
            return nomem(err);
        cm->spaces = nv;
        cm->spaces_cap = nc;
    }
    cm->spaces[cm->nspaces++] = *s;
    return KS_OK;
}

/* Stores a Unicode string in the pool; returns its offset via `off`. */
static ks_status pool_add(ks_cmap *cm, const uint32_t *cps, size_t n, uint32_t *off, ks_error *err)
{
    if (cm->pool_n + n > cm->pool_cap) {
        size_t nc = cm->pool_cap ? cm->pool_cap * 2 : 256;
        while (nc < cm->pool_n + n)
            nc *= 2;
        if (nc > (size_t)KS_CMAP_MAX_ENTRIES * 4)
            return ks_error_set(err, KS_E_LIMIT, N_("CMap: Unicode strings too long"));
        uint32_t *np = realloc(cm->pool, nc * sizeof *np);
        if (!np)
            return nomem(err);
        cm->pool = np;
        cm->pool_cap = nc;
    }
    *off = (uint32_t)cm->pool_n;
    memcpy(cm->pool + cm->pool_n, cps, n * sizeof *cps);
    cm->pool_n += n;
    return KS_OK;
}

static int cmp_range(const void *a, const void *b)
{
    const cm_range *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static ks_status map_finish(cm_map *m, ks_error *err)
{
    free(m->maxhi);
    m->maxhi = NULL;
    if (m->n == 0)
        return KS_OK;
    qsort(m->v, m->n, sizeof *m->v, cmp_range);
    m->maxhi = malloc(m->n * sizeof *m->maxhi);
    if (!m->maxhi)
        return nomem(err);
    uint32_t mx = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (m->v[i].hi > mx)
            mx = m->v[i].hi;
        m->maxhi[i] = mx;
    }
    return KS_OK;
}

static const cm_range *map_find(const cm_map *m, uint32_t code)
{
    if (m->n == 0 || !m->maxhi)
        return NULL;
    size_t lo = 0, hi = m->n; /* first index with v.lo > code */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].lo <= code)
            lo = mid + 1;
        else
            hi = mid;
    }
    const cm_range *best = NULL;
    for (size_t i = lo; i-- > 0;) {
        if (m->maxhi[i] < code)
            break;
        const cm_range *r = &m->v[i];
        if (r->lo <= code && code <= r->hi && (!best || r->seq > best->seq))
            best = r;
    }
    return best;
}

static uint32_t be_code(const uint8_t *s, size_t n)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | s[i];
    return v;
}

/* UTF-16BE (§9.10.3) to code points; a single byte stands for itself. */
static size_t utf16_decode(const uint8_t *s, size_t n, uint32_t *out, size_t max)
{
    size_t k = 0;
    if (n == 1) {
        out[0] = s[0];
        return max ? 1 : 0;
    }
    for (size_t i = 0; i + 1 < n && k < max; i += 2) {
        uint32_t u = (uint32_t)s[i] << 8 | s[i + 1];
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
            uint32_t l = (uint32_t)s[i + 2] << 8 | s[i + 3];
            if (l >= 0xDC00 && l < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
                i += 2;
            }
        }
        out[k++] = u;
    }
    return k;
}

static bool is_str(const ks_ctok *t)
{
    return t->type == KS_CTOK_HEX || t->type == KS_CTOK_STRING;
}

static void note_src_len(ks_cmap *cm, size_t n)
{
    if (cm->src_len_min == 0 || n < cm->src_len_min)
        cm->src_len_min = (uint8_t)n;
    if (n > cm->src_len_max)
        cm->src_len_max = (uint8_t)n;
}

/* Adds a Unicode mapping of codes lo..hi from a destination token (string or /glyphname). */
static ks_status add_uni(ks_cmap *cm, uint32_t lo, uint32_t hi, const ks_ctok *dst, ks_error *err)
{
    uint32_t cps[KS_CMAP_MAX_UNICODE];
    size_t n;
    if (dst->type == KS_CTOK_NAME) {
        char name[128];
        size_t l = dst->len < sizeof name - 1 ? dst->len : sizeof name - 1;
        memcpy(name, dst->s, l);
        name[l] = 0;
        n = ks_glyph_to_unicode(name, cps, KS_CMAP_MAX_UNICODE);
    } else {
        n = utf16_decode(dst->s, dst->len, cps, KS_CMAP_MAX_UNICODE);
    }
    if (n == 0)
        return KS_OK;
    cm_range r = {lo, hi, 0, 0, (uint8_t)n};
    ks_status st = pool_add(cm, cps, n, &r.value, err);
    if (st != KS_OK)
        return st;
    return map_add(cm, &cm->uni, r, err);
}

typedef enum { SEC_NONE, SEC_SPACE, SEC_BFCHAR, SEC_BFRANGE, SEC_CIDCHAR, SEC_CIDRANGE } section;

static ks_status parse_body(ks_cmap *cm, ks_clex *lx, ks_error *err)
{
    ks_ctok t;
    ks_ctok prev = {0};
    char prev_name[64] = "";
    ks_status st;
    section sec = SEC_NONE;
    /* operands collected inside a section: up to three tokens */
    uint8_t a_buf[4], b_buf[4];
    size_t a_len = 0, b_len = 0;
    int have = 0;
    for (;;) {
        if ((st = ks_clex_next(lx, &t, err)) != KS_OK)
            return st;
        if (t.type == KS_CTOK_EOF)
            return KS_OK;
        if (t.type == KS_CTOK_KEYWORD) {
            if (ks_ctok_is_kw(&t, "begincodespacerange"))
                sec = SEC_SPACE;
            else if (ks_ctok_is_kw(&t, "beginbfchar"))
                sec = SEC_BFCHAR;
            else if (ks_ctok_is_kw(&t, "beginbfrange"))
                sec = SEC_BFRANGE;
            else if (ks_ctok_is_kw(&t, "begincidchar"))
                sec = SEC_CIDCHAR;
            else if (ks_ctok_is_kw(&t, "begincidrange"))
                sec = SEC_CIDRANGE;
            else if (ks_ctok_is_kw(&t, "usecmap") && prev.type == KS_CTOK_NAME) {
                if (!strcmp(prev_name, "Identity-H") || !strcmp(prev_name, "Identity-V")) {
                    ks_cmap *id = ks_cmap_new_identity(prev_name[9] == 'V');
                    if (!id)
                        return nomem(err);
                    st = ks_cmap_use(cm, id, err);
                    ks_cmap_free(id);
                    if (st != KS_OK)
                        return st;
                }
            } else if (ks_ctok_is_kw(&t, "def") && prev.type == KS_CTOK_INT &&
                       !strcmp(prev_name, "WMode")) {
                cm->vertical = prev.i == 1;
            } else {
                sec = SEC_NONE; /* endbfchar, endcmap, ...: leave the section */
            }
            have = 0;
            prev = t;
            continue;
        }
        if (sec == SEC_NONE) {
            /* remember the last name: the key of "/WMode 1 def", the operand of usecmap */
            if (t.type == KS_CTOK_NAME) {
                size_t l = t.len < sizeof prev_name - 1 ? t.len : sizeof prev_name - 1;
                memcpy(prev_name, t.s, l);
                prev_name[l] = 0;
            }
            prev = t;
            continue;
        }
        /* Inside a section: gather (src [src2] dst) tuples. */
        if (have == 0) {
            if (!is_str(&t) || t.len == 0 || t.len > 4) {
                have = 0;
                continue;
            }
            memcpy(a_buf, t.s, t.len);
            a_len = t.len;
            have = 1;
            continue;
        }
        uint32_t lo = be_code(a_buf, a_len);
        if (sec == SEC_BFCHAR || sec == SEC_CIDCHAR) {
            note_src_len(cm, a_len);
            if (sec == SEC_BFCHAR && (is_str(&t) || t.type == KS_CTOK_NAME)) {
                if ((st = add_uni(cm, lo, lo, &t, err)) != KS_OK)
                    return st;
            } else if (sec == SEC_CIDCHAR && t.type == KS_CTOK_INT && t.i >= 0 && t.i <= 0xFFFFFF) {
                cm_range r = {lo, lo, (uint32_t)t.i, 0, 0};
                if ((st = map_add(cm, &cm->cid, r, err)) != KS_OK)
                    return st;
            }
            have = 0;
            continue;
        }
        if (have == 1) {
            if (!is_str(&t) || t.len != a_len) {
                have = 0;
                continue;
            }
            memcpy(b_buf, t.s, t.len);
            b_len = t.len;
            have = 2;
            if (sec != SEC_SPACE)
                continue;
        }
        uint32_t hi = be_code(b_buf, b_len);
        have = 0;
        if (sec == SEC_SPACE) {
            cm_space s = {(uint8_t)a_len, {0}, {0}};
            memcpy(s.lo, a_buf, a_len);
            memcpy(s.hi, b_buf, b_len);
            if ((st = space_add(cm, &s, err)) != KS_OK)
                return st;
            continue;
        }
        if (hi < lo)
            continue;
        note_src_len(cm, a_len);
        if (sec == SEC_CIDRANGE) {
            if (t.type == KS_CTOK_INT && t.i >= 0 && t.i <= 0xFFFFFF) {
                cm_range r = {lo, hi, (uint32_t)t.i, 0, 0};
                if ((st = map_add(cm, &cm->cid, r, err)) != KS_OK)
                    return st;
            }
        } else if (is_str(&t)) {
            if ((st = add_uni(cm, lo, hi, &t, err)) != KS_OK)
                return st;
        } else if (t.type == KS_CTOK_ARRAY_OPEN) {
            /* one destination string per code: <lo> <hi> [<d0> <d1> ...] */
            uint32_t code = lo;
            for (;;) {
                if ((st = ks_clex_next(lx, &t, err)) != KS_OK)
                    return st;
                if (t.type == KS_CTOK_ARRAY_CLOSE || t.type == KS_CTOK_EOF)
                    break;
                if (code <= hi && (is_str(&t) || t.type == KS_CTOK_NAME)) {
                    if ((st = add_uni(cm, code, code, &t, err)) != KS_OK)
                        return st;
                }
                if (code <= hi)
                    code++;
            }
        }
    }
}

ks_status ks_cmap_parse(const uint8_t *data, size_t len, ks_cmap **out, ks_error *err)
{
    *out = NULL;
    ks_cmap *cm = cmap_new();
    if (!cm)
        return nomem(err);
    ks_clex lx;
    ks_clex_init(&lx, data, len);
    ks_status st = parse_body(cm, &lx, err);
    ks_clex_free(&lx);
    if (st == KS_OK)
        st = map_finish(&cm->cid, err);
    if (st == KS_OK)
        st = map_finish(&cm->uni, err);
    if (st != KS_OK) {
        ks_error_prefix(err, N_("in CMap: "));
        ks_cmap_free(cm);
        return st;
    }
    *out = cm;
    return KS_OK;
}

ks_cmap *ks_cmap_new_identity(bool vertical)
{
    ks_cmap *cm = cmap_new();
    if (!cm)
        return NULL;
    cm_space s = {2, {0, 0}, {0xff, 0xff}};
    cm_range r = {0, 0xffff, 0, 0, 0};
    if (space_add(cm, &s, NULL) != KS_OK || map_add(cm, &cm->cid, r, NULL) != KS_OK ||
        map_finish(&cm->cid, NULL) != KS_OK) {
        ks_cmap_free(cm);
        return NULL;
    }
    cm->vertical = vertical;
    return cm;
}

ks_status ks_cmap_use(ks_cmap *cm, const ks_cmap *parent, ks_error *err)
{
    ks_status st = KS_OK;
    /* the parent's entries come first: renumber ours after them */
    uint32_t shift = (uint32_t)(parent->cid.n + parent->uni.n);
    for (size_t i = 0; i < cm->cid.n; i++)
        cm->cid.v[i].seq += shift;
    for (size_t i = 0; i < cm->uni.n; i++)
        cm->uni.v[i].seq += shift;
    uint32_t saved = cm->seq;
    cm->seq = 0;
    for (size_t i = 0; i < parent->cid.n && st == KS_OK; i++)
        st = map_add(cm, &cm->cid, parent->cid.v[i], err);
    for (size_t i = 0; i < parent->uni.n && st == KS_OK; i++) {
        cm_range r = parent->uni.v[i];
        st = pool_add(cm, parent->pool + r.value, r.nuni, &r.value, err);
        if (st == KS_OK)
            st = map_add(cm, &cm->uni, r, err);
    }
    cm->seq = saved + shift;
    for (size_t i = 0; i < parent->nspaces && st == KS_OK; i++)
        st = space_add(cm, &parent->spaces[i], err);
    if (st == KS_OK)
        st = map_finish(&cm->cid, err);
    if (st == KS_OK)
        st = map_finish(&cm->uni, err);
    return st;
}

bool ks_cmap_vertical(const ks_cmap *cm)
{
    return cm->vertical;
}

int ks_cmap_min_code_len(const ks_cmap *cm)
{
    int m = 0;
    for (size_t i = 0; i < cm->nspaces; i++)
        if (m == 0 || cm->spaces[i].n < m)
            m = cm->spaces[i].n;
    return m;
}

size_t ks_cmap_next_code(const ks_cmap *cm, const uint8_t *s, size_t len, uint32_t *code,
                         bool *matched)
{
    *matched = false;
    if (len == 0) {
        *code = 0;
        return 0;
    }
    if (cm->nspaces == 0) {
        /* no codespace: use the length of the source codes the CMap maps (or 2 bytes) */
        size_t n = cm->src_len_min ? cm->src_len_min : 2;
        if (n > len)
            n = len;
        *code = be_code(s, n);
        *matched = cm->src_len_min != 0;
        return n;
    }
    for (size_t n = 1; n <= 4 && n <= len; n++) {
        for (size_t i = 0; i < cm->nspaces; i++) {
            const cm_space *sp = &cm->spaces[i];
            if (sp->n != n)
                continue;
            bool ok = true;
            for (size_t k = 0; k < n && ok; k++)
                ok = s[k] >= sp->lo[k] && s[k] <= sp->hi[k];
            if (ok) {
                *code = be_code(s, n);
                *matched = true;
                return n;
            }
        }
    }
    size_t n = (size_t)ks_cmap_min_code_len(cm);
    if (n == 0 || n > len)
        n = 1;
    *code = be_code(s, n);
    return n;
}

bool ks_cmap_cid(const ks_cmap *cm, uint32_t code, uint32_t *cid)
{
    const cm_range *r = map_find(&cm->cid, code);
    if (!r)
        return false;
    *cid = r->value + (code - r->lo);
    return true;
}

size_t ks_cmap_unicode(const ks_cmap *cm, uint32_t code, uint32_t *out, size_t max)
{
    const cm_range *r = map_find(&cm->uni, code);
    if (!r || max == 0)
        return 0;
    size_t n = r->nuni < max ? r->nuni : max;
    memcpy(out, cm->pool + r->value, n * sizeof *out);
    if (n == r->nuni)
        out[n - 1] += code - r->lo;
    return n;
}

size_t ks_cmap_entry_count(const ks_cmap *cm)
{
    return cm->cid.n + cm->uni.n;
}
