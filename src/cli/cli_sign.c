/* cli/cli_sign.c — `kyso sign`: not built yet. */
#include "cli.h"

int ks_cmd_sign(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ks_cli_usage(N_("command \"%s\" is not available in this build"), "sign");
}
