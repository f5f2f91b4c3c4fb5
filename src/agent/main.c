/* agent/main.c — kyso-agent: the browser starts it (native messaging) and talks to it over
 * standard input and output until it closes them. No listening port, no files written, no
 * state between requests. The browser's arguments (the caller's extension origin, a parent
 * window handle) are not trusted for anything and are ignored. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("kyso-agent %s (protocol %d)\n", KA_VERSION, KA_PROTOCOL);
        return 0;
    }
    ka_stdio_binary();
    ka_config cfg;
    ka_err cfg_err = {0};
    bool cfg_ok = ka_config_load(&cfg, &cfg_err);
    for (;;) {
        uint8_t *msg;
        size_t len;
        int rc = ka_frame_read(stdin, stdout, &msg, &len);
        if (rc == 0)
            return 0;
        if (rc == -2)
            return 1;
        if (rc < 0)
            continue;
        ka_buf reply = {0};
        if (cfg_ok)
            ka_handle(&cfg, msg, len, &reply);
        else
            ka_reply_error(&reply, &cfg_err);
        ka_wipe(msg, len);
        free(msg);
        bool ok = !reply.oom && ka_frame_write(stdout, reply.p, reply.len);
        ka_buf_free(&reply);
        if (!ok)
            return 1;
    }
}
