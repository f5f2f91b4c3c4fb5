/* workdays/calendar.c — civil dates in Asia/Ho_Chi_Minh, the statutory public holidays (Labour
 * Code 2019 Đ112 k1, Đ111 k3) and the working-day arithmetic for deadlines of incoming documents
 * and certificate requests (requirements §8.1). Part of workdays/, which depends on util/ only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"
#include "kyso/workdays.h"

#define MAX_ADD 10000 /* working days one deadline may span */

struct ks_workcal {
    int64_t *jdn; /* sorted */
    bool *work;   /* true: make-up working day; false: day off */
    size_t count;
};

ks_date ks_date_of_time(time_t t)
{
    int64_t s = (int64_t)t + KS_VN_OFFSET_SEC;
    int64_t days = s / 86400 - (s % 86400 < 0);
    return ks_date_from_jdn(days + 2440588); /* 1970-01-01 is JDN 2440588 */
}

int ks_date_weekday(ks_date d)
{
    return (int)(ks_date_jdn(d) % 7);
}

bool ks_date_valid(ks_date d)
{
    if (d.y < 1 || d.y > 9999 || d.m < 1 || d.m > 12 || d.d < 1)
        return false;
    ks_date back = ks_date_from_jdn(ks_date_jdn(d));
    return back.y == d.y && back.m == d.m && back.d == d.d;
}

void ks_date_format(ks_date d, char out[16])
{
    snprintf(out, 16, "%04d-%02d-%02d", d.y % 10000, d.m % 100, d.d % 100);
}

ks_status ks_date_parse(const char *s, ks_date *out, ks_error *err)
{
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-' || !ks_date_valid((ks_date){y, m, d}))
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" is not a date (YYYY-MM-DD)"), s);
    *out = (ks_date){y, m, d};
    return KS_OK;
}

ks_status ks_workcal_new(ks_workcal **out, ks_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

void ks_workcal_free(ks_workcal *c)
{
    if (!c)
        return;
    free(c->jdn);
    free(c->work);
    free(c);
}

static ks_status put(ks_workcal *c, ks_date d, bool work, ks_error *err)
{
    if (!ks_date_valid(d))
        return ks_error_set(err, KS_E_USAGE, N_("invalid date %d-%d-%d"), d.y, d.m, d.d);
    int64_t j = ks_date_jdn(d);
    size_t i = 0;
    while (i < c->count && c->jdn[i] < j)
        i++;
    if (i < c->count && c->jdn[i] == j) {
        c->work[i] = work;
        return KS_OK;
    }
    if (c->count >= KS_WORKCAL_MAX_DAYS)
        return ks_error_set(err, KS_E_LIMIT, N_("more than %d configured days"),
                            KS_WORKCAL_MAX_DAYS);
    int64_t *nj = realloc(c->jdn, (c->count + 1) * sizeof *nj);
    if (!nj)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    c->jdn = nj;
    bool *nw = realloc(c->work, (c->count + 1) * sizeof *nw);
    if (!nw)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    c->work = nw;
    memmove(c->jdn + i + 1, c->jdn + i, (c->count - i) * sizeof *nj);
    memmove(c->work + i + 1, c->work + i, (c->count - i) * sizeof *nw);
    c->jdn[i] = j;
    c->work[i] = work;
    c->count++;
    return KS_OK;
}

ks_status ks_workcal_add_off(ks_workcal *c, ks_date d, ks_error *err)
{
    return put(c, d, false, err);
}

ks_status ks_workcal_add_work(ks_workcal *c, ks_date d, ks_error *err)
{
    return put(c, d, true, err);
}

ks_status ks_workcal_load(ks_workcal *c, const char *text, size_t len, ks_error *err)
{
    size_t line = 0, i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        line++;
        char buf[64];
        size_t n = e - i;
        if (n >= sizeof buf)
            return ks_error_set(err, KS_E_FORMAT, N_("calendar line %zu is too long"), line);
        memcpy(buf, text + i, n);
        buf[n] = 0;
        i = e + 1;
        char *hash = strchr(buf, '#');
        if (hash)
            *hash = 0;
        char word[8], date[16], extra[2];
        int k = sscanf(buf, "%7s %15s %1s", word, date, extra);
        if (k <= 0)
            continue;
        ks_date d;
        bool work = strcmp(word, "work") == 0;
        if (k != 2 || (!work && strcmp(word, "off") != 0) || ks_date_parse(date, &d, NULL))
            return ks_error_set(err, KS_E_FORMAT,
                                N_("calendar line %zu: expected \"off YYYY-MM-DD\" or \"work "
                                   "YYYY-MM-DD\""),
                                line);
        ks_status st = put(c, d, work, err);
        if (st)
            return st;
    }
    return KS_OK;
}

static bool same(ks_date a, int m, int d)
{
    return a.m == m && a.d == d;
}

/* The statutory holiday on `d` itself (before weekend compensation). */
static const char *holiday_of(ks_date d)
{
    if (same(d, 1, 1))
        return N_("New Year's Day");
    if (same(d, 4, 30))
        return N_("Reunification Day");
    if (same(d, 5, 1))
        return N_("International Workers' Day");
    if (same(d, 9, 2))
        return N_("National Day");
    int wd2 = ks_date_weekday((ks_date){d.y, 9, 2});
    if ((wd2 == 0 && same(d, 9, 3)) || (wd2 != 0 && same(d, 9, 1)))
        return N_("National Day");
    /* Tết falls between 21/1 and 20/2, Giỗ Tổ between late March and May (after a leap 1st or
     * 2nd month): outside those windows no lunar arithmetic is needed */
    int md = d.m * 100 + d.d;
    if (!((md >= 115 && md <= 225) || (md >= 325 && md <= 605)))
        return NULL;
    ks_lunar_date l, next;
    if (ks_lunar_from_solar(d, &l, NULL))
        return NULL;
    if (l.m == 1 && !l.leap && l.d <= 4)
        return N_("Lunar New Year (Tết)");
    if (!ks_lunar_from_solar(ks_date_from_jdn(ks_date_jdn(d) + 1), &next, NULL) && next.m == 1 &&
        next.d == 1 && !next.leap)
        return N_("Lunar New Year (Tết)");
    if (l.m == 3 && !l.leap && l.d == 10)
        return N_("Hùng Kings' Commemoration Day");
    return NULL;
}

bool ks_workdays_is_holiday(ks_date d, const char **name)
{
    const char *h = holiday_of(d);
    if (!h && ks_date_weekday(d) < 5) {
        /* Đ111 k3: a holiday on a weekend is taken on the next working day(s). Replay the
         * three weeks before `d` (a run of holidays settles within ten days): each holiday on a
         * weekend owes a day, paid by the next plain weekdays. */
        int64_t j = ks_date_jdn(d);
        int owed = 0;
        const char *last = NULL;
        for (int64_t k = j - 21; k <= j; k++) {
            ks_date p = ks_date_from_jdn(k);
            const char *ph = holiday_of(p);
            bool weekend = ks_date_weekday(p) >= 5;
            if (ph && weekend) {
                owed++;
                last = ph;
            } else if (!ph && !weekend && owed > 0) {
                owed--;
                if (k == j)
                    h = last;
            }
        }
    }
    if (name)
        *name = h;
    return h != NULL;
}

bool ks_workdays_is_workday(const ks_workcal *c, ks_date d)
{
    if (c) {
        int64_t j = ks_date_jdn(d);
        for (size_t i = 0; i < c->count && c->jdn[i] <= j; i++)
            if (c->jdn[i] == j)
                return c->work[i];
    }
    return ks_date_weekday(d) < 5 && !ks_workdays_is_holiday(d, NULL);
}

ks_status ks_workdays_add(const ks_workcal *c, ks_date start, int n, ks_date *out, ks_error *err)
{
    if (n < 0 || n > MAX_ADD)
        return ks_error_set(err, KS_E_USAGE, N_("working days to add must be 0–%d (got %d)"),
                            MAX_ADD, n);
    if (!ks_date_valid(start))
        return ks_error_set(err, KS_E_USAGE, N_("invalid date %d-%d-%d"), start.y, start.m,
                            start.d);
    int64_t j = ks_date_jdn(start);
    if (n == 0) {
        while (!ks_workdays_is_workday(c, ks_date_from_jdn(j)))
            j++;
    }
    for (int left = n; left > 0;) {
        j++;
        if (ks_workdays_is_workday(c, ks_date_from_jdn(j)))
            left--;
    }
    *out = ks_date_from_jdn(j);
    return KS_OK;
}
