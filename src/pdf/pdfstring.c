/* pdf/pdfstring.c — PDF text strings (ISO 32000-2 §7.9.2.2) to UTF-8: UTF-16BE with BOM,
 * UTF-8 with BOM (PDF 2.0) or PDFDocEncoding (Annex D). For /T, /Producer, /Reason ... */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* PDFDocEncoding code points that differ from Latin-1 (Annex D.2). */
static const uint16_t pdfdoc_18[8] = {0x02D8, 0x02C7, 0x02C6, 0x02D9,
                                      0x02DD, 0x02DB, 0x02DA, 0x02DC};
static const uint16_t pdfdoc_80[32] = {
    0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203A, 0x2212,
    0x2030, 0x201E, 0x201C, 0x201D, 0x2018, 0x2019, 0x201A, 0x2122, 0xFB01, 0xFB02, 0x0141,
    0x0152, 0x0160, 0x0178, 0x017D, 0x0131, 0x0142, 0x0153, 0x0161, 0x017E, 0xFFFD};

static void put_utf8(ks_buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        ks_buf_putc(b, (int)cp);
    } else if (cp < 0x800) {
        ks_buf_putc(b, (int)(0xC0 | (cp >> 6)));
        ks_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        ks_buf_putc(b, (int)(0xE0 | (cp >> 12)));
        ks_buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
        ks_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else {
        ks_buf_putc(b, (int)(0xF0 | (cp >> 18)));
        ks_buf_putc(b, (int)(0x80 | ((cp >> 12) & 0x3F)));
        ks_buf_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
        ks_buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    }
}

char *ks_pdf_string_utf8(const ks_pdf_obj *s)
{
    if (!s || s->type != KS_PDF_STRING)
        return NULL;
    const uint8_t *d = s->u.str.data;
    size_t n = s->u.str.len;
    ks_buf b = KS_BUF_INIT;
    if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
        for (size_t i = 2; i + 1 < n; i += 2) {
            uint32_t u = (uint32_t)(d[i] << 8 | d[i + 1]);
            if (u >= 0xD800 && u < 0xDC00 && i + 3 < n) {
                uint32_t lo = (uint32_t)(d[i + 2] << 8 | d[i + 3]);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 2;
                } else {
                    u = 0xFFFD;
                }
            } else if (u >= 0xD800 && u < 0xE000) {
                u = 0xFFFD;
            }
            if (u == 0x1B) { /* language escape sequence ESC xx [yy] ESC: skip (§7.9.2.2.1) */
                size_t j = i + 2;
                while (j + 1 < n && !(d[j] == 0 && d[j + 1] == 0x1B))
                    j += 2;
                i = j;
                continue;
            }
            put_utf8(&b, u);
        }
    } else if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        if (ks_utf8_valid((const char *)d + 3, n - 3))
            ks_buf_append(&b, d + 3, n - 3);
        else
            for (size_t i = 3; i < n; i++)
                put_utf8(&b, d[i] < 0x80 ? d[i] : 0xFFFD);
    } else {
        for (size_t i = 0; i < n; i++) {
            uint8_t c = d[i];
            uint32_t u = c;
            if (c >= 0x18 && c < 0x20)
                u = pdfdoc_18[c - 0x18];
            else if (c >= 0x80 && c < 0xA0)
                u = pdfdoc_80[c - 0x80];
            else if (c == 0xA0)
                u = 0x20AC;
            put_utf8(&b, u);
        }
    }
    if (!ks_buf_putc(&b, 0) || b.failed) {
        ks_buf_free(&b);
        return NULL;
    }
    return (char *)ks_buf_steal(&b, NULL);
}
