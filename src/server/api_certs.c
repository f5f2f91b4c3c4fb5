/* server/api_certs.c — the certificates and tokens each person or agency holds, and who is
 * assigned an agency's certificate: one person, a clerk (văn thư) of that agency (Decree
 * 68/2024 Đ9.3, Đ20: only that person may use it). A PEM given on creation fills the serial,
 * names and validity from the certificate itself. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../store/queries.h"
#include "server.h"

static const char *const OWNER_KINDS[] = {"person", "agency", NULL};
static const char *const CERT_STATUSES[] = {"active", "suspended", "revoked", "expired", NULL};
static const kysod_field CERT[] = {
    {"owner_kind", F_STR, true, 0, OWNER_KINDS, NULL},
    {"user_id", F_INT_NULL, false, 0, NULL, NULL},
    {"agency_id", F_INT, true, 0, NULL, NULL},
    {"assigned_user_id", F_INT_NULL, false, 0, NULL, NULL},
    {"serial", F_STR, false, 40, NULL, "hex"},
    {"subject", F_STR, false, 1000, NULL, NULL},
    {"issuer", F_STR, false, 1000, NULL, NULL},
    {"not_before", F_TIME, false, 0, NULL, NULL},
    {"not_after", F_TIME, false, 0, NULL, NULL},
    {"token_id", F_INT_NULL, false, 0, NULL, NULL},
    {"status", F_STR, false, 0, CERT_STATUSES, NULL},
    {"pem", F_STR, false, 16384, NULL, NULL},
};
#define NCERT ((int)(sizeof CERT / sizeof *CERT))
static const kysod_field CERT_PATCH[] = {
    {"assigned_user_id", F_INT_NULL, false, 0, NULL, NULL},
    {"token_id", F_INT_NULL, false, 0, NULL, NULL},
    {"status", F_STR, false, 0, CERT_STATUSES, NULL},
};

static int scope(kysod_req *r, ks_db_arg *agency, ks_db_arg *user)
{
    int rc;
    if ((rc = kysod_query_id(r, "agency_id", agency)) || (rc = kysod_query_id(r, "user_id", user)))
        return rc;
    if (agency->type == KS_DB_INT) {
        /* a person sees their own certificates in any case */
        if (user->type == KS_DB_INT && user->i == r->s.user_id)
            return 0;
        return kysod_authorize(r, ACC_CERT_READER, agency->i);
    }
    if (user->type == KS_DB_INT && user->i == r->s.user_id)
        return 0;
    if (r->city_admin || r->city_auditor || r->reg_officer)
        return 0;
    if (!kysod_allowed(r, ACC_CERT_READER, r->s.agency_id)) {
        *user = KS_DB_I(r->s.user_id); /* others: their own */
        return 0;
    }
    *agency = KS_DB_I(r->s.agency_id);
    return 0;
}

int api_cert_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[5];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = scope(r, &a[0], &a[1])))
        return rc;
    const char *ok = kysod_query(r, "owner_kind");
    a[2] = KS_DB_S(ok);
    return kysod_page_cached(r, Q_CERT_LIST, Q_CERT_COUNT, a, 3, limit, offset);
}

static bool may_read_cert(kysod_req *r, json_t *c)
{
    return kysod_int(c, "user_id") == r->s.user_id ||
           kysod_int(c, "assigned_user_id") == r->s.user_id ||
           kysod_allowed(r, ACC_CERT_READER, kysod_int(c, "agency_id"));
}

int api_cert_get(kysod_req *r)
{
    json_t *c = NULL;
    int rc = kysod_load(r, Q_CERT_GET, r->id, N_("no such certificate"), &c);
    if (rc)
        return rc;
    if (!may_read_cert(r, c)) {
        rc = kysod_authorize(r, ACC_CERT_READER, kysod_int(c, "agency_id"));
        json_decref(c);
        return rc;
    }
    return kysod_json_etag(r, c);
}

/* The assigned user of an agency certificate must be a clerk of that agency. */
static int check_assignee(kysod_req *r, json_t *assigned, const char *owner_kind, int64_t agency)
{
    if (!assigned || json_is_null(assigned))
        return 0;
    if (strcmp(owner_kind, "agency") != 0)
        return kysod_fail(r, 400, "invalid_field", "assigned_user_id",
                          N_("only an agency certificate is assigned to a person"));
    ks_db_rows *rows = NULL;
    ks_db_arg a[5] = {KS_DB_I(agency), KS_DB_I(json_integer_value(assigned)), KS_DB_S("clerk")};
    int rc = kysod_db(r, Q_ROLE_COUNT, a, 3, &rows);
    if (rc)
        return rc;
    bool clerk = ks_db_cell_int(rows, 0, 0) > 0;
    ks_db_rows_free(rows);
    if (!clerk)
        return kysod_fail(r, 400, "invalid_field", "assigned_user_id",
                          N_("the agency certificate can be assigned only to a clerk (văn thư) "
                             "of that agency"));
    return 0;
}

static int check_token(kysod_req *r, json_t *token, int64_t agency)
{
    if (!token || json_is_null(token))
        return 0;
    json_t *t = NULL;
    int rc = kysod_load(r, Q_TOKEN_GET, json_integer_value(token), N_("no such token"), &t);
    bool ok = !rc && kysod_int(t, "agency_id") == agency;
    json_decref(t);
    if (!ok)
        return kysod_fail(r, 400, "invalid_field", "token_id",
                          N_("the token is not one of this agency's"));
    return 0;
}

static int64_t asn1_time(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

/* Fills serial, subject, issuer and validity from the PEM certificate. */
static int from_pem(kysod_req *r, json_t *b)
{
    const char *pem = kysod_str(b, "pem", NULL);
    if (!pem)
        return 0;
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!x)
        return kysod_fail(r, 400, "invalid_field", "pem", N_("\"pem\" is not a PEM certificate"));
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    char subj[1024] = "", iss[1024] = "";
    BIO *m = NULL;
    m = BIO_new(BIO_s_mem());
    int n = m ? X509_NAME_print_ex(m, X509_get_subject_name(x), 0,
                                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)
              : -1;
    n = n >= 0 ? BIO_read(m, subj, sizeof subj - 1) : 0;
    subj[n > 0 ? n : 0] = 0;
    BIO_free(m);
    m = BIO_new(BIO_s_mem());
    n = m ? X509_NAME_print_ex(m, X509_get_issuer_name(x), 0,
                               XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)
          : -1;
    n = n >= 0 ? BIO_read(m, iss, sizeof iss - 1) : 0;
    iss[n > 0 ? n : 0] = 0;
    BIO_free(m);
    char t1[32], t2[32];
    kysod_time_format(asn1_time(X509_get0_notBefore(x)), t1);
    kysod_time_format(asn1_time(X509_get0_notAfter(x)), t2);
    json_object_set_new(b, "serial", json_string(hex ? hex : ""));
    json_t *s = json_string(subj), *i = json_string(iss);
    json_object_set_new(b, "subject", s ? s : json_string(""));
    json_object_set_new(b, "issuer", i ? i : json_string(""));
    json_object_set_new(b, "not_before", json_string(t1));
    json_object_set_new(b, "not_after", json_string(t2));
    OPENSSL_free(hex);
    BN_free(bn);
    X509_free(x);
    return 0;
}

static ks_db_arg time_arg(json_t *b, const char *k)
{
    int64_t t;
    return kysod_time_parse(kysod_str(b, k, ""), &t) ? KS_DB_I(t) : KS_DB_NIL;
}

int api_cert_create(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *ag = json_object_get(b, "agency_id");
    int64_t agency = json_is_integer(ag) ? json_integer_value(ag) : 0;
    if (agency > 0 && (rc = kysod_authorize(r, ACC_CERT_MANAGER, agency)))
        goto done;
    if ((rc = kysod_body_check(r, b, CERT, NCERT, false)) || (rc = from_pem(r, b)))
        goto done;
    const char *kind = kysod_str(b, "owner_kind", "");
    json_t *user = json_object_get(b, "user_id");
    if (!kysod_str(b, "serial", NULL)) {
        rc =
            kysod_fail(r, 400, "invalid_field", "serial", N_("field \"%s\" is required"), "serial");
        goto done;
    }
    if (strcmp(kind, "person") == 0) {
        json_t *u = NULL;
        bool ok = json_is_integer(user) &&
                  !kysod_load(r, Q_USER_GET, json_integer_value(user), N_("no such user"), &u) &&
                  kysod_int(u, "agency_id") == agency;
        json_decref(u);
        if (!ok) {
            rc = kysod_fail(r, 400, "invalid_field", "user_id",
                            N_("a person's certificate needs user_id of someone in the agency"));
            goto done;
        }
    } else if (user && !json_is_null(user)) {
        rc = kysod_fail(r, 400, "invalid_field", "user_id",
                        N_("an agency certificate has no user_id; use assigned_user_id"));
        goto done;
    }
    if ((rc = check_assignee(r, json_object_get(b, "assigned_user_id"), kind, agency)) ||
        (rc = check_token(r, json_object_get(b, "token_id"), agency)))
        goto done;
    json_t *as = json_object_get(b, "assigned_user_id"), *tok = json_object_get(b, "token_id");
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[11] = {KS_DB_S(kind),
                       json_is_integer(user) ? KS_DB_I(json_integer_value(user)) : KS_DB_NIL,
                       KS_DB_I(agency),
                       json_is_integer(as) ? KS_DB_I(json_integer_value(as)) : KS_DB_NIL,
                       kysod_str_arg(b, NULL, "serial"),
                       kysod_str_arg(b, NULL, "subject"),
                       kysod_str_arg(b, NULL, "issuer"),
                       time_arg(b, "not_before"),
                       time_arg(b, "not_after"),
                       json_is_integer(tok) ? KS_DB_I(json_integer_value(tok)) : KS_DB_NIL,
                       KS_DB_S(kysod_str(b, "status", "active"))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_CERT_NEW, a, 11, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_E_STATE)
        ks_error_set(&e, KS_E_STATE, N_("a certificate with this serial is already recorded"));
    rc = kysod_commit(r, st, &e, "certificate.create", "certificate", id, agency, NULL, Q_CERT_GET,
                      201);
done:
    json_decref(b);
    return rc;
}

int api_cert_update(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_CERT_GET, r->id, N_("no such certificate"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_CERT_MANAGER, agency)))
        goto done;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, CERT_PATCH, 3, true)))
        goto done;
    json_t *as = json_object_get(b, "assigned_user_id");
    json_t *tok = json_object_get(b, "token_id");
    if ((as && (rc = check_assignee(r, as, kysod_str(cur, "owner_kind", ""), agency))) ||
        (tok && (rc = check_token(r, tok, agency))) || (rc = kysod_check_if_match(r, cur)))
        goto done;
    if (!as)
        as = json_object_get(cur, "assigned_user_id");
    if (!tok)
        tok = json_object_get(cur, "token_id");
    ks_error e;
    ks_db_arg a[4] = {KS_DB_I(r->id),
                      json_is_integer(as) ? KS_DB_I(json_integer_value(as)) : KS_DB_NIL,
                      json_is_integer(tok) ? KS_DB_I(json_integer_value(tok)) : KS_DB_NIL,
                      kysod_str_arg(b, cur, "status")};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_CERT_UPDATE, a, 4, NULL, NULL, &e);
    rc = kysod_commit(
        r, st, &e, kysod_has(b, "assigned_user_id") ? "certificate.assign" : "certificate.update",
        "certificate", r->id, agency, cur, Q_CERT_GET, 200);
    cur = NULL;
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}

/* ---- tokens ---- */

static const char *const TOKEN_STATUSES[] = {"in_use", "in_stock", "lost", "revoked", NULL};
static const kysod_field TOKEN[] = {
    {"serial", F_STR, true, 64, NULL, NULL},   {"label", F_STR, false, 64, NULL, NULL},
    {"model", F_STR, false, 100, NULL, NULL},  {"holder_user_id", F_INT_NULL, false, 0, NULL, NULL},
    {"agency_id", F_INT, true, 0, NULL, NULL}, {"status", F_STR, false, 0, TOKEN_STATUSES, NULL},
};

static int check_holder(kysod_req *r, json_t *h, int64_t agency)
{
    if (!h || json_is_null(h))
        return 0;
    json_t *u = NULL;
    int rc = kysod_load(r, Q_USER_GET, json_integer_value(h), N_("no such user"), &u);
    bool ok = !rc && kysod_int(u, "agency_id") == agency;
    json_decref(u);
    if (!ok)
        return kysod_fail(r, 400, "invalid_field", "holder_user_id",
                          N_("the person is not in this agency"));
    return 0;
}

int api_token_list(kysod_req *r)
{
    int64_t limit, offset;
    ks_db_arg a[4];
    int rc = kysod_query_page(r, &limit, &offset);
    if (rc || (rc = scope(r, &a[0], &a[1])))
        return rc;
    return kysod_page_cached(r, Q_TOKEN_LIST, Q_TOKEN_COUNT, a, 2, limit, offset);
}

int api_token_create(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc)
        return rc;
    json_t *ag = json_object_get(b, "agency_id");
    int64_t agency = json_is_integer(ag) ? json_integer_value(ag) : 0;
    if (agency > 0 && (rc = kysod_authorize(r, ACC_CERT_MANAGER, agency)))
        goto done;
    if ((rc = kysod_body_check(r, b, TOKEN, 6, false)) ||
        (rc = check_holder(r, json_object_get(b, "holder_user_id"), agency)))
        goto done;
    json_t *h = json_object_get(b, "holder_user_id");
    ks_error e;
    ks_db_rows *rows = NULL;
    ks_db_arg a[6] = {kysod_str_arg(b, NULL, "serial"),
                      kysod_str_arg(b, NULL, "label"),
                      kysod_str_arg(b, NULL, "model"),
                      json_is_integer(h) ? KS_DB_I(json_integer_value(h)) : KS_DB_NIL,
                      KS_DB_I(agency),
                      KS_DB_S(kysod_str(b, "status", "in_use"))};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_TOKEN_NEW, a, 6, &rows, NULL, &e);
    int64_t id = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_E_STATE)
        ks_error_set(&e, KS_E_STATE, N_("a token with this serial is already recorded"));
    rc = kysod_commit(r, st, &e, "token.create", "token", id, agency, NULL, Q_TOKEN_GET, 201);
done:
    json_decref(b);
    return rc;
}

static const kysod_field TOKEN_PATCH[] = {
    {"label", F_STR, false, 64, NULL, NULL},
    {"holder_user_id", F_INT_NULL, false, 0, NULL, NULL},
    {"status", F_STR, false, 0, TOKEN_STATUSES, NULL},
};

int api_token_update(kysod_req *r)
{
    json_t *b = NULL, *cur = NULL;
    int rc = kysod_load(r, Q_TOKEN_GET, r->id, N_("no such token"), &cur);
    int64_t agency = cur ? kysod_int(cur, "agency_id") : 0;
    if (rc || (rc = kysod_authorize(r, ACC_CERT_MANAGER, agency)))
        goto done;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, TOKEN_PATCH, 3, true)))
        goto done;
    json_t *h = json_object_get(b, "holder_user_id");
    if ((h && (rc = check_holder(r, h, agency))) || (rc = kysod_check_if_match(r, cur)))
        goto done;
    if (!h)
        h = json_object_get(cur, "holder_user_id");
    ks_error e;
    ks_db_arg a[4] = {KS_DB_I(r->id), kysod_str_arg(b, cur, "label"),
                      json_is_integer(h) ? KS_DB_I(json_integer_value(h)) : KS_DB_NIL,
                      kysod_str_arg(b, cur, "status")};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_TOKEN_UPDATE, a, 4, NULL, NULL, &e);
    rc = kysod_commit(r, st, &e, "token.update", "token", r->id, agency, cur, Q_TOKEN_GET, 200);
    cur = NULL;
done:
    json_decref(cur);
    json_decref(b);
    return rc;
}
