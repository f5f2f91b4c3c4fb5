/* cli/cli_ca.c — `kyso ca`: not built yet. */
#include "cli.h"

int ks_cmd_ca(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return ks_cli_usage(N_("command \"%s\" is not available in this build"), "ca");
}
