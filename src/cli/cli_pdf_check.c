/* cli/cli_pdf_check.c — `kyso pdf check FILE [--json]`: the Decree 30/2020 Appendix I format
 * report of ks_docfmt_check. Exit 0 when there is no finding, 1 when there are findings, 4 when
 * the input cannot be read. JSON (contract): {"findings": [{"rule", "page", "box", "message"}]}
 * with "box" as [x0, y0, x1, y1] in points; extra keys may follow. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kyso/docfmt.h"
#include "kyso/pdf.h"
#include "kyso/util.h"

static void json_str(FILE *f, const char *s)
{
    ks_buf b = KS_BUF_INIT;
    if (ks_buf_json_str(&b, s))
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
}

static void print_json(const char *path, const ks_docfmt_report *r)
{
    fputs("{\"file\": ", stdout);
    json_str(stdout, path);
    fprintf(stdout, ", \"classification\": ");
    json_str(stdout, ks_docfmt_class_name(r->classification));
    fputs(", \"findings\": [", stdout);
    for (size_t i = 0; i < r->count; i++) {
        const ks_docfmt_finding *f = &r->items[i];
        fprintf(stdout, "%s\n  {\"rule\": \"%s\", \"page\": %zu, ", i ? "," : "", f->rule, f->page);
        fprintf(stdout, "\"box\": [%.2f, %.2f, %.2f, %.2f], \"message\": ", f->box.x0, f->box.y0,
                f->box.x1, f->box.y1);
        json_str(stdout, ks_cli_msg(&f->message));
        fputs(", \"message_en\": ", stdout);
        json_str(stdout, f->message.msg_en);
        fputs("}", stdout);
    }
    fprintf(stdout, "%s], \"dropped\": %zu}\n", r->count ? "\n" : "", r->dropped);
}

static void print_human(const char *path, const ks_docfmt_report *r)
{
    if (!r->count) {
        printf(ks_tr(N_("%s: follows Decree 30/2020 Appendix I (no finding)\n")), path);
        return;
    }
    printf(ks_tr(N_("%s: %zu findings against Decree 30/2020 Appendix I:\n")), path,
           r->count + r->dropped);
    for (size_t i = 0; i < r->count; i++) {
        const ks_docfmt_finding *f = &r->items[i];
        printf("  [%s] p.%zu (%.0f,%.0f)-(%.0f,%.0f): %s\n", f->rule, f->page, f->box.x0, f->box.y0,
               f->box.x1, f->box.y1, ks_cli_msg(&f->message));
    }
}

int ks_cmd_pdf_check(int argc, char **argv)
{
    static const char *const spec[] = {"json", "password-file=", "password-env=", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso pdf check FILE [--json] [--password-file FILE | "
                              "--password-env VAR]\n  Checks the format of an official document "
                              "against Decree 30/2020 Appendix I; exit 0 when it follows it, 1 "
                              "with findings, 4 when the file cannot be read.\n")));
        return KS_EXIT_OK;
    }
    if (a.npos != 1)
        return ks_cli_usage(N_("usage: kyso pdf check FILE [--json]"));
    const char *path = a.pos[0];
    ks_error err = {0};
    ks_pdf_doc *doc = NULL;
    ks_docfmt_report *r = NULL;
    char *pw = NULL;
    ks_pdf_open_opts opts = {KS_PDF_STRICT, NULL, 0};
    if ((rc = ks_cli_doc_password(&a, "", &pw)) != 0)
        goto done;
    opts.password = pw;
    if (ks_pdf_open(path, &opts, &doc, &err)) {
        rc = ks_cli_fail_doc(&err, "", pw != NULL);
        goto done;
    }
    if (ks_docfmt_check(doc, &r, &err)) {
        rc = ks_cli_fail(&err);
        if (rc != KS_EXIT_USAGE && err.status != KS_E_NOMEM)
            rc = KS_EXIT_INPUT;
        goto done;
    }
    if (ks_cli_has(&a, "json"))
        print_json(path, r);
    else
        print_human(path, r);
    rc = r->count ? KS_EXIT_FAILED : KS_EXIT_OK;
done:
    ks_docfmt_report_free(r);
    ks_pdf_close(doc);
    ks_secret_free(pw);
    return rc;
}
