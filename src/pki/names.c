/* pki/names.c — distinguished names of the CA and of subscribers per profile (requirements
 * §6.2): UTF8String attributes in NFC so Vietnamese diacritics survive exactly, C=VN, and the
 * small vocabularies of the command line (profiles, revocation reasons). */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki_internal.h"

ks_status ks_pki_profile_parse(const char *s, ks_pki_profile *out, ks_error *err)
{
    static const char *const names[] = {"personal", "organization", "device"};
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, names[i]) == 0) {
            *out = (ks_pki_profile)i;
            return KS_OK;
        }
    return ks_error_set(err, KS_E_USAGE,
                        N_("unknown profile \"%s\" (personal, organization or device)"),
                        s ? s : "");
}

const char *ks_pki_profile_name(ks_pki_profile p)
{
    switch (p) {
    case KS_PROFILE_PERSONAL:
        return "personal";
    case KS_PROFILE_ORGANIZATION:
        return "organization";
    case KS_PROFILE_DEVICE:
        return "device";
    }
    return "?";
}

static const struct {
    const char *name;
    int code; /* RFC 5280 §5.3.1 CRLReason */
} REASONS[] = {
    {"unspecified", 0}, {"keyCompromise", 1},        {"affiliationChanged", 3},
    {"superseded", 4},  {"cessationOfOperation", 5},
};

ks_status ks_pki_reason_parse(const char *s, int *out, ks_error *err)
{
    for (size_t i = 0; i < sizeof REASONS / sizeof REASONS[0]; i++)
        if (s && strcmp(s, REASONS[i].name) == 0) {
            *out = REASONS[i].code;
            return KS_OK;
        }
    return ks_error_set(err, KS_E_USAGE,
                        N_("unknown revocation reason \"%s\" (keyCompromise, affiliationChanged, "
                           "superseded or cessationOfOperation)"),
                        s ? s : "");
}

const char *ks_pki_reason_name(int reason)
{
    for (size_t i = 0; i < sizeof REASONS / sizeof REASONS[0]; i++)
        if (REASONS[i].code == reason)
            return REASONS[i].name;
    return "unspecified";
}

/* Adds one attribute; `value` is NFC-normalised first. Empty or NULL values are skipped. */
static ks_status add_attr(X509_NAME *n, int nid, const char *field, const char *value,
                          ks_error *err)
{
    if (!value || !*value)
        return KS_OK;
    size_t len = strlen(value);
    if (len > KS_PKI_FIELD_MAX)
        return ks_error_set(err, KS_E_USAGE, N_("%s: the text is longer than %d bytes"), field,
                            KS_PKI_FIELD_MAX);
    char *nfc = ks_utf8_nfc(value, len);
    if (!nfc)
        return ks_error_set(err, KS_E_USAGE, N_("%s: the text is not valid UTF-8"), field);
    if (ks_text_check_name(field, nfc, err) != KS_OK) { /* kyso never issues an ANSI sequence */
        free(nfc);
        return KS_E_USAGE;
    }
    int ok =
        X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)nfc, -1, -1, 0);
    free(nfc);
    if (!ok) {
        ERR_clear_error();
        return ks_error_set(err, KS_E_USAGE,
                            N_("%s: \"%s\" cannot go into a certificate name (too long or "
                               "characters not allowed)"),
                            field, value);
    }
    return KS_OK;
}

static ks_status check_email(const char *e, ks_error *err)
{
    if (!e || !*e)
        return KS_OK;
    const char *at = strchr(e, '@');
    bool ok = at && at != e && at[1] && !strchr(at + 1, '@') && !strchr(e, ',') && strlen(e) <= 128;
    for (const char *p = e; ok && *p; p++)
        ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f;
    return ok ? KS_OK : ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not an e-mail address"), e);
}

ks_status ks_pki_subject_name(const ks_pki_subject *s, X509_NAME **out, ks_error *err)
{
    *out = NULL;
    if (!s->name || !*s->name)
        return ks_error_set(err, KS_E_USAGE, N_("a certificate needs a name"));
    if (s->profile == KS_PROFILE_ORGANIZATION && s->title && *s->title)
        return ks_error_set(err, KS_E_USAGE, N_("a title belongs in personal certificates only"));
    ks_status st = check_email(s->email, err);
    if (st != KS_OK)
        return st;
    X509_NAME *n = X509_NAME_new();
    if (!n)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    /* Order as in Ban Cơ yếu certificates: C, L, street, O, OU, identifiers, CN, e-mail. */
    if ((st = add_attr(n, NID_countryName, "C", "VN", err)) != KS_OK ||
        (st = add_attr(n, NID_localityName, "locality", s->locality, err)) != KS_OK ||
        (st = add_attr(n, NID_streetAddress, "street", s->street, err)) != KS_OK ||
        (st = add_attr(n, NID_organizationName, "organization", s->org, err)) != KS_OK ||
        (st = add_attr(n, NID_organizationalUnitName, "unit", s->unit, err)) != KS_OK ||
        (st = add_attr(n, NID_organizationIdentifier, "organization identifier", s->org_id, err)) !=
            KS_OK ||
        (st = add_attr(n, NID_title, "title", s->title, err)) != KS_OK ||
        (st = add_attr(n, NID_commonName, "name", s->name, err)) != KS_OK ||
        (st = add_attr(n, NID_pkcs9_emailAddress, "email", s->email, err)) != KS_OK) {
        X509_NAME_free(n);
        return st;
    }
    *out = n;
    return KS_OK;
}

ks_status ks_pki_ca_name(const char *cn, X509_NAME **out, ks_error *err)
{
    ks_pki_subject s = {.profile = KS_PROFILE_DEVICE, .name = cn, .org = "kyso"};
    return ks_pki_subject_name(&s, out, err);
}
