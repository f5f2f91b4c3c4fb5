/* fuzz/fuzz_cms.c — libFuzzer target for the CMS layer's parsers of untrusted bytes: the input
 * is taken as a detached SignedData (ks_cms_verify_detached), as an adbe.pkcs7.sha1 one
 * (ks_cms_verify_sha1; EdDSA and plain ECDSA reach cms/sig_alg.c) and as an RFC 3161 token
 * (ks_tst_verify) over a fixed content; nothing may crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "kyso/cms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t content[] = "kyso fuzz content";
    ks_slice sl[2] = {{content, 5}, {content + 5, sizeof content - 5}};
    ks_cms_result r;
    ks_error e;
    (void)ks_cms_verify_detached(data, size, sl, 2, &r, &e);
    ks_cms_result_free(&r);
    (void)ks_cms_verify_sha1(data, size, sl, 2, &r, &e);
    ks_cms_result_free(&r);
    ks_tst_info t;
    (void)ks_tst_verify(data, size, sl, 2, &t, &e);
    ks_tst_info_free(&t);
    return 0;
}
