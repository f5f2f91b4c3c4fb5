/* server/api_docs_send.c — sending an issued document to agencies on this server and what the
 * receiving clerk does (requirements §5.2): each copy is verified in-process on arrival (the
 * engine's validation with revocation) and the report kept with it; the clerk accepts it (the
 * next number of the incoming register, table 2's fields, an assignee and a deadline in working
 * days) or rejects it with a reason the sender sees as the delivery's status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc_queries.h"
#include "docs.h"
#include "fed.h"
#include "kyso/util.h"
#include "kyso/verify.h"
#include "kyso/workdays.h"

ks_status docs_verify_pdf(kysod_req *r, const uint8_t *pdf, size_t len, char **report,
                          char verdict[32], ks_error *e)
{
    ks_verify_opts o;
    memset(&o, 0, sizeof o);
    o.ctx = r->srv->ctx;
    ks_verify_report *rep = NULL;
    ks_status st = ks_verify_run_mem(pdf, len, "document.pdf", &o, &rep, e);
    if (st != KS_OK)
        return st;
    ks_buf b = KS_BUF_INIT;
    if (!ks_verify_render_json(r->srv->ctx, "vi", rep, &b) || b.failed)
        st = ks_error_set(e, KS_E_NOMEM, N_("out of memory"));
    snprintf(verdict, 32, "%s", rep->nsigs ? ks_indication_name(rep->indication) : "UNSIGNED");
    *report = st == KS_OK ? strdup((const char *)b.data) : NULL;
    ks_buf_free(&b);
    ks_verify_report_free(rep);
    return st;
}

/* POST /documents/{id}/send {"to": ["mã định danh", ...]}: one delivery per recipient. */
int api_doc_send(kysod_req *r)
{
    json_t *doc = NULL, *b = NULL;
    uint8_t *pdf = NULL;
    size_t len = 0;
    char *report = NULL, verdict[32];
    int64_t ids[64];
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    int64_t ag = kysod_int(doc, "agency_id");
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) ||
        (rc = docs_need_role(r, doc, "clerk", N_("only a clerk (văn thư) sends documents"))) ||
        (rc = kysod_body_object(r, &b)))
        goto done;
    json_t *to = json_object_get(b, "to");
    size_t n = json_array_size(to);
    if (!json_is_array(to) || n == 0 || n > 64 || json_object_size(b) != 1) {
        rc = kysod_fail(r, 400, "invalid_field", "to",
                        N_("to must list 1 to 64 recipient agency codes (mã định danh)"));
        goto done;
    }
    if (strcmp(kysod_str(doc, "state", ""), DOC_ISSUED) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(doc, "state", ""), DOC_ISSUED);
        goto done;
    }
    json_t *names = json_array(), *remote = json_array();
    for (size_t i = 0; i < n && !rc; i++) {
        const char *code = json_string_value(json_array_get(to, i));
        ks_db_rows *rows = NULL;
        ks_db_arg a = KS_DB_S(code ? code : "");
        if ((rc = kysod_db(r, Q_AGENCY_BY_CODE, &a, 1, &rows)))
            break;
        if (rows->nrows == 0 && fed_is_remote(r->srv, code)) { /* a peer serves it: edXML */
            ids[i] = 0;
            json_array_append_new(remote, json_string(code));
            json_array_append_new(names, json_string(code));
        } else if (rows->nrows == 0 || ks_db_cell_int(rows, 0, 0) == ag)
            rc = kysod_fail(r, 422, "invalid_field", "to",
                            N_("no other agency on this server has the code \"%s\""),
                            code ? code : "");
        else {
            ids[i] = ks_db_cell_int(rows, 0, 0);
            json_array_append_new(names, json_string(ks_db_cell(rows, 0, 1)));
        }
        ks_db_rows_free(rows);
    }
    char *recipients = json_dumps(names, JSON_COMPACT);
    json_decref(names);
    ks_error e;
    if (!rc && !(rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len)) &&
        docs_verify_pdf(r, pdf, len, &report, verdict, &e) != KS_OK)
        rc = kysod_fail_err(r, &e);
    if (rc) {
        free(recipients);
        json_decref(remote);
        goto done;
    }
    int64_t now = time(NULL);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK && json_array_size(remote))
        st = fed_send_document(r, doc, pdf, len, remote, &e);
    json_decref(remote);
    for (size_t i = 0; i < n && st == KS_OK; i++) {
        if (!ids[i])
            continue;
        ks_db_arg a[6] = {KS_DB_I(r->id),  KS_DB_I(ag),      KS_DB_I(ids[i]),
                          KS_DB_S(report), KS_DB_S(verdict), KS_DB_I(now)};
        st = ks_db_run(r->db, Q_DLV_NEW, a, 6, NULL, NULL, &e);
    }
    ks_db_arg a2[2] = {KS_DB_I(r->id), KS_DB_S(recipients)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_SET_RECIPIENTS, a2, 2, NULL, NULL, &e);
    ks_db_arg a3[3] = {KS_DB_I(r->id), KS_DB_S(recipients), KS_DB_I((int64_t)n)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_OUT_SET_RECIPIENTS, a3, 3, NULL, NULL, &e);
    if (st == KS_OK)
        st = docs_move(r, r->id, DOC_ISSUED, DOC_SENT, &e);
    free(recipients);
    rc = kysod_commit(r, st, &e, "document.send", "document", r->id, ag, doc, Q_DOC_GET, 200);
    doc = NULL;
    fed_kick(r->srv);
done:
    json_decref(doc);
    json_decref(b);
    free(pdf);
    free(report);
    return rc;
}

int api_dlv_list(kysod_req *r)
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
    return kysod_page(r, Q_DLV_LIST, Q_DLV_COUNT, a, 2, limit, offset);
}

static int dlv_load(kysod_req *r, json_t **d)
{
    int rc = kysod_load(r, Q_DLV_GET, r->id, N_("no such delivery"), d);
    if (rc)
        return rc;
    if (!kysod_sees(r, ACC_AGENCY_MEMBER, kysod_int(*d, "to_agency_id")) &&
        !kysod_sees(r, ACC_AGENCY_MEMBER, kysod_int(*d, "from_agency_id"))) {
        json_decref(*d);
        *d = NULL;
        return kysod_fail_id(r, 404, "not_found", N_("no such delivery"));
    }
    /* the kept report as an object, not a string */
    json_t *rep = json_loads(kysod_str(*d, "verify_report", "{}"), 0, NULL);
    json_object_set_new(*d, "verify_report", rep ? rep : json_null());
    return 0;
}

int api_dlv_get(kysod_req *r)
{
    json_t *d = NULL;
    int rc = dlv_load(r, &d);
    return rc ? rc : kysod_json_etag(r, d);
}

int api_dlv_pdf(kysod_req *r)
{
    json_t *d = NULL;
    int rc = dlv_load(r, &d);
    if (rc)
        return rc;
    int64_t doc_id = kysod_int(d, "document_id");
    if (strcmp(kysod_str(d, "state", ""), "recalled") == 0) { /* its copy is destroyed (§5.1) */
        json_decref(d);
        return kysod_fail_id(r, 410, "recalled",
                             N_("the sender recalled this document: its copy was destroyed"));
    }
    json_decref(d);
    json_t *doc = NULL;
    if ((rc = kysod_load(r, Q_DOC_GET, doc_id, N_("no such document"), &doc)))
        return rc;
    uint8_t *pdf = NULL;
    size_t len = 0;
    rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len);
    json_decref(doc);
    if (rc)
        return rc;
    r->raw = (char *)pdf;
    r->raw_len = len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}

/* The delivery, loaded for its receiving clerk; 0 or the error set. */
static int for_clerk(kysod_req *r, json_t **d)
{
    int rc = dlv_load(r, d);
    if (rc)
        return rc;
    if (!kysod_has_role(r, kysod_int(*d, "to_agency_id"), "clerk"))
        rc = kysod_fail_id(r, 403, "forbidden", N_("only a clerk of the receiving agency decides"));
    else if (strcmp(kysod_str(*d, "state", ""), "received") != 0)
        rc = kysod_fail(r, 409, "wrong_state", "state", N_("the delivery was decided already (%s)"),
                        kysod_str(*d, "state", ""));
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

int api_dlv_accept(kysod_req *r)
{
    json_t *d = NULL, *b = NULL, *from = NULL;
    int rc = for_clerk(r, &d);
    if (rc)
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, ACCEPT, 3, false)))
        goto done;
    if (strcmp(kysod_str(d, "verdict", ""), "TOTAL-FAILED") == 0 ||
        strcmp(kysod_str(d, "verdict", ""), "UNSIGNED") == 0) {
        rc = kysod_fail(r, 422, "verification_failed", NULL,
                        N_("the document failed verification on arrival (%s); reject it"),
                        kysod_str(d, "verdict", ""));
        goto done;
    }
    int64_t days = kysod_int(b, "deadline_days"), assignee = kysod_int(b, "assignee_id");
    if (days < 0 || days > 365) {
        rc = kysod_fail(r, 400, "invalid_field", "deadline_days",
                        N_("deadline_days must be from 0 to 365 working days"));
        goto done;
    }
    int64_t to = kysod_int(d, "to_agency_id");
    if ((rc = kysod_load(r, Q_AGENCY_NAMES, kysod_int(d, "from_agency_id"), N_("no such agency"),
                         &from)))
        goto done;
    int64_t now = time(NULL), number = 0;
    char today[16], deadline[16] = "", doc_date[16] = "";
    docs_vn_date(now, today);
    int64_t issued = 0;
    kysod_time_parse(kysod_str(d, "issued_at", ""), &issued);
    docs_vn_date(issued, doc_date);
    ks_error e;
    ks_status st = docs_deadline(now, days, deadline, &e);
    if (st != KS_OK) {
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    int year = docs_vn_year(now);
    st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = docs_next_number(r, to, "incoming", "", year, &number, &e);
    ks_db_arg a[14] = {KS_DB_I(to),
                       KS_DB_I(r->id),
                       KS_DB_I(year),
                       KS_DB_I(number),
                       KS_DB_S(today),
                       KS_DB_S(kysod_str(from, "name", "")),
                       KS_DB_S(kysod_str(d, "symbol", "")),
                       KS_DB_S(doc_date),
                       KS_DB_S(kysod_str(d, "doc_type", "")),
                       KS_DB_S(kysod_str(d, "summary", "")),
                       assignee ? KS_DB_I(assignee) : KS_DB_NIL,
                       KS_DB_S(deadline),
                       KS_DB_S(kysod_str(b, "note", "")),
                       KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_IN_NEW, a, 14, NULL, NULL, &e);
    int64_t changed = 0;
    ks_db_arg m[4] = {KS_DB_I(r->id), KS_DB_S("accepted"), KS_DB_S(""), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DLV_DECIDE, m, 4, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE, N_("the delivery was decided meanwhile"));
    json_object_del(d, "verify_report");
    rc = kysod_commit(r, st, &e, "delivery.accept", "delivery", r->id, to, d, Q_DLV_GET, 200);
    d = NULL;
done:
    json_decref(d);
    json_decref(b);
    json_decref(from);
    return rc;
}

static const kysod_field REJECT[] = {
    {"reason", F_STR, true, 1000, NULL, NULL},
};

int api_dlv_reject(kysod_req *r)
{
    json_t *d = NULL, *b = NULL;
    int rc = for_clerk(r, &d);
    if (rc)
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, REJECT, 1, false)))
        goto done;
    if (!*kysod_str(b, "reason", "")) {
        rc = kysod_fail(r, 400, "invalid_field", "reason", N_("give the reason for rejecting"));
        goto done;
    }
    ks_error e;
    int64_t changed = 0;
    ks_db_arg m[4] = {KS_DB_I(r->id), KS_DB_S("rejected"), KS_DB_S(kysod_str(b, "reason", "")),
                      KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DLV_DECIDE, m, 4, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE, N_("the delivery was decided meanwhile"));
    json_object_del(d, "verify_report");
    rc = kysod_commit(r, st, &e, "delivery.reject", "delivery", r->id, kysod_int(d, "to_agency_id"),
                      d, Q_DLV_GET, 200);
    d = NULL;
done:
    json_decref(d);
    json_decref(b);
    return rc;
}
