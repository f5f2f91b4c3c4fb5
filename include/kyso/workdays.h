/* kyso/workdays.h — Vietnamese working days: civil dates in Asia/Ho_Chi_Minh (UTC+07:00, no
 * daylight saving since 1975), the Vietnamese lunar calendar (Hồ Ngọc Đức's public-domain
 * astronomical algorithm at UTC+7, which can differ from the Chinese calendar by a day), and the
 * public holidays of the Labour Code 2019 Điều 112 with the weekend compensation of Điều 111 k3.
 * The Prime Minister's yearly decisions (Tết days, swapped days, make-up Saturdays) are data:
 * add them to a calendar with ks_workcal_add_off / ks_workcal_add_work. Depends on util/ only. */
#ifndef KYSO_WORKDAYS_H
#define KYSO_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ks_date {
    int y, m, d; /* proleptic Gregorian; m 1–12, d 1–31 */
} ks_date;

typedef struct ks_lunar_date {
    int y, m, d; /* lunar year (of its Tết), month 1–12, day 1–30 */
    bool leap;   /* a leap month (tháng nhuận) */
} ks_lunar_date;

/* The civil date of instant `t` in Asia/Ho_Chi_Minh. */
ks_date ks_date_of_time(time_t t);
/* Julian day number and back; day of week 0 = Monday … 6 = Sunday. */
int64_t ks_date_jdn(ks_date d);
ks_date ks_date_from_jdn(int64_t jdn);
int ks_date_weekday(ks_date d);
bool ks_date_valid(ks_date d);
/* "2026-02-17" (needs 11 bytes); parsing accepts exactly that form (KS_E_FORMAT otherwise). */
void ks_date_format(ks_date d, char out[16]);
ks_status ks_date_parse(const char *s, ks_date *out, ks_error *err);

/* Solar → lunar and back, years 1800–2199. Errors: KS_E_USAGE (out of range, or a leap month
 * that this lunar year does not have). */
ks_status ks_lunar_from_solar(ks_date d, ks_lunar_date *out, ks_error *err);
ks_status ks_lunar_to_solar(ks_lunar_date l, ks_date *out, ks_error *err);

/* A working calendar: the statutory rules plus the year's decisions. */
typedef struct ks_workcal ks_workcal;
#define KS_WORKCAL_MAX_DAYS 4096 /* configured days in one calendar */

ks_status ks_workcal_new(ks_workcal **out, ks_error *err);
void ks_workcal_free(ks_workcal *c); /* NULL is a no-op */
/* A substitute or extra day off (e.g. a swapped Monday), or a make-up working day (e.g. a
 * Saturday worked in exchange). A later entry for the same date replaces the earlier one. */
ks_status ks_workcal_add_off(ks_workcal *c, ks_date d, ks_error *err);
ks_status ks_workcal_add_work(ks_workcal *c, ks_date d, ks_error *err);
/* Reads decisions from text, one per line: "off 2026-08-31" or "work 2026-08-22"; '#' starts a
 * comment. KS_E_FORMAT names the line. */
ks_status ks_workcal_load(ks_workcal *c, const char *text, size_t len, ks_error *err);

/* Is `d` a public holiday by statute (with compensation for one falling on a weekend)? Tết: the
 * last day of the lunar year and the first four days of the new one; Quốc khánh: 2/9 and 1/9
 * (3/9 when 2/9 is a Monday). `name` (may be NULL) receives the English msgid of the holiday. */
bool ks_workdays_is_holiday(ks_date d, const char **name);
/* Working day: not Saturday or Sunday, not a holiday, not a configured day off — or a
 * configured make-up working day. `c` may be NULL (statutory rules only). */
bool ks_workdays_is_workday(const ks_workcal *c, ks_date d);
/* The date `n` working days after `start` (n ≥ 0). Counting starts the day after `start`, as
 * "within N working days from receipt" does (requirements §8.1); n = 0 gives the first working
 * day on or after `start`. KS_E_USAGE for n < 0 or n > 10000. */
ks_status ks_workdays_add(const ks_workcal *c, ks_date start, int n, ks_date *out, ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
