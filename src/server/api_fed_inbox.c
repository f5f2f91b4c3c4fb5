/* server/api_fed_inbox.c — what the receiving clerk does with a document that came from another
 * server (requirements §5.2): sees it with its verification report, accepts it (the next number
 * of the same incoming register series as same-server deliveries, an assignee and a deadline in
 * working days) or rejects it with a reason, later marks it done; each step goes back to the
 * sender as an edXML status. A recalled copy keeps its entry but no longer has a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc_queries.h"
#include "fed.h"
#include "fed_queries.h"
#include "kyso/workdays.h"

int api_fed_inbox_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[4];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = kysod_query_id(r, "agency_id", &a[0])))
        return rc;
    if (a[0].type != KS_DB_INT)
        a[0] = KS_DB_I(r->s.agency_id);
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, a[0].i)))
        return rc;
    a[1] = KS_DB_S(kysod_query(r, "state"));
    return kysod_page(r, Q_FIN_LIST, Q_FIN_COUNT, a, 2, limit, offset);
}

static int fin_load(kysod_req *r, json_t **d)
{
    int rc = kysod_load(r, Q_FIN_GET, r->id, N_("no such incoming document"), d);
    if (rc)
        return rc;
    if (!kysod_sees(r, ACC_AGENCY_MEMBER, kysod_int(*d, "to_agency_id"))) {
        json_decref(*d);
        *d = NULL;
        return kysod_fail_id(r, 404, "not_found", N_("no such incoming document"));
    }
    return 0;
}

int api_fed_inbox_get(kysod_req *r)
{
    json_t *d = NULL;
    int rc = fin_load(r, &d);
    if (rc)
        return rc;
    json_t *rep = json_loads(kysod_str(d, "verify_report", "{}"), 0, NULL);
    json_object_set_new(d, "verify_report", rep ? rep : json_null());
    return kysod_json_etag(r, d);
}

int api_fed_inbox_pdf(kysod_req *r)
{
    json_t *d = NULL;
    int rc = fin_load(r, &d);
    if (rc)
        return rc;
    if (strcmp(kysod_str(d, "state", ""), "recalled") == 0) {
        json_decref(d);
        return kysod_fail_id(r, 410, "recalled",
                             N_("the sender recalled this document: its copy was destroyed"));
    }
    uint8_t *pdf = NULL;
    size_t len = 0;
    rc = docs_read_pdf(r, kysod_str(d, "sha256", ""), &pdf, &len);
    json_decref(d);
    if (rc)
        return rc;
    r->raw = (char *)pdf;
    r->raw_len = len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}

/* The entry, loaded for a clerk of the receiving agency, in state `state`; 0 or the error set.
 * `ag` receives the agency's name, short name and code. */
static int for_clerk(kysod_req *r, const char *state, json_t **d, ks_db_rows **ag)
{
    int rc = fin_load(r, d);
    if (rc)
        return rc;
    int64_t to = kysod_int(*d, "to_agency_id");
    ks_db_arg a = KS_DB_I(to);
    json_object_del(*d, "verify_report");
    if (!kysod_has_role(r, to, "clerk"))
        rc = kysod_fail_id(r, 403, "forbidden", N_("only a clerk of the receiving agency decides"));
    else if (strcmp(kysod_str(*d, "state", ""), state) != 0)
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(*d, "state", ""), state);
    else
        rc = kysod_db(r, Q_AGENCY_NAMES, &a, 1, ag);
    if (rc) {
        json_decref(*d);
        *d = NULL;
    }
    return rc;
}

static const kysod_field ACCEPT[] = {
    {"assignee_id", F_INT_NULL, false, 0, NULL, NULL},
    {"deadline_days", F_INT, false, 0, NULL, NULL},
    {"note", F_STR, false, 500, NULL, NULL},
};

int api_fed_inbox_accept(kysod_req *r)
{
    json_t *d = NULL, *b = NULL;
    ks_db_rows *ag = NULL;
    int rc = for_clerk(r, "received", &d, &ag);
    if (rc)
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, ACCEPT, 3, false)))
        goto done;
    const char *verdict = kysod_str(d, "verdict", "");
    if (strcmp(verdict, "TOTAL-FAILED") == 0 || strcmp(verdict, "UNSIGNED") == 0) {
        rc = kysod_fail(r, 422, "verification_failed", NULL,
                        N_("the document failed verification on arrival (%s); reject it"), verdict);
        goto done;
    }
    int64_t days = kysod_int(b, "deadline_days"), assignee = kysod_int(b, "assignee_id");
    if (days < 0 || days > 365) {
        rc = kysod_fail(r, 400, "invalid_field", "deadline_days",
                        N_("deadline_days must be from 0 to 365 working days"));
        goto done;
    }
    int64_t now = time(NULL), number = 0, to = kysod_int(d, "to_agency_id");
    char deadline[16] = "", desc[64];
    ks_error e;
    ks_status st = docs_deadline(now, days, deadline, &e);
    if (st != KS_OK) {
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    int year = docs_vn_year(now);
    const char *peer = kysod_str(d, "peer", ""), *pkg = kysod_str(d, "edxml_document", "");
    const char *from = kysod_str(d, "from_code", "");
    st = ks_db_tx_begin(r->db, &e);
    /* the incoming register's one series: numbers run on across same-server and remote arrivals */
    if (st == KS_OK)
        st = docs_next_number(r, to, "incoming", "", year, &number, &e);
    int64_t changed = 0;
    char received[16]; /* the arrival date in the register: this system's receive time */
    int64_t arrived = now;
    kysod_time_parse(kysod_str(d, "received_at", ""), &arrived);
    docs_vn_date(arrived, received);
    ks_db_arg a[8] = {KS_DB_I(r->id),    KS_DB_I(year),
                      KS_DB_I(number),   assignee ? KS_DB_I(assignee) : KS_DB_NIL,
                      KS_DB_S(deadline), KS_DB_S(kysod_str(b, "note", "")),
                      KS_DB_I(now),      KS_DB_S(received)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FIN_ACCEPT, a, 8, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE, N_("the delivery was decided meanwhile"));
    snprintf(desc, sizeof desc, "Số đến: %lld", (long long)number);
    if (st == KS_OK)
        st = fed_queue_status(r, peer, pkg, from, ks_db_cell(ag, 0, 2), ks_db_cell(ag, 0, 0),
                              KS_EDXML_ACCEPTED, desc, &e);
    if (st == KS_OK && assignee)
        st = fed_queue_status(r, peer, pkg, from, ks_db_cell(ag, 0, 2), ks_db_cell(ag, 0, 0),
                              KS_EDXML_ASSIGNED, deadline[0] ? deadline : NULL, &e);
    rc = kysod_commit(r, st, &e, "fed.accept", "fed_inbox", r->id, to, d, Q_FIN_ROW, 200);
    d = NULL;
    fed_kick(r->srv);
done:
    ks_db_rows_free(ag);
    json_decref(d);
    json_decref(b);
    return rc;
}

static const kysod_field REJECT[] = {
    {"reason", F_STR, true, 1000, NULL, NULL},
};

int api_fed_inbox_reject(kysod_req *r)
{
    json_t *d = NULL, *b = NULL;
    ks_db_rows *ag = NULL;
    int rc = for_clerk(r, "received", &d, &ag);
    if (rc)
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, REJECT, 1, false)))
        goto done;
    const char *reason = kysod_str(b, "reason", "");
    if (!*reason) {
        rc = kysod_fail(r, 400, "invalid_field", "reason", N_("give the reason for rejecting"));
        goto done;
    }
    ks_error e;
    int64_t changed = 0;
    ks_db_arg m[3] = {KS_DB_I(r->id), KS_DB_S(reason), KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FIN_REJECT, m, 3, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE, N_("the delivery was decided meanwhile"));
    if (st == KS_OK)
        st = fed_queue_status(r, kysod_str(d, "peer", ""), kysod_str(d, "edxml_document", ""),
                              kysod_str(d, "from_code", ""), ks_db_cell(ag, 0, 2),
                              ks_db_cell(ag, 0, 0), KS_EDXML_REJECTED, reason, &e);
    rc = kysod_commit(r, st, &e, "fed.reject", "fed_inbox", r->id, kysod_int(d, "to_agency_id"), d,
                      Q_FIN_ROW, 200);
    d = NULL;
    fed_kick(r->srv);
done:
    ks_db_rows_free(ag);
    json_decref(d);
    json_decref(b);
    return rc;
}

/* POST /fed/inbox/{id}/done: the handling is finished (status 06 to the sender). */
int api_fed_inbox_done(kysod_req *r)
{
    json_t *d = NULL;
    ks_db_rows *ag = NULL;
    int rc = for_clerk(r, "accepted", &d, &ag);
    if (rc)
        return rc;
    ks_error e;
    int64_t changed = 0;
    ks_db_arg m = KS_DB_I(r->id);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FIN_DONE, &m, 1, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE, N_("the delivery was decided meanwhile"));
    if (st == KS_OK)
        st = fed_queue_status(r, kysod_str(d, "peer", ""), kysod_str(d, "edxml_document", ""),
                              kysod_str(d, "from_code", ""), ks_db_cell(ag, 0, 2),
                              ks_db_cell(ag, 0, 0), KS_EDXML_DONE, NULL, &e);
    rc = kysod_commit(r, st, &e, "fed.done", "fed_inbox", r->id, kysod_int(d, "to_agency_id"), d,
                      Q_FIN_ROW, 200);
    d = NULL;
    fed_kick(r->srv);
    ks_db_rows_free(ag);
    return rc;
}
