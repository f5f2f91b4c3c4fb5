/* PNG images for visible signatures: decodes any PNG (libpng simplified API) into 8-bit RGBA,
 * reads its physical size (pHYs), and encodes the RGB and alpha planes as Flate streams with PNG
 * predictors for an image XObject and its /SMask. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "kyso/pdfgen.h"
#include "png_lazy.h"

KS_DL_DEFINE(ks_png, KS_PNG_SYMBOLS, "libpng16.so.16");

#define PNG_MAX_FILE (64u * 1024u * 1024u)

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Every chunk up to IEND lies inside the data. libpng allocates a chunk's buffer from its
 * declared length before reading it, so a 100-byte file could make it ask for gigabytes. */
static bool chunks_fit(const uint8_t *d, size_t len)
{
    size_t off = 8;
    while (off <= len && len - off >= 12) {
        uint32_t clen = be32(d + off);
        if (clen > len - off - 12)
            return false;
        if (!memcmp(d + off + 4, "IEND", 4))
            return true;
        off += 12 + (size_t)clen;
    }
    return false; /* no IEND: truncated */
}

/* Finds pHYs before the first IDAT (PNG spec §11.3.5.3). Bounded walk over the chunk list;
 * libpng has already validated the file when this runs. */
static void read_phys(const uint8_t *d, size_t len, double *ppm_x, double *ppm_y)
{
    size_t off = 8;
    *ppm_x = *ppm_y = 0;
    while (off <= len && len - off >= 12) {
        uint32_t clen = be32(d + off);
        const uint8_t *type = d + off + 4;
        if (clen > len - off - 12)
            return;
        if (!memcmp(type, "IDAT", 4) || !memcmp(type, "IEND", 4))
            return;
        if (!memcmp(type, "pHYs", 4) && clen == 9) {
            const uint8_t *p = d + off + 8;
            if (p[8] == 1 && be32(p) > 0 && be32(p + 4) > 0) {
                *ppm_x = be32(p);
                *ppm_y = be32(p + 4);
            }
            return;
        }
        off += 12 + (size_t)clen;
    }
}

ks_status ks_pdf_png_decode(const uint8_t *data, size_t len, const char *name, ks_pdf_image **out,
                            ks_error *err)
{
    ks_status st = KS_OK;
    png_image png;
    ks_pdf_image *img = NULL;

    *out = NULL;
    if (!name)
        name = "PNG";
    if ((st = ks_dl_load(&ks_png, err)) != KS_OK)
        return st;
    memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (len < 8 || png_sig_cmp(data, 0, 8) != 0)
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a PNG image"), name);
    if (!chunks_fit(data, len))
        return ks_error_set(err, KS_E_FORMAT, N_("damaged PNG image \"%s\": %s"), name,
                            "a chunk runs past the end of the file, or IEND is missing");
    if (!png_image_begin_read_from_memory(&png, data, len)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("damaged PNG image \"%s\": %s"), name, png.message);
        goto done;
    }
    if (png.width == 0 || png.height == 0 ||
        (uint64_t)png.width * png.height > KS_PDF_IMAGE_MAX_PIXELS) {
        st = ks_error_set(err, KS_E_LIMIT,
                          N_("PNG image \"%s\" has %ux%u pixels; at most %u pixels are accepted"),
                          name, (unsigned)png.width, (unsigned)png.height, KS_PDF_IMAGE_MAX_PIXELS);
        goto done;
    }
    png.format = PNG_FORMAT_RGBA;
    img = calloc(1, sizeof *img);
    size_t size = (size_t)png.width * png.height * 4;
    if (!img || !(img->rgba = malloc(size))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (!png_image_finish_read(&png, NULL, img->rgba, 0, NULL)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("damaged PNG image \"%s\": %s"), name, png.message);
        goto done;
    }
    img->width = png.width;
    img->height = png.height;
    for (size_t i = 3; i < size; i += 4)
        if (img->rgba[i] != 255) {
            img->has_alpha = true;
            break;
        }
    read_phys(data, len, &img->ppm_x, &img->ppm_y);

    uint8_t dims[8];
    for (int i = 0; i < 4; i++) {
        dims[i] = (uint8_t)(img->width >> (24 - 8 * i));
        dims[4 + i] = (uint8_t)(img->height >> (24 - 8 * i));
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) || !EVP_DigestUpdate(md, dims, 8) ||
        !EVP_DigestUpdate(md, img->rgba, size) || !EVP_DigestFinal_ex(md, img->sha256, NULL)) {
        EVP_MD_CTX_free(md);
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    EVP_MD_CTX_free(md);

done:
    png_image_free(&png);
    if (st != KS_OK) {
        ks_pdf_image_free(img);
        img = NULL;
    }
    *out = img;
    return st;
}

ks_status ks_pdf_png_load(const char *path, ks_pdf_image **out, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    *out = NULL;
    ks_status st = ks_read_file(path, PNG_MAX_FILE, &data, &len, err);
    if (st != KS_OK)
        return st;
    st = ks_pdf_png_decode(data, len, path, out, err);
    free(data);
    return st;
}

void ks_pdf_image_free(ks_pdf_image *img)
{
    if (!img)
        return;
    free(img->rgba);
    free(img);
}

bool ks_pdf_image_size_mm(const ks_pdf_image *img, double *w_mm, double *h_mm)
{
    if (img->ppm_x <= 0 || img->ppm_y <= 0)
        return false;
    *w_mm = img->width / img->ppm_x * 1000.0;
    *h_mm = img->height / img->ppm_y * 1000.0;
    return true;
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Filters one row with the PNG filter that minimises the sum of absolute values (the libpng
 * heuristic), writing filter byte + row to `dst`. `bpp` bytes per pixel. */
static void filter_row(const uint8_t *cur, const uint8_t *prev, size_t n, int bpp, uint8_t *dst,
                       uint8_t *tmp)
{
    unsigned long best = (unsigned long)-1;
    for (int f = 0; f < 5; f++) {
        unsigned long sum = 0;
        for (size_t i = 0; i < n; i++) {
            int a = i >= (size_t)bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
            int c = prev && i >= (size_t)bpp ? prev[i - bpp] : 0;
            int v = f == 0   ? cur[i]
                    : f == 1 ? cur[i] - a
                    : f == 2 ? cur[i] - b
                    : f == 3 ? cur[i] - ((a + b) >> 1)
                             : cur[i] - paeth(a, b, c);
            tmp[i] = (uint8_t)v;
            sum += (unsigned long)abs((int8_t)tmp[i]);
        }
        if (sum < best) {
            best = sum;
            dst[0] = (uint8_t)f;
            memcpy(dst + 1, tmp, n);
        }
    }
}

static ks_status encode_plane(const ks_pdf_image *img, int comps, uint8_t **out, size_t *out_len,
                              ks_error *err)
{
    ks_status st = KS_OK;
    size_t row = (size_t)img->width * comps, stride = row + 1;
    uint8_t *plane = malloc(row * img->height), *filt = malloc(stride * img->height);
    uint8_t *tmp = malloc(row);
    if (!plane || !filt || !tmp) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    size_t n = (size_t)img->width * img->height;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *px = img->rgba + 4 * i;
        if (comps == 1) {
            plane[i] = px[3];
        } else if (img->has_alpha && px[3] == 0) {
            /* Invisible under the soft mask: a constant colour compresses best. */
            memset(plane + 3 * i, 255, 3);
        } else {
            memcpy(plane + 3 * i, px, 3);
        }
    }
    for (uint32_t y = 0; y < img->height; y++)
        filter_row(plane + y * row, y ? plane + (y - 1) * row : NULL, row, comps, filt + y * stride,
                   tmp);
    st = ks_pdf_gen_deflate(filt, stride * img->height, out, out_len, err);
done:
    free(plane);
    free(filt);
    free(tmp);
    return st;
}

ks_status ks_pdf_image_encode(const ks_pdf_image *img, uint8_t **rgb, size_t *rgb_len,
                              uint8_t **alpha, size_t *alpha_len, ks_error *err)
{
    *rgb = *alpha = NULL;
    *rgb_len = *alpha_len = 0;
    ks_status st = encode_plane(img, 3, rgb, rgb_len, err);
    if (st == KS_OK && img->has_alpha)
        st = encode_plane(img, 1, alpha, alpha_len, err);
    if (st != KS_OK) {
        free(*rgb);
        *rgb = NULL;
    }
    return st;
}
