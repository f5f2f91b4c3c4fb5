/* server/api_wfcore_docs.c — a document's versions, attachments and metadata (requirements
 * §4.3, §5.1, §5.4): the drafter uploads new versions of a draft (every version kept, any one
 * downloadable); attachments and appendices in files of their own, sealed at issue with the
 * organisation's attachment signature and delivered with the document; and the fields of
 * Decree 30 Appendix VI table 1 that the system fills. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/blob.h"
#include "doc_queries.h"
#include "docs.h"
#include "kyso/pdf.h"

static const char Q_VER_BY_SEQ[] =
    "SELECT sha256, kind FROM doc_versions WHERE document_id = ?1 AND seq = ?2";
static const char Q_DOC_PAGES[] = "UPDATE documents SET pages = ?2, version = version + 1,"
                                  " updated_at = ?3 WHERE id = ?1 AND state = 'draft'";
static const char Q_ATT_NEW[] =
    "INSERT INTO doc_attachments(document_id, kind, name, sha256, size, pages, author_id,"
    " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id";
#define ATT_COLS                                                                                   \
    "a.id, a.document_id, a.kind, a.name, a.sha256, a.size, a.pages, a.signed_sha256,"             \
    " a.created_at"
static const char Q_ATT_LIST[] =
    "SELECT " ATT_COLS " FROM doc_attachments a WHERE a.document_id = ?1 ORDER BY a.id";
static const char Q_ATT_GET[] = "SELECT " ATT_COLS ", d.agency_id FROM doc_attachments a"
                                " JOIN documents d ON d.id = a.document_id WHERE a.id = ?1";
static const char Q_ATT_SIGNED[] = "UPDATE doc_attachments SET signed_sha256 = ?2 WHERE id = ?1";
static const char Q_DOC_RECIPIENTS[] =
    "SELECT a.code, a.name FROM deliveries l JOIN agencies a ON a.id = l.to_agency_id"
    " WHERE l.document_id = ?1 ORDER BY l.id";
static const char Q_DOC_META[] =
    "SELECT d.id, a.code, a.name, d.external_signer FROM documents d JOIN agencies a"
    " ON a.id = d.agency_id WHERE d.id = ?1";
static const char Q_USER_TITLE[] = "SELECT full_name, title FROM users WHERE id = ?1";
static const char Q_DLV_DOC[] = "SELECT document_id, to_agency_id, from_agency_id FROM deliveries"
                                " WHERE id = ?1";

/* A PDF body: readable, with pages, not classified, not signed. 0 or the error set. */
static int check_pdf_body(kysod_req *r, size_t *pages)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strncmp(ct, "application/pdf", 15) != 0)
        return kysod_fail(r, 415, "unsupported_media_type", NULL,
                          N_("send the file as application/pdf"));
    const uint8_t *pdf = (const uint8_t *)r->body;
    ks_pdf_doc *d = NULL;
    ks_error e;
    *pages = 0;
    if (!pdf || r->body_len < 8 || ks_pdf_open_mem(pdf, r->body_len, "upload.pdf", NULL, &d, &e))
        return kysod_fail(r, 422, "bad_pdf", NULL, N_("the file is not a readable PDF"));
    ks_status st = ks_pdf_page_count(d, pages, &e);
    ks_pdf_close(d);
    if (st != KS_OK || *pages == 0)
        return kysod_fail(r, 422, "bad_pdf", NULL, N_("the PDF has no readable page"));
    int rc = docs_refuse_classified(r, NULL, pdf, r->body_len);
    if (rc)
        return rc;
    bool is_signed = false;
    char signer[256];
    if ((rc = docs_check_signed_upload(r, pdf, r->body_len, &is_signed, signer)))
        return rc;
    if (is_signed)
        return kysod_fail(r, 422, "signed_file", NULL,
                          N_("this file is signed already: upload a signed document as a new "
                             "document"));
    return 0;
}

/* The drafter of the document's agency, while it is a draft. */
static int need_draft(kysod_req *r, json_t *doc)
{
    int rc = docs_need_role(r, doc, "drafter", N_("only a drafter of the agency may do this"));
    if (rc)
        return rc;
    if (strcmp(kysod_str(doc, "state", ""), DOC_DRAFT) != 0)
        return kysod_fail(r, 409, "wrong_state", "state",
                          N_("the document is \"%s\"; this step needs \"%s\""),
                          kysod_str(doc, "state", ""), DOC_DRAFT);
    return 0;
}

/* POST /documents/{id}/versions (application/pdf): a new version of the draft. */
int api_doc_version_add(kysod_req *r)
{
    json_t *doc = NULL;
    size_t pages = 0;
    int rc = docs_need_blobs(r);
    if (rc || (rc = docs_load(r, &doc)))
        return rc;
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) || (rc = need_draft(r, doc)) ||
        (rc = check_pdf_body(r, &pages))) {
        json_decref(doc);
        return rc;
    }
    ks_error e;
    int64_t changed = 0;
    ks_db_arg a[3] = {KS_DB_I(r->id), KS_DB_I((int64_t)pages), KS_DB_I(time(NULL))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_PAGES, a, 3, NULL, &changed, &e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(&e, KS_E_STATE,
                          N_("the document is no longer in the state \"%s\" (someone acted on it "
                             "meanwhile)"),
                          DOC_DRAFT);
    if (st == KS_OK)
        st = docs_add_version(r, r->id, (const uint8_t *)r->body, r->body_len, "draft", &e);
    return kysod_commit(r, st, &e, "document.version", "document", r->id,
                        kysod_int(doc, "agency_id"), doc, Q_DOC_GET, 201);
}

static int send_pdf(kysod_req *r, const char *sha)
{
    uint8_t *pdf = NULL;
    size_t len = 0;
    int rc = docs_read_pdf(r, sha, &pdf, &len);
    if (rc)
        return rc;
    r->raw = (char *)pdf;
    r->raw_len = len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}

/* GET /documents/{id}/version?seq=N: the PDF of any version. */
int api_doc_version_get(kysod_req *r)
{
    json_t *doc = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    json_decref(doc);
    const char *q = kysod_query(r, "seq");
    char *end = NULL;
    long long seq = q ? strtoll(q, &end, 10) : 0;
    if (!q || !*q || *end || seq < 1)
        return kysod_fail(r, 400, "invalid_field", "seq",
                          N_("seq must be a version number (1, 2, ...)"));
    ks_db_rows *rows = NULL;
    ks_db_arg a[2] = {KS_DB_I(r->id), KS_DB_I(seq)};
    if ((rc = kysod_db(r, Q_VER_BY_SEQ, a, 2, &rows)))
        return rc;
    char sha[65] = "";
    if (rows->nrows)
        snprintf(sha, sizeof sha, "%s", ks_db_cell(rows, 0, 0));
    ks_db_rows_free(rows);
    if (!sha[0])
        return kysod_fail_id(r, 404, "not_found", N_("no such version"));
    return send_pdf(r, sha);
}

/* POST /documents/{id}/attachments?name=&kind=attachment|appendix (application/pdf). */
int api_doc_attachment_add(kysod_req *r)
{
    json_t *doc = NULL;
    size_t pages = 0;
    int rc = docs_need_blobs(r);
    if (rc || (rc = docs_load(r, &doc)))
        return rc;
    const char *name = kysod_query(r, "name"), *kind = kysod_query(r, "kind");
    if (!kind)
        kind = "attachment";
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) || (rc = need_draft(r, doc)))
        goto fail;
    if (!name || !*name || strlen(name) > 300) {
        rc = kysod_fail(r, 400, "invalid_field", "name",
                        N_("name (the attachment's title) is required, at most 300 bytes"));
        goto fail;
    }
    if (strcmp(kind, "attachment") != 0 && strcmp(kind, "appendix") != 0) {
        rc = kysod_fail(r, 400, "invalid_field", "kind", N_("kind must be attachment or appendix"));
        goto fail;
    }
    if ((rc = check_pdf_body(r, &pages)))
        goto fail;
    char hex[65];
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_status st =
        ks_blob_put(r->srv->cfg.blob_dir, (const uint8_t *)r->body, r->body_len, hex, &e);
    ks_db_arg a[8] = {KS_DB_I(r->id),
                      KS_DB_S(kind),
                      KS_DB_S(name),
                      KS_DB_S(hex),
                      KS_DB_I((int64_t)r->body_len),
                      KS_DB_I((int64_t)pages),
                      KS_DB_I(r->s.user_id),
                      KS_DB_I(time(NULL))};
    if (st == KS_OK)
        st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_ATT_NEW, a, 8, &rows, NULL, &e);
    int64_t id = st == KS_OK && rows ? ks_db_cell_int(rows, 0, 0) : 0,
            ag = kysod_int(doc, "agency_id");
    ks_db_rows_free(rows);
    json_decref(doc);
    return kysod_commit(r, st, &e, "document.attachment", "attachment", id, ag, NULL, Q_ATT_GET,
                        201);
fail:
    json_decref(doc);
    return rc;
}

/* GET /documents/{id}/attachments */
int api_doc_attachment_list(kysod_req *r)
{
    json_t *doc = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    json_decref(doc);
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    if ((rc = kysod_db(r, Q_ATT_LIST, &a, 1, &rows)))
        return rc;
    json_t *out = json_pack("{s:o}", "items", kysod_rows_json(rows));
    ks_db_rows_free(rows);
    return kysod_json_etag(r, out);
}

/* May the caller read document `doc_id` of agency `agency`: a member of that agency, or of an
 * agency it was delivered to. */
static int may_read(kysod_req *r, int64_t doc_id, int64_t agency)
{
    if (kysod_sees(r, ACC_AGENCY_MEMBER, agency))
        return 0;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(doc_id);
    const char *sql = "SELECT to_agency_id FROM deliveries WHERE document_id = ?1";
    int rc = kysod_db(r, sql, &a, 1, &rows);
    if (rc)
        return rc;
    bool ok = false;
    for (int i = 0; i < rows->nrows && !ok; i++)
        ok = kysod_sees(r, ACC_AGENCY_MEMBER, ks_db_cell_int(rows, i, 0));
    ks_db_rows_free(rows);
    return ok ? 0 : kysod_fail_id(r, 404, "not_found", N_("no such attachment"));
}

/* GET /attachments/{id}/pdf: the sealed file once issued, else the uploaded one; to the
 * document's agency and the agencies it was sent to. */
int api_attachment_pdf(kysod_req *r)
{
    json_t *att = NULL;
    int rc = kysod_load(r, Q_ATT_GET, r->id, N_("no such attachment"), &att);
    if (rc)
        return rc;
    if (!(rc = may_read(r, kysod_int(att, "document_id"), kysod_int(att, "agency_id")))) {
        const char *sig = kysod_str(att, "signed_sha256", "");
        char sha[65];
        snprintf(sha, sizeof sha, "%s", *sig ? sig : kysod_str(att, "sha256", ""));
        rc = send_pdf(r, sha);
    }
    json_decref(att);
    return rc;
}

/* GET /deliveries/{id}/attachments: what came with a delivered document. */
int api_dlv_attachments(kysod_req *r)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->id);
    int rc = kysod_db(r, Q_DLV_DOC, &a, 1, &rows);
    if (rc)
        return rc;
    int64_t doc = rows->nrows ? ks_db_cell_int(rows, 0, 0) : 0;
    bool ok = rows->nrows && (kysod_sees(r, ACC_AGENCY_MEMBER, ks_db_cell_int(rows, 0, 1)) ||
                              kysod_sees(r, ACC_AGENCY_MEMBER, ks_db_cell_int(rows, 0, 2)));
    ks_db_rows_free(rows);
    if (!ok)
        return kysod_fail_id(r, 404, "not_found", N_("no such delivery"));
    a = KS_DB_I(doc);
    if ((rc = kysod_db(r, Q_ATT_LIST, &a, 1, &rows)))
        return rc;
    json_t *out = json_pack("{s:o}", "items", kysod_rows_json(rows));
    ks_db_rows_free(rows);
    return kysod_json_etag(r, out);
}

ks_status docs_seal_attachments(kysod_req *r, int64_t id, const char *label,
                                const ks_sign_opts *seal, const char *number, ks_error *e)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(id);
    ks_status st = ks_db_run(r->db, Q_ATT_LIST, &a, 1, &rows, NULL, e);
    for (int i = 0; st == KS_OK && i < rows->nrows; i++) {
        uint8_t *in = NULL, *out = NULL;
        size_t len = 0, out_len = 0;
        char hex[65];
        st = ks_blob_get(r->srv->cfg.blob_dir, ks_db_cell(rows, i, 4), &in, &len, e);
        ks_sign_opts o = *seal;
        o.kind = KS_SIGN_ATTACHMENT;
        o.doc_number = number;
        o.lock = KS_SIGN_LOCK_NONE;
        o.image_data = NULL;
        o.image_len = 0;
        o.image_path = NULL;
        if (st == KS_OK)
            st = docs_sign_with_token(r->srv, label, &o, in, len, &out, &out_len, e);
        if (st == KS_OK)
            st = ks_blob_put(r->srv->cfg.blob_dir, out, out_len, hex, e);
        ks_db_arg u[2] = {KS_DB_I(ks_db_cell_int(rows, i, 0)), KS_DB_S(hex)};
        if (st == KS_OK)
            st = ks_db_run(r->db, Q_ATT_SIGNED, u, 2, NULL, NULL, e);
        free(in);
        free(out);
    }
    ks_db_rows_free(rows);
    return st;
}

/* GET /documents/{id}/metadata: Decree 30 Appendix VI table 1 (requirements §5.4), with the
 * fields the system fills (1.1, 1.2, 4, 6, 7, 10, 12, 13, 15) filled from the workflow. */
int api_doc_metadata(kysod_req *r)
{
    json_t *doc = NULL, *meta = NULL, *signer = NULL;
    ks_db_rows *rows = NULL;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    ks_db_arg a = KS_DB_I(r->id);
    if ((rc = kysod_db(r, Q_DOC_META, &a, 1, &rows)))
        goto done;
    const char *organ_id = rows->nrows ? ks_db_cell(rows, 0, 1) : "";
    const char *organ = rows->nrows ? ks_db_cell(rows, 0, 2) : "";
    const char *ext = rows->nrows ? ks_db_cell(rows, 0, 3) : "";
    int64_t issued = 0, number = kysod_int(doc, "number");
    kysod_time_parse(kysod_str(doc, "issued_at", ""), &issued); /* ISO 8601 in the JSON row */
    char date[16] = "", code[16] = "";
    if (issued)
        docs_vn_date(issued, date);
    if (number)
        snprintf(code, sizeof code, "%02lld", (long long)number);
    const char *sym = kysod_str(doc, "symbol", ""), *slash = strchr(sym, '/');
    meta = json_object();
    json_object_set_new(meta, "OrganId", json_string(organ_id));
    json_object_set_new(meta, "FileCatalog",
                        issued ? json_integer(docs_vn_year(issued)) : json_null());
    json_object_set_new(meta, "TypeName", json_string(kysod_str(doc, "doc_type", "")));
    json_object_set_new(meta, "CodeNumber", json_string(code));
    json_object_set_new(meta, "CodeNotation", json_string(slash ? slash + 1 : ""));
    json_object_set_new(meta, "IssuedDate", json_string(date));
    json_object_set_new(meta, "OrganName", json_string(organ));
    json_object_set_new(meta, "Subject", json_string(kysod_str(doc, "summary", "")));
    json_object_set_new(meta, "Language", json_string("vi"));
    json_object_set_new(meta, "PageAmount", json_integer(kysod_int(doc, "pages")));
    json_t *si = json_object();
    int64_t sid = kysod_int(doc, "signer_id");
    if (sid && kysod_load(r, Q_USER_TITLE, sid, N_("no such user"), &signer) == 0) {
        json_object_set_new(si, "Position", json_string(kysod_str(signer, "title", "")));
        json_object_set_new(si, "FullName", json_string(kysod_str(signer, "full_name", "")));
    } else {
        json_object_set_new(si, "Position", json_string(""));
        json_object_set_new(si, "FullName", json_string(ext));
    }
    json_object_set_new(meta, "SignerInfo", si);
    ks_db_rows_free(rows);
    rows = NULL;
    if ((rc = kysod_db(r, Q_DOC_RECIPIENTS, &a, 1, &rows)))
        goto done;
    json_t *to = json_array();
    for (int i = 0; i < rows->nrows; i++)
        json_array_append_new(to, json_pack("{s:s,s:s}", "OrganId", ks_db_cell(rows, i, 0),
                                            "OrganName", ks_db_cell(rows, i, 1)));
    json_object_set_new(meta, "To", to);
    json_object_set_new(meta, "Priority",
                        json_pack("{s:s,s:s}", "urgency", kysod_str(doc, "urgency", "normal"),
                                  "classification", kysod_str(doc, "classification", "none")));
    json_object_set_new(meta, "IssuedAmount", json_integer(rows->nrows));
    json_object_set_new(meta, "DueDate", json_null());
    rc = kysod_json_etag(r, meta);
    meta = NULL;
done:
    ks_db_rows_free(rows);
    json_decref(meta);
    json_decref(signer);
    json_decref(doc);
    return rc;
}
