/* cli/cli_pdf_text.c — `kyso pdf text`: not built yet. */
#include "cli.h"

int ks_cmd_pdf_text(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ks_cli_usage(N_("command \"%s\" is not available in this build"), "pdf text");
}
