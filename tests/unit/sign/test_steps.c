/* tests/unit/sign/test_steps.c — the four-step API as a remote signer uses it: prepare, digest,
 * a CMS made outside (here ks_cms_sign_digest, as kyso-agent would), embed, write. Oracles:
 * `openssl dgst` over the ByteRange of the written file, pdfsig, cmp. Also the refusals of the
 * steps (too small /Contents, write before embed, OUT == IN, input changed after prepare) and
 * the text-string and name-parsing helpers. */
#include <stdlib.h>
#include <string.h>

#include "sign_internal.h"
#include "test.h"

static void test_helpers(void)
{
    ks_sign_level l;
    ks_sign_kind k;
    CHECK(ks_sign_level_parse("B-LTA", &l) && l == KS_SIGN_B_LTA);
    CHECK(!ks_sign_level_parse("B-X", &l));
    CHECK(ks_sign_kind_parse("organization", &k) && k == KS_SIGN_ORGANIZATION);
    CHECK(!ks_sign_kind_parse("visible", &k));
    CHECK_STR(ks_sign_level_name(KS_SIGN_B_T), "B-T");

    ks_buf b = KS_BUF_INIT;
    ks_sign_put_text(&b, "a (b) \\c");
    CHECK_STR((char *)b.data, "(a \\(b\\) \\\\c)");
    ks_buf_free(&b);
    /* "Hà Nội" in NFC: H à(00E0) space N ộ(1ED9) i */
    ks_sign_put_text(&b, "H\xC3\xA0 N\xE1\xBB\x99i");
    CHECK_STR((char *)b.data, "<FEFF004800E00020004E1ED90069>");
    ks_buf_free(&b);
    ks_sign_put_text(&b, "Ho\xCC\x82\xCC\x80"); /* NFD "Hồ" is stored as NFC (U+1ED3) */
    CHECK_STR((char *)b.data, "<FEFF00481ED3>");
    ks_buf_free(&b);
    ks_sign_put_text(&b, "\xF0\x9F\x98\x80"); /* U+1F600: a surrogate pair */
    CHECK_STR((char *)b.data, "<FEFFD83DDE00>");
    ks_buf_free(&b);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

int main(void)
{
    test_helpers();
    const char *dir = ks_test_tmpdir("sign-steps");
    char in[4200], out[4200], p12[4200];
    snprintf(in, sizeof in, "%s/in.pdf", dir);
    snprintf(out, sizeof out, "%s/out.pdf", dir);
    snprintf(p12, sizeof p12, "%s",
             ks_test_shared("corpus/certs/vn-corpus-public-signer-nguyen-van-a.p12"));
    CHECK(ks_test_sh(NULL, "cp '%s' '%s'", ks_test_shared("corpus/github/gh-pdfbox-sign-me.pdf"),
                     in) == 0);
    ks_error err;
    ks_signer *signer = NULL;
    CHECK(ks_signer_from_p12(p12, "test", &signer, &err) == KS_OK);
    if (!signer)
        return ks_test_done();

    ks_sign_opts o;
    ks_sign_opts_init(&o);
    CHECK(ks_time_parse("2026-12-01T09:41:07+07:00", &o.signing_time, &err) == KS_OK);
    o.reason = "Phê duyệt";

    /* prepare → digest → (external CMS) → embed → write */
    ks_sign_ctx *ctx = NULL;
    CHECK(ks_sign_prepare(in, &o, signer, &ctx, &err) == KS_OK);
    if (!ctx)
        return ks_test_done();
    CHECK_STR(ks_sign_field_name(ctx), "Signature1");
    uint64_t r[4];
    ks_sign_byte_range(ctx, r);
    long in_len = file_size(in);
    CHECK(r[0] == 0 && r[1] > (uint64_t)in_len && r[2] > r[1]);
    uint8_t digest[64];
    size_t dlen = 0;
    CHECK(ks_sign_digest(ctx, digest, &dlen, &err) == KS_OK && dlen == 32);
    CHECK(ks_sign_write(ctx, out, &err) == KS_E_USAGE); /* nothing embedded yet */
    CHECK(strstr(err.msg_en, "no signature has been embedded") != NULL);
    ks_cms_sign_opts co = {0};
    co.profile = KS_CMS_CADES;
    co.md = KS_MD_SHA256;
    uint8_t *der = NULL;
    size_t der_len = 0;
    CHECK(ks_cms_sign_digest(signer, digest, dlen, &co, &der, &der_len, &err) == KS_OK);
    CHECK(ks_sign_embed(ctx, der, der_len, &err) == KS_OK);
    CHECK(ks_sign_write(ctx, in, &err) == KS_E_USAGE); /* OUT == IN without in_place */
    CHECK(strstr(err.msg_en, "is the input file") != NULL);
    CHECK(ks_sign_write(ctx, out, &err) == KS_OK);
    free(der);
    ks_sign_ctx_free(ctx);

    CHECK((uint64_t)file_size(out) == r[2] + r[3]);
    CHECK(ks_test_sh(NULL, "cmp -s -n %ld '%s' '%s'", in_len, in, out) == 0);
    /* The digest the step returned is the SHA-256 of the ByteRange of the written file. */
    char *hex = NULL;
    ks_test_sh(&hex,
               "cd '%s' && { head -c %llu out.pdf; tail -c %llu out.pdf; } | "
               "openssl dgst -sha256 -r | cut -d' ' -f1",
               dir, (unsigned long long)r[1], (unsigned long long)r[3]);
    ks_buf mine = KS_BUF_INIT;
    ks_buf_hex(&mine, digest, dlen);
    CHECK_MSG(hex && strncasecmp(hex, (char *)mine.data, mine.len) == 0, "%s vs %s",
              hex ? hex : "-", (char *)mine.data);
    free(hex);
    ks_buf_free(&mine);
    CHECK(ks_test_sh(NULL, "pdfsig '%s' | grep -q 'Signature is Valid'", out) == 0);
    char m[32];
    ks_time_pdf_vn(o.signing_time, m);
    CHECK(ks_test_sh(NULL, "grep -aqF \"/M (%s)\" '%s'", m, out) == 0);
    CHECK(ks_test_sh(NULL, "grep -aq '/Reason <FEFF0050006800EA00200064007500791EC70074>' '%s'",
                     out) == 0);

    /* A /Contents too small for the CMS: embed refuses, naming both sizes. */
    o.contents_size = 100;
    CHECK(ks_sign_prepare(in, &o, signer, &ctx, &err) == KS_OK);
    if (ctx) {
        CHECK(ks_sign_sign(ctx, signer, &der, &der_len, &err) == KS_OK);
        CHECK(ks_sign_embed(ctx, der, der_len, &err) == KS_E_LIMIT);
        char sizes[64];
        snprintf(sizes, sizeof sizes, "(%zu bytes)", der_len);
        CHECK_MSG(strstr(err.msg_en, sizes) && strstr(err.msg_en, "(100 bytes)"), "%s", err.msg_en);
        free(der);
        ks_sign_ctx_free(ctx);
        ctx = NULL;
    }
    o.contents_size = 0;

    /* The input grows between prepare and digest: refused, nothing written. */
    CHECK(ks_sign_prepare(in, &o, signer, &ctx, &err) == KS_OK);
    if (ctx) {
        CHECK(ks_test_sh(NULL, "echo x >> '%s'", in) == 0);
        CHECK(ks_sign_digest(ctx, digest, &dlen, &err) == KS_E_IO);
        CHECK(strstr(err.msg_en, "changed while it was being signed") != NULL);
        ks_sign_ctx_free(ctx);
    }

    /* A signed field named with --field cannot be signed again; an empty one is reused. */
    o.field_name = "Signature1";
    CHECK(ks_sign_prepare(out, &o, signer, &ctx, &err) == KS_E_STATE);
    CHECK(strstr(err.msg_en, "is not an empty signature field") != NULL);
    o.field_name = NULL;
    char withf[4200];
    snprintf(withf, sizeof withf, "%s",
             ks_test_shared("corpus/github/gh-pyhanko-minimal-with-field.pdf"));
    CHECK(ks_sign_prepare(withf, &o, signer, &ctx, &err) == KS_OK);
    if (ctx) {
        CHECK_STR(ks_sign_field_name(ctx), "Sig1");
        ks_sign_ctx_free(ctx);
    }
    ks_signer_free(signer);
    return ks_test_done();
}
