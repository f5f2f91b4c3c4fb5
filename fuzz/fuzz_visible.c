/* fuzz/fuzz_visible.c — libFuzzer target for util/visible.c, the UTF-8 reader that makes
 * untrusted text safe for a terminal: the output never holds a byte below 0x20 (but '\n' and
 * '\t' when kept) or DEL or a C1 control, escaping is idempotent, and the control finder agrees. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int keep = 0; keep < 2; keep++) {
        ks_buf a = KS_BUF_INIT, b = KS_BUF_INIT;
        ks_buf_visible(&a, (const char *)data, size, keep);
        for (size_t i = 0; i < a.len; i++) {
            uint8_t c = a.data[i];
            if ((c < 0x20 && !(keep && (c == '\n' || c == '\t'))) || c == 0x7F)
                abort();
            if (c == 0xC2 && i + 1 < a.len && a.data[i + 1] >= 0x80 && a.data[i + 1] <= 0x9F)
                abort(); /* a C1 control in UTF-8 */
        }
        if (ks_text_control_at((const char *)a.data, a.len) >= 0 && !keep)
            abort();
        ks_buf_visible(&b, (const char *)a.data, a.len, keep);
        if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
            abort(); /* idempotent */
        ks_buf_free(&a);
        ks_buf_free(&b);
    }
    return 0;
}
