/* server/docs_sign_opts.c — the personal signature's options and the number and date fields it
 * leaves open (docs.h: docs_personal_sign_options), shared by every signing path. */
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "kyso/numfields.h"

int docs_personal_sign_options(kysod_req *r, const char *title, const char *name, uint8_t **pdf,
                               size_t *len, ks_sign_opts *o)
{
    ks_sign_opts_init(o);
    o->kind = KS_SIGN_PERSONAL;
    o->title = title && *title ? title : NULL;
    o->name = name && *name ? name : NULL;
    uint8_t *out = NULL;
    size_t out_len = 0;
    ks_error e;
    ks_status st = ks_numfields_add(*pdf, *len, "document.pdf", &out, &out_len, &e);
    if (st == KS_OK) {
        free(*pdf);
        *pdf = out;
        *len = out_len;
        ks_numfields_lock(o);
        return 0;
    }
    if (st == KS_E_NOMEM)
        return kysod_fail(r, 500, "nomem", NULL, "%s", N_("out of memory"));
    /* signed already, fields there already, or no "Số:"/date line: sign as it is; a document
     * that has the fields keeps them open */
    ks_pdf_doc *doc = NULL;
    bool present = false;
    if (ks_pdf_open_mem(*pdf, *len, "document.pdf", NULL, &doc, &e) == KS_OK &&
        ks_numfields_present(doc, &present, &e) == KS_OK && present)
        ks_numfields_lock(o);
    ks_pdf_close(doc);
    return 0;
}
