/* fuzz/fuzz_sign_state.c — libFuzzer target of the saved signing state (sign/prepared.c) and the
 * pending CMS inside it (cms/cms_sign.c): kysod reads these back from its database between two
 * requests. Any bytes must either be refused or give a context that can be freed. */
#include <stddef.h>
#include <stdint.h>

#include "kyso/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    static const uint8_t base[] = "%PDF-1.4\n%%EOF\n";
    ks_sign_ctx *ctx = NULL;
    ks_error err;
    if (ks_sign_prepared_load(data, len, base, sizeof base - 1, "fuzz", NULL, &ctx, &err) == KS_OK)
        ks_sign_ctx_free(ctx);
    else if (ctx)
        __builtin_trap();
    ks_cms_pending *p = NULL;
    if (len > 8 && ks_cms_pending_load(data + 8, len - 8, &p, &err) == KS_OK) {
        ks_cms_tbs tbs;
        ks_cms_pending_tbs(p, &tbs, &err);
        ks_cms_pending_free(p);
    }
    return 0;
}
