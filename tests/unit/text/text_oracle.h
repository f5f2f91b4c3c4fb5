/* tests/unit/text/text_oracle.h — pdftotext as the oracle of the text tests: runs
 * `pdftotext -bbox-layout` on one page and reads its lines (words joined by one space, NFC)
 * with their boxes converted to PDF user space (y up). Header-only: each test is one program. */
#ifndef KYSO_TEST_TEXT_ORACLE_H
#define KYSO_TEST_TEXT_ORACLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "kyso/util.h"
#include "test.h"

typedef struct oracle_line {
    char *text;
    ks_pdf_rect box;
} oracle_line;

typedef struct oracle_page {
    oracle_line *lines;
    size_t count;
    double width, height;
} oracle_page;

static inline void oracle_free(oracle_page *p)
{
    for (size_t i = 0; i < p->count; i++)
        free(p->lines[i].text);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

static inline double oracle_attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *s = strstr(tag, key);
    return s ? strtod(s + strlen(key), NULL) : 0;
}

/* Appends the XML text [s, e) with entities decoded. */
static inline void oracle_unescape(ks_buf *b, const char *s, const char *e)
{
    static const struct {
        const char *ent, *ch;
    } ents[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    while (s < e) {
        size_t k = 0;
        if (*s == '&')
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
                if (strncmp(s, ents[k].ent, strlen(ents[k].ent)) == 0)
                    break;
        if (*s == '&' && k < sizeof ents / sizeof ents[0]) {
            ks_buf_puts(b, ents[k].ch);
            s += strlen(ents[k].ent);
        } else {
            ks_buf_putc(b, *s++);
        }
    }
}

/* Lines of page `page` (1-based) of `path`. Returns 0 on success. */
static inline int oracle_pdftotext(const char *path, int page, oracle_page *out)
{
    char *xml = NULL;
    memset(out, 0, sizeof *out);
    int rc = ks_test_sh(&xml, "pdftotext -q -f %d -l %d -bbox-layout '%s' - 2>/dev/null", page,
                        page, path);
    if (rc != 0 || !xml) {
        free(xml);
        return -1;
    }
    const char *pg = strstr(xml, "<page ");
    if (!pg) {
        free(xml);
        return -1;
    }
    out->width = oracle_attr(pg, "width");
    out->height = oracle_attr(pg, "height");
    size_t cap = 0;
    for (const char *l = strstr(pg, "<line "); l; l = strstr(l, "<line ")) {
        const char *end = strstr(l, "</line>");
        if (!end)
            break;
        ks_buf text = KS_BUF_INIT;
        for (const char *w = strstr(l, "<word "); w && w < end; w = strstr(w, "<word ")) {
            const char *ws = strchr(w, '>'), *we = strstr(w, "</word>");
            if (!ws || !we || we > end)
                break;
            if (text.len)
                ks_buf_putc(&text, ' ');
            oracle_unescape(&text, ws + 1, we);
            w = we;
        }
        if (out->count == cap) {
            cap = cap ? cap * 2 : 64;
            out->lines = realloc(out->lines, cap * sizeof *out->lines);
        }
        oracle_line *o = &out->lines[out->count++];
        o->text = ks_utf8_nfc(text.data ? (const char *)text.data : "", text.len);
        ks_buf_free(&text);
        /* pdftotext's origin is the top left of the crop box, y down */
        double x0 = oracle_attr(l, "xMin"), y0 = oracle_attr(l, "yMin");
        double x1 = oracle_attr(l, "xMax"), y1 = oracle_attr(l, "yMax");
        o->box = (ks_pdf_rect){x0, out->height - y1, x1, out->height - y0};
        l = end;
    }
    free(xml);
    return 0;
}

static inline const oracle_line *oracle_find(const oracle_page *p, const char *text)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->lines[i].text && strcmp(p->lines[i].text, text) == 0)
            return &p->lines[i];
    return NULL;
}

/* Largest coordinate difference between two boxes. */
static inline double oracle_box_diff(const ks_pdf_rect *a, const ks_pdf_rect *b)
{
    double d[4] = {a->x0 - b->x0, a->y0 - b->y0, a->x1 - b->x1, a->y1 - b->y1}, m = 0;
    for (int i = 0; i < 4; i++) {
        double v = d[i] < 0 ? -d[i] : d[i];
        if (v > m)
            m = v;
    }
    return m;
}

#endif
