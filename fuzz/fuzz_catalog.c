/* fuzz/fuzz_catalog.c — libFuzzer target of the .mo catalogue reader (util/catalog.c), which
 * kysod and kyso load at start: any bytes either fail cleanly or give a catalogue whose every
 * lookup returns a NUL-terminated string inside it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kyso/ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    ks_catalog *c = NULL;
    ks_error err;
    if (ks_catalog_parse(data, len, &c, &err) != KS_OK) {
        if (c)
            __builtin_trap();
        return 0;
    }
    const char *probe[] = {"out of memory", "", "a", "%s: "};
    for (size_t i = 0; i < sizeof probe / sizeof *probe; i++) {
        const char *t = ks_catalog_lookup(c, probe[i]);
        if (t && strlen(t) > len)
            __builtin_trap();
    }
    ks_text t;
    char out[256];
    ks_text_set(&t, "file %s page %u", "x", 3u);
    ks_text_render(&t, (ks_tr_fn)(void *)ks_catalog_lookup, c, out, sizeof out);
    ks_catalog_free(c);
    return 0;
}
