/* register/number.c — register numbers and symbols (Decree 30/2020 Đ15, App. I II.3, App. III):
 * the per-year counter in Asia/Ho_Chi_Minh, the two-digit number, the type abbreviations and the
 * "Số: 05/QĐ-UBND" rendering. Pure functions; depends on util/ only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/register.h"
#include "kyso/util.h"

int ks_register_year(time_t t)
{
    int64_t s = (int64_t)t + KS_VN_OFFSET_SEC;
    int64_t days = s / 86400 - (s % 86400 < 0);
    /* civil year from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse) */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return (int)(yoe + era * 400 + (m <= 2));
}

ks_status ks_register_next(ks_register_counter *c, time_t now, uint32_t *number, ks_error *err)
{
    int year = ks_register_year(now);
    if (c->year != 0 && year < c->year)
        return ks_error_set(err, KS_E_STATE,
                            N_("the clock says %d but this series already numbers %d"), year,
                            c->year);
    uint32_t next = (c->year == year) ? c->last + 1 : 1;
    if (next > KS_REGISTER_MAX_NUMBER)
        return ks_error_set(err, KS_E_LIMIT, N_("the series is full for %d (%u numbers)"), year,
                            KS_REGISTER_MAX_NUMBER);
    c->last = next;
    c->year = year;
    *number = next;
    return KS_OK;
}

void ks_register_format_number(uint32_t n, char out[16])
{
    snprintf(out, 16, "%02u", n);
}

/* Appendix III.I (document types) and III.II (copies). */
static const struct {
    const char *name, *abbr;
} types[] = {
    {"nghị quyết", "NQ"},
    {"quyết định", "QĐ"},
    {"chỉ thị", "CT"},
    {"quy chế", "QC"},
    {"quy định", "QyĐ"},
    {"thông cáo", "TC"},
    {"thông báo", "TB"},
    {"hướng dẫn", "HD"},
    {"chương trình", "CTr"},
    {"kế hoạch", "KH"},
    {"phương án", "PA"},
    {"đề án", "ĐA"},
    {"dự án", "DA"},
    {"báo cáo", "BC"},
    {"biên bản", "BB"},
    {"tờ trình", "TTr"},
    {"hợp đồng", "HĐ"},
    {"công điện", "CĐ"},
    {"bản ghi nhớ", "BGN"},
    {"bản thỏa thuận", "BTT"},
    {"bản thoả thuận", "BTT"},
    {"giấy ủy quyền", "GUQ"},
    {"giấy uỷ quyền", "GUQ"},
    {"giấy mời", "GM"},
    {"giấy giới thiệu", "GGT"},
    {"giấy nghỉ phép", "GNP"},
    {"phiếu gửi", "PG"},
    {"phiếu chuyển", "PC"},
    {"phiếu báo", "PB"},
    {"sao y", "SY"},
    {"sao lục", "SL"},
    {"trích sao", "TrS"},
};

const char *ks_register_type_abbr(const char *type_name)
{
    char *f = ks_utf8_fold(type_name, strlen(type_name));
    const char *r = NULL;
    for (size_t i = 0; f && !r && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(f, types[i].name) == 0)
            r = types[i].abbr;
    free(f);
    return r;
}

/* A group: first an upper-case ASCII letter, Đ or a digit; then letters, đ/Đ or digits. */
static bool group_ok(const char *g)
{
    if (!g || !*g)
        return false;
    const unsigned char *p = (const unsigned char *)g;
    bool first = true;
    while (*p) {
        size_t n = 0;
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            n = 1;
        else if (!first && *p >= 'a' && *p <= 'z')
            n = 1;
        else if (p[0] == 0xC4 && (p[1] == 0x90 || (!first && p[1] == 0x91)))
            n = 2;
        if (!n)
            return false;
        p += n;
        first = false;
    }
    return true;
}

ks_status ks_register_symbol(const char *type_abbr, const char *agency_abbr, const char *unit_abbr,
                             char *out, size_t cap, ks_error *err)
{
    const char *a = type_abbr ? type_abbr : agency_abbr;
    const char *b = type_abbr ? agency_abbr : unit_abbr;
    if (!group_ok(a))
        return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not an abbreviation for a symbol"),
                            a ? a : "");
    if (!group_ok(b))
        return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not an abbreviation for a symbol"),
                            b ? b : "");
    int n = snprintf(out, cap, "%s-%s", a, b);
    if (n < 0 || (size_t)n >= cap)
        return ks_error_set(err, KS_E_LIMIT, N_("the symbol does not fit in %zu bytes"), cap);
    return KS_OK;
}

ks_status ks_register_format(uint32_t number, const char *symbol, bool with_label, char *out,
                             size_t cap, ks_error *err)
{
    if (number == 0 || number > KS_REGISTER_MAX_NUMBER)
        return ks_error_set(err, KS_E_USAGE, N_("register number %u out of range"), number);
    /* the symbol is groups joined by '-', no spaces (App. I II.3) */
    char groups[256];
    if (!symbol || strlen(symbol) >= sizeof groups || !strchr(symbol, '-'))
        return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not a symbol like QĐ-UBND"),
                            symbol ? symbol : "");
    snprintf(groups, sizeof groups, "%s", symbol);
    for (char *save = NULL, *g = strtok_r(groups, "-", &save); g; g = strtok_r(NULL, "-", &save))
        if (!group_ok(g))
            return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not a symbol like QĐ-UBND"), symbol);
    if (symbol[0] == '-' || symbol[strlen(symbol) - 1] == '-' || strstr(symbol, "--"))
        return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not a symbol like QĐ-UBND"), symbol);
    int n = snprintf(out, cap, "%s%02u/%s", with_label ? "Số: " : "", number, symbol);
    if (n < 0 || (size_t)n >= cap)
        return ks_error_set(err, KS_E_LIMIT, N_("the symbol does not fit in %zu bytes"), cap);
    return KS_OK;
}
