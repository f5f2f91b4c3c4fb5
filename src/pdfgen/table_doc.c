/* pdfgen/table_doc.c — a new PDF holding a table: title lines on the first page, a heading row
 * and a row of column numbers repeated on every page, cells wrapped at word boundaries (a word
 * wider than its column is broken between characters), grid lines, "page N/M" at the foot.
 * Text is shaped and embedded with Liberation Serif (Times New Roman metrics; embed_font.c);
 * the document is built as a new document (pdf/newdoc.c) with one update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/pdfgen.h"

#define PT_PER_MM (72.0 / 25.4)
#define CELL_PT 10.0
#define HEAD_PT 10.0
#define PAD 3.0
#define LEAD 1.2

typedef struct cell_lines {
    char **line;
    size_t n;
} cell_lines;

typedef struct layout {
    const ks_pdf_table *t;
    ks_pdf_font *reg, *bold;
    double page_w, page_h, margin, col_x[65], col_w[64];
    cell_lines *cells; /* (nrows + 2) * ncols: headings, numbers, then the rows */
    double *row_h;
    size_t *page_of_row; /* first row of each page, npages + 1 entries */
    size_t npages;
} layout;

static void cells_free(cell_lines *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->line[i]);
    free(c->line);
    c->line = NULL;
    c->n = 0;
}

static ks_status push_line(cell_lines *c, const char *s, size_t len, ks_error *err)
{
    char **l = realloc(c->line, (c->n + 1) * sizeof *l);
    char *d = malloc(len + 1);
    if (l)
        c->line = l;
    if (!l || !d) {
        free(d);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    memcpy(d, s, len);
    d[len] = 0;
    c->line[c->n++] = d;
    return KS_OK;
}

static ks_status width_of(ks_pdf_font *f, const char *s, size_t len, double size, double *w,
                          ks_error *err)
{
    char buf[2048];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return ks_pdf_font_show(f, buf, size, NULL, w, err);
}

/* Length of the longest prefix of s[0, len) (whole UTF-8 characters, at least one) that fits. */
static ks_status fit_chars(ks_pdf_font *f, const char *s, size_t len, double size, double width,
                           size_t *out, ks_error *err)
{
    size_t best = 0, i = 0;
    while (i < len) {
        size_t j = i + 1;
        while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80)
            j++;
        double w = 0;
        ks_status st = width_of(f, s, j, size, &w, err);
        if (st)
            return st;
        if (w > width && best)
            break;
        best = j;
        i = j;
    }
    *out = best;
    return KS_OK;
}

/* Wraps UTF-8 `text` into lines no wider than `width` points. */
static ks_status wrap(ks_pdf_font *f, const char *text, double size, double width, cell_lines *c,
                      ks_error *err)
{
    ks_buf line = KS_BUF_INIT;
    double line_w = 0, space_w = 0;
    const char *p = text ? text : "";
    /* words are measured once each and added up (a space between): shaping a whole candidate
     * line again for every word made a long register quadratic in its cells' words */
    ks_status st = width_of(f, " ", 1, size, &space_w, err);
    while (st == KS_OK && *p) {
        size_t wl = strcspn(p, " \n");
        double ww = 0;
        if (wl > 0 && (st = width_of(f, p, wl, size, &ww, err)))
            break;
        if (wl > 0 && line.len && line_w + space_w + ww <= width) {
            ks_buf_putc(&line, ' ');
            ks_buf_append(&line, p, wl);
            line_w += space_w + ww;
        } else if (wl > 0) {
            if (line.len && (st = push_line(c, (const char *)line.data, line.len, err)))
                break;
            line.len = 0;
            line_w = 0;
            /* the word alone: broken between characters while it is too wide */
            const char *q = p;
            size_t left = wl;
            while (st == KS_OK && ww > width) {
                size_t n = 0;
                if ((st = fit_chars(f, q, left, size, width, &n, err)) ||
                    (st = push_line(c, q, n, err)))
                    break;
                q += n;
                left -= n;
                if ((st = width_of(f, q, left, size, &ww, err)))
                    break;
            }
            ks_buf_append(&line, q, left);
            line_w = ww;
        }
        if (line.failed && st == KS_OK)
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        p += wl;
        if (*p == '\n' && st == KS_OK) {
            if ((st = push_line(c, (const char *)(line.data ? line.data : (uint8_t *)""), line.len,
                                err)))
                break;
            line.len = 0;
            line_w = 0;
        }
        if (*p)
            p++;
    }
    if (st == KS_OK && line.len)
        st = push_line(c, (const char *)line.data, line.len, err);
    ks_buf_free(&line);
    return st;
}

static double lines_h(size_t n, double size)
{
    return (double)(n ? n : 1) * size * LEAD + 2 * PAD;
}

static ks_status measure(layout *L, ks_error *err)
{
    const ks_pdf_table *t = L->t;
    size_t nr = t->nrows + 2;
    L->cells = calloc(nr * t->ncols, sizeof *L->cells);
    L->row_h = calloc(nr, sizeof *L->row_h);
    if (!L->cells || !L->row_h)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    for (size_t r = 0; r < nr; r++) {
        double h = 0;
        for (size_t c = 0; c < t->ncols; c++) {
            char num[16];
            snprintf(num, sizeof num, "(%zu)", c + 1);
            const char *s = r == 0   ? t->headings[c]
                            : r == 1 ? num
                                     : t->cells[(r - 2) * t->ncols + c];
            ks_pdf_font *f = r == 0 ? L->bold : L->reg;
            double size = r == 0 ? HEAD_PT : CELL_PT;
            ks_status st =
                wrap(f, s, size, L->col_w[c] - 2 * PAD, &L->cells[r * t->ncols + c], err);
            if (st)
                return st;
            double ch = lines_h(L->cells[r * t->ncols + c].n, size);
            h = ch > h ? ch : h;
        }
        L->row_h[r] = h;
    }
    return KS_OK;
}

static double title_h(const ks_pdf_table *t)
{
    return (double)t->ntitle * 18.0 + 10.0;
}

/* Rows per page: the heading rows on every page, the title on the first. */
static ks_status paginate(layout *L, ks_error *err)
{
    const ks_pdf_table *t = L->t;
    double body = L->page_h - 2 * L->margin - 20.0; /* the foot line */
    double head = L->row_h[0] + L->row_h[1];
    L->page_of_row = calloc(t->nrows + 2, sizeof *L->page_of_row);
    if (!L->page_of_row)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t p = 0, r = 0;
    L->page_of_row[0] = 0;
    while (r < t->nrows || p == 0) {
        double avail = body - head - (p == 0 ? title_h(t) : 0), used = 0;
        size_t first = r;
        while (r < t->nrows && (r == first || used + L->row_h[r + 2] <= avail)) {
            /* a row taller than a page is cut to the page (its cells keep what fits) */
            double h = L->row_h[r + 2] < avail ? L->row_h[r + 2] : avail;
            L->row_h[r + 2] = h;
            used += h;
            r++;
        }
        L->page_of_row[++p] = r;
        if (t->nrows == 0)
            break;
    }
    L->npages = p;
    return KS_OK;
}

/* Shows `s` at (x, y) (baseline) in font /Fn of `size`; x is the left edge, or the centre
 * when `centre`. */
static ks_status show(ks_buf *ops, ks_pdf_font *f, const char *fname, const char *s, double size,
                      double x, double y, bool centre, ks_error *err)
{
    double w = 0;
    ks_status st = ks_pdf_font_show(f, s, size, NULL, &w, err);
    if (st)
        return st;
    ks_buf_printf(ops, "BT /%s %.1f Tf %.2f %.2f Td ", fname, size, centre ? x - w / 2 : x, y);
    st = ks_pdf_font_show(f, s, size, ops, NULL, err);
    ks_buf_puts(ops, " ET\n");
    return st;
}

static ks_status draw_row(layout *L, ks_buf *ops, size_t r, double top, ks_error *err)
{
    const ks_pdf_table *t = L->t;
    double h = L->row_h[r];
    double asc = 0, desc = 0, cap = 0;
    ks_pdf_font_metrics(L->reg, &asc, &desc, &cap);
    ks_buf_printf(ops, "0.5 w\n");
    for (size_t c = 0; c < t->ncols; c++) {
        ks_buf_printf(ops, "%.2f %.2f %.2f %.2f re S\n", L->col_x[c], top - h, L->col_w[c], h);
        const cell_lines *cl = &L->cells[r * t->ncols + c];
        double size = r == 0 ? HEAD_PT : CELL_PT;
        ks_pdf_font *f = r == 0 ? L->bold : L->reg;
        for (size_t i = 0; i < cl->n; i++) {
            double y = top - PAD - asc * size - (double)i * size * LEAD;
            if (y < top - h + PAD)
                break; /* cut: the row was taller than a page */
            bool centre = r < 2;
            double x = centre ? L->col_x[c] + L->col_w[c] / 2 : L->col_x[c] + PAD;
            ks_status st = show(ops, f, r == 0 ? "F2" : "F1", cl->line[i], size, x, y, centre, err);
            if (st)
                return st;
        }
    }
    return KS_OK;
}

static ks_status page_ops(layout *L, size_t p, ks_buf *ops, ks_error *err)
{
    const ks_pdf_table *t = L->t;
    double top = L->page_h - L->margin;
    ks_status st = KS_OK;
    if (p == 0)
        for (size_t i = 0; i < t->ntitle && st == KS_OK; i++) {
            double size = i == 0 ? 13.0 : i == 1 ? 14.0 : 12.0;
            st = show(ops, i < 2 ? L->bold : L->reg, i < 2 ? "F2" : "F1", t->title[i], size,
                      L->page_w / 2, top - 14.0 - 18.0 * (double)i, true, err);
        }
    if (p == 0)
        top -= title_h(t);
    for (size_t r = 0; r < 2 && st == KS_OK; r++) {
        st = draw_row(L, ops, r, top, err);
        top -= L->row_h[r];
    }
    for (size_t r = L->page_of_row[p]; r < L->page_of_row[p + 1] && st == KS_OK; r++) {
        st = draw_row(L, ops, r + 2, top, err);
        top -= L->row_h[r + 2];
    }
    char foot[96];
    snprintf(foot, sizeof foot, "%s %zu/%zu", t->page_word ? t->page_word : "", p + 1, L->npages);
    if (st == KS_OK)
        st = show(ops, L->reg, "F1", foot, CELL_PT, L->page_w / 2, L->margin, true, err);
    if (st == KS_OK && ops->failed)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return st;
}

static ks_status open_fonts(layout *L, ks_error *err)
{
    ks_status st = ks_pdf_font_open(NULL, &L->reg, err);
    if (st)
        return st;
    /* the bold face next to the regular one (fonts-liberation2: LiberationSerif-Bold.ttf) */
    char path[1024];
    const char *reg = ks_pdf_font_default_path();
    const char *at = strstr(reg, "Regular");
    if (at && strlen(reg) + 8 < sizeof path) {
        snprintf(path, sizeof path, "%.*sBold%s", (int)(at - reg), reg, at + 7);
        ks_error e2;
        if (ks_pdf_font_open(path, &L->bold, &e2) == KS_OK)
            return KS_OK;
    }
    return ks_pdf_font_open(NULL, &L->bold, err);
}

#define PUT(d, k, v) ok = ok && ks_pdf_dict_put(a, (d), (k), (v))

static ks_status write_doc(layout *L, ks_buf *out, ks_error *err)
{
    ks_buf seed = KS_BUF_INIT, rev = KS_BUF_INIT;
    ks_pdf_doc *doc = NULL;
    ks_pdf_update *u = NULL;
    ks_arena *a = ks_arena_new();
    uint32_t *content = calloc(L->npages, sizeof *content);
    ks_pdf_ref *kids = calloc(L->npages, sizeof *kids), f1, f2;
    ks_status st =
        a && content && kids ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (st == KS_OK && !(st = ks_pdf_newdoc_seed(&seed, err)) &&
        !(st = ks_pdf_open_mem(seed.data, seed.len, "register.pdf", NULL, &doc, err)))
        st = ks_pdf_update_new(doc, &u, err);
    for (size_t p = 0; st == KS_OK && p < L->npages; p++) {
        ks_buf ops = KS_BUF_INIT;
        uint8_t *z = NULL;
        size_t zlen = 0;
        st = page_ops(L, p, &ops, err);
        if (st == KS_OK)
            st = ks_pdf_gen_deflate(ops.data, ops.len, &z, &zlen, err);
        ks_pdf_obj *d = ks_pdf_new_dict(a);
        bool ok = d != NULL;
        PUT(d, "Filter", ks_pdf_new_name(a, "FlateDecode"));
        content[p] = ks_pdf_update_alloc(u);
        if (st == KS_OK)
            st = ok ? ks_pdf_update_put_stream(u, content[p], 0, d, z, zlen, err)
                    : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        free(z);
        ks_buf_free(&ops);
    }
    if (st == KS_OK)
        st = ks_pdf_font_embed(L->reg, u, &f1, err);
    if (st == KS_OK)
        st = ks_pdf_font_embed(L->bold, u, &f2, err);
    for (size_t p = 0; st == KS_OK && p < L->npages; p++) {
        ks_pdf_obj *pg = ks_pdf_new_dict(a), *res = ks_pdf_new_dict(a), *fonts = ks_pdf_new_dict(a),
                   *box = ks_pdf_new_array(a);
        bool ok = pg && res && fonts && box;
        ok = ok && ks_pdf_array_push(a, box, ks_pdf_new_int(a, 0)) &&
             ks_pdf_array_push(a, box, ks_pdf_new_int(a, 0)) &&
             ks_pdf_array_push(a, box, ks_pdf_new_real(a, L->page_w)) &&
             ks_pdf_array_push(a, box, ks_pdf_new_real(a, L->page_h));
        PUT(fonts, "F1", ks_pdf_new_ref(a, f1.num, f1.gen));
        PUT(fonts, "F2", ks_pdf_new_ref(a, f2.num, f2.gen));
        PUT(res, "Font", fonts);
        PUT(pg, "Type", ks_pdf_new_name(a, "Page"));
        PUT(pg, "Parent", ks_pdf_new_ref(a, KS_PDF_NEWDOC_PAGES, 0));
        PUT(pg, "MediaBox", box);
        PUT(pg, "Resources", res);
        PUT(pg, "Contents", ks_pdf_new_ref(a, content[p], 0));
        kids[p].num = ks_pdf_update_alloc(u);
        st = ok ? ks_pdf_update_put(u, kids[p].num, 0, pg, err)
                : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    if (st == KS_OK)
        st = ks_pdf_newdoc_pages(u, kids, L->npages, err);
    if (st == KS_OK)
        st = ks_pdf_update_finish(u, &rev, err);
    if (st == KS_OK &&
        (!ks_buf_append(out, seed.data, seed.len) || !ks_buf_append(out, rev.data, rev.len)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_pdf_update_free(u);
    ks_pdf_close(doc);
    ks_buf_free(&seed);
    ks_buf_free(&rev);
    ks_arena_free(a);
    free(content);
    free(kids);
    return st;
}

ks_status ks_pdf_table_render(const ks_pdf_table *t, ks_buf *out, ks_error *err)
{
    if (t->ncols == 0 || t->ncols > 64 || t->ntitle > 8)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a table needs 1 to 64 columns and at most 8 "
                               "title lines"));
    layout L = {.t = t};
    L.page_w = t->landscape ? 297 * PT_PER_MM : 210 * PT_PER_MM;
    L.page_h = t->landscape ? 210 * PT_PER_MM : 297 * PT_PER_MM;
    L.margin = 15 * PT_PER_MM;
    double total = 0, avail = L.page_w - 2 * L.margin;
    for (size_t c = 0; c < t->ncols; c++)
        total += t->widths && t->widths[c] > 0 ? t->widths[c] : 1;
    L.col_x[0] = L.margin;
    for (size_t c = 0; c < t->ncols; c++) {
        L.col_w[c] = avail * (t->widths && t->widths[c] > 0 ? t->widths[c] : 1) / total;
        L.col_x[c + 1] = L.col_x[c] + L.col_w[c];
    }
    ks_status st = open_fonts(&L, err);
    if (st == KS_OK)
        st = measure(&L, err);
    if (st == KS_OK)
        st = paginate(&L, err);
    if (st == KS_OK)
        st = write_doc(&L, out, err);
    if (L.cells)
        for (size_t i = 0; i < (t->nrows + 2) * t->ncols; i++)
            cells_free(&L.cells[i]);
    free(L.cells);
    free(L.row_h);
    free(L.page_of_row);
    ks_pdf_font_free(L.reg);
    ks_pdf_font_free(L.bold);
    return st;
}
