/* sign/numfields_fill.c — the clerk's step at issue: the number and date fields get their values
 * and appearances (Liberation Serif, Times New Roman metrics) in an incremental update, which an
 * approval signature that leaves them open allows as form filling (kyso/numfields.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kyso/pdfgen.h"
#include "numfields_internal.h"
#include "sign_internal.h"

#include "appear.h"

static ks_status nomem(ks_error *err)
{
    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

bool ks_numfields_date_line(const char *place, int year, int month, int day, char *out, size_t len)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > mdays[month - 1] ||
        (month == 2 && day == 29 && (year % 4 || (year % 100 == 0 && year % 400))))
        return false;
    int n = snprintf(out, len, "%s%sngày %02d tháng %s%d năm %d", place ? place : "",
                     place && *place ? ", " : "", day, month < 3 ? "0" : "", month, year);
    return n > 0 && (size_t)n < len;
}

/* The place of the draft's date line ("Hải Phòng, ngày … năm 2026" → "Hải Phòng"). */
static void place_of(const char *line, char *out, size_t len)
{
    const char *c = line ? strchr(line, ',') : NULL;
    size_t n = c ? (size_t)(c - line) : 0;
    if (n >= len)
        n = 0;
    memcpy(out, line, n);
    out[n] = 0;
}

static const char *italic_path(char *buf, size_t len)
{
    const char *reg = ks_pdf_font_default_path();
    const char *at = strstr(reg, "Regular");
    struct stat s;
    if (!at ||
        (size_t)snprintf(buf, len, "%.*sItalic%s", (int)(at - reg), reg, at + strlen("Regular")) >=
            len ||
        stat(buf, &s) != 0)
        return NULL;
    return buf;
}

typedef struct fill_one {
    double w, h, size, text_w;
    ks_buf ops;
    char value[600];
} fill_one;

static bool rect_of(ks_pdf_doc *d, ks_pdf_obj *f, double *w, double *h)
{
    ks_pdf_obj *r = ks_pdf_dict_getr(d, f, "Rect");
    double v[4];
    if (!r || r->type != KS_PDF_ARRAY || r->u.arr.len != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (!ks_pdf_get_num(ks_pdf_resolve(d, r->u.arr.items[i], NULL), &v[i]))
            return false;
    *w = v[2] > v[0] ? v[2] - v[0] : v[0] - v[2];
    *h = v[3] > v[1] ? v[3] - v[1] : v[1] - v[3];
    return *w > 0 && *h > 0;
}

/* The appearance stream of one field: a white ground over the draft line and the value centred
 * on the draft line's baseline. */
static ks_status put_ap(ks_pdf_update *u, ks_arena *a, uint32_t num, const fill_one *f,
                        ks_pdf_ref font, ks_error *err)
{
    ks_buf c = KS_BUF_INIT;
    double x = f->text_w < f->w ? (f->w - f->text_w) / 2 : 0;
    ks_buf_printf(&c,
                  "/Tx BMC\nq\n1 1 1 rg 0 0 %.2f %.2f re f\nBT\n/F1 %.2f Tf 0 g\n%.2f %.2f Td\n",
                  f->w, f->h, f->size, x, KS_NUMFIELD_BELOW * f->size);
    ks_buf_append(&c, f->ops.data, f->ops.len);
    ks_buf_puts(&c, "\nET\nQ\nEMC\n");
    ks_pdf_obj *d = ks_pdf_new_dict(a), *res = ks_pdf_new_dict(a), *fonts = ks_pdf_new_dict(a);
    ks_pdf_obj *bb = ks_pdf_new_array(a);
    bool ok = !c.failed && d && res && fonts && bb &&
              ks_pdf_array_push(a, bb, ks_pdf_new_int(a, 0)) &&
              ks_pdf_array_push(a, bb, ks_pdf_new_int(a, 0)) &&
              ks_pdf_array_push(a, bb, ks_pdf_new_real(a, f->w)) &&
              ks_pdf_array_push(a, bb, ks_pdf_new_real(a, f->h)) &&
              ks_pdf_dict_put(a, fonts, "F1", ks_pdf_new_ref(a, font.num, font.gen)) &&
              ks_pdf_dict_put(a, res, "Font", fonts) &&
              ks_pdf_dict_put(a, d, "Type", ks_pdf_new_name(a, "XObject")) &&
              ks_pdf_dict_put(a, d, "Subtype", ks_pdf_new_name(a, "Form")) &&
              ks_pdf_dict_put(a, d, "BBox", bb) && ks_pdf_dict_put(a, d, "Resources", res);
    ks_status st = ok ? ks_pdf_update_put_stream(u, num, 0, d, c.data, c.len, err) : nomem(err);
    ks_buf_free(&c);
    return st;
}

ks_status ks_numfields_fill(const uint8_t *in, size_t len, const char *name,
                            const char *number_symbol, int year, int month, int day, uint8_t **out,
                            size_t *out_len, ks_error *err)
{
    ks_pdf_doc *doc = NULL;
    ks_pdf_update *u = NULL;
    ks_pdf_font *fonts[2] = {NULL, NULL};
    fill_one one[2] = {{0, 0, 0, 0, KS_BUF_INIT, ""}, {0, 0, 0, 0, KS_BUF_INIT, ""}};
    ks_numfield_found f[2];
    char ipath[1024], place[256];
    *out = NULL;
    *out_len = 0;
    if (!number_symbol || !ks_appear_docnum_valid(number_symbol))
        return ks_error_set(err, KS_E_USAGE,
                            N_("\"%s\" is not a document number and symbol like \"05/QĐ-UBND\""),
                            number_symbol ? number_symbol : "");
    ks_status st = ks_pdf_open_mem(in, len, name, NULL, &doc, err);
    if (st != KS_OK || (st = ks_numfields_find(doc, f, NULL, err)) != KS_OK)
        goto done;
    for (int i = 0; i < 2; i++) {
        ks_pdf_obj *v = f[i].found ? ks_pdf_dict_getr(doc, f[i].dict, "V") : NULL;
        if (!f[i].found) {
            st = ks_error_set(err, KS_E_STATE,
                              N_("\"%s\" has no field \"%s\" for the number and date (it must be "
                                 "added before the personal signature)"),
                              name, ks_numfield_names[i]);
            goto done;
        }
        if (v && v->type == KS_PDF_STRING && v->u.str.len > 0) {
            st = ks_error_set(err, KS_E_STATE, N_("the field \"%s\" of \"%s\" is filled already"),
                              ks_numfield_names[i], name);
            goto done;
        }
        char *da = ks_pdf_string_utf8(ks_pdf_dict_getr(doc, f[i].dict, "DA"));
        if (!da || sscanf(da, "/KysoSerif %lf Tf", &one[i].size) != 1 || one[i].size < 4 ||
            one[i].size > 72)
            one[i].size = 13;
        free(da);
        if (!rect_of(doc, f[i].dict, &one[i].w, &one[i].h)) {
            st = ks_error_set(err, KS_E_FORMAT, N_("the field \"%s\" of \"%s\" has no rectangle"),
                              ks_numfield_names[i], name);
            goto done;
        }
    }
    char *dv = ks_pdf_string_utf8(ks_pdf_dict_getr(doc, f[1].dict, "DV"));
    place_of(dv, place, sizeof place);
    free(dv);
    snprintf(one[0].value, sizeof one[0].value, "Số: %s", number_symbol);
    if (!ks_numfields_date_line(place, year, month, day, one[1].value, sizeof one[1].value)) {
        st = ks_error_set(err, KS_E_USAGE, N_("%04d-%02d-%02d is not a date"), year, month, day);
        goto done;
    }
    if ((st = ks_pdf_font_open(NULL, &fonts[0], err)) != KS_OK ||
        (st = ks_pdf_font_open(italic_path(ipath, sizeof ipath), &fonts[1], err)) != KS_OK)
        goto done;
    for (int i = 0; i < 2; i++)
        if ((st = ks_pdf_font_show(fonts[i], one[i].value, one[i].size, &one[i].ops, &one[i].text_w,
                                   err)) != KS_OK)
            goto done;
    if ((st = ks_pdf_update_new(doc, &u, err)) != KS_OK)
        goto done;
    ks_arena *a = ks_pdf_arena(doc);
    for (int i = 0; i < 2; i++) {
        ks_pdf_ref font;
        uint32_t ap = ks_pdf_update_alloc(u);
        if ((st = ks_pdf_font_embed(fonts[i], u, &font, err)) != KS_OK ||
            (st = put_ap(u, a, ap, &one[i], font, err)) != KS_OK)
            goto done;
        ks_pdf_obj *nf = ks_pdf_copy(a, f[i].dict), *apn = ks_pdf_new_dict(a);
        if (!nf || !apn || !ks_pdf_dict_put(a, apn, "N", ks_pdf_new_ref(a, ap, 0)) ||
            !ks_pdf_dict_put(a, nf, "AP", apn) ||
            !ks_pdf_dict_put(a, nf, "V", ks_numfield_text(a, one[i].value))) {
            st = nomem(err);
            goto done;
        }
        if ((st = ks_pdf_update_put(u, f[i].ref.num, f[i].ref.gen, nf, err)) != KS_OK)
            goto done;
    }
    st = ks_numfield_append(in, len, u, out, out_len, err);
done:
    for (int i = 0; i < 2; i++) {
        ks_buf_free(&one[i].ops);
        ks_pdf_font_free(fonts[i]);
    }
    ks_pdf_update_free(u);
    ks_pdf_close(doc);
    return st;
}
