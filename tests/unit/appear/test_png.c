/* PNG → image XObject: decoding of several colour types and bit depths, pHYs, limits and
 * damaged files; the encoded XObject + SMask rendered by pdftoppm must show the same pixels. */
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include "kyso/pdfgen.h"
#include "minipdf.h"
#include "pngmake.h"
#include "test.h"

static void test_decode_kinds(void)
{
    ks_error err;
    ks_pdf_image *img = NULL;

    /* 8-bit grey, no alpha. */
    uint8_t grey[6 * 4];
    for (int i = 0; i < 24; i++)
        grey[i] = (uint8_t)(i * 10);
    size_t len;
    uint8_t *png = pm_make_png(grey, 6, 4, PNG_FORMAT_GRAY, 0, &len);
    CHECK(png && ks_pdf_png_decode(png, len, "grey.png", &img, &err) == KS_OK);
    if (img) {
        CHECK(img->width == 6 && img->height == 4 && !img->has_alpha);
        CHECK(img->rgba[4 * 7] == 70 && img->rgba[4 * 7 + 1] == 70 && img->rgba[4 * 7 + 3] == 255);
        double wmm, hmm;
        CHECK(!ks_pdf_image_size_mm(img, &wmm, &hmm));
    }
    ks_pdf_image_free(img);
    free(png);

    /* 8-bit grey + alpha with pHYs: 472 px at 300 dpi (11811 px/m) ≈ 40 mm. */
    uint8_t *ga = calloc(472 * 3, 2);
    for (int i = 0; i < 472 * 3; i++) {
        ga[2 * i] = 40;
        ga[2 * i + 1] = (uint8_t)(i % 256);
    }
    png = pm_make_png(ga, 472, 3, PNG_FORMAT_GA, 11811, &len);
    CHECK(png && ks_pdf_png_decode(png, len, "ga.png", &img, &err) == KS_OK);
    if (img) {
        double wmm = 0, hmm = 0;
        CHECK(img->has_alpha);
        CHECK(ks_pdf_image_size_mm(img, &wmm, &hmm));
        CHECK_MSG(wmm > 39.9 && wmm < 40.0, "%f mm", wmm);
        CHECK(img->rgba[4 * 5 + 3] == 5);
    }
    ks_pdf_image_free(img);
    free(png);
    free(ga);

    /* 16-bit linear RGBA becomes 8-bit sRGB; opaque white stays 255. */
    uint16_t *rgba16 = calloc(8 * 8, 8);
    for (int i = 0; i < 64; i++) {
        rgba16[4 * i + 0] = rgba16[4 * i + 1] = rgba16[4 * i + 2] = 65535;
        rgba16[4 * i + 3] = i < 32 ? 65535 : 0;
    }
    png = pm_make_png(rgba16, 8, 8, PNG_FORMAT_LINEAR_RGB_ALPHA, 0, &len);
    CHECK(png && ks_pdf_png_decode(png, len, "rgba16.png", &img, &err) == KS_OK);
    if (img) {
        CHECK(img->has_alpha && img->rgba[0] == 255 && img->rgba[3] == 255);
        CHECK(img->rgba[4 * 40 + 3] == 0);
    }
    ks_pdf_image_free(img);
    free(rgba16);

    /* Damaged: truncated in the middle of IDAT, not a PNG, too many pixels. */
    CHECK(ks_pdf_png_decode(png, len / 2, "cut.png", &img, &err) == KS_E_FORMAT && !img);
    CHECK_MSG(strstr(err.msg_en, "cut.png") != NULL, "%s", err.msg_en);
    CHECK(ks_pdf_png_decode((const uint8_t *)"%PDF-1.7 hello", 14, "x.pdf", &img, &err) ==
          KS_E_FORMAT);
    CHECK(strstr(err.msg_en, "not a PNG") != NULL);
    uint8_t big[8 + 25 + 12 + 12];
    memcpy(big, "\x89PNG\r\n\x1a\n", 8);
    pm_put32(big + 8, 13);
    memcpy(big + 12, "IHDR", 4);
    pm_put32(big + 16, 20000);
    pm_put32(big + 20, 20000);
    memcpy(big + 24, "\x08\x06\x00\x00\x00", 5);
    pm_put32(big + 29, (uint32_t)crc32(0, big + 12, 17));
    memcpy(big + 33, "\0\0\0\0IDAT", 8);
    pm_put32(big + 41, (uint32_t)crc32(0, big + 37, 4));
    memcpy(big + 45, "\0\0\0\0IEND\xae\x42\x60\x82", 12);
    CHECK(ks_pdf_png_decode(big, sizeof big, "big.png", &img, &err) == KS_E_LIMIT);
    CHECK_MSG(strstr(err.msg_en, "20000x20000") != NULL, "%s", err.msg_en);
    free(png);
    CHECK(ks_pdf_png_load("/nonexistent.png", &img, &err) == KS_E_IO);
}

/* Draws a blue, partly transparent image 1:1 on a white page, renders it at 72 dpi and compares
 * every pixel with the expected composite. */
/* Found by fuzz_png: after IHDR, a chunk whose declared length (1,883,788,377 bytes) is far
 * beyond the 100-byte file. libpng would allocate that much before reading it; the decoder
 * refuses first. The same bytes are kept as fuzz/seeds/png/regress-oom-chunk-length.png. */
static void test_chunk_past_end(void)
{
    static const uint8_t bad[] = {
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49,
        0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,
        0x00, 0x00, 0x00, 0x84, 0x52, 0xe7, 0x5e, 0x70, 0x48, 0x54, 0x59, 0x73, 0x50,
        0x4c, 0x54, 0x45, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x14,
        0x97, 0xc5, 0x68, 0x00, 0x00, 0x00, 0x02, 0x74, 0x52, 0x4e, 0x53, 0x00, 0xff,
        0x5b, 0x91, 0x22, 0xb5, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9c, 0x63, 0x90, 0x06, 0x00, 0x00, 0x1d, 0x00, 0x1c, 0x8e, 0xf4, 0xf5, 0x21};
    ks_pdf_image *img = NULL;
    ks_error e;
    CHECK(ks_pdf_png_decode(bad, sizeof bad, "bad.png", &img, &e) == KS_E_FORMAT && !img);
    CHECK_MSG(strstr(e.msg_en, "runs past the end") != NULL, "%s", e.msg_en);
    /* A valid PNG cut before IEND is refused the same way. */
    const uint8_t grey[4] = {0, 85, 170, 255};
    size_t n = 0;
    uint8_t *good = pm_make_png(grey, 2, 2, PNG_FORMAT_GRAY, 0, &n);
    CHECK(good && ks_pdf_png_decode(good, n, "whole.png", &img, &e) == KS_OK && img);
    ks_pdf_image_free(img);
    img = NULL;
    CHECK(good && ks_pdf_png_decode(good, n - 12, "cut.png", &img, &e) == KS_E_FORMAT && !img);
    free(good);
}

static void test_render(const char *dir)
{
    enum { W = 64, H = 40 };
    uint8_t *px = malloc(W * H * 4);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = px + 4 * (y * W + x);
            p[0] = (uint8_t)(x * 2);
            p[1] = (uint8_t)(y * 3);
            p[2] = 200;
            p[3] = (uint8_t)(x < 16 ? 0 : x < 32 ? 128 : 255);
        }
    size_t len;
    uint8_t *png = pm_make_png(px, W, H, PNG_FORMAT_RGBA, 0, &len);
    ks_pdf_image *img = NULL;
    ks_error err;
    CHECK(png && ks_pdf_png_decode(png, len, "blue.png", &img, &err) == KS_OK);
    if (!img)
        goto done;
    uint8_t *rgb = NULL, *alpha = NULL;
    size_t rgb_len, alpha_len;
    CHECK(ks_pdf_image_encode(img, &rgb, &rgb_len, &alpha, &alpha_len, &err) == KS_OK);
    CHECK(rgb && alpha);

    minipdf m;
    mp_init(&m);
    int cat = mp_alloc(&m), pages = mp_alloc(&m), page = mp_alloc(&m), content = mp_alloc(&m);
    int im = mp_alloc(&m), sm = mp_alloc(&m);
    char body[1024];
    snprintf(body, sizeof body, "<< /Type /Catalog /Pages %d 0 R >>", pages);
    mp_obj(&m, cat, body);
    snprintf(body, sizeof body, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page);
    mp_obj(&m, pages, body);
    snprintf(body, sizeof body,
             "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
             "/Resources << /XObject << /Im1 %d 0 R >> >> >>",
             pages, W, H, content, im);
    mp_obj(&m, page, body);
    snprintf(body, sizeof body, "q %d 0 0 %d 0 0 cm /Im1 Do Q", W, H);
    mp_stream(&m, content, "", (const uint8_t *)body, strlen(body));
    const char *parms = "/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors %d "
                        "/BitsPerComponent 8 /Columns %d >>";
    char extra[512], p2[256];
    snprintf(p2, sizeof p2, parms, 3, W);
    snprintf(extra, sizeof extra,
             "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
             "/BitsPerComponent 8 /SMask %d 0 R %s",
             W, H, sm, p2);
    mp_stream(&m, im, extra, rgb, rgb_len);
    snprintf(p2, sizeof p2, parms, 1, W);
    snprintf(extra, sizeof extra,
             "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
             "/BitsPerComponent 8 %s",
             W, H, p2);
    mp_stream(&m, sm, extra, alpha, alpha_len);
    char path[4096];
    snprintf(path, sizeof path, "%s/image.pdf", dir);
    CHECK(mp_finish(&m, cat, path) == 0);

    char *out = NULL;
    CHECK(ks_test_sh(&out,
                     "qpdf --check '%s' >/dev/null 2>&1 && pdftoppm -r 72 '%s' '%s/r' && "
                     "cat '%s'/r-1.ppm",
                     path, path, dir, dir) == 0);
    /* binary PPM "P6\nW H\n255\n" then RGB */
    int rw = 0, rh = 0, hdr = 0;
    if (out && sscanf(out, "P6 %d %d 255%n", &rw, &rh, &hdr) == 2 && rw == W && rh == H) {
        const uint8_t *r = (const uint8_t *)out + hdr + 1;
        int bad = 0;
        for (int i = 0; i < W * H; i++) {
            const uint8_t *s = px + 4 * i;
            /* The renderer blends soft-mask steps over one pixel: skip the two step columns. */
            if (i % W == 16 || i % W == 32)
                continue;
            for (int c = 0; c < 3; c++) {
                int want = (s[c] * s[3] + 255 * (255 - s[3]) + 127) / 255;
                if (abs(want - r[3 * i + c]) > 3 && bad++ < 5)
                    fprintf(stderr, "pixel %d,%d c%d: want %d got %d (a=%d)\n", i % W, i / W, c,
                            want, r[3 * i + c], s[3]);
            }
        }
        CHECK_MSG(bad == 0, "%d samples differ", bad);
    } else {
        CHECK_MSG(0, "render failed (%dx%d)", rw, rh);
    }
    free(out);
    free(rgb);
    free(alpha);
done:
    ks_pdf_image_free(img);
    free(png);
    free(px);
}

int main(void)
{
    const char *dir = ks_test_tmpdir("appear-png");
    test_decode_kinds();
    test_chunk_past_end();
    test_render(dir);
    return ks_test_done();
}
