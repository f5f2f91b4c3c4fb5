/* server/csv.c — the CSV reader of the staff import (csv.h); fuzz/fuzz_kysod_request.c
 * drives it with arbitrary bytes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int kysod_csv_parse(const char *text, size_t len, kysod_csv_fn fn, void *user, int *bad_line)
{
    char *buf = malloc(KYSOD_CSV_MAX_FIELDS * (KYSOD_CSV_MAX_FIELD + 1));
    char *fields[KYSOD_CSV_MAX_FIELDS];
    int rc = 0, nf = 0, line = 1, record_line = 1, records = 0;
    size_t fl = 0, i = 0;
    *bad_line = 0;
    if (!buf)
        return -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    bool quoted = false, after_quote = false, any = false;
    for (int k = 0; k < KYSOD_CSV_MAX_FIELDS; k++)
        fields[k] = buf + (size_t)k * (KYSOD_CSV_MAX_FIELD + 1);
    for (;; i++) {
        bool end = i >= len;
        char c = end ? '\n' : text[i];
        if (!end && c == 0)
            goto bad;
        if (quoted) {
            if (end)
                goto bad;
            if (c == '"') {
                if (i + 1 < len && text[i + 1] == '"') {
                    i++;
                } else {
                    quoted = false;
                    after_quote = true;
                    continue;
                }
            }
            if (c == '\n')
                line++;
            if (fl >= KYSOD_CSV_MAX_FIELD)
                goto bad;
            fields[nf][fl++] = c;
            continue;
        }
        if (c == '"' && fl == 0 && !after_quote) {
            quoted = true;
            any = true;
            continue;
        }
        if (c == ',' || c == '\n' || c == '\r') {
            if (c == '\r' && !(i + 1 < len && text[i + 1] == '\n') && !end)
                goto bad;
            if (c == '\r')
                continue;
            fields[nf][fl] = 0;
            nf++;
            fl = 0;
            after_quote = false;
            if (c == ',') {
                any = true;
                if (nf >= KYSOD_CSV_MAX_FIELDS)
                    goto bad;
                continue;
            }
            /* end of a record; an empty line is skipped */
            if (any || fields[0][0]) {
                if (++records > KYSOD_CSV_MAX_RECORDS)
                    goto bad;
                if ((rc = fn(user, record_line, fields, nf)) != 0)
                    goto done;
            }
            nf = 0;
            any = false;
            line++;
            record_line = line;
            if (end)
                break;
            continue;
        }
        if (after_quote)
            goto bad;
        if (fl >= KYSOD_CSV_MAX_FIELD)
            goto bad;
        fields[nf][fl++] = c;
        any = true;
    }
    goto done;
bad:
    rc = -1;
    *bad_line = line;
done:
    free(buf);
    return rc;
}
