/* server/api_registers_close.c — closing a register's year (khóa sổ; requirements §5.2 step 2:
 * registers kept in the system are printed and closed). Only a year that has ended in
 * Asia/Ho_Chi_Minh is closed, by a clerk of the agency; from then on the database refuses any
 * new, changed or removed entry of that year (the triggers of schema 4), whoever asks. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "docs.h"
#include "register_queries.h"
#include "registers.h"

static const kysod_field CLOSE[] = {
    {"year", F_INT, true, 0, NULL, NULL},
    {"agency_id", F_INT, false, 0, NULL, NULL},
};

static int close_register(kysod_req *r, const char *reg)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    /* who may is decided before what is asked is checked (the route table's order) */
    json_t *agj = json_object_get(b, "agency_id");
    int64_t ag = json_is_integer(agj) ? json_integer_value(agj) : r->s.agency_id;
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, ag)))
        goto done;
    if (!kysod_has_role(r, ag, "clerk")) {
        rc = kysod_fail_id(r, 403, "forbidden", N_("only a clerk (văn thư) closes a register"));
        goto done;
    }
    if ((rc = kysod_body_check(r, b, CLOSE, 2, false)))
        goto done;
    int64_t year = kysod_int(b, "year"), now = time(NULL);
    if (year < 2000 || year >= docs_vn_year(now)) {
        rc = kysod_fail(r, 422, "year_not_ended", "year",
                        N_("a register is closed after its year has ended (%lld has not)"),
                        (long long)year);
        goto done;
    }
    ks_db_rows *rows = NULL;
    ks_db_arg q[3] = {KS_DB_I(ag), KS_DB_S(reg), KS_DB_I(year)};
    if ((rc = kysod_db(r, Q_REG_CLOSED, q, 3, &rows)))
        goto done;
    int closed = rows->nrows;
    ks_db_rows_free(rows);
    if (closed) {
        rc = kysod_fail(r, 409, "closed", "year", N_("the register of %lld is closed already"),
                        (long long)year);
        goto done;
    }
    ks_error e;
    ks_db_arg a[5] = {KS_DB_I(ag), KS_DB_S(reg), KS_DB_I(year), KS_DB_I(r->s.user_id),
                      KS_DB_I(now)};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_REG_CLOSE, a, 5, NULL, NULL, &e);
    char obj[64];
    snprintf(obj, sizeof obj, "%s-%lld", reg, (long long)year);
    json_t *after = json_pack("{s:s, s:I, s:I}", "register", reg, "year", (json_int_t)year,
                              "agency_id", (json_int_t)ag);
    if (st == KS_OK)
        st = kysod_audit(r, "register.close", obj, ag, NULL, after, &e);
    st = ks_db_tx_end(r->db, st, &e);
    if (st != KS_OK) {
        json_decref(after);
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    rc = kysod_json(r, 200, after);
done:
    json_decref(b);
    return rc;
}

int api_reg_close_outgoing(kysod_req *r)
{
    return close_register(r, "outgoing");
}

int api_reg_close_incoming(kysod_req *r)
{
    return close_register(r, "incoming");
}

int api_reg_close_copies(kysod_req *r)
{
    return close_register(r, "copy");
}
