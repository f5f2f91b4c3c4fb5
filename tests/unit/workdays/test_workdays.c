/* Vietnamese working days: the lunar calendar against known Tết and Hùng Kings dates (from the
 * Government's yearly notices), leap months, the statutory holidays with weekend compensation,
 * configured swaps, and ks_workdays_add for deadlines. */
#include <stdlib.h>
#include <string.h>

#include "kyso/workdays.h"
#include "test.h"

static ks_date D(int y, int m, int d)
{
    return (ks_date){y, m, d};
}
static bool eq(ks_date a, ks_date b)
{
    return a.y == b.y && a.m == b.m && a.d == b.d;
}

static void check_tet(int lunar_year, ks_date want)
{
    ks_date got;
    CHECK(ks_lunar_to_solar((ks_lunar_date){lunar_year, 1, 1, false}, &got, NULL) == KS_OK);
    CHECK_MSG(eq(got, want), "Tết %d: got %d-%02d-%02d", lunar_year, got.y, got.m, got.d);
    ks_lunar_date l;
    CHECK(ks_lunar_from_solar(want, &l, NULL) == KS_OK);
    CHECK_MSG(l.y == lunar_year && l.m == 1 && l.d == 1 && !l.leap, "%d-%d-%d", l.y, l.m, l.d);
}

int main(void)
{
    /* Tết Nguyên đán */
    check_tet(2020, D(2020, 1, 25));
    check_tet(2021, D(2021, 2, 12));
    check_tet(2022, D(2022, 2, 1));
    check_tet(2023, D(2023, 1, 22));
    check_tet(2024, D(2024, 2, 10));
    check_tet(2025, D(2025, 1, 29));
    check_tet(2026, D(2026, 2, 17));
    check_tet(2027, D(2027, 2, 6));
    /* 1985: at UTC+7 month 11 fell so that Vietnam's Tết came a month before China's (1985-02-20)
     */
    check_tet(1985, D(1985, 1, 21));
    /* Hùng Kings (10/3 lunar) */
    ks_date g;
    CHECK(ks_lunar_to_solar((ks_lunar_date){2024, 3, 10, false}, &g, NULL) == KS_OK &&
          eq(g, D(2024, 4, 18)));
    CHECK(ks_lunar_to_solar((ks_lunar_date){2025, 3, 10, false}, &g, NULL) == KS_OK &&
          eq(g, D(2025, 4, 7)));
    CHECK(ks_lunar_to_solar((ks_lunar_date){2026, 3, 10, false}, &g, NULL) == KS_OK &&
          eq(g, D(2026, 4, 26)));
    /* leap months: 2023 had a leap 2nd month, 2025 a leap 6th month */
    ks_lunar_date l;
    CHECK(ks_lunar_from_solar(D(2023, 3, 22), &l, NULL) == KS_OK && l.m == 2 && l.leap && l.d == 1);
    CHECK(ks_lunar_from_solar(D(2025, 7, 25), &l, NULL) == KS_OK && l.m == 6 && l.leap && l.d == 1);
    CHECK(ks_lunar_to_solar((ks_lunar_date){2024, 2, 1, true}, &g, NULL) == KS_E_USAGE);
    CHECK(ks_lunar_to_solar((ks_lunar_date){2300, 1, 1, false}, &g, NULL) == KS_E_USAGE);
    /* round trip over every day of 2000–2040 */
    int bad = 0;
    for (int64_t j = ks_date_jdn(D(2000, 1, 1)); j < ks_date_jdn(D(2041, 1, 1)); j++) {
        ks_date d = ks_date_from_jdn(j), back;
        if (ks_lunar_from_solar(d, &l, NULL) || ks_lunar_to_solar(l, &back, NULL) || !eq(back, d))
            bad++;
    }
    CHECK_MSG(bad == 0, "%d days do not round-trip", bad);

    /* every Tết and Giỗ Tổ of 1900–2199 is a holiday (the solar windows that skip lunar
     * arithmetic elsewhere hold) */
    int missed = 0;
    for (int y = 1900; y < 2200; y++) {
        ks_date tet, hung;
        if (ks_lunar_to_solar((ks_lunar_date){y, 1, 1, false}, &tet, NULL) ||
            ks_lunar_to_solar((ks_lunar_date){y, 3, 10, false}, &hung, NULL)) {
            missed++;
            continue;
        }
        for (int k = -1; k <= 3; k++)
            missed += !ks_workdays_is_holiday(ks_date_from_jdn(ks_date_jdn(tet) + k), NULL);
        missed += !ks_workdays_is_holiday(hung, NULL);
    }
    CHECK_MSG(missed == 0, "%d Tết or Giỗ Tổ days not holidays", missed);

    /* dates and time zone: 2026-12-31T17:00:00Z is already 1 January in Hà Nội */
    CHECK(eq(ks_date_of_time((time_t)1798736400), D(2027, 1, 1)));
    CHECK(eq(ks_date_of_time((time_t)1798736399), D(2026, 12, 31)));
    CHECK(ks_date_weekday(D(2026, 2, 17)) == 1); /* Tuesday */
    ks_date p;
    CHECK(ks_date_parse("2026-02-29", &p, NULL) == KS_E_FORMAT);
    CHECK(ks_date_parse("2026-2-1", &p, NULL) == KS_E_FORMAT);
    CHECK(ks_date_parse("2026-02-28", &p, NULL) == KS_OK && eq(p, D(2026, 2, 28)));

    /* statutory holidays */
    const char *name = NULL;
    CHECK(ks_workdays_is_holiday(D(2026, 2, 16), &name) && name); /* 29 Chạp Ất Tỵ */
    CHECK(ks_workdays_is_holiday(D(2026, 2, 20), NULL));          /* mùng 4 */
    CHECK(!ks_workdays_is_holiday(D(2026, 2, 23), NULL));
    CHECK(ks_workdays_is_holiday(D(2026, 4, 26), NULL)); /* Giỗ Tổ, a Sunday */
    CHECK(ks_workdays_is_holiday(D(2026, 4, 27), NULL)); /* ... compensated on Monday */
    CHECK(ks_workdays_is_holiday(D(2026, 4, 30), NULL));
    CHECK(ks_workdays_is_holiday(D(2026, 5, 1), NULL));
    CHECK(ks_workdays_is_holiday(D(2026, 9, 1), NULL) &&
          ks_workdays_is_holiday(D(2026, 9, 2), NULL));
    CHECK(!ks_workdays_is_holiday(D(2026, 9, 3), NULL));
    CHECK(ks_workdays_is_holiday(D(2024, 9, 3), NULL)); /* 2/9/2024 was a Monday */
    CHECK(ks_workdays_is_holiday(D(2022, 1, 3), NULL)); /* 1/1/2022 a Saturday → Monday */
    CHECK(!ks_workdays_is_holiday(D(2022, 1, 4), NULL));
    CHECK(!ks_workdays_is_workday(NULL, D(2026, 3, 7))); /* Saturday */
    CHECK(ks_workdays_is_workday(NULL, D(2026, 3, 9)));

    /* deadlines: 3 working days from Friday 2026-02-13 skip the weekend and Tết */
    ks_date out;
    CHECK(ks_workdays_add(NULL, D(2026, 2, 13), 3, &out, NULL) == KS_OK);
    CHECK_MSG(eq(out, D(2026, 2, 25)), "got %d-%02d-%02d", out.y, out.m, out.d);
    CHECK(ks_workdays_add(NULL, D(2026, 3, 5), 1, &out, NULL) == KS_OK && eq(out, D(2026, 3, 6)));
    CHECK(ks_workdays_add(NULL, D(2026, 3, 6), 1, &out, NULL) == KS_OK && eq(out, D(2026, 3, 9)));
    CHECK(ks_workdays_add(NULL, D(2026, 3, 7), 0, &out, NULL) == KS_OK && eq(out, D(2026, 3, 9)));
    CHECK(ks_workdays_add(NULL, D(2026, 3, 7), -1, &out, NULL) == KS_E_USAGE);

    /* the year's decisions: 2026 Quốc khánh swap (off Mon 31/8, make-up work Sat 22/8) */
    ks_workcal *cal = NULL;
    CHECK(ks_workcal_new(&cal, NULL) == KS_OK);
    const char *txt = "# QĐ 2026\noff 2026-08-31\nwork 2026-08-22  # hoán đổi\n\n";
    CHECK(ks_workcal_load(cal, txt, strlen(txt), NULL) == KS_OK);
    CHECK(!ks_workdays_is_workday(cal, D(2026, 8, 31)));
    CHECK(ks_workdays_is_workday(cal, D(2026, 8, 22)));
    CHECK(ks_workdays_add(cal, D(2026, 8, 28), 1, &out, NULL) == KS_OK && eq(out, D(2026, 9, 3)));
    CHECK(ks_workdays_add(NULL, D(2026, 8, 28), 1, &out, NULL) == KS_OK && eq(out, D(2026, 8, 31)));
    ks_error err = {0};
    CHECK(ks_workcal_load(cal, "off 2026-13-01\n", 15, &err) == KS_E_FORMAT &&
          strstr(err.msg_en, "line 1"));
    CHECK(ks_workcal_load(cal, "holiday 2026-01-01\n", 19, NULL) == KS_E_FORMAT);
    ks_workcal_free(cal);
    ks_workcal_free(NULL);
    return ks_test_done();
}
