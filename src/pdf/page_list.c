/* pdf/page_list.c — a page list as people write it ("1, 3-5"): 1-based pages and ranges,
 * separated by commas, each page at most once; untrusted text, so bounded and strict. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static bool number(const char **p, size_t *out)
{
    const char *s = *p;
    size_t v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
        if (++digits > 7)
            return false;
        v = v * 10 + (size_t)(*s++ - '0');
    }
    if (!digits)
        return false;
    *p = s;
    *out = v;
    return true;
}

static void spaces(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

ks_status ks_pdf_page_list_parse(const char *s, size_t *pages, size_t cap, size_t *n, ks_error *err)
{
    *n = 0;
    const char *p = s;
    if (!s || strlen(s) > 1000)
        return ks_error_set(err, KS_E_USAGE, N_("a page list is at most 1000 characters"));
    for (;;) {
        size_t a = 0, b = 0;
        spaces(&p);
        if (!number(&p, &a) || a == 0)
            return ks_error_set(err, KS_E_USAGE,
                                N_("the page list \"%s\" is not like \"1, 3-5\" (at \"%s\")"), s,
                                p);
        b = a;
        spaces(&p);
        if (*p == '-') {
            p++;
            spaces(&p);
            if (!number(&p, &b) || b < a)
                return ks_error_set(err, KS_E_USAGE,
                                    N_("the page list \"%s\" has a range that does not go up"), s);
            spaces(&p);
        }
        for (size_t v = a; v <= b; v++) {
            if (*n == cap)
                return ks_error_set(err, KS_E_LIMIT, N_("a page list names at most %zu pages"),
                                    cap);
            for (size_t i = 0; i < *n; i++)
                if (pages[i] == v - 1)
                    return ks_error_set(err, KS_E_USAGE,
                                        N_("the page list \"%s\" names page %zu twice"), s, v);
            pages[(*n)++] = v - 1;
        }
        if (*p == 0)
            return KS_OK;
        if (*p != ',')
            return ks_error_set(err, KS_E_USAGE,
                                N_("the page list \"%s\" is not like \"1, 3-5\" (at \"%s\")"), s,
                                p);
        p++;
    }
}
