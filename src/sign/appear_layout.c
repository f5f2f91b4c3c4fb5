/* Geometry of visible signatures: the visible frame of a page (CropBox turned by /Rotate,
 * ISO 32000-2 §7.7.3.3) and the placement rules of requirements.md §4.1–4.4, all in points. */
#include "appear.h"

#define MM (72.0 / 25.4)

static ks_pdf_rect norm(double x0, double y0, double x1, double y1)
{
    ks_pdf_rect r = {x0 < x1 ? x0 : x1, y0 < y1 ? y0 : y1, x0 < x1 ? x1 : x0, y0 < y1 ? y1 : y0};
    return r;
}

void ks_appear_frame_init(ks_appear_frame *f, const ks_pdf_rect *crop, int rotate)
{
    f->crop = *crop;
    rotate %= 360;
    if (rotate < 0)
        rotate += 360;
    f->rotate = rotate - rotate % 90;
    double w = crop->x1 - crop->x0, h = crop->y1 - crop->y0;
    bool turned = f->rotate == 90 || f->rotate == 270;
    f->width = turned ? h : w;
    f->height = turned ? w : h;
}

/* One point: visible (u, v) → user (x, y). The page is shown turned clockwise by /Rotate. */
static void pt_to_user(const ks_appear_frame *f, double u, double v, double *x, double *y)
{
    double w = f->crop.x1 - f->crop.x0, h = f->crop.y1 - f->crop.y0, dx, dy;
    switch (f->rotate) {
    case 90:
        dx = w - v;
        dy = u;
        break;
    case 180:
        dx = w - u;
        dy = h - v;
        break;
    case 270:
        dx = v;
        dy = h - u;
        break;
    default:
        dx = u;
        dy = v;
    }
    *x = f->crop.x0 + dx;
    *y = f->crop.y0 + dy;
}

static void pt_to_visible(const ks_appear_frame *f, double x, double y, double *u, double *v)
{
    double w = f->crop.x1 - f->crop.x0, h = f->crop.y1 - f->crop.y0;
    double dx = x - f->crop.x0, dy = y - f->crop.y0;
    switch (f->rotate) {
    case 90:
        *u = dy;
        *v = w - dx;
        break;
    case 180:
        *u = w - dx;
        *v = h - dy;
        break;
    case 270:
        *u = h - dy;
        *v = dx;
        break;
    default:
        *u = dx;
        *v = dy;
    }
}

ks_pdf_rect ks_appear_to_user(const ks_appear_frame *f, ks_pdf_rect r)
{
    double x0, y0, x1, y1;
    pt_to_user(f, r.x0, r.y0, &x0, &y0);
    pt_to_user(f, r.x1, r.y1, &x1, &y1);
    return norm(x0, y0, x1, y1);
}

ks_pdf_rect ks_appear_to_visible(const ks_appear_frame *f, ks_pdf_rect r)
{
    double u0, v0, u1, v1;
    pt_to_visible(f, r.x0, r.y0, &u0, &v0);
    pt_to_visible(f, r.x1, r.y1, &u1, &v1);
    return norm(u0, v0, u1, v1);
}

void ks_appear_matrix(const ks_appear_frame *f, double m[6])
{
    /* Direction of the visible axes in user space: u → (a, b), v → (c, d). */
    static const double mats[4][4] = {{1, 0, 0, 1}, {0, 1, -1, 0}, {-1, 0, 0, -1}, {0, -1, 1, 0}};
    const double *s = mats[(f->rotate / 90) & 3];
    for (int i = 0; i < 4; i++)
        m[i] = s[i];
    m[4] = m[5] = 0;
}

ks_pdf_rect ks_appear_place_personal(const ks_appear_block *b, double img_w, double img_h)
{
    double top = b->title.y0, bottom = b->name.y1;
    double gap = top - bottom;
    double margin = gap * 0.04 > 1.5 ? gap * 0.04 : 1.5;
    double h = gap - 2 * margin;
    if (h < 12)
        h = gap > 12 ? gap : 12; /* a cramped block: use all of it */
    double aspect = img_h > 0 ? img_w / img_h : 1;
    double w = h * aspect;
    /* A very wide image is limited to twice the column width and shrinks in proportion. */
    double col_w = b->column.x1 - b->column.x0;
    if (col_w > 0 && w > 2 * col_w) {
        w = 2 * col_w;
        h = w / aspect;
    }
    double cx = (b->column.x0 + b->column.x1) / 2, cy = (top + bottom) / 2;
    ks_pdf_rect r = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    return r;
}

ks_pdf_rect ks_appear_place_seal(ks_pdf_rect p, double seal_w, double seal_h)
{
    double right = p.x0 + (p.x1 - p.x0) / 3, cy = (p.y0 + p.y1) / 2;
    ks_pdf_rect r = {right - seal_w, cy - seal_h / 2, right, cy + seal_h / 2};
    return r;
}

ks_pdf_rect ks_appear_place_corner(const ks_appear_frame *f, double w, double h)
{
    double right = f->width - 15 * MM, top = f->height - 7 * MM;
    if (w > right)
        w = right;
    ks_pdf_rect r = {right - w, top - h, right, top};
    return r;
}
