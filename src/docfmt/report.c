/* docfmt/report.c — the format report: findings with their bilingual messages (through the
 * error module's msgid + arguments rendering) and the classification names. Part of docfmt/,
 * above text/ extraction and below sign/ and verify/. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool ks_docfmt_add(ks_docfmt_report *r, const char *rule, size_t page, ks_pdf_rect box,
                   const char *fmt, ...)
{
    if (r->count >= KS_DOCFMT_MAX_FINDINGS) {
        r->dropped++;
        return true;
    }
    if (r->count % 16 == 0) {
        ks_docfmt_finding *n = realloc(r->items, (r->count + 16) * sizeof *n);
        if (!n)
            return false;
        r->items = n;
    }
    ks_docfmt_finding *f = &r->items[r->count++];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->page = page;
    f->box = box;
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(&f->message, KS_E_FORMAT, fmt, ap);
    va_end(ap);
    f->message.status = KS_OK;
    return true;
}

void ks_docfmt_report_free(ks_docfmt_report *r)
{
    if (!r)
        return;
    free(r->items);
    free(r);
}

const char *ks_docfmt_class_name(ks_docfmt_class c)
{
    switch (c) {
    case KS_DOCFMT_CLASS_MAT:
        return "MẬT";
    case KS_DOCFMT_CLASS_TOI_MAT:
        return "TỐI MẬT";
    case KS_DOCFMT_CLASS_TUYET_MAT:
        return "TUYỆT MẬT";
    default:
        return "";
    }
}
