/* Unit tests of util/: buffers, arena, times in +07:00, NFC and folding, atomic files. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyso/util.h"
#include "test.h"

static void test_time(void)
{
    char s[32];
    time_t t;
    CHECK(ks_time_parse("2026-03-05T09:41:07+07:00", &t, NULL) == KS_OK);
    ks_time_iso_vn(t, s);
    CHECK_STR(s, "2026-03-05T09:41:07+07:00");
    ks_time_pdf_vn(t, s);
    CHECK_STR(s, "D:20260305094107+07'00'");
    ks_time_label_vn(t, s);
    CHECK_STR(s, "05.03.2026 09:41:07 +07:00");
    time_t u;
    CHECK(ks_time_parse("2026-03-05T02:41:07Z", &u, NULL) == KS_OK);
    CHECK(u == t);
    CHECK(ks_time_parse("D:20260305094107+07'00'", &u, NULL) == KS_OK);
    CHECK(u == t);
    /* the year boundary is Vietnam's: 31/12 23:59:59 +07:00 is 16:59:59 UTC */
    CHECK(ks_time_parse("2026-12-31T16:59:59Z", &u, NULL) == KS_OK);
    ks_time_iso_vn(u, s);
    CHECK_STR(s, "2026-12-31T23:59:59+07:00");
    ks_error e;
    CHECK(ks_time_parse("05/03/2026", &u, &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "05/03/2026") != NULL);
}

static void test_text(void)
{
    /* "Nguyễn" written with combining marks becomes precomposed */
    const char *decomposed = "Nguye\xcc\x82\xcc\x83n";
    char *n = ks_utf8_nfc(decomposed, strlen(decomposed));
    CHECK(n && strcmp(n, "Nguyễn") == 0);
    free(n);
    char *f = ks_utf8_fold("  KT.  CHỦ   TỊCH ", strlen("  KT.  CHỦ   TỊCH "));
    CHECK(f && strcmp(f, "kt. chủ tịch") == 0);
    free(f);
    CHECK(!ks_utf8_valid("\xff", 1));
    CHECK(ks_utf8_nfc("\xc3", 1) == NULL);
}

static void test_buf_arena(void)
{
    ks_buf b = KS_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        ks_buf_printf(&b, "%d,", i);
    CHECK(b.len == 3890);
    ks_buf_hex(&b, (const uint8_t *)"\x01\xab", 2);
    CHECK(memcmp(b.data + b.len - 4, "01AB", 4) == 0);
    ks_buf_free(&b);
    CHECK(ks_buf_json_str(&b, "Bắc \"Ninh\"\\\n\t\x01") && b.len > 0);
    CHECK(strcmp((char *)b.data, "\"Bắc \\\"Ninh\\\"\\\\\\n\\t\\u0001\"") == 0);
    ks_buf_free(&b);
    CHECK(ks_buf_json_str(&b, NULL) && strcmp((char *)b.data, "null") == 0);
    ks_buf_free(&b);
    ks_arena *a = ks_arena_new();
    for (int i = 0; i < 10000; i++) {
        char *p = ks_arena_alloc(a, (size_t)(i % 500) + 1);
        CHECK(p != NULL && ((uintptr_t)p & 15) == 0);
    }
    CHECK(ks_arena_alloc(a, 1 << 20) != NULL);
    ks_arena_free(a);
}

static void test_atomic(void)
{
    const char *dir = ks_test_tmpdir("util");
    char path[4200];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    CHECK(ks_write_file_atomic(path, "hello", 5, NULL) == KS_OK);
    ks_out o;
    CHECK(ks_out_open(&o, path, NULL) == KS_OK);
    ks_out_write(&o, "partial", 7, NULL);
    ks_out_abort(&o);
    uint8_t *d;
    size_t len;
    CHECK(ks_read_file(path, 100, &d, &len, NULL) == KS_OK);
    CHECK(len == 5 && memcmp(d, "hello", 5) == 0); /* an aborted write leaves the old file */
    free(d);
    char *out = NULL;
    ks_test_sh(&out, "ls '%s' | wc -l", dir);
    CHECK(out && atoi(out) == 1); /* no temporary left behind */
    free(out);
    ks_error e;
    CHECK(ks_read_file("/nonexistent/x.pdf", 10, &d, &len, &e) == KS_E_IO);
    CHECK(strstr(e.msg_en, "/nonexistent/x.pdf") != NULL);
}

/* One rule for file and environment: a NUL, a second line or an over-long secret is refused,
 * never cut; one trailing newline is not part of the secret. */
static void test_secret(void)
{
    const char *dir = ks_test_tmpdir("util_secret");
    char path[4200];
    snprintf(path, sizeof path, "%s/pin", dir);
    char *s = NULL;
    ks_error e;
    struct {
        const char *data;
        size_t len;
        const char *want; /* NULL: refused */
    } cases[] = {
        {"1234\n", 5, "1234"},
        {"1234\r\n", 6, "1234"},
        {"1234", 4, "1234"},
        {"12\0"
         "34\n",
         6, NULL},
        {"1234\nabcd\n", 10, NULL},
        {"1234\n\n", 6, NULL},
        {"12\r34", 5, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(ks_write_file_atomic(path, cases[i].data, cases[i].len, NULL) == KS_OK);
        ks_status st = ks_secret_read(path, NULL, NULL, &s, &e);
        if (cases[i].want) {
            CHECK_MSG(st == KS_OK && s && strcmp(s, cases[i].want) == 0, "file case %zu", i);
        } else {
            CHECK_MSG(st == KS_E_USAGE && s == NULL, "file case %zu", i);
            CHECK(strstr(e.msg_en, "PIN or password") != NULL);
        }
        ks_secret_free(s);
        s = NULL;
        /* the environment cannot hold a NUL; every other case must answer the same */
        if (memchr(cases[i].data, 0, cases[i].len))
            continue;
        char v[64];
        memcpy(v, cases[i].data, cases[i].len);
        v[cases[i].len] = 0;
        setenv("KS_TEST_SECRET", v, 1);
        st = ks_secret_read(NULL, "KS_TEST_SECRET", NULL, &s, &e);
        if (cases[i].want)
            CHECK_MSG(st == KS_OK && s && strcmp(s, cases[i].want) == 0, "env case %zu", i);
        else
            CHECK_MSG(st == KS_E_USAGE && s == NULL, "env case %zu", i);
        ks_secret_free(s);
        s = NULL;
    }
    /* the same size limit for both: 1024 bytes pass, 1025 are refused */
    char big[1100];
    memset(big, 'a', sizeof big);
    for (int k = 0; k < 2; k++) {
        size_t n = k == 0 ? 1024 : 1025;
        CHECK(ks_write_file_atomic(path, big, n, NULL) == KS_OK);
        ks_status st = ks_secret_read(path, NULL, NULL, &s, &e);
        CHECK(k == 0 ? st == KS_OK && strlen(s) == 1024 : st == KS_E_USAGE);
        ks_secret_free(s);
        s = NULL;
        big[n] = 0;
        setenv("KS_TEST_SECRET", big, 1);
        big[n] = 'a';
        st = ks_secret_read(NULL, "KS_TEST_SECRET", NULL, &s, &e);
        CHECK(k == 0 ? st == KS_OK && strlen(s) == 1024 : st == KS_E_USAGE);
        ks_secret_free(s);
        s = NULL;
    }
}

/* Untrusted text on a terminal: controls shown as escapes, idempotent, empty values terminated. */
static void test_visible(void)
{
    char *v = ks_text_visible("");
    CHECK(v && v[0] == 0);
    free(v);
    v = ks_text_visible("A\x1b[1m\nB\xc2\x9b\xe2\x80\xae\xff Vi\xe1\xbb\x87t");
    CHECK_STR(v, "A\\x1b[1m\\nB\\u009b\\u202e\\xff Vi\xe1\xbb\x87t");
    char *w = ks_text_visible(v);
    CHECK_STR(w, v);
    free(w);
    free(v);
    CHECK(ks_text_control_at("Nguy\xe1\xbb\x85n", 8) == -1);
    CHECK(ks_text_control_at("ab\tc", 4) == 2);
}

int main(void)
{
    test_visible();
    test_secret();
    test_time();
    test_text();
    test_buf_arena();
    test_atomic();
    return ks_test_done();
}
