/* server/api_followup.c — following up a registered incoming document (sổ theo dõi giải quyết
 * văn bản đến; requirements §5.2 step 4, §5.3): the person it was assigned to when accepted
 * reports its progress (in progress, done), a note and the number and symbol of the reply; each
 * report is kept, the register shows the latest, and an entry past its deadline (counted in
 * working days of Asia/Ho_Chi_Minh) is flagged overdue (register_kinds.c). */
#include <string.h>
#include <time.h>

#include "docs.h"
#include "register_queries.h"
#include "registers.h"

static const char *const PROGRESS[] = {"pending", "in_progress", "done", NULL};

static const kysod_field FOLLOW[] = {
    {"progress", F_STR, true, 16, PROGRESS, NULL},
    {"note", F_STR, false, 1000, NULL, NULL},
    {"reply_symbol", F_STR, false, 60, NULL, NULL},
};

/* The register entry of delivery r->id, visible to the caller: 0 or the error set. */
static int entry_load(kysod_req *r, json_t **out)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    int rc = kysod_db(r, Q_FOLLOW_GET, &a, 1, &rows);
    if (rc)
        return rc;
    *out = rows->nrows ? kysod_row_json(rows, 0) : NULL;
    ks_db_rows_free(rows);
    if (!*out)
        return kysod_fail_id(r, 404, "not_found",
                             N_("no registered incoming document for this delivery"));
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, kysod_int(*out, "agency_id")))) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* POST /deliveries/{id}/followups {"progress", "note"?, "reply_symbol"?}: the assignee only. */
int api_followup_add(kysod_req *r)
{
    json_t *cur = NULL, *b = NULL;
    int rc = entry_load(r, &cur);
    if (rc)
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, FOLLOW, 3, false)))
        goto done;
    if (kysod_int(cur, "assignee_id") != r->s.user_id) {
        rc = kysod_fail_id(r, 403, "forbidden",
                           N_("only the person the document was assigned to reports its "
                              "progress"));
        goto done;
    }
    const char *progress = kysod_str(b, "progress", "");
    if (strcmp(kysod_str(cur, "progress", ""), "done") == 0) {
        rc = kysod_fail(r, 409, "wrong_state", "progress",
                        N_("the document was dealt with already (done)"));
        goto done;
    }
    ks_db_rows *closed = NULL;
    ks_db_arg q[3] = {KS_DB_I(kysod_int(cur, "agency_id")), KS_DB_S("incoming"),
                      KS_DB_I(kysod_int(cur, "year"))};
    if ((rc = kysod_db(r, Q_REG_CLOSED, q, 3, &closed)))
        goto done;
    bool is_closed = closed->nrows > 0;
    ks_db_rows_free(closed);
    if (is_closed) {
        rc = kysod_fail(r, 409, "closed", "year", N_("the register of %lld is closed already"),
                        (long long)kysod_int(cur, "year"));
        goto done;
    }
    int64_t now = time(NULL);
    char today[16] = "";
    if (strcmp(progress, "done") == 0)
        docs_vn_date(now, today);
    const char *reply = kysod_str(b, "reply_symbol", kysod_str(cur, "reply_symbol", ""));
    const char *note = kysod_str(b, "note", "");
    ks_error e;
    ks_db_arg set[5] = {KS_DB_I(r->id), KS_DB_S(progress), KS_DB_S(note), KS_DB_S(reply),
                        KS_DB_S(today)};
    ks_db_arg add[6] = {KS_DB_I(r->id), KS_DB_I(r->s.user_id), KS_DB_S(progress),
                        KS_DB_S(note),  KS_DB_S(reply),        KS_DB_I(now)};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FOLLOW_SET, set, 5, NULL, NULL, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FOLLOW_ADD, add, 6, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "followup.update", "delivery", r->id, kysod_int(cur, "agency_id"),
                      cur, Q_FOLLOW_GET, 200);
    cur = NULL;
    if (rc == 200 && r->out) {
        /* the overdue flag as the register shows it */
        reg_ctx c = {0};
        docs_vn_date(now, c.today);
        if (ks_workcal_new(&c.cal, &e) == KS_OK) {
            int late = reg_overdue_days(&c, kysod_str(r->out, "deadline", ""),
                                        kysod_str(r->out, "done_date", ""));
            json_object_set_new(r->out, "overdue_days", json_integer(late));
            json_object_set_new(r->out, "overdue", json_boolean(late > 0));
        }
        ks_workcal_free(c.cal);
    }
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}

/* GET /deliveries/{id}/followups: the entry and every report, oldest first. */
int api_followup_list(kysod_req *r)
{
    json_t *cur = NULL;
    ks_db_rows *rows = NULL;
    int rc = entry_load(r, &cur);
    if (rc)
        return rc;
    ks_db_arg a = KS_DB_I(r->id);
    if ((rc = kysod_db(r, Q_FOLLOW_LIST, &a, 1, &rows))) {
        json_decref(cur);
        return rc;
    }
    json_object_set_new(cur, "updates", kysod_rows_json(rows));
    ks_db_rows_free(rows);
    return kysod_json_etag(r, cur);
}
