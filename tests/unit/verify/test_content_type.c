/* tests/unit/verify/test_content_type.c — a signature whose signed contentType attribute does
 * not name the signed content's type (RFC 5652 §11.1) is a FORMAT_FAILURE even though its
 * digest and signature value verify. A PDF is signed with `kyso sign`; its CMS is then rebuilt
 * with OpenSSL over the same ByteRange with contentType replaced by id-ct-TSTInfo and the
 * attributes re-signed (the control keeps id-data and is re-signed the same way), spliced into
 * /Contents and verified with ks_verify_run_mem. `openssl cms -cmsout -print` is the oracle for
 * the attribute actually in the token. */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "kyso/ctx.h"
#include "test.h"
#include "verify_internal.h"

static const char *dir;

/* Rebuilds the CMS of the signed PDF `pdf` (ByteRange br) with contentType `ct_nid` and splices
 * it into a copy. Returns the new file (malloc'd) or NULL. */
static uint8_t *resign(const uint8_t *pdf, size_t len, const long *br, int ct_nid, X509 *cert,
                       EVP_PKEY *key, const char *der_out)
{
    /* signed attributes set by hand, then signed once (OpenSSL would add its own contentType
     * in CMS_final) */
    uint8_t md[32];
    unsigned mdlen = 0;
    EVP_MD_CTX *mc = EVP_MD_CTX_new();
    EVP_DigestInit_ex(mc, EVP_sha256(), NULL);
    EVP_DigestUpdate(mc, pdf, (size_t)br[1]);
    EVP_DigestUpdate(mc, pdf + br[2], (size_t)br[3]);
    EVP_DigestFinal_ex(mc, md, &mdlen);
    EVP_MD_CTX_free(mc);
    CMS_ContentInfo *cms =
        CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
    CMS_SignerInfo *si =
        cms ? CMS_add1_signer(cms, cert, key, EVP_sha256(), CMS_PARTIAL | CMS_NOSMIMECAP) : NULL;
    if (!si ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT, OBJ_nid2obj(ct_nid),
                                    -1) != 1 ||
        CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, md,
                                    (int)mdlen) != 1) {
        ERR_print_errors_fp(stderr);
        CMS_ContentInfo_free(cms);
        return NULL;
    }
    CMS_set_detached(cms, 1);
    uint8_t *der = NULL;
    int dlen = CMS_SignerInfo_sign(si) == 1 ? i2d_CMS_ContentInfo(cms, &der) : -1;
    CMS_ContentInfo_free(cms);
    size_t gap = (size_t)(br[2] - br[1] - 2);
    if (dlen <= 0 || (size_t)dlen * 2 > gap) {
        fprintf(stderr, "resign: DER %d bytes, gap %zu\n", dlen, gap);
        ERR_print_errors_fp(stderr);
        OPENSSL_free(der);
        return NULL;
    }
    ks_write_file_atomic(der_out, der, (size_t)dlen, NULL);
    uint8_t *out = malloc(len);
    memcpy(out, pdf, len);
    memset(out + br[1] + 1, '0', gap);
    for (int k = 0; k < dlen; k++) {
        char h[3];
        snprintf(h, sizeof h, "%02X", der[k]);
        memcpy(out + br[1] + 1 + 2 * k, h, 2);
    }
    OPENSSL_free(der);
    return out;
}

static const ks_verify_sig *verify(const uint8_t *pdf, size_t len, const char *trust,
                                   ks_verify_report **r)
{
    ks_verify_opts o;
    memset(&o, 0, sizeof o);
    o.trust_files[0] = trust;
    o.ntrust = 1;
    o.offline = true;
    ks_error e;
    if (ks_verify_run_mem(pdf, len, "ct.pdf", &o, r, &e) != KS_OK || (*r)->nsigs != 1)
        return NULL;
    return &(*r)->sigs[0];
}

static ks_ctx *g_ctx;

static bool has_msg(const ks_verify_sig *s, const char *en, const char *vi)
{
    char buf[4096];
    for (size_t i = 0; i < s->nmessages; i++)
        if (strstr(s->messages[i].text_en, en) &&
            strstr(ks_text_str(g_ctx, "vi", s->messages[i].msg, buf, sizeof buf), vi))
            return true;
    return false;
}

int main(void)
{
    CHECK(ks_ctx_new(NULL, &g_ctx, NULL) == KS_OK);
    dir = ks_test_tmpdir("verify-content-type");
    const char *build = getenv("KYSO_BUILD");
    CHECK(build != NULL);
    if (!build)
        return ks_test_done();
    int rc = ks_test_sh(
        NULL,
        "set -e; cd '%s'\n"
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem "
        "-subj '/CN=Nguyen Van D' -days 30 -addext keyUsage=critical,digitalSignature,"
        "nonRepudiation -out c.pem 2>/dev/null\n"
        "export PW=test-pin\n"
        "openssl pkcs12 -export -inkey k.pem -in c.pem -passout env:PW -out c.p12\n"
        "'%s/kyso' sign '%s' -o signed.pdf --p12 c.p12 --pin-env PW --kind invisible "
        ">/dev/null\n",
        dir, build, ks_test_sample());
    CHECK_MSG(rc == 0, "setup rc=%d", rc);
    char path[4096], trust[4096];
    snprintf(path, sizeof path, "%s/signed.pdf", dir);
    snprintf(trust, sizeof trust, "%s/c.pem", dir);
    uint8_t *pdf = NULL;
    size_t len = 0;
    if (rc || ks_read_file(path, 1 << 26, &pdf, &len, NULL) != KS_OK)
        return ks_test_done();

    /* the ByteRange of the (only) signature */
    long br[4] = {0};
    const char *p = NULL;
    for (size_t i = 0; i + 10 < len; i++)
        if (!memcmp(pdf + i, "/ByteRange", 10))
            p = (const char *)pdf + i + 10;
    CHECK(p && sscanf(p, " [ %ld %ld %ld %ld", &br[0], &br[1], &br[2], &br[3]) == 4);
    CHECK(br[1] > 0 && pdf[br[1]] == '<' && pdf[br[2] - 1] == '>');

    snprintf(path, sizeof path, "%s/c.pem", dir);
    FILE *f = fopen(path, "r");
    X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    snprintf(path, sizeof path, "%s/k.pem", dir);
    f = fopen(path, "r");
    EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    CHECK(cert && key);

    /* the original, as kyso signed it: valid */
    ks_verify_report *r = NULL;
    const ks_verify_sig *s = verify(pdf, len, trust, &r);
    CHECK(s && s->integrity && s->indication == KS_IND_TOTAL_PASSED);
    ks_verify_report_free(r);

    /* control: id-data, re-signed by OpenSSL: still not a format failure */
    snprintf(path, sizeof path, "%s/good.der", dir);
    uint8_t *good = resign(pdf, len, br, NID_pkcs7_data, cert, key, path);
    CHECK(good != NULL);
    if (good) {
        s = verify(good, len, trust, &r);
        CHECK_MSG(s && s->integrity && s->subindication != KS_SUB_FORMAT_FAILURE, "%s",
                  s && s->nmessages ? s->messages[0].text_en : "?");
        CHECK(s && !has_msg(s, "contentType", "contentType"));
        ks_verify_report_free(r);
    }
    free(good);

    /* contentType = id-ct-TSTInfo over id-data content */
    snprintf(path, sizeof path, "%s/bad.der", dir);
    uint8_t *badpdf = resign(pdf, len, br, NID_id_smime_ct_TSTInfo, cert, key, path);
    CHECK(badpdf != NULL);
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && openssl cms -cmsout -print -inform DER -in bad.der | grep -A3 "
                     "'object: contentType' | grep -q id-smime-ct-TSTInfo",
                     dir) == 0);
    if (badpdf) {
        s = verify(badpdf, len, trust, &r);
        CHECK(s && s->integrity); /* digest and signature value verify */
        CHECK_MSG(s && s->indication == KS_IND_TOTAL_FAILED &&
                      s->subindication == KS_SUB_FORMAT_FAILURE,
                  "%s / %s", s ? ks_indication_name(s->indication) : "?",
                  s ? ks_subindication_name(s->subindication) : "?");
        CHECK(s && has_msg(s, "contentType attribute is missing or does not match",
                           "không khớp với kiểu của nội dung được ký"));
        CHECK(r && ks_verify_exit_code(r) == 1);
        ks_verify_report_free(r);
    }
    free(badpdf);
    X509_free(cert);
    EVP_PKEY_free(key);
    free(pdf);
    return ks_test_done();
}
