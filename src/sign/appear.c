/* The appearance provider of visible signatures (requirements.md §4.1–4.4), called by
 * ks_sign_prepare: chooses the page and rectangle by the rules of each kind, then adds the
 * image XObjects or the embedded font and the appearance form to the update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "appear.h"
#include "kyso/pdfgen.h"

#define MM (72.0 / 25.4)
#define TEXT_SIZE 10.0    /* pt, Times New Roman metrics (§4.3, §4.4) */
#define TEXT_LEADING 12.0 /* pt between baselines */
#define TEXT_MAX_LINES 8

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

/* UTF-8 value of the first `nid` attribute of the subject, malloc'd; NULL if absent. */
static char *cert_attr(X509 *cert, int nid)
{
    if (!cert)
        return NULL;
    X509_NAME *n = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(n, nid, -1);
    if (i < 0)
        return NULL;
    unsigned char *u = NULL;
    int len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
    if (len < 0)
        return NULL;
    char *s = malloc((size_t)len + 1);
    if (s) {
        memcpy(s, u, (size_t)len);
        s[len] = 0;
    }
    OPENSSL_free(u);
    return s;
}

/* The page of opts->page: 0 → `dflt`; KS_SIGN_PAGE_LAST; or a 1-based number. */
static ks_status page_index(long want, size_t count, size_t dflt, size_t *out, ks_error *err)
{
    if (want == 0) {
        *out = dflt;
        return KS_OK;
    }
    if (want == KS_SIGN_PAGE_LAST) {
        *out = count - 1;
        return KS_OK;
    }
    if (want < 1 || (unsigned long)want > count)
        return ks_error_set(err, KS_E_USAGE,
                            N_("page %ld is not in the document, whose pages are 1 to %zu"), want,
                            count);
    *out = (size_t)want - 1;
    return KS_OK;
}

static ks_status page_frame(ks_pdf_doc *doc, size_t index, ks_appear_frame *fr, ks_error *err)
{
    ks_pdf_obj *page = NULL;
    ks_pdf_ref ref;
    ks_pdf_rect media, crop;
    int rotate = 0;
    ks_status st = ks_pdf_page(doc, index, &page, &ref, err);
    if (st == KS_OK)
        st = ks_pdf_page_geometry(doc, page, &media, &crop, &rotate, err);
    if (st == KS_OK)
        ks_appear_frame_init(fr, &crop, rotate);
    return st;
}

/* opts->rect on opts->page: checks that the rectangle (default user space) lies on the
 * page's crop box, so that a visible signature cannot end up where nobody sees it. */
static ks_status rect_on_page(const ks_sign_opts *o, ks_pdf_doc *doc, size_t count, size_t *page,
                              ks_appear_frame *fr, ks_pdf_rect *vis, ks_error *err)
{
    ks_pdf_rect r = o->rect;
    if (!(r.x0 < r.x1) || !(r.y0 < r.y1))
        return ks_error_set(err, KS_E_USAGE, N_("the rectangle [%.2f %.2f %.2f %.2f] has no area"),
                            r.x0, r.y0, r.x1, r.y1);
    ks_status st = page_index(o->page, count, count - 1, page, err);
    if (st == KS_OK)
        st = page_frame(doc, *page, fr, err);
    if (st != KS_OK)
        return st;
    const double tol = 0.5; /* pt */
    const ks_pdf_rect *c = &fr->crop;
    if (r.x0 < c->x0 - tol || r.y0 < c->y0 - tol || r.x1 > c->x1 + tol || r.y1 > c->y1 + tol)
        return ks_error_set(err, KS_E_USAGE,
                            N_("the rectangle [%.2f %.2f %.2f %.2f] is not inside page %zu, "
                               "whose visible area is [%.2f %.2f %.2f %.2f]"),
                            r.x0, r.y0, r.x1, r.y1, *page + 1, c->x0, c->y0, c->x1, c->y1);
    *vis = ks_appear_to_visible(fr, r);
    return KS_OK;
}

/* Adds an image appearance filling `vis` (visible frame of `fr`) and sets the widget. */
static ks_status image_appearance(ks_sign_appearance *app, const ks_pdf_image *img,
                                  const ks_appear_frame *fr, ks_pdf_rect vis, size_t page,
                                  ks_error *err)
{
    ks_status st = KS_OK;
    ks_arena *a = ks_arena_new();
    ks_pdf_gen *g = ks_pdf_gen_new(app->update);
    ks_buf content = KS_BUF_INIT;
    ks_pdf_ref im;
    if (!a || !g) {
        st = nomem(err);
        goto done;
    }
    st = ks_pdf_gen_image(g, img, &im, err);
    if (st != KS_OK)
        goto done;
    double w = vis.x1 - vis.x0, h = vis.y1 - vis.y0, m[6];
    ks_buf_printf(&content, "q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q\n", w, h);
    ks_pdf_obj *res = ks_pdf_new_dict(a), *xo = ks_pdf_new_dict(a);
    if (content.failed || !res || !xo ||
        !ks_pdf_dict_put(a, xo, "Im0", ks_pdf_new_ref(a, im.num, im.gen)) ||
        !ks_pdf_dict_put(a, res, "XObject", xo)) {
        st = nomem(err);
        goto done;
    }
    ks_appear_matrix(fr, m);
    st = ks_appear_put_form(app->update, a, w, h, m, res, &content, &app->ap_normal, err);
    if (st != KS_OK)
        goto done;
    app->page = page;
    app->rect = ks_appear_to_user(fr, vis);
done:
    ks_buf_free(&content);
    ks_pdf_gen_free(g);
    ks_arena_free(a);
    return st;
}

static ks_status load_image(const ks_sign_opts *o, const char *kind, ks_pdf_image **img,
                            ks_error *err)
{
    if (o->image_data)
        return ks_pdf_png_decode(o->image_data, o->image_len,
                                 o->image_path ? o->image_path : "image", img, err);
    if (!o->image_path)
        return ks_error_set(err, KS_E_USAGE, N_("a %s signature needs a signature image (PNG)"),
                            kind);
    return ks_pdf_png_load(o->image_path, img, err);
}

static ks_status personal(ks_sign_appearance *app, ks_error *err)
{
    const ks_sign_opts *o = app->opts;
    ks_status st;
    ks_pdf_image *img = NULL;
    char *title = NULL, *name = NULL;
    ks_pdf_text_page *tp = NULL;
    size_t count = 0, page = 0;
    ks_appear_frame fr;
    ks_pdf_rect vis;

    st = load_image(o, "personal", &img, err);
    if (st != KS_OK)
        goto done;
    st = ks_pdf_page_count(app->doc, &count, err);
    if (st != KS_OK)
        goto done;
    if (count == 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the document has no pages"));
        goto done;
    }
    if (o->has_rect) {
        st = rect_on_page(o, app->doc, count, &page, &fr, &vis, err);
        if (st != KS_OK)
            goto done;
        st = image_appearance(app, img, &fr, vis, page, err);
        goto done;
    }

    title = o->title ? strdup(o->title) : cert_attr(app->cert, NID_title);
    name = o->name ? strdup(o->name) : cert_attr(app->cert, NID_commonName);
    if (!title || !name) {
        if (!title)
            st =
                ks_error_set(err, KS_E_USAGE,
                             N_("cannot place the personal signature: the certificate has no "
                                "title (2.5.4.12); give the title and name lines, or a rectangle"));
        else
            st = ks_error_set(err, KS_E_USAGE,
                              N_("cannot place the personal signature: the certificate has no "
                                 "common name; give the title and name lines, or a rectangle"));
        goto done;
    }
    size_t first = 0, last = count - 1;
    if (o->page) {
        st = page_index(o->page, count, 0, &first, err);
        if (st != KS_OK)
            goto done;
        last = first;
    }
    bool found = false;
    ks_appear_block blk;
    for (size_t i = last + 1; i-- > first && !found;) {
        st = page_frame(app->doc, i, &fr, err);
        if (st == KS_OK) {
            st = ks_pdf_text_extract(app->doc, i, &tp, err);
            if (st == KS_E_FORMAT || st == KS_E_LIMIT) {
                /* A page whose text cannot be read holds no block we can find: look on. */
                ks_error_clear(err);
                st = KS_OK;
                continue;
            }
        }
        if (st != KS_OK)
            goto done;
        found = ks_appear_find_block(tp->lines, tp->count, &fr, title, name, &blk);
        ks_pdf_text_page_free(tp);
        tp = NULL;
        page = i;
    }
    if (!found) {
        if (o->page)
            st = ks_error_set(err, KS_E_USAGE,
                              N_("signature block not found on page %zu: no line with the name "
                                 "\"%s\" below a title line \"%s\" (give the title and name "
                                 "lines, or a rectangle)"),
                              first + 1, name, title);
        else
            st = ks_error_set(err, KS_E_USAGE,
                              N_("signature block not found on any of the %zu pages: no line "
                                 "with the name \"%s\" below a title line \"%s\" (give the "
                                 "title and name lines, or a rectangle)"),
                              count, name, title);
        goto done;
    }
    vis = ks_appear_place_personal(&blk, img->width, img->height);
    st = image_appearance(app, img, &fr, vis, page, err);

done:
    ks_pdf_text_page_free(tp);
    free(title);
    free(name);
    ks_pdf_image_free(img);
    return st;
}

static ks_status organization(ks_sign_appearance *app, ks_error *err)
{
    const ks_sign_opts *o = app->opts;
    ks_pdf_image *img = NULL;
    size_t count = 0, page = 0;
    ks_appear_frame fr;
    ks_status st = load_image(o, "organization", &img, err);
    if (st == KS_OK)
        st = ks_pdf_page_count(app->doc, &count, err);
    if (st != KS_OK)
        goto done;
    if (count == 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("the document has no pages"));
        goto done;
    }

    double w_mm, h_mm;
    if (o->seal_mm != 0) {
        double d = o->seal_mm;
        if (!(d >= 5 && d <= 200)) {
            st = ks_error_set(err, KS_E_USAGE,
                              N_("the seal diameter %.1f mm is not from 5 to 200 millimetres"), d);
            goto done;
        }
        w_mm = d;
        h_mm = d * img->height / img->width;
    } else if (!ks_pdf_image_size_mm(img, &w_mm, &h_mm)) {
        st = ks_error_set(err, KS_E_USAGE,
                          N_("the seal image \"%s\" does not record its physical size (PNG "
                             "pHYs): give the seal's diameter"),
                          o->image_path ? o->image_path : "image");
        goto done;
    }

    ks_pdf_rect vis;
    if (o->has_rect) {
        st = rect_on_page(o, app->doc, count, &page, &fr, &vis, err);
        if (st != KS_OK)
            goto done;
    } else {
        bool found = false;
        ks_pdf_rect pr;
        st = ks_appear_last_signature(app->doc, &page, &pr, &found, err);
        if (st != KS_OK)
            goto done;
        if (!found) {
            st = ks_error_set(err, KS_E_USAGE,
                              N_("no visible signature in the file to place the seal on: sign "
                                 "as the competent person (kind personal) first, or give a "
                                 "rectangle"));
            goto done;
        }
        st = page_frame(app->doc, page, &fr, err);
        if (st != KS_OK)
            goto done;
        vis = ks_appear_place_seal(ks_appear_to_visible(&fr, pr), w_mm * MM, h_mm * MM);
    }
    st = image_appearance(app, img, &fr, vis, page, err);
done:
    ks_pdf_image_free(img);
    return st;
}

/* Breaks `text` at spaces into lines no wider than `max_w` (a longer word stays whole). */
static ks_status wrap(ks_pdf_font *f, const char *text, double max_w, char **lines, size_t *n,
                      ks_error *err)
{
    ks_buf cur = KS_BUF_INIT;
    ks_status st = KS_OK;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e == p)
            break;
        size_t keep = cur.len;
        if (cur.len)
            ks_buf_putc(&cur, ' ');
        ks_buf_append(&cur, p, (size_t)(e - p));
        if (cur.failed) {
            st = nomem(err);
            goto done;
        }
        double w;
        st = ks_pdf_font_show(f, (char *)cur.data, TEXT_SIZE, NULL, &w, err);
        if (st != KS_OK)
            goto done;
        if (w > max_w && keep > 0) {
            if (*n >= TEXT_MAX_LINES) {
                st = ks_error_set(err, KS_E_USAGE, N_("text \"%s\" is too long for the box"), text);
                goto done;
            }
            lines[(*n)++] = strndup((char *)cur.data, keep);
            cur.len = 0;
            ks_buf_append(&cur, p, (size_t)(e - p));
        }
        p = e;
    }
    if (cur.len) {
        if (*n >= TEXT_MAX_LINES) {
            st = ks_error_set(err, KS_E_USAGE, N_("text \"%s\" is too long for the box"), text);
            goto done;
        }
        lines[(*n)++] = strndup((char *)cur.data, cur.len);
    }
    for (size_t i = 0; i < *n; i++)
        if (!lines[i])
            st = nomem(err);
done:
    ks_buf_free(&cur);
    return st;
}

static ks_status text_appearance(ks_sign_appearance *app, const char *const *items, size_t n_items,
                                 ks_error *err)
{
    const ks_sign_opts *o = app->opts;
    ks_status st;
    ks_pdf_font *f = NULL;
    ks_arena *a = NULL;
    char *lines[TEXT_MAX_LINES] = {0};
    size_t n = 0, count = 0, page = 0;
    ks_buf content = KS_BUF_INIT;
    ks_appear_frame fr;

    st = ks_pdf_page_count(app->doc, &count, err);
    if (st == KS_OK && count == 0)
        st = ks_error_set(err, KS_E_FORMAT, N_("the document has no pages"));
    if (st == KS_OK)
        st = page_index(o->page, count, 0, &page, err);
    if (st == KS_OK)
        st = page_frame(app->doc, page, &fr, err);
    if (st == KS_OK)
        st = ks_pdf_font_open(NULL, &f, err);
    if (st != KS_OK)
        goto done;
    double max_w = fr.width * 0.45;
    for (size_t i = 0; i < n_items && st == KS_OK; i++)
        st = wrap(f, items[i], max_w, lines, &n, err);
    if (st != KS_OK)
        goto done;

    double widths[TEXT_MAX_LINES], box_w = 0, asc, desc;
    for (size_t i = 0; i < n; i++) {
        st = ks_pdf_font_show(f, lines[i], TEXT_SIZE, NULL, &widths[i], err);
        if (st != KS_OK)
            goto done;
        if (widths[i] > box_w)
            box_w = widths[i];
    }
    ks_pdf_font_metrics(f, &asc, &desc, NULL);
    box_w += 1; /* room for glyph overhang */
    double box_h = (double)(n - 1) * TEXT_LEADING + (asc - desc) * TEXT_SIZE;
    ks_pdf_rect vis = ks_appear_place_corner(&fr, box_w, box_h);

    /* Right-aligned lines, black, 10 pt. */
    ks_buf_printf(&content, "BT\n0 g\n/F1 %.0f Tf\n", TEXT_SIZE);
    for (size_t i = 0; i < n; i++) {
        double y = box_h - asc * TEXT_SIZE - (double)i * TEXT_LEADING;
        ks_buf_printf(&content, "1 0 0 1 %.3f %.3f Tm\n", box_w - 0.5 - widths[i], y);
        st = ks_pdf_font_show(f, lines[i], TEXT_SIZE, &content, NULL, err);
        if (st != KS_OK)
            goto done;
    }
    ks_buf_puts(&content, "ET\n");

    ks_pdf_ref font;
    st = ks_pdf_font_embed(f, app->update, &font, err);
    if (st != KS_OK)
        goto done;
    a = ks_arena_new();
    ks_pdf_obj *res = a ? ks_pdf_new_dict(a) : NULL, *fd = a ? ks_pdf_new_dict(a) : NULL;
    if (content.failed || !res || !fd ||
        !ks_pdf_dict_put(a, fd, "F1", ks_pdf_new_ref(a, font.num, font.gen)) ||
        !ks_pdf_dict_put(a, res, "Font", fd)) {
        st = nomem(err);
        goto done;
    }
    double m[6];
    ks_appear_matrix(&fr, m);
    st = ks_appear_put_form(app->update, a, box_w, box_h, m, res, &content, &app->ap_normal, err);
    if (st != KS_OK)
        goto done;
    app->page = page;
    app->rect = ks_appear_to_user(&fr, vis);
done:
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    ks_buf_free(&content);
    ks_arena_free(a);
    ks_pdf_font_free(f);
    return st;
}

static ks_status copy_or_attachment(ks_sign_appearance *app, const ks_appear_extra *x,
                                    ks_error *err)
{
    const ks_sign_opts *o = app->opts;
    char when[32];
    char *org = NULL;
    ks_status st;
    if ((x && x->time_label) || o->time_label)
        ks_time_label_vn(app->signing_time, when);
    else
        ks_time_iso_vn(app->signing_time, when);

    if (o->kind == KS_SIGN_ATTACHMENT) {
        if (!o->doc_number)
            return ks_error_set(err, KS_E_USAGE,
                                N_("an attachment signature needs the document's number and "
                                   "symbol"));
        if (!ks_appear_docnum_valid(o->doc_number))
            return ks_error_set(err, KS_E_USAGE,
                                N_("the document number \"%s\" is not a number and symbol like "
                                   "\"123/QĐ-UBND\""),
                                o->doc_number);
        const char *items[2] = {o->doc_number, when};
        return text_appearance(app, items, 2, err);
    }
    const char *form = o->copy_form ? o->copy_form : "SAO Y";
    if (strcmp(form, "SAO Y") && strcmp(form, "SAO LỤC") && strcmp(form, "TRÍCH SAO"))
        return ks_error_set(
            err, KS_E_USAGE,
            N_("the copy form \"%s\" is not \"SAO Y\", \"SAO LỤC\" or \"TRÍCH SAO\""), form);
    if (o->org_name)
        org = strdup(o->org_name);
    else if (!(org = cert_attr(app->cert, NID_organizationName)))
        org = cert_attr(app->cert, NID_commonName);
    if (!org)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a copy signature needs the copying organisation's name (the "
                               "certificate names no organisation)"));
    const char *items[3] = {form, org, when};
    st = text_appearance(app, items, 3, err);
    free(org);
    return st;
}

ks_status ks_sign_appear(void *user, ks_sign_appearance *app, ks_error *err)
{
    switch (app->opts->kind) {
    case KS_SIGN_PERSONAL:
        return personal(app, err);
    case KS_SIGN_ORGANIZATION:
        return organization(app, err);
    case KS_SIGN_COPY:
    case KS_SIGN_ATTACHMENT:
        return copy_or_attachment(app, user, err);
    default:
        return KS_OK;
    }
}
