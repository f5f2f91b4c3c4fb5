/* docfmt/locate.c — where page 1 carries "Số: …/…" and the place-and-date line, for the signing
 * path that writes the number and date there at issue (requirements §5.1 ordering note). The
 * same search as the parts rules (parts.c): the number line in the left column of the upper
 * half, the date line in the right column with "ngày" and "năm". Part of docfmt/. */
#include <string.h>

#include "internal.h"

static void keep(ks_docfmt_line_at *out, const ks_pdf_text_line *l)
{
    size_t n = strlen(l->text);
    if (n >= sizeof out->text) {
        n = sizeof out->text - 1;
        while (n > 0 && ((unsigned char)l->text[n] & 0xC0) == 0x80)
            n--; /* never cut a UTF-8 sequence */
    }
    memcpy(out->text, l->text, n);
    out->text[n] = 0;
    out->found = true;
    out->box = l->box;
    out->font_size = l->font_size;
    out->bold = l->bold;
}

ks_status ks_docfmt_locate_number_date(ks_pdf_doc *doc, ks_docfmt_line_at *number,
                                       ks_docfmt_line_at *date, ks_error *err)
{
    ks_pdf_text_page *p = NULL;
    memset(number, 0, sizeof *number);
    memset(date, 0, sizeof *date);
    ks_status st = ks_pdf_text_extract(doc, 0, &p, err);
    if (st != KS_OK)
        return st;
    ks_docfmt_area a;
    ks_docfmt_area_of(p, &a);
    double limit = p->crop.y0 + (p->crop.y1 - p->crop.y0) * 0.55;
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.y0 < limit)
            continue;
        if (!number->found && ks_docfmt_is_left(&a, l) &&
            (ks_docfmt_starts(l->text, "số:") || ks_docfmt_starts(l->text, "số :")))
            keep(number, l);
        else if (!date->found && ks_docfmt_is_right(&a, l) && ks_docfmt_contains(l->text, "ngày") &&
                 ks_docfmt_contains(l->text, "năm"))
            keep(date, l);
    }
    /* a blank number ("Số:      /QĐ-UBND") splits the line at the gap: its right part joins */
    for (size_t i = 0; number->found && i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        double dy = l->box.y0 - number->box.y0;
        if (l->box.x0 > number->box.x1 && dy > -1 && dy < 1 && l->text[0] == '/' &&
            ks_docfmt_is_left(&a, l) &&
            strlen(number->text) + 1 + strlen(l->text) < sizeof number->text) {
            strcat(number->text, " ");
            strcat(number->text, l->text);
            number->box.x1 = l->box.x1;
            if (l->box.y1 > number->box.y1)
                number->box.y1 = l->box.y1;
        }
    }
    ks_pdf_text_page_free(p);
    return KS_OK;
}
