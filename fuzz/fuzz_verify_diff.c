/* fuzz/fuzz_verify_diff.c — libFuzzer target for the revision comparison: the input is appended
 * as an incremental update to a small validly signed PDF (fuzz/seeds/verify/kyso-minimal.pdf),
 * so the signature stays intact and every run reaches the difference analysis of the fuzzed
 * revision (object roles, structural equality, shadow checks). Seeds in fuzz/seeds/verify_diff/
 * are such updates (attacks and an allowed counter-signature). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/verify.h"

static uint8_t *g_base;
static size_t g_base_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("KYSO_FUZZ_BASE");
    if (!path)
        path = KYSO_SOURCE_DIR "/fuzz/seeds/verify/kyso-minimal.pdf";
    ks_error e;
    if (ks_read_file(path, 1 << 20, &g_base, &g_base_len, &e) != KS_OK) {
        fprintf(stderr, "fuzz_verify_diff: %s\n", e.msg_en);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    uint8_t *buf = malloc(g_base_len + size + 1);
    if (!buf)
        return 0;
    memcpy(buf, g_base, g_base_len);
    if (size)
        memcpy(buf + g_base_len, data, size);
    ks_verify_opts o;
    memset(&o, 0, sizeof o);
    o.offline = true;
    o.trust_dir = "/nonexistent-kyso-fuzz-trust";
    o.at = 1795600000;
    ks_verify_report *r = NULL;
    ks_error e;
    if (ks_verify_run_mem(buf, g_base_len + size, "fuzz.pdf", &o, &r, &e) == KS_OK && r) {
        ks_buf b = KS_BUF_INIT;
        ks_verify_render_json(NULL, "en", r, &b);
        ks_buf_free(&b);
    }
    ks_verify_report_free(r);
    free(buf);
    return 0;
}
