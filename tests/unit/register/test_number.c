/* Register numbering: the year boundary in Asia/Ho_Chi_Minh, restart at 01 each 1 January, no
 * reuse when the clock goes back, the two-digit rendering, symbols and the type abbreviations of
 * Decree 30 Appendix III; every rendered number passes the format checker's pattern. */
#include <string.h>

#include "kyso/docfmt.h"
#include "kyso/register.h"
#include "test.h"

int main(void)
{
    /* 2026-12-31T16:59:59Z = 23:59:59 +07:00 (2026); one second later it is 2027 in Hà Nội */
    CHECK(ks_register_year((time_t)1798736399) == 2026);
    CHECK(ks_register_year((time_t)1798736400) == 2027);
    CHECK(ks_register_year((time_t)0) == 1970);
    CHECK(ks_register_year((time_t)951782400) == 2000); /* 2000-02-29T00:00Z */

    ks_register_counter c = {0};
    uint32_t n = 0;
    time_t t2026 = 1772668800; /* 2026-03-05T00:00Z */
    CHECK(ks_register_next(&c, t2026, &n, NULL) == KS_OK && n == 1 && c.year == 2026);
    CHECK(ks_register_next(&c, t2026 + 60, &n, NULL) == KS_OK && n == 2);
    for (int i = 0; i < 100; i++)
        ks_register_next(&c, t2026 + 120, &n, NULL);
    CHECK(n == 102);
    CHECK(ks_register_next(&c, (time_t)1798736399, &n, NULL) == KS_OK && n == 103);
    CHECK(ks_register_next(&c, (time_t)1798736400, &n, NULL) == KS_OK && n == 1 && c.year == 2027);
    ks_error err = {0};
    CHECK(ks_register_next(&c, t2026, &n, &err) == KS_E_STATE && c.last == 1 && c.year == 2027);
    ks_register_counter full = {KS_REGISTER_MAX_NUMBER, 2026};
    CHECK(ks_register_next(&full, t2026, &n, NULL) == KS_E_LIMIT);

    char num[16], out[64];
    ks_register_format_number(5, num);
    CHECK_STR(num, "05");
    ks_register_format_number(123, num);
    CHECK_STR(num, "123");

    CHECK_STR(ks_register_type_abbr("Quyết định"), "QĐ");
    CHECK_STR(ks_register_type_abbr("QUYẾT ĐỊNH"), "QĐ");
    CHECK_STR(ks_register_type_abbr("Quy định"), "QyĐ");
    CHECK_STR(ks_register_type_abbr("Tờ trình"), "TTr");
    CHECK_STR(ks_register_type_abbr("Sao y"), "SY");
    CHECK(ks_register_type_abbr("Công văn") == NULL);

    CHECK(ks_register_symbol("QĐ", "UBND", NULL, out, sizeof out, NULL) == KS_OK);
    CHECK_STR(out, "QĐ-UBND");
    CHECK(ks_register_symbol(NULL, "UBND", "VX", out, sizeof out, NULL) == KS_OK);
    CHECK_STR(out, "UBND-VX");
    CHECK(ks_register_symbol("QĐ", "ub nd", NULL, out, sizeof out, &err) == KS_E_USAGE &&
          strstr(err.msg_en, "ub nd"));
    CHECK(ks_register_symbol("QĐ", "UBND", NULL, out, 4, NULL) == KS_E_LIMIT);

    CHECK(ks_register_format(5, "QĐ-UBND", true, out, sizeof out, NULL) == KS_OK);
    CHECK_STR(out, "Số: 05/QĐ-UBND");
    CHECK(ks_register_format(2441, "QĐ-UBND", false, out, sizeof out, NULL) == KS_OK);
    CHECK_STR(out, "2441/QĐ-UBND");
    CHECK(ks_docfmt_number_symbol_ok(out, false));
    CHECK(ks_register_format(7, "SY-SKHCN", false, out, sizeof out, NULL) == KS_OK &&
          ks_docfmt_number_symbol_ok(out, false));
    CHECK(ks_register_format(0, "QĐ-UBND", false, out, sizeof out, NULL) == KS_E_USAGE);
    CHECK(ks_register_format(1, "QĐ UBND", false, out, sizeof out, NULL) == KS_E_USAGE);
    CHECK(ks_register_format(1, "QĐ--UBND", false, out, sizeof out, NULL) == KS_E_USAGE);
    CHECK(ks_register_format(1, "QĐ-", false, out, sizeof out, NULL) == KS_E_USAGE);

    /* the format checker's patterns (requirements §4.5 regex; App. I II.4 date) */
    CHECK(ks_docfmt_number_symbol_ok("15/QĐ-BNV", false));
    CHECK(ks_docfmt_number_symbol_ok("05/QyĐ-UBND", false));
    CHECK(!ks_docfmt_number_symbol_ok("5/QĐ-UBND", false));
    CHECK(!ks_docfmt_number_symbol_ok("05/QĐ UBND", false));
    CHECK(!ks_docfmt_number_symbol_ok("05/qđ-UBND", false));
    CHECK(!ks_docfmt_number_symbol_ok("05/QĐ", false));
    CHECK(!ks_docfmt_number_symbol_ok("/QĐ-UBND", false));
    CHECK(ks_docfmt_number_symbol_ok("/QĐ-UBND", true));
    CHECK(ks_docfmt_number_symbol_ok("…/QĐ-UBND", true));
    CHECK(ks_docfmt_place_date_ok("Hải Phòng, ngày 05 tháng 02 năm 2026", false));
    CHECK(ks_docfmt_place_date_ok("Hà Nội, ngày 29 tháng 6 năm 2019", false));
    CHECK(ks_docfmt_place_date_ok("Hà Nội, ngày 29 tháng 12 năm 2019", false));
    CHECK(!ks_docfmt_place_date_ok("Hà Nội, ngày 5 tháng 6 năm 2019", false));
    CHECK(!ks_docfmt_place_date_ok("Hà Nội, ngày 05 tháng 2 năm 2019", false));
    CHECK(!ks_docfmt_place_date_ok("Hà Nội, ngày 05 tháng 06 năm 2019", false));
    CHECK(!ks_docfmt_place_date_ok("Hà Nội, ngày 30 tháng 02 năm 2026", false));
    CHECK(!ks_docfmt_place_date_ok("ngày 05 tháng 3 năm 2026", false));
    CHECK(ks_docfmt_place_date_ok("Hải Phòng, ngày tháng năm 2026", true));
    CHECK(!ks_docfmt_place_date_ok("Hải Phòng, ngày tháng năm 2026", false));
    return ks_test_done();
}
