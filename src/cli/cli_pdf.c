/* cli/cli_pdf.c — `kyso pdf info FILE [--json]`: version, pages and sizes, revisions, encryption,
 * producer and signature fields of a PDF, in Vietnamese (default), English or JSON
 * (docs/pdf-info-json.md). `kyso pdf text` is dispatched to cli_pdf_text.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/pdf.h"

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

static double mm(double pt)
{
    return pt * 25.4 / 72.0;
}

/* Escaped copies of untrusted values, freed together when the report is written. */
typedef struct vis_list {
    char *item[64];
    size_t n;
} vis_list;

static const char *vis(vis_list *l, const char *s)
{
    if (!s)
        return "";
    if (l->n == sizeof l->item / sizeof l->item[0]) { /* recycle: each value is printed at once */
        free(l->item[0]);
        memmove(l->item, l->item + 1, (l->n - 1) * sizeof l->item[0]);
        l->n--;
    }
    char *v = ks_text_visible(s);
    if (!v)
        return "?";
    l->item[l->n++] = v;
    return v;
}

static void vis_list_free(vis_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->item[i]);
    l->n = 0;
}

static int print_human(ks_pdf_doc *doc, const char *path, const ks_pdf_info *in)
{
    /* The report is written to memory, then to stdout through ks_fputs_visible: names, the
     * producer and warnings come from the document, and nothing in them may act on the
     * terminal. Each value is also escaped alone so that a "\n" in it cannot fake a line. */
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    if (!f)
        return KS_EXIT_INPUT;
    vis_list vl = {0};
    const ks_pdf_page_info *pi = in->pages;
    size_t npages = in->npages;
    fprintf(f, ks_tr(N_("File: %s (%zu bytes)\n")), path, in->size);
    const char *cv = in->catalog_version;
    if (cv)
        fprintf(f, ks_tr(N_("PDF version: %s (catalog /Version %s)\n")), vis(&vl, in->version),
                vis(&vl, cv));
    else
        fprintf(f, ks_tr(N_("PDF version: %s\n")), vis(&vl, in->version));
    if (in->repaired)
        fprintf(f, "%s\n", ks_tr(N_("Warning: the file is damaged; its structure was rebuilt")));
    size_t nw = ks_pdf_warning_count(doc);
    if (nw) {
        fprintf(f, ks_tr(N_("Warnings: %zu\n")), nw);
        for (size_t i = 0; i < nw; i++)
            fprintf(f, "  %s\n", vis(&vl, ks_cli_msg(ks_pdf_warning(doc, i))));
    }
    fprintf(f, ks_tr(N_("Pages: %zu\n")), npages);
    for (size_t i = 0; i < npages;) {
        size_t j = i + 1;
        while (j < npages && pi[j].width_pt == pi[i].width_pt &&
               pi[j].height_pt == pi[i].height_pt && pi[j].rotate == pi[i].rotate)
            j++;
        if (j - i == 1)
            fprintf(f, ks_tr(N_("  page %zu: %.2f x %.2f pt (%.1f x %.1f mm)")), i + 1,
                    pi[i].width_pt, pi[i].height_pt, mm(pi[i].width_pt), mm(pi[i].height_pt));
        else
            fprintf(f, ks_tr(N_("  pages %zu-%zu: %.2f x %.2f pt (%.1f x %.1f mm)")), i + 1, j,
                    pi[i].width_pt, pi[i].height_pt, mm(pi[i].width_pt), mm(pi[i].height_pt));
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
    const ks_pdf_encryption *enc = &in->encryption;
    if (enc->encrypted)
        fprintf(f, ks_tr(N_("Encryption: %s, %d-bit key (V %d, R %d), permissions %lld%s\n")),
                vis(&vl, enc->method), enc->length_bits, enc->v, enc->r, (long long)enc->p,
                enc->user_password_empty ? ks_tr(N_(", empty user password")) : "");
    else
        fprintf(f, "%s\n", ks_tr(N_("Encryption: none")));
    fprintf(f, ks_tr(N_("Producer: %s\n")), in->producer ? vis(&vl, in->producer) : "-");
    fprintf(f, ks_tr(N_("Creator: %s\n")), in->creator ? vis(&vl, in->creator) : "-");
    fprintf(f, ks_tr(N_("Signature fields: %zu\n")), in->nfields);
    for (size_t i = 0; i < in->nfields; i++) {
        const ks_pdf_sig_field *sf = &in->fields[i].f;
        if (!sf->value) {
            fprintf(f, ks_tr(N_("  %s: empty\n")), vis(&vl, sf->name));
            continue;
        }
        fprintf(f, ks_tr(N_("  %s: %s %s")), vis(&vl, sf->name),
                sf->type ? vis(&vl, sf->type) : "Sig",
                sf->subfilter ? vis(&vl, sf->subfilter) : "-");
        if (sf->has_byte_range)
            fprintf(f, " ByteRange [%lld %lld %lld %lld]", (long long)sf->byte_range[0],
                    (long long)sf->byte_range[1], (long long)sf->byte_range[2],
                    (long long)sf->byte_range[3]);
        long cr = in->fields[i].covers_revision;
        if (cr >= 0)
            fprintf(f, ks_tr(N_(", covers revisions 1-%ld")), cr + 1);
        fputc('\n', f);
    }
    fclose(f);
    ks_fputs_visible(text, tlen, stdout);
    free(text);
    vis_list_free(&vl);
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
    ks_pdf_open_opts opts = {KS_PDF_STRICT, NULL, 0};
    char *pw = NULL;
    ks_pdf_doc *doc = NULL;
    ks_pdf_info info = {0};
    if (ks_cli_has(&a, "repair"))
        opts.mode = KS_PDF_REPAIR;
    if ((rc = ks_cli_doc_password(&a, "", &pw)) != 0)
        goto done;
    opts.password = pw;
    opts.mem_budget = ks_cli_mem_budget();
    if (ks_pdf_open(path, &opts, &doc, &err)) {
        rc = ks_cli_fail_doc(&err, "", pw != NULL);
        goto done;
    }
    if (ks_pdf_info_get(doc, &info, &err) || ks_pdf_budget_error(doc, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
    if (ks_cli_has(&a, "json")) {
        ks_buf b = KS_BUF_INIT;
        if (ks_pdf_info_json(doc, &info, path, &b))
            fwrite(b.data, 1, b.len, stdout);
        ks_buf_free(&b);
        rc = KS_EXIT_OK;
    } else {
        rc = print_human(doc, path, &info);
    }
done:
    ks_pdf_info_free(&info);
    ks_pdf_close(doc);
    ks_secret_free(pw);
    return rc;
}

int ks_cmd_pdf(int argc, char **argv)
{
    if (argc < 2)
        return ks_cli_usage(
            N_("usage: kyso pdf info|text|check|number-fields|fill-number FILE ..."));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        char *info[] = {"info", "--help", NULL}, *text[] = {"text", "--help", NULL};
        char *check[] = {"check", "--help", NULL};
        cmd_info(2, info);
        ks_cmd_pdf_text(2, text);
        char *number[] = {"number-fields", "--help", NULL};
        ks_cmd_pdf_check(2, check);
        return ks_cmd_pdf_number(2, number);
    }
    if (strcmp(argv[1], "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "text") == 0)
        return ks_cmd_pdf_text(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return ks_cmd_pdf_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "number-fields") == 0 || strcmp(argv[1], "fill-number") == 0)
        return ks_cmd_pdf_number(argc - 1, argv + 1);
    return ks_cli_usage(N_("unknown command \"pdf %s\""), argv[1]);
}
