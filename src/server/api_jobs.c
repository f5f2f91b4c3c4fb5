/* server/api_jobs.c — a DOCX or ODT draft uploaded to POST /documents: checked by its bytes
 * (office_probe.c: what it really is, whether a password protects it), stored, and queued for
 * conversion (jobs.c); GET /jobs/{id} shows the uploader the state and progress, and the
 * document once it exists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/blob.h"
#include "docs.h"
#include "office.h"

#define CT_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define CT_ODT "application/vnd.oasis.opendocument.text"

static const char Q_JOB_NEW[] =
    "INSERT INTO jobs(kind, state, progress, agency_id, user_id, input_sha256, input_kind,"
    " params, created_at, updated_at) VALUES('convert', 'queued', 0, ?1, ?2, ?3, ?4, ?5, ?6, ?6)"
    " RETURNING id";
static const char Q_JOB_GET[] =
    "SELECT id, kind, state, progress, agency_id, user_id, input_kind, error, error_en,"
    " document_id, created_at, started_at, updated_at FROM jobs WHERE id = ?1";

/* The job as the API shows it: progress as a number (the row renders it as text). */
static json_t *job_json(json_t *j)
{
    json_object_set_new(j, "progress",
                        json_integer(strtoll(kysod_str(j, "progress", "0"), NULL, 10)));
    return j;
}

int docs_office_kind(const char *content_type)
{
    if (!content_type)
        return -1;
    if (strncmp(content_type, CT_DOCX, strlen(CT_DOCX)) == 0)
        return KYSOD_DOCX;
    if (strncmp(content_type, CT_ODT, strlen(CT_ODT)) == 0)
        return KYSOD_ODT;
    return -1;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

int docs_convert_upload(kysod_req *r, int kind, int64_t agency, json_t *params)
{
    const char *want = kind == KYSOD_ODT ? "ODT" : "DOCX";
    const char *fname = kysod_query(r, "filename");
    if (fname && !ends_with(fname, kind == KYSOD_ODT ? ".odt" : ".docx"))
        return kysod_fail(r, 422, "wrong_type", "filename",
                          N_("the file name \"%s\" does not end in .%s, which the Content-Type "
                             "says it is"),
                          fname, kind == KYSOD_ODT ? "odt" : "docx");
    const char *what = "";
    kysod_office_verdict v =
        kysod_office_probe((const uint8_t *)r->body, r->body_len, (kysod_office_kind)kind, &what);
    what = ks_ctx_tr(r->srv->ctx, r->lang, what); /* the finding in the caller's language */
    if (v == KYSOD_OFFICE_ENCRYPTED)
        return kysod_fail(r, 422, "password_protected", NULL,
                          N_("the %s is password-protected (%s): remove the password and upload "
                             "it again"),
                          want, what);
    if (v != KYSOD_OFFICE_OK)
        return kysod_fail(r, 422, "wrong_type", NULL, N_("the file is not a %s: it is %s"), want,
                          what);
    char hex[65], *p = json_dumps(params, JSON_COMPACT);
    ks_error e;
    ks_db_rows *rows = NULL;
    int64_t now = time(NULL);
    ks_status st =
        p ? ks_blob_put(r->srv->cfg.blob_dir, (const uint8_t *)r->body, r->body_len, hex, &e)
          : ks_error_set(&e, KS_E_NOMEM, N_("out of memory"));
    ks_db_arg a[6] = {KS_DB_I(agency),       KS_DB_I(r->s.user_id),
                      KS_DB_S(hex),          KS_DB_S(kind == KYSOD_ODT ? "odt" : "docx"),
                      KS_DB_S(p ? p : "{}"), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_JOB_NEW, a, 6, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    free(p);
    int rc = kysod_commit(r, st, &e, "job.create", "job", id, agency, NULL, NULL, 202);
    if (rc != 204)
        return rc;
    kysod_jobs_wake(r->srv);
    json_t *j = NULL;
    if ((rc = kysod_load(r, Q_JOB_GET, id, N_("no such job"), &j)))
        return rc;
    return kysod_json(r, 202, job_json(j));
}

/* GET /jobs/{id}: to its uploader and the members of its agency. */
int api_job_get(kysod_req *r)
{
    json_t *j = NULL;
    int rc = kysod_load(r, Q_JOB_GET, r->id, N_("no such job"), &j);
    if (rc)
        return rc;
    if (kysod_int(j, "user_id") != r->s.user_id &&
        !kysod_sees(r, ACC_AGENCY_MEMBER, kysod_int(j, "agency_id"))) {
        json_decref(j);
        return kysod_fail_id(r, 404, "not_found", N_("no such job"));
    }
    return kysod_json(r, 200, job_json(j));
}
