/* server/docs_common.c — helpers of the document workflow (docs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/blob.h"
#include "doc_queries.h"
#include "docs.h"
#include "kyso/docfmt.h"
#include "kyso/pdf.h"
#include "kyso/workdays.h"

int docs_need_blobs(kysod_req *r)
{
    if (!r->srv->cfg.blob_dir[0])
        return kysod_fail(r, 503, "not_configured", NULL,
                          N_("the document store is not configured (blob_dir)"));
    return 0;
}

int docs_load(kysod_req *r, json_t **doc)
{
    int rc = kysod_load(r, Q_DOC_GET, r->id, N_("no such document"), doc);
    if (rc)
        return rc;
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, kysod_int(*doc, "agency_id")))) {
        json_decref(*doc);
        *doc = NULL;
    }
    return rc;
}

int docs_refuse_classified(kysod_req *r, json_t *doc, const uint8_t *pdf, size_t len)
{
    const char *c = doc ? kysod_str(doc, "classification", "none") : "none";
    if (strcmp(c, "none") != 0)
        return kysod_fail(
            r, 422, "classified", "classification",
            N_("classified documents (mật, tối mật, tuyệt mật) are not handled "
               "with public-service signatures (the city regulation Đ4.1; requirements "
               "§7.1): %s"),
            c);
    if (!pdf)
        return 0;
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (ks_pdf_open_mem(pdf, len, "upload.pdf", NULL, &d, &e) != KS_OK)
        return kysod_fail(r, 422, "bad_pdf", NULL, N_("the file is not a readable PDF"));
    ks_docfmt_class level = KS_DOCFMT_CLASS_NONE;
    ks_status st = ks_docfmt_classification(d, &level, NULL, &e);
    ks_pdf_close(d);
    if (st == KS_OK && level != KS_DOCFMT_CLASS_NONE)
        return kysod_fail(r, 422, "classified", NULL,
                          N_("the first page carries the classification stamp %s: classified "
                             "documents are not handled with public-service signatures "
                             "(the city regulation Đ4.1; requirements §7.1)"),
                          ks_docfmt_class_name(level));
    return 0;
}

int docs_need_role(kysod_req *r, json_t *doc, const char *role, const char *msgid)
{
    if (kysod_has_role(r, kysod_int(doc, "agency_id"), role))
        return 0;
    return kysod_fail_id(r, 403, "forbidden", msgid);
}

int docs_read_pdf(kysod_req *r, const char *sha256, uint8_t **pdf, size_t *len)
{
    ks_error e;
    int rc = docs_need_blobs(r);
    if (rc)
        return rc;
    if (ks_blob_get(r->srv->cfg.blob_dir, sha256, pdf, len, &e) != KS_OK) {
        char buf[512];
        kysod_log(r->srv, "error", kysod_err_text(r, &e, buf, sizeof buf), NULL);
        return kysod_fail(r, 500, "store_damaged", NULL,
                          N_("the stored PDF is missing or was altered; the administrator has "
                             "been told"));
    }
    return 0;
}

ks_status docs_move(kysod_req *r, int64_t id, const char *from, const char *to, ks_error *e)
{
    int64_t changed = 0;
    ks_db_arg a[4] = {KS_DB_I(id), KS_DB_S(from), KS_DB_S(to), KS_DB_I(time(NULL))};
    ks_status st = ks_db_run(r->db, Q_DOC_MOVE, a, 4, NULL, &changed, e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(e, KS_E_STATE,
                          N_("the document is no longer in the state \"%s\" (someone acted on it "
                             "meanwhile)"),
                          from);
    return st;
}

ks_status docs_add_version(kysod_req *r, int64_t id, const uint8_t *pdf, size_t len,
                           const char *kind, ks_error *e)
{
    char hex[65];
    ks_status st = ks_blob_put(r->srv->cfg.blob_dir, pdf, len, hex, e);
    ks_db_arg a[6] = {KS_DB_I(id),   KS_DB_S(hex),          KS_DB_I((int64_t)len),
                      KS_DB_S(kind), KS_DB_I(r->s.user_id), KS_DB_I(time(NULL))};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_VERSION_NEW, a, 6, NULL, NULL, e);
    return st;
}

int docs_vn_year(int64_t t)
{
    time_t v = (time_t)(t + 7 * 3600);
    struct tm tm;
    gmtime_r(&v, &tm);
    return tm.tm_year + 1900;
}

void docs_vn_date(int64_t t, char out[16])
{
    time_t v = (time_t)(t + 7 * 3600);
    struct tm tm;
    gmtime_r(&v, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

ks_status docs_next_number(kysod_req *r, int64_t agency, const char *reg, const char *series,
                           int year, int64_t *number, ks_error *e)
{
    ks_db_arg a[4] = {KS_DB_I(agency), KS_DB_S(reg), KS_DB_S(series), KS_DB_I(year)};
    ks_db_rows *rows = NULL;
    ks_status st = ks_db_run(r->db, Q_SERIES_ENSURE, a, 4, NULL, NULL, e);
    /* PostgreSQL: the series row is locked until the transaction ends, so that two nodes take
     * numbers one after the other; SQLite's IMMEDIATE transaction serialises writers already. */
    if (st == KS_OK && ks_db_get_kind(r->db) == KS_DB_PG)
        st = ks_db_run(r->db, Q_SERIES_LOCK_PG, a, 4, NULL, NULL, e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_SERIES_NEXT, a, 4, &rows, NULL, e);
    if (st == KS_OK)
        *number = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    return st;
}

ks_status docs_deadline(int64_t now, int64_t days, char deadline[16], ks_error *e)
{
    deadline[0] = 0;
    if (days <= 0)
        return KS_OK;
    ks_workcal *cal = NULL;
    ks_date due;
    ks_status st = ks_workcal_new(&cal, e);
    if (st == KS_OK)
        st = ks_workdays_add(cal, ks_date_of_time((time_t)now), (int)days, &due, e);
    if (st == KS_OK)
        ks_date_format(due, deadline);
    ks_workcal_free(cal);
    return st;
}
