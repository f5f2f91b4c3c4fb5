/* agent/frame.c — native messaging's framing: each message is a 32-bit length in the
 * machine's byte order followed by that many bytes of UTF-8 JSON, both ways. Requests over
 * KA_REQUEST_MAX are refused with an error reply (and skipped, so the next one is read);
 * replies never exceed the browser's 1 MB. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static void reply_err(FILE *out, ka_err *e)
{
    ka_buf b = {0};
    ka_reply_error(&b, e);
    if (!b.oom)
        ka_frame_write(out, b.p, b.len);
    ka_buf_free(&b);
}

int ka_frame_read(FILE *in, FILE *out, uint8_t **msg, size_t *len)
{
    uint8_t hdr[4];
    ka_err e = {0};
    *msg = NULL;
    *len = 0;
    size_t got = fread(hdr, 1, 4, in);
    if (got == 0)
        return 0;
    if (got < 4) {
        ka_fail(&e, "bad-frame", N_("the message's length prefix is cut short (%zu of 4 bytes)"),
                got);
        reply_err(out, &e);
        return -2;
    }
    uint32_t n;
    memcpy(&n, hdr, 4);
    if (n == 0) {
        ka_fail(&e, "bad-frame", N_("empty message"));
        reply_err(out, &e);
        return -1;
    }
    if (n > KA_REQUEST_MAX) {
        ka_fail(&e, "too-large",
                N_("the message has %lu bytes; the agent accepts at most %u bytes"),
                (unsigned long)n, KA_REQUEST_MAX);
        reply_err(out, &e);
        if (n > KA_CHROME_MAX)
            return -2; /* no browser sends this: the stream is not native messaging */
        /* Skip the body so that the next message is read from its own prefix. */
        uint8_t sink[4096];
        for (uint32_t left = n; left;) {
            size_t k = fread(sink, 1, left < sizeof sink ? left : sizeof sink, in);
            if (k == 0)
                return -2;
            left -= (uint32_t)k;
        }
        return -1;
    }
    uint8_t *p = malloc(n);
    if (!p) {
        ka_fail(&e, "internal", N_("out of memory"));
        reply_err(out, &e);
        return -2;
    }
    size_t r = fread(p, 1, n, in);
    if (r != n) {
        free(p);
        ka_fail(&e, "bad-frame", N_("the message is cut short: %zu of %lu bytes"), r,
                (unsigned long)n);
        reply_err(out, &e);
        return -2;
    }
    *msg = p;
    *len = n;
    return 1;
}

bool ka_frame_write(FILE *out, const char *json, size_t len)
{
    if (len > KA_REPLY_MAX)
        return false;
    uint32_t n = (uint32_t)len;
    uint8_t hdr[4];
    memcpy(hdr, &n, 4);
    return fwrite(hdr, 1, 4, out) == 4 && fwrite(json, 1, len, out) == len && fflush(out) == 0;
}
