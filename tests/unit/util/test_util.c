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

int main(void)
{
    test_time();
    test_text();
    test_buf_arena();
    test_atomic();
    return ks_test_done();
}
