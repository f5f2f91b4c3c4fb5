/* fuzz/fuzz_page_list.c — libFuzzer target of the page lists a clerk types for a TRÍCH SAO
 * (pdf/page_list.c): any text either parses into distinct 0-based pages within the bound, or
 * fails with nothing claimed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);
    if (!s)
        return 0;
    memcpy(s, data, len);
    s[len] = 0;
    size_t pages[64], n = 99;
    ks_error err;
    ks_status st = ks_pdf_page_list_parse(s, pages, 64, &n, &err);
    if (st == KS_OK) {
        if (n == 0 || n > 64)
            __builtin_trap();
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (pages[i] == pages[j])
                    __builtin_trap();
    }
    free(s);
    return 0;
}
