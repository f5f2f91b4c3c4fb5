/* cli/cli_pdf.c — `kyso pdf info FILE [--json]`: version, pages and sizes, revisions, encryption,
 * producer and signature fields of a PDF, in Vietnamese (default), English or JSON
 * (docs/pdf-info-json.md). `kyso pdf text` is dispatched to cli_pdf_text.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/pdf.h"

static void json_str(FILE *f, const char *s)
{
    ks_buf b = KS_BUF_INIT;
    if (ks_buf_json_str(&b, s))
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
}

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

/* The xref kind as a phrase for people (translated by the caller). */
static const char *xref_kind_phrase(ks_pdf_xref_kind k)
{
    switch (k) {
    case KS_PDF_XREF_TABLE:
        return N_("xref table");
    case KS_PDF_XREF_STREAM:
        return N_("xref stream");
    case KS_PDF_XREF_HYBRID:
        return N_("hybrid xref (table + /XRefStm)");
    default:
        return N_("xref rebuilt by repair");
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

typedef struct page_info {
    double w_pt, h_pt;
    int rotate;
} page_info;

static double mm(double pt)
{
    return pt * 25.4 / 72.0;
}

static int print_json(ks_pdf_doc *doc, const char *path, page_info *pi, size_t npages,
                      ks_pdf_sig_field *sf, size_t nsf)
{
    FILE *f = stdout;
    size_t len;
    ks_pdf_data(doc, &len);
    fputs("{\"file\": ", f);
    json_str(f, path);
    fprintf(f, ", \"size\": %zu, \"version\": ", len);
    json_str(f, ks_pdf_header_version(doc));
    fputs(", \"catalog_version\": ", f);
    json_str(f, ks_pdf_catalog_version(doc));
    fprintf(f, ", \"repaired\": %s, \"warnings\": [", ks_pdf_was_repaired(doc) ? "true" : "false");
    for (size_t i = 0; i < ks_pdf_warning_count(doc); i++) {
        if (i)
            fputs(", ", f);
        json_str(f, ks_pdf_warning(doc, i)->msg_en);
    }
    fputs("]", f);
    fprintf(f, ", \"page_count\": %zu, \"pages\": [", npages);
    for (size_t i = 0; i < npages; i++) {
        fprintf(f,
                "%s{\"page\": %zu, \"width_pt\": %.2f, \"height_pt\": %.2f, \"width_mm\": %.1f, "
                "\"height_mm\": %.1f, \"rotate\": %d}",
                i ? ", " : "", i + 1, pi[i].w_pt, pi[i].h_pt, mm(pi[i].w_pt), mm(pi[i].h_pt),
                pi[i].rotate);
    }
    fputs("], \"revisions\": [", f);
    for (size_t i = 0; i < ks_pdf_revision_count(doc); i++) {
        const ks_pdf_revision *r = ks_pdf_revision_at(doc, i);
        fprintf(f,
                "%s{\"index\": %zu, \"startxref\": %llu, \"eof_end\": %llu, \"xref\": \"%s\", "
                "\"objects\": %u}",
                i ? ", " : "", i, (unsigned long long)r->startxref, (unsigned long long)r->eof_end,
                xref_kind_name(r->kind), r->objects);
    }
    ks_pdf_encryption enc;
    ks_pdf_get_encryption(doc, &enc);
    fprintf(f, "], \"encryption\": {\"encrypted\": %s", enc.encrypted ? "true" : "false");
    if (enc.encrypted)
        fprintf(f,
                ", \"method\": \"%s\", \"v\": %d, \"r\": %d, \"length_bits\": %d, \"p\": %lld, "
                "\"user_password_empty\": %s",
                enc.method, enc.v, enc.r, enc.length_bits, (long long)enc.p,
                enc.user_password_empty ? "true" : "false");
    fputs("}", f);
    static const char *keys[] = {"Producer", "Creator", "Title"};
    static const char *jkeys[] = {"producer", "creator", "title"};
    for (int k = 0; k < 3; k++) {
        char *s = info_string(doc, keys[k]);
        fprintf(f, ", \"%s\": ", jkeys[k]);
        json_str(f, s);
        free(s);
    }
    fputs(", \"signature_fields\": [", f);
    for (size_t i = 0; i < nsf; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        json_str(f, sf[i].name);
        fprintf(f, ", \"signed\": %s, \"type\": ", sf[i].value ? "true" : "false");
        json_str(f, sf[i].type);
        fputs(", \"subfilter\": ", f);
        json_str(f, sf[i].subfilter);
        fputs(", \"byte_range\": ", f);
        if (sf[i].has_byte_range)
            fprintf(f, "[%lld, %lld, %lld, %lld]", (long long)sf[i].byte_range[0],
                    (long long)sf[i].byte_range[1], (long long)sf[i].byte_range[2],
                    (long long)sf[i].byte_range[3]);
        else
            fputs("null", f);
        long cr = covered_revision(doc, &sf[i]);
        if (cr >= 0)
            fprintf(f, ", \"covers_revision\": %ld}", cr);
        else
            fputs(", \"covers_revision\": null}", f);
    }
    fputs("]}\n", f);
    return KS_EXIT_OK;
}

static int print_human(ks_pdf_doc *doc, const char *path, page_info *pi, size_t npages,
                       ks_pdf_sig_field *sf, size_t nsf)
{
    FILE *f = stdout;
    size_t len;
    ks_pdf_data(doc, &len);
    fprintf(f, ks_tr(N_("File: %s (%zu bytes)\n")), path, len);
    const char *cv = ks_pdf_catalog_version(doc);
    if (cv)
        fprintf(f, ks_tr(N_("PDF version: %s (catalog /Version %s)\n")), ks_pdf_header_version(doc),
                cv);
    else
        fprintf(f, ks_tr(N_("PDF version: %s\n")), ks_pdf_header_version(doc));
    if (ks_pdf_was_repaired(doc))
        fprintf(f, "%s\n", ks_tr(N_("Warning: the file is damaged; its structure was rebuilt")));
    size_t nw = ks_pdf_warning_count(doc);
    if (nw) {
        fprintf(f, ks_tr(N_("Warnings: %zu\n")), nw);
        for (size_t i = 0; i < nw; i++)
            fprintf(f, "  %s\n", ks_pdf_warning(doc, i)->msg);
    }
    fprintf(f, ks_tr(N_("Pages: %zu\n")), npages);
    for (size_t i = 0; i < npages;) {
        size_t j = i + 1;
        while (j < npages && pi[j].w_pt == pi[i].w_pt && pi[j].h_pt == pi[i].h_pt &&
               pi[j].rotate == pi[i].rotate)
            j++;
        if (j - i == 1)
            fprintf(f, ks_tr(N_("  page %zu: %.2f x %.2f pt (%.1f x %.1f mm)")), i + 1, pi[i].w_pt,
                    pi[i].h_pt, mm(pi[i].w_pt), mm(pi[i].h_pt));
        else
            fprintf(f, ks_tr(N_("  pages %zu-%zu: %.2f x %.2f pt (%.1f x %.1f mm)")), i + 1, j,
                    pi[i].w_pt, pi[i].h_pt, mm(pi[i].w_pt), mm(pi[i].h_pt));
        if (pi[i].rotate)
            fprintf(f, ks_tr(N_(", rotated %d°")), pi[i].rotate);
        fputc('\n', f);
        i = j;
    }
    fprintf(f, ks_tr(N_("Revisions: %zu\n")), ks_pdf_revision_count(doc));
    for (size_t i = 0; i < ks_pdf_revision_count(doc); i++) {
        const ks_pdf_revision *r = ks_pdf_revision_at(doc, i);
        fprintf(f, ks_tr(N_("  revision %zu: %s at byte %llu, %%%%EOF ends at byte %llu\n")), i + 1,
                ks_tr(xref_kind_phrase(r->kind)), (unsigned long long)r->startxref,
                (unsigned long long)r->eof_end);
    }
    ks_pdf_encryption enc;
    ks_pdf_get_encryption(doc, &enc);
    if (enc.encrypted)
        fprintf(f, ks_tr(N_("Encryption: %s, %d-bit key (V %d, R %d), permissions %lld%s\n")),
                enc.method, enc.length_bits, enc.v, enc.r, (long long)enc.p,
                enc.user_password_empty ? ks_tr(N_(", empty user password")) : "");
    else
        fprintf(f, "%s\n", ks_tr(N_("Encryption: none")));
    char *prod = info_string(doc, "Producer");
    char *cre = info_string(doc, "Creator");
    fprintf(f, ks_tr(N_("Producer: %s\n")), prod ? prod : "-");
    fprintf(f, ks_tr(N_("Creator: %s\n")), cre ? cre : "-");
    free(prod);
    free(cre);
    fprintf(f, ks_tr(N_("Signature fields: %zu\n")), nsf);
    for (size_t i = 0; i < nsf; i++) {
        if (!sf[i].value) {
            fprintf(f, ks_tr(N_("  %s: empty\n")), sf[i].name);
            continue;
        }
        fprintf(f, ks_tr(N_("  %s: %s %s")), sf[i].name, sf[i].type ? sf[i].type : "Sig",
                sf[i].subfilter ? sf[i].subfilter : "-");
        if (sf[i].has_byte_range)
            fprintf(f, " ByteRange [%lld %lld %lld %lld]", (long long)sf[i].byte_range[0],
                    (long long)sf[i].byte_range[1], (long long)sf[i].byte_range[2],
                    (long long)sf[i].byte_range[3]);
        long cr = covered_revision(doc, &sf[i]);
        if (cr >= 0)
            fprintf(f, ks_tr(N_(", covers revisions 1-%ld")), cr + 1);
        fputc('\n', f);
    }
    return KS_EXIT_OK;
}

static int cmd_info(int argc, char **argv)
{
    static const char *const spec[] = {"json", "password-file=", "password-env=", "repair", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso pdf info FILE [--json] [--repair] "
                              "[--password-file FILE | --password-env VAR]\n")));
        return KS_EXIT_OK;
    }
    if (a.npos != 1)
        return ks_cli_usage(N_("usage: kyso pdf info FILE [--json]"));
    const char *path = a.pos[0];
    ks_error err = {0};
    ks_pdf_open_opts opts = {KS_PDF_STRICT, NULL};
    char *pw = NULL;
    ks_pdf_doc *doc = NULL;
    page_info *pi = NULL;
    ks_pdf_sig_field *sf = NULL;
    size_t npages = 0, nsf = 0;
    if (ks_cli_has(&a, "repair"))
        opts.mode = KS_PDF_REPAIR;
    if ((rc = ks_cli_doc_password(&a, "", &pw)) != 0)
        goto done;
    opts.password = pw;
    if (ks_pdf_open(path, &opts, &doc, &err) || ks_pdf_page_count(doc, &npages, &err)) {
        rc = ks_cli_fail_doc(&err, "", pw != NULL);
        goto done;
    }
    pi = calloc(npages + 1, sizeof *pi);
    if (!pi) {
        ks_error_set(&err, KS_E_NOMEM, N_("out of memory"));
        rc = ks_cli_fail(&err);
        goto done;
    }
    for (size_t i = 0; i < npages; i++) {
        ks_pdf_obj *page;
        ks_pdf_rect media, crop;
        if (ks_pdf_page(doc, i, &page, NULL, &err) ||
            ks_pdf_page_geometry(doc, page, &media, &crop, &pi[i].rotate, &err)) {
            rc = ks_cli_fail(&err);
            goto done;
        }
        pi[i].w_pt = crop.x1 - crop.x0;
        pi[i].h_pt = crop.y1 - crop.y0;
    }
    if (ks_pdf_sig_fields(doc, &sf, &nsf, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
    rc = ks_cli_has(&a, "json") ? print_json(doc, path, pi, npages, sf, nsf)
                                : print_human(doc, path, pi, npages, sf, nsf);
done:
    free(sf);
    free(pi);
    ks_pdf_close(doc);
    ks_secret_free(pw);
    return rc;
}

int ks_cmd_pdf(int argc, char **argv)
{
    if (argc < 2)
        return ks_cli_usage(N_("usage: kyso pdf info|text|check FILE ..."));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        char *info[] = {"info", "--help", NULL}, *text[] = {"text", "--help", NULL};
        char *check[] = {"check", "--help", NULL};
        cmd_info(2, info);
        ks_cmd_pdf_text(2, text);
        return ks_cmd_pdf_check(2, check);
    }
    if (strcmp(argv[1], "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "text") == 0)
        return ks_cmd_pdf_text(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return ks_cmd_pdf_check(argc - 1, argv + 1);
    return ks_cli_usage(N_("unknown command \"pdf %s\""), argv[1]);
}
