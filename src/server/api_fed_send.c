/* server/api_fed_send.c — the sending side between servers: an issued document sent to
 * recipients that a peer serves leaves as one edXML package per peer (queued in the same
 * transaction as the sending, posted by the worker); the sender's view of every recipient,
 * on this server or remote, in one list; and recall (thu hồi, requirements §5.1): the document
 * and its metadata frozen, every recipient's copy destroyed, remote ones asked to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc_queries.h"
#include "fed.h"
#include "fed_queries.h"

bool fed_is_remote(kysod *srv, const char *code)
{
    return srv->fed && fed_route_of(&srv->fed->cfg, code) >= 0;
}

/* The document's fields as the package carries them; strings borrowed from the rows. */
typedef struct out_doc {
    char number[24], notation[128], date[16], docid[256], ts[32], file[64];
    ks_db_rows *agency, *signer;
} out_doc;

static ks_status load_out_doc(kysod_req *r, json_t *doc, out_doc *o, ks_error *e)
{
    memset(o, 0, sizeof *o);
    ks_db_arg a = KS_DB_I(kysod_int(doc, "agency_id"));
    ks_status st = ks_db_run(r->db, Q_AGENCY_NAMES, &a, 1, &o->agency, NULL, e);
    ks_db_arg s = KS_DB_I(kysod_int(doc, "signer_id"));
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_USER_NAME, &s, 1, &o->signer, NULL, e);
    if (st != KS_OK)
        return st;
    if (o->agency->nrows != 1)
        return ks_error_set(e, KS_E_STATE, N_("the sending agency is gone"));
    const char *sym = kysod_str(doc, "symbol", "");
    const char *slash = strchr(sym, '/');
    if (!slash || slash == sym || !slash[1])
        return ks_error_set(e, KS_E_STATE, N_("the document has no number and symbol yet"));
    snprintf(o->number, sizeof o->number, "%.*s", (int)(slash - sym), sym);
    snprintf(o->notation, sizeof o->notation, "%s", slash + 1);
    int64_t issued = 0;
    kysod_time_parse(kysod_str(doc, "issued_at", ""), &issued);
    if (!issued)
        issued = kysod_int(doc, "issued_at");
    docs_vn_date(issued, o->date);
    for (char *p = o->date; *p; p++)
        if (*p == '-')
            *p = '/';
    snprintf(o->docid, sizeof o->docid, "%s,%s,%s/%s", ks_db_cell(o->agency, 0, 2), o->date,
             o->number, o->notation);
    ks_edxml_timestamp(time(NULL), o->ts);
    snprintf(o->file, sizeof o->file, "van-ban-%lld.pdf", (long long)kysod_int(doc, "id"));
    return KS_OK;
}

ks_status fed_send_document(kysod_req *r, json_t *doc, const uint8_t *pdf, size_t len,
                            json_t *codes, ks_error *e)
{
    kysod_fed *f = r->srv->fed;
    out_doc o;
    ks_status st = load_out_doc(r, doc, &o, e);
    size_t n = json_array_size(codes);
    ks_edxml_organ *to = calloc(n ? n : 1, sizeof *to);
    if (st == KS_OK && !to)
        st = ks_error_set(e, KS_E_NOMEM, N_("out of memory"));
    int64_t now = time(NULL);
    for (int p = 0; st == KS_OK && p < f->cfg.npeers; p++) {
        size_t nto = 0;
        for (size_t i = 0; i < n; i++) {
            const char *c = json_string_value(json_array_get(codes, i));
            if (fed_route_of(&f->cfg, c) == p)
                to[nto++] = (ks_edxml_organ){.organ_id = c};
        }
        if (!nto)
            continue;
        ks_edxml_trace tr = {ks_db_cell(o.agency, 0, 2), o.ts};
        ks_edxml_attachment at = {"1", "application/pdf", o.file, NULL, pdf, len};
        ks_edxml_doc d;
        memset(&d, 0, sizeof d);
        d.from.organ_id = ks_db_cell(o.agency, 0, 2);
        d.from.organ_name = ks_db_cell(o.agency, 0, 0);
        d.to = to;
        d.nto = nto;
        d.code_number = o.number;
        d.code_notation = o.notation;
        d.promulgation_date = o.date;
        d.type_name = kysod_str(doc, "doc_type", "");
        d.subject = kysod_str(doc, "summary", "");
        d.signer_full_name = o.signer->nrows ? ks_db_cell(o.signer, 0, 0) : "";
        d.signer_position = o.signer->nrows ? ks_db_cell(o.signer, 0, 1) : NULL;
        d.document_id = o.docid;
        d.traces = &tr;
        d.ntraces = 1;
        d.attachments = &at;
        d.nattachments = 1;
        ks_buf b = KS_BUF_INIT;
        char key[400];
        snprintf(key, sizeof key, "doc|%s|%s", o.docid, f->cfg.peers[p].name);
        st = ks_edxml_pack(&d, &b, e);
        if (st == KS_OK)
            st = fed_enqueue(r, f->cfg.peers[p].name, "packages", key, b.data, b.len, e);
        ks_buf_free(&b);
        for (size_t i = 0; st == KS_OK && i < nto; i++) {
            ks_db_arg a[6] = {KS_DB_I(kysod_int(doc, "id")),
                              KS_DB_I(kysod_int(doc, "agency_id")),
                              KS_DB_S(to[i].organ_id),
                              KS_DB_S(f->cfg.peers[p].name),
                              KS_DB_S(o.docid),
                              KS_DB_I(now)};
            st = ks_db_run(r->db, Q_FS_NEW, a, 6, NULL, NULL, e);
        }
    }
    free(to);
    ks_db_rows_free(o.agency);
    ks_db_rows_free(o.signer);
    return st;
}

/* GET /documents/{id}/deliveries: every recipient of the document and its status, on this server
 * (deliveries) and on peers (edXML status replies) alike. */
int api_doc_deliveries(kysod_req *r)
{
    json_t *doc = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    json_decref(doc);
    ks_db_rows *loc = NULL, *rem = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    if ((rc = kysod_db(r, Q_DLV_OF_DOC, &a, 1, &loc)) ||
        (rc = kysod_db(r, Q_FS_OF_DOC, &a, 1, &rem))) {
        ks_db_rows_free(loc);
        return rc;
    }
    json_t *items = json_array();
    for (int i = 0; i < loc->nrows; i++) {
        json_t *row = kysod_row_json(loc, i);
        json_object_set_new(row, "via", json_string("local"));
        json_object_set_new(row, "to_code", json_string(ks_db_cell(loc, i, 2)));
        json_object_set_new(row, "to_name", json_string(ks_db_cell(loc, i, 3)));
        json_object_del(row, "code");
        json_object_del(row, "name");
        json_array_append_new(items, row);
    }
    for (int i = 0; i < rem->nrows; i++) {
        json_t *row = kysod_row_json(rem, i);
        json_object_set_new(row, "via", json_string("edxml"));
        json_array_append_new(items, row);
    }
    ks_db_rows_free(loc);
    ks_db_rows_free(rem);
    return kysod_json(r, 200, json_pack("{s:o}", "items", items));
}

static const kysod_field RECALL[] = {
    {"reason", F_STR, true, 1000, NULL, NULL},
};

/* POST /documents/{id}/recall {"reason"}: the sender's clerk recalls a sent document. */
int api_doc_recall(kysod_req *r)
{
    json_t *doc = NULL, *b = NULL;
    ks_db_rows *rem = NULL, *ag = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    int64_t agency = kysod_int(doc, "agency_id");
    if ((rc = docs_need_role(r, doc, "clerk", N_("only a clerk (văn thư) recalls documents"))) ||
        (rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, RECALL, 1, false)))
        goto done;
    const char *reason = kysod_str(b, "reason", "");
    if (!*reason) {
        rc = kysod_fail(r, 400, "invalid_field", "reason", N_("give the reason for the recall"));
        goto done;
    }
    if (strcmp(kysod_str(doc, "state", ""), DOC_SENT) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(doc, "state", ""), DOC_SENT);
        goto done;
    }
    ks_error e;
    int64_t now = time(NULL), changed = 0;
    ks_db_arg a[3] = {KS_DB_I(r->id), KS_DB_I(now), KS_DB_S(reason)};
    ks_db_arg id = KS_DB_I(r->id), aga = KS_DB_I(agency);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_RECALL, a, 3, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE,
                          N_("the document is no longer in the state \"%s\" (someone acted on it "
                             "meanwhile)"),
                          DOC_SENT);
    if (st == KS_OK) /* events before the deliveries change: they name the recipients */
        st = kysod_events_recall(r, r->id, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DLV_RECALL, a, 3, NULL, NULL, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FS_OF_DOC, &id, 1, &rem, NULL, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_AGENCY_NAMES, &aga, 1, &ag, NULL, &e);
    for (int i = 0; st == KS_OK && rem && i < rem->nrows; i++) {
        const char *state = ks_db_cell(rem, i, 4);
        if (strcmp(state, "failed") == 0 || strcmp(state, "recalled") == 0)
            continue;
        st = fed_queue_status(r, ks_db_cell(rem, i, 2), ks_db_cell(rem, i, 3), ks_db_cell(ag, 0, 2),
                              ks_db_cell(ag, 0, 2), ks_db_cell(ag, 0, 0), KS_EDXML_RECALL_ASK,
                              reason, &e);
        ks_db_arg s[5] = {KS_DB_I(ks_db_cell_int(rem, i, 0)), KS_DB_S("recall_requested"),
                          KS_DB_S(reason), KS_DB_S(""), KS_DB_I(now)};
        if (st == KS_OK)
            st = ks_db_run(r->db, Q_FS_SET, s, 5, NULL, NULL, &e);
    }
    rc = kysod_commit(r, st, &e, "document.recall", "document", r->id, agency, doc, Q_DOC_GET, 200);
    doc = NULL;
    if (st == KS_OK)
        fed_kick(r->srv);
done:
    ks_db_rows_free(rem);
    ks_db_rows_free(ag);
    json_decref(doc);
    json_decref(b);
    return rc;
}
