/* text/text_run.c — runs a page's content streams for text (ISO 32000-2 §8.4, §9.3-9.4): the
 * graphics-state stack and CTM, the text state and matrices, the show operators and Form
 * XObjects, producing each glyph's position and box in default user space. */
#include "text_math.h"
#include <stdlib.h>
#include <string.h>

#include "text_internal.h"

typedef struct gstate {
    double ctm[6];
    double tc, tw, th, tl, ts, fs;
    ks_font *font;
} gstate;

typedef struct font_slot {
    const ks_pdf_obj *dict;
    ks_font *font;
} font_slot;

typedef struct runner {
    ks_pdf_doc *doc;
    ks_tglyphs *out;
    ks_pdf_rect clip; /* glyphs whose origin is outside (crop box + margin) are dropped */
    gstate gs;
    gstate stack[KS_TEXT_MAX_GSTACK];
    size_t depth, lost_depth;
    double tm[6], tlm[6];
    font_slot *fonts;
    size_t nfonts;
    const ks_pdf_obj *forms[KS_TEXT_MAX_FORM_DEPTH];
    size_t nforms;
    size_t ops;
    size_t bytes; /* content read so far, against KS_TEXT_MAX_BYTES */
    bool damaged;
} runner;

static const double identity[6] = {1, 0, 0, 1, 0, 0};

/* r = a × b (row-vector convention of §8.3.4) */
static void mat_mul(const double a[6], const double b[6], double r[6])
{
    double t[6];
    t[0] = a[0] * b[0] + a[1] * b[2];
    t[1] = a[0] * b[1] + a[1] * b[3];
    t[2] = a[2] * b[0] + a[3] * b[2];
    t[3] = a[2] * b[1] + a[3] * b[3];
    t[4] = a[4] * b[0] + a[5] * b[2] + b[4];
    t[5] = a[4] * b[1] + a[5] * b[3] + b[5];
    memcpy(r, t, sizeof t);
}

static void translate(double m[6], double tx, double ty)
{
    const double t[6] = {1, 0, 0, 1, tx, ty};
    mat_mul(t, m, m);
}

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

static bool num(const ks_pdf_obj *o, double *v)
{
    return ks_pdf_get_num(o, v) && ks_tfinite(*v);
}

/* Reads n numeric operands; false when any is missing or not a number. */
static bool nums(const ks_pdf_content_op *op, size_t n, double *v)
{
    if (op->count < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!num(op->operands[op->count - n + i], &v[i]))
            return false;
    return true;
}

static ks_status get_font(runner *r, ks_pdf_obj *res, const char *name, ks_font **out,
                          ks_error *err)
{
    *out = NULL;
    ks_pdf_obj *fonts = res ? ks_pdf_dict_getr(r->doc, res, "Font") : NULL;
    ks_pdf_obj *fd =
        fonts && fonts->type == KS_PDF_DICT ? ks_pdf_dict_getr(r->doc, fonts, name) : NULL;
    if (!fd || fd->type != KS_PDF_DICT)
        return KS_OK;
    for (size_t i = 0; i < r->nfonts; i++)
        if (r->fonts[i].dict == fd) {
            *out = r->fonts[i].font;
            return KS_OK;
        }
    if (r->nfonts >= KS_TEXT_MAX_FONTS)
        return ks_error_set(err, KS_E_LIMIT, N_("page uses more than %d fonts"), KS_TEXT_MAX_FONTS);
    font_slot *nv = realloc(r->fonts, (r->nfonts + 1) * sizeof *nv);
    if (!nv)
        return nomem(err);
    r->fonts = nv;
    ks_font *f = NULL;
    ks_status st = ks_font_load(r->doc, fd, &f, err);
    if (st != KS_OK)
        return st;
    r->fonts[r->nfonts++] = (font_slot){fd, f};
    *out = f;
    return KS_OK;
}

static int rotation_of(const double m[6])
{
    if (ks_tabs(m[0] * m[3]) >= ks_tabs(m[1] * m[2]))
        return m[0] >= 0 ? 0 : 2;
    return m[1] > 0 ? 1 : 3;
}

/* (x, y) → reading frame (u, v) of rotation rot, and back. */
static void to_frame(int rot, double x, double y, double *u, double *v)
{
    switch (rot) {
    case 1:
        *u = y, *v = -x;
        break;
    case 2:
        *u = -x, *v = -y;
        break;
    case 3:
        *u = -y, *v = x;
        break;
    default:
        *u = x, *v = y;
    }
}

static ks_pdf_rect frame_rect(int rot, double u0, double u1, double v0, double v1)
{
    ks_pdf_rect b;
    switch (rot) {
    case 1:
        b = (ks_pdf_rect){-v1, u0, -v0, u1};
        break;
    case 2:
        b = (ks_pdf_rect){-u1, -v1, -u0, -v0};
        break;
    case 3:
        b = (ks_pdf_rect){v0, -u1, v1, -u0};
        break;
    default:
        b = (ks_pdf_rect){u0, v0, u1, v1};
    }
    return b;
}

static bool is_space_cp(uint32_t c)
{
    return c == ' ' || c == 0xA0 || c == '\t' || c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

static ks_status emit(runner *r, const ks_font_char *ch, double adv_text, ks_error *err)
{
    const gstate *g = &r->gs;
    const ks_font *f = g->font;
    /* control characters carry no text (and a NUL would cut the line short) */
    uint32_t uni[KS_FONT_MAX_UNI];
    size_t nuni = 0;
    for (size_t i = 0; i < ch->nuni && i < KS_FONT_MAX_UNI; i++)
        if (ch->uni[i] >= 0x20 && ch->uni[i] != 0x7F)
            uni[nuni++] = ch->uni[i];
    if (nuni == 0)
        return KS_OK;
    double m[6];
    mat_mul(r->tm, g->ctm, m);
    /* points in text space: origin (0, rise) and end of advance (adv, rise) */
    double ox = g->ts * m[2] + m[4], oy = g->ts * m[3] + m[5];
    double ex = adv_text * m[0] + ox, ey = adv_text * m[1] + oy;
    /* outside the crop box, or not a number at all (absurd widths or matrices) */
    if (!(ox >= r->clip.x0 && ox <= r->clip.x1 && oy >= r->clip.y0 && oy <= r->clip.y1) ||
        !ks_tfinite(ex) || !ks_tfinite(ey))
        return KS_OK;
    if (r->out->n >= KS_TEXT_MAX_GLYPHS)
        return ks_error_set(err, KS_E_LIMIT, N_("page shows more than %u glyphs"),
                            KS_TEXT_MAX_GLYPHS);
    if (r->out->n == r->out->cap) {
        size_t nc = r->out->cap ? r->out->cap * 2 : 1024;
        ks_tglyph *nv = realloc(r->out->v, nc * sizeof *nv);
        if (!nv)
            return nomem(err);
        r->out->v = nv;
        r->out->cap = nc;
    }
    ks_tglyph *gl = &r->out->v[r->out->n];
    memset(gl, 0, sizeof *gl);
    gl->rot = rotation_of(m);
    double size = g->fs * ks_thypot(m[2], m[3]);
    double u0, v0, u1, v1;
    to_frame(gl->rot, ox, oy, &u0, &v0);
    to_frame(gl->rot, ex, ey, &u1, &v1);
    if (u1 < u0) {
        double t = u0;
        u0 = u1;
        u1 = t;
    }
    gl->u0 = u0;
    gl->u1 = u1;
    gl->base = v0;
    gl->size = size;
    gl->box = frame_rect(gl->rot, u0, u1, v0 + f->descent * size, v0 + f->ascent * size);
    if (!ks_tfinite(size) || !ks_tfinite(gl->box.x0 + gl->box.y0 + gl->box.x1 + gl->box.y1))
        return KS_OK; /* not counted: r->out->n is unchanged */
    gl->bold = f->bold;
    gl->font = f;
    gl->nuni = (uint8_t)nuni;
    memcpy(gl->uni, uni, nuni * sizeof uni[0]);
    gl->space = true;
    for (size_t i = 0; i < nuni; i++)
        if (!is_space_cp(uni[i]))
            gl->space = false;
    gl->seq = r->out->n;
    r->out->n++;
    return KS_OK;
}

/* Shows string `s` (Tj and friends, §9.4.3). */
static ks_status show(runner *r, const ks_pdf_obj *s, ks_error *err)
{
    gstate *g = &r->gs;
    if (!g->font || s->type != KS_PDF_STRING)
        return KS_OK;
    const uint8_t *p = s->u.str.data;
    size_t len = s->u.str.len;
    bool vertical = g->font->kind == KS_FONT_TYPE0 && g->font->vertical;
    while (len > 0) {
        ks_font_char ch;
        size_t n = ks_font_next(g->font, p, len, &ch);
        if (n == 0 || n > len)
            n = len;
        p += n;
        len -= n;
        double extra = g->tc + (ch.word_space ? g->tw : 0);
        if (vertical) {
            double ty = -g->fs + extra; /* default vertical displacement: 1000 units down */
            ks_status st = emit(r, &ch, 0, err);
            if (st != KS_OK)
                return st;
            translate(r->tm, 0, ty);
            continue;
        }
        double tx = (ch.w0 * g->fs + extra) * g->th;
        /* the glyph's box excludes character and word spacing, as in pdftotext */
        ks_status st = emit(r, &ch, ch.w0 * g->fs * g->th, err);
        if (st != KS_OK)
            return st;
        translate(r->tm, tx, 0);
    }
    return KS_OK;
}

static ks_status run_stream(runner *r, const uint8_t *data, size_t len, ks_pdf_obj *res,
                            ks_error *err);

/* Reads a 6-number matrix (identity when absent or malformed). */
static void read_matrix(ks_pdf_doc *doc, ks_pdf_obj *mo, double m[6])
{
    memcpy(m, identity, 6 * sizeof m[0]);
    if (!mo || mo->type != KS_PDF_ARRAY || mo->u.arr.len != 6)
        return;
    for (int i = 0; i < 6; i++)
        if (!num(ks_pdf_resolve(doc, mo->u.arr.items[i], NULL), &m[i])) {
            memcpy(m, identity, 6 * sizeof m[0]);
            return;
        }
}

/* Runs Form XObject `x` (§8.10) with `m` before the current CTM, its own resources (or `res`),
 * bounded depth and no self-reference; the graphics and text state are restored afterwards. */
static ks_status run_form(runner *r, ks_pdf_obj *x, ks_pdf_obj *res, const double m[6],
                          ks_error *err)
{
    for (size_t i = 0; i < r->nforms; i++)
        if (r->forms[i] == x) {
            r->damaged = true; /* a form that draws itself */
            return KS_OK;
        }
    if (r->nforms >= KS_TEXT_MAX_FORM_DEPTH) {
        r->damaged = true;
        return KS_OK;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    ks_error e;
    ks_status st = ks_pdf_stream_decode(r->doc, x, &data, &len, &e);
    if (st == KS_E_NOMEM)
        return nomem(err);
    if (st != KS_OK) {
        r->damaged = true;
        return KS_OK;
    }
    gstate saved = r->gs;
    double tm[6], tlm[6];
    memcpy(tm, r->tm, sizeof tm);
    memcpy(tlm, r->tlm, sizeof tlm);
    size_t saved_depth = r->depth, saved_lost = r->lost_depth;
    mat_mul(m, r->gs.ctm, r->gs.ctm);
    ks_pdf_obj *fres = ks_pdf_dict_getr(r->doc, x, "Resources");
    r->forms[r->nforms++] = x;
    st = run_stream(r, data, len, fres && fres->type == KS_PDF_DICT ? fres : res, err);
    r->nforms--;
    ks_pdf_stream_release(r->doc, data, len);
    r->gs = saved;
    memcpy(r->tm, tm, sizeof tm);
    memcpy(r->tlm, tlm, sizeof tlm);
    r->depth = saved_depth;
    r->lost_depth = saved_lost;
    return st;
}

/* Do on a Form XObject; image XObjects show no text. */
static ks_status do_xobject(runner *r, ks_pdf_obj *res, const char *name, ks_error *err)
{
    ks_pdf_obj *xs = res ? ks_pdf_dict_getr(r->doc, res, "XObject") : NULL;
    ks_pdf_obj *x = xs && xs->type == KS_PDF_DICT ? ks_pdf_dict_getr(r->doc, xs, name) : NULL;
    if (!x || x->type != KS_PDF_STREAM)
        return KS_OK;
    ks_pdf_obj *sub = ks_pdf_dict_getr(r->doc, x, "Subtype");
    if (!ks_pdf_is_name(sub, "Form"))
        return KS_OK;
    double m[6];
    read_matrix(r->doc, ks_pdf_dict_getr(r->doc, x, "Matrix"), m);
    return run_form(r, x, res, m, err);
}

static void next_line(runner *r, double tx, double ty)
{
    translate(r->tlm, tx, ty);
    memcpy(r->tm, r->tlm, sizeof r->tm);
}

static ks_status exec(runner *r, const ks_pdf_content_op *op, ks_pdf_obj *res, ks_error *err)
{
    const char *o = op->op;
    gstate *g = &r->gs;
    double v[6];
    switch (o[0]) {
    case 'q':
        if (o[1] == 0) {
            if (r->depth < KS_TEXT_MAX_GSTACK)
                r->stack[r->depth++] = *g;
            else
                r->lost_depth++;
        }
        return KS_OK;
    case 'Q':
        if (o[1] == 0) {
            if (r->lost_depth > 0)
                r->lost_depth--;
            else if (r->depth > 0)
                *g = r->stack[--r->depth];
        }
        return KS_OK;
    case 'c':
        if (strcmp(o, "cm") == 0 && nums(op, 6, v))
            mat_mul(v, g->ctm, g->ctm);
        return KS_OK;
    case 'B':
        if (strcmp(o, "BT") == 0) {
            memcpy(r->tm, identity, sizeof r->tm);
            memcpy(r->tlm, identity, sizeof r->tlm);
        }
        return KS_OK;
    case 'D':
        if (strcmp(o, "Do") == 0 && op->count >= 1 &&
            op->operands[op->count - 1]->type == KS_PDF_NAME)
            return do_xobject(r, res, op->operands[op->count - 1]->u.name.s, err);
        return KS_OK;
    case '\'':
    case '"':
        if (o[1] != 0 || op->count < 1)
            return KS_OK;
        if (o[0] == '"') {
            double aw, ac;
            if (op->count < 3)
                return KS_OK;
            if (num(op->operands[op->count - 3], &aw) && num(op->operands[op->count - 2], &ac)) {
                g->tw = aw;
                g->tc = ac;
            }
        }
        next_line(r, 0, -g->tl);
        return show(r, op->operands[op->count - 1], err);
    case 'T':
        break;
    default:
        return KS_OK;
    }
    /* T operators */
    switch (o[1]) {
    case 'c':
        if (!o[2] && nums(op, 1, v))
            g->tc = v[0];
        break;
    case 'w':
        if (!o[2] && nums(op, 1, v))
            g->tw = v[0];
        break;
    case 'z':
        if (!o[2] && nums(op, 1, v))
            g->th = v[0] / 100;
        break;
    case 'L':
        if (!o[2] && nums(op, 1, v))
            g->tl = v[0];
        break;
    case 's':
        if (!o[2] && nums(op, 1, v))
            g->ts = v[0];
        break;
    case 'f':
        if (!o[2] && op->count >= 2 && op->operands[op->count - 2]->type == KS_PDF_NAME &&
            num(op->operands[op->count - 1], &v[0])) {
            g->fs = v[0];
            return get_font(r, res, op->operands[op->count - 2]->u.name.s, &g->font, err);
        }
        break;
    case 'm':
        if (!o[2] && nums(op, 6, v)) {
            memcpy(r->tm, v, sizeof r->tm);
            memcpy(r->tlm, v, sizeof r->tlm);
        }
        break;
    case 'd':
        if (!o[2] && nums(op, 2, v))
            next_line(r, v[0], v[1]);
        break;
    case 'D':
        if (!o[2] && nums(op, 2, v)) {
            g->tl = -v[1];
            next_line(r, v[0], v[1]);
        }
        break;
    case '*':
        if (!o[2])
            next_line(r, 0, -g->tl);
        break;
    case 'j':
        if (!o[2] && op->count >= 1)
            return show(r, op->operands[op->count - 1], err);
        break;
    case 'J':
        if (!o[2] && op->count >= 1 && op->operands[op->count - 1]->type == KS_PDF_ARRAY) {
            const ks_pdf_obj *a = op->operands[op->count - 1];
            bool vertical = g->font && g->font->kind == KS_FONT_TYPE0 && g->font->vertical;
            for (size_t i = 0; i < a->u.arr.len; i++) {
                const ks_pdf_obj *it = a->u.arr.items[i];
                if (num(it, &v[0])) {
                    double adj = -v[0] / 1000 * g->fs;
                    if (vertical)
                        translate(r->tm, 0, adj);
                    else
                        translate(r->tm, adj * g->th, 0);
                } else {
                    ks_status st = show(r, it, err);
                    if (st != KS_OK)
                        return st;
                }
            }
        }
        break;
    default:
        break;
    }
    return KS_OK;
}

static ks_status run_stream(runner *r, const uint8_t *data, size_t len, ks_pdf_obj *res,
                            ks_error *err)
{
    /* a small form drawn a million times costs as much as a huge page */
    if (len > KS_TEXT_MAX_BYTES - r->bytes)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("page content (with its forms) is longer than %u bytes"),
                            KS_TEXT_MAX_BYTES);
    r->bytes += len;
    ks_pdf_content *c = NULL;
    ks_status st = ks_pdf_content_new(data, len, &c, err);
    if (st != KS_OK)
        return st;
    for (;;) {
        ks_pdf_content_op op;
        bool done = false;
        ks_error e;
        st = ks_pdf_content_next(c, &op, &done, &e);
        if (st == KS_E_NOMEM) {
            st = nomem(err);
            break;
        }
        if (st != KS_OK) {
            r->damaged = true; /* keep what was shown before the damage */
            st = KS_OK;
            break;
        }
        if (done)
            break;
        if (++r->ops > KS_TEXT_MAX_OPS) {
            st = ks_error_set(err, KS_E_LIMIT, N_("page content runs more than %u operators"),
                              KS_TEXT_MAX_OPS);
            break;
        }
        if ((st = exec(r, &op, res, err)) != KS_OK)
            break;
    }
    ks_pdf_content_free(c);
    return st;
}

/* The page's content: one stream or an array of streams read as one (§7.8.2). */
static ks_status page_content(ks_pdf_doc *doc, ks_pdf_obj *page, ks_buf *out, bool *damaged,
                              ks_error *err)
{
    ks_pdf_obj *c = ks_pdf_dict_getr(doc, page, "Contents");
    if (!c)
        return KS_OK;
    size_t n = c->type == KS_PDF_ARRAY ? c->u.arr.len : 1;
    for (size_t i = 0; i < n; i++) {
        ks_pdf_obj *s = c->type == KS_PDF_ARRAY ? ks_pdf_resolve(doc, c->u.arr.items[i], NULL) : c;
        if (s->type != KS_PDF_STREAM) {
            *damaged = true;
            continue;
        }
        uint8_t *data = NULL;
        size_t len = 0;
        ks_error e;
        ks_status st = ks_pdf_stream_decode(doc, s, &data, &len, &e);
        if (st == KS_E_NOMEM)
            return nomem(err);
        if (st != KS_OK) {
            *damaged = true;
            continue;
        }
        bool ok = ks_buf_append(out, data, len) && ks_buf_putc(out, '\n');
        ks_pdf_stream_release(doc, data, len);
        if (!ok)
            return nomem(err);
    }
    return KS_OK;
}

static bool rect_of(ks_pdf_doc *doc, ks_pdf_obj *a, ks_pdf_rect *out)
{
    double v[4];
    if (!a || a->type != KS_PDF_ARRAY || a->u.arr.len != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!num(ks_pdf_resolve(doc, a->u.arr.items[i], NULL), &v[i]))
            return false;
    *out = (ks_pdf_rect){ks_tmin(v[0], v[2]), ks_tmin(v[1], v[3]), ks_tmax(v[0], v[2]),
                         ks_tmax(v[1], v[3])};
    return true;
}

/* The normal appearance of annotation `a`, placed on the page (ISO 32000-2 §12.5.5): its
 * /BBox transformed by /Matrix is mapped onto /Rect. Hidden and NoView annotations are not
 * drawn (§12.5.3), as in viewers and pdftotext. */
static ks_status run_annotation(runner *r, ks_pdf_obj *a, ks_error *err)
{
    int64_t flags = 0;
    ks_pdf_get_int(ks_pdf_dict_getr(r->doc, a, "F"), &flags);
    if (flags & (2 | 32))
        return KS_OK;
    ks_pdf_obj *ap = ks_pdf_dict_getr(r->doc, a, "AP");
    ks_pdf_obj *n = ap && ap->type == KS_PDF_DICT ? ks_pdf_dict_getr(r->doc, ap, "N") : NULL;
    if (n && n->type == KS_PDF_DICT) { /* appearance states: /AS picks one */
        ks_pdf_obj *as = ks_pdf_dict_getr(r->doc, a, "AS");
        n = as && as->type == KS_PDF_NAME ? ks_pdf_dict_getr(r->doc, n, as->u.name.s) : NULL;
    }
    ks_pdf_rect rect, bbox;
    if (!n || n->type != KS_PDF_STREAM ||
        !rect_of(r->doc, ks_pdf_dict_getr(r->doc, a, "Rect"), &rect) ||
        !rect_of(r->doc, ks_pdf_dict_getr(r->doc, n, "BBox"), &bbox))
        return KS_OK;
    double m[6];
    read_matrix(r->doc, ks_pdf_dict_getr(r->doc, n, "Matrix"), m);
    /* transformed box: bounds of the four corners */
    const double cx[4] = {bbox.x0, bbox.x1, bbox.x0, bbox.x1};
    const double cy[4] = {bbox.y0, bbox.y0, bbox.y1, bbox.y1};
    ks_pdf_rect t = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
        double x = cx[i] * m[0] + cy[i] * m[2] + m[4], y = cx[i] * m[1] + cy[i] * m[3] + m[5];
        if (i == 0)
            t = (ks_pdf_rect){x, y, x, y};
        t = (ks_pdf_rect){ks_tmin(t.x0, x), ks_tmin(t.y0, y), ks_tmax(t.x1, x), ks_tmax(t.y1, y)};
    }
    if (t.x1 - t.x0 <= 0 || t.y1 - t.y0 <= 0)
        return KS_OK;
    double sx = (rect.x1 - rect.x0) / (t.x1 - t.x0), sy = (rect.y1 - rect.y0) / (t.y1 - t.y0);
    const double fit[6] = {sx, 0, 0, sy, rect.x0 - t.x0 * sx, rect.y0 - t.y0 * sy};
    mat_mul(m, fit, m);
    /* an appearance starts from the page's initial state */
    gstate saved = r->gs;
    memset(&r->gs, 0, sizeof r->gs);
    memcpy(r->gs.ctm, identity, sizeof r->gs.ctm);
    r->gs.th = 1;
    ks_status st = run_form(r, n, NULL, m, err);
    r->gs = saved;
    return st;
}

static ks_status run_annotations(runner *r, ks_pdf_obj *page, ks_error *err)
{
    ks_pdf_obj *annots = ks_pdf_dict_getr(r->doc, page, "Annots");
    if (!annots || annots->type != KS_PDF_ARRAY)
        return KS_OK;
    for (size_t i = 0; i < annots->u.arr.len && i < KS_TEXT_MAX_ANNOTS; i++) {
        ks_pdf_obj *a = ks_pdf_resolve(r->doc, annots->u.arr.items[i], NULL);
        if (a->type != KS_PDF_DICT)
            continue;
        ks_status st = run_annotation(r, a, err);
        if (st != KS_OK)
            return st;
    }
    return KS_OK;
}

ks_status ks_text_run_page(ks_pdf_doc *doc, ks_pdf_obj *page, const ks_pdf_rect *crop,
                           ks_tglyphs *out, bool *damaged, ks_error *err)
{
    runner *r = calloc(1, sizeof *r);
    if (!r)
        return nomem(err);
    r->doc = doc;
    r->out = out;
    r->clip = (ks_pdf_rect){crop->x0 - 1, crop->y0 - 1, crop->x1 + 1, crop->y1 + 1};
    memcpy(r->gs.ctm, identity, sizeof r->gs.ctm);
    r->gs.th = 1;
    memcpy(r->tm, identity, sizeof r->tm);
    memcpy(r->tlm, identity, sizeof r->tlm);
    ks_buf content = KS_BUF_INIT;
    ks_status st = page_content(doc, page, &content, &r->damaged, err);
    if (st == KS_OK) {
        ks_pdf_obj *res = ks_pdf_page_attr(doc, page, "Resources");
        st = run_stream(r, content.data, content.len, res && res->type == KS_PDF_DICT ? res : NULL,
                        err);
    }
    if (st == KS_OK)
        st = run_annotations(r, page, err);
    ks_buf_free(&content);
    for (size_t i = 0; i < r->nfonts; i++)
        ks_font_free(r->fonts[i].font);
    free(r->fonts);
    *damaged = r->damaged;
    free(r);
    return st;
}
