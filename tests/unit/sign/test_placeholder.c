/* tests/unit/sign/test_placeholder.c — the /ByteRange + /Contents placeholders: written, found
 * by offset, ByteRange filled with fixed width, CMS embedded as hex, overflow refused with both
 * sizes, and the streamed digest compared with `openssl dgst` over the same bytes. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sign_internal.h"
#include "test.h"

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(p, 1, n, f) == n);
        fclose(f);
    }
}

int main(void)
{
    const char *dir = ks_test_tmpdir("sign-placeholder");
    char base_path[4200], full_path[4200], signed_path[4200];
    snprintf(base_path, sizeof base_path, "%s/base.bin", dir);
    snprintf(full_path, sizeof full_path, "%s/full.pdf", dir);
    snprintf(signed_path, sizeof signed_path, "%s/covered.bin", dir);

    /* A base "file" of 3 MB + 17 bytes (more than one read block) with varied bytes. */
    size_t base_len = (3u << 20) + 17;
    uint8_t *base = malloc(base_len);
    CHECK(base != NULL);
    for (size_t i = 0; i < base_len; i++)
        base[i] = (uint8_t)(i * 131 + (i >> 9));
    write_file(base_path, base, base_len);

    ks_sig_slot s;
    memset(&s, 0, sizeof s);
    s.base_len = base_len;
    ks_buf_puts(&s.upd, "\n12 0 obj\n<< /Type /Sig ");
    uint64_t obj_off = base_len + 1;
    CHECK(ks_sig_put_placeholders(&s.upd, 100));
    ks_buf_puts(&s.upd, " /Reason (x /Contents <ff>) >>\nendobj\ntrailer\n%%EOF\n");

    ks_error err;
    CHECK(ks_sig_slot_locate(&s, obj_off, &err) == KS_OK);
    uint64_t total = base_len + s.upd.len;
    CHECK(s.range[0] == 0);
    CHECK(s.range[1] == s.gap_off);
    CHECK(s.gap_len == 202); /* '<' + 200 hex digits + '>' */
    CHECK(s.range[2] + s.range[3] == total);
    const uint8_t *gap = s.upd.data + (s.gap_off - base_len);
    CHECK(gap[0] == '<' && gap[s.gap_len - 1] == '>');
    /* The ByteRange text parses back to the same numbers and keeps its width. */
    const char *br = (const char *)s.upd.data + (s.br_off - base_len);
    CHECK(br[0] == '[' && br[s.br_len - 1] == ']');
    unsigned long long a, b, c, d;
    CHECK(sscanf(br, "[%llu %llu %llu %llu", &a, &b, &c, &d) == 4);
    CHECK(a == 0 && b == s.range[1] && c == s.range[2] && d == s.range[3]);

    /* Embed: fits, padded with zeros; too large: refused naming both sizes. */
    uint8_t der[100];
    for (int i = 0; i < 100; i++)
        der[i] = (uint8_t)(0xA0 + i);
    CHECK(ks_sig_slot_embed(&s, der, 60, &err) == KS_OK);
    CHECK(memcmp(gap + 1, "A0A1A2", 6) == 0);
    CHECK(gap[1 + 120] == '0' && gap[200] == '0');
    uint8_t big[101] = {0};
    CHECK(ks_sig_slot_embed(&s, big, 101, &err) == KS_E_LIMIT);
    CHECK(strstr(err.msg_en, "101") != NULL && strstr(err.msg_en, "100") != NULL);

    /* Digest: streamed hash == openssl dgst over the bytes the ByteRange names. */
    FILE *f = fopen(full_path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(base, 1, base_len, f);
        fwrite(s.upd.data, 1, s.upd.len, f);
        fclose(f);
    }
    CHECK(ks_test_sh(NULL, "cd '%s' && { head -c %llu full.pdf; tail -c %llu full.pdf; } > %s", dir,
                     (unsigned long long)s.range[1], (unsigned long long)s.range[3],
                     "covered.bin") == 0);
    const char *mds[] = {"sha256", "sha384", "sha512"};
    for (int m = 0; m < 3; m++) {
        int fd = open(base_path, O_RDONLY);
        CHECK(fd >= 0);
        uint8_t dg[64];
        size_t dl = 0;
        CHECK(ks_sig_slot_digest(&s, fd, base_path, (ks_md)m, dg, &dl, &err) == KS_OK);
        close(fd);
        ks_buf hex = KS_BUF_INIT;
        ks_buf_hex(&hex, dg, dl);
        char *out = NULL;
        ks_test_sh(&out, "openssl dgst -%s -r '%s' | cut -d' ' -f1 | tr a-f A-F", mds[m],
                   signed_path);
        CHECK_MSG(out && strncmp(out, (char *)hex.data, hex.len) == 0, "%s: %s vs %s", mds[m],
                  out ? out : "(none)", (char *)hex.data);
        free(out);
        ks_buf_free(&hex);
    }

    /* Copy: the output starts with the base bytes exactly. */
    char copy_path[4200];
    snprintf(copy_path, sizeof copy_path, "%s/copy.bin", dir);
    ks_out o;
    CHECK(ks_out_open(&o, copy_path, &err) == KS_OK);
    int fd = open(base_path, O_RDONLY);
    CHECK(ks_sign_copy_fd(fd, base_len, &o, &err) == KS_OK);
    close(fd);
    CHECK(ks_out_commit(&o, &err) == KS_OK);
    CHECK(ks_test_sh(NULL, "cmp -s '%s' '%s'", base_path, copy_path) == 0);

    /* A locate on an offset outside the update is an error, not a crash. */
    ks_sig_slot bad = s;
    CHECK(ks_sig_slot_locate(&bad, 3, &err) == KS_E_FORMAT);

    ks_buf_free(&s.upd);
    free(base);
    return ks_test_done();
}
