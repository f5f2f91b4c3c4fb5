/* tests/unit/pki/test_names.c — the PKI module's small vocabularies and rules without a CA:
 * profiles, revocation reasons, serial syntax, calendar years (29 February), subject DNs
 * (UTF8String, NFC, field order, refusals) and the Decree 68 validity check. */
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pki_internal.h"
#include "test.h"

static time_t utc(int y, int mo, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = 3};
    return timegm(&tm);
}

static void check_ymd(time_t t, int y, int mo, int d)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    CHECK_MSG(tm.tm_year + 1900 == y && tm.tm_mon + 1 == mo && tm.tm_mday == d,
              "got %04d-%02d-%02d, want %04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
              tm.tm_mday, y, mo, d);
}

/* The value of the first `nid` entry of `n` and its ASN.1 string type. */
static const char *entry(X509_NAME *n, int nid, int *type)
{
    int i = X509_NAME_get_index_by_NID(n, nid, -1);
    if (i < 0)
        return NULL;
    ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
    *type = ASN1_STRING_type(s);
    return (const char *)ASN1_STRING_get0_data(s);
}

int main(void)
{
    ks_error e;
    ks_pki_profile p;
    CHECK(ks_pki_profile_parse("organization", &p, &e) == KS_OK && p == KS_PROFILE_ORGANIZATION);
    CHECK_STR(ks_pki_profile_name(KS_PROFILE_DEVICE), "device");
    CHECK(ks_pki_profile_parse("Personal", &p, &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "\"Personal\"") != NULL);
    int reason = -1;
    CHECK(ks_pki_reason_parse("keyCompromise", &reason, &e) == KS_OK && reason == 1);
    CHECK(ks_pki_reason_parse("cessationOfOperation", &reason, &e) == KS_OK && reason == 5);
    CHECK_STR(ks_pki_reason_name(3), "affiliationChanged");
    CHECK(ks_pki_reason_parse("removeFromCRL", &reason, &e) == KS_E_USAGE);

    /* serials */
    char s[80];
    CHECK(ks_pki_serial_normalize("0x3f0a", s, &e) == KS_OK);
    CHECK_STR(s, "3F0A");
    CHECK(ks_pki_serial_normalize("ZZZ", s, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "\"ZZZ\" is not a certificate serial (hex)");
    CHECK(ks_pki_serial_normalize("", s, &e) == KS_E_USAGE);
    char long_hex[42];
    memset(long_hex, 'A', 41);
    long_hex[41] = 0;
    CHECK(ks_pki_serial_normalize(long_hex, s, &e) == KS_E_USAGE);
    ASN1_INTEGER *ai = ASN1_INTEGER_new();
    ASN1_INTEGER_set(ai, 0x1234ab);
    ks_pki_serial_hex(ai, s);
    CHECK_STR(s, "1234AB");
    ASN1_INTEGER_free(ai);

    /* calendar years */
    check_ymd(ks_pki_add_years(utc(2026, 3, 5), 5), 2031, 3, 5);
    check_ymd(ks_pki_add_years(utc(2024, 2, 29), 1), 2025, 2, 28);
    check_ymd(ks_pki_add_years(utc(2024, 2, 29), 4), 2028, 2, 29);
    check_ymd(ks_pki_add_years(utc(2025, 12, 31), 3), 2028, 12, 31);

    /* Decree 68 Art. 9 limits for a new certificate */
    ks_pki_subject subj = {.profile = KS_PROFILE_PERSONAL, .name = "Nguyễn Văn A"};
    CHECK(ks_ca_issue_check(&subj, 0, &e) == KS_OK);
    CHECK(ks_ca_issue_check(&subj, 5, &e) == KS_OK);
    CHECK(ks_ca_issue_check(&subj, 6, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "a validity of 6 years is refused: a new certificate may be valid for 1 "
                        "to 5 years (Decree 68/2024, Art. 9)");
    CHECK(ks_ca_issue_check(&subj, -1, &e) == KS_E_USAGE);
    ks_pki_subject noname = {.profile = KS_PROFILE_PERSONAL, .name = ""};
    CHECK(ks_ca_issue_check(&noname, 3, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "a certificate needs a name");

    /* subject DNs: decomposed input comes out NFC, as UTF8String; C is PrintableString */
    const char *nfd = "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A"; /* "Nguyễn Văn A" in NFD */
    ks_pki_subject ps = {.profile = KS_PROFILE_PERSONAL,
                         .name = nfd,
                         .title = "Chủ tịch",
                         .org = "UBND phường Gia Viên",
                         .unit = "Văn phòng",
                         .locality = "Hải Phòng",
                         .email = "a@haiphong.gov.vn"};
    X509_NAME *n = NULL;
    CHECK(ks_pki_subject_name(&ps, &n, &e) == KS_OK);
    int type = 0;
    const char *v = n ? entry(n, NID_commonName, &type) : NULL;
    CHECK(v && strcmp(v, "Nguyễn Văn A") == 0 && type == V_ASN1_UTF8STRING);
    v = n ? entry(n, NID_title, &type) : NULL;
    CHECK(v && strcmp(v, "Chủ tịch") == 0 && type == V_ASN1_UTF8STRING);
    v = n ? entry(n, NID_countryName, &type) : NULL;
    CHECK(v && strcmp(v, "VN") == 0 && type == V_ASN1_PRINTABLESTRING);
    v = n ? entry(n, NID_pkcs9_emailAddress, &type) : NULL;
    CHECK(v && strcmp(v, "a@haiphong.gov.vn") == 0 && type == V_ASN1_IA5STRING);
    /* order as in Ban Cơ yếu certificates: C first, CN before the e-mail */
    CHECK(n && X509_NAME_get_index_by_NID(n, NID_countryName, -1) == 0);
    CHECK(n && X509_NAME_get_index_by_NID(n, NID_commonName, -1) <
                   X509_NAME_get_index_by_NID(n, NID_pkcs9_emailAddress, -1));
    X509_NAME_free(n);

    ks_pki_subject org = {.profile = KS_PROFILE_ORGANIZATION,
                          .name = "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                          .org_id = "H24.6",
                          .street = "01 Phạm Ngũ Lão"};
    n = NULL;
    CHECK(ks_pki_subject_name(&org, &n, &e) == KS_OK);
    v = n ? entry(n, NID_organizationIdentifier, &type) : NULL;
    CHECK(v && strcmp(v, "H24.6") == 0);
    v = n ? entry(n, NID_streetAddress, &type) : NULL;
    CHECK(v && strcmp(v, "01 Phạm Ngũ Lão") == 0);
    X509_NAME_free(n);
    org.title = "Giám đốc";
    CHECK(ks_pki_subject_name(&org, &n, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "a title belongs in personal certificates only");

    /* refusals */
    static const char *const bad_mail[] = {"not an address", "a@b@c",   "@x.vn", "a@",
                                           "ä@x.vn",         "a,b@x.vn"};
    for (size_t i = 0; i < sizeof bad_mail / sizeof bad_mail[0]; i++) {
        ks_pki_subject b = {.profile = KS_PROFILE_PERSONAL, .name = "X", .email = bad_mail[i]};
        n = NULL;
        CHECK_MSG(ks_pki_subject_name(&b, &n, &e) == KS_E_USAGE, "%s", bad_mail[i]);
        X509_NAME_free(n);
    }
    ks_pki_subject bad_utf8 = {.profile = KS_PROFILE_PERSONAL, .name = "Nguy\xe1\xbb"};
    n = NULL;
    CHECK(ks_pki_subject_name(&bad_utf8, &n, &e) == KS_E_USAGE);
    CHECK_STR(e.msg_en, "name: the text is not valid UTF-8");
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ks_pki_subject too_long = {.profile = KS_PROFILE_PERSONAL, .name = "X", .unit = big};
    CHECK(ks_pki_subject_name(&too_long, &n, &e) == KS_E_USAGE);
    CHECK(strstr(e.msg_en, "unit: ") != NULL);

    /* keys */
    EVP_PKEY *k = NULL;
    CHECK(ks_pki_keygen("ec:P-256", &k, &e) == KS_OK && k);
    CHECK(k && ks_pki_key_check(k, &e) == KS_OK);
    EVP_PKEY_free(k);
    k = NULL;
    CHECK(ks_pki_keygen("dsa:1024", &k, &e) == KS_E_USAGE && !k);
    return ks_test_done();
}
