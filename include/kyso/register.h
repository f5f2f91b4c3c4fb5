/* kyso/register.h — the numbering rules of the document registers as pure functions the server
 * calls inside the transaction that records a register entry (requirements §4.5, §5.3; Decree
 * 30/2020 Đ15, App. I II.3, App. III): numbers run per agency, per series, per calendar year in
 * Asia/Ho_Chi_Minh, from 01 on 1 January; "Số: 05/QĐ-UBND". Depends on util/ only. */
#ifndef KYSO_REGISTER_H
#define KYSO_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KS_REGISTER_MAX_NUMBER 9999999u /* a series never needs more in a year */

/* The numbering year of instant `t`: its calendar year in Asia/Ho_Chi_Minh (a document signed
 * 2026-12-31T23:59:59+07:00 is a 2026 document though UTC already says 16:59:59). */
int ks_register_year(time_t t);

/* A series' counter as the store keeps it: the last number given and the year it was given in
 * (0 when none yet). The key (agency, series, year) is the store's business. */
typedef struct ks_register_counter {
    uint32_t last;
    int year;
} ks_register_counter;

/* The next number at instant `now`: 1 when the year changed (or nothing was given yet), else
 * last + 1. Updates `c`. Errors: KS_E_LIMIT past KS_REGISTER_MAX_NUMBER; KS_E_STATE when `now`
 * lies in a year before the counter's (a clock going back must not reuse numbers). */
ks_status ks_register_next(ks_register_counter *c, time_t now, uint32_t *number, ks_error *err);

/* "05" (numbers below 10 take a leading zero), "123". `out` needs 16 bytes. */
void ks_register_format_number(uint32_t n, char out[16]);

/* The abbreviation of a document type (App. III.I) from its name in any case ("Quyết định",
 * "QUYẾT ĐỊNH" → "QĐ"; "Sao y" → "SY"); NULL for a type without one (công văn, thư công) or an
 * unknown name. */
const char *ks_register_type_abbr(const char *type_name);

/* The symbol: "<type abbr>-<agency abbr>" ("QĐ-UBND"), or for a công văn (type_abbr NULL)
 * "<agency abbr>-<unit abbr>" ("UBND-VX"). Groups are letters and digits, starting with an
 * upper-case letter or digit (Đ allowed). Errors: KS_E_USAGE naming the bad group;
 * KS_E_LIMIT when `cap` is too small. */
ks_status ks_register_symbol(const char *type_abbr, const char *agency_abbr, const char *unit_abbr,
                             char *out, size_t cap, ks_error *err);

/* "05/QĐ-UBND" from a number and a symbol; with `with_label`, "Số: 05/QĐ-UBND". */
ks_status ks_register_format(uint32_t number, const char *symbol, bool with_label, char *out,
                             size_t cap, ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
