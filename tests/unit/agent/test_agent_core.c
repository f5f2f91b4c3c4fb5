/* tests/unit/agent/test_agent_core.c — kyso-agent's own small parts, which replace libraries
 * the agent may not link: SHA-2 against FIPS 180-4 example vectors, base64 both ways and its
 * refusals, the strict JSON parser's refusals (each a case RFC 8259 forbids or the agent
 * chose to refuse), the DER encoding of ECDSA signatures, and the origin check. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "test.h"

static void hex_of(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void test_sha(void)
{
    uint8_t d[64];
    char h[129];
    ka_sha(KA_SHA256, (const uint8_t *)"abc", 3, d);
    hex_of(d, 32, h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ka_sha(KA_SHA256, (const uint8_t *)"", 0, d);
    hex_of(d, 32, h);
    CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* 56 bytes: the padding spills into a second block */
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ka_sha(KA_SHA256, (const uint8_t *)two, strlen(two), d);
    hex_of(d, 32, h);
    CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    ka_sha(KA_SHA384, (const uint8_t *)"abc", 3, d);
    hex_of(d, 48, h);
    CHECK_STR(h,
              "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358b"
              "aeca134c825a7");
    ka_sha(KA_SHA512, (const uint8_t *)"abc", 3, d);
    hex_of(d, 64, h);
    CHECK_STR(h,
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836b"
              "a3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    const char *two512 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmn"
        "opqklmnopqrlmnopqrsmnopqrstnopqrstu";
    ka_sha(KA_SHA512, (const uint8_t *)two512, strlen(two512), d);
    hex_of(d, 64, h);
    CHECK_STR(h,
              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331"
              "b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
    CHECK(ka_sha_len(KA_SHA256) == 32 && ka_sha_len(KA_SHA384) == 48 &&
          ka_sha_len(KA_SHA512) == 64);
}

static void test_b64(void)
{
    ka_buf b = {0};
    ka_b64_encode(&b, (const uint8_t *)"Việt", 6);
    CHECK_STR(b.p, "Vmnhu4d0");
    ka_buf_free(&b);
    ka_b64_encode(&b, (const uint8_t *)"ab", 2);
    CHECK_STR(b.p, "YWI=");
    ka_buf_free(&b);
    uint8_t out[16];
    size_t n = 0;
    CHECK(ka_b64_decode("YWI=", 4, out, sizeof out, &n) && n == 2 && memcmp(out, "ab", 2) == 0);
    CHECK(ka_b64_decode("YQ==", 4, out, sizeof out, &n) && n == 1);
    CHECK(!ka_b64_decode("YWI", 3, out, sizeof out, &n));      /* no padding */
    CHECK(!ka_b64_decode("Y=I=", 4, out, sizeof out, &n));     /* "=" inside */
    CHECK(!ka_b64_decode("YW I", 4, out, sizeof out, &n));     /* whitespace */
    CHECK(!ka_b64_decode("YWI=YWI=", 8, out, sizeof out, &n)); /* padding not at the end */
    CHECK(!ka_b64_decode("YWJjZGVmZ2hpams=", 16, out, 4, &n)); /* over the caller's cap */
    CHECK(!ka_b64_decode("YW\0=", 4, out, sizeof out, &n));    /* a NUL */
}

static bool parses(const char *s)
{
    ka_json j;
    ka_err e = {0};
    bool ok = ka_json_parse(&j, (const uint8_t *)s, strlen(s), &e);
    ka_json_free(&j);
    return ok;
}

static void test_json(void)
{
    CHECK(parses("{\"a\":[1,-0.5e+3,true,false,null,\"x\\u00e1\\ud83d\\ude00\"]}"));
    CHECK(parses(" \t\r\n{ } "));
    CHECK(!parses(""));
    CHECK(!parses("{\"a\":1,}")); /* trailing comma */
    CHECK(!parses("[1,]"));
    CHECK(!parses("{\"a\":1,\"a\":2}")); /* duplicate name */
    CHECK(!parses("{'a':1}"));           /* single quotes */
    CHECK(!parses("{\"a\":01}"));        /* leading zero */
    CHECK(!parses("{\"a\":1.}"));
    CHECK(!parses("{\"a\":.5}"));
    CHECK(!parses("{\"a\":+1}"));
    CHECK(!parses("\"\\ud800\"")); /* lone high surrogate */
    CHECK(!parses("\"\\udc00\"")); /* lone low surrogate */
    CHECK(!parses("\"\\u0000\""));
    CHECK(!parses("\"a\tb\""));         /* raw control character */
    CHECK(!parses("\"\xc3\x28\""));     /* bad UTF-8 */
    CHECK(!parses("\"\xe0\x80\xaf\"")); /* overlong */
    CHECK(!parses("\"\xed\xa0\x80\"")); /* UTF-8 surrogate */
    CHECK(!parses("\"\\x41\""));        /* unknown escape */
    CHECK(!parses("{} {}"));            /* two values */
    CHECK(!parses("nul"));
    CHECK(!parses("[[[[[[[[[[1]]]]]]]]]]")); /* deeper than KA_JSON_DEPTH_MAX */
    CHECK(parses("[[[[[[[[1]]]]]]]]"));
    char *many = malloc(3 * KA_JSON_NODES_MAX + 8);
    size_t k = 0;
    many[k++] = '[';
    for (int i = 0; i < KA_JSON_NODES_MAX; i++) {
        many[k++] = '1';
        many[k++] = ',';
    }
    many[k - 1] = ']';
    many[k] = 0;
    CHECK(!parses(many)); /* more values than KA_JSON_NODES_MAX */
    free(many);

    ka_json j;
    ka_err e = {0};
    const char *doc = "{\"command\":\"sign\",\"documents\":[{\"title\":\"Qu\\u1ebft\"}]}";
    CHECK(ka_json_parse(&j, (const uint8_t *)doc, strlen(doc), &e));
    const ka_jnode *root = ka_json_at(&j, 0);
    const ka_jnode *docs = ka_json_get(&j, root, "documents");
    CHECK(docs && docs->type == KA_J_ARR);
    const ka_jnode *d0 = docs ? ka_json_at(&j, docs->child) : NULL;
    const ka_jnode *t = ka_json_get(&j, d0, "title");
    CHECK(t && strcmp(t->s, "Quết") == 0);
    static const char *const keys[] = {"command", NULL};
    const char *unk = ka_json_unknown(&j, root, keys);
    CHECK(unk && strcmp(unk, "documents") == 0);
    ka_json_free(&j);
    CHECK(!ka_json_parse(&j, (const uint8_t *)"[1,", 3, &e));
    CHECK(strcmp(e.code, "bad-json") == 0 && strstr(e.msg_en, "byte 3"));
    ka_json_free(&j);
}

static void test_ecdsa_der(void)
{
    uint8_t rs[64];
    memset(rs, 0, sizeof rs);
    rs[0] = 0x80; /* r's top bit set: a 0x00 is prepended */
    rs[31] = 1;
    rs[63] = 7; /* s = 7: leading zeros dropped */
    ka_buf b = {0};
    ka_ecdsa_der(&b, rs, 64);
    CHECK(b.len == 2 + 2 + 33 + 2 + 1);
    CHECK((uint8_t)b.p[0] == 0x30 && (uint8_t)b.p[1] == 38 && b.p[2] == 2 && b.p[3] == 33 &&
          b.p[4] == 0 && (uint8_t)b.p[5] == 0x80);
    CHECK(b.p[b.len - 3] == 2 && b.p[b.len - 2] == 1 && b.p[b.len - 1] == 7);
    ka_buf_free(&b);
}

static bool origin_ok(const char *o)
{
    char req[512];
    snprintf(req, sizeof req, "{\"origin\":\"%s\"}", o);
    ka_json j;
    ka_err e = {0};
    if (!ka_json_parse(&j, (const uint8_t *)req, strlen(req), &e))
        return false;
    ka_req r = {&j, ka_json_at(&j, 0), NULL, NULL, NULL, true};
    const char *got = NULL;
    bool ok = ka_req_origin(&r, &got, &e);
    ka_json_free(&j);
    return ok;
}

static void test_origin(void)
{
    CHECK(origin_ok("https://kyso.haiphong.gov.vn"));
    CHECK(origin_ok("https://kyso.haiphong.gov.vn:8443"));
    CHECK(origin_ok("http://127.0.0.1:8080"));
    CHECK(origin_ok("http://localhost:3000"));
    CHECK(!origin_ok("http://kyso.haiphong.gov.vn")); /* plain http, not loopback */
    CHECK(!origin_ok("http://127.0.0.1.evil.example"));
    CHECK(!origin_ok("https://kyso.haiphong.gov.vn/")); /* a path */
    CHECK(!origin_ok("https://user@kyso.haiphong.gov.vn"));
    CHECK(!origin_ok("https://Kyso.gov.vn")); /* not the ASCII serialisation */
    CHECK(!origin_ok("https://kyso.gov.vn:0"));
    CHECK(!origin_ok("https://kyso.gov.vn:123456"));
    CHECK(!origin_ok("chrome-extension://abc"));
    CHECK(!origin_ok("null"));
}

static void test_displayable(void)
{
    const char *ok = "Quyết định số 12/QĐ-UBND — “Hải Phòng”";
    CHECK(ka_text_displayable(ok, strlen(ok)));
    CHECK(!ka_text_displayable("a\nb", 3));
    CHECK(!ka_text_displayable("a\tb", 3));
    CHECK(!ka_text_displayable("a\x7f", 2));
    CHECK(!ka_text_displayable("a\xc2\x85", 3));     /* NEL, a C1 control */
    CHECK(!ka_text_displayable("a\xe2\x80\xae", 4)); /* RIGHT-TO-LEFT OVERRIDE */
    CHECK(!ka_text_displayable("a\xe2\x81\xa7", 4)); /* RIGHT-TO-LEFT ISOLATE */
    CHECK(!ka_text_displayable("a\xe2\x80\x8f", 4)); /* RIGHT-TO-LEFT MARK */
    CHECK(ka_text_displayable("a\xe2\x80\x94", 4));  /* EM DASH is fine */
}

int main(void)
{
    test_displayable();
    test_sha();
    test_b64();
    test_json();
    test_ecdsa_der();
    test_origin();
    return ks_test_done();
}
