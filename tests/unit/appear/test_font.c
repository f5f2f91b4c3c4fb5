/* Embedded Liberation Serif: shaping, subset, /W and ToUnicode, checked by real readers
 * (pdffonts, pdftotext -bbox, qpdf, mutool) on a PDF assembled from the font's parts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "kyso/pdfgen.h"
#include "minipdf.h"
#include "test.h"

static const char *line1 = "KT. CHỦ TỊCH";
static const char *line2 = "PHÓ CHỦ TỊCH";
static const char *line3 = "Nguyễn Văn Ánh, Đỗ Thị Hường";

/* Builds a one-page PDF whose text uses the embedded subset; returns the computed widths. */
static void write_pdf(ks_pdf_font *f, const char *path, double widths[3])
{
    ks_buf ops = KS_BUF_INIT;
    const char *lines[3] = {line1, line2, line3};
    ks_buf_puts(&ops, "BT /F1 12 Tf\n");
    for (int i = 0; i < 3; i++) {
        ks_buf_printf(&ops, "1 0 0 1 20 %d Tm\n", 150 - 40 * i);
        ks_error err;
        CHECK(ks_pdf_font_show(f, lines[i], 12, &ops, &widths[i], &err) == KS_OK);
    }
    ks_buf_puts(&ops, "ET\n");

    uint8_t *prog = NULL;
    size_t prog_len = 0;
    ks_error err;
    CHECK(ks_pdf_font_subset(f, &prog, &prog_len, &err) == KS_OK);
    ks_buf cmap = KS_BUF_INIT;
    CHECK(ks_pdf_font_tounicode(f, &cmap, &err) == KS_OK);
    ks_arena *a = ks_arena_new();
    ks_buf w = KS_BUF_INIT;
    mp_obj_text(&w, ks_pdf_font_widths(f, a));
    char tag[7];
    ks_pdf_font_tag(f, tag);

    minipdf m;
    mp_init(&m);
    int cat = mp_alloc(&m), pages = mp_alloc(&m), page = mp_alloc(&m), content = mp_alloc(&m);
    int t0 = mp_alloc(&m), cid = mp_alloc(&m), desc = mp_alloc(&m), file = mp_alloc(&m),
        tou = mp_alloc(&m);
    char body[4096];
    snprintf(body, sizeof body, "<< /Type /Catalog /Pages %d 0 R >>", pages);
    mp_obj(&m, cat, body);
    snprintf(body, sizeof body, "<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page);
    mp_obj(&m, pages, body);
    snprintf(body, sizeof body,
             "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 300 200] /Contents %d 0 R "
             "/Resources << /Font << /F1 %d 0 R >> >> >>",
             pages, content, t0);
    mp_obj(&m, page, body);
    mp_stream(&m, content, "", ops.data, ops.len);
    snprintf(body, sizeof body,
             "<< /Type /Font /Subtype /Type0 /BaseFont /%s+%s /Encoding /Identity-H "
             "/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>",
             tag, ks_pdf_font_ps_name(f), cid, tou);
    mp_obj(&m, t0, body);
    snprintf(body, sizeof body,
             "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s+%s /CIDSystemInfo << "
             "/Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R "
             "/W %s /CIDToGIDMap /Identity >>",
             tag, ks_pdf_font_ps_name(f), desc, (char *)w.data);
    mp_obj(&m, cid, body);
    double asc, dsc, cap, bb[4];
    ks_pdf_font_metrics(f, &asc, &dsc, &cap);
    ks_pdf_font_bbox(f, bb);
    snprintf(body, sizeof body,
             "<< /Type /FontDescriptor /FontName /%s+%s /Flags 34 /FontBBox [%.0f %.0f %.0f "
             "%.0f] /ItalicAngle 0 /Ascent %.0f /Descent %.0f /CapHeight %.0f /StemV 80 "
             "/FontFile2 %d 0 R >>",
             tag, ks_pdf_font_ps_name(f), bb[0], bb[1], bb[2], bb[3], asc * 1000, dsc * 1000,
             cap * 1000, file);
    mp_obj(&m, desc, body);
    uint8_t *z = NULL;
    size_t zlen = 0;
    CHECK(ks_pdf_gen_deflate(prog, prog_len, &z, &zlen, &err) == KS_OK);
    snprintf(body, sizeof body, "/Length1 %zu /Filter /FlateDecode", prog_len);
    mp_stream(&m, file, body, z, zlen);
    mp_stream(&m, tou, "", cmap.data, cmap.len);
    CHECK(mp_finish(&m, cat, path) == 0);
    CHECK_MSG(prog_len < 60000, "subset is %zu bytes", prog_len);
    CHECK_MSG(zlen < 25000, "compressed subset is %zu bytes", zlen);
    printf("subset: %zu bytes, %zu compressed, %zu glyphs\n", prog_len, zlen,
           ks_pdf_font_glyph_count(f));
    free(z);
    free(prog);
    ks_buf_free(&cmap);
    ks_buf_free(&w);
    ks_buf_free(&ops);
    ks_arena_free(a);
}

/* xMin/xMax of the words of line `n` (1-based, counted from the top) in pdftotext -bbox output. */
static bool line_extent(const char *html, double y_hint, double *x0, double *x1)
{
    *x0 = 1e9;
    *x1 = -1e9;
    bool any = false;
    for (const char *p = strstr(html, "<word "); p; p = strstr(p + 1, "<word ")) {
        double a, b, c, d;
        if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &a, &b, &c,
                   &d) != 4)
            continue;
        if (fabs((b + d) / 2 - y_hint) > 8)
            continue;
        any = true;
        if (a < *x0)
            *x0 = a;
        if (c > *x1)
            *x1 = c;
    }
    return any;
}

static void test_reader_roundtrip(const char *dir)
{
    ks_pdf_font *f = NULL;
    ks_error err;
    CHECK(ks_pdf_font_open(NULL, &f, &err) == KS_OK);
    if (!f)
        return;
    CHECK_STR(ks_pdf_font_ps_name(f), "LiberationSerif");
    char path[4096];
    snprintf(path, sizeof path, "%s/font.pdf", dir);
    double w[3];
    write_pdf(f, path, w);

    char *out = NULL;
    CHECK(ks_test_sh(&out, "qpdf --check '%s' 2>&1", path) == 0);
    free(out);
    CHECK(ks_test_sh(&out, "pdftotext -layout '%s' - 2>&1", path) == 0);
    CHECK_MSG(out && strstr(out, line1), "pdftotext: %s", out);
    CHECK_MSG(out && strstr(out, line2), "pdftotext: %s", out);
    CHECK_MSG(out && strstr(out, line3), "pdftotext: %s", out);
    free(out);
    CHECK(ks_test_sh(&out, "pdffonts '%s' 2>&1", path) == 0);
    /* name, type "CID TrueType", encoding Identity-H, emb yes, sub yes, uni yes */
    CHECK_MSG(out && strstr(out, "+LiberationSerif") && strstr(out, "CID TrueType") &&
                  strstr(out, "Identity-H") && strstr(out, "yes yes yes"),
              "pdffonts: %s", out);
    free(out);
    CHECK(ks_test_sh(&out, "mutool draw -q -o /dev/null '%s' 2>&1", path) == 0);
    CHECK_MSG(out && !strstr(out, "error"), "mutool: %s", out);
    free(out);

    /* Widths: the reader's word boxes (from /W and the TJ adjustments) span what we computed. */
    CHECK(ks_test_sh(&out, "pdftotext -bbox '%s' - 2>&1", path) == 0);
    for (int i = 0; i < 3; i++) {
        double x0, x1, ymid = 200 - (150 - 40 * i) - 4; /* baseline → box centre, y down */
        bool found = out && line_extent(out, ymid, &x0, &x1);
        CHECK_MSG(found, "line %d not found in bbox output", i + 1);
        if (found)
            CHECK_MSG(fabs(x0 - 20) < 0.6 && fabs((x1 - x0) - w[i]) < 0.6,
                      "line %d: reader %.2f..%.2f, computed width %.2f", i + 1, x0, x1, w[i]);
    }
    free(out);
    ks_pdf_font_free(f);
}

static void test_subset_keeps_gids(void)
{
    ks_pdf_font *f = NULL;
    ks_error err;
    CHECK(ks_pdf_font_open(NULL, &f, &err) == KS_OK);
    if (!f)
        return;
    ks_buf ops = KS_BUF_INIT;
    double w;
    CHECK(ks_pdf_font_show(f, "Ấn", 10, &ops, &w, &err) == KS_OK);
    uint8_t *prog;
    size_t len;
    CHECK(ks_pdf_font_subset(f, &prog, &len, &err) == KS_OK);

    /* Reference glyph ids from the full font; the subset must draw the same ids. */
    hb_blob_t *full = hb_blob_create_from_file(ks_pdf_font_default_path());
    hb_face_t *fface = hb_face_create(full, 0);
    hb_font_t *ffont = hb_font_create(fface);
    hb_blob_t *sb =
        hb_blob_create((const char *)prog, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *sface = hb_face_create(sb, 0);
    hb_font_t *sfont = hb_font_create(sface);
    hb_codepoint_t g_a, g_n, g_z;
    CHECK(hb_font_get_nominal_glyph(ffont, 0x1EA4, &g_a)); /* Ấ */
    CHECK(hb_font_get_nominal_glyph(ffont, 'n', &g_n));
    CHECK(hb_font_get_nominal_glyph(ffont, 'Z', &g_z));
    char expect[32];
    snprintf(expect, sizeof expect, "<%04X>", g_a);
    CHECK_MSG(ops.data && strstr((char *)ops.data, expect), "ops %s lack %s", ops.data, expect);
    hb_glyph_extents_t e;
    /* Glyph ids retained: the subset's glyph count reaches the highest id used. */
    CHECK(hb_face_get_glyph_count(sface) > g_a && hb_face_get_glyph_count(sface) > g_n);
    CHECK(hb_font_get_glyph_extents(sfont, g_a, &e) && e.width > 0 && e.height != 0);
    CHECK(hb_font_get_glyph_extents(sfont, g_n, &e) && e.width > 0);
    /* An unused glyph has no outline in the subset. */
    CHECK(!hb_font_get_glyph_extents(sfont, g_z, &e) || e.width == 0);
    CHECK_MSG(ks_pdf_font_glyph_count(f) == 3, "%zu glyphs", ks_pdf_font_glyph_count(f));
    CHECK(fabs(w - (ks_pdf_font_glyph_width(f, g_a) + ks_pdf_font_glyph_width(f, g_n)) / 100.0) <
          0.05);

    ks_buf cm = KS_BUF_INIT;
    CHECK(ks_pdf_font_tounicode(f, &cm, &err) == KS_OK);
    char entry[64];
    snprintf(entry, sizeof entry, "<%04X> <1EA4>", g_a);
    CHECK_MSG(strstr((char *)cm.data, entry) != NULL, "cmap lacks %s:\n%s", entry, cm.data);
    snprintf(entry, sizeof entry, "<%04X> <006E>", g_n);
    CHECK(strstr((char *)cm.data, entry) != NULL);
    CHECK(strstr((char *)cm.data, "2 beginbfchar") != NULL);

    hb_font_destroy(sfont);
    hb_face_destroy(sface);
    hb_blob_destroy(sb);
    hb_font_destroy(ffont);
    hb_face_destroy(fface);
    hb_blob_destroy(full);
    free(prog);
    ks_buf_free(&cm);
    ks_buf_free(&ops);
    ks_pdf_font_free(f);
}

static void test_nfc_and_errors(void)
{
    ks_pdf_font *f = NULL;
    ks_error err;
    CHECK(ks_pdf_font_open(NULL, &f, &err) == KS_OK);
    if (!f)
        return;
    ks_buf a = KS_BUF_INIT, b = KS_BUF_INIT;
    double wa, wb;
    /* "Hường" precomposed vs decomposed (u + horn, o + horn + grave): same glyphs after NFC. */
    CHECK(ks_pdf_font_show(f, "H\xC6\xB0\xE1\xBB\x9Dng", 13, &a, &wa, &err) == KS_OK);
    CHECK(ks_pdf_font_show(f, "Hu\xCC\x9Bo\xCC\x9B\xCC\x80ng", 13, &b, &wb, &err) == KS_OK);
    CHECK(a.data && b.data && strcmp((char *)a.data, (char *)b.data) == 0);
    CHECK(fabs(wa - wb) < 1e-9 && wa > 20 && wa < 60);

    CHECK(ks_pdf_font_show(f, "\xE4\xB8\xAD", 10, NULL, &wa, &err) == KS_E_FORMAT);
    CHECK_MSG(strstr(err.msg_en, "U+4E2D") != NULL, "%s", err.msg_en);
    CHECK(ks_pdf_font_show(f, "bad \xC3", 10, NULL, &wa, &err) == KS_E_USAGE);

    ks_pdf_font *g = NULL;
    CHECK(ks_pdf_font_open("/nonexistent/font.ttf", &g, &err) == KS_E_IO && g == NULL);
    /* A file that is not a font. */
    CHECK(ks_pdf_font_open(KYSO_SOURCE_DIR "/README.md", &g, &err) == KS_E_FORMAT);
    CHECK_MSG(strstr(err.msg_en, "README.md") != NULL, "%s", err.msg_en);
    ks_buf_free(&a);
    ks_buf_free(&b);
    ks_pdf_font_free(f);
}

int main(void)
{
    const char *dir = ks_test_tmpdir("appear-font");
    test_reader_roundtrip(dir);
    test_subset_keeps_gids();
    test_nfc_and_errors();
    return ks_test_done();
}
