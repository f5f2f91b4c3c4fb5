/* workdays/lunar.c — the Vietnamese lunar calendar by Hồ Ngọc Đức's algorithm (public-domain
 * astronomy: new moons after Meeus, the sun's longitude for the major solar terms), computed at
 * UTC+7 as Vietnam's calendar is. Part of workdays/, which depends on util/ only. */
#include <math.h>

#include "kyso/workdays.h"

#define TZ 7.0
#define SYNODIC 29.530588853
#define EPOCH 2415021.076998695

int64_t ks_date_jdn(ks_date d)
{
    int64_t a = (14 - d.m) / 12, y = (int64_t)d.y + 4800 - a, m = d.m + 12 * a - 3;
    return d.d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
}

ks_date ks_date_from_jdn(int64_t jd)
{
    int64_t a = jd + 32044, b = (4 * a + 3) / 146097, c = a - b * 146097 / 4;
    int64_t d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153;
    ks_date r = {(int)(b * 100 + d - 4800 + m / 10), (int)(m + 3 - 12 * (m / 10)),
                 (int)(e - (153 * m + 2) / 5 + 1)};
    return r;
}

/* Julian day of the k-th new moon after 1900-01-01 (Meeus, Astronomical Algorithms ch. 49). */
static double new_moon(double k)
{
    double T = k / 1236.85, T2 = T * T, T3 = T2 * T, dr = M_PI / 180;
    double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
    jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
    double M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3;
    double Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3;
    double F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3;
    double C1 = (0.1734 - 0.000393 * T) * sin(M * dr) + 0.0021 * sin(2 * dr * M);
    C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
    C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
    C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
    C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
    C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) - 0.0006 * sin(dr * (2 * F + Mpr));
    C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) + 0.0005 * sin(dr * (2 * Mpr + M));
    double dt = T < -11
                    ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
                    : -0.000278 + 0.000265 * T + 0.000262 * T2;
    return jd1 + C1 - dt;
}

static int64_t new_moon_day(int64_t k)
{
    return (int64_t)floor(new_moon((double)k) + 0.5 + TZ / 24);
}

/* The sun's longitude at local midnight starting day `jdn`, as the major term 0–11. */
static int sun_term(int64_t jdn)
{
    double T = ((double)jdn - 0.5 - TZ / 24 - 2451545.0) / 36525, T2 = T * T, dr = M_PI / 180;
    double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
    double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
    double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
    DL += (0.019993 - 0.000101 * T) * sin(dr * 2 * M) + 0.000290 * sin(dr * 3 * M);
    double L = (L0 + DL) * dr;
    L -= 2 * M_PI * floor(L / (2 * M_PI));
    return (int)floor(L / M_PI * 6);
}

/* The first day of the lunar month that contains the winter solstice of year `y`. */
static int64_t month11(int y)
{
    int64_t off = ks_date_jdn((ks_date){y, 12, 31}) - 2415021;
    int64_t k = (int64_t)floor((double)off / SYNODIC);
    int64_t nm = new_moon_day(k);
    if (sun_term(nm) >= 9)
        nm = new_moon_day(k - 1);
    return nm;
}

/* Which month after month 11 starting at `a11` is the leap month (no major term in it). */
static int leap_offset(int64_t a11)
{
    int64_t k = (int64_t)floor(((double)a11 - EPOCH) / SYNODIC + 0.5);
    int i = 1, last, arc = sun_term(new_moon_day(k + 1));
    do {
        last = arc;
        i++;
        arc = sun_term(new_moon_day(k + i));
    } while (arc != last && i < 14);
    return i - 1;
}

static bool in_range(int y)
{
    return y >= 1800 && y <= 2199;
}

ks_status ks_lunar_from_solar(ks_date d, ks_lunar_date *out, ks_error *err)
{
    if (!ks_date_valid(d) || !in_range(d.y))
        return ks_error_set(err, KS_E_USAGE,
                            N_("date out of the lunar calendar's range "
                               "(1800–2199)"));
    int64_t day = ks_date_jdn(d);
    int64_t k = (int64_t)floor(((double)day - EPOCH) / SYNODIC);
    int64_t start = new_moon_day(k + 1);
    if (start > day)
        start = new_moon_day(k);
    int64_t a11 = month11(d.y), b11;
    int year;
    if (a11 >= start) {
        year = d.y;
        b11 = a11;
        a11 = month11(d.y - 1);
    } else {
        year = d.y + 1;
        b11 = month11(d.y + 1);
    }
    int diff = (int)((start - a11) / 29);
    int month = diff + 11;
    bool leap = false;
    if (b11 - a11 > 365) {
        int lo = leap_offset(a11);
        if (diff >= lo) {
            month = diff + 10;
            leap = diff == lo;
        }
    }
    if (month > 12)
        month -= 12;
    if (month >= 11 && diff < 4)
        year--;
    *out = (ks_lunar_date){year, month, (int)(day - start + 1), leap};
    return KS_OK;
}

ks_status ks_lunar_to_solar(ks_lunar_date l, ks_date *out, ks_error *err)
{
    if (!in_range(l.y) || l.m < 1 || l.m > 12 || l.d < 1 || l.d > 30)
        return ks_error_set(err, KS_E_USAGE, N_("lunar date %d-%d-%d out of range"), l.y, l.m, l.d);
    int64_t a11, b11;
    if (l.m < 11) {
        a11 = month11(l.y - 1);
        b11 = month11(l.y);
    } else {
        a11 = month11(l.y);
        b11 = month11(l.y + 1);
    }
    int64_t k = (int64_t)floor(0.5 + ((double)a11 - EPOCH) / SYNODIC);
    int off = l.m - 11;
    if (off < 0)
        off += 12;
    if (b11 - a11 > 365) {
        int lo = leap_offset(a11), leap_month = lo - 2;
        if (leap_month < 0)
            leap_month += 12;
        if (l.leap && l.m != leap_month)
            return ks_error_set(err, KS_E_USAGE, N_("lunar year %d has no leap month %d"), l.y,
                                l.m);
        if (l.leap || off >= lo)
            off++;
    } else if (l.leap) {
        return ks_error_set(err, KS_E_USAGE, N_("lunar year %d has no leap month %d"), l.y, l.m);
    }
    *out = ks_date_from_jdn(new_moon_day(k + off) + l.d - 1);
    return KS_OK;
}
