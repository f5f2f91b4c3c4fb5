/* server/router.c — the route table (the one list openapi.json is checked against) and the
 * dispatch: match the path, require a session and the CSRF token where the route says, then
 * call the handler. Agency-level rules are checked by the handlers, which know the target. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define V "/api/v1"
const kysod_route KYSOD_ROUTES[] = {
    {"GET", "/healthz", ACC_PUBLIC, api_health},
    {"GET", "/metrics", ACC_PUBLIC, api_metrics},
    {"GET", V "/openapi.json", ACC_PUBLIC, api_openapi},
    {"POST", V "/auth/sign-in", ACC_PUBLIC, api_sign_in},
    {"POST", V "/auth/sign-out", ACC_AUTHENTICATED, api_sign_out},
    {"POST", V "/auth/sign-out-everywhere", ACC_AUTHENTICATED, api_sign_out_everywhere},
    {"GET", V "/me", ACC_AUTHENTICATED, api_me},
    {"POST", V "/me/password", ACC_AUTHENTICATED, api_me_password},
    {"GET", V "/roles", ACC_AUTHENTICATED, api_roles},
    {"GET", V "/agencies", ACC_AUTHENTICATED, api_agencies_list},
    {"POST", V "/agencies", ACC_CITY_ADMIN, api_agency_create},
    {"GET", V "/agencies/{id}", ACC_AUTHENTICATED, api_agency_get},
    {"PATCH", V "/agencies/{id}", ACC_AGENCY_ADMIN, api_agency_update},
    {"DELETE", V "/agencies/{id}", ACC_CITY_ADMIN, api_agency_delete},
    {"PUT", V "/agencies/{id}/seal-level", ACC_AGENCY_ADMIN, api_agency_seal_level},
    {"GET", V "/agencies/{id}/units", ACC_AGENCY_MEMBER, api_units_list},
    {"POST", V "/agencies/{id}/units", ACC_AGENCY_ADMIN, api_unit_create},
    {"PATCH", V "/units/{id}", ACC_AGENCY_ADMIN, api_unit_update},
    {"DELETE", V "/units/{id}", ACC_AGENCY_ADMIN, api_unit_delete},
    {"GET", V "/users", ACC_AGENCY_MEMBER, api_users_list},
    {"POST", V "/users", ACC_AGENCY_ADMIN, api_user_create},
    {"GET", V "/users/{id}", ACC_AGENCY_MEMBER, api_user_get},
    {"PATCH", V "/users/{id}", ACC_AGENCY_ADMIN, api_user_update},
    {"POST", V "/users/{id}/password", ACC_AGENCY_ADMIN, api_set_password},
    {"POST", V "/agencies/{id}/users/import", ACC_AGENCY_ADMIN, api_users_import},
    {"GET", V "/role-assignments", ACC_AGENCY_MEMBER, api_role_list},
    {"POST", V "/role-assignments", ACC_AGENCY_ADMIN, api_role_create},
    {"DELETE", V "/role-assignments/{id}", ACC_AGENCY_ADMIN, api_role_delete},
    {"GET", V "/delegations", ACC_AGENCY_MEMBER, api_deleg_list},
    {"POST", V "/delegations", ACC_AGENCY_ADMIN, api_deleg_create},
    {"GET", V "/delegations/{id}", ACC_AGENCY_MEMBER, api_deleg_get},
    {"DELETE", V "/delegations/{id}", ACC_AGENCY_ADMIN, api_deleg_revoke},
    {"GET", V "/certificates", ACC_CERT_READER, api_cert_list},
    {"POST", V "/certificates", ACC_CERT_MANAGER, api_cert_create},
    {"GET", V "/certificates/{id}", ACC_CERT_READER, api_cert_get},
    {"PATCH", V "/certificates/{id}", ACC_CERT_MANAGER, api_cert_update},
    {"GET", V "/tokens", ACC_CERT_READER, api_token_list},
    {"POST", V "/tokens", ACC_CERT_MANAGER, api_token_create},
    {"PATCH", V "/tokens/{id}", ACC_CERT_MANAGER, api_token_update},
    {"GET", V "/audit", ACC_AUDITOR, api_audit_list},
    {"GET", V "/audit/verify", ACC_AUDITOR, api_audit_verify},
    {"GET", V "/audit/export", ACC_AUDITOR, api_audit_export},
    {"GET", V "/documents", ACC_AGENCY_MEMBER, api_doc_list},
    {"POST", V "/documents", ACC_AGENCY_MEMBER, api_doc_create},
    {"GET", V "/documents/{id}", ACC_AGENCY_MEMBER, api_doc_get},
    {"GET", V "/documents/{id}/pdf", ACC_AGENCY_MEMBER, api_doc_pdf},
    {"POST", V "/documents/{id}/versions", ACC_AGENCY_MEMBER, api_doc_version_add},
    {"GET", V "/documents/{id}/version", ACC_AGENCY_MEMBER, api_doc_version_get},
    {"GET", V "/documents/{id}/attachments", ACC_AGENCY_MEMBER, api_doc_attachment_list},
    {"POST", V "/documents/{id}/attachments", ACC_AGENCY_MEMBER, api_doc_attachment_add},
    {"GET", V "/attachments/{id}/pdf", ACC_AGENCY_MEMBER, api_attachment_pdf},
    {"GET", V "/documents/{id}/metadata", ACC_AGENCY_MEMBER, api_doc_metadata},
    {"GET", V "/jobs/{id}", ACC_AUTHENTICATED, api_job_get},
    {"POST", V "/documents/{id}/submit", ACC_AGENCY_MEMBER, api_doc_submit},
    {"POST", V "/documents/{id}/review", ACC_AGENCY_MEMBER, api_doc_review},
    {"POST", V "/documents/{id}/format-check", ACC_AGENCY_MEMBER, api_doc_format_check},
    {"GET", V "/documents/{id}/format-report", ACC_AGENCY_MEMBER, api_doc_format_report},
    {"POST", V "/documents/{id}/sign", ACC_AGENCY_MEMBER, api_doc_sign},
    {"POST", V "/documents/{id}/issue", ACC_AGENCY_MEMBER, api_doc_issue},
    {"POST", V "/documents/{id}/send", ACC_AGENCY_MEMBER, api_doc_send},
    {"GET", V "/deliveries", ACC_AGENCY_MEMBER, api_dlv_list},
    {"GET", V "/deliveries/{id}", ACC_AGENCY_MEMBER, api_dlv_get},
    {"GET", V "/deliveries/{id}/pdf", ACC_AGENCY_MEMBER, api_dlv_pdf},
    {"GET", V "/deliveries/{id}/attachments", ACC_AGENCY_MEMBER, api_dlv_attachments},
    {"POST", V "/deliveries/{id}/accept", ACC_AGENCY_MEMBER, api_dlv_accept},
    {"POST", V "/deliveries/{id}/reject", ACC_AGENCY_MEMBER, api_dlv_reject},
    {"GET", V "/registers/outgoing", ACC_AGENCY_MEMBER, api_reg_outgoing},
    {"GET", V "/registers/incoming", ACC_AGENCY_MEMBER, api_reg_incoming},
    /* between servers (signed by the peer's shared key, not a session), recall, notifications */
    {"POST", V "/fed/packages", ACC_PUBLIC, api_fed_packages},
    {"POST", V "/fed/statuses", ACC_PUBLIC, api_fed_statuses},
    {"GET", V "/fed/inbox", ACC_AGENCY_MEMBER, api_fed_inbox_list},
    {"GET", V "/fed/inbox/{id}", ACC_AGENCY_MEMBER, api_fed_inbox_get},
    {"GET", V "/fed/inbox/{id}/pdf", ACC_AGENCY_MEMBER, api_fed_inbox_pdf},
    {"POST", V "/fed/inbox/{id}/accept", ACC_AGENCY_MEMBER, api_fed_inbox_accept},
    {"POST", V "/fed/inbox/{id}/reject", ACC_AGENCY_MEMBER, api_fed_inbox_reject},
    {"POST", V "/fed/inbox/{id}/done", ACC_AGENCY_MEMBER, api_fed_inbox_done},
    {"POST", V "/documents/{id}/recall", ACC_AGENCY_MEMBER, api_doc_recall},
    {"GET", V "/documents/{id}/deliveries", ACC_AGENCY_MEMBER, api_doc_deliveries},
    {"GET", V "/events", ACC_AUTHENTICATED, api_events},
    /* copies, the follow-up register, closing a register's year (branch copies) */
    {"POST", V "/documents/{id}/copies", ACC_AGENCY_MEMBER, api_copy_create},
    {"GET", V "/copies/{id}", ACC_AGENCY_MEMBER, api_copy_get},
    {"GET", V "/copies/{id}/pdf", ACC_AGENCY_MEMBER, api_copy_pdf},
    {"GET", V "/deliveries/{id}/followups", ACC_AGENCY_MEMBER, api_followup_list},
    {"POST", V "/deliveries/{id}/followups", ACC_AGENCY_MEMBER, api_followup_add},
    {"GET", V "/registers/followup", ACC_AGENCY_MEMBER, api_reg_followup},
    {"GET", V "/registers/copies", ACC_AGENCY_MEMBER, api_reg_copies},
    {"POST", V "/registers/outgoing/close", ACC_AGENCY_MEMBER, api_reg_close_outgoing},
    {"POST", V "/registers/incoming/close", ACC_AGENCY_MEMBER, api_reg_close_incoming},
    {"POST", V "/registers/copies/close", ACC_AGENCY_MEMBER, api_reg_close_copies},
    {"POST", V "/auth/token/challenge", ACC_PUBLIC, api_token_challenge},
    {"POST", V "/auth/token/sign-in", ACC_PUBLIC, api_token_sign_in},
    {"POST", V "/documents/{id}/sign/begin", ACC_AGENCY_MEMBER, api_token_sign_begin},
    {"POST", V "/documents/{id}/sign/finish", ACC_AGENCY_MEMBER, api_token_sign_finish},
    {"GET", V "/sign-batch/waiting", ACC_AUTHENTICATED, api_token_waiting},
    {"POST", V "/sign-batch/begin", ACC_AUTHENTICATED, api_token_batch_begin},
    {"POST", V "/sign-batch/finish", ACC_AUTHENTICATED, api_token_batch_finish},
};
const int KYSOD_NROUTES = (int)(sizeof KYSOD_ROUTES / sizeof *KYSOD_ROUTES);

const char *kysod_access_name(kysod_access a)
{
    static const char *const names[] = {"public",       "authenticated", "agency_member",
                                        "agency_admin", "city_admin",    "cert_reader",
                                        "cert_manager", "auditor"};
    return names[a];
}

/* Matches `url` against `pattern`; {id} takes 1..18 digits. */
static bool match(const char *pattern, const char *url, int64_t *id)
{
    const char *p = pattern, *u = url;
    while (*p && *u) {
        if (strncmp(p, "{id}", 4) == 0) {
            int64_t v = 0;
            int n = 0;
            while (*u >= '0' && *u <= '9' && n < 19) {
                if (n < 18) /* 18 digits fit in int64_t; a 19th makes the match fail below */
                    v = v * 10 + (*u - '0');
                u++;
                n++;
            }
            if (n == 0 || n > 18)
                return false;
            *id = v;
            p += 4;
            continue;
        }
        if (*p != *u)
            return false;
        p++;
        u++;
    }
    return !*p && !*u;
}

json_t *kysod_routes_json(void)
{
    json_t *a = json_array();
    for (int i = 0; i < KYSOD_NROUTES; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "method", KYSOD_ROUTES[i].method,
                                           "path", KYSOD_ROUTES[i].path, "access",
                                           kysod_access_name(KYSOD_ROUTES[i].access)));
    return a;
}

static bool is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

int kysod_static(kysod_req *r);

int kysod_dispatch(kysod_req *r)
{
    const kysod_route *hit = NULL;
    bool path_known = false;
    for (int i = 0; i < KYSOD_NROUTES; i++) {
        int64_t id = 0;
        if (!match(KYSOD_ROUTES[i].path, r->url, &id))
            continue;
        path_known = true;
        if (strcmp(KYSOD_ROUTES[i].method, r->method) == 0 ||
            (strcmp(r->method, "HEAD") == 0 && strcmp(KYSOD_ROUTES[i].method, "GET") == 0)) {
            hit = &KYSOD_ROUTES[i];
            r->id = id;
            break;
        }
    }
    if (!hit) {
        if (path_known)
            return kysod_fail(r, 405, "method_not_allowed", NULL,
                              N_("this address does not accept %s"), r->method);
        if (strncmp(r->url, "/api/", 5) == 0)
            return kysod_fail(r, 404, "not_found", NULL, N_("no such API address"));
        if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
            return kysod_fail(r, 405, "method_not_allowed", NULL,
                              N_("this address does not accept %s"), r->method);
        return kysod_static(r);
    }
    if (r->body_too_big)
        return kysod_fail(r, 413, "payload_too_large", NULL,
                          N_("the request body is larger than %d KiB"), r->srv->cfg.max_body_kb);
    if (hit->access != ACC_PUBLIC) {
        int rc = kysod_load_session(r);
        if (rc)
            return rc;
        if (!r->signed_in)
            return kysod_fail(r, 401, "unauthenticated", NULL, N_("please sign in"));
        if (is_write(r->method) && !kysod_csrf_ok(r))
            return kysod_fail(r, 403, "csrf", NULL,
                              N_("the request lacks a valid X-CSRF-Token header"));
        if (hit->access == ACC_CITY_ADMIN && !r->city_admin)
            return kysod_fail(r, 403, "forbidden", NULL,
                              N_("only the city administrator may do this"));
    }
    return hit->fn(r);
}
