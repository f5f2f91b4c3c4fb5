/* cli/cli_pdf_number.c — the number and date written into an official document at issue
 * (kyso/numfields.h): `kyso pdf number-fields IN -o OUT` adds the two fields before the
 * personal signature (`kyso sign --lock number-fields` then leaves them open);
 * `kyso pdf fill-number IN -o OUT --number 15/QĐ-UBND [--date YYYY-MM-DD]` fills them before the
 * organisation's signature (`kyso sign --lock all` then covers them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kyso/numfields.h"
#include "kyso/util.h"

static void help(void)
{
    printf("%s", ks_tr(N_("Usage: kyso pdf number-fields IN.pdf -o OUT.pdf\n"
                          "  Adds two read-only form fields over the \"Số:\" line and the "
                          "place-and-date line of page 1, before the personal signature.\n"
                          "Usage: kyso pdf fill-number IN.pdf -o OUT.pdf --number 15/QĐ-UBND "
                          "[--date YYYY-MM-DD]\n"
                          "  Writes the number and the date (today in Vietnam by default) into "
                          "those fields, before the organisation's signature.\n")));
}

static bool parse_date(const char *s, int *y, int *m, int *d)
{
    char tail;
    return sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) == 3;
}

int ks_cmd_pdf_number(int argc, char **argv)
{
    static const char *const spec[] = {"out=", "number=", "date=", NULL};
    bool fill = strcmp(argv[0], "fill-number") == 0;
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        help();
        return KS_EXIT_OK;
    }
    const char *out = ks_cli_get(&a, "out"), *number = ks_cli_get(&a, "number");
    if (a.npos != 1 || !out || (fill && !number) || (!fill && number))
        return ks_cli_usage(fill ? N_("usage: kyso pdf fill-number IN.pdf -o OUT.pdf --number "
                                      "15/QĐ-UBND [--date YYYY-MM-DD]")
                                 : N_("usage: kyso pdf number-fields IN.pdf -o OUT.pdf"));
    int y = 0, m = 0, d = 0;
    const char *date = ks_cli_get(&a, "date");
    if (date && !parse_date(date, &y, &m, &d))
        return ks_cli_usage(N_("--date \"%s\" is not YYYY-MM-DD"), date);
    if (!date) {
        time_t t = ks_cli_now() + 7 * 3600; /* Asia/Ho_Chi_Minh, no daylight saving */
        struct tm tm;
        gmtime_r(&t, &tm);
        y = tm.tm_year + 1900;
        m = tm.tm_mon + 1;
        d = tm.tm_mday;
    }
    ks_error err;
    uint8_t *in = NULL, *res = NULL;
    size_t len = 0, res_len = 0;
    ks_status st = ks_read_file(a.pos[0], (size_t)1 << 30, &in, &len, &err);
    if (st == KS_OK)
        st = fill ? ks_numfields_fill(in, len, a.pos[0], number, y, m, d, &res, &res_len, &err)
                  : ks_numfields_add(in, len, a.pos[0], &res, &res_len, &err);
    if (st == KS_OK)
        st = ks_write_file_atomic(out, res, res_len, &err);
    free(in);
    free(res);
    if (st != KS_OK)
        return ks_cli_fail(&err);
    printf(fill ? ks_tr(N_("Number and date written: %s\n"))
                : ks_tr(N_("Number and date fields added: %s\n")),
           out);
    return KS_EXIT_OK;
}
