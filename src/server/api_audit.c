/* server/api_audit.c — the auditor's view of the trail (newest first, filtered), the check of
 * the whole hash chain, and the export as JSON lines with the hashes, oldest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/queries.h"
#include "server.h"

/* agency_id, actor_id, action, since, until: the first five arguments of the audit queries. */
static int filters(kysod_req *r, ks_db_arg *a)
{
    int rc;
    if ((rc = kysod_query_id(r, "agency_id", &a[0])) || (rc = kysod_query_id(r, "actor_id", &a[1])))
        return rc;
    if (a[0].type == KS_DB_INT) {
        if ((rc = kysod_authorize(r, ACC_AUDITOR, a[0].i)))
            return rc;
    } else if (!r->city_admin && !r->city_auditor) {
        if ((rc = kysod_authorize(r, ACC_AUDITOR, r->s.agency_id)))
            return rc;
        a[0] = KS_DB_I(r->s.agency_id);
    }
    a[2] = KS_DB_S(kysod_query(r, "action"));
    static const char *const keys[] = {"since", "until"};
    for (int i = 0; i < 2; i++) {
        const char *s = kysod_query(r, keys[i]);
        int64_t t;
        a[3 + i] = KS_DB_NIL;
        if (!s)
            continue;
        if (!kysod_time_parse(s, &t))
            return kysod_fail(r, 400, "invalid_field", keys[i],
                              N_("\"%s\" must be an ISO 8601 time"), keys[i]);
        a[3 + i] = KS_DB_I(t);
    }
    return 0;
}

int api_audit_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[7];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = filters(r, a)))
        return rc;
    return kysod_page_cached(r, Q_AUDIT_LIST, Q_AUDIT_COUNT, a, 5, limit, offset);
}

int api_audit_verify(kysod_req *r)
{
    int rc;
    if (!r->city_admin && !r->city_auditor &&
        (rc = kysod_authorize(r, ACC_AUDITOR, r->s.agency_id)))
        return rc;
    int64_t n = 0, broken = 0;
    ks_error e;
    if (ks_audit_verify(r->db, &n, &broken, &e) != KS_OK)
        return kysod_fail_err(r, &e);
    ks_error m;
    char buf[KS_ERROR_MSG_MAX];
    if (broken)
        ks_error_set(&m, KS_E_FORMAT, N_("the audit trail is broken at entry %lld"),
                     (long long)broken);
    else
        ks_error_set(&m, KS_E_FORMAT, N_("the audit trail is intact: %lld entries"), (long long)n);
    json_t *o = json_pack("{s:b, s:I, s:o, s:s}", "ok", !broken, "entries", (json_int_t)n,
                          "broken_at", broken ? json_integer(broken) : json_null(), "message",
                          kysod_err_text(r, &m, buf, sizeof buf));
    return kysod_json(r, 200, o);
}

int api_audit_export(kysod_req *r)
{
    ks_db_arg a[6];
    int rc = filters(r, a);
    if (rc)
        return rc;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    int64_t after = 0;
    for (;;) {
        ks_db_rows *rows = NULL;
        a[5] = KS_DB_I(after);
        if ((rc = kysod_db(r, Q_AUDIT_EXPORT, a, 6, &rows))) {
            free(buf);
            return rc;
        }
        for (int i = 0; i < rows->nrows; i++) {
            json_t *o = kysod_row_json(rows, i);
            char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            json_decref(o);
            size_t len = line ? strlen(line) : 0;
            if (n + len + 2 > cap) {
                while (n + len + 2 > cap)
                    cap *= 2;
                char *nb = cap <= ((size_t)256 << 20) ? realloc(buf, cap) : NULL;
                if (!nb) {
                    free(line);
                    free(buf);
                    ks_db_rows_free(rows);
                    return kysod_fail(r, 413, "payload_too_large", NULL,
                                      N_("the export is too large; narrow it with since/until"));
                }
                buf = nb;
            }
            memcpy(buf + n, line ? line : "", len);
            n += len;
            buf[n++] = '\n';
            free(line);
        }
        int got = rows->nrows;
        if (got)
            after = ks_db_cell_int(rows, got - 1, 0);
        ks_db_rows_free(rows);
        if (got < 1000)
            break;
    }
    r->raw = buf;
    r->raw_len = n;
    r->raw_type = "application/x-ndjson; charset=utf-8";
    r->status = 200;
    return 200;
}
