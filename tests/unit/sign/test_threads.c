/* tests/unit/sign/test_threads.c — libkyso as a server uses it: one ks_ctx (catalogue, clock,
 * trust store loaded once) shared by 8 threads, each signing 200 different one-page documents
 * from memory into memory and verifying each result, with reports rendered in the thread's
 * own language (Vietnamese or English) at the same time. Every result must be TOTAL-PASSED and
 * every report in its thread's language; a sample of outputs must be valid in pdfsig. Run
 * under ThreadSanitizer by scripts/test.sh (KYSO_TSAN pass, ctest label "tsan"): any data race
 * in the library fails it there. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/ctx.h"
#include "kyso/sign.h"
#include "kyso/verify.h"
#include "test.h"

#define THREADS 8
#define ITERATIONS 200

static ks_ctx *g_ctx;
static ks_signer *g_signer;
static time_t g_when;

typedef struct worker {
    int id;
    const char *lang;
    int signed_ok, passed, lang_ok;
    char first_error[512];
    uint8_t *sample; /* the last output, for pdfsig */
    size_t sample_len;
} worker;

/* A one-page document whose text and size differ with (thread, iteration). */
static uint8_t *make_doc(int t, int i, size_t *len)
{
    char content[128], objs[5][256];
    int n = snprintf(content, sizeof content, "BT /F1 12 Tf 72 %d Td (Van ban %d-%d) Tj ET",
                     700 - (i % 50) * 10, t, i);
    snprintf(objs[0], sizeof objs[0], "<< /Type /Catalog /Pages 2 0 R >>");
    snprintf(objs[1], sizeof objs[1], "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    snprintf(objs[2], sizeof objs[2],
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 842] /Contents 4 0 R /Resources << "
             "/Font << /F1 5 0 R >> >> >>",
             595 + t);
    snprintf(objs[3], sizeof objs[3], "<< /Length %d >>\nstream\n%s\nendstream", n, content);
    snprintf(objs[4], sizeof objs[4], "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>");
    ks_buf b = KS_BUF_INIT;
    size_t off[5];
    ks_buf_puts(&b, "%PDF-1.7\n");
    for (int k = 0; k < 5; k++) {
        off[k] = b.len;
        ks_buf_printf(&b, "%d 0 obj\n%s\nendobj\n", k + 1, objs[k]);
    }
    size_t xref = b.len;
    ks_buf_puts(&b, "xref\n0 6\n0000000000 65535 f\r\n");
    for (int k = 0; k < 5; k++)
        ks_buf_printf(&b, "%010zu 00000 n\r\n", off[k]);
    ks_buf_printf(&b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    return ks_buf_steal(&b, len);
}

static void note(worker *w, const char *what, const ks_error *e)
{
    if (!w->first_error[0])
        snprintf(w->first_error, sizeof w->first_error, "%s: %s", what, e ? e->msg_en : "");
}

static void *run(void *arg)
{
    worker *w = arg;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.offline = true;
    o.ctx = g_ctx;
    o.signing_time = g_when;
    o.reason = w->id % 2 ? "Phê duyệt" : "Ban hành";
    ks_verify_opts vo = {0};
    vo.ctx = g_ctx; /* the shared trust store and clock */
    vo.offline = true;
    /* words only the report in this language has */
    const char *marker = strcmp(w->lang, "vi") == 0 ? "Kết luận" : "Conclusion";
    for (int i = 0; i < ITERATIONS; i++) {
        size_t len = 0, out_len = 0, der_len = 0;
        uint8_t *doc = make_doc(w->id, i, &len), *out = NULL, *der = NULL;
        ks_sign_ctx *sc = NULL;
        ks_error e;
        if (ks_sign_prepare_mem(doc, len, "doc.pdf", &o, g_signer, &sc, &e) != KS_OK ||
            ks_sign_sign(sc, g_signer, &der, &der_len, &e) != KS_OK ||
            ks_sign_embed(sc, der, der_len, &e) != KS_OK ||
            ks_sign_write_mem(sc, &out, &out_len, &e) != KS_OK) {
            note(w, "sign", &e);
        } else {
            w->signed_ok++;
            ks_verify_report *r = NULL;
            if (ks_verify_run_mem(out, out_len, "doc.pdf", &vo, &r, &e) != KS_OK) {
                note(w, "verify", &e);
            } else {
                if (r->indication == KS_IND_TOTAL_PASSED && r->nsigs == 1)
                    w->passed++;
                else
                    note(w, ks_indication_name(r->indication), NULL);
                ks_buf txt = KS_BUF_INIT;
                if (ks_verify_render_text(g_ctx, w->lang, r, &txt) && ks_buf_putc(&txt, 0) &&
                    strstr((const char *)txt.data, marker))
                    w->lang_ok++;
                else
                    note(w, "language", NULL);
                ks_buf_free(&txt);
                ks_verify_report_free(r);
            }
        }
        free(der);
        ks_sign_ctx_free(sc);
        free(doc);
        if (i == ITERATIONS - 1) {
            w->sample = out;
            w->sample_len = out_len;
        } else {
            free(out);
        }
    }
    return NULL;
}

static time_t fixed_clock(void *arg)
{
    return *(const time_t *)arg;
}

int main(void)
{
    ks_error e;
    char p12[4200], root[4200];
    snprintf(p12, sizeof p12, "%s",
             ks_test_shared("corpus/certs/vn-corpus-public-signer-nguyen-van-a.p12"));
    snprintf(root, sizeof root, "%s", ks_test_shared("corpus/certs/vn-corpus-public-root.pem"));
    CHECK(ks_signer_from_p12(p12, "test", &g_signer, &e) == KS_OK);
    ks_trust *trust = NULL;
    CHECK(ks_trust_new(&trust, &e) == KS_OK && ks_trust_add_file(trust, root, &e) == KS_OK);
    CHECK(ks_time_parse("2026-12-01T09:41:07+07:00", &g_when, &e) == KS_OK);
    time_t now = g_when + 60;
    ks_ctx_opts co = {.clock = fixed_clock, .clock_arg = &now, .trust = trust};
    CHECK(ks_ctx_new(&co, &g_ctx, &e) == KS_OK);
    if (!g_signer || !g_ctx)
        return ks_test_done();

    worker w[THREADS];
    pthread_t th[THREADS];
    memset(w, 0, sizeof w);
    for (int t = 0; t < THREADS; t++) {
        w[t].id = t;
        w[t].lang = t % 2 ? "en" : "vi";
        CHECK(pthread_create(&th[t], NULL, run, &w[t]) == 0);
    }
    const char *dir = ks_test_tmpdir("sign-threads");
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        CHECK_MSG(w[t].signed_ok == ITERATIONS && w[t].passed == ITERATIONS &&
                      w[t].lang_ok == ITERATIONS,
                  "thread %d (%s): signed %d, passed %d, in its language %d; %s", t, w[t].lang,
                  w[t].signed_ok, w[t].passed, w[t].lang_ok, w[t].first_error);
        char path[4300];
        snprintf(path, sizeof path, "%s/t%d.pdf", dir, t);
        CHECK(w[t].sample && ks_write_file_atomic(path, w[t].sample, w[t].sample_len, &e) == KS_OK);
        CHECK_MSG(ks_test_sh(NULL, "pdfsig '%s' 2>&1 | grep -q 'Signature is Valid'", path) == 0,
                  "pdfsig %s", path);
        free(w[t].sample);
    }
    ks_ctx_free(g_ctx);
    ks_trust_free(trust);
    ks_signer_free(g_signer);
    return ks_test_done();
}
