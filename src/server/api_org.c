/* server/api_org.c — the agencies tree (city committee, departments, wards, communes, the
 * special zone, public service units) with each agency's mã định danh (requirements §6.6, up
 * to 35 characters), address and contacts, and the agencies' internal units. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../store/queries.h"
#include "server.h"

static const char *const KINDS[] = {
    "city_committee", "department",          "office", "ward", "commune",
    "special_zone",   "public_service_unit", "other",  NULL};

static const kysod_field AGENCY[] = {
    {"name", F_STR, true, 300, NULL, NULL},    {"short_name", F_STR, false, 100, NULL, NULL},
    {"kind", F_STR, true, 0, KINDS, NULL},     {"parent_id", F_INT_NULL, false, 0, NULL, NULL},
    {"code", F_STR, true, 35, NULL, "code"},   {"address", F_STR, false, 500, NULL, NULL},
    {"contacts", F_OBJ, false, 0, NULL, NULL},
};
#define NAGENCY ((int)(sizeof AGENCY / sizeof *AGENCY))

int api_agencies_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[4];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = kysod_query_id(r, "parent_id", &a[0])))
        return rc;
    const char *q = kysod_query(r, "q");
    char like[256];
    if (q && strlen(q) > 200)
        return kysod_fail(r, 400, "invalid_field", "q", N_("\"q\" is too long"));
    snprintf(like, sizeof like, "%%%s%%", q ? q : "");
    for (char *p = like; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    a[1] = q ? KS_DB_S(like) : KS_DB_NIL;
    return kysod_page_cached(r, Q_AGENCY_LIST, Q_AGENCY_COUNT, a, 2, limit, offset);
}

int api_agency_get(kysod_req *r)
{
    json_t *o = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &o);
    return rc ? rc : kysod_json_etag(r, o);
}

static int check_parent(kysod_req *r, int64_t id, json_t *parent)
{
    if (!parent || json_is_null(parent))
        return 0;
    json_t *p = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, json_integer_value(parent), N_("no such agency"), &p);
    json_decref(p);
    if (rc)
        return kysod_fail(r, 400, "invalid_field", "parent_id",
                          N_("the parent agency does not exist"));
    if (id) {
        ks_db_rows *rows = NULL;
        ks_db_arg a[2] = {KS_DB_I(id), KS_DB_I(json_integer_value(parent))};
        if ((rc = kysod_db(r, Q_AGENCY_IS_ANCESTOR, a, 2, &rows)))
            return rc;
        bool loop = ks_db_cell_int(rows, 0, 0) > 0;
        ks_db_rows_free(rows);
        if (loop)
            return kysod_fail(r, 400, "invalid_field", "parent_id",
                              N_("an agency cannot be placed under itself or its own branch"));
    }
    return 0;
}

int api_agency_create(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc || (rc = kysod_body_check(r, b, AGENCY, NAGENCY, false)))
        goto done;
    json_t *parent = json_object_get(b, "parent_id");
    if (!parent || json_is_null(parent)) {
        rc = kysod_fail(r, 409, "conflict", "parent_id",
                        N_("the city already has its root agency; give parent_id"));
        goto done;
    }
    if ((rc = check_parent(r, 0, parent)))
        goto done;
    json_t *none = json_object();
    json_t *given = json_object_get(b, "contacts");
    char *contacts = json_dumps(given ? given : none, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(none);
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[8] = {KS_DB_I(json_integer_value(parent)),  kysod_str_arg(b, NULL, "name"),
                      kysod_str_arg(b, NULL, "short_name"), kysod_str_arg(b, NULL, "kind"),
                      kysod_str_arg(b, NULL, "code"),       kysod_str_arg(b, NULL, "address"),
                      KS_DB_S(contacts ? contacts : "{}"),  KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_AGENCY_NEW, a, 8, &rows, NULL, &e);
    free(contacts);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_E_STATE)
        ks_error_set(&e, KS_E_STATE, N_("the code (mã định danh) is already used"));
    rc = kysod_commit(r, st, &e, "agency.create", "agency", id, id, NULL, Q_AGENCY_GET, 201);
done:
    json_decref(b);
    return rc;
}

int api_agency_update(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &cur);
    if (rc)
        goto done;
    /* the tree is a directory everyone reads: another agency's record is 403, not 404 */
    if (!kysod_allowed(r, ACC_AGENCY_ADMIN, r->id)) {
        rc = kysod_fail(r, 403, "forbidden", NULL,
                        N_("your roles in this agency do not allow this"));
        goto done;
    }
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, AGENCY, NAGENCY, true)))
        goto done;
    if (!r->city_admin) {
        static const char *const city_only[] = {"name", "kind", "parent_id", "code", NULL};
        for (const char *const *k = city_only; *k; k++) {
            json_t *v = json_object_get(b, *k);
            if (v && !json_equal(v, json_object_get(cur, *k))) {
                rc = kysod_fail(r, 403, "forbidden", *k,
                                N_("only the city administrator may change \"%s\""), *k);
                goto done;
            }
        }
    }
    json_t *parent = json_object_get(b, "parent_id");
    if (parent && json_is_null(parent) && !json_is_null(json_object_get(cur, "parent_id"))) {
        rc = kysod_fail(r, 400, "invalid_field", "parent_id",
                        N_("the city already has its root agency; give parent_id"));
        goto done;
    }
    if (parent && (rc = check_parent(r, r->id, parent)))
        goto done;
    if ((rc = kysod_check_if_match(r, cur)))
        goto done;
    if (!parent)
        parent = json_object_get(cur, "parent_id");
    json_t *c = json_object_get(b, "contacts");
    char *contacts =
        json_dumps(c ? c : json_object_get(cur, "contacts"), JSON_COMPACT | JSON_SORT_KEYS);
    ks_error e;
    ks_db_arg a[9] = {KS_DB_I(r->id),
                      json_is_integer(parent) ? KS_DB_I(json_integer_value(parent)) : KS_DB_NIL,
                      kysod_str_arg(b, cur, "name"),
                      kysod_str_arg(b, cur, "short_name"),
                      kysod_str_arg(b, cur, "kind"),
                      kysod_str_arg(b, cur, "code"),
                      kysod_str_arg(b, cur, "address"),
                      KS_DB_S(contacts ? contacts : "{}"),
                      KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_AGENCY_UPDATE, a, 9, NULL, NULL, &e);
    free(contacts);
    if (st == KS_E_STATE)
        ks_error_set(&e, KS_E_STATE, N_("the code (mã định danh) is already used"));
    rc = kysod_commit(r, st, &e, "agency.update", "agency", r->id, r->id, cur, Q_AGENCY_GET, 200);
    cur = NULL;
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}

int api_agency_delete(kysod_req *r)
{
    json_t *cur = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &cur);
    if (rc || (rc = kysod_check_if_match(r, cur)))
        goto done;
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_AGENCY_IN_USE, &a, 1, &rows, NULL, &e);
    if (st == KS_OK && ks_db_cell_int(rows, 0, 0) > 0)
        st = ks_error_set(&e, KS_E_STATE,
                          N_("the agency still has sub-agencies, units, people, roles or "
                             "certificates"));
    ks_db_rows_free(rows);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_AGENCY_DELETE, &a, 1, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "agency.delete", "agency", r->id, r->id, cur, NULL, 204);
    cur = NULL;
done:
    json_decref(cur);
    return rc;
}

/* ---- internal units ---- */

static const kysod_field UNIT[] = {
    {"name", F_STR, true, 300, NULL, NULL},
    {"code", F_STR, false, 35, NULL, NULL},
};

int api_units_list(kysod_req *r)
{
    json_t *ag = NULL;
    int64_t limit, offset;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &ag);
    json_decref(ag);
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_MEMBER, r->id)) ||
        (rc = kysod_query_page(r, &limit, &offset)))
        return rc;
    ks_db_arg a[3] = {KS_DB_I(r->id)};
    return kysod_page_cached(r, Q_UNIT_LIST, Q_UNIT_COUNT, a, 1, limit, offset);
}

int api_unit_create(kysod_req *r)
{
    json_t *b = NULL, *ag = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &ag);
    json_decref(ag);
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, r->id)))
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, UNIT, 2, false)))
        goto done;
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[3] = {KS_DB_I(r->id), kysod_str_arg(b, NULL, "name"),
                      kysod_str_arg(b, NULL, "code")};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_UNIT_NEW, a, 3, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    rc = kysod_commit(r, st, &e, "unit.create", "unit", id, r->id, NULL, Q_UNIT_GET, 201);
done:
    json_decref(b);
    return rc;
}

int api_unit_update(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_UNIT_GET, r->id, N_("no such unit"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)))
        goto done;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, UNIT, 2, true)) ||
        (rc = kysod_check_if_match(r, cur)))
        goto done;
    ks_error e;
    ks_db_arg a[3] = {KS_DB_I(r->id), kysod_str_arg(b, cur, "name"), kysod_str_arg(b, cur, "code")};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_UNIT_UPDATE, a, 3, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "unit.update", "unit", r->id, agency, cur, Q_UNIT_GET, 200);
    cur = NULL;
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}

int api_unit_delete(kysod_req *r)
{
    json_t *cur = NULL;
    int rc = kysod_load(r, Q_UNIT_GET, r->id, N_("no such unit"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)) ||
        (rc = kysod_check_if_match(r, cur)))
        goto done;
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_UNIT_IN_USE, &a, 1, &rows, NULL, &e);
    if (st == KS_OK && ks_db_cell_int(rows, 0, 0) > 0)
        st = ks_error_set(&e, KS_E_STATE, N_("the unit still has people"));
    ks_db_rows_free(rows);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_UNIT_DELETE, &a, 1, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "unit.delete", "unit", r->id, agency, cur, NULL, 204);
    cur = NULL;
done:
    json_decref(cur);
    return rc;
}
