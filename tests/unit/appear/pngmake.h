/* tests/unit/appear/pngmake.h — writes test PNGs with libpng (simplified API), optionally with
 * a pHYs chunk, so that the appearance tests need no image files in the repository. */
#ifndef KYSO_TEST_PNGMAKE_H
#define KYSO_TEST_PNGMAKE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

static inline void pm_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Encodes `pixels` in `format` with libpng; when ppm > 0 a pHYs chunk (metre unit) is inserted
 * after IHDR. Malloc'd. */
static inline uint8_t *pm_make_png(const void *pixels, uint32_t w, uint32_t h, uint32_t format,
                                   uint32_t ppm, size_t *len)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = w;
    img.height = h;
    img.format = format;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(img, size, 0, pixels, 0, NULL))
        return NULL;
    uint8_t *buf = malloc(size + 21);
    if (!buf || !png_image_write_to_memory(&img, buf, &size, 0, pixels, 0, NULL)) {
        free(buf);
        return NULL;
    }
    if (ppm) {
        size_t at = 8 + 25; /* signature + IHDR chunk */
        memmove(buf + at + 21, buf + at, size - at);
        uint8_t *c = buf + at;
        pm_put32(c, 9);
        memcpy(c + 4, "pHYs", 4);
        pm_put32(c + 8, ppm);
        pm_put32(c + 12, ppm);
        c[16] = 1;
        pm_put32(c + 17, (uint32_t)crc32(0, c + 4, 13));
        size += 21;
    }
    *len = size;
    return buf;
}

#endif
