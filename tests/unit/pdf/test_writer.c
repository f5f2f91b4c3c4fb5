/* Incremental writer: the original bytes stay identical (cmp), qpdf --check accepts the result,
 * the new revision has the same xref kind as the last one, /Prev and /ID are kept, and the
 * offsets reported by ks_pdf_update_offset point at "num gen obj". */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kyso/pdf.h"
#include "mkpdf.h"
#include "test.h"

static const char *dir;

static int qpdf_ok(const char *path)
{
    char *out = NULL;
    int rc = ks_test_sh(&out, "qpdf --check '%s' 2>&1", path);
    if (rc != 0)
        fprintf(stderr, "qpdf --check %s -> %d:\n%s\n", path, rc, out ? out : "");
    free(out);
    return rc;
}

/* Appends a revision that adds object `extra` (an annotation-like dictionary with a string)
 * and re-puts the catalog with a new key; writes it to `out_path`. */
static ks_status add_revision(ks_pdf_doc *d, const char *out_path, uint32_t *new_num,
                              uint64_t *new_off)
{
    ks_error e;
    ks_pdf_update *u = NULL;
    ks_status st = ks_pdf_update_new(d, &u, &e);
    if (st)
        return st;
    ks_arena *a = ks_pdf_arena(d);
    uint32_t n = ks_pdf_update_alloc(u);
    ks_pdf_obj *o = ks_pdf_new_dict(a);
    ks_pdf_dict_put(a, o, "Kind", ks_pdf_new_name(a, "Test"));
    ks_pdf_dict_put(a, o, "Text",
                    ks_pdf_new_string(a, (const uint8_t *)"hello (world)", 13, false));
    st = ks_pdf_update_put(u, n, 0, o, &e);
    ks_pdf_obj *cat = ks_pdf_copy(a, ks_pdf_catalog(d));
    ks_pdf_dict_put(a, cat, "KysoTest", ks_pdf_new_ref(a, n, 0));
    ks_pdf_obj *root = ks_pdf_dict_get(ks_pdf_trailer(d), "Root");
    if (!st)
        st = ks_pdf_update_put(u, root->u.ref.num, root->u.ref.gen, cat, &e);
    if (!st)
        st = ks_pdf_update_write_file(u, out_path, &e);
    if (st)
        fprintf(stderr, "update: %s\n", e.msg_en);
    *new_num = n;
    *new_off = ks_pdf_update_offset(u, n);
    ks_pdf_update_free(u);
    return st;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    uint8_t *d = NULL;
    ks_error e;
    if (ks_read_file(path, 1u << 26, &d, len, &e) != KS_OK)
        return NULL;
    return d;
}

/* Opens `in`, appends a revision into `out`, then checks everything about the result. */
static void check_update(const char *in, const char *out, ks_pdf_xref_kind want_kind)
{
    ks_error e;
    ks_pdf_doc *d = NULL;
    CHECK(ks_pdf_open(in, NULL, &d, &e) == KS_OK);
    if (!d) {
        fprintf(stderr, "open %s: %s\n", in, e.msg_en);
        return;
    }
    size_t nrev0 = ks_pdf_revision_count(d);
    size_t orig_len;
    const uint8_t *orig = ks_pdf_data(d, &orig_len);
    bool eol = orig_len && (orig[orig_len - 1] == '\n' || orig[orig_len - 1] == '\r');
    ks_buf id0 = KS_BUF_INIT;
    ks_pdf_obj *id = ks_pdf_dict_get(ks_pdf_trailer(d), "ID");
    if (id)
        ks_pdf_serialize(&id0, id, &e);
    uint32_t n = 0;
    uint64_t off = 0;
    CHECK(add_revision(d, out, &n, &off) == KS_OK);
    ks_pdf_close(d);

    CHECK(ks_test_sh(NULL, "cmp -n %zu '%s' '%s' >/dev/null", orig_len, in, out) == 0);
    CHECK(qpdf_ok(out) == 0);
    size_t len;
    uint8_t *bytes = slurp(out, &len);
    char hdr[32];
    int hl = snprintf(hdr, sizeof hdr, "%u 0 obj", n);
    CHECK_MSG(bytes && off >= orig_len && off + (size_t)hl <= len &&
                  memcmp(bytes + off, hdr, (size_t)hl) == 0,
              "%s: offset %llu of object %u (length %zu)", out, (unsigned long long)off, n, len);
    free(bytes);

    CHECK(ks_pdf_open(out, NULL, &d, &e) == KS_OK);
    if (!d)
        return;
    CHECK(ks_pdf_revision_count(d) == nrev0 + 1);
    const ks_pdf_revision *r = ks_pdf_revision_at(d, nrev0);
    CHECK(r && r->kind == want_kind && r->eof_end == len);
    const ks_pdf_revision *r0 = ks_pdf_revision_at(d, nrev0 - 1);
    /* the EOL the writer adds after a bare "%%EOF" counts as that revision's end of line */
    CHECK_MSG(r0 && r0->eof_end == orig_len + (eol ? 0 : 1), "%s: eof_end %llu, length %zu", in,
              r0 ? (unsigned long long)r0->eof_end : 0ULL, orig_len);
    CHECK(ks_pdf_object_revision(d, n) == (long)nrev0);
    ks_pdf_obj *cat = ks_pdf_catalog(d);
    ks_pdf_obj *t = ks_pdf_dict_getr(d, cat, "KysoTest");
    ks_pdf_obj *txt = ks_pdf_dict_get(t, "Text");
    CHECK(txt && txt->type == KS_PDF_STRING && txt->u.str.len == 13 &&
          memcmp(txt->u.str.data, "hello (world)", 13) == 0);
    ks_pdf_obj *id1 = ks_pdf_dict_get(ks_pdf_trailer(d), "ID");
    if (id0.len) {
        ks_buf b1 = KS_BUF_INIT;
        CHECK(id1 && ks_pdf_serialize(&b1, id1, &e) == KS_OK && id0.len == b1.len &&
              memcmp(id0.data, b1.data, b1.len) == 0);
        ks_buf_free(&b1);
    }
    ks_buf_free(&id0);
    /* the previous revision does not see the new object */
    ks_pdf_doc *v = NULL;
    CHECK(ks_pdf_open_revision(d, nrev0 - 1, &v, &e) == KS_OK);
    if (v) {
        ks_pdf_obj *kt = ks_pdf_dict_get(ks_pdf_catalog(v), "KysoTest");
        CHECK(!kt || (kt->type == KS_PDF_REF && kt->u.ref.num != n));
        ks_pdf_obj *o = NULL;
        CHECK(ks_pdf_get(v, n, 0, &o, &e) == KS_OK && o->type == KS_PDF_NULL);
        /* a second caller gets the same view, with the objects parsed so far (each object
         * parsed once per revision whoever compares revisions) */
        ks_pdf_obj *vcat = ks_pdf_catalog(v);
        ks_pdf_doc *v2 = NULL;
        CHECK(ks_pdf_open_revision(d, nrev0 - 1, &v2, &e) == KS_OK && v2 == v);
        CHECK(v2 && ks_pdf_catalog(v2) == vcat);
        ks_pdf_close(v2);
        ks_pdf_close(v);
        /* an object the document itself parsed is not parsed again by the view: the same
         * bytes at the same offset (objcache.c; objects in object streams are not shared,
         * hence the classic-xref files only) */
        ks_pdf_obj *pages_d = ks_pdf_dict_get(ks_pdf_catalog(d), "Pages");
        ks_pdf_obj *pages_v = ks_pdf_dict_get(vcat, "Pages");
        CHECK(pages_d && pages_v && pages_d->type == KS_PDF_REF && pages_v->type == KS_PDF_REF &&
              pages_d->u.ref.num == pages_v->u.ref.num);
        if (want_kind == KS_PDF_XREF_TABLE && pages_d && pages_v && pages_d->type == KS_PDF_REF &&
            pages_v->type == KS_PDF_REF &&
            ks_pdf_object_revision(d, pages_d->u.ref.num) ==
                ks_pdf_object_revision(v, pages_v->u.ref.num)) {
            ks_pdf_obj *od = ks_pdf_resolve(d, pages_d, NULL);
            ks_pdf_obj *ov = ks_pdf_resolve(v, pages_v, NULL);
            CHECK(od == ov && od->type == KS_PDF_DICT);
        }
        /* ...also once both callers closed it; it is freed with the document */
        CHECK(ks_pdf_open_revision(d, nrev0 - 1, &v2, &e) == KS_OK && v2 == v);
        ks_pdf_close(v2);
    }
    size_t np = 0;
    CHECK(ks_pdf_page_count(d, &np, &e) == KS_OK && np == 1);
    ks_pdf_close(d);
}

static void test_table(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf =
        mk_pdf(objs, 3,
               "/ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]", &len);
    char in[512], out[512], out2[512];
    snprintf(in, sizeof in, "%s/table.pdf", dir);
    snprintf(out, sizeof out, "%s/table-upd.pdf", dir);
    snprintf(out2, sizeof out2, "%s/table-upd2.pdf", dir);
    write_file(in, pdf, len);
    check_update(in, out, KS_PDF_XREF_TABLE);
    check_update(out, out2, KS_PDF_XREF_TABLE); /* a third revision on top of ours */
    free(pdf);
}

static void test_stream(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    char src[512], in[512], out[512];
    snprintf(src, sizeof src, "%s/plain.pdf", dir);
    snprintf(in, sizeof in, "%s/objstm.pdf", dir);
    snprintf(out, sizeof out, "%s/objstm-upd.pdf", dir);
    write_file(src, pdf, len);
    CHECK(ks_test_sh(NULL, "qpdf --object-streams=generate '%s' '%s'", src, in) == 0);
    check_update(in, out, KS_PDF_XREF_STREAM);
    free(pdf);
}

static void test_no_final_eol(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    CHECK(pdf[len - 1] == '\n');
    len--; /* "...%%EOF" with no EOL */
    char in[512], out[512];
    snprintf(in, sizeof in, "%s/noeol.pdf", dir);
    snprintf(out, sizeof out, "%s/noeol-upd.pdf", dir);
    write_file(in, pdf, len);
    check_update(in, out, KS_PDF_XREF_TABLE);
    size_t l2;
    uint8_t *b = slurp(out, &l2);
    CHECK(b && l2 > len && b[len] == '\n');
    free(b);
    free(pdf);
}

static void test_repaired(void)
{
    const char *objs[] = {MK_BASE};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 3, NULL, &len);
    /* point startxref one byte off: strict fails, repair rebuilds */
    char *sx = strstr((char *)pdf, "startxref\n");
    CHECK(sx != NULL);
    if (!sx) {
        free(pdf);
        return;
    }
    char *digit = sx + 10;
    *digit = (char)(*digit == '9' ? '8' : *digit + 1);
    char in[512], out[512];
    snprintf(in, sizeof in, "%s/broken.pdf", dir);
    snprintf(out, sizeof out, "%s/broken-upd.pdf", dir);
    write_file(in, pdf, len);
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK(ks_pdf_open(in, NULL, &d, &e) == KS_E_FORMAT && strstr(e.msg_en, "byte offset"));
    ks_pdf_open_opts o = {KS_PDF_REPAIR, NULL, 0};
    CHECK(ks_pdf_open(in, &o, &d, &e) == KS_OK && ks_pdf_was_repaired(d));
    if (d) {
        uint32_t n;
        uint64_t off;
        CHECK(ks_pdf_revision_at(d, 0)->kind == KS_PDF_XREF_REBUILT);
        CHECK(add_revision(d, out, &n, &off) == KS_OK);
        ks_pdf_close(d);
        CHECK(ks_test_sh(NULL, "cmp -n %zu '%s' '%s' >/dev/null", len, in, out) == 0);
        CHECK(qpdf_ok(out) == 0);
        /* the update's complete xref makes the file strictly readable again */
        CHECK(ks_pdf_open(out, NULL, &d, &e) == KS_OK);
        size_t np = 0;
        CHECK(d && ks_pdf_page_count(d, &np, &e) == KS_OK && np == 1);
        ks_pdf_close(d);
    }
    free(pdf);
}

int main(void)
{
    dir = ks_test_tmpdir("pdf_writer");
    test_table();
    test_stream();
    test_no_final_eol();
    test_repaired();
    return ks_test_done();
}
