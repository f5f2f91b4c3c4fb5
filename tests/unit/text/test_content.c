/* Unit tests of the content-stream tokenizer and operation reader (pdf/content_*.c) on byte
 * buffers: operands, strings and escapes, arrays, inline images, limits and malformed input. */
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "test.h"

/* Reads all operations of `src`, writing "op(n)" per operation into `out`. Returns the status
 * of the first error. */
static ks_status ops_of(const char *src, size_t len, char *out, size_t cap, ks_error *err)
{
    ks_pdf_content *c = NULL;
    out[0] = 0;
    ks_status st = ks_pdf_content_new((const uint8_t *)src, len, &c, err);
    if (st != KS_OK)
        return st;
    for (;;) {
        ks_pdf_content_op op;
        bool done;
        st = ks_pdf_content_next(c, &op, &done, err);
        if (st != KS_OK || done)
            break;
        size_t l = strlen(out);
        snprintf(out + l, cap - l, "%s%s(%zu)", l ? " " : "", op.op, op.count);
    }
    ks_pdf_content_free(c);
    return st;
}

static void test_basic_ops(void)
{
    char buf[512];
    const char *s = "q 1 0 0 1 72.5 -.5 cm BT /F1 12 Tf (Hi) Tj ET Q % comment\n";
    CHECK(ops_of(s, strlen(s), buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "q(0) cm(6) BT(0) Tf(2) Tj(1) ET(0) Q(0)");

    ks_pdf_content *c = NULL;
    CHECK(ks_pdf_content_new((const uint8_t *)s, strlen(s), &c, NULL) == KS_OK);
    ks_pdf_content_op op;
    bool done;
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK && !done);
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK && !done);
    CHECK_STR(op.op, "cm");
    CHECK(op.operands[4]->type == KS_PDF_REAL && op.operands[4]->u.r == 72.5);
    CHECK(op.operands[5]->type == KS_PDF_REAL && op.operands[5]->u.r == -0.5);
    CHECK(op.operands[0]->type == KS_PDF_INT && op.operands[0]->u.i == 1);
    CHECK(op.offset == 19);
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK); /* BT */
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK); /* Tf */
    CHECK(op.operands[0]->type == KS_PDF_NAME && strcmp(op.operands[0]->u.name.s, "F1") == 0);
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK); /* Tj */
    CHECK(op.operands[0]->type == KS_PDF_STRING && op.operands[0]->u.str.len == 2 &&
          memcmp(op.operands[0]->u.str.data, "Hi", 2) == 0);
    ks_pdf_content_free(c);
}

static ks_pdf_obj *first_operand(const char *src, ks_pdf_content **c)
{
    ks_pdf_content_op op;
    bool done;
    if (ks_pdf_content_new((const uint8_t *)src, strlen(src), c, NULL) != KS_OK)
        return NULL;
    if (ks_pdf_content_next(*c, &op, &done, NULL) != KS_OK || done || op.count == 0)
        return NULL;
    return op.operands[0];
}

static void test_strings_and_arrays(void)
{
    ks_pdf_content *c = NULL;
    ks_pdf_obj *o = first_operand("(a\\(b\\)c\\101\\0612\\\nd(e)\\q) Tj", &c);
    CHECK(o && o->type == KS_PDF_STRING);
    CHECK(o && o->u.str.len == 13 && memcmp(o->u.str.data, "a(b)cA12d(e)q", 13) == 0);
    ks_pdf_content_free(c);

    o = first_operand("<48 65 6c6C 6f 7> Tj", &c);
    CHECK(o && o->u.str.hex && o->u.str.len == 6 && memcmp(o->u.str.data, "Hello\x70", 6) == 0);
    ks_pdf_content_free(c);

    o = first_operand("[(A) -250 (B) 12.5<00 41>] TJ", &c);
    CHECK(o && o->type == KS_PDF_ARRAY && o->u.arr.len == 5);
    CHECK(o && o->u.arr.items[1]->type == KS_PDF_INT && o->u.arr.items[1]->u.i == -250);
    CHECK(o && o->u.arr.items[4]->type == KS_PDF_STRING && o->u.arr.items[4]->u.str.len == 2);
    ks_pdf_content_free(c);

    o = first_operand("/Span <</ActualText (x) /MCID 3 /A [1 2]>> BDC", &c);
    CHECK(o && o->type == KS_PDF_NAME);
    ks_pdf_content_free(c);

    o = first_operand("/Na#6De Do", &c);
    CHECK(o && strcmp(o->u.name.s, "Name") == 0);
    ks_pdf_content_free(c);

    /* "CR LF" inside a literal string reads as one LF (ISO 32000-2 §7.3.4.2) */
    o = first_operand("(a\r\nb) Tj", &c);
    CHECK(o && o->u.str.len == 3 && memcmp(o->u.str.data, "a\nb", 3) == 0);
    ks_pdf_content_free(c);
}

static void test_inline_image(void)
{
    char buf[512];
    /* 2x2 gray, 8 bit: exactly 4 data bytes which contain "EI" on purpose */
    const char s[] = "q BI /W 2 /H 2 /CS /G /BPC 8 ID \nEI\n EI Q BT ET";
    CHECK(ops_of(s, sizeof s - 1, buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "q(0) BI(1) Q(0) BT(0) ET(0)");

    ks_pdf_content *c = NULL;
    CHECK(ks_pdf_content_new((const uint8_t *)s, sizeof s - 1, &c, NULL) == KS_OK);
    ks_pdf_content_op op;
    bool done;
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK);
    CHECK(ks_pdf_content_next(c, &op, &done, NULL) == KS_OK);
    CHECK_STR(op.op, "BI");
    CHECK(op.data_len == 4 && memcmp(op.data, "\nEI\n", 4) == 0);
    CHECK(op.count == 1 && op.operands[0]->type == KS_PDF_DICT && op.operands[0]->u.dict.len == 4);
    ks_pdf_content_free(c);

    /* filtered data: found by searching for EI */
    const char f[] = "BI /W 9 /H 9 /F /AHx ID 00ff00> EI Q";
    CHECK(ops_of(f, sizeof f - 1, buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "BI(1) Q(0)");

    const char bad[] = "BI /W 9 /H 9 /F /AHx ID 00ff00>";
    ks_error e;
    CHECK(ops_of(bad, sizeof bad - 1, buf, sizeof buf, &e) == KS_E_FORMAT);
    CHECK(strstr(e.msg_en, "EI") != NULL);
}

static void test_malformed_and_limits(void)
{
    char buf[512];
    ks_error e;
    CHECK(ops_of("(abc Tj", 7, buf, sizeof buf, &e) == KS_E_FORMAT);
    CHECK(strstr(e.msg_en, "byte 0") != NULL);
    CHECK(ops_of("1 2 ] re", 8, buf, sizeof buf, &e) == KS_E_FORMAT);
    CHECK(strstr(e.msg_en, "byte 4") != NULL);
    CHECK(ops_of("<4G> Tj", 7, buf, sizeof buf, &e) == KS_E_FORMAT);
    CHECK(ops_of("[1 2 Tj", 7, buf, sizeof buf, &e) == KS_E_FORMAT);
    /* an operator inside an array is malformed */
    CHECK(ops_of("[1 Tj] TJ", 9, buf, sizeof buf, &e) == KS_E_FORMAT);

    /* operand stack bound */
    size_t n = (KS_PDF_CONTENT_MAX_OPERANDS + 1) * 2;
    char *big = malloc(n + 4);
    for (size_t i = 0; i < n; i += 2)
        memcpy(big + i, "1 ", 2);
    memcpy(big + n, "re", 3);
    CHECK(ops_of(big, n + 2, buf, sizeof buf, &e) == KS_E_LIMIT);
    /* exactly the maximum is fine */
    CHECK(ops_of(big + 2, n, buf, sizeof buf, &e) == KS_OK);
    CHECK(strcmp(buf, "re(1024)") == 0);
    free(big);

    /* nesting bound */
    size_t d = KS_PDF_MAX_DEPTH + 10;
    char *deep = malloc(2 * d + 8);
    memset(deep, '[', d);
    memset(deep + d, ']', d);
    memcpy(deep + 2 * d, " TJ", 4);
    CHECK(ops_of(deep, 2 * d + 3, buf, sizeof buf, &e) == KS_E_LIMIT);
    free(deep);

    /* trailing operands without an operator are dropped; empty input is fine */
    CHECK(ops_of("BT 1 2", 6, buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "BT(0)");
    CHECK(ops_of("", 0, buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "");
    /* a NUL byte is whitespace; numbers like "4." and "-.5" are numbers; "1.2.3" is a keyword */
    CHECK(ops_of("4.\0-.5 1.2.3", 12, buf, sizeof buf, NULL) == KS_OK);
    CHECK_STR(buf, "1.2.3(2)");
}

int main(void)
{
    test_basic_ops();
    test_strings_and_arrays();
    test_inline_image();
    test_malformed_and_limits();
    return ks_test_done();
}
