/* server/json_rows.c — database rows to JSON by the columns' names: ids and counters are
 * numbers, *_at and the validity bounds are ISO 8601 UTC times, JSON text columns are objects,
 * the rest strings. The store never returns a password hash to this layer's callers' queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

void kysod_time_format(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
        snprintf(out, 32, "1970-01-01T00:00:00Z");
        return;
    }
    /* by hand: strftime costs a locale look-up per call, and a page has a hundred times */
    int v[6] = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    char *p = out;
    p[0] = (char)('0' + v[0] / 1000);
    p[1] = (char)('0' + v[0] / 100 % 10);
    p[2] = (char)('0' + v[0] / 10 % 10);
    p[3] = (char)('0' + v[0] % 10);
    p += 4;
    static const char sep[] = "--T::Z";
    for (int i = 1; i < 6; i++) {
        *p++ = sep[i - 1];
        *p++ = (char)('0' + v[i] / 10);
        *p++ = (char)('0' + v[i] % 10);
    }
    *p++ = 'Z';
    *p = 0;
}

/* YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM), or YYYY-MM-DD (midnight UTC). */
bool kysod_time_parse(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    size_t len = strlen(s);
    if (len < 10 || len > 35)
        return false;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
        return false;
    const char *p = s + 10;
    int off = 0;
    if (*p) {
        if (*p != 'T' && *p != ' ')
            return false;
        n = 0;
        if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3 || n != 8)
            return false;
        p += 9;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            n = 0;
            if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || oh > 23 || om > 59)
                return false;
            off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return false;
        }
        if (*p)
            return false;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        se > 60)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[mo - 1])
        return false;
    /* days from civil (Howard Hinnant's algorithm) */
    int yy = y - (mo <= 2);
    int era = yy / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    *out = days * 86400 + h * 3600 + mi * 60 + se - off;
    return true;
}

/* How a column is rendered, from its name (decided once per answer, not per cell). */
typedef enum col_kind { COL_STR, COL_INT, COL_TIME, COL_JSON } col_kind;

static col_kind kind_of(const char *name)
{
    if (strcmp(name, "id") == 0 || ends_with(name, "_id") || strcmp(name, "version") == 0 ||
        strcmp(name, "seq") == 0 || strcmp(name, "total") == 0 || strcmp(name, "number") == 0 ||
        strcmp(name, "pages") == 0 || strcmp(name, "year") == 0 || strcmp(name, "size") == 0 ||
        strcmp(name, "copies") == 0)
        return COL_INT;
    if (ends_with(name, "_at") || strcmp(name, "at") == 0 || strcmp(name, "valid_from") == 0 ||
        strcmp(name, "valid_to") == 0 || strcmp(name, "not_before") == 0 ||
        strcmp(name, "not_after") == 0)
        return COL_TIME;
    if (strcmp(name, "contacts") == 0 || ends_with(name, "_json"))
        return COL_JSON;
    return COL_STR;
}

static json_t *cell(col_kind k, const char *v)
{
    if (!v)
        return json_null();
    switch (k) {
    case COL_INT:
        return json_integer(strtoll(v, NULL, 10));
    case COL_TIME: {
        char t[32];
        kysod_time_format(strtoll(v, NULL, 10), t);
        return json_string(t);
    }
    case COL_JSON: {
        json_t *j = *v ? json_loads(v, 0, NULL) : NULL;
        return j ? j : json_null();
    }
    case COL_STR:
        break;
    }
    json_t *s = json_string(v);
    return s ? s : json_string("");
}

typedef struct col_info {
    char key[64];
    col_kind kind;
} col_info;

static void columns(const ks_db_rows *rows, col_info *cols)
{
    for (int c = 0; c < rows->ncols && c < 64; c++) {
        const char *name = rows->names[c];
        snprintf(cols[c].key, sizeof cols[c].key, "%s", name);
        if (ends_with(name, "_json"))
            cols[c].key[strlen(name) - 5] = 0;
        cols[c].kind = kind_of(name);
    }
}

static json_t *row_json(const ks_db_rows *rows, int row, const col_info *cols)
{
    json_t *o = json_object();
    for (int c = 0; c < rows->ncols && c < 64; c++)
        json_object_set_new_nocheck(o, cols[c].key, cell(cols[c].kind, ks_db_cell(rows, row, c)));
    return o;
}

json_t *kysod_row_json(const ks_db_rows *rows, int row)
{
    col_info cols[64];
    columns(rows, cols);
    return row_json(rows, row, cols);
}

json_t *kysod_rows_json(const ks_db_rows *rows)
{
    json_t *a = json_array();
    col_info cols[64];
    if (rows)
        columns(rows, cols);
    for (int i = 0; rows && i < rows->nrows; i++)
        json_array_append_new(a, row_json(rows, i, cols));
    return a;
}
