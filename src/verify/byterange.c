/* verify/byterange.c — the pure byte-level checks of a signature's /ByteRange: shape, bounds,
 * the gap being exactly this dictionary's /Contents hex string (nothing hidden beside it), and
 * which revision the signed bytes end at (ISO 32000-2 §12.8.1). No parsing, no crypto. */
#include <string.h>

#include "verify_internal.h"

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ws(uint8_t c)
{
    return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}

ks_br_result ks_vf_check_byterange(const uint8_t *data, size_t len, const int64_t *br, size_t nbr,
                                   uint64_t contents_start, uint64_t contents_end,
                                   const uint64_t *eof_ends, size_t nrev)
{
    ks_br_result r = {KS_BR_OK, KS_COVER_NONSTANDARD, 0, 0};
    if (!br || nbr != 4) {
        r.problem = KS_BR_MISSING;
        return r;
    }
    if (br[0] != 0) {
        r.problem = KS_BR_NOT_ZERO_START;
        return r;
    }
    for (int i = 0; i < 4; i++)
        if (br[i] < 0) {
            r.problem = KS_BR_BAD_NUMBERS;
            return r;
        }
    uint64_t a = (uint64_t)br[1], b = (uint64_t)br[2], c = (uint64_t)br[3];
    if (a == 0 || b <= a || b > UINT64_MAX - c) {
        r.problem = KS_BR_BAD_NUMBERS;
        return r;
    }
    r.signed_end = b + c;
    if (r.signed_end > len) {
        r.problem = KS_BR_OUT_OF_BOUNDS;
        return r;
    }
    if (contents_start == 0 && contents_end == 0) {
        r.problem = KS_BR_CONTENTS_NOT_HEX;
        return r;
    }
    if (contents_start != a || contents_end != b) {
        r.problem = KS_BR_GAP_MISMATCH;
        return r;
    }
    /* Belt and braces: the gap itself must read "<" hex digits (whitespace allowed) ">". */
    if (b - a < 2 || data[a] != '<' || data[b - 1] != '>') {
        r.problem = KS_BR_GAP_BYTES;
        return r;
    }
    for (uint64_t i = a + 1; i < b - 1; i++)
        if (!is_hex(data[i]) && !is_ws(data[i])) {
            r.problem = KS_BR_GAP_BYTES;
            return r;
        }
    /* Coverage: the signed bytes must end where a revision ends. A writer may or may not count
     * the EOL after %%EOF, so only end-of-line bytes may lie between the two. */
    for (size_t i = 0; i < nrev; i++) {
        uint64_t e = eof_ends[i];
        bool match = r.signed_end == e;
        if (!match && r.signed_end < e && e <= len) {
            match = true;
            for (uint64_t k = r.signed_end; k < e; k++)
                if (data[k] != '\r' && data[k] != '\n') {
                    match = false;
                    break;
                }
        }
        if (match) {
            r.revision = i;
            r.coverage = (i + 1 == nrev) ? KS_COVER_WHOLE_FILE : KS_COVER_EARLIER_REVISION;
            break;
        }
    }
    if (r.coverage == KS_COVER_NONSTANDARD && r.signed_end == len && nrev > 0) {
        r.revision = nrev - 1;
        r.coverage = KS_COVER_WHOLE_FILE;
    }
    return r;
}

const char *ks_vf_br_problem_msgid(ks_br_problem p)
{
    switch (p) {
    case KS_BR_OK:
        return N_("the byte range is well formed");
    case KS_BR_MISSING:
        return N_("the signature has no valid /ByteRange (four integers expected)");
    case KS_BR_NOT_ZERO_START:
        return N_("the /ByteRange does not start at the beginning of the file");
    case KS_BR_BAD_NUMBERS:
        return N_("the /ByteRange holds negative, overlapping or overflowing values");
    case KS_BR_OUT_OF_BOUNDS:
        return N_("the /ByteRange runs past the end of the file");
    case KS_BR_CONTENTS_NOT_HEX:
        return N_("the signature's /Contents is not a hexadecimal string stored in the file");
    case KS_BR_GAP_MISMATCH:
        return N_("the bytes left out of the signature are not exactly this signature's "
                  "/Contents: other data is hidden in the gap (signature wrapping)");
    case KS_BR_GAP_BYTES:
        return N_("the bytes left out of the signature hold something other than the "
                  "signature value");
    }
    return N_("the byte range is well formed");
}

size_t ks_vf_der_len(const uint8_t *p, size_t len)
{
    if (len < 2 || p[0] != 0x30)
        return 0;
    uint8_t l = p[1];
    if (l < 0x80)
        return (size_t)l + 2 <= len ? (size_t)l + 2 : 0;
    if (l == 0x80)
        return len; /* BER indefinite length: the parser finds the end */
    size_t n = l & 0x7f;
    if (n > sizeof(size_t) || n + 2 > len)
        return 0;
    size_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[2 + i];
    size_t total;
    if (!ks_add_size(v, n + 2, &total) || total > len)
        return 0;
    return total;
}
