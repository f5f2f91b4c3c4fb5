/* `kyso pdf text` end to end: the JSON is valid (python3's json module reads it) and carries
 * the same lines and boxes as the library, the human form prints "x0 y0 x1 y1  text" lines in
 * Vietnamese or English, and bad arguments give the usage/input exit codes of docs/design.md. */
#include <stdlib.h>
#include <string.h>

#include "kyso/text.h"
#include "test.h"

static char kyso[4096];

static void test_json(const char *file)
{
    ks_pdf_doc *doc = NULL;
    ks_pdf_text_page *p = NULL;
    ks_error err = {0};
    CHECK(ks_pdf_open(file, NULL, &doc, &err) == KS_OK);
    CHECK(doc && ks_pdf_text_extract(doc, 0, &p, &err) == KS_OK);
    char *out = NULL;
    /* python3 re-reads the JSON and prints one "text|x0|y0|x1|y1|bold" row per line */
    int rc = ks_test_sh(
        &out,
        "'%s' pdf text '%s' --json --page 1 | PYTHONIOENCODING=utf-8 python3 -c 'import json,sys\n"
        "d=json.load(sys.stdin)\n"
        "assert d[\"file\"] and len(d[\"pages\"])==1 and d[\"pages\"][0][\"page\"]==1\n"
        "pg=d[\"pages\"][0]\n"
        "print(\"%%.2f|%%.2f\" %% (pg[\"width\"], pg[\"height\"]))\n"
        "[print(\"%%s|%%.2f|%%.2f|%%.2f|%%.2f|%%d\" %% (l[\"text\"], l[\"x0\"], "
        "l[\"y0\"], l[\"x1\"], l[\"y1\"], l[\"bold\"])) for l in pg[\"lines\"]]'",
        kyso, file);
    CHECK_MSG(rc == 0, "kyso --json | python3 json: exit %d", rc);
    if (p && out) {
        char want[512];
        snprintf(want, sizeof want, "%.2f|%.2f\n", p->crop.x1 - p->crop.x0,
                 p->crop.y1 - p->crop.y0);
        CHECK_MSG(strncmp(out, want, strlen(want)) == 0, "page size row: %.40s", out);
        size_t found = 0;
        for (size_t i = 0; i < p->count; i++) {
            const ks_pdf_text_line *l = &p->lines[i];
            snprintf(want, sizeof want, "\n%s|%.2f|%.2f|%.2f|%.2f|%d\n", l->text, l->box.x0,
                     l->box.y0, l->box.x1, l->box.y1, l->bold ? 1 : 0);
            found += strstr(out, want) != NULL;
        }
        CHECK_MSG(found == p->count && p->count > 20, "%zu of %zu lines in the JSON", found,
                  p->count);
    }
    free(out);
    /* human form */
    out = NULL;
    rc = ks_test_sh(&out, "'%s' pdf text '%s' --page 1", kyso, file);
    CHECK(rc == 0);
    CHECK(out && strncmp(out, "Trang 1 (", 9) == 0);
    const ks_pdf_text_line *name = NULL;
    for (size_t i = 0; p && i < p->count; i++)
        if (strcmp(p->lines[i].text, "Nguyễn Văn A") == 0)
            name = &p->lines[i];
    CHECK(name != NULL);
    if (name && out) {
        char want[256];
        snprintf(want, sizeof want, "%7.2f %7.2f %7.2f %7.2f  Nguyễn Văn A\n", name->box.x0,
                 name->box.y0, name->box.x1, name->box.y1);
        CHECK_MSG(strstr(out, want) != NULL, "no line \"%s\" in the human output", want);
    }
    free(out);
    out = NULL;
    rc = ks_test_sh(&out, "'%s' --lang en pdf text '%s'", kyso, file);
    CHECK(rc == 0 && out && strncmp(out, "Page 1 (", 8) == 0);
    free(out);
    ks_pdf_text_page_free(p);
    ks_pdf_close(doc);
}

static void test_errors(const char *file)
{
    CHECK(ks_test_sh(NULL, "'%s' pdf text '%s' --page 0 2>/dev/null", kyso, file) == 3);
    CHECK(ks_test_sh(NULL, "'%s' pdf text '%s' --page 2 2>/dev/null", kyso, file) == 3);
    CHECK(ks_test_sh(NULL, "'%s' pdf text '%s' --page x 2>/dev/null", kyso, file) == 3);
    CHECK(ks_test_sh(NULL, "'%s' pdf text 2>/dev/null", kyso) == 3);
    CHECK(ks_test_sh(NULL, "'%s' pdf text '%s' --bogus 2>/dev/null", kyso, file) == 3);
    CHECK(ks_test_sh(NULL, "'%s' pdf text /nonexistent.pdf 2>/dev/null", kyso) == 4);
    const char *dir = ks_test_tmpdir("text_cli");
    CHECK(ks_test_sh(NULL,
                     "printf 'not a pdf' > '%s/x.pdf' && '%s' pdf text '%s/x.pdf' 2>/dev/null", dir,
                     kyso, dir) == 4);
    char *out = NULL;
    CHECK(ks_test_sh(&out, "'%s' pdf text --help", kyso) == 0);
    CHECK(out && strstr(out, "--page") != NULL);
    free(out);
}

int main(void)
{
    const char *b = getenv("KYSO_BUILD");
    snprintf(kyso, sizeof kyso, "%s/kyso", b && *b ? b : ".");
    char file[4096];
    snprintf(file, sizeof file, "%s", ks_test_sample());
    test_json(file);
    test_errors(file);
    return ks_test_done();
}
