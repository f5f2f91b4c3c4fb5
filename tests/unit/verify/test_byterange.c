/* tests/unit/verify/test_byterange.c — the pure byte-level ByteRange checks of the verifier:
 * shape, bounds, the gap being exactly /Contents (signature wrapping), coverage of revisions,
 * and the DER length probe used to trim /Contents padding. */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "verify_internal.h"

/* A fake file: "AAAA<0102>BBBB%%EOF\n" followed by a second revision "CCCC%%EOF\n". */
static const char file[] = "%PDF-1.7\nAAAA<3003020100>BBBB%%EOF\nCCCC%%EOF\n";

static void test_good(void)
{
    const uint8_t *d = (const uint8_t *)file;
    size_t len = strlen(file);
    uint64_t cs = (uint64_t)(strchr(file, '<') - file);
    uint64_t ce = (uint64_t)(strchr(file, '>') - file) + 1;
    uint64_t rev1 = (uint64_t)(strstr(file, "%%EOF\n") - file) + 6;
    uint64_t ends[2] = {rev1, len};
    int64_t br[4] = {0, (int64_t)cs, (int64_t)ce, (int64_t)(rev1 - ce)};

    ks_br_result r = ks_vf_check_byterange(d, len, br, 4, cs, ce, ends, 2);
    CHECK(r.problem == KS_BR_OK);
    CHECK(r.coverage == KS_COVER_EARLIER_REVISION);
    CHECK(r.revision == 0);
    CHECK(r.signed_end == rev1);

    /* whole file */
    int64_t br2[4] = {0, (int64_t)cs, (int64_t)ce, (int64_t)(len - ce)};
    r = ks_vf_check_byterange(d, len, br2, 4, cs, ce, ends, 2);
    CHECK(r.problem == KS_BR_OK && r.coverage == KS_COVER_WHOLE_FILE && r.revision == 1);

    /* the signed bytes stop before the EOL after %%EOF: still that revision */
    int64_t br3[4] = {0, (int64_t)cs, (int64_t)ce, (int64_t)(rev1 - 1 - ce)};
    r = ks_vf_check_byterange(d, len, br3, 4, cs, ce, ends, 2);
    CHECK(r.problem == KS_BR_OK && r.coverage == KS_COVER_EARLIER_REVISION);

    /* ends in the middle of a revision: nonstandard */
    int64_t br4[4] = {0, (int64_t)cs, (int64_t)ce, 2};
    r = ks_vf_check_byterange(d, len, br4, 4, cs, ce, ends, 2);
    CHECK(r.problem == KS_BR_OK && r.coverage == KS_COVER_NONSTANDARD);
}

static void test_bad(void)
{
    const uint8_t *d = (const uint8_t *)file;
    size_t len = strlen(file);
    uint64_t cs = (uint64_t)(strchr(file, '<') - file);
    uint64_t ce = (uint64_t)(strchr(file, '>') - file) + 1;
    uint64_t ends[1] = {len};
    int64_t good[4] = {0, (int64_t)cs, (int64_t)ce, (int64_t)(len - ce)};
    ks_br_result r;

    r = ks_vf_check_byterange(d, len, good, 3, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_MISSING);
    r = ks_vf_check_byterange(d, len, NULL, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_MISSING);

    int64_t b1[4] = {1, (int64_t)cs - 1, (int64_t)ce, (int64_t)(len - ce)};
    r = ks_vf_check_byterange(d, len, b1, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_NOT_ZERO_START);

    int64_t b2[4] = {0, (int64_t)cs, (int64_t)ce, -5};
    r = ks_vf_check_byterange(d, len, b2, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_BAD_NUMBERS);

    int64_t b3[4] = {0, (int64_t)ce, (int64_t)cs, 3}; /* overlapping */
    r = ks_vf_check_byterange(d, len, b3, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_BAD_NUMBERS);

    int64_t b4[4] = {0, (int64_t)cs, (int64_t)ce, (int64_t)(len - ce + 1)};
    r = ks_vf_check_byterange(d, len, b4, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_OUT_OF_BOUNDS);

    int64_t b5[4] = {0, (int64_t)cs, (int64_t)ce, INT64_MAX};
    r = ks_vf_check_byterange(d, len, b5, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_OUT_OF_BOUNDS || r.problem == KS_BR_BAD_NUMBERS);

    /* /Contents in an object stream (no byte span): cannot be checked */
    r = ks_vf_check_byterange(d, len, good, 4, 0, 0, ends, 1);
    CHECK(r.problem == KS_BR_CONTENTS_NOT_HEX);

    /* signature wrapping: the gap is wider than this /Contents (hides "AAAA") */
    int64_t w[4] = {0, (int64_t)cs - 4, (int64_t)ce, (int64_t)(len - ce)};
    r = ks_vf_check_byterange(d, len, w, 4, cs, ce, ends, 1);
    CHECK(r.problem == KS_BR_GAP_MISMATCH);

    /* the gap is the claimed span but holds non-hex bytes */
    static const char f2[] = "%PDF-1.7\nAAAA<30zz>BBBB%%EOF\n";
    uint64_t cs2 = (uint64_t)(strchr(f2, '<') - f2), ce2 = (uint64_t)(strchr(f2, '>') - f2) + 1;
    uint64_t e2[1] = {strlen(f2)};
    int64_t g2[4] = {0, (int64_t)cs2, (int64_t)ce2, (int64_t)(strlen(f2) - ce2)};
    r = ks_vf_check_byterange((const uint8_t *)f2, strlen(f2), g2, 4, cs2, ce2, e2, 1);
    CHECK(r.problem == KS_BR_GAP_BYTES);

    for (int p = KS_BR_OK; p <= KS_BR_GAP_BYTES; p++)
        CHECK(ks_vf_br_problem_msgid((ks_br_problem)p)[0] != 0);
}

static void test_der_len(void)
{
    static const uint8_t shortform[] = {0x30, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00};
    CHECK(ks_vf_der_len(shortform, sizeof shortform) == 5);
    static const uint8_t longform[] = {0x30, 0x82, 0x00, 0x02, 0x05, 0x00, 0x00};
    CHECK(ks_vf_der_len(longform, sizeof longform) == 6);
    static const uint8_t truncated[] = {0x30, 0x82, 0x01, 0x00, 0x05};
    CHECK(ks_vf_der_len(truncated, sizeof truncated) == 0);
    static const uint8_t notseq[] = {0x04, 0x01, 0x00};
    CHECK(ks_vf_der_len(notseq, sizeof notseq) == 0);
    static const uint8_t indef[] = {0x30, 0x80, 0x00, 0x00};
    CHECK(ks_vf_der_len(indef, sizeof indef) == sizeof indef);
    static const uint8_t huge[] = {0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    CHECK(ks_vf_der_len(huge, sizeof huge) == 0);
    CHECK(ks_vf_der_len(shortform, 1) == 0);
}

static void test_names(void)
{
    CHECK_STR(ks_indication_name(KS_IND_TOTAL_PASSED), "TOTAL-PASSED");
    CHECK_STR(ks_indication_name(KS_IND_TOTAL_FAILED), "TOTAL-FAILED");
    CHECK_STR(ks_indication_name(KS_IND_INDETERMINATE), "INDETERMINATE");
    CHECK_STR(ks_subindication_name(KS_SUB_HASH_FAILURE), "HASH_FAILURE");
    CHECK_STR(ks_subindication_name(KS_SUB_NO_CERTIFICATE_CHAIN_FOUND),
              "NO_CERTIFICATE_CHAIN_FOUND");
    CHECK_STR(ks_subindication_name(KS_SUB_NONE), "");
}

int main(void)
{
    test_good();
    test_bad();
    test_der_len();
    test_names();
    return ks_test_done();
}
