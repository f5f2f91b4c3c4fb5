/* Visible signatures on a decision made by LibreOffice from a .fodt written here (block
 * "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name", title and name taken from the
 * signer certificate), and on the same page turned by /Rotate 90 with a CropBox offset:
 * personal signature between the title and name lines, seal over its left third at real size,
 * judged on pdftoppm pixels and pdftotext boxes (requirements.md §4.1, §4.2). */
#include "visual.h"

int main(void)
{
    char buf[512], rot[512];
    visual_setup("appear_visual_lo");
    const char *qd = path_in(buf, "qd.pdf");
    if (make_decision(qd)) {
        sign_args p = {.kind = KS_SIGN_PERSONAL, .image = blue_png};
        check_pair(qd, "lo", &p, "PHÓCHỦTỊCH", "TrầnThịBình", 1, 595.3);
        /* The same page turned (/Rotate 90, content counter-turned) and cropped. */
        CHECK(rotate_crop(qd, path_in(rot, "rot.pdf")) == 0);
        check_pair(rot, "rot", &p, "PHÓCHỦTỊCH", "TrầnThịBình", 1, 595.3);
    }
    return ks_test_done();
}
