/* tests/unit/util/test_msg.c — late translation: a message keeps its msgid and arguments and is
 * rendered in the language each call asks for (the same error in Vietnamese and English, from
 * several threads at once); wrapped and prefixed parts; a catalogue whose translation does not
 * fit the arguments falls back to English; the .mo reader refuses damaged files; the context's
 * clock, trust store and revocation cache. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/ctx.h"
#include "test.h"

static ks_ctx *g_ctx;

static void test_render(void)
{
    ks_error e;
    ks_error_set(&e, KS_E_IO, N_("cannot open file \"%s\": %s"), "a.pdf", "gone");
    CHECK_STR(e.msg_en, "cannot open file \"a.pdf\": gone");
    char vi[512], en[512];
    ks_error_str(g_ctx, "vi", &e, vi, sizeof vi);
    ks_error_str(g_ctx, "en", &e, en, sizeof en);
    CHECK_STR(en, "cannot open file \"a.pdf\": gone");
    CHECK_STR(vi, "không mở được tệp \"a.pdf\": gone");
    /* the default language of the context is Vietnamese */
    CHECK_STR(ks_error_str(g_ctx, NULL, &e, vi, sizeof vi), "không mở được tệp \"a.pdf\": gone");

    /* numbers of every width keep their value */
    ks_text t;
    ks_text_set(&t, "%d %u %zu %llu %lld %ld %.2f %04X %c %s|%-4s|", -7, 4000000000u, (size_t)12,
                18446744073709551615ull, -9000000000ll, -5l, 3.14159, 0xabu, 'x', "s", "ab");
    ks_text_render(&t, NULL, NULL, en, sizeof en);
    CHECK_STR(en, "-7 4000000000 12 18446744073709551615 -9000000000 -5 3.14 00AB x s|ab  |");
    /* truncation keeps a terminated string and reports the length it wanted */
    char small[8];
    size_t want = ks_text_render(&t, NULL, NULL, small, sizeof small);
    CHECK(want == strlen(en) && strlen(small) == 7);

    /* a prefix and a wrapper, each translated in the same language as the rest */
    ks_error_set(&e, KS_E_FORMAT, N_("cannot open file \"%s\": %s"), "b.pdf", "gone");
    ks_error_wrap(&e, N_("The signature value cannot be read as CMS SignedData: %s"), KS_MSG_REST);
    CHECK_STR(e.msg_en, "The signature value cannot be read as CMS SignedData: cannot open file "
                        "\"b.pdf\": gone");
    ks_error_str(g_ctx, "vi", &e, vi, sizeof vi);
    CHECK_MSG(strstr(vi, "không mở được tệp \"b.pdf\": gone") && !strstr(vi, "cannot"), "vi: %s",
              vi);
    ks_error_prefix(&e, N_("%s: "), "x.pdf");
    CHECK(strncmp(e.msg_en, "x.pdf: The signature", 20) == 0);

    /* a msgid without arguments from a table */
    ks_error_set_id(&e, KS_E_TOKEN, N_("out of memory"));
    CHECK_STR(e.msg_en, "out of memory");
    CHECK(strcmp(ks_error_str(g_ctx, "vi", &e, vi, sizeof vi), "out of memory") != 0);
}

/* A catalogue whose translation swaps %s for %d must not be used with a string argument. */
static void test_bad_translation(void)
{
    const char *dir = ks_test_tmpdir("util-msg");
    char po[4096];
    snprintf(po, sizeof po, "%s/b.po", dir);
    FILE *f = fopen(po, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
          "msgid \"file %s\"\nmsgstr \"tệp %d\"\n\n"
          "msgid \"page %u of %s\"\nmsgstr \"%2$s: trang %1$u\"\n",
          f);
    fclose(f);
    /* msgfmt itself would refuse the first translation: build the file unchecked */
    CHECK(ks_test_sh(NULL, "cd '%s' && msgfmt -o b.mo b.po", dir) == 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/b.mo", dir);
    ks_catalog *c = NULL;
    CHECK(ks_catalog_load(path, &c, NULL) == KS_OK && ks_catalog_count(c) == 2);
    CHECK_STR(ks_catalog_lookup(c, "file %s"), "tệp %d");
    CHECK(ks_catalog_lookup(c, "nothing") == NULL);
    ks_text t;
    char out[128];
    ks_text_set(&t, "file %s", "a");
    ks_text_render(&t, (ks_tr_fn)(void *)ks_catalog_lookup, c, out, sizeof out);
    CHECK_STR(out, "file a"); /* the mismatched translation is ignored */
    ks_text_set(&t, "page %u of %s", 3u, "b.pdf");
    ks_text_render(&t, (ks_tr_fn)(void *)ks_catalog_lookup, c, out, sizeof out);
    CHECK_STR(out, "b.pdf: trang 3"); /* positional arguments */
    ks_catalog_free(c);

    /* damaged catalogues are refused */
    uint8_t junk[64] = {0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 200};
    ks_error e;
    CHECK(ks_catalog_parse(junk, sizeof junk, &c, &e) == KS_E_FORMAT && !c);
    CHECK(ks_catalog_parse(junk, 8, &c, &e) == KS_E_FORMAT && !c);
    junk[0] = 'x';
    CHECK(ks_catalog_parse(junk, sizeof junk, &c, &e) == KS_E_FORMAT && !c);
}

typedef struct worker {
    const char *lang, *want;
    int bad;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < 2000; i++) {
        ks_error e;
        char buf[256];
        ks_error_set(&e, KS_E_IO, N_("cannot open file \"%s\": %s"), "a.pdf", "gone");
        if (strcmp(ks_error_str(g_ctx, w->lang, &e, buf, sizeof buf), w->want) != 0)
            w->bad++;
    }
    return NULL;
}

static void test_threads(void)
{
    worker w[4] = {{"vi", "không mở được tệp \"a.pdf\": gone", 0},
                   {"en", "cannot open file \"a.pdf\": gone", 0},
                   {"vi", "không mở được tệp \"a.pdf\": gone", 0},
                   {"en", "cannot open file \"a.pdf\": gone", 0}};
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, run_worker, &w[i]);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(w[i].bad == 0, "thread %d (%s): %d wrong", i, w[i].lang, w[i].bad);
    }
}

static time_t fixed_clock(void *arg)
{
    return *(time_t *)arg;
}

static void test_ctx_parts(void)
{
    time_t now = 1772678467;
    ks_ctx_opts o = {.clock = fixed_clock, .clock_arg = &now, .lang = "en"};
    ks_ctx *c = NULL;
    CHECK(ks_ctx_new(&o, &c, NULL) == KS_OK);
    CHECK(ks_ctx_now(c) == now && strcmp(ks_ctx_lang(c), "en") == 0);
    CHECK_STR(ks_ctx_tr(c, NULL, "out of memory"), "out of memory");
    CHECK(strcmp(ks_ctx_tr(c, "vi", "out of memory"), "out of memory") != 0);
    ks_error e;
    CHECK(ks_ctx_fetch(c, "http://127.0.0.1:1/", NULL, NULL, 0, 100, 0, NULL, NULL, &e) ==
          KS_E_USAGE);

    uint8_t *d = NULL;
    size_t n = 0;
    ks_ctx_cache_put(c, "k", (const uint8_t *)"abc", 3, now + 10);
    CHECK(ks_ctx_cache_get(c, "k", &d, &n) == KS_OK && n == 3 && memcmp(d, "abc", 3) == 0);
    free(d);
    now += 11; /* expired */
    CHECK(ks_ctx_cache_get(c, "k", &d, &n) != KS_OK && !d);
    ks_ctx_free(c);

    ks_trust *t = NULL;
    CHECK(ks_trust_new(&t, NULL) == KS_OK && ks_trust_count(t) == 0);
    CHECK(ks_trust_add_file(t, "/nonexistent.pem", &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "/nonexistent.pem") != NULL);
    const char *dir = ks_test_tmpdir("util-msg-trust");
    CHECK(ks_test_sh(NULL,
                     "cd '%s' && for i in 1 2 3; do openssl req -x509 -newkey ec -pkeyopt "
                     "ec_paramgen_curve:P-256 -nodes -keyout k$i.key -subj /CN=r$i -days 2 "
                     "-out r$i.pem 2>/dev/null; done",
                     dir) == 0);
    CHECK(ks_trust_add_dir(t, dir, &e) == KS_OK && ks_trust_count(t) == 3);
    CHECK(ks_trust_store(t) != NULL && sk_X509_num(ks_trust_anchors(t)) == 3);
    ks_trust_free(t);
}

/* "%.*s" bounds its argument: a token inside a buffer has no NUL after it (fuzz_docfmt found
 * the copy reading past a PDF keyword at the end of the heap block). */
static void test_precision(void)
{
    char *tok = malloc(4);
    memcpy(tok, "nulx", 4); /* no terminator */
    ks_error e;
    ks_error_set(&e, KS_E_FORMAT, N_("unexpected keyword \"%.*s\" at %d"), 3, tok, 7);
    char out[128];
    CHECK_STR(ks_error_str(g_ctx, "en", &e, out, sizeof out), "unexpected keyword \"nul\" at 7");
    ks_error_set(&e, KS_E_FORMAT, N_("keyword \"%.2s\""), tok);
    CHECK_STR(ks_error_str(g_ctx, "en", &e, out, sizeof out), "keyword \"nu\"");
    free(tok);
}

int main(void)
{
    ks_error e;
    if (ks_ctx_new(NULL, &g_ctx, &e) != KS_OK) {
        fprintf(stderr, "ctx: %s\n", e.msg_en);
        return 1;
    }
    test_render();
    test_bad_translation();
    test_threads();
    test_ctx_parts();
    test_precision();
    ks_ctx_free(g_ctx);
    return ks_test_done();
}
