/* Corpus-wide incremental update: for every MANIFEST.tsv file that qpdf can read, append an
 * empty revision (only the catalog re-put) and check that every earlier byte is identical,
 * that `qpdf --check` is as happy as with the original, and that the result opens strictly
 * with the same page count (files that needed repair become strictly readable). */
#include <stdlib.h>
#include <string.h>

#include "kyso/pdf.h"
#include "test.h"

/* Splits a tab-separated line in place; returns the number of fields. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = 0;
            f[n++] = p + 1;
        } else if (*p == '\n' || *p == '\r') {
            *p = 0;
        }
    }
    return n;
}

static void run_one(const char *dir, const char *file, const char *qc, const char *enc)
{
    char in[1024], out[1024];
    snprintf(in, sizeof in, "%s", ks_test_shared("corpus"));
    strncat(in, "/", sizeof in - strlen(in) - 1);
    strncat(in, file, sizeof in - strlen(in) - 1);
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    snprintf(out, sizeof out, "%s/%s", dir, base);

    char pw[128] = "";
    const char *u = strstr(enc, "user-pw='");
    if (u) {
        u += 9;
        size_t n = strcspn(u, "'");
        if (n < sizeof pw) {
            memcpy(pw, u, n);
            pw[n] = 0;
        }
    }
    ks_pdf_open_opts o = {KS_PDF_STRICT, pw, 0};
    ks_pdf_doc *d = NULL;
    ks_error e;
    bool repaired = false;
    if (ks_pdf_open(in, &o, &d, &e) != KS_OK && strcmp(qc, "warnings") == 0) {
        o.mode = KS_PDF_REPAIR;
        repaired = ks_pdf_open(in, &o, &d, &e) == KS_OK;
    }
    CHECK_MSG(d != NULL, "%s: %s", file, e.msg_en);
    if (!d)
        return;
    size_t np0 = 0, orig_len = 0;
    const uint8_t *orig = ks_pdf_data(d, &orig_len);
    CHECK_MSG(ks_pdf_page_count(d, &np0, &e) == KS_OK, "%s: %s", file, e.msg_en);
    ks_pdf_update *upd = NULL;
    ks_pdf_obj *root = ks_pdf_dict_get(ks_pdf_trailer(d), "Root");
    ks_pdf_obj *cat = ks_pdf_catalog(d);
    ks_status st = ks_pdf_update_new(d, &upd, &e);
    if (!st)
        st = ks_pdf_update_put(upd, root->u.ref.num, root->u.ref.gen, cat, &e);
    if (!st)
        st = ks_pdf_update_write_file(upd, out, &e);
    CHECK_MSG(st == KS_OK, "%s: update: %s", file, e.msg_en);
    ks_pdf_update_free(upd);

    uint8_t *res = NULL;
    size_t res_len = 0;
    CHECK(ks_read_file(out, 1u << 28, &res, &res_len, &e) == KS_OK);
    CHECK_MSG(res && res_len > orig_len && memcmp(res, orig, orig_len) == 0,
              "%s: original bytes changed", file);
    free(res);
    ks_pdf_close(d);

    char *q = NULL;
    int rc = ks_test_sh(&q, "qpdf --password='%s' --check '%s' 2>&1", pw, out);
    /* a file qpdf checks clean must stay clean; one with warnings may keep them */
    CHECK_MSG(rc == 0 || (rc == 3 && strcmp(qc, "warnings") == 0), "%s: qpdf --check %d: %s", file,
              rc, q ? q : "");
    free(q);

    o.mode = KS_PDF_STRICT;
    d = NULL;
    size_t np1 = 0;
    st = ks_pdf_open(out, &o, &d, &e);
    CHECK_MSG(st == KS_OK && ks_pdf_page_count(d, &np1, &e) == KS_OK && np1 == np0,
              "%s: updated file (repaired %d): %s; pages %zu vs %zu", file, repaired,
              st ? e.msg_en : "", np1, np0);
    ks_pdf_close(d);
}

int main(void)
{
    const char *dir = ks_test_tmpdir("pdf_corpus_update");
    char manifest[1024];
    snprintf(manifest, sizeof manifest, "%s", ks_test_shared("corpus/MANIFEST.tsv"));
    FILE *f = fopen(manifest, "r");
    CHECK_MSG(f != NULL, "cannot open %s", manifest);
    if (!f)
        return ks_test_done();
    char line[16384];
    size_t files = 0;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *col[40];
        size_t n = split_tabs(line, col, 40);
        if (n < 22)
            continue;
        const char *qc = col[21];
        if (strcmp(qc, "ok") != 0 && strcmp(qc, "warnings") != 0)
            continue;
        run_one(dir, col[0], qc, col[14]);
        files++;
    }
    fclose(f);
    CHECK(files >= 50);
    printf("%zu corpus files updated\n", files);
    return ks_test_done();
}
