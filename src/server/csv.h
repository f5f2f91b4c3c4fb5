/* server/csv.h — RFC 4180 CSV (the staff import): quoted fields, "" inside quotes, CRLF or LF,
 * a UTF-8 byte-order mark skipped. Bounded: fields, line and record counts have limits. */
#ifndef KYSOD_CSV_H
#define KYSOD_CSV_H

#include <stddef.h>

#define KYSOD_CSV_MAX_FIELDS 16
#define KYSOD_CSV_MAX_FIELD 1024
#define KYSOD_CSV_MAX_RECORDS 5000

/* Called once per record with its fields (NUL-terminated, borrowed for the call) and its
 * 1-based line; a non-zero return stops the parse and is returned. */
typedef int (*kysod_csv_fn)(void *user, int line, char **fields, int nfields);

/* Returns 0, the callback's non-zero value, or -1 with *bad_line set when the text is not
 * CSV (an unterminated quote, text after a closing quote, a field or record over a limit,
 * a NUL byte). */
int kysod_csv_parse(const char *text, size_t len, kysod_csv_fn fn, void *user, int *bad_line);

#endif
