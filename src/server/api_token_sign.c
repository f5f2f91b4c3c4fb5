/* server/api_token_sign.c — a workflow document signed with the person's own token, in two
 * phases: begin prepares the PDF with the personal signature (the same options as the
 * server-side token path) and keeps the prepared state in the database, bound to the user, the
 * document version and an expiry; the browser has kyso-agent sign the hash; finish checks the
 * value against the certificate and that hash before it is embedded, then the document moves
 * on exactly as after the server-side sign. The batch routes do the same for up to 100
 * documents, which the agent signs with one dialog and one PIN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "../store/blob.h"
#include "api_token.h"
#include "doc_queries.h"
#include "docs.h"
#include "kyso/sign.h"
#include "token_queries.h"

/* ---- begin ---- */

/* One prepared document: its row for token_signings and its part of the answer. */
typedef struct prepared {
    int64_t doc;
    /* base: the document version signed; prep: the bytes prepare read (the same, or the
     * version with the number and date fields the personal signature adds), kept as a blob */
    char sign_id[64], base_sha256[65], prep_sha256[65], hash_b64[100];
    char *state_b64;
    json_t *item;
} prepared;

static char *b64_new(const uint8_t *p, size_t n)
{
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *s = malloc(cap);
    if (s)
        sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

static const char *scheme_name(ks_sig_scheme s)
{
    return s == KS_SIG_ECDSA ? "ECDSA" : s == KS_SIG_RSA_PSS ? "RSA-PSS" : "RSASSA-PKCS1-v1_5";
}

/* Reads the optional body member "position" {page, rect: [x0, y0, x1, y1]} (points, the page's
 * default user space) into `o`: where the signature goes when the signer block is not found
 * by its title and name lines. 0, or 400 set. */
static int read_position(kysod_req *r, json_t *b, ks_sign_opts *o)
{
    json_t *pos = json_object_get(b, "position");
    if (!pos)
        return 0;
    json_t *page = json_object_get(pos, "page"), *rect = json_object_get(pos, "rect");
    bool ok = json_is_object(pos) && json_object_size(pos) == (size_t)(!!page + !!rect) &&
              (!page || (json_is_integer(page) && json_integer_value(page) >= 1 &&
                         json_integer_value(page) <= 100000)) &&
              json_is_array(rect) && json_array_size(rect) == 4;
    double v[4] = {0};
    for (size_t i = 0; ok && i < 4; i++) {
        json_t *x = json_array_get(rect, i);
        ok = json_is_number(x) && json_number_value(x) >= 0 && json_number_value(x) <= 14400;
        v[i] = ok ? json_number_value(x) : 0;
    }
    if (!ok || v[0] >= v[2] || v[1] >= v[3])
        return kysod_fail(r, 400, "invalid_field", "position",
                          N_("\"position\" must be {page, rect: [x0, y0, x1, y1]} in points, "
                             "x0 < x1 and y0 < y1"));
    o->page = page ? (long)json_integer_value(page) : 0;
    o->has_rect = true;
    o->rect.x0 = v[0];
    o->rect.y0 = v[1];
    o->rect.x1 = v[2];
    o->rect.y1 = v[3];
    return 0;
}

/* Prepares document `id` for the signer `me` with certificate `c`; 0 or the answer set. */
static int begin_one(kysod_req *r, int64_t id, token_cert *c, json_t *me, json_t *b, prepared *p)
{
    json_t *doc = NULL;
    uint8_t *pdf = NULL, *img = NULL, *state = NULL;
    size_t len = 0, img_len = 0, slen = 0;
    ks_sign_ctx *sc = NULL;
    r->id = id;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) ||
        (rc = docs_need_role(r, doc, "signer", N_("only a signer of the agency signs"))))
        goto done;
    if (strcmp(kysod_str(doc, "state", ""), DOC_SIGNING) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("document %lld is \"%s\"; this step needs \"%s\""), (long long)id,
                        kysod_str(doc, "state", ""), DOC_SIGNING);
        goto done;
    }
    snprintf(p->base_sha256, sizeof p->base_sha256, "%s", kysod_str(doc, "sha256", ""));
    if ((rc = docs_read_pdf(r, p->base_sha256, &pdf, &len)) ||
        (rc = docs_refuse_classified(r, NULL, pdf, len)))
        goto done;
    /* The personal signature exactly as api_doc_sign draws it (docs_personal_sign_options:
     * title and name of the signer, the number and date fields it leaves open; then the
     * signature image); only the key is elsewhere. */
    ks_sign_opts o;
    const char *title = kysod_str(b, "title", NULL);
    if ((rc = docs_personal_sign_options(r, title && *title ? title : kysod_str(me, "title", ""),
                                         kysod_str(me, "full_name", ""), &pdf, &len, &o)))
        goto done;
    o.ctx = r->srv->ctx;
    /* token_cert_check asked OCSP/CRL once for the whole request: not again per document */
    o.offline = true;
    if ((rc = read_position(r, b, &o)))
        goto done;
    ks_signer who = {0};
    who.cert = c->cert;
    who.chain = c->chain;
    EVP_PKEY *pk = X509_get0_pubkey(c->cert);
    who.key_type = pk ? EVP_PKEY_get_base_id(pk) : 0;
    who.key_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
    who.max_sig_len = pk ? (size_t)EVP_PKEY_get_size(pk) + 16 : 0;
    if (who.key_type == EVP_PKEY_EC)
        o.scheme = KS_SIG_ECDSA;
    ks_error e;
    ks_cms_tbs tbs;
    ks_status st = docs_read_image(&r->srv->cfg, "user", r->s.user_id, &img, &img_len, &e);
    o.image_data = img;
    o.image_len = img_len;
    if (st == KS_OK)
        st = ks_blob_put(r->srv->cfg.blob_dir, pdf, len, p->prep_sha256, &e);
    if (st == KS_OK)
        st = ks_sign_prepare_mem(pdf, len, "document.pdf", &o, &who, &sc, &e);
    if (st == KS_OK)
        st = ks_sign_begin(sc, &tbs, &e);
    if (st == KS_OK)
        st = ks_sign_prepared_save(sc, &state, &slen, &e);
    if (st != KS_OK) {
        char buf[1024];
        rc = kysod_fail(r, e.status == KS_E_NOMEM ? 500 : 422, "sign_failed", NULL,
                        N_("document %lld: %s"), (long long)id,
                        kysod_err_text(r, &e, buf, sizeof buf));
        goto done;
    }
    uint8_t sid[32];
    randombytes_buf(sid, sizeof sid);
    sodium_bin2base64(p->sign_id, sizeof p->sign_id, sid, sizeof sid,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_bin2base64(p->hash_b64, sizeof p->hash_b64, tbs.hash, tbs.hash_len,
                      sodium_base64_VARIANT_ORIGINAL);
    p->state_b64 = b64_new(state, slen);
    p->doc = id;
    char title_txt[600];
    snprintf(title_txt, sizeof title_txt, "%s: %s", kysod_str(doc, "doc_type", ""),
             kysod_str(doc, "summary", ""));
    p->item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "document_id", (json_int_t)id, "sign_id",
                        p->sign_id, "title", title_txt, "hash", p->hash_b64, "hashAlgorithm",
                        ks_md_name(tbs.md), "signatureAlgorithm", scheme_name(tbs.scheme));
    if (!p->state_b64 || !p->item)
        rc = kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
done:
    ks_sign_ctx_free(sc);
    json_decref(doc);
    free(pdf);
    free(img);
    free(state);
    return rc;
}

static void prepared_free(prepared *p, int n)
{
    for (int i = 0; p && i < n; i++) {
        free(p[i].state_b64);
        json_decref(p[i].item);
    }
    free(p);
}

/* Begins the signatures of `ids` (n of them) with the certificate of body member
 * "certificate"; answers {certificate, expires_at, items[]}. */
static int begin_many(kysod_req *r, json_t *b, const int64_t *ids, int n)
{
    token_cert c = {0};
    json_t *me = NULL;
    prepared *p = calloc((size_t)n, sizeof *p);
    int done_n = 0, rc = 0;
    int64_t uid = 0, agency = 0;
    char login[65];
    if (!p)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    if ((rc = token_need_trust(r)) ||
        (rc = token_cert_parse(r, kysod_str(b, "certificate", NULL), "certificate", &c)) ||
        (rc = token_cert_owner(r, &c, 409, &uid, &agency, login)))
        goto done;
    if (uid != r->s.user_id) {
        rc = kysod_fail(r, 409, "wrong_certificate", "certificate",
                        N_("this certificate is registered to someone else, not to you"));
        goto done;
    }
    if ((rc = token_cert_check(r, &c, 409)) ||
        (rc = kysod_load(r, Q_USER_NAME, r->s.user_id, N_("no such user"), &me)))
        goto done;
    for (; done_n < n; done_n++)
        if ((rc = begin_one(r, ids[done_n], &c, me, b, &p[done_n])))
            goto done;
    int64_t now = (int64_t)ks_ctx_now(r->srv->ctx);
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    ks_db_arg purge = KS_DB_I(now - 86400);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_TS_PURGE, &purge, 1, NULL, NULL, &e);
    json_t *items = json_array();
    for (int i = 0; st == KS_OK && i < n; i++) {
        ks_db_arg a[10] = {KS_DB_S(p[i].sign_id),       KS_DB_I(r->s.user_id),
                           KS_DB_I(p[i].doc),           KS_DB_S(p[i].base_sha256),
                           KS_DB_S(c.sha256),           KS_DB_S(p[i].hash_b64),
                           KS_DB_S(p[i].state_b64),     KS_DB_I(now),
                           KS_DB_I(now + TOKEN_SIGN_S), KS_DB_S(p[i].prep_sha256)};
        st = ks_db_run(r->db, Q_TS_NEW, a, 10, NULL, NULL, &e);
        char obj[40];
        snprintf(obj, sizeof obj, "document/%lld", (long long)p[i].doc);
        json_t *what = json_pack("{s:s, s:s}", "certificate", c.serial, "hash", p[i].hash_b64);
        if (st == KS_OK)
            st = kysod_audit(r, "document.sign_begin", obj, agency, NULL, what, &e);
        json_decref(what);
        json_array_append(items, p[i].item);
    }
    if ((st = ks_db_tx_end(r->db, st, &e)) != KS_OK) {
        json_decref(items);
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    char exp[32];
    kysod_time_format(now + TOKEN_SIGN_S, exp);
    rc = kysod_json(
        r, 200,
        json_pack("{s:s, s:s, s:o}", "certificate", c.sha256, "expires_at", exp, "items", items));
done:
    prepared_free(p, n);
    json_decref(me);
    token_cert_free(&c);
    return rc;
}

static const kysod_field BEGIN[] = {
    {"certificate", F_STR, true, 16000, NULL, NULL},
    {"title", F_STR, false, 100, NULL, NULL},
    {"position", F_OBJ, false, 0, NULL, NULL},
};

/* POST /documents/{id}/sign/begin {certificate, title?, position?} */
int api_token_sign_begin(kysod_req *r)
{
    json_t *b = NULL, *doc = NULL;
    int64_t id = r->id;
    int rc = docs_load(r, &doc); /* 404 before anything else for a document one cannot see */
    json_decref(doc);
    if (rc)
        return rc;
    rc = kysod_body_object(r, &b);
    if (!rc && !(rc = kysod_body_check(r, b, BEGIN, 3, false)))
        rc = begin_many(r, b, &id, 1);
    json_decref(b);
    if (rc == 200 && r->out) { /* one document: its item at the top level */
        json_t *it = json_array_get(json_object_get(r->out, "items"), 0);
        json_object_update_missing(r->out, it);
    }
    return rc;
}

/* Reads body member `key` as an array of 1..TOKEN_BATCH_MAX elements: 0 or 400 set. */
static int batch_array(kysod_req *r, json_t *b, const char *key, json_t **arr)
{
    *arr = json_object_get(b, key);
    size_t n = json_array_size(*arr);
    if (!json_is_array(*arr) || n == 0 || n > TOKEN_BATCH_MAX)
        return kysod_fail(r, 400, "invalid_field", key,
                          N_("\"%s\" must be a list of 1 to %d items"), key, TOKEN_BATCH_MAX);
    return 0;
}

/* POST /sign-batch/begin {document_ids, certificate, title?} */
int api_token_batch_begin(kysod_req *r)
{
    json_t *b = NULL, *arr = NULL;
    int64_t ids[TOKEN_BATCH_MAX];
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *copy = json_copy(b);
    json_object_del(copy, "document_ids");
    if ((rc = kysod_body_check(r, copy, BEGIN, 3, false)) ||
        (rc = batch_array(r, b, "document_ids", &arr)))
        goto done;
    size_t i, n = json_array_size(arr);
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        ids[i] = json_is_integer(v) ? json_integer_value(v) : 0;
        for (size_t j = 0; j < i && ids[i] > 0; j++)
            if (ids[j] == ids[i])
                ids[i] = 0;
        if (ids[i] <= 0) {
            rc = kysod_fail(r, 400, "invalid_field", "document_ids",
                            N_("\"document_ids\" must hold distinct document ids"));
            goto done;
        }
    }
    rc = begin_many(r, b, ids, (int)n);
done:
    json_decref(copy);
    json_decref(b);
    return rc;
}

/* ---- finish ---- */

typedef struct finished {
    char sign_id[64];
    int64_t doc, agency;
    json_t *before;
    uint8_t *out;
    size_t out_len;
} finished;

/* Checks `sig_b64` for the prepared signature `sign_id` of the caller and builds the signed
 * PDF in memory; 0 or the answer set. Nothing is stored yet. */
static int finish_one(kysod_req *r, const char *sign_id, const char *sig_b64, finished *f)
{
    ks_db_rows *rows = NULL;
    json_t *doc = NULL;
    uint8_t *pdf = NULL, *state = NULL, *sig = NULL;
    size_t len = 0, slen = 0, sig_len = 0;
    ks_sign_ctx *sc = NULL;
    ks_db_arg a[2] = {KS_DB_S(sign_id), KS_DB_I(r->s.user_id)};
    int rc = kysod_db(r, Q_TS_GET, a, 2, &rows);
    if (rc)
        return rc;
    if (rows->nrows == 0) {
        rc = kysod_fail(r, 404, "not_found", "sign_id",
                        N_("no signature of yours is waiting under this sign_id"));
        goto done;
    }
    snprintf(f->sign_id, sizeof f->sign_id, "%s", sign_id);
    f->doc = ks_db_cell_int(rows, 0, 0);
    const char *base = ks_db_cell(rows, 0, 1), *st_b64 = ks_db_cell(rows, 0, 4);
    int64_t expires = ks_db_cell_int(rows, 0, 5);
    if (ks_db_cell(rows, 0, 6)) {
        rc = kysod_fail(r, 409, "already_finished", "sign_id",
                        N_("this signature was finished already"));
        goto done;
    }
    if ((int64_t)ks_ctx_now(r->srv->ctx) > expires) {
        rc = kysod_fail(r, 410, "expired", "sign_id",
                        N_("the prepared signature waited more than %d minutes: sign again"),
                        TOKEN_SIGN_S / 60);
        goto done;
    }
    r->id = f->doc;
    if ((rc = docs_load(r, &doc)) ||
        (rc = docs_need_role(r, doc, "signer", N_("only a signer of the agency signs"))))
        goto done;
    if (strcmp(kysod_str(doc, "state", ""), DOC_SIGNING) != 0 ||
        strcmp(kysod_str(doc, "sha256", ""), base) != 0) {
        rc = kysod_fail(r, 409, "wrong_state", "state",
                        N_("document %lld changed after the signature was prepared: sign again"),
                        (long long)f->doc);
        goto done;
    }
    if ((rc = docs_read_pdf(r, ks_db_cell(rows, 0, 7), &pdf, &len)))
        goto done;
    size_t n = strlen(st_b64), m = sig_b64 ? strlen(sig_b64) : 0;
    state = malloc(n + 1);
    sig = m && m < 8192 ? malloc(m + 1) : NULL;
    if (!state || !sig ||
        sodium_base642bin(state, n + 1, st_b64, n, NULL, &slen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        sodium_base642bin(sig, m + 1, sig_b64, m, NULL, &sig_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        rc = kysod_fail(r, 400, "invalid_field", "signature",
                        N_("\"signature\" must be the base64 signature value"));
        goto done;
    }
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.ctx = r->srv->ctx;
    ks_error e;
    ks_status st = ks_sign_prepared_load(state, slen, pdf, len, "document.pdf", &o, &sc, &e);
    if (st == KS_OK)
        st = ks_sign_finish(sc, sig, sig_len, &e);
    if (st == KS_OK)
        st = ks_sign_write_mem(sc, &f->out, &f->out_len, &e);
    if (st != KS_OK) {
        char buf[1024];
        rc = kysod_fail(r, st == KS_E_NOMEM || st == KS_E_IO ? 500 : 422,
                        st == KS_E_CRYPTO ? "bad_signature" : "sign_failed", "signature",
                        N_("document %lld: %s"), (long long)f->doc,
                        kysod_err_text(r, &e, buf, sizeof buf));
        goto done;
    }
    f->agency = kysod_int(doc, "agency_id");
    f->before = doc;
    doc = NULL;
done:
    ks_db_rows_free(rows);
    ks_sign_ctx_free(sc);
    json_decref(doc);
    free(pdf);
    free(state);
    free(sig);
    return rc;
}

/* Inside the caller's transaction: the prepared signature used, the document signed. */
static ks_status finish_store(kysod_req *r, finished *f, ks_error *e)
{
    int64_t changed = 0;
    ks_db_arg a[3] = {KS_DB_S(f->sign_id), KS_DB_I(r->s.user_id),
                      KS_DB_I((int64_t)ks_ctx_now(r->srv->ctx))};
    ks_status st = ks_db_run(r->db, Q_TS_DONE, a, 3, NULL, &changed, e);
    if (st == KS_OK && changed != 1)
        st = ks_error_set(e, KS_E_STATE, N_("this signature was finished already"));
    if (st == KS_OK)
        st = docs_move(r, f->doc, DOC_SIGNING, DOC_SIGNED, e);
    if (st == KS_OK)
        st = docs_add_version(r, f->doc, f->out, f->out_len, "signed", e);
    ks_db_arg s[2] = {KS_DB_I(f->doc), KS_DB_I(r->s.user_id)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_DOC_SET_SIGNER, s, 2, NULL, NULL, e);
    return st;
}

static void finished_free(finished *f, int n)
{
    for (int i = 0; f && i < n; i++) {
        json_decref(f[i].before);
        free(f[i].out);
    }
    free(f);
}

static const kysod_field FINISH[] = {
    {"sign_id", F_STR, true, 60, NULL, NULL},
    {"signature", F_STR, true, 8000, NULL, NULL},
};

/* POST /documents/{id}/sign/finish {sign_id, signature} */
int api_token_sign_finish(kysod_req *r)
{
    json_t *b = NULL, *doc = NULL;
    finished f = {0};
    int64_t id = r->id;
    int rc = docs_load(r, &doc);
    json_decref(doc);
    if (rc)
        return rc;
    rc = kysod_body_object(r, &b);
    if (rc || (rc = kysod_body_check(r, b, FINISH, 2, false)) ||
        (rc = finish_one(r, kysod_str(b, "sign_id", ""), kysod_str(b, "signature", ""), &f)))
        goto done;
    if (f.doc != id) {
        rc = kysod_fail(r, 409, "wrong_document", "sign_id",
                        N_("this sign_id belongs to document %lld"), (long long)f.doc);
        goto done;
    }
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = finish_store(r, &f, &e);
    rc = kysod_commit(r, st, &e, "document.sign", "document", f.doc, f.agency, f.before, Q_DOC_GET,
                      200);
    f.before = NULL;
done:
    json_decref(f.before);
    free(f.out);
    json_decref(b);
    return rc;
}

/* POST /sign-batch/finish {items: [{sign_id, signature}]}: every value is checked before any
 * document moves; then all move in one transaction. */
int api_token_batch_finish(kysod_req *r)
{
    json_t *b = NULL, *arr = NULL;
    finished *f = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc || (rc = batch_array(r, b, "items", &arr)))
        goto done;
    if (json_object_size(b) != 1) {
        rc = kysod_fail(r, 400, "invalid_field", NULL, N_("only \"items\" is expected"));
        goto done;
    }
    size_t n = json_array_size(arr), i;
    f = calloc(n, sizeof *f);
    if (!f) {
        rc = kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
        goto done;
    }
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_object(v) || (rc = kysod_body_check(r, v, FINISH, 2, false)) ||
            (rc = finish_one(r, kysod_str(v, "sign_id", ""), kysod_str(v, "signature", ""),
                             &f[i]))) {
            if (!rc)
                rc = kysod_fail(r, 400, "invalid_field", "items",
                                N_("each item must be {sign_id, signature}"));
            goto done;
        }
    }
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    json_t *ids = json_array();
    for (i = 0; st == KS_OK && i < n; i++) {
        st = finish_store(r, &f[i], &e);
        char obj[40];
        snprintf(obj, sizeof obj, "document/%lld", (long long)f[i].doc);
        json_t *what = json_pack("{s:s, s:b}", "state", DOC_SIGNED, "batch", true);
        if (st == KS_OK)
            st = kysod_audit(r, "document.sign", obj, f[i].agency, f[i].before, what, &e);
        json_decref(what);
        json_array_append_new(ids, json_integer(f[i].doc));
    }
    if ((st = ks_db_tx_end(r->db, st, &e)) != KS_OK) {
        json_decref(ids);
        rc = kysod_fail_err(r, &e);
        goto done;
    }
    rc = kysod_json(r, 200, json_pack("{s:o}", "signed", ids));
done:
    finished_free(f, f ? (int)json_array_size(arr) : 0);
    json_decref(b);
    return rc;
}

/* GET /sign-batch/waiting: approved documents waiting for my signature. */
int api_token_waiting(kysod_req *r)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->s.user_id);
    int rc = kysod_db(r, Q_TS_WAITING, &a, 1, &rows);
    if (rc)
        return rc;
    json_t *items = kysod_rows_json(rows);
    ks_db_rows_free(rows);
    return kysod_json(r, 200, json_pack("{s:o}", "items", items));
}
