/* pki/issue.c — the subscriber certificate lifecycle (Decree 68/2024 Art. 9–17): new issue,
 * renewal (same key and subject, expiry extended), change of information (same key, original
 * expiry, old certificate superseded) and revocation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "pki_internal.h"

static ks_status sign_subscriber(ks_ca *ca, const ks_pki_subject *subj, EVP_PKEY *pub,
                                 time_t not_before, time_t not_after, X509 **out, ks_error *err)
{
    time_t ca_end = ks_pki_asn1_time(X509_get0_notAfter(ca->issuing));
    if (not_after > ca_end) {
        char end[32];
        ks_time_iso_vn(ca_end, end);
        return ks_error_set(err, KS_E_USAGE,
                            N_("the certificate would outlive the issuing CA, which expires at "
                               "%s"),
                            end);
    }
    ks_cert_spec spec = {.kind = KS_KIND_SUBSCRIBER,
                         .subj = subj,
                         .pub = pub,
                         .issuer = ca->issuing,
                         .issuer_key = ca->issuing_key,
                         .not_before = not_before,
                         .not_after = not_after,
                         .base_url = ca->base_url};
    return ks_pki_make_cert(&spec, out, err);
}

ks_status ks_ca_issue_check(const ks_pki_subject *subj, int years, ks_error *err)
{
    if (years == 0)
        years = KS_PKI_DEFAULT_YEARS;
    if (years < 1 || years > KS_PKI_NEW_MAX_YEARS)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a validity of %d years is refused: a new certificate may be "
                               "valid for 1 to %d years (Decree 68/2024, Art. 9)"),
                            years, KS_PKI_NEW_MAX_YEARS);
    X509_NAME *name = NULL;
    ks_status st = ks_pki_subject_name(subj, &name, err);
    X509_NAME_free(name);
    return st;
}

ks_status ks_ca_issue(ks_ca *ca, const ks_pki_subject *subj, EVP_PKEY *pub, int years, X509 **out,
                      ks_error *err)
{
    *out = NULL;
    ks_status st = ks_ca_issue_check(subj, years, err);
    if (st != KS_OK)
        return st;
    if (years == 0)
        years = KS_PKI_DEFAULT_YEARS;
    st = ks_pki_key_check(pub, err);
    if (st != KS_OK)
        return st;
    time_t now = ks_ctx_now(ca->ctx);
    X509 *cert = NULL;
    if ((st = sign_subscriber(ca, subj, pub, now, ks_pki_add_years(now, years), &cert, err)) !=
        KS_OK)
        return st;
    if ((st = ks_pki_record_issue(ca, cert, subj, "issue", err)) != KS_OK) {
        X509_free(cert);
        return st;
    }
    *out = cert;
    return KS_OK;
}

/* Loads a live subscriber certificate: present, a subscriber's, not revoked, not expired. */
static ks_status load_live(ks_ca *ca, const char *serial, ks_cert_row *row, X509 **cert,
                           ks_error *err)
{
    ks_status st = ks_pki_cert_find(ca->db, serial, row, err);
    if (st != KS_OK)
        return st;
    if (strcmp(row->role, KS_ROLE_SUBSCRIBER) != 0)
        st = ks_error_set(err, KS_E_USAGE,
                          N_("certificate %s belongs to the CA itself (%s), not to a subscriber"),
                          row->serial, row->role);
    else if (row->revoked)
        st = ks_error_set(err, KS_E_STATE,
                          N_("certificate %s is revoked; only a valid certificate can be "
                             "renewed or changed"),
                          row->serial);
    else if (row->not_after <= (int64_t)ks_ctx_now(ca->ctx)) {
        char end[32];
        ks_time_iso_vn((time_t)row->not_after, end);
        st = ks_error_set(err, KS_E_STATE,
                          N_("certificate %s expired at %s; issue a new certificate instead"),
                          row->serial, end);
    }
    if (st == KS_OK) {
        const unsigned char *p = row->der;
        *cert = d2i_X509(NULL, &p, (long)row->der_len);
        if (!*cert)
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("the CA database holds a damaged certificate for serial %s"),
                              row->serial);
    }
    if (st != KS_OK)
        ks_cert_row_clear(row);
    return st;
}

static void row_subject(const ks_cert_row *r, ks_pki_subject *s)
{
    s->profile = r->profile;
    s->name = r->name;
    s->title = r->title;
    s->org = r->org;
    s->unit = r->unit;
    s->org_id = r->org_id;
    s->email = r->email;
    s->locality = r->locality;
    s->street = r->street;
}

ks_status ks_ca_renew(ks_ca *ca, const char *serial_hex, int years, X509 **out, ks_error *err)
{
    *out = NULL;
    if (years == 0)
        years = KS_PKI_RENEW_MAX_YEARS;
    if (years < 1 || years > KS_PKI_RENEW_MAX_YEARS)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a renewal by %d years is refused: a renewal may extend the "
                               "validity by 1 to %d years (Decree 68/2024, Art. 9)"),
                            years, KS_PKI_RENEW_MAX_YEARS);
    ks_cert_row row;
    X509 *old = NULL, *cert = NULL;
    ks_status st = load_live(ca, serial_hex, &row, &old, err);
    if (st != KS_OK)
        return st;
    ks_pki_subject subj;
    row_subject(&row, &subj);
    EVP_PKEY *pub = X509_get0_pubkey(old);
    time_t not_after = ks_pki_add_years((time_t)row.not_after, years);
    if (!pub)
        st = ks_error_set(err, KS_E_FORMAT, N_("certificate %s has no usable public key"),
                          row.serial);
    if (st == KS_OK)
        st = sign_subscriber(ca, &subj, pub, ks_ctx_now(ca->ctx), not_after, &cert, err);
    bool own = false;
    if (st == KS_OK && (st = ks_sqlite_tx_begin(ca->db, &own, err)) == KS_OK) {
        st = ks_pki_record_issue(ca, cert, &subj, "renew", err);
        if (st == KS_OK) {
            char serial[80];
            ks_pki_serial_hex(X509_get0_serialNumber(cert), serial);
            st = ks_pki_audit(ca->db, "renewed", row.serial, serial, err);
        }
        st = ks_sqlite_tx_end(ca->db, own, st, err);
    }
    X509_free(old);
    ks_cert_row_clear(&row);
    if (st != KS_OK) {
        X509_free(cert);
        return st;
    }
    *out = cert;
    return KS_OK;
}

static const char *pick(const char *changed, const char *old)
{
    return changed ? changed : old;
}

ks_status ks_ca_change(ks_ca *ca, const char *serial_hex, const ks_pki_subject *ch, X509 **out,
                       ks_error *err)
{
    *out = NULL;
    ks_cert_row row;
    X509 *old = NULL, *cert = NULL;
    ks_status st = load_live(ca, serial_hex, &row, &old, err);
    if (st != KS_OK)
        return st;
    ks_pki_subject subj = {.profile = row.profile,
                           .name = pick(ch->name, row.name),
                           .title = pick(ch->title, row.title),
                           .org = pick(ch->org, row.org),
                           .unit = pick(ch->unit, row.unit),
                           .org_id = pick(ch->org_id, row.org_id),
                           .email = pick(ch->email, row.email),
                           .locality = pick(ch->locality, row.locality),
                           .street = pick(ch->street, row.street)};
    EVP_PKEY *pub = X509_get0_pubkey(old);
    if (!pub)
        st = ks_error_set(err, KS_E_FORMAT, N_("certificate %s has no usable public key"),
                          row.serial);
    /* Decree 68 keeps the original expiry on a change of information. */
    if (st == KS_OK)
        st =
            sign_subscriber(ca, &subj, pub, ks_ctx_now(ca->ctx), (time_t)row.not_after, &cert, err);
    /* The new certificate and the old one's revocation land together or not at all. */
    bool own = false;
    if (st == KS_OK && (st = ks_sqlite_tx_begin(ca->db, &own, err)) == KS_OK) {
        st = ks_pki_record_issue(ca, cert, &subj, "change", err);
        if (st == KS_OK)
            st = ks_ca_revoke(ca, row.serial, 4 /* superseded */, err);
        st = ks_sqlite_tx_end(ca->db, own, st, err);
    }
    X509_free(old);
    ks_cert_row_clear(&row);
    if (st != KS_OK) {
        X509_free(cert);
        return st;
    }
    *out = cert;
    return KS_OK;
}

ks_status ks_ca_revoke(ks_ca *ca, const char *serial_hex, int reason, ks_error *err)
{
    ks_cert_row row;
    ks_status st = ks_pki_cert_find(ca->db, serial_hex, &row, err);
    if (st != KS_OK)
        return st;
    if (strcmp(row.role, KS_ROLE_ROOT) == 0 || strcmp(row.role, KS_ROLE_CA) == 0)
        st = ks_error_set(err, KS_E_USAGE,
                          N_("certificate %s is a CA certificate (%s); it cannot be revoked here"),
                          row.serial, row.role);
    else if (row.revoked)
        st = ks_error_set(err, KS_E_STATE, N_("certificate %s is already revoked"), row.serial);
    bool own = false;
    if (st == KS_OK && (st = ks_sqlite_tx_begin(ca->db, &own, err)) == KS_OK) {
        st = ks_pki_cert_set_revoked(ca->db, row.serial, (int64_t)ks_ctx_now(ca->ctx), reason, err);
        if (st == KS_OK)
            st = ks_pki_audit(ca->db, "revoke", row.serial, ks_pki_reason_name(reason), err);
        st = ks_sqlite_tx_end(ca->db, own, st, err);
    }
    ks_cert_row_clear(&row);
    return st;
}
