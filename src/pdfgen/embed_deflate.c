/* zlib compression of the streams kyso generates (fonts, images, appearance streams): one
 * helper so that every generated stream is Flate-compressed the same way. Level 6 (zlib's
 * default), not 9: on a seal image's mostly uniform planes 9 took 3x the time for a few KB
 * less, and the server draws the seal on every document it issues (bench_workflow.sh). */
#include <stdlib.h>

#include <zlib.h>

#include "kyso/pdfgen.h"

ks_status ks_pdf_gen_deflate(const uint8_t *data, size_t len, uint8_t **out, size_t *out_len,
                             ks_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (len > (size_t)UINT32_MAX / 2)
        return ks_error_set(err, KS_E_LIMIT, N_("stream of %zu bytes is too large to compress"),
                            len);
    uLongf cap = compressBound((uLong)len);
    uint8_t *z = malloc(cap ? cap : 1);
    if (!z)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (compress2(z, &cap, data ? data : (const uint8_t *)"", (uLong)len, 6) != Z_OK) {
        free(z);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    *out = z;
    *out_len = cap;
    return KS_OK;
}
