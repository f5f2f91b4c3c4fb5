/* server/access.c — who may do what where. Roles are held in an agency; city_admin and an
 * auditor of the root agency (the city committee) reach every agency, a registration officer
 * (Sở KH&CN) reads and records certificates city-wide; everyone else sees their own agencies
 * only, and another agency's rows answer 404 as if absent. */
#include <string.h>

#include "../store/queries.h"
#include "server.h"

const char *const KYSOD_ROLE_NAMES[] = {
    "drafter",    "unit_head",    "format_checker", "signer",     "clerk", "registration_officer",
    "it_support", "agency_admin", "auditor",        "city_admin", NULL};

bool kysod_has_role(const kysod_req *r, int64_t agency, const char *role)
{
    for (int i = 0; i < r->s.nroles; i++)
        if (r->s.roles[i].agency_id == agency && strcmp(r->s.roles[i].role, role) == 0)
            return true;
    return false;
}

bool kysod_member(const kysod_req *r, int64_t agency)
{
    if (agency == r->s.agency_id)
        return true;
    for (int i = 0; i < r->s.nroles; i++)
        if (r->s.roles[i].agency_id == agency)
            return true;
    return false;
}

static bool any_role(const kysod_req *r, int64_t agency, const char *const *roles)
{
    for (; *roles; roles++)
        if (kysod_has_role(r, agency, *roles))
            return true;
    return false;
}

bool kysod_sees(const kysod_req *r, kysod_access a, int64_t agency)
{
    if (r->city_admin || r->city_auditor || a == ACC_PUBLIC || a == ACC_AUTHENTICATED)
        return true;
    if ((a == ACC_CERT_READER || a == ACC_CERT_MANAGER) && r->reg_officer)
        return true;
    return kysod_member(r, agency);
}

bool kysod_allowed(const kysod_req *r, kysod_access a, int64_t agency)
{
    static const char *const cert_readers[] = {"agency_admin", "it_support", "clerk",
                                               "signer",       "auditor",    NULL};
    static const char *const cert_managers[] = {"agency_admin", "it_support", NULL};
    static const char *const auditors[] = {"agency_admin", "auditor", NULL};
    switch (a) {
    case ACC_PUBLIC:
    case ACC_AUTHENTICATED:
        return true;
    case ACC_AGENCY_MEMBER:
        return r->city_admin || r->city_auditor || kysod_member(r, agency);
    case ACC_AGENCY_ADMIN:
        return r->city_admin || kysod_has_role(r, agency, "agency_admin");
    case ACC_CITY_ADMIN:
        return r->city_admin;
    case ACC_CERT_READER:
        return r->city_admin || r->city_auditor || r->reg_officer ||
               any_role(r, agency, cert_readers);
    case ACC_CERT_MANAGER:
        return r->city_admin || r->reg_officer || any_role(r, agency, cert_managers);
    case ACC_AUDITOR:
        return r->city_admin || r->city_auditor || any_role(r, agency, auditors);
    }
    return false;
}

int kysod_authorize(kysod_req *r, kysod_access a, int64_t agency)
{
    if (!kysod_sees(r, a, agency))
        return kysod_fail(r, 404, "not_found", NULL, N_("not found"));
    if (!kysod_allowed(r, a, agency))
        return kysod_fail(r, 403, "forbidden", NULL,
                          N_("your roles in this agency do not allow this"));
    return 0;
}

int kysod_guard_city_user(kysod_req *r, int64_t user)
{
    if (r->city_admin)
        return 0;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(user);
    int rc = kysod_db(r, Q_USER_ROLES, &a, 1, &rows);
    if (rc)
        return rc;
    bool city = false;
    for (int i = 0; i < rows->nrows; i++) {
        const char *role = ks_db_cell(rows, i, 3);
        bool root = ks_db_cell(rows, i, 5) == NULL;
        city = city || strcmp(role, "city_admin") == 0 ||
               strcmp(role, "registration_officer") == 0 || (root && strcmp(role, "auditor") == 0);
    }
    ks_db_rows_free(rows);
    if (city)
        return kysod_fail(r, 403, "forbidden", NULL,
                          N_("only the city administrator may change a person with a "
                             "city-wide role"));
    return 0;
}
