/* tests/tools/verify_many.c — the server's verification ceiling, for bench/bench_library.sh:
 * one ks_ctx (catalogue, trust store loaded once) and THREADS threads verify every FILE (each
 * read into memory once before the clock starts) and render a report in Vietnamese.
 *   kyso_verify_many THREADS TRUST.pem FILE...
 * Prints "docs=N seconds=S docs_per_s=R passed=P"; exit 1 when a document is not TOTAL-PASSED. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kyso/ctx.h"
#include "kyso/verify.h"

typedef struct doc {
    uint8_t *data;
    size_t len;
} doc;

static doc *g_docs;
static int g_ndocs;
static atomic_int g_next, g_passed;
static ks_ctx *g_ctx;

static void *run(void *arg)
{
    (void)arg;
    ks_verify_opts vo = {0};
    vo.ctx = g_ctx;
    vo.offline = true;
    for (int i; (i = atomic_fetch_add(&g_next, 1)) < g_ndocs;) {
        ks_verify_report *r = NULL;
        ks_error e;
        if (ks_verify_run_mem(g_docs[i].data, g_docs[i].len, "doc.pdf", &vo, &r, &e) != KS_OK)
            continue;
        ks_buf b = KS_BUF_INIT;
        if (r->indication == KS_IND_TOTAL_PASSED && ks_verify_render_text(g_ctx, "vi", r, &b))
            atomic_fetch_add(&g_passed, 1);
        ks_buf_free(&b);
        ks_verify_report_free(r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: kyso_verify_many THREADS TRUST.pem FILE...\n");
        return 2;
    }
    int threads = atoi(argv[1]);
    if (threads < 1 || threads > 64)
        threads = 2;
    ks_error e;
    ks_trust *trust = NULL;
    if (ks_trust_new(&trust, &e) != KS_OK || ks_trust_add_file(trust, argv[2], &e) != KS_OK) {
        fprintf(stderr, "%s\n", e.msg_en);
        return 2;
    }
    ks_ctx_opts co = {.trust = trust};
    if (ks_ctx_new(&co, &g_ctx, &e) != KS_OK) {
        fprintf(stderr, "%s\n", e.msg_en);
        return 2;
    }
    g_ndocs = argc - 3;
    g_docs = calloc((size_t)g_ndocs, sizeof *g_docs);
    for (int i = 0; i < g_ndocs; i++)
        if (ks_read_file(argv[3 + i], 1 << 28, &g_docs[i].data, &g_docs[i].len, &e) != KS_OK) {
            fprintf(stderr, "%s\n", e.msg_en);
            return 2;
        }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pthread_t th[64];
    for (int t = 0; t < threads; t++)
        pthread_create(&th[t], NULL, run, NULL);
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("docs=%d seconds=%.3f docs_per_s=%.0f passed=%d\n", g_ndocs, s, g_ndocs / s,
           atomic_load(&g_passed));
    for (int i = 0; i < g_ndocs; i++)
        free(g_docs[i].data);
    free(g_docs);
    ks_ctx_free(g_ctx);
    ks_trust_free(trust);
    return atomic_load(&g_passed) == g_ndocs ? 0 : 1;
}
