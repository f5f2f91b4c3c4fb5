/* text/text_lines.c — groups positioned glyphs into words and lines the way poppler's
 * TextOutputDev does, so that lines and boxes agree with pdftotext: glyphs become words in
 * drawing order (a gap over 0.1 em, a space, a baseline or size change starts a new word),
 * words on one baseline (within half an em, so super- and subscripts stay on their line) form
 * a line split at gaps over 1.5 em, and words are separated by a space unless they touch. */
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"
#include "text_math.h"

#define WORD_BREAK_SPACE 0.1 /* × size: a wider gap ends a word (minWordBreakSpace) */
#define WORD_BREAK_OVERLAP                                                                         \
    0.2                      /* × size: a glyph this far back ends a word (minDupBreakOverlap)    \
                              */
#define WORD_BASE_DELTA 0.5  /* pt: a baseline change this large ends a word */
#define LINE_BASE_DELTA 0.5  /* × size: words on one line (maxIntraLineDelta) */
#define LINE_SPLIT_SPACE 1.5 /* × size: a wider gap starts another line (maxWordSpacing) */
#define SPACE_MIN 0.03       /* × size: a narrower gap joins words (maxCharSpacing) */
#define WIDE_SPACING_MUL 1.3 /* letter-spaced lines: threshold = 1.3 × smallest gap ... */
#define WIDE_SPACING_MAX 0.4 /* ... at most 0.4 × size (maxWideCharSpacing) */
#define DUP_DELTA_U 0.1      /* × size: the same glyph drawn again this close along ... */
#define DUP_DELTA_V 0.2      /* ... and across the baseline is a duplicate (fake bold) */

typedef struct tword {
    ks_tglyph **g; /* glyphs in drawing order */
    size_t n;
    double u0, u1, base, size;
    int rot;
    size_t seq;
    bool after_space; /* a space glyph came before it */
} tword;

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

static bool same_text(const ks_tglyph *a, const ks_tglyph *b)
{
    return a->nuni == b->nuni && memcmp(a->uni, b->uni, a->nuni * sizeof a->uni[0]) == 0;
}

/* Cuts the glyphs (drawing order) into words; `order` receives the kept glyphs, each word
 * pointing at a contiguous run of it. */
static size_t build_words(ks_tglyphs *g, ks_tglyph **order, tword *w)
{
    size_t nw = 0, no = 0;
    tword *cur = NULL;
    bool after_space = false;
    for (size_t i = 0; i < g->n; i++) {
        ks_tglyph *c = &g->v[i];
        if (c->space) {
            cur = NULL;
            after_space = true;
            continue;
        }
        if (cur) {
            const ks_tglyph *last = cur->g[cur->n - 1];
            double sp = c->u0 - cur->u1, db = ks_tabs(c->base - cur->base);
            if (c->rot == cur->rot && same_text(last, c) &&
                ks_tabs(c->u0 - last->u0) < DUP_DELTA_U * cur->size && db < DUP_DELTA_V * cur->size)
                continue; /* overprinted for a bold effect */
            if (c->rot != cur->rot || sp > WORD_BREAK_SPACE * cur->size ||
                sp < -WORD_BREAK_OVERLAP * cur->size || db > WORD_BASE_DELTA ||
                c->size != cur->size)
                cur = NULL;
        }
        order[no] = c;
        if (!cur) {
            cur = &w[nw++];
            *cur =
                (tword){&order[no], 0, c->u0, c->u1, c->base, c->size, c->rot, c->seq, after_space};
            after_space = false;
        }
        cur->n++;
        cur->u0 = ks_tmin(cur->u0, c->u0);
        cur->u1 = ks_tmax(cur->u1, c->u1);
        no++;
    }
    return nw;
}

static int cmp_baseline(const void *a, const void *b)
{
    const tword *x = a, *y = b;
    if (x->rot != y->rot)
        return x->rot - y->rot;
    if (x->base != y->base)
        return x->base > y->base ? -1 : 1; /* top first */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_along(const void *a, const void *b)
{
    const tword *x = a, *y = b;
    if (x->u0 != y->u0)
        return x->u0 < y->u0 ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_glyph_text(ks_buf *text, const ks_tglyph *g)
{
    for (size_t k = 0; k < g->nuni; k++) {
        char u8[4];
        size_t l = ks_utf8_put(g->uni[k], u8);
        ks_buf_append(text, u8, l);
    }
}

/* Emits one line from words w[0..n) (sorted along the baseline). */
static ks_status emit_line(const tword *w, size_t n, ks_pdf_text_page *page, size_t *cap,
                           ks_error *err)
{
    /* letter-spaced text (every word one glyph): the smallest gap sets the word spacing */
    double size0 = w[0].size > 0 ? w[0].size : 1, space = SPACE_MIN * size0;
    bool letters = n > 1;
    double min_gap = 0;
    for (size_t i = 0; i < n && letters; i++) {
        letters = w[i].n == 1;
        if (i > 0) {
            double gap = w[i].u0 - w[i - 1].u1;
            min_gap = i == 1 || gap < min_gap ? gap : min_gap;
        }
    }
    if (letters && min_gap > 0)
        space = ks_tmin(WIDE_SPACING_MUL * min_gap, WIDE_SPACING_MAX * size0);
    ks_buf text = KS_BUF_INIT;
    ks_pdf_rect box = w[0].g[0]->box;
    double size = 0;
    size_t bold = 0, chars = 0;
    for (size_t i = 0; i < n; i++) {
        /* touching words stay joined only if poppler would merge them (same font and size,
         * no space glyph between) */
        if (i > 0 &&
            (w[i].u0 - w[i - 1].u1 >= space || w[i].after_space ||
             w[i].g[0]->font != w[i - 1].g[w[i - 1].n - 1]->font || w[i].size != w[i - 1].size))
            ks_buf_putc(&text, ' ');
        for (size_t k = 0; k < w[i].n; k++) {
            const ks_tglyph *g = w[i].g[k];
            put_glyph_text(&text, g);
            box.x0 = ks_tmin(box.x0, g->box.x0);
            box.y0 = ks_tmin(box.y0, g->box.y0);
            box.x1 = ks_tmax(box.x1, g->box.x1);
            box.y1 = ks_tmax(box.y1, g->box.y1);
            size = ks_tmax(size, g->size);
            chars++;
            bold += g->bold;
        }
    }
    if (text.failed) {
        ks_buf_free(&text);
        return nomem(err);
    }
    char *nfc = ks_utf8_nfc(text.data ? (const char *)text.data : "", text.len);
    ks_buf_free(&text);
    if (!nfc)
        return nomem(err);
    if (page->count == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        ks_pdf_text_line *nv = realloc(page->lines, nc * sizeof *nv);
        if (!nv) {
            free(nfc);
            return nomem(err);
        }
        page->lines = nv;
        *cap = nc;
    }
    ks_pdf_text_line *ln = &page->lines[page->count++];
    ln->text = nfc;
    ln->box = box;
    ln->font_size = size;
    ln->bold = bold * 2 > chars;
    return KS_OK;
}

ks_status ks_text_build_lines(ks_tglyphs *g, ks_pdf_text_page *page, ks_error *err)
{
    if (g->n == 0)
        return KS_OK;
    ks_tglyph **order = malloc(g->n * sizeof *order);
    tword *w = malloc(g->n * sizeof *w);
    if (!order || !w) {
        free(order);
        free(w);
        return nomem(err);
    }
    size_t nw = build_words(g, order, w);
    qsort(w, nw, sizeof *w, cmp_baseline);
    size_t cap = page->count;
    ks_status st = KS_OK;
    for (size_t i = 0; i < nw && st == KS_OK;) {
        /* one baseline cluster: same rotation, baseline close to the first (top) word's */
        const tword *first = &w[i];
        double tol = LINE_BASE_DELTA * (first->size > 0 ? first->size : 1);
        size_t j = i + 1;
        while (j < nw && w[j].rot == first->rot && first->base - w[j].base <= tol)
            j++;
        qsort(w + i, j - i, sizeof *w, cmp_along);
        /* split at wide gaps (columns, table cells) */
        size_t s = i;
        double end = w[i].u1;
        for (size_t k = i + 1; k <= j && st == KS_OK; k++) {
            bool split = k == j;
            if (!split) {
                double sz = w[k].size > 0 ? w[k].size : 1;
                split = w[k].u0 - end > LINE_SPLIT_SPACE * sz;
            }
            if (split) {
                st = emit_line(w + s, k - s, page, &cap, err);
                s = k;
                if (k < j)
                    end = w[k].u1;
            } else {
                end = ks_tmax(end, w[k].u1);
            }
        }
        i = j;
    }
    free(order);
    free(w);
    return st;
}
