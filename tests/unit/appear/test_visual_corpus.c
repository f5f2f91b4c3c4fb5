/* Visible signatures on the corpus decision lo74-odt-qd-default.pdf: personal signature and
 * seal with --title/--name given in another case and spacing; copy (ISO and label time, long
 * organisation name wrapped) and attachment text in the top right corner; usage errors
 * (requirements.md §4.1–4.5). "--fixtures DIR" only writes the PNGs and the .fodt for the CLI
 * test (tests/integration/test_appear_cli.sh). */
#include "visual.h"

int main(int argc, char **argv)
{
    char buf[512];
    if (argc == 3 && !strcmp(argv[1], "--fixtures")) {
        char b[512], s[512], f[512];
        dir = argv[2];
        return make_blue(path_in(b, "blue.png")) || make_seal(path_in(s, "seal.png")) ||
               write_file(path_in(f, "qd.fodt"), fodt, sizeof fodt - 1);
    }
    visual_setup("appear_visual_corpus");

    /* The corpus decision, block "CHỦ TỊCH" / "Nguyễn Văn A", given on the command line. */
    const char *corpus = ks_test_shared("corpus/generated/lo74-odt-qd-default.pdf");
    char corpus_pdf[512];
    snprintf(corpus_pdf, sizeof corpus_pdf, "%s", corpus);
    sign_args p2 = {
        .kind = KS_SIGN_PERSONAL, .image = blue_png, .title = "chủ  tịch", .name = "NGUYỄN VĂN A"};
    check_pair(corpus_pdf, "corpus", &p2, "CHỦTỊCH", "NguyễnVănA", 1, 595.3);

    /* --seal-mm gives the real size when the PNG has no pHYs (or overrides it). */
    char p_pdf[512], s_pdf[512];
    sign_args s30 = {.kind = KS_SIGN_ORGANIZATION, .image = seal_png, .seal_mm = 30};
    ks_error e30;
    ks_status st30 = sign(path_in(p_pdf, "corpus-p.pdf"), path_in(s_pdf, "seal30.pdf"), &s30, &e30);
    CHECK_MSG(st30 == KS_OK, "--seal-mm 30: %s", e30.msg_en);
    if (st30 == KS_OK) {
        ks_pdf_image *img = render(s_pdf, 1, "seal30");
        box red = pixel_box(img, is_red);
        ks_pdf_image_free(img);
        double want = 30 * MM;
        CHECK_MSG(fabs_(red.x1 - red.x0 - want) <= 0.02 * want, "--seal-mm 30: %.1f pt, want %.1f",
                  red.x1 - red.x0, want);
    }
    sign_args s_bad = {.kind = KS_SIGN_ORGANIZATION, .image = seal_png, .seal_mm = 3};
    CHECK(sign(p_pdf, path_in(buf, "bad-seal.pdf"), &s_bad, &e30) == KS_E_USAGE &&
          strstr(e30.msg_en, "3.0 mm"));

    char when[32], label[32];
    ks_time_iso_vn(sign_time, when);
    ks_time_label_vn(sign_time, label);
    sign_args c = {.kind = KS_SIGN_COPY,
                   .copy_form = "SAO Y",
                   .org_name = "Sở Khoa học và Công nghệ thành phố Hải Phòng"};
    const char *cw[] = {"SAO Y", "Sở Khoa học và Công nghệ thành phố Hải Phòng", when};
    check_corner(corpus_pdf, "copy", &c, cw, 3, false, 595.3);
    sign_args c2 = {.kind = KS_SIGN_COPY, .copy_form = "TRÍCH SAO", .label = true};
    const char *cw2[] = {"TRÍCH SAO", "Ủy ban nhân dân thành phố Hải Phòng", label};
    check_corner(corpus_pdf, "copy-label", &c2, cw2, 3, false, 595.3);
    const char *long_org = "Trung tâm Công nghệ thông tin và Truyền thông thuộc Sở Khoa học và "
                           "Công nghệ thành phố Hải Phòng";
    sign_args c3 = {.kind = KS_SIGN_COPY, .copy_form = "SAO LỤC", .org_name = long_org};
    const char *cw3[] = {"SAO LỤC", long_org, when};
    check_corner(corpus_pdf, "copy-wrap", &c3, cw3, 3, true, 595.3);
    sign_args at = {.kind = KS_SIGN_ATTACHMENT, .doc_number = "123/QĐ-UBND"};
    const char *aw[] = {"123/QĐ-UBND", when};
    check_corner(corpus_pdf, "attachment", &at, aw, 2, false, 595.3);
    render_before(NULL);

    /* Usage errors name what is wrong. */
    ks_error err;
    sign_args bad = {.kind = KS_SIGN_ATTACHMENT, .doc_number = "123/qđ ubnd"};
    CHECK(sign(corpus_pdf, path_in(buf, "bad.pdf"), &bad, &err) == KS_E_USAGE &&
          strstr(err.msg_en, "123/qđ ubnd"));
    sign_args miss = {
        .kind = KS_SIGN_PERSONAL, .image = blue_png, .title = "GIÁM ĐỐC", .name = "Lê Văn C"};
    CHECK(sign(corpus_pdf, path_in(buf, "miss.pdf"), &miss, &err) == KS_E_USAGE &&
          strstr(err.msg_en, "Lê Văn C") && strstr(err.msg_en, "GIÁM ĐỐC"));
    sign_args noseal = {.kind = KS_SIGN_ORGANIZATION, .image = seal_png};
    CHECK(sign(corpus_pdf, path_in(buf, "noseal.pdf"), &noseal, &err) == KS_E_USAGE &&
          strstr(err.msg_en, "no visible signature"));
    return ks_test_done();
}
