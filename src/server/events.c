/* server/events.c — the notification events kysod writes (table events, schema 5) in the same
 * transaction as the change they announce, so that every node's streams (api_events.c) see
 * them once committed: a document waiting for the next role, a delivery arrived, a status
 * changed, a document recalled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fed.h"
#include "fed_queries.h"

ks_status kysod_event(ks_db *db, int64_t agency, const char *role, const char *kind,
                      const char *ref, json_t *data, ks_error *e)
{
    char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
    ks_db_arg a[6] = {KS_DB_I(agency), KS_DB_S(role ? role : ""),   KS_DB_S(kind),
                      KS_DB_S(ref),    KS_DB_S(text ? text : "{}"), KS_DB_I(time(NULL))};
    ks_status st = ks_db_run(db, Q_EV_NEW, a, 6, NULL, NULL, e);
    free(text);
    json_decref(data);
    return st;
}

/* Who acts next on a document in `state` (requirements §5.1), or NULL. */
static const char *next_role(const char *state)
{
    static const char *const map[][2] = {{"review", "unit_head"},
                                         {"format_check", "format_checker"},
                                         {"signing", "signer"},
                                         {"signed", "clerk"},
                                         {"draft", "drafter"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(state, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static ks_status deliveries_arrived(kysod_req *r, int64_t doc, ks_error *e)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(doc);
    ks_status st = ks_db_run(r->db, Q_EV_DLVS_OF_DOC, &a, 1, &rows, NULL, e);
    for (int i = 0; st == KS_OK && i < rows->nrows; i++) {
        char ref[48];
        snprintf(ref, sizeof ref, "delivery/%lld", (long long)ks_db_cell_int(rows, i, 0));
        st = kysod_event(r->db, ks_db_cell_int(rows, i, 1), "clerk", "delivery.arrived", ref,
                         json_pack("{s:I, s:s, s:s}", "delivery_id",
                                   (json_int_t)ks_db_cell_int(rows, i, 0), "summary",
                                   ks_db_cell(rows, i, 2), "symbol", ks_db_cell(rows, i, 3)),
                         e);
    }
    ks_db_rows_free(rows);
    return st;
}

ks_status kysod_events_on_commit(kysod_req *r, const char *kind, int64_t id, json_t *before,
                                 ks_error *e)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(id);
    ks_status st = KS_OK;
    char ref[48];
    const char *was = before ? kysod_str(before, "state", "") : "";
    if (strcmp(kind, "document") == 0 && before) {
        st = ks_db_run(r->db, Q_EV_DOC, &a, 1, &rows, NULL, e);
        const char *state = st == KS_OK && rows->nrows ? ks_db_cell(rows, 0, 1) : "";
        /* only a step that moved the document tells the next role */
        const char *role = strcmp(state, was) != 0 ? next_role(state) : NULL;
        snprintf(ref, sizeof ref, "document/%lld", (long long)id);
        if (role)
            st = kysod_event(r->db, ks_db_cell_int(rows, 0, 0), role, "document.waiting", ref,
                             json_pack("{s:I, s:s, s:s}", "document_id", (json_int_t)id, "state",
                                       state, "summary", ks_db_cell(rows, 0, 2)),
                             e);
        if (st == KS_OK && strcmp(state, "sent") == 0 && strcmp(was, "sent") != 0)
            st = deliveries_arrived(r, id, e);
    } else if (strcmp(kind, "delivery") == 0 && before) {
        st = ks_db_run(r->db, Q_EV_DLV, &a, 1, &rows, NULL, e);
        snprintf(ref, sizeof ref, "delivery/%lld", (long long)id);
        if (st == KS_OK && rows->nrows && strcmp(ks_db_cell(rows, 0, 3), was) != 0)
            st = kysod_event(r->db, ks_db_cell_int(rows, 0, 2), "clerk", "status.changed", ref,
                             json_pack("{s:I, s:s, s:s, s:s}", "delivery_id", (json_int_t)id,
                                       "state", ks_db_cell(rows, 0, 3), "summary",
                                       ks_db_cell(rows, 0, 4), "symbol", ks_db_cell(rows, 0, 5)),
                             e);
    }
    ks_db_rows_free(rows);
    return st;
}

ks_status kysod_events_recall(kysod_req *r, int64_t doc_id, ks_error *e)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(doc_id);
    ks_status st = ks_db_run(r->db, Q_DLV_OF_DOC, &a, 1, &rows, NULL, e);
    for (int i = 0; st == KS_OK && i < rows->nrows; i++) {
        if (strcmp(ks_db_cell(rows, i, 4), "recalled") == 0)
            continue;
        char ref[48];
        snprintf(ref, sizeof ref, "delivery/%lld", (long long)ks_db_cell_int(rows, i, 0));
        st = kysod_event(r->db, ks_db_cell_int(rows, i, 1), "clerk", "document.recalled", ref,
                         json_pack("{s:I}", "delivery_id", (json_int_t)ks_db_cell_int(rows, i, 0)),
                         e);
    }
    ks_db_rows_free(rows);
    return st;
}
