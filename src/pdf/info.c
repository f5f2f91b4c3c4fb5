/* pdf/info.c — the model behind `kyso pdf info` (ks_pdf_info) and its JSON form
 * (docs/pdf-info-json.md): version, pages and sizes, revisions, encryption, producer and the
 * signature fields with the revision each one covers. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *xref_kind_name(ks_pdf_xref_kind k)
{
    switch (k) {
    case KS_PDF_XREF_TABLE:
        return "table";
    case KS_PDF_XREF_STREAM:
        return "stream";
    case KS_PDF_XREF_HYBRID:
        return "hybrid";
    default:
        return "rebuilt";
    }
}

/* Info dictionary string as UTF-8 (malloc'd) or NULL. Invalid UTF-8 never reaches output. */
static char *info_string(ks_pdf_doc *doc, const char *key)
{
    ks_pdf_obj *info = ks_pdf_dict_getr(doc, ks_pdf_trailer(doc), "Info");
    char *s = ks_pdf_string_utf8(ks_pdf_dict_getr(doc, info, key));
    if (s && !ks_utf8_valid(s, strlen(s))) {
        free(s);
        s = NULL;
    }
    return s;
}

/* Index of the revision whose %%EOF ends exactly where the signed range ends, or -1. */
static long covered_revision(ks_pdf_doc *doc, const ks_pdf_sig_field *f)
{
    if (!f->has_byte_range)
        return -1;
    uint64_t end = (uint64_t)f->byte_range[2] + (uint64_t)f->byte_range[3];
    for (size_t i = 0; i < ks_pdf_revision_count(doc); i++) {
        const ks_pdf_revision *r = ks_pdf_revision_at(doc, i);
        /* A signed range may end before or after the EOL that follows %%EOF. */
        if (r->eof_end == end || (r->eof_end > end && r->eof_end - end <= 2))
            return (long)i;
    }
    return -1;
}

ks_status ks_pdf_info_get(ks_pdf_doc *doc, ks_pdf_info *out, ks_error *err)
{
    memset(out, 0, sizeof *out);
    ks_pdf_data(doc, &out->size);
    out->version = ks_pdf_header_version(doc);
    out->catalog_version = ks_pdf_catalog_version(doc);
    out->repaired = ks_pdf_was_repaired(doc);
    ks_pdf_get_encryption(doc, &out->encryption);
    ks_status st = ks_pdf_page_count(doc, &out->npages, err);
    if (st != KS_OK)
        return st;
    out->pages = calloc(out->npages + 1, sizeof *out->pages);
    if (!out->pages)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    for (size_t i = 0; i < out->npages; i++) {
        ks_pdf_obj *page;
        ks_pdf_rect media, crop;
        if ((st = ks_pdf_page(doc, i, &page, NULL, err)) != KS_OK ||
            (st = ks_pdf_page_geometry(doc, page, &media, &crop, &out->pages[i].rotate, err)) !=
                KS_OK) {
            ks_pdf_info_free(out);
            return st;
        }
        out->pages[i].width_pt = crop.x1 - crop.x0;
        out->pages[i].height_pt = crop.y1 - crop.y0;
    }
    ks_pdf_sig_field *sf = NULL;
    size_t nsf = 0;
    if ((st = ks_pdf_sig_fields(doc, &sf, &nsf, err)) != KS_OK) {
        ks_pdf_info_free(out);
        return st;
    }
    out->fields = calloc(nsf + 1, sizeof *out->fields);
    if (!out->fields) {
        free(sf);
        ks_pdf_info_free(out);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    for (size_t i = 0; i < nsf; i++)
        out->fields[i] = (ks_pdf_info_field){sf[i], covered_revision(doc, &sf[i])};
    out->nfields = nsf;
    free(sf);
    out->producer = info_string(doc, "Producer");
    out->creator = info_string(doc, "Creator");
    out->title = info_string(doc, "Title");
    return KS_OK;
}

void ks_pdf_info_free(ks_pdf_info *info)
{
    if (!info)
        return;
    free(info->pages);
    free(info->fields);
    free(info->producer);
    free(info->creator);
    free(info->title);
    memset(info, 0, sizeof *info);
}

static double mm(double pt)
{
    return pt * 25.4 / 72.0;
}

bool ks_pdf_info_json(ks_pdf_doc *doc, const ks_pdf_info *in, const char *name, ks_buf *b)
{
    ks_buf_puts(b, "{\"file\": ");
    ks_buf_json_str(b, name);
    ks_buf_printf(b, ", \"size\": %zu, \"version\": ", in->size);
    ks_buf_json_str(b, in->version);
    ks_buf_puts(b, ", \"catalog_version\": ");
    ks_buf_json_str(b, in->catalog_version);
    ks_buf_printf(b, ", \"repaired\": %s, \"warnings\": [", in->repaired ? "true" : "false");
    for (size_t i = 0; i < ks_pdf_warning_count(doc); i++) {
        if (i)
            ks_buf_puts(b, ", ");
        ks_buf_json_str(b, ks_pdf_warning(doc, i)->msg_en);
    }
    ks_buf_puts(b, "]");
    ks_buf_printf(b, ", \"page_count\": %zu, \"pages\": [", in->npages);
    for (size_t i = 0; i < in->npages; i++) {
        const ks_pdf_page_info *p = &in->pages[i];
        ks_buf_printf(b,
                      "%s{\"page\": %zu, \"width_pt\": %.2f, \"height_pt\": %.2f, \"width_mm\": "
                      "%.1f, \"height_mm\": %.1f, \"rotate\": %d}",
                      i ? ", " : "", i + 1, p->width_pt, p->height_pt, mm(p->width_pt),
                      mm(p->height_pt), p->rotate);
    }
    ks_buf_puts(b, "], \"revisions\": [");
    for (size_t i = 0; i < ks_pdf_revision_count(doc); i++) {
        const ks_pdf_revision *r = ks_pdf_revision_at(doc, i);
        ks_buf_printf(b,
                      "%s{\"index\": %zu, \"startxref\": %llu, \"eof_end\": %llu, \"xref\": "
                      "\"%s\", \"objects\": %u}",
                      i ? ", " : "", i, (unsigned long long)r->startxref,
                      (unsigned long long)r->eof_end, xref_kind_name(r->kind), r->objects);
    }
    const ks_pdf_encryption *enc = &in->encryption;
    ks_buf_printf(b, "], \"encryption\": {\"encrypted\": %s", enc->encrypted ? "true" : "false");
    if (enc->encrypted)
        ks_buf_printf(b,
                      ", \"method\": \"%s\", \"v\": %d, \"r\": %d, \"length_bits\": %d, \"p\": "
                      "%lld, \"user_password_empty\": %s",
                      enc->method, enc->v, enc->r, enc->length_bits, (long long)enc->p,
                      enc->user_password_empty ? "true" : "false");
    ks_buf_puts(b, "}");
    const char *vals[] = {in->producer, in->creator, in->title};
    static const char *jkeys[] = {"producer", "creator", "title"};
    for (int k = 0; k < 3; k++) {
        ks_buf_printf(b, ", \"%s\": ", jkeys[k]);
        ks_buf_json_str(b, vals[k]);
    }
    ks_buf_puts(b, ", \"signature_fields\": [");
    for (size_t i = 0; i < in->nfields; i++) {
        const ks_pdf_sig_field *f = &in->fields[i].f;
        ks_buf_puts(b, i ? ", {\"name\": " : "{\"name\": ");
        ks_buf_json_str(b, f->name);
        ks_buf_printf(b, ", \"signed\": %s, \"type\": ", f->value ? "true" : "false");
        ks_buf_json_str(b, f->type);
        ks_buf_puts(b, ", \"subfilter\": ");
        ks_buf_json_str(b, f->subfilter);
        ks_buf_puts(b, ", \"byte_range\": ");
        if (f->has_byte_range)
            ks_buf_printf(b, "[%lld, %lld, %lld, %lld]", (long long)f->byte_range[0],
                          (long long)f->byte_range[1], (long long)f->byte_range[2],
                          (long long)f->byte_range[3]);
        else
            ks_buf_puts(b, "null");
        long cr = in->fields[i].covers_revision;
        if (cr >= 0)
            ks_buf_printf(b, ", \"covers_revision\": %ld}", cr);
        else
            ks_buf_puts(b, ", \"covers_revision\": null}");
    }
    ks_buf_puts(b, "]}\n");
    return !b->failed;
}
