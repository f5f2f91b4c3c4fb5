/* server/query.c — query-string arguments: ids, pages (limit 1..500, default 50; offset). */
#include <stdlib.h>
#include <string.h>

#include "server.h"

const char *kysod_query(kysod_req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

static bool parse_nonneg(const char *s, int64_t *out)
{
    if (!s || !*s || strlen(s) > 18)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return true;
}

int kysod_query_id(kysod_req *r, const char *key, ks_db_arg *out)
{
    const char *s = kysod_query(r, key);
    *out = KS_DB_NIL;
    if (!s)
        return 0;
    int64_t v;
    if (!parse_nonneg(s, &v) || v == 0)
        return kysod_fail(r, 400, "invalid_field", key, N_("\"%s\" must be a positive integer"),
                          key);
    *out = KS_DB_I(v);
    return 0;
}

int kysod_query_page(kysod_req *r, int64_t *limit, int64_t *offset)
{
    *limit = 50;
    *offset = 0;
    const char *l = kysod_query(r, "limit"), *o = kysod_query(r, "offset");
    if (l && (!parse_nonneg(l, limit) || *limit < 1 || *limit > 500))
        return kysod_fail(r, 400, "invalid_field", "limit", N_("\"limit\" must be from 1 to 500"));
    if (o && (!parse_nonneg(o, offset) || *offset > 1000000000))
        return kysod_fail(r, 400, "invalid_field", "offset",
                          N_("\"offset\" must be a whole number from 0"));
    return 0;
}
