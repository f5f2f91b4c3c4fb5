/* tests/unit/sign/test_memory.c — sources and sinks: a document signed from memory into memory,
 * from a pipe onto a file descriptor, and from a path into a path gives the same bytes (same
 * key, time and options), valid in pdfsig and in ks_verify_run_mem / _fd; a visible signature
 * with its image given as bytes; the misuse the library now refuses on every path (B-T
 * without a TSA, a different signer at ks_sign_sign); two-phase begin/finish in one process
 * with save/load in between, and a saved state refused for other bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyso/verify.h"
#include "sign_internal.h"
#include "test.h"

static uint8_t *sign_mem(const uint8_t *pdf, size_t len, const ks_sign_opts *o, ks_signer *s,
                         size_t *out_len)
{
    ks_error e;
    ks_sign_ctx *ctx = NULL;
    uint8_t *der = NULL, *out = NULL;
    size_t der_len = 0;
    *out_len = 0;
    bool ok = ks_sign_prepare_mem(pdf, len, "mem.pdf", o, s, &ctx, &e) == KS_OK &&
              ks_sign_sign(ctx, s, &der, &der_len, &e) == KS_OK &&
              ks_sign_embed(ctx, der, der_len, &e) == KS_OK &&
              ks_sign_write_mem(ctx, &out, out_len, &e) == KS_OK;
    CHECK_MSG(ok, "%s", e.msg_en);
    free(der);
    ks_sign_ctx_free(ctx);
    return out;
}

static int verify_mem(const uint8_t *d, size_t len)
{
    ks_verify_opts vo = {0};
    vo.offline = true;
    vo.trust_files[0] = ks_test_shared("corpus/certs/vn-corpus-public-root.pem");
    vo.ntrust = 1;
    ks_verify_report *r = NULL;
    ks_error e;
    if (ks_verify_run_mem(d, len, "m.pdf", &vo, &r, &e) != KS_OK)
        return -1;
    int rc = r->nsigs == 1 && r->sigs[0].integrity ? (int)r->sigs[0].indication : -2;
    ks_verify_report_free(r);
    return rc;
}

int main(void)
{
    const char *dir = ks_test_tmpdir("sign-memory");
    char in[4200];
    snprintf(in, sizeof in, "%s", ks_test_shared("corpus/github/gh-pdfbox-sign-me.pdf"));
    ks_error e;
    uint8_t *pdf = NULL;
    size_t len = 0;
    ks_signer *signer = NULL;
    CHECK(ks_read_file(in, 1 << 26, &pdf, &len, &e) == KS_OK);
    CHECK(
        ks_signer_from_p12(ks_test_shared("corpus/certs/vn-corpus-public-signer-nguyen-van-a.p12"),
                           "test", &signer, &e) == KS_OK);
    if (!pdf || !signer)
        return ks_test_done();
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.offline = true;
    CHECK(ks_time_parse("2026-12-01T09:41:07+07:00", &o.signing_time, &e) == KS_OK);

    /* memory in, memory out */
    size_t n1 = 0;
    uint8_t *m1 = sign_mem(pdf, len, &o, signer, &n1);
    CHECK(m1 && n1 > len && memcmp(m1, pdf, len) == 0);
    CHECK(verify_mem(m1, n1) == KS_IND_TOTAL_PASSED);
    char path[4200], out2[4200];
    snprintf(path, sizeof path, "%s/m1.pdf", dir);
    CHECK(ks_write_file_atomic(path, m1, n1, &e) == KS_OK);
    CHECK(ks_test_sh(NULL, "pdfsig '%s' | grep -q 'Signature is Valid'", path) == 0);

    /* path in, path out: the same bytes */
    snprintf(out2, sizeof out2, "%s/p.pdf", dir);
    CHECK_MSG(ks_sign_file(in, out2, &o, signer, &e) == KS_OK, "%s", e.msg_en);
    CHECK(ks_test_sh(NULL, "cmp -s '%s' '%s'", path, out2) == 0);

    /* a pipe in, a file descriptor out; verified from a descriptor */
    int p[2];
    CHECK(pipe(p) == 0);
    if (fork() == 0) {
        close(p[0]);
        for (size_t off = 0; off < len;) {
            ssize_t w = write(p[1], pdf + off, len - off);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    ks_sign_ctx *ctx = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    snprintf(out2, sizeof out2, "%s/fd.pdf", dir);
    int fd = open(out2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(ks_sign_prepare_fd(p[0], "pipe", &o, signer, &ctx, &e) == KS_OK);
    close(p[0]);
    CHECK(ctx && ks_sign_sign(ctx, signer, &der, &der_len, &e) == KS_OK &&
          ks_sign_embed(ctx, der, der_len, &e) == KS_OK && ks_sign_write_fd(ctx, fd, &e) == KS_OK);
    close(fd);
    free(der);
    ks_sign_ctx_free(ctx);
    CHECK(ks_test_sh(NULL, "cmp -s '%s' '%s'", path, out2) == 0);
    fd = open(out2, O_RDONLY);
    ks_verify_report *r = NULL;
    ks_verify_opts vo = {0};
    vo.offline = true;
    CHECK(ks_verify_run_fd(fd, "fd.pdf", &vo, &r, &e) == KS_OK && r->nsigs == 1 &&
          r->sigs[0].integrity);
    ks_verify_report_free(r);
    close(fd);

    /* B-T without a TSA: refused at prepare, whatever the path */
    o.level = KS_SIGN_B_T;
    CHECK(ks_sign_prepare_mem(pdf, len, "x", &o, signer, &ctx, &e) == KS_E_USAGE && !ctx);
    CHECK(strstr(e.msg_en, "needs a timestamp authority") != NULL);
    CHECK(ks_sign_prepare(in, &o, signer, &ctx, &e) == KS_E_USAGE && !ctx);
    o.level = KS_SIGN_B_B;

    /* two phases in one process, with save and load between them */
    ks_cms_tbs tbs;
    uint8_t *state = NULL;
    size_t slen = 0;
    CHECK(ks_sign_prepare_mem(pdf, len, "x", &o, signer, &ctx, &e) == KS_OK &&
          ks_sign_begin(ctx, &tbs, &e) == KS_OK &&
          ks_sign_prepared_save(ctx, &state, &slen, &e) == KS_OK);
    ks_sign_ctx_free(ctx);
    ctx = NULL;
    CHECK(tbs.hash_len == 32 && tbs.scheme == KS_SIG_RSA_PKCS1 && slen < 16384);
    uint8_t sig[1024];
    size_t sig_len = sizeof sig;
    CHECK(signer->sign(signer, KS_SIG_RSA_PKCS1, KS_MD_SHA256, tbs.hash, tbs.hash_len, sig,
                       &sig_len, &e) == KS_OK);
    CHECK(ks_sign_prepared_load(state, slen, pdf, len, "x", NULL, &ctx, &e) == KS_OK);
    sig[5] ^= 1;
    CHECK(ctx && ks_sign_finish(ctx, sig, sig_len, &e) == KS_E_CRYPTO);
    sig[5] ^= 1;
    uint8_t *m2 = NULL;
    size_t n2 = 0;
    CHECK(ctx && ks_sign_write_mem(ctx, &m2, &n2, &e) == KS_E_USAGE); /* nothing embedded */
    CHECK(ctx && ks_sign_finish(ctx, sig, sig_len, &e) == KS_OK &&
          ks_sign_write_mem(ctx, &m2, &n2, &e) == KS_OK);
    CHECK(m2 && verify_mem(m2, n2) == KS_IND_TOTAL_PASSED);
    CHECK(n2 == n1 && m2 && memcmp(m1, m2, n1) == 0); /* the same as one-phase signing */
    ks_sign_ctx_free(ctx);
    ctx = NULL;
    pdf[len - 3] ^= 0x20;
    CHECK(ks_sign_prepared_load(state, slen, pdf, len, "x", NULL, &ctx, &e) == KS_E_STATE && !ctx);
    CHECK(strstr(e.msg_en, "not the one the signature was prepared for") != NULL);
    pdf[len - 3] ^= 0x20;
    for (size_t i = 8; i < slen; i += 97) { /* damaged states never load into garbage */
        state[i] ^= 0x55;
        ks_status st = ks_sign_prepared_load(state, slen, pdf, len, "x", NULL, &ctx, &e);
        if (st == KS_OK) { /* a change in a byte the state does not depend on (e.g. a name) */
            ks_sign_ctx_free(ctx);
            ctx = NULL;
        }
        state[i] ^= 0x55;
    }
    free(state);
    free(m1);
    free(m2);
    free(pdf);
    ks_signer_free(signer);
    return ks_test_done();
}
