/* server/api_docs_sign.c — the signer's personal signature and the clerk's number, seal and
 * outgoing register entry (requirements §5.1, §5.3). Keys are server-side PKCS#11 tokens: the
 * signer's own certificate (owner_kind person) and the agency's seal certificate assigned to
 * that clerk; each token's PIN is read from pkcs11_pin_dir/<label>, never from a request. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "doc_queries.h"
#include "docs.h"
#include "kyso/register.h"
#include "kyso/sign.h"
#include "kyso/token.h"
#include "token_cache.h"

static ks_status read_pin(const kysod_config *c, const char *label, char pin[128], ks_error *e)
{
    if (!c->pkcs11_module[0] || !c->pkcs11_pin_dir[0])
        return ks_error_set(e, KS_E_USAGE,
                            N_("server-side signing is not configured (pkcs11_module, "
                               "pkcs11_pin_dir)"));
    if (strchr(label, '/') || strcmp(label, "..") == 0 || !*label)
        return ks_error_set(e, KS_E_USAGE, N_("the token label cannot name a PIN file"));
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", c->pkcs11_pin_dir, label);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(e, KS_E_TOKEN, N_("no PIN is stored for the token \"%s\""), label);
    ssize_t n = read(fd, pin, 127);
    close(fd);
    if (n <= 0)
        return ks_error_set(e, KS_E_TOKEN, N_("no PIN is stored for the token \"%s\""), label);
    pin[n] = 0;
    while (n > 0 && (pin[n - 1] == '\n' || pin[n - 1] == '\r'))
        pin[--n] = 0;
    return KS_OK;
}

ks_status docs_read_image(const kysod_config *c, const char *kind, int64_t id, uint8_t **out,
                          size_t *len, ks_error *e)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s-%lld.png", c->images_dir, kind, (long long)id);
    *out = NULL;
    *len = 0;
    FILE *f = c->images_dir[0] ? fopen(path, "rb") : NULL;
    if (!f)
        return ks_error_set(e, KS_E_USAGE,
                            strcmp(kind, "user") == 0
                                ? N_("no signature image is on file for the signer (images_dir)")
                                : N_("no seal image is on file for the agency (images_dir)"));
    uint8_t *buf = malloc(4 << 20);
    size_t n = buf ? fread(buf, 1, 4 << 20, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n == (size_t)(4 << 20)) {
        free(buf);
        return ks_error_set(e, KS_E_USAGE, N_("the image %s is empty or larger than 4 MiB"), path);
    }
    *out = buf;
    *len = n;
    return KS_OK;
}

/* Signs `in` with the key in token `label` as `opts` says, through the node's session on that
 * token (token_cache.h); *out malloc'd. */
static ks_status sign_with_token(kysod *srv, const char *label, ks_sign_opts *opts,
                                 const uint8_t *in, size_t len, uint8_t **out, size_t *out_len,
                                 ks_error *e)
{
    const kysod_config *c = &srv->cfg;
    char pin[128];
    ks_signer *signer = NULL;
    kysod_token_use *use = NULL;
    ks_sign_ctx *ctx = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    ks_status st = read_pin(c, label, pin, e);
    if (st == KS_OK)
        st = kysod_token_acquire(srv->tokens, c->pkcs11_module, label, pin, &use, &signer, e);
    OPENSSL_cleanse(pin, sizeof pin);
    if (st == KS_OK)
        st = ks_sign_check_signer(signer, opts, ks_ctx_now(opts->ctx), e);
    if (st == KS_OK)
        st = ks_sign_prepare_mem(in, len, "document.pdf", opts, signer, &ctx, e);
    if (st == KS_OK)
        st = ks_sign_sign(ctx, signer, &der, &der_len, e);
    if (st == KS_OK)
        st = ks_sign_embed(ctx, der, der_len, e);
    if (st == KS_OK)
        st = ks_sign_write_mem(ctx, out, out_len, e);
    free(der);
    ks_sign_ctx_free(ctx);
    kysod_token_release(srv->tokens, use, st == KS_E_TOKEN); /* the signer is the cache's */
    return st;
}

/* The label of the token holding the key `sql` finds for (a, b); 0 or 409 set. */
static int token_label(kysod_req *r, const char *sql, int64_t a, int64_t b, char out[256],
                       const char *msgid)
{
    ks_db_rows *rows = NULL;
    ks_db_arg args[2] = {KS_DB_I(a), KS_DB_I(b)};
    int rc = kysod_db(r, sql, args, sql == Q_PERSON_TOKEN ? 1 : 2, &rows);
    if (rc)
        return rc;
    if (rows->nrows == 0) {
        ks_db_rows_free(rows);
        return kysod_fail_id(r, 409, "no_key", msgid);
    }
    snprintf(out, 256, "%s", ks_db_cell(rows, 0, 0));
    ks_db_rows_free(rows);
    return 0;
}

static int sign_failed(kysod_req *r, const ks_error *e)
{
    char buf[1024];
    return kysod_fail(r, e->status == KS_E_NOMEM ? 500 : 422, "sign_failed", NULL, "%s",
                      kysod_err_text(r, e, buf, sizeof buf));
}

static const kysod_field SIGN[] = {
    {"title", F_STR, false, 100, NULL, NULL},
    {"position", F_OBJ, false, 0, NULL, NULL},
};

/* The optional "position": {"page": 1-based, "x0", "y0", "x1", "y1": points in the page's
 * default user space} where the signer moved the signature image in the preview; absent, the
 * engine finds its place between title and name. 0 or the 400 set. */
static int sign_position(kysod_req *r, json_t *b, ks_sign_opts *o)
{
    json_t *p = json_object_get(b, "position");
    if (!p)
        return 0;
    static const char *const K[] = {"page", "x0", "y0", "x1", "y1"};
    double v[5];
    for (size_t i = 0; i < 5; i++) {
        json_t *x = json_object_get(p, K[i]);
        if (!json_is_number(x))
            return kysod_fail(r, 400, "invalid_field", "position",
                              N_("position needs numbers page, x0, y0, x1 and y1"));
        v[i] = json_number_value(x);
    }
    if (json_object_size(p) != 5)
        return kysod_fail(r, 400, "invalid_field", "position",
                          N_("position has only page, x0, y0, x1 and y1"));
    double w = v[3] - v[1], h = v[4] - v[2];
    if (v[0] < 1 || v[0] > 100000 || v[0] != (double)(long)v[0] || v[1] < 0 || v[2] < 0 ||
        v[3] > 14400 || v[4] > 14400 || w < 10 || h < 10 || w > 1000 || h > 1000)
        return kysod_fail(r, 400, "invalid_field", "position",
                          N_("position must be a box of 10 to 1000 points on a page"));
    o->page = (long)v[0];
    o->has_rect = true;
    o->rect.x0 = v[1];
    o->rect.y0 = v[2];
    o->rect.x1 = v[3];
    o->rect.y1 = v[4];
    return 0;
}

/* POST /documents/{id}/sign: the signer's visible personal signature between title and name. */
int api_doc_sign(kysod_req *r)
{
    json_t *doc = NULL, *b = NULL, *me = NULL;
    uint8_t *pdf = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    char label[256];
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) ||
        (rc = docs_need_role(r, doc, "signer", N_("only a signer of the agency signs"))) ||
        (rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, SIGN, 2, false)))
        goto done;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    if ((rc = sign_position(r, b, &o)))
        goto done;
    if (strcmp(kysod_str(doc, "state", ""), DOC_SIGNING) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(doc, "state", ""), DOC_SIGNING);
        goto done;
    }
    if ((rc = kysod_load(r, Q_USER_NAME, r->s.user_id, N_("no such user"), &me)) ||
        (rc = token_label(r, Q_PERSON_TOKEN, r->s.user_id, 0, label,
                          N_("you have no active personal certificate in a server-side token"))) ||
        (rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len)) ||
        (rc = docs_refuse_classified(r, NULL, pdf, len)))
        goto done;
    /* the shared set-up (docs.h), then the signer's chosen place again over its defaults */
    if ((rc = docs_personal_sign_options(r, kysod_str(b, "title", kysod_str(me, "title", "")),
                                         kysod_str(me, "full_name", ""), &pdf, &len, &o)) ||
        (rc = sign_position(r, b, &o)))
        goto done;
    ks_error e;
    uint8_t *img = NULL;
    size_t img_len = 0;
    ks_status ist = docs_read_image(&r->srv->cfg, "user", r->s.user_id, &img, &img_len, &e);
    o.image_data = img;
    o.image_len = img_len;
    if (ist != KS_OK || sign_with_token(r->srv, label, &o, pdf, len, &out, &out_len, &e) != KS_OK) {
        free(img);
        rc = sign_failed(r, &e);
        goto done;
    }
    free(img);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = docs_move(r, r->id, DOC_SIGNING, DOC_SIGNED, &e);
    if (st == KS_OK)
        st = docs_add_version(r, r->id, out, out_len, "signed", &e);
    ks_db_arg a[2] = {KS_DB_I(r->id), KS_DB_I(r->s.user_id)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_SET_SIGNER, a, 2, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "document.sign", "document", r->id, kysod_int(doc, "agency_id"),
                      doc, Q_DOC_GET, 200);
    doc = NULL;
done:
    json_decref(doc);
    json_decref(b);
    json_decref(me);
    free(pdf);
    free(out);
    return rc;
}

static const kysod_field ISSUE[] = {
    {"symbol", F_STR, true, 30, NULL, NULL},
    {"series", F_STR, false, 30, NULL, NULL},
    {"handler", F_STR, false, 100, NULL, NULL},
};

/* POST /documents/{id}/issue: the next number of the outgoing register, the agency's seal
 * (only the clerk assigned to its certificate) and the register entry, in one transaction:
 * a failed seal leaves no number taken and no entry. */
int api_doc_issue(kysod_req *r)
{
    json_t *doc = NULL, *b = NULL, *signer = NULL, *agency = NULL;
    uint8_t *pdf = NULL, *out = NULL;
    size_t len = 0, out_len = 0;
    char label[256];
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    int64_t ag = kysod_int(doc, "agency_id");
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) ||
        (rc = docs_need_role(r, doc, "clerk", N_("only a clerk (văn thư) issues documents"))) ||
        (rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, ISSUE, 3, false)))
        goto done;
    if (strcmp(kysod_str(doc, "state", ""), DOC_SIGNED) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("the document is \"%s\"; this step needs \"%s\""),
                        kysod_str(doc, "state", ""), DOC_SIGNED);
        goto done;
    }
    if ((rc = token_label(r, Q_SEAL_TOKEN, ag, r->s.user_id, label,
                          N_("only the clerk assigned to the agency's certificate may seal"))) ||
        (kysod_int(doc, "signer_id") &&
         (rc = kysod_load(r, Q_USER_NAME, kysod_int(doc, "signer_id"), N_("no such user"),
                          &signer))) ||
        (rc = kysod_load(r, Q_AGENCY_NAMES, ag, N_("no such agency"), &agency)) ||
        (rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len)) ||
        (rc = docs_refuse_classified(r, NULL, pdf, len)))
        goto done;
    const char *series = kysod_str(b, "series", kysod_str(doc, "series", ""));
    int64_t now = (int64_t)ks_ctx_now(r->srv->ctx), number = 0;
    int year = docs_vn_year(now);
    char date[16], num[64], signer_txt[256];
    docs_vn_date(now, date);
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = docs_next_number(r, ag, "outgoing", series, year, &number, &e);
    if (st == KS_OK)
        st = ks_register_format((uint32_t)number, kysod_str(b, "symbol", ""), false, num,
                                sizeof num, &e);
    bool filled = false;
    if (st == KS_OK) /* the number and date into the fields the personal signature left open */
        st = docs_fill_number(num, now, &pdf, &len, &filled, &e);
    (void)filled; /* a document signed elsewhere has no fields: its number is in the register */
    if (st == KS_OK) {
        ks_sign_opts o;
        ks_sign_opts_init(&o);
        if ((rc = docs_seal_options(r, ag, &o))) {
            ks_db_tx_end(r->db, KS_E_STATE, &e);
            goto done;
        }
        o.kind = KS_SIGN_ORGANIZATION;
        o.ctx = r->srv->ctx; /* its clock dates the seal as it dates the number */
        o.org_name = kysod_str(agency, "name", "");
        o.reason = num;
        o.seal_mm = 36;
        uint8_t *img = NULL;
        size_t img_len = 0;
        st = docs_read_image(&r->srv->cfg, "agency", ag, &img, &img_len, &e);
        o.image_data = img;
        o.image_len = img_len;
        if (st == KS_OK)
            st = sign_with_token(r->srv, label, &o, pdf, len, &out, &out_len, &e);
        if (st == KS_OK) /* attachments in files of their own: the attachment signature each */
            st = docs_seal_attachments(r, r->id, label, &o, num, &e);
        free(img);
        if (st != KS_OK) {
            ks_db_tx_end(r->db, st, &e);
            rc = sign_failed(r, &e);
            goto done;
        }
    }
    if (st == KS_OK)
        st = docs_add_version(r, r->id, out, out_len, "sealed", &e);
    if (signer)
        snprintf(signer_txt, sizeof signer_txt, "%s %s", kysod_str(signer, "title", ""),
                 kysod_str(signer, "full_name", ""));
    else /* uploaded signed elsewhere */
        docs_external_signer(r, r->id, signer_txt);
    ks_db_arg a5[5] = {KS_DB_I(r->id), KS_DB_I(number), KS_DB_S(num), KS_DB_I(now),
                       KS_DB_S(series)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_SET_ISSUED, a5, 5, NULL, NULL, &e);
    ks_db_arg reg[13] = {KS_DB_I(ag),
                         KS_DB_I(r->id),
                         KS_DB_S(series),
                         KS_DB_I(year),
                         KS_DB_I(number),
                         KS_DB_S(num),
                         KS_DB_S(date),
                         KS_DB_S(kysod_str(doc, "doc_type", "")),
                         KS_DB_S(kysod_str(doc, "summary", "")),
                         KS_DB_S(signer_txt),
                         KS_DB_S(""),
                         KS_DB_S(kysod_str(b, "handler", r->s.login)),
                         KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_OUT_NEW, reg, 13, NULL, NULL, &e);
    if (st == KS_OK)
        st = docs_move(r, r->id, DOC_SIGNED, DOC_ISSUED, &e);
    rc = kysod_commit(r, st, &e, "document.issue", "document", r->id, ag, doc, Q_DOC_GET, 200);
    doc = NULL;
done:
    json_decref(doc);
    json_decref(b);
    json_decref(signer);
    json_decref(agency);
    free(pdf);
    free(out);
    return rc;
}

ks_status docs_sign_with_token(kysod *srv, const char *label, ks_sign_opts *opts, const uint8_t *in,
                               size_t len, uint8_t **out, size_t *out_len, ks_error *e)
{
    return sign_with_token(srv, label, opts, in, len, out, out_len, e);
}
