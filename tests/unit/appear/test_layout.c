/* The pure layout helpers of visible signatures: visible frame of rotated and cropped pages,
 * the form /Matrix, signature block search with authority prefixes, the placement rules of
 * requirements.md §4.1–4.4 and the document number check of §4.5. */
#include <stdlib.h>
#include <string.h>

#include "../../../src/sign/appear.h"
#include "test.h"

#define MM (72.0 / 25.4)

static double absd(double x)
{
    return x < 0 ? -x : x;
}

static bool rect_eq(ks_pdf_rect a, ks_pdf_rect b)
{
    return absd(a.x0 - b.x0) < 1e-9 && absd(a.y0 - b.y0) < 1e-9 && absd(a.x1 - b.x1) < 1e-9 &&
           absd(a.y1 - b.y1) < 1e-9;
}

static void test_frame(void)
{
    const ks_pdf_rect crop = {10, 20, 610, 820}; /* 600 × 800, offset */
    for (int rot = 0; rot < 360; rot += 90) {
        ks_appear_frame f;
        ks_appear_frame_init(&f, &crop, rot);
        bool turned = rot == 90 || rot == 270;
        CHECK(f.width == (turned ? 800 : 600) && f.height == (turned ? 600 : 800));
        /* The whole visible page is the whole crop box. */
        ks_pdf_rect all = {0, 0, f.width, f.height};
        CHECK_MSG(rect_eq(ks_appear_to_user(&f, all), crop), "rotate %d", rot);
        /* Round trip of an arbitrary rectangle. */
        ks_pdf_rect r = {100, 50, 180, 90};
        CHECK_MSG(rect_eq(ks_appear_to_visible(&f, ks_appear_to_user(&f, r)), r), "rotate %d", rot);
        /* The /Matrix maps the visible axes onto user space: moving right by 1 in the visible
         * frame moves the user point by (m0, m1), moving up by (m2, m3). */
        double m[6];
        ks_appear_matrix(&f, m);
        ks_pdf_rect p0 = ks_appear_to_user(&f, (ks_pdf_rect){100, 100, 100, 100});
        ks_pdf_rect pu = ks_appear_to_user(&f, (ks_pdf_rect){101, 100, 101, 100});
        ks_pdf_rect pv = ks_appear_to_user(&f, (ks_pdf_rect){100, 101, 100, 101});
        CHECK_MSG(absd(pu.x0 - p0.x0 - m[0]) < 1e-9 && absd(pu.y0 - p0.y0 - m[1]) < 1e-9 &&
                      absd(pv.x0 - p0.x0 - m[2]) < 1e-9 && absd(pv.y0 - p0.y0 - m[3]) < 1e-9,
                  "rotate %d: matrix %g %g %g %g", rot, m[0], m[1], m[2], m[3]);
    }
    /* /Rotate -90 and 450 are 270 and 90. */
    ks_appear_frame f;
    ks_appear_frame_init(&f, &crop, -90);
    CHECK(f.rotate == 270);
    ks_appear_frame_init(&f, &crop, 450);
    CHECK(f.rotate == 90);
}

static ks_pdf_text_line line(const char *text, double x0, double y0, double x1, double y1)
{
    ks_pdf_text_line l = {(char *)text, {x0, y0, x1, y1}, 14, true};
    return l;
}

static void test_block(void)
{
    CHECK_STR(ks_appear_strip_authority("kt. chủ tịch"), "chủ tịch");
    CHECK_STR(ks_appear_strip_authority("tm. ủy ban nhân dân"), "ủy ban nhân dân");
    CHECK_STR(ks_appear_strip_authority("tl. tuq. giám đốc"), "giám đốc");
    CHECK_STR(ks_appear_strip_authority("q. giám đốc"), "giám đốc");
    CHECK_STR(ks_appear_strip_authority("phó chủ tịch"), "phó chủ tịch");

    /* A decision page (user space, y up): a body line naming the signer high on the page (no
     * title above it), the recipients on the left, the block on the right. */
    ks_pdf_text_line lines[] = {
        line("Giao bà Trần Thị Bình theo dõi", 85, 700, 400, 714),
        line("Nơi nhận:", 85, 500, 140, 512),
        line("TM. ỦY BAN NHÂN DÂN", 330, 500, 520, 514),
        line("- Lưu: VT.", 85, 470, 140, 482),
        line("KT. CHỦ TỊCH", 375, 484, 475, 498),
        line("PHÓ CHỦ TỊCH", 372, 468, 478, 482),
        line("Trần  thị   BÌNH", 380, 380, 470, 394),
    };
    size_t n = sizeof lines / sizeof lines[0];
    ks_pdf_rect crop = {0, 0, 595, 842};
    ks_appear_frame fr;
    ks_appear_frame_init(&fr, &crop, 0);
    ks_appear_block b;
    /* Title from the certificate: the exact deputy title. */
    CHECK(ks_appear_find_block(lines, n, &fr, "Phó Chủ tịch", "Trần Thị Bình", &b));
    CHECK(b.title.y0 == 468 && b.name.y0 == 380);
    /* The head's title of the KT. line: the block's lowest title line is still PHÓ CHỦ TỊCH. */
    CHECK(ks_appear_find_block(lines, n, &fr, "KT. CHỦ TỊCH", "trần thị bình", &b));
    CHECK(b.title.y0 == 468 && b.name.y0 == 380);
    CHECK(b.column.x0 >= 330 && b.column.x1 <= 520);
    /* A certificate title longer than the line: its leading words are the line. */
    CHECK(ks_appear_find_block(lines, n, &fr, "Phó Chủ tịch UBND tỉnh", "Trần Thị Bình", &b));
    CHECK(b.title.y0 == 468 && b.name.y0 == 380);
    /* Words split by the extractor inside letters ("CH Ủ T Ị CH", as LibreOffice output
     * reads): matching ignores spaces. */
    ks_pdf_text_line split[] = {
        line("KT. CH Ủ T Ị CH", 375, 484, 475, 498),
        line("PHÓ CH Ủ T Ị CH", 372, 468, 478, 482),
        line("Tr ầ n Th ị Bình", 380, 380, 470, 394),
    };
    CHECK(ks_appear_find_block(split, 3, &fr, "KT. CHỦ TỊCH", "Trần Thị Bình", &b));
    CHECK(b.title.y0 == 468 && b.name.y0 == 380);
    CHECK(ks_appear_find_block(split, 3, &fr, "PHÓ CHỦ TỊCH", "Trần Thị Bình", &b));
    CHECK(b.title.y0 == 468);
    /* Not there. */
    CHECK(!ks_appear_find_block(lines, n, &fr, "GIÁM ĐỐC", "Trần Thị Bình", &b));
    CHECK(!ks_appear_find_block(lines, n, &fr, "PHÓ CHỦ TỊCH", "Lê Văn C", &b));
    CHECK(!ks_appear_find_block(lines, n, &fr, "KT.", "Trần Thị Bình", &b));

    /* The same page turned by /Rotate 90 with its content counter-turned: user boxes are the
     * visible boxes mapped to user space, and the search works in the visible frame. */
    ks_pdf_rect crop90 = {0, 0, 842, 595};
    ks_appear_frame f90;
    ks_appear_frame_init(&f90, &crop90, 90);
    ks_pdf_text_line turned[sizeof lines / sizeof lines[0]];
    for (size_t i = 0; i < n; i++) {
        turned[i] = lines[i];
        turned[i].box = ks_appear_to_user(&f90, lines[i].box);
    }
    CHECK(ks_appear_find_block(turned, n, &f90, "PHÓ CHỦ TỊCH", "Trần Thị Bình", &b));
    CHECK(rect_eq(b.title, lines[5].box) && rect_eq(b.name, lines[6].box));

    /* Placement: between the title bottom (468) and the name top (394), centred on the
     * column, aspect kept. */
    CHECK(ks_appear_find_block(lines, n, &fr, "PHÓ CHỦ TỊCH", "Trần Thị Bình", &b));
    ks_pdf_rect p = ks_appear_place_personal(&b, 600, 200);
    double cx = (b.column.x0 + b.column.x1) / 2;
    CHECK_MSG(p.y1 <= 468 && p.y0 >= 394, "%g..%g", p.y0, p.y1);
    CHECK(p.y1 - p.y0 > 0.8 * (468 - 394));
    CHECK(absd((p.x0 + p.x1) / 2 - cx) < 1e-6);
    CHECK(absd((p.x1 - p.x0) / (p.y1 - p.y0) - 3) < 1e-6);

    /* The seal: right edge at a third of the signature, vertically centred on it. */
    ks_pdf_rect s = ks_appear_place_seal(p, 40 * MM, 40 * MM);
    CHECK(absd(s.x1 - (p.x0 + (p.x1 - p.x0) / 3)) < 1e-6);
    CHECK(absd((s.y0 + s.y1) / 2 - (p.y0 + p.y1) / 2) < 1e-6);
    CHECK(absd(s.x1 - s.x0 - 40 * MM) < 1e-6);

    /* Corner text: inside the right margin (15 mm) and the top margin. */
    ks_pdf_rect c = ks_appear_place_corner(&fr, 200, 34);
    CHECK(absd(595 - c.x1 - 15 * MM) < 1e-6 && c.x1 - c.x0 == 200);
    CHECK(842 - c.y1 >= 5 * MM && 842 - c.y0 <= 20 * MM);
}

static void test_docnum(void)
{
    static const char *const good[] = {"123/QĐ-UBND", "05/BNV-VP",    "15/QĐ-BNV",
                                       "12/UBND-VX",  "2441/QĐ-UBND", "07/SY-SKHCN",
                                       "01/QyĐ-UBND", "03/TrS-SKHCN", "10/KH-UBND-2"};
    static const char *const bad[] = {
        "1/QĐ-UBND",   "123/QĐ",       "123/qđ-UBND",  "123/QĐ-UBND ", "123/QĐ--UBND",
        "123/QĐ-ubnd", "123/QĐ-UBND-", "123 /QĐ-UBND", "abc/QĐ-UBND",  "",
        "123/ÂĐ-UBND", "123/QĐ-UB\xC3"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK_MSG(ks_appear_docnum_valid(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(!ks_appear_docnum_valid(bad[i]), "%s", bad[i]);
}

int main(void)
{
    test_frame();
    test_block();
    test_docnum();
    return ks_test_done();
}
