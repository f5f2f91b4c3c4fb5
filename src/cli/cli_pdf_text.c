/* cli/cli_pdf_text.c — `kyso pdf text FILE [--page N] [--json]`: the text lines of each page
 * with their boxes in PDF user space, as ks_pdf_text_extract finds them (the same lines the
 * signer searches for the title and name of a visible signature). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/text.h"
#include "kyso/util.h"

static void json_str(FILE *f, const char *s)
{
    ks_buf b = KS_BUF_INIT;
    if (ks_buf_json_str(&b, s))
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
}

static void print_page_json(FILE *f, size_t index, const ks_pdf_text_page *p, bool first)
{
    fprintf(f, "%s\n    {\"page\": %zu, \"width\": %.2f, \"height\": %.2f, \"lines\": [",
            first ? "" : ",", index + 1, p->crop.x1 - p->crop.x0, p->crop.y1 - p->crop.y0);
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        fprintf(f, "%s\n      {\"text\": ", i ? "," : "");
        json_str(f, l->text);
        fprintf(f,
                ", \"x0\": %.2f, \"y0\": %.2f, \"x1\": %.2f, \"y1\": %.2f, \"size\": %.2f, "
                "\"bold\": %s}",
                l->box.x0, l->box.y0, l->box.x1, l->box.y1, l->font_size,
                l->bold ? "true" : "false");
    }
    fprintf(f, "%s]}", p->count ? "\n    " : "");
}

static void print_page_human(FILE *f, size_t index, const ks_pdf_text_page *p)
{
    fprintf(f, ks_tr(N_("Page %zu (%.2f x %.2f pt), %zu lines:\n")), index + 1,
            p->crop.x1 - p->crop.x0, p->crop.y1 - p->crop.y0, p->count);
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        char *v = ks_text_visible(l->text); /* the document's text: nothing acts on a terminal */
        fprintf(f, "%7.2f %7.2f %7.2f %7.2f  %s\n", l->box.x0, l->box.y0, l->box.x1, l->box.y1,
                v ? v : "?");
        free(v);
    }
}

/* Parses a 1-based page number; 0 on error. */
static size_t parse_page(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v == 0 || v > KS_PDF_MAX_PAGES)
        return 0;
    return (size_t)v;
}

int ks_cmd_pdf_text(int argc, char **argv)
{
    static const char *const spec[] = {
        "json", "page=", "password-file=", "password-env=", "repair", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso pdf text FILE [--page N] [--json] [--repair] "
                              "[--password-file FILE | --password-env VAR]\n")));
        return KS_EXIT_OK;
    }
    if (a.npos != 1)
        return ks_cli_usage(N_("usage: kyso pdf text FILE [--page N] [--json]"));
    const char *path = a.pos[0];
    size_t only = 0;
    if (ks_cli_has(&a, "page") && (only = parse_page(ks_cli_get(&a, "page"))) == 0)
        return ks_cli_usage(N_("--page: \"%s\" is not a page number"), ks_cli_get(&a, "page"));
    bool json = ks_cli_has(&a, "json");
    ks_error err = {0};
    ks_pdf_doc *doc = NULL;
    size_t npages = 0;
    char *pw = NULL;
    ks_pdf_open_opts opts = {ks_cli_has(&a, "repair") ? KS_PDF_REPAIR : KS_PDF_STRICT, NULL, 0};
    if ((rc = ks_cli_doc_password(&a, "", &pw)) != 0)
        goto done;
    opts.password = pw;
    opts.mem_budget = ks_cli_mem_budget();
    if (ks_pdf_open(path, &opts, &doc, &err) || ks_pdf_page_count(doc, &npages, &err)) {
        rc = ks_cli_fail_doc(&err, "", pw != NULL);
        goto done;
    }
    if (only > npages) {
        rc = ks_cli_usage(N_("--page: the document has %zu pages"), npages);
        goto done;
    }
    size_t from = only ? only - 1 : 0, to = only ? only : npages;
    if (json) {
        fputs("{\"file\": ", stdout);
        json_str(stdout, path);
        fputs(", \"pages\": [", stdout);
    }
    for (size_t i = from; i < to; i++) {
        ks_pdf_text_page *p = NULL;
        if (ks_pdf_text_extract(doc, i, &p, &err) || ks_pdf_budget_error(doc, &err)) {
            ks_pdf_text_page_free(p);
            if (json)
                fflush(stdout);
            rc = ks_cli_fail(&err);
            goto done;
        }
        if (json)
            print_page_json(stdout, i, p, i == from);
        else
            print_page_human(stdout, i, p);
        ks_pdf_text_page_free(p);
    }
    if (json)
        fputs("\n  ]\n}\n", stdout);
    rc = KS_EXIT_OK;
done:
    ks_pdf_close(doc);
    ks_secret_free(pw);
    return rc;
}
