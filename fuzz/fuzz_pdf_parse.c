/* fuzz/fuzz_pdf_parse.c — the PDF parser on untrusted bytes: open (strict, then repair), walk
 * every object of the map, every revision view, the page tree with geometry, the signature
 * fields, and decode every stream. Must never crash, hang or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "kyso/pdf.h"

static void walk(ks_pdf_doc *d)
{
    ks_error e;
    uint32_t n = ks_pdf_xref_size(d);
    if (n > 2000)
        n = 2000;
    for (uint32_t i = 1; i < n; i++) {
        ks_pdf_entry_info in;
        ks_pdf_entry(d, i, &in); /* what each entry points at (the verifier's probe) */
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(d, i, 0, &o, &e) != KS_OK || o->type != KS_PDF_STREAM)
            continue;
        uint8_t *data = NULL;
        size_t len = 0;
        if (ks_pdf_stream_decode(d, o, &data, &len, &e) == KS_OK)
            free(data);
        ks_buf b = KS_BUF_INIT;
        ks_pdf_serialize(&b, o->u.stream.dict, &e);
        ks_buf_free(&b);
    }
    size_t pages = 0;
    if (ks_pdf_page_count(d, &pages, &e) == KS_OK) {
        for (size_t i = 0; i < pages && i < 50; i++) {
            ks_pdf_obj *p;
            ks_pdf_ref r;
            ks_pdf_rect m, c;
            int rot;
            if (ks_pdf_page(d, i, &p, &r, &e) == KS_OK)
                ks_pdf_page_geometry(d, p, &m, &c, &rot, &e);
        }
    }
    ks_pdf_sig_field *f = NULL;
    size_t nf = 0;
    if (ks_pdf_sig_fields(d, &f, &nf, &e) == KS_OK)
        free(f);
    ks_pdf_catalog_version(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int mode = 0; mode < 2; mode++) {
        ks_pdf_open_opts o = {mode ? KS_PDF_REPAIR : KS_PDF_STRICT, NULL, 0};
        ks_pdf_doc *d = NULL;
        ks_error e;
        if (ks_pdf_open_mem(data, size, "fuzz.pdf", &o, &d, &e) != KS_OK)
            continue;
        walk(d);
        size_t nr = ks_pdf_revision_count(d);
        if (nr > 1) {
            ks_pdf_limit_recovery(d, 0); /* as the verifier does after a signed revision */
            walk(d);
        }
        for (size_t i = 0; i + 1 < nr && i < 4; i++) {
            ks_pdf_doc *v = NULL;
            if (ks_pdf_open_revision(d, i, &v, &e) == KS_OK) {
                walk(v);
                ks_pdf_close(v);
            }
        }
        ks_pdf_close(d);
        if (mode == 0)
            break; /* repair only what strict mode refuses */
    }
    return 0;
}
