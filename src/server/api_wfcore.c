/* server/api_wfcore.c — the agency's settings of the outgoing workflow (issue 13): the level of
 * its seal signature (requirements §5.1: B-LT or B-LTA). */
#include <string.h>
#include <time.h>

#include "docs.h"

static const char *const LEVELS[] = {"", "B-B", "B-T", "B-LT", "B-LTA", NULL};
static const kysod_field SEAL[] = {
    {"seal_level", F_STR, true, 0, LEVELS, NULL},
};
static const char Q_SET_SEAL_LEVEL[] = "UPDATE agencies SET seal_level = ?2, version = version + 1,"
                                       " updated_at = ?3 WHERE id = ?1";
static const char Q_GET_SEAL_LEVEL[] =
    "SELECT id AS agency_id, seal_level FROM agencies WHERE id = ?1";

/* PUT /agencies/{id}/seal-level {"seal_level": "B-LTA"}: the agency's administrator chooses. */
int api_agency_seal_level(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_GET_SEAL_LEVEL, r->id, N_("no such agency"), &cur);
    if (rc)
        return rc;
    if ((rc = kysod_authorize(r, ACC_AGENCY_ADMIN, r->id)) || (rc = kysod_body_object(r, &b)) ||
        (rc = kysod_body_check(r, b, SEAL, 1, false))) {
        json_decref(cur);
        json_decref(b);
        return rc;
    }
    const char *lv = kysod_str(b, "seal_level", "");
    if ((!strcmp(lv, "B-LT") || !strcmp(lv, "B-LTA") || !strcmp(lv, "B-T")) &&
        !r->srv->cfg.tsa_url[0]) {
        json_decref(cur);
        json_decref(b);
        return kysod_fail(r, 422, "no_tsa", "seal_level",
                          N_("%s needs a timestamp service: set tsa_url in the server's "
                             "configuration"),
                          lv);
    }
    ks_error e;
    ks_db_arg a[3] = {KS_DB_I(r->id), KS_DB_S(lv), KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_SET_SEAL_LEVEL, a, 3, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "agency.seal_level", "agency", r->id, r->id, cur, Q_GET_SEAL_LEVEL,
                      200);
    json_decref(b);
    return rc;
}
