/* server/docs_sign_opts.c — the personal signature's options and the number and date fields it
 * leaves open (docs.h: docs_personal_sign_options), shared by every signing path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "kyso/numfields.h"

int docs_personal_sign_options(kysod_req *r, const char *title, const char *name, uint8_t **pdf,
                               size_t *len, ks_sign_opts *o)
{
    ks_sign_opts_init(o);
    o->kind = KS_SIGN_PERSONAL;
    o->title = title && *title ? title : NULL;
    o->name = name && *name ? name : NULL;
    uint8_t *out = NULL;
    size_t out_len = 0;
    ks_error e;
    ks_status st = ks_numfields_add(*pdf, *len, "document.pdf", &out, &out_len, &e);
    if (st == KS_OK) {
        free(*pdf);
        *pdf = out;
        *len = out_len;
        ks_numfields_lock(o);
        return 0;
    }
    if (st == KS_E_NOMEM)
        return kysod_fail(r, 500, "nomem", NULL, "%s", N_("out of memory"));
    /* signed already, fields there already, or no "Số:"/date line: sign as it is; a document
     * that has the fields keeps them open */
    ks_pdf_doc *doc = NULL;
    bool present = false;
    if (ks_pdf_open_mem(*pdf, *len, "document.pdf", NULL, &doc, &e) == KS_OK &&
        ks_numfields_present(doc, &present, &e) == KS_OK && present)
        ks_numfields_lock(o);
    ks_pdf_close(doc);
    return 0;
}

ks_status docs_fill_number(const char *number, int64_t now, uint8_t **pdf, size_t *len,
                           bool *filled, ks_error *e)
{
    *filled = false;
    ks_pdf_doc *doc = NULL;
    bool present = false;
    ks_status st = ks_pdf_open_mem(*pdf, *len, "document.pdf", NULL, &doc, e);
    if (st == KS_OK)
        st = ks_numfields_present(doc, &present, e);
    ks_pdf_close(doc);
    if (st != KS_OK || !present)
        return st;
    char date[16];
    int y = 0, m = 0, d = 0;
    docs_vn_date(now, date);
    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return ks_error_set(e, KS_E_STATE, N_("%04d-%02d-%02d is not a date"), y, m, d);
    uint8_t *out = NULL;
    size_t out_len = 0;
    st = ks_numfields_fill(*pdf, *len, "document.pdf", number, y, m, d, &out, &out_len, e);
    if (st == KS_OK) {
        free(*pdf);
        *pdf = out;
        *len = out_len;
        *filled = true;
    }
    return st;
}

static const char Q_SEAL_LEVEL[] = "SELECT seal_level FROM agencies WHERE id = ?1";

int docs_seal_options(kysod_req *r, int64_t agency, ks_sign_opts *o)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(agency);
    int rc = kysod_db(r, Q_SEAL_LEVEL, &a, 1, &rows);
    if (rc)
        return rc;
    const char *lv = rows->nrows ? ks_db_cell(rows, 0, 0) : "";
    ks_sign_level level = KS_SIGN_B_B;
    bool chosen = lv && *lv && ks_sign_level_parse(lv, &level);
    ks_db_rows_free(rows);
    const char *tsa = r->srv->cfg.tsa_url;
    if (chosen && level >= KS_SIGN_B_T && !tsa[0])
        return kysod_fail(r, 422, "no_tsa", "seal_level",
                          N_("the agency seals at %s, which needs a timestamp service: set "
                             "tsa_url in the server's configuration"),
                          ks_sign_level_name(level));
    o->ctx = r->srv->ctx;
    o->level = chosen ? level : tsa[0] ? KS_SIGN_B_T : KS_SIGN_B_B;
    o->tsa_url = tsa[0] ? tsa : NULL;
    o->lock = KS_SIGN_LOCK_ALL;
    return 0;
}
