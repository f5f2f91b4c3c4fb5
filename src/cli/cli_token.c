/* cli/cli_token.c — `kyso token`: not built yet. */
#include "cli.h"

int ks_cmd_token(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ks_cli_usage(N_("command \"%s\" is not available in this build"), "token");
}
