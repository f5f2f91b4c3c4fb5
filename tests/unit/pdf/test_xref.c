/* Cross-reference reading over the whole corpus (tables, xref streams, hybrids, object streams,
 * linearized and incrementally updated files): our merged object map must equal the one
 * `qpdf --show-xref` prints, entry by entry, and every in-use object must load. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kyso/pdf.h"
#include "test.h"

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

static void check_file(const char *file, const char *pw)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ks_test_shared("corpus"), file);
    ks_pdf_open_opts o = {KS_PDF_STRICT, pw, 0};
    ks_pdf_doc *d = NULL;
    ks_error e;
    if (ks_pdf_open(path, &o, &d, &e) != KS_OK)
        return; /* damaged files are test_corpus_open's business */
    if (ks_pdf_warning_count(d) > 0) {
        /* xref offsets recovered (test_xref_recover, test_corpus_open): qpdf rebuilds these
         * files by scanning, so its table is not the file's */
        ks_pdf_close(d);
        return;
    }
    char *x = NULL;
    CHECK(ks_test_sh(&x, "qpdf --password='%s' --show-xref '%s' 2>/dev/null", pw, path) == 0);
    size_t entries = 0, mismatches = 0;
    for (char *line = x; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        unsigned num, gen;
        unsigned long long a, b;
        int kind = 0;
        if (sscanf(line, "%u/%u: uncompressed; offset = %llu", &num, &gen, &a) == 3)
            kind = KS_XE_INUSE;
        else if (sscanf(line, "%u/%u: compressed; stream = %llu, index = %llu", &num, &gen, &a,
                        &b) == 4)
            kind = KS_XE_COMPRESSED;
        /* "n" entries with offset 0 (Word, pdftk): both sides treat them as free (§7.5.4) */
        if (kind == KS_XE_INUSE && a == 0) {
            const ks_slot *s = num < d->nslots ? &d->slots[num] : NULL;
            CHECK_MSG(!s || s->e.type == KS_XE_FREE, "%s: %s is not free here", file, line);
            kind = 0;
        }
        if (kind) {
            entries++;
            const ks_slot *s = num < d->nslots ? &d->slots[num] : NULL;
            bool same = s && s->e.type == kind &&
                        (kind == KS_XE_INUSE ? s->e.off == a && s->e.gen == gen
                                             : s->e.off == a && s->e.idx == b);
            if (!same && mismatches++ < 3)
                CHECK_MSG(0, "%s: qpdf says \"%s\", we have type %d off %llu idx %u", file, line,
                          s ? s->e.type : -1, s ? (unsigned long long)s->e.off : 0ULL,
                          s ? s->e.idx : 0);
            ks_pdf_obj *obj = NULL;
            ks_status st = ks_pdf_get(d, num, (uint16_t)gen, &obj, &e);
            if (st && mismatches++ < 3)
                CHECK_MSG(0, "%s: object %u %u does not load: %s", file, num, gen, e.msg_en);
        }
        line = nl ? nl + 1 : NULL;
    }
    CHECK_MSG(mismatches == 0 && entries > 0, "%s: %zu mismatches in %zu entries", file, mismatches,
              entries);
    free(x);
    ks_pdf_close(d);
}

int main(void)
{
    char manifest[1024];
    snprintf(manifest, sizeof manifest, "%s", ks_test_shared("corpus/MANIFEST.tsv"));
    FILE *f = fopen(manifest, "r");
    CHECK_MSG(f != NULL, "cannot open %s", manifest);
    if (!f)
        return ks_test_done();
    char line[16384];
    bool header = true;
    size_t files = 0;
    while (fgets(line, sizeof line, f)) {
        if (header) {
            header = false;
            continue;
        }
        char *col[40];
        if (split_tabs(line, col, 40) < 22)
            continue;
        char pw[128] = "";
        const char *u = strstr(col[14], "user-pw='");
        if (u) {
            u += 9;
            size_t n = strcspn(u, "'");
            if (n < sizeof pw) {
                memcpy(pw, u, n);
                pw[n] = 0;
            }
        }
        check_file(col[0], pw);
        files++;
    }
    fclose(f);
    CHECK(files >= 50);
    return ks_test_done();
}
