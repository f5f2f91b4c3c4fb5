/* cms/prefix_hash.c — hashing one file once for all its signatures. The byte ranges of a PDF's
 * signatures all start at offset 0 and each later signature's first range runs past the
 * earlier ones (ISO 32000-2 §12.8.1: incremental updates), so the digest state after the first
 * x bytes serves every signature whose first range ends at x or later: a running digest walks
 * the file once per algorithm and keeps a copy of its state at each boundary asked for. The
 * rest of a signature's ranges (after its /Contents gap, up to the end of its revision) is
 * hashed on top of a copy. Ranges that do not start at the file's first byte, or that lie
 * outside it, are hashed the plain way. */
#include <stdlib.h>
#include <string.h>

#include "cms_internal.h"

#define PH_MAX_MDS 4          /* digest algorithms followed at once */
#define PH_MAX_CHECKPOINTS 64 /* saved states per algorithm (signatures of one file) */

typedef struct ph_point {
    size_t off;
    EVP_MD_CTX *ctx;
} ph_point;

typedef struct ph_md {
    int nid;
    EVP_MD_CTX *run; /* the running digest, at offset `pos` */
    size_t pos;
    ph_point pts[PH_MAX_CHECKPOINTS];
    size_t npts;
} ph_md;

struct ks_prefix_hasher {
    const uint8_t *data;
    size_t len;
    ph_md mds[PH_MAX_MDS];
    size_t nmds;
    size_t marks[PH_MAX_CHECKPOINTS]; /* boundaries announced in advance, ascending */
    size_t nmarks;
};

void ks_prefix_hasher_mark(ks_prefix_hasher *h, size_t off)
{
    if (!h || off > h->len || h->nmarks == PH_MAX_CHECKPOINTS)
        return;
    size_t i = 0;
    while (i < h->nmarks && h->marks[i] < off)
        i++;
    if (i < h->nmarks && h->marks[i] == off)
        return;
    memmove(&h->marks[i + 1], &h->marks[i], (h->nmarks - i) * sizeof h->marks[0]);
    h->marks[i] = off;
    h->nmarks++;
}

ks_prefix_hasher *ks_prefix_hasher_new(const uint8_t *data, size_t len)
{
    ks_prefix_hasher *h = calloc(1, sizeof *h);
    if (h) {
        h->data = data;
        h->len = len;
    }
    return h;
}

void ks_prefix_hasher_free(ks_prefix_hasher *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nmds; i++) {
        EVP_MD_CTX_free(h->mds[i].run);
        for (size_t k = 0; k < h->mds[i].npts; k++)
            EVP_MD_CTX_free(h->mds[i].pts[k].ctx);
    }
    free(h);
}

static ph_md *md_state(ks_prefix_hasher *h, const EVP_MD *md)
{
    int nid = EVP_MD_get_type(md);
    for (size_t i = 0; i < h->nmds; i++)
        if (h->mds[i].nid == nid)
            return &h->mds[i];
    if (h->nmds == PH_MAX_MDS)
        return NULL;
    ph_md *m = &h->mds[h->nmds];
    memset(m, 0, sizeof *m);
    m->nid = nid;
    m->run = EVP_MD_CTX_new();
    if (!m->run || EVP_DigestInit_ex(m->run, md, NULL) != 1) {
        EVP_MD_CTX_free(m->run);
        return NULL;
    }
    h->nmds++;
    return m;
}

static void keep_point(ph_md *m, size_t off, const EVP_MD_CTX *src)
{
    if (m->npts == PH_MAX_CHECKPOINTS)
        return;
    for (size_t i = 0; i < m->npts; i++)
        if (m->pts[i].off == off)
            return;
    EVP_MD_CTX *keep = EVP_MD_CTX_new();
    if (keep && EVP_MD_CTX_copy_ex(keep, src) == 1) {
        m->pts[m->npts].off = off;
        m->pts[m->npts++].ctx = keep;
    } else {
        EVP_MD_CTX_free(keep);
    }
}

/* Moves the running digest on to `off`, keeping its state at each announced boundary passed
 * on the way (a document timestamp is checked before the signatures it covers). */
static bool advance(ks_prefix_hasher *h, ph_md *m, size_t off)
{
    for (size_t i = 0; i < h->nmarks; i++) {
        size_t mk = h->marks[i];
        if (mk <= m->pos || mk >= off)
            continue;
        if (EVP_DigestUpdate(m->run, h->data + m->pos, mk - m->pos) != 1)
            return false;
        m->pos = mk;
        keep_point(m, mk, m->run);
    }
    if (off > m->pos && EVP_DigestUpdate(m->run, h->data + m->pos, off - m->pos) != 1)
        return false;
    m->pos = off;
    return true;
}

/* A copy of the digest state after the first `off` bytes, into `dst`. */
static bool state_at(ks_prefix_hasher *h, ph_md *m, size_t off, EVP_MD_CTX *dst)
{
    const ph_point *best = NULL;
    for (size_t i = 0; i < m->npts; i++) {
        if (m->pts[i].off == off)
            return EVP_MD_CTX_copy_ex(dst, m->pts[i].ctx) == 1;
        if (m->pts[i].off < off && (!best || m->pts[i].off > best->off))
            best = &m->pts[i];
    }
    bool ok;
    if (m->pos <= off) { /* the usual case: the running digest goes on to `off` */
        ok = advance(h, m, off) && EVP_MD_CTX_copy_ex(dst, m->run) == 1;
    } else if (best) { /* behind the running digest: from the nearest saved state */
        ok = EVP_MD_CTX_copy_ex(dst, best->ctx) == 1 &&
             EVP_DigestUpdate(dst, h->data + best->off, off - best->off) == 1;
    } else { /* from the start */
        ok = EVP_DigestInit_ex(dst, EVP_MD_CTX_get0_md(m->run), NULL) == 1 &&
             (off == 0 || EVP_DigestUpdate(dst, h->data, off) == 1);
    }
    if (ok)
        keep_point(m, off, dst);
    return ok;
}

static bool inside(const ks_prefix_hasher *h, const ks_slice *s)
{
    return s->data >= h->data && s->len <= h->len && (size_t)(s->data - h->data) <= h->len - s->len;
}

bool ks_hash_slices_prefix(ks_prefix_hasher *h, const EVP_MD *md, const ks_slice *slices, size_t n,
                           uint8_t *out, unsigned *out_len)
{
    if (!h || n == 0 || slices[0].data != h->data)
        return ks_hash_slices_evp(md, slices, n, out, out_len);
    for (size_t i = 0; i < n; i++)
        if (!inside(h, &slices[i]))
            return ks_hash_slices_evp(md, slices, n, out, out_len);
    ph_md *m = md_state(h, md);
    if (!m)
        return ks_hash_slices_evp(md, slices, n, out, out_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && state_at(h, m, slices[0].len, ctx);
    for (size_t i = 1; ok && i < n; i++)
        if (slices[i].len)
            ok = EVP_DigestUpdate(ctx, slices[i].data, slices[i].len) == 1;
    ok = ok && ks_hash_final(ctx, out, out_len);
    EVP_MD_CTX_free(ctx);
    return ok;
}
