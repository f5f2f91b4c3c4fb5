/* cli/cli_verify.c — `kyso verify FILE [--trust PEM]... [--json] [--html OUT] [--at ISO8601]
 * [--offline]`: runs ks_verify_run and prints the report (Vietnamese text by default, English
 * with --lang en, or the JSON contract); the exit code follows docs/design.md (0 all
 * TOTAL-PASSED, 1 any TOTAL-FAILED, 2 INDETERMINATE or no signature, 3 usage, 4 input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/verify.h"

static void help(void)
{
    printf("%s", ks_tr(N_("Usage: kyso verify FILE [--trust PEM]... [--trust-dir DIR] [--json] "
                          "[--html OUT] [--at ISO8601] [--offline] [--lang vi|en]\n"
                          "  --trust PEM     trust the root certificate(s) in PEM (repeatable)\n"
                          "  --trust-dir DIR also trust every *.pem/*.crt in DIR (default: "
                          "$KYSO_TRUST_DIR or /etc/kyso/trust)\n"
                          "  --json          print the report as one JSON object\n"
                          "  --html OUT      also write the report as an HTML page to OUT\n"
                          "  --at ISO8601    validate at this time instead of now\n"
                          "  --offline       use only revocation data embedded in the file\n"
                          "  --password-file FILE | --password-env VAR\n"
                          "                  password of an encrypted document (never on the "
                          "command line)\n"
                          "Exit codes: 0 every signature valid, 1 a signature is invalid, 2 "
                          "validity undetermined or no signature, 3 usage, 4 unreadable or "
                          "damaged file.\n")));
}

int ks_cmd_verify(int argc, char **argv)
{
    static const char *const spec[] = {"trust=",  "trust-dir=",     "json",          "html=", "at=",
                                       "offline", "password-file=", "password-env=", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        help();
        return KS_EXIT_OK;
    }
    if (a.npos != 1)
        return ks_cli_usage(N_("usage: kyso verify FILE [--trust PEM]... [--json] [--html OUT]"));
    ks_verify_opts opts;
    memset(&opts, 0, sizeof opts);
    int nt = ks_cli_all(&a, "trust", opts.trust_files, KS_VERIFY_MAX_TRUST);
    opts.ntrust = (size_t)nt;
    /* the defaults that come from the environment are the program's to read */
    opts.ctx = ks_cli_ctx();
    opts.trust_dir = ks_cli_get(&a, "trust-dir");
    if (!opts.trust_dir)
        opts.trust_dir = getenv("KYSO_TRUST_DIR");
    if (!opts.trust_dir || !*opts.trust_dir)
        opts.trust_dir = "/etc/kyso/trust";
    char cache[4096];
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(cache, sizeof cache, "%s/kyso", xdg);
    else if (home && *home)
        snprintf(cache, sizeof cache, "%s/.cache/kyso", home);
    else
        cache[0] = 0;
    opts.cache = cache[0] ? cache : NULL;
    opts.offline = ks_cli_has(&a, "offline");
    opts.mem_budget = ks_cli_mem_budget();
    ks_error err;
    ks_error_clear(&err);
    const char *at = ks_cli_get(&a, "at");
    if (at && ks_time_parse(at, &opts.at, &err) != KS_OK)
        return ks_cli_usage(N_("--at needs an ISO 8601 time such as 2026-03-05T09:41:07+07:00, "
                               "not \"%s\""),
                            at);
    char *pw = NULL;
    if ((rc = ks_cli_doc_password(&a, "", &pw)) != 0)
        return rc;
    opts.password = pw;
    ks_verify_report *r = NULL;
    ks_status vst = ks_verify_run(a.pos[0], &opts, &r, &err);
    bool had_pw = pw != NULL;
    ks_secret_free(pw);
    if (vst != KS_OK) {
        /* Every input gets exactly one JSON object, also one kyso could not read: programs
         * (the server) rely on it. The exit code stays the error's (4 for input errors). A
         * usage error (an unreadable --trust file) is about the command, not the input. */
        if (ks_cli_has(&a, "json") && err.status != KS_E_USAGE) {
            ks_verify_report *er = ks_verify_report_for_error(a.pos[0], &err, opts.at);
            ks_buf out = KS_BUF_INIT;
            if (er && ks_verify_render_json(ks_cli_ctx(), ks_cli_lang(), er, &out))
                fwrite(out.data, 1, out.len, stdout);
            ks_buf_free(&out);
            ks_verify_report_free(er);
        }
        return ks_cli_fail_doc(&err, "", had_pw);
    }
    rc = ks_verify_exit_code(r);
    const ks_ctx *ctx = ks_cli_ctx();
    const char *lang = ks_cli_lang();
    ks_buf out = KS_BUF_INIT;
    bool ok = ks_cli_has(&a, "json") ? ks_verify_render_json(ctx, lang, r, &out)
                                     : ks_verify_render_text(ctx, lang, r, &out);
    if (ok && ks_cli_has(&a, "json"))
        fwrite(out.data, 1, out.len, stdout);
    else if (ok) /* a second guard: nothing in a text report acts on the terminal */
        ks_fputs_visible((const char *)out.data, out.len, stdout);
    ks_buf_free(&out);
    const char *html = ks_cli_get(&a, "html");
    if (ok && html) {
        ks_buf h = KS_BUF_INIT;
        ok = ks_verify_render_html(ctx, lang, r, &h) &&
             ks_write_file_atomic(html, h.data, h.len, &err) == KS_OK;
        ks_buf_free(&h);
        if (!ok && err.status != KS_OK) {
            ks_verify_report_free(r);
            return ks_cli_fail(&err);
        }
    }
    ks_verify_report_free(r);
    if (!ok) {
        ks_error_set(&err, KS_E_NOMEM, N_("out of memory"));
        return ks_cli_fail(&err);
    }
    return rc;
}
