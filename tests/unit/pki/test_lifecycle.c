/* tests/unit/pki/test_lifecycle.c — a CA through the library: init, issue (profile extensions
 * read back with OpenSSL), renewal and change rules, revocation, CRLs, the audit chain (and
 * that tampering with it is found), and the responders (OCSP good/revoked/unknown/malformed,
 * cache bypass on revocation, nonce echo; RFC 3161 grant and rejection), verified with
 * OpenSSL's own OCSP and TS verification code as the oracle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "responder.h"
#include "test.h"

static char g_dir[4200];
static X509 *g_root, *g_issuing;

static X509 *load_pem(const char *name)
{
    char path[4400];
    X509 *x = NULL;
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    ks_pki_cert_load(path, &x, NULL);
    return x;
}

static bool has_policy(X509 *x, const char *oid)
{
    CERTIFICATEPOLICIES *pol = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
    bool found = false;
    char buf[128];
    for (int i = 0; pol && i < sk_POLICYINFO_num(pol); i++) {
        OBJ_obj2txt(buf, sizeof buf, sk_POLICYINFO_value(pol, i)->policyid, 1);
        found = found || strcmp(buf, oid) == 0;
    }
    CERTIFICATEPOLICIES_free(pol);
    return found;
}

static bool ext_critical(X509 *x, int nid)
{
    int i = X509_get_ext_by_NID(x, nid, -1);
    return i >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x, i));
}

/* Asks the responder about `cert` and returns the status (-1: no valid signed answer). */
static int ocsp_status(ks_responder *r, X509 *cert, bool nonce, int *reason)
{
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, g_issuing);
    OCSP_request_add0_id(req, id);
    if (nonce)
        OCSP_request_add1_nonce(req, NULL, 16);
    unsigned char *der = NULL;
    int n = i2d_OCSP_REQUEST(req, &der);
    uint8_t *out = NULL;
    size_t out_len = 0;
    int status = -1;
    ks_error e;
    if (ks_responder_ocsp(r, der, (size_t)n, &out, &out_len, &e) == KS_OK) {
        const unsigned char *p = out;
        OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)out_len);
        OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
        X509_STORE *store = X509_STORE_new();
        X509_STORE_add_cert(store, g_root);
        int st = 0, rs = -1;
        ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
        /* For a certificate the issuing CA did not issue, the delegated responder is not
         * authorised (RFC 6960 §4.2.2.2), so only the signature is checked then. */
        unsigned long flags = cert == g_issuing ? OCSP_NOCHECKS : 0;
        if (bs && OCSP_basic_verify(bs, NULL, store, flags) == 1 &&
            (!nonce || OCSP_check_nonce(req, bs) == 1) &&
            OCSP_resp_find_status(bs, id, &st, &rs, &rev, &thisu, &nextu) == 1 &&
            OCSP_check_validity(thisu, nextu, 300, -1) == 1) {
            status = st;
            *reason = rs;
        }
        X509_STORE_free(store);
        OCSP_BASICRESP_free(bs);
        OCSP_RESPONSE_free(resp);
    }
    free(out);
    OPENSSL_free(der);
    OCSP_REQUEST_free(req);
    return status;
}

static int ocsp_response_status(ks_responder *r, const uint8_t *req, size_t len)
{
    uint8_t *out = NULL;
    size_t out_len = 0;
    int status = -1;
    ks_error e;
    if (ks_responder_ocsp(r, req, len, &out, &out_len, &e) == KS_OK) {
        const unsigned char *p = out;
        OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)out_len);
        if (resp)
            status = OCSP_response_status(resp);
        OCSP_RESPONSE_free(resp);
    }
    free(out);
    return status;
}

/* Requests a timestamp over `data` with digest `md`; returns the PKI status (-1: no answer)
 * and whether OpenSSL's TS verification (imprint, nonce, signer path to the root) accepts it. */
static int timestamp(ks_responder *r, const EVP_MD *md, bool *verified)
{
    static const uint8_t data[] = "văn bản";
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    EVP_Digest(data, sizeof data, h, &hl, md, NULL);
    TS_REQ *q = TS_REQ_new();
    TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
    X509_ALGOR *alg = X509_ALGOR_new();
    X509_ALGOR_set_md(alg, md);
    TS_MSG_IMPRINT_set_algo(mi, alg);
    TS_MSG_IMPRINT_set_msg(mi, h, (int)hl);
    TS_REQ_set_version(q, 1);
    TS_REQ_set_msg_imprint(q, mi);
    TS_REQ_set_cert_req(q, 1);
    ASN1_INTEGER *nonce = ASN1_INTEGER_new();
    ASN1_INTEGER_set(nonce, 0x5eed1234);
    TS_REQ_set_nonce(q, nonce);
    unsigned char *der = NULL;
    int n = i2d_TS_REQ(q, &der);
    uint8_t *out = NULL;
    size_t out_len = 0;
    int status = -1;
    *verified = false;
    ks_error e;
    if (ks_responder_tsa(r, der, (size_t)n, &out, &out_len, &e) == KS_OK) {
        const unsigned char *p = out;
        TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)out_len);
        if (resp) {
            status =
                (int)ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
            TS_VERIFY_CTX *vc = TS_REQ_to_TS_VERIFY_CTX(q, NULL);
            X509_STORE *store = X509_STORE_new();
            X509_STORE_add_cert(store, g_root);
            TS_VERIFY_CTX_set_store(vc, store);
            STACK_OF(X509) *untrusted = sk_X509_new_null();
            X509_up_ref(g_issuing);
            sk_X509_push(untrusted, g_issuing);
            TS_VERIFY_CTX_set_certs(vc, untrusted);
            *verified = status == 0 && TS_RESP_verify_response(vc, resp) == 1;
            TS_VERIFY_CTX_free(vc);
        }
        TS_RESP_free(resp);
    }
    free(out);
    OPENSSL_free(der);
    X509_ALGOR_free(alg);
    TS_MSG_IMPRINT_free(mi);
    ASN1_INTEGER_free(nonce);
    TS_REQ_free(q);
    return status;
}

static int64_t count_rows(ks_ca *ca, const char *table)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(ca->db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static X509_CRL *crl_of(ks_ca *ca)
{
    uint8_t *der = NULL;
    size_t n = 0;
    X509_CRL *crl = NULL;
    if (ks_ca_crl(ca, &der, &n, NULL) == KS_OK) {
        const unsigned char *p = der;
        crl = d2i_X509_CRL(NULL, &p, (long)n);
    }
    free(der);
    return crl;
}

static bool crl_lists(X509_CRL *crl, X509 *cert, int *reason)
{
    X509_REVOKED *rv = NULL;
    if (!crl || X509_CRL_get0_by_serial(crl, &rv, X509_get0_serialNumber(cert)) != 1)
        return false;
    ASN1_ENUMERATED *re = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL);
    *reason = re ? (int)ASN1_ENUMERATED_get(re) : -1;
    ASN1_ENUMERATED_free(re);
    return true;
}

int main(void)
{
    ks_error e;
    snprintf(g_dir, sizeof g_dir, "%s/ca", ks_test_tmpdir("pki-lifecycle"));
    ks_ca_init_opts io = {.base_url = "http://127.0.0.1:8765", .ca_key_spec = "ec:P-384"};
    CHECK(ks_ca_init(g_dir, &io, &e) == KS_OK);
    CHECK(ks_ca_init(g_dir, &io, &e) == KS_E_STATE);
    ks_ca_init_opts bad_url = {.base_url = "ftp://x"};
    CHECK(ks_ca_init("/nonexistent-dir-kyso/x", &bad_url, &e) == KS_E_USAGE);
    ks_ca *ca = NULL;
    CHECK(ks_ca_open(g_dir, NULL, &ca, &e) == KS_OK);
    if (!ca)
        return ks_test_done();
    g_root = load_pem("root.pem");
    g_issuing = load_pem("issuing-ca.pem");
    CHECK_STR(ks_ca_base_url(ca), "http://127.0.0.1:8765");
    CHECK(X509_cmp(ks_ca_issuing_cert(ca), g_issuing) == 0);

    /* the CA-side certificates */
    X509 *tsa = load_pem("tsa.pem"), *ocsp = load_pem("ocsp.pem");
    CHECK(tsa && ext_critical(tsa, NID_ext_key_usage) &&
          (X509_get_extended_key_usage(tsa) & XKU_TIMESTAMP));
    CHECK(ocsp && (X509_get_extended_key_usage(ocsp) & XKU_OCSP_SIGN) &&
          X509_get_ext_by_NID(ocsp, NID_id_pkix_OCSP_noCheck, -1) >= 0);
    CHECK(g_issuing && X509_check_ca(g_issuing) == 1 && X509_check_ca(g_root) == 1);
    X509_free(tsa);
    X509_free(ocsp);

    /* issue */
    EVP_PKEY *key = NULL;
    CHECK(ks_pki_keygen("ec:P-256", &key, &e) == KS_OK);
    ks_pki_subject ps = {.profile = KS_PROFILE_PERSONAL,
                         .name = "Nguyễn Thị Hoa",
                         .title = "Phó Giám đốc",
                         .org = "Sở Tư pháp",
                         .email = "hoa@stp.gov.vn"};
    X509 *a = NULL, *a2 = NULL, *a3 = NULL;
    CHECK(ks_ca_issue(ca, &ps, key, 6, &a, &e) == KS_E_USAGE && !a);
    CHECK(ks_ca_issue(ca, &ps, key, 2, &a, &e) == KS_OK && a);
    if (!a)
        return ks_test_done();
    CHECK(ext_critical(a, NID_key_usage));
    CHECK(X509_get_key_usage(a) == (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
    CHECK(X509_check_ca(a) == 0);
    CHECK(has_policy(a, KS_PKI_POLICY_PERSONAL));
    CHECK(X509_get0_subject_key_id(a) && X509_get0_authority_key_id(a));
    /* serial: 16 random bytes, positive */
    const ASN1_INTEGER *sn = X509_get0_serialNumber(a);
    CHECK(ASN1_STRING_type(sn) == V_ASN1_INTEGER && ASN1_STRING_length(sn) >= 15 &&
          ASN1_STRING_length(sn) <= 16);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, g_root);
    STACK_OF(X509) *chain = sk_X509_new_null();
    sk_X509_push(chain, g_issuing);
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(vctx, store, a, chain);
    CHECK(X509_verify_cert(vctx) == 1);
    X509_STORE_CTX_free(vctx);
    char serial[80];
    ks_pki_serial_hex(sn, serial);

    /* renew: same key, same subject, expiry + 1 year; limits */
    CHECK(ks_ca_renew(ca, serial, 4, &a2, &e) == KS_E_USAGE);
    CHECK(ks_ca_renew(ca, serial, 1, &a2, &e) == KS_OK && a2);
    CHECK(a2 && X509_NAME_cmp(X509_get_subject_name(a), X509_get_subject_name(a2)) == 0);
    CHECK(a2 && EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(a2)) == 1);
    int days = 0, secs = 0;
    CHECK(a2 && ASN1_TIME_diff(&days, &secs, X509_get0_notAfter(a), X509_get0_notAfter(a2)) &&
          (days == 365 || days == 366) && secs == 0);

    /* change is one transaction: when superseding the old certificate fails (a trigger stands
     * in for a crash or a full disk), the new certificate is neither recorded nor audited. */
    ks_pki_subject ch = {.title = "Giám đốc"};
    int64_t certs0 = count_rows(ca, "certs"), audit0 = count_rows(ca, "audit");
    CHECK(ks_sqlite_exec(ca->db,
                         "CREATE TRIGGER inject BEFORE UPDATE OF revoked ON certs"
                         " BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
                         &e) == KS_OK);
    X509 *none = NULL;
    CHECK(ks_ca_change(ca, serial, &ch, &none, &e) == KS_E_IO && !none);
    CHECK(strstr(e.msg_en, "injected failure") != NULL);
    CHECK(count_rows(ca, "certs") == certs0 && count_rows(ca, "audit") == audit0);
    CHECK(ks_sqlite_exec(ca->db, "DROP TRIGGER inject", &e) == KS_OK);

    /* change: new title, same key, same expiry; old one superseded */
    CHECK(ks_ca_change(ca, serial, &ch, &a3, &e) == KS_OK && a3);
    CHECK(a3 && ASN1_TIME_compare(X509_get0_notAfter(a), X509_get0_notAfter(a3)) == 0);
    CHECK(a3 && EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(a3)) == 1);
    X509 *again = NULL;
    CHECK(ks_ca_change(ca, serial, &ch, &again, &e) == KS_E_STATE && !again);
    CHECK(ks_ca_renew(ca, serial, 1, &again, &e) == KS_E_STATE && !again);
    CHECK(ks_ca_revoke(ca, serial, 1, &e) == KS_E_STATE);
    char root_serial[80];
    ks_pki_serial_hex(X509_get0_serialNumber(g_root), root_serial);
    CHECK(ks_ca_revoke(ca, root_serial, 1, &e) == KS_E_USAGE);
    CHECK(ks_ca_revoke(ca, "ABCDEF", 1, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "no certificate with serial ABCDEF in this CA");

    /* CRL */
    X509_CRL *crl = crl_of(ca);
    int reason = -1;
    CHECK(crl && X509_CRL_verify(crl, X509_get0_pubkey(g_issuing)) == 1);
    CHECK(crl_lists(crl, a, &reason) && reason == 4);
    CHECK(!crl_lists(crl, a2, &reason));
    X509_CRL_free(crl);

    /* responders */
    ks_responder *r = NULL;
    CHECK(ks_responder_open(g_dir, NULL, &r, &e) == KS_OK && r);
    if (r) {
        CHECK(ocsp_status(r, a2, false, &reason) == V_OCSP_CERTSTATUS_GOOD);
        CHECK(ocsp_status(r, a2, true, &reason) == V_OCSP_CERTSTATUS_GOOD);
        CHECK(ocsp_status(r, a, true, &reason) == V_OCSP_CERTSTATUS_REVOKED && reason == 4);
        char s2[80];
        ks_pki_serial_hex(X509_get0_serialNumber(a2), s2);
        /* the nonce-less answer was cached as good: a revocation must bypass it at once */
        CHECK(ks_ca_revoke(ca, s2, 1, &e) == KS_OK);
        CHECK(ocsp_status(r, a2, false, &reason) == V_OCSP_CERTSTATUS_REVOKED && reason == 1);
        int ist = ocsp_status(r, g_issuing, false, &reason);
        CHECK_MSG(ist == V_OCSP_CERTSTATUS_UNKNOWN, "status %d", ist);
        static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
        CHECK(ocsp_response_status(r, junk, sizeof junk) == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        CHECK(ocsp_response_status(r, junk, 0) == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
        bool ok = false;
        CHECK(timestamp(r, EVP_sha256(), &ok) == TS_STATUS_GRANTED && ok);
        CHECK(timestamp(r, EVP_sha512(), &ok) == TS_STATUS_GRANTED && ok);
        CHECK(timestamp(r, EVP_sha1(), &ok) == TS_STATUS_REJECTION && !ok);
        uint8_t *out = NULL, *out2 = NULL;
        size_t n = 0, n2 = 0;
        CHECK(ks_responder_crl(r, &out, &n, &e) == KS_OK && n > 0);
        CHECK(ks_responder_crl(r, &out2, &n2, &e) == KS_OK && n2 == n &&
              memcmp(out, out2, n) == 0); /* cached while the database is unchanged */
        free(out);
        free(out2);
        ks_responder_free(r);
    }

    /* the audit chain, then tampering found */
    long entries = 0;
    CHECK(ks_ca_audit_verify(ca, &entries, &e) == KS_OK && entries >= 9);
    CHECK(ks_sqlite_exec(ca->db, "UPDATE audit SET detail='x' WHERE seq=2", NULL) != KS_OK);
    CHECK(ks_sqlite_exec(ca->db,
                         "DROP TRIGGER audit_no_update; UPDATE audit SET detail='x' WHERE seq=5",
                         NULL) == KS_OK);
    CHECK(ks_ca_audit_verify(ca, &entries, &e) == KS_E_FORMAT);
    CHECK_STR(e.msg_en, "audit trail is broken at entry 5 (expected entry 5)");

    X509_STORE_free(store);
    sk_X509_free(chain);
    X509_free(a);
    X509_free(a2);
    X509_free(a3);
    EVP_PKEY_free(key);
    X509_free(g_root);
    X509_free(g_issuing);
    ks_ca_close(ca);
    return ks_test_done();
}
