/* tests/unit/sign/test_numfields.c — the pure parts of the number and date fields
 * (kyso/numfields.h): the date line of Appendix I II.4 (leading zeros for days below 10 and
 * for January and February, real dates only), the FieldMDP lock a personal signature gets, and
 * the refusals of add and fill that need no LibreOffice (a page without "Số:", an unsigned
 * document without the fields, a malformed number, an impossible date). The round trip through
 * LibreOffice, pdfsig, mutool and kyso verify is tests/integration/test_number_fields.sh. */
#include <stdlib.h>
#include <string.h>

#include "kyso/numfields.h"
#include "test.h"

/* A one-page PDF with an ASCII line and a correct xref table. */
static size_t tiny_pdf(char *out, size_t cap, const char *text)
{
    char content[256];
    int cl = snprintf(content, sizeof content, "BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
    const char *objs[5];
    char o4[400];
    objs[0] = "<< /Type /Catalog /Pages 2 0 R >>";
    objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
              " /Resources << /Font << /F1 5 0 R >> >> >>";
    snprintf(o4, sizeof o4, "<< /Length %d >>\nstream\n%s\nendstream", cl, content);
    objs[3] = o4;
    objs[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>";
    size_t n = (size_t)snprintf(out, cap, "%%PDF-1.4\n"), offs[5];
    for (int i = 0; i < 5; i++) {
        offs[i] = n;
        n += (size_t)snprintf(out + n, cap - n, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]);
    }
    size_t x = n;
    n += (size_t)snprintf(out + n, cap - n, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 0; i < 5; i++)
        n += (size_t)snprintf(out + n, cap - n, "%010zu 00000 n \n", offs[i]);
    n += (size_t)snprintf(out + n, cap - n,
                          "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
    return n;
}

int main(void)
{
    char line[128];
    CHECK(ks_numfields_date_line("Hải Phòng", 2026, 12, 6, line, sizeof line));
    CHECK_STR(line, "Hải Phòng, ngày 06 tháng 12 năm 2026");
    CHECK(ks_numfields_date_line("Hà Nội", 2026, 2, 15, line, sizeof line));
    CHECK_STR(line, "Hà Nội, ngày 15 tháng 02 năm 2026");
    CHECK(ks_numfields_date_line("Hải Phòng", 2026, 3, 5, line, sizeof line));
    CHECK_STR(line, "Hải Phòng, ngày 05 tháng 3 năm 2026");
    CHECK(ks_numfields_date_line("", 2028, 2, 29, line, sizeof line)); /* a leap year */
    CHECK_STR(line, "ngày 29 tháng 02 năm 2028");
    CHECK(!ks_numfields_date_line("Hải Phòng", 2026, 2, 29, line, sizeof line));
    CHECK(!ks_numfields_date_line("Hải Phòng", 2100, 2, 29, line, sizeof line));
    CHECK(!ks_numfields_date_line("Hải Phòng", 2026, 13, 1, line, sizeof line));
    CHECK(!ks_numfields_date_line("Hải Phòng", 2026, 4, 31, line, sizeof line));
    CHECK(!ks_numfields_date_line("Hải Phòng", 2026, 12, 6, line, 10)); /* too short */

    ks_sign_opts o;
    ks_sign_opts_init(&o);
    ks_numfields_lock(&o);
    CHECK(o.lock == KS_SIGN_LOCK_EXCLUDE && o.lock_count == 2);
    CHECK_STR(o.lock_fields[0], KS_NUMFIELD_NUMBER);
    CHECK_STR(o.lock_fields[1], KS_NUMFIELD_DATE);

    char pdf[4096];
    size_t len = tiny_pdf(pdf, sizeof pdf, "No number line here");
    uint8_t *out = NULL;
    size_t out_len = 0;
    ks_error e;
    CHECK(ks_numfields_add((const uint8_t *)pdf, len, "tiny.pdf", &out, &out_len, &e) ==
          KS_E_FORMAT);
    CHECK(out == NULL && strstr(e.msg_en, "tiny.pdf") && strstr(e.msg_en, "Số:"));
    CHECK(ks_numfields_fill((const uint8_t *)pdf, len, "tiny.pdf", "07/QĐ-UBND", 2026, 12, 6, &out,
                            &out_len, &e) == KS_E_STATE);
    CHECK(out == NULL && strstr(e.msg_en, KS_NUMFIELD_NUMBER));
    CHECK(ks_numfields_fill((const uint8_t *)pdf, len, "tiny.pdf", "7/QĐ", 2026, 12, 6, &out,
                            &out_len, &e) == KS_E_USAGE);
    CHECK(ks_numfields_fill((const uint8_t *)pdf, len, "tiny.pdf", "07 / QĐ UBND", 2026, 12, 6,
                            &out, &out_len, &e) == KS_E_USAGE);
    CHECK(ks_numfields_fill((const uint8_t *)"%PDF-1.4 broken", 15, "broken.pdf", "07/QĐ-UBND",
                            2026, 12, 6, &out, &out_len, &e) != KS_OK);
    CHECK(out == NULL);
    return ks_test_done();
}
