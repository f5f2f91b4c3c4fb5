/* The appearance stream of a visible signature: a form XObject whose content is drawn in the
 * visible (upright) orientation and turned into the page's user space by its /Matrix. */
#include <stdlib.h>

#include "appear.h"
#include "kyso/pdfgen.h"

ks_status ks_appear_put_form(ks_pdf_update *u, ks_arena *a, double w, double h, const double m[6],
                             ks_pdf_obj *resources, const ks_buf *content, uint32_t *num,
                             ks_error *err)
{
    uint8_t *z = NULL;
    size_t zlen = 0;
    ks_status st = ks_pdf_gen_deflate(content->data, content->len, &z, &zlen, err);
    if (st != KS_OK)
        return st;
    ks_pdf_obj *d = ks_pdf_new_dict(a), *bbox = ks_pdf_new_array(a), *mat = ks_pdf_new_array(a);
    bool ok = d && bbox && mat && ks_pdf_array_push(a, bbox, ks_pdf_new_int(a, 0)) &&
              ks_pdf_array_push(a, bbox, ks_pdf_new_int(a, 0)) &&
              ks_pdf_array_push(a, bbox, ks_pdf_new_real(a, w)) &&
              ks_pdf_array_push(a, bbox, ks_pdf_new_real(a, h));
    for (int i = 0; ok && i < 6; i++)
        ok = ks_pdf_array_push(a, mat, ks_pdf_new_int(a, (int64_t)m[i]));
    ok = ok && ks_pdf_dict_put(a, d, "Type", ks_pdf_new_name(a, "XObject")) &&
         ks_pdf_dict_put(a, d, "Subtype", ks_pdf_new_name(a, "Form")) &&
         ks_pdf_dict_put(a, d, "FormType", ks_pdf_new_int(a, 1)) &&
         ks_pdf_dict_put(a, d, "BBox", bbox) && ks_pdf_dict_put(a, d, "Matrix", mat) &&
         ks_pdf_dict_put(a, d, "Resources", resources) &&
         ks_pdf_dict_put(a, d, "Filter", ks_pdf_new_name(a, "FlateDecode"));
    if (!ok) {
        free(z);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    *num = ks_pdf_update_alloc(u);
    st = ks_pdf_update_put_stream(u, *num, 0, d, z, zlen, err);
    free(z);
    return st;
}
