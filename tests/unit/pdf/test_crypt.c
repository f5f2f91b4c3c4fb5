/* Standard security handler: files encrypted by qpdf (RC4 40/128, AESV2, AESV3 R5/R6) open
 * with the user or owner password (or none when the user password is empty) and decrypt to
 * what qpdf itself decodes; a missing or wrong password is KS_E_PASSWORD; objects added by
 * the incremental writer are encrypted so that qpdf reads them back. */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"
#include "mkpdf.h"
#include "test.h"

static const char *dir;
static const char content[] = "BT /F1 24 Tf 72 720 Td (Xin chao) Tj ET";

static const char *make_base(void)
{
    static char path[512];
    char stm[256];
    snprintf(stm, sizeof stm, "<< /Length %zu >>\nstream\n%s\nendstream", sizeof content - 1,
             content);
    const char *objs[] = {"<< /Type /Catalog /Pages 2 0 R >>",
                          "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
                          "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>", stm,
                          "<< /Producer (kyso test producer) /Title <FEFF0054> >>"};
    size_t len;
    uint8_t *pdf = mk_pdf(objs, 5,
                          "/Info 5 0 R /ID [<0102030405060708090A0B0C0D0E0F10> "
                          "<0102030405060708090A0B0C0D0E0F10>]",
                          &len);
    snprintf(path, sizeof path, "%s/base.pdf", dir);
    write_file(path, pdf, len);
    free(pdf);
    return path;
}

/* qpdf's decoded stream data of object `num` (the oracle). */
static char *qpdf_stream(const char *path, const char *pw, uint32_t num)
{
    char *out = NULL;
    if (ks_test_sh(&out, "qpdf --password='%s' --show-object=%u --filtered-stream-data '%s'", pw,
                   num, path) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void check_open(const char *path, const char *pw, const char *method, bool user_empty)
{
    ks_pdf_open_opts o = {KS_PDF_STRICT, pw, 0};
    ks_pdf_doc *d = NULL;
    ks_error e;
    ks_status st = ks_pdf_open(path, &o, &d, &e);
    CHECK_MSG(st == KS_OK, "%s with password \"%s\": %s", path, pw ? pw : "(none)",
              st ? e.msg_en : "");
    if (!d)
        return;
    ks_pdf_encryption enc;
    ks_pdf_get_encryption(d, &enc);
    CHECK(enc.encrypted && strcmp(enc.method, method) == 0 &&
          enc.user_password_empty == user_empty);
    ks_pdf_obj *info = ks_pdf_dict_getr(d, ks_pdf_trailer(d), "Info");
    char *prod = ks_pdf_string_utf8(ks_pdf_dict_getr(d, info, "Producer"));
    CHECK_MSG(prod && strcmp(prod, "kyso test producer") == 0, "%s: producer %s", path,
              prod ? prod : "(null)");
    free(prod);
    ks_pdf_obj *page = NULL;
    ks_pdf_ref ref;
    CHECK(ks_pdf_page(d, 0, &page, &ref, &e) == KS_OK);
    ks_pdf_obj *cref = page ? ks_pdf_dict_get(page, "Contents") : NULL;
    ks_pdf_obj *c = ks_pdf_resolve(d, cref, NULL);
    uint8_t *data = NULL;
    size_t len = 0;
    CHECK(c->type == KS_PDF_STREAM && ks_pdf_stream_decode(d, c, &data, &len, &e) == KS_OK);
    char *want =
        cref && cref->type == KS_PDF_REF ? qpdf_stream(path, pw ? pw : "", cref->u.ref.num) : NULL;
    CHECK_MSG(want && data && strlen(want) == len && memcmp(want, data, len) == 0 &&
                  strstr(want, "Xin chao"),
              "%s: decoded content differs from qpdf's", path);
    free(want);
    free(data);
    ks_pdf_close(d);
}

static void check_refused(const char *path, const char *pw)
{
    ks_pdf_open_opts o = {KS_PDF_STRICT, pw, 0};
    ks_pdf_doc *d = NULL;
    ks_error e;
    CHECK_MSG(ks_pdf_open(path, &o, &d, &e) == KS_E_PASSWORD && !d && strstr(e.msg_en, "password"),
              "%s opened with password \"%s\"", path, pw ? pw : "(none)");
    ks_pdf_close(d);
}

/* Adds a string object and a stream through the writer; qpdf must decrypt both. */
static void check_write(const char *path, const char *pw)
{
    ks_pdf_open_opts o = {KS_PDF_STRICT, pw, 0};
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (ks_pdf_open(path, &o, &d, &e) != KS_OK) {
        CHECK_MSG(0, "open %s: %s", path, e.msg_en);
        return;
    }
    ks_pdf_update *u = NULL;
    CHECK(ks_pdf_update_new(d, &u, &e) == KS_OK);
    ks_arena *a = ks_pdf_arena(d);
    uint32_t ns = ks_pdf_update_alloc(u), nt = ks_pdf_update_alloc(u);
    ks_pdf_obj *sd = ks_pdf_new_dict(a);
    CHECK(ks_pdf_update_put_stream(u, ns, 0, sd, (const uint8_t *)"stream payload 123", 18, &e) ==
          KS_OK);
    ks_pdf_obj *arr = ks_pdf_new_array(a);
    ks_pdf_array_push(a, arr, ks_pdf_new_string(a, (const uint8_t *)"secret words", 12, false));
    ks_pdf_array_push(a, arr, ks_pdf_new_ref(a, ns, 0));
    CHECK(ks_pdf_update_put(u, nt, 0, arr, &e) == KS_OK);
    uint32_t nr = ks_pdf_update_alloc(u);
    ks_buf raw = KS_BUF_INIT;
    ks_buf_puts(&raw, "<< /Kind /Raw /S ");
    CHECK(ks_pdf_update_string(u, nr, 0, (const uint8_t *)"raw text", 8, &raw, &e) == KS_OK);
    ks_buf_puts(&raw, " >>");
    CHECK(ks_pdf_update_put_raw(u, nr, 0, raw.data, raw.len, &e) == KS_OK);
    ks_buf_free(&raw);
    ks_pdf_obj *cat = ks_pdf_copy(a, ks_pdf_catalog(d));
    ks_pdf_dict_put(a, cat, "KysoTest", ks_pdf_new_ref(a, nt, 0));
    ks_pdf_dict_put(a, cat, "KysoRaw", ks_pdf_new_ref(a, nr, 0));
    ks_pdf_obj *root = ks_pdf_dict_get(ks_pdf_trailer(d), "Root");
    CHECK(ks_pdf_update_put(u, root->u.ref.num, root->u.ref.gen, cat, &e) == KS_OK);
    char out[600];
    snprintf(out, sizeof out, "%s.upd.pdf", path);
    CHECK(ks_pdf_update_write_file(u, out, &e) == KS_OK);
    ks_pdf_update_free(u);
    ks_pdf_close(d);

    char *s = qpdf_stream(out, pw ? pw : "", ns);
    CHECK_MSG(s && strcmp(s, "stream payload 123") == 0, "%s: qpdf reads stream %u as %s", out, ns,
              s ? s : "(fail)");
    free(s);
    char *q = NULL;
    CHECK(ks_test_sh(&q, "qpdf --password='%s' --show-object=%u '%s'", pw ? pw : "", nt, out) == 0);
    CHECK_MSG(q && strstr(q, "(secret words)"), "%s: qpdf shows object %u as %s", out, nt,
              q ? q : "(fail)");
    free(q);
    q = NULL;
    CHECK(ks_test_sh(&q, "qpdf --password='%s' --show-object=%u '%s'", pw ? pw : "", nr, out) == 0);
    CHECK_MSG(q && strstr(q, "(raw text)"), "%s: qpdf shows object %u as %s", out, nr,
              q ? q : "(fail)");
    free(q);
    CHECK(ks_test_sh(NULL, "qpdf --password='%s' --check '%s' >/dev/null 2>&1", pw ? pw : "",
                     out) == 0);
    /* and we read our own update back */
    CHECK(ks_pdf_open(out, &o, &d, &e) == KS_OK);
    ks_pdf_obj *t = d ? ks_pdf_dict_getr(d, ks_pdf_catalog(d), "KysoTest") : NULL;
    ks_pdf_obj *str = t && t->type == KS_PDF_ARRAY ? t->u.arr.items[0] : NULL;
    CHECK(str && str->type == KS_PDF_STRING && str->u.str.len == 12 &&
          memcmp(str->u.str.data, "secret words", 12) == 0);
    ks_pdf_close(d);
}

int main(void)
{
    dir = ks_test_tmpdir("pdf_crypt");
    const char *base = make_base();
    static const struct {
        const char *name, *args, *method;
    } cases[] = {
        {"rc4-40", "40", "RC4"},
        {"rc4-128", "128 --use-aes=n", "RC4"},
        {"aesv2", "128 --use-aes=y", "AESV2"},
        {"aesv3-r5", "256 --force-R5", "AESV3"},
        {"aesv3-r6", "256", "AESV3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[600], empty[600];
        snprintf(path, sizeof path, "%s/%s.pdf", dir, cases[i].name);
        snprintf(empty, sizeof empty, "%s/%s-empty.pdf", dir, cases[i].name);
        CHECK(ks_test_sh(NULL,
                         "qpdf --allow-weak-crypto --encrypt user owner %s -- '%s' '%s' "
                         ">/dev/null 2>&1",
                         cases[i].args, base, path) == 0);
        CHECK(ks_test_sh(NULL,
                         "qpdf --allow-weak-crypto --encrypt '' owner %s -- '%s' '%s' "
                         ">/dev/null 2>&1",
                         cases[i].args, base, empty) == 0);
        check_open(path, "user", cases[i].method, false);
        check_open(path, "owner", cases[i].method, false);
        check_open(empty, NULL, cases[i].method, true);
        check_refused(path, NULL);
        check_refused(path, "wrong");
        check_write(path, "user");
        check_write(empty, NULL);
    }
    /* corpus: pyHanko's AES-256 file with user password "usersecret" */
    const char *py = ks_test_shared_opt("corpus/github/gh-pyhanko-minimal-aes256-userpw.pdf");
    if (py) {
        check_refused(py, NULL);
        ks_pdf_open_opts o = {KS_PDF_STRICT, "usersecret", 0};
        ks_pdf_doc *d = NULL;
        ks_error e;
        size_t np = 0;
        CHECK(ks_pdf_open(py, &o, &d, &e) == KS_OK && ks_pdf_page_count(d, &np, &e) == KS_OK &&
              np == 1);
        ks_pdf_close(d);
    }
    return ks_test_done();
}
