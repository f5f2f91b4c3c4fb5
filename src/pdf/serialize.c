/* pdf/serialize.c — writing objects in PDF syntax (ISO 32000-2 §7.3): names with #xx escapes,
 * strings literal or hex, reals without exponent, dictionaries in insertion order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void put_name(ks_buf *b, const char *s, size_t len)
{
    ks_buf_putc(b, '/');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c < 0x21 || c > 0x7e || c == '#' || ks_pdf_is_delim(c))
            ks_buf_printf(b, "#%02X", c);
        else
            ks_buf_putc(b, c);
    }
}

static void put_real(ks_buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    char tmp[64];
    /* 6 decimals is finer than any device space, but a value read from the file is written back
     * as read: a page's /MediaBox of 595.303937007874 rewritten as 595.303937 is a change the
     * verifier (which compares to 1e-9) reports against every earlier signature. So as many
     * decimals (up to 15) as it takes to read back the same number; trailing zeros trimmed. */
    for (int prec = 6; prec <= 15; prec++) {
        snprintf(tmp, sizeof tmp, "%.*f", prec, v);
        if (fabs(strtod(tmp, NULL) - v) <= fabs(v) * 1e-15)
            break;
    }
    char *dot = strchr(tmp, '.');
    if (dot) {
        char *e = tmp + strlen(tmp) - 1;
        while (e > dot && *e == '0')
            *e-- = 0;
        if (e == dot)
            *e = 0;
    }
    if (strcmp(tmp, "-0") == 0)
        strcpy(tmp, "0");
    ks_buf_puts(b, tmp);
}

static void put_string(ks_buf *b, const uint8_t *d, size_t len, bool hex)
{
    if (hex) {
        ks_buf_putc(b, '<');
        ks_buf_hex(b, d, len);
        ks_buf_putc(b, '>');
        return;
    }
    ks_buf_putc(b, '(');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = d[i];
        switch (c) {
        case '(':
        case ')':
        case '\\':
            ks_buf_putc(b, '\\');
            ks_buf_putc(b, c);
            break;
        case '\n':
            ks_buf_puts(b, "\\n");
            break;
        case '\r':
            ks_buf_puts(b, "\\r");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                ks_buf_printf(b, "\\%03o", c);
            else
                ks_buf_putc(b, c);
        }
    }
    ks_buf_putc(b, ')');
}

static ks_status ser(ks_buf *b, const ks_pdf_obj *o, int depth, ks_error *err)
{
    if (depth > KS_PDF_MAX_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("object nested deeper than %d levels"),
                            KS_PDF_MAX_DEPTH);
    switch (o->type) {
    case KS_PDF_NULL:
        ks_buf_puts(b, "null");
        break;
    case KS_PDF_BOOL:
        ks_buf_puts(b, o->u.b ? "true" : "false");
        break;
    case KS_PDF_INT:
        ks_buf_printf(b, "%lld", (long long)o->u.i);
        break;
    case KS_PDF_REAL:
        put_real(b, o->u.r);
        break;
    case KS_PDF_NAME:
        put_name(b, o->u.name.s, o->u.name.len);
        break;
    case KS_PDF_STRING:
        put_string(b, o->u.str.data, o->u.str.len, o->u.str.hex);
        break;
    case KS_PDF_REF:
        ks_buf_printf(b, "%u %u R", o->u.ref.num, (unsigned)o->u.ref.gen);
        break;
    case KS_PDF_ARRAY:
        ks_buf_putc(b, '[');
        for (size_t i = 0; i < o->u.arr.len; i++) {
            if (i)
                ks_buf_putc(b, ' ');
            ks_status st = ser(b, o->u.arr.items[i], depth + 1, err);
            if (st)
                return st;
        }
        ks_buf_putc(b, ']');
        break;
    case KS_PDF_DICT:
        ks_buf_puts(b, "<<");
        for (size_t i = 0; i < o->u.dict.len; i++) {
            const ks_pdf_dict_entry *e = &o->u.dict.entries[i];
            put_name(b, e->key, strlen(e->key));
            ks_buf_putc(b, ' ');
            ks_status st = ser(b, e->value, depth + 1, err);
            if (st)
                return st;
        }
        ks_buf_puts(b, ">>");
        break;
    case KS_PDF_STREAM:
        return ks_error_set(err, KS_E_USAGE,
                            N_("a stream cannot be serialised as a direct object"));
    default:
        return ks_error_set(err, KS_E_USAGE, N_("unknown object type %d"), (int)o->type);
    }
    return KS_OK;
}

ks_status ks_pdf_serialize(ks_buf *out, const ks_pdf_obj *obj, ks_error *err)
{
    if (!obj)
        return ks_error_set(err, KS_E_USAGE, N_("no object to serialise"));
    ks_status st = ser(out, obj, 0, err);
    if (!st && out->failed)
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return st;
}
