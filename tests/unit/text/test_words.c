/* Text extraction on pages made by Microsoft Word (and a few other office producers) from the
 * corpus: the words kyso finds must be pdftotext's words (as a multiset, >= 95 % in common
 * per page of 20 words or more, and over all pages together). */
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "test.h"
#include "text_oracle.h"

typedef struct words {
    char **v;
    size_t n, cap;
} words;

static void add_words(words *w, const char *text)
{
    const char *s = text;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if (e > s) {
            if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 256;
                w->v = realloc(w->v, w->cap * sizeof *w->v);
            }
            w->v[w->n++] = strndup(s, (size_t)(e - s));
        }
        s = e;
    }
}

static void free_words(words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Size of the multiset intersection. */
static size_t common(words *a, words *b)
{
    qsort(a->v, a->n, sizeof *a->v, cmp_str);
    qsort(b->v, b->n, sizeof *b->v, cmp_str);
    size_t i = 0, j = 0, n = 0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->v[i], b->v[j]);
        if (c == 0)
            n++, i++, j++;
        else if (c < 0)
            i++;
        else
            j++;
    }
    return n;
}

static size_t total_ref, total_common;

static void check_file(const char *rel, size_t max_pages)
{
    const char *path = ks_test_shared(rel);
    ks_pdf_doc *doc = NULL;
    ks_error err = {0};
    size_t npages = 0;
    CHECK_MSG(ks_pdf_open(path, NULL, &doc, &err) == KS_OK &&
                  ks_pdf_page_count(doc, &npages, &err) == KS_OK,
              "%s: %s", rel, err.msg_en);
    if (!doc)
        return;
    for (size_t i = 0; i < npages && i < max_pages; i++) {
        ks_pdf_text_page *p = NULL;
        oracle_page ref = {0};
        words ours = {0}, theirs = {0};
        CHECK_MSG(ks_pdf_text_extract(doc, i, &p, &err) == KS_OK, "%s page %zu: %s", rel, i + 1,
                  err.msg_en);
        CHECK_MSG(oracle_pdftotext(path, (int)i + 1, &ref) == 0, "%s: pdftotext failed", rel);
        for (size_t k = 0; p && k < p->count; k++)
            add_words(&ours, p->lines[k].text);
        for (size_t k = 0; k < ref.count; k++)
            add_words(&theirs, ref.lines[k].text);
        size_t n = common(&ours, &theirs);
        if (theirs.n >= 20)
            CHECK_MSG(n * 100 >= theirs.n * 95, "%s page %zu: %zu of pdftotext's %zu words", rel,
                      i + 1, n, theirs.n);
        fprintf(stderr, "  %s page %zu: %zu of %zu words (kyso: %zu)\n", rel, i + 1, n, theirs.n,
                ours.n);
        total_ref += theirs.n;
        total_common += n;
        free_words(&ours);
        free_words(&theirs);
        oracle_free(&ref);
        ks_pdf_text_page_free(p);
    }
    ks_pdf_close(doc);
}

int main(void)
{
    check_file("corpus/github/gh-pdfjs-bug1937438-word365.pdf", 3);
    check_file("corpus/github/gh-pdfjs-issue15372-word365-acroform.pdf", 3);
    check_file("corpus/github/gh-pdfjs-bug1708040-pdfmaker-word.pdf", 3);
    check_file("corpus/debian/deb-unified-stylesheet-word-quartz.pdf", 4);
    check_file("corpus/debian/deb-citeref-ms-print-to-pdf.pdf", 1);
    check_file("corpus/github/gh-pdfjs-issue16263-powerpoint2013.pdf", 1);
    check_file("corpus/github/gh-pdfjs-issue10301-excel2016.pdf", 1);
    CHECK_MSG(total_ref > 1000 && total_common * 100 >= total_ref * 95,
              "all pages: %zu of pdftotext's %zu words", total_common, total_ref);
    return ks_test_done();
}
