/* server/city_init.c — the first start of an empty database: the city's root agency (the
 * city committee) and its first administrator, audited as the system's action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/queries.h"
#include "server.h"

ks_status kysod_init_city(kysod *srv, const char *login, const char *pw, const char *name,
                          const char *code, int64_t ids[3], ks_error *err)
{
    ks_error e;
    ks_db *db = ks_db_acquire(srv->pool);
    ks_db_rows *rows = NULL;
    ks_status st = ks_db_tx_begin(db, &e);
    if (st == KS_OK)
        st = ks_db_run(db, Q_AGENCY_ROOT, NULL, 0, &rows, NULL, &e);
    if (st == KS_OK && rows->nrows)
        st = ks_error_set(&e, KS_E_STATE, N_("the database already has its root agency"));
    ks_db_rows_free(rows);
    rows = NULL;
    int64_t now = (int64_t)time(NULL), agency = 0, user = 0, role = 0;
    ks_db_arg a[8] = {KS_DB_NIL,     KS_DB_S(name), KS_DB_S(""),   KS_DB_S("city_committee"),
                      KS_DB_S(code), KS_DB_S(""),   KS_DB_S("{}"), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(db, Q_AGENCY_NEW, a, 8, &rows, NULL, &e);
    if (st == KS_OK)
        agency = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    rows = NULL;
    json_t *u = json_pack("{s:s, s:s, s:s, s:I}", "login", login, "full_name", login, "title",
                          "Quản trị thành phố", "agency_id", (json_int_t)agency);
    if (st == KS_OK)
        st = kysod_user_insert(srv, db, u, pw, &user, &e);
    ks_db_arg ra[4] = {KS_DB_I(user), KS_DB_I(agency), KS_DB_S("city_admin"), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(db, Q_ROLE_NEW, ra, 4, &rows, NULL, &e);
    if (st == KS_OK)
        role = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    ks_audit_rec rec = {0, "system", "local", agency, "city.init", "agency", "", ""};
    char *after = json_dumps(u, JSON_COMPACT | JSON_SORT_KEYS);
    rec.after = after;
    if (st == KS_OK)
        st = ks_audit_append(db, &rec, now, &e);
    free(after);
    json_decref(u);
    st = ks_db_tx_end(db, st, &e);
    ks_db_release(srv->pool, db);
    if (st != KS_OK) {
        if (err)
            *err = e;
        return st;
    }
    ids[0] = agency;
    ids[1] = user;
    ids[2] = role;
    return KS_OK;
}
