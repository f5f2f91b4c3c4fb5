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
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
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

static json_t *cell(const char *name, const char *v, char *key, size_t keycap)
{
    snprintf(key, keycap, "%s", name);
    if (ends_with(name, "_json"))
        key[strlen(name) - 5] = 0;
    if (!v)
        return json_null();
    if (strcmp(name, "id") == 0 || ends_with(name, "_id") || strcmp(name, "version") == 0 ||
        strcmp(name, "seq") == 0 || strcmp(name, "total") == 0)
        return json_integer(strtoll(v, NULL, 10));
    if (ends_with(name, "_at") || strcmp(name, "at") == 0 || strcmp(name, "valid_from") == 0 ||
        strcmp(name, "valid_to") == 0 || strcmp(name, "not_before") == 0 ||
        strcmp(name, "not_after") == 0) {
        char t[32];
        kysod_time_format(strtoll(v, NULL, 10), t);
        return json_string(t);
    }
    if (strcmp(name, "contacts") == 0 || ends_with(name, "_json")) {
        json_t *j = *v ? json_loads(v, 0, NULL) : NULL;
        return j ? j : json_null();
    }
    json_t *s = json_string(v);
    return s ? s : json_string("");
}

json_t *kysod_row_json(const ks_db_rows *rows, int row)
{
    json_t *o = json_object();
    char key[64];
    for (int c = 0; c < rows->ncols; c++) {
        json_t *v = cell(rows->names[c], ks_db_cell(rows, row, c), key, sizeof key);
        json_object_set_new(o, key, v);
    }
    return o;
}

json_t *kysod_rows_json(const ks_db_rows *rows)
{
    json_t *a = json_array();
    for (int i = 0; rows && i < rows->nrows; i++)
        json_array_append_new(a, kysod_row_json(rows, i));
    return a;
}
