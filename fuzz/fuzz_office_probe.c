/* fuzz/fuzz_office_probe.c — libFuzzer target of kysod's DOCX/ODT recognition
 * (src/server/office_probe.c): any bytes, probed as a DOCX and as an ODT; the verdict is one of
 * the four and `what` is always a string. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "server/office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    for (int k = 0; k < 2; k++) {
        const char *what = NULL;
        kysod_office_verdict v = kysod_office_probe(data, len, (kysod_office_kind)k, &what);
        if (!what || !*what || (unsigned)v > KYSOD_OFFICE_DAMAGED)
            __builtin_trap();
        (void)strlen(what);
    }
    return 0;
}
