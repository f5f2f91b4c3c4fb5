/* server/api_users.c — the people: full name, title (chức vụ), agency and unit, e-mail, phone,
 * status, language; created one by one or imported from an agency's staff CSV (all or
 * nothing), each creation audited without its password. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "csv.h"
#include "../store/queries.h"
#include "server.h"

static const char *const STATUSES[] = {"active", "disabled", "locked", NULL};
static const char *const LANGS[] = {"vi", "en", NULL};

static const kysod_field USER[] = {
    {"login", F_STR, true, 64, NULL, "login"},     {"full_name", F_STR, true, 200, NULL, NULL},
    {"title", F_STR, false, 200, NULL, NULL},      {"agency_id", F_INT, true, 0, NULL, NULL},
    {"unit_id", F_INT_NULL, false, 0, NULL, NULL}, {"email", F_STR, false, 254, NULL, NULL},
    {"phone", F_STR, false, 40, NULL, NULL},       {"status", F_STR, false, 0, STATUSES, NULL},
    {"lang", F_STR, false, 0, LANGS, NULL},        {"password", F_STR, true, 256, NULL, NULL},
};
#define NUSER ((int)(sizeof USER / sizeof *USER))

ks_status kysod_user_insert(kysod *srv, ks_db *db, json_t *u, const char *password, int64_t *id,
                            ks_error *err)
{
    char hash[128];
    ks_status st = kysod_hash_password(srv, password, hash, err);
    if (st != KS_OK)
        return st;
    json_t *unit = json_object_get(u, "unit_id");
    ks_db_rows *rows = NULL;
    ks_db_arg a[11] = {kysod_str_arg(u, NULL, "login"),
                       kysod_str_arg(u, NULL, "full_name"),
                       kysod_str_arg(u, NULL, "title"),
                       KS_DB_I(kysod_int(u, "agency_id")),
                       json_is_integer(unit) ? KS_DB_I(json_integer_value(unit)) : KS_DB_NIL,
                       kysod_str_arg(u, NULL, "email"),
                       kysod_str_arg(u, NULL, "phone"),
                       KS_DB_S(kysod_str(u, "status", "active")),
                       KS_DB_S(kysod_str(u, "lang", "vi")),
                       KS_DB_S(hash),
                       KS_DB_I(time(NULL))};
    st = ks_db_run(db, Q_USER_NEW, a, 11, &rows, NULL, err);
    sodium_memzero(hash, sizeof hash);
    if (st == KS_OK)
        *id = ks_db_cell_int(rows, 0, 0);
    else if (st == KS_E_STATE)
        ks_error_set(err, KS_E_STATE, N_("the login \"%s\" is already used"),
                     kysod_str(u, "login", ""));
    ks_db_rows_free(rows);
    return st;
}

/* The unit, when given, must be one of the agency's. */
static int check_unit(kysod_req *r, json_t *unit, int64_t agency)
{
    if (!unit || json_is_null(unit))
        return 0;
    json_t *u = NULL;
    int rc = kysod_load(r, Q_UNIT_GET, json_integer_value(unit), N_("no such unit"), &u);
    bool ok = !rc && kysod_int(u, "agency_id") == agency;
    json_decref(u);
    if (!ok)
        return kysod_fail(r, 400, "invalid_field", "unit_id",
                          N_("the unit does not belong to the agency"));
    return 0;
}

static int check_agency(kysod_req *r, int64_t agency)
{
    json_t *a = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, agency, N_("no such agency"), &a);
    json_decref(a);
    if (rc)
        return kysod_fail(r, 400, "invalid_field", "agency_id", N_("the agency does not exist"));
    return 0;
}

int api_user_create(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *ag = json_object_get(b, "agency_id");
    if (!json_is_integer(ag)) {
        rc = kysod_body_check(r, b, USER, NUSER, false);
        if (!rc)
            rc = kysod_fail(r, 400, "invalid_field", "agency_id", N_("field \"%s\" is required"),
                            "agency_id");
        goto done;
    }
    int64_t agency = json_integer_value(ag);
    if ((rc = check_agency(r, agency)) || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)) ||
        (rc = kysod_body_check(r, b, USER, NUSER, false)) ||
        (rc = check_unit(r, json_object_get(b, "unit_id"), agency)))
        goto done;
    const char *pw = kysod_str(b, "password", "");
    if (strlen(pw) < 10) {
        rc = kysod_fail(r, 400, "invalid_field", "password",
                        N_("the password must have at least 10 characters"));
        goto done;
    }
    ks_error e;
    int64_t id = 0;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = kysod_user_insert(r->srv, r->db, b, pw, &id, &e);
    rc = kysod_commit(r, st, &e, "user.create", "user", id, agency, NULL, Q_USER_GET, 201);
done:
    json_decref(b);
    return rc;
}

int api_user_get(kysod_req *r)
{
    json_t *u = NULL;
    int rc = kysod_load(r, Q_USER_GET, r->id, N_("no such user"), &u);
    if (rc)
        return rc;
    if (r->id != r->s.user_id &&
        (rc = kysod_authorize(r, ACC_AGENCY_MEMBER, kysod_int(u, "agency_id")))) {
        json_decref(u);
        return rc;
    }
    return kysod_json_etag(r, u);
}

int api_users_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[6];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = kysod_query_id(r, "agency_id", &a[0])) ||
        (rc = kysod_query_id(r, "unit_id", &a[1])))
        return rc;
    if (a[0].type == KS_DB_INT) {
        if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, a[0].i)))
            return rc;
    } else if (!r->city_admin && !r->city_auditor) {
        a[0] = KS_DB_I(r->s.agency_id); /* one's own agency unless a city role says more */
    }
    const char *status = kysod_query(r, "status"), *q = kysod_query(r, "q");
    if (q && strlen(q) > 200)
        return kysod_fail(r, 400, "invalid_field", "q", N_("\"q\" is too long"));
    char like[256];
    snprintf(like, sizeof like, "%%%s%%", q ? q : "");
    for (char *p = like; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    a[2] = KS_DB_S(status);
    a[3] = q ? KS_DB_S(like) : KS_DB_NIL;
    return kysod_page_cached(r, Q_USER_LIST, Q_USER_COUNT, a, 4, limit, offset);
}

int api_user_update(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_USER_GET, r->id, N_("no such user"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)) ||
        (rc = kysod_guard_city_user(r, r->id)))
        goto done;
    if ((rc = kysod_body_object(r, &b)))
        goto done;
    if (json_object_get(b, "login") || json_object_get(b, "password")) {
        const char *k = json_object_get(b, "login") ? "login" : "password";
        rc = kysod_fail(r, 400, "invalid_field", k, N_("field \"%s\" cannot be changed here"), k);
        goto done;
    }
    if ((rc = kysod_body_check(r, b, USER, NUSER, true)))
        goto done;
    int64_t new_agency = json_object_get(b, "agency_id") ? kysod_int(b, "agency_id") : agency;
    if (new_agency != agency && ((rc = check_agency(r, new_agency)) ||
                                 (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, new_agency))))
        goto done;
    json_t *unit = json_object_get(b, "unit_id");
    if (!unit)
        unit = new_agency == agency ? json_object_get(cur, "unit_id") : json_null();
    if ((rc = check_unit(r, unit, new_agency)) || (rc = kysod_check_if_match(r, cur)))
        goto done;
    ks_error e;
    ks_db_arg a[10] = {KS_DB_I(r->id),
                       kysod_str_arg(b, cur, "full_name"),
                       kysod_str_arg(b, cur, "title"),
                       KS_DB_I(new_agency),
                       json_is_integer(unit) ? KS_DB_I(json_integer_value(unit)) : KS_DB_NIL,
                       kysod_str_arg(b, cur, "email"),
                       kysod_str_arg(b, cur, "phone"),
                       kysod_str_arg(b, cur, "status"),
                       kysod_str_arg(b, cur, "lang"),
                       KS_DB_I(time(NULL))};
    bool ends = strcmp(kysod_str(b, "status", "active"), "active") != 0;
    ks_db_arg u = KS_DB_I(r->id);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_USER_UPDATE, a, 10, NULL, NULL, &e);
    if (st == KS_OK && ends) /* a disabled or locked account signs out at once */
        st = ks_db_run(r->db, Q_SESSION_END_USER, &u, 1, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "user.update", "user", r->id, new_agency, cur, Q_USER_GET, 200);
    cur = NULL;
    kysod_session_forget_user(r->srv, r->id);
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}

/* ---- CSV import ---- */

typedef struct import_ctx {
    kysod_req *r;
    int64_t agency;
    int col[6]; /* login, full_name, title, unit, email, phone: column index or -1 */
    json_t *users, *errors;
} import_ctx;

static const char *const COLS[] = {"login", "full_name", "title", "unit", "email", "phone"};

static void row_error(import_ctx *c, int line, const char *field, const char *fmt, const char *arg)
{
    ks_error e;
    char buf[KS_ERROR_MSG_MAX];
    ks_error_set(&e, KS_E_FORMAT, fmt, arg);
    json_array_append_new(c->errors,
                          json_pack("{s:i, s:s, s:s}", "line", line, "field", field, "message",
                                    kysod_err_text(c->r, &e, buf, sizeof buf)));
}

static int import_row(void *user, int line, char **f, int n)
{
    import_ctx *c = user;
    if (line == 1 || c->col[0] == -2) {
        for (int k = 0; k < 6; k++)
            c->col[k] = -1;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 6; k++)
                if (strcmp(f[i], COLS[k]) == 0)
                    c->col[k] = i;
        if (c->col[0] < 0 || c->col[1] < 0)
            row_error(c, line, "header", N_("the header line must name %s"), "login, full_name");
        return 0;
    }
    if (json_array_size(c->errors) > 50)
        return 0;
    const char *v[6];
    for (int k = 0; k < 6; k++)
        v[k] = c->col[k] >= 0 && c->col[k] < n ? f[c->col[k]] : "";
    json_t *u =
        json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "login", v[0], "full_name", v[1], "title", v[2],
                  "agency_id", (json_int_t)c->agency, "email", v[4], "phone", v[5]);
    if (!u) {
        row_error(c, line, "line", N_("line is not valid UTF-8%s"), "");
        return 0;
    }
    size_t len0 = strlen(v[0]);
    bool login_ok = len0 >= 2 && len0 <= 64;
    for (const char *p = v[0]; *p; p++)
        login_ok = login_ok && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
                                *p == '_' || *p == '-');
    if (!login_ok)
        row_error(c, line, "login", N_("\"%s\" is not a valid login (2 to 64 of a-z 0-9 . _ -)"),
                  v[0]);
    if (!v[1][0] || strlen(v[1]) > 600)
        row_error(c, line, "full_name", N_("the full name is missing or too long%s"), "");
    if (v[3][0]) {
        ks_db_rows *rows = NULL;
        ks_db_arg a[2] = {KS_DB_I(c->agency), KS_DB_S(v[3])};
        if (ks_db_run(c->r->db, Q_UNIT_BY_NAME, a, 2, &rows, NULL, NULL) == KS_OK &&
            rows->nrows == 1)
            json_object_set_new(u, "unit_id", json_integer(ks_db_cell_int(rows, 0, 0)));
        else
            row_error(c, line, "unit", N_("the agency has no unit named \"%s\""), v[3]);
        ks_db_rows_free(rows);
    }
    json_object_set_new(u, "_line", json_integer(line));
    json_array_append_new(c->users, u);
    return 0;
}

int api_users_import(kysod_req *r)
{
    json_t *ag = NULL;
    int rc = kysod_load(r, Q_AGENCY_GET, r->id, N_("no such agency"), &ag);
    json_decref(ag);
    if (rc || (rc = kysod_authorize(r, ACC_AGENCY_ADMIN, r->id)))
        return rc;
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strncmp(ct, "text/csv", 8) != 0)
        return kysod_fail(r, 415, "unsupported_media_type", NULL,
                          N_("the staff list must be sent as text/csv"));
    import_ctx c = {r, r->id, {-2, -2, -2, -2, -2, -2}, json_array(), json_array()};
    int bad_line = 0;
    if (kysod_csv_parse(r->body ? r->body : "", r->body_len, import_row, &c, &bad_line) != 0) {
        json_decref(c.users);
        json_decref(c.errors);
        char where[16];
        snprintf(where, sizeof where, "%d", bad_line);
        return kysod_fail(r, 400, "bad_request", where,
                          N_("the file is not CSV or exceeds the limits (line %d)"), bad_line);
    }
    if (json_array_size(c.errors) || !json_array_size(c.users)) {
        if (!json_array_size(c.errors) && !json_array_size(c.users))
            row_error(&c, 1, "file", N_("the file has no staff lines%s"), "");
        ks_error m;
        char buf[KS_ERROR_MSG_MAX];
        ks_error_set(&m, KS_E_FORMAT, N_("the file has errors; nobody was imported"));
        json_t *e = json_pack("{s:s, s:s, s:o}", "code", "invalid_field", "message",
                              kysod_err_text(r, &m, buf, sizeof buf), "errors", c.errors);
        json_decref(c.users);
        return kysod_json(r, 400, json_pack("{s:o}", "error", e));
    }
    json_t *passwords = json_array();
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    size_t i;
    json_t *u;
    json_array_foreach(c.users, i, u)
    {
        if (st != KS_OK)
            break;
        uint8_t raw[12];
        char pw[24];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        int64_t id = 0;
        json_object_del(u, "_line");
        st = kysod_user_insert(r->srv, r->db, u, pw, &id, &e);
        char obj[40];
        snprintf(obj, sizeof obj, "user/%lld", (long long)id);
        json_t *after = json_deep_copy(u);
        json_object_set_new(after, "id", json_integer(id));
        if (st == KS_OK)
            st = kysod_audit(r, "user.import", obj, r->id, NULL, after, &e);
        json_decref(after);
        json_array_append_new(
            passwords, json_pack("{s:s, s:s}", "login", kysod_str(u, "login", ""), "password", pw));
        sodium_memzero(pw, sizeof pw);
    }
    st = ks_db_tx_end(r->db, st, &e);
    size_t n = json_array_size(c.users);
    json_decref(c.users);
    if (st != KS_OK) {
        json_decref(passwords);
        json_decref(c.errors);
        return kysod_fail_err(r, &e);
    }
    return kysod_json(r, 201,
                      json_pack("{s:I, s:o, s:o}", "created", (json_int_t)n, "errors", c.errors,
                                "passwords", passwords));
}
