/* Unit tests of CMaps (pdf/cmap.c), glyph names (pdf/glyph_names.c) and base encodings
 * (pdf/encoding.c) on byte buffers. */
#include <stdlib.h>
#include <string.h>

#include "cmap.h"
#include "glyph.h"
#include "test.h"

static const char tounicode[] =
    "/CIDInit /ProcSet findresource begin\n"
    "12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "3 beginbfchar\n<0003> <0020>\n<0011> <1EC5>\n<0012> <D835DC00>\nendbfchar\n"
    "2 beginbfrange\n<0020> <0029> <0041>\n<0030> <0032> [<0066006C> <00E1> <01B0>]\n"
    "endbfrange\n"
    "1 beginbfchar\n<0021> <0078>\nendbfchar\n"
    "1 beginbfchar\n<0040> /ohornacute\nendbfchar\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

static void test_tounicode(void)
{
    ks_cmap *cm = NULL;
    CHECK(ks_cmap_parse((const uint8_t *)tounicode, sizeof tounicode - 1, &cm, NULL) == KS_OK);
    if (!cm)
        return;
    uint32_t u[8];
    CHECK(ks_cmap_unicode(cm, 0x03, u, 8) == 1 && u[0] == 0x20);
    CHECK(ks_cmap_unicode(cm, 0x11, u, 8) == 1 && u[0] == 0x1EC5);
    CHECK(ks_cmap_unicode(cm, 0x12, u, 8) == 1 && u[0] == 0x1D400); /* surrogate pair */
    CHECK(ks_cmap_unicode(cm, 0x20, u, 8) == 1 && u[0] == 'A');
    CHECK(ks_cmap_unicode(cm, 0x29, u, 8) == 1 && u[0] == 'J');
    /* a later bfchar overrides the range */
    CHECK(ks_cmap_unicode(cm, 0x21, u, 8) == 1 && u[0] == 'x');
    CHECK(ks_cmap_unicode(cm, 0x30, u, 8) == 2 && u[0] == 'f' && u[1] == 'l');
    CHECK(ks_cmap_unicode(cm, 0x32, u, 8) == 1 && u[0] == 0x01B0);
    CHECK(ks_cmap_unicode(cm, 0x40, u, 8) == 1 && u[0] == 0x1EDB);
    CHECK(ks_cmap_unicode(cm, 0x2A, u, 8) == 0);
    CHECK(ks_cmap_unicode(cm, 0x33, u, 8) == 0);
    CHECK(ks_cmap_unicode(cm, 0xFFFF, u, 8) == 0);
    uint32_t code;
    bool matched;
    const uint8_t s[] = {0x00, 0x11, 0x05};
    CHECK(ks_cmap_next_code(cm, s, 3, &code, &matched) == 2 && code == 0x11 && matched);
    CHECK(ks_cmap_next_code(cm, s + 2, 1, &code, &matched) == 1 && !matched);
    ks_cmap_free(cm);
}

static void test_cid_cmap(void)
{
    /* a mixed 1/2-byte codespace as in Adobe's CMaps (§9.7.6.2 example) */
    static const char src[] = "/CMapName /Test-H def /WMode 0 def\n"
                              "2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange\n"
                              "1 begincidrange <20> <7e> 1 endcidrange\n"
                              "1 begincidrange <8140> <817e> 633 endcidrange\n"
                              "1 begincidchar <8150> 9999 endcidchar\n";
    ks_cmap *cm = NULL;
    CHECK(ks_cmap_parse((const uint8_t *)src, sizeof src - 1, &cm, NULL) == KS_OK);
    if (!cm)
        return;
    CHECK(!ks_cmap_vertical(cm));
    const uint8_t s[] = {0x41, 0x81, 0x41, 0x81, 0x50, 0xA0};
    uint32_t code, cid;
    bool m;
    size_t k = ks_cmap_next_code(cm, s, 6, &code, &m);
    CHECK(k == 1 && code == 0x41 && m && ks_cmap_cid(cm, code, &cid) && cid == 0x41 - 0x20 + 1);
    k = ks_cmap_next_code(cm, s + 1, 5, &code, &m);
    CHECK(k == 2 && code == 0x8141 && ks_cmap_cid(cm, code, &cid) && cid == 634);
    k = ks_cmap_next_code(cm, s + 3, 3, &code, &m);
    CHECK(k == 2 && ks_cmap_cid(cm, code, &cid) && cid == 9999);
    k = ks_cmap_next_code(cm, s + 5, 1, &code, &m);
    CHECK(k == 1 && !m);
    ks_cmap_free(cm);

    static const char vert[] = "/WMode 1 def /Identity-V usecmap";
    CHECK(ks_cmap_parse((const uint8_t *)vert, sizeof vert - 1, &cm, NULL) == KS_OK);
    if (cm) {
        CHECK(ks_cmap_vertical(cm));
        CHECK(ks_cmap_cid(cm, 0x1234, &cid) && cid == 0x1234);
        ks_cmap_free(cm);
    }

    ks_cmap *id = ks_cmap_new_identity(false);
    CHECK(id != NULL);
    const uint8_t two[] = {0x01, 0x02};
    CHECK(ks_cmap_next_code(id, two, 2, &code, &m) == 2 && code == 0x0102 && m);
    CHECK(ks_cmap_cid(id, 0xFFFF, &cid) && cid == 0xFFFF);
    ks_cmap_free(id);
}

static void test_hostile_cmaps(void)
{
    ks_cmap *cm = NULL;
    ks_error e;
    /* a huge range is one entry, not 2^32 */
    static const char huge[] = "1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange";
    CHECK(ks_cmap_parse((const uint8_t *)huge, sizeof huge - 1, &cm, NULL) == KS_OK);
    CHECK(cm && ks_cmap_entry_count(cm) == 1);
    ks_cmap_free(cm);
    /* reversed range, over-long codes and junk are skipped */
    static const char junk[] = "2 beginbfrange <10> <05> <0041> <0102030405> <FF> <41> "
                               "endbfrange 1 beginbfchar 7 (x) endbfchar";
    CHECK(ks_cmap_parse((const uint8_t *)junk, sizeof junk - 1, &cm, NULL) == KS_OK);
    CHECK(cm && ks_cmap_entry_count(cm) == 0);
    ks_cmap_free(cm);
    static const char bad[] = "1 beginbfchar <0G> <0041> endbfchar";
    CHECK(ks_cmap_parse((const uint8_t *)bad, sizeof bad - 1, &cm, &e) == KS_E_FORMAT);
    CHECK(cm == NULL && strstr(e.msg_en, "CMap") != NULL);
    /* array destination longer than the range: extra items ignored */
    static const char arr[] = "1 beginbfrange <01> <02> [<0061> <0062> <0063>] endbfrange";
    CHECK(ks_cmap_parse((const uint8_t *)arr, sizeof arr - 1, &cm, NULL) == KS_OK);
    CHECK(cm && ks_cmap_entry_count(cm) == 2);
    ks_cmap_free(cm);
}

static void test_glyph_names(void)
{
    uint32_t u[8];
    CHECK(ks_glyph_to_unicode("A", u, 8) == 1 && u[0] == 'A');
    CHECK(ks_glyph_to_unicode("space", u, 8) == 1 && u[0] == ' ');
    CHECK(ks_glyph_to_unicode("quoteright", u, 8) == 1 && u[0] == 0x2019);
    CHECK(ks_glyph_to_unicode("uni1EA0", u, 8) == 1 && u[0] == 0x1EA0);
    CHECK(ks_glyph_to_unicode("uni00410042", u, 8) == 2 && u[1] == 'B');
    CHECK(ks_glyph_to_unicode("u1F600", u, 8) == 1 && u[0] == 0x1F600);
    CHECK(ks_glyph_to_unicode("uniD800", u, 8) == 0);
    CHECK(ks_glyph_to_unicode("f_i", u, 8) == 2 && u[0] == 'f' && u[1] == 'i');
    CHECK(ks_glyph_to_unicode("fi", u, 8) == 2);
    CHECK(ks_glyph_to_unicode("a.sc", u, 8) == 1 && u[0] == 'a');
    CHECK(ks_glyph_to_unicode("dcroat", u, 8) == 1 && u[0] == 0x111);
    CHECK(ks_glyph_to_unicode("Dcroat", u, 8) == 1 && u[0] == 0x110);
    /* every Vietnamese letter by its AGL-style name */
    struct {
        const char *n;
        uint32_t cp;
    } vi[] = {{"Abreve", 0x102},          {"ohorn", 0x1A1},
              {"Uhorn", 0x1AF},           {"Acircumflexacute", 0x1EA4},
              {"abrevedotbelow", 0x1EB7}, {"ecircumflexhookabove", 0x1EC3},
              {"ohornacute", 0x1EDB},     {"uhorntilde", 0x1EEF},
              {"Ydotbelow", 0x1EF4},      {"ytilde", 0x1EF9},
              {"Idotbelow", 0x1ECA},      {"ocircumflexgrave", 0x1ED3},
              {"Ahookabove", 0x1EA2},     {"edotbelow", 0x1EB9},
              {"Gcommaaccent", 0x122},    {"Scommaaccent", 0x218},
              {"aacute", 0xE1},           {"Ydieresis", 0x178}};
    for (size_t i = 0; i < sizeof vi / sizeof vi[0]; i++)
        CHECK_MSG(ks_glyph_to_unicode(vi[i].n, u, 8) == 1 && u[0] == vi[i].cp, "%s", vi[i].n);
    CHECK(ks_glyph_to_unicode("Aacutexyz", u, 8) == 0);
    CHECK(ks_glyph_to_unicode("g123", u, 8) == 0);
    CHECK(ks_glyph_to_unicode("", u, 8) == 0);
    CHECK(ks_glyph_to_unicode(".notdef", u, 8) == 0);
    CHECK(ks_glyph_to_unicode("xdotbelowhorn", u, 8) == 0); /* does not compose */
}

static void test_encodings(void)
{
    ks_base_encoding e;
    CHECK(ks_encoding_by_name("WinAnsiEncoding", &e) && e == KS_ENC_WINANSI);
    CHECK(!ks_encoding_by_name("Foo", &e));
    CHECK(ks_encoding_unicode(KS_ENC_WINANSI, 0x80) == 0x20AC);
    CHECK(ks_encoding_unicode(KS_ENC_WINANSI, 0x93) == 0x201C);
    CHECK(ks_encoding_unicode(KS_ENC_WINANSI, 0xD0) == 0xD0);
    CHECK(ks_encoding_unicode(KS_ENC_STANDARD, 0x27) == 0x2019);
    CHECK(ks_encoding_unicode(KS_ENC_STANDARD, 0xE1) == 0xC6);
    CHECK(ks_encoding_unicode(KS_ENC_MACROMAN, 0x8E) == 0xE9);
    CHECK(ks_encoding_unicode(KS_ENC_SYMBOL, 0x61) == 0x3B1);
    CHECK(ks_encoding_unicode(KS_ENC_WINANSI, 0x05) == 0);
    char b[4];
    CHECK(ks_utf8_put(0x1EC5, b) == 3 && memcmp(b, "\xe1\xbb\x85", 3) == 0);
    CHECK(ks_utf8_put(0x1D400, b) == 4);
    CHECK(ks_utf8_put(0xD800, b) == 3 && memcmp(b, "\xef\xbf\xbd", 3) == 0);
}

int main(void)
{
    test_tounicode();
    test_cid_cmap();
    test_hostile_cmaps();
    test_glyph_names();
    test_encodings();
    return ks_test_done();
}
