/* fuzz/fuzz_docfmt.c — libFuzzer target of the Decree 30 format checker (docfmt/): any bytes
 * opened as a PDF, then the whole check (text extraction, geometry, fonts, parts, patterns) and
 * the classification call; the report's invariants hold whatever the text says. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kyso/docfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    ks_pdf_doc *doc = NULL;
    ks_error err;
    if (ks_pdf_open_mem(data, len, "fuzz.pdf", NULL, &doc, &err) != KS_OK)
        return 0;
    size_t pages = 0;
    if (ks_pdf_page_count(doc, &pages, &err) != KS_OK || pages > 8) {
        ks_pdf_close(doc);
        return 0;
    }
    ks_docfmt_report *r = NULL;
    if (ks_docfmt_check(doc, &r, &err) == KS_OK) {
        if (r->count > KS_DOCFMT_MAX_FINDINGS)
            __builtin_trap();
        for (size_t i = 0; i < r->count; i++)
            if (!r->items[i].rule || r->items[i].page < 1 || r->items[i].page > pages ||
                !r->items[i].message.msg_en[0])
                __builtin_trap();
        ks_docfmt_report_free(r);
    }
    ks_docfmt_class c;
    ks_docfmt_classification(doc, &c, NULL, &err);
    ks_pdf_close(doc);
    /* the pattern checks on the raw bytes as text */
    char s[256];
    size_t n = len < sizeof s - 1 ? len : sizeof s - 1;
    memcpy(s, data, n);
    s[n] = 0;
    ks_docfmt_number_symbol_ok(s, true);
    ks_docfmt_place_date_ok(s, true);
    return 0;
}
