/* server/api_fed_in.c — what a peer kysod posts (requests signed with the key the two peers
 * files share, fed_sign.c): edXML document packages, unpacked, their signed PDF verified in
 * process exactly as a same-server delivery is, and put into the inbox of each recipient agency
 * on this server, once per package id however often it is resent; and edXML status messages:
 * the replies to what this server sent, and recall requests for what it received. The receive
 * time is this system's clock (Đ14.6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/blob.h"
#include "doc_queries.h"
#include "fed.h"
#include "fed_queries.h"

static const ks_edxml_limits *limits_of(kysod_req *r, ks_edxml_limits *l)
{
    l->max_package = (size_t)r->srv->cfg.max_body_kb * 1024;
    l->max_attachment = l->max_package;
    return l;
}

/* POST /fed/packages */
int api_fed_packages(kysod_req *r)
{
    int peer = -1;
    int rc = fed_check_request(r, &peer);
    if (rc || (rc = docs_need_blobs(r)))
        return rc;
    kysod_fed *f = r->srv->fed;
    const char *peer_name = f->cfg.peers[peer].name;
    ks_edxml_package *pkg = NULL;
    ks_edxml_limits lim;
    ks_error e;
    char *report = NULL, verdict[32];
    ks_db_rows *rows = NULL;
    json_t *local = json_array();
    if (ks_edxml_unpack((const uint8_t *)(r->body ? r->body : ""), r->body_len, limits_of(r, &lim),
                        &pkg, &e) != KS_OK) {
        rc = kysod_fail(r, 422, "bad_package", NULL, "%s",
                        kysod_err_text(r, &e, (char[512]){0}, 512));
        goto done;
    }
    const ks_edxml_doc *d = &pkg->doc;
    if (fed_route_of(&f->cfg, d->from.organ_id) != peer) {
        rc = kysod_fail(r, 403, "forbidden", "From",
                        N_("the peer \"%s\" does not speak for the agency \"%s\""), peer_name,
                        d->from.organ_id);
        goto done;
    }
    const ks_edxml_attachment *att = &d->attachments[0];
    if (att->len < 5 || memcmp(att->data, "%PDF-", 5) != 0) {
        rc = kysod_fail(r, 422, "bad_package", NULL,
                        N_("the package's first attachment is not a PDF"));
        goto done;
    }
    for (size_t i = 0; i < d->nto && !rc; i++) {
        ks_db_arg a = KS_DB_S(d->to[i].organ_id);
        if ((rc = kysod_db(r, Q_AGENCY_BY_CODE, &a, 1, &rows)))
            break;
        if (rows->nrows)
            json_array_append_new(local, json_integer(ks_db_cell_int(rows, 0, 0)));
        ks_db_rows_free(rows);
        rows = NULL;
    }
    if (!rc && json_array_size(local) == 0)
        rc = kysod_fail(r, 422, "unknown_recipient", "To",
                        N_("no recipient of the package is an agency on this server"));
    if (rc)
        goto done;
    /* verified in process, as a same-server delivery is (api_docs_send.c) */
    if (docs_verify_pdf(r, att->data, att->len, &report, verdict, &e) != KS_OK) {
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    char sha[65], symbol[200], date[16], signer[300];
    snprintf(symbol, sizeof symbol, "%s/%s", d->code_number, d->code_notation);
    snprintf(date, sizeof date, "%s", d->promulgation_date);
    for (char *p = date; *p; p++)
        if (*p == '/')
            *p = '-';
    snprintf(signer, sizeof signer, "%s%s%s", d->signer_position ? d->signer_position : "",
             d->signer_position && *d->signer_position ? " " : "",
             d->signer_full_name ? d->signer_full_name : "");
    int64_t now = time(NULL), added = 0;
    ks_status st = ks_blob_put(r->srv->cfg.blob_dir, att->data, att->len, sha, &e);
    if (st == KS_OK)
        st = ks_db_tx_begin(r->db, &e);
    for (size_t i = 0; st == KS_OK && i < json_array_size(local); i++) {
        int64_t to = json_integer_value(json_array_get(local, i)), changed = 0;
        ks_db_arg a[16] = {KS_DB_S(d->document_id),
                           KS_DB_I(to),
                           KS_DB_S(d->from.organ_id),
                           KS_DB_S(d->from.organ_name ? d->from.organ_name : d->from.organ_id),
                           KS_DB_S(peer_name),
                           KS_DB_S(symbol),
                           KS_DB_S(date),
                           KS_DB_S(d->type_name ? d->type_name : ""),
                           KS_DB_S(d->subject),
                           KS_DB_S(signer),
                           KS_DB_S(att->name),
                           KS_DB_S(sha),
                           KS_DB_I((int64_t)att->len),
                           KS_DB_S(report),
                           KS_DB_S(verdict),
                           KS_DB_I(now)};
        st = ks_db_run(r->db, Q_FIN_NEW, a, 16, NULL, &changed, &e);
        if (st != KS_OK || changed == 0)
            continue; /* resent: registered once */
        added++;
        ks_db_arg ta = KS_DB_I(to);
        ks_db_rows *ag = NULL;
        st = ks_db_run(r->db, Q_AGENCY_NAMES, &ta, 1, &ag, NULL, &e);
        if (st == KS_OK)
            st = fed_queue_status(r, peer_name, d->document_id, d->from.organ_id,
                                  ks_db_cell(ag, 0, 2), ks_db_cell(ag, 0, 0), KS_EDXML_RECEIVED,
                                  NULL, &e);
        if (st == KS_OK)
            st = kysod_event(r->db, to, "clerk", "delivery.arrived", "fed",
                             json_pack("{s:s, s:s, s:s}", "from", d->from.organ_id, "symbol",
                                       symbol, "summary", d->subject),
                             &e);
        ks_db_rows_free(ag);
    }
    json_t *after = json_pack("{s:s, s:s, s:I}", "package_id", d->document_id, "peer", peer_name,
                              "added", (json_int_t)added);
    if (st == KS_OK && added)
        st = kysod_audit(r, "fed.receive", "package", 0, NULL, after, &e);
    json_decref(after);
    st = ks_db_tx_end(r->db, st, &e);
    if (st != KS_OK) {
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    fed_kick(r->srv);
    rc = kysod_json(r, 200,
                    json_pack("{s:s, s:I, s:I}", "package_id", d->document_id, "added",
                              (json_int_t)added, "duplicates",
                              (json_int_t)(json_array_size(local) - (size_t)added)));
done:
    ks_edxml_package_free(pkg);
    ks_db_rows_free(rows);
    json_decref(local);
    free(report);
    return rc;
}

/* The sender-side state a status code leads to, and its rank (a late "received" never
 * overwrites "accepted"). */
static const char *status_state(int code, int *rank)
{
    static const struct {
        int code;
        const char *state;
        int rank;
    } map[] = {{KS_EDXML_RECEIVED, "received", 2},     {KS_EDXML_REJECTED, "rejected", 3},
               {KS_EDXML_ACCEPTED, "accepted", 3},     {KS_EDXML_ASSIGNED, "assigned", 4},
               {KS_EDXML_PROCESSING, "processing", 5}, {KS_EDXML_DONE, "done", 6},
               {KS_EDXML_RECALL_OK, "recalled", 11},   {KS_EDXML_RECALL_NO, "recall_refused", 11}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (map[i].code == code) {
            *rank = map[i].rank;
            return map[i].state;
        }
    return NULL;
}

static int state_rank(const char *s)
{
    static const char *const order[] = {"queued",   "delivered",  "received", "accepted",
                                        "assigned", "processing", "done"};
    if (strcmp(s, "rejected") == 0)
        return 3;
    if (strcmp(s, "recall_requested") == 0)
        return 10;
    if (strcmp(s, "recalled") == 0 || strcmp(s, "recall_refused") == 0)
        return 11;
    for (int i = 0; i < 7; i++)
        if (strcmp(s, order[i]) == 0)
            return i;
    return 0;
}

/* Destroys the content of a recalled copy: the row keeps its metadata and the recall, the file
 * goes unless another row still uses the same bytes. */
static ks_status destroy_blob(kysod_req *r, const char *sha, ks_error *e)
{
    if (!sha || strlen(sha) != 64)
        return KS_OK;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(sha);
    ks_status st = ks_db_run(r->db, Q_BLOB_USED, &a, 1, &rows, NULL, e);
    if (st == KS_OK && ks_db_cell_int(rows, 0, 0) == 0) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", r->srv->cfg.blob_dir, sha);
        unlink(path);
    }
    ks_db_rows_free(rows);
    return st;
}

/* A recall request (13) from the sender of package `s->for_document_id`. */
static ks_status recall_copies(kysod_req *r, const char *peer, const ks_edxml_status *s, int64_t *n,
                               ks_error *e)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a[2] = {KS_DB_S(s->for_document_id), KS_DB_S(peer)};
    ks_status st = ks_db_run(r->db, Q_FIN_OF_PACKAGE, a, 2, &rows, NULL, e);
    int64_t now = time(NULL);
    char **shas = calloc(rows ? (size_t)rows->nrows + 1 : 1, sizeof *shas);
    for (int i = 0; st == KS_OK && i < rows->nrows; i++) {
        int64_t changed = 0;
        ks_db_arg u[3] = {KS_DB_I(ks_db_cell_int(rows, i, 0)), KS_DB_I(now),
                          KS_DB_S(s->description ? s->description : "")};
        shas[i] = strdup(ks_db_cell(rows, i, 4) ? ks_db_cell(rows, i, 4) : "");
        st = ks_db_run(r->db, Q_FIN_RECALL, u, 3, NULL, &changed, e);
        if (st != KS_OK || !changed)
            continue;
        (*n)++;
        char ref[48];
        snprintf(ref, sizeof ref, "fed/%lld", (long long)ks_db_cell_int(rows, i, 0));
        st = kysod_event(r->db, ks_db_cell_int(rows, i, 1), "clerk", "document.recalled", ref,
                         json_pack("{s:I, s:s}", "inbox_id", (json_int_t)ks_db_cell_int(rows, i, 0),
                                   "reason", s->description ? s->description : ""),
                         e);
        if (st == KS_OK) /* the recipient's system tells the sender (Đ18.4b) */
            st = fed_queue_status(r, peer, s->for_document_id, s->for_organ_id,
                                  ks_db_cell(rows, i, 2), ks_db_cell(rows, i, 3),
                                  KS_EDXML_RECALL_OK, NULL, e);
    }
    for (int i = 0; st == KS_OK && rows && i < rows->nrows; i++)
        st = destroy_blob(r, shas[i], e);
    for (int i = 0; rows && i < rows->nrows; i++)
        free(shas[i]);
    free(shas);
    ks_db_rows_free(rows);
    return st;
}

/* POST /fed/statuses */
int api_fed_statuses(kysod_req *r)
{
    int peer = -1;
    int rc = fed_check_request(r, &peer);
    if (rc)
        return rc;
    kysod_fed *f = r->srv->fed;
    const char *peer_name = f->cfg.peers[peer].name;
    ks_edxml_status_msg *m = NULL;
    ks_edxml_limits lim = {1 << 20, 1 << 20};
    ks_error e;
    ks_db_rows *rows = NULL;
    if (ks_edxml_status_unpack((const uint8_t *)(r->body ? r->body : ""), r->body_len, &lim, &m,
                               &e) != KS_OK) {
        rc = kysod_fail(r, 422, "bad_package", NULL, "%s",
                        kysod_err_text(r, &e, (char[512]){0}, 512));
        goto done;
    }
    const ks_edxml_status *s = &m->status;
    if (fed_route_of(&f->cfg, s->from.organ_id) != peer) {
        rc = kysod_fail(r, 403, "forbidden", "From",
                        N_("the peer \"%s\" does not speak for the agency \"%s\""), peer_name,
                        s->from.organ_id);
        goto done;
    }
    int64_t now = time(NULL), n = 0;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK && s->code == KS_EDXML_RECALL_ASK) {
        st = recall_copies(r, peer_name, s, &n, &e);
    } else if (st == KS_OK) {
        int rank = 0;
        const char *state = status_state(s->code, &rank);
        ks_db_arg a[2] = {KS_DB_S(s->for_document_id), KS_DB_S(s->from.organ_id)};
        if (!state)
            st = ks_error_set(&e, KS_E_FORMAT, N_("edXML status: unknown status code %d"), s->code);
        if (st == KS_OK)
            st = ks_db_run(r->db, Q_FS_FIND, a, 2, &rows, NULL, &e);
        if (st == KS_OK && (rows->nrows == 0 || strcmp(ks_db_cell(rows, 0, 4), peer_name) != 0))
            st = ks_error_set(&e, KS_E_FORMAT,
                              N_("edXML status: nothing was sent to \"%s\" as \"%s\""),
                              s->from.organ_id, s->for_document_id);
        if (st == KS_OK && rank >= state_rank(ks_db_cell(rows, 0, 3))) {
            char detail[300];
            snprintf(detail, sizeof detail, "%s%s%s", s->timestamp ? s->timestamp : "",
                     s->staff ? " " : "", s->staff ? s->staff : "");
            ks_db_arg u[5] = {KS_DB_I(ks_db_cell_int(rows, 0, 0)), KS_DB_S(state),
                              KS_DB_S(s->description ? s->description : ""), KS_DB_S(detail),
                              KS_DB_I(now)};
            st = ks_db_run(r->db, Q_FS_SET, u, 5, NULL, NULL, &e);
            char ref[48];
            snprintf(ref, sizeof ref, "document/%lld", (long long)ks_db_cell_int(rows, 0, 1));
            if (st == KS_OK)
                st = kysod_event(r->db, ks_db_cell_int(rows, 0, 2), "clerk", "status.changed", ref,
                                 json_pack("{s:I, s:s, s:s, s:s}", "document_id",
                                           (json_int_t)ks_db_cell_int(rows, 0, 1), "to",
                                           s->from.organ_id, "state", state, "reason",
                                           s->description ? s->description : ""),
                                 &e);
            n = 1;
        }
    }
    if (st == KS_OK && n) {
        json_t *after = json_pack("{s:s, s:s, s:i, s:s}", "package_id", s->for_document_id, "from",
                                  s->from.organ_id, "code", s->code, "peer", peer_name);
        st = kysod_audit(r, "fed.status", "package", 0, NULL, after, &e);
        json_decref(after);
    }
    st = ks_db_tx_end(r->db, st, &e);
    if (st != KS_OK) {
        rc = kysod_fail(r, st == KS_E_FORMAT ? 422 : 500,
                        st == KS_E_FORMAT ? "bad_package" : "internal", NULL, "%s",
                        kysod_err_text(r, &e, (char[512]){0}, 512));
        goto done;
    }
    fed_kick(r->srv);
    rc = kysod_json(r, 200, json_pack("{s:I}", "applied", (json_int_t)n));
done:
    ks_edxml_status_msg_free(m);
    ks_db_rows_free(rows);
    return rc;
}
