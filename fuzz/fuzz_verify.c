/* fuzz/fuzz_verify.c — libFuzzer target for the whole verification pipeline over untrusted PDF
 * bytes (ks_verify_run_mem): signature discovery, ByteRange sanity, the CMS/timestamp path and
 * the difference analysis of later revisions. Offline, no trust anchors: nothing may crash,
 * leak, hang or read out of bounds; the report must always be well formed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ks_verify_opts o;
    memset(&o, 0, sizeof o);
    o.offline = true;
    o.trust_dir = "/nonexistent-kyso-fuzz-trust";
    o.at = 1795600000; /* fixed validation time: reproducible runs */
    ks_verify_report *r = NULL;
    ks_error e;
    if (ks_verify_run_mem(data, size, "fuzz.pdf", &o, &r, &e) == KS_OK && r) {
        ks_buf b = KS_BUF_INIT;
        ks_verify_render_json(NULL, "vi", r, &b);
        ks_verify_render_text(NULL, "en", r, &b);
        ks_verify_render_html(NULL, "vi", r, &b);
        if (ks_verify_exit_code(r) < 0 || ks_verify_exit_code(r) > 2)
            abort();
        ks_buf_free(&b);
    }
    ks_verify_report_free(r);
    return 0;
}
