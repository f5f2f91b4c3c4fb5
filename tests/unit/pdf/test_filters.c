/* Stream filters (ISO 32000-2 §7.4): FlateDecode with PNG and TIFF predictors, ASCIIHexDecode,
 * ASCII85Decode, LZWDecode, RunLengthDecode and filter chains, each decoded by us and by qpdf
 * (the oracle) from the same file; corrupt data fails with KS_E_FORMAT. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "kyso/pdf.h"
#include "mkpdf.h"
#include "test.h"

static void add_stream(ks_buf *objs, const char *dict, const uint8_t *data, size_t len)
{
    ks_buf_printf(objs, "<< %s /Length %zu >>\nstream\n", dict, len);
    ks_buf_append(objs, data, len);
    ks_buf_puts(objs, "\nendstream");
}

static size_t deflate_buf(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    uLongf ol = (uLongf)cap;
    return compress2(out, &ol, in, (uLong)len, 9) == Z_OK ? (size_t)ol : 0;
}

static size_t a85(const uint8_t *in, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        uint8_t g[4] = {0};
        size_t n = len - i < 4 ? len - i : 4;
        memcpy(g, in + i, n);
        uint32_t v = (uint32_t)g[0] << 24 | (uint32_t)g[1] << 16 | (uint32_t)g[2] << 8 | g[3];
        if (v == 0 && n == 4) {
            out[o++] = 'z';
            continue;
        }
        char c[5];
        for (int k = 4; k >= 0; k--) {
            c[k] = (char)('!' + v % 85);
            v /= 85;
        }
        memcpy(out + o, c, n + 1);
        o += n + 1;
    }
    memcpy(out + o, "~>", 2);
    return o + 2;
}

int main(void)
{
    const char *dir = ks_test_tmpdir("pdf_filters");
    static const char text[] = "Cong hoa xa hoi chu nghia Viet Nam. Doc lap - Tu do - Hanh phuc. "
                               "Cong hoa xa hoi chu nghia Viet Nam. \x00\x01\x02\xff end";
    const size_t tl = sizeof text - 1;
    uint8_t z[4096], tmp[4096];
    char s[4096];
    const char *bodies[16];
    ks_buf st[16];
    size_t n = 0;
    for (int i = 0; i < 16; i++)
        st[i] = (ks_buf)KS_BUF_INIT;

    /* 4: Flate */
    add_stream(&st[n], "/Filter /FlateDecode", z,
               deflate_buf((const uint8_t *)text, tl, z, sizeof z));
    n++;
    /* 5: Flate + PNG predictors (each row its own type 0..4), 5 columns, 1 byte per pixel */
    {
        size_t cols = 5, rows = 0, o = 0;
        uint8_t prev[5] = {0};
        for (size_t r = 0; r * cols < 40; r++, rows++) {
            int type = (int)(r % 5);
            tmp[o++] = (uint8_t)type;
            for (size_t c = 0; c < cols; c++) {
                uint8_t x = (uint8_t)(r * 37 + c * 11),
                        left = c ? (uint8_t)(r * 37 + (c - 1) * 11) : 0;
                uint8_t up = prev[c], ul = c ? prev[c - 1] : 0;
                int pa = abs(up - ul), pb = abs(left - ul), pc = abs(left + up - 2 * ul);
                uint8_t paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : ul;
                uint8_t pred = type == 0   ? 0
                               : type == 1 ? left
                               : type == 2 ? up
                               : type == 3 ? (uint8_t)((left + up) / 2)
                                           : paeth;
                tmp[o++] = (uint8_t)(x - pred);
            }
            for (size_t c = 0; c < cols; c++)
                prev[c] = (uint8_t)(r * 37 + c * 11);
        }
        add_stream(&st[n],
                   "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 5 /Colors 1 "
                   "/BitsPerComponent 8 >>",
                   z, deflate_buf(tmp, o, z, sizeof z));
        (void)rows;
        n++;
    }
    /* 6: Flate + TIFF predictor 2, 3 colours, 4 columns */
    {
        size_t o = 0;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                for (int k = 0; k < 3; k++) {
                    uint8_t x = (uint8_t)(r * 50 + c * 20 + k * 7);
                    uint8_t left = c ? (uint8_t)(r * 50 + (c - 1) * 20 + k * 7) : 0;
                    tmp[o++] = (uint8_t)(x - left);
                }
        add_stream(&st[n],
                   "/Filter /FlateDecode /DecodeParms << /Predictor 2 /Columns 4 /Colors 3 >>", z,
                   deflate_buf(tmp, o, z, sizeof z));
        n++;
    }
    /* 7: ASCIIHex with whitespace and an odd final digit */
    {
        ks_buf h = KS_BUF_INIT;
        ks_buf_hex(&h, (const uint8_t *)text, tl);
        ks_buf_puts(&h, " \n7>");
        add_stream(&st[n], "/Filter /ASCIIHexDecode", h.data, h.len);
        ks_buf_free(&h);
        n++;
    }
    /* 8: ASCII85 */
    add_stream(&st[n], "/Filter /ASCII85Decode", (uint8_t *)s, a85((const uint8_t *)text, tl, s));
    n++;
    /* 9: LZW, the example of ISO 32000-2 §7.4.4.2 ("-----A---B") */
    static const uint8_t lzw[] = {0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01};
    add_stream(&st[n], "/Filter /LZWDecode", lzw, sizeof lzw);
    n++;
    /* 10: RunLength: 3 literal bytes, a run of 5 'x', EOD */
    static const uint8_t rl[] = {2, 'a', 'b', 'c', 257 - 5, 'x', 128};
    add_stream(&st[n], "/Filter /RunLengthDecode", rl, sizeof rl);
    n++;
    /* 11: chain [/ASCIIHexDecode /FlateDecode] */
    {
        size_t zl = deflate_buf((const uint8_t *)text, tl, z, sizeof z);
        ks_buf h = KS_BUF_INIT;
        ks_buf_hex(&h, z, zl);
        ks_buf_putc(&h, '>');
        add_stream(&st[n], "/Filter [/ASCIIHexDecode /FlateDecode]", h.data, h.len);
        ks_buf_free(&h);
        n++;
    }
    /* 12: abbreviated names (inline-image style) are accepted in streams by qpdf too */
    add_stream(&st[n], "/Filter /AHx", (const uint8_t *)"414243>", 7);
    n++;

    const char *objs[3 + 16] = {MK_BASE};
    size_t lens[3 + 16];
    for (size_t i = 0; i < 3; i++)
        lens[i] = strlen(objs[i]);
    for (size_t i = 0; i < n; i++) {
        objs[3 + i] = (const char *)st[i].data;
        lens[3 + i] = st[i].len;
    }
    (void)bodies;
    size_t len;
    uint8_t *pdf = mk_pdf_bin(objs, lens, 3 + n, &len);
    char path[512];
    snprintf(path, sizeof path, "%s/filters.pdf", dir);
    write_file(path, pdf, len);

    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(pdf, len, "filters.pdf", NULL, &d, &e) == KS_OK);
    for (size_t i = 0; d && i < n; i++) {
        uint32_t num = (uint32_t)(4 + i);
        ks_pdf_obj *o = NULL;
        uint8_t *data = NULL;
        size_t dl = 0;
        ks_status rc = ks_pdf_get(d, num, 0, &o, &e);
        if (!rc)
            rc = ks_pdf_stream_decode(d, o, &data, &dl, &e);
        CHECK_MSG(rc == KS_OK, "object %u: %s", num, rc ? e.msg_en : "");
        char out[600];
        snprintf(out, sizeof out, "%s/obj%u.bin", dir, num);
        CHECK(ks_test_sh(NULL,
                         "qpdf --decode-level=specialized --show-object=%u --filtered-stream-data "
                         "'%s' > '%s' 2>/dev/null",
                         num, path, out) == 0);
        uint8_t *want = NULL;
        size_t wl = 0;
        CHECK(ks_read_file(out, 1 << 20, &want, &wl, &e) == KS_OK);
        CHECK_MSG(want && data && wl == dl && memcmp(want, data, dl) == 0,
                  "object %u: %zu bytes decoded, qpdf decodes %zu", num, dl, wl);
        free(want);
        free(data);
    }
    ks_pdf_close(d);
    free(pdf);

    /* corrupt data: bad hex, bad ASCII85, truncated Flate, bad LZW code */
    static const char *bad[] = {
        "<< /Filter /ASCIIHexDecode /Length 4 >>\nstream\n41G2\nendstream",
        "<< /Filter /ASCII85Decode /Length 4 >>\nstream\nvvvv\nendstream",
        "<< /Filter /FlateDecode /Length 4 >>\nstream\nx\x9c\xff\xff\nendstream",
        "<< /Filter /LZWDecode /Length 3 >>\nstream\n\xff\xff\xff\nendstream",
        "<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 0 >> /Length 4 >>\n"
        "stream\nx\x9c\x01\x02\nendstream",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *o2[] = {MK_BASE, bad[i]};
        pdf = mk_pdf(o2, 4, NULL, &len);
        CHECK(ks_pdf_open_mem(pdf, len, "bad.pdf", NULL, &d, &e) == KS_OK);
        ks_pdf_obj *o = NULL;
        uint8_t *data = NULL;
        size_t dl;
        ks_status rc = d ? ks_pdf_get(d, 4, 0, &o, &e) : KS_E_FORMAT;
        if (!rc)
            rc = ks_pdf_stream_decode(d, o, &data, &dl, &e);
        CHECK_MSG(rc == KS_E_FORMAT, "bad stream %zu decoded (status %d)", i, rc);
        free(data);
        ks_pdf_close(d);
        free(pdf);
    }
    for (int i = 0; i < 16; i++)
        ks_buf_free(&st[i]);
    return ks_test_done();
}
