/* Validation of a document number and symbol (số và ký hiệu, ND30 Phụ lục I Mục II.3) as
 * requirements.md §4.5 states it: ^[0-9]{2,}/[A-ZĐ][A-Za-zĐđ]*(-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+$ */
#include <stdint.h>
#include <string.h>

#include "appear.h"

#define D_UPPER 0x0110u /* Đ */
#define D_LOWER 0x0111u /* đ */

/* Next code point of UTF-8 `s` (0 at the end, 0xFFFFFFFF on a bad sequence). */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    if (!*p)
        return 0;
    if (p[0] < 0x80) {
        (*s)++;
        return p[0];
    }
    if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
        *s += 2;
        return ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
    }
    /* Longer sequences are never part of a valid number: consume one byte and fail. */
    (*s)++;
    return 0xFFFFFFFFu;
}

static bool is_upper(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || c == D_UPPER;
}
static bool is_letter(uint32_t c)
{
    return is_upper(c) || (c >= 'a' && c <= 'z') || c == D_LOWER;
}
static bool is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

bool ks_appear_docnum_valid(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    uint32_t c;
    int digits = 0;
    while (is_digit(c = next_cp(&s)))
        digits++;
    if (digits < 2 || c != '/')
        return false;
    c = next_cp(&s);
    if (!is_upper(c))
        return false;
    while (is_letter(c = next_cp(&s)))
        ;
    int groups = 0;
    while (c == '-') {
        c = next_cp(&s);
        if (!is_upper(c) && !is_digit(c))
            return false;
        while (is_letter(c = next_cp(&s)) || is_digit(c))
            ;
        groups++;
    }
    return c == 0 && groups >= 1;
}
