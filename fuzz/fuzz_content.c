/* fuzz/fuzz_content.c — libFuzzer target of the content-stream reader (ks_pdf_content_*), the
 * CMap parser (pdf/cmap.c) and the text extractor: the first byte picks the parser, the rest
 * is the input. Mode 2 runs the input as a page's content (and as a Form XObject it may draw,
 * itself included) with a simple and a Type0 font, through ks_pdf_text_extract. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kyso/text.h"
#include "kyso/util.h"
#include "text/cmap.h"

static void fuzz_ops(const uint8_t *data, size_t len)
{
    ks_pdf_content *c = NULL;
    if (ks_pdf_content_new(data, len, &c, NULL) != KS_OK)
        return;
    for (;;) {
        ks_pdf_content_op op;
        bool done = false;
        if (ks_pdf_content_next(c, &op, &done, NULL) != KS_OK || done)
            break;
        for (size_t i = 0; i < op.count; i++)
            if (!op.operands[i])
                __builtin_trap();
        if (op.data && op.data + op.data_len > data + len)
            __builtin_trap();
    }
    ks_pdf_content_free(c);
}

static void fuzz_cmap(const uint8_t *data, size_t len)
{
    ks_cmap *cm = NULL;
    if (ks_cmap_parse(data, len, &cm, NULL) != KS_OK)
        return;
    ks_cmap *id = ks_cmap_new_identity(false);
    if (id)
        ks_cmap_use(cm, id, NULL);
    ks_cmap_free(id);
    /* the input itself as a shown string */
    for (size_t off = 0; off < len;) {
        uint32_t code = 0, cid = 0, uni[16];
        bool matched = false;
        size_t n = ks_cmap_next_code(cm, data + off, len - off, &code, &matched);
        if (n == 0 || n > len - off)
            __builtin_trap();
        ks_cmap_cid(cm, code, &cid);
        ks_cmap_unicode(cm, code, uni, 16);
        off += n;
    }
    ks_cmap_free(cm);
}

static void put_obj(ks_buf *b, size_t *off, int num, const char *body)
{
    char head[32];
    off[num] = b->len;
    snprintf(head, sizeof head, "%d 0 obj\n", num);
    ks_buf_puts(b, head);
    ks_buf_puts(b, body);
    ks_buf_puts(b, "\nendobj\n");
}

static void put_stream(ks_buf *b, size_t *off, int num, const char *dict, const uint8_t *data,
                       size_t len)
{
    char head[512];
    off[num] = b->len;
    snprintf(head, sizeof head, "%d 0 obj\n<< %s /Length %zu >>\nstream\n", num, dict, len);
    ks_buf_puts(b, head);
    ks_buf_append(b, data, len);
    ks_buf_puts(b, "\nendstream\nendobj\n");
}

static void fuzz_text(const uint8_t *data, size_t len)
{
    static const char tounicode[] = "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                                    "1 beginbfrange <0000> <FFFF> <0041> endbfrange\n";
    ks_buf b = KS_BUF_INIT;
    size_t off[10] = {0};
    ks_buf_puts(&b, "%PDF-1.7\n");
    put_obj(&b, off, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    put_obj(&b, off, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    put_obj(&b, off, 3,
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /X1 8 0 R >> >> >>");
    put_stream(&b, off, 4, "", data, len);
    put_obj(&b, off, 5,
            "<< /Type /Font /Subtype /TrueType /BaseFont /Sans-Bold /FirstChar 32 "
            "/Widths [250 500 500 500 500 500 500 500] /Encoding << /Differences "
            "[33 /ohornacute /uni1EA0 /f_i /Adieresis.sc] >> >>");
    put_obj(&b, off, 6,
            "<< /Type /Font /Subtype /Type0 /BaseFont /CID /Encoding /Identity-H "
            "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /CID "
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            "/W [1 [700 280] 4 5 320] >>] /ToUnicode 7 0 R >>");
    put_stream(&b, off, 7, "", (const uint8_t *)tounicode, sizeof tounicode - 1);
    put_stream(&b, off, 8,
               "/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [0 1 -1 0 300 0] "
               "/Resources << /Font << /F1 5 0 R /F2 6 0 R >> /XObject << /X1 8 0 R >> >>",
               data, len);
    size_t xref = b.len;
    char line[64];
    ks_buf_puts(&b, "xref\n0 9\n0000000000 65535 f \n");
    for (int i = 1; i <= 8; i++) {
        snprintf(line, sizeof line, "%010zu 00000 n \n", off[i]);
        ks_buf_puts(&b, line);
    }
    snprintf(line, sizeof line, "trailer\n<< /Size 9 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
             xref);
    ks_buf_puts(&b, line);
    ks_pdf_doc *doc = NULL;
    if (!b.failed && ks_pdf_open_mem(b.data, b.len, "fuzz", NULL, &doc, NULL) == KS_OK) {
        ks_pdf_text_page *p = NULL;
        if (ks_pdf_text_extract(doc, 0, &p, NULL) == KS_OK) {
            for (size_t i = 0; i < p->count; i++)
                if (!p->lines[i].text || !ks_utf8_valid(p->lines[i].text, strlen(p->lines[i].text)))
                    __builtin_trap();
            ks_pdf_text_page_free(p);
        }
        ks_pdf_close(doc);
    }
    ks_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0:
        fuzz_ops(data + 1, size - 1);
        break;
    case 1:
        fuzz_cmap(data + 1, size - 1);
        break;
    default:
        fuzz_text(data + 1, size - 1);
    }
    return 0;
}
