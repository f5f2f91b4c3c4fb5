/* docfmt/lines.c — what the rules ask of an extracted text line: letters and their case
 * (Vietnamese aware), digits only, folded matching, and which column of the page it stands in.
 * Part of docfmt/. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kyso/util.h"

/* Decodes one UTF-8 code point (input is valid NFC UTF-8 from the extractor). */
static unsigned next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + 1;
            return 0xFFFD;
        }
    if (n == 2)
        c = ((c & 0x1F) << 6) | (s[1] & 0x3F);
    else if (n == 3)
        c = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    else if (n == 4)
        c = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    *p = s + n;
    return c;
}

/* -1 lower, 1 upper, 0 not a letter (the Latin letters Vietnamese uses). */
static int letter_case(unsigned c)
{
    if (c >= 'a' && c <= 'z')
        return -1;
    if (c >= 'A' && c <= 'Z')
        return 1;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return 1;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7)
        return -1;
    if (c == 0x1AF) /* Ư */
        return 1;
    if (c == 0x1B0) /* ư */
        return -1;
    if ((c >= 0x100 && c <= 0x17F) || (c >= 0x1A0 && c <= 0x1A1) || (c >= 0x1E00 && c <= 0x1EFF))
        return (c & 1) ? -1 : 1;
    return 0;
}

bool ks_docfmt_has_letters(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p)
        if (letter_case(next_cp(&p)))
            return true;
    return false;
}

bool ks_docfmt_has_lower(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p)
        if (letter_case(next_cp(&p)) < 0)
            return true;
    return false;
}

bool ks_docfmt_is_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if ((*s < '0' || *s > '9') && *s != ' ' && *s != '-')
            return false;
    return true;
}

/* Folded copy with en and em dashes as '-'. */
static char *fold_dash(const char *s)
{
    char *f = ks_utf8_fold(s, strlen(s));
    if (!f)
        return NULL;
    char *w = f;
    for (const char *r = f; *r;) {
        if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x80 &&
            ((unsigned char)r[2] == 0x93 || (unsigned char)r[2] == 0x94)) {
            *w++ = '-';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return f;
}

static bool match(const char *line, const char *what, bool at_start)
{
    char *a = fold_dash(line), *b = fold_dash(what);
    bool ok = a && b && (at_start ? strncmp(a, b, strlen(b)) == 0 : strstr(a, b) != NULL);
    free(a);
    free(b);
    return ok;
}

bool ks_docfmt_starts(const char *line, const char *what)
{
    return match(line, what, true);
}
bool ks_docfmt_contains(const char *line, const char *what)
{
    return match(line, what, false);
}

void ks_docfmt_area_of(const ks_pdf_text_page *p, ks_docfmt_area *a)
{
    double w = p->crop.x1 - p->crop.x0;
    a->left = p->crop.x1;
    a->right = p->crop.x0;
    for (size_t i = 0; i < p->count; i++) {
        const ks_pdf_text_line *l = &p->lines[i];
        if (l->box.x0 < a->left)
            a->left = l->box.x0;
        if (l->box.x1 > a->right)
            a->right = l->box.x1;
    }
    if (a->right - a->left < w * 0.4) { /* too little text to tell: the page's middle */
        a->left = p->crop.x0 + KS_MM(30);
        a->right = p->crop.x1 - KS_MM(15);
    }
    a->mid = (a->left + a->right) / 2;
}

bool ks_docfmt_is_left(const ks_docfmt_area *a, const ks_pdf_text_line *l)
{
    double c = (l->box.x0 + l->box.x1) / 2;
    return l->box.x1 < a->mid + 10 && c < a->mid - 30;
}

bool ks_docfmt_is_right(const ks_docfmt_area *a, const ks_pdf_text_line *l)
{
    double c = (l->box.x0 + l->box.x1) / 2;
    return l->box.x0 > a->mid - 60 && c > a->mid + 30;
}
