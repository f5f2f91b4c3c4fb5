/* server/api_copies.c — copies of a registered document (Decree 30 Đ25, seed Đ14.2;
 * requirements §4.4): SAO Y (the whole document), SAO LỤC (the whole of a SAO Y copy), TRÍCH
 * SAO (the chosen pages, as a new PDF holding those pages only). The clerk of the copying
 * agency makes it from an outgoing document of the agency (issued) or an incoming one it
 * accepted; the copy takes the next number of the agency's copy register (one series for every
 * form, per calendar year in Asia/Ho_Chi_Minh, from 01: "07/SY-UBND") and carries the agency's
 * copy signature. A SAO Y or SAO LỤC is its source byte for byte plus that signature (an
 * incremental update: the source's own signatures stay valid inside it); the original is never
 * written, and the register records the SHA-256 of the source the copy was made from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../store/blob.h"
#include "copies.h"
#include "doc_queries.h"
#include "docs.h"
#include "kyso/pdf.h"
#include "kyso/register.h"
#include "register_queries.h"

#define COPY_MAX_PAGES 1000

static const char *const FORMS[] = {"SAO Y", "SAO LỤC", "TRÍCH SAO", NULL};

static const kysod_field COPY[] = {
    {"form", F_STR, true, 16, FORMS, NULL},        {"pages", F_STR, false, 1000, NULL, NULL},
    {"from_copy_id", F_INT, false, 0, NULL, NULL}, {"agency_id", F_INT, false, 0, NULL, NULL},
    {"note", F_STR, false, 500, NULL, NULL},
};

/* What a copy is made from: the document as the copying agency registered it. */
typedef struct source {
    json_t *doc, *agency, *from_copy;
    char issuer[512], sha256[65], doc_date[16];
    uint8_t *pdf;
    size_t len;
} source;

/* The document, registered by agency `ag` (issued by it, or accepted from another): 0 or set. */
static int find_registered(kysod_req *r, int64_t ag, source *s)
{
    int rc = kysod_load(r, Q_AGENCY_NAMES, ag, N_("no such agency"), &s->agency);
    if (rc)
        return rc;
    if (kysod_int(s->doc, "agency_id") == ag) {
        snprintf(s->issuer, sizeof s->issuer, "%s", kysod_str(s->agency, "name", ""));
        return 0; /* whether it is registered: checked once the caller is known to be its clerk */
    }
    ks_db_rows *rows = NULL;
    ks_db_arg a[2] = {KS_DB_I(r->id), KS_DB_I(ag)};
    if ((rc = kysod_db(r, Q_COPY_INCOMING, a, 2, &rows)))
        return rc;
    bool found = rows->nrows > 0;
    if (found)
        snprintf(s->issuer, sizeof s->issuer, "%s", ks_db_cell(rows, 0, 1));
    ks_db_rows_free(rows);
    return found ? 0 : kysod_fail_id(r, 404, "not_found", N_("no such document"));
}

/* The bytes the copy is made from: the document, or for a SAO LỤC the agency's SAO Y of it. */
static int read_source(kysod_req *r, json_t *b, int64_t ag, source *s)
{
    const char *form = kysod_str(b, "form", "");
    bool sl = strcmp(form, "SAO LỤC") == 0, ts = strcmp(form, "TRÍCH SAO") == 0;
    if (sl != kysod_has(b, "from_copy_id"))
        return kysod_fail(r, 400, "invalid_field", "from_copy_id",
                          sl ? N_("a SAO LỤC is made from a SAO Y copy: give from_copy_id")
                             : N_("from_copy_id is only for a SAO LỤC"));
    if (ts != kysod_has(b, "pages"))
        return kysod_fail(r, 400, "invalid_field", "pages",
                          ts ? N_("a TRÍCH SAO copies chosen pages: give pages, like \"1, 3-5\"")
                             : N_("pages are only for a TRÍCH SAO"));
    const char *sha = kysod_str(s->doc, "sha256", "");
    if (sl) {
        int rc = kysod_load(r, Q_COPY_GET, kysod_int(b, "from_copy_id"), N_("no such copy"),
                            &s->from_copy);
        if (rc)
            return rc;
        if (kysod_int(s->from_copy, "agency_id") != ag ||
            kysod_int(s->from_copy, "document_id") != r->id ||
            strcmp(kysod_str(s->from_copy, "form", ""), "SAO Y") != 0)
            return kysod_fail(r, 422, "invalid_field", "from_copy_id",
                              N_("a SAO LỤC is made from a SAO Y copy of the same document made "
                                 "by the same agency (Decree 30 Đ3.11)"));
        sha = kysod_str(s->from_copy, "sha256", "");
    }
    snprintf(s->sha256, sizeof s->sha256, "%s", sha);
    int64_t issued = 0;
    kysod_time_parse(kysod_str(s->doc, "issued_at", ""), &issued);
    docs_vn_date(issued, s->doc_date);
    return docs_read_pdf(r, s->sha256, &s->pdf, &s->len);
}

/* A TRÍCH SAO: the chosen pages as a new PDF (*out malloc'd); `canon` gets the list as stored. */
static int extract(kysod_req *r, const source *s, const char *list, uint8_t **out, size_t *len,
                   char *canon, size_t cap)
{
    size_t *pages = malloc(COPY_MAX_PAGES * sizeof *pages), n = 0;
    ks_pdf_doc *d = NULL;
    ks_buf b = KS_BUF_INIT;
    ks_error e;
    int rc = 0;
    if (!pages)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    ks_status st = ks_pdf_page_list_parse(list, pages, COPY_MAX_PAGES, &n, &e);
    if (st == KS_OK)
        st = ks_pdf_open_mem(s->pdf, s->len, "source.pdf", NULL, &d, &e);
    if (st == KS_OK)
        st = ks_pdf_extract_pages(d, pages, n, &b, &e);
    ks_pdf_close(d);
    canon[0] = 0;
    for (size_t i = 0; st == KS_OK && i < n; i++) {
        size_t j = i;
        while (j + 1 < n && pages[j + 1] == pages[j] + 1)
            j++;
        size_t at = strlen(canon);
        if (j > i)
            snprintf(canon + at, cap - at, "%s%zu-%zu", at ? ", " : "", pages[i] + 1, pages[j] + 1);
        else
            snprintf(canon + at, cap - at, "%s%zu", at ? ", " : "", pages[i] + 1);
        i = j;
    }
    free(pages);
    if (st == KS_E_NOMEM)
        rc = kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    else if (st != KS_OK) {
        char buf[512];
        rc = kysod_fail(r, 422, "invalid_field", "pages", "%s",
                        kysod_err_text(r, &e, buf, sizeof buf));
    }
    if (rc) {
        ks_buf_free(&b);
        return rc;
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

/* "SY-UBND" from the form and the agency's short name; the form's abbreviation alone when the
 * agency has no usable short name. */
static void copy_symbol(const char *form, json_t *agency, char *out, size_t cap)
{
    const char *abbr = strcmp(form, "SAO Y") == 0     ? "SY"
                       : strcmp(form, "SAO LỤC") == 0 ? "SL"
                                                      : "TrS";
    ks_error e;
    if (ks_register_symbol(abbr, kysod_str(agency, "short_name", ""), NULL, out, cap, &e) != KS_OK)
        snprintf(out, cap, "%s", abbr);
}

static void source_free(source *s)
{
    json_decref(s->doc);
    json_decref(s->agency);
    json_decref(s->from_copy);
    free(s->pdf);
}

/* POST /documents/{id}/copies {"form", "pages"?, "from_copy_id"?, "agency_id"?, "note"?} */
int api_copy_create(kysod_req *r)
{
    json_t *b = NULL;
    source s = {0};
    uint8_t *src = NULL, *out = NULL;
    size_t src_len = 0, out_len = 0;
    char label[256], pages[1100] = "", symbol[64], num[96], reason[256];
    int rc = docs_need_blobs(r);
    if (rc || (rc = kysod_body_object(r, &b)) ||
        (rc = kysod_load(r, Q_DOC_GET, r->id, N_("no such document"), &s.doc)))
        goto done;
    /* the copying agency: the one asked for, else the document's when the caller sees it (its
     * own outgoing document), else the caller's (an incoming document it accepted) */
    json_t *agj = json_object_get(b, "agency_id");
    int64_t doc_ag = kysod_int(s.doc, "agency_id");
    int64_t ag = json_is_integer(agj)                       ? json_integer_value(agj)
                 : kysod_sees(r, ACC_AGENCY_MEMBER, doc_ag) ? doc_ag
                                                            : r->s.agency_id;
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, ag)) || (rc = find_registered(r, ag, &s)))
        goto done;
    if (!kysod_has_role(r, ag, "clerk")) {
        rc = kysod_fail_id(r, 403, "forbidden", N_("only a clerk (văn thư) makes copies"));
        goto done;
    }
    const char *form = kysod_str(b, "form", ""), *state = kysod_str(s.doc, "state", "");
    if (doc_ag == ag && strcmp(state, DOC_ISSUED) && strcmp(state, DOC_SENT)) {
        rc = kysod_fail(r, 409, "not_registered", "state",
                        N_("only a registered document is copied; this one is \"%s\""), state);
        goto done;
    }
    if ((rc = kysod_body_check(r, b, COPY, 5, false)) ||
        (rc = docs_refuse_classified(r, s.doc, NULL, 0)) || (rc = read_source(r, b, ag, &s)) ||
        (rc = copies_seal_label(r, ag, label)))
        goto done;
    src = s.pdf;
    src_len = s.len;
    if (strcmp(form, "TRÍCH SAO") == 0) {
        if ((rc = extract(r, &s, kysod_str(b, "pages", ""), &src, &src_len, pages, sizeof pages)))
            goto done;
    }
    int64_t now = time(NULL), number = 0, id = 0;
    int year = docs_vn_year(now);
    char today[16];
    docs_vn_date(now, today);
    ks_db_rows *closed = NULL;
    ks_db_arg q[3] = {KS_DB_I(ag), KS_DB_S("copy"), KS_DB_I(year)};
    if ((rc = kysod_db(r, Q_REG_CLOSED, q, 3, &closed)))
        goto done;
    bool is_closed = closed->nrows > 0;
    ks_db_rows_free(closed);
    if (is_closed) {
        rc = kysod_fail(r, 409, "closed", "year", N_("the register of %lld is closed already"),
                        (long long)year);
        goto done;
    }
    copy_symbol(form, s.agency, symbol, sizeof symbol);
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = docs_next_number(r, ag, "copy", "", year, &number, &e);
    if (st == KS_OK)
        st = ks_register_format((uint32_t)number, symbol, false, num, sizeof num, &e);
    if (st == KS_OK) {
        snprintf(reason, sizeof reason, "%s %s — %s", form, num, kysod_str(s.doc, "symbol", ""));
        st = copies_sign(r, label, form, kysod_str(s.agency, "name", ""), reason, src, src_len,
                         &out, &out_len, &e);
        if (st != KS_OK) {
            char buf[1024];
            ks_db_tx_end(r->db, st, NULL);
            rc = kysod_fail(r, st == KS_E_NOMEM ? 500 : 422, "sign_failed", NULL, "%s",
                            kysod_err_text(r, &e, buf, sizeof buf));
            goto done;
        }
    }
    char hex[65] = "";
    if (st == KS_OK)
        st = ks_blob_put(r->srv->cfg.blob_dir, out, out_len, hex, &e);
    ks_db_arg a[20] = {KS_DB_I(ag),
                       KS_DB_I(r->id),
                       s.from_copy ? KS_DB_I(kysod_int(s.from_copy, "id")) : KS_DB_NIL,
                       KS_DB_S(form),
                       KS_DB_I(year),
                       KS_DB_I(number),
                       KS_DB_S(num),
                       KS_DB_S(today),
                       KS_DB_S(pages),
                       KS_DB_S(kysod_str(s.doc, "symbol", "")),
                       KS_DB_S(s.doc_date),
                       KS_DB_S(kysod_str(s.doc, "doc_type", "")),
                       KS_DB_S(kysod_str(s.doc, "summary", "")),
                       KS_DB_S(s.issuer),
                       KS_DB_S(s.sha256),
                       KS_DB_S(hex),
                       KS_DB_I((int64_t)out_len),
                       KS_DB_I(r->s.user_id),
                       KS_DB_S(kysod_str(b, "note", "")),
                       KS_DB_I(now)};
    ks_db_rows *ins = NULL;
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_COPY_NEW, a, 20, &ins, NULL, &e);
    if (st == KS_OK)
        id = ks_db_cell_int(ins, 0, 0);
    ks_db_rows_free(ins);
    rc = kysod_commit(r, st, &e, "copy.create", "copy", id, ag, NULL, Q_COPY_GET, 201);
done:
    if (src != s.pdf)
        free(src);
    source_free(&s);
    free(out);
    json_decref(b);
    return rc;
}

static int copy_load(kysod_req *r, json_t **c)
{
    int rc = kysod_load(r, Q_COPY_GET, r->id, N_("no such copy"), c);
    if (rc)
        return rc;
    if ((rc = kysod_authorize(r, ACC_AGENCY_MEMBER, kysod_int(*c, "agency_id")))) {
        json_decref(*c);
        *c = NULL;
    }
    return rc;
}

int api_copy_get(kysod_req *r)
{
    json_t *c = NULL;
    int rc = copy_load(r, &c);
    return rc ? rc : kysod_json_etag(r, c);
}

int api_copy_pdf(kysod_req *r)
{
    json_t *c = NULL;
    uint8_t *pdf = NULL;
    size_t len = 0;
    int rc = copy_load(r, &c);
    if (rc)
        return rc;
    rc = docs_read_pdf(r, kysod_str(c, "sha256", ""), &pdf, &len);
    json_decref(c);
    if (rc)
        return rc;
    r->raw = (char *)pdf;
    r->raw_len = len;
    r->raw_type = "application/pdf";
    r->status = 200;
    return 200;
}
