/* server/api_docs.c — outgoing documents up to signing (requirements §5.1): the drafter uploads
 * a PDF draft and submits it, the unit head approves or sends it back with a comment, the
 * format checker runs the Decree 30 check (its findings kept with the document) and passes it
 * to the signer or back. Every state change commits with its audit entry; a classified
 * document is refused at every step. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc_queries.h"
#include "docs.h"
#include "kyso/docfmt.h"
#include "kyso/pdf.h"

static const char *const URGENCIES[] = {"normal", "urgent", "very_urgent", "express", NULL};
static const char *const CLASSES[] = {"none", "mat", "toi_mat", "tuyet_mat", NULL};

static bool one_of(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

/* POST /documents?agency_id=&doc_type=&summary=&urgency=&classification=&series= with the PDF
 * as the body (application/pdf; the body limit applies). */
int api_doc_create(kysod_req *r)
{
    int rc = docs_need_blobs(r);
    if (rc)
        return rc;
    ks_db_arg agency;
    if ((rc = kysod_query_id(r, "agency_id", &agency)))
        return rc;
    int64_t ag = agency.type == KS_DB_INT ? agency.i : r->s.agency_id;
    if (!kysod_has_role(r, ag, "drafter"))
        return kysod_fail_id(r, 403, "forbidden", N_("only a drafter of the agency may do this"));
    const char *type = kysod_query(r, "doc_type"), *summary = kysod_query(r, "summary");
    const char *urgency = kysod_query(r, "urgency"), *cls = kysod_query(r, "classification");
    const char *series = kysod_query(r, "series");
    if (!urgency)
        urgency = "normal";
    if (!cls)
        cls = "none";
    if (!series)
        series = "";
    if (!type || !*type || strlen(type) > 100)
        return kysod_fail(r, 400, "invalid_field", "doc_type",
                          N_("doc_type (tên loại văn bản) is required, at most 100 bytes"));
    if (!summary || !*summary || strlen(summary) > 1500)
        return kysod_fail(r, 400, "invalid_field", "summary",
                          N_("summary (trích yếu) is required, at most 500 characters"));
    if (!one_of(urgency, URGENCIES))
        return kysod_fail(r, 400, "invalid_field", "urgency",
                          N_("urgency must be normal, urgent, very_urgent or express"));
    if (!one_of(cls, CLASSES))
        return kysod_fail(r, 400, "invalid_field", "classification",
                          N_("classification must be none, mat, toi_mat or tuyet_mat"));
    if (strlen(series) > 30)
        return kysod_fail(r, 400, "invalid_field", "series", N_("series is at most 30 bytes"));
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    int office = docs_office_kind(ct); /* DOCX/ODT: converted in a background job */
    if (office >= 0) {
        json_t *params = json_pack("{s:s,s:s,s:s,s:s,s:s}", "doc_type", type, "summary", summary,
                                   "urgency", urgency, "classification", cls, "series", series);
        rc = docs_refuse_classified(r, params, NULL, 0);
        if (!rc)
            rc = docs_convert_upload(r, office, ag, params);
        json_decref(params);
        return rc;
    }
    if (!ct || strncmp(ct, "application/pdf", 15) != 0)
        return kysod_fail(r, 415, "unsupported_media_type", NULL,
                          N_("send the draft as application/pdf"));
    json_t *probe = json_pack("{s:s}", "classification", cls);
    rc = docs_refuse_classified(r, probe, NULL, 0);
    json_decref(probe);
    if (rc)
        return rc;
    const uint8_t *pdf = (const uint8_t *)r->body;
    size_t len = r->body_len;
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (!pdf || len < 8 || ks_pdf_open_mem(pdf, len, "draft.pdf", NULL, &d, &e) != KS_OK)
        return kysod_fail(r, 422, "bad_pdf", NULL, N_("the file is not a readable PDF"));
    size_t pages = 0;
    ks_status pst = ks_pdf_page_count(d, &pages, &e);
    ks_pdf_close(d);
    if (pst != KS_OK || pages == 0)
        return kysod_fail(r, 422, "bad_pdf", NULL, N_("the PDF has no readable page"));
    bool is_signed = false; /* signed elsewhere: verified first, then to the issue step */
    char ext_signer[256];
    if ((rc = docs_refuse_classified(r, NULL, pdf, len)) ||
        (rc = docs_check_signed_upload(r, pdf, len, &is_signed, ext_signer)))
        return rc;
    ks_db_rows *rows = NULL;
    int64_t now = time(NULL);
    ks_db_arg a[9] = {KS_DB_I(ag),      KS_DB_I(r->s.user_id),   KS_DB_S(type),
                      KS_DB_S(summary), KS_DB_S(urgency),        KS_DB_S(cls),
                      KS_DB_S(series),  KS_DB_I((int64_t)pages), KS_DB_I(now)};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_NEW, a, 9, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_OK)
        st = docs_add_version(r, id, pdf, len, is_signed ? "signed" : "draft", &e);
    if (st == KS_OK && is_signed)
        st = docs_mark_signed_upload(r, id, ext_signer, &e);
    return kysod_commit(r, st, &e, "document.create", "document", id, ag, NULL, Q_DOC_GET, 201);
}

int api_doc_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[4];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = kysod_query_id(r, "agency_id", &a[0])))
        return rc;
    if (a[0].type != KS_DB_INT)
        a[0] = KS_DB_I(r->s.agency_id);
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, a[0].i)))
        return rc;
    a[1] = KS_DB_S(kysod_query(r, "state"));
    return kysod_page(r, Q_DOC_LIST, Q_DOC_COUNT, a, 2, limit, offset);
}

int api_doc_get(kysod_req *r)
{
    json_t *doc = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    if ((rc = kysod_db(r, Q_VERSION_LIST, &a, 1, &rows)))
        goto done;
    json_object_set_new(doc, "versions", kysod_rows_json(rows));
    ks_db_rows_free(rows);
    rows = NULL;
    if ((rc = kysod_db(r, Q_COMMENT_LIST, &a, 1, &rows)))
        goto done;
    json_object_set_new(doc, "comments", kysod_rows_json(rows));
    ks_db_rows_free(rows);
    return kysod_json_etag(r, doc);
done:
    json_decref(doc);
    return rc;
}

int api_doc_pdf(kysod_req *r)
{
    json_t *doc = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    uint8_t *pdf = NULL;
    size_t len = 0;
    rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len);
    json_decref(doc);
    if (rc)
        return rc;
    r->raw = (char *)pdf;
    r->raw_len = len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}

/* A step that moves the document from `from` to `to`, with a comment kept when given. */
static int step(kysod_req *r, json_t *doc, const char *from, const char *to, const char *action,
                const char *comment, const char *report)
{
    int rc;
    if (strcmp(kysod_str(doc, "state", ""), from) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(doc, "state", ""), from);
        json_decref(doc);
        return rc;
    }
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = docs_move(r, r->id, from, to, &e);
    if (st == KS_OK && comment && *comment) {
        ks_db_arg c[5] = {KS_DB_I(r->id), KS_DB_I(r->s.user_id), KS_DB_S(from), KS_DB_S(comment),
                          KS_DB_I(time(NULL))};
        st = ks_db_run(r->db, Q_COMMENT_NEW, c, 5, NULL, NULL, &e);
    }
    if (st == KS_OK && report) {
        ks_db_arg c[2] = {KS_DB_I(r->id), KS_DB_S(report)};
        st = ks_db_run(r->db, Q_DOC_SET_REPORT, c, 2, NULL, NULL, &e);
    }
    return kysod_commit(r, st, &e, action, "document", r->id, kysod_int(doc, "agency_id"), doc,
                        Q_DOC_GET, 200);
}

static const char *const DECISIONS[] = {"approve", "return", NULL};
static const kysod_field DECISION[] = {
    {"decision", F_STR, true, 0, DECISIONS, NULL},
    {"comment", F_STR, false, 2000, NULL, NULL},
};

/* Loads the document, checks the caller's `role` (NULL: none) and reads the body; refuses a
 * classified one. */
static int begin_step(kysod_req *r, json_t **doc, json_t **body, bool want_body, const char *role,
                      const char *msgid)
{
    *body = NULL;
    int rc = docs_load(r, doc);
    if (rc)
        return rc;
    if ((rc = docs_refuse_classified(r, *doc, NULL, 0)) ||
        (role && (rc = docs_need_role(r, *doc, role, msgid))))
        goto fail;
    if (want_body) {
        if ((rc = kysod_body_object(r, body)) ||
            (rc = kysod_body_check(r, *body, DECISION, 2, false)))
            goto fail;
        if (strcmp(kysod_str(*body, "decision", ""), "return") == 0 &&
            !*kysod_str(*body, "comment", "")) {
            rc = kysod_fail(r, 400, "invalid_field", "comment",
                            N_("sending a document back needs a comment saying why"));
            goto fail;
        }
    }
    return 0;
fail:
    json_decref(*doc);
    json_decref(*body);
    *doc = *body = NULL;
    return rc;
}

int api_doc_submit(kysod_req *r)
{
    json_t *doc, *b;
    int rc = begin_step(r, &doc, &b, false, NULL, NULL);
    if (rc)
        return rc;
    if (kysod_int(doc, "drafter_id") != r->s.user_id) {
        json_decref(doc);
        return kysod_fail_id(r, 403, "forbidden", N_("only the drafter submits the document"));
    }
    return step(r, doc, DOC_DRAFT, DOC_REVIEW, "document.submit", NULL, NULL);
}

int api_doc_review(kysod_req *r)
{
    json_t *doc, *b;
    int rc = begin_step(r, &doc, &b, true, "unit_head", N_("only a unit head reviews documents"));
    if (rc)
        return rc;
    bool ok = strcmp(kysod_str(b, "decision", ""), "approve") == 0;
    rc = step(r, doc, DOC_REVIEW, ok ? DOC_FORMAT : DOC_DRAFT,
              ok ? "document.approve" : "document.return", kysod_str(b, "comment", ""), NULL);
    json_decref(b);
    return rc;
}

/* The Decree 30 format report of `pdf` as JSON text (findings with rule, page, box, message). */
char *docs_format_report(kysod_req *r, const uint8_t *pdf, size_t len, size_t *count)
{
    ks_pdf_doc *d = NULL;
    ks_docfmt_report *rep = NULL;
    ks_error e;
    json_t *out = json_object(), *items = json_array();
    json_object_set_new(out, "findings", items);
    if (ks_pdf_open_mem(pdf, len, "document.pdf", NULL, &d, &e) == KS_OK &&
        ks_docfmt_check(d, &rep, &e) == KS_OK) {
        for (size_t i = 0; i < rep->count; i++) {
            const ks_docfmt_finding *f = &rep->items[i];
            char buf[1024];
            json_array_append_new(items,
                                  json_pack("{s:s, s:I, s:[f,f,f,f], s:s}", "rule", f->rule, "page",
                                            (json_int_t)f->page, "box", f->box.x0, f->box.y0,
                                            f->box.x1, f->box.y1, "message",
                                            kysod_err_text(r, &f->message, buf, sizeof buf)));
        }
    } else {
        char buf[1024];
        json_array_append_new(items,
                              json_pack("{s:s, s:i, s:[], s:s}", "rule", "text", "page", 0, "box",
                                        "message", kysod_err_text(r, &e, buf, sizeof buf)));
    }
    *count = json_array_size(items);
    ks_docfmt_report_free(rep);
    ks_pdf_close(d);
    char *s = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(out);
    return s;
}

int api_doc_format_check(kysod_req *r)
{
    json_t *doc, *b;
    int rc = begin_step(r, &doc, &b, true, "format_checker",
                        N_("only a format checker checks documents"));
    if (rc)
        return rc;
    uint8_t *pdf = NULL;
    size_t len = 0, count = 0;
    char *report = NULL;
    if ((rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len)) ||
        (rc = docs_refuse_classified(r, NULL, pdf, len))) {
        json_decref(doc);
        goto done;
    }
    report = docs_format_report(r, pdf, len, &count);
    bool ok = strcmp(kysod_str(b, "decision", ""), "approve") == 0;
    rc = step(r, doc, DOC_FORMAT, ok ? DOC_SIGNING : DOC_DRAFT,
              ok ? "document.format_ok" : "document.format_return", kysod_str(b, "comment", ""),
              report ? report : "{\"findings\":[]}");
done:
    free(report);
    free(pdf);
    json_decref(b);
    return rc;
}
