/* server/server.h — what kysod's files share: the server, one request, the route table and the
 * helpers handlers use. Handlers are thin: parse, authorise, call store/, render JSON. */
#ifndef KYSOD_SERVER_H
#define KYSOD_SERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "kyso/ctx.h"
#include "../store/store.h"

#define KYSOD_MAX_ROLES 64

/* Access levels of the route table (the openapi.json operations' x-kyso-access). */
typedef enum kysod_access {
    ACC_PUBLIC,
    ACC_AUTHENTICATED,
    ACC_AGENCY_MEMBER,
    ACC_AGENCY_ADMIN,
    ACC_CITY_ADMIN,
    ACC_CERT_READER,
    ACC_CERT_MANAGER,
    ACC_AUDITOR,
} kysod_access;
const char *kysod_access_name(kysod_access a);

typedef struct kysod_metrics {
    atomic_ulong requests[6]; /* by status class: 1xx..5xx, [0] other */
    atomic_ulong duration_bucket[8];
    atomic_ulong duration_us_sum;
    atomic_ulong sign_in_failures;
    atomic_ulong throttled;
    atomic_ulong db_errors;
    atomic_long connections;
} kysod_metrics;

/* A checked session, kept briefly so that the hot path skips two queries. */
typedef struct kysod_session_entry {
    char token_hash[65];
    int64_t user_id, agency_id, created_at, last_seen, checked_ms;
    char login[65], csrf[65], lang[4];
    int nroles;
    struct {
        int64_t agency_id;
        char role[24];
        bool root;
    } roles[KYSOD_MAX_ROLES];
} kysod_session_entry;

#define KYSOD_SESSION_CACHE 1024
#define KYSOD_PAGE_CACHE 256
#define KYSOD_PAGE_MAX (256 * 1024)

/* A list page as sent, valid while no state-changing request has run since (generation). */
typedef struct kysod_page_entry {
    char key[480];
    unsigned long generation;
    char *body;
    size_t len;
    char etag[40];
} kysod_page_entry;

typedef struct kysod {
    kysod_config cfg;
    ks_ctx *ctx; /* message catalogues: every answer is rendered in its request's language */
    ks_db_pool *pool;
    struct MHD_Daemon *daemon;
    kysod_metrics metrics;
    const char *openapi; /* the API description, served as is */
    size_t openapi_len;
    int64_t root_agency; /* refreshed on agency changes */
    pthread_mutex_t cache_lock;
    kysod_session_entry *cache; /* KYSOD_SESSION_CACHE slots by hash */
    pthread_mutex_t hash_lock;  /* argon2id runs one at a time: its memory is bounded */
    /* SQLite only (one node sees every write): pages cached until the next write request */
    pthread_mutex_t page_lock;
    kysod_page_entry *pages;
    atomic_ulong generation; /* bumped after every request that may change state */
    pthread_mutex_t log_lock;
    int port;
    char dummy_hash[128];             /* verified against when a login is unknown: same cost */
    ks_trust *token_trust;            /* the personal CAs' anchors (cfg.token_trust), or NULL */
    struct kysod_token_cache *tokens; /* server-side tokens' sessions (token_cache.h) */
    struct kysod_fed *fed;            /* between servers: peers and the queue's worker (fed.h) */
    struct kysod_events *events;      /* the notification streams (fed.h) */
    struct kysod_jobs *jobs;          /* background conversions (jobs.c); NULL when not started */
} kysod;

typedef struct kysod_req {
    kysod *srv;
    struct MHD_Connection *conn;
    const char *method, *url;
    char *body;
    size_t body_len, body_cap;
    bool body_too_big;
    bool answered; /* a response is queued already (an early 413) */
    char ip[64];
    char lang[4];
    bool lang_explicit;
    int64_t start_us;
    /* path parameter {id} */
    int64_t id;
    /* the session, when there is one */
    bool signed_in;
    kysod_session_entry s;
    bool city_admin, city_auditor, reg_officer;
    ks_db *db;
    /* the answer */
    int status;
    json_t *out; /* JSON answer, or */
    char *raw;   /* a raw body (owned) */
    size_t raw_len;
    const char *raw_type;
    char set_cookie[256];
    char etag[40];
    bool want_etag; /* send_answer adds the ETag (and answers 304 to If-None-Match) */
    char retry_after[16];
    int fd; /* a static file to send, or -1 */
    size_t fd_len;
    const char *fd_type;
    int64_t user_for_log;
    void *stream; /* GET /events: the notification stream this request became */
} kysod_req;

typedef int (*kysod_handler)(kysod_req *r);

typedef struct kysod_route {
    const char *method;
    const char *path; /* with {id} */
    kysod_access access;
    kysod_handler fn;
} kysod_route;

extern const kysod_route KYSOD_ROUTES[];
extern const int KYSOD_NROUTES;

/* ---- lifecycle.c ---- */
/* Opens the database (migrations applied) and the rest of srv from srv->cfg. */
ks_status kysod_open(kysod *srv, ks_error *err);
void kysod_close(kysod *srv);
/* Anchors from a PEM file or a directory of *.pem; KS_E_USAGE naming `what` when none. */
ks_status kysod_load_trust(const char *what, const char *path, ks_trust **out, ks_error *err);

/* ---- http.c ---- */
ks_status kysod_start(kysod *srv, ks_error *err);
void kysod_stop(kysod *srv);
void kysod_log(kysod *srv, const char *level, const char *msg, json_t *fields);
int64_t kysod_now_us(void);

/* ---- router.c ---- */
int kysod_dispatch(kysod_req *r);
json_t *kysod_routes_json(void);

/* ---- respond.c ---- */
/* Sets an error answer: `code` (stable, English), the message in the request's language. */
int kysod_fail(kysod_req *r, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int kysod_fail_err(kysod_req *r, const ks_error *e);
/* `e` rendered in the request's language into buf; returns buf. */
const char *kysod_err_text(kysod_req *r, const ks_error *e, char *buf, size_t cap);
/* The same with a msgid that takes no arguments. */
int kysod_fail_id(kysod_req *r, int status, const char *code, const char *msgid);
int kysod_json(kysod_req *r, int status, json_t *out);
/* Answers 304 when If-None-Match matches the body's ETag; else 200 with the ETag. */
int kysod_json_etag(kysod_req *r, json_t *out);
/* The ETag of `obj` as sent (quoted hex of the SHA-256 of its serialisation). */
#define KYSOD_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)
void kysod_etag_of(json_t *obj, char out[40]);
void kysod_etag_text(const char *s, size_t len, char out[40]);
/* When If-Match is present and differs from the current object's ETag: 412. Returns 0 if fine. */
int kysod_check_if_match(kysod_req *r, json_t *current);

/* ---- json_rows.c ---- */
json_t *kysod_row_json(const ks_db_rows *rows, int row);
json_t *kysod_rows_json(const ks_db_rows *rows);
bool kysod_time_parse(const char *s, int64_t *out);
void kysod_time_format(int64_t t, char out[32]);

/* ---- body.c: request bodies ---- */
typedef enum kysod_ftype { F_STR, F_INT, F_INT_NULL, F_OBJ, F_TIME } kysod_ftype;
typedef struct kysod_field {
    const char *name;
    kysod_ftype type;
    bool required;
    int max_len;               /* characters (UTF-8 code points), strings */
    const char *const *values; /* allowed values (NULL-terminated), or NULL */
    const char *pattern;       /* "code", "login", "hex", or NULL */
} kysod_field;
/* Parses the body as one JSON object (400 naming the problem otherwise). */
int kysod_body_object(kysod_req *r, json_t **out);
/* Checks `obj` against `fields`: unknown members, types, lengths, values. `partial` (PATCH)
 * skips the required check. Returns 0 when good, else the 400 already set. */
int kysod_body_check(kysod_req *r, json_t *obj, const kysod_field *fields, int n, bool partial);
const char *kysod_str(json_t *obj, const char *key, const char *dflt);
/* 0 when absent or null. */
int64_t kysod_int(json_t *obj, const char *key);
bool kysod_has(json_t *obj, const char *key);

/* ---- query.c: query strings ---- */
const char *kysod_query(kysod_req *r, const char *key);
/* Reads an optional integer query argument into *out (or KS_DB_NIL); 0 or 400 set. */
int kysod_query_id(kysod_req *r, const char *key, ks_db_arg *out);
int kysod_query_page(kysod_req *r, int64_t *limit, int64_t *offset);

/* ---- auth.c ---- */
int kysod_load_session(kysod_req *r);
bool kysod_csrf_ok(kysod_req *r);
void kysod_session_forget_user(kysod *srv, int64_t user_id);
ks_status kysod_hash_password(kysod *srv, const char *pw, char out[128], ks_error *err);
int api_sign_in(kysod_req *r);
int api_sign_out(kysod_req *r);
int api_sign_out_everywhere(kysod_req *r);
int api_me(kysod_req *r);
int api_me_password(kysod_req *r);
int api_set_password(kysod_req *r);
/* Opens a session for `uid` in the transaction the caller began (its status `st` so far),
 * audited as `action`, and answers as GET /me; `clear_key` (may be NULL) is a throttle key to
 * clear. Password and token sign-in share it. */
int kysod_session_start(kysod_req *r, ks_status st, ks_error *e, int64_t uid, const char *login,
                        int64_t agency, const char *action, json_t *after, const char *clear_key);

/* ---- access.c ---- */
bool kysod_has_role(const kysod_req *r, int64_t agency, const char *role);
bool kysod_member(const kysod_req *r, int64_t agency);
/* May the caller do `a` on something of agency `agency`? (sees: may they know it exists?) */
bool kysod_allowed(const kysod_req *r, kysod_access a, int64_t agency);
bool kysod_sees(const kysod_req *r, kysod_access a, int64_t agency);
/* The usual outcome for a target: 0 if allowed, else 404 (not visible) or 403 set. */
int kysod_authorize(kysod_req *r, kysod_access a, int64_t agency);
extern const char *const KYSOD_ROLE_NAMES[];
/* A person with a city-wide role (city_admin, the city's auditor, a registration officer) is
 * changed by a city_admin only: 0, or 403 set. */
int kysod_guard_city_user(kysod_req *r, int64_t user);

/* ---- audit helpers (audit_log.c) ---- */
/* Appends an audit entry for the current request (the caller holds the transaction). */
ks_status kysod_audit(kysod_req *r, const char *action, const char *object, int64_t agency,
                      json_t *before, json_t *after, ks_error *err);
/* Runs a query in the request's connection, 500 on failure. */
int kysod_db(kysod_req *r, const char *sql, const ks_db_arg *a, int n, ks_db_rows **rows);
/* Loads one row as JSON (404 with `what` when absent). */
int kysod_load(kysod_req *r, const char *sql, int64_t id, const char *what, json_t **out);
/* Answers a page: {items, total, limit, offset} with an ETag. */
int kysod_page(kysod_req *r, const char *list_sql, const char *count_sql, ks_db_arg *args,
               int nfilter, int64_t limit, int64_t offset);
/* The same, the answer kept in the page cache (not for pages that change with time alone). */
int kysod_page_cached(kysod_req *r, const char *list_sql, const char *count_sql, ks_db_arg *args,
                      int nfilter, int64_t limit, int64_t offset);

/* A string member of `b`, else of `cur`, else "" (PATCH merges). */
ks_db_arg kysod_str_arg(json_t *b, json_t *cur, const char *k);
/* Ends the transaction the caller began, with the audit entry of `action` on `kind`/`id`;
 * answers `status` with the object as `get_sql` now reads it (204 without). Takes `before`. */
int kysod_commit(kysod_req *r, ks_status st, ks_error *e, const char *action, const char *kind,
                 int64_t id, int64_t agency, json_t *before, const char *get_sql, int status);

/* Creates the root agency and its city_admin `login` in an empty database (city_init.c);
 * ids receives the agency, user and role assignment ids. KS_E_STATE when a root exists. */
ks_status kysod_init_city(kysod *srv, const char *login, const char *pw, const char *name,
                          const char *code, int64_t ids[3], ks_error *err);

/* ---- the API (api_*.c) ---- */
int api_health(kysod_req *r);
int api_metrics(kysod_req *r);
int api_openapi(kysod_req *r);
int api_roles(kysod_req *r);
int api_agencies_list(kysod_req *r);
int api_agency_create(kysod_req *r);
int api_agency_seal_level(kysod_req *r);
int api_doc_version_add(kysod_req *r);
int api_doc_version_get(kysod_req *r);
int api_doc_attachment_add(kysod_req *r);
int api_doc_attachment_list(kysod_req *r);
int api_attachment_pdf(kysod_req *r);
int api_dlv_attachments(kysod_req *r);
int api_doc_metadata(kysod_req *r);
int api_job_get(kysod_req *r);
/* Background jobs (jobs.c): convert_max workers converting DOCX/ODT uploads with LibreOffice. */
ks_status kysod_jobs_start(kysod *srv, ks_error *err);
void kysod_jobs_stop(kysod *srv); /* kills running conversions; their jobs are queued again */
void kysod_jobs_wake(kysod *srv);
int api_agency_get(kysod_req *r);
int api_agency_update(kysod_req *r);
int api_agency_delete(kysod_req *r);
int api_units_list(kysod_req *r);
int api_unit_create(kysod_req *r);
int api_unit_update(kysod_req *r);
int api_unit_delete(kysod_req *r);
int api_users_list(kysod_req *r);
int api_user_create(kysod_req *r);
int api_user_get(kysod_req *r);
int api_user_update(kysod_req *r);
int api_users_import(kysod_req *r);
int api_role_list(kysod_req *r);
int api_role_create(kysod_req *r);
int api_role_delete(kysod_req *r);
int api_deleg_list(kysod_req *r);
int api_deleg_create(kysod_req *r);
int api_deleg_get(kysod_req *r);
int api_deleg_revoke(kysod_req *r);
int api_cert_list(kysod_req *r);
int api_cert_create(kysod_req *r);
int api_cert_get(kysod_req *r);
int api_cert_update(kysod_req *r);
int api_token_list(kysod_req *r);
int api_token_create(kysod_req *r);
int api_token_update(kysod_req *r);
int api_audit_list(kysod_req *r);
int api_audit_verify(kysod_req *r);
int api_audit_export(kysod_req *r);
/* the document workflow (api_docs*.c, api_registers.c) */
int api_doc_list(kysod_req *r);
int api_doc_create(kysod_req *r);
int api_doc_get(kysod_req *r);
int api_doc_pdf(kysod_req *r);
int api_doc_submit(kysod_req *r);
int api_doc_review(kysod_req *r);
int api_doc_format_check(kysod_req *r);
int api_doc_format_report(kysod_req *r);
int api_doc_sign(kysod_req *r);
int api_doc_issue(kysod_req *r);
int api_doc_send(kysod_req *r);
int api_dlv_list(kysod_req *r);
int api_dlv_get(kysod_req *r);
int api_dlv_pdf(kysod_req *r);
int api_dlv_accept(kysod_req *r);
int api_dlv_reject(kysod_req *r);
int api_reg_outgoing(kysod_req *r);
int api_reg_incoming(kysod_req *r);
/* between servers, recall, notifications (api_fed*.c, api_events.c) */
int api_fed_packages(kysod_req *r);
int api_fed_statuses(kysod_req *r);
int api_fed_inbox_list(kysod_req *r);
int api_fed_inbox_get(kysod_req *r);
int api_fed_inbox_pdf(kysod_req *r);
int api_fed_inbox_accept(kysod_req *r);
int api_fed_inbox_reject(kysod_req *r);
int api_fed_inbox_done(kysod_req *r);
int api_doc_recall(kysod_req *r);
int api_doc_deliveries(kysod_req *r);
int api_events(kysod_req *r);
/* copies, the follow-up register, closing registers (api_copies*.c, api_followup.c,
 * api_registers*.c) */
int api_copy_create(kysod_req *r);
int api_copy_get(kysod_req *r);
int api_copy_pdf(kysod_req *r);
int api_followup_list(kysod_req *r);
int api_followup_add(kysod_req *r);
int api_reg_followup(kysod_req *r);
int api_reg_copies(kysod_req *r);
int api_reg_close_outgoing(kysod_req *r);
int api_reg_close_incoming(kysod_req *r);
int api_reg_close_copies(kysod_req *r);
/* sign-in and signing with the person's own token (api_token*.c) */
int api_token_challenge(kysod_req *r);
int api_token_sign_in(kysod_req *r);
int api_token_sign_begin(kysod_req *r);
int api_token_sign_finish(kysod_req *r);
int api_token_batch_begin(kysod_req *r);
int api_token_batch_finish(kysod_req *r);
int api_token_waiting(kysod_req *r);

/* Creates a user with its password hashed (used by the API, the CSV import and --init-admin).
 * Returns the new id in *id; the caller holds the transaction. */
ks_status kysod_user_insert(kysod *srv, ks_db *db, json_t *u, const char *password, int64_t *id,
                            ks_error *err);

#endif
