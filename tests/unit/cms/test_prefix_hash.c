/* tests/unit/cms/test_prefix_hash.c — hashing a file once for all its signatures
 * (cms/prefix_hash.c) gives exactly the digests of hashing each signature's byte ranges on its
 * own: nested ranges asked for in file order and in reverse (document timestamps are checked
 * first), with and without announced boundaries, two algorithms at once, and the cases that
 * must fall back (a range not starting at the first byte, a slice outside the file). */
#include <stdlib.h>

#include <openssl/evp.h>

#include "cms_internal.h"
#include "test.h"

#define FILE_LEN 300000

static void plain(const EVP_MD *md, const ks_slice *s, size_t n, uint8_t *out, unsigned *len)
{
    CHECK(ks_hash_slices_evp(md, s, n, out, len));
}

/* Signature k of a file of `nsig` incremental revisions: [0, b) + [c, e). */
static void ranges(const uint8_t *d, int k, ks_slice s[2])
{
    size_t b = 40000u + 50000u * (size_t)k, c = b + 9000, e = c + 700;
    s[0].data = d;
    s[0].len = b;
    s[1].data = d + c;
    s[1].len = e - c;
}

static int same(ks_prefix_hasher *h, const EVP_MD *md, const ks_slice *s, size_t n)
{
    uint8_t a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
    unsigned la = 0, lb = 0;
    plain(md, s, n, a, &la);
    bool ok = ks_hash_slices_prefix(h, md, s, n, b, &lb);
    return ok && la == lb && memcmp(a, b, la) == 0;
}

int main(void)
{
    uint8_t *d = malloc(FILE_LEN);
    CHECK(d != NULL);
    if (!d)
        return ks_test_done();
    for (size_t i = 0; i < FILE_LEN; i++)
        d[i] = (uint8_t)(i * 131 + (i >> 7));
    const EVP_MD *sha256 = EVP_sha256(), *sha512 = EVP_sha512();
    ks_slice s[2];

    /* file order */
    ks_prefix_hasher *h = ks_prefix_hasher_new(d, FILE_LEN);
    CHECK(h != NULL);
    for (int k = 0; k < 5; k++) {
        ranges(d, k, s);
        CHECK_MSG(same(h, sha256, s, 2), "file order, signature %d", k);
        CHECK_MSG(same(h, sha512, s, 2), "file order, SHA-512, signature %d", k);
    }
    ks_prefix_hasher_free(h);

    /* reverse order without announcing the boundaries (falls back on saved states) */
    h = ks_prefix_hasher_new(d, FILE_LEN);
    for (int k = 4; k >= 0; k--) {
        ranges(d, k, s);
        CHECK_MSG(same(h, sha256, s, 2), "reverse order, signature %d", k);
    }
    ks_prefix_hasher_free(h);

    /* the verifier's order: the last (a document timestamp) first, boundaries announced */
    h = ks_prefix_hasher_new(d, FILE_LEN);
    for (int k = 0; k < 5; k++) {
        ranges(d, k, s);
        ks_prefix_hasher_mark(h, s[0].len);
    }
    for (int k = 4; k >= 0; k--) {
        ranges(d, k, s);
        CHECK_MSG(same(h, sha256, s, 2), "announced, signature %d", k);
        CHECK_MSG(same(h, sha256, s, 2), "announced, asked twice, signature %d", k);
    }
    /* the whole file, an empty first range, one slice only */
    ks_slice all = {d, FILE_LEN};
    CHECK(same(h, sha256, &all, 1));
    ks_slice none[2] = {{d, 0}, {d + 10, 20}};
    CHECK(same(h, sha256, none, 2));

    /* fallbacks: not from the first byte; a slice past the end of the file */
    ks_slice mid[2] = {{d + 1, 1000}, {d + 2000, 10}};
    CHECK(same(h, sha256, mid, 2));
    uint8_t other[64] = {1, 2, 3};
    ks_slice outside[2] = {{d, 100}, {other, sizeof other}};
    CHECK(same(h, sha256, outside, 2));
    ks_prefix_hasher_free(h);

    /* no hasher: the plain way */
    ranges(d, 2, s);
    CHECK(same(NULL, sha256, s, 2));
    ks_prefix_hasher_free(NULL);
    free(d);
    return ks_test_done();
}
