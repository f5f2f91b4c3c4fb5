/* cli/cli_pdf.c — `kyso pdf info|text`. */
#include "cli.h"

int ks_cmd_pdf(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ks_cli_usage(N_("command \"%s\" is not available in this build"), "pdf");
}
