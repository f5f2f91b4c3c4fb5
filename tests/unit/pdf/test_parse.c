/* Lexer and object parser: literal/hex strings, names, numbers, references, nesting, streams,
 * spans; files built here are cross-checked with qpdf --check. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kyso/pdf.h"
#include "mkpdf.h"
#include "test.h"

static ks_pdf_obj *obj(ks_pdf_doc *d, uint32_t n)
{
    ks_pdf_obj *o = NULL;
    ks_error e;
    if (ks_pdf_get(d, n, 0, &o, &e) != KS_OK) {
        fprintf(stderr, "get %u: %s\n", n, e.msg_en);
        return NULL;
    }
    return o;
}

static void test_values(void)
{
    const char *objs[] = {
        MK_BASE,
        "(a\\(b\\)c\\n\\101\\7\\\r\nd(nested)e)",
        "<48 65 6c6C 6>",
        "/A#20B#2fC",
        "[1 -2 +3 4.5 -.25 0.0 true false null 12 0 R [[]] << >> /N]",
        "<< /K1 /V1 /K2 << /Deep [1 2 R] >> /K3 9 /Empty () >>",
        "99999999999999999999",
    };
    size_t len;
    uint8_t *pdf = mk_pdf(objs, sizeof objs / sizeof *objs, NULL, &len);
    const char *dir = ks_test_tmpdir("pdf_parse");
    char path[512];
    snprintf(path, sizeof path, "%s/values.pdf", dir);
    write_file(path, pdf, len);
    /* qpdf's only complaint may be the deliberately out-of-range integer of object 9 */
    char *qout = NULL;
    int qrc = ks_test_sh(&qout, "qpdf --check '%s' 2>&1", path);
    int warnings = 0;
    for (const char *w = qout; w && (w = strstr(w, "WARNING")); w++)
        warnings++;
    CHECK_MSG(qrc == 3 && warnings == 1 && strstr(qout, "object 9/0"), "qpdf --check: %s",
              qout ? qout : "");
    free(qout);

    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(pdf, len, "values.pdf", NULL, &d, &e) == KS_OK);
    if (!d) {
        free(pdf);
        return;
    }
    ks_pdf_obj *s = obj(d, 4);
    CHECK(s && s->type == KS_PDF_STRING && !s->u.str.hex);
    static const char want[] = "a(b)c\nA\ad(nested)e";
    CHECK(s && s->u.str.len == sizeof want - 1 &&
          memcmp(s->u.str.data, want, sizeof want - 1) == 0);
    CHECK(s && s->start > 0 && d->data[s->start] == '(' && d->data[s->end - 1] == ')');

    s = obj(d, 5);
    CHECK(s && s->type == KS_PDF_STRING && s->u.str.hex && s->u.str.len == 5 &&
          memcmp(s->u.str.data, "Hell`", 5) == 0);
    s = obj(d, 6);
    CHECK(s && s->type == KS_PDF_NAME && strcmp(s->u.name.s, "A B/C") == 0);

    ks_pdf_obj *a = obj(d, 7);
    CHECK(a && a->type == KS_PDF_ARRAY && a->u.arr.len == 13);
    if (a && a->u.arr.len == 13) {
        ks_pdf_obj **it = a->u.arr.items;
        CHECK(it[0]->type == KS_PDF_INT && it[0]->u.i == 1);
        CHECK(it[1]->type == KS_PDF_INT && it[1]->u.i == -2);
        CHECK(it[2]->type == KS_PDF_INT && it[2]->u.i == 3);
        CHECK(it[3]->type == KS_PDF_REAL && it[3]->u.r == 4.5);
        CHECK(it[4]->type == KS_PDF_REAL && it[4]->u.r == -0.25);
        CHECK(it[5]->type == KS_PDF_REAL && it[5]->u.r == 0.0);
        CHECK(it[6]->type == KS_PDF_BOOL && it[6]->u.b);
        CHECK(it[7]->type == KS_PDF_BOOL && !it[7]->u.b);
        CHECK(it[8]->type == KS_PDF_NULL);
        CHECK(it[9]->type == KS_PDF_REF && it[9]->u.ref.num == 12 && it[9]->u.ref.gen == 0);
        CHECK(it[10]->type == KS_PDF_ARRAY && it[10]->u.arr.len == 1);
        CHECK(it[11]->type == KS_PDF_DICT && it[11]->u.dict.len == 0);
        CHECK(ks_pdf_is_name(it[12], "N"));
    }
    ks_pdf_obj *dict = obj(d, 8);
    CHECK(dict && dict->type == KS_PDF_DICT && dict->u.dict.len == 4);
    CHECK(ks_pdf_is_name(ks_pdf_dict_get(dict, "K1"), "V1"));
    ks_pdf_obj *deep = ks_pdf_dict_get(ks_pdf_dict_get(dict, "K2"), "Deep");
    CHECK(deep && deep->type == KS_PDF_ARRAY && deep->u.arr.len == 1 &&
          deep->u.arr.items[0]->type == KS_PDF_REF && deep->u.arr.items[0]->u.ref.gen == 2);
    int64_t v = 0;
    CHECK(ks_pdf_get_int(ks_pdf_dict_get(dict, "K3"), &v) && v == 9);
    ks_pdf_obj *big = obj(d, 9);
    CHECK(big && big->type == KS_PDF_REAL && big->u.r > 9.9e19);
    /* a missing object is the null object, not an error (§7.3.10) */
    ks_pdf_obj *miss = NULL;
    CHECK(ks_pdf_get(d, 500, 0, &miss, &e) == KS_OK && miss && miss->type == KS_PDF_NULL);
    CHECK(ks_pdf_get(d, 4, 1, &miss, &e) == KS_OK && miss->type == KS_PDF_NULL);
    size_t np = 0;
    CHECK(ks_pdf_page_count(d, &np, &e) == KS_OK && np == 1);
    ks_pdf_close(d);
    free(pdf);
}

static void test_bad_tokens(void)
{
    static const char *bad[] = {"(unterminated", "<4G>", "<< /A >>", "<< 1 2 >>",
                                "[1 2",          "/A#4", "--1",      "endobj"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *objs[] = {MK_BASE, bad[i]};
        size_t len;
        uint8_t *pdf = mk_pdf(objs, 4, NULL, &len);
        ks_pdf_doc *d = NULL;
        ks_error e = {0};
        CHECK(ks_pdf_open_mem(pdf, len, "bad.pdf", NULL, &d, &e) == KS_OK);
        ks_pdf_obj *o = NULL;
        ks_status st = d ? ks_pdf_get(d, 4, 0, &o, &e) : KS_E_FORMAT;
        CHECK_MSG(st == KS_E_FORMAT, "token %s parsed (status %d)", bad[i], st);
        CHECK_MSG(strstr(e.msg_en, "byte offset") || strstr(e.msg_en, "object 4"),
                  "message does not locate the error: %s", e.msg_en);
        ks_pdf_close(d);
        free(pdf);
    }
}

static void test_stream_length(void)
{
    /* indirect /Length, and a wrong /Length that strict mode must reject */
    const char *objs[] = {MK_BASE, "<< /Length 5 0 R >>\nstream\nhello world\nendstream", "11",
                          "<< /Length 3 >>\nstream\nhello world\nendstream"};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 6, NULL, &len);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open_mem(pdf, len, "stream.pdf", NULL, &d, &e) == KS_OK);
    ks_pdf_obj *s = d ? obj(d, 4) : NULL;
    CHECK(s && s->type == KS_PDF_STREAM && s->u.stream.data_len == 11 &&
          memcmp(s->u.stream.src, "hello world", 11) == 0 && s->u.stream.obj_num == 4);
    uint8_t *data = NULL;
    size_t dl = 0;
    CHECK(s && ks_pdf_stream_decode(d, s, &data, &dl, &e) == KS_OK && dl == 11);
    free(data);
    ks_pdf_obj *o = NULL;
    CHECK(d && ks_pdf_get(d, 6, 0, &o, &e) == KS_E_FORMAT && strstr(e.msg_en, "/Length"));
    ks_pdf_close(d);
    /* repair mode finds endstream instead */
    ks_pdf_open_opts opts = {KS_PDF_REPAIR, NULL, 0};
    CHECK(ks_pdf_open_mem(pdf, len, "stream.pdf", &opts, &d, &e) == KS_OK);
    s = d ? obj(d, 6) : NULL;
    CHECK(s && s->type == KS_PDF_STREAM && s->u.stream.data_len == 11);
    CHECK(d && ks_pdf_was_repaired(d));
    ks_pdf_close(d);
    free(pdf);
}

static void test_serialize_roundtrip(void)
{
    ks_arena *a = ks_arena_new();
    ks_pdf_obj *dct = ks_pdf_new_dict(a);
    ks_pdf_dict_put(a, dct, "Type", ks_pdf_new_name(a, "Annot"));
    ks_pdf_dict_put(a, dct, "Odd Name#", ks_pdf_new_name(a, "Tên"));
    ks_pdf_dict_put(a, dct, "S", ks_pdf_new_string(a, (const uint8_t *)"(x)\\\n\001", 6, false));
    ks_pdf_dict_put(a, dct, "H", ks_pdf_new_string(a, (const uint8_t *)"\xff\x00", 2, true));
    ks_pdf_obj *arr = ks_pdf_new_array(a);
    for (int i = 0; i < 10; i++)
        ks_pdf_array_push(a, arr, ks_pdf_new_real(a, i * 0.125 - 0.5));
    ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, 7, 1));
    ks_pdf_array_push(a, arr, ks_pdf_new_bool(a, true));
    ks_pdf_array_push(a, arr, ks_pdf_new_null(a));
    ks_pdf_array_push(a, arr, ks_pdf_new_real(a, 1e-9));
    ks_pdf_array_push(a, arr, ks_pdf_new_real(a, 123456789.5));
    ks_pdf_dict_put(a, dct, "A", arr);
    ks_pdf_dict_put(a, dct, "S", ks_pdf_new_string(a, (const uint8_t *)"(x)\\\n\001", 6, false));
    CHECK(dct->u.dict.len == 5); /* put replaced S */
    CHECK(ks_pdf_dict_del(dct, "Type") && dct->u.dict.len == 4 && !ks_pdf_dict_get(dct, "Type"));
    ks_buf b = KS_BUF_INIT;
    ks_error e;
    CHECK(ks_pdf_serialize(&b, dct, &e) == KS_OK);
    CHECK(strstr((char *)b.data, "/Odd#20Name#23 /T#C3#AAn") != NULL);
    CHECK(strstr((char *)b.data, "123456789.5") != NULL && !strstr((char *)b.data, "e-") &&
          !strstr((char *)b.data, "e+"));
    /* parse back through a document */
    const char *objs[] = {MK_BASE, (const char *)b.data};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 4, NULL, &len);
    ks_pdf_doc *d = NULL;
    CHECK(ks_pdf_open_mem(pdf, len, "ser.pdf", NULL, &d, &e) == KS_OK);
    ks_pdf_obj *o = d ? obj(d, 4) : NULL;
    CHECK(o && o->type == KS_PDF_DICT);
    ks_pdf_obj *s = ks_pdf_dict_get(o, "S");
    CHECK(s && s->u.str.len == 6 && memcmp(s->u.str.data, "(x)\\\n\001", 6) == 0);
    CHECK(ks_pdf_is_name(ks_pdf_dict_get(o, "Odd Name#"), "Tên"));
    ks_pdf_obj *h = ks_pdf_dict_get(o, "H");
    CHECK(h && h->u.str.hex && h->u.str.len == 2 && h->u.str.data[0] == 0xff);
    ks_pdf_obj *ar = ks_pdf_dict_get(o, "A");
    double r = 0;
    CHECK(ar && ar->u.arr.len == 15 && ks_pdf_get_num(ar->u.arr.items[3], &r) && r == -0.125);
    ks_buf b2 = KS_BUF_INIT;
    CHECK(o && ks_pdf_serialize(&b2, o, &e) == KS_OK && b2.len == b.len &&
          memcmp(b2.data, b.data, b.len) == 0);
    /* copies are independent */
    ks_pdf_obj *c = ks_pdf_copy(a, o);
    ks_pdf_dict_put(a, c, "New", ks_pdf_new_int(a, 1));
    CHECK(!ks_pdf_dict_get(o, "New") && ks_pdf_dict_get(c, "New"));
    ks_buf_free(&b2);
    ks_pdf_close(d);
    free(pdf);
    ks_buf_free(&b);
    ks_arena_free(a);
}

static void test_text_string(void)
{
    ks_arena *a = ks_arena_new();
    char *s = ks_pdf_string_utf8(ks_pdf_new_string(
        a, (const uint8_t *)"\xfe\xff\x00N\x00g\x01\xb0\x1e\xdd\x00i", 12, false));
    CHECK(s && strcmp(s, "Người") == 0);
    free(s);
    s = ks_pdf_string_utf8(ks_pdf_new_string(a, (const uint8_t *)"caf\xe9 \x84", 6, false));
    CHECK(s && strcmp(s, "café —") == 0);
    free(s);
    ks_arena_free(a);
}

int main(void)
{
    test_values();
    test_bad_tokens();
    test_stream_length();
    test_serialize_roundtrip();
    test_text_string();
    return ks_test_done();
}
