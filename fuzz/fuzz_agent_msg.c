/* fuzz/fuzz_agent_msg.c — kyso-agent's input from the browser: the bytes go through the
 * native-messaging framing (length prefix, limits) and each message through the strict JSON
 * parser and the request dispatcher (the one token module configured does not exist, so
 * sign and authenticate stop at "no-certificate" after the request's checks). Every reply must be
 * valid framing of at most the browser's 1 MB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The whole input as one message body too: the parser sees bytes the framing would
     * have cut differently. */
    ka_json j;
    ka_err e = {0};
    if (ka_json_parse(&j, data, size, &e)) {
        const ka_jnode *root = ka_json_at(&j, 0);
        if (!root)
            abort();
    }
    ka_json_free(&j);

    FILE *in = fmemopen((void *)data, size ? size : 1, "rb");
    FILE *out = fopen("/dev/null", "wb");
    if (!in || !out)
        abort();
    if (size == 0)
        fgetc(in); /* an empty stream */
    ka_config cfg;
    memset(&cfg, 0, sizeof cfg);
    strcpy(cfg.pinentry, "/nonexistent/pinentry");
    /* A module that fails to load: the commands still parse and check every member (hashes,
     * origin, documents) and then find no certificate, so no dialog is ever started. */
    strcpy(cfg.modules[0], "/nonexistent/kyso-fuzz-module.so");
    cfg.n_modules = 1;
    for (int n = 0; n < 16; n++) {
        uint8_t *msg;
        size_t len;
        int rc = ka_frame_read(in, out, &msg, &len);
        if (rc == 0 || rc == -2)
            break;
        if (rc < 0)
            continue;
        ka_buf reply = {0};
        ka_handle(&cfg, msg, len, &reply);
        if (reply.len == 0 || reply.len > KA_REPLY_MAX || reply.p[0] != '{')
            abort();
        ka_err re = {0};
        ka_json rj;
        if (!ka_json_parse(&rj, (const uint8_t *)reply.p, reply.len, &re))
            abort(); /* the agent's own replies are valid JSON */
        ka_json_free(&rj);
        ka_buf_free(&reply);
        free(msg);
    }
    fclose(in);
    fclose(out);
    return 0;
}
