/* edXML packages: a full round trip (every header field, binary attachments byte for byte),
 * status replies for every code, and hostile packages: XXE and billion laughs (DTD refused),
 * a UTF-16 disguise, huge base64 and packages over the limits, bad base64, manifest and
 * attachments that disagree, bad mã định danh, wrong namespace, deep nesting. */
#include <stdlib.h>
#include <string.h>

#include "kyso/edxml.h"
#include "test.h"

#define NS "xmlns:edXML=\"" KS_EDXML_NS "\""

static ks_edxml_package *unpack_str(const char *xml, const ks_edxml_limits *lim, ks_status *st,
                                    ks_error *err)
{
    ks_edxml_package *p = NULL;
    *st = ks_edxml_unpack((const uint8_t *)xml, strlen(xml), lim, &p, err);
    return p;
}

/* A minimal valid package with `att` as the base64 of its one file. */
static char *minimal(const char *head, const char *to, const char *b64, const char *manifest_cid)
{
    static const char fmt[] =
        "%s<edXML:edXML " NS "><edXML:edXMLEnvelope><edXML:edXMLHeader><edXML:MessageHeader>"
        "<edXML:From><edXML:OrganId>H24.35</edXML:OrganId></edXML:From>%s"
        "<edXML:Code><edXML:CodeNumber>15</edXML:CodeNumber><edXML:CodeNotation>QĐ-UBND"
        "</edXML:CodeNotation></edXML:Code><edXML:PromulgationInfo><edXML:PromulgationDate>"
        "2026/03/05</edXML:PromulgationDate></edXML:PromulgationInfo><edXML:Subject>S"
        "</edXML:Subject></edXML:MessageHeader></edXML:edXMLHeader><edXML:edXMLBody>"
        "<edXML:edXMLManifest><edXML:Reference><edXML:ContentId>%s</edXML:ContentId>"
        "</edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody></edXML:edXMLEnvelope>"
        "<edXML:AttachmentEncoded><edXML:Attachment><edXML:ContentId>1</edXML:ContentId>"
        "<edXML:AttachmentName>a.pdf</edXML:AttachmentName><edXML:ContentTransferEncoded>%s"
        "</edXML:ContentTransferEncoded></edXML:Attachment></edXML:AttachmentEncoded>"
        "</edXML:edXML>";
    size_t n = strlen(fmt) + strlen(head) + strlen(to) + strlen(b64) + strlen(manifest_cid) + 1;
    char *s = malloc(n);
    snprintf(s, n, fmt, head, to, manifest_cid, b64);
    return s;
}

#define TO "<edXML:To><edXML:OrganId>H24.6</edXML:OrganId></edXML:To>"

static void round_trip(void)
{
    uint8_t bin[256 * 3], empty[1] = {0};
    for (size_t i = 0; i < sizeof bin; i++)
        bin[i] = (uint8_t)(i * 7);
    const char *pdf = "%PDF-1.7\n% signed bytes <&> \"kept\"\n%%EOF\n";
    ks_edxml_organ to[2] = {{.organ_id = "H24.6", .organ_name = "UBND phường Hồng Bàng"},
                            {.organ_id = "000.00.04.G14"}};
    ks_edxml_trace tr[2] = {{"H24.35", "2026/03/05 09:41:07"}, {"H24", "2026/03/05 09:41:09"}};
    ks_edxml_attachment at[3] = {
        {.name = "qd-15.pdf",
         .content_type = "application/pdf",
         .data = (const uint8_t *)pdf,
         .len = strlen(pdf)},
        {.name = "phu-luc.bin", .description = "Phụ lục I", .data = bin, .len = sizeof bin},
        {.content_id = "x9", .name = "empty.txt", .data = empty, .len = 0}};
    ks_edxml_doc d = {.from = {.organ_id = "H24.35",
                               .organ_name = "UBND thành phố Hải Phòng",
                               .email = "vpubnd@haiphong.gov.vn"},
                      .to = to,
                      .nto = 2,
                      .code_number = "15",
                      .code_notation = "QĐ-UBND",
                      .place = "Hải Phòng",
                      .promulgation_date = "2026/03/05",
                      .type = "1",
                      .type_name = "Quyết định",
                      .subject = "Về việc ban hành Quy chế <a> & \"b\"",
                      .signer_competence = "TM.",
                      .signer_position = "Chủ tịch",
                      .signer_full_name = "Nguyễn Văn A",
                      .due_date = "2026/03/20",
                      .priority = "1",
                      .steering_type = 2,
                      .traces = tr,
                      .ntraces = 2,
                      .business_doc_type = 3,
                      .business_doc_reason = "thay thế",
                      .paper = 1,
                      .attachments = at,
                      .nattachments = 3};
    ks_buf b = KS_BUF_INIT;
    ks_error err = {0};
    CHECK_MSG(ks_edxml_pack(&d, &b, &err) == KS_OK, "%s", err.msg_en);
    ks_edxml_package *p = NULL;
    CHECK_MSG(ks_edxml_unpack(b.data, b.len, NULL, &p, &err) == KS_OK, "%s", err.msg_en);
    if (p) {
        const ks_edxml_doc *g = &p->doc;
        CHECK_STR(g->from.organ_id, "H24.35");
        CHECK_STR(g->from.organ_name, "UBND thành phố Hải Phòng");
        CHECK_STR(g->from.email, "vpubnd@haiphong.gov.vn");
        CHECK(g->nto == 2 && strcmp(g->to[1].organ_id, "000.00.04.G14") == 0);
        CHECK_STR(g->to[0].organ_name, "UBND phường Hồng Bàng");
        CHECK_STR(g->code_number, "15");
        CHECK_STR(g->code_notation, "QĐ-UBND");
        CHECK_STR(g->place, "Hải Phòng");
        CHECK_STR(g->promulgation_date, "2026/03/05");
        CHECK_STR(g->type, "1");
        CHECK_STR(g->type_name, "Quyết định");
        CHECK_STR(g->subject, "Về việc ban hành Quy chế <a> & \"b\"");
        CHECK_STR(g->signer_competence, "TM.");
        CHECK_STR(g->signer_position, "Chủ tịch");
        CHECK_STR(g->signer_full_name, "Nguyễn Văn A");
        CHECK_STR(g->due_date, "2026/03/20");
        CHECK_STR(g->priority, "1");
        CHECK(g->steering_type == 2 && g->business_doc_type == 3 && g->paper == 1);
        CHECK_STR(g->business_doc_reason, "thay thế");
        CHECK_STR(g->document_id, "H24.35,2026/03/05,15/QĐ-UBND");
        CHECK(g->ntraces == 2 && strcmp(g->traces[1].timestamp, "2026/03/05 09:41:09") == 0);
        CHECK(g->nattachments == 3);
        CHECK(g->attachments[0].len == strlen(pdf) &&
              memcmp(g->attachments[0].data, pdf, strlen(pdf)) == 0);
        CHECK_STR(g->attachments[0].content_type, "application/pdf");
        CHECK_STR(g->attachments[0].content_id, "1");
        CHECK(g->attachments[1].len == sizeof bin &&
              memcmp(g->attachments[1].data, bin, sizeof bin) == 0);
        CHECK_STR(g->attachments[1].description, "Phụ lục I");
        CHECK_MSG(g->attachments[2].len == 0 && strcmp(g->attachments[2].content_id, "x9") == 0,
                  "%zu %s", g->attachments[2].len, g->attachments[2].content_id);
    }
    ks_edxml_package_free(p);
    ks_edxml_package_free(NULL);

    /* pack refuses what a receiver could not use, naming the field */
    ks_edxml_doc bad = d;
    bad.from.organ_id = "h24 35";
    CHECK(ks_edxml_pack(&bad, &b, &err) == KS_E_USAGE && strstr(err.msg_en, "From/OrganId"));
    bad = d;
    bad.subject = "";
    CHECK(ks_edxml_pack(&bad, &b, &err) == KS_E_USAGE && strstr(err.msg_en, "Subject"));
    bad = d;
    bad.nattachments = 0;
    CHECK(ks_edxml_pack(&bad, &b, &err) == KS_E_USAGE);
    bad = d;
    at[1].content_id = "x9";
    CHECK(ks_edxml_pack(&bad, &b, &err) == KS_E_USAGE && strstr(err.msg_en, "x9"));
    at[1].content_id = NULL;
    ks_buf_free(&b);
}

static void statuses(void)
{
    static const int codes[] = {1, 2, 3, 4, 5, 6, 13, 15, 16};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        ks_edxml_status s = {.for_organ_id = "H24.35",
                             .for_code = "15/QĐ-UBND",
                             .for_promulgation_date = "2026/03/05",
                             .for_document_id = "H24.35,2026/03/05,15/QĐ-UBND",
                             .from = {.organ_id = "H24.6", .organ_name = "UBND phường"},
                             .code = codes[i],
                             .description = "Sai nơi nhận",
                             .timestamp = "2026/03/05 10:00:00",
                             .staff = "Trần Thị B"};
        ks_buf b = KS_BUF_INIT;
        ks_error err = {0};
        ks_edxml_status_msg *m = NULL;
        CHECK_MSG(ks_edxml_status_pack(&s, &b, &err) == KS_OK, "%s", err.msg_en);
        CHECK_MSG(ks_edxml_status_unpack(b.data, b.len, NULL, &m, &err) == KS_OK, "%s", err.msg_en);
        if (m) {
            CHECK(m->status.code == codes[i]);
            CHECK_STR(m->status.from.organ_id, "H24.6");
            CHECK_STR(m->status.for_document_id, "H24.35,2026/03/05,15/QĐ-UBND");
            CHECK_STR(m->status.description, "Sai nơi nhận");
            CHECK_STR(m->status.staff, "Trần Thị B");
        }
        CHECK(ks_edxml_status_from_name(ks_edxml_status_name(codes[i])) == codes[i]);
        ks_edxml_status_msg_free(m);
        /* a package is not a status and the reverse */
        ks_edxml_package *p = NULL;
        CHECK(ks_edxml_unpack(b.data, b.len, NULL, &p, NULL) == KS_E_FORMAT && !p);
        ks_buf_free(&b);
    }
    ks_edxml_status s = {.for_organ_id = "H24.35",
                         .for_document_id = "X",
                         .from = {.organ_id = "H24.6"},
                         .code = KS_EDXML_REJECTED,
                         .timestamp = "2026/03/05 10:00:00"};
    ks_buf b = KS_BUF_INIT;
    ks_error err = {0};
    CHECK(ks_edxml_status_pack(&s, &b, &err) == KS_E_USAGE && strstr(err.msg_en, "reason"));
    s.code = 7;
    CHECK(ks_edxml_status_pack(&s, &b, NULL) == KS_E_USAGE);
    CHECK(ks_edxml_status_name(7) == NULL && ks_edxml_status_from_name("nope") == 0);
    const char *rej_no_reason =
        "<Envelope><Header><edXML:Status " NS "><edXML:ResponseFor><edXML:OrganId>H24"
        "</edXML:OrganId><edXML:DocumentId>X</edXML:DocumentId></edXML:ResponseFor><edXML:From>"
        "<edXML:OrganId>H24.6</edXML:OrganId></edXML:From><edXML:StatusCode>02"
        "</edXML:StatusCode></edXML:Status></Header></Envelope>";
    ks_edxml_status_msg *m = NULL;
    CHECK(ks_edxml_status_unpack((const uint8_t *)rej_no_reason, strlen(rej_no_reason), NULL, &m,
                                 &err) == KS_E_FORMAT &&
          strstr(err.msg_en, "reason"));
    ks_buf_free(&b);
}

static void hostile(void)
{
    ks_status st;
    ks_error err = {0};
    ks_edxml_package *p;
    /* sanity: the minimal package is accepted */
    char *x = minimal("", TO, "JVBERi0=", "1");
    p = unpack_str(x, NULL, &st, &err);
    CHECK_MSG(st == KS_OK && p && p->doc.attachments[0].len == 5, "%s", err.msg_en);
    ks_edxml_package_free(p);
    free(x);
    /* XXE: an external entity naming a local file */
    x = minimal("<?xml version=\"1.0\"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "
                "\"file:///etc/passwd\">]>",
                "<edXML:To><edXML:OrganId>&x;</edXML:OrganId></edXML:To>", "JVBERi0=", "1");
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && !p && strstr(err.msg_en, "DTD"));
    free(x);
    /* billion laughs */
    x = minimal(
        "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;\">]>",
        "<edXML:To><edXML:OrganId>&d;</edXML:OrganId></edXML:To>", "JVBERi0=", "1");
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && !p && strstr(err.msg_en, "DTD"));
    free(x);
    /* the same in UTF-16: not read as such (the parse is pinned to UTF-8) */
    {
        const char *a = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE x [<!ENTITY e "
                        "SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
        size_t n = strlen(a);
        uint8_t *u = malloc(2 * n + 2);
        u[0] = 0xFF, u[1] = 0xFE;
        for (size_t i = 0; i < n; i++)
            u[2 + 2 * i] = (uint8_t)a[i], u[3 + 2 * i] = 0;
        p = NULL;
        st = ks_edxml_unpack(u, 2 * n + 2, NULL, &p, &err);
        CHECK(st == KS_E_FORMAT && !p);
        free(u);
    }
    /* huge base64: over the attachment limit; a package over the package limit */
    size_t big = 3 * 4096;
    char *b64 = malloc(big + 1);
    memset(b64, 'A', big);
    b64[big] = 0;
    x = minimal("", TO, b64, "1");
    ks_edxml_limits lim = {0, 4096};
    p = unpack_str(x, &lim, &st, &err);
    CHECK(st == KS_E_LIMIT && !p && strstr(err.msg_en, "limit"));
    ks_edxml_limits lim2 = {1000, 0};
    p = unpack_str(x, &lim2, &st, &err);
    CHECK(st == KS_E_LIMIT && !p);
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_OK && p && p->doc.attachments[0].len == big / 4 * 3);
    ks_edxml_package_free(p);
    free(x);
    free(b64);
    /* bad base64, mismatched manifest, no recipient, bad mã định danh, wrong namespace */
    const char *bad_b64[] = {"JVBER!0=", "JVBERi0", "JV=ERi0=", "JVBERi0===", NULL};
    for (size_t i = 0; bad_b64[i]; i++) {
        x = minimal("", TO, bad_b64[i], "1");
        p = unpack_str(x, NULL, &st, &err);
        CHECK_MSG(st == KS_E_FORMAT && !p, "%s", bad_b64[i]);
        free(x);
    }
    x = minimal("", TO, "JVBERi0=", "2");
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && strstr(err.msg_en, "manifest"));
    free(x);
    x = minimal("", "", "JVBERi0=", "1");
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && strstr(err.msg_en, "<To>"));
    free(x);
    x = minimal("", "<edXML:To><edXML:OrganId>../../etc</edXML:OrganId></edXML:To>",
                "JVBERi0=", "1");
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && strstr(err.msg_en, "mã định danh"));
    free(x);
    x = minimal("", TO, "JVBERi0=", "1");
    char *ns = strstr(x, "QCVN_102_2016");
    ns[0] = 'X';
    p = unpack_str(x, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && strstr(err.msg_en, "namespace"));
    free(x);
    /* 100000 nested elements: libxml2's depth limit, an error, no crash */
    size_t depth = 100000;
    char *deep = malloc(depth * 7 + 64);
    size_t o = 0;
    o += (size_t)sprintf(deep, "<edXML:edXML " NS ">");
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + o, "<a>", 3), o += 3;
    deep[o] = 0;
    p = unpack_str(deep, NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && !p);
    free(deep);
    /* not XML at all, and empty input */
    p = unpack_str("%PDF-1.7", NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && !p && strstr(err.msg_en, "well-formed"));
    p = unpack_str("", NULL, &st, &err);
    CHECK(st == KS_E_FORMAT && !p);
}

int main(void)
{
    CHECK(ks_edxml_organ_id_ok("G11.07.05") && ks_edxml_organ_id_ok("000.00.00.H49"));
    CHECK(!ks_edxml_organ_id_ok("") && !ks_edxml_organ_id_ok("h24") &&
          !ks_edxml_organ_id_ok("H24 6") && !ks_edxml_organ_id_ok(NULL));
    CHECK(ks_edxml_organ_id_ok("12345678901234567890123456789012345") &&
          !ks_edxml_organ_id_ok("123456789012345678901234567890123456"));
    char ts[32];
    ks_edxml_timestamp((time_t)1798736399, ts); /* 2026-12-31T16:59:59Z */
    CHECK_STR(ts, "2026/12/31 23:59:59");
    round_trip();
    statuses();
    hostile();
    return ks_test_done();
}
