/* server/api_roles.c — role assignments per agency, and delegations of signing (ký thay, ký
 * thừa lệnh, ký thừa ủy quyền: requirements §4.7) with their time windows. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../store/queries.h"
#include "server.h"

static int64_t root_agency(kysod_req *r)
{
    ks_db_rows *rows = NULL;
    int64_t id = 0;
    if (ks_db_run(r->db, Q_AGENCY_ROOT, NULL, 0, &rows, NULL, NULL) == KS_OK && rows->nrows)
        id = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    return id;
}

/* Filters of a list: agency_id (member of it), user_id (oneself, or visible); without either,
 * one's own agency unless a city role. Returns 0 or the error set. */
static int scope(kysod_req *r, ks_db_arg *agency, ks_db_arg *user, kysod_access acc)
{
    int rc;
    if ((rc = kysod_query_id(r, "agency_id", agency)) || (rc = kysod_query_id(r, "user_id", user)))
        return rc;
    if (agency->type == KS_DB_INT)
        return kysod_authorize(r, acc, agency->i);
    if (user->type == KS_DB_INT) {
        if (user->i == r->s.user_id)
            return 0;
        json_t *u = NULL;
        if ((rc = kysod_load(r, Q_USER_GET, user->i, N_("no such user"), &u)))
            return rc;
        rc = kysod_authorize(r, acc, kysod_int(u, "agency_id"));
        json_decref(u);
        return rc;
    }
    if (!r->city_admin && !r->city_auditor)
        *agency = KS_DB_I(r->s.agency_id);
    return 0;
}

int api_role_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[5];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = scope(r, &a[0], &a[1], ACC_AGENCY_MEMBER)))
        return rc;
    const char *role = kysod_query(r, "role");
    a[2] = KS_DB_S(role);
    return kysod_page_cached(r, Q_ROLE_LIST, Q_ROLE_COUNT, a, 3, limit, offset);
}

static const kysod_field ROLE[] = {
    {"user_id", F_INT, true, 0, NULL, NULL},
    {"agency_id", F_INT, true, 0, NULL, NULL},
    {"role", F_STR, true, 0, KYSOD_ROLE_NAMES, NULL},
};

/* city_admin, auditor of the root agency and registration_officer (city-wide rights over
 * certificates) are given and taken by a city_admin only. */
static int city_role_guard(kysod_req *r, const char *role, int64_t agency)
{
    int64_t root = root_agency(r);
    if (strcmp(role, "registration_officer") == 0 && !r->city_admin)
        return kysod_fail(r, 403, "forbidden", "role",
                          N_("only the city administrator may give or take this role"));
    if (strcmp(role, "city_admin") == 0 && agency != root)
        return kysod_fail(r, 400, "invalid_field", "agency_id",
                          N_("the city administrator role is held in the city's root agency"));
    if ((strcmp(role, "city_admin") == 0 || (strcmp(role, "auditor") == 0 && agency == root)) &&
        !r->city_admin)
        return kysod_fail(r, 403, "forbidden", "role",
                          N_("only the city administrator may give or take this role"));
    return 0;
}

int api_role_create(kysod_req *r)
{
    json_t *b = NULL, *u = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *ag = json_object_get(b, "agency_id");
    int64_t agency = json_is_integer(ag) ? json_integer_value(ag) : 0;
    if (agency > 0 && (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)))
        goto done;
    if ((rc = kysod_body_check(r, b, ROLE, 3, false)))
        goto done;
    const char *role = kysod_str(b, "role", "");
    if ((rc = kysod_load(r, Q_USER_GET, kysod_int(b, "user_id"), "user", &u)))
        goto done;
    if (kysod_int(u, "agency_id") != agency && !r->city_admin) {
        rc = kysod_fail(r, 400, "invalid_field", "user_id",
                        N_("the person belongs to another agency"));
        goto done;
    }
    if ((rc = city_role_guard(r, role, agency)))
        goto done;
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[4] = {KS_DB_I(kysod_int(b, "user_id")), KS_DB_I(agency), KS_DB_S(role),
                      KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_ROLE_NEW, a, 4, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_E_STATE)
        ks_error_set(&e, KS_E_STATE, N_("the person already has this role in this agency"));
    rc = kysod_commit(r, st, &e, "role.grant", "role", id, agency, NULL, Q_ROLE_GET, 201);
    kysod_session_forget_user(r->srv, kysod_int(b, "user_id"));
done:
    json_decref(u);
    json_decref(b);
    return rc;
}

int api_role_delete(kysod_req *r)
{
    json_t *cur = NULL;
    int rc = kysod_load(r, Q_ROLE_GET, r->id, N_("no such role assignment"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)) ||
        (rc = city_role_guard(r, kysod_str(cur, "role", ""), agency)))
        goto done;
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg cnt[3] = {KS_DB_NIL, KS_DB_NIL, KS_DB_S("city_admin")};
    ks_db_arg a = KS_DB_I(r->id);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK && strcmp(kysod_str(cur, "role", ""), "city_admin") == 0) {
        st = ks_db_run(r->db, Q_ROLE_COUNT, cnt, 3, &rows, NULL, &e);
        if (st == KS_OK && ks_db_cell_int(rows, 0, 0) <= 1)
            st = ks_error_set(&e, KS_E_STATE,
                              N_("the city must keep at least one city administrator"));
        ks_db_rows_free(rows);
    }
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_ROLE_DELETE, &a, 1, NULL, NULL, &e);
    int64_t user = kysod_int(cur, "user_id");
    rc = kysod_commit(r, st, &e, "role.revoke", "role", r->id, agency, cur, NULL, 204);
    cur = NULL;
    kysod_session_forget_user(r->srv, user);
done:
    json_decref(cur);
    return rc;
}

/* ---- delegations ---- */

static const char *const DELEG_KINDS[] = {"ky_thay", "ky_thua_lenh", "ky_thua_uy_quyen", NULL};
static const kysod_field DELEG[] = {
    {"agency_id", F_INT, true, 0, NULL, NULL},   {"from_user_id", F_INT, true, 0, NULL, NULL},
    {"to_user_id", F_INT, true, 0, NULL, NULL},  {"kind", F_STR, true, 0, DELEG_KINDS, NULL},
    {"valid_from", F_TIME, true, 0, NULL, NULL}, {"valid_to", F_TIME, true, 0, NULL, NULL},
    {"scope", F_STR, false, 500, NULL, NULL},    {"note", F_STR, false, 1000, NULL, NULL},
};

/* Adds the status a delegation has now: revoked, pending, expired or active. */
static void deleg_status(json_t *d)
{
    int64_t from = 0, to = 0, now = (int64_t)time(NULL);
    kysod_time_parse(kysod_str(d, "valid_from", ""), &from);
    kysod_time_parse(kysod_str(d, "valid_to", ""), &to);
    const char *s = !json_is_null(json_object_get(d, "revoked_at")) ? "revoked"
                    : now < from                                    ? "pending"
                    : now >= to                                     ? "expired"
                                                                    : "active";
    json_object_set_new(d, "status", json_string(s));
}

int api_deleg_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[5];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = scope(r, &a[0], &a[1], ACC_AGENCY_MEMBER)))
        return rc;
    const char *at = kysod_query(r, "active_at");
    int64_t t = 0;
    if (at && !kysod_time_parse(at, &t))
        return kysod_fail(r, 400, "invalid_field", "active_at",
                          N_("\"%s\" must be an ISO 8601 time"), "active_at");
    a[2] = at ? KS_DB_I(t) : KS_DB_NIL;
    if ((rc = kysod_page(r, Q_DELEG_LIST, Q_DELEG_COUNT, a, 3, limit, offset)) != 200)
        return rc;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r->out, "items"), i, d) deleg_status(d);
    return 200;
}

int api_deleg_get(kysod_req *r)
{
    json_t *d = NULL;
    int rc = kysod_load(r, Q_DELEG_GET, r->id, N_("no such delegation"), &d);
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_MEMBER, kysod_int(d, "agency_id")))) {
        json_decref(d);
        return rc;
    }
    deleg_status(d);
    return kysod_json_etag(r, d);
}

static int user_in(kysod_req *r, int64_t user, int64_t agency, const char *field)
{
    json_t *u = NULL;
    int rc = kysod_load(r, Q_USER_GET, user, N_("no such user"), &u);
    bool ok = !rc && kysod_int(u, "agency_id") == agency;
    json_decref(u);
    if (!ok)
        return kysod_fail(r, 400, "invalid_field", field, N_("the person is not in this agency"));
    return 0;
}

int api_deleg_create(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *ag = json_object_get(b, "agency_id");
    int64_t agency = json_is_integer(ag) ? json_integer_value(ag) : 0;
    if (agency > 0 && (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)))
        goto done;
    if ((rc = kysod_body_check(r, b, DELEG, 8, false)) ||
        (rc = user_in(r, kysod_int(b, "from_user_id"), agency, "from_user_id")) ||
        (rc = user_in(r, kysod_int(b, "to_user_id"), agency, "to_user_id")))
        goto done;
    int64_t from = 0, to = 0;
    kysod_time_parse(kysod_str(b, "valid_from", ""), &from);
    kysod_time_parse(kysod_str(b, "valid_to", ""), &to);
    if (to <= from) {
        rc = kysod_fail(r, 400, "invalid_field", "valid_to",
                        N_("the end of the window must come after its start"));
        goto done;
    }
    if (kysod_int(b, "from_user_id") == kysod_int(b, "to_user_id")) {
        rc = kysod_fail(r, 400, "invalid_field", "to_user_id",
                        N_("a person cannot delegate to themselves"));
        goto done;
    }
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[9] = {KS_DB_I(agency),
                      KS_DB_I(kysod_int(b, "from_user_id")),
                      KS_DB_I(kysod_int(b, "to_user_id")),
                      kysod_str_arg(b, NULL, "kind"),
                      KS_DB_I(from),
                      KS_DB_I(to),
                      kysod_str_arg(b, NULL, "scope"),
                      kysod_str_arg(b, NULL, "note"),
                      KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DELEG_NEW, a, 9, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if ((rc = kysod_commit(r, st, &e, "delegation.create", "delegation", id, agency, NULL,
                           Q_DELEG_GET, 201)) == 201)
        deleg_status(r->out);
done:
    json_decref(b);
    return rc;
}

int api_deleg_revoke(kysod_req *r)
{
    json_t *cur = NULL;
    int rc = kysod_load(r, Q_DELEG_GET, r->id, N_("no such delegation"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)))
        goto done;
    deleg_status(cur);
    if ((rc = kysod_check_if_match(r, cur)))
        goto done;
    ks_error e;
    int64_t changed = 0;
    ks_db_arg a[2] = {KS_DB_I(r->id), KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DELEG_REVOKE, a, 2, NULL, &changed, &e);
    if (st == KS_OK && changed == 0)
        st = ks_error_set(&e, KS_E_STATE, N_("the delegation is already revoked"));
    rc = kysod_commit(r, st, &e, "delegation.revoke", "delegation", r->id, agency, cur, NULL, 204);
    cur = NULL;
done:
    json_decref(cur);
    return rc;
}
