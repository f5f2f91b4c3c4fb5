/* docfmt/patterns.c — the two written patterns of Decree 30/2020 Appendix I a checker reads
 * character by character: the number and symbol after "Số:" (II.3) and the place-and-date line
 * (II.4). Pure functions over NFC UTF-8; part of docfmt/. */
#include <string.h>

#include "internal.h"

/* Đ (U+0110) and đ (U+0111) in UTF-8. */
static size_t letter_len(const char *s, bool upper_only, bool digits)
{
    unsigned char c = (unsigned char)s[0];
    if (c >= 'A' && c <= 'Z')
        return 1;
    if (!upper_only && c >= 'a' && c <= 'z')
        return 1;
    if (digits && c >= '0' && c <= '9')
        return 1;
    if (c == 0xC4 && ((unsigned char)s[1] == 0x90 || (!upper_only && (unsigned char)s[1] == 0x91)))
        return 2;
    return 0;
}

/* A symbol group: [A-ZĐ(0-9 if `digit_first`)][A-Za-zĐđ0-9...]*; returns its length or 0. */
static size_t group(const char *s, bool digit_first, bool digits_inside)
{
    size_t n = letter_len(s, true, digit_first);
    if (!n)
        return 0;
    size_t m;
    while ((m = letter_len(s + n, false, digits_inside)) != 0)
        n += m;
    return n;
}

/* Blank number of a draft: nothing, dots, ellipses, underscores, spaces. */
static size_t blank_run(const char *s)
{
    size_t n = 0;
    for (;;) {
        if (s[n] == '.' || s[n] == '_' || s[n] == ' ')
            n++;
        else if (strncmp(s + n, "…", 3) == 0)
            n += 3;
        else
            return n;
    }
}

/* Decree 30/2020 App. I II.3: "05/QĐ-UBND" — at least two digits, '/', the type or body
 * abbreviation, then one or more "-GROUP"; no spaces. Requirements §4.5's regex. */
bool ks_docfmt_number_symbol_ok(const char *s, bool allow_blank)
{
    size_t i = 0, digits = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (digits == 0 && allow_blank)
        i = blank_run(s);
    else if (digits < 2)
        return false;
    if (s[i++] != '/')
        return false;
    size_t n = group(s + i, false, false);
    if (!n)
        return false;
    i += n;
    size_t groups = 0;
    while (s[i] == '-') {
        n = group(s + i + 1, true, true);
        if (!n)
            return false;
        i += 1 + n;
        groups++;
    }
    return groups > 0 && s[i] == 0;
}

/* Reads exactly the digits of a field; *blank when the field is empty or dots (a draft). */
static const char *field(const char *s, int *val, size_t *ndigits, bool *blank)
{
    *val = 0;
    *ndigits = 0;
    while (*s >= '0' && *s <= '9' && *ndigits < 5) {
        *val = *val * 10 + (*s - '0');
        s++, (*ndigits)++;
    }
    *blank = false;
    if (*ndigits == 0) {
        size_t b = blank_run(s);
        *blank = true;
        s += b;
    }
    return s;
}

static const char *word(const char *s, const char *w)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(w);
    if (strncmp(s, w, n) != 0)
        return NULL;
    s += n;
    if (*s != ' ')
        return NULL;
    while (*s == ' ')
        s++;
    return s;
}

/* Decree 30/2020 App. I II.4: "Địa danh, ngày dd tháng mm năm yyyy"; days below 10 and the
 * months 1 and 2 take a leading zero, other months none ("ngày 29 tháng 6 năm 2019"). */
bool ks_docfmt_place_date_ok(const char *s, bool allow_blank)
{
    const char *comma = strstr(s, ", ngày ");
    if (!comma || comma == s)
        return false;
    for (const char *q = s; q < comma; q++)
        if (*q >= '0' && *q <= '9')
            return false;
    const char *p = comma + 1;
    int d, m, y;
    size_t dn, mn, yn;
    bool db, mb, yb;
    if (!(p = word(p, "ngày")))
        return false;
    p = field(p, &d, &dn, &db);
    if (!(p = word(p, "tháng")))
        return false;
    p = field(p, &m, &mn, &mb);
    if (!(p = word(p, "năm")))
        return false;
    p = field(p, &y, &yn, &yb);
    if (yb || yn != 4)
        return false;
    while (*p == ' ')
        p++;
    if (*p)
        return false;
    if (db || mb)
        return allow_blank && db && mb;
    if (m < 1 || m > 12 || d < 1 || dn != 2)
        return false;
    if (mn != ((m <= 2 || m >= 10) ? 2u : 1u))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = m == 2 ? (leap ? 29 : 28) : mdays[m - 1];
    return d <= max;
}
